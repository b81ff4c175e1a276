//! DR802 aurora-backtrack-global: Aurora backtracking exists only for Aurora MySQL clusters that
//! are not part of a global database. `backtrack_window > 0` on a global-database member or on an
//! Aurora PostgreSQL cluster makes the apply fail, so the DR database is never built.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::{Origin, Target};

pub static RULE: Rule = Rule {
    id: "DR802",
    name: "aurora-backtrack-global",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &["aws_rds_cluster"],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    // Clusters a global cluster was created from (source_db_cluster_identifier) are members too.
    let mut sources = std::collections::HashSet::new();
    for &g in m.of_type("aws_rds_global_cluster") {
        match m.target(g, m.get(g).get("source_db_cluster_identifier")) {
            Target::Resources(ids) => sources.extend(ids),
            Target::Literal(s) => {
                sources.extend(m.find_by_attr("aws_rds_cluster", "arn", s));
                sources.extend(m.find_by_attr("aws_rds_cluster", "cluster_identifier", s));
            }
            _ => {}
        }
    }
    // The files holding global clusters, for "a global cluster in another file" per cluster.
    let global_files: std::collections::HashSet<usize> = m
        .of_type("aws_rds_global_cluster")
        .iter()
        .map(|&g| m.get(g).file)
        .collect();
    for &c in m.of_type("aws_rds_cluster") {
        let r = m.get(c);
        let engine_v = r.get("engine");
        // The provider's default engine is "aurora" (Aurora MySQL 5.6 compatible).
        let engine = if engine_v.is_null_or_absent() {
            Some("aurora")
        } else {
            engine_v.str()
        };
        let global_v = r.get("global_cluster_identifier");
        let global = global_v.is_set() || sources.contains(&c);
        let postgres = engine == Some("aurora-postgresql");
        let bw = r.get("backtrack_window");
        // AWS Config links clusters to their global cluster within one input file only, so a
        // cluster without a global cluster identifier may still be a member of a global cluster
        // read from another file.
        let maybe_global = !global
            && r.origin == Origin::AwsConfig
            && global_files.iter().any(|&f| f != r.file);
        let why = if global {
            let g = global_v.str().map_or_else(String::new, |s| format!(" `{s}`"));
            format!("this cluster is a member of the global database{g}, and Aurora global databases do not support backtracking")
        } else if postgres {
            "Aurora PostgreSQL does not support backtracking (only Aurora MySQL does)".to_string()
        } else if maybe_global && bw.is_absent() {
            out.undecided(
                cx,
                c,
                "backtrack_window",
                bw,
                format!(
                    "backtrack_window and this cluster's global database membership are {} (a global cluster of the input is in another file, and AWS Config links members within one file only; give all regions' items in one snapshot)",
                    unknown_phrase(cx, c)
                ),
            );
            continue;
        } else if engine.is_none() && bw.num().is_some_and(|n| n > 0.0) {
            out.undecided(
                cx,
                c,
                "backtrack_window",
                bw,
                format!(
                    "backtrack_window is set, but the engine is {}, so it is not known whether backtracking is supported",
                    unknown_phrase(cx, c)
                ),
            );
            continue;
        } else {
            continue;
        };
        match bw.num() {
            Some(n) if n > 0.0 => out.fail(
                cx,
                c,
                "backtrack_window",
                bw,
                format!("backtrack_window is {n}s: {why}, so creating or updating the cluster fails"),
            ),
            Some(_) => {}
            None if bw.is_unknown() && bw.is_set() => out.undecided(
                cx,
                c,
                "backtrack_window",
                bw,
                format!("backtrack_window is {} ({why})", unknown_phrase(cx, c)),
            ),
            // AWS Config input does not map the cluster's BacktrackWindow: absent means unknown.
            None if r.origin == Origin::AwsConfig && bw.is_absent() => out.undecided(
                cx,
                c,
                "backtrack_window",
                bw,
                format!("backtrack_window is {} ({why})", unknown_phrase(cx, c)),
            ),
            None if bw.is_null_or_absent() => {}
            None => out.undecided(
                cx,
                c,
                "backtrack_window",
                bw,
                format!("backtrack_window is {}, not a number ({why})", bw.display()),
            ),
        }
    }
}
