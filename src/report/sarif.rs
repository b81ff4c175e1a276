//! SARIF 2.1.0 for GitHub code scanning: our own small serde structs (the `serde-sarif` crate
//! is stale). Findings without a file location (for example "no environment suffix") go to
//! `invocations[].toolConfigurationNotifications`, where GitHub accepts them.

use super::{file_name, location};
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
    results: Vec<SarifResult>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
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
    id: &'static str,
    name: &'static str,
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
    #[serde(rename = "security-severity")]
    security_severity: String,
    tags: Vec<String>,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
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
struct ArtifactLocation {
    uri: String,
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
    id: &'static str,
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

/// A URI for a path as given: relative paths stay relative (GitHub resolves them against the
/// checkout), with forward slashes.
fn uri(path: &str) -> String {
    // Standard input without --stdin-filename: a placeholder that is a valid relative URI
    // (README "Standard input").
    if path == crate::input::STDIN_NAME {
        return STDIN_URI.to_string();
    }
    let p = path.strip_prefix("./").unwrap_or(path);
    let p = match std::env::current_dir() {
        Ok(cwd) if std::path::Path::new(p).is_absolute() => std::path::Path::new(p)
            .strip_prefix(&cwd)
            .map(|r| r.to_string_lossy().into_owned())
            .unwrap_or_else(|_| p.to_string()),
        _ => p.to_string(),
    };
    let p = p.replace('\\', "/");
    if std::path::Path::new(&p).is_absolute() {
        format!("file://{p}")
    } else {
        p
    }
}

/// The finding's file, if it is a file on disk (`drlint live` without `--save-snapshot` reads
/// documents held in memory; a SARIF location pointing at them would not resolve on upload).
fn real_file<'r>(report: &'r Report, f: &crate::findings::Finding) -> Option<&'r str> {
    file_name(report, f).filter(|n| !n.starts_with(crate::input::LIVE_PREFIX))
}

pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<RuleDescriptor> = ALL
        .iter()
        .map(|r| RuleDescriptor {
            id: r.id,
            name: r.name,
            short_description: Text {
                text: r.summary().to_string(),
            },
            full_description: Text {
                text: r.summary().to_string(),
            },
            help: Help {
                text: r.help_markdown().to_string(),
                markdown: r.help_markdown().to_string(),
            },
            help_uri: r.help_uri(),
            default_configuration: DefaultConfiguration {
                level: sarif_level(r.level),
            },
            properties: RuleProperties {
                security_severity: format!("{:.1}", r.security_severity),
                tags: vec![
                    "disaster-recovery".into(),
                    r.family.to_string(),
                    "security".into(),
                ],
                precision: "high",
            },
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
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
        let (Some(name), Some(loc), Some(span)) =
            (real_file(report, f), location(report, f), f.span)
        else {
            notifications.push(Notification {
                level,
                message: Text { text },
                descriptor: Some(Descriptor { id: f.rule.id }),
            });
            continue;
        };
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
        let input_location = |id, message, logical_locations| SarifLocation {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(name) },
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
        // In the user's sources when they were found (the `.tf` line, the CDKTF program
        // line); the input position follows as a related location.
        let (locations, related_locations) = match &f.source {
            Some(s) => {
                let file = std::path::Path::new(name)
                    .file_name()
                    .map_or(name.into(), |n| n.to_string_lossy());
                (
                    vec![SarifLocation {
                        id: None,
                        physical_location: PhysicalLocation {
                            artifact_location: ArtifactLocation { uri: uri(&s.path) },
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
                    )],
                )
            }
            None => (
                vec![input_location(None, None, logical_locations)],
                Vec::new(),
            ),
        };
        results.push(SarifResult {
            rule_id: f.rule.id,
            rule_index: ALL.iter().position(|r| r.id == f.rule.id).unwrap_or(0),
            level,
            kind: if f.outcome == OutcomeKind::Undecided {
                "review"
            } else {
                "fail"
            },
            message: Text { text },
            locations,
            related_locations,
            partial_fingerprints: Fingerprints {
                drlint_v1: f.fingerprint.clone(),
            },
            properties: ResultProperties {
                resource: f.resource.clone(),
                attribute: f.attribute.clone(),
                region: f.region.clone(),
                outcome: f.outcome,
            },
        });
    }
    for n in &report.notices {
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: n.message.clone(),
            },
            descriptor: None,
        });
    }
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "drlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: crate::REPOSITORY,
                    rules,
                },
            },
            results,
            invocations: vec![Invocation {
                execution_successful: true,
                tool_configuration_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *w, &log)?;
    writeln!(w)
}
