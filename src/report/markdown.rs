//! A Markdown report for a pull-request comment or a job summary (`$GITHUB_STEP_SUMMARY`).

use super::{context_lines, file_name, location, summary_line};
use crate::findings::Report;
use crate::rules::OutcomeKind;
use std::io::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
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
            let loc = match (file_name(report, f), location(report, f)) {
                (Some(n), Some(l)) => format!("`{}:{}:{}`", n, l.line, l.column),
                (Some(n), None) => format!("`{n}`"),
                _ => String::new(),
            };
            writeln!(
                w,
                "| {} | [{}]({}) {} | `{}` | `{}` | {} | {} |",
                f.level.as_str(),
                f.rule.id,
                f.rule.help_uri(),
                f.rule.name,
                cell(f.resource.as_deref().unwrap_or("-")),
                cell(&f.attribute),
                cell(&f.message),
                loc
            )?;
        }
        writeln!(w)?;
    }
    if !report.notices.is_empty() {
        writeln!(w, "### Notices\n")?;
        for n in &report.notices {
            writeln!(w, "- {}", cell(&n.message))?;
        }
    }
    Ok(())
}
