//! Configuration: `drlint.toml` (found from the first input up to the repository root, else in
//! the current directory, or `--config`), overridden by flags, completed by inference from the
//! model (docs/design.md §6).
//!
//! This module knows nothing about the rule registry: rule ids in `[rules.X]`, waivers and
//! `select`/`ignore` are checked against it in [`crate::selection`].

use crate::level::Level;
use crate::model::Inferred;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::level::Profile;
pub use crate::pattern::glob_match;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub environment_suffix: Option<String>,
    pub profile: Option<Profile>,
    #[serde(default)]
    pub regions: RegionsConfig,
    #[serde(default)]
    pub objectives: ObjectivesConfig,
    #[serde(default)]
    pub backup: BackupConfig,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
    #[serde(default, rename = "waiver")]
    pub waivers: Vec<Waiver>,
    pub fail_on: Option<String>,
    pub undecided: Option<String>,
    /// Rule selectors (ids, `DR4`-style prefixes, names, families) that pick the enabled rules.
    pub select: Option<Vec<String>>,
    /// Rule selectors removed from the enabled rules.
    #[serde(default)]
    pub ignore: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsConfig {
    pub primary: Option<String>,
    pub dr: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectivesConfig {
    pub rpo: Option<String>,
    pub rto: Option<String>,
    /// Fail DR901/DR902 where AWS publishes only a typical figure, no bound.
    pub strict: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    pub min_retention_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// "error" | "warning" | "note" | "off"
    pub level: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: String,
    /// Resource address or ARN; `*` matches any run of characters.
    pub resource: String,
    pub reason: String,
    /// `YYYY-MM-DD`; the waiver stops applying after this day.
    pub expires: Option<String>,
}

/// How undecided outcomes are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum UndecidedMode {
    /// As failures at the rule's level.
    Fail,
    /// As notes (default).
    #[default]
    Note,
    /// Not reported.
    Ignore,
}

/// The threshold for a non-zero exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum FailOn {
    /// Errors make the exit code 1 (default).
    #[default]
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding, notes (and undecided notes) included.
    Note,
    /// Always exit 0 when the inputs could be read.
    Never,
}

impl FailOn {
    pub fn threshold(&self) -> Option<Level> {
        match self {
            FailOn::Error => Some(Level::Error),
            FailOn::Warning => Some(Level::Warning),
            FailOn::Note => Some(Level::Note),
            FailOn::Never => None,
        }
    }
}

/// Everything the rules and reporters need to know, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub env_suffix: Option<String>,
    pub env_suffix_source: String,
    pub profile: Profile,
    /// `--profile`, the configuration file's name, or `default`.
    pub profile_source: String,
    /// The configuration file that was read, if any.
    pub config_file: Option<String>,
    /// Rules that do not run (`select`/`ignore`/`level = "off"`), by id.
    pub disabled_rules: Vec<String>,
    pub primary: Option<String>,
    pub primary_source: String,
    pub dr: Option<String>,
    pub dr_source: String,
    pub rpo_secs: u64,
    pub rto_secs: u64,
    /// `--strict-objectives` / `objectives.strict`: an RPO or RTO that only typically meets its
    /// objective (AWS publishes no bound) fails DR901/DR902.
    pub strict_objectives: bool,
    pub min_retention_days: u32,
    /// Per-rule level override by rule id; `None` means off. Filled by [`crate::selection`].
    pub rule_levels: BTreeMap<String, Option<Level>>,
    pub waivers: Vec<Waiver>,
    pub fail_on: FailOn,
    pub undecided: UndecidedMode,
    /// Today's date (`YYYY-MM-DD`) for waiver expiry.
    pub today: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            env_suffix: None,
            env_suffix_source: String::new(),
            profile: Profile::Production,
            profile_source: "default".to_string(),
            config_file: None,
            disabled_rules: Vec::new(),
            primary: None,
            primary_source: String::new(),
            dr: None,
            dr_source: String::new(),
            rpo_secs: 300,
            rto_secs: 900,
            strict_objectives: false,
            min_retention_days: 7,
            rule_levels: BTreeMap::new(),
            waivers: Vec::new(),
            fail_on: FailOn::Error,
            undecided: UndecidedMode::Note,
            today: today(),
        }
    }
}

/// Flags that override the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub env_suffix: Option<String>,
    pub profile: Option<Profile>,
    pub primary: Option<String>,
    pub dr: Option<String>,
    pub rpo: Option<String>,
    pub rto: Option<String>,
    /// `--strict-objectives` (only ever turns strictness on).
    pub strict_objectives: bool,
    pub min_retention_days: Option<u32>,
    pub fail_on: Option<FailOn>,
    pub undecided: Option<UndecidedMode>,
}

#[derive(Debug)]
pub struct ConfigError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Finds `drlint.toml`: the given path; else in the first input's directory (the input itself
/// when it is a directory) and each parent up to the repository root (the first directory that
/// contains `.git`); else in the current directory.
pub fn find(explicit: Option<&Path>, first_input: Option<&str>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(inp) = first_input.filter(|i| *i != "-") {
        let p = Path::new(inp);
        let start = if p.is_dir() {
            p.to_path_buf()
        } else {
            match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        // Walk the absolute path so that `..` and `.` climb correctly; show the file relative
        // to the current directory when it is below it.
        let mut dir = std::fs::canonicalize(&start).unwrap_or(start);
        loop {
            let c = dir.join("drlint.toml");
            if c.is_file() {
                let cwd = std::env::current_dir()
                    .and_then(std::fs::canonicalize)
                    .unwrap_or_default();
                return Some(match c.strip_prefix(&cwd) {
                    Ok(rel) if !cwd.as_os_str().is_empty() => rel.to_path_buf(),
                    _ => c,
                });
            }
            if dir.join(".git").exists() {
                break;
            }
            match dir.parent() {
                Some(up) => dir = up.to_path_buf(),
                None => break,
            }
        }
    }
    let c = PathBuf::from("drlint.toml");
    c.is_file().then_some(c)
}

pub fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: name.clone(),
        message: format!("cannot read the configuration: {e}"),
    })?;
    parse_file(&name, &text)
}

pub fn parse_file(name: &str, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let loc = e
            .span()
            .map(|s| {
                let (l, c) = crate::json::line_col(text, s.start);
                format!("{l}:{c}: ")
            })
            .unwrap_or_default();
        ConfigError {
            file: name.to_string(),
            message: format!("{loc}invalid configuration: {}", e.message()),
        }
    })
}

/// Parses "5m", "15m", "1h", "90s", "1h30m", "2d", and a bare number of seconds ("90").
///
/// Hand-written rather than `humantime`/`jiff`: those reject the documented bare-seconds form
/// and accept forms (months, "1 hour") that an RPO/RTO should not be written in.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0u64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: u64 = num.parse().ok()?;
            num.clear();
            total += n * match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => return None,
            };
        }
    }
    if !num.is_empty() {
        total += num.parse::<u64>().ok()?; // bare number = seconds
    }
    Some(total)
}

/// Combines file, flags and inference into [`Settings`].
pub fn resolve(
    file: FileConfig,
    file_name: &str,
    o: &Overrides,
    inferred: &Inferred,
) -> Result<Settings, ConfigError> {
    let bad = |m: String| ConfigError {
        file: file_name.to_string(),
        message: m,
    };
    let mut s = Settings::default();
    let pick = |flag: &Option<String>,
                file: &Option<String>,
                flag_src: &str,
                file_src: &str|
     -> Option<(String, String)> {
        flag.clone()
            .map(|v| (v, flag_src.to_string()))
            .or_else(|| file.clone().map(|v| (v, file_src.to_string())))
    };
    if let Some((v, src)) = pick(
        &o.env_suffix,
        &file.environment_suffix,
        "--env-suffix",
        file_name,
    )
    .or_else(|| inferred.env_suffix.clone())
    {
        s.env_suffix = Some(v);
        s.env_suffix_source = src;
    }
    (s.profile, s.profile_source) = match (o.profile, file.profile) {
        (Some(p), _) => (p, "--profile".to_string()),
        (None, Some(p)) => (p, file_name.to_string()),
        (None, None) => (Profile::default(), "default".to_string()),
    };
    if let Some((v, src)) = pick(
        &o.primary,
        &file.regions.primary,
        "--primary-region",
        file_name,
    )
    .or_else(|| {
        inferred
            .primary
            .clone()
            .map(|(r, why)| (r, format!("inferred: {why}")))
    }) {
        s.primary = Some(v);
        s.primary_source = src;
    }
    if let Some((v, src)) = pick(&o.dr, &file.regions.dr, "--dr-region", file_name).or_else(|| {
        inferred
            .dr
            .clone()
            .filter(|(r, _)| Some(r) != s.primary.as_ref())
            .map(|(r, why)| (r, format!("inferred: {why}")))
    }) {
        s.dr = Some(v);
        s.dr_source = src;
    }
    if let Some(r) = o.rpo.as_ref().or(file.objectives.rpo.as_ref()) {
        s.rpo_secs = parse_duration(r).ok_or_else(|| {
            bad(format!(
                "objectives.rpo: cannot read duration \"{r}\" (use e.g. \"5m\")"
            ))
        })?;
    }
    if let Some(r) = o.rto.as_ref().or(file.objectives.rto.as_ref()) {
        s.rto_secs = parse_duration(r).ok_or_else(|| {
            bad(format!(
                "objectives.rto: cannot read duration \"{r}\" (use e.g. \"15m\")"
            ))
        })?;
    }
    s.strict_objectives = o.strict_objectives || file.objectives.strict.unwrap_or(false);
    if let Some(d) = o.min_retention_days.or(file.backup.min_retention_days) {
        s.min_retention_days = d;
    }
    for w in &file.waivers {
        if w.reason.trim().is_empty() {
            return Err(bad(format!(
                "waiver for {} on {}: a reason is required",
                w.rule, w.resource
            )));
        }
        if let Some(e) = &w.expires
            && let Err(why) = parse_date(e)
        {
            return Err(bad(format!(
                "waiver for {} on {}: expires = \"{e}\" is not a date ({why}); write YYYY-MM-DD, e.g. \"2027-03-31\"",
                w.rule, w.resource
            )));
        }
    }
    s.waivers = file.waivers;
    s.fail_on = match o.fail_on {
        Some(f) => f,
        None => match file.fail_on.as_deref() {
            None | Some("error") => FailOn::Error,
            Some("warning") => FailOn::Warning,
            Some("note") => FailOn::Note,
            Some("never") => FailOn::Never,
            Some(x) => {
                return Err(bad(format!(
                    "fail_on = \"{x}\": use error, warning, note or never"
                )));
            }
        },
    };
    s.undecided = match o.undecided {
        Some(u) => u,
        None => match file.undecided.as_deref() {
            None | Some("note") => UndecidedMode::Note,
            Some("fail") => UndecidedMode::Fail,
            Some("ignore") => UndecidedMode::Ignore,
            Some(x) => {
                return Err(bad(format!(
                    "undecided = \"{x}\": use fail, note or ignore"
                )));
            }
        },
    };
    // The test hook: pin "today" for waiver expiry.
    if let Ok(t) = std::env::var("DRLINT_TODAY")
        && parse_date(&t).is_ok()
    {
        s.today = t;
    }
    Ok(s)
}

/// A real calendar date written `YYYY-MM-DD` (so `2027-02-30` and `2027-13-45` are rejected).
/// Zero-padded ISO dates compare correctly as strings, which is how expiry is checked.
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, format).map_err(|e| match e {
        time::error::Parse::TryFromParsed(t) => t.to_string(),
        other => format!("{other}"),
    })
}

/// Today's UTC date as `YYYY-MM-DD`.
pub fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m"), Some(300));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("5x"), None);
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-11-22").is_ok());
        assert!(parse_date("2028-02-29").is_ok());
        assert!(parse_date("2027-02-29").is_err());
        assert!(parse_date("2027-13-45").is_err());
        assert!(parse_date("27-1-1").is_err());
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn config_file_errors_have_a_place() {
        let e = parse_file("drlint.toml", "profile = \"prod\"\n").unwrap_err();
        assert!(e.message.starts_with("1:"), "{}", e.message);
        let f = parse_file(
            "d",
            "[[waiver]]\nrule = \"DR401\"\nresource = \"x\"\nreason = \"\"\n",
        )
        .unwrap();
        let err = resolve(f, "d", &Overrides::default(), &Inferred::default()).unwrap_err();
        assert!(err.message.contains("reason is required"));
    }

    #[test]
    fn flags_override_file() {
        let f = parse_file("d", "environment_suffix = \"qa\"\nprofile = \"ephemeral\"\n[regions]\nprimary = \"us-east-1\"\n").unwrap();
        let o = Overrides {
            env_suffix: Some("pr7".into()),
            ..Default::default()
        };
        let s = resolve(f, "d", &o, &Inferred::default()).unwrap();
        assert_eq!(s.env_suffix.as_deref(), Some("pr7"));
        assert_eq!(s.profile, Profile::Ephemeral);
        assert_eq!(s.primary.as_deref(), Some("us-east-1"));
    }
}
