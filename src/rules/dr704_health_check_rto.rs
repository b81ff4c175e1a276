//! DR704 health-check-rto: the time to detect a failure and for clients to see the new answer
//! (request_interval × failure_threshold + TTL) fits in the RTO objective.

use super::{Ctx, Level, Out, Rule, Shared, human_duration};
use crate::model::{ResourceId, Target};

pub static RULE: Rule = Rule {
    id: "DR704",
    name: "health-check-rto",
    family: "dns",
    level: Level::Warning,
    security_severity: None,
    needs: &["aws_route53_record"],
    shared: &[Shared::HealthChecks],
    check,
};

/// Seconds until a health check reports unhealthy, or why it cannot be known.
fn detection_secs(cx: &Ctx, hc: ResourceId) -> Result<Option<u64>, String> {
    let m = cx.model;
    let r = m.get(hc);
    let kind = r.get("type").str().unwrap_or("HTTP").to_ascii_uppercase();
    match kind.as_str() {
        "CALCULATED" | "RECOVERY_CONTROL" => Ok(None),
        "CLOUDWATCH_METRIC" => {
            let name = r.get("cloudwatch_alarm_name");
            let alarm = match m.target(hc, name) {
                Target::Literal(n) => m
                    .find_by_attr("aws_cloudwatch_metric_alarm", "alarm_name", n)
                    .first()
                    .copied(),
                Target::Resources(ids) => ids
                    .into_iter()
                    .find(|&i| m.get(i).rtype == "aws_cloudwatch_metric_alarm"),
                _ => None,
            };
            let Some(a) = alarm else {
                return Err("its CloudWatch alarm is not in the inputs".into());
            };
            let a = m.get(a);
            let period = a.get("period").num().unwrap_or(60.0);
            let evals = a.get("evaluation_periods").num().unwrap_or(1.0);
            Ok(Some((period * evals) as u64))
        }
        _ => {
            let interval = r.get("request_interval").num().unwrap_or(30.0);
            let threshold = r.get("failure_threshold").num().unwrap_or(3.0);
            Ok(Some((interval * threshold) as u64))
        }
    }
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let rto = cx.settings.rto_secs;
    for &id in m.of_type("aws_route53_record") {
        let r = m.get(id);
        let hc_v = r.get("health_check_id");
        if !hc_v.is_set() {
            continue;
        }
        let hc = cx.health_check(id);
        let Some(hc) = hc else {
            out.undecided(
                cx,
                id,
                "health_check_id",
                hc_v,
                "the health check is not in the inputs, so its detection time is unknown",
            );
            continue;
        };
        let detect = match detection_secs(cx, hc) {
            Ok(Some(d)) => d,
            Ok(None) => continue,
            Err(why) => {
                out.undecided(cx, id, "health_check_id", hc_v, why);
                continue;
            }
        };
        let ttl = if r.get("alias").is_empty_block() {
            r.get("ttl").num().unwrap_or(0.0) as u64
        } else {
            60
        };
        if detect + ttl > rto {
            out.fail(
                cx,
                id,
                "health_check_id",
                hc_v,
                format!(
                    "failure detection ({}) plus TTL ({}) is {}, above the RTO objective {}",
                    human_duration(detect),
                    human_duration(ttl),
                    human_duration(detect + ttl),
                    human_duration(rto)
                ),
            );
        }
    }
}
