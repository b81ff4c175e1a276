//! The rules. One rule, one file, named after the rule; [`ALL`] is the one registry.
//!
//! A rule is a plain function over the [`Ctx`] (model + settings) that records outcomes: a
//! failure, or *undecided* when its inputs are unknown and cannot be followed through references.
//! Passing resources record nothing.

pub mod backup;
pub mod docs;
pub mod kms;
pub mod names;
pub mod net;
pub mod route53;
pub mod s3;

mod dr101_env_suffix_missing;
mod dr102_name_invalid;
mod dr103_hardcoded_environment;
mod dr201_deletion_protection;
mod dr202_teardown_settings;
mod dr301_cmk_missing;
mod dr302_cmk_wrong_region;
mod dr303_cmk_rotation_disabled;
mod dr401_crr_delete_markers;
mod dr402_crr_not_cross_region;
mod dr403_crr_versioning;
mod dr404_crr_kms_objects;
mod dr501_vpc_cidr_overlap;
mod dr502_subnet_cidr;
mod dr503_peering_incomplete;
mod dr601_backup_retention;
mod dr602_backup_copy_cross_region;
mod dr603_backup_frequency;
mod dr604_stateful_unprotected;
mod dr701_failover_health_check;
mod dr702_failover_pair;
mod dr703_routing_health_check;
mod dr704_health_check_rto;
mod dr705_record_value_invalid;

use crate::config::Settings;
use crate::model::{Model, ResourceId};
use crate::value::{Span, Value};
use serde::Serialize;

pub use crate::level::Level;

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.id, self.name)
    }
}

pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub family: &'static str,
    pub level: Level,
    /// CVSS-like 0.0–10.0 score GitHub uses to rank code-scanning alerts.
    pub security_severity: f32,
    pub check: fn(&Ctx, &mut Out),
}

impl Rule {
    /// The one-sentence summary from the rule's help page.
    pub fn summary(&self) -> &'static str {
        docs::page(self.id).map_or("", |p| p.summary)
    }
    pub fn help_markdown(&self) -> &'static str {
        docs::page(self.id).map_or("", |p| p.markdown)
    }
    pub fn help_uri(&self) -> String {
        format!("{}/blob/main/rules/{}.md", crate::REPOSITORY, self.id)
    }
}

/// Every rule, in id order.
pub static ALL: &[&Rule] = &[
    &dr101_env_suffix_missing::RULE,
    &dr102_name_invalid::RULE,
    &dr103_hardcoded_environment::RULE,
    &dr201_deletion_protection::RULE,
    &dr202_teardown_settings::RULE,
    &dr301_cmk_missing::RULE,
    &dr302_cmk_wrong_region::RULE,
    &dr303_cmk_rotation_disabled::RULE,
    &dr401_crr_delete_markers::RULE,
    &dr402_crr_not_cross_region::RULE,
    &dr403_crr_versioning::RULE,
    &dr404_crr_kms_objects::RULE,
    &dr501_vpc_cidr_overlap::RULE,
    &dr502_subnet_cidr::RULE,
    &dr503_peering_incomplete::RULE,
    &dr601_backup_retention::RULE,
    &dr602_backup_copy_cross_region::RULE,
    &dr603_backup_frequency::RULE,
    &dr604_stateful_unprotected::RULE,
    &dr701_failover_health_check::RULE,
    &dr702_failover_pair::RULE,
    &dr703_routing_health_check::RULE,
    &dr704_health_check_rto::RULE,
    &dr705_record_value_invalid::RULE,
];

pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id) || r.name == id)
}

/// What a rule sees.
pub struct Ctx<'m, 'a> {
    pub model: &'m Model<'a>,
    pub settings: &'m Settings,
    /// Derived links several rules share, built once on first use.
    s3: std::sync::OnceLock<s3::S3Index>,
    backup: std::sync::OnceLock<backup::Coverage>,
}

impl<'m, 'a> Ctx<'m, 'a> {
    /// RDS / Aurora clusters and instances that keep their own backups and snapshots: read
    /// replicas (`replicate_source_db`) are left out.
    pub fn databases(&self) -> impl Iterator<Item = ResourceId> + '_ {
        self.model
            .of_types(&["aws_rds_cluster", "aws_db_instance"])
            .filter(|&id| !self.model.get(id).get("replicate_source_db").is_set())
    }

    pub fn new(model: &'m Model<'a>, settings: &'m Settings) -> Ctx<'m, 'a> {
        Ctx {
            model,
            settings,
            s3: std::sync::OnceLock::new(),
            backup: std::sync::OnceLock::new(),
        }
    }

    /// Buckets linked to their versioning, encryption, replication and logging resources.
    pub fn s3(&self) -> &s3::S3Index {
        self.s3.get_or_init(|| s3::S3Index::build(self))
    }

    /// Which backup plans protect which stateful resources.
    pub fn backup_coverage(&self) -> &backup::Coverage {
        self.backup.get_or_init(|| backup::coverage(self))
    }

    pub fn is_primary(&self, id: ResourceId) -> Option<bool> {
        let region = self.model.get(id).region.as_deref()?;
        Some(self.settings.primary.as_deref()? == region)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    Fail,
    Undecided,
}

/// One result of one rule on one resource.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub rule: &'static Rule,
    pub kind: OutcomeKind,
    /// None for findings about the whole input (e.g. "no environment suffix configured").
    pub resource: Option<ResourceId>,
    /// Attribute path, e.g. `rule[0].filter`.
    pub attribute: String,
    /// Where to point: the attribute's span, else the resource's.
    pub span: Option<Span>,
    pub message: String,
    /// A level other than the rule's default for this outcome (DR501 is an error only for
    /// peered or DR-paired VPCs).
    pub level: Option<Level>,
}

/// Collects a rule's outcomes.
pub struct Out {
    rule: &'static Rule,
    pub outcomes: Vec<Outcome>,
}

impl Out {
    pub fn new(rule: &'static Rule) -> Out {
        Out {
            rule,
            outcomes: Vec::new(),
        }
    }

    fn push(
        &mut self,
        kind: OutcomeKind,
        cx: &Ctx,
        id: ResourceId,
        attribute: &str,
        at: &Value,
        message: String,
    ) {
        let r = cx.model.get(id);
        let span = if at.span.is_empty() || at.is_absent() {
            Span::new(r.span.start as usize, r.span.start as usize + 1)
        } else {
            at.span
        };
        self.outcomes.push(Outcome {
            rule: self.rule,
            kind,
            resource: Some(id),
            attribute: attribute.to_string(),
            span: Some(span),
            message,
            level: None,
        });
    }

    /// The resource fails: `at` is the offending value (or `Value::absent()` when missing).
    pub fn fail(
        &mut self,
        cx: &Ctx,
        id: ResourceId,
        attribute: &str,
        at: &Value,
        message: impl Into<String>,
    ) {
        self.push(OutcomeKind::Fail, cx, id, attribute, at, message.into());
    }

    /// The check cannot be decided from the input.
    pub fn undecided(
        &mut self,
        cx: &Ctx,
        id: ResourceId,
        attribute: &str,
        at: &Value,
        message: impl Into<String>,
    ) {
        self.push(
            OutcomeKind::Undecided,
            cx,
            id,
            attribute,
            at,
            message.into(),
        );
    }

    /// Overrides the level of the last outcome.
    pub fn with_level(&mut self, level: Level) {
        if let Some(o) = self.outcomes.last_mut() {
            o.level = Some(level);
        }
    }

    /// An outcome about the input as a whole.
    pub fn global(&mut self, kind: OutcomeKind, message: impl Into<String>) {
        self.outcomes.push(Outcome {
            rule: self.rule,
            kind,
            resource: None,
            attribute: String::new(),
            span: None,
            message: message.into(),
            level: None,
        });
    }
}

/// Runs every enabled rule (in parallel) and returns outcomes in a stable order.
pub fn run(cx: &Ctx, rules: &[&'static Rule]) -> Vec<Outcome> {
    use rayon::prelude::*;
    let mut all: Vec<Outcome> = rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Out::new(rule);
            (rule.check)(cx, &mut out);
            for (id, why) in &cx.model.coverage_gaps {
                if id == rule.id {
                    out.global(OutcomeKind::Undecided, why.clone());
                }
            }
            out.outcomes
        })
        .collect();
    all.sort_by(|a, b| {
        (
            a.resource.map(|r| cx.model.get(r).file),
            a.span.map(|s| s.start),
            a.rule.id,
            &a.attribute,
        )
            .cmp(&(
                b.resource.map(|r| cx.model.get(r).file),
                b.span.map(|s| s.start),
                b.rule.id,
                &b.attribute,
            ))
    });
    all
}

/// How to say that a value of resource `id` is not in the input: "only known after apply" for a
/// plan, "not recorded by AWS Config" for a deployed resource.
pub fn unknown_phrase(cx: &Ctx, id: ResourceId) -> &'static str {
    cx.model.get(id).origin.unknown_phrase()
}

/// Fixed-precision display of a duration in seconds ("15m", "90s", "1h30m").
pub fn human_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sorted() {
        let ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        let mut names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(900), "15m");
        assert_eq!(human_duration(5430), "1h30m30s");
    }
}
