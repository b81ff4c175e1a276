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
    /// The picture of the DR system as SVG (the one `drlint posture --svg` writes).
    Svg,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Format as clap::ValueEnum>::from_str(s, true)
    }
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
    Some(match f.location {
        Some(l) => format!("{name}:{}:{}", l.line, l.column),
        None => name.to_string(),
    })
}

/// The folder code scanning resolves result paths against: the repository root. SARIF artifact
/// URIs and `--format github` annotation paths are relative to it (GitHub rejects absolute
/// `file://` URIs and resolves relative ones against the checkout, not the working directory).
#[derive(Clone, Debug)]
pub struct SourceRoot {
    /// Absolute, canonical when it exists.
    pub dir: std::path::PathBuf,
    /// How it was found, for messages: `--source-root`, `GITHUB_WORKSPACE`, `git`, `cwd`.
    pub how: &'static str,
}

/// Where an input is, relative to the [`SourceRoot`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootPath {
    /// Forward slashes, no `./`, inside the root.
    Inside(String),
    /// Not under the root: only its file name, and why.
    Outside { name: String, why: String },
}

impl SourceRoot {
    /// `--source-root DIR`, else the repository root the read side uses for source paths
    /// ([`crate::repo_root::find`]: `$GITHUB_WORKSPACE`, the git top level, the working
    /// directory). A `--source-root` that is not a folder is an error.
    pub fn resolve(flag: Option<&std::path::Path>) -> Result<SourceRoot, String> {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot read the working directory: {e}"))?;
        let canon = |p: std::path::PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        if let Some(dir) = flag {
            let abs = cwd.join(dir);
            if !abs.is_dir() {
                return Err(format!(
                    "--source-root {}: not a folder; give the repository root (the checkout GitHub code scanning resolves paths against)",
                    dir.display()
                ));
            }
            return Ok(SourceRoot {
                dir: canon(abs),
                how: "--source-root",
            });
        }
        let (dir, how) = crate::repo_root::find();
        Ok(SourceRoot { dir, how })
    }

    /// The root as a `file:` URI ending in `/` (for `originalUriBaseIds`).
    pub fn uri(&self) -> String {
        let mut s = self.dir.to_string_lossy().replace('\\', "/");
        if !s.starts_with('/') {
            s.insert(0, '/'); // C:/x -> /C:/x
        }
        if !s.ends_with('/') {
            s.push('/');
        }
        format!("file://{}", percent_path(&s))
    }

    /// An input path as given on the command line (relative to the working directory), relative
    /// to the root.
    pub fn relative(&self, path: &str) -> RootPath {
        let p = std::path::Path::new(path);
        let abs = match std::env::current_dir() {
            Ok(cwd) => cwd.join(p),
            Err(_) => p.to_path_buf(),
        };
        let abs = std::fs::canonicalize(&abs).unwrap_or_else(|_| lexical_normal(&abs));
        match abs.strip_prefix(&self.dir) {
            Ok(rel) if !rel.as_os_str().is_empty() => {
                RootPath::Inside(rel.to_string_lossy().replace('\\', "/"))
            }
            _ => RootPath::Outside {
                name: p
                    .file_name()
                    .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned()),
                why: format!(
                    "{path} is outside the source root {} (found by {}); its results name only the file, which code scanning cannot open: run drlint on inputs inside the repository or pass --source-root",
                    self.dir.display(),
                    self.how
                ),
            },
        }
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system (for paths that do not exist).
fn lexical_normal(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes what a URI path may not hold literally (space, `%`, `#`, `?`, non-ASCII).
pub fn percent_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
