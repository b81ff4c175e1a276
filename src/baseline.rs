//! Baselines: adopt drlint on an existing stack and fail only on regressions.
//!
//! `drlint baseline create BASELINE FILE...` writes today's findings to FILE; `--baseline FILE`
//! leaves out every finding recorded there (matched by [`Finding::fingerprint`] and outcome,
//! each entry matching at most one finding) and lists the entries that no longer match as
//! notices. The file format is documented in `docs/baseline.md`.

use crate::findings::{Finding, Notice, Report};
use crate::rules::OutcomeKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The `format` field. The number is the major version: a reader refuses other majors; fields
/// are only ever added within one.
pub const FORMAT: &str = "drlint-baseline/1";
const FORMAT_PREFIX: &str = "drlint-baseline/";
const MAJOR: &str = "1";

/// A finding as recorded in a baseline file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub rule_id: String,
    /// Resource address (ARN for live findings); null for findings about the whole input.
    pub resource: Option<String>,
    pub attribute: String,
    pub outcome: Outcome,
    pub message: String,
    /// The identity used for matching.
    pub fingerprint: String,
}

/// `fail` or `undecided`: an accepted "cannot tell" does not hide a later definite failure.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Fail,
    Undecided,
}

impl From<OutcomeKind> for Outcome {
    fn from(k: OutcomeKind) -> Self {
        match k {
            OutcomeKind::Fail => Outcome::Fail,
            OutcomeKind::Undecided => Outcome::Undecided,
        }
    }
}

/// The whole file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct BaselineFile {
    pub format: String,
    pub drlint_version: String,
    /// The day the baseline was written (YYYY-MM-DD).
    pub created: String,
    /// The input files as named on the command line, for humans.
    pub inputs: Vec<String>,
    pub findings: Vec<Entry>,
}

/// A baseline read from disk, ready to apply.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The path as given, for messages.
    pub path: String,
    pub file: BaselineFile,
}

/// What applying a baseline did, for the reporters.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// The baseline file as given on the command line.
    pub path: String,
    /// Findings left out of the report because the baseline has them.
    pub not_reported: usize,
    /// Baseline entries that matched no finding of this run (fixed, renamed or removed).
    pub stale: Vec<Entry>,
}

fn entry(f: &Finding) -> Entry {
    Entry {
        rule_id: f.rule.id.to_string(),
        resource: f.resource.clone(),
        attribute: f.attribute.clone(),
        outcome: f.outcome.into(),
        message: f.message.clone(),
        fingerprint: f.fingerprint.clone(),
    }
}

/// The baseline of a report's findings, in a stable order (rule, resource, attribute, outcome,
/// fingerprint, message) so that re-creating it on an unchanged stack changes nothing but
/// `created`.
pub fn create(report: &Report) -> BaselineFile {
    let mut findings: Vec<Entry> = report.findings.iter().map(entry).collect();
    findings.sort_by(|a, b| {
        (
            &a.rule_id,
            &a.resource,
            &a.attribute,
            a.outcome,
            &a.fingerprint,
            &a.message,
        )
            .cmp(&(
                &b.rule_id,
                &b.resource,
                &b.attribute,
                b.outcome,
                &b.fingerprint,
                &b.message,
            ))
    });
    BaselineFile {
        format: FORMAT.to_string(),
        drlint_version: env!("CARGO_PKG_VERSION").to_string(),
        created: report.settings.today.clone(),
        inputs: report.model.files.iter().map(|f| f.name.clone()).collect(),
        findings,
    }
}

/// Writes `file` as pretty JSON with a final newline.
pub fn write(path: &Path, file: &BaselineFile) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(file).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}

const CREATE_HINT: &str =
    "create one with `drlint baseline create BASELINE FILE...` (docs/baseline.md)";

/// Reads and checks a baseline file. The error names the file, the place and what to do.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("{name}: baseline file not found; {CREATE_HINT}")
        } else {
            format!("{name}: cannot read the baseline file: {e}")
        }
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{name}:{}:{}: not a drlint baseline (invalid JSON: {}); {CREATE_HINT}",
            e.line(),
            e.column(),
            bare(&e)
        )
    })?;
    let Some(format) = value.get("format").and_then(|f| f.as_str()) else {
        return Err(format!(
            "{name}: not a drlint baseline (no \"format\": \"{FORMAT}\" field); {CREATE_HINT}"
        ));
    };
    match format.strip_prefix(FORMAT_PREFIX) {
        None => {
            return Err(format!(
                "{name}: not a drlint baseline (format is \"{format}\", expected \"{FORMAT}\"); {CREATE_HINT}"
            ));
        }
        Some(v) if v != MAJOR => {
            let by = value
                .get("drlint_version")
                .and_then(|v| v.as_str())
                .map(|v| format!(" by drlint {v}"))
                .unwrap_or_default();
            return Err(format!(
                "{name}: baseline format \"{format}\" (written{by}) is not supported: this drlint {} reads \"{FORMAT}\"; re-create the baseline with this drlint (`drlint baseline create`) or use the drlint that wrote it",
                env!("CARGO_PKG_VERSION")
            ));
        }
        Some(_) => {}
    }
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{name}:{}:{}: invalid drlint baseline: {}; re-create it with `drlint baseline create`",
            e.line(),
            e.column(),
            bare(&e)
        )
    })?;
    Ok(Baseline { path: name, file })
}

/// serde_json's message without its " at line L column C" (the place is printed first).
fn bare(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    s.strip_suffix(&place).map(str::to_string).unwrap_or(s)
}

/// Removes from `report` the findings the baseline has (each entry matches at most one
/// finding with its fingerprint and outcome), records how many, and adds a notice for every
/// entry that matched nothing.
pub fn apply(report: &mut Report, baseline: &Baseline) {
    let mut left: HashMap<(String, Outcome), usize> = HashMap::new();
    for e in &baseline.file.findings {
        *left.entry((e.fingerprint.clone(), e.outcome)).or_default() += 1;
    }
    let before = report.findings.len();
    report.findings.retain(|f| {
        match left.get_mut(&(f.fingerprint.clone(), Outcome::from(f.outcome))) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    let not_reported = before - report.findings.len();
    // Of the entries sharing a key, the last ones are the unmatched ones.
    let mut stale = Vec::new();
    for e in baseline.file.findings.iter().rev() {
        if let Some(n) = left.get_mut(&(e.fingerprint.clone(), e.outcome))
            && *n > 0
        {
            *n -= 1;
            stale.push(e.clone());
        }
    }
    stale.reverse();
    for e in &stale {
        report.notices.push(Notice {
            file: None,
            span: None,
            message: stale_message(&baseline.path, e),
        });
    }
    report.baseline = Some(Applied {
        path: baseline.path.clone(),
        not_reported,
        stale,
    });
}

fn stale_message(path: &str, e: &Entry) -> String {
    let mut what = e.rule_id.clone();
    if let Some(r) = &e.resource {
        what.push_str(&format!(" on {r}"));
    }
    if !e.attribute.is_empty() {
        what.push_str(&format!(" ({})", e.attribute));
    }
    if e.outcome == Outcome::Undecided {
        what.push_str(" [undecided]");
    }
    format!(
        "{path}: baseline entry no longer matches (fixed, renamed or removed): {what}: {}; re-create the baseline to drop it",
        e.message
    )
}

/// "2 findings in the baseline (b.json) were not reported; 1 baseline entry no longer matches"
pub fn summary(a: &Applied) -> String {
    let mut s = format!(
        "{} in the baseline ({}) {} not reported",
        plural(a.not_reported, "finding"),
        a.path,
        if a.not_reported == 1 { "was" } else { "were" }
    );
    if !a.stale.is_empty() {
        s.push_str(&format!(
            "; {} no longer {}",
            plural(a.stale.len(), "baseline entry"),
            if a.stale.len() == 1 {
                "matches"
            } else {
                "match"
            }
        ));
    }
    s
}

fn plural(n: usize, s: &str) -> String {
    if n == 1 {
        format!("{n} {s}")
    } else if let Some(stem) = s.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_and_plurals() {
        let mut a = Applied {
            path: "b.json".into(),
            not_reported: 1,
            stale: vec![],
        };
        assert_eq!(
            summary(&a),
            "1 finding in the baseline (b.json) was not reported"
        );
        a.not_reported = 3;
        let e = Entry {
            rule_id: "DR401".into(),
            resource: Some("x".into()),
            attribute: "rule".into(),
            outcome: Outcome::Fail,
            message: "m".into(),
            fingerprint: "f".into(),
        };
        a.stale = vec![e.clone(), e];
        assert_eq!(
            summary(&a),
            "3 findings in the baseline (b.json) were not reported; 2 baseline entries no longer match"
        );
    }
}
