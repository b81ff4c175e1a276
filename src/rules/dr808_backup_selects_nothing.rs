//! DR808 backup-selects-nothing: an AWS Backup selection that matches no resource of the input
//! (a tag nobody carries, a reference to nothing), or a plan no selection assigns resources to.
//! The plan runs on schedule, reports success and backs up nothing; the gap shows only when a
//! restore is needed.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::config::glob_match;
use crate::model::{Origin, RegionSource, ResourceId, Target, parse_arn};
use crate::value::{Kind, Value};
use foldhash::fast::FixedState;
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    id: "DR808",
    name: "backup-selects-nothing",
    family: "region-loss",
    level: Level::Warning,
    security_severity: None,
    needs: &["aws_backup_selection"],
    shared: &[],
    check,
};

/// Terraform types of resources AWS Backup can protect.
const BACKUP_TYPES: &[&str] = &[
    "aws_rds_cluster",
    "aws_db_instance",
    "aws_dynamodb_table",
    "aws_efs_file_system",
    "aws_ebs_volume",
    "aws_instance",
    "aws_s3_bucket",
    "aws_fsx_lustre_file_system",
    "aws_fsx_windows_file_system",
    "aws_fsx_ontap_file_system",
    "aws_fsx_openzfs_file_system",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_timestreamwrite_table",
];

/// A tag of a resource: its own `tags`, `tags_all` (plans) or its provider's `default_tags`
/// (Terraform JSON).
fn tag<'m>(cx: &'m Ctx, id: ResourceId, key: &str) -> Option<&'m str> {
    let r = cx.model.get(id);
    if let Some(v) = r.tag(key) {
        return Some(v);
    }
    let RegionSource::Provider(pkey) = &r.region_source else {
        return None;
    };
    cx.model
        .providers
        .iter()
        .find(|p| p.file == r.file && &p.key == pkey)?
        .default_tags
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}


/// Service, region and resource of an ARN.
type ArnParts = (String, String, String);

/// The candidates' ARNs ([`super::backup::arn_for`] with `*` for an unknown account), for the
/// exact ARNs of selections: an ARN names a candidate when service, region and resource are
/// equal and so is the account, or the candidate's account is only known after apply; a
/// pattern that is no ARN names a candidate by the whole string. Built once: each literal ARN of each
/// selection scanned every candidate before.
struct Arns {
    by_parts: HashMap<ArnParts, Vec<(ResourceId, String)>, FixedState>,
    by_text: HashMap<String, Vec<ResourceId>, FixedState>,
}

impl Arns {
    fn new(cx: &Ctx, candidates: &[ResourceId]) -> Arns {
        let mut ix = Arns {
            by_parts: HashMap::with_capacity_and_hasher(candidates.len(), FixedState::default()),
            by_text: HashMap::default(),
        };
        for &c in candidates {
            let Some(a) = super::backup::arn_for(cx, c, "*") else {
                continue;
            };
            if let Some(p) = parse_arn(&a) {
                let key = (p.service.into(), p.region.into(), p.resource.into());
                ix.by_parts.entry(key).or_default().push((c, p.account.into()));
            }
            ix.by_text.entry(a).or_default().push(c);
        }
        ix
    }

    /// The candidates `pattern` names.
    fn named(&self, pattern: &str) -> Vec<ResourceId> {
        match parse_arn(pattern) {
            Some(p) => {
                let key = (p.service.into(), p.region.into(), p.resource.into());
                self.by_parts
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .filter(|(_, acct)| acct == p.account || acct == "*")
                    .map(|&(c, _)| c)
                    .collect()
            }
            None => self.by_text.get(pattern).cloned().unwrap_or_default(),
        }
    }
}

/// What a selection selects from the input.
enum Selects {
    Something,
    Nothing,
    /// Cannot be told, with the reason.
    Unknown(String),
}

fn selection(
    cx: &Ctx,
    sel: ResourceId,
    candidates: &[ResourceId],
    arns: &Arns,
) -> (Selects, String) {
    let m = cx.model;
    let s = m.get(sel);
    let mut tried: Vec<String> = Vec::new();
    let mut unknown: Option<String> = None;
    // Selections are regional: a plan backs up resources of its own region only.
    let is_local = |c: ResourceId| match (s.region, m.get(c).region) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let res = s.get("resources");
    let items: Vec<&Value> = match res.kind() {
        Kind::Arr(_) => res.items().collect(),
        _ if res.is_set() => vec![res],
        _ => Vec::new(),
    };
    for item in items {
        match m.target(sel, item) {
            Target::Resources(_) => return (Selects::Something, String::new()),
            Target::Literal(pat) if pat == "*" || pat.contains('*') => {
                // A wildcard selects whatever the account holds when the backup runs, which the
                // input cannot show: it passes.
                return (Selects::Something, String::new());
            }
            Target::Literal(pat) => {
                let named = arns.named(pat);
                if named.iter().any(|&c| is_local(c)) {
                    return (Selects::Something, String::new());
                }
                if !named.is_empty() {
                    tried.push(format!("`{pat}` is a resource of another region"));
                } else {
                    unknown.get_or_insert(format!(
                        "it names `{pat}`, which is not in the input (a resource of another stack?)"
                    ));
                }
            }
            Target::Unresolved(what) => {
                unknown.get_or_insert(format!("its resources come from {what}"));
            }
            Target::Unset => {}
        }
    }
    if res.is_unknown() && res.is_set() && !matches!(res.kind(), Kind::Arr(_)) {
        unknown.get_or_insert(format!("its resources are {}", unknown_phrase(cx, sel)));
    }
    let mut tag_test = |key: &Value, value: &Value, like: bool, what: &str| -> bool {
        match (key.str(), value.str()) {
            (Some(k), Some(v)) => {
                let k = k.strip_prefix("aws:ResourceTag/").unwrap_or(k);
                let hit = candidates.iter().any(|&c| {
                    is_local(c)
                        && tag(cx, c, k)
                            .is_some_and(|t| if like { glob_match(v, t) } else { t == v })
                });
                if !hit {
                    tried.push(format!("{what} {k} = \"{v}\""));
                }
                hit
            }
            _ => {
                unknown.get_or_insert(format!("a {what} is {}", unknown_phrase(cx, sel)));
                false
            }
        }
    };
    for t in s.get("selection_tag").items() {
        if tag_test(t.get("key"), t.get("value"), false, "tag") {
            return (Selects::Something, String::new());
        }
    }
    let mut negative_only = false;
    for cond in s.get("condition").items() {
        for (block, like) in [("string_equals", false), ("string_like", true)] {
            for c in cond.get(block).items() {
                if tag_test(c.get("key"), c.get("value"), like, "condition") {
                    return (Selects::Something, String::new());
                }
            }
        }
        negative_only |= cond.get("string_not_equals").is_set()
            || cond.get("string_not_like").is_set();
    }
    if let Some(why) = unknown {
        return (Selects::Unknown(why), String::new());
    }
    if s.origin == Origin::AwsConfig {
        // Config records listOfTags but not conditions, and not every resource type's tags.
        return (Selects::Unknown(format!("its conditions and the tags of some resource types are {} (docs/live-coverage.md)", unknown_phrase(cx, sel))), String::new());
    }
    if negative_only && tried.is_empty() {
        return (
            Selects::Unknown(
                "it only has string_not_equals / string_not_like conditions, which exclude but do not select".into(),
            ),
            String::new(),
        );
    }
    (Selects::Nothing, tried.join(", "))
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let candidates: Vec<ResourceId> = m.of_types(BACKUP_TYPES).collect();
    let arns = Arns::new(cx, &candidates);
    let mut plans_with_selection: HashSet<ResourceId> = HashSet::new();
    let mut unresolved_plan = false;
    for &sel in m.of_type("aws_backup_selection") {
        let s = m.get(sel);
        match m.target(sel, s.get("plan_id")) {
            Target::Resources(ids) => plans_with_selection.extend(ids),
            Target::Literal(id) => {
                plans_with_selection.extend(m.find_by_attr("aws_backup_plan", "id", id))
            }
            _ => unresolved_plan = true,
        }
        let at = s.get("name");
        let region = s.region.unwrap_or("its region");
        match selection(cx, sel, &candidates, &arns) {
            (Selects::Something, _) => {}
            (Selects::Unknown(why), _) => out.undecided(
                cx,
                sel,
                "resources",
                at,
                format!("it is not known whether this backup selection selects anything: {why}"),
            ),
            (Selects::Nothing, tried) if tried.is_empty() => out.fail(
                cx,
                sel,
                "resources",
                at,
                "this backup selection has no resources, selection_tag or condition: it selects nothing",
            ),
            (Selects::Nothing, tried) => out.fail(
                cx,
                sel,
                "resources",
                at,
                format!("this backup selection matches no resource in {region} of the input ({tried}): its plan backs up nothing"),
            ),
        }
    }
    if unresolved_plan {
        return; // a selection whose plan cannot be followed may belong to any plan
    }
    for &p in m.of_type("aws_backup_plan") {
        if plans_with_selection.contains(&p) {
            continue;
        }
        let r = m.get(p);
        let at = r.get("name");
        if r.origin == Origin::AwsConfig {
            out.undecided(cx, p, "", at, format!("no backup selection of this plan is in the input; selections are {} unless the snapshot includes AWS::Backup::BackupSelection items", unknown_phrase(cx, p)));
        } else {
            out.fail(
                cx,
                p,
                "",
                at,
                "no aws_backup_selection assigns resources to this backup plan: it backs up nothing",
            );
        }
    }
}
