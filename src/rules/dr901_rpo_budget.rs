//! DR901 rpo-budget: per data store, the worst-case recovery point after the loss of its region,
//! from its replication mechanism or cross-region backup copy, against the RPO objective. The
//! estimate is [`super::objectives::store_rpos`], the one `drlint posture` shows.

use super::objectives::{Estimate, StoreRpo, Verdict, store_rpos, strict_verdict};
use super::{Ctx, Level, Out, Rule, Shared, human_duration};

pub static RULE: Rule = Rule {
    id: "DR901",
    name: "rpo-budget",
    family: "objectives",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[Shared::S3, Shared::Backup],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    for s in store_rpos(cx) {
        if s.reported_by.is_some() {
            continue; // the rule named there reports the same shortfall as its own defect
        }
        let at = cx.model.get(s.resource).get(&s.attribute);
        match strict_verdict(cx, s.verdict) {
            Verdict::Met | Verdict::MetTypically => {}
            Verdict::Missed => out.fail(cx, s.resource, &s.attribute, at, message(&s)),
            Verdict::MissedTypically => {
                // AWS publishes only a typical figure: a warning unless --strict-objectives.
                out.fail(cx, s.resource, &s.attribute, at, message(&s));
                out.with_level(Level::Warning);
            }
            Verdict::Undetermined => out.undecided(cx, s.resource, &s.attribute, at, message(&s)),
        }
    }
}

/// "{store}: {mechanism}: RPO {estimate}, {against the objective} ({facts})".
fn message(s: &StoreRpo) -> String {
    let rpo = human_duration(s.objective_secs);
    let est = s.estimate.describe();
    let note = if s.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", s.note)
    };
    let judged = match (&s.estimate, s.verdict) {
        (Estimate::Never, _) => {
            format!("losing its region loses the data, so no RPO objective holds ({rpo} set)")
        }
        (Estimate::Unknown { why }, _) => {
            format!("whether it meets the RPO objective {rpo} cannot be told: {why}")
        }
        (_, Verdict::MetTypically) => format!(
            "RPO {est}{note}: within the RPO objective {rpo} only as far as AWS publishes figures, and --strict-objectives asks for a published bound"
        ),
        (_, Verdict::MissedTypically) => format!(
            "RPO {est}{note}, beyond the RPO objective {rpo} even typically (a warning: AWS publishes no bound; an error with --strict-objectives)"
        ),
        _ => format!(
            "RPO {}{note}, beyond the RPO objective {rpo}",
            s.estimate.describe_against(s.objective_secs)
        ),
    };
    let facts: Vec<String> = s.facts.iter().map(|f| f.cite()).collect();
    let facts = if facts.is_empty() {
        String::new()
    } else {
        format!(" ({})", facts.join("; "))
    };
    format!("{}: {}: {judged}{facts}", s.store, s.how)
}
