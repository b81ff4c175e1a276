//! DR701 failover-health-check: Route 53 fails over away from a PRIMARY record only if it is
//! health-checked; without a health check the PRIMARY is always considered healthy.

use super::route53::health_checked;
use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR701",
    name: "failover-health-check",
    family: "dns",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_route53_record"],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    for &id in m.of_type("aws_route53_record") {
        let r = m.get(id);
        let policy = r.get("failover_routing_policy");
        if policy.is_empty_block() {
            continue;
        }
        let t = policy.get("type");
        match t.str() {
            Some(s) if s.eq_ignore_ascii_case("PRIMARY") => {}
            Some(_) => continue,
            None => {
                if t.is_unknown() {
                    out.undecided(
                        cx,
                        id,
                        "failover_routing_policy[0].type",
                        t,
                        format!("the failover type is {}", unknown_phrase(cx, id)),
                    );
                }
                continue;
            }
        }
        match health_checked(cx, id) {
            Tri::Yes => {}
            Tri::No => out.fail(
                cx,
                id,
                "health_check_id",
                r.get("health_check_id"),
                "PRIMARY failover record without health_check_id (or alias with evaluate_target_health): Route 53 will never fail over",
            ),
            Tri::Unknown => out.undecided(cx, id, "alias[0].evaluate_target_health", r.get("alias"), format!("evaluate_target_health is {}", unknown_phrase(cx, id))),
        }
    }
}
