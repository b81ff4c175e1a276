//! DR805 regional-parity: a failover lands on whatever the DR region has. A function, queue,
//! topic, key, secret or parameter that exists only in the primary region is missing exactly
//! when it is needed; a DR function whose runtime, handler or environment differs from the
//! primary's runs different code than the one that was tested.
//!
//! Counterparts are found by hashing each component under normalized keys (its name, its CDKTF
//! construct path, its module instance, its Terraform address, each with the region and role
//! words taken out) and looking the key up in the other region: linear in the number of
//! components, never all pairs, and at most one finding per component.

use super::kms::has_replica_in;
use super::names::{Built, build, name_attrs};
use super::regional::{RegionWords, secret_replicated_in};
use super::{Ctx, Level, Out, OutcomeKind, Rule, unknown_phrase};
use crate::model::{Origin, ResourceId};
use crate::value::{Kind, Value};
use foldhash::fast::FixedState;
use memchr::memmem::FinderRev;
use smallvec::SmallVec;
use std::collections::{BTreeSet, HashMap};

pub static RULE: Rule = Rule {
    id: "DR805",
    name: "regional-parity",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

/// The regional components, what to call one, and the level when one exists only in the
/// primary region: error where the DR region cannot serve without it, warning where failover
/// works but is blind or loses operations (alarms, logs, backup vaults).
const KINDS: &[(&str, &str, Level, &str)] = &[
    ("aws_lambda_function", "Lambda function", Level::Error, "nothing there runs its code"),
    ("aws_sqs_queue", "SQS queue", Level::Error, "nothing there takes its messages"),
    ("aws_sns_topic", "SNS topic", Level::Error, "nothing there delivers its notifications"),
    ("aws_kms_key", "KMS key", Level::Error, "data there has no key of its own region (and no replica of this one)"),
    ("aws_secretsmanager_secret", "secret", Level::Error, "the workload there has no copy of it to read (no replica either)"),
    ("aws_ssm_parameter", "SSM parameter", Level::Error, "the workload there has no copy of it to read"),
    ("aws_cloudwatch_metric_alarm", "CloudWatch alarm", Level::Warning, "nothing alerts on the same failure there"),
    ("aws_cloudwatch_log_group", "log group", Level::Warning, "logs there go to a group Lambda creates itself, without this one's retention and key"),
    ("aws_backup_vault", "backup vault", Level::Warning, "backups and copies there have no vault"),
];

/// How a counterpart was found, in the order tried; said in every message.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum By {
    Name,
    ConstructPath,
    Module,
    Address,
}

impl By {
    fn phrase(self) -> &'static str {
        match self {
            By::Name => "paired by name",
            By::ConstructPath => "paired by construct path",
            By::Module => "paired by module instance",
            By::Address => "paired by Terraform address",
        }
    }
}

/// (how, kind (its place in [`KINDS`]), in the primary region?, normalized key) → components.
/// The key is borrowed from the component's own list of keys, and hashed with a fixed fast
/// hasher (the map is only looked up, never iterated). Most keys name one component, held
/// without an allocation of its own: a plan holds tens of thousands.
type Index<'k> = HashMap<(By, u8, bool, &'k str), SmallVec<[ResourceId; 1]>, FixedState>;

/// The normalized keys of one component. `after_type` finds the local part of its address
/// (what follows the last `{rtype}.`); `modules` remembers each module instance's stripped
/// name, which many components share.
fn keys<'r>(
    cx: &'r Ctx,
    words: &RegionWords,
    id: ResourceId,
    rtype: &str,
    after_type: &FinderRev,
    modules: &mut HashMap<&'r str, String, FixedState>,
) -> Vec<(By, String)> {
    let r = cx.model.get(id);
    let mut out = Vec::new();
    let attr = name_attrs(rtype).iter().find(|a| r.get(a).is_set());
    match attr.map(|a| r.get(a)) {
        Some(v) if v.nonempty_str().is_some() => {
            out.push((By::Name, words.strip(v.nonempty_str().unwrap_or_default())));
        }
        // `/aws/lambda/${aws_lambda_function.worker.function_name}` with the parts known
        Some(v) => {
            if let Built::Whole(name) = build(cx, id, v) {
                out.push((By::Name, words.strip(&name)));
            }
        }
        None => {}
    }
    if let Some(p) = r.construct_path.as_deref() {
        out.push((By::ConstructPath, words.strip(p)));
    }
    // A Terraform address (AWS Config resources are addressed by their ARN, which is no key).
    let Some(at) = after_type.rfind(r.address.as_bytes()) else {
        return out;
    };
    let local = &r.address[at + rtype.len() + 1..];
    if r.module.is_empty() {
        out.push((By::Address, words.strip(local)));
    } else {
        let module = modules
            .entry(r.module.as_str())
            .or_insert_with(|| words.strip(&r.module));
        let mut key = String::with_capacity(module.len() + 1 + local.len());
        key.push_str(module);
        key.push('|');
        key.push_str(&words.strip(local));
        out.push((By::Module, key));
    }
    out
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    // Each component with its kind's place in KINDS.
    let components: Vec<(ResourceId, u8)> = KINDS
        .iter()
        .enumerate()
        .flat_map(|(kind, &(t, ..))| m.of_type(t).iter().map(move |&id| (id, kind as u8)))
        .collect();
    if components.is_empty() {
        return;
    }
    // Without a second region there is no pair to compare (DR801 and DR803 report stateful
    // resources without a DR copy).
    let (Some(primary), Some(dr)) = (cx.settings.primary.as_deref(), cx.settings.dr.as_deref())
    else {
        return;
    };
    let in_dr = |id: ResourceId| m.get(id).region == Some(dr);
    if !components.iter().any(|&(id, ..)| in_dr(id)) {
        out.global(
            OutcomeKind::Undecided,
            format!("the input has no Lambda function, queue, topic, key, secret, parameter, alarm, log group or backup vault in the DR region {dr}, so it is not known whether they are defined elsewhere (lint both regions' configurations together to compare them)"),
        );
        return;
    }
    if m.resources.iter().any(|r| r.origin == Origin::AwsConfig) {
        out.global(OutcomeKind::Undecided, "on AWS Config input the parity of CloudWatch alarms, Secrets Manager secrets and SSM parameters is not checked: drlint maps no AWS::CloudWatch::Alarm or AWS::SecretsManager::Secret items and AWS Config does not record SSM parameters (docs/live-coverage.md)");
        out.with_key("awsconfig");
    }
    let words = RegionWords::new(cx, &[primary, dr]);
    // `{rtype}.` for each kind (in the order of KINDS), to find the local part of an address.
    let patterns: Vec<FinderRev<'static>> = KINDS
        .iter()
        .map(|&(t, ..)| FinderRev::new(format!("{t}.").as_bytes()).into_owned())
        .collect();
    let mut modules = HashMap::default();
    type Keyed = (ResourceId, u8, bool, Vec<(By, String)>);
    let mut keyed: Vec<Keyed> = Vec::new();
    for &(id, kind) in &components {
        let (rtype, what, ..) = KINDS[kind as usize];
        let is_primary = match m.get(id).region {
            Some(r) if r == primary => true,
            Some(r) if r == dr => false,
            Some(_) => continue, // a third region: no counterpart is expected
            None => {
                out.undecided(cx, id, "", Value::absent(), format!("the {what}'s region is unknown, so it is not known whether it needs a counterpart in the other region"));
                continue;
            }
        };
        let ks = keys(cx, &words, id, rtype, &patterns[kind as usize], &mut modules);
        keyed.push((id, kind, is_primary, ks));
    }
    let mut index: Index = HashMap::default();
    for (id, kind, is_primary, ks) in &keyed {
        for (by, k) in ks {
            index
                .entry((*by, *kind, *is_primary, k.as_str()))
                .or_default()
                .push(*id);
        }
    }
    for (id, kind, is_primary, ks) in &keyed {
        let (rtype, what, level, lost) = &KINDS[*kind as usize];
        let found = ks.iter().find_map(|(by, k)| {
            index
                .get(&(*by, *kind, !is_primary, k.as_str()))
                .map(|v| (*by, v.as_slice()))
        });
        let (here, there) = (primary, dr);
        match found {
            Some((by, others)) => {
                if !is_primary && *rtype == "aws_lambda_function" {
                    compare_functions(cx, out, *id, others, by);
                }
            }
            // Failover direction only: what the DR region has and the primary lacks (the
            // secondary's lag alarms, DR-only tooling) is often deliberate.
            None if !is_primary => {}
            None if replicated(cx, *id, rtype, there) || one_sided(cx, *id) => {}
            None => {
                let how = if ks.is_empty() {
                    "it has no name, construct path or address to pair it by".to_string()
                } else {
                    let tried: Vec<&str> = ks
                        .iter()
                        .map(|(by, _)| by.phrase().trim_start_matches("paired by "))
                        .collect();
                    format!(
                        "looked up by {}, with region and role words taken out",
                        tried.join(", ")
                    )
                };
                let r = m.get(*id);
                let label = match name_attrs(rtype).iter().find(|a| r.get(a).is_set()) {
                    Some(a) => match build(cx, *id, r.get(a)) {
                        Built::Whole(n) => format!("`{n}`"),
                        _ => r.address.clone(),
                    },
                    None => r.address.clone(),
                };
                let attr = name_attrs(rtype)
                    .iter()
                    .find(|a| r.get(a).is_set())
                    .copied()
                    .unwrap_or("");
                out.fail(
                    cx,
                    *id,
                    attr,
                    r.get(attr),
                    format!("the {what} {label} in {here} has no counterpart in {there} ({how}): after a failover to {there}, {lost}"),
                );
                out.with_key("counterpart");
                if *level == Level::Warning {
                    out.with_level(Level::Warning);
                }
            }
        }
    }
}

/// Replication metrics are emitted on one side of each replication direction (DR804 checks
/// those alarms where they are emitted), and Route 53 health-check metrics only in us-east-1:
/// alarms on them have no counterpart by design.
const ONE_SIDED_METRICS: &[&str] = &[
    "ReplicationLatency",
    "OperationsPendingReplication",
    "BytesPendingReplication",
    "OperationsFailedReplication",
    "AuroraGlobalDBReplicationLag",
    "AuroraGlobalDBRPOLag",
    "AuroraGlobalDBProgressLag",
    "AuroraGlobalDBReplicatedWriteIO",
    "AuroraGlobalDBDataTransferBytes",
    "AuroraReplicaLag",
    "PendingReplicationCount",
];

fn one_sided(cx: &Ctx, id: ResourceId) -> bool {
    let r = cx.model.get(id);
    if r.rtype != "aws_cloudwatch_metric_alarm" {
        return false;
    }
    let metric = |v: &Value| {
        v.get("metric_name")
            .str()
            .is_some_and(|n| ONE_SIDED_METRICS.contains(&n))
            || v.get("namespace").str() == Some("AWS/Route53")
    };
    metric(&r.attrs)
        || r.get("metric_query")
            .items()
            .any(|q| metric(q.get("metric")))
}

/// Counterparts that replication provides: a secret's replica, a multi-region key's replica.
fn replicated(cx: &Ctx, id: ResourceId, rtype: &str, region: &str) -> bool {
    match rtype {
        "aws_secretsmanager_secret" => secret_replicated_in(cx, id, region) == Some(true),
        "aws_kms_key" => has_replica_in(cx, id, region),
        _ => false,
    }
}

/// A known setting, a setting known only after apply, or the default.
enum Setting {
    Known(String),
    Unknown,
}

fn setting(v: &Value, default: &str) -> Setting {
    match v.kind() {
        Kind::Absent | Kind::Null => Setting::Known(default.to_string()),
        Kind::Unknown(u) if !u.configured => Setting::Known(default.to_string()),
        Kind::Unknown(_) => Setting::Unknown,
        Kind::Arr(items) => {
            let vals: Option<Vec<&str>> = items.iter().map(Value::str).collect();
            match vals {
                Some(v) if v.is_empty() => Setting::Known(default.to_string()),
                Some(v) => Setting::Known(v.join(",")),
                None => Setting::Unknown,
            }
        }
        _ => match (v.str(), v.num()) {
            (Some(s), _) => Setting::Known(s.to_string()),
            (None, Some(n)) => Setting::Known(n.to_string()),
            _ => Setting::Unknown,
        },
    }
}

/// The keys of a function's environment variables.
fn env_keys(v: &Value) -> Setting {
    let vars = v.get("environment").get("variables");
    match vars.kind() {
        Kind::Absent | Kind::Null => Setting::Known(String::new()),
        Kind::Unknown(u) if !u.configured => Setting::Known(String::new()),
        Kind::Obj(_) | Kind::Arr(_) => {
            let keys: BTreeSet<&str> = vars.entries().iter().map(|(k, _)| k.as_ref()).collect();
            Setting::Known(keys.into_iter().collect::<Vec<_>>().join(", "))
        }
        _ => Setting::Unknown,
    }
}

/// The settings the contract says are identical in both regions: (attribute, default, whether
/// a difference breaks the function rather than degrades it).
const FUNCTION_SETTINGS: &[(&str, &str, bool)] = &[
    ("runtime", "", true),
    ("handler", "", true),
    ("architectures", "x86_64", true),
    ("environment.variables", "", true),
    ("memory_size", "128", false),
    ("timeout", "3", false),
];

fn compare_functions(cx: &Ctx, out: &mut Out, dr_fn: ResourceId, primaries: &[ResourceId], by: By) {
    let m = cx.model;
    let [p] = primaries else {
        let names: Vec<&str> = primaries.iter().map(|&p| m.get(p).address.as_str()).collect();
        out.undecided(cx, dr_fn, "", Value::absent(), format!("several primary-region functions are counterparts of this one ({}, {}), so it is not known which one its settings must match", by.phrase(), names.join(", ")));
        return;
    };
    let (d, pr) = (m.get(dr_fn), m.get(*p));
    let mut diffs: Vec<String> = Vec::new();
    let mut first: Option<&str> = None;
    let mut breaks = false;
    let mut unknown: Vec<&str> = Vec::new();
    for &(attr, default, fatal) in FUNCTION_SETTINGS {
        let (a, b) = if attr == "environment.variables" {
            (env_keys(&d.attrs), env_keys(&pr.attrs))
        } else {
            (setting(d.get(attr), default), setting(pr.get(attr), default))
        };
        match (a, b) {
            (Setting::Known(a), Setting::Known(b)) if a != b => {
                let show = |s: &str| if s.is_empty() { "none".to_string() } else { s.to_string() };
                let label = if attr == "environment.variables" { "environment keys" } else { attr };
                diffs.push(format!("{label} {} here, {} in the primary", show(&a), show(&b)));
                first.get_or_insert(attr);
                breaks |= fatal;
            }
            (Setting::Known(_), Setting::Known(_)) => {}
            _ => unknown.push(attr),
        }
    }
    let pname = pr
        .get("function_name")
        .str()
        .map_or_else(|| pr.address.clone(), |s| format!("`{s}`"));
    if let Some(attr) = first {
        let at = if attr == "environment.variables" {
            d.get("environment").get("variables")
        } else {
            d.get(attr)
        };
        out.fail(cx, dr_fn, attr, at, format!("this DR-region function differs from its primary counterpart {pname} ({}): {}", by.phrase(), diffs.join("; ")));
        out.with_key("settings");
        if !breaks {
            out.with_level(Level::Warning);
        }
    } else if !unknown.is_empty() {
        out.undecided(cx, dr_fn, unknown[0], d.get(unknown[0]), format!("{} of this function or of its primary counterpart {pname} ({}) {} {}, so it is not known whether they match", unknown.join(", "), by.phrase(), if unknown.len() == 1 { "is" } else { "are" }, unknown_phrase(cx, dr_fn)));
        out.with_key("settings");
    }
}
