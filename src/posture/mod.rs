//! `drlint posture`: the DR review on one page, and the picture of the DR system.
//!
//! [`build`] computes a [`Posture`] — pure data: the regions and how they were inferred, the data
//! stores and entry points, the nodes and edges of the picture, and a region-loss simulation per
//! region — from the model's topology (which table has which replica, which record fails over to
//! what, which backup plan copies where) and the rules' findings. Verdicts come only from the
//! findings: the posture page is the rules' results arranged as a system, not a second engine.
//! The renderers ([`text`] for human and Markdown with a Mermaid block, [`svg`], JSON through
//! serde) see only the [`Posture`]. The JSON shape and the verdict rules are in docs/posture.md.

pub mod svg;
pub mod text;

use crate::findings::Finding;
use crate::model::{ResourceId, Target};
use crate::rules::s3::BucketRef;
use crate::rules::{Ctx, Level, OutcomeKind, backup, human_duration, objectives, route53};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Version of the JSON shape (`drlint posture --format json`).
pub const SCHEMA: &str = "drlint-posture/1";

/// What a path (a replication, a backup copy, a failover) or a node looks like to the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No finding.
    Ok,
    /// Undecided checks, warnings or notes, or only a typical (unbounded) estimate: amber.
    Warning,
    /// A rule fails at error level, or a finding breaks the path: red.
    Fail,
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warning => "warning",
            Verdict::Fail => "fail",
        }
    }
}

/// One rule finding that shapes a verdict, as the posture shows it.
#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    pub rule_id: &'static str,
    pub rule_name: &'static str,
    pub family: &'static str,
    pub level: Level,
    pub outcome: OutcomeKind,
    pub resource: Option<String>,
    pub attribute: String,
    pub message: String,
    /// Whether the finding breaks the path it is on when a region is lost (see [`breaks`]).
    pub breaks: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionInfo {
    pub name: String,
    /// `primary`, `dr` or `other`.
    pub role: &'static str,
    /// How the region was found (`--primary-region`, `inferred: region of provider alias …`),
    /// or, for other regions, that resources are there.
    pub source: String,
    pub resources: usize,
}

/// An estimate from the objectives rules (DR901/DR902), or why there is none.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Estimate {
    pub seconds: Option<u64>,
    /// As shown: "15m", "typically 1s, no published bound", "not estimated".
    pub text: String,
}

impl Estimate {
    pub fn none(why: &str) -> Estimate {
        Estimate {
            seconds: None,
            text: why.to_string(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Store {
    /// The node of the store's main copy in the picture.
    pub node: String,
    pub name: String,
    /// "Aurora global database", "DynamoDB table", "S3 bucket", …
    pub kind: &'static str,
    pub resource: String,
    pub regions: Vec<String>,
    /// How the data gets out of its region, in words.
    pub mechanism: String,
    pub rpo_worst: Estimate,
    pub rpo_typical: Estimate,
    pub verdict: Verdict,
    pub findings: Vec<FindingRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Route {
    /// `PRIMARY`, `SECONDARY`, `weight 10`, `latency us-east-1`, …
    pub role: String,
    pub record: String,
    /// The node the record answers with.
    pub target_node: String,
    pub target: String,
    /// The target's resource type, or what it is (`record value`).
    pub target_kind: String,
    pub target_region: Option<String>,
    pub health_check: Option<String>,
    /// The record's TTL; None for an alias (the target's TTL applies).
    pub ttl_seconds: Option<u64>,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntryPoint {
    pub node: String,
    /// The DNS name and type: `api.example.com A`.
    pub name: String,
    /// `failover`, `weighted`, `latency`, `geolocation`, `geoproximity`.
    pub routing: &'static str,
    pub routes: Vec<Route>,
    /// From the objectives estimates (DR902): health-check detection, the TTL clients keep the
    /// PRIMARY's answer, and the total with the data tier's promotion.
    pub detection: Estimate,
    pub ttl: Estimate,
    pub rto: Estimate,
    pub verdict: Verdict,
    pub findings: Vec<FindingRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A data store's copy (table, replica, cluster, bucket).
    Store,
    /// A backup vault that receives copies.
    Vault,
    /// A Route 53 record set.
    Entry,
    /// What a record answers with (a load balancer, a function, an address).
    Target,
    /// The copy a store lacks in the DR region, drawn where a breaking finding says so.
    Missing,
}

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    /// The resource type or a short description, shown under the label.
    pub detail: String,
    pub kind: NodeKind,
    /// None: global (Route 53) or outside the input.
    pub region: Option<String>,
    pub resource: Option<String>,
    pub verdict: Verdict,
    /// Index into [`Posture::stores`] / [`Posture::entry_points`] of the group the node is
    /// drawn with (layout only).
    #[serde(skip)]
    pub group: usize,
    #[serde(skip)]
    res: Option<ResourceId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    Replication,
    BackupCopy,
    Failover,
    /// A dependency a region-loss finding names (another resource in another region).
    Dependency,
}

#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub label: String,
    pub verdict: Verdict,
    /// A finding on it breaks it when a region is lost.
    pub broken: bool,
    pub findings: Vec<FindingRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LossItem {
    pub name: String,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionLoss {
    pub region: String,
    pub keeps_serving: Vec<LossItem>,
    pub breaks: Vec<LossItem>,
    /// What the input cannot tell (undecided findings on the surviving path).
    pub undecided: Vec<LossItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Posture {
    pub schema: &'static str,
    pub regions: Vec<RegionInfo>,
    pub rpo_objective_seconds: u64,
    pub rto_objective_seconds: u64,
    pub stores: Vec<Store>,
    pub entry_points: Vec<EntryPoint>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub region_loss: Vec<RegionLoss>,
    /// DR findings that belong to no store or entry point (e.g. a backup selection that selects
    /// nothing, a region-loss dependency of a function).
    pub other_findings: Vec<FindingRef>,
}

/// Rule families whose findings are about the DR mechanics the posture shows. Rules of the
/// 8xx (region loss) and 9xx (objectives) ranges count whatever their family is called.
const FAMILIES: &[&str] = &["replication", "backup", "dns", "region-loss"];

fn relevant(f: &Finding) -> bool {
    FAMILIES.contains(&f.rule.family)
        || f.rule.id.starts_with("DR8")
        || f.rule.id.starts_with("DR9")
}

/// Rules whose failures leave the path working but worse (deletes not replicated, the lag not
/// alarmed, a slow failover, short retention, a budget missed). Every other failure on a path
/// breaks it: the copy or the failover is not there when the region is lost.
const DEGRADES: &[&str] = &[
    "DR401", "DR601", "DR603", "DR604", "DR704", "DR804", "DR808", "DR901", "DR902",
];

/// Whether finding `f` breaks the path it is on. A warning never does: the rules warn where the
/// path keeps working but worse (DR805's missing alarm or log group, a memory difference).
pub fn breaks(f: &Finding) -> bool {
    f.outcome == OutcomeKind::Fail
        && f.level == crate::rules::Level::Error
        && !DEGRADES.contains(&f.rule.id)
}

fn verdict_of(fs: &[FindingRef]) -> Verdict {
    fs.iter()
        .map(|f| match (f.outcome, f.level) {
            (OutcomeKind::Fail, Level::Error) => Verdict::Fail,
            (OutcomeKind::Fail, _) if f.breaks => Verdict::Fail,
            _ => Verdict::Warning,
        })
        .max()
        .unwrap_or(Verdict::Ok)
}

/// What a finding can be attached to: a resource, optionally only the findings whose attribute
/// is under `prefix` (`replica[0]`, `rule[1]`).
#[derive(Clone, Debug)]
struct Owner {
    id: ResourceId,
    prefix: String,
}

fn owner(id: ResourceId, prefix: &str) -> Owner {
    Owner {
        id,
        prefix: prefix.to_string(),
    }
}

/// How specifically `o` matches an attribute path: None if not at all, else the prefix length.
fn matches(o: &Owner, attribute: &str) -> Option<usize> {
    if o.prefix.is_empty() {
        return Some(0);
    }
    let rest = attribute.strip_prefix(o.prefix.as_str())?;
    (rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')).then_some(o.prefix.len())
}

/// The picture and tables under construction.
struct Builder<'c, 'm, 'a> {
    cx: &'c Ctx<'m, 'a>,
    nodes: Vec<Node>,
    node_owners: Vec<Vec<Owner>>,
    edges: Vec<Edge>,
    edge_owners: Vec<Vec<Owner>>,
    /// Resource → its node.
    node_of: HashMap<ResourceId, usize>,
    /// Vault (resource or `region:name`) → node.
    vault_of: BTreeMap<String, usize>,
}

/// A short display name: the resource's `name`-like attribute (unless sensitive), else its
/// address.
fn display_name(cx: &Ctx, id: ResourceId) -> String {
    let r = cx.model.get(id);
    for a in [
        "name",
        "bucket",
        "cluster_identifier",
        "global_cluster_identifier",
        "identifier",
        "function_name",
    ] {
        let v = r.get(a);
        // A sensitive name is never shown: the address stands in for it.
        if let Some(s) = v.nonempty_str().filter(|_| !v.sensitive()) {
            return s.to_string();
        }
    }
    r.address.clone()
}

impl<'c, 'm, 'a> Builder<'c, 'm, 'a> {
    #[allow(clippy::too_many_arguments)]
    fn add_node(
        &mut self,
        label: String,
        detail: String,
        kind: NodeKind,
        region: Option<String>,
        resource: Option<ResourceId>,
        owners: Vec<Owner>,
        group: usize,
    ) -> usize {
        let i = self.nodes.len();
        self.nodes.push(Node {
            id: format!("n{i}"),
            label,
            detail,
            kind,
            region,
            resource: resource.map(|r| self.cx.model.get(r).address.clone()),
            verdict: Verdict::Ok,
            group,
            res: resource,
        });
        self.node_owners.push(owners);
        if let Some(r) = resource {
            self.node_of.entry(r).or_insert(i);
        }
        i
    }

    /// The node of resource `id` drawn as a store copy.
    fn resource_node(&mut self, id: ResourceId, kind: NodeKind, group: usize) -> usize {
        if let Some(&n) = self.node_of.get(&id) {
            return n;
        }
        let r = self.cx.model.get(id);
        self.add_node(
            display_name(self.cx, id),
            r.rtype.to_string(),
            kind,
            r.region.map(str::to_string),
            Some(id),
            vec![owner(id, "")],
            group,
        )
    }

    fn add_edge(
        &mut self,
        from: usize,
        to: usize,
        kind: EdgeKind,
        label: &str,
        owners: Vec<Owner>,
    ) {
        self.edges.push(Edge {
            from: self.nodes[from].id.clone(),
            to: self.nodes[to].id.clone(),
            kind,
            label: label.to_string(),
            verdict: Verdict::Ok,
            broken: false,
            findings: Vec::new(),
        });
        self.edge_owners.push(owners);
    }
}

/// A store under construction: its nodes and the words for its mechanism.
struct StoreDraft {
    node: usize,
    name: String,
    kind: &'static str,
    resource: ResourceId,
    /// Nodes of its copies (the main one first).
    copies: Vec<usize>,
    mechanism: Vec<String>,
    /// Extra owners for store-level findings (a global cluster, a backup plan).
    owners: Vec<Owner>,
}

/// The worst case and the typical figure of an objectives estimate, as the posture shows them.
fn worst_and_typical(e: &objectives::Estimate) -> (Estimate, Estimate) {
    use objectives::Estimate as E;
    let none = || Estimate::none("-");
    match e {
        E::Bound { secs } => (
            Estimate {
                seconds: Some(*secs),
                text: e.describe(),
            },
            none(),
        ),
        E::Typical { secs, at_least } => (
            Estimate {
                seconds: None,
                text: if *at_least > 0 {
                    format!(
                        "no published bound (at least {})",
                        human_duration(*at_least)
                    )
                } else {
                    "no published bound".to_string()
                },
            },
            Estimate {
                seconds: Some(*secs),
                text: human_duration(*secs),
            },
        ),
        E::AtLeast { .. } | E::Unknown { .. } => (Estimate::none(&e.describe()), none()),
        E::Never => (
            Estimate::none("unbounded: no copy outside the region"),
            none(),
        ),
    }
}

/// An estimate in one column: the bound, or the typical figure, or why there is none.
fn one(e: &objectives::Estimate) -> Estimate {
    let secs = match e {
        objectives::Estimate::Bound { secs } | objectives::Estimate::Typical { secs, .. } => {
            Some(*secs)
        }
        _ => None,
    };
    Estimate {
        seconds: secs,
        text: e.describe(),
    }
}

/// Amber for a figure that only typically meets the objective or cannot be told; a missed
/// objective is DR901/DR902's finding, which colours the store through the findings.
fn estimate_verdict(v: objectives::Verdict) -> Verdict {
    match v {
        // A missed objective (typically or bounded) is DR901/DR902's finding, error or warning.
        objectives::Verdict::Met
        | objectives::Verdict::Missed
        | objectives::Verdict::MissedTypically => Verdict::Ok,
        objectives::Verdict::MetTypically | objectives::Verdict::Undetermined => Verdict::Warning,
    }
}

/// Computes the posture from the model (through the rules' context) and the findings.
pub fn build(cx: &Ctx, findings: &[Finding]) -> Posture {
    let m = cx.model;
    let s = cx.settings;
    let mut b = Builder {
        cx,
        nodes: Vec::new(),
        node_owners: Vec::new(),
        edges: Vec::new(),
        edge_owners: Vec::new(),
        node_of: HashMap::new(),
        vault_of: BTreeMap::new(),
    };
    let mut stores: Vec<StoreDraft> = Vec::new();

    // Aurora global databases: one node per member cluster, replication from the primary-region
    // member (else the first) to the others.
    let mut in_global: std::collections::HashSet<ResourceId> = Default::default();
    let memberships = crate::rules::AuroraMemberships::new(cx);
    for &g in m.of_type("aws_rds_global_cluster") {
        let (mut members, _) = crate::rules::aurora_global_members(cx, &memberships, g);
        members.sort_by_key(|&c| (cx.is_primary(c) != Some(true), m.get(c).address.clone()));
        in_global.extend(&members);
        let group = stores.len();
        let name = display_name(cx, g);
        let (node, copies) = if let Some(&first) = members.first() {
            let n0 = b.resource_node(first, NodeKind::Store, group);
            let mut copies = vec![n0];
            for &c in &members[1..] {
                let n = b.resource_node(c, NodeKind::Store, group);
                b.add_edge(
                    n0,
                    n,
                    EdgeKind::Replication,
                    "Aurora global",
                    vec![owner(c, "")],
                );
                copies.push(n);
            }
            (n0, copies)
        } else {
            let r = m.get(g);
            let n = b.add_node(
                name.clone(),
                "aws_rds_global_cluster (no member cluster)".into(),
                NodeKind::Store,
                r.region.map(str::to_string),
                Some(g),
                vec![owner(g, "")],
                group,
            );
            (n, vec![n])
        };
        stores.push(StoreDraft {
            node,
            name,
            kind: "Aurora global database",
            resource: g,
            copies,
            mechanism: vec![if members.len() >= 2 {
                "Aurora global database (storage-level replication)".to_string()
            } else {
                "Aurora global database without a second member".to_string()
            }],
            owners: vec![owner(g, "")],
        });
    }
    // Clusters and instances outside a global database.
    let read_replicas: Vec<ResourceId> = m
        .of_type("aws_db_instance")
        .iter()
        .copied()
        .filter(|&i| m.get(i).get("replicate_source_db").is_set())
        .collect();
    for id in cx.databases() {
        if in_global.contains(&id) {
            continue;
        }
        let r = m.get(id);
        if r.rtype == "aws_db_instance" && r.get("cluster_identifier").is_set() {
            continue; // an instance of a cluster
        }
        let group = stores.len();
        let node = b.resource_node(id, NodeKind::Store, group);
        let mut copies = vec![node];
        let mut mechanism = Vec::new();
        // Read replicas of an instance (replicate_source_db) in other regions.
        for &rep in &read_replicas {
            let v = m.get(rep).get("replicate_source_db");
            let points = match m.target(rep, v) {
                Target::Resources(ids) => ids.contains(&id),
                Target::Literal(x) => {
                    r.get("arn").str() == Some(x) || r.get("identifier").str() == Some(x)
                }
                _ => false,
            };
            if points {
                let n = b.resource_node(rep, NodeKind::Store, group);
                b.add_edge(
                    node,
                    n,
                    EdgeKind::Replication,
                    "read replica",
                    vec![owner(rep, "")],
                );
                copies.push(n);
                mechanism.push("RDS read replica".to_string());
            }
        }
        let kind = if r.rtype == "aws_rds_cluster" {
            "RDS / Aurora cluster"
        } else {
            "RDS instance"
        };
        stores.push(StoreDraft {
            node,
            name: display_name(cx, id),
            kind,
            resource: id,
            copies,
            mechanism,
            owners: Vec::new(),
        });
    }
    // DynamoDB tables with their replicas (inline blocks and aws_dynamodb_table_replica).
    let mut table_replicas: HashMap<ResourceId, Vec<ResourceId>> = HashMap::new();
    for (t, rp) in m
        .of_type("aws_dynamodb_table_replica")
        .iter()
        .filter_map(
            |&rp| match m.target(rp, m.get(rp).get("global_table_arn")) {
                Target::Resources(ids) => ids
                    .into_iter()
                    .find(|&i| m.get(i).rtype == "aws_dynamodb_table")
                    .map(|t| (t, rp)),
                _ => None,
            },
        )
    {
        table_replicas.entry(t).or_default().push(rp);
    }
    for &t in m.of_type("aws_dynamodb_table") {
        let group = stores.len();
        let node = b.resource_node(t, NodeKind::Store, group);
        let mut copies = vec![node];
        let r = m.get(t);
        let name = display_name(cx, t);
        for (i, rep) in r.get("replica").items().enumerate() {
            let region = rep.get("region_name").str().map(str::to_string);
            let prefix = format!("replica[{i}]");
            let n = b.add_node(
                format!("{name} replica"),
                format!("aws_dynamodb_table {prefix}"),
                NodeKind::Store,
                region,
                None,
                vec![owner(t, &prefix)],
                group,
            );
            b.add_edge(
                node,
                n,
                EdgeKind::Replication,
                "global table",
                vec![owner(t, &prefix)],
            );
            copies.push(n);
        }
        for &rp in table_replicas.get(&t).into_iter().flatten() {
            let n = b.resource_node(rp, NodeKind::Store, group);
            b.add_edge(
                node,
                n,
                EdgeKind::Replication,
                "global table",
                vec![owner(rp, "")],
            );
            copies.push(n);
        }
        let mechanism = if copies.len() > 1 {
            vec!["DynamoDB global table replicas".to_string()]
        } else {
            Vec::new()
        };
        stores.push(StoreDraft {
            node,
            name,
            kind: "DynamoDB table",
            resource: t,
            copies,
            mechanism,
            owners: Vec::new(),
        });
    }
    // S3 buckets: replication rules from a source bucket to its destinations. A bucket that is
    // only a destination is part of its source's store.
    let ix = cx.s3();
    let rules = ix.crr_rules(cx);
    let mut crr: BTreeMap<ResourceId, Vec<(BucketRef, ResourceId, String)>> = BTreeMap::new();
    let mut destinations: std::collections::HashSet<ResourceId> = Default::default();
    for rule in &rules {
        let Some(src) = rule.source else { continue };
        let dest = ix.destination(rule);
        if let BucketRef::Bucket(d) = dest {
            destinations.insert(d);
        }
        crr.entry(src)
            .or_default()
            .push((dest, rule.owner, rule.path.clone()));
    }
    for &bk in m.of_type("aws_s3_bucket") {
        if destinations.contains(&bk) && !crr.contains_key(&bk) {
            continue;
        }
        let group = stores.len();
        let node = b.resource_node(bk, NodeKind::Store, group);
        let mut copies = vec![node];
        let mut mechanism = Vec::new();
        for (dest, owner_id, path) in crr.remove(&bk).unwrap_or_default() {
            let n = match dest {
                BucketRef::Bucket(d) => b.resource_node(d, NodeKind::Store, group),
                BucketRef::External(name) => b.add_node(
                    name,
                    "aws_s3_bucket (outside the input)".into(),
                    NodeKind::Store,
                    None,
                    None,
                    Vec::new(),
                    group,
                ),
                BucketRef::Unresolved(why) => b.add_node(
                    "destination unknown".into(),
                    why,
                    NodeKind::Store,
                    None,
                    None,
                    Vec::new(),
                    group,
                ),
            };
            b.add_edge(
                node,
                n,
                EdgeKind::Replication,
                "S3 replication",
                vec![owner(owner_id, &path)],
            );
            copies.push(n);
            mechanism.push("S3 replication".to_string());
        }
        mechanism.dedup();
        stores.push(StoreDraft {
            node,
            name: display_name(cx, bk),
            kind: "S3 bucket",
            resource: bk,
            copies,
            mechanism,
            owners: Vec::new(),
        });
    }
    // Backups: every copy of a store that a backup plan selects, with the plan's copy actions
    // to vaults (in another region or not).
    let cov = cx.backup_coverage();
    #[allow(clippy::needless_range_loop)] // the body pushes to b while reading stores[si]
    for si in 0..stores.len() {
        let mut copy_regions: Vec<String> = Vec::new();
        let mut plans_seen = Vec::new();
        let copies = stores[si].copies.clone();
        for n in copies {
            let Some(res) = b.nodes[n].res else {
                continue;
            };
            let Some(plans) = cov.plans.get(&res) else {
                continue;
            };
            for &p in plans {
                plans_seen.push(p);
                stores[si].owners.push(owner(p, ""));
                for (ri, rule) in m.get(p).get("rule").items().enumerate() {
                    for ca in rule.get("copy_action").items() {
                        let v = ca.get("destination_vault_arn");
                        let region = backup::vault_region(cx, p, v).ok().flatten();
                        let vault_res = match m.target(p, v) {
                            Target::Resources(ids) => ids
                                .into_iter()
                                .find(|&i| m.get(i).rtype == "aws_backup_vault"),
                            _ => None,
                        };
                        let key = match vault_res {
                            Some(vr) => m.get(vr).address.clone(),
                            None => format!("{}:{}", region.as_deref().unwrap_or("?"), v.display()),
                        };
                        let vn = match b.vault_of.get(&key) {
                            Some(&vn) => vn,
                            None => {
                                let vn = match vault_res {
                                    Some(vr) => b.add_node(
                                        display_name(cx, vr),
                                        "aws_backup_vault".into(),
                                        NodeKind::Vault,
                                        m.get(vr).region.map(str::to_string),
                                        Some(vr),
                                        vec![owner(vr, "")],
                                        usize::MAX,
                                    ),
                                    None => b.add_node(
                                        v.display(),
                                        "backup vault (outside the input)".into(),
                                        NodeKind::Vault,
                                        region.clone(),
                                        None,
                                        Vec::new(),
                                        usize::MAX,
                                    ),
                                };
                                b.vault_of.insert(key, vn);
                                vn
                            }
                        };
                        let label = "backup copy";
                        b.add_edge(
                            n,
                            vn,
                            EdgeKind::BackupCopy,
                            label,
                            vec![owner(p, &format!("rule[{ri}]"))],
                        );
                        if let Some(r) = region {
                            copy_regions.push(r);
                        }
                    }
                }
            }
        }
        plans_seen.sort_unstable();
        plans_seen.dedup();
        if !plans_seen.is_empty() {
            copy_regions.sort();
            copy_regions.dedup();
            let names: Vec<String> = plans_seen.iter().map(|&p| display_name(cx, p)).collect();
            stores[si].mechanism.push(if copy_regions.is_empty() {
                format!(
                    "AWS Backup ({}), no copy to another vault",
                    names.join(", ")
                )
            } else {
                format!(
                    "AWS Backup ({}) copying to {}",
                    names.join(", "),
                    copy_regions.join(", ")
                )
            });
        }
    }

    // Entry points: Route 53 record sets with a routing policy.
    const POLICIES: &[(&str, &str)] = &[
        ("failover_routing_policy", "failover"),
        ("weighted_routing_policy", "weighted"),
        ("latency_routing_policy", "latency"),
        ("geolocation_routing_policy", "geolocation"),
        ("geoproximity_routing_policy", "geoproximity"),
    ];
    let policy_names: Vec<&str> = POLICIES.iter().map(|p| p.0).collect();
    let (sets, _) = route53::sets_with_policy(cx, &policy_names);
    struct EntryDraft {
        node: usize,
        name: String,
        routing: &'static str,
        /// (role, record, target node, edge index, health check)
        routes: Vec<(String, ResourceId, usize, usize, Option<ResourceId>)>,
    }
    let mut entries: Vec<EntryDraft> = Vec::new();
    for ((_, name, rtype), mut recs) in sets {
        let group = stores.len() + entries.len();
        let first = m.get(recs[0]);
        let routing = POLICIES
            .iter()
            .find(|p| !first.get(p.0).is_empty_block())
            .map_or("routing", |p| p.1);
        let role_of = |id: ResourceId| -> String {
            let r = m.get(id);
            let fp = r.get("failover_routing_policy");
            if let Some(t) = fp.get("type").str() {
                return t.to_ascii_uppercase();
            }
            if let Some(w) = r.get("weighted_routing_policy").get("weight").num() {
                return format!("weight {w}");
            }
            if let Some(g) = r.get("latency_routing_policy").get("region").str() {
                return format!("latency {g}");
            }
            r.get("set_identifier")
                .str()
                .map_or_else(|| r.address.clone(), str::to_string)
        };
        recs.sort_by_key(|&id| (role_of(id) != "PRIMARY", m.get(id).address.clone()));
        let node = b.add_node(
            format!("{name} {rtype}"),
            format!("Route 53 {routing}"),
            NodeKind::Entry,
            None,
            None,
            Vec::new(),
            group,
        );
        let mut routes = Vec::new();
        for rec in recs {
            let r = m.get(rec);
            let alias = r.get("alias");
            let value = if alias.is_empty_block() {
                r.get("records").items().next()
            } else {
                Some(alias.get("name"))
            };
            let target = value.and_then(|v| match m.target(rec, v) {
                Target::Resources(ids) => ids.into_iter().next(),
                _ => None,
            });
            let tn = match target {
                Some(t) => match b.node_of.get(&t) {
                    Some(&n) => n,
                    None => b.resource_node(t, NodeKind::Target, group),
                },
                None => b.add_node(
                    value.map_or_else(|| "no value".to_string(), |v| v.display()),
                    "record value".into(),
                    NodeKind::Target,
                    r.region.map(str::to_string),
                    None,
                    Vec::new(),
                    group,
                ),
            };
            let hc = route53::health_check_of(cx, rec);
            let mut owners = vec![owner(rec, "")];
            if let Some(h) = hc {
                owners.push(owner(h, ""));
            }
            let role = role_of(rec);
            b.add_edge(node, tn, EdgeKind::Failover, &role, owners);
            routes.push((role, rec, tn, b.edges.len() - 1, hc));
        }
        entries.push(EntryDraft {
            node,
            name: format!("{name} {rtype}"),
            routing,
            routes,
        });
    }

    // Attach findings: each to the most specific edges, else nodes, that own its resource.
    let by_addr: HashMap<(usize, &str), ResourceId> = m
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.file, r.address.as_str()), i))
        .collect();
    let mut edge_findings: Vec<Vec<FindingRef>> = vec![Vec::new(); b.edges.len()];
    let mut node_findings: Vec<Vec<FindingRef>> = vec![Vec::new(); b.nodes.len()];
    let mut store_findings: Vec<Vec<FindingRef>> = vec![Vec::new(); stores.len()];
    let mut other: Vec<(Option<ResourceId>, FindingRef)> = Vec::new();
    // Owners by resource: (edge?, index, owner).
    let mut owned: HashMap<ResourceId, Vec<(bool, usize, &Owner)>> = HashMap::new();
    for (is_edge, list) in [(true, &b.edge_owners), (false, &b.node_owners)] {
        for (i, os) in list.iter().enumerate() {
            for o in os {
                owned.entry(o.id).or_default().push((is_edge, i, o));
            }
        }
    }
    let mut store_owned: HashMap<ResourceId, Vec<(usize, &Owner)>> = HashMap::new();
    for (i, st) in stores.iter().enumerate() {
        for o in &st.owners {
            store_owned.entry(o.id).or_default().push((i, o));
        }
    }
    for f in findings.iter().filter(|f| relevant(f)) {
        let fr = FindingRef {
            rule_id: f.rule.id,
            rule_name: f.rule.name,
            family: f.rule.family,
            level: f.level,
            outcome: f.outcome,
            resource: f.resource.clone(),
            attribute: f.attribute.clone(),
            message: f.message.clone(),
            breaks: breaks(f),
        };
        let res = match (f.file, f.resource.as_deref()) {
            (Some(file), Some(a)) => by_addr.get(&(file, a)).copied(),
            _ => None,
        };
        let Some(res) = res else {
            other.push((None, fr));
            continue;
        };
        let candidates = owned.get(&res).map_or(&[][..], Vec::as_slice);
        let best = |edges: bool| -> (Option<usize>, Vec<usize>) {
            let mut best: Option<usize> = None;
            let mut hits: Vec<usize> = Vec::new();
            for &(is_edge, i, o) in candidates {
                if is_edge != edges {
                    continue;
                }
                if let Some(sc) = matches(o, &f.attribute) {
                    if hits.last() == Some(&i) && best == Some(sc) {
                        continue;
                    }
                    match best {
                        Some(bs) if sc < bs => {}
                        Some(bs) if sc == bs => hits.push(i),
                        _ => {
                            best = Some(sc);
                            hits = vec![i];
                        }
                    }
                }
            }
            (best, hits)
        };
        let (eb, ehits) = best(true);
        let (nb, nhits) = best(false);
        if !ehits.is_empty() && eb >= nb {
            for i in ehits {
                edge_findings[i].push(fr.clone());
            }
        } else if !nhits.is_empty() {
            for i in nhits {
                node_findings[i].push(fr.clone());
            }
        } else {
            let mut hits: Vec<usize> = store_owned
                .get(&res)
                .into_iter()
                .flatten()
                .filter(|(_, o)| matches(o, &f.attribute).is_some())
                .map(|&(i, _)| i)
                .collect();
            hits.dedup();
            if hits.is_empty() {
                other.push((Some(res), fr));
            } else {
                for i in hits {
                    store_findings[i].push(fr.clone());
                }
            }
        }
    }
    // A route answers with its target: what breaks the target (a DR function denied its
    // table, DR806) breaks the route, so the findings on a failover edge's target join it.
    for (i, e) in b.edges.iter().enumerate() {
        if e.kind == EdgeKind::Failover {
            let extra = node_findings[idx(&e.to)].clone();
            for f in extra {
                if !edge_findings[i]
                    .iter()
                    .any(|g| g.rule_id == f.rule_id && g.message == f.message)
                {
                    edge_findings[i].push(f);
                }
            }
        }
    }
    for (i, fs) in edge_findings.into_iter().enumerate() {
        let e = &mut b.edges[i];
        e.verdict = verdict_of(&fs);
        e.broken = fs.iter().any(|f| f.breaks);
        e.findings = fs;
    }
    for (i, fs) in node_findings.iter().enumerate() {
        b.nodes[i].verdict = verdict_of(fs);
    }

    // A store without any replication whose findings break it (DR803: no replica, DR801: no
    // member in the DR region, DR402: no replication out of the region): the copy it lacks,
    // drawn in the DR region with a broken edge.
    if let Some(dr) = s.dr.as_deref() {
        let replicating: std::collections::HashSet<usize> = b
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Replication)
            .map(|e| idx(&e.from))
            .collect();
        for (si, st) in stores.iter().enumerate() {
            let replicated = st.copies.iter().any(|n| replicating.contains(n));
            if replicated || b.nodes[st.node].region.as_deref() == Some(dr) {
                continue;
            }
            let fs: Vec<FindingRef> = node_findings[st.node]
                .iter()
                .chain(&store_findings[si])
                .filter(|f| f.breaks)
                .cloned()
                .collect();
            if fs.is_empty() {
                continue;
            }
            let n = b.add_node(
                "no copy".into(),
                format!("of {}", st.name),
                NodeKind::Missing,
                Some(dr.to_string()),
                None,
                Vec::new(),
                si,
            );
            b.nodes[n].verdict = Verdict::Fail;
            b.add_edge(st.node, n, EdgeKind::Replication, "missing", Vec::new());
            let e = b.edges.last_mut().expect("just pushed");
            e.verdict = Verdict::Fail;
            e.broken = true;
            e.findings = fs;
        }
    }

    // Dependencies a region-loss finding names: another resource of the input, by address, in
    // another region. Drawn red from the finding's resource.
    let mut by_address: HashMap<&str, Vec<ResourceId>> = HashMap::new();
    for (i, r) in m.resources.iter().enumerate() {
        by_address.entry(r.address.as_str()).or_default().push(i);
    }
    let mut dep_edges: Vec<(usize, usize, FindingRef)> = Vec::new();
    for (res, fr) in &other {
        let Some(res) = *res else { continue };
        if fr.family != "region-loss" {
            continue;
        }
        let here = m.get(res).region;
        let named = words(&fr.message).into_iter().find_map(|w| {
            by_address.get(w)?.iter().copied().find(|&i| {
                i != res
                    && m.get(i).region.is_some()
                    && m.get(i).region != here
                    && !is_global(m.get(i).rtype)
            })
        });
        if let Some(dep) = named {
            let group = stores.len() + entries.len();
            let a = match b.node_of.get(&res) {
                Some(&n) => n,
                None => b.resource_node(res, NodeKind::Target, group),
            };
            let d = match b.node_of.get(&dep) {
                Some(&n) => n,
                None => b.resource_node(dep, NodeKind::Target, group),
            };
            dep_edges.push((a, d, fr.clone()));
        }
    }
    // Findings outside stores and entry points colour the boxes of their resources, where the
    // picture has one (a dependency's target with a finding of its own).
    for (res, fr) in &other {
        if let Some(&n) = res.and_then(|r| b.node_of.get(&r)) {
            b.nodes[n].verdict = b.nodes[n].verdict.max(verdict_of(std::slice::from_ref(fr)));
        }
    }
    for (a, d, fr) in dep_edges {
        b.add_edge(a, d, EdgeKind::Dependency, "depends on", Vec::new());
        let e = b.edges.last_mut().expect("just pushed");
        e.verdict = verdict_of(std::slice::from_ref(&fr));
        e.broken = fr.breaks;
        e.findings = vec![fr];
        b.nodes[a].verdict = b.nodes[a].verdict.max(e.verdict);
    }

    let region_of_node = |n: usize| b.nodes[n].region.clone();
    let rpos = objectives::store_rpos(cx);
    let rtos = objectives::failover_rtos(cx);

    // Edges by the node they leave.
    let mut from_index: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, e) in b.edges.iter().enumerate() {
        from_index.entry(idx(&e.from)).or_default().push(i);
    }
    let edges_from = |n: usize| {
        from_index
            .get(&n)
            .into_iter()
            .flatten()
            .map(|&i| &b.edges[i])
    };

    // Stores.
    let mut out_stores = Vec::new();
    for (si, st) in stores.iter().enumerate() {
        let mut fs: Vec<FindingRef> = store_findings[si].clone();
        for &n in &st.copies {
            fs.extend(node_findings[n].iter().cloned());
        }
        let node_id = b.nodes[st.node].id.clone();
        for &n in &st.copies {
            for e in edges_from(n).filter(|e| e.kind != EdgeKind::Failover) {
                fs.extend(e.findings.iter().cloned());
            }
        }
        let mut once = std::collections::HashSet::new();
        fs.retain(|f| {
            once.insert((
                f.rule_id,
                f.resource.clone(),
                f.attribute.clone(),
                f.message.clone(),
            ))
        });
        let mut regions: Vec<String> = st
            .copies
            .iter()
            .filter_map(|&n| region_of_node(n))
            .collect();
        regions.dedup();
        let mut seen = std::collections::HashSet::new();
        regions.retain(|r| seen.insert(r.clone()));
        let mechanism = if st.mechanism.is_empty() {
            "none: no replica and no backup plan".to_string()
        } else {
            st.mechanism.join("; ")
        };
        let rpo = rpos
            .iter()
            .find(|r| r.resource == st.resource)
            .or_else(|| rpos.iter().find(|r| r.members.contains(&st.resource)));
        let (rpo_worst, rpo_typical, ev) = match rpo {
            Some(r) => {
                let (w, t) = worst_and_typical(&r.estimate);
                (w, t, estimate_verdict(r.verdict))
            }
            None => (
                Estimate::none("not estimated: not a primary-region store"),
                Estimate::none("-"),
                Verdict::Ok,
            ),
        };
        out_stores.push(Store {
            node: node_id,
            name: st.name.clone(),
            kind: st.kind,
            resource: m.get(st.resource).address.clone(),
            regions,
            mechanism,
            rpo_worst,
            rpo_typical,
            verdict: verdict_of(&fs).max(ev),
            findings: fs,
        });
    }
    // Entry points.
    let mut out_entries = Vec::new();
    for e in &entries {
        let mut fs = Vec::new();
        let mut routes = Vec::new();
        for (role, rec, tn, ei, hc) in &e.routes {
            let r = m.get(*rec);
            fs.extend(b.edges[*ei].findings.iter().cloned());
            routes.push(Route {
                role: role.clone(),
                record: r.address.clone(),
                target_node: b.nodes[*tn].id.clone(),
                target: b.nodes[*tn].label.clone(),
                target_kind: b.nodes[*tn].detail.clone(),
                target_region: b.nodes[*tn].region.clone(),
                health_check: hc.map(|h| m.get(h).address.clone()),
                ttl_seconds: if r.get("alias").is_empty_block() {
                    r.get("ttl").num().map(|t| t as u64)
                } else {
                    None
                },
                verdict: b.edges[*ei].verdict,
            });
        }
        let rto = rtos
            .iter()
            .find(|p| e.routes.iter().any(|r| r.1 == p.primary));
        let (detection, ttl, total, ev) = match rto {
            Some(p) => (
                one(&p.detection),
                one(&p.ttl),
                match &p.promotion {
                    Some(pr) => Estimate {
                        text: format!("{} (with {})", p.total.describe(), pr.what),
                        ..one(&p.total)
                    },
                    None => one(&p.total),
                },
                estimate_verdict(p.verdict),
            ),
            None => {
                let why = if e.routing == "failover" {
                    "not estimated: no PRIMARY and SECONDARY pair"
                } else {
                    "not estimated: not a failover pair"
                };
                (
                    Estimate::none(why),
                    Estimate::none("-"),
                    Estimate::none(why),
                    Verdict::Ok,
                )
            }
        };
        out_entries.push(EntryPoint {
            node: b.nodes[e.node].id.clone(),
            name: e.name.clone(),
            routing: e.routing,
            routes,
            detection,
            ttl,
            rto: total,
            verdict: verdict_of(&fs).max(ev),
            findings: fs,
        });
    }
    for (i, e) in out_entries.iter().enumerate() {
        let n = entries[i].node;
        b.nodes[n].verdict = e.verdict;
    }

    let entry_edges: Vec<Vec<usize>> = entries
        .iter()
        .map(|e| e.routes.iter().map(|r| r.3).collect())
        .collect();

    // Regions: primary, DR, then the others by name.
    let weights =
        m.regions_by_weight(|r| r.rtype.starts_with("aws_") || r.rtype.starts_with("AWS::"));
    let count = |g: &str| weights.iter().find(|w| w.0 == g).map_or(0, |w| w.1);
    let mut regions = Vec::new();
    if let Some(p) = &s.primary {
        regions.push(RegionInfo {
            name: p.clone(),
            role: "primary",
            source: s.primary_source.clone(),
            resources: count(p),
        });
    }
    if let Some(d) = s.dr.as_ref().filter(|d| Some(*d) != s.primary.as_ref()) {
        regions.push(RegionInfo {
            name: d.clone(),
            role: "dr",
            source: s.dr_source.clone(),
            resources: count(d),
        });
    }
    let mut others: Vec<&(String, usize)> = weights
        .iter()
        .filter(|w| !regions.iter().any(|r| r.name == w.0))
        .collect();
    others.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, n) in others {
        regions.push(RegionInfo {
            name: name.clone(),
            role: "other",
            source: "resources are there".into(),
            resources: *n,
        });
    }

    let other_findings: Vec<(Option<ResourceId>, FindingRef)> = other;
    let region_loss = regions
        .iter()
        .map(|r| {
            simulate(
                &Sim {
                    cx,
                    b: &b,
                    from_index: &from_index,
                    entry_edges: &entry_edges,
                    drafts: &stores,
                    stores: &out_stores,
                    entries: &out_entries,
                    other: &other_findings,
                },
                &r.name,
            )
        })
        .collect();

    Posture {
        schema: SCHEMA,
        regions,
        rpo_objective_seconds: s.rpo_secs,
        rto_objective_seconds: s.rto_secs,
        stores: out_stores,
        entry_points: out_entries,
        nodes: b.nodes,
        edges: b.edges,
        region_loss,
        other_findings: other_findings.into_iter().map(|(_, f)| f).collect(),
    }
}

/// Services whose resources are global though a regional provider creates them (IAM, Route 53,
/// CloudFront, Organizations): a reference to one is no dependency on a region.
fn is_global(rtype: &str) -> bool {
    [
        "aws_iam_",
        "aws_route53_",
        "aws_cloudfront_",
        "aws_organizations_",
    ]
    .iter()
    .any(|p| rtype.starts_with(p))
        && !rtype.starts_with("aws_route53_resolver")
}

/// The index of node `id` (`n12` → 12) in [`Posture::nodes`].
fn idx(id: &str) -> usize {
    id[1..].parse().expect("node ids are n<index>")
}

/// The words of a message that can be resource addresses: split at spaces, quotes, brackets
/// and punctuation, a sentence's full stop dropped (`x.arn` stays one word, not `x`).
fn words(message: &str) -> Vec<&str> {
    message
        .split(|c: char| c.is_whitespace() || "`'\"(),;:".contains(c))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect()
}

fn because(fs: &[FindingRef], pred: impl Fn(&FindingRef) -> bool) -> Vec<String> {
    unique(
        fs.iter()
            .filter(|f| pred(f))
            .map(|f| format!("{}: {}", f.rule_id, f.message))
            .collect(),
    )
}

/// Without repeats, in first-seen order.
fn unique(v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.into_iter().filter(|s| seen.insert(s.clone())).collect()
}

/// Rules about failing over away from a record (its health check, its pair, the time it
/// takes): their findings do not stop the record itself from answering.
const FAILOVER_ONLY: &[&str] = &["DR701", "DR702", "DR703", "DR704", "DR807"];

/// What keeps serving and what breaks when `lost` is lost.
/// What the simulation reads: the picture, its indexes and the tables.
struct Sim<'s, 'c, 'm, 'a> {
    cx: &'s Ctx<'m, 'a>,
    b: &'s Builder<'c, 'm, 'a>,
    /// Node index → indexes of the edges leaving it.
    from_index: &'s HashMap<usize, Vec<usize>>,
    /// Per entry point, the edge of each route.
    entry_edges: &'s [Vec<usize>],
    drafts: &'s [StoreDraft],
    stores: &'s [Store],
    entries: &'s [EntryPoint],
    other: &'s [(Option<ResourceId>, FindingRef)],
}

fn simulate(x: &Sim, lost: &str) -> RegionLoss {
    let (cx, b, drafts, stores, entries, other) =
        (x.cx, x.b, x.drafts, x.stores, x.entries, x.other);
    let edges_from = |n: usize| {
        x.from_index
            .get(&n)
            .into_iter()
            .flatten()
            .map(|&i| &b.edges[i])
    };
    let mut keeps = Vec::new();
    let mut breaks_ = Vec::new();
    let mut undecided = Vec::new();
    let node = |id: &str| &b.nodes[idx(id)];
    let in_lost = |n: &Node| n.region.as_deref() == Some(lost);
    for (st, d) in stores.iter().zip(drafts) {
        let name = format!("{} `{}`", st.kind, st.name);
        let main = &b.nodes[d.node];
        let caveats: Vec<String> = st
            .findings
            .iter()
            .filter(|f| !f.breaks && f.outcome == OutcomeKind::Fail)
            .map(|f| format!("{} {}", f.rule_id, f.rule_name))
            .collect();
        let caveats = unique(caveats);
        let with_caveats = |why: String| {
            if caveats.is_empty() {
                why
            } else {
                format!("{why}; degraded: {}", caveats.join(", "))
            }
        };
        if !d.copies.iter().any(|&n| in_lost(&b.nodes[n])) {
            keeps.push(LossItem {
                name,
                why: "no copy in this region".into(),
            });
            continue;
        }
        // A live copy outside the lost region, reached by an unbroken replication edge (or the
        // main copy itself when it is elsewhere).
        let mut live: Option<(&Node, &Edge)> = None;
        let mut broken_why: Vec<String> = Vec::new();
        let mut undecided_why: Vec<String> = Vec::new();
        for e in edges_from(d.node).filter(|e| e.kind == EdgeKind::Replication) {
            let to = node(&e.to);
            if to.region.is_none() || in_lost(to) {
                continue;
            }
            if e.broken {
                broken_why.extend(because(&e.findings, |f| f.breaks));
            } else if live.is_none() {
                live = Some((to, e));
                undecided_why.extend(because(&e.findings, |f| {
                    f.outcome == OutcomeKind::Undecided
                }));
            }
        }
        if !in_lost(main) {
            keeps.push(LossItem {
                name,
                why: with_caveats(format!(
                    "its main copy is in {}",
                    main.region.as_deref().unwrap_or("another region")
                )),
            });
            continue;
        }
        if let Some((to, e)) = live {
            let region = to.region.as_deref().unwrap_or("?");
            let how = match st.kind {
                "Aurora global database" => format!(
                    "member cluster `{}` in {region} takes over once promoted (global database failover)",
                    to.label
                ),
                _ => format!("{} `{}` in {region} ({})", "copy", to.label, e.label),
            };
            let item = LossItem {
                name,
                why: with_caveats(how),
            };
            if undecided_why.is_empty() {
                keeps.push(item);
            } else {
                undecided.push(LossItem {
                    name: item.name,
                    why: format!("{}, if: {}", item.why, undecided_why.join("; ")),
                });
            }
            continue;
        }
        // No live copy: backups elsewhere, or nothing.
        let vaults: Vec<String> = d
            .copies
            .iter()
            .flat_map(|&n| edges_from(n))
            .filter(|e| e.kind == EdgeKind::BackupCopy && !e.broken)
            .map(|e| node(&e.to))
            .filter(|v| v.region.is_some() && !in_lost(v))
            .map(|v| format!("`{}` in {}", v.label, v.region.as_deref().unwrap_or("?")))
            .collect();
        let mut why = Vec::new();
        why.extend(broken_why);
        why.extend(because(&st.findings, |f| f.breaks));
        if why.is_empty() {
            why.push(format!("no live copy outside {lost}"));
        }
        if !vaults.is_empty() {
            why.push(format!(
                "restore from the backup copies in vault {}",
                vaults.join(", ")
            ));
        }
        breaks_.push(LossItem {
            name,
            why: unique(why).join("; "),
        });
    }
    for (e, ei) in entries.iter().zip(x.entry_edges) {
        let name = format!("{} ({})", e.name, e.routing);
        let edges: Vec<&Edge> = ei.iter().map(|&i| &b.edges[i]).collect();
        let lost_route = |r: &Route| r.target_region.as_deref() == Some(lost);
        let mut why = Vec::new();
        let mut serving: Option<&Route> = None;
        for (r, ed) in e.routes.iter().zip(&edges) {
            if ed.broken {
                why.extend(because(&ed.findings, |f| f.breaks));
            } else if !lost_route(r) && serving.is_none() {
                serving = Some(r);
            }
        }
        if e.routing == "failover" {
            let primary = e
                .routes
                .iter()
                .zip(&edges)
                .find(|(r, _)| r.role == "PRIMARY");
            let secondary = e
                .routes
                .iter()
                .zip(&edges)
                .find(|(r, _)| r.role == "SECONDARY");
            // What breaks a route's answer: findings on its record. What breaks the failover
            // away from the PRIMARY: those and the findings on the PRIMARY's health check.
            let on_record = |r: &Route, ed: &Edge| {
                because(&ed.findings, |f| {
                    f.breaks
                        && !FAILOVER_ONLY.contains(&f.rule_id)
                        && f.resource.as_deref() != r.health_check.as_deref()
                })
            };
            match (primary, secondary) {
                (Some((p, pe)), _) if !lost_route(p) => {
                    let why = on_record(p, pe);
                    if why.is_empty() {
                        keeps.push(LossItem {
                            name,
                            why: format!("PRIMARY `{}` is not in {lost}", p.target),
                        });
                    } else {
                        breaks_.push(LossItem {
                            name,
                            why: why.join("; "),
                        });
                    }
                }
                (_, None) => {
                    why.push("there is no SECONDARY record to fail over to".into());
                    breaks_.push(LossItem {
                        name,
                        why: why.join("; "),
                    });
                }
                (_, Some((s, _))) if lost_route(s) => {
                    why.push(format!("the SECONDARY `{}` is in {lost} too", s.target));
                    breaks_.push(LossItem {
                        name,
                        why: why.join("; "),
                    });
                }
                (p, Some((s, se))) => {
                    let mut why: Vec<String> = p
                        .map(|(_, pe)| because(&pe.findings, |f| f.breaks))
                        .unwrap_or_default();
                    why.extend(on_record(s, se));
                    let why = unique(why);
                    if !why.is_empty() {
                        breaks_.push(LossItem {
                            name,
                            why: why.join("; "),
                        });
                    } else {
                        let und: Vec<String> = edges
                            .iter()
                            .flat_map(|x| {
                                because(&x.findings, |f| f.outcome == OutcomeKind::Undecided)
                            })
                            .collect();
                        let item = LossItem {
                            name,
                            why: format!(
                                "Route 53 fails over to SECONDARY `{}` in {}",
                                s.target,
                                s.target_region.as_deref().unwrap_or("?")
                            ),
                        };
                        if und.is_empty() {
                            keeps.push(item);
                        } else {
                            undecided.push(LossItem {
                                name: item.name,
                                why: format!("{}, if: {}", item.why, und.join("; ")),
                            });
                        }
                    }
                }
            }
        } else {
            match serving {
                Some(r) if why.is_empty() => keeps.push(LossItem {
                    name,
                    why: format!("`{}` keeps answering", r.target),
                }),
                Some(r) => {
                    why.insert(
                        0,
                        format!(
                            "`{}` keeps answering only if the lost records are taken out",
                            r.target
                        ),
                    );
                    breaks_.push(LossItem {
                        name,
                        why: why.join("; "),
                    });
                }
                None => {
                    why.push(format!("every record answers with something in {lost}"));
                    breaks_.push(LossItem {
                        name,
                        why: why.join("; "),
                    });
                }
            }
        }
    }
    // Region-loss findings outside the stores and entry points (a component without its
    // counterpart in the other region, a DR-region resource that depends on the primary
    // region): the region-loss rules judge what survives the loss of the primary region, so
    // they break there; without a known primary region, in the resource's own region.
    let m = cx.model;
    let primary = cx.settings.primary.as_deref();
    for (res, f) in other {
        if f.family != "region-loss" || !f.breaks {
            continue;
        }
        let Some(res) = res else { continue };
        let r = m.get(*res);
        let applies = match primary {
            Some(p) => p == lost,
            None => r.region == Some(lost),
        };
        if applies {
            let shown = display_name(cx, *res);
            breaks_.push(LossItem {
                name: if shown == r.address {
                    format!("`{shown}`")
                } else {
                    format!("{shown} (`{}`)", r.address)
                },
                why: format!("{}: {}", f.rule_id, f.message),
            });
        }
    }
    RegionLoss {
        region: lost.to_string(),
        keeps_serving: keeps,
        breaks: breaks_,
        undecided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_addresses_as_whole_words() {
        assert_eq!(
            words("reads `aws_secretsmanager_secret.db`, which is in us-east-1."),
            [
                "reads",
                "aws_secretsmanager_secret.db",
                "which",
                "is",
                "in",
                "us-east-1"
            ]
        );
        assert!(words("reads aws_sqs_queue.q.arn").contains(&"aws_sqs_queue.q.arn"));
        assert!(!words("reads aws_sqs_queue.q.arn").contains(&"aws_sqs_queue.q"));
        assert!(words("(aws_sqs_queue.q)").contains(&"aws_sqs_queue.q"));
    }

    #[test]
    fn owners_match_attribute_prefixes() {
        let o = owner(0, "replica[0]");
        assert_eq!(matches(&o, "replica[0].kms_key_arn"), Some(10));
        assert_eq!(matches(&o, "replica[0]"), Some(10));
        assert_eq!(matches(&o, "replica[01]"), None);
        assert_eq!(matches(&o, "replica"), None);
        assert_eq!(matches(&owner(0, ""), "anything"), Some(0));
    }
}

#[cfg(test)]
mod dependency_tests {
    use super::*;
    use crate::rules::{Out, Rule};

    fn check(_: &Ctx, _: &mut Out) {}

    /// A region-loss rule of a later release (DR806 region-loss-dependency), as the posture
    /// sees any rule of the family: by family, resource and message.
    static LATER: Rule = Rule {
        id: "DR899",
        name: "some-region-loss-rule",
        family: "region-loss",
        level: Level::Error,
        security_severity: None,
        needs: &[],
        shared: &[],
        check,
    };

    #[test]
    fn region_loss_findings_outside_stores_break_at_the_primary_loss_with_their_dependency() {
        let json = br#"{
          "provider": {"aws": [{"alias": "primary", "region": "us-east-1"},
                               {"alias": "dr", "region": "us-west-2"}]},
          "resource": {
            "aws_secretsmanager_secret": {"db": {"provider": "aws.primary", "name": "db"}},
            "aws_iam_role": {"fn": {"provider": "aws.primary", "name": "fn"}},
            "aws_lambda_function": {"dr_fn": {"provider": "aws.dr", "function_name": "api-dr"}}
          }
        }"#;
        let files = [crate::input::decode("t.tf.json", json.to_vec()).unwrap()];
        let model = crate::read::build_model(&files).unwrap();
        let settings = crate::config::Settings {
            primary: Some("us-east-1".into()),
            dr: Some("us-west-2".into()),
            ..Default::default()
        };
        let cx = Ctx::new(&model, &settings);
        let outcome = crate::rules::Outcome {
            rule: &LATER,
            kind: OutcomeKind::Fail,
            resource: model
                .resources
                .iter()
                .position(|r| r.address == "aws_lambda_function.dr_fn"),
            attribute: "environment".into(),
            span: None,
            // IAM is global: its role is no dependency on us-east-1, the secret is.
            message: "its role aws_iam_role.fn reads the secret aws_secretsmanager_secret.db, which exists only in the primary region us-east-1 (use the replica in us-west-2)".into(),
            level: None,
            key: String::new(),
        };
        let report = crate::findings::build(&model, &settings, vec![outcome]);
        let p = build(&cx, &report.findings);
        let dep: Vec<&Edge> = p
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Dependency)
            .collect();
        assert_eq!(dep.len(), 1, "{:#?}", p.edges);
        let node = |id: &str| p.nodes.iter().find(|n| n.id == id).unwrap();
        assert_eq!(
            node(&dep[0].from).resource.as_deref(),
            Some("aws_lambda_function.dr_fn")
        );
        assert_eq!(
            node(&dep[0].to).resource.as_deref(),
            Some("aws_secretsmanager_secret.db")
        );
        assert_eq!(dep[0].verdict, Verdict::Fail);
        assert_eq!(node(&dep[0].from).verdict, Verdict::Fail);
        let primary = &p.region_loss[0];
        assert_eq!(primary.region, "us-east-1");
        assert_eq!(primary.breaks.len(), 1, "{primary:#?}");
        assert_eq!(
            primary.breaks[0].name,
            "api-dr (`aws_lambda_function.dr_fn`)"
        );
        assert!(primary.breaks[0].why.starts_with("DR899: its role"));
        // Losing the DR region does not break what the finding is about.
        assert!(
            p.region_loss[1].breaks.is_empty(),
            "{:#?}",
            p.region_loss[1]
        );
        assert_eq!(p.other_findings.len(), 1);
    }
}
