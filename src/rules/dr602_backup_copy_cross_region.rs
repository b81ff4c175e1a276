//! DR602 backup-copy-cross-region: every backup rule copies its recovery points to a vault in
//! another region, kept at least `min_retention_days`; a backup in the failed region is no backup.

use super::backup::vault_region;
use super::{Ctx, Level, Out, Rule};

pub static RULE: Rule = Rule {
    id: "DR602",
    name: "backup-copy-cross-region",
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
        let plan = m.get(p);
        for (i, rule) in plan.get("rule").items().enumerate() {
            let copies = rule.get("copy_action");
            if copies.is_empty_block() {
                out.fail(
                    cx,
                    p,
                    &format!("rule[{i}].copy_action"),
                    rule,
                    "backup rule has no copy_action to a vault in another region",
                );
                continue;
            }
            let mut cross = false;
            let mut undecided = None;
            for (j, c) in copies.items().enumerate() {
                let dest = c.get("destination_vault_arn");
                match (vault_region(cx, p, dest), plan.region) {
                    (Ok(Some(vr)), Some(pr)) if vr != pr => {
                        cross = true;
                        let d = c.get("lifecycle").get("delete_after");
                        if let Some(days) = d.num().filter(|d| *d < min) {
                            out.fail(
                                cx,
                                p,
                                &format!("rule[{i}].copy_action[{j}].lifecycle[0].delete_after"),
                                d,
                                format!("the cross-region copy is kept {days} days; at least {min} are required"),
                            );
                        }
                    }
                    (Ok(Some(_)), Some(_)) => {}
                    (Ok(_), _) => {
                        undecided = Some(
                            "the region of the plan or of its destination vault is unknown"
                                .to_string(),
                        )
                    }
                    (Err(why), _) => undecided = Some(why),
                }
            }
            if !cross {
                match undecided {
                    Some(why) => {
                        out.undecided(cx, p, &format!("rule[{i}].copy_action"), copies, why)
                    }
                    None => out.fail(
                        cx,
                        p,
                        &format!("rule[{i}].copy_action"),
                        copies,
                        format!(
                            "every copy_action targets a vault in the plan's own region {}",
                            plan.region.unwrap_or("")
                        ),
                    ),
                }
            }
        }
    }
}
