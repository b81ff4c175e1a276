//! RPO and RTO estimates: per data store, the worst-case recovery point after a region loss from
//! its replication mechanism and backups; per failover path, the recovery time from detection,
//! DNS TTL and promotion of the data tier. DR901 (rpo-budget), DR902 (rto-budget) and the
//! `drlint posture` report call the same functions, so the report shows the rules' findings and
//! not a second engine's.
//!
//! Every figure comes from a [`Fact`]: an AWS-published number with its source, copied into
//! docs/dr-facts.md ("RPO/RTO budgets"). Where AWS publishes only a typical figure, the estimate
//! is [`Estimate::Typical`] and the verdict [`Verdict::MetTypically`] at best: "typically …, no
//! published bound". Nothing here invents a bound.

use super::backup::{schedule_interval, vault_region};
use super::s3::BucketRef;
use super::{Ctx, human_duration};
use crate::model::{Origin, ResourceId, Target};
use crate::value::{Kind, Tri};

/// An AWS-published figure an estimate uses. `anchor` is its row in docs/dr-facts.md.
#[derive(Debug, PartialEq, Eq)]
pub struct Fact {
    /// Stable id, also the heading anchor in docs/dr-facts.md (`#fact-aurora-lag`).
    pub id: &'static str,
    /// What AWS says, in a few words.
    pub says: &'static str,
    /// The AWS page it comes from.
    pub url: &'static str,
}

impl Fact {
    /// "what AWS says (docs/dr-facts.md#fact-id)", for messages.
    pub fn cite(&self) -> String {
        format!("{}: docs/dr-facts.md#fact-{}", self.says, self.id)
    }
}

macro_rules! facts {
    ($($name:ident = $id:literal, $says:literal, $url:literal;)*) => {
        $(pub static $name: Fact = Fact { id: $id, says: $says, url: $url };)*
        /// Every fact the estimates use, in docs/dr-facts.md order.
        pub static FACTS: &[&Fact] = &[$(&$name),*];
    };
}

facts! {
    AURORA_LAG = "aurora-global-lag",
        "Aurora global database replication latency is typically under a second, with no SLA",
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html";
    AURORA_MANAGED_RPO = "aurora-managed-rpo",
        "Aurora PostgreSQL blocks commits on the primary while every secondary lags more than rds.global_db_rpo",
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
    AURORA_PROMOTE = "aurora-global-promotion",
        "promoting an Aurora global secondary takes typically under a minute, with no published bound",
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
    DDB_MREC = "dynamodb-mrec",
        "eventually consistent DynamoDB global tables replicate typically within a second, with no SLA",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html";
    DDB_MRSC = "dynamodb-mrsc",
        "strongly consistent DynamoDB global tables have an RPO of zero",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html";
    S3_CRR = "s3-crr",
        "without RTC most objects replicate within 15 minutes, large ones can take several hours",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-troubleshoot.html";
    S3_RTC = "s3-rtc",
        "RTC replicates 99.9 % of new objects within 15 minutes (S3 RTC SLA)",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html";
    BACKUP_COPY = "backup-copy",
        "AWS Backup publishes no bound on the time a cross-Region copy takes",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html";
    BACKUP_WINDOW = "backup-start-window",
        "a backup job may start any time within the rule's start window",
        "https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html";
    RDS_LOGS = "rds-log-upload",
        "RDS ships transaction logs every 5 minutes, and cross-Region backup replication has no published lag bound",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html";
    RDS_REPLICA = "rds-read-replica",
        "AWS publishes no bound on read-replica lag, and promotion takes \"a few minutes\"",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html";
    R53_DETECT = "route53-detection",
        "a health check turns unhealthy after failure_threshold failed probes, one per request_interval, each failing after up to 6 s (HTTP/HTTPS; 8 s with string matching, TCP 10 s)",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";
    R53_PROPAGATION = "route53-propagation",
        "AWS publishes no figure for how long a health-status change takes to reach DNS answers, so it is not included",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";
    R53_TTL = "route53-ttl",
        "resolvers keep an answer for its TTL; an alias to a load balancer has 60 s",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html";
}

/// How long, as far as the inputs and the published figures tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Estimate {
    /// A worst case: every term is bounded by a published figure or by the configuration.
    Bound { secs: u64 },
    /// AWS publishes only a typical figure (`secs`). The worst case is at least `at_least` (the
    /// bounded terms) and has no published upper bound.
    Typical { secs: u64, at_least: u64 },
    /// At least `secs` (0: nothing is bounded), with neither a published bound above it nor a
    /// typical figure: within an objective above `secs` only as far as AWS publishes figures.
    AtLeast { secs: u64 },
    /// Never recovered: there is no copy outside the region (or no failover at all).
    Never,
    /// The inputs do not tell; why.
    Unknown { why: String },
}

impl Estimate {
    /// "at most 15m", "typically 1s, no published bound", "at least 25h, no published bound".
    pub fn describe(&self) -> String {
        match self {
            Estimate::Bound { secs } => format!("at most {}", human_duration(*secs)),
            Estimate::Typical { secs, .. } => {
                format!("typically {}, no published bound", human_duration(*secs))
            }
            Estimate::AtLeast { secs } => {
                format!("at least {}, no published bound", human_duration(*secs))
            }
            Estimate::Never => "unbounded".to_string(),
            Estimate::Unknown { why } => format!("unknown ({why})"),
        }
    }

    /// The estimate against an objective.
    pub fn verdict(&self, objective_secs: u64) -> Verdict {
        match *self {
            Estimate::Bound { secs } if secs <= objective_secs => Verdict::Met,
            Estimate::Bound { .. } | Estimate::Never => Verdict::Missed,
            Estimate::Typical { at_least, .. } | Estimate::AtLeast { secs: at_least }
                if at_least > objective_secs =>
            {
                Verdict::Missed
            }
            Estimate::Typical { secs, .. } if secs <= objective_secs => Verdict::MetTypically,
            Estimate::Typical { .. } => Verdict::MissedTypically,
            Estimate::AtLeast { .. } => Verdict::MetTypically,
            Estimate::Unknown { .. } => Verdict::Undetermined,
        }
    }

    /// The sum of two terms of one path: bounds add up; a typical term makes the sum typical.
    pub fn plus(&self, other: &Estimate) -> Estimate {
        use Estimate::*;
        match (self, other) {
            (Unknown { why }, _) | (_, Unknown { why }) => Unknown { why: why.clone() },
            (Never, _) | (_, Never) => Never,
            (Bound { secs: a }, Bound { secs: b }) => Bound {
                secs: a.saturating_add(*b),
            },
            (Bound { secs: a }, Typical { secs, at_least })
            | (Typical { secs, at_least }, Bound { secs: a }) => Typical {
                secs: secs.saturating_add(*a),
                at_least: at_least.saturating_add(*a),
            },
            (
                Typical {
                    secs: a,
                    at_least: x,
                },
                Typical {
                    secs: b,
                    at_least: y,
                },
            ) => Typical {
                secs: a.saturating_add(*b),
                at_least: x.saturating_add(*y),
            },
            (AtLeast { secs: a }, o) | (o, AtLeast { secs: a }) => AtLeast {
                secs: a.saturating_add(o.floor()),
            },
        }
    }

    /// Like [`Estimate::describe`], but when the bounded part alone is beyond the objective,
    /// says so first: "at least 16m (typically 17m, no published bound)".
    pub fn describe_against(&self, objective_secs: u64) -> String {
        match *self {
            Estimate::Typical { secs, at_least } if at_least > objective_secs => format!(
                "at least {} (typically {}, no published bound)",
                human_duration(at_least),
                human_duration(secs)
            ),
            _ => self.describe(),
        }
    }

    /// The bounded part: what the worst case is at least.
    pub fn floor(&self) -> u64 {
        match *self {
            Estimate::Bound { secs } | Estimate::AtLeast { secs } => secs,
            Estimate::Typical { at_least, .. } => at_least,
            Estimate::Never | Estimate::Unknown { .. } => 0,
        }
    }
}

/// An estimate against its objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The worst case is within the objective.
    Met,
    /// Within the objective only as far as AWS publishes figures: a typical figure within it
    /// (no published bound), or a bounded part within it with no bound on the rest (a backup
    /// copy's duration, a read replica's lag, an alias target's health). Not a failure unless
    /// `--strict-objectives` ([`crate::config::Settings::strict_objectives`]).
    MetTypically,
    /// Beyond the objective as far as AWS publishes figures: the typical figure exceeds it but
    /// AWS publishes no bound, and the bounded part (if any) is within it. A warning, not a
    /// failure, unless `--strict-objectives`: AWS says what usually happens, not what must.
    MissedTypically,
    /// Beyond the objective: the bound or the bounded part exceeds it, or nothing recovers at
    /// all.
    Missed,
    /// The inputs do not tell (a value only known after apply, a reference outside the inputs).
    Undetermined,
}

/// How a data store gets a copy outside its region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// Aurora global database storage replication (no managed RPO).
    AuroraGlobal,
    /// Aurora global database on Aurora PostgreSQL with `rds.global_db_rpo`.
    AuroraGlobalManagedRpo,
    /// DynamoDB global table, multi-Region eventual consistency (the default).
    DynamoDbMrec,
    /// DynamoDB global table, multi-Region strong consistency.
    DynamoDbMrsc,
    /// S3 cross-region replication without replication time control.
    S3Crr,
    /// S3 cross-region replication with replication time control.
    S3CrrRtc,
    /// An AWS Backup rule copying recovery points to a vault in another region.
    BackupCopy,
    /// RDS cross-Region automated backup replication.
    RdsBackupReplication,
    /// A cross-Region read replica (RDS instance or Aurora cluster).
    ReadReplica,
    /// No copy outside the store's region.
    None,
}

/// The recovery point of one data store after the loss of its region.
#[derive(Clone, Debug)]
pub struct StoreRpo {
    /// The resource the estimate is about (the global cluster, the table, the bucket, …), where
    /// a finding points.
    pub resource: ResourceId,
    /// The attribute a finding points at (part of its fingerprint).
    pub attribute: String,
    /// Other resources of the store (member clusters, replicas, replication configurations,
    /// backup plans).
    pub members: Vec<ResourceId>,
    /// The store for messages: "DynamoDB table `orders-test`".
    pub store: String,
    /// The mechanism the estimate comes from (the best one the store has).
    pub mechanism: Mechanism,
    /// The mechanism in words: "global table replica in us-west-2 (eventual consistency)".
    pub how: String,
    /// Regions holding the data (the store's first).
    pub regions: Vec<String>,
    pub estimate: Estimate,
    /// The facts the estimate rests on.
    pub facts: Vec<&'static Fact>,
    /// The RPO objective the verdict compares with.
    pub objective_secs: u64,
    pub verdict: Verdict,
    /// Why a figure is missing where AWS publishes none (empty otherwise).
    pub note: String,
    /// The rule that already reports this store's shortfall as a defect of its own (DR803: a
    /// table without a replica; DR402: same-region replication), so DR901 does not repeat it.
    pub reported_by: Option<&'static str>,
}

/// The promotion of the data tier a failover path needs.
#[derive(Clone, Debug)]
pub struct Promotion {
    /// The store promoted (a secondary Aurora cluster, a read replica).
    pub store: ResourceId,
    /// "promote Aurora global secondary `orders-dr` (us-west-2)".
    pub what: String,
    pub estimate: Estimate,
    pub fact: &'static Fact,
}

/// The recovery time of one entry point: a Route 53 failover record pair.
#[derive(Clone, Debug)]
pub struct PathRto {
    /// The DNS name.
    pub name: String,
    /// The PRIMARY record, where a finding points.
    pub primary: ResourceId,
    /// The SECONDARY record.
    pub secondary: ResourceId,
    /// The primary's and secondary's targets in words (alias target or values).
    pub primary_target: String,
    pub secondary_target: String,
    /// The region the secondary serves from, when known.
    pub secondary_region: Option<String>,
    /// The primary's health check, when it is in the inputs.
    pub health_check: Option<ResourceId>,
    /// Detection: failure_threshold × (request_interval + per-probe timeout).
    pub detection: Estimate,
    /// The detection formula with its numbers ("3 × (30s + 6s)"), empty when unknown.
    pub detection_how: String,
    /// The TTL clients keep the primary's answer.
    pub ttl: Estimate,
    /// The data-tier promotion in the secondary's region, if any.
    pub promotion: Option<Promotion>,
    /// detection + TTL + promotion.
    pub total: Estimate,
    pub facts: Vec<&'static Fact>,
    pub objective_secs: u64,
    pub verdict: Verdict,
    /// Why a term has no figure where AWS publishes none (empty otherwise).
    pub note: String,
    /// The rule that already reports the shortfall (DR701: no health check; DR704: the DNS
    /// part alone exceeds the RTO), so DR902 does not repeat it.
    pub reported_by: Option<&'static str>,
}

fn label(cx: &Ctx, id: ResourceId, kind: &str, attr: &str) -> String {
    let r = cx.model.get(id);
    shown(r.get(attr)).map_or_else(
        || format!("{kind} {}", r.address),
        |s| format!("{kind} `{s}`"),
    )
}

/// A string value that may appear in a message: never a sensitive one.
fn shown<'v>(v: &'v crate::value::Value) -> Option<&'v str> {
    if v.sensitive() { None } else { v.str() }
}

/// Whether the store in `region` is in scope: stores in the primary region (all stores when the
/// primary region is unknown). A store elsewhere survives the loss of the primary region.
fn in_scope(cx: &Ctx, region: Option<&str>) -> bool {
    match (cx.settings.primary.as_deref(), region) {
        (Some(p), Some(r)) => p == r,
        _ => true,
    }
}

/// Rules whose own findings cover a shortfall, when they run.
fn owner(cx: &Ctx, rule: &'static str) -> Option<&'static str> {
    (!cx.settings.disabled_rules.iter().any(|d| d == rule)).then_some(rule)
}

/// Per data store, the worst-case RPO after the loss of its region.
pub fn store_rpos(cx: &Ctx) -> Vec<StoreRpo> {
    let mut out = Vec::new();
    aurora_globals(cx, &mut out);
    rds_clusters(cx, &mut out);
    db_instances(cx, &mut out);
    dynamodb(cx, &mut out);
    s3(cx, &mut out);
    let obj = cx.settings.rpo_secs;
    for s in &mut out {
        s.objective_secs = obj;
        s.verdict = s.estimate.verdict(obj);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn store(
    resource: ResourceId,
    attribute: &str,
    members: Vec<ResourceId>,
    store: String,
    mechanism: Mechanism,
    how: String,
    regions: Vec<String>,
    estimate: Estimate,
    facts: Vec<&'static Fact>,
) -> StoreRpo {
    StoreRpo {
        resource,
        attribute: attribute.to_string(),
        members,
        store,
        mechanism,
        how,
        regions,
        estimate,
        facts,
        objective_secs: 0,
        verdict: Verdict::Undetermined,
        note: String::new(),
        reported_by: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn store_with_note(
    note: &str,
    resource: ResourceId,
    attribute: &str,
    members: Vec<ResourceId>,
    name: String,
    mechanism: Mechanism,
    how: String,
    regions: Vec<String>,
    estimate: Estimate,
    facts: Vec<&'static Fact>,
) -> StoreRpo {
    let mut s = store(
        resource, attribute, members, name, mechanism, how, regions, estimate, facts,
    );
    s.note = note.to_string();
    s
}

fn aurora_globals(cx: &Ctx, out: &mut Vec<StoreRpo>) {
    let m = cx.model;
    let ms = super::dr801_aurora_global_regions::Memberships::new(cx);
    for &g in m.of_type("aws_rds_global_cluster") {
        let (clusters, _) = super::dr801_aurora_global_regions::members(cx, &ms, g);
        let mut regions: Vec<String> = Vec::new();
        for &c in &clusters {
            if let Some(r) = m.get(c).region.map(str::to_string)
                && !regions.contains(&r)
            {
                regions.push(r);
            }
        }
        if regions.len() < 2 {
            continue; // DR801: a global database in one region (or of unknown regions)
        }
        let primary = clusters
            .iter()
            .copied()
            .find(|&c| cx.is_primary(c) == Some(true));
        if let Some(p) = primary
            && let Some(r) = m.get(p).region.map(str::to_string)
        {
            regions.retain(|x| *x != r);
            regions.insert(0, r);
        }
        let name = label(cx, g, "Aurora global database", "global_cluster_identifier");
        let engine = m
            .get(g)
            .get("engine")
            .str()
            .or_else(|| clusters.iter().find_map(|&c| m.get(c).get("engine").str()))
            .unwrap_or("");
        let others = regions[1..].join(", ");
        let mut s = store(
            g,
            "global_cluster_identifier",
            clusters.clone(),
            name,
            Mechanism::AuroraGlobal,
            format!("storage replication to {others}"),
            regions.clone(),
            Estimate::Typical {
                secs: 1,
                at_least: 0,
            },
            vec![&AURORA_LAG],
        );
        if engine.starts_with("aurora-postgresql") {
            // The managed RPO is set on the writer's cluster parameter group.
            let writers: Vec<ResourceId> = primary.map_or_else(|| clusters.clone(), |p| vec![p]);
            let recorded = writers
                .iter()
                .all(|&c| m.get(c).origin != Origin::AwsConfig);
            let managed = if recorded {
                managed_rpo(cx, &writers)
            } else {
                Err("the adapter reads no cluster parameter groups from AWS Config".to_string())
            };
            match managed {
                Ok(Some(secs)) => {
                    s.mechanism = Mechanism::AuroraGlobalManagedRpo;
                    s.how =
                        format!("storage replication to {others}, with rds.global_db_rpo = {secs}");
                    s.estimate = Estimate::Bound { secs };
                    s.facts = vec![&AURORA_MANAGED_RPO];
                }
                Ok(None) => {}
                Err(why) => {
                    s.estimate = Estimate::Unknown {
                        why: format!("whether rds.global_db_rpo bounds it cannot be told: {why}"),
                    };
                    s.facts.push(&AURORA_MANAGED_RPO);
                }
            }
        }
        out.push(s);
    }
}

/// `rds.global_db_rpo` of the writer clusters' parameter groups (the largest when several).
fn managed_rpo(cx: &Ctx, writers: &[ResourceId]) -> Result<Option<u64>, String> {
    let m = cx.model;
    let mut worst: Option<u64> = None;
    for &c in writers {
        let v = m.get(c).get("db_cluster_parameter_group_name");
        let group = match m.target(c, v) {
            Target::Unset => return Ok(None),
            Target::Literal(n) if n.starts_with("default.") => return Ok(None),
            Target::Literal(n) => m
                .find_by_attr("aws_rds_cluster_parameter_group", "name", n)
                .first()
                .copied()
                .ok_or_else(|| format!("cluster parameter group `{n}` is not in the inputs"))?,
            Target::Resources(ids) => ids
                .into_iter()
                .find(|&i| m.get(i).rtype == "aws_rds_cluster_parameter_group")
                .ok_or("the cluster parameter group is not in the inputs")?,
            Target::Unresolved(what) => {
                return Err(format!("the cluster parameter group comes from {what}"));
            }
        };
        let param = m
            .get(group)
            .get("parameter")
            .items()
            .find(|p| p.get("name").str() == Some("rds.global_db_rpo"));
        let Some(p) = param else {
            return Ok(None);
        };
        let val = p.get("value");
        let secs = match val.kind() {
            Kind::Str(s) => s.trim().parse::<i64>().ok(),
            Kind::Num(_) => val.num().map(|n| n as i64),
            _ if val.is_unknown() => {
                return Err(format!(
                    "its value is {}",
                    m.get(group).origin.unknown_phrase()
                ));
            }
            _ => None,
        };
        match secs {
            Some(s) if s >= 20 => worst = Some(worst.map_or(s as u64, |w: u64| w.max(s as u64))),
            _ => return Ok(None), // -1 (off) or not a valid setting
        }
    }
    Ok(worst)
}

/// The best cross-region AWS Backup copy of a store: (plan, rule in words, at least secs).
fn backup_copy(cx: &Ctx, id: ResourceId) -> Option<(ResourceId, String, u64)> {
    let m = cx.model;
    let region = m.get(id).region?;
    let plans = cx.backup_coverage().plans.get(&id)?;
    let mut best: Option<(ResourceId, String, u64)> = None;
    for &p in plans {
        for rule in m.get(p).get("rule").items() {
            let crosses = rule.get("copy_action").items().any(|c| {
                matches!(vault_region(cx, p, c.get("destination_vault_arn")), Ok(Some(r)) if r != region)
            });
            if !crosses {
                continue;
            }
            let expr = rule.get("schedule").str().unwrap_or("cron(0 5 ? * * *)");
            let Some(interval) = schedule_interval(expr) else {
                continue;
            };
            let start = rule
                .get("start_window")
                .num()
                .map(|n| (n as u64).saturating_mul(60));
            let secs = interval.saturating_add(start.unwrap_or(0));
            let name = shown(rule.get("rule_name")).unwrap_or("?");
            let how = format!(
                "AWS Backup rule `{name}` ({expr}, start window {}) copying to another region",
                start.map_or_else(|| "not set".to_string(), human_duration)
            );
            if best.as_ref().is_none_or(|b| secs < b.2) {
                best = Some((p, how, secs));
            }
        }
    }
    best
}

/// Whether DR603 (backup-frequency) reports the store's backups as less frequent than the RPO:
/// its data has no other recovery point (DR603's test) and no plan covering it runs often enough.
fn dr603_reports(cx: &Ctx, id: ResourceId) -> bool {
    let m = cx.model;
    let r = m.get(id);
    let backup_only = match r.rtype {
        "aws_rds_cluster" => !r.get("global_cluster_identifier").is_set(),
        "aws_dynamodb_table" => {
            r.get("replica").items().next().is_none()
                && r.get("point_in_time_recovery").get("enabled").bool() != Some(true)
        }
        _ => false,
    };
    let Some(plans) = cx.backup_coverage().plans.get(&id) else {
        return false;
    };
    backup_only
        && plans.iter().all(|&p| {
            m.get(p).get("rule").items().all(|rule| {
                rule.get("schedule")
                    .str()
                    .and_then(schedule_interval)
                    .is_some_and(|i| i > cx.settings.rpo_secs)
            })
        })
}

fn backup_or_nothing(cx: &Ctx, id: ResourceId, attr: &str, name: String) -> StoreRpo {
    let region: Vec<String> = cx
        .model
        .get(id)
        .region
        .iter()
        .map(|r| r.to_string())
        .collect();
    let mut s = backup_or_nothing_inner(cx, id, attr, name, region);
    if s.mechanism == Mechanism::BackupCopy {
        s.note = "AWS publishes no bound on how long the copy to the other region takes".into();
    }
    if s.mechanism == Mechanism::BackupCopy && dr603_reports(cx, id) {
        s.reported_by = owner(cx, "DR603");
    }
    s
}

fn backup_or_nothing_inner(
    cx: &Ctx,
    id: ResourceId,
    attr: &str,
    name: String,
    region: Vec<String>,
) -> StoreRpo {
    match backup_copy(cx, id) {
        Some((plan, how, secs)) => store(
            id,
            attr,
            vec![plan],
            name,
            Mechanism::BackupCopy,
            how,
            region,
            Estimate::AtLeast { secs },
            vec![&BACKUP_WINDOW, &BACKUP_COPY],
        ),
        None => store(
            id,
            attr,
            Vec::new(),
            name,
            Mechanism::None,
            "no replication and no backup copied to another region".into(),
            region,
            Estimate::Never,
            Vec::new(),
        ),
    }
}

/// Read replicas (`replicate_source_db` / `replication_source_identifier`) of `id` in another
/// region.
fn cross_region_replicas(cx: &Ctx, id: ResourceId, rtype: &str, attr: &str) -> Vec<ResourceId> {
    let m = cx.model;
    let region = m.get(id).region;
    m.of_type(rtype)
        .iter()
        .copied()
        .filter(|&c| c != id && m.get(c).region != region)
        .filter(|&c| {
            let v = m.get(c).get(attr);
            match m.target(c, v) {
                Target::Resources(ids) => ids.contains(&id),
                Target::Literal(s) => {
                    m.get(id).get("arn").str() == Some(s)
                        || m.get(id).get("identifier").str() == Some(s)
                        || m.get(id).get("cluster_identifier").str() == Some(s)
                }
                _ => false,
            }
        })
        .collect()
}

fn read_replica(
    cx: &Ctx,
    id: ResourceId,
    attr: &str,
    name: String,
    reps: Vec<ResourceId>,
) -> StoreRpo {
    let m = cx.model;
    let mut regions: Vec<String> = m.get(id).region.iter().map(|r| r.to_string()).collect();
    regions.extend(
        reps.iter()
            .filter_map(|&r| m.get(r).region.map(str::to_string)),
    );
    let others = regions[1.min(regions.len())..].join(", ");
    let mut s = store(
        id,
        attr,
        reps,
        name,
        Mechanism::ReadReplica,
        format!("cross-Region read replica in {others}"),
        regions,
        Estimate::AtLeast { secs: 0 },
        vec![&RDS_REPLICA],
    );
    s.note = "the data lost is the replica's ReplicaLag at the failure, and AWS publishes no bound or typical figure for it".into();
    s
}

fn rds_clusters(cx: &Ctx, out: &mut Vec<StoreRpo>) {
    let m = cx.model;
    for &c in m.of_type("aws_rds_cluster") {
        let r = m.get(c);
        if r.get("global_cluster_identifier").is_set()
            || r.get("replication_source_identifier").is_set()
            || !in_scope(cx, r.region)
        {
            continue; // a global member (aurora_globals, DR801) or itself a replica
        }
        let name = label(cx, c, "RDS cluster", "cluster_identifier");
        let reps = cross_region_replicas(cx, c, "aws_rds_cluster", "replication_source_identifier");
        out.push(if reps.is_empty() {
            backup_or_nothing(cx, c, "cluster_identifier", name)
        } else {
            read_replica(cx, c, "cluster_identifier", name, reps)
        });
    }
}

fn db_instances(cx: &Ctx, out: &mut Vec<StoreRpo>) {
    let m = cx.model;
    for &d in m.of_type("aws_db_instance") {
        let r = m.get(d);
        let engine = r.get("engine").str().unwrap_or("");
        if r.get("replicate_source_db").is_set()
            || r.get("db_cluster_identifier").is_set()
            || r.get("cluster_identifier").is_set()
            || engine.starts_with("aurora")
            || !in_scope(cx, r.region)
        {
            continue; // a replica, or an instance of an Aurora cluster
        }
        let name = label(cx, d, "RDS instance", "identifier");
        let reps = cross_region_replicas(cx, d, "aws_db_instance", "replicate_source_db");
        if !reps.is_empty() {
            out.push(read_replica(cx, d, "identifier", name, reps));
            continue;
        }
        let repl = m
            .of_type("aws_db_instance_automated_backups_replication")
            .iter()
            .copied()
            .find(
                |&b| match m.target(b, m.get(b).get("source_db_instance_arn")) {
                    Target::Resources(ids) => ids.contains(&d),
                    Target::Literal(s) => r.get("arn").str() == Some(s),
                    _ => false,
                },
            );
        if let Some(b) = repl {
            let regions: Vec<String> = [
                r.region.map(str::to_string),
                m.get(b).region.map(str::to_string),
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push(store_with_note(
                "cross-Region backup replication has no published lag bound",
                d,
                "identifier",
                vec![b],
                name,
                Mechanism::RdsBackupReplication,
                "cross-Region automated backup replication".into(),
                regions,
                Estimate::AtLeast { secs: 300 },
                vec![&RDS_LOGS],
            ));
            continue;
        }
        out.push(backup_or_nothing(cx, d, "identifier", name));
    }
}

fn dynamodb(cx: &Ctx, out: &mut Vec<StoreRpo>) {
    let m = cx.model;
    for &t in m.of_type("aws_dynamodb_table") {
        let r = m.get(t);
        let Some(region) = r.region.map(str::to_string) else {
            continue; // DR803 reports a table whose region is unknown
        };
        if !in_scope(cx, Some(&region)) {
            continue;
        }
        let name = label(cx, t, "DynamoDB table", "name");
        let mut regions = vec![region.clone()];
        let mut members = Vec::new();
        let mut unknown: Option<String> = None;
        let mut modes: Vec<Option<String>> = Vec::new();
        for rep in r.get("replica").items() {
            let rn = rep.get("region_name");
            match rn.str() {
                Some(x) if x != region => {
                    regions.push(x.to_string());
                    let cm = rep.get("consistency_mode");
                    if cm.is_unknown() && cm.is_set() {
                        unknown.get_or_insert(format!(
                            "the replica's consistency_mode is {}",
                            r.origin.unknown_phrase()
                        ));
                    }
                    modes.push(cm.str().map(str::to_ascii_uppercase));
                }
                Some(_) => {}
                None if rn.is_set() => {
                    unknown.get_or_insert(format!(
                        "a replica's region_name is {}",
                        r.origin.unknown_phrase()
                    ));
                }
                None => {}
            }
        }
        for &rp in m.of_type("aws_dynamodb_table_replica") {
            let points = matches!(m.target(rp, m.get(rp).get("global_table_arn")), Target::Resources(ids) if ids.contains(&t));
            if let (true, Some(x)) = (points, m.get(rp).region.map(str::to_string))
                && x != region
            {
                regions.push(x);
                members.push(rp);
                modes.push(None);
            }
        }
        if let Some(n) = r.get("name").str() {
            for &gt in m
                .find_by_attr("aws_dynamodb_global_table", "name", n)
                .iter()
            {
                members.push(gt);
                for rep in m.get(gt).get("replica").items() {
                    if let Some(x) = rep.get("region_name").str()
                        && x != region
                        && !regions.iter().any(|y| y == x)
                    {
                        regions.push(x.to_string());
                        modes.push(None);
                    }
                }
            }
        }
        regions.dedup();
        if let Some(why) = unknown {
            out.push(store(
                t,
                "replica",
                members,
                name,
                Mechanism::DynamoDbMrec,
                "global table replicas".into(),
                regions,
                Estimate::Unknown { why },
                vec![&DDB_MREC],
            ));
            continue;
        }
        if regions.len() < 2 {
            let mut s = backup_or_nothing(cx, t, "replica", name);
            if cx.is_primary(t) == Some(true) {
                s.reported_by = owner(cx, "DR803");
            }
            out.push(s);
            continue;
        }
        let others = regions[1..].join(", ");
        let strong = !modes.is_empty() && modes.iter().all(|m| m.as_deref() == Some("STRONG"));
        if r.origin == Origin::AwsConfig && cx.settings.strict_objectives {
            // Eventual (typically 1 s) or strong (0) consistency pass any objective unless
            // strict; strict needs to know which, and the adapter does not map the mode.
            out.push(store(
                t,
                "replica",
                members,
                name,
                Mechanism::DynamoDbMrec,
                format!("global table replicas in {others}"),
                regions,
                Estimate::Unknown {
                    why:
                        "whether the replicas are strongly consistent is not recorded by AWS Config"
                            .into(),
                },
                vec![&DDB_MREC, &DDB_MRSC],
            ));
            continue;
        }
        out.push(if strong {
            store(
                t,
                "replica",
                members,
                name,
                Mechanism::DynamoDbMrsc,
                format!("global table replicas in {others} (strong consistency)"),
                regions,
                Estimate::Bound { secs: 0 },
                vec![&DDB_MRSC],
            )
        } else {
            store(
                t,
                "replica",
                members,
                name,
                Mechanism::DynamoDbMrec,
                format!("global table replicas in {others} (eventual consistency)"),
                regions,
                Estimate::Typical {
                    secs: 1,
                    at_least: 0,
                },
                vec![&DDB_MREC],
            )
        });
    }
}

fn s3(cx: &Ctx, out: &mut Vec<StoreRpo>) {
    let m = cx.model;
    let ix = cx.s3();
    let rules = ix.crr_rules(cx);
    // Buckets that are the destination of a rule from another bucket: a copy, not a store.
    let mut replicas: std::collections::HashSet<ResourceId> = std::collections::HashSet::new();
    // The rules of each source bucket, in the order listed.
    let mut by_source: std::collections::HashMap<ResourceId, Vec<&super::s3::CrrRule>> =
        std::collections::HashMap::new();
    for rule in &rules {
        if let BucketRef::Bucket(b) = ix.destination(rule)
            && rule.source != Some(b)
        {
            replicas.insert(b);
        }
        if let Some(src) = rule.source {
            by_source.entry(src).or_default().push(rule);
        }
    }
    for &b in m.of_type("aws_s3_bucket") {
        let r = m.get(b);
        let mine: Vec<_> = by_source.remove(&b).unwrap_or_default();
        if (replicas.contains(&b) && mine.is_empty()) || !in_scope(cx, r.region) {
            continue;
        }
        let name = label(cx, b, "S3 bucket", "bucket");
        let region = r.region.map(str::to_string);
        let mut regions: Vec<String> = region.iter().cloned().collect();
        let mut members = Vec::new();
        let mut unknown: Option<String> = None;
        let mut same_region = false;
        let mut rtc_all = true;
        let mut any = false;
        for rule in mine {
            let rid =
                shown(rule.rule.get("id")).map_or_else(|| rule.path.clone(), |s| format!("`{s}`"));
            match rule.enabled() {
                Tri::Yes => {}
                Tri::No => continue,
                Tri::Unknown => {
                    unknown.get_or_insert(format!(
                        "the status of replication rule {rid} is {}",
                        m.get(rule.owner).origin.unknown_phrase()
                    ));
                    continue;
                }
            }
            let dest = match ix.destination(rule) {
                BucketRef::Bucket(d) => match m.get(d).region.map(str::to_string) {
                    Some(x) => x,
                    None => {
                        unknown.get_or_insert(format!(
                            "the region of {}, the destination of rule {rid}, is unknown",
                            m.get(d).address
                        ));
                        continue;
                    }
                },
                BucketRef::External(n) => {
                    unknown.get_or_insert(format!(
                        "rule {rid} replicates to bucket `{n}`, which is not in the inputs, so its region cannot be told"
                    ));
                    continue;
                }
                BucketRef::Unresolved(what) => {
                    unknown
                        .get_or_insert(format!("the destination of rule {rid} comes from {what}"));
                    continue;
                }
            };
            if region.as_deref() == Some(dest.as_str()) {
                same_region = true;
                continue;
            }
            any = true;
            if !members.contains(&rule.owner) {
                members.push(rule.owner);
            }
            if !regions.contains(&dest) {
                regions.push(dest);
            }
            let rtc = rule.destination().get("replication_time").get("status");
            if rtc.str() != Some("Enabled") {
                if m.get(rule.owner).origin == Origin::AwsConfig {
                    unknown.get_or_insert(format!(
                        "whether rule {rid} has replication time control is not recorded by AWS Config (the adapter does not map it)"
                    ));
                } else if rtc.is_unknown() && rtc.is_set() {
                    unknown.get_or_insert(format!(
                        "whether rule {rid} has replication time control is {}",
                        m.get(rule.owner).origin.unknown_phrase()
                    ));
                }
                rtc_all = false;
            }
        }
        if !any && unknown.is_none() {
            unknown = ix.may_replicate(cx, b);
        }
        let others = regions.get(1..).unwrap_or_default().join(", ");
        let s = if let Some(why) = unknown {
            store(
                b,
                "bucket",
                members,
                name,
                Mechanism::S3Crr,
                "cross-region replication".into(),
                regions,
                Estimate::Unknown { why },
                vec![&S3_CRR],
            )
        } else if !any {
            let mut s = store(
                b,
                "bucket",
                members,
                name,
                Mechanism::None,
                if same_region {
                    "replication within its own region only".into()
                } else {
                    "no cross-region replication".into()
                },
                regions,
                Estimate::Never,
                Vec::new(),
            );
            if same_region {
                s.reported_by = owner(cx, "DR402");
            }
            s
        } else if rtc_all {
            store(
                b,
                "bucket",
                members,
                name,
                Mechanism::S3CrrRtc,
                format!(
                    "replication with replication time control to {others} (99.9 % of new objects)"
                ),
                regions,
                Estimate::Bound { secs: 900 },
                vec![&S3_RTC],
            )
        } else {
            store(
                b,
                "bucket",
                members,
                name,
                Mechanism::S3Crr,
                format!("replication without replication time control to {others}"),
                regions,
                Estimate::Typical {
                    secs: 900,
                    at_least: 0,
                },
                vec![&S3_CRR],
            )
        };
        out.push(s);
    }
}

/// Per Route 53 failover record pair, the RTO: detection + TTL + data-tier promotion.
pub fn failover_rtos(cx: &Ctx) -> Vec<PathRto> {
    let m = cx.model;
    let (sets, _) = super::route53::sets_with_policy(cx, &["failover_routing_policy"]);
    let mut out = Vec::new();
    let mut promotions = Promotions::new();
    for ((_, name, _), recs) in sets {
        let of = |t: &str| {
            recs.iter().copied().find(|&r| {
                m.get(r)
                    .get("failover_routing_policy")
                    .get("type")
                    .str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(t))
            })
        };
        let (Some(p), Some(s)) = (of("PRIMARY"), of("SECONDARY")) else {
            continue; // DR702
        };
        out.push(path(cx, &mut promotions, name, p, s));
    }
    out
}

/// What a record answers with, and the resource it points at.
fn target_of(cx: &Ctx, rec: ResourceId) -> (String, Option<ResourceId>) {
    let m = cx.model;
    let r = m.get(rec);
    let alias = r.get("alias");
    if !alias.is_empty_block() {
        let n = alias.get("name");
        let res = match m.target(rec, n) {
            Target::Resources(ids) => ids.first().copied(),
            _ => None,
        };
        let text = res.map_or_else(|| n.display(), |i| format!("alias to {}", m.get(i).address));
        return (text, res);
    }
    let vals = r.get("records");
    let res = vals.items().find_map(|v| match m.target(rec, v) {
        Target::Resources(ids) => ids.first().copied(),
        _ => None,
    });
    let rtype = r.get("type").str().unwrap_or("record");
    let text = match res {
        Some(i) => format!("{rtype} to {}", m.get(i).address),
        None => format!("{rtype} {}", vals.display()),
    };
    (text, res)
}

/// The promotion each secondary region needs, worked out once per region (not once per path).
type Promotions = std::collections::HashMap<String, Option<Promotion>>;

fn path(
    cx: &Ctx,
    promotions: &mut Promotions,
    name: String,
    p: ResourceId,
    s: ResourceId,
) -> PathRto {
    let m = cx.model;
    let pr = m.get(p);
    let (primary_target, _) = target_of(cx, p);
    let (secondary_target, s_res) = target_of(cx, s);
    let secondary_region = s_res
        .and_then(|i| m.get(i).region.map(str::to_string))
        .or_else(|| cx.settings.dr.clone());
    let hc = cx.health_check(p);
    let mut facts: Vec<&'static Fact> = vec![&R53_DETECT, &R53_PROPAGATION, &R53_TTL];
    let mut reported_by = None;
    // Detection.
    let hc_v = pr.get("health_check_id");
    let mut dns_only: Option<u64> = None; // DR704's figure: interval × threshold + TTL
    let mut detection_how = String::new();
    let mut notes: Vec<String> = Vec::new();
    let detection = if !hc_v.is_set() {
        if super::route53::health_checked(cx, p) == Tri::No {
            reported_by = owner(cx, "DR701");
            Estimate::Never
        } else {
            notes.push("the primary fails over on its alias target's health only, and AWS publishes no figure for how fast Route 53 sees it".to_string());
            Estimate::AtLeast { secs: 0 }
        }
    } else {
        match hc {
            None => Estimate::Unknown {
                why: "the primary's health check is not in the inputs".into(),
            },
            Some(h) => detection(cx, h, &mut dns_only, &mut detection_how),
        }
    };
    // TTL: resolvers keep the primary's answer this long.
    let ttl = if pr.get("alias").is_empty_block() {
        match pr.get("ttl").num() {
            Some(t) => Estimate::Bound { secs: t as u64 },
            None => Estimate::Unknown {
                why: format!("the primary record's ttl is {}", pr.origin.unknown_phrase()),
            },
        }
    } else {
        let (_, res) = target_of(cx, p);
        match res.map(|i| m.get(i)) {
            Some(t) if matches!(t.rtype, "aws_lb" | "aws_alb" | "aws_elb") => {
                Estimate::Bound { secs: 60 }
            }
            Some(t) if t.rtype == "aws_route53_record" && t.get("ttl").num().is_some() => {
                Estimate::Bound {
                    secs: t.get("ttl").num().unwrap_or(0.0) as u64,
                }
            }
            _ => {
                notes.push(
                    "the alias target's TTL is not published for this kind of target".to_string(),
                );
                Estimate::AtLeast { secs: 0 }
            }
        }
    };
    if let (Some(d), Estimate::Bound { secs }) = (dns_only, &ttl) {
        // DR704 compares interval × threshold + TTL with the RTO (alias records: 60 s).
        let dr704_ttl = if pr.get("alias").is_empty_block() {
            *secs
        } else {
            60
        };
        if d.saturating_add(dr704_ttl) > cx.settings.rto_secs && reported_by.is_none() {
            reported_by = owner(cx, "DR704");
        }
    }
    let promotion = secondary_region.as_deref().and_then(|reg| {
        promotions
            .entry(reg.to_string())
            .or_insert_with(|| promotion_in(cx, reg))
            .clone()
    });
    if let Some(pm) = &promotion {
        facts.push(pm.fact);
    }
    let mut total = detection.plus(&ttl);
    if let Some(pm) = &promotion {
        total = total.plus(&pm.estimate);
    }
    let obj = cx.settings.rto_secs;
    PathRto {
        name,
        primary: p,
        secondary: s,
        primary_target,
        secondary_target,
        secondary_region,
        health_check: hc,
        detection,
        detection_how,
        ttl,
        promotion,
        verdict: total.verdict(obj),
        total,
        facts,
        objective_secs: obj,
        note: notes.join("; "),
        reported_by,
    }
}

/// failure_threshold × (request_interval + probe timeout) of a health check.
fn detection(cx: &Ctx, hc: ResourceId, dns_only: &mut Option<u64>, how: &mut String) -> Estimate {
    let r = cx.model.get(hc);
    let kind = r.get("type").str().unwrap_or("HTTP").to_ascii_uppercase();
    let timeout = match kind.as_str() {
        "HTTP" | "HTTPS" => 6,
        "HTTP_STR_MATCH" | "HTTPS_STR_MATCH" => 8,
        "TCP" => 10,
        other => {
            *how =
                format!("a {other} health check, whose detection time AWS publishes no figure for");
            return Estimate::AtLeast { secs: 0 };
        }
    };
    let num = |key: &str, default: f64| -> Result<u64, String> {
        let v = r.get(key);
        match v.num() {
            Some(n) => Ok(n as u64),
            None if v.is_unknown() && v.is_set() => Err(format!(
                "the health check's {key} is {}",
                r.origin.unknown_phrase()
            )),
            None => Ok(default as u64),
        }
    };
    match (num("request_interval", 30.0), num("failure_threshold", 3.0)) {
        (Ok(i), Ok(f)) => {
            *dns_only = Some(i.saturating_mul(f));
            *how = format!("{f} × ({i}s + {timeout}s timeout)");
            Estimate::Bound {
                secs: f.saturating_mul(i.saturating_add(timeout)),
            }
        }
        (Err(why), _) | (_, Err(why)) => Estimate::Unknown { why },
    }
}

/// The slowest promotion a region's data tier needs before it takes writes: secondary clusters
/// of Aurora global databases and read replicas there.
fn promotion_in(cx: &Ctx, region: &str) -> Option<Promotion> {
    let m = cx.model;
    let mut best: Option<Promotion> = None;
    let ms = super::dr801_aurora_global_regions::Memberships::new(cx);
    for &g in m.of_type("aws_rds_global_cluster") {
        let (clusters, _) = super::dr801_aurora_global_regions::members(cx, &ms, g);
        if clusters.len() < 2 {
            continue;
        }
        for c in clusters {
            if m.get(c).region == Some(region) && cx.is_primary(c) != Some(true) {
                let p = Promotion {
                    store: c,
                    what: format!(
                        "promotion of {} ({region})",
                        label(cx, c, "Aurora global secondary", "cluster_identifier")
                    ),
                    estimate: Estimate::Typical {
                        secs: 60,
                        at_least: 0,
                    },
                    fact: &AURORA_PROMOTE,
                };
                if best.is_none() {
                    best = Some(p);
                }
            }
        }
    }
    for (rtype, attr, kind) in [
        ("aws_db_instance", "replicate_source_db", "RDS read replica"),
        (
            "aws_rds_cluster",
            "replication_source_identifier",
            "RDS cluster replica",
        ),
    ] {
        for &d in m.of_type(rtype) {
            let r = m.get(d);
            if r.region == Some(region) && r.get(attr).is_set() {
                let id_attr = if rtype == "aws_db_instance" {
                    "identifier"
                } else {
                    "cluster_identifier"
                };
                // A read replica's promotion takes "a few minutes": the slower one.
                return Some(Promotion {
                    store: d,
                    what: format!("promotion of {} ({region})", label(cx, d, kind, id_attr)),
                    estimate: Estimate::Typical {
                        secs: 300,
                        at_least: 0,
                    },
                    fact: &RDS_REPLICA,
                });
            }
        }
    }
    best
}

/// The verdict a rule reports, with `--strict-objectives`: a typical-only figure fails.
pub fn strict_verdict(cx: &Ctx, v: Verdict) -> Verdict {
    if matches!(v, Verdict::MetTypically | Verdict::MissedTypically)
        && cx.settings.strict_objectives
    {
        Verdict::Missed
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(Estimate::Bound { secs: 300 }.verdict(300), Verdict::Met);
        assert_eq!(Estimate::Bound { secs: 301 }.verdict(300), Verdict::Missed);
        let typ = Estimate::Typical {
            secs: 1,
            at_least: 0,
        };
        assert_eq!(typ.verdict(300), Verdict::MetTypically);
        assert_eq!(
            Estimate::Typical {
                secs: 900,
                at_least: 0
            }
            .verdict(300),
            Verdict::MissedTypically
        );
        assert_eq!(
            Estimate::Typical {
                secs: 900,
                at_least: 301
            }
            .verdict(300),
            Verdict::Missed
        );
        assert_eq!(
            Estimate::AtLeast { secs: 90000 }.verdict(300),
            Verdict::Missed
        );
        assert_eq!(
            Estimate::AtLeast { secs: 300 }.verdict(300),
            Verdict::MetTypically
        );
        let unknown = Estimate::Unknown { why: "x".into() };
        assert_eq!(unknown.verdict(300), Verdict::Undetermined);
        assert_eq!(Estimate::Never.verdict(u64::MAX), Verdict::Missed);
    }

    #[test]
    fn sums() {
        let b = Estimate::Bound { secs: 108 };
        let t = Estimate::Typical {
            secs: 60,
            at_least: 0,
        };
        assert_eq!(
            b.plus(&Estimate::Bound { secs: 60 }).plus(&t),
            Estimate::Typical {
                secs: 228,
                at_least: 168
            }
        );
        assert_eq!(b.plus(&Estimate::Never), Estimate::Never);
    }

    #[test]
    fn every_fact_is_in_docs_dr_facts() {
        let doc = include_str!("../../docs/dr-facts.md");
        for f in FACTS {
            assert!(
                doc.contains(&format!("id=\"fact-{}\"", f.id)),
                "docs/dr-facts.md has no anchor fact-{}",
                f.id
            );
            assert!(
                doc.contains(f.url),
                "docs/dr-facts.md does not cite {}",
                f.url
            );
        }
    }
}
