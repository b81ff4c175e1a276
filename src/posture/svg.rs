//! The picture of the DR system as an SVG file: one column per region (Route 53 on the left),
//! data stores, vaults and entry points as rounded boxes, replication / backup-copy / failover /
//! dependency edges as arrows coloured by verdict, and a legend. The layout is a grid of rows;
//! edges are routed orthogonally, each on its own port of a box side and its own vertical track
//! in the gap between columns (ordered to cross little), and each label is placed along its own
//! edge where it overlaps no box and no other label. No randomness and no hash order: the same
//! posture always gives the same bytes.

use super::text::{color, column_of, columns, edge_label};
use super::{EdgeKind, NodeKind, Posture, Verdict};
use std::collections::HashMap;
use std::fmt::Write as _;

const NODE_H: f64 = 46.0;
/// Boxes are at least this wide, and widen for labels up to [`LABEL_MAX`] characters.
const NODE_W_MIN: f64 = 220.0;
const LABEL_MAX: usize = 40;
const ROW_H: f64 = 74.0;
const MARGIN: f64 = 24.0;
const HEADER: f64 = 64.0;
/// Padding of a column's background around its boxes.
const PAD: f64 = 20.0;
/// Room between the boxes of two neighbouring columns, before tracks and labels ask for more.
const GAP_MIN: f64 = 170.0;
const TRACK_SPACING: f64 = 16.0;
const LABEL_H: f64 = 15.0;
/// Height of the bands the label placement indexes boxes, edges and labels by.
const BAND: f64 = 64.0;
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

/// Estimated advance width of `s` in DejaVu Sans at `size` px (bold a little wider): enough to
/// size boxes and labels; the file names the font first.
fn text_w(s: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '\'' | '|' | '!' | ':' | ';' | ',' | '.' => 0.30,
            'f' | 't' | 'r' | ' ' | '-' | '(' | ')' | '[' | ']' | '/' => 0.40,
            'm' | 'w' | 'M' | 'W' | '…' => 0.95,
            '_' => 0.55,
            c if c.is_ascii_uppercase() => 0.74,
            c if c.is_ascii_digit() => 0.64,
            c if c.is_ascii() => 0.62,
            _ => 0.9,
        })
        .sum();
    em * size * if bold { 1.1 } else { 1.0 }
}

/// Each node's position in [`Posture::nodes`], by its id.
fn node_index(p: &Posture) -> HashMap<&str, usize> {
    p.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect()
}

/// Row positions: groups (entry points, then stores, then dependencies) one below the other;
/// within a group the nodes of one column stack, and an entry point sits level with the middle
/// of its targets. A backup vault is drawn in the group of the first store that copies to it,
/// so its copy edges are short; vaults nobody copies to come last.
fn layout(p: &Posture, cols: &[(String, String)]) -> HashMap<usize, (usize, f64)> {
    let col_index = |key: &str| cols.iter().position(|c| c.0 == key).unwrap_or(0);
    let nstores = p.stores.len();
    let index = node_index(p);
    let mut group_of: Vec<usize> = p.nodes.iter().map(|n| n.group).collect();
    for e in &p.edges {
        if e.kind != EdgeKind::BackupCopy {
            continue;
        }
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else {
            continue;
        };
        if p.nodes[b].kind == NodeKind::Vault && p.nodes[a].group < group_of[b] {
            group_of[b] = p.nodes[a].group;
        }
    }
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
    let mut groups = group_of.clone();
    groups.sort_by_key(|&g| order(g));
    groups.dedup();
    let mut pos = HashMap::new();
    let mut row = 0.0;
    for g in groups {
        // Vaults after the store's own copies.
        let mut members: Vec<usize> = (0..p.nodes.len()).filter(|&i| group_of[i] == g).collect();
        members.sort_by_key(|&i| (p.nodes[i].kind == NodeKind::Vault, i));
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

#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect, margin: f64) -> bool {
        self.x < o.x + o.w + margin
            && o.x < self.x + self.w + margin
            && self.y < o.y + o.h + margin
            && o.y < self.y + self.h + margin
    }

    /// Whether the axis-parallel segment a–b passes through the rectangle.
    fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        x1 > self.x && x0 < self.x + self.w && y1 > self.y && y0 < self.y + self.h
    }
}

/// Which side of a box an edge leaves or enters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Side {
    Left,
    Right,
}

/// An edge's route before the tracks have x positions: it leaves `from` on `out`, runs to a
/// vertical track in gap `gaps[0]` (gap g is right of column g), and, when `mid` is set, along
/// `mid` (between two rows of boxes) to a second track in `gaps[1]`, then enters `to` on `inn`.
struct Route {
    edge: usize,
    from: usize,
    to: usize,
    out: Side,
    inn: Side,
    gaps: Vec<usize>,
    mid: Option<f64>,
}

/// The geometry of the whole picture for one gap width: boxes, routed edges, labels.
struct Drawing {
    width: f64,
    height: f64,
    legend_y: f64,
    col_x: Vec<f64>,
    body_h: f64,
    node_w: f64,
    boxes: HashMap<usize, Rect>,
    /// Per edge of the posture (when both ends are drawn): its points.
    paths: Vec<Option<Vec<(f64, f64)>>>,
    /// Per edge: the label's rectangle and text.
    labels: Vec<Option<(Rect, String)>>,
    /// Whether every label found a free place.
    clean: bool,
}

fn draw(
    p: &Posture,
    cols: &[(String, String)],
    pos: &HashMap<usize, (usize, f64)>,
    extra: f64,
) -> Drawing {
    let node_w = p
        .nodes
        .iter()
        .map(|n| {
            text_w(&fit(&n.label, LABEL_MAX), 12.0, true).max(text_w(
                &fit(&n.detail, LABEL_MAX + 8),
                10.0,
                false,
            )) + 24.0
        })
        .fold(NODE_W_MIN, f64::max)
        .ceil();
    let ncols = cols.len().max(1);
    let rows = pos
        .values()
        .map(|&(_, r)| r + 1.0)
        .fold(0.0, f64::max)
        .max(1.0);
    let y_of = |r: f64| HEADER + 16.0 + r * ROW_H;
    let index = node_index(p);
    // Rows of boxes per column, to find horizontals that cross a column between its boxes.
    let free_across = |y: f64, from_col: usize, to_col: usize| {
        pos.values().all(|&(c, r)| {
            c <= from_col || c >= to_col || y < y_of(r) - 4.0 || y > y_of(r) + NODE_H + 4.0
        })
    };
    let centre = |i: usize| y_of(pos[&i].1) + NODE_H / 2.0;
    let mut routes = Vec::new();
    for (k, e) in p.edges.iter().enumerate() {
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else {
            continue;
        };
        let (Some(&(ca, _)), Some(&(cb, _))) = (pos.get(&a), pos.get(&b)) else {
            continue;
        };
        let (ya, yb) = (centre(a), centre(b));
        let route = |out, inn, gaps: Vec<usize>, mid| Route {
            edge: k,
            from: a,
            to: b,
            out,
            inn,
            gaps,
            mid,
        };
        routes.push(if ca == cb {
            route(Side::Right, Side::Right, vec![ca], None)
        } else {
            let (lo, hi, out, inn) = if cb > ca {
                (ca, cb, Side::Right, Side::Left)
            } else {
                (cb, ca, Side::Left, Side::Right)
            };
            let (first, last) = if cb > ca { (lo, hi - 1) } else { (hi - 1, lo) };
            if hi == lo + 1 || free_across(yb, lo, hi) {
                // Turn in the gap next to the source, then run level with the target.
                route(out, inn, vec![first], None)
            } else if free_across(ya, lo, hi) {
                route(out, inn, vec![last], None)
            } else {
                // Between two rows of boxes, the nearest such line to the middle.
                let want = (ya + yb) / 2.0;
                let mid = (0..=rows as usize + 1)
                    .map(|r| y_of(r as f64) - (ROW_H - NODE_H) / 2.0)
                    .filter(|&y| free_across(y, lo, hi))
                    .min_by(|x, y| (x - want).abs().total_cmp(&(y - want).abs()))
                    .unwrap_or(HEADER);
                route(out, inn, vec![first, last], Some(mid))
            }
        });
    }
    // Ports: the edges on one side of a box spread over its height, ordered by where their
    // other end is, so they leave without crossing.
    // (where the other end is, route, whether the edge leaves here)
    type Port = (f64, usize, bool);
    let mut sides: HashMap<(usize, Side), Vec<Port>> = HashMap::new();
    for (ri, r) in routes.iter().enumerate() {
        sides
            .entry((r.from, r.out))
            .or_default()
            .push((r.mid.unwrap_or(centre(r.to)), ri, true));
        sides
            .entry((r.to, r.inn))
            .or_default()
            .push((r.mid.unwrap_or(centre(r.from)), ri, false));
    }
    let mut port: HashMap<(usize, bool), f64> = HashMap::new();
    for ((node, _), mut v) in sides {
        v.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let top = y_of(pos[&node].1);
        let n = v.len() as f64;
        for (k, (_, ri, out)) in v.into_iter().enumerate() {
            port.insert((ri, out), top + NODE_H * (k as f64 + 1.0) / (n + 1.0));
        }
    }
    // Tracks: per gap, one x per vertical run, ordered to cross as little as possible.
    // (route, which run, y of the horizontal on the track's left, on its right)
    let mut runs: HashMap<usize, Vec<(usize, usize, f64, f64)>> = HashMap::new();
    for (ri, r) in routes.iter().enumerate() {
        let (ys, yt) = (port[&(ri, true)], port[&(ri, false)]);
        let rightward = r.out == Side::Right;
        match (r.gaps.len(), r.mid) {
            (2, Some(m)) => {
                let (l0, r0) = if rightward { (ys, m) } else { (m, ys) };
                let (l1, r1) = if rightward { (m, yt) } else { (yt, m) };
                runs.entry(r.gaps[0]).or_default().push((ri, 0, l0, r0));
                runs.entry(r.gaps[1]).or_default().push((ri, 1, l1, r1));
            }
            _ if r.out == r.inn => runs.entry(r.gaps[0]).or_default().push((ri, 0, ys, yt)),
            _ if (ys - yt).abs() < 0.5 => {}
            _ => {
                let (l, rr) = if rightward { (ys, yt) } else { (yt, ys) };
                runs.entry(r.gaps[0]).or_default().push((ri, 0, l, rr));
            }
        }
    }
    let mut track_x_rel: HashMap<(usize, usize), (usize, usize)> = HashMap::new(); // (route, run) -> (gap, slot)
    let mut tracks_in: HashMap<usize, usize> = HashMap::new();
    for (&g, v) in &runs {
        let order = order_tracks(v);
        tracks_in.insert(g, order.len());
        for (slot, k) in order.into_iter().enumerate() {
            track_x_rel.insert((v[k].0, v[k].1), (g, slot));
        }
    }
    // Column positions: each gap as wide as its tracks need.
    let gap_w = |g: usize| -> f64 {
        let t = tracks_in.get(&g).copied().unwrap_or(0) as f64;
        (GAP_MIN + extra).max(2.0 * PAD + (t + 1.0) * TRACK_SPACING + 60.0)
    };
    let mut col_x = Vec::with_capacity(ncols);
    let mut x = MARGIN + PAD;
    for c in 0..ncols {
        col_x.push(x);
        x += node_w + gap_w(c);
    }
    // The last gap (right of the last column) is only there when same-column edges use it.
    let last_gap = if tracks_in.contains_key(&(ncols - 1)) {
        gap_w(ncols - 1) / 2.0
    } else {
        0.0
    };
    let width = (col_x[ncols - 1] + node_w + PAD + MARGIN + last_gap).max(1000.0);
    let track_x = |g: usize, slot: usize| -> f64 {
        let t = tracks_in[&g] as f64;
        let (l, r) = (col_x[g] + node_w + PAD, col_x[g] + node_w + gap_w(g) - PAD);
        let r = if g + 1 >= ncols {
            l + last_gap - PAD
        } else {
            r
        };
        l + (r - l) * (slot as f64 + 1.0) / (t + 1.0)
    };
    let mut boxes = HashMap::new();
    for (&i, &(c, r)) in pos {
        boxes.insert(
            i,
            Rect {
                x: col_x[c],
                y: y_of(r),
                w: node_w,
                h: NODE_H,
            },
        );
    }
    let side_x = |node: usize, side: Side, y: f64| -> f64 {
        let b = boxes[&node];
        // A pill's side is round: start on its outline.
        let inset = if p.nodes[node].kind == NodeKind::Entry {
            let r = NODE_H / 2.0;
            let dy = (y - (b.y + r)).abs().min(r);
            r - (r * r - dy * dy).sqrt()
        } else {
            0.0
        };
        match side {
            Side::Left => b.x + inset,
            Side::Right => b.x + b.w - inset,
        }
    };
    let mut paths: Vec<Option<Vec<(f64, f64)>>> = vec![None; p.edges.len()];
    for (ri, r) in routes.iter().enumerate() {
        let (ys, yt) = (port[&(ri, true)], port[&(ri, false)]);
        let sx = side_x(r.from, r.out, ys);
        // The arrow's tip stops just short of the box.
        let tip = if r.inn == Side::Left { -2.0 } else { 2.0 };
        let tx = side_x(r.to, r.inn, yt) + tip;
        let mut pts = vec![(sx, ys)];
        match r.mid {
            Some(m) => {
                let x0 = track_x(r.gaps[0], track_x_rel[&(ri, 0)].1);
                let x1 = track_x(r.gaps[1], track_x_rel[&(ri, 1)].1);
                pts.extend([(x0, ys), (x0, m), (x1, m), (x1, yt)]);
            }
            None => {
                if let Some(&(g, slot)) = track_x_rel.get(&(ri, 0)) {
                    let x0 = track_x(g, slot);
                    pts.extend([(x0, ys), (x0, yt)]);
                }
            }
        }
        pts.push((tx, yt));
        paths[r.edge] = Some(pts);
    }
    // Labels: along their own edge, where they overlap no box and no other label, crossing as
    // few other edges as possible, near the middle of the edge.
    let body_h = rows * ROW_H;
    let legend_y = HEADER + body_h + 30.0;
    let height = legend_y + 70.0;
    let mut obstacles: Vec<Rect> = boxes.values().copied().collect();
    obstacles.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    for &x in &col_x {
        obstacles.push(Rect {
            x: x - PAD,
            y: 0.0,
            w: node_w + 2.0 * PAD,
            h: HEADER - 4.0,
        });
    }
    type Segment = (usize, (f64, f64), (f64, f64));
    let segments: Vec<Segment> = paths
        .iter()
        .enumerate()
        .filter_map(|(k, pts)| pts.as_ref().map(|pts| (k, pts)))
        .flat_map(|(k, pts)| pts.windows(2).map(move |w| (k, w[0], w[1])))
        .collect();
    // Everything a label must look at, by bands of height, so a big picture costs time in
    // proportion to its size: (band) -> indices.
    let band = |y: f64| (y / BAND).floor() as i64;
    let bands_of = |y0: f64, y1: f64| band(y0.min(y1) - 4.0)..=band(y0.max(y1) + 4.0);
    let mut seg_bands: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, (_, a, b)) in segments.iter().enumerate() {
        for k in bands_of(a.1, b.1) {
            seg_bands.entry(k).or_default().push(i);
        }
    }
    let mut obs_bands: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, o) in obstacles.iter().enumerate() {
        for k in bands_of(o.y, o.y + o.h) {
            obs_bands.entry(k).or_default().push(i);
        }
    }
    let mut placed_bands: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut labels: Vec<Option<(Rect, String)>> = vec![None; p.edges.len()];
    let mut placed: Vec<Rect> = Vec::new();
    let mut clean = true;
    for (k, e) in p.edges.iter().enumerate() {
        let Some(pts) = &paths[k] else { continue };
        let text = fit(&edge_label(e), 28);
        let (w, h) = (text_w(&text, 10.0, false) + 10.0, LABEL_H);
        let total: f64 = pts.windows(2).map(|s| dist(s[0], s[1])).sum();
        let mut best: Option<(f64, Rect)> = None;
        let mut fallback: Option<(f64, Rect)> = None;
        let mut along = 0.0;
        for s in pts.windows(2) {
            let (a, b) = (s[0], s[1]);
            let len = dist(a, b);
            let horizontal = (a.1 - b.1).abs() < 0.5;
            let room = if horizontal {
                w / 2.0 + 4.0
            } else {
                h / 2.0 + 4.0
            };
            let mut t = room;
            while t <= len - room + 0.01 {
                let (cx, cy) = (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
                let r = Rect {
                    x: cx - w / 2.0,
                    y: cy - h / 2.0,
                    w,
                    h,
                };
                let near = |m: &HashMap<i64, Vec<usize>>| -> Vec<usize> {
                    let mut v: Vec<usize> = bands_of(r.y, r.y + r.h)
                        .flat_map(|b| m.get(&b).into_iter().flatten().copied())
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                };
                let crossings = near(&seg_bands)
                    .into_iter()
                    .map(|i| segments[i])
                    .filter(|(o, s0, s1)| *o != k && r.crossed_by(*s0, *s1))
                    .count() as f64;
                let score = crossings * 1000.0
                    + ((along + t) / total - 0.5).abs() * 100.0
                    + if horizontal { 0.0 } else { 40.0 };
                let inside = r.x > 2.0
                    && r.x + r.w < width - 2.0
                    && r.y > 2.0
                    && r.y + r.h < legend_y - 20.0;
                let hits_box = near(&obs_bands)
                    .into_iter()
                    .any(|i| obstacles[i].overlaps(&r, 3.0));
                let hits_label = near(&placed_bands)
                    .into_iter()
                    .any(|i| placed[i].overlaps(&r, 2.0));
                if inside && !hits_box && !hits_label {
                    if best.is_none_or(|(b, _)| score < b) {
                        best = Some((score, r));
                    }
                } else if inside && !hits_box && fallback.is_none_or(|(b, _)| score < b) {
                    fallback = Some((score, r));
                }
                t += 6.0;
            }
            along += len;
        }
        let r = match best.or(fallback) {
            Some((_, r)) => r,
            None => {
                // An edge too short for its label: on its middle.
                let (a, b) = (pts[0], pts[pts.len() - 1]);
                Rect {
                    x: (a.0 + b.0) / 2.0 - w / 2.0,
                    y: (a.1 + b.1) / 2.0 - h / 2.0,
                    w,
                    h,
                }
            }
        };
        if best.is_none() {
            clean = false;
        }
        for b in bands_of(r.y, r.y + r.h) {
            placed_bands.entry(b).or_default().push(placed.len());
        }
        placed.push(r);
        labels[k] = Some((r, text));
    }
    Drawing {
        width,
        height,
        legend_y,
        col_x,
        body_h,
        node_w,
        boxes,
        paths,
        labels,
        clean,
    }
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Crossings when run `a` is on the track left of run `b` (each: the y of its horizontal on the
/// left and on the right of its track).
fn cost(a: (f64, f64), b: (f64, f64)) -> u32 {
    let within = |y: f64, p: f64, q: f64| y > p.min(q) + 0.5 && y < p.max(q) - 0.5;
    // a's horizontal on its right and b's on its left share the stretch between the tracks:
    // at one height they would run on top of each other.
    let collinear = if (a.1 - b.0).abs() < 3.0 { 5 } else { 0 };
    u32::from(within(b.0, a.0, a.1)) + u32::from(within(a.1, b.0, b.1)) + collinear
}

/// The left-to-right order of the runs in one gap (indices into `runs`): downward runs with the
/// lowest start nearest the left, upward ones the other way round, then adjacent swaps while
/// they cross less.
fn order_tracks(runs: &[(usize, usize, f64, f64)]) -> Vec<usize> {
    let mut best: Option<(u32, Vec<usize>)> = None;
    for down_first in [true, false] {
        let mut o: Vec<usize> = (0..runs.len()).collect();
        o.sort_by(|&i, &j| {
            let key = |k: usize| {
                let (l, r) = (runs[k].2, runs[k].3);
                let down = r >= l;
                let group = if down == down_first { 0 } else { 1 };
                (group, if down { -l } else { l })
            };
            let (a, b) = (key(i), key(j));
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(runs[i].0.cmp(&runs[j].0))
                .then(runs[i].1.cmp(&runs[j].1))
        });
        let lr = |k: usize| (runs[k].2, runs[k].3);
        // A few passes: enough for the pictures people read, bounded for huge ones.
        for _ in 0..runs.len().min(6) {
            let mut changed = false;
            for i in 0..o.len().saturating_sub(1) {
                let (a, b) = (lr(o[i]), lr(o[i + 1]));
                if cost(b, a) < cost(a, b) {
                    o.swap(i, i + 1);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let total: u32 = (0..o.len())
            .flat_map(|i| (i + 1..o.len()).map(move |j| (i, j)))
            .map(|(i, j)| cost(lr(o[i]), lr(o[j])))
            .sum();
        if best.as_ref().is_none_or(|(b, _)| total < *b) {
            best = Some((total, o));
        }
    }
    best.map(|b| b.1).unwrap_or_default()
}

/// An SVG path through `pts` with rounded corners.
fn path_d(pts: &[(f64, f64)]) -> String {
    let mut d = format!("M{},{}", f(pts[0].0), f(pts[0].1));
    for i in 1..pts.len() {
        let (p, q) = (pts[i - 1], pts[i]);
        if i + 1 < pts.len() {
            let n = pts[i + 1];
            let r = 7.0_f64.min(dist(p, q) / 2.0).min(dist(q, n) / 2.0);
            let toward = |from: (f64, f64), to: (f64, f64), by: f64| {
                let l = dist(from, to).max(1e-9);
                (
                    from.0 + (to.0 - from.0) * by / l,
                    from.1 + (to.1 - from.1) * by / l,
                )
            };
            let a = toward(q, p, r);
            let b = toward(q, n, r);
            let _ = write!(
                d,
                " L{},{} Q{},{} {},{}",
                f(a.0),
                f(a.1),
                f(q.0),
                f(q.1),
                f(b.0),
                f(b.1)
            );
        } else {
            let _ = write!(d, " L{},{}", f(q.0), f(q.1));
        }
    }
    d
}

pub fn render(p: &Posture) -> String {
    let cols = columns(p);
    let pos = layout(p, &cols);
    // Gaps widen until every label has a free place (a few steps; the last one is drawn).
    let mut dr = draw(p, &cols, &pos, 0.0);
    for step in 1..=4 {
        if dr.clean {
            break;
        }
        dr = draw(p, &cols, &pos, 60.0 * step as f64);
    }
    let (width, height, legend_y, body_h, node_w) =
        (dr.width, dr.height, dr.legend_y, dr.body_h, dr.node_w);
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
        let x = dr.col_x[i] - PAD;
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="10" fill="#f5f7fa" stroke="#9aa5b1" stroke-width="1"/>"##,
            f(x),
            f(HEADER - 34.0),
            f(node_w + 2.0 * PAD),
            f(body_h + 44.0)
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#334e68" text-anchor="middle"><title>{}</title>{}</text>"##,
            f(x + node_w / 2.0 + PAD),
            f(HEADER - 12.0),
            esc(title),
            esc(&fit(title, 34))
        );
    }
    // Edges first, under the boxes; labels last, over everything.
    let mut labels = String::new();
    for (k, e) in p.edges.iter().enumerate() {
        let Some(pts) = &dr.paths[k] else { continue };
        let dash = match (e.kind, e.broken) {
            (EdgeKind::BackupCopy, _) => r#" stroke-dasharray="7 4""#,
            (EdgeKind::Dependency, _) => r#" stroke-dasharray="2 3""#,
            _ => "",
        };
        let width = if e.broken { 3.0 } else { 1.8 };
        let _ = writeln!(
            s,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="{}"{dash} marker-end="url(#arrow-{})"><title>{}</title></path>"#,
            path_d(pts),
            color(e.verdict),
            f(width),
            e.verdict.as_str(),
            esc(&edge_title(e))
        );
        if let Some((r, text)) = &dr.labels[k] {
            let _ = writeln!(
                labels,
                r##"<g><title>{}</title><rect class="label" x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.95" stroke="{}" stroke-width="0.6"/><text x="{}" y="{}" font-size="10" fill="{}" text-anchor="middle">{}</text></g>"##,
                esc(&edge_title(e)),
                f(r.x),
                f(r.y),
                f(r.w),
                f(r.h),
                color(e.verdict),
                f(r.x + r.w / 2.0),
                f(r.y + 11.0),
                color(e.verdict),
                esc(text)
            );
        }
    }
    // Boxes.
    for (i, n) in p.nodes.iter().enumerate() {
        let Some(b) = dr.boxes.get(&i) else { continue };
        let (x, y) = (b.x, b.y);
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
            r#"<g><title>{}</title><rect class="box" x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}" stroke="{}" stroke-width="{}"{dash}/>"#,
            esc(&title),
            f(x),
            f(y),
            f(node_w),
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
            f(x + node_w / 2.0),
            f(y + 19.0),
            esc(&fit(&n.label, LABEL_MAX))
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="10" fill="#486581" text-anchor="middle">{}</text></g>"##,
            f(x + node_w / 2.0),
            f(y + 35.0),
            esc(&fit(&n.detail, LABEL_MAX + 8))
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
