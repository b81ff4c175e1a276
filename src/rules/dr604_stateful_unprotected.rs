//! DR604 stateful-unprotected: every Aurora cluster and DynamoDB table is selected by a backup
//! plan, and every DynamoDB table and replica has point-in-time recovery.

use super::backup::protected_candidates;
use super::{Ctx, Level, Out, Rule, Shared, unknown_phrase};
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR604",
    name: "stateful-unprotected",
    family: "backup",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[Shared::Backup],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let cov = cx.backup_coverage();
    for id in protected_candidates(cx) {
        if cov.plans.contains_key(&id) {
            continue;
        }
        let r = m.get(id);
        let at = r.get(if r.rtype == "aws_dynamodb_table" {
            "name"
        } else {
            "cluster_identifier"
        });
        match cov.unresolved.first() {
            Some((sel, why)) => out.undecided(cx, id, "", at, format!("no backup plan is known to select this resource, but {} cannot be followed: {why}", m.get(*sel).address)),
            None => out.fail(cx, id, "", at, format!("no AWS Backup plan selects this {} (by ARN, reference or tag)", r.rtype)),
        }
    }
    for &t in m.of_type("aws_dynamodb_table") {
        let r = m.get(t);
        let pitr = r.get("point_in_time_recovery").get("enabled");
        match pitr.tri(false) {
            Tri::No => out.fail(
                cx,
                t,
                "point_in_time_recovery",
                r.get("point_in_time_recovery"),
                "point-in-time recovery is not enabled on the table",
            ),
            Tri::Unknown => out.undecided(
                cx,
                t,
                "point_in_time_recovery",
                pitr,
                format!("point_in_time_recovery is {}", unknown_phrase(cx, t)),
            ),
            Tri::Yes => {}
        }
        for (i, rep) in r.get("replica").items().enumerate() {
            let v = rep.get("point_in_time_recovery");
            let region = rep.get("region_name").str().unwrap_or("its region");
            match v.tri(false) {
                Tri::No => out.fail(
                    cx,
                    t,
                    &format!("replica[{i}].point_in_time_recovery"),
                    if v.is_absent() { rep } else { v },
                    format!("the replica in {region} has no point-in-time recovery"),
                ),
                Tri::Unknown => out.undecided(
                    cx,
                    t,
                    &format!("replica[{i}].point_in_time_recovery"),
                    v,
                    format!("point_in_time_recovery is {}", unknown_phrase(cx, t)),
                ),
                Tri::Yes => {}
            }
        }
    }
    for &t in m.of_type("aws_dynamodb_table_replica") {
        let v = m.get(t).get("point_in_time_recovery");
        if v.tri(false) == Tri::No {
            out.fail(
                cx,
                t,
                "point_in_time_recovery",
                v,
                "the table replica has no point-in-time recovery",
            );
        }
    }
}
