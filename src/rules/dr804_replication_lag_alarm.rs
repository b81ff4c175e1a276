//! DR804 replication-lag-alarm: the data lost in a region loss is what has not replicated yet.
//! Nobody learns that the lag has grown past the RPO unless an alarm watches the lag metric, in
//! the region that emits it, with a threshold within the RPO and someone to notify.

use super::dr801_aurora_global_regions::{Memberships, members};
use std::collections::HashMap;
use super::s3::BucketRef;
use super::{Ctx, Level, Out, Rule, Shared, human_duration};
use crate::model::{Origin, ResourceId, Target};
use crate::value::{Kind, Tri, Value};

pub static RULE: Rule = Rule {
    id: "DR804",
    name: "replication-lag-alarm",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[Shared::S3],
    check,
};

/// A lag metric of one replicated store, and where it is emitted.
struct Want<'v, 'a> {
    /// The resource the finding is about, and where to point.
    owner: ResourceId,
    attr: String,
    at: &'v Value<'a>,
    /// What is replicated, for messages.
    what: String,
    namespace: &'static str,
    metrics: &'static [&'static str],
    /// Seconds per unit of the metric.
    unit_secs: f64,
    unit: &'static str,
    /// The region whose CloudWatch has the metric.
    region: String,
    /// Why it is emitted there, for messages.
    emitted_by: String,
    /// Dimension name and the resource (or literal value) it must name.
    dims: Vec<(&'static str, Dim)>,
}

enum Dim {
    /// A resource, named by reference or by one of these attribute values.
    Resource(ResourceId, &'static [&'static str]),
    Literal(String),
}

fn check(cx: &Ctx, out: &mut Out) {
    let mut wants: Vec<Want<'_, '_>> = Vec::new();
    aurora(cx, out, &mut wants);
    dynamodb(cx, out, &mut wants);
    s3(cx, out, &mut wants);
    // The alarms by namespace and metric, read once (every want scanned every alarm before).
    let m = cx.model;
    let mut alarms: HashMap<(&str, &str), Vec<ResourceId>> = HashMap::new();
    for &a in m.of_type("aws_cloudwatch_metric_alarm") {
        let r = m.get(a);
        if let (Some(ns), Some(metric)) = (r.get("namespace").str(), r.get("metric_name").str()) {
            alarms.entry((ns, metric)).or_default().push(a);
        }
    }
    for w in &wants {
        judge(cx, out, w, &alarms);
    }
}

fn aurora<'v, 'a>(cx: &'v Ctx<'v, 'a>, out: &mut Out, wants: &mut Vec<Want<'v, 'a>>) {
    let m = cx.model;
    let ms = Memberships::new(cx);
    for &g in m.of_type("aws_rds_global_cluster") {
        let (clusters, _) = members(cx, &ms, g);
        if clusters.len() < 2 {
            continue; // DR801: a global database in one region replicates nothing out of it
        }
        let gname = m
            .get(g)
            .get("global_cluster_identifier")
            .str()
            .map_or_else(|| m.get(g).address.clone(), |s| format!("`{s}`"));
        let Some(primary) = cx.settings.primary.as_deref() else {
            out.undecided(cx, g, "", m.get(g).get("global_cluster_identifier"), format!("the primary region is unknown, so the secondary clusters of global database {gname}, which emit its replication lag, cannot be told (set [regions] primary)"));
            continue;
        };
        for c in clusters {
            let r = m.get(c);
            let Some(region) = r.region else {
                continue; // DR801 reports a member whose region is unknown
            };
            if region == primary {
                continue;
            }
            let cid = r.get("cluster_identifier");
            wants.push(Want {
                owner: c,
                attr: "cluster_identifier".into(),
                at: cid,
                what: format!(
                    "{} (the {region} secondary of global database {gname})",
                    cid.str().map_or_else(|| r.address.clone(), |s| format!("cluster `{s}`"))
                ),
                namespace: "AWS/RDS",
                metrics: &["AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"],
                unit_secs: 0.001,
                unit: "ms",
                region: region.to_string(),
                emitted_by: "Aurora emits the global database lag metrics from the secondary clusters only".into(),
                dims: vec![("DBClusterIdentifier", Dim::Resource(c, &["cluster_identifier", "id"]))],
            });
        }
    }
}

fn dynamodb<'v, 'a>(cx: &'v Ctx<'v, 'a>, out: &mut Out, wants: &mut Vec<Want<'v, 'a>>) {
    let m = cx.model;
    let mut push = |owner: ResourceId, attr: String, at: &'v Value<'a>, table: ResourceId, from: &str, to: &str| {
        let name = m.get(table).get("name").str().map_or_else(|| m.get(table).address.clone(), |s| format!("`{s}`"));
        wants.push(Want {
            owner,
            attr,
            at,
            what: format!("global table {name} replicating {from} → {to}"),
            namespace: "AWS/DynamoDB",
            metrics: &["ReplicationLatency"],
            unit_secs: 0.001,
            unit: "ms",
            region: from.to_string(),
            emitted_by: "DynamoDB emits ReplicationLatency in the source region, per receiving region".into(),
            dims: vec![
                ("TableName", Dim::Resource(table, &["name", "id"])),
                ("ReceivingRegion", Dim::Literal(to.to_string())),
            ],
        });
    };
    // Tables with replica blocks, and legacy (2017) global tables listing every region.
    for t in m.of_types(&["aws_dynamodb_table", "aws_dynamodb_global_table"]) {
        let r = m.get(t);
        let Some(from) = r.region else {
            continue;
        };
        for (i, rep) in r.get("replica").items().enumerate() {
            let rv = rep.get("region_name");
            match rv.str() {
                Some(to) if to != from => push(t, format!("replica[{i}]"), rv, t, from, to),
                Some(_) => {}
                None if rv.is_set() => out.undecided(
                    cx,
                    t,
                    &format!("replica[{i}]"),
                    rv,
                    format!("the replica's region is {}, so the ReplicationLatency alarm it needs cannot be told", super::unknown_phrase(cx, t)),
                ),
                None => {}
            }
        }
    }
    for &rp in m.of_type("aws_dynamodb_table_replica") {
        let r = m.get(rp);
        let arn = r.get("global_table_arn");
        let ids = match m.target(rp, arn) {
            Target::Resources(ids) => ids,
            Target::Unresolved(what) => {
                out.undecided(cx, rp, "global_table_arn", arn, format!("the replica's table comes from {what}, so the ReplicationLatency alarm it needs cannot be told"));
                continue;
            }
            // A table outside the input: its alarms are outside the input too.
            _ => continue,
        };
        let Some(&t) = ids.iter().find(|&&i| m.get(i).rtype == "aws_dynamodb_table") else {
            continue;
        };
        if let (Some(from), Some(to)) = (m.get(t).region, r.region)
            && from != to
        {
            push(rp, "global_table_arn".into(), arn, t, from, to);
        }
    }
}

fn s3<'v, 'a>(cx: &'v Ctx<'v, 'a>, out: &mut Out, wants: &mut Vec<Want<'v, 'a>>) {
    let m = cx.model;
    let ix = cx.s3();
    for rule in ix.crr_rules(cx) {
        if rule.enabled() != Tri::Yes {
            continue;
        }
        let Some(src) = rule.source else {
            continue;
        };
        let Some(region) = m.get(src).region else {
            continue;
        };
        let dest_bucket = ix.destination(&rule);
        if let BucketRef::Bucket(b) = dest_bucket
            && m.get(b).region == Some(region)
        {
            continue; // same-region replication keeps nothing through a region loss (DR402)
        }
        let dest = rule.destination();
        let metrics = dest.get("metrics").get("status");
        let path = format!("{}.destination.metrics", rule.path);
        let src_name = m.get(src).get("bucket").str().map(str::to_string);
        let what = format!(
            "replication rule {} of bucket {}",
            rule.rule.get("id").str().map_or_else(|| rule.path.clone(), |s| format!("`{s}`")),
            src_name.as_deref().map_or_else(|| m.get(src).address.clone(), |s| format!("`{s}`"))
        );
        match metrics.kind() {
            Kind::Str(s) if s == "Enabled" => {}
            Kind::Unknown(u) if u.configured => {
                out.undecided(cx, rule.owner, &path, metrics, format!("whether replication metrics are on for {what} is {}", super::unknown_phrase(cx, rule.owner)));
                continue;
            }
            _ => {
                out.fail(cx, rule.owner, &path, metrics, format!("{what} has no replication metrics (destination.metrics.status = \"Enabled\"), so S3 emits no ReplicationLatency and no alarm can tell how far the DR copy is behind the RPO objective {}", human_duration(cx.settings.rpo_secs)));
                continue;
            }
        }
        let mut dims = vec![("SourceBucket", Dim::Resource(src, &["bucket", "id"]))];
        match dest_bucket {
            BucketRef::Bucket(b) => dims.push(("DestinationBucket", Dim::Resource(b, &["bucket", "id"]))),
            BucketRef::External(name) => dims.push(("DestinationBucket", Dim::Literal(name))),
            BucketRef::Unresolved(_) => {}
        }
        if let Some(id) = rule.rule.get("id").str() {
            dims.push(("RuleId", Dim::Literal(id.to_string())));
        }
        wants.push(Want {
            owner: rule.owner,
            attr: rule.path.clone(),
            at: rule.rule,
            what,
            namespace: "AWS/S3",
            metrics: &["ReplicationLatency"],
            unit_secs: 1.0,
            unit: "s",
            region: region.to_string(),
            emitted_by: "S3 emits replication metrics in the source bucket's region".into(),
            dims,
        });
    }
}

/// Does the alarm's dimension `name` name `want`? `None` when it cannot be told.
fn dim_matches(cx: &Ctx, alarm: ResourceId, name: &str, want: &Dim) -> Result<bool, String> {
    let m = cx.model;
    let v = m.get(alarm).get("dimensions").get(name);
    match (m.target(alarm, v), want) {
        (Target::Unset, _) => Ok(false),
        (Target::Unresolved(what), _) => Err(format!("its dimension {name} comes from {what}")),
        (Target::Resources(ids), Dim::Resource(r, _)) => Ok(ids.contains(r)),
        (Target::Resources(_), Dim::Literal(_)) => Ok(false),
        (Target::Literal(s), Dim::Literal(l)) => Ok(s == l),
        (Target::Literal(s), Dim::Resource(r, attrs)) => {
            let res = m.get(*r);
            let known: Vec<&str> = attrs.iter().filter_map(|a| res.get(a).str()).collect();
            if known.contains(&s) {
                Ok(true)
            } else if known.is_empty() {
                Err(format!("its dimension {name} is `{s}`, and the name of {} is {}", res.address, res.origin.unknown_phrase()))
            } else {
                Ok(false)
            }
        }
    }
}

fn judge(cx: &Ctx, out: &mut Out, w: &Want, alarms: &HashMap<(&str, &str), Vec<ResourceId>>) {
    let m = cx.model;
    let rpo = cx.settings.rpo_secs;
    let rpo_h = human_duration(rpo);
    let metric_list = w.metrics.join(" or ");
    if m.get(w.owner).origin == Origin::AwsConfig {
        out.undecided(cx, w.owner, &w.attr, w.at, format!("CloudWatch alarms are not read from AWS Config input, so whether {metric_list} of {} is alarmed cannot be told", w.what));
        return;
    }
    let mut unknown: Option<String> = None;
    let mut near: Vec<String> = Vec::new();
    // The alarms on one of the metrics in the namespace, in model order.
    let mut on_metric: Vec<ResourceId> = w
        .metrics
        .iter()
        .filter_map(|metric| alarms.get(&(w.namespace, *metric)))
        .flatten()
        .copied()
        .collect();
    on_metric.sort_unstable();
    on_metric.dedup();
    for a in on_metric {
        let r = m.get(a);
        let label = r.get("alarm_name").str().map_or_else(|| r.address.clone(), |s| format!("`{s}`"));
        let mut all = true;
        for (name, d) in &w.dims {
            match dim_matches(cx, a, name, d) {
                Ok(true) => {}
                Ok(false) => all = false,
                Err(why) => {
                    unknown.get_or_insert(format!("alarm {label}: {why}"));
                    all = false;
                }
            }
        }
        if !all {
            continue;
        }
        match r.region {
            Some(reg) if reg == w.region => {}
            Some(reg) => {
                near.push(format!("alarm {label} is in {reg}, but {} ({})", w.emitted_by, w.region));
                continue;
            }
            None => {
                unknown.get_or_insert(format!("the region of alarm {label} is unknown"));
                continue;
            }
        }
        if !r.get("comparison_operator").str().is_some_and(|o| o.starts_with("GreaterThan")) {
            near.push(format!("alarm {label} does not fire on a lag above its threshold (comparison_operator {})", r.get("comparison_operator").display()));
            continue;
        }
        let th = r.get("threshold");
        let Some(t) = th.num() else {
            unknown.get_or_insert(format!("the threshold of alarm {label} is {}", r.origin.unknown_phrase()));
            continue;
        };
        let secs = t * w.unit_secs;
        if secs > rpo as f64 {
            near.push(format!("alarm {label} fires only above {t} {} ({}), beyond the RPO objective {rpo_h}", w.unit, human_duration(secs.ceil() as u64)));
            continue;
        }
        let actions = r.get("alarm_actions");
        match actions.kind() {
            Kind::Arr(v) if !v.is_empty() => return, // a good alarm
            Kind::Unknown(u) if u.configured => {
                unknown.get_or_insert(format!("the alarm_actions of alarm {label} are {}", r.origin.unknown_phrase()));
            }
            _ => near.push(format!("alarm {label} has no alarm_actions, so it notifies nobody")),
        }
    }
    if let Some(why) = unknown {
        out.undecided(cx, w.owner, &w.attr, w.at, format!("it is not known whether {metric_list} of {} is alarmed: {why}", w.what));
        return;
    }
    let detail = if near.is_empty() {
        format!("no aws_cloudwatch_metric_alarm watches {metric_list} ({}) for it in {}", w.namespace, w.region)
    } else {
        near.join("; ")
    };
    out.fail(cx, w.owner, &w.attr, w.at, format!("replication lag of {} is not alarmed within the RPO objective {rpo_h}: {detail}. The data lost in a region loss is what has not replicated yet, and nobody learns that the lag grew past the RPO", w.what));
}
