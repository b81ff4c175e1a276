//! DR303 cmk-rotation-disabled: symmetric customer-managed keys rotate automatically.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR303",
    name: "cmk-rotation-disabled",
    family: "encryption",
    level: Level::Warning,
    security_severity: Some(5.0),
    needs: &["aws_kms_key"],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    for &id in cx.model.of_type("aws_kms_key") {
        let r = cx.model.get(id);
        let spec = r
            .get("customer_master_key_spec")
            .str()
            .or(r.get("key_spec").str())
            .unwrap_or("SYMMETRIC_DEFAULT");
        let usage = r.get("key_usage").str().unwrap_or("ENCRYPT_DECRYPT");
        if spec != "SYMMETRIC_DEFAULT" || usage != "ENCRYPT_DECRYPT" {
            continue;
        }
        let v = r.get("enable_key_rotation");
        match v.tri(false) {
            Tri::No => out.fail(
                cx,
                id,
                "enable_key_rotation",
                v,
                "enable_key_rotation is not true on a symmetric customer-managed key",
            ),
            Tri::Unknown => out.undecided(
                cx,
                id,
                "enable_key_rotation",
                v,
                format!("enable_key_rotation is {}", unknown_phrase(cx, id)),
            ),
            Tri::Yes => {}
        }
    }
}
