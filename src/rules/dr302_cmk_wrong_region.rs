//! DR302 cmk-wrong-region: KMS keys are regional. A resource in the DR region that points at a key
//! in the primary region fails to create — or, worse, fails during the failover it exists for.

use super::kms::{KeyRegion, Protection, TYPES, at_rest, has_replica_in, key_region};
use super::{Ctx, Level, Out, Rule, Shared};

pub static RULE: Rule = Rule {
    id: "DR302",
    name: "cmk-wrong-region",
    family: "encryption",
    level: Level::Error,
    security_severity: Some(7.5),
    needs: &[],
    shared: &[Shared::S3],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let s3 = cx.s3();
    for id in cx.model.of_types(TYPES) {
        for a in at_rest(cx, s3, id) {
            let Protection::Key(key) = a.protection else {
                continue;
            };
            let Some(region) = a.region else {
                out.undecided(
                    cx,
                    a.owner,
                    &a.attribute,
                    a.at,
                    "the region of the data is unknown, so the key's region cannot be compared",
                );
                continue;
            };
            match key_region(cx, a.owner, key) {
                KeyRegion::CallerRegion => {}
                KeyRegion::Unknown(why) => out.undecided(cx, a.owner, &a.attribute, key, why),
                KeyRegion::Region(kr, key_res) if kr != region => {
                    // A multi-region key's id (`mrk-…`) resolves to its replica in the caller's
                    // region; its ARN names the primary's region and is rejected there.
                    let by_id = cx
                        .model
                        .referenced_attributes_from(a.owner, key)
                        .iter()
                        .all(|a| a == "key_id" || a == "id");
                    if let Some(k) = key_res.filter(|_| by_id)
                        && has_replica_in(cx, k, region)
                    {
                        continue;
                    }
                    let name =
                        key_res.map_or_else(|| key.display(), |k| cx.model.get(k).address.clone());
                    out.fail(
                        cx,
                        a.owner,
                        &a.attribute,
                        key,
                        format!("the key {name} is in {kr} but the data is in {region}; use a key in {region} (or a multi-region key with a replica there)"),
                    );
                }
                KeyRegion::Region(..) => {}
            }
        }
    }
}
