//! Configuration: `drlint.toml` (next to the first input, or `--config`), overridden by flags,
//! completed by inference from the model (docs/design.md §6).

use crate::model::Inferred;
use crate::rules::Level;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Long-lived stacks: deletion protection on, final snapshots kept.
    #[default]
    Production,
    /// Short-lived stacks (CI, previews): everything must be destroyable.
    Ephemeral,
}

impl Profile {
    pub fn as_str(&self) -> &'static str {
        match self {
            Profile::Production => "production",
            Profile::Ephemeral => "ephemeral",
        }
    }
}

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
    #[default]
    Error,
    Warning,
    Note,
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
    pub primary: Option<String>,
    pub primary_source: String,
    pub dr: Option<String>,
    pub dr_source: String,
    pub rpo_secs: u64,
    pub rto_secs: u64,
    pub min_retention_days: u32,
    /// Per-rule level override; `None` means off.
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
            primary: None,
            primary_source: String::new(),
            dr: None,
            dr_source: String::new(),
            rpo_secs: 300,
            rto_secs: 900,
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

/// Finds `drlint.toml`: the given path, else next to the first input file, else the current
/// directory.
pub fn find(explicit: Option<&Path>, first_input: Option<&str>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(inp) = first_input.filter(|i| *i != "-") {
        let dir = Path::new(inp).parent().unwrap_or(Path::new("."));
        let c = dir.join("drlint.toml");
        if c.is_file() {
            return Some(c);
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

/// Parses "5m", "15m", "1h", "90s", "1h30m", "2d".
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
    s.profile = o.profile.or(file.profile).unwrap_or_default();
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
    if let Some(d) = o.min_retention_days.or(file.backup.min_retention_days) {
        s.min_retention_days = d;
    }
    for (id, rc) in &file.rules {
        let Some(rule) = crate::rules::by_id(id) else {
            return Err(bad(format!(
                "[rules.{id}]: no such rule (see `drlint rules`)"
            )));
        };
        if let Some(l) = &rc.level {
            let level = match l.as_str() {
                "off" => None,
                other => Some(Level::parse(other).ok_or_else(|| {
                    bad(format!(
                        "[rules.{id}] level = \"{other}\": use error, warning, note or off"
                    ))
                })?),
            };
            s.rule_levels.insert(rule.id.to_string(), level);
        }
    }
    for w in &file.waivers {
        if crate::rules::by_id(&w.rule).is_none() {
            return Err(bad(format!("waiver for {}: no such rule", w.rule)));
        }
        if w.reason.trim().is_empty() {
            return Err(bad(format!(
                "waiver for {} on {}: a reason is required",
                w.rule, w.resource
            )));
        }
        if let Some(e) = &w.expires
            && !is_date(e)
        {
            return Err(bad(format!(
                "waiver for {} on {}: expires = \"{e}\" is not a YYYY-MM-DD date",
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
    if let Ok(t) = std::env::var("DRLINT_TODAY")
        && is_date(&t)
    {
        s.today = t;
    }
    Ok(s)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Today's UTC date as `YYYY-MM-DD` (civil-from-days, no date crate needed).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86400) as i64)
}

fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

/// Glob match with `*` only.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else if let Some(pos) = rest.find(p) {
            rest = &rest[pos + p.len()..];
        } else {
            return false;
        }
    }
    true
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
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_779), "2026-11-22");
    }

    #[test]
    fn globs() {
        assert!(glob_match("aws_s3_bucket.*", "aws_s3_bucket.logs"));
        assert!(glob_match("*bucket*", "module.x.aws_s3_bucket.y"));
        assert!(!glob_match("aws_s3_bucket.a", "aws_s3_bucket.ab"));
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
