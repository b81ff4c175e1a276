//! DR803 dynamodb-global-replica: a DynamoDB table in the primary region has a replica in the DR
//! region (global table), inline, as an `aws_dynamodb_table_replica`, or through a legacy
//! `aws_dynamodb_global_table` of the same name. Without one, losing the
//! primary region loses the table; backups restore only into a region that is still up, hours
//! later.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::{ResourceId, Target};
use crate::value::{Kind, Value};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    id: "DR803",
    name: "dynamodb-global-replica",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_dynamodb_table"],
    shared: &[],
    check,
};

/// The aws_dynamodb_table_replica resources by the table their global_table_arn names, read
/// once (each table scanned every replica before).
struct Replicas<'v> {
    by_ref: HashMap<ResourceId, Vec<ResourceId>>,
    /// By the literal ARN.
    by_arn: HashMap<&'v str, Vec<ResourceId>>,
    /// By (region, table name) of a literal `arn:aws:dynamodb:REGION:…:table/NAME`, under every
    /// NAME that follows a `:table/`.
    by_region_name: HashMap<(&'v str, &'v str), Vec<ResourceId>>,
    /// The first replica whose global_table_arn cannot be followed, and why.
    unresolved: Option<(ResourceId, String)>,
}

impl<'v> Replicas<'v> {
    fn new(cx: &'v Ctx) -> Replicas<'v> {
        let m = cx.model;
        let mut ix = Replicas {
            by_ref: HashMap::new(),
            by_arn: HashMap::new(),
            by_region_name: HashMap::new(),
            unresolved: None,
        };
        for &rp in m.of_type("aws_dynamodb_table_replica") {
            let rr = m.get(rp);
            match m.target(rp, rr.get("global_table_arn")) {
                Target::Resources(ids) => {
                    for t in ids {
                        ix.by_ref.entry(t).or_default().push(rp);
                    }
                }
                Target::Literal(s) => {
                    ix.by_arn.entry(s).or_default().push(rp);
                    if let Some(rest) = s.strip_prefix("arn:aws:dynamodb:")
                        && let Some((region, _)) = rest.split_once(':')
                    {
                        for (i, _) in s.match_indices(":table/") {
                            let name = &s[i + ":table/".len()..];
                            // The prefix `arn:aws:dynamodb:REGION:` and the suffix may share
                            // the colon after the region, no more.
                            if i >= "arn:aws:dynamodb:".len() + region.len() {
                                ix.by_region_name.entry((region, name)).or_default().push(rp);
                            }
                        }
                    }
                }
                Target::Unresolved(what) => {
                    ix.unresolved.get_or_insert_with(|| {
                        (rp, format!("the global_table_arn of {} comes from {what}", rr.address))
                    });
                }
                Target::Unset => {}
            }
        }
        ix
    }
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let replicas = Replicas::new(cx);
    for &t in m.of_type("aws_dynamodb_table") {
        let r = m.get(t);
        let at = r.get("name");
        let Some(region) = r.region else {
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
        // The replicas whose global_table_arn names this table, in model order, with the
        // first one that cannot be followed at its place (as a scan over them would meet it).
        let mut named: Vec<ResourceId> = replicas.by_ref.get(&t).cloned().unwrap_or_default();
        if let Some(a) = r.get("arn").str() {
            named.extend(replicas.by_arn.get(a).into_iter().flatten());
        }
        if let Some(name) = at.str() {
            named.extend(replicas.by_region_name.get(&(region, name)).into_iter().flatten());
        }
        named.sort_unstable();
        named.dedup();
        for rp in named {
            if let Some((u, why)) = &replicas.unresolved
                && *u < rp
            {
                undecided.get_or_insert_with(|| why.clone());
            }
            let rr = m.get(rp);
            match rr.region {
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
        if let Some((_, why)) = &replicas.unresolved {
            undecided.get_or_insert_with(|| why.clone());
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
