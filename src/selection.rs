//! Which rules run, at which level: `select` / `ignore` (flags and `drlint.toml`), `[rules.X]
//! level`, and the rule ids of waivers, checked against the rule registry.
//!
//! This is the one place that sees both the configuration and the registry, so that
//! `config` does not depend on `rules`.
//!
//! Semantics follow ruff: `select` picks the enabled set (default: all rules), `ignore` removes
//! from it, and `[rules.X] level = "off"` disables a rule too. A `--select` flag replaces the
//! file's `select` and drops the file's `ignore` (a later `select` starts over, as in ruff); a
//! `--ignore` flag adds to whatever is ignored. Disabled rules do not run at all.
//!
//! A selector is a rule id (`DR401`), an id prefix (`DR4` = every DR4xx rule, `DR` or `ALL` =
//! every rule), a rule name (`crr-delete-markers`) or a family (`replication`); matching ignores
//! case.

use crate::config::FileConfig;
use crate::level::Level;
use crate::rules::{self, Rule};
use std::collections::BTreeMap;

/// The outcome of rule selection.
#[derive(Debug)]
pub struct Selection {
    /// Rules that run, in id order.
    pub enabled: Vec<&'static Rule>,
    /// `[rules.X] level` by canonical rule id (`None` = off).
    pub levels: BTreeMap<String, Option<Level>>,
    /// The canonical rule id of each waiver, in file order.
    pub waiver_rules: Vec<&'static str>,
}

/// Rules a selector names, or an error with the nearest valid selector.
pub fn resolve_selector(sel: &str) -> Result<Vec<&'static Rule>, String> {
    let s = sel.trim();
    if s.eq_ignore_ascii_case("all") {
        return Ok(rules::ALL.to_vec());
    }
    if let Some(r) = rules::ALL
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(s) || r.name.eq_ignore_ascii_case(s))
    {
        return Ok(vec![r]);
    }
    let family: Vec<&'static Rule> = rules::ALL
        .iter()
        .copied()
        .filter(|r| r.family.eq_ignore_ascii_case(s))
        .collect();
    if !family.is_empty() {
        return Ok(family);
    }
    let upper = s.to_ascii_uppercase();
    if upper.starts_with("DR") && upper[2..].chars().all(|c| c.is_ascii_digit()) {
        let prefixed: Vec<&'static Rule> = rules::ALL
            .iter()
            .copied()
            .filter(|r| r.id.starts_with(&upper))
            .collect();
        if !prefixed.is_empty() {
            return Ok(prefixed);
        }
    }
    Err(unknown_message("rule selector", s))
}

/// A rule by id or name, case-insensitively.
pub fn find_rule(s: &str) -> Option<&'static Rule> {
    let s = s.trim();
    rules::ALL
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(s) || r.name.eq_ignore_ascii_case(s))
}

/// The nearest rule id, name or family to `s`, for "did you mean" messages.
pub fn nearest(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let mut best: Option<(f64, String)> = None;
    let mut consider = |cand: String, shown: String| {
        let score = strsim::normalized_damerau_levenshtein(&lower, &cand.to_ascii_lowercase());
        if score > best.as_ref().map_or(0.0, |b| b.0) {
            best = Some((score, shown));
        }
    };
    for r in rules::ALL {
        consider(r.id.to_string(), format!("{} ({})", r.id, r.name));
        consider(r.name.to_string(), format!("{} ({})", r.id, r.name));
        consider(
            r.family.to_string(),
            format!("{} (a rule family)", r.family),
        );
    }
    best.filter(|b| b.0 >= 0.5).map(|b| b.1)
}

/// "no rule selector `X`; did you mean DR401 (crr-delete-markers)?"
pub fn unknown_message(what: &str, s: &str) -> String {
    match nearest(s) {
        Some(n) => format!("no {what} `{s}`; did you mean {n}? (`drlint rules` lists them)"),
        None => format!("no {what} `{s}` (`drlint rules` lists the rules)"),
    }
}

/// Resolves the enabled rules and checks every rule id the configuration names.
/// `flag_select` / `flag_ignore` are `--select` / `--ignore` (empty when not given).
/// Errors are full messages; the caller adds the file name where needed.
pub fn resolve(
    file: &FileConfig,
    cfg_name: &str,
    flag_select: &[String],
    flag_ignore: &[String],
) -> Result<Selection, String> {
    let in_file = |m: String| format!("{cfg_name}: {m}");
    let pick = |sels: &[String], origin: &dyn Fn(String) -> String| {
        let mut out: Vec<&'static Rule> = Vec::new();
        for s in sels {
            out.extend(resolve_selector(s).map_err(origin)?);
        }
        Ok::<_, String>(out)
    };
    let flag = |m: String| m;
    let (mut enabled, mut ignored) = if !flag_select.is_empty() {
        (pick(flag_select, &flag)?, Vec::new())
    } else {
        let sel = match &file.select {
            Some(s) => pick(s, &|m| in_file(format!("select: {m}")))?,
            None => rules::ALL.to_vec(),
        };
        (
            sel,
            pick(&file.ignore, &|m| in_file(format!("ignore: {m}")))?,
        )
    };
    // Validate the file's lists even when a flag overrides them, so a typo never hides.
    if !flag_select.is_empty() {
        if let Some(s) = &file.select {
            pick(s, &|m| in_file(format!("select: {m}")))?;
        }
        pick(&file.ignore, &|m| in_file(format!("ignore: {m}")))?;
    }
    ignored.extend(pick(flag_ignore, &flag)?);
    let mut levels = BTreeMap::new();
    for (id, rc) in &file.rules {
        let Some(rule) = find_rule(id) else {
            return Err(in_file(format!(
                "[rules.{id}]: {}",
                unknown_message("rule", id)
            )));
        };
        if let Some(l) = &rc.level {
            let level =
                Level::parse_setting(l).map_err(|m| in_file(format!("[rules.{id}] {m}")))?;
            if level.is_none() {
                ignored.push(rule);
            }
            levels.insert(rule.id.to_string(), level);
        }
    }
    let mut waiver_rules = Vec::new();
    for w in &file.waivers {
        match find_rule(&w.rule) {
            Some(r) => waiver_rules.push(r.id),
            None => {
                return Err(in_file(format!(
                    "waiver for {}: {}",
                    w.rule,
                    unknown_message("rule", &w.rule)
                )));
            }
        }
    }
    enabled.retain(|r| !ignored.iter().any(|i| i.id == r.id));
    enabled.sort_by_key(|r| r.id);
    enabled.dedup_by_key(|r| r.id);
    Ok(Selection {
        enabled,
        levels,
        waiver_rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&Rule]) -> Vec<&'static str> {
        v.iter().map(|r| r.id).collect()
    }

    #[test]
    fn selectors() {
        assert_eq!(ids(&resolve_selector("dr401").unwrap()), ["DR401"]);
        assert_eq!(
            ids(&resolve_selector("crr-delete-markers").unwrap()),
            ["DR401"]
        );
        assert!(
            ids(&resolve_selector("DR4").unwrap())
                .iter()
                .all(|i| i.starts_with("DR4"))
        );
        assert_eq!(resolve_selector("ALL").unwrap().len(), rules::ALL.len());
        let e = resolve_selector("DR4O1").unwrap_err();
        assert!(e.contains("did you mean DR401"), "{e}");
    }

    #[test]
    fn select_then_ignore() {
        let f = crate::config::parse_file(
            "d",
            "select = [\"DR4\"]\nignore = [\"DR402\"]\n[rules.DR403]\nlevel = \"off\"\n",
        )
        .unwrap();
        let s = resolve(&f, "d", &[], &[]).unwrap();
        assert_eq!(ids(&s.enabled), ["DR401", "DR404"]);
        // A --select flag starts over; --ignore adds.
        let s = resolve(&f, "d", &["DR40".into()], &["DR401".into()]).unwrap();
        assert_eq!(ids(&s.enabled), ["DR402", "DR404"]);
    }
}
