//! Reporters: one file per output format. They see only the [`Report`].

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::findings::{Finding, Report};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets and a summary (default).
    Human,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// drlint's stable JSON report (docs/json-report.md).
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// A Markdown summary for a pull-request comment or job summary.
    Markdown,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Format as clap::ValueEnum>::from_str(s, true)
    }
}

/// Line/column range (1-based, columns in characters) of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn location(report: &Report, f: &Finding) -> Option<Location> {
    let (file, span) = (f.file?, f.span?);
    let (line, column) = report.line_col(file, span.start as usize);
    let (end_line, end_column) = report.line_col(file, span.end as usize);
    Some(Location {
        line,
        column,
        end_line,
        end_column,
    })
}

/// The file name for a finding, as given on the command line.
pub fn file_name<'r>(report: &'r Report, f: &Finding) -> Option<&'r str> {
    f.file.map(|i| report.model.file(i).name.as_str())
}

/// One-line summary used by several formats.
pub fn summary_line(report: &Report) -> String {
    use crate::rules::{Level, OutcomeKind};
    let e = report.count(Level::Error, OutcomeKind::Fail);
    let w = report.count(Level::Warning, OutcomeKind::Fail);
    let n = report.count(Level::Note, OutcomeKind::Fail);
    let u = report.undecided();
    let plural = |n: usize, s: &str| {
        if n == 1 {
            format!("{n} {s}")
        } else {
            format!("{n} {s}s")
        }
    };
    let mut s = format!(
        "{}, {}, {}, {} undecided in {} across {}",
        plural(e, "error"),
        plural(w, "warning"),
        plural(n, "note"),
        u,
        plural(report.model.resources.len(), "resource"),
        plural(report.model.files.len(), "file"),
    );
    if report.waived > 0 {
        s.push_str(&format!(" ({} waived)", report.waived));
    }
    s
}

/// The settings that shaped the run, so a wrong inference is visible.
pub fn context_lines(report: &Report) -> Vec<String> {
    let s = report.settings;
    let show = |v: &Option<String>, src: &str| match v {
        Some(v) => format!("{v} ({src})"),
        None => "unknown".to_string(),
    };
    vec![
        format!("profile: {}", s.profile.as_str()),
        format!(
            "environment suffix: {}",
            show(&s.env_suffix, &s.env_suffix_source)
        ),
        format!("primary region: {}", show(&s.primary, &s.primary_source)),
        format!("DR region: {}", show(&s.dr, &s.dr_source)),
    ]
}
