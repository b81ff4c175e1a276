//! drlint: a policy and compliance linter for multi-region disaster-recovery infrastructure on
//! AWS. Data flows one way: read → model → rules → findings → report.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod findings;
pub mod input;
pub mod intern;
pub mod json;
pub mod level;
#[cfg(feature = "live")]
pub mod live;
pub mod model;
pub mod pattern;
pub mod posture;
pub mod read;
pub mod repo_root;
pub mod report;
pub mod rules;
pub mod selection;
pub mod sources;
pub mod value;

/// Where the rule help pages live (SARIF `helpUri`).
pub const REPOSITORY: &str = "https://github.com/drlint/drlint";
