//! DR403 crr-versioning: S3 replication requires versioning Enabled on source and destination;
//! without it the replication configuration is rejected (or stops when versioning is suspended).

use super::s3::BucketRef;
use super::{Ctx, Level, Out, Rule, Shared, unknown_phrase};
use crate::model::ResourceId;
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR403",
    name: "crr-versioning",
    family: "replication",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_s3_bucket"],
    shared: &[Shared::S3],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let s3 = cx.s3();
    let mut checked: std::collections::HashSet<ResourceId> = std::collections::HashSet::new();
    let mut check_bucket = |out: &mut Out, b: ResourceId, role: &str| {
        if !checked.insert(b) {
            return;
        }
        let (owner, attr, t, why) = s3.versioning(cx, b);
        let at = m.get(owner).get(attr.split('[').next().unwrap_or(attr));
        let name = &m.get(b).address;
        match t {
            Tri::Yes => {}
            Tri::No => out.fail(
                cx,
                owner,
                attr,
                at,
                format!("replication {role} {name} does not have versioning Enabled"),
            ),
            Tri::Unknown => out.undecided(
                cx,
                owner,
                attr,
                at,
                match why {
                    Some(why) => format!("versioning of replication {role} {name} is unknown: {why}"),
                    None => format!(
                        "versioning of replication {role} {name} is {}",
                        unknown_phrase(cx, owner)
                    ),
                },
            ),
        }
    };
    for rule in s3.crr_rules(cx) {
        if rule.enabled() == Tri::No {
            continue;
        }
        if let Some(src) = rule.source {
            check_bucket(out, src, "source");
        }
        match s3.destination(&rule) {
            BucketRef::Bucket(d) => check_bucket(out, d, "destination"),
            BucketRef::External(_) => {}
            BucketRef::Unresolved(what) => out.undecided(
                cx,
                rule.owner,
                &format!("{}.destination[0].bucket", rule.path),
                rule.destination_bucket(),
                format!(
                    "the destination bucket comes from {what}, so its versioning cannot be checked"
                ),
            ),
        }
    }
}
