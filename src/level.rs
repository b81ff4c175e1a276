//! Vocabulary shared by configuration, rules and reports, kept in a leaf module so that
//! `config` need not import `rules` (nor the reverse for these types): finding levels and DR
//! profiles.

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(&self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "note" => Some(Level::Note),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
    /// A `[rules.X] level` value: a level, or `off` (`Ok(None)`).
    pub fn parse_setting(s: &str) -> Result<Option<Level>, String> {
        match s {
            "off" => Ok(None),
            other => Level::parse(other)
                .map(Some)
                .ok_or_else(|| format!("level = \"{other}\": use error, warning, note or off")),
        }
    }
}

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
