//! The picture of the DR system as an SVG file: one column per region (Route 53 on the left),
//! data stores, vaults and entry points as rounded boxes, replication / backup-copy / failover /
//! dependency edges as arrows coloured by verdict, and a legend. The layout is a plain grid, so
//! the same posture always gives the same bytes.

use super::text::{color, column_of, columns, edge_label};
use super::{EdgeKind, NodeKind, Posture, Verdict};
use std::collections::HashMap;
use std::fmt::Write as _;

const NODE_W: f64 = 220.0;
const NODE_H: f64 = 46.0;
const COL_W: f64 = 360.0;
const ROW_H: f64 = 74.0;
const MARGIN: f64 = 24.0;
const HEADER: f64 = 64.0;
const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// Escapes text for SVG character data and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => o.push(c),
        }
    }
    o
}

/// At most `max` characters, with an ellipsis when cut.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn fill(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "#e8f5e9",
        Verdict::Warning => "#fff4dc",
        Verdict::Fail => "#fdecea",
    }
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

/// Row positions: groups (entry points, then stores, then dependencies, then vaults) one below
/// the other; within a group the nodes of one column stack, and an entry point sits level with
/// the middle of its targets.
fn layout(p: &Posture, cols: &[(String, String)]) -> HashMap<usize, (usize, f64)> {
    let col_index = |key: &str| cols.iter().position(|c| c.0 == key).unwrap_or(0);
    let nstores = p.stores.len();
    let order = |g: usize| -> (u8, usize) {
        if g == usize::MAX {
            (3, 0)
        } else if g >= nstores + p.entry_points.len() {
            (2, g)
        } else if g >= nstores {
            (0, g)
        } else {
            (1, g)
        }
    };
    let mut groups: Vec<usize> = p.nodes.iter().map(|n| n.group).collect();
    groups.sort_by_key(|&g| order(g));
    groups.dedup();
    let mut pos = HashMap::new();
    let mut row = 0.0;
    for g in groups {
        let members: Vec<usize> = (0..p.nodes.len())
            .filter(|&i| p.nodes[i].group == g)
            .collect();
        let mut per_col: HashMap<usize, f64> = HashMap::new();
        let mut height: f64 = 1.0;
        let mut entries = Vec::new();
        for &i in &members {
            let n = &p.nodes[i];
            let c = col_index(column_of(n));
            if n.kind == NodeKind::Entry {
                entries.push((i, c));
                continue;
            }
            // Targets of a group step down column by column, so that an arrow from the left
            // that skips a column passes between its boxes, not through them.
            let base = if g != usize::MAX && g >= nstores {
                members
                    .iter()
                    .take_while(|&&j| j != i)
                    .filter(|&&j| p.nodes[j].kind != NodeKind::Entry)
                    .count() as f64
            } else {
                0.0
            };
            let k = per_col.entry(c).or_insert(0.0);
            let r = base.max(*k);
            *k = r + 1.0;
            pos.insert(i, (c, row + r));
            height = height.max(r + 1.0);
        }
        for (i, c) in entries {
            pos.insert(i, (c, row + (height - 1.0) / 2.0));
        }
        row += height + 0.4;
    }
    pos
}

pub fn render(p: &Posture) -> String {
    let cols = columns(p);
    let pos = layout(p, &cols);
    let rows = pos
        .values()
        .map(|&(_, r)| r + 1.0)
        .fold(0.0, f64::max)
        .max(1.0);
    // Wide enough for the columns and for the legend's one line.
    let width =
        (MARGIN * 2.0 + COL_W * cols.len().max(1) as f64 - (COL_W - NODE_W - 40.0)).max(1000.0);
    let body_h = rows * ROW_H;
    let legend_y = HEADER + body_h + 30.0;
    let height = legend_y + 70.0;
    let x_of = |c: usize| MARGIN + 20.0 + c as f64 * COL_W;
    let y_of = |r: f64| HEADER + 16.0 + r * ROW_H;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="{FONT}">"#,
        f(width),
        f(height),
        f(width),
        f(height)
    );
    s.push_str("<title>drlint posture: the DR system</title>\n");
    s.push_str("<defs>\n");
    for v in [Verdict::Ok, Verdict::Warning, Verdict::Fail] {
        let _ = writeln!(
            s,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            v.as_str(),
            color(v)
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        f(width),
        f(height)
    );
    // Region columns.
    for (i, (_, title)) in cols.iter().enumerate() {
        let x = x_of(i) - 20.0;
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="10" fill="#f5f7fa" stroke="#9aa5b1" stroke-width="1"/>"##,
            f(x),
            f(HEADER - 34.0),
            f(NODE_W + 40.0),
            f(body_h + 44.0)
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#334e68" text-anchor="middle">{}</text>"##,
            f(x + (NODE_W + 40.0) / 2.0),
            f(HEADER - 12.0),
            esc(&fit(title, 34))
        );
    }
    // Edges first, under the boxes.
    let index: HashMap<&str, usize> = p
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut labels = String::new();
    for e in &p.edges {
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else {
            continue;
        };
        let (Some(&(ca, ra)), Some(&(cb, rb))) = (pos.get(&a), pos.get(&b)) else {
            continue;
        };
        let (ya, yb) = (y_of(ra) + NODE_H / 2.0, y_of(rb) + NODE_H / 2.0);
        let (d, mx, my) = if ca == cb {
            let x = x_of(ca) + NODE_W;
            (
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    f(x),
                    f(ya),
                    f(x + 60.0),
                    f(ya),
                    f(x + 60.0),
                    f(yb),
                    f(x + 2.0),
                    f(yb)
                ),
                x + 45.0,
                (ya + yb) / 2.0,
            )
        } else {
            let (x1, x2) = if cb > ca {
                (x_of(ca) + NODE_W, x_of(cb) - 2.0)
            } else {
                (x_of(ca), x_of(cb) + NODE_W + 2.0)
            };
            let bend = (x2 - x1) / 2.0;
            (
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    f(x1),
                    f(ya),
                    f(x1 + bend),
                    f(ya),
                    f(x2 - bend),
                    f(yb),
                    f(x2),
                    f(yb)
                ),
                // The label sits in the gap after the source column.
                if cb > ca {
                    x1 + (COL_W - NODE_W) / 2.0
                } else {
                    x1 - (COL_W - NODE_W) / 2.0
                },
                if cb > ca {
                    ya + (yb - ya) * label_t(ca, cb)
                } else {
                    ya + (yb - ya) * label_t(cb, ca)
                },
            )
        };
        let dash = match (e.kind, e.broken) {
            (EdgeKind::BackupCopy, _) => r#" stroke-dasharray="7 4""#,
            (EdgeKind::Dependency, _) => r#" stroke-dasharray="2 3""#,
            _ => "",
        };
        let width = if e.broken { 3.0 } else { 1.8 };
        let _ = writeln!(
            s,
            r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{}"{dash} marker-end="url(#arrow-{})"><title>{}</title></path>"#,
            color(e.verdict),
            f(width),
            e.verdict.as_str(),
            esc(&edge_title(e))
        );
        let text = fit(&edge_label(e), 18);
        let tw = text.chars().count() as f64 * 6.2 + 8.0;
        let _ = writeln!(
            labels,
            r##"<rect x="{}" y="{}" width="{}" height="15" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="{}" stroke-width="0.6"/><text x="{}" y="{}" font-size="10" fill="{}" text-anchor="middle">{}</text>"##,
            f(mx - tw / 2.0),
            f(my - 8.0),
            f(tw),
            color(e.verdict),
            f(mx),
            f(my + 3.5),
            color(e.verdict),
            esc(&text)
        );
    }
    // Boxes.
    for (i, n) in p.nodes.iter().enumerate() {
        let Some(&(c, r)) = pos.get(&i) else { continue };
        let (x, y) = (x_of(c), y_of(r));
        let rx = match n.kind {
            NodeKind::Entry => 23.0,
            NodeKind::Vault => 2.0,
            _ => 8.0,
        };
        let title = match &n.resource {
            Some(a) => format!("{} ({a}): {}", n.label, n.verdict.as_str()),
            None => format!("{}: {}", n.label, n.verdict.as_str()),
        };
        let dash = if n.kind == NodeKind::Missing {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}" stroke="{}" stroke-width="{}"{dash}/>"#,
            esc(&title),
            f(x),
            f(y),
            f(NODE_W),
            f(NODE_H),
            f(rx),
            fill(n.verdict),
            color(n.verdict),
            if n.verdict == Verdict::Fail {
                "2.2"
            } else {
                "1.4"
            }
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="12" font-weight="bold" fill="#102a43" text-anchor="middle">{}</text>"##,
            f(x + NODE_W / 2.0),
            f(y + 19.0),
            esc(&fit(&n.label, 27))
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="10" fill="#486581" text-anchor="middle">{}</text></g>"##,
            f(x + NODE_W / 2.0),
            f(y + 35.0),
            esc(&fit(&n.detail, 34))
        );
    }
    s.push_str(&labels);
    // Legend.
    let mut lx = MARGIN;
    let ly = legend_y;
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" font-size="12" font-weight="bold" fill="#334e68">Legend</text>"##,
        f(lx),
        f(ly)
    );
    let items: [(&str, Verdict, &str, f64); 6] = [
        ("ok", Verdict::Ok, "", 1.8),
        ("warning / undecided", Verdict::Warning, "", 1.8),
        ("a rule fails", Verdict::Fail, "", 1.8),
        ("✗ broken on region loss", Verdict::Fail, "", 3.0),
        ("backup copy", Verdict::Ok, "7 4", 1.8),
        ("dependency", Verdict::Fail, "2 3", 1.8),
    ];
    for (text, v, dash, w) in items {
        let y = ly + 22.0;
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{dash} marker-end="url(#arrow-{})"/>"#,
            f(lx),
            f(y),
            f(lx + 36.0),
            f(y),
            color(v),
            f(w),
            v.as_str()
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="11" fill="#334e68">{}</text>"##,
            f(lx + 44.0),
            f(y + 4.0),
            esc(text)
        );
        lx += 44.0 + text.chars().count() as f64 * 6.8 + 24.0;
    }
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" font-size="10" fill="#627d98">Boxes: data stores and their copies (rounded), backup vaults (square), Route 53 entry points (pill), coloured by the rules' findings on them. drlint posture.</text>"##,
        f(MARGIN),
        f(ly + 50.0)
    );
    s.push_str("</svg>\n");
    s
}

/// Where along an edge's height its label sits, so that labels of edges that leave the same
/// column towards different columns do not land on one spot.
fn label_t(from: usize, to: usize) -> f64 {
    if to - from > 1 { 0.25 } else { 0.5 }
}

fn edge_title(e: &super::Edge) -> String {
    let mut t = format!(
        "{} ({}): {}",
        e.label,
        kind_word(e.kind),
        e.verdict.as_str()
    );
    for f in &e.findings {
        t.push_str(&format!("\n{}: {}", f.rule_id, f.message));
    }
    t
}

fn kind_word(k: EdgeKind) -> &'static str {
    match k {
        EdgeKind::Replication => "replication",
        EdgeKind::BackupCopy => "backup copy",
        EdgeKind::Failover => "failover",
        EdgeKind::Dependency => "dependency",
    }
}

#[cfg(test)]
mod tests {
    use super::{esc, fit};

    #[test]
    fn text_is_escaped_and_fitted() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(esc("x\u{1}y"), "xy");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
