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

/// `path:line:column` (or `path:line`) of a finding's place in the user's sources.
pub fn source_display(s: &crate::model::SourceRef) -> String {
    match s.column {
        Some(c) => format!("{}:{}:{c}", s.path, s.line),
        None => format!("{}:{}", s.path, s.line),
    }
}

/// `name:line:column` of a finding's position in its input file (the plan, the cdk.tf.json).
pub fn input_display(report: &Report, f: &Finding) -> Option<String> {
    let name = file_name(report, f)?;
    Some(match location(report, f) {
        Some(l) => format!("{name}:{}:{}", l.line, l.column),
        None => name.to_string(),
    })
}

/// The file name for a finding, as given on the command line.
pub fn file_name<'r>(report: &'r Report, f: &Finding) -> Option<&'r str> {
    f.file.map(|i| report.model.file(i).name.as_str())
}

/// One-line summary used by several formats. Findings are counted by the level they are
/// labelled with (an undecided check is a note, or an error with `--undecided fail`); how many
/// of them are undecided follows in parentheses.
pub fn summary_line(report: &Report) -> String {
    use crate::rules::Level;
    let e = report.at_level(Level::Error);
    let w = report.at_level(Level::Warning);
    let n = report.at_level(Level::Note);
    let u = report.undecided();
    let plural = |n: usize, s: &str| {
        if n == 1 {
            format!("{n} {s}")
        } else {
            format!("{n} {s}s")
        }
    };
    let mut s = format!(
        "{}, {}, {} in {} across {}",
        plural(e, "error"),
        plural(w, "warning"),
        plural(n, "note"),
        plural(report.model.resources.len(), "resource"),
        plural(report.model.files.len(), "file"),
    );
    let mut extra = Vec::new();
    if u > 0 {
        extra.push(format!("{u} undecided"));
    }
    if report.waived > 0 {
        extra.push(format!("{} waived", report.waived));
    }
    if let Some(b) = report.baseline.as_ref().filter(|b| b.not_reported > 0) {
        extra.push(format!("{} baselined", b.not_reported));
    }
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
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
    let mut lines = vec![
        format!(
            "configuration: {}",
            s.config_file
                .as_deref()
                .unwrap_or("none (no drlint.toml found)")
        ),
        format!("profile: {} ({})", s.profile.as_str(), s.profile_source),
        format!(
            "environment suffix: {}",
            show(&s.env_suffix, &s.env_suffix_source)
        ),
        format!("primary region: {}", show(&s.primary, &s.primary_source)),
        format!("DR region: {}", show(&s.dr, &s.dr_source)),
    ];
    lines.extend(report.model.source_summary.iter().cloned());
    if !s.disabled_rules.is_empty() {
        let enabled: Vec<&str> = crate::rules::ALL
            .iter()
            .map(|r| r.id)
            .filter(|id| !s.disabled_rules.iter().any(|d| d == id))
            .collect();
        // Name the shorter list.
        lines.push(if enabled.len() < s.disabled_rules.len() {
            format!(
                "rules: only {} of {} run (--select/--ignore/level = \"off\"): {}",
                enabled.len(),
                crate::rules::ALL.len(),
                enabled.join(", ")
            )
        } else {
            format!(
                "rules not run (--select/--ignore/level = \"off\"): {}",
                s.disabled_rules.join(", ")
            )
        });
    }
    lines
}
