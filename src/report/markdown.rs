//! A Markdown report for a pull-request comment or a job summary (`$GITHUB_STEP_SUMMARY`), with
//! the picture of the DR system (the posture's Mermaid flowchart) in a collapsed block.

use super::{context_lines, file_name, input_display, source_display, summary_line};
use crate::findings::Report;
use crate::posture::Posture;
use crate::posture::text::MERMAID_MAX_TEXT;
use crate::rules::OutcomeKind;
use std::io::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report; `posture` (computed from the same findings) adds the picture of the DR system
/// after the tables, when it has anything to draw.
pub fn render(
    report: &Report,
    posture: Option<&Posture>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(w, "## drlint — DR policy report\n")?;
    writeln!(w, "**{}**\n", summary_line(report))?;
    if let Some(b) = &report.baseline {
        writeln!(w, "{}\n", cell(&crate::baseline::summary(b)))?;
    }
    for l in context_lines(report) {
        writeln!(w, "- {l}")?;
    }
    writeln!(w)?;
    for (title, kind) in [
        ("Findings", OutcomeKind::Fail),
        ("Undecided", OutcomeKind::Undecided),
    ] {
        let rows: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.outcome == kind)
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(w, "### {title}\n")?;
        writeln!(
            w,
            "| level | rule | resource | attribute | message | location |"
        )?;
        writeln!(w, "|---|---|---|---|---|---|")?;
        for f in rows {
            let loc = match (&f.source, file_name(report, f), f.location) {
                (Some(s), ..) => match input_display(report, f) {
                    Some(at) => format!("`{}` (in `{at}`)", source_display(s)),
                    None => format!("`{}`", source_display(s)),
                },
                (None, Some(n), Some(l)) => format!("`{}:{}:{}`", n, l.line, l.column),
                (None, Some(n), None) => format!("`{n}`"),
                _ => String::new(),
            };
            let resource = match (&f.resource, &f.construct_path) {
                (Some(r), Some(c)) => format!("`{}` (construct `{}`)", cell(r), cell(c)),
                (Some(r), None) => format!("`{}`", cell(r)),
                (None, _) => "`-`".to_string(),
            };
            writeln!(
                w,
                "| {} | [{}]({}) {} | {} | `{}` | {} | {} |",
                f.level.as_str(),
                f.rule.id,
                f.rule.help_uri(),
                f.rule.name,
                resource,
                cell(&f.attribute),
                cell(&f.message),
                loc
            )?;
        }
        writeln!(w)?;
    }
    if let Some(p) = posture.filter(|p| !p.nodes.is_empty()) {
        picture(p, w)?;
    }
    if !report.notices.is_empty() {
        writeln!(w, "### Notices\n")?;
        for n in &report.notices {
            writeln!(w, "- {}", cell(&n.message))?;
        }
    }
    Ok(())
}

/// The picture as a collapsed block: GitHub renders the flowchart when it is opened.
fn picture(p: &Posture, w: &mut dyn Write) -> std::io::Result<()> {
    let chart = crate::posture::text::mermaid(p);
    writeln!(w, "<details><summary>DR picture</summary>\n")?;
    if chart.len() > MERMAID_MAX_TEXT {
        writeln!(
            w,
            "The picture has {} boxes and {} edges, more than GitHub's Mermaid renders ({} characters, its limit is {MERMAID_MAX_TEXT}): write it as SVG with `--report svg=FILE`.\n",
            p.nodes.len(),
            p.edges.len(),
            chart.len()
        )?;
    } else {
        writeln!(
            w,
            "Regions as columns, data stores, backup vaults and entry points as boxes, edges coloured by the rules' verdicts (✗: broken when a region is lost). `drlint posture` shows the tables and the region-loss simulation behind it.\n"
        )?;
        writeln!(w, "```mermaid")?;
        write!(w, "{chart}")?;
        writeln!(w, "```\n")?;
    }
    writeln!(w, "</details>\n")
}
