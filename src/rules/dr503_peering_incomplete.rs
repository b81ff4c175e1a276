//! DR503 peering-incomplete: a cross-region VPC peering works only with an accepter in the peer
//! region, the right `peer_region`, and routes to the peer CIDR on both sides. Any missing piece
//! leaves replication traffic with nowhere to go.

use super::net::{Cidr, vpc_of};
use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::{ResourceId, Target};
use crate::value::Value;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    id: "DR503",
    name: "peering-incomplete",
    family: "network",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_vpc_peering_connection"],
    check,
};

/// A route through a peering connection: its region and destination.
struct PeerRoute<'v> {
    region: Option<&'v str>,
    dest: Option<Cidr>,
    dest_unknown: bool,
}

/// The peering connections a `vpc_peering_connection_id` value points at.
fn conns_of<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> Vec<ResourceId> {
    let m = cx.model;
    match m.target(from, v) {
        Target::Resources(ids) => ids
            .into_iter()
            .flat_map(|i| match m.get(i).rtype.as_str() {
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
            routes_of.entry(c).or_default().push(PeerRoute {
                region: route.region.as_deref(),
                dest: d.str().and_then(Cidr::parse),
                dest_unknown: d.is_unknown(),
            });
        }
    }
    for &rt in m.of_type("aws_route_table") {
        let table = m.get(rt);
        for route in table.get("route").items() {
            for c in conns_of(cx, rt, route.get("vpc_peering_connection_id")) {
                let d = route.get("cidr_block");
                routes_of.entry(c).or_default().push(PeerRoute {
                    region: table.region.as_deref(),
                    dest: d.str().and_then(Cidr::parse),
                    dest_unknown: d.is_unknown(),
                });
            }
        }
    }
    for &p in m.of_type("aws_vpc_peering_connection") {
        let r = m.get(p);
        let Some(req_region) = r.region.as_deref() else {
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
        let peer_vpc_region = peer_vpc.and_then(|v| m.get(v).region.as_deref());
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
            .any(|&a| m.get(a).region.as_deref() == Some(target_region))
        {
            let a = accepters[0];
            out.fail(
                cx,
                a,
                "",
                Value::absent(),
                format!(
                    "the accepter is in {} but must be created in the peer region {target_region}",
                    m.get(a).region.as_deref().unwrap_or("an unknown region")
                ),
            );
        }
        // Routes on both sides.
        let routes = routes_of.get(&p).map(Vec::as_slice).unwrap_or(&[]);
        let cidr_of = |v: Option<ResourceId>| {
            v.and_then(|v| m.get(v).get("cidr_block").str().and_then(Cidr::parse))
        };
        let req_cidr = cidr_of(vpc_of(cx, p, r.get("vpc_id")));
        let peer_cidr = cidr_of(peer_vpc);
        for (side, region, want, label) in [
            ("requester", req_region, peer_cidr, "the peer VPC"),
            ("accepter", target_region, req_cidr, "the requester VPC"),
        ] {
            let ok = routes.iter().any(|rt| {
                rt.region == Some(region)
                    && (rt.dest_unknown
                        || want.is_none()
                        || rt.dest.zip(want).is_some_and(|(d, w)| d.overlaps(&w)))
            });
            if !ok {
                let what = want.map_or_else(String::new, |w| format!(" ({})", cidr_text(w)));
                out.fail(cx, p, "", Value::absent(), format!("no route in {region} ({side} side) sends traffic for {label}{what} through this peering connection"));
                out.with_key(format!("route:{side}"));
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
