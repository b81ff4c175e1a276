//! DR102 name-invalid: names AWS will reject at apply time — often because the suffix made them
//! too long. Catching it in the plan saves a failed, half-applied deployment.

use super::names::name_attrs;
use super::{Ctx, Level, Out, Rule};

pub static RULE: Rule = Rule {
    id: "DR102",
    name: "name-invalid",
    family: "naming",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

fn chars_ok(s: &str, extra: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// The problem with a name, if AWS would reject it.
pub fn problem(rtype: &str, attr: &str, name: &str) -> Option<String> {
    let len = name.chars().count();
    let prefix = attr.ends_with("_prefix");
    let too_long =
        |max: usize| (len > max).then(|| format!("is {len} characters long; the limit is {max}"));
    match rtype {
        "aws_s3_bucket" => {
            if prefix {
                return too_long(37);
            }
            if !(3..=63).contains(&len) {
                return Some(format!(
                    "is {len} characters long; bucket names have 3 to 63"
                ));
            }
            if !chars_ok(name, ".-") || name.chars().any(|c| c.is_ascii_uppercase()) {
                return Some("may contain only lowercase letters, digits, dots and hyphens".into());
            }
            if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
                || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
            {
                return Some("must start and end with a letter or digit".into());
            }
            if name.contains("..") {
                return Some("must not contain two adjacent dots".into());
            }
            if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
                return Some("must not be formatted as an IP address".into());
            }
            if name.starts_with("xn--") || name.ends_with("-s3alias") || name.ends_with("--ol-s3") {
                return Some("uses a prefix or suffix reserved by S3".into());
            }
            None
        }
        "aws_lb" | "aws_alb" | "aws_lb_target_group" | "aws_alb_target_group" => {
            if prefix {
                return too_long(6);
            }
            too_long(32)
                .or_else(|| {
                    (!chars_ok(name, "-"))
                        .then(|| "may contain only letters, digits and hyphens".into())
                })
                .or_else(|| {
                    (name.starts_with('-') || name.ends_with('-'))
                        .then(|| "must not begin or end with a hyphen".into())
                })
                .or_else(|| {
                    (rtype.ends_with("lb") || rtype.ends_with("alb"))
                        .then_some(())
                        .and(
                            name.starts_with("internal-")
                                .then(|| "must not begin with `internal-`".into()),
                        )
                })
        }
        "aws_iam_role" => {
            if prefix {
                return too_long(38);
            }
            too_long(64).or_else(|| {
                (!chars_ok(name, "+=,.@_-"))
                    .then(|| "may contain only letters, digits and +=,.@_-".into())
            })
        }
        "aws_iam_policy" => too_long(if prefix { 96 } else { 128 }),
        "aws_lambda_function" => too_long(64).or_else(|| {
            (!chars_ok(name, "_-"))
                .then(|| "may contain only letters, digits, hyphens and underscores".into())
        }),
        "aws_rds_cluster"
        | "aws_db_instance"
        | "aws_rds_cluster_instance"
        | "aws_rds_global_cluster" => {
            let max = if prefix { 37 } else { 63 };
            too_long(max)
                .or_else(|| {
                    (!name.starts_with(|c: char| c.is_ascii_alphabetic()))
                        .then(|| "must start with a letter".into())
                })
                .or_else(|| {
                    (!chars_ok(name, "-") || name.chars().any(|c| c.is_ascii_uppercase()))
                        .then(|| "may contain only lowercase letters, digits and hyphens".into())
                })
                .or_else(|| {
                    name.contains("--")
                        .then(|| "must not contain two consecutive hyphens".into())
                })
                .or_else(|| {
                    (!prefix && name.ends_with('-')).then(|| "must not end with a hyphen".into())
                })
        }
        "aws_kms_alias" => {
            if prefix {
                return None;
            }
            if !name.starts_with("alias/") {
                Some("must start with `alias/`".into())
            } else if name.starts_with("alias/aws/") {
                Some("must not start with `alias/aws/` (reserved for AWS managed keys)".into())
            } else {
                too_long(256).or_else(|| {
                    (!chars_ok(name, ":/_-"))
                        .then(|| "may contain only letters, digits and :/_-".into())
                })
            }
        }
        "aws_dynamodb_table" => (!(3..=255).contains(&len))
            .then(|| format!("is {len} characters long; table names have 3 to 255"))
            .or_else(|| {
                (!chars_ok(name, "_.-")).then(|| "may contain only letters, digits and _.-".into())
            }),
        "aws_sqs_queue" => {
            let base = name.strip_suffix(".fifo").unwrap_or(name);
            too_long(80).or_else(|| {
                (!chars_ok(base, "_-")).then(|| {
                    "may contain only letters, digits, hyphens and underscores (and a final .fifo)".into()
                })
            })
        }
        "aws_sns_topic" => {
            let base = name.strip_suffix(".fifo").unwrap_or(name);
            too_long(256).or_else(|| (!chars_ok(base, "_-")).then(|| "may contain only letters, digits, hyphens and underscores (and a final .fifo)".into()))
        }
        "aws_cloudwatch_log_group" => too_long(512).or_else(|| {
            (!chars_ok(name, "._-/#")).then(|| "may contain only letters, digits and ._-/#".into())
        }),
        "aws_backup_vault" => (!(2..=50).contains(&len))
            .then(|| format!("is {len} characters long; vault names have 2 to 50"))
            .or_else(|| {
                (!chars_ok(name, "_-"))
                    .then(|| "may contain only letters, digits, hyphens and underscores".into())
            }),
        "aws_backup_plan" | "aws_backup_selection" => too_long(50).or_else(|| {
            (!chars_ok(name, "_.-")).then(|| "may contain only letters, digits and _.-".into())
        }),
        "aws_cloudwatch_event_rule" => too_long(64).or_else(|| {
            (!chars_ok(name, "._-")).then(|| "may contain only letters, digits and ._-".into())
        }),
        "aws_cloudwatch_dashboard" => too_long(255).or_else(|| {
            (!chars_ok(name, "_-"))
                .then(|| "may contain only letters, digits, hyphens and underscores".into())
        }),
        "aws_cloudwatch_metric_alarm" => too_long(255),
        "aws_secretsmanager_secret" => too_long(512).or_else(|| {
            (!chars_ok(name, "/_+=.@-"))
                .then(|| "may contain only letters, digits and /_+=.@-".into())
        }),
        "aws_sfn_state_machine" => too_long(80),
        "aws_elasticache_replication_group" => too_long(40),
        _ => None,
    }
}

fn check(cx: &Ctx, out: &mut Out) {
    for (id, r) in cx.model.resources.iter().enumerate() {
        for attr in name_attrs(r.rtype) {
            let v = r.get(attr);
            let Some(name) = v.nonempty_str() else {
                continue;
            };
            if let Some(p) = problem(r.rtype, attr, name) {
                out.fail(cx, id, attr, v, format!("{attr} {} {p}", v.display()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn aws_name_limits() {
        assert!(problem("aws_s3_bucket", "bucket", "My_Bucket").is_some());
        assert!(problem("aws_s3_bucket", "bucket", "payments-audit-dev").is_none());
        assert!(problem("aws_lb", "name", "a-very-long-application-lb-name-dev").is_some());
        assert!(problem("aws_rds_cluster", "cluster_identifier", "1db").is_some());
        assert!(problem("aws_kms_alias", "name", "payments-key").is_some());
        assert!(problem("aws_kms_alias", "name", "alias/payments-dev").is_none());
        assert!(problem("aws_lambda_function", "function_name", &"f".repeat(65)).is_some());
    }
}
