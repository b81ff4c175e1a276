//! DR402 crr-not-cross-region: a primary-region bucket that holds data replicates to a bucket in
//! another region. Same-region replication protects against nothing a regional outage does.

use super::s3::BucketRef;
use super::{Ctx, Level, Out, Rule, Shared};
use crate::value::{Tri, Value};

pub static RULE: Rule = Rule {
    id: "DR402",
    name: "crr-not-cross-region",
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
    let rules = s3.crr_rules(cx);
    // Buckets that are replication destinations or log targets are not primary data.
    // A bucket that is only a destination is a copy; one that also replicates out (two-way
    // replication for failback) holds primary data and is checked.
    let mut destinations = std::collections::HashSet::new();
    let mut sources = std::collections::HashSet::new();
    // The rules of each source bucket, in order (each bucket scanned every rule before).
    let mut by_source: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for r in &rules {
        if let BucketRef::Bucket(d) = s3.destination(r) {
            destinations.insert(d);
        }
        sources.extend(r.source);
        if let Some(b) = r.source {
            by_source.entry(b).or_default().push(r);
        }
    }
    for &b in m.of_type("aws_s3_bucket") {
        if (destinations.contains(&b) && !sources.contains(&b)) || s3.log_targets.contains(&b) {
            continue;
        }
        let bucket = m.get(b);
        let Some(region) = bucket.region else {
            if cx.settings.primary.is_some() {
                out.undecided(
                    cx,
                    b,
                    "",
                    Value::absent(),
                    "the bucket's region is unknown, so it is not known whether it must replicate",
                );
            }
            continue;
        };
        match cx.is_primary(b) {
            Some(true) => {}
            Some(false) => continue,
            None => continue,
        }
        let mut cross = false;
        let mut undecided: Option<String> = None;
        let mut same_region = false;
        for r in by_source.get(&b).into_iter().flatten() {
            if r.enabled() == Tri::No {
                continue;
            }
            match s3.destination(r) {
                BucketRef::Bucket(d) => match m.get(d).region {
                    Some(dr) if dr != region => cross = true,
                    Some(_) => same_region = true,
                    None => {
                        undecided = Some(format!(
                            "the region of destination {} is unknown",
                            m.get(d).address
                        ))
                    }
                },
                BucketRef::External(name) => {
                    undecided = Some(format!(
                        "destination bucket `{name}` is not in the inputs, so its region is unknown"
                    ))
                }
                BucketRef::Unresolved(what) => {
                    undecided = Some(format!("the destination bucket comes from {what}"))
                }
            }
        }
        if cross {
            continue;
        }
        if undecided.is_none() {
            undecided = s3.may_replicate(cx, b);
        }
        let at = bucket.get("bucket");
        if let Some(why) = undecided {
            out.undecided(cx, b, "replication", at, why);
        } else if same_region {
            out.fail(cx, b, "replication", at, format!("this {region} bucket only replicates within {region}: same-region replication does not survive a regional outage"));
        } else {
            out.fail(cx, b, "replication", at, format!("this bucket in the primary region {region} has no replication rule to a bucket in another region"));
        }
    }
}
