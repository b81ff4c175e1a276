//! Route 53 record sets, shared by DR701–DR705.

use super::Ctx;
use crate::model::{ResourceId, Target};
use crate::value::Tri;
use std::collections::{BTreeMap, HashMap};

/// The identity of a record set: zone, name and type.
pub type SetKey = (String, String, String);

/// Records of each set.
pub type RecordSets = BTreeMap<SetKey, Vec<ResourceId>>;

/// Zone, name and type of a record, or why they cannot be known.
pub fn set_key(cx: &Ctx, id: ResourceId) -> Result<SetKey, String> {
    let m = cx.model;
    let r = m.get(id);
    let zone = match m.target(id, r.get("zone_id")) {
        Target::Literal(z) => z.to_string(),
        Target::Resources(ids) => format!("{}#{}", m.get(ids[0]).file, m.get(ids[0]).address),
        Target::Unresolved(what) => return Err(format!("its zone_id comes from {what}")),
        Target::Unset => return Err("it has no zone_id".into()),
    };
    let name = r
        .get("name")
        .str()
        .ok_or_else(|| format!("its name is {}", r.origin.unknown_phrase()))?;
    let rtype = r
        .get("type")
        .str()
        .ok_or_else(|| format!("its type is {}", r.origin.unknown_phrase()))?;
    Ok((
        zone,
        name.trim_end_matches('.').to_ascii_lowercase(),
        rtype.to_ascii_uppercase(),
    ))
}

/// Whether the record is health-checked: a `health_check_id`, or an alias that evaluates its
/// target's health.
pub fn health_checked(cx: &Ctx, id: ResourceId) -> Tri {
    let r = cx.model.get(id);
    let hc = r.get("health_check_id");
    if hc.is_set() {
        return Tri::Yes;
    }
    let alias = r.get("alias");
    match alias.get("evaluate_target_health").tri(false) {
        Tri::Yes if !alias.is_empty_block() => Tri::Yes,
        Tri::Unknown => Tri::Unknown,
        _ => Tri::No,
    }
}

/// Records grouped by set, for records that have the given routing policy block.
pub fn sets_with_policy(cx: &Ctx, policies: &[&str]) -> (RecordSets, Vec<(ResourceId, String)>) {
    let m = cx.model;
    let mut sets: BTreeMap<SetKey, Vec<ResourceId>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for &id in m.of_type("aws_route53_record") {
        let r = m.get(id);
        if !policies.iter().any(|p| !r.get(p).is_empty_block()) {
            continue;
        }
        match set_key(cx, id) {
            Ok(k) => sets.entry(k).or_default().push(id),
            Err(why) => unknown.push((id, why)),
        }
    }
    (sets, unknown)
}

/// The health check of every record that sets `health_check_id` ([`Ctx::health_check`]: DR704,
/// DR807 and the RTO estimate of DR902 each ask for the same records).
pub fn health_checks(cx: &Ctx) -> HashMap<ResourceId, Option<ResourceId>> {
    let m = cx.model;
    m.of_type("aws_route53_record")
        .iter()
        .filter(|&&rec| m.get(rec).get("health_check_id").is_set())
        .map(|&rec| (rec, health_check_of(cx, rec)))
        .collect()
}

/// The health check a record names in `health_check_id`, if it is in the input.
pub fn health_check_of(cx: &Ctx, rec: ResourceId) -> Option<ResourceId> {
    let m = cx.model;
    match m.target(rec, m.get(rec).get("health_check_id")) {
        Target::Resources(ids) => ids
            .into_iter()
            .find(|&i| m.get(i).rtype == "aws_route53_health_check"),
        Target::Literal(s) => m
            .find_by_attr("aws_route53_health_check", "id", s)
            .first()
            .copied(),
        _ => None,
    }
}
