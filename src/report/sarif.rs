//! SARIF 2.1.0 for GitHub code scanning: our own small serde structs (the `serde-sarif` crate
//! is stale). Findings without a file location (for example "no environment suffix") go to
//! `invocations[].toolConfigurationNotifications`, where GitHub accepts them.
//!
//! What GitHub needs (README "GitHub code scanning"): artifact URIs relative to the repository
//! root with `uriBaseId: %SRCROOT%` ([`SourceRoot`]), a `primaryLocationLineHash` from drlint's
//! stable identity, at most [`MAX_RESULTS`] results per run (the most severe are kept), and
//! `security-severity` only on security rules.

use super::{RootPath, SourceRoot, file_name};
use crate::findings::Report;
use crate::rules::{ALL, Level, OutcomeKind};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    original_uri_base_ids: std::collections::BTreeMap<&'static str, ArtifactLocation>,
    results: Vec<SarifResult>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    tags: Vec<String>,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    kind: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    /// The position in the input (plan, cdk.tf.json) when the primary location is in the
    /// user's sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct Fingerprints {
    /// The one GitHub uses to match an alert across runs; GitHub's own values are
    /// `<hash>:<occurrence>`, ours is drlint's identity hash (unique per finding) with `:1`.
    #[serde(rename = "primaryLocationLineHash")]
    primary_location_line_hash: String,
    #[serde(rename = "drlint/v1")]
    drlint_v1: String,
}

#[derive(Serialize)]
struct ResultProperties {
    resource: Option<String>,
    attribute: String,
    region: Option<String>,
    outcome: OutcomeKind,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    char_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    char_length: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_configuration_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<Descriptor>,
}

#[derive(Serialize)]
struct Descriptor {
    id: String,
}

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

/// The artifact URI of standard input when `--stdin-filename` is not given.
pub const STDIN_URI: &str = "stdin.json";

/// The base id of result URIs; `run.originalUriBaseIds` maps it to the repository root.
pub const SRCROOT: &str = "%SRCROOT%";

/// GitHub code scanning's limit of results per run (larger runs are rejected on upload).
pub const MAX_RESULTS: usize = 25_000;

/// `DRLINT_SARIF_MAX_RESULTS` lowers [`MAX_RESULTS`] so tests can exercise the cap without
/// producing 25,000 results. Not a user setting (not in `--help`).
fn max_results() -> usize {
    std::env::var("DRLINT_SARIF_MAX_RESULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n <= MAX_RESULTS)
        .unwrap_or(MAX_RESULTS)
}

/// GitHub code scanning's limit on an upload: 10 MB of gzip-compressed SARIF.
pub const MAX_GZIP_BYTES: usize = 10 * 1000 * 1000;

/// `DRLINT_SARIF_MAX_GZIP_BYTES` lowers [`MAX_GZIP_BYTES`] for tests, like
/// `DRLINT_SARIF_MAX_RESULTS`.
fn max_gzip_bytes() -> usize {
    std::env::var("DRLINT_SARIF_MAX_GZIP_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n <= MAX_GZIP_BYTES)
        .unwrap_or(MAX_GZIP_BYTES)
}

fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write as _;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().map_or(usize::MAX, |v| v.len())
}

/// Serializes `log` (with a final newline); when the file would be more than GitHub's upload limit gzip-compressed,
/// keeps the most severe results of each run that fit (`levels[r][i]` is the level of result `i`
/// of run `r`) and says so in an error-level execution notification of each run it cut.
fn serialize_within_limit(mut log: Log, levels: Vec<Vec<Level>>) -> std::io::Result<Vec<u8>> {
    let limit = max_gzip_bytes();
    // The bytes measured are the bytes written, final newline included.
    let to_text = |log: &Log| -> std::io::Result<Vec<u8>> {
        let mut t = serde_json::to_vec_pretty(log)?;
        t.push(b'\n');
        Ok(t)
    };
    let mut text = to_text(&log)?;
    // gzip never makes JSON much larger, so a file at or under the limit needs no compression.
    if text.len() <= limit || gzip_len(&text) <= limit {
        return Ok(text);
    }
    let mut totals = Vec::new();
    for (run, levels) in log.runs.iter_mut().zip(levels) {
        let total = run.results.len();
        totals.push(total);
        let mut ranked: Vec<(Level, SarifResult)> = levels
            .into_iter()
            .zip(std::mem::take(&mut run.results))
            .collect();
        // The most severe first (stable: in report order within a level).
        ranked.sort_by_key(|(l, _)| std::cmp::Reverse(*l));
        run.results = ranked.into_iter().map(|(_, r)| r).collect();
        if total > 0 {
            run.invocations[0]
                .tool_execution_notifications
                .push(Notification {
                    level: "error",
                    message: Text {
                        text: String::new(),
                    },
                    descriptor: None,
                });
        }
    }
    let mut keep = totals.clone();
    loop {
        for ((run, keep), total) in log.runs.iter_mut().zip(&mut keep).zip(&totals) {
            if *total == 0 {
                continue;
            }
            *keep = *keep * 9 / 10;
            run.results.truncate(*keep);
            if let Some(n) = run.invocations[0].tool_execution_notifications.last_mut() {
                n.message.text = format!(
                    "this SARIF file would exceed GitHub code scanning's upload limit of {limit} bytes gzip-compressed: only the {keep} most severe of {total} results are in it (the exit code still counts every finding). Narrow the run with --select/--ignore or lint fewer inputs at once."
                );
            }
        }
        text = to_text(&log)?;
        if keep.iter().all(|&k| k == 0) || gzip_len(&text) <= limit {
            return Ok(text);
        }
    }
}

/// `env-suffix-missing` -> `EnvSuffixMissing` (SARIF's `reportingDescriptor.name` is a
/// Pascal-case identifier, SARIF2012); the kebab-case name stays the rule's name elsewhere.
fn pascal(name: &str) -> String {
    name.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The id of the rule a result is filed under. Undecided outcomes of a security rule go under
/// `DRnnn-undecided`: a rule of its own without `security-severity` (not a hierarchical
/// `DRnnn/undecided` id: SARIF §3.49.3 gives sub-rules no metadata of their own),
/// so an undecided check never shows as a High security alert; with `--undecided fail` they
/// are failures and stay under the rule.
fn result_rule_id(f: &crate::findings::Finding, review: bool) -> String {
    if review && f.rule.security_severity.is_some() {
        format!("{}-undecided", f.rule.id)
    } else {
        f.rule.id.to_string()
    }
}

fn descriptor(r: &'static crate::rules::Rule, undecided: bool) -> RuleDescriptor {
    let mut tags = vec!["disaster-recovery".to_string(), r.family.to_string()];
    if r.security_severity.is_some() && !undecided {
        tags.push("security".into());
    } else {
        tags.push("reliability".into());
    }
    let summary = r.summary().to_string();
    RuleDescriptor {
        id: if undecided {
            format!("{}-undecided", r.id)
        } else {
            r.id.to_string()
        },
        name: if undecided {
            format!("{}Undecided", pascal(r.name))
        } else {
            pascal(r.name)
        },
        short_description: Text {
            text: if undecided {
                format!("Undecided: {summary}")
            } else {
                summary.clone()
            },
        },
        full_description: Text {
            text: summary.clone(),
        },
        // GitHub shows `help.markdown` when present; `help.text` is for viewers without
        // Markdown: the summary and where the full page is.
        help: Help {
            text: format!("{summary} See {}", r.help_uri()),
            markdown: r.help_markdown().to_string(),
        },
        help_uri: r.help_uri(),
        default_configuration: DefaultConfiguration {
            level: if undecided {
                "note"
            } else {
                sarif_level(r.level)
            },
        },
        properties: RuleProperties {
            security_severity: r
                .security_severity
                .filter(|_| !undecided)
                .map(|s| format!("{s:.1}")),
            tags,
            precision: "high",
        },
    }
}

/// The finding's file, if it is a file on disk (`drlint live` without `--save-snapshot` reads
/// documents held in memory; a SARIF location pointing at them would not resolve on upload).
fn real_file<'r>(report: &'r Report, f: &crate::findings::Finding) -> Option<&'r str> {
    file_name(report, f).filter(|n| !n.starts_with(crate::input::LIVE_PREFIX))
}

/// Artifact URIs of the files a report names, each worked out once (it reads the file system),
/// and the problems found doing so, once per file.
#[derive(Default)]
struct Paths {
    uris: std::collections::HashMap<String, String>,
    warnings: Vec<String>,
}

/// The artifact location of an input file: relative to the source root, never absolute, never
/// `<stdin>`. Problems (outside the root, unnamed standard input) go to `paths.warnings`.
fn artifact(root: &SourceRoot, name: &str, paths: &mut Paths) -> ArtifactLocation {
    if let Some(uri) = paths.uris.get(name) {
        return ArtifactLocation {
            uri: uri.clone(),
            uri_base_id: Some(SRCROOT),
        };
    }
    let uri = if name == crate::input::STDIN_NAME {
        // Standard input without --stdin-filename: a placeholder that is a valid relative URI
        // (README "Standard input").
        paths.warnings.push(format!(
            "standard input has no file name, so its results name `{STDIN_URI}`, which code scanning cannot open: pass --stdin-filename PATH (relative to the repository root)"
        ));
        STDIN_URI.to_string()
    } else {
        match root.relative(name) {
            RootPath::Inside(rel) => rel,
            RootPath::Outside { name, why } => {
                if !paths.warnings.contains(&why) {
                    paths.warnings.push(why);
                }
                name
            }
        }
    };
    let uri = super::percent_path(&uri);
    paths.uris.insert(name.to_string(), uri.clone());
    ArtifactLocation {
        uri,
        uri_base_id: Some(SRCROOT),
    }
}

/// Where a result points: its locations and related locations. In the user's sources when they
/// were found (the `.tf` attribute, the CDKTF program line), with the input position (plan,
/// cdk.tf.json) as a related location; else the input file and the span of the offending value.
/// None when the finding has no place in a file on disk (it becomes a notification).
fn result_locations(
    report: &Report,
    f: &crate::findings::Finding,
    root: &SourceRoot,
    source_base: &std::path::Path,
    paths: &mut Paths,
) -> Option<(Vec<SarifLocation>, Vec<SarifLocation>)> {
    let (name, loc, span) = (real_file(report, f)?, f.location?, f.span?);
    let src = &report.model.file(f.file.unwrap_or(0)).text;
    let ix = report.line_index(f.file.unwrap_or(0));
    let char_offset = ix.char_offset(src, span.start as usize);
    let char_length = ix.char_offset(src, span.end as usize) - char_offset;
    let logical_locations: Vec<LogicalLocation> = f
        .resource
        .iter()
        .map(|r| LogicalLocation {
            fully_qualified_name: if f.attribute.is_empty() {
                r.clone()
            } else {
                format!("{r}.{}", f.attribute)
            },
            kind: "resource",
        })
        .collect();
    let input_location = |id, message, logical_locations, paths: &mut Paths| SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(root, name, paths),
            region: Region {
                start_line: loc.line,
                start_column: Some(loc.column),
                end_line: loc.end_line,
                end_column: Some(loc.end_column),
                char_offset: Some(char_offset),
                char_length: Some(char_length),
            },
        },
        logical_locations,
        message,
    };
    let Some(s) = &f.source else {
        return Some((
            vec![input_location(None, None, logical_locations, paths)],
            Vec::new(),
        ));
    };
    // Source paths are relative to the repository root the read side found (`source_base`);
    // re-base them on the SARIF root (the same folder unless --source-root names another).
    let abs = source_base.join(&s.path);
    let file = std::path::Path::new(name)
        .file_name()
        .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned());
    Some((
        vec![SarifLocation {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: artifact(root, &abs.to_string_lossy(), paths),
                region: Region {
                    start_line: s.line,
                    start_column: s.column,
                    end_line: s.end_line,
                    end_column: s.end_column,
                    char_offset: None,
                    char_length: None,
                },
            },
            logical_locations,
            message: None,
        }],
        vec![input_location(
            Some(0),
            Some(Text {
                text: format!("in {file}"),
            }),
            Vec::new(),
            paths,
        )],
    ))
}

/// `drlint live`: one run per audited account and region (README "Nightly live audit").
pub struct LiveRuns {
    pub runs: Vec<LiveRun>,
}

/// A scope that was audited completely: its findings are the results of its own run, under the
/// code-scanning category `drlint/live/<account>/<region>/`.
pub struct LiveRun {
    pub account: String,
    pub region: String,
    /// The input file (the scope's document) whose findings are the run's results.
    pub file: usize,
}

/// The category of a live run.
pub fn live_category(account: &str, region: &str) -> String {
    format!("drlint/live/{account}/{region}/")
}

/// The category of the run that carries a live audit's status (failed scopes, findings without
/// a location): no result is ever filed under it, so uploading it closes no alert.
pub const LIVE_AUDIT_CATEGORY: &str = "drlint/live/audit/";

/// `faults`: parts of the analysis that failed (regions a live audit could not read): the run
/// then says `executionSuccessful: false` with an error notification for each.
pub fn render(
    report: &Report,
    root: &SourceRoot,
    faults: &[String],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    render_runs(report, root, faults, None, w)
}

/// [`render`] for `drlint live`: one run per [`LiveRun`] with its scope's findings (a clean scope
/// has a run with 0 results, so its fixed alerts close), and a last run under
/// [`LIVE_AUDIT_CATEGORY`] with 0 results that carries the audit's status: `executionSuccessful:
/// false` and an error notification per fault, and, as notifications, the findings that have no
/// location or belong to a scope that has no run (audited in part, or its account unknown), so
/// none is lost and none closes or opens an alert of a scope that was not fully audited.
pub fn render_live(
    report: &Report,
    root: &SourceRoot,
    faults: &[String],
    live: &LiveRuns,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    render_runs(report, root, faults, Some(live), w)
}

/// What one run is made of while it is built.
#[derive(Default)]
struct RunParts {
    results: Vec<(Level, SarifResult)>,
    notifications: Vec<Notification>,
    execution: Vec<Notification>,
    successful: bool,
    automation_id: Option<String>,
}

fn render_runs(
    report: &Report,
    root: &SourceRoot,
    faults: &[String],
    live: Option<&LiveRuns>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut rules: Vec<RuleDescriptor> = ALL.iter().map(|r| descriptor(r, false)).collect();
    rules.extend(
        ALL.iter()
            .filter(|r| r.security_severity.is_some())
            .map(|r| descriptor(r, true)),
    );
    // The runs: one per live scope, then the one that takes notifications and faults (the only
    // one when not live).
    let mut parts: Vec<RunParts> = Vec::new();
    if let Some(l) = live {
        for r in &l.runs {
            parts.push(RunParts {
                successful: true,
                automation_id: Some(live_category(&r.account, &r.region)),
                ..RunParts::default()
            });
        }
    }
    let status = parts.len();
    parts.push(RunParts {
        successful: faults.is_empty(),
        automation_id: live.map(|_| LIVE_AUDIT_CATEGORY.to_string()),
        ..RunParts::default()
    });
    let run_of = |f: &crate::findings::Finding| -> Option<usize> {
        match live {
            None => Some(status),
            Some(l) => l.runs.iter().position(|r| Some(r.file) == f.file),
        }
    };
    let mut paths = Paths::default();
    // Looked up once: it reads the file system.
    let source_base = crate::repo_root::repo_root();
    for f in &report.findings {
        let level = sarif_level(f.level);
        let construct = f
            .construct_path
            .as_deref()
            .map(|c| format!(" (construct {c})"))
            .unwrap_or_default();
        let text = match &f.resource {
            Some(r) if f.outcome == OutcomeKind::Undecided => {
                format!("{r}{construct}: undecided: {}", f.message)
            }
            Some(r) => format!("{r}{construct}: {}", f.message),
            None => f.message.clone(),
        };
        // An undecided check is for review unless --undecided fail makes it a failure.
        let review = f.outcome == OutcomeKind::Undecided
            && report.settings.undecided != crate::config::UndecidedMode::Fail;
        let rule_id = result_rule_id(f, review);
        let target = run_of(f);
        let located = match target {
            Some(_) => result_locations(report, f, root, &source_base, &mut paths),
            None => None,
        };
        let (Some(run), Some((locations, related_locations))) = (target, located) else {
            let text = match (target, f.file) {
                (None, Some(file)) => format!(
                    "{text} (not a result: {} was not audited completely, so its alerts are left as they are)",
                    file_label(report, file)
                ),
                _ => text,
            };
            parts[status].notifications.push(Notification {
                level,
                message: Text { text },
                descriptor: Some(Descriptor { id: rule_id }),
            });
            continue;
        };
        // SARIF §3.27.10: a result whose kind is not "fail" has level "none". An undecided
        // check is "review" (a person must look) unless --undecided fail made it a failure.
        let (kind, level) = if review {
            ("review", "none")
        } else {
            ("fail", level)
        };
        parts[run].results.push((
            f.level,
            SarifResult {
                rule_index: rules.iter().position(|r| r.id == rule_id).unwrap_or(0),
                rule_id,
                level,
                kind,
                message: Text { text },
                locations,
                related_locations,
                partial_fingerprints: Fingerprints {
                    primary_location_line_hash: format!("{}:1", f.fingerprint),
                    drlint_v1: f.fingerprint.clone(),
                },
                properties: ResultProperties {
                    resource: f.resource.clone(),
                    attribute: f.attribute.clone(),
                    region: f.region.map(str::to_string),
                    outcome: f.outcome,
                },
            },
        ));
    }
    parts[status].execution = faults
        .iter()
        .map(|f| Notification {
            level: "error",
            message: Text { text: f.clone() },
            descriptor: None,
        })
        .collect();
    let cap = max_results();
    for p in &mut parts {
        if p.results.len() > cap {
            // Keep the most severe (stable: in report order within a level).
            p.results.sort_by_key(|(l, _)| std::cmp::Reverse(*l));
            let total = p.results.len();
            p.results.truncate(cap);
            p.execution.push(Notification {
                level: "error",
                message: Text {
                    text: format!(
                        "{total} results exceed GitHub code scanning's limit of {cap} per run: only the {cap} most severe are in this file (the rest are left out; the exit code still counts every finding). Narrow the run with --select/--ignore or lint fewer inputs at once."
                    ),
                },
                descriptor: None,
            });
        }
    }
    for text in paths.warnings {
        parts[status].notifications.push(Notification {
            level: "warning",
            message: Text { text },
            descriptor: None,
        });
    }
    for n in &report.notices {
        parts[status].notifications.push(Notification {
            level: "warning",
            message: Text {
                text: n.message.clone(),
            },
            descriptor: None,
        });
    }
    let mut runs = Vec::new();
    let mut levels = Vec::new();
    for p in parts {
        let (lv, mut results): (Vec<Level>, Vec<SarifResult>) = p.results.into_iter().unzip();
        // A live run describes only the rules its results use (every run of a large
        // organisation repeating every help page would not fit the upload limit).
        let run_rules = if live.is_some() {
            let mut used: Vec<usize> = results.iter().map(|r| r.rule_index).collect();
            used.sort_unstable();
            used.dedup();
            for r in &mut results {
                r.rule_index = used.binary_search(&r.rule_index).unwrap_or(0);
            }
            used.iter()
                .map(|&i| {
                    let r = &rules[i];
                    let undecided = r.id.ends_with("-undecided");
                    let id = r.id.strip_suffix("-undecided").unwrap_or(&r.id);
                    ALL.iter()
                        .find(|a| a.id == id)
                        .map(|a| descriptor(a, undecided))
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default()
        } else {
            std::mem::take(&mut rules)
        };
        levels.push(lv);
        runs.push(Run {
            tool: Tool {
                driver: Driver {
                    name: "drlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: crate::REPOSITORY,
                    rules: run_rules,
                },
            },
            automation_details: p.automation_id.map(|id| AutomationDetails { id }),
            original_uri_base_ids: [(
                SRCROOT,
                ArtifactLocation {
                    uri: root.uri(),
                    uri_base_id: None,
                },
            )]
            .into(),
            results,
            invocations: vec![Invocation {
                execution_successful: p.successful,
                tool_configuration_notifications: p.notifications,
                tool_execution_notifications: p.execution,
            }],
            column_kind: "unicodeCodePoints",
        });
    }
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs,
    };
    w.write_all(&serialize_within_limit(log, levels)?)
}

/// An input file's name for messages.
fn file_label(report: &Report, file: usize) -> String {
    let name = &report.model.file(file).name;
    name.strip_prefix(crate::input::LIVE_PREFIX)
        .unwrap_or(name)
        .to_string()
}
