//! DR703 routing-health-check: weighted, latency and geolocation records of a multi-record set are
//! health-checked, or Route 53 keeps sending traffic to a dead region.

use super::route53::{health_checked, sets_with_policy};
use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR703",
    name: "routing-health-check",
    family: "dns",
    level: Level::Warning,
    security_severity: None,
    needs: &["aws_route53_record"],
    shared: &[],
    check,
};

const POLICIES: &[&str] = &[
    "weighted_routing_policy",
    "latency_routing_policy",
    "geolocation_routing_policy",
    "geoproximity_routing_policy",
];

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let (sets, _unknown) = sets_with_policy(cx, POLICIES);
    for ((_, name, rtype), ids) in sets {
        if ids.len() < 2 {
            continue;
        }
        for id in ids {
            let r = m.get(id);
            let policy = POLICIES
                .iter()
                .find(|p| !r.get(p).is_empty_block())
                .copied()
                .unwrap_or("routing policy");
            match health_checked(cx, id) {
                Tri::No => out.fail(
                    cx,
                    id,
                    "health_check_id",
                    r.get("health_check_id"),
                    format!("{} record of the {rtype} set `{name}` has no health check: Route 53 keeps routing to it when its region fails", policy.trim_end_matches("_routing_policy")),
                ),
                Tri::Unknown => out.undecided(cx, id, "alias[0].evaluate_target_health", r.get("alias"), format!("evaluate_target_health is {}", unknown_phrase(cx, id))),
                Tri::Yes => {}
            }
        }
    }
}
