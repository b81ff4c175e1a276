//! DR601 backup-retention: recovery points are kept at least `min_retention_days` (7), so a
//! corruption noticed late can still be rolled back.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::value::Kind;

pub static RULE: Rule = Rule {
    id: "DR601",
    name: "backup-retention",
    family: "backup",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_backup_plan"],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let min = f64::from(cx.settings.min_retention_days);
    for &p in m.of_type("aws_backup_plan") {
        for (i, rule) in m.get(p).get("rule").items().enumerate() {
            let d = rule.get("lifecycle").get("delete_after");
            match (d.num(), d.kind()) {
                (Some(days), _) if days < min => out.fail(
                    cx,
                    p,
                    &format!("rule[{i}].lifecycle[0].delete_after"),
                    d,
                    format!(
                        "backup rule keeps recovery points {days} days; at least {min} are required"
                    ),
                ),
                (None, Kind::Unknown(u)) if u.configured => out.undecided(
                    cx,
                    p,
                    &format!("rule[{i}].lifecycle[0].delete_after"),
                    d,
                    format!("delete_after is {}", unknown_phrase(cx, p)),
                ),
                _ => {}
            }
        }
    }
    for id in cx.databases() {
        let v = m.get(id).get("backup_retention_period");
        let days = match (v.kind(), v.num()) {
            (_, Some(n)) => n,
            (Kind::Unknown(u), None) if u.configured => {
                out.undecided(
                    cx,
                    id,
                    "backup_retention_period",
                    v,
                    format!("backup_retention_period is {}", unknown_phrase(cx, id)),
                );
                continue;
            }
            _ => 1.0, // AWS default
        };
        if days < min {
            let shown = if v.num().is_some() {
                v.display()
            } else {
                "not set (AWS default: 1 day)".into()
            };
            out.fail(
                cx,
                id,
                "backup_retention_period",
                v,
                format!("backup_retention_period is {shown}; at least {min} days are required"),
            );
        }
    }
}
