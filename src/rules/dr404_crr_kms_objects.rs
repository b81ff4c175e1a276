//! DR404 crr-kms-objects: S3 does not replicate SSE-KMS objects unless the rule opts in and names
//! a replica key in the destination region; otherwise the encrypted objects silently stay behind.

use super::kms::{KeyRegion, key_region};
use super::s3::{BucketRef, Sse};
use super::{Ctx, Level, Out, Rule, Shared, unknown_phrase};
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR404",
    name: "crr-kms-objects",
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
    for rule in s3.crr_rules(cx) {
        if rule.enabled() == Tri::No {
            continue;
        }
        let Some(src) = rule.source else { continue };
        match s3.sse(cx, src).1 {
            Sse::Kms(_) | Sse::KmsDefault => {}
            Sse::Unknown(why) => {
                out.undecided(
                    cx,
                    rule.owner,
                    &rule.path,
                    rule.rule,
                    format!("whether the source bucket uses SSE-KMS is unknown: {why}"),
                );
                continue;
            }
            _ => continue,
        }
        let (sel_attr, selected) = rule.kms_objects_selected();
        let (key_attr, key) = rule.replica_kms_key();
        match selected {
            Tri::No => out.fail(
                cx,
                rule.owner,
                &format!("{}.{sel_attr}", rule.path),
                rule.rule.get("source_selection_criteria"),
                "the source bucket uses SSE-KMS but the rule does not select SSE-KMS encrypted objects: they are not replicated",
            ),
            Tri::Unknown => out.undecided(cx, rule.owner, &format!("{}.{sel_attr}", rule.path), rule.rule, format!("source_selection_criteria is {}", unknown_phrase(cx, rule.owner))),
            Tri::Yes => {}
        }
        if !key.is_set() {
            out.fail(
                cx,
                rule.owner,
                &format!("{}.{key_attr}", rule.path),
                rule.destination(),
                "the source bucket uses SSE-KMS but the rule names no replica_kms_key_id for the destination",
            );
            continue;
        }
        let dest_region = match s3.destination(&rule) {
            BucketRef::Bucket(d) => m.get(d).region,
            _ => None,
        };
        let Some(dest_region) = dest_region else {
            out.undecided(cx, rule.owner, &format!("{}.{key_attr}", rule.path), key, "the destination bucket's region is unknown, so the replica key's region cannot be compared");
            continue;
        };
        match key_region(cx, rule.owner, key) {
            KeyRegion::Region(kr, _) if kr != dest_region => out.fail(
                cx,
                rule.owner,
                &format!("{}.{key_attr}", rule.path),
                key,
                format!(
                    "the replica key is in {kr} but the destination bucket is in {dest_region}"
                ),
            ),
            KeyRegion::Unknown(why) => out.undecided(
                cx,
                rule.owner,
                &format!("{}.{key_attr}", rule.path),
                key,
                why,
            ),
            _ => {}
        }
    }
}
