//! DR502 subnet-cidr: a subnet lies inside its VPC and does not overlap a sibling; otherwise the
//! apply fails half-way through building the DR network.
//!
//! At most two findings per subnet (outside its VPC; overlapping a sibling, naming the widest
//! earlier one): the siblings are sorted once per VPC and swept, not compared pairwise.

use super::net::{Cidr, vpc_blocks};
use super::{Ctx, Level, Out, Rule, Shared, unknown_phrase};
use crate::model::ResourceId;
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    id: "DR502",
    name: "subnet-cidr",
    family: "network",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_vpc", "aws_subnet"],
    shared: &[Shared::SubnetVpcs],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let (blocks, unknown_vpcs) = vpc_blocks(cx);
    let unknown_vpcs: HashSet<ResourceId> = unknown_vpcs.into_iter().collect();
    let mut vpc_cidrs: HashMap<ResourceId, Vec<Cidr>> = HashMap::new();
    for b in &blocks {
        vpc_cidrs.entry(b.vpc).or_default().push(b.cidr);
    }
    let mut by_vpc: HashMap<ResourceId, Vec<(Cidr, ResourceId)>> = HashMap::new();
    for &s in m.of_type("aws_subnet") {
        let r = m.get(s);
        let c = r.get("cidr_block");
        let Some(cidr) = c.str().and_then(Cidr::parse) else {
            if c.is_set() && c.is_unknown() {
                out.undecided(
                    cx,
                    s,
                    "cidr_block",
                    c,
                    format!("the subnet's CIDR block is {}", unknown_phrase(cx, s)),
                );
            }
            continue;
        };
        let Some(vpc) = cx.subnet_vpc(s) else {
            continue;
        };
        if unknown_vpcs.contains(&vpc) {
            continue;
        }
        let inside = vpc_cidrs
            .get(&vpc)
            .is_some_and(|cs| cs.iter().any(|vc| vc.contains(&cidr)));
        if !inside {
            out.fail(
                cx,
                s,
                "cidr_block",
                c,
                format!(
                    "subnet CIDR {} is not inside any CIDR block of {}",
                    c.display(),
                    m.get(vpc).address
                ),
            );
        }
        by_vpc.entry(vpc).or_default().push((cidr, s));
    }
    for subnets in by_vpc.values_mut() {
        subnets.sort_by_key(|(c, _)| (c.start, c.end));
        let mut widest: Option<(Cidr, ResourceId)> = None;
        for &(c, s) in subnets.iter() {
            if let Some((w, ws)) = widest {
                if w.overlaps(&c) {
                    let at = m.get(s).get("cidr_block");
                    out.fail(
                        cx,
                        s,
                        "cidr_block",
                        at,
                        format!(
                            "subnet CIDR {} overlaps sibling {} ({})",
                            at.display(),
                            m.get(ws).address,
                            m.get(ws).get("cidr_block").display()
                        ),
                    );
                }
                if c.end > w.end {
                    widest = Some((c, s));
                }
            } else {
                widest = Some((c, s));
            }
        }
    }
}
