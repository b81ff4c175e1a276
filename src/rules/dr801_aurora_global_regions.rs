//! DR801 aurora-global-regions: an Aurora global database survives the loss of the primary
//! region only if it has a member cluster in the DR region, and a member cluster can take over
//! only if it has at least one DB instance (no instance: no writer, nothing to promote).

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::{Origin, ResourceId, Target};
use std::collections::{HashMap, HashSet};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "DR801",
    name: "aurora-global-regions",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_rds_global_cluster"],
    shared: &[],
    check,
};

/// Instance types whose `cluster_identifier` names the Aurora cluster they run in
/// (`aws_db_instance` is how AWS Config input shows cluster instances).
const INSTANCE_TYPES: &[&str] = &["aws_rds_cluster_instance", "aws_db_instance"];

/// Which clusters name which global cluster in `global_cluster_identifier`, read once for all
/// global clusters (not every cluster per global cluster: that was quadratic).
pub struct Memberships<'v> {
    by_ref: HashMap<ResourceId, Vec<ResourceId>>,
    by_literal: HashMap<&'v str, Vec<ResourceId>>,
    /// The first cluster whose global_cluster_identifier cannot be followed, and why.
    unresolved: Option<String>,
}

impl<'v> Memberships<'v> {
    pub fn new(cx: &'v Ctx) -> Memberships<'v> {
        let m = cx.model;
        let mut ms = Memberships {
            by_ref: HashMap::new(),
            by_literal: HashMap::new(),
            unresolved: None,
        };
        for &c in m.of_type("aws_rds_cluster") {
            match m.target(c, m.get(c).get("global_cluster_identifier")) {
                Target::Resources(ids) => {
                    for g in ids {
                        ms.by_ref.entry(g).or_default().push(c);
                    }
                }
                Target::Literal(s) => ms.by_literal.entry(s).or_default().push(c),
                Target::Unresolved(what) => {
                    ms.unresolved.get_or_insert_with(|| {
                        format!(
                            "the global_cluster_identifier of {} comes from {what}",
                            m.get(c).address
                        )
                    });
                }
                Target::Unset => {}
            }
        }
        ms
    }
}

/// The member clusters of global cluster `g`, and the first reason membership cannot be told.
pub fn members(cx: &Ctx, ms: &Memberships, g: ResourceId) -> (Vec<ResourceId>, Option<String>) {
    let m = cx.model;
    let gr = m.get(g);
    let ident = gr.get("global_cluster_identifier").str();
    let mut out: Vec<ResourceId> = Vec::new();
    let mut unresolved: Option<String> = None;
    // A global cluster made from an existing cluster names it in source_db_cluster_identifier.
    let src = gr.get("source_db_cluster_identifier");
    match m.target(g, src) {
        Target::Resources(ids) => out.extend(
            ids.into_iter()
                .filter(|&i| m.get(i).rtype == "aws_rds_cluster"),
        ),
        Target::Literal(s) => {
            let found: Vec<ResourceId> = m
                .find_by_attr("aws_rds_cluster", "arn", s)
                .into_iter()
                .chain(m.find_by_attr("aws_rds_cluster", "cluster_identifier", s))
                .collect();
            if found.is_empty() {
                unresolved = Some(format!(
                    "its source cluster `{s}` is not in the input"
                ));
            }
            out.extend(found);
        }
        Target::Unresolved(what) => {
            unresolved = Some(format!("its source_db_cluster_identifier comes from {what}"))
        }
        Target::Unset => {}
    }
    if unresolved.is_none() {
        unresolved.clone_from(&ms.unresolved);
    }
    // The clusters naming it, in model order (as a scan over the clusters would find them).
    let named = |s: Option<&str>| s.and_then(|s| ms.by_literal.get(s)).into_iter().flatten();
    let mut by_name: Vec<ResourceId> = ms
        .by_ref
        .get(&g)
        .into_iter()
        .flatten()
        .chain(named(ident))
        .chain(named(gr.get("id").str()))
        .copied()
        .collect();
    by_name.sort_unstable();
    by_name.dedup();
    let sources: HashSet<ResourceId> = out.iter().copied().collect();
    out.extend(by_name.into_iter().filter(|c| !sources.contains(c)));
    (out, unresolved)
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let instances: Vec<ResourceId> = m
        .of_types(INSTANCE_TYPES)
        .filter(|&i| m.get(i).get("cluster_identifier").is_set())
        .collect();
    let instances = Instances::new(cx, instances);
    let ms = Memberships::new(cx);
    let dr = cx.settings.dr.as_deref();
    // Read once, not per global cluster: whether the input has items from the DR region, and
    // the first two AWS Config clusters there (of different files) without a global cluster.
    let has_dr_items = dr.is_some_and(|d| m.resources.iter().any(|r| r.region == Some(d)));
    let mut unlinked: Vec<ResourceId> = Vec::new();
    for &c in m.of_type("aws_rds_cluster") {
        let r = m.get(c);
        if r.origin == Origin::AwsConfig
            && dr.is_some_and(|d| r.region == Some(d))
            && !r.get("global_cluster_identifier").is_set()
            && unlinked.first().is_none_or(|&f| m.get(f).file != r.file)
        {
            unlinked.push(c);
            if unlinked.len() == 2 {
                break;
            }
        }
    }
    let mut checked_members: Vec<(ResourceId, String)> = Vec::new();
    for &g in m.of_type("aws_rds_global_cluster") {
        let gr = m.get(g);
        let at = gr.get("global_cluster_identifier");
        let name = at
            .str()
            .map_or_else(|| gr.address.clone(), |s| format!("`{s}`"));
        let (members, unresolved) = members(cx, &ms, g);
        checked_members.extend(members.iter().map(|&c| (c, name.clone())));
        let mut regions: Vec<&str> = Vec::new();
        let mut unknown_region = None;
        for &c in &members {
            match m.get(c).region {
                Some(r) if !regions.contains(&r) => regions.push(r),
                Some(_) => {}
                None => unknown_region = Some(c),
            }
        }
        regions.sort_unstable();
        let in_dr = dr.is_some_and(|d| regions.contains(&d));
        if regions.len() >= 2 && in_dr {
            continue;
        }
        if let Some(c) = unknown_region {
            out.undecided(cx, g, "", at, format!("the region of member cluster {} is unknown, so it is not known whether global database {name} spans two regions", m.get(c).address));
            continue;
        }
        if let Some(why) = unresolved {
            out.undecided(
                cx,
                g,
                "",
                at,
                format!("the member clusters of global database {name} cannot all be found: {why}"),
            );
            continue;
        }
        // AWS Config snapshots are per region: members in a region whose items are not in the
        // input are invisible, not missing.
        if gr.origin == Origin::AwsConfig
            && let Some(d) = dr
            && !has_dr_items
        {
            out.undecided(cx, g, "", at, format!("the input holds no AWS Config items from the DR region {d}, so member clusters there cannot be seen; add that region's snapshot"));
            continue;
        }
        // The AWS Config adapter links a cluster to its global cluster (from the GlobalCluster
        // item's member list) within one input file only: a DR-region cluster from another
        // snapshot file may be an unlinked member.
        if gr.origin == Origin::AwsConfig
            && let Some(d) = dr
            && let Some(&c) = unlinked.iter().find(|&&c| m.get(c).file != gr.file)
        {
            out.undecided(cx, g, "", at, format!("cluster {} in the DR region {d} may be a member of global database {name}: its membership is {} in that cluster's item (AWS Config lists members on the global cluster's item; give both regions' items in one snapshot, e.g. an aggregator query)", m.get(c).address, unknown_phrase(cx, c)));
            continue;
        }
        let listed = if regions.is_empty() {
            "it has no member cluster".to_string()
        } else {
            format!("its member clusters are only in {}", regions.join(", "))
        };
        match dr {
            None if regions.len() >= 2 => out.undecided(
                cx,
                g,
                "",
                at,
                format!("the DR region is unknown, so it is not known whether global database {name} has a member there (set [regions] dr)"),
            ),
            None => out.fail(
                cx,
                g,
                "",
                at,
                format!("global database {name} does not span two regions: {listed}, so losing that region loses the database"),
            ),
            Some(d) => out.fail(
                cx,
                g,
                "",
                at,
                format!("global database {name} has no member cluster in the DR region {d}: {listed}, so losing the primary region leaves nothing to fail over to"),
            ),
        }
    }
    for (c, global) in checked_members {
        check_instances(cx, out, c, &global, &instances);
    }
}

/// The cluster instances by the cluster they name, read once (each member cluster scanned every
/// instance before).
struct Instances<'v> {
    by_ref: HashSet<ResourceId>,
    by_literal: HashSet<&'v str>,
    /// The first instance whose cluster_identifier cannot be followed, and why.
    unfollowed: Option<String>,
    /// Regions that have an aws_db_instance.
    db_instance_regions: HashSet<Option<&'v str>>,
}

impl<'v> Instances<'v> {
    fn new(cx: &'v Ctx, instances: Vec<ResourceId>) -> Instances<'v> {
        let m = cx.model;
        let mut ix = Instances {
            by_ref: HashSet::new(),
            by_literal: HashSet::new(),
            unfollowed: None,
            db_instance_regions: m
                .of_type("aws_db_instance")
                .iter()
                .map(|&i| m.get(i).region)
                .collect(),
        };
        for i in instances {
            match m.target(i, m.get(i).get("cluster_identifier")) {
                Target::Resources(ids) => ix.by_ref.extend(ids),
                Target::Literal(s) => {
                    ix.by_literal.insert(s);
                }
                Target::Unresolved(what) => {
                    ix.unfollowed.get_or_insert_with(|| {
                        format!(
                            "the cluster_identifier of {} comes from {what}",
                            m.get(i).address
                        )
                    });
                }
                Target::Unset => {}
            }
        }
        ix
    }
}

/// A member cluster needs an instance: without one it has no writer and cannot be promoted.
fn check_instances(cx: &Ctx, out: &mut Out, c: ResourceId, global: &str, instances: &Instances) {
    let m = cx.model;
    // As Model::points_to from each instance: by reference, or by the cluster's id or name.
    let has = instances.by_ref.contains(&c)
        || ["id", "cluster_identifier"]
            .iter()
            .any(|a| m.get(c).get(a).str().is_some_and(|s| instances.by_literal.contains(s)));
    if has {
        return;
    }
    let r = m.get(c);
    let at: &Value = r.get("cluster_identifier");
    let region = r.region.unwrap_or("an unknown region");
    let name = at
        .str()
        .map_or_else(|| r.address.clone(), |s| format!("cluster `{s}`"));
    if let Some(why) = &instances.unfollowed {
        out.undecided(
            cx,
            c,
            "instances",
            at,
            format!("no DB instance is known to run in this member cluster, but {why}"),
        );
    } else if r.origin == Origin::AwsConfig
        && !instances.db_instance_regions.contains(&r.region)
    {
        out.undecided(
            cx,
            c,
            "instances",
            at,
            format!(
                "the cluster's DB instances are {} in {region}: the input has no AWS::RDS::DBInstance items from that region",
                unknown_phrase(cx, c)
            ),
        );
    } else {
        out.fail(cx, c, "instances", at, format!("{name}, the {region} member of global database {global}, has no DB instance (aws_rds_cluster_instance): it has no writer, and there is nothing to promote when the primary region is lost"));
    }
}
