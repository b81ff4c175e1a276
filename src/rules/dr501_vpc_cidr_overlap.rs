//! DR501 vpc-cidr-overlap: VPCs that are (or will be) peered, or that form the primary / DR pair,
//! must not overlap — overlapping CIDRs cannot be routed to each other, so the DR region cannot
//! reach the primary's data during replication or failback.
//!
//! Sort-and-sweep over all blocks: O(n log n + overlapping pairs), no pairwise loop.

use super::net::{peered_pairs, vpc_blocks};
use super::{Ctx, Level, Out, Rule, unknown_phrase};

pub static RULE: Rule = Rule {
    id: "DR501",
    name: "vpc-cidr-overlap",
    family: "network",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_vpc"],
    check,
};

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
    let peered = peered_pairs(cx);
    let (primary, dr) = (cx.settings.primary.as_deref(), cx.settings.dr.as_deref());
    let mut active: Vec<usize> = Vec::new();
    let mut reported: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for i in 0..blocks.len() {
        let cur = &blocks[i];
        active.retain(|&a| blocks[a].cidr.end >= cur.cidr.start);
        for &a in &active {
            let other = &blocks[a];
            if other.vpc == cur.vpc || !reported.insert((other.vpc, cur.vpc)) {
                continue;
            }
            let (ra, rb) = (
                m.get(other.vpc).region.as_deref(),
                m.get(cur.vpc).region.as_deref(),
            );
            let is_peered = peered.contains(&(other.vpc, cur.vpc));
            let dr_pair = primary.is_some()
                && dr.is_some()
                && ((ra == primary && rb == dr) || (ra == dr && rb == primary));
            let why = if is_peered {
                "they are peered"
            } else if dr_pair {
                "they form the primary / DR pair"
            } else {
                "they may need to be peered later"
            };
            out.fail(
                cx,
                cur.owner,
                "cidr_block",
                cur.at,
                format!(
                    "CIDR {} overlaps {} of {} ({}); {why}",
                    cur.at.display(),
                    other.at.display(),
                    m.get(other.vpc).address,
                    ra.unwrap_or("region unknown")
                ),
            );
            if !(is_peered || dr_pair) {
                out.with_level(Level::Warning);
            }
        }
        active.push(i);
    }
}
