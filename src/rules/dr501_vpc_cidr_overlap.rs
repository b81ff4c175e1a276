//! DR501 vpc-cidr-overlap: VPCs that are (or will be) peered, or that form the primary / DR pair,
//! must not overlap — overlapping CIDRs cannot be routed to each other, so the DR region cannot
//! reach the primary's data during replication or failback.
//!
//! One finding per overlapping VPC, listing the first few VPCs it overlaps and how many in all
//! (not one per pair: 870 VPCs sharing a CIDR would be 378,015 findings, over GitHub's 25,000
//! results per run). An error when an overlapping VPC is peered with it, or when the two are the
//! only VPC in the primary and the only VPC in the DR region of a two-region system; a warning
//! otherwise (they may need to be peered later).
//!
//! Default VPCs (AWS Config's `isDefault`, the model's `default`) all have 172.31.0.0/16 in every
//! account and region, so an organisation-wide snapshot has thousands of them overlapping: they
//! are reported, and named as overlapping others, only with a VPC they are peered with.
//!
//! No pairwise loop: [`OverlapIndex`] counts and lists the overlapping VPCs of each VPC from the
//! CIDR containment tree, and the peered pairs are found from the peering connections
//! themselves, so the rule is O(n log n) in VPCs and blocks however many share a CIDR.

use super::net::{OverlapIndex, peered_pairs, vpc_blocks};
use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::ResourceId;
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    id: "DR501",
    name: "vpc-cidr-overlap",
    family: "network",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_vpc"],
    shared: &[],
    check,
};

/// How many overlapping VPCs a message names before "and N more".
const LISTED: usize = 3;

/// A partner that makes the overlap an error: (its VPC, its block, our block, why).
type Serious = (usize, usize, usize, &'static str);

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let (blocks, unknown) = vpc_blocks(cx);
    for v in unknown {
        out.undecided(
            cx,
            v,
            "cidr_block",
            m.get(v).get("cidr_block"),
            format!(
                "the VPC's CIDR block is {} (IPAM?), so overlaps cannot be checked",
                unknown_phrase(cx, v)
            ),
        );
    }
    let vpcs: &[ResourceId] = m.of_type("aws_vpc");
    let dense: HashMap<ResourceId, usize> = vpcs.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let default: Vec<bool> = vpcs
        .iter()
        .map(|&v| m.get(v).get("default").bool() == Some(true))
        .collect();
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); vpcs.len()];
    for (bi, b) in blocks.iter().enumerate() {
        own[dense[&b.vpc]].push(bi);
    }
    let items: Vec<(usize, usize, super::net::Cidr)> = blocks
        .iter()
        .enumerate()
        .map(|(bi, b)| (dense[&b.vpc], bi, b.cidr))
        .filter(|&(v, _, _)| !default[v])
        .collect();
    let index = OverlapIndex::new(vpcs.len(), &items);
    // The first overlapping blocks of two VPCs, if any (a VPC has a handful of blocks).
    let overlap = |a: usize, b: usize| {
        own[a].iter().find_map(|&x| {
            own[b]
                .iter()
                .find(|&&y| blocks[x].cidr.overlaps(&blocks[y].cidr))
                .map(|&y| (x, y))
        })
    };
    let mut serious: Vec<Option<Serious>> = vec![None; vpcs.len()];
    // Overlapping partners the index does not hold: peered default VPCs.
    let mut extra: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); vpcs.len()];
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for (a, b) in peered_pairs(cx) {
        let (a, b) = (dense[&a], dense[&b]);
        if a == b || !seen.insert((a, b)) {
            continue;
        }
        if let Some((x, y)) = overlap(a, b) {
            serious[a].get_or_insert((b, y, x, "they are peered"));
            if default[a] || default[b] {
                extra[a].push((b, y, x));
            }
        }
    }
    // A primary / DR overlap is an error only between the only VPC of each region of a
    // two-region system (with more, which VPCs pair up is not known). Default VPCs do not count.
    let (primary, dr) = (cx.settings.primary.as_deref(), cx.settings.dr.as_deref());
    let mut per_region: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
    for (i, &v) in vpcs.iter().enumerate() {
        if !default[i] {
            per_region.entry(m.get(v).region).or_default().push(i);
        }
    }
    if let (Some(p), Some(d)) = (primary, dr)
        && per_region.len() == 2
        && let (Some([a]), Some([b])) = (
            per_region.get(&Some(p)).map(Vec::as_slice),
            per_region.get(&Some(d)).map(Vec::as_slice),
        )
        && let Some((x, y)) = overlap(*a, *b)
    {
        serious[*a].get_or_insert((*b, y, x, "they are the primary / DR pair"));
        serious[*b].get_or_insert((*a, x, y, "they are the primary / DR pair"));
    }
    let name = |v: usize, blk: usize| {
        let r = m.get(vpcs[v]);
        format!(
            "{} ({}, {})",
            r.address,
            blocks[blk].at.display(),
            r.region.unwrap_or("region unknown")
        )
    };
    for v in 0..vpcs.len() {
        let n = index.count(v) + extra[v].len();
        if n == 0 {
            continue;
        }
        let mut first = index.first(v, LISTED);
        first.extend(extra[v].iter().copied());
        first.truncate(LISTED);
        let mut listed: Vec<String> = first.iter().map(|&(w, blk, _)| name(w, blk)).collect();
        // The partner that makes it an error is always named.
        if let Some((s, blk, _, _)) = serious[v]
            && !first.iter().any(|f| f.0 == s)
        {
            listed.push(name(s, blk));
        }
        let more = n - listed.len();
        let list = if more > 0 {
            format!("{} and {more} more", listed.join(", "))
        } else {
            listed.join(", ")
        };
        let what = if n == 1 {
            "another VPC".to_string()
        } else {
            format!("{n} other VPCs")
        };
        let reason = match serious[v] {
            Some((s, _, _, w)) if n > 1 => format!("{w} with {}", m.get(vpcs[s]).address),
            Some((_, _, _, w)) => w.to_string(),
            None => "they may need to be peered later".to_string(),
        };
        let mine = first.first().map(|f| f.2).or(serious[v].map(|s| s.2));
        let Some(b) = mine.map(|bi| &blocks[bi]) else {
            continue;
        };
        out.fail(
            cx,
            b.owner,
            "cidr_block",
            b.at,
            format!("CIDR {} overlaps {what}: {list}; {reason}", b.at.display()),
        );
        if serious[v].is_none() {
            out.with_level(Level::Warning);
        }
    }
}
