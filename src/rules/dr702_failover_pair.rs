//! DR702 failover-pair: a failover record set needs both a PRIMARY and a SECONDARY for the same
//! zone, name and type; half a pair has nowhere to fail over to.

use super::route53::sets_with_policy;
use super::{Ctx, Level, Out, Rule};

pub static RULE: Rule = Rule {
    id: "DR702",
    name: "failover-pair",
    family: "dns",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_route53_record"],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let (sets, unknown) = sets_with_policy(cx, &["failover_routing_policy"]);
    for (id, why) in unknown {
        out.undecided(
            cx,
            id,
            "failover_routing_policy",
            m.get(id).get("failover_routing_policy"),
            format!("the failover pair cannot be checked: {why}"),
        );
    }
    for ((_, name, rtype), ids) in sets {
        let types: Vec<String> = ids
            .iter()
            .filter_map(|&i| {
                m.get(i)
                    .get("failover_routing_policy")
                    .get("type")
                    .str()
                    .map(str::to_ascii_uppercase)
            })
            .collect();
        if types.len() < ids.len() {
            continue; // some type unknown: DR701 reports it
        }
        for (want, have) in [("SECONDARY", "PRIMARY"), ("PRIMARY", "SECONDARY")] {
            if types.iter().any(|t| t == have) && !types.iter().any(|t| t == want) {
                let id = ids[types.iter().position(|t| t == have).unwrap_or(0)];
                out.fail(
                    cx,
                    id,
                    "failover_routing_policy[0].type",
                    m.get(id).get("failover_routing_policy").get("type"),
                    format!(
                        "{rtype} record set `{name}` has a {have} failover record but no {want}"
                    ),
                );
            }
        }
    }
}
