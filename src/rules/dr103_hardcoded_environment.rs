//! DR103 hardcoded-environment: names must not bake in an environment word or an account id;
//! the same code is deployed as several environments and into several accounts.

use super::names::{name_attrs, tokens};
use super::{Ctx, Level, Out, Rule};

pub static RULE: Rule = Rule {
    id: "DR103",
    name: "hardcoded-environment",
    family: "naming",
    level: Level::Warning,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

const ENV_WORDS: &[&str] = &[
    "prod",
    "production",
    "dev",
    "development",
    "stage",
    "staging",
];

fn check(cx: &Ctx, out: &mut Out) {
    let suffix: Vec<String> = cx
        .settings
        .env_suffix
        .as_deref()
        .map(|s| tokens(s).map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    for (id, r) in cx.model.resources.iter().enumerate() {
        for attr in name_attrs(r.rtype) {
            let v = r.get(attr);
            let Some(name) = v.nonempty_str() else {
                continue;
            };
            for t in tokens(name) {
                // Never quote part of a sensitive value.
                let shown = || {
                    if v.sensitive() {
                        String::new()
                    } else {
                        format!(" `{t}`")
                    }
                };
                // The words and the suffix tokens are lowercase: compared without case.
                let what = if ENV_WORDS.iter().any(|w| t.eq_ignore_ascii_case(w))
                    && !suffix.iter().any(|s| t.eq_ignore_ascii_case(s))
                {
                    format!(
                        "the environment word{}; use the environment suffix instead",
                        shown()
                    )
                } else if t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()) {
                    format!("what looks like an AWS account id{}", shown())
                } else {
                    continue;
                };
                out.fail(
                    cx,
                    id,
                    attr,
                    v,
                    format!("{attr} {} hard-codes {what}", v.display()),
                );
                break;
            }
        }
    }
}
