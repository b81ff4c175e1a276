//! drlint's JSON report. The schema is documented in `docs/json-report.md` and versioned by the
//! `schema` field; fields are only ever added within a version.

use super::file_name;
use crate::findings::Report;
use crate::model::SourceKind;
use crate::rules::{Level, OutcomeKind};
use serde::Serialize;
use std::io::Write;

pub const SCHEMA: &str = "drlint-report/1";

#[derive(Serialize)]
struct JsonReport<'r, 'm, 'a> {
    schema: &'static str,
    tool: Tool,
    settings: JsonSettings<'r>,
    inputs: Vec<Input<'r>>,
    summary: Summary,
    results: Results<'r, 'm, 'a>,
    notices: Vec<JsonNotice<'r>>,
    /// Only with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonBaseline<'r>>,
}

#[derive(Serialize)]
struct JsonBaseline<'r> {
    file: &'r str,
    not_reported: usize,
    stale: &'r [crate::baseline::Entry],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSettings<'r> {
    config_file: Option<&'r str>,
    profile: &'static str,
    profile_source: &'r str,
    environment_suffix: Option<&'r str>,
    environment_suffix_source: &'r str,
    primary_region: Option<&'r str>,
    primary_region_source: &'r str,
    dr_region: Option<&'r str>,
    dr_region_source: &'r str,
    rpo_seconds: u64,
    rto_seconds: u64,
    min_retention_days: u32,
}

#[derive(Serialize)]
struct Input<'r> {
    file: &'r str,
    kind: &'static str,
    resources: usize,
}

#[derive(Serialize)]
struct Summary {
    resources: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    undecided: usize,
    waived: usize,
    /// Findings left out because `--baseline` has them; only with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<usize>,
}

#[derive(Serialize)]
struct JsonResult<'r> {
    rule_id: &'static str,
    rule_name: &'static str,
    level: Level,
    outcome: OutcomeKind,
    resource: Option<&'r str>,
    resource_type: Option<&'r str>,
    region: Option<&'r str>,
    attribute: &'r str,
    message: &'r str,
    file: Option<&'r str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    construct_path: Option<&'r str>,
    /// Where the finding is in the user's own sources; only when drlint found them.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<JsonSource<'r>>,
    fingerprint: &'r str,
}

#[derive(Serialize)]
struct JsonSource<'r> {
    /// `terraform` (a `.tf` file) or `program` (a CDKTF program line recorded at synth).
    kind: &'static str,
    /// Relative to the repository root, with `/` separators.
    file: &'r str,
    line: usize,
    column: Option<usize>,
    end_line: usize,
    end_column: Option<usize>,
    /// What is there: "`rule.filter`", "the resource block", "the call module.vpc".
    what: &'r str,
}

#[derive(Serialize)]
struct JsonNotice<'r> {
    message: &'r str,
    file: Option<&'r str>,
    line: Option<usize>,
}

/// The findings, written one row at a time as they are serialized: a large plan's findings
/// are not held twice.
struct Results<'r, 'm, 'a>(&'r Report<'m, 'a>);

impl Serialize for Results<'_, '_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        s.collect_seq(report.findings.iter().map(|f| row(report, f)))
    }
}

fn row<'r>(report: &'r Report, f: &'r crate::findings::Finding) -> JsonResult<'r> {
    let loc = f.location;
    JsonResult {
        rule_id: f.rule.id,
        rule_name: f.rule.name,
        level: f.level,
        outcome: f.outcome,
        resource: f.resource.as_deref(),
        resource_type: f.resource_type,
        region: f.region,
        attribute: &f.attribute,
        message: &f.message,
        file: file_name(report, f),
        line: loc.map(|l| l.line),
        column: loc.map(|l| l.column),
        end_line: loc.map(|l| l.end_line),
        end_column: loc.map(|l| l.end_column),
        construct_path: f.construct_path.as_deref(),
        source: f.source.as_ref().map(|s| JsonSource {
            kind: match s.kind {
                SourceKind::Terraform => "terraform",
                SourceKind::Program => "program",
            },
            file: &s.path,
            line: s.line,
            column: s.column,
            end_line: s.end_line,
            end_column: s.end_column,
            what: &s.what,
        }),
        fingerprint: &f.fingerprint,
    }
}

pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let s = report.settings;
    let out = JsonReport {
        schema: SCHEMA,
        tool: Tool {
            name: "drlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        settings: JsonSettings {
            config_file: s.config_file.as_deref(),
            profile: s.profile.as_str(),
            profile_source: &s.profile_source,
            environment_suffix: s.env_suffix.as_deref(),
            environment_suffix_source: &s.env_suffix_source,
            primary_region: s.primary.as_deref(),
            primary_region_source: &s.primary_source,
            dr_region: s.dr.as_deref(),
            dr_region_source: &s.dr_source,
            rpo_seconds: s.rpo_secs,
            rto_seconds: s.rto_secs,
            min_retention_days: s.min_retention_days,
        },
        inputs: {
            // One pass over the resources, not one per input file.
            let mut per_file = vec![0usize; report.model.files.len()];
            for r in &report.model.resources {
                if let Some(n) = per_file.get_mut(r.file) {
                    *n += 1;
                }
            }
            report
                .model
                .files
                .iter()
                .zip(per_file)
                .map(|(f, resources)| Input {
                    file: &f.name,
                    kind: f.kind.describe(),
                    resources,
                })
                .collect()
        },
        summary: Summary {
            resources: report.model.resources.len(),
            errors: report.at_level(Level::Error),
            warnings: report.at_level(Level::Warning),
            notes: report.at_level(Level::Note),
            undecided: report.undecided(),
            waived: report.waived,
            baselined: report.baseline.as_ref().map(|b| b.not_reported),
        },
        results: Results(report),
        notices: report
            .notices
            .iter()
            .map(|n| JsonNotice {
                message: &n.message,
                file: n.file.map(|i| report.model.file(i).name.as_str()),
                line: n
                    .file
                    .zip(n.span)
                    .map(|(i, s)| report.line_col(i, s.start as usize).0),
            })
            .collect(),
        baseline: report.baseline.as_ref().map(|b| JsonBaseline {
            file: &b.path,
            not_reported: b.not_reported,
            stale: &b.stale,
        }),
    };
    serde_json::to_writer_pretty(&mut *w, &out)?;
    writeln!(w)
}
