//! DR603 backup-frequency: backups run at least daily, and at least as often as the RPO allows
//! for data that has no continuous replication (no global database, no table replicas).

use super::backup::{coverage, schedule_interval};
use super::{Ctx, Level, Out, Rule, human_duration};
use crate::model::ResourceId;

pub static RULE: Rule = Rule {
    id: "DR603",
    name: "backup-frequency",
    family: "backup",
    level: Level::Warning,
    security_severity: 4.0,
    check,
};

/// Data whose only recovery point is the backup: no continuous replication or PITR.
fn backup_only(cx: &Ctx, id: ResourceId) -> bool {
    let r = cx.model.get(id);
    match r.rtype.as_str() {
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
    let cov = coverage(cx);
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
                        "the schedule is only known after apply",
                    );
                }
                continue; // no schedule: AWS Backup's default is daily
            };
            let Some(interval) = schedule_interval(expr) else {
                out.undecided(
                    cx,
                    p,
                    &attr,
                    sched,
                    format!("cannot read the schedule expression `{expr}`"),
                );
                continue;
            };
            if interval > 86_400 {
                out.fail(
                    cx,
                    p,
                    &attr,
                    sched,
                    format!(
                        "schedule `{expr}` runs less often than daily (up to {} between backups)",
                        human_duration(interval)
                    ),
                );
                continue;
            }
            let exposed = exposed_by_plan.get(&p).cloned().unwrap_or_default();
            if interval > rpo && !exposed.is_empty() {
                let mut names = exposed;
                names.sort_unstable();
                out.fail(
                    cx,
                    p,
                    &attr,
                    sched,
                    format!(
                        "schedule `{expr}` allows {} of data loss for {} (protected only by backups), above the RPO objective {}",
                        human_duration(interval),
                        names.join(", "),
                        human_duration(rpo)
                    ),
                );
            }
        }
    }
}
