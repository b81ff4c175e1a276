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
struct JsonReport<'r> {
    schema: &'static str,
    tool: Tool,
    settings: JsonSettings<'r>,
    inputs: Vec<Input<'r>>,
    summary: Summary,
    /// Written in its place by [`render`], on every core.
    results: &'static str,
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

/// Stands for the results in the rest of the report, which is written first.
const RESULTS: &str = "\u{1}results\u{1}";

/// Rows rendered at once, on every core, before they are written: enough for both cores to
/// have work, few enough that a large plan's findings are not held twice (about 3 MB).
const WINDOW: usize = 4096;

/// Writes `skeleton` as `serde_json::to_writer_pretty` does, with its top-level field
/// `results` (which holds [`RESULTS`]) replaced by the array of `row` of each of `items`,
/// rendered a window at a time on every core: the same bytes as the whole report serialized
/// in one piece. Each row is rendered on its own and indented by two more levels (JSON text
/// has no newline but those of the layout, so every one of them is indented).
fn write_pretty_with_results<'t, T: Sync, R: Serialize>(
    skeleton: &impl Serialize,
    items: &'t [T],
    row: impl Fn(&'t T) -> R + Sync,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let skeleton = serde_json::to_vec_pretty(skeleton)?;
    let stand_in = serde_json::to_vec(RESULTS)?;
    let mut key = b"\n  \"results\": ".to_vec();
    key.extend_from_slice(&stand_in);
    let at = skeleton
        .windows(key.len())
        .position(|k| k == key)
        .ok_or_else(|| std::io::Error::other("the JSON report has no `results` field to fill"))?;
    w.write_all(&skeleton[..at + key.len() - stand_in.len()])?;
    if items.is_empty() {
        w.write_all(b"[]")?;
    } else {
        w.write_all(b"[\n")?;
        let per_core = WINDOW.div_ceil(rayon::current_num_threads().max(1));
        for (n, window) in items.chunks(WINDOW).enumerate() {
            let mut parts: Vec<Vec<u8>> = window
                .par_chunks(per_core)
                .map(|rows| -> serde_json::Result<Vec<u8>> {
                    let mut out = Vec::with_capacity(rows.len() * 900);
                    let mut one = Vec::with_capacity(1024);
                    for r in rows {
                        one.clear();
                        serde_json::to_writer_pretty(&mut one, &row(r))?;
                        out.extend_from_slice(b"    ");
                        for line in one.split_inclusive(|&c| c == b'\n') {
                            out.extend_from_slice(line);
                            if line.ends_with(b"\n") {
                                out.extend_from_slice(b"    ");
                            }
                        }
                        out.extend_from_slice(b",\n");
                    }
                    Ok(out)
                })
                .collect::<serde_json::Result<_>>()?;
            if (n + 1) * WINDOW >= items.len()
                && let Some(part) = parts.last_mut()
            {
                // No comma after the last row.
                part.truncate(part.len() - 2);
                part.push(b'\n');
            }
            for part in &parts {
                w.write_all(part)?;
            }
        }
        w.write_all(b"  ]")?;
    }
    w.write_all(&skeleton[at + key.len()..])
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
        results: RESULTS,
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
    write_pretty_with_results(&out, &report.findings, |f| row(report, f), w)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc<R> {
        before: Vec<u32>,
        results: R,
        after: Option<&'static str>,
    }

    #[test]
    fn results_written_in_windows_read_as_the_whole_report_serialized_at_once() {
        let item = |i: usize| {
            serde_json::json!({"i": i, "nested": {"list": [i, {"deep": "a\nb"}], "empty": []},
                               "text": format!("row {i} \"quoted\" \u{1}")})
        };
        for n in [0, 1, 2, WINDOW - 1, WINDOW, WINDOW + 1, 2 * WINDOW + 3] {
            let items: Vec<usize> = (0..n).collect();
            let whole = Doc {
                before: vec![1, 2],
                results: items.iter().map(|&i| item(i)).collect::<Vec<_>>(),
                after: Some("end"),
            };
            let stand_in = Doc {
                before: vec![1, 2],
                results: RESULTS,
                after: Some("end"),
            };
            let mut got = Vec::new();
            write_pretty_with_results(&stand_in, &items, |&i| item(i), &mut got).unwrap();
            let want = serde_json::to_vec_pretty(&whole).unwrap();
            assert!(got == want, "{n} rows:\n{}", String::from_utf8_lossy(&got));
        }
    }

    #[test]
    fn a_row_that_cannot_be_serialized_is_an_error_not_a_panic() {
        // A map with a non-string key has no JSON form.
        let bad = |_: &usize| std::collections::BTreeMap::from([((1u8, 2u8), 3u8)]);
        let stand_in = Doc {
            before: vec![],
            results: RESULTS,
            after: None,
        };
        let mut got = Vec::new();
        let err = write_pretty_with_results(&stand_in, &[0usize], bad, &mut got).unwrap_err();
        assert!(err.to_string().contains("key must be a string"), "{err}");
        let no_stand_in = Doc {
            before: vec![],
            results: "something else",
            after: None,
        };
        assert!(write_pretty_with_results(&no_stand_in, &[0usize], |&i| i, &mut got).is_err());
    }
}
