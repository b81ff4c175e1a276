//! DR101 env-suffix-missing: every named resource carries the environment suffix as a token, so
//! parallel environments (and a DR rehearsal next to production) never collide.

use super::names::{Built, build, has_inner_token, has_token, name_attrs};
use super::{Ctx, Level, Out, OutcomeKind, Rule, unknown_phrase};
use crate::value::Kind;

pub static RULE: Rule = Rule {
    id: "DR101",
    name: "env-suffix-missing",
    family: "naming",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let Some(suffix) = cx.settings.env_suffix.as_deref() else {
        out.global(
            OutcomeKind::Undecided,
            "no environment suffix is configured or inferable, so names cannot be checked: set `environment_suffix` in drlint.toml or pass --env-suffix",
        );
        return;
    };
    for (id, r) in cx.model.resources.iter().enumerate() {
        let attrs = name_attrs(r.rtype);
        if attrs.is_empty() {
            continue;
        }
        let mut any_set = false;
        for attr in attrs {
            let v = r.get(attr);
            match v.kind() {
                Kind::Str(name) if !name.is_empty() => {
                    any_set = true;
                    if !has_token(name, suffix) {
                        out.fail(
                            cx,
                            id,
                            attr,
                            v,
                            format!("{attr} {} does not contain the environment suffix `{suffix}` as a delimited token", v.display()),
                        );
                    }
                }
                Kind::Unknown(u) if u.configured => {
                    any_set = true;
                    match build(cx, id, v) {
                        Built::Whole(name) if has_token(&name, suffix) => {}
                        Built::Whole(name) => out.fail(
                            cx,
                            id,
                            attr,
                            v,
                            format!("{attr} is built as `{name}`, which does not contain the environment suffix `{suffix}` as a delimited token"),
                        ),
                        Built::Part(part) if has_inner_token(&part, suffix) => {}
                        Built::Part(part) => out.undecided(
                            cx,
                            id,
                            attr,
                            v,
                            format!(
                                "{attr} is {}: it is built from `{part}`, but the plan does not record the text around it, so whether the suffix `{suffix}` stays a delimited token cannot be checked",
                                unknown_phrase(cx, id)
                            ),
                        ),
                        Built::Unknown(why) if why == format!("it is {}", unknown_phrase(cx, id)) => out.undecided(
                            cx,
                            id,
                            attr,
                            v,
                            format!(
                                "{attr} is {}, so the suffix `{suffix}` cannot be checked",
                                unknown_phrase(cx, id)
                            ),
                        ),
                        Built::Unknown(why) => out.undecided(
                            cx,
                            id,
                            attr,
                            v,
                            format!("{attr} cannot be built: {why}, so the suffix `{suffix}` cannot be checked"),
                        ),
                    }
                }
                _ => {}
            }
        }
        if !any_set {
            out.fail(
                cx,
                id,
                attrs[0],
                r.get(attrs[0]),
                format!("no {} is set, so Terraform or AWS will generate a name without the suffix `{suffix}`", attrs[0]),
            );
        }
    }
}
