//! DR803 dynamodb-global-replica: a DynamoDB table in the primary region has a replica in the DR
//! region (global table), inline, as an `aws_dynamodb_table_replica`, or through a legacy
//! `aws_dynamodb_global_table` of the same name. Without one, losing the
//! primary region loses the table; backups restore only into a region that is still up, hours
//! later.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::{ResourceId, Target};
use crate::value::{Kind, Value};

pub static RULE: Rule = Rule {
    id: "DR803",
    name: "dynamodb-global-replica",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_dynamodb_table"],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let replicas: Vec<ResourceId> = m.of_type("aws_dynamodb_table_replica").to_vec();
    for &t in m.of_type("aws_dynamodb_table") {
        let r = m.get(t);
        let at = r.get("name");
        let Some(region) = r.region.as_deref() else {
            if cx.settings.primary.is_some() {
                out.undecided(
                    cx,
                    t,
                    "replica",
                    at,
                    "the table's region is unknown, so it is not known whether it must have a replica in the DR region",
                );
            }
            continue;
        };
        if cx.is_primary(t) != Some(true) {
            continue;
        }
        let Some(dr) = cx.settings.dr.as_deref() else {
            out.undecided(
                cx,
                t,
                "replica",
                at,
                "the DR region is unknown, so it is not known whether this primary-region table has a replica there (set [regions] dr)",
            );
            continue;
        };
        let mut seen: Vec<String> = Vec::new();
        let mut undecided: Option<String> = None;
        let mut found = false;
        let inline = r.get("replica");
        if inline.is_unknown() && inline.is_set() {
            undecided = Some(format!("its replica blocks are {}", unknown_phrase(cx, t)));
        }
        if matches!(inline.kind(), Kind::Arr(_) | Kind::Obj(_)) {
            let blocks: Vec<&Value> = if matches!(inline.kind(), Kind::Arr(_)) {
                inline.items().collect()
            } else {
                vec![inline]
            };
            for rep in blocks {
                let rn = rep.get("region_name");
                match rn.str() {
                    Some(x) if x == dr => found = true,
                    Some(x) => seen.push(x.to_string()),
                    None if rn.is_set() => {
                        undecided.get_or_insert(format!(
                            "a replica's region_name is {}",
                            unknown_phrase(cx, t)
                        ));
                    }
                    None => {}
                }
            }
        }
        for &rp in &replicas {
            let rr = m.get(rp);
            let arn = rr.get("global_table_arn");
            let points = match m.target(rp, arn) {
                Target::Resources(ids) => ids.contains(&t),
                Target::Literal(s) => {
                    r.get("arn").str() == Some(s)
                        || (s.starts_with(&format!("arn:aws:dynamodb:{region}:"))
                            && s.ends_with(&format!(":table/{}", at.str().unwrap_or("\0"))))
                }
                Target::Unresolved(what) => {
                    undecided.get_or_insert(format!(
                        "the global_table_arn of {} comes from {what}",
                        rr.address
                    ));
                    false
                }
                Target::Unset => false,
            };
            if !points {
                continue;
            }
            match rr.region.as_deref() {
                Some(x) if x == dr => found = true,
                Some(x) => seen.push(x.to_string()),
                None => {
                    undecided.get_or_insert(format!(
                        "the region of table replica {} is unknown",
                        rr.address
                    ));
                }
            }
        }
        // Global tables version 2017.11.29: an aws_dynamodb_global_table of the same name lists
        // the regions, each holding its own aws_dynamodb_table.
        if let Some(name) = at.str() {
            for &gt in m.find_by_attr("aws_dynamodb_global_table", "name", name).iter() {
                for rep in m.get(gt).get("replica").items() {
                    match rep.get("region_name").str() {
                        Some(x) if x == dr => found = true,
                        Some(x) if x != region => seen.push(x.to_string()),
                        Some(_) => {}
                        None => {
                            undecided.get_or_insert(format!(
                                "a region_name of {} is {}",
                                m.get(gt).address,
                                unknown_phrase(cx, gt)
                            ));
                        }
                    }
                }
            }
        }
        if found {
            continue;
        }
        if let Some(why) = undecided {
            out.undecided(
                cx,
                t,
                "replica",
                at,
                format!("no replica in the DR region {dr} is known: {why}"),
            );
            continue;
        }
        seen.sort();
        seen.dedup();
        let others = if seen.is_empty() {
            "it has no replica at all".to_string()
        } else {
            format!("its replicas are only in {}", seen.join(", "))
        };
        out.fail(
            cx,
            t,
            "replica",
            at,
            format!("this table in the primary region {region} has no replica in the DR region {dr} ({others}): losing {region} loses the table"),
        );
    }
}
