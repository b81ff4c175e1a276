//! DR902 rto-budget: per Route 53 failover record pair, the recovery time after the primary
//! fails: health-check detection + DNS TTL + promotion of the data tier in the secondary's
//! region, against the RTO objective. The estimate is [`super::objectives::failover_rtos`], the
//! one `drlint posture` shows.

use super::objectives::{
    Estimate, PathRto, R53_DETECT, R53_PROPAGATION, Verdict, failover_rtos,
    strict_verdict,
};
use super::{Ctx, Level, Out, Rule, Shared, human_duration};

pub static RULE: Rule = Rule {
    id: "DR902",
    name: "rto-budget",
    family: "objectives",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_route53_record"],
    shared: &[Shared::HealthChecks],
    check,
};

const ATTR: &str = "failover_routing_policy";

fn check(cx: &Ctx, out: &mut Out) {
    for p in failover_rtos(cx) {
        if p.reported_by.is_some() {
            continue; // the rule named there reports the same shortfall as its own defect
        }
        let at = cx.model.get(p.primary).get(ATTR);
        match strict_verdict(cx, p.verdict) {
            Verdict::Met | Verdict::MetTypically => {}
            Verdict::Missed => out.fail(cx, p.primary, ATTR, at, message(&p)),
            Verdict::MissedTypically => {
                // AWS publishes only a typical figure: a warning unless --strict-objectives.
                out.fail(cx, p.primary, ATTR, at, message(&p));
                out.with_level(Level::Warning);
            }
            Verdict::Undetermined => out.undecided(cx, p.primary, ATTR, at, message(&p)),
        }
    }
}

fn term(e: &Estimate) -> String {
    match e {
        Estimate::Bound { secs } => human_duration(*secs),
        Estimate::Typical { secs, .. } => format!("typically {}", human_duration(*secs)),
        other => other.describe(),
    }
}

/// "failover of `name` to {target}: detection … + TTL … + promotion … = RTO …, {against the
/// objective} ({facts})".
fn message(p: &PathRto) -> String {
    let rto = human_duration(p.objective_secs);
    let detection = if p.detection_how.is_empty() {
        format!("detection {}", term(&p.detection))
    } else {
        format!("detection {} ({})", term(&p.detection), p.detection_how)
    };
    let mut terms = vec![detection, format!("TTL {}", term(&p.ttl))];
    if let Some(pm) = &p.promotion {
        terms.push(format!("{} {}", pm.what, term(&pm.estimate)));
    }
    let note = if p.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", p.note)
    };
    let judged = match (&p.total, p.verdict) {
        (Estimate::Unknown { why }, _) => {
            format!("whether it meets the RTO objective {rto} cannot be told: {why}")
        }
        (Estimate::Never, _) => format!("the primary never fails over ({rto} RTO objective)"),
        (t, Verdict::MetTypically) => format!(
            "RTO {}{note}: within the RTO objective {rto} only as far as AWS publishes figures, and --strict-objectives asks for a published bound",
            t.describe()
        ),
        (t, Verdict::MissedTypically) => format!(
            "RTO {}{note}, beyond the RTO objective {rto} even typically (a warning: AWS publishes no bound; an error with --strict-objectives)",
            t.describe()
        ),
        (t, _) => format!(
            "RTO {}{note}, beyond the RTO objective {rto}",
            t.describe_against(p.objective_secs)
        ),
    };
    let mut facts = vec![R53_DETECT.cite(), R53_PROPAGATION.cite()];
    if let Some(pm) = &p.promotion {
        facts.push(pm.fact.cite());
    }
    format!(
        "failover of `{}` to {}: {} = {judged} ({})",
        p.name,
        p.secondary_target,
        terms.join(" + "),
        facts.join("; ")
    )
}
