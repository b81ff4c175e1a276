//! IPv4 CIDR blocks and the VPCs they belong to, shared by DR501–DR503.

use super::Ctx;
use crate::model::{ResourceId, Target};
use crate::value::Value;

/// An IPv4 range, inclusive. `std::net::Ipv4Addr` parses the address; the rest is a mask on a
/// `u32`, which is all the overlap and containment checks need (the `ipnet` crate would bring
/// the same two comparisons behind a dependency).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub start: u32,
    pub end: u32,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, len) = s.trim().split_once('/')?;
        let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
        let ip: std::net::Ipv4Addr = ip.parse().ok()?;
        let ip = u32::from(ip);
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        let start = ip & mask;
        Some(Cidr {
            start,
            end: start | !mask,
        })
    }
    pub fn overlaps(&self, o: &Cidr) -> bool {
        self.start <= o.end && o.start <= self.end
    }
    pub fn contains(&self, o: &Cidr) -> bool {
        self.start <= o.start && o.end <= self.end
    }
}

/// One CIDR block of a VPC (primary or associated).
pub struct VpcBlock<'v, 'a> {
    pub vpc: ResourceId,
    /// The resource that declares the block (the VPC or a cidr block association).
    pub owner: ResourceId,
    pub cidr: Cidr,
    pub at: &'v Value<'a>,
}

/// The VPC a `vpc_id`-like value set on `from` points at.
pub fn vpc_of<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> Option<ResourceId> {
    let m = cx.model;
    match m.target(from, v) {
        Target::Resources(ids) => ids.into_iter().find(|&i| m.get(i).rtype == "aws_vpc"),
        Target::Literal(s) => m.find_by_attr("aws_vpc", "id", s).first().copied(),
        _ => None,
    }
}

/// Every known IPv4 block of every VPC; VPCs whose CIDR is unknown are returned separately.
pub fn vpc_blocks<'v, 'a>(cx: &'v Ctx<'v, 'a>) -> (Vec<VpcBlock<'v, 'a>>, Vec<ResourceId>) {
    let m = cx.model;
    let mut blocks = Vec::new();
    let mut unknown = Vec::new();
    for &v in m.of_type("aws_vpc") {
        let c = m.get(v).get("cidr_block");
        match c.str().and_then(Cidr::parse) {
            Some(cidr) => blocks.push(VpcBlock {
                vpc: v,
                owner: v,
                cidr,
                at: c,
            }),
            None => unknown.push(v),
        }
    }
    for &a in m.of_type("aws_vpc_ipv4_cidr_block_association") {
        let r = m.get(a);
        if let (Some(vpc), Some(cidr)) = (
            vpc_of(cx, a, r.get("vpc_id")),
            r.get("cidr_block").str().and_then(Cidr::parse),
        ) {
            blocks.push(VpcBlock {
                vpc,
                owner: a,
                cidr,
                at: r.get("cidr_block"),
            });
        }
    }
    (blocks, unknown)
}

/// Pairs of VPCs joined by a peering connection (in both orders).
pub fn peered_pairs(cx: &Ctx) -> Vec<(ResourceId, ResourceId)> {
    let m = cx.model;
    let mut out = Vec::new();
    for &p in m.of_type("aws_vpc_peering_connection") {
        let r = m.get(p);
        if let (Some(a), Some(b)) = (
            vpc_of(cx, p, r.get("vpc_id")),
            vpc_of(cx, p, r.get("peer_vpc_id")),
        ) {
            out.push((a, b));
            out.push((b, a));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Cidr;

    #[test]
    fn cidrs() {
        let a = Cidr::parse("10.0.0.0/16").unwrap();
        let b = Cidr::parse("10.0.128.0/17").unwrap();
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(a.overlaps(&b) && a.contains(&b) && !a.overlaps(&c));
        assert_eq!(Cidr::parse("10.0.0.5/8").unwrap().start, 10 << 24);
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(&c));
    }
}
