//! From rule outcomes to findings: rule levels from configuration, the undecided policy,
//! waivers (configuration and `drlint:waive` tags), fingerprints. Reporters only see a [`Report`].

use crate::config::{Settings, UndecidedMode, glob_match};
use crate::model::Model;
use crate::rules::{Level, Outcome, OutcomeKind, Rule};
use crate::value::Span;

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub level: Level,
    pub outcome: OutcomeKind,
    /// Resource address (or ARN for live findings); None for findings about the whole input.
    pub resource: Option<String>,
    /// Interned, like the model's ([`crate::intern`]): a finding holds no copy of them.
    pub resource_type: Option<&'static str>,
    pub region: Option<&'static str>,
    pub construct_path: Option<String>,
    pub file: Option<usize>,
    pub span: Option<Span>,
    pub attribute: String,
    pub message: String,
    /// Where the finding is in the user's own sources (the `.tf` attribute, the CDKTF program
    /// line), when they were found; `file`/`span` stay the position in the input.
    pub source: Option<Box<crate::model::SourceRef>>,
    /// Stable across runs and unrelated changes: rule id + resource address + attribute path
    /// (+ the rule's sub-check key, [`crate::rules::Outcome::key`], when it has one). SARIF's
    /// `primaryLocationLineHash` and baselines match findings by it.
    pub fingerprint: String,
    /// Lines and columns of `span` in its input file, resolved once when the report is built
    /// (reports read these, not the input's text).
    pub location: Option<Location>,
}

/// Line/column range (1-based, columns in characters) of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// A message about the run that is not a rule finding (input warnings, waiver problems).
#[derive(Debug, Clone)]
pub struct Notice {
    pub file: Option<usize>,
    pub span: Option<Span>,
    pub message: String,
}

pub struct Report<'m, 'a> {
    pub model: &'m Model<'a>,
    pub settings: &'m Settings,
    pub findings: Vec<Finding>,
    pub waived: usize,
    pub notices: Vec<Notice>,
    /// Set by [`crate::baseline::apply`] when `--baseline` is given.
    pub baseline: Option<crate::baseline::Applied>,
}

impl Report<'_, '_> {
    pub fn line_index(&self, file: usize) -> &crate::json::LineIndex {
        self.model.file(file).line_index()
    }
    /// 1-based line and column of a byte offset in an input file.
    pub fn line_col(&self, file: usize, offset: usize) -> (usize, usize) {
        self.line_index(file)
            .line_col(&self.model.file(file).text, offset)
    }

    pub fn count(&self, level: Level, outcome: OutcomeKind) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == level && f.outcome == outcome)
            .count()
    }
    /// Findings reported at `level`, failed or undecided: what a reader sees labelled so.
    pub fn at_level(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
    pub fn undecided(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.outcome == OutcomeKind::Undecided)
            .count()
    }
    /// Exit code 1 when a finding is at or above the `--fail-on` level.
    pub fn failed(&self) -> bool {
        match self.settings.fail_on.threshold() {
            None => false,
            Some(t) => self.findings.iter().any(|f| f.level >= t),
        }
    }
}

/// 64-bit FNV-1a, printed as hex: stable across platforms and releases.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// What becomes of one outcome, decided apart from the others (none when its rule is off, or
/// when it is undecided and undecided outcomes are ignored).
struct Judged<'m, 'a> {
    /// The configured waivers that match it (expired ones too).
    used: Vec<usize>,
    /// Its resource, when a `drlint:waive` tag names the rule without a reason.
    unreasoned_tag: Option<&'m crate::model::Resource<'a>>,
    /// None when it is waived.
    finding: Option<Finding>,
}

fn judge<'m, 'a>(model: &'m Model<'a>, settings: &Settings, o: Outcome) -> Option<Judged<'m, 'a>> {
    let rule = o.rule;
    let mut level = match settings.rule_levels.get(rule.id) {
        Some(None) => return None,
        Some(Some(l)) => *l,
        None => o.level.unwrap_or(rule.level),
    };
    if o.kind == OutcomeKind::Undecided {
        match settings.undecided {
            UndecidedMode::Ignore => return None,
            UndecidedMode::Note => level = Level::Note,
            UndecidedMode::Fail => {}
        }
    }
    let res = o.resource.map(|id| model.get(id));
    let mut used = Vec::new();
    let mut unreasoned_tag = None;
    let mut is_waived = false;
    if let Some(r) = res {
        // Waivers from configuration.
        let arn = r.attrs.get("arn").str();
        for (i, w) in settings.waivers.iter().enumerate() {
            if !w.rule.eq_ignore_ascii_case(rule.id) {
                continue;
            }
            if !(glob_match(&w.resource, &r.address)
                || arn.is_some_and(|a| glob_match(&w.resource, a)))
            {
                continue;
            }
            used.push(i);
            if w.expires
                .as_deref()
                .is_some_and(|e| e < settings.today.as_str())
            {
                continue;
            }
            is_waived = true;
        }
        // Waivers from tags: drlint:waive = "DR401 DR403", drlint:reason = "...".
        if let Some(list) = r.tag("drlint:waive")
            && list
                .split_whitespace()
                .any(|x| x.eq_ignore_ascii_case(rule.id))
        {
            if r.tag("drlint:reason").is_some_and(|s| !s.trim().is_empty()) {
                is_waived = true;
            } else {
                unreasoned_tag = Some(r);
            }
        }
    }
    if is_waived {
        return Some(Judged {
            used,
            unreasoned_tag,
            finding: None,
        });
    }
    // Without a sub-check key the identity is (rule, address, attribute), as in drlint
    // 0.x, so existing alerts keep matching.
    let addr = res.map_or("", |r| r.address.as_str());
    let fp = if o.key.is_empty() {
        fingerprint(&[rule.id, addr, &o.attribute])
    } else {
        fingerprint(&[rule.id, addr, &o.attribute, &o.key])
    };
    let finding = Finding {
        rule,
        level,
        outcome: o.kind,
        resource_type: res.map(|r| r.rtype),
        region: res.and_then(|r| r.region),
        construct_path: res.and_then(|r| r.construct_path.clone()),
        file: res.map(|r| r.file),
        span: o.span,
        source: o
            .resource
            .and_then(|id| model.source_of(id, &o.attribute))
            .map(Box::new),
        resource: res.map(|r| r.address.clone()),
        attribute: o.attribute,
        message: o.message,
        fingerprint: fp,
        location: None,
    };
    Some(Judged {
        used,
        unreasoned_tag,
        finding: Some(finding),
    })
}

pub fn build<'m, 'a>(
    model: &'m Model<'a>,
    settings: &'m Settings,
    outcomes: Vec<Outcome>,
) -> Report<'m, 'a> {
    let mut notices: Vec<Notice> = model
        .warnings
        .iter()
        .map(|w| Notice {
            file: w.file,
            span: w.span,
            message: w.message.clone(),
        })
        .collect();
    // Each outcome is judged on every core (waivers, fingerprint, source location); what the
    // judgements share — which waivers were used, one notice a resource — is then taken in
    // outcome order, so the report is the same as from one core.
    let fates: Vec<Option<Judged>> = {
        use rayon::prelude::*;
        outcomes
            .into_par_iter()
            .map(|o| judge(model, settings, o))
            .collect()
    };
    let mut waiver_used = vec![false; settings.waivers.len()];
    let mut waived = 0;
    let mut tag_notice_done = std::collections::HashSet::new();
    let mut findings: Vec<Finding> = fates
        .into_iter()
        .filter_map(|fate| {
            let Judged {
                used,
                unreasoned_tag,
                finding,
            } = fate?;
            for i in used {
                waiver_used[i] = true;
            }
            if let Some(r) = unreasoned_tag
                && tag_notice_done.insert(&r.address)
            {
                notices.push(Notice {
                    file: Some(r.file),
                    span: Some(r.span),
                    message: format!(
                        "{}: tag drlint:waive is ignored because the resource has no drlint:reason tag",
                        r.address
                    ),
                });
            }
            if finding.is_none() {
                waived += 1;
            }
            finding
        })
        .collect();
    for (i, w) in settings.waivers.iter().enumerate() {
        if let Some(e) = w
            .expires
            .as_deref()
            .filter(|e| *e < settings.today.as_str())
        {
            notices.push(Notice {
                file: None,
                span: None,
                message: format!(
                    "waiver for {} on `{}` expired on {e} and no longer applies (reason was: {})",
                    w.rule, w.resource, w.reason
                ),
            });
        } else if !waiver_used[i] {
            notices.push(Notice {
                file: None,
                span: None,
                message: format!(
                    "waiver for {} on `{}` matched nothing; remove it",
                    w.rule, w.resource
                ),
            });
        }
    }
    locate(model, &mut findings);
    Report {
        model,
        settings,
        findings,
        waived,
        notices,
        baseline: None,
    }
}

/// Findings located at once: a few MB of their input's text.
const LOCATE_CHUNK: usize = 4096;

/// Sets every finding's lines and columns, on every core: each is counted from the start of its
/// 4 KiB block. The findings are taken in the order of their place in the input, a chunk at a
/// time, and the pages a chunk read are given back before the next: a pretty-printed plan's
/// resources, whose text the rules read from copies (see `read::plan`), are not all mapped
/// again to count their lines.
fn locate(model: &Model, findings: &mut [Finding]) {
    use rayon::prelude::*;
    let mut order: Vec<(usize, Span, usize)> = findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((f.file?, f.span?, i)))
        .collect();
    order.sort_unstable_by_key(|&(file, span, _)| (file, span.start));
    for chunk in order
        .chunk_by(|a, b| a.0 == b.0)
        .flat_map(|c| c.chunks(LOCATE_CHUNK))
    {
        let file = model.file(chunk[0].0);
        let (text, lines) = (&file.text, file.line_index());
        let located: Vec<(usize, Location)> = chunk
            .par_iter()
            .map(|&(_, span, i)| {
                let ((line, column), (end_line, end_column)) =
                    lines.span_line_col(text, span.start as usize, span.end as usize);
                let location = Location {
                    line,
                    column,
                    end_line,
                    end_column,
                };
                (i, location)
            })
            .collect();
        for (i, location) in located {
            findings[i].location = Some(location);
        }
        let end = chunk.iter().map(|c| c.1.end).max().unwrap_or(0);
        file.text
            .release_range(chunk[0].1.start as usize..end as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        // Pinned: fingerprints must not change between releases (GitHub code scanning matches
        // alerts by them). The values are FNV-1a 64 with 0x1f between parts, computed
        // independently of this code.
        assert_eq!(
            fingerprint(&["DR401", "aws_s3_bucket.a", "rule"]),
            "1191f93319673082"
        );
        assert_eq!(fingerprint(&["DR401", "x", ""]), "ac10e20ba696606e");
        assert_eq!(
            fingerprint(&[
                "DR401",
                "aws_s3_bucket_replication_configuration.ledger",
                "rule[0].filter"
            ]),
            "612d0692cd89f912"
        );
        assert_ne!(
            fingerprint(&["DR401", "ab", "c"]),
            fingerprint(&["DR401", "a", "bc"])
        );
        assert_eq!(fingerprint(&[""]), "cbf29ce484222325");
        // A sub-check key separates findings on one resource and attribute (DR503's routes);
        // without one the identity is the three-part one (computed independently in Python).
        assert_eq!(
            fingerprint(&[
                "DR503",
                "aws_vpc_peering_connection.ops",
                "",
                "route:accepter"
            ]),
            "f3327b09a079214d"
        );
        assert_eq!(
            fingerprint(&[
                "DR503",
                "aws_vpc_peering_connection.ops",
                "",
                "route:requester"
            ]),
            "ce357186497188fc"
        );
        assert_eq!(
            fingerprint(&["DR503", "aws_vpc_peering_connection.ops", ""]),
            "ddc18346cad17b6a"
        );
    }
}
