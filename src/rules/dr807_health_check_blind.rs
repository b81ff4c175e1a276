//! DR807 health-check-blind: a Route 53 health check that stays healthy (or is unhealthy all the
//! time) whatever happens to the region it is meant to watch, so Route 53 never fails over when
//! that region is lost: a CloudWatch-metric check that reads a missing alarm as healthy, a
//! calculated check with nothing to calculate, a check that probes another endpoint than the
//! record it guards, or an HTTP check aimed at a database.

use super::{Ctx, Level, Out, OutcomeKind, Rule, Shared, unknown_phrase};
use crate::model::{Origin, ResourceId, Target};
use crate::value::{Kind, Value};

pub static RULE: Rule = Rule {
    id: "DR807",
    name: "health-check-blind",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_route53_health_check"],
    shared: &[Shared::HealthChecks],
    check,
};

const DATABASE_TYPES: &[&str] = &["aws_rds_cluster", "aws_db_instance", "aws_rds_cluster_instance"];
const DATABASE_PORTS: &[f64] = &[3306.0, 5432.0];
const HTTP_TYPES: &[&str] = &["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"];

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    for &hc in m.of_type("aws_route53_health_check") {
        let r = m.get(hc);
        let tv = r.get("type");
        let Some(kind) = tv.str().map(str::to_ascii_uppercase) else {
            if tv.is_set() {
                out.undecided(cx, hc, "type", tv, format!("the health check's type is {}", unknown_phrase(cx, hc)));
            }
            continue;
        };
        match kind.as_str() {
            "CLOUDWATCH_METRIC" => cloudwatch_metric(cx, out, hc),
            "CALCULATED" => calculated(cx, out, hc),
            k if HTTP_TYPES.contains(&k) => database_target(cx, out, hc, k),
            _ => {}
        }
    }
    records(cx, out);
    if let Some((_, why)) = m
        .unrecorded_types
        .iter()
        .find(|(t, _)| t == "aws_route53_record")
        && !m.of_type("aws_route53_health_check").is_empty()
    {
        out.global(
            OutcomeKind::Undecided,
            format!("whether each health check probes the endpoint of the record it guards cannot be checked: {why}"),
        );
    }
}

/// (a) The alarm's data stops when its region is lost; a check that reads "insufficient data" as
/// healthy (or as the last known, healthy, status) stays healthy.
fn cloudwatch_metric(cx: &Ctx, out: &mut Out, hc: ResourceId) {
    let r = cx.model.get(hc);
    let v = r.get("insufficient_data_health_status");
    let region = r.get("cloudwatch_alarm_region");
    let status = match v.kind() {
        Kind::Str(s) => s.to_string(),
        Kind::Absent | Kind::Null if r.origin == Origin::AwsConfig => {
            out.undecided(cx, hc, "insufficient_data_health_status", v, format!("the status for insufficient alarm data is {}", unknown_phrase(cx, hc)));
            return;
        }
        Kind::Absent | Kind::Null => "LastKnownStatus".to_string(),
        Kind::Unknown(u) if !u.configured => "LastKnownStatus".to_string(),
        _ => {
            out.undecided(cx, hc, "insufficient_data_health_status", v, format!("insufficient_data_health_status is {}", unknown_phrase(cx, hc)));
            return;
        }
    };
    if status.eq_ignore_ascii_case("Unhealthy") {
        return;
    }
    let where_ = match region.str() {
        Some(reg) => format!("the alarm lives in {reg}: when {reg} is lost"),
        None => "when the alarm's region is lost".to_string(),
    };
    let how = if v.is_set() {
        format!("insufficient_data_health_status is {}", v.display())
    } else {
        "insufficient_data_health_status is not set, so AWS uses LastKnownStatus".to_string()
    };
    let reads = if status.eq_ignore_ascii_case("Healthy") {
        "Route 53 reads the missing data as healthy"
    } else {
        "Route 53 keeps the last known status, which was healthy"
    };
    out.fail(cx, hc, "insufficient_data_health_status", v, format!("{how}: {where_} its metric data stops, the alarm goes to INSUFFICIENT_DATA and {reads}, so Route 53 never fails over; set it to \"Unhealthy\""));
}

/// (b) A calculated check without children, or that needs none of them healthy, is always
/// healthy.
fn calculated(cx: &Ctx, out: &mut Out, hc: ResourceId) {
    let r = cx.model.get(hc);
    let children = r.get("child_healthchecks");
    let threshold = r.get("child_health_threshold");
    if r.origin == Origin::AwsConfig && !children.is_set() {
        out.undecided(cx, hc, "child_healthchecks", children, format!("the child health checks are {}", unknown_phrase(cx, hc)));
        return;
    }
    match children.kind() {
        Kind::Unknown(u) if u.configured => {
            out.undecided(cx, hc, "child_healthchecks", children, format!("child_healthchecks is {}", unknown_phrase(cx, hc)));
            return;
        }
        Kind::Arr(a) if !a.is_empty() => {}
        _ => {
            out.fail(cx, hc, "child_healthchecks", children, "the calculated health check has no child_healthchecks: it has nothing to calculate from and never turns unhealthy, so Route 53 never fails over");
            return;
        }
    }
    match threshold.num() {
        Some(t) if t <= 0.0 => out.fail(cx, hc, "child_health_threshold", threshold, "child_health_threshold is 0: the calculated check is healthy even when every child is unhealthy, so Route 53 never fails over"),
        Some(_) => {}
        None if threshold.is_unknown() && threshold.is_set() => out.undecided(cx, hc, "child_health_threshold", threshold, format!("child_health_threshold is {}", unknown_phrase(cx, hc))),
        None if r.origin == Origin::AwsConfig => out.undecided(cx, hc, "child_health_threshold", threshold, format!("child_health_threshold is {}", unknown_phrase(cx, hc))),
        // The provider has no default and leaves HealthThreshold out of the request; AWS does
        // not document what an absent threshold means, so this is not guessed.
        None => out.undecided(cx, hc, "child_health_threshold", threshold, "child_health_threshold is not set and AWS documents no default for it, so it is not known how many children must be healthy (0 would mean always healthy); set it explicitly"),
    }
}

/// (d) An HTTP(S) check against a database endpoint never gets an HTTP answer: it is unhealthy
/// from the start, and a region loss changes nothing.
fn database_target(cx: &Ctx, out: &mut Out, hc: ResourceId, kind: &str) {
    let m = cx.model;
    let r = m.get(hc);
    let fqdn = r.get("fqdn");
    let why = match m.target(hc, fqdn) {
        Target::Resources(ids) => ids
            .iter()
            .find(|&&i| DATABASE_TYPES.contains(&m.get(i).rtype))
            .map(|&i| format!("its fqdn is the endpoint of {}", m.get(i).address)),
        Target::Literal(s) if s.trim_end_matches('.').to_ascii_lowercase().ends_with(".rds.amazonaws.com") => {
            Some(format!("its fqdn `{s}` is an RDS endpoint"))
        }
        _ => None,
    };
    let port = r.get("port");
    let (why, attr, at) = match (why, port.num()) {
        (Some(w), _) => (w, "fqdn", fqdn),
        (None, Some(p)) if DATABASE_PORTS.contains(&p) => (
            format!("its port {p} is a database port (MySQL 3306, PostgreSQL 5432)"),
            "port",
            port,
        ),
        _ => return,
    };
    out.fail(cx, hc, attr, at, format!("the {kind} health check is aimed at a database: {why}. A database does not answer HTTP, so the check is unhealthy from the start whatever the region's state (and when every record of a set is unhealthy Route 53 answers as if all were healthy): a region loss changes nothing and Route 53 does not fail over; probe the application's health endpoint instead"));
}

/// What a record serves: literal DNS names, resources its alias or values reference, and the
/// first reason a value cannot be followed.
struct Served {
    /// The record's own name.
    name: Option<String>,
    /// Literal DNS names (or addresses) it answers with.
    names: Vec<String>,
    ids: Vec<ResourceId>,
    unknown: Option<String>,
}

fn norm(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

fn served(cx: &Ctx, rec: ResourceId) -> Served {
    let m = cx.model;
    let r = m.get(rec);
    let mut s = Served {
        name: r.get("name").str().map(norm),
        names: Vec::new(),
        ids: Vec::new(),
        unknown: None,
    };
    let alias = r.get("alias");
    let mut values: Vec<&Value> = r.get("records").items().collect();
    if !alias.is_empty_block() {
        values.push(alias.get("name"));
    }
    for v in values {
        match m.target(rec, v) {
            Target::Literal(l) => s.names.push(norm(l)),
            Target::Resources(ids) => s.ids.extend(ids),
            Target::Unresolved(what) => {
                s.unknown.get_or_insert(format!("the record's target comes from {what}"));
            }
            Target::Unset => {}
        }
    }
    s
}

/// The DNS name of the record's zone, when known.
fn zone_name(cx: &Ctx, rec: ResourceId) -> Option<String> {
    let m = cx.model;
    match m.target(rec, m.get(rec).get("zone_id")) {
        Target::Resources(ids) => ids
            .iter()
            .find_map(|&z| m.get(z).get("name").str().map(norm)),
        Target::Literal(z) => m
            .find_by_attr("aws_route53_zone", "zone_id", z)
            .first()
            .and_then(|&i| m.get(i).get("name").str().map(norm)),
        _ => None,
    }
}


/// (c) A health check guarding a failover or weighted record must probe what the record serves.
fn records(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    // The records by name, read once (each health-checked record scanned every record before).
    let mut by_name: std::collections::HashMap<String, Vec<ResourceId>> =
        std::collections::HashMap::new();
    for &o in m.of_type("aws_route53_record") {
        if let Some(n) = m.get(o).get("name").str() {
            by_name.entry(norm(n)).or_default().push(o);
        }
    }
    for &rec in m.of_type("aws_route53_record") {
        let r = m.get(rec);
        let routed = ["failover_routing_policy", "weighted_routing_policy"]
            .iter()
            .any(|p| !r.get(p).is_empty_block());
        if !routed || !r.get("health_check_id").is_set() {
            continue;
        }
        let Some(hc) = cx.health_check(rec) else {
            continue; // DR704 reports a health check that is not in the input
        };
        let h = m.get(hc);
        let kind = h.get("type").str().map(str::to_ascii_uppercase);
        if !kind.as_deref().is_some_and(|k| HTTP_TYPES.contains(&k) || k == "TCP") {
            continue;
        }
        let fqdn = h.get("fqdn");
        let s = served(cx, rec);
        let hv = r.get("health_check_id");
        let rname = s.name.clone().unwrap_or_else(|| r.address.clone());
        let undecided = |out: &mut Out, why: String| {
            out.undecided(cx, rec, "health_check_id", hv, format!("it is not known whether health check {} probes what record `{rname}` serves: {why}", h.address));
        };
        let probe = match m.target(hc, fqdn) {
            Target::Resources(ids) => {
                if ids.iter().any(|i| s.ids.contains(i)) {
                    continue;
                }
                // A check on another record of the input: compare what that record serves.
                let other: Vec<ResourceId> = ids
                    .iter()
                    .copied()
                    .filter(|&i| m.get(i).rtype == "aws_route53_record")
                    .collect();
                if let Some(&o) = other.first() {
                    let os = served(cx, o);
                    if os.ids.iter().any(|i| s.ids.contains(i))
                        || os.names.iter().any(|n| s.names.contains(n))
                    {
                        continue;
                    }
                }
                if let Some(why) = &s.unknown {
                    undecided(out, why.clone());
                    continue;
                }
                ids.iter()
                    .map(|&i| m.get(i).address.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Target::Literal(f) => {
                let f = norm(f);
                if s.names.contains(&f) || s.name.as_ref() == Some(&f) {
                    continue;
                }
                // The record aliases a load balancer whose DNS name is in the input (state).
                let dns: Vec<Option<String>> = s
                    .ids
                    .iter()
                    .map(|&i| m.get(i).get("dns_name").str().map(norm))
                    .collect();
                if dns.iter().any(|d| d.as_ref() == Some(&f)) {
                    continue;
                }
                // Another record of the input with that name: compare its targets.
                let named: Vec<ResourceId> = by_name
                    .get(&f)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&o| o != rec)
                    .collect();
                if !named.is_empty() {
                    let same = named.iter().any(|&o| {
                        let os = served(cx, o);
                        os.ids.iter().any(|i| s.ids.contains(i))
                            || os.names.iter().any(|n| s.names.contains(n))
                    });
                    if same {
                        continue;
                    }
                } else if zone_name(cx, rec).is_some_and(|z| f == z || f.ends_with(&format!(".{z}"))) {
                    // A health host in the record's own zone (health.example.com for
                    // api.example.com) is taken to front the same endpoint: rules/DR807.md.
                    continue;
                }
                if dns.iter().any(Option::is_none) {
                    undecided(out, format!("it probes `{f}`, and the DNS name of {} the record aliases is {}", s.ids.iter().map(|&i| m.get(i).address.clone()).collect::<Vec<_>>().join(", "), unknown_phrase(cx, rec)));
                    continue;
                }
                if let Some(why) = &s.unknown {
                    undecided(out, why.clone());
                    continue;
                }
                format!("`{f}`")
            }
            Target::Unresolved(what) => {
                undecided(out, format!("its fqdn comes from {what}"));
                continue;
            }
            Target::Unset => {
                let ip = h.get("ip_address");
                match ip.str() {
                    Some(a) if s.names.iter().any(|n| n == a) => continue,
                    Some(a) if s.unknown.is_none() && r.get("records").items().next().is_some() => format!("IP address {a}"),
                    _ => {
                        undecided(out, "it probes an IP address that cannot be matched to the record's target".into());
                        continue;
                    }
                }
            }
        };
        let target = if s.ids.is_empty() {
            s.names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        } else {
            s.ids.iter().map(|&i| m.get(i).address.clone()).collect::<Vec<_>>().join(", ")
        };
        let target = if target.is_empty() { format!("`{rname}`") } else { target };
        out.fail(cx, rec, "health_check_id", hv, format!("health check {} probes {probe}, but record `{rname}` serves {target}: the check watches another endpoint, so when this record's region is lost the check stays healthy and Route 53 keeps answering with it (or fails it over when the other endpoint fails); point the check's fqdn at what the record serves", h.address));
    }
}
