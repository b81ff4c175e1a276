//! The posture page as text: `human` (the terminal) and `markdown` (a pull-request comment or
//! job summary, with the picture as a Mermaid flowchart). Both render only a [`Posture`].

use super::{Edge, EdgeKind, FindingRef, Node, NodeKind, Posture, RegionLoss, Verdict};
use crate::rules::{OutcomeKind, human_duration};
use std::io::Write;

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Warning => "WARNING",
        Verdict::Fail => "FAIL",
    }
}

fn md_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "✅ ok",
        Verdict::Warning => "⚠️ warning",
        Verdict::Fail => "❌ fail",
    }
}

fn finding_line(f: &FindingRef) -> String {
    let kind = match f.outcome {
        OutcomeKind::Fail => f.level.as_str().to_string(),
        OutcomeKind::Undecided => "undecided".to_string(),
    };
    let at = match (&f.resource, f.attribute.is_empty()) {
        (Some(r), false) => format!(" [{r} {}]", f.attribute),
        (Some(r), true) => format!(" [{r}]"),
        (None, _) => String::new(),
    };
    let effect = if f.breaks { " (breaks the path)" } else { "" };
    format!("{} {kind}{effect}: {}{at}", f.rule_id, f.message)
}

fn region_title(p: &Posture, region: &str) -> String {
    match p.regions.iter().find(|r| r.name == region) {
        Some(r) if r.role == "primary" => format!("{region} (primary)"),
        Some(r) if r.role == "dr" => format!("{region} (DR)"),
        _ => region.to_string(),
    }
}

fn ttl_text(t: Option<u64>) -> String {
    t.map_or_else(|| "alias (the target's TTL)".to_string(), human_duration)
}

/// The objectives the estimates are compared with.
fn objectives_line(p: &Posture) -> String {
    format!(
        "objectives: RPO {}, RTO {}",
        human_duration(p.rpo_objective_seconds),
        human_duration(p.rto_objective_seconds)
    )
}

pub fn render_human(p: &Posture, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        w,
        "drlint posture: {} region{}, {} data store{}, {} entry point{}",
        p.regions.len(),
        if p.regions.len() == 1 { "" } else { "s" },
        p.stores.len(),
        if p.stores.len() == 1 { "" } else { "s" },
        p.entry_points.len(),
        if p.entry_points.len() == 1 { "" } else { "s" }
    )?;
    writeln!(w, "{}", objectives_line(p))?;
    writeln!(w, "\nRegions")?;
    if p.regions.is_empty() {
        writeln!(w, "  none known (no resource has a known region)")?;
    }
    for r in &p.regions {
        writeln!(
            w,
            "  {:<14} {:<8} {} resource{}; {}",
            r.name,
            r.role,
            r.resources,
            if r.resources == 1 { "" } else { "s" },
            r.source
        )?;
    }
    writeln!(w, "\nData stores")?;
    if p.stores.is_empty() {
        writeln!(w, "  none")?;
    }
    for s in &p.stores {
        writeln!(
            w,
            "  {} `{}` ({})  {}",
            s.kind,
            s.name,
            s.resource,
            mark(s.verdict)
        )?;
        writeln!(w, "    regions:   {}", s.regions.join(", "))?;
        writeln!(w, "    mechanism: {}", s.mechanism)?;
        writeln!(
            w,
            "    RPO:       worst case {}; typical {}",
            s.rpo_worst.text, s.rpo_typical.text
        )?;
        for f in &s.findings {
            writeln!(w, "    - {}", finding_line(f))?;
        }
    }
    writeln!(w, "\nEntry points")?;
    if p.entry_points.is_empty() {
        writeln!(w, "  none (no Route 53 record set with a routing policy)")?;
    }
    for e in &p.entry_points {
        writeln!(w, "  {} ({})  {}", e.name, e.routing, mark(e.verdict))?;
        for r in &e.routes {
            writeln!(
                w,
                "    {:<9} -> {} `{}` ({}); health check {}; TTL {}  {}",
                r.role,
                r.target_kind,
                r.target,
                r.target_region.as_deref().unwrap_or("region unknown"),
                r.health_check.as_deref().unwrap_or("none"),
                ttl_text(r.ttl_seconds),
                mark(r.verdict)
            )?;
        }
        writeln!(
            w,
            "    detection: {}; TTL: {}; RTO: {}",
            e.detection.text, e.ttl.text, e.rto.text
        )?;
        for f in &e.findings {
            writeln!(w, "    - {}", finding_line(f))?;
        }
    }
    for l in &p.region_loss {
        writeln!(w, "\nIf {} is lost", region_title(p, &l.region))?;
        loss_lists(l, w, "  ", false)?;
    }
    if !p.other_findings.is_empty() {
        writeln!(w, "\nOther DR findings")?;
        for f in &p.other_findings {
            writeln!(w, "  - {}", finding_line(f))?;
        }
    }
    Ok(())
}

fn loss_lists(l: &RegionLoss, w: &mut dyn Write, indent: &str, md: bool) -> std::io::Result<()> {
    let esc = |s: &str| if md { md_text(s) } else { s.to_string() };
    for (title, items) in [
        ("keeps serving", &l.keeps_serving),
        ("breaks", &l.breaks),
        ("cannot tell", &l.undecided),
    ] {
        if items.is_empty() && title == "cannot tell" {
            continue;
        }
        if md {
            writeln!(w, "{indent}**{title}:**\n")?;
        } else {
            writeln!(w, "{indent}{title}:")?;
        }
        if items.is_empty() {
            if md {
                writeln!(w, "{indent}- nothing")?;
            } else {
                writeln!(w, "{indent}  - nothing")?;
            }
        }
        for i in items {
            let name = esc(&i.name);
            if md {
                writeln!(w, "{indent}- {name}: {}", esc(&i.why))?;
            } else {
                writeln!(w, "{indent}  - {name}: {}", i.why)?;
            }
        }
        if md {
            writeln!(w)?;
        }
    }
    Ok(())
}

/// Text in a Markdown paragraph or list item: no HTML, no table breaks.
fn md_text(s: &str) -> String {
    s.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

fn cell(s: &str) -> String {
    md_text(s).replace('|', "\\|")
}

pub fn render_markdown(p: &Posture, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "## drlint — DR posture\n")?;
    writeln!(w, "{}\n", md_text(&objectives_line(p)))?;
    writeln!(w, "### Regions\n")?;
    writeln!(w, "| region | role | resources | how it was found |")?;
    writeln!(w, "|---|---|---|---|")?;
    for r in &p.regions {
        writeln!(
            w,
            "| {} | {} | {} | {} |",
            r.name,
            r.role,
            r.resources,
            cell(&r.source)
        )?;
    }
    writeln!(w, "\n### Data stores\n")?;
    if p.stores.is_empty() {
        writeln!(w, "None.")?;
    } else {
        writeln!(
            w,
            "| store | regions | mechanism | worst-case RPO | typical RPO | verdict |"
        )?;
        writeln!(w, "|---|---|---|---|---|---|")?;
        for s in &p.stores {
            writeln!(
                w,
                "| {} `{}` | {} | {} | {} | {} | {} |",
                s.kind,
                cell(&s.name),
                s.regions.join(", "),
                cell(&s.mechanism),
                cell(&s.rpo_worst.text),
                cell(&s.rpo_typical.text),
                md_mark(s.verdict)
            )?;
        }
    }
    writeln!(w, "\n### Entry points\n")?;
    if p.entry_points.is_empty() {
        writeln!(w, "None (no Route 53 record set with a routing policy).")?;
    } else {
        writeln!(
            w,
            "| entry point | failover path | health checks | detection | TTL | RTO estimate | verdict |"
        )?;
        writeln!(w, "|---|---|---|---|---|---|---|")?;
        for e in &p.entry_points {
            let path: Vec<String> = e
                .routes
                .iter()
                .map(|r| {
                    format!(
                        "{} → {} `{}` ({})",
                        r.role,
                        cell(&r.target_kind),
                        cell(&r.target),
                        r.target_region.as_deref().unwrap_or("region unknown")
                    )
                })
                .collect();
            let hcs: Vec<String> = e
                .routes
                .iter()
                .map(|r| {
                    format!(
                        "{}: {}",
                        r.role,
                        r.health_check
                            .as_deref()
                            .map_or("none".into(), |h| format!("`{h}`"))
                    )
                })
                .collect();
            writeln!(
                w,
                "| `{}` ({}) | {} | {} | {} | {} | {} | {} |",
                cell(&e.name),
                e.routing,
                path.join("<br>"),
                hcs.join("<br>"),
                cell(&e.detection.text),
                cell(&e.ttl.text),
                cell(&e.rto.text),
                md_mark(e.verdict)
            )?;
        }
    }
    writeln!(w, "\n### Region-loss simulation\n")?;
    for l in &p.region_loss {
        writeln!(w, "#### If {} is lost\n", region_title(p, &l.region))?;
        loss_lists(l, w, "", true)?;
    }
    writeln!(w, "### Picture\n")?;
    let chart = mermaid(p);
    if chart.len() > MERMAID_MAX_TEXT {
        writeln!(
            w,
            "The picture has {} boxes and {} edges, more than GitHub's Mermaid renders ({} characters, its limit is {MERMAID_MAX_TEXT}): write it as SVG with `--svg FILE`.\n",
            p.nodes.len(),
            p.edges.len(),
            chart.len()
        )?;
    } else {
        writeln!(w, "```mermaid")?;
        write!(w, "{chart}")?;
        writeln!(w, "```\n")?;
    }
    let all: Vec<&FindingRef> = p
        .stores
        .iter()
        .flat_map(|s| &s.findings)
        .chain(p.entry_points.iter().flat_map(|e| &e.findings))
        .chain(&p.other_findings)
        .collect();
    if !all.is_empty() {
        writeln!(w, "### Findings behind the verdicts\n")?;
        let mut seen = std::collections::HashSet::new();
        for f in all {
            let line = finding_line(f);
            if seen.insert(line.clone()) {
                writeln!(w, "- {}", md_text(&line))?;
            }
        }
    }
    Ok(())
}

/// Mermaid's default `maxTextSize` (GitHub renders with it): a longer diagram shows only an
/// error, so the Markdown says where the picture is instead.
pub const MERMAID_MAX_TEXT: usize = 50_000;

/// Text inside a quoted Mermaid label: entity codes for what Mermaid or HTML would read.
fn mm(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => o.push_str("#35;"),
            '"' => o.push_str("#quot;"),
            '<' => o.push_str("#lt;"),
            '>' => o.push_str("#gt;"),
            '&' => o.push_str("#amp;"),
            '`' => o.push_str("#96;"),
            '|' => o.push_str("#124;"),
            '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

pub const OK_COLOR: &str = "#2e7d32";
pub const WARN_COLOR: &str = "#e69500";
pub const FAIL_COLOR: &str = "#c62828";

pub fn color(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => OK_COLOR,
        Verdict::Warning => WARN_COLOR,
        Verdict::Fail => FAIL_COLOR,
    }
}

/// The columns of the picture, in order: Route 53 (global), the regions, then nodes outside
/// the input or of unknown region. (key, title)
pub fn columns(p: &Posture) -> Vec<(String, String)> {
    let mut cols = Vec::new();
    if p.nodes.iter().any(|n| n.kind == NodeKind::Entry) {
        cols.push(("global".to_string(), "Route 53 (global)".to_string()));
    }
    for r in &p.regions {
        if p.nodes.iter().any(|n| n.region.as_deref() == Some(&r.name)) {
            cols.push((r.name.clone(), region_title(p, &r.name)));
        }
    }
    for n in &p.nodes {
        if let Some(g) = &n.region
            && !cols.iter().any(|c| &c.0 == g)
        {
            cols.push((g.clone(), g.clone()));
        }
    }
    if p.nodes
        .iter()
        .any(|n| n.kind != NodeKind::Entry && n.region.is_none())
    {
        cols.push((
            "unknown".to_string(),
            "outside the input / region unknown".to_string(),
        ));
    }
    cols
}

pub fn column_of(n: &Node) -> &str {
    match (&n.region, n.kind) {
        (_, NodeKind::Entry) => "global",
        (Some(g), _) => g,
        (None, _) => "unknown",
    }
}

pub fn edge_label(e: &Edge) -> String {
    if e.broken {
        format!("✗ {}", e.label)
    } else {
        e.label.clone()
    }
}

/// The picture as a Mermaid flowchart: a subgraph per region, links coloured by verdict.
pub fn mermaid(p: &Posture) -> String {
    let mut s = String::from("flowchart LR\n");
    for (i, (key, title)) in columns(p).iter().enumerate() {
        s.push_str(&format!("  subgraph c{i}[\"{}\"]\n", mm(title)));
        for n in p.nodes.iter().filter(|n| column_of(n) == key) {
            let (open, close) = match n.kind {
                NodeKind::Entry => ("([", "])"),
                NodeKind::Vault => ("[(", ")]"),
                NodeKind::Missing => ("[/", "/]"),
                _ => ("(", ")"),
            };
            s.push_str(&format!(
                "    {}{open}\"{}<br/><small>{}</small>\"{close}\n",
                n.id,
                mm(&n.label),
                mm(&n.detail)
            ));
        }
        s.push_str("  end\n");
    }
    for e in &p.edges {
        let arrow = match (e.kind, e.broken) {
            (_, true) => "-.-x",
            (EdgeKind::BackupCopy | EdgeKind::Dependency, false) => "-.->",
            _ => "-->",
        };
        s.push_str(&format!(
            "  {} {arrow}|\"{}\"| {}\n",
            e.from,
            mm(&edge_label(e)),
            e.to
        ));
    }
    for (i, e) in p.edges.iter().enumerate() {
        let width = if e.broken { 3 } else { 2 };
        s.push_str(&format!(
            "  linkStyle {i} stroke:{},stroke-width:{width}px\n",
            color(e.verdict)
        ));
    }
    s.push_str("  classDef ok fill:#e8f5e9,stroke:#2e7d32\n");
    s.push_str("  classDef warning fill:#fff4dc,stroke:#e69500\n");
    s.push_str("  classDef fail fill:#fdecea,stroke:#c62828\n");
    for v in [Verdict::Ok, Verdict::Warning, Verdict::Fail] {
        let ids: Vec<&str> = p
            .nodes
            .iter()
            .filter(|n| n.verdict == v)
            .map(|n| n.id.as_str())
            .collect();
        if !ids.is_empty() {
            s.push_str(&format!("  class {} {}\n", ids.join(","), v.as_str()));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::mm;

    #[test]
    fn mermaid_labels_escape_what_mermaid_reads() {
        assert_eq!(mm("a\"b<c>|`#&"), "a#quot;b#lt;c#gt;#124;#96;#35;#amp;");
    }
}
