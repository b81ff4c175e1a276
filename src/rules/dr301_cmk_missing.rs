//! DR301 cmk-missing: data at rest is encrypted with a customer-managed KMS key, so the DR team
//! controls the key policy, its replicas in the DR region, and its lifecycle.

use super::kms::{Protection, TYPES, at_rest};
use super::{Ctx, Level, Out, Rule, Shared};

pub static RULE: Rule = Rule {
    id: "DR301",
    name: "cmk-missing",
    family: "encryption",
    level: Level::Error,
    security_severity: Some(8.0),
    needs: &[],
    shared: &[Shared::S3],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let s3 = cx.s3();
    for id in cx.model.of_types(TYPES) {
        for a in at_rest(cx, s3, id) {
            match a.protection {
                Protection::Key(_) => {}
                Protection::NoCmk(why) => out.fail(cx, a.owner, &a.attribute, a.at, why),
                Protection::Unknown(why) => out.undecided(cx, a.owner, &a.attribute, a.at, why),
            }
        }
    }
}
