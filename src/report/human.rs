//! Human diagnostics: codespan-reporting snippets of the offending JSON, then a summary.
//! Sensitive values are masked in the snippets; very long lines (minified plans) are cut to a
//! window around the finding.

use super::{context_lines, summary_line};
use crate::findings::Report;
use crate::rules::{Level, OutcomeKind};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files;
use codespan_reporting::term::{self, termcolor::WriteColor};
use std::collections::HashMap;

/// Lines longer than this are shown as an excerpt around the finding.
const MAX_LINE: usize = 240;

pub fn render(report: &Report, w: &mut dyn WriteColor) -> std::io::Result<()> {
    let config = term::Config::default();
    let mut masks = Masks::default();
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
        // The diagnostic's one snippet: only the lines it shows are copied (and masked), so
        // that a plan of hundreds of megabytes is not copied once per report.
        let mut snippet = None;
        if let (Some(fi), Some(span), Some(loc)) = (f.file, f.span, f.location) {
            let src = report.model.file(fi);
            let text: &str = &src.text;
            let start = (span.start as usize).min(text.len());
            let end = (span.end as usize).min(text.len()).max(start);
            let (line_start, line_end) = report.line_index(fi).line_range(text, start);
            let label_text = if f.attribute.is_empty() {
                String::new()
            } else {
                f.attribute.clone()
            };
            let spans = masks.of(report, fi);
            let (s, e, shown) = if line_end - line_start > MAX_LINE {
                // Excerpt of a long line: its own pseudo-file named after the real position.
                let (line, col) = (loc.line, loc.column);
                let from = floor_char(text, start.saturating_sub(80).max(line_start));
                let to = floor_char(text, (start + 160).min(line_end).max(start));
                let s = start - from;
                let e = (end.min(to)).saturating_sub(from).max(s);
                let excerpt = Snippet::new(
                    format!("{}:{}:{} (excerpt)", src.name, line, col),
                    0,
                    mask(spans, from, &text[from..to]),
                );
                (s, e, excerpt)
            } else {
                // The whole lines from the label's start to its end, numbered as in the file.
                let (_, last_end) = report.line_index(fi).line_range(text, end);
                let to = (last_end + 1).min(text.len());
                let first_line = loc.line - 1;
                let lines = Snippet::new(
                    src.name.clone(),
                    first_line,
                    mask(spans, line_start, &text[line_start..to]),
                );
                (start - line_start, end - line_start, lines)
            };
            snippet = Some(shown);
            d = d.with_labels(vec![Label::primary((), s..e).with_message(label_text)]);
        }
        let mut notes = Vec::new();
        if let Some(r) = &f.resource {
            let region = f.region.unwrap_or("region unknown");
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
        let files = Snippets(snippet);
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

/// The sensitive spans of each input file, gathered once per file: sorted, and overlapping
/// spans merged, so that a snippet finds the ones it holds by binary search.
#[derive(Default)]
struct Masks(HashMap<usize, Vec<crate::value::Span>>);

impl Masks {
    fn of(&mut self, report: &Report, fi: usize) -> &[crate::value::Span] {
        self.0.entry(fi).or_insert_with(|| {
            let mut spans = Vec::new();
            for r in report.model.resources.iter().filter(|r| r.file == fi) {
                r.attrs.sensitive_spans(&mut spans);
            }
            spans.sort_unstable_by_key(|s| (s.start, s.end));
            let mut merged: Vec<crate::value::Span> = Vec::with_capacity(spans.len());
            for s in spans {
                match merged.last_mut() {
                    Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                    _ => merged.push(s),
                }
            }
            merged
        })
    }
}

/// Copies `text` (which starts at byte `offset` of its file) with every sensitive value (of
/// `spans`: sorted, disjoint) replaced by asterisks of the same length, so spans stay valid.
fn mask(spans: &[crate::value::Span], offset: usize, text: &str) -> String {
    let end = offset + text.len();
    let from = spans.partition_point(|s| (s.end as usize) <= offset);
    let mut bytes: Option<Vec<u8>> = None;
    for s in spans[from..]
        .iter()
        .take_while(|s| (s.start as usize) < end)
    {
        let (a, b) = (s.start as usize, s.end as usize);
        let bytes = bytes.get_or_insert_with(|| text.as_bytes().to_vec());
        for byte in &mut bytes[a.max(offset) - offset..b.min(end) - offset] {
            *byte = b'*';
        }
    }
    match bytes {
        None => text.to_string(),
        // Whole characters were replaced, so this is still UTF-8; be safe regardless.
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// What one diagnostic shows of an input: some whole lines of it, `first_line` lines into the
/// file (0-based), or an excerpt of a long line.
struct Snippet {
    name: String,
    first_line: usize,
    text: String,
    /// Where each line of `text` starts.
    starts: Vec<usize>,
}

impl Snippet {
    fn new(name: String, first_line: usize, text: String) -> Snippet {
        let starts = codespan_reporting::files::line_starts(&text).collect();
        Snippet {
            name,
            first_line,
            text,
            starts,
        }
    }
}

/// The snippet of a diagnostic as codespan's source files (one file, or none).
struct Snippets(Option<Snippet>);

impl Snippets {
    fn get(&self) -> Result<&Snippet, files::Error> {
        self.0.as_ref().ok_or(files::Error::FileMissing)
    }
}

impl<'a> files::Files<'a> for Snippets {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.get()?.name)
    }
    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.get()?.text)
    }
    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self.get()?.starts.partition_point(|&s| s <= byte_index) - 1)
    }
    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, files::Error> {
        Ok(self.get()?.first_line + line_index + 1)
    }
    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, files::Error> {
        let s = self.get()?;
        let start = *s.starts.get(line_index).ok_or(files::Error::LineTooLarge {
            given: line_index,
            max: s.starts.len() - 1,
        })?;
        let end = s
            .starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(s.text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Span;
    use codespan_reporting::files::Files;

    #[test]
    fn mask_covers_every_span_the_text_holds_and_nothing_else() {
        // Sorted and disjoint, as `Masks` leaves them; the text is bytes 10..30 of its file.
        let spans = [
            Span::new(2, 12),
            Span::new(15, 17),
            Span::new(28, 40),
            Span::new(50, 60),
        ];
        let text = "abcdefghijklmnopqrst";
        assert_eq!(mask(&spans, 10, text), "**cde**hijklmnopqr**");
        assert_eq!(mask(&spans, 40, "0123456789"), "0123456789");
        assert_eq!(mask(&spans, 40, "0123456789ab"), "0123456789**");
        assert_eq!(mask(&[], 0, "x"), "x");
    }

    #[test]
    fn snippets_number_lines_as_in_their_file() {
        let files = Snippets(Some(Snippet::new(
            "plan.json".into(),
            41,
            "  \"a\": 1,\n  \"b\": 2\n".into(),
        )));
        assert_eq!(files.name(()).unwrap(), "plan.json");
        assert_eq!(files.line_index((), 0).unwrap(), 0);
        assert_eq!(files.line_index((), 10).unwrap(), 1);
        assert_eq!(files.line_number((), 1).unwrap(), 43);
        assert_eq!(files.line_range((), 1).unwrap(), 10..19);
        assert!(files.line_range((), 3).is_err());
        assert!(Snippets(None).source(()).is_err());
    }
}
