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
//! Sort-and-sweep over all blocks: O(n log n + overlapping pairs) with hash-set lookups, no
//! pairwise loop over all VPCs.

use super::net::{peered_pairs, vpc_blocks};
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
    check,
};

/// How many overlapping VPCs a message names before "and N more".
const LISTED: usize = 3;

/// What one VPC overlaps.
#[derive(Default)]
struct Overlaps {
    /// The first block of the VPC that overlaps anything (the finding points at it).
    block: Option<usize>,
    /// The overlapping VPCs in sweep order, each once, with the other side's block.
    others: Vec<(ResourceId, usize)>,
    seen: HashSet<ResourceId>,
    /// The first partner that makes it an error, and why.
    serious: Option<(ResourceId, &'static str)>,
}

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let (mut blocks, unknown) = vpc_blocks(cx);
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
    blocks.sort_by_key(|b| (b.cidr.start, b.cidr.end));
    let peered: HashSet<(ResourceId, ResourceId)> = peered_pairs(cx).into_iter().collect();
    let (primary, dr) = (cx.settings.primary.as_deref(), cx.settings.dr.as_deref());
    // VPCs per region: a primary / DR overlap is an error only between the only VPC of each
    // region of a two-region system (with more, which VPCs pair up is not known).
    let mut per_region: HashMap<Option<&str>, usize> = HashMap::new();
    for &v in m.of_type("aws_vpc") {
        *per_region.entry(m.get(v).region.as_deref()).or_default() += 1;
    }
    let two_regions = per_region.len() == 2 && per_region.keys().all(|r| r.is_some());
    let only_one = |r: Option<&str>| per_region.get(&r) == Some(&1);
    let mut found: HashMap<ResourceId, Overlaps> = HashMap::new();
    let mut order: Vec<ResourceId> = Vec::new();
    let mut active: Vec<usize> = Vec::new();
    for i in 0..blocks.len() {
        let cur = &blocks[i];
        active.retain(|&a| blocks[a].cidr.end >= cur.cidr.start);
        for &a in &active {
            let other = &blocks[a];
            if other.vpc == cur.vpc {
                continue;
            }
            let (ra, rb) = (
                m.get(other.vpc).region.as_deref(),
                m.get(cur.vpc).region.as_deref(),
            );
            let why = if peered.contains(&(other.vpc, cur.vpc)) {
                Some("they are peered")
            } else if two_regions
                && primary.is_some()
                && dr.is_some()
                && ((ra == primary && rb == dr) || (ra == dr && rb == primary))
                && only_one(ra)
                && only_one(rb)
            {
                Some("they are the primary / DR pair")
            } else {
                None
            };
            for (me, my_block, them, their_block) in
                [(cur.vpc, i, other.vpc, a), (other.vpc, a, cur.vpc, i)]
            {
                let o = found.entry(me).or_insert_with(|| {
                    order.push(me);
                    Overlaps::default()
                });
                o.block.get_or_insert(my_block);
                if o.seen.insert(them) {
                    o.others.push((them, their_block));
                }
                if let (None, Some(w)) = (o.serious, why) {
                    o.serious = Some((them, w));
                }
            }
        }
        active.push(i);
    }
    for vpc in order {
        let o = &found[&vpc];
        let Some(bi) = o.block else { continue };
        let b = &blocks[bi];
        let name = |v: ResourceId, blk: usize| {
            format!(
                "{} ({}, {})",
                m.get(v).address,
                blocks[blk].at.display(),
                m.get(v).region.as_deref().unwrap_or("region unknown")
            )
        };
        let mut listed: Vec<String> = o
            .others
            .iter()
            .take(LISTED)
            .map(|&(v, blk)| name(v, blk))
            .collect();
        // The partner that makes it an error is always named.
        if let Some((s, _)) = o.serious
            && !o.others.iter().take(LISTED).any(|&(v, _)| v == s)
            && let Some(&(_, blk)) = o.others.iter().find(|&&(v, _)| v == s)
        {
            listed.push(name(s, blk));
        }
        let n = o.others.len();
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
        let reason = match o.serious {
            Some((s, w)) if n > 1 => format!("{w} with {}", m.get(s).address),
            Some((_, w)) => w.to_string(),
            None => "they may need to be peered later".to_string(),
        };
        out.fail(
            cx,
            b.owner,
            "cidr_block",
            b.at,
            format!(
                "CIDR {} overlaps {what}: {list}; {reason}",
                b.at.display()
            ),
        );
        if o.serious.is_none() {
            out.with_level(Level::Warning);
        }
    }
}
