//! GitHub Actions workflow commands (`::error file=…,line=…::message`).

use super::{RootPath, SourceRoot, file_name, input_display, summary_line};
use crate::findings::Report;
use crate::rules::{Level, OutcomeKind};
use std::io::Write;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The `file=` of a finding's input: relative to the root; None for in-memory live documents,
/// unnamed standard input and files outside the root (those say why in `outside`).
fn annotation_path(
    report: &Report,
    f: &crate::findings::Finding,
    root: &SourceRoot,
    outside: &mut Vec<String>,
) -> Option<String> {
    // `drlint live` documents held in memory are not files an annotation could point at.
    let n = file_name(report, f).filter(|n| !n.starts_with(crate::input::LIVE_PREFIX))?;
    if n == crate::input::STDIN_NAME {
        return None; // no file to annotate: the annotation goes on the run
    }
    match root.relative(n) {
        RootPath::Inside(rel) => Some(rel),
        RootPath::Outside { why, .. } => {
            if !outside.contains(&why) {
                outside.push(why);
            }
            None
        }
    }
}

/// Annotation paths are relative to the repository root, as SARIF URIs are ([`SourceRoot`]):
/// GitHub places `file=` annotations against the checkout, not the working directory.
pub fn render(report: &Report, root: &SourceRoot, w: &mut dyn Write) -> std::io::Result<()> {
    let mut outside = Vec::new();
    let mut relative: std::collections::HashMap<usize, Option<String>> =
        std::collections::HashMap::new();
    for f in &report.findings {
        // The annotation kind is the level the summary counts the finding under.
        let cmd = match f.level {
            Level::Note => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let mut props = Vec::new();
        // Worked out once per file (it canonicalizes the path).
        let name = match f.file {
            Some(i) => relative
                .entry(i)
                .or_insert_with(|| annotation_path(report, f, root, &mut outside))
                .clone(),
            None => None,
        };
        if let Some(s) = &f.source {
            // On the user's sources (the `.tf` attribute, the CDKTF program line).
            props.push(format!("file={}", escape_property(&s.path)));
            props.push(format!("line={}", s.line));
            if let Some(c) = s.column {
                props.push(format!("col={c}"));
            }
            props.push(format!("endLine={}", s.end_line));
            if let Some(c) = s.end_column.filter(|_| s.end_line == s.line) {
                props.push(format!("endColumn={c}"));
            }
        } else if let Some(name) = &name {
            props.push(format!("file={}", escape_property(name)));
        }
        if let Some(l) = f.location.filter(|_| name.is_some() && f.source.is_none()) {
            props.push(format!("line={}", l.line));
            props.push(format!("col={}", l.column));
            props.push(format!("endLine={}", l.end_line));
            if l.end_line == l.line {
                props.push(format!("endColumn={}", l.end_column));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", f.rule.id, f.rule.name))
        ));
        let prefix = if f.outcome == OutcomeKind::Undecided {
            "undecided: "
        } else {
            ""
        };
        let mut res = f
            .resource
            .as_deref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        if let Some(c) = &f.construct_path {
            res.push_str(&format!(" (construct {c})"));
        }
        if f.source.is_some()
            && let Some(at) = input_display(report, f)
        {
            res.push_str(&format!(" (in {at})"));
        }
        writeln!(
            w,
            "::{cmd} {}::{}",
            props.join(","),
            escape_data(&format!("{prefix}{}{res}", f.message))
        )?;
    }
    for n in report.notices.iter().map(|n| &n.message).chain(&outside) {
        writeln!(w, "::warning title=drlint::{}", escape_data(n))?;
    }
    writeln!(w, "drlint: {}", summary_line(report))?;
    Ok(())
}
