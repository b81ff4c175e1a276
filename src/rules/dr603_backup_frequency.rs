//! DR603 backup-frequency: backups run at least daily, and at least as often as the RPO allows
//! for data that has no continuous replication (no global database, no table replicas).

use super::backup::schedule_interval;
use super::{Ctx, Level, Out, Rule, Shared, human_duration, unknown_phrase};
use crate::model::ResourceId;

pub static RULE: Rule = Rule {
    id: "DR603",
    name: "backup-frequency",
    family: "backup",
    level: Level::Warning,
    security_severity: None,
    needs: &["aws_backup_plan"],
    shared: &[Shared::Backup],
    check,
};

/// How many exposed resources a message names before "and N more".
const LISTED: usize = 3;

/// Data whose only recovery point is the backup: no continuous replication or PITR.
fn backup_only(cx: &Ctx, id: ResourceId) -> bool {
    let r = cx.model.get(id);
    match r.rtype {
        "aws_rds_cluster" => !r.get("global_cluster_identifier").is_set(),
        "aws_dynamodb_table" => {
            r.get("replica").items().next().is_none()
                && r.get("point_in_time_recovery").get("enabled").bool() != Some(true)
        }
        _ => false,
    }
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let cov = cx.backup_coverage();
    let rpo = cx.settings.rpo_secs;
    // plan → resources it protects that have no other recovery mechanism
    let mut exposed_by_plan: std::collections::HashMap<ResourceId, Vec<&str>> =
        std::collections::HashMap::new();
    for (res, plans) in &cov.plans {
        if backup_only(cx, *res) {
            for p in plans {
                exposed_by_plan
                    .entry(*p)
                    .or_default()
                    .push(m.get(*res).address.as_str());
            }
        }
    }
    for &p in m.of_type("aws_backup_plan") {
        // The plan's schedules; a weekly long-retention rule beside a daily one is fine, so
        // the plan is judged by its most frequent rule.
        let mut schedules: Vec<(String, &crate::value::Value, String, u64)> = Vec::new();
        for (i, rule) in m.get(p).get("rule").items().enumerate() {
            let sched = rule.get("schedule");
            let attr = format!("rule[{i}].schedule");
            let Some(expr) = sched.str() else {
                if sched.is_set() {
                    out.undecided(
                        cx,
                        p,
                        &attr,
                        sched,
                        format!("the schedule is {}", unknown_phrase(cx, p)),
                    );
                } else {
                    // No schedule: AWS Backup's default is daily.
                    schedules.push((attr, sched, "default (daily)".into(), 86_400));
                }
                continue;
            };
            match schedule_interval(expr) {
                Some(interval) => schedules.push((attr, sched, format!("`{expr}`"), interval)),
                None => out.undecided(
                    cx,
                    p,
                    &attr,
                    sched,
                    format!("cannot read the schedule expression `{expr}`"),
                ),
            }
        }
        let Some(best) = schedules.iter().map(|s| s.3).min() else {
            continue;
        };
        if best > 86_400 {
            for (attr, at, expr, interval) in &schedules {
                out.fail(
                    cx,
                    p,
                    attr,
                    at,
                    format!("schedule {expr} runs less often than daily (up to {} between backups) and no rule of this plan runs daily", human_duration(*interval)),
                );
            }
            continue;
        }
        let exposed = exposed_by_plan.get(&p).cloned().unwrap_or_default();
        if best > rpo && !exposed.is_empty() {
            // The first few by address and how many in all: one plan can protect thousands.
            let mut names = exposed;
            names.sort_unstable();
            let total = names.len();
            names.truncate(LISTED);
            let names = if total > LISTED {
                vec![format!("{} and {} more", names.join(", "), total - LISTED)]
            } else {
                names.into_iter().map(str::to_string).collect()
            };
            let (attr, at, expr, interval) =
                schedules.iter().find(|s| s.3 == best).expect("best exists");
            out.fail(
                cx,
                p,
                attr,
                at,
                format!(
                    "schedule {expr} allows {} of data loss for {} (protected only by backups), above the RPO objective {}",
                    human_duration(*interval),
                    names.join(", "),
                    human_duration(rpo)
                ),
            );
        }
    }
}
