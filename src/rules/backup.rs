//! AWS Backup plans and selections: which stateful resources each plan protects. Shared by
//! DR601–DR604.

use super::Ctx;
use crate::config::glob_match;
use crate::model::{ResourceId, Target, arn_region};
use crate::value::Value;
use std::collections::{HashMap, HashSet};

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
    let region = r.region?;
    let account = r.account.as_deref().unwrap_or(pattern_account);
    match r.rtype {
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

/// Stands for an unknown account in the ARNs [`ArnIndex`] builds; no real ARN contains it.
const ANY_ACCOUNT: &str = "\u{1}";

/// The candidates' ARNs, sorted, for finding the ones a literal or wildcard ARN in a selection
/// matches by a range search on the pattern's literal prefix instead of trying every candidate
/// against every pattern (many selections listing ARNs × many resources was quadratic).
/// A candidate whose ARN is built with an unknown account has [`ANY_ACCOUNT`] in its place.
pub struct ArnIndex {
    keys: Vec<(String, ResourceId)>,
}

impl ArnIndex {
    pub fn new(cx: &Ctx, candidates: &[ResourceId]) -> ArnIndex {
        let mut keys: Vec<(String, ResourceId)> = candidates
            .iter()
            .filter_map(|&c| arn_for(cx, c, ANY_ACCOUNT).map(|k| (k, c)))
            .collect();
        keys.sort_unstable();
        ArnIndex { keys }
    }

    fn starting_with<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = ResourceId> + 's {
        let lo = self.keys.partition_point(|(k, _)| k.as_str() < prefix);
        self.keys[lo..]
            .iter()
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|&(_, c)| c)
    }

    /// The candidates `pat` (an ARN, `*` matching any run of characters) selects: those whose
    /// [`arn_for`] with the pattern's account matches it, or every candidate for `*`.
    ///
    /// A match starts with the pattern's literal prefix (the text before its first `*`). With
    /// the account unknown, the ARN compared is the key with the pattern's account in place of
    /// [`ANY_ACCOUNT`]; when that account is literal, such a key starts with the literal prefix
    /// of the pattern with [`ANY_ACCOUNT`] as its account (both have exactly four `:` before
    /// the account). Every hit of the two range searches is checked with the full match.
    pub fn matching(&self, cx: &Ctx, candidates: &[ResourceId], pat: &str) -> Vec<ResourceId> {
        if pat == "*" {
            return candidates.to_vec();
        }
        let literal = |p: &str| p.split('*').next().unwrap_or_default().to_string();
        let mut fields: Vec<&str> = pat.split(':').collect();
        let acct = fields.get(4).copied().unwrap_or("*");
        let mut hits: Vec<ResourceId> = self.starting_with(&literal(pat)).collect();
        if fields.len() > 4 && !acct.contains('*') {
            fields[4] = ANY_ACCOUNT;
            hits.extend(self.starting_with(&literal(&fields.join(":"))));
        }
        hits.sort_unstable();
        hits.dedup();
        hits.retain(|&c| arn_for(cx, c, acct).is_some_and(|a| glob_match(pat, &a)));
        hits
    }
}

/// The candidates by each of their tags (`tags`, else `tags_all`, as [`Value::tag`]).
fn tag_index<'m>(
    cx: &Ctx<'m, '_>,
    candidates: &[ResourceId],
) -> HashMap<(&'m str, &'m str), Vec<ResourceId>> {
    let m = cx.model;
    let mut by_tag: HashMap<(&str, &str), Vec<ResourceId>> = HashMap::new();
    for &c in candidates {
        let r = m.get(c);
        let mut keys: Vec<&str> = r
            .get("tags")
            .entries()
            .iter()
            .chain(r.get("tags_all").entries())
            .map(|(k, _)| k.as_ref())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            if let Some(v) = r.tag(k) {
                by_tag.entry((k, v)).or_default().push(c);
            }
        }
    }
    by_tag
}

pub fn coverage<'a>(cx: &Ctx<'_, 'a>) -> Coverage {
    let m = cx.model;
    let candidates = protected_candidates(cx);
    let arns = ArnIndex::new(cx, &candidates);
    let by_tag = tag_index(cx, &candidates);
    let tagged = |k: &str, v: &str| by_tag.get(&(k, v)).cloned().unwrap_or_default();
    let mut cov = Coverage::default();
    let mut covered: HashSet<(ResourceId, ResourceId)> = HashSet::new();
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
                    Target::Literal(pat) => out.extend(arns.matching(cx, &candidates, pat)),
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
                selected.extend(tagged(k, v));
            }
        }
        for cond in s.get("condition").items() {
            for se in cond.get("string_equals").items() {
                if let (Some(k), Some(v)) = (se.get("key").str(), se.get("value").str()) {
                    let k = k.strip_prefix("aws:ResourceTag/").unwrap_or(k);
                    selected.extend(tagged(k, v));
                }
            }
        }
        let mut excluded = Vec::new();
        select_value(s.get("not_resources"), &mut excluded, &mut cov);
        let excluded: HashSet<ResourceId> = excluded.into_iter().collect();
        // Selections are regional: a plan backs up resources in its own region only.
        let sel_region = s.region;
        for c in selected {
            let other_region =
                matches!((sel_region, m.get(c).region), (Some(a), Some(b)) if a != b);
            if !excluded.contains(&c) && !other_region && covered.insert((c, plan)) {
                cov.plans.entry(c).or_default().push(plan);
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
            Ok(m.get(vault).region.map(str::to_string))
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
