//! IPv4 CIDR blocks and the VPCs they belong to, shared by DR501–DR503.

use super::Ctx;
use crate::model::{Picked, ResourceId, Target};
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

/// The VPC a `vpc_id`-like value set on `from` points at; none when it names several VPCs
/// that no instance key tells apart (`aws_vpc.main[count.index].id` from a resource without
/// `count`), as the checks that need the VPC cannot say which.
pub fn vpc_of<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> Option<ResourceId> {
    let m = cx.model;
    match m.target(from, v) {
        Target::Resources(ids) => match m.pick(from, &ids, |r| r.rtype == "aws_vpc") {
            Picked::One(vpc) => Some(vpc),
            Picked::None | Picked::Several(_) => None,
        },
        Target::Literal(s) => m.find_by_attr("aws_vpc", "id", s).first().copied(),
        _ => None,
    }
}

/// The VPC of each subnet (`vpc_of` its `vpc_id`), resolved once for DR502 and DR503.
pub fn subnet_vpcs(cx: &Ctx) -> std::collections::HashMap<ResourceId, Option<ResourceId>> {
    let m = cx.model;
    m.of_type("aws_subnet")
        .iter()
        .map(|&sn| (sn, vpc_of(cx, sn, m.get(sn).get("vpc_id"))))
        .collect()
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

/// Which VPCs overlap which, without comparing pairs: the blocks are grouped by CIDR into nodes,
/// and because two CIDRs either nest or are disjoint, the blocks a block overlaps are its
/// ancestors (at most 32 distinct CIDRs contain it) and its subtree, a contiguous run of the
/// nodes in start order. Counts come from prefix sums over that order, so a VPC's number of
/// overlapping VPCs costs O(32 · its blocks), however many VPCs share its CIDR.
///
/// VPCs are dense indices `0..n`; each block carries an opaque `usize` (the caller's block index)
/// handed back by [`OverlapIndex::first`]. A block nested in another block of the same VPC is
/// dropped: whatever overlaps it overlaps the outer block too, so no answer changes.
///
/// Exact for every input. The one case that is not linear: VPCs with several (secondary) blocks
/// are counted against each other VPC with several blocks through a hash set, so the cost there
/// is the number of such VPCs overlapping each other (single-block VPCs, which are nearly all of
/// them and all default VPCs, never go through it).
pub struct OverlapIndex {
    /// The (vpc, block) pairs on each node; nodes are the distinct CIDRs in pre-order (start
    /// ascending, the wider first), so a node's subtree follows it.
    members: Vec<Vec<(usize, usize)>>,
    /// The enclosing node of each node.
    parent: Vec<Option<usize>>,
    /// One past the last node of each node's subtree (the subtree includes the node).
    sub_end: Vec<usize>,
    /// Prefix sums over nodes of the number of single-block VPCs on them.
    singles: Vec<usize>,
    /// Per node: how many multi-block VPCs have a block that overlaps it.
    multi_hits: Vec<usize>,
    /// Nodes that carry a block of a multi-block VPC, ascending.
    multi_nodes: Vec<usize>,
    /// Each VPC's kept blocks: (node, block), pairwise disjoint.
    vpc: Vec<Vec<(usize, usize)>>,
}

fn preorder(c: &Cidr) -> (u32, std::cmp::Reverse<u32>) {
    (c.start, std::cmp::Reverse(c.end))
}

impl OverlapIndex {
    /// `blocks`: (vpc, caller's block id, CIDR) with `vpc < n`.
    pub fn new(n: usize, blocks: &[(usize, usize, Cidr)]) -> OverlapIndex {
        let mut per_vpc: Vec<Vec<(Cidr, usize)>> = vec![Vec::new(); n];
        for &(v, b, c) in blocks {
            per_vpc[v].push((c, b));
        }
        for bs in &mut per_vpc {
            bs.sort_by_key(|(c, _)| preorder(c));
            let mut kept: Vec<(Cidr, usize)> = Vec::with_capacity(bs.len());
            for &(c, b) in bs.iter() {
                if !kept.last().is_some_and(|(k, _)| k.contains(&c)) {
                    kept.push((c, b));
                }
            }
            *bs = kept;
        }
        let mut nodes: Vec<Cidr> = per_vpc.iter().flatten().map(|(c, _)| *c).collect();
        nodes.sort_by_key(preorder);
        nodes.dedup();
        let node_of = |c: &Cidr| {
            nodes
                .binary_search_by_key(&preorder(c), preorder)
                .expect("every kept block has a node")
        };
        let mut members = vec![Vec::new(); nodes.len()];
        let mut vpc = vec![Vec::new(); n];
        for (v, bs) in per_vpc.iter().enumerate() {
            for &(c, b) in bs {
                let x = node_of(&c);
                members[x].push((v, b));
                vpc[v].push((x, b));
            }
        }
        let mut parent = vec![None; nodes.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (i, c) in nodes.iter().enumerate() {
            while stack.last().is_some_and(|&t| !nodes[t].contains(c)) {
                stack.pop();
            }
            parent[i] = stack.last().copied();
            stack.push(i);
        }
        let sub_end: Vec<usize> = (0..nodes.len())
            .map(|i| i + 1 + nodes[i + 1..].partition_point(|c| c.start <= nodes[i].end))
            .collect();
        let multi = |v: usize| vpc[v].len() > 1;
        let mut singles = vec![0; nodes.len() + 1];
        for (i, ms) in members.iter().enumerate() {
            singles[i + 1] = singles[i] + ms.iter().filter(|&&(v, _)| !multi(v)).count();
        }
        // Each multi-block VPC adds one to every node it overlaps: its nodes' subtrees (a range
        // each, disjoint because its blocks are) and their ancestors (deduplicated; an ancestor
        // of one block is never in another block's subtree, or the two would nest).
        let mut diff = vec![0isize; nodes.len() + 1];
        let mut points = vec![0usize; nodes.len()];
        let mut multi_nodes = Vec::new();
        for bs in vpc.iter().filter(|bs| bs.len() > 1) {
            let mut anc = Vec::new();
            for &(x, _) in bs {
                diff[x] += 1;
                diff[sub_end[x]] -= 1;
                multi_nodes.push(x);
                let mut p = parent[x];
                while let Some(a) = p {
                    anc.push(a);
                    p = parent[a];
                }
            }
            anc.sort_unstable();
            anc.dedup();
            for a in anc {
                points[a] += 1;
            }
        }
        multi_nodes.sort_unstable();
        multi_nodes.dedup();
        let mut run = 0isize;
        let multi_hits = (0..nodes.len())
            .map(|i| {
                run += diff[i];
                run as usize + points[i]
            })
            .collect();
        OverlapIndex {
            members,
            parent,
            sub_end,
            singles,
            multi_hits,
            multi_nodes,
            vpc,
        }
    }

    fn ancestors(&self, x: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.parent[x], |&a| self.parent[a])
    }

    /// How many other VPCs overlap VPC `v`.
    pub fn count(&self, v: usize) -> usize {
        let bs = &self.vpc[v];
        let range = |x: usize| self.singles[self.sub_end[x]] - self.singles[x];
        let single = |a: usize| self.singles[a + 1] - self.singles[a];
        match bs.as_slice() {
            [] => 0,
            &[(x, _)] => {
                self.ancestors(x).map(single).sum::<usize>() + range(x) - 1 + self.multi_hits[x]
            }
            _ => {
                let mut anc: Vec<usize> = bs.iter().flat_map(|&(x, _)| self.ancestors(x)).collect();
                anc.sort_unstable();
                anc.dedup();
                let singles: usize = anc.iter().map(|&a| single(a)).sum::<usize>()
                    + bs.iter().map(|&(x, _)| range(x)).sum::<usize>();
                let mut others = std::collections::HashSet::new();
                let is_multi = |w: usize| self.vpc[w].len() > 1;
                for &(x, _) in bs {
                    let lo = self.multi_nodes.partition_point(|&m| m < x);
                    let hi = self.multi_nodes.partition_point(|&m| m < self.sub_end[x]);
                    for &y in self.multi_nodes[lo..hi].iter().chain(anc.iter()) {
                        for &(w, _) in &self.members[y] {
                            if w != v && is_multi(w) {
                                others.insert(w);
                            }
                        }
                    }
                }
                singles + others.len()
            }
        }
    }

    /// The first `k` VPCs overlapping `v`, each once: (their VPC, their block, `v`'s block).
    /// Costs O(k) node visits beyond the ancestors, not a scan of everything that overlaps.
    pub fn first(&self, v: usize, k: usize) -> Vec<(usize, usize, usize)> {
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for &(x, mine) in &self.vpc[v] {
            let nodes = self.ancestors(x).chain(x..self.sub_end[x]);
            for y in nodes {
                for &(w, b) in &self.members[y] {
                    if out.len() == k {
                        return out;
                    }
                    if w != v && !out.iter().any(|o| o.0 == w) {
                        out.push((w, b, mine));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Cidr, OverlapIndex};

    /// The index against the pairwise definition, on random nested and disjoint blocks with
    /// single- and multi-block VPCs (and blocks nested in their own VPC's blocks).
    #[test]
    fn overlap_index_matches_pairwise() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..200 {
            let n = 1 + next(40) as usize;
            let mut blocks = Vec::new();
            for v in 0..n {
                let k = if next(3) == 0 { 1 + next(4) } else { 1 };
                for _ in 0..k {
                    // 10.x.y.0/len with few distinct prefixes, so blocks collide and nest.
                    let len = 8 + 2 * next(5) as u32;
                    let ip = (10u32 << 24) | ((next(4) as u32) << 22) | ((next(4) as u32) << 18);
                    let c =
                        Cidr::parse(&format!("{}/{len}", std::net::Ipv4Addr::from(ip))).unwrap();
                    blocks.push((v, blocks.len(), c));
                }
            }
            let ix = OverlapIndex::new(n, &blocks);
            for v in 0..n {
                let mine: Vec<Cidr> = blocks.iter().filter(|b| b.0 == v).map(|b| b.2).collect();
                let want: std::collections::BTreeSet<usize> = blocks
                    .iter()
                    .filter(|b| b.0 != v && mine.iter().any(|c| c.overlaps(&b.2)))
                    .map(|b| b.0)
                    .collect();
                assert_eq!(
                    ix.count(v),
                    want.len(),
                    "round {round}, vpc {v}: {blocks:?}"
                );
                let first = ix.first(v, 3);
                assert_eq!(first.len(), want.len().min(3), "round {round}, vpc {v}");
                for (w, b, m) in first {
                    assert!(want.contains(&w));
                    let (theirs, own) = (blocks[b], blocks[m]);
                    assert!(theirs.0 == w && own.0 == v && theirs.2.overlaps(&own.2));
                }
            }
        }
    }

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
