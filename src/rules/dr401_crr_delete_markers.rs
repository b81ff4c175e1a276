//! DR401 crr-delete-markers: a replication rule with a `filter` (schema V2) replicates delete
//! markers only when `delete_marker_replication` is Enabled; a tag-filtered rule never can. Without
//! them, objects deleted in the primary stay visible in the DR bucket — a failover serves stale data.

use super::{Ctx, Level, Out, Rule, Shared, unknown_phrase};
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR401",
    name: "crr-delete-markers",
    family: "replication",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_s3_bucket"],
    shared: &[Shared::S3],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let s3 = cx.s3();
    for rule in s3.crr_rules(cx) {
        if rule.enabled() == Tri::No {
            continue;
        }
        let filter = rule.filter();
        if filter.is_unknown() && filter.is_set() {
            out.undecided(
                cx,
                rule.owner,
                &format!("{}.filter", rule.path),
                filter,
                format!("the rule's filter is {}", unknown_phrase(cx, rule.owner)),
            );
            continue;
        }
        if !rule.has_filter() {
            continue; // V1 rule (prefix only): delete markers are replicated.
        }
        if rule.tag_filtered() {
            out.fail(
                cx,
                rule.owner,
                &format!("{}.filter", rule.path),
                filter,
                "the replication rule filters by tag: tag-filtered rules can never replicate delete markers",
            );
            continue;
        }
        let dm = rule.delete_markers();
        match dm.str() {
            Some("Enabled") => {}
            Some(other) => out.fail(
                cx,
                rule.owner,
                &format!("{}.{}", rule.path, rule.delete_marker_attr()),
                dm,
                format!("the replication rule uses `filter` and delete marker replication is {other}: deletes in the source never reach the replica"),
            ),
            None if dm.is_unknown() && dm.is_set() => {
                out.undecided(cx, rule.owner, &format!("{}.{}", rule.path, rule.delete_marker_attr()), dm, format!("delete marker replication is {}", unknown_phrase(cx, rule.owner)))
            }
            None => out.fail(
                cx,
                rule.owner,
                &format!("{}.filter", rule.path),
                filter,
                "the replication rule uses `filter` but has no delete_marker_replication { status = \"Enabled\" }: deletes in the source never reach the replica",
            ),
        }
    }
}
