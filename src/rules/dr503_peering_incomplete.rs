//! DR503 peering-incomplete: a cross-region VPC peering works only with an accepter in the peer
//! region, the right `peer_region`, and routes to the peer CIDR on both sides. Any missing piece
//! leaves replication traffic with nowhere to go.

use super::net::{Cidr, vpc_of};
use super::{Ctx, Level, Out, Rule, Shared, unknown_phrase};
use crate::model::{Picked, ResourceId, Target};
use crate::value::{Kind, Value};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    id: "DR503",
    name: "peering-incomplete",
    family: "network",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_vpc_peering_connection"],
    shared: &[Shared::SubnetVpcs],
    check,
};

/// A route through a peering connection: its region, destination and route table.
struct PeerRoute<'v> {
    region: Option<&'v str>,
    dest: Option<Cidr>,
    dest_unknown: bool,
    table: Table,
}

/// The route table a route is in.
#[derive(Clone, Copy)]
enum Table {
    /// An `aws_route_table` (or `aws_default_route_table`) of the input.
    Resource(ResourceId),
    /// The main route table of a VPC (`aws_vpc.x.main_route_table_id`).
    MainOf(ResourceId),
    /// Not found in the input (a variable, a literal id of a table managed elsewhere).
    Unknown,
}

/// Whether any subnet of a VPC uses a route table.
#[derive(PartialEq)]
enum Use {
    Used,
    Unused,
    Unknown,
}

/// Which subnets use which route tables: explicit associations, and each VPC's main route
/// table for its subnets without one.
struct Associations {
    /// route table → (subnet's VPC, or None when the subnet or its VPC is not known)
    explicit: HashMap<ResourceId, Vec<Option<ResourceId>>>,
    /// Subnets with an explicit association.
    associated: std::collections::HashSet<ResourceId>,
    /// Associations whose route table could not be resolved.
    unresolved: bool,
    /// route table → the VPC it is the main route table of.
    main_of: HashMap<ResourceId, ResourceId>,
    /// VPC → its subnets in the input.
    subnets_of: HashMap<ResourceId, Vec<ResourceId>>,
}

impl Associations {
    fn build(cx: &Ctx) -> Associations {
        let m = cx.model;
        let mut a = Associations {
            explicit: HashMap::new(),
            associated: Default::default(),
            unresolved: false,
            main_of: HashMap::new(),
            subnets_of: HashMap::new(),
        };
        for &sn in m.of_type("aws_subnet") {
            if let Some(v) = cx.subnet_vpc(sn) {
                a.subnets_of.entry(v).or_default().push(sn);
            }
        }
        for &x in m.of_type("aws_route_table_association") {
            let r = m.get(x);
            let tables = tables_of(cx, x, r.get("route_table_id"));
            let subnet = match m.target(x, r.get("subnet_id")) {
                // Several subnets that no instance key pairs: the association's VPC is not
                // known (counted subnets of one block can be in different VPCs).
                Target::Resources(ids) => match m.pick(x, &ids, |s| s.rtype == "aws_subnet") {
                    Picked::One(sn) => Some(sn),
                    Picked::None | Picked::Several(_) => None,
                },
                Target::Literal(s) => m.find_by_attr("aws_subnet", "id", s).into_iter().next(),
                _ => None,
            };
            if !r.get("subnet_id").is_set() {
                continue; // a gateway (edge) association
            }
            if let Some(sn) = subnet {
                a.associated.insert(sn);
            }
            let vpc = subnet.and_then(|sn| cx.subnet_vpc(sn));
            match tables.as_slice() {
                [] => a.unresolved = true,
                ts => {
                    for t in ts {
                        match t {
                            Table::Resource(t) => a.explicit.entry(*t).or_default().push(vpc),
                            _ => a.unresolved = true,
                        }
                    }
                }
            }
        }
        for &x in m.of_type("aws_main_route_table_association") {
            let r = m.get(x);
            if let (Some(vpc), [Table::Resource(t)]) = (
                vpc_of(cx, x, r.get("vpc_id")),
                tables_of(cx, x, r.get("route_table_id")).as_slice(),
            ) {
                a.main_of.insert(*t, vpc);
            }
        }
        for &x in m.of_type("aws_default_route_table") {
            let r = m.get(x);
            if let [Table::MainOf(vpc)] = tables_of(cx, x, r.get("default_route_table_id")).as_slice() {
                a.main_of.insert(x, *vpc);
            }
        }
        a
    }

    fn has_subnets(&self, vpc: ResourceId) -> bool {
        self.subnets_of.contains_key(&vpc)
    }

    /// Does a subnet of `vpc` use route table `t`?
    fn usage(&self, t: Table, vpc: ResourceId) -> Use {
        let main = match t {
            Table::Unknown => return Use::Unknown,
            Table::MainOf(v) => (v == vpc).then_some(v),
            Table::Resource(t) => {
                if let Some(vpcs) = self.explicit.get(&t) {
                    if vpcs.contains(&Some(vpc)) {
                        return Use::Used;
                    }
                    if vpcs.contains(&None) {
                        return Use::Unknown;
                    }
                }
                self.main_of.get(&t).copied().filter(|&v| v == vpc)
            }
        };
        if main.is_some() {
            // The main route table serves the VPC's subnets that have no association.
            let subnets = self.subnets_of.get(&vpc).map(Vec::as_slice).unwrap_or(&[]);
            return if subnets.iter().any(|sn| !self.associated.contains(sn)) {
                Use::Used
            } else {
                Use::Unused
            };
        }
        if self.unresolved {
            Use::Unknown
        } else {
            Use::Unused
        }
    }
}

/// The route tables a `route_table_id` value names.
fn tables_of<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> Vec<Table> {
    let m = cx.model;
    let vpc_main = |t: &str| t.ends_with(".main_route_table_id") || t.ends_with(".default_route_table_id");
    if let Kind::Unknown(u) = v.kind()
        && u.refs.iter().any(|t| vpc_main(t))
    {
        return match m.target(from, v) {
            Target::Resources(ids) => ids
                .into_iter()
                .filter(|&i| m.get(i).rtype == "aws_vpc")
                .map(Table::MainOf)
                .collect(),
            _ => vec![Table::Unknown],
        };
    }
    match m.target(from, v) {
        // `route_table_id` names one table: the one of its own instance key, when the tables
        // are instances of one block (`aws_route_table.x[count.index].id`); else each it may be.
        Target::Resources(ids) => {
            let is_table = |r: &crate::model::Resource| matches!(r.rtype, "aws_route_table" | "aws_default_route_table");
            match m.pick(from, &ids, is_table) {
                Picked::One(t) => vec![Table::Resource(t)],
                Picked::Several(ts) => ts.into_iter().map(Table::Resource).collect(),
                Picked::None => vec![Table::Unknown],
            }
        }
        Target::Literal(s) => {
            let t: Vec<Table> = m
                .find_by_attr("aws_route_table", "id", s)
                .into_iter()
                .map(Table::Resource)
                .collect();
            if t.is_empty() { vec![Table::Unknown] } else { t }
        }
        Target::Unresolved(_) => vec![Table::Unknown],
        Target::Unset => Vec::new(),
    }
}

/// The peering connections a `vpc_peering_connection_id` value points at.
fn conns_of<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> Vec<ResourceId> {
    let m = cx.model;
    match m.target(from, v) {
        Target::Resources(ids) => ids
            .into_iter()
            .flat_map(|i| match m.get(i).rtype {
                "aws_vpc_peering_connection" => vec![i],
                // The accepter's id is the connection's id.
                "aws_vpc_peering_connection_accepter" => {
                    conns_of(cx, i, m.get(i).get("vpc_peering_connection_id"))
                }
                _ => Vec::new(),
            })
            .collect(),
        Target::Literal(s) => m.find_by_attr("aws_vpc_peering_connection", "id", s),
        _ => Vec::new(),
    }
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    // Index accepters and routes by the connection they use, once.
    let mut accepters_of: HashMap<ResourceId, Vec<ResourceId>> = HashMap::new();
    for &a in m.of_type("aws_vpc_peering_connection_accepter") {
        for c in conns_of(cx, a, m.get(a).get("vpc_peering_connection_id")) {
            accepters_of.entry(c).or_default().push(a);
        }
    }
    let mut routes_of: HashMap<ResourceId, Vec<PeerRoute>> = HashMap::new();
    for &rt in m.of_type("aws_route") {
        let route = m.get(rt);
        for c in conns_of(cx, rt, route.get("vpc_peering_connection_id")) {
            let d = route.get("destination_cidr_block");
            let table = tables_of(cx, rt, route.get("route_table_id"))
                .first()
                .copied()
                .unwrap_or(Table::Unknown);
            routes_of.entry(c).or_default().push(PeerRoute {
                region: route.region,
                dest: d.str().and_then(Cidr::parse),
                dest_unknown: d.is_unknown(),
                table,
            });
        }
    }
    for &rt in m.of_type("aws_route_table") {
        let table = m.get(rt);
        for route in table.get("route").items() {
            for c in conns_of(cx, rt, route.get("vpc_peering_connection_id")) {
                let d = route.get("cidr_block");
                routes_of.entry(c).or_default().push(PeerRoute {
                    region: table.region,
                    dest: d.str().and_then(Cidr::parse),
                    dest_unknown: d.is_unknown(),
                    table: Table::Resource(rt),
                });
            }
        }
    }
    let assoc = Associations::build(cx);
    for &p in m.of_type("aws_vpc_peering_connection") {
        let r = m.get(p);
        let Some(req_region) = r.region else {
            out.undecided(
                cx,
                p,
                "",
                Value::absent(),
                "the peering connection's region is unknown",
            );
            continue;
        };
        let peer_vpc = vpc_of(cx, p, r.get("peer_vpc_id"));
        let peer_vpc_region = peer_vpc.and_then(|v| m.get(v).region);
        let pr = r.get("peer_region");
        let peer_region = match pr.str() {
            Some(s) if !s.is_empty() => Some(s),
            _ if pr.is_set() => {
                out.undecided(
                    cx,
                    p,
                    "peer_region",
                    pr,
                    format!("peer_region is {}", unknown_phrase(cx, p)),
                );
                continue;
            }
            _ => None,
        };
        // Region checks.
        match (peer_region, peer_vpc_region) {
            (None, Some(vr)) if vr != req_region => {
                out.fail(cx, p, "peer_region", pr, format!("the peer VPC is in {vr} but peer_region is not set, so AWS looks for it in {req_region}"));
                continue;
            }
            (Some(set), Some(vr)) if set != vr => {
                out.fail(
                    cx,
                    p,
                    "peer_region",
                    pr,
                    format!("peer_region is {set} but the peer VPC is in {vr}"),
                );
                continue;
            }
            _ => {}
        }
        let target_region = peer_region.or(peer_vpc_region).unwrap_or(req_region);
        if target_region == req_region {
            continue; // same-region peering: out of scope
        }
        if r.get("auto_accept").bool() == Some(true) {
            out.fail(cx, p, "auto_accept", r.get("auto_accept"), "auto_accept cannot be used for a cross-region peering; add an aws_vpc_peering_connection_accepter in the peer region");
        }
        // Accepter in the peer region.
        let accepters = accepters_of.get(&p).cloned().unwrap_or_default();
        if accepters.is_empty() {
            out.fail(cx, p, "", Value::absent(), format!("cross-region peering to {target_region} has no aws_vpc_peering_connection_accepter, so it stays pending-acceptance"));
            out.with_key("accepter");
        } else if !accepters
            .iter()
            .any(|&a| m.get(a).region == Some(target_region))
        {
            let a = accepters[0];
            out.fail(
                cx,
                a,
                "",
                Value::absent(),
                format!(
                    "the accepter is in {} but must be created in the peer region {target_region}",
                    m.get(a).region.unwrap_or("an unknown region")
                ),
            );
        }
        // Routes on both sides.
        let routes = routes_of.get(&p).map(Vec::as_slice).unwrap_or(&[]);
        let cidr_of = |v: Option<ResourceId>| {
            v.and_then(|v| m.get(v).get("cidr_block").str().and_then(Cidr::parse))
        };
        let req_vpc = vpc_of(cx, p, r.get("vpc_id"));
        let req_cidr = cidr_of(req_vpc);
        let peer_cidr = cidr_of(peer_vpc);
        for (side, region, vpc, want, label) in [
            ("requester", req_region, req_vpc, peer_cidr, "the peer VPC"),
            ("accepter", target_region, peer_vpc, req_cidr, "the requester VPC"),
        ] {
            let candidates: Vec<&PeerRoute> = routes
                .iter()
                .filter(|rt| {
                    rt.region == Some(region)
                        && (rt.dest_unknown
                            || want.is_none()
                            || rt.dest.zip(want).is_some_and(|(d, w)| d.overlaps(&w)))
                })
                .collect();
            let what = want.map_or_else(String::new, |w| format!(" ({})", cidr_text(w)));
            if candidates.is_empty() {
                out.fail(cx, p, "", Value::absent(), format!("no route in {region} ({side} side) sends traffic for {label}{what} through this peering connection"));
                out.with_key(format!("route:{side}"));
                continue;
            }
            // The routes must be in a route table that subnets of this side's VPC use. Without
            // the VPC or any of its subnets in the input (a network managed by another
            // configuration), the workload's subnets are not here to check.
            let Some(vpc) = vpc.filter(|&v| assoc.has_subnets(v)) else {
                continue;
            };
            let uses: Vec<Use> = candidates
                .iter()
                .map(|rt| assoc.usage(rt.table, vpc))
                .collect();
            if uses.contains(&Use::Used) {
                continue;
            }
            let vname = m.get(vpc).address.as_str();
            if uses.contains(&Use::Unknown) {
                out.undecided(cx, p, "", Value::absent(), format!("the routes in {region} ({side} side) for {label}{what} through this peering connection are in route tables whose subnet associations are not all in the input, so it is not known whether any subnet of {vname} uses them"));
                out.with_key(format!("route-table:{side}"));
            } else {
                out.fail(cx, p, "", Value::absent(), format!("the routes in {region} ({side} side) for {label}{what} through this peering connection are only in route tables that no subnet of {vname} uses (neither associated with one of its subnets nor its main route table for unassociated subnets), so its traffic never takes them"));
                out.with_key(format!("route-table:{side}"));
            }
        }
    }
}

fn cidr_text(c: Cidr) -> String {
    let ip = std::net::Ipv4Addr::from(c.start);
    let len = 32
        - (c.end - c.start)
            .checked_add(1)
            .map_or(32, |n| n.trailing_zeros());
    format!("{ip}/{len}")
}
