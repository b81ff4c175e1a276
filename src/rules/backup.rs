//! AWS Backup plans and selections: which stateful resources each plan protects. Shared by
//! DR601–DR604.

use super::Ctx;
use crate::config::glob_match;
use crate::model::{ResourceId, Target, arn_region};
use crate::value::Value;
use std::collections::HashMap;

/// Stateful resources a DR stack must back up: Aurora clusters and DynamoDB tables.
pub fn protected_candidates(cx: &Ctx) -> Vec<ResourceId> {
    let m = cx.model;
    let mut v: Vec<ResourceId> = m
        .of_type("aws_rds_cluster")
        .iter()
        .copied()
        .filter(|&c| {
            m.get(c)
                .get("engine")
                .str()
                .is_none_or(|e| e.starts_with("aurora"))
        })
        .collect();
    v.extend(m.of_type("aws_dynamodb_table").iter().copied());
    v
}

/// The ARN AWS gives the resource: its `arn`, or, when that is only known after apply, one built
/// from its name and region for wildcard matching (`pattern_account` stands in for an unknown
/// account).
pub fn arn_for(cx: &Ctx, id: ResourceId, pattern_account: &str) -> Option<String> {
    let r = cx.model.get(id);
    if let Some(a) = r.get("arn").nonempty_str() {
        return Some(a.to_string());
    }
    let region = r.region.as_deref()?;
    let account = r.account.as_deref().unwrap_or(pattern_account);
    match r.rtype.as_str() {
        "aws_dynamodb_table" => Some(format!(
            "arn:aws:dynamodb:{region}:{account}:table/{}",
            r.get("name").str()?
        )),
        "aws_rds_cluster" => Some(format!(
            "arn:aws:rds:{region}:{account}:cluster:{}",
            r.get("cluster_identifier").str()?
        )),
        "aws_db_instance" => Some(format!(
            "arn:aws:rds:{region}:{account}:db:{}",
            r.get("identifier").str()?
        )),
        "aws_s3_bucket" => Some(format!("arn:aws:s3:::{}", r.get("bucket").str()?)),
        _ => None,
    }
}

/// Coverage of stateful resources by backup plans.
#[derive(Default)]
pub struct Coverage {
    /// resource → plans that select it
    pub plans: HashMap<ResourceId, Vec<ResourceId>>,
    /// Selections whose resources cannot be resolved (a variable, a module output): coverage of
    /// every candidate is then undecided rather than failed.
    pub unresolved: Vec<(ResourceId, String)>,
}

fn tag_matches(cx: &Ctx, id: ResourceId, key: &str, value: &str) -> bool {
    cx.model.get(id).tag(key) == Some(value)
}

pub fn coverage<'a>(cx: &Ctx<'_, 'a>) -> Coverage {
    let m = cx.model;
    let candidates = protected_candidates(cx);
    let mut cov = Coverage::default();
    for &sel in m.of_type("aws_backup_selection") {
        let s = m.get(sel);
        let plan = match m.target(sel, s.get("plan_id")) {
            Target::Resources(ids) => ids
                .into_iter()
                .find(|&i| m.get(i).rtype == "aws_backup_plan"),
            Target::Literal(id) => m.find_by_attr("aws_backup_plan", "id", id).first().copied(),
            _ => None,
        };
        let Some(plan) = plan else {
            cov.unresolved.push((
                sel,
                "its plan_id cannot be followed to a backup plan".into(),
            ));
            continue;
        };
        let mut selected: Vec<ResourceId> = Vec::new();
        let select_value = |v: &Value<'a>, out: &mut Vec<ResourceId>, cov: &mut Coverage| {
            let items: Vec<&Value> = if matches!(v.kind(), crate::value::Kind::Arr(_)) {
                v.items().collect()
            } else {
                vec![v]
            };
            for item in items {
                match m.target(sel, item) {
                    Target::Resources(ids) => out.extend(ids),
                    Target::Literal(pat) => {
                        let acct = pat.split(':').nth(4).unwrap_or("*");
                        out.extend(candidates.iter().copied().filter(|&c| {
                            arn_for(cx, c, acct).is_some_and(|a| glob_match(pat, &a)) || pat == "*"
                        }));
                    }
                    Target::Unresolved(what) => cov
                        .unresolved
                        .push((sel, format!("its resources come from {what}"))),
                    Target::Unset => {}
                }
            }
        };
        select_value(s.get("resources"), &mut selected, &mut cov);
        for t in s.get("selection_tag").items() {
            if let (Some(k), Some(v)) = (t.get("key").str(), t.get("value").str()) {
                selected.extend(
                    candidates
                        .iter()
                        .copied()
                        .filter(|&c| tag_matches(cx, c, k, v)),
                );
            }
        }
        for cond in s.get("condition").items() {
            for se in cond.get("string_equals").items() {
                if let (Some(k), Some(v)) = (se.get("key").str(), se.get("value").str()) {
                    let k = k.strip_prefix("aws:ResourceTag/").unwrap_or(k);
                    selected.extend(
                        candidates
                            .iter()
                            .copied()
                            .filter(|&c| tag_matches(cx, c, k, v)),
                    );
                }
            }
        }
        let mut excluded = Vec::new();
        select_value(s.get("not_resources"), &mut excluded, &mut cov);
        // Selections are regional: a plan backs up resources in its own region only.
        let sel_region = s.region.as_deref();
        for c in selected {
            let other_region =
                matches!((sel_region, m.get(c).region.as_deref()), (Some(a), Some(b)) if a != b);
            if !excluded.contains(&c) && !other_region {
                let e = cov.plans.entry(c).or_default();
                if !e.contains(&plan) {
                    e.push(plan);
                }
            }
        }
    }
    cov
}

/// The region of a backup vault referenced by a copy action on `from`.
pub fn vault_region<'a>(
    cx: &Ctx<'_, 'a>,
    from: ResourceId,
    v: &Value<'a>,
) -> Result<Option<String>, String> {
    let m = cx.model;
    match m.target(from, v) {
        Target::Literal(s) => Ok(arn_region(s).map(str::to_string)),
        Target::Resources(ids) => {
            let vault = ids
                .iter()
                .copied()
                .find(|&i| m.get(i).rtype == "aws_backup_vault")
                .unwrap_or(ids[0]);
            Ok(m.get(vault).region.clone())
        }
        Target::Unresolved(what) => Err(format!("the destination vault comes from {what}")),
        Target::Unset => Err("no destination_vault_arn is set".into()),
    }
}

/// How often a backup schedule runs at most, in seconds (worst gap). None if unparsable.
pub fn schedule_interval(expr: &str) -> Option<u64> {
    let e = expr.trim();
    if let Some(body) = e.strip_prefix("rate(").and_then(|b| b.strip_suffix(')')) {
        let mut it = body.split_whitespace();
        let n: u64 = it.next()?.parse().ok()?;
        let unit = it.next()?;
        let mult = match unit.trim_end_matches('s') {
            "minute" => 60,
            "hour" => 3600,
            "day" => 86400,
            _ => return None,
        };
        return Some(n * mult);
    }
    let body = e.strip_prefix("cron(")?.strip_suffix(')')?;
    let f: Vec<&str> = body.split_whitespace().collect();
    if f.len() != 6 {
        return None;
    }
    let (min, hour, dom, mon, dow) = (f[0], f[1], f[2], f[3], f[4]);
    let any = |s: &str| s == "*" || s == "?";
    if !any(mon) {
        return Some(31 * 86400); // only some months: far less often than daily
    }
    if !any(dom) {
        return Some(
            if dom.contains(',') || dom.contains('-') || dom.contains('/') {
                7 * 86400
            } else {
                31 * 86400
            },
        );
    }
    if !any(dow) {
        let days = dow_count(dow);
        if days >= 7 {
            // every day of the week
        } else {
            return Some(if days == 0 {
                7 * 86400
            } else {
                ((7 - days) as u64 + 1) * 86400
            });
        }
    }
    let per_field = |s: &str, range: u64| -> Option<u64> {
        if s == "*" {
            return Some(1);
        }
        if let Some(step) = s.strip_prefix("*/").or_else(|| s.strip_prefix("0/")) {
            return step.parse().ok();
        }
        let mut vals: Vec<u64> = s.split(',').filter_map(|x| x.parse().ok()).collect();
        if vals.is_empty() {
            return None;
        }
        vals.sort_unstable();
        let mut gap = vals[0] + range - vals[vals.len() - 1];
        for w in vals.windows(2) {
            gap = gap.max(w[1] - w[0]);
        }
        Some(gap)
    };
    let hour_gap = per_field(hour, 24)?;
    if hour == "*" {
        let m = per_field(min, 60)?;
        return Some(m.min(60) * 60);
    }
    Some(hour_gap * 3600)
}

fn dow_count(dow: &str) -> usize {
    const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let idx = |s: &str| {
        let s = s.to_ascii_uppercase();
        DAYS.iter()
            .position(|d| *d == s)
            .or_else(|| s.parse::<usize>().ok().map(|n| (n + 6) % 7))
    };
    let mut set = [false; 7];
    for part in dow.split(',') {
        let part = part.split('#').next().unwrap_or(part).trim_end_matches('L');
        if let Some((a, b)) = part.split_once('-') {
            if let (Some(a), Some(b)) = (idx(a), idx(b)) {
                let mut i = a;
                loop {
                    set[i] = true;
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
        } else if let Some(i) = idx(part) {
            set[i] = true;
        }
    }
    set.iter().filter(|x| **x).count()
}

#[cfg(test)]
mod tests {
    use super::schedule_interval;

    #[test]
    fn schedules() {
        assert_eq!(schedule_interval("cron(0 5 ? * * *)"), Some(86400));
        assert_eq!(schedule_interval("cron(0 */4 ? * * *)"), Some(4 * 3600));
        assert_eq!(schedule_interval("cron(0 0,12 ? * * *)"), Some(12 * 3600));
        assert_eq!(schedule_interval("cron(0 * ? * * *)"), Some(3600));
        assert_eq!(schedule_interval("rate(1 hour)"), Some(3600));
        assert!(schedule_interval("cron(0 5 ? * MON *)").unwrap() > 86400);
        assert!(schedule_interval("cron(0 5 ? * MON-FRI *)").unwrap() > 86400);
        assert_eq!(schedule_interval("cron(0 5 ? * SUN-SAT *)"), Some(86400));
        assert!(schedule_interval("cron(0 5 1 * ? *)").unwrap() > 86400);
        assert_eq!(schedule_interval("nonsense"), None);
    }
}
