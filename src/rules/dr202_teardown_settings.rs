//! DR202 teardown-settings: ephemeral stacks must be destroyable without manual clean-up;
//! production stacks must not throw data away on destroy.

use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::config::Profile;
use crate::value::Tri;

pub static RULE: Rule = Rule {
    id: "DR202",
    name: "teardown-settings",
    family: "teardown",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

fn check(cx: &Ctx, out: &mut Out) {
    let ephemeral = cx.settings.profile == Profile::Ephemeral;
    let m = cx.model;
    // Read replicas take no final snapshot of their own.
    for id in cx.databases() {
        let v = m.get(id).get("skip_final_snapshot");
        match (v.tri(false), ephemeral) {
            (Tri::No, true) => out.fail(cx, id, "skip_final_snapshot", v, "skip_final_snapshot is not true: destroying this ephemeral database fails without a final snapshot identifier and leaves a snapshot behind"),
            (Tri::Yes, false) => out.fail(cx, id, "skip_final_snapshot", v, "skip_final_snapshot = true on a production database: destroying it keeps no final snapshot"),
            (Tri::Unknown, _) => out.undecided(cx, id, "skip_final_snapshot", v, format!("skip_final_snapshot is {}", unknown_phrase(cx, id))),
            _ => {}
        }
    }
    for (rtype, what) in [
        ("aws_s3_bucket", "bucket"),
        ("aws_backup_vault", "backup vault"),
    ] {
        for &id in m.of_type(rtype) {
            let v = m.get(id).get("force_destroy");
            match (v.tri(false), ephemeral) {
                (Tri::No, true) => out.fail(cx, id, "force_destroy", v, format!("force_destroy is not true: this ephemeral {what} cannot be destroyed while it holds objects")),
                (Tri::Yes, false) if rtype == "aws_s3_bucket" => out.fail(cx, id, "force_destroy", v, "force_destroy = true on a production bucket: `terraform destroy` deletes all of its objects"),
                (Tri::Unknown, _) => out.undecided(cx, id, "force_destroy", v, format!("force_destroy is {}", unknown_phrase(cx, id))),
                _ => {}
            }
        }
    }
    if ephemeral {
        for (id, r) in m.resources.iter().enumerate() {
            let v = r.meta().get("lifecycle").get("prevent_destroy");
            if v.bool() == Some(true) {
                out.fail(cx, id, "lifecycle.prevent_destroy", v, "lifecycle.prevent_destroy = true: `terraform destroy` refuses to destroy this ephemeral resource");
            }
        }
    }
}
