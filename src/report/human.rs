//! Human diagnostics: codespan-reporting snippets of the offending JSON, then a summary.
//! Sensitive values are masked in the snippets; very long lines (minified plans) are cut to a
//! window around the finding.

use super::{context_lines, summary_line};
use crate::findings::Report;
use crate::rules::{Level, OutcomeKind};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor};
use std::collections::HashMap;

/// Lines longer than this are shown as an excerpt around the finding.
const MAX_LINE: usize = 240;

pub fn render(report: &Report, w: &mut dyn WriteColor) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut file_ids: HashMap<usize, usize> = HashMap::new();
    let config = term::Config::default();
    for f in &report.findings {
        // Labelled with the level it is counted under in the summary (an undecided check is
        // a note unless `--undecided fail`); the title says it is undecided.
        let severity = match f.level {
            Level::Error => codespan_reporting::diagnostic::Severity::Error,
            Level::Warning => codespan_reporting::diagnostic::Severity::Warning,
            Level::Note => codespan_reporting::diagnostic::Severity::Note,
        };
        let title = match f.outcome {
            OutcomeKind::Undecided => format!("undecided: {}", f.message),
            OutcomeKind::Fail => f.message.clone(),
        };
        let mut d = Diagnostic::new(severity)
            .with_code(format!("{} {}", f.rule.id, f.rule.name))
            .with_message(title);
        if let (Some(fi), Some(span)) = (f.file, f.span) {
            let src = report.model.file(fi);
            let (start, end) = (span.start as usize, (span.end as usize).min(src.text.len()));
            let (line_start, line_end) = report.line_index(fi).line_range(&src.text, start);
            let label_text = if f.attribute.is_empty() {
                String::new()
            } else {
                f.attribute.clone()
            };
            if line_end - line_start > MAX_LINE {
                // Excerpt of a long line: its own pseudo-file named after the real position.
                let (line, col) = report.line_col(fi, start);
                let from = floor_char(&src.text, start.saturating_sub(80).max(line_start));
                let to = floor_char(&src.text, (start + 160).min(line_end).max(start));
                let excerpt = mask(report, fi, from, &src.text[from..to]);
                let id = files.add(format!("{}:{}:{} (excerpt)", src.name, line, col), excerpt);
                let s = start - from;
                let e = (end.min(to)).saturating_sub(from).max(s);
                d = d.with_labels(vec![Label::primary(id, s..e).with_message(label_text)]);
            } else {
                let id = *file_ids
                    .entry(fi)
                    .or_insert_with(|| files.add(src.name.clone(), mask(report, fi, 0, &src.text)));
                d = d.with_labels(vec![
                    Label::primary(id, start..end).with_message(label_text),
                ]);
            }
        }
        let mut notes = Vec::new();
        if let Some(r) = &f.resource {
            let region = f.region.as_deref().unwrap_or("region unknown");
            let mut n = format!("resource: {r} ({region})");
            if let Some(cp) = &f.construct_path {
                n.push_str(&format!(", construct {cp}"));
            }
            notes.push(n);
        }
        if let Some(s) = &f.source {
            notes.push(format!("source: {} ({})", super::source_display(s), s.what));
        }
        notes.push(format!(
            "help: {} — run `drlint explain {}`",
            f.rule.summary(),
            f.rule.id
        ));
        d = d.with_notes(notes);
        term::emit_to_write_style(w, &config, &files, &d).map_err(std::io::Error::other)?;
    }
    for n in &report.notices {
        let place = n.file.map(|fi| {
            let src = report.model.file(fi);
            match n.span {
                Some(s) => {
                    let (l, c) = report.line_col(fi, s.start as usize);
                    format!("{}:{l}:{c}: ", src.name)
                }
                None => format!("{}: ", src.name),
            }
        });
        w.set_color(&termcolor_spec(Level::Warning))?;
        write!(w, "warning")?;
        w.reset()?;
        writeln!(w, ": {}{}", place.unwrap_or_default(), n.message)?;
    }
    let failed = report.failed();
    w.set_color(&termcolor_spec(if failed {
        Level::Error
    } else {
        Level::Note
    }))?;
    write!(w, "drlint")?;
    w.reset()?;
    writeln!(w, ": {}", summary_line(report))?;
    if let Some(b) = &report.baseline {
        writeln!(w, "  {}", crate::baseline::summary(b))?;
    }
    for l in context_lines(report) {
        writeln!(w, "  {l}")?;
    }
    Ok(())
}

fn termcolor_spec(level: Level) -> codespan_reporting::term::termcolor::ColorSpec {
    use codespan_reporting::term::termcolor::{Color, ColorSpec};
    let mut s = ColorSpec::new();
    s.set_bold(true).set_fg(Some(match level {
        Level::Error => Color::Red,
        Level::Warning => Color::Yellow,
        Level::Note => Color::Green,
    }));
    s
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Copies `text` (which starts at byte `offset` of file `fi`) with every sensitive value
/// replaced by asterisks of the same length, so spans stay valid.
fn mask(report: &Report, fi: usize, offset: usize, text: &str) -> String {
    let mut spans = Vec::new();
    for r in report.model.resources.iter().filter(|r| r.file == fi) {
        r.attrs.sensitive_spans(&mut spans);
    }
    if spans.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    let end = offset + bytes.len();
    for s in spans {
        let (a, b) = (s.start as usize, s.end as usize);
        if b <= offset || a >= end {
            continue;
        }
        for byte in &mut bytes[a.max(offset) - offset..b.min(end) - offset] {
            *byte = b'*';
        }
    }
    // Whole characters were replaced, so this is still UTF-8; be safe regardless.
    String::from_utf8_lossy(&bytes).into_owned()
}
