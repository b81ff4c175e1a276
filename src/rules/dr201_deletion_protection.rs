//! DR201 deletion-protection: production databases and load balancers must be protected from
//! deletion; ephemeral stacks must not be, or they cannot be torn down.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::config::Profile;
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR201",
    name: "deletion-protection",
    family: "teardown",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

/// Resource types and their deletion-protection attribute.
const PROTECTED: &[(&str, &str)] = &[
    ("aws_rds_cluster", "deletion_protection"),
    ("aws_db_instance", "deletion_protection"),
    ("aws_rds_global_cluster", "deletion_protection"),
    ("aws_dynamodb_table", "deletion_protection_enabled"),
    ("aws_lb", "enable_deletion_protection"),
    ("aws_alb", "enable_deletion_protection"),
];

fn check(cx: &Ctx, out: &mut Out) {
    let production = cx.settings.profile == Profile::Production;
    for (rtype, attr) in PROTECTED {
        for &id in cx.model.of_type(rtype) {
            let v = cx.model.get(id).get(attr);
            match (v.tri(false), production) {
                (Tri::No, true) => out.fail(
                    cx,
                    id,
                    attr,
                    v,
                    format!("{attr} is {}: in the production profile this {rtype} must be protected from deletion", v.display()),
                ),
                (Tri::Yes, false) => out.fail(
                    cx,
                    id,
                    attr,
                    v,
                    format!("{attr} is true: in the ephemeral profile the stack must be destroyable"),
                ),
                (Tri::Unknown, _) => out.undecided(cx, id, attr, v, format!("{attr} is {}", unknown_phrase(cx, id))),
                _ => {}
            }
        }
    }
}
