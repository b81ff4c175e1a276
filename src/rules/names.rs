//! Name-like attributes per resource type, shared by DR101–DR103, and names built from
//! interpolations whose parts are known.

use super::Ctx;
use crate::model::{Origin, ResourceId, traversal_attribute};
use crate::value::{Kind, Value};

/// Resource types and the attributes that name them. DNS names (Route 53 records and zones) are
/// domain names chosen by the organisation, not resource names, and are not listed.
pub const NAME_ATTRS: &[(&str, &[&str])] = &[
    ("aws_s3_bucket", &["bucket", "bucket_prefix"]),
    ("aws_dynamodb_table", &["name"]),
    ("aws_lambda_function", &["function_name"]),
    (
        "aws_rds_cluster",
        &["cluster_identifier", "cluster_identifier_prefix"],
    ),
    (
        "aws_rds_cluster_instance",
        &["identifier", "identifier_prefix"],
    ),
    ("aws_db_instance", &["identifier", "identifier_prefix"]),
    ("aws_rds_global_cluster", &["global_cluster_identifier"]),
    ("aws_db_subnet_group", &["name", "name_prefix"]),
    ("aws_db_parameter_group", &["name", "name_prefix"]),
    ("aws_rds_cluster_parameter_group", &["name", "name_prefix"]),
    ("aws_cloudwatch_metric_alarm", &["alarm_name"]),
    ("aws_cloudwatch_composite_alarm", &["alarm_name"]),
    ("aws_cloudwatch_dashboard", &["dashboard_name"]),
    ("aws_kms_alias", &["name", "name_prefix"]),
    ("aws_cloudwatch_log_group", &["name", "name_prefix"]),
    ("aws_sns_topic", &["name", "name_prefix"]),
    ("aws_sqs_queue", &["name", "name_prefix"]),
    ("aws_iam_role", &["name", "name_prefix"]),
    ("aws_iam_policy", &["name", "name_prefix"]),
    ("aws_iam_instance_profile", &["name", "name_prefix"]),
    ("aws_lb", &["name", "name_prefix"]),
    ("aws_alb", &["name", "name_prefix"]),
    ("aws_lb_target_group", &["name", "name_prefix"]),
    ("aws_alb_target_group", &["name", "name_prefix"]),
    ("aws_backup_vault", &["name"]),
    ("aws_backup_plan", &["name"]),
    ("aws_backup_selection", &["name"]),
    ("aws_secretsmanager_secret", &["name", "name_prefix"]),
    ("aws_ssm_parameter", &["name"]),
    ("aws_ssm_document", &["name"]),
    ("aws_sfn_state_machine", &["name", "name_prefix"]),
    ("aws_cloudwatch_event_rule", &["name", "name_prefix"]),
    ("aws_cloudwatch_event_bus", &["name"]),
    ("aws_security_group", &["name", "name_prefix"]),
    ("aws_ecs_cluster", &["name"]),
    ("aws_ecs_service", &["name"]),
    ("aws_eks_cluster", &["name"]),
    ("aws_ecr_repository", &["name"]),
    (
        "aws_elasticache_replication_group",
        &["replication_group_id"],
    ),
    ("aws_api_gateway_rest_api", &["name"]),
    ("aws_apigatewayv2_api", &["name"]),
    ("aws_wafv2_web_acl", &["name"]),
    ("aws_efs_file_system", &["creation_token"]),
];

pub fn name_attrs(rtype: &str) -> &'static [&'static str] {
    // Three rules ask this of every resource: a hash lookup, not a scan of the whole table.
    static BY_TYPE: std::sync::OnceLock<
        std::collections::HashMap<&str, &[&str], foldhash::fast::FixedState>,
    > = std::sync::OnceLock::new();
    BY_TYPE
        .get_or_init(|| NAME_ATTRS.iter().rev().copied().collect())
        .get(rtype)
        .copied()
        .unwrap_or(&[])
}

/// Tokens of a name: runs of letters and digits.
pub fn tokens(name: &str) -> impl Iterator<Item = &str> {
    // A byte scan: every byte of a non-ASCII character is a delimiter too, so the tokens are
    // those of a split on characters, and each cut is on a character boundary.
    let b = name.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        (start < i).then(|| &name[start..i])
    })
}

/// True when `name` contains `suffix` as a delimited token (case-insensitive). A suffix that
/// itself contains delimiters (`pr-42`) must appear as that run of tokens.
pub fn has_token(name: &str, suffix: &str) -> bool {
    let mut want = tokens(suffix);
    let Some(first) = want.next() else {
        return false;
    };
    // The usual one-token suffix: no lists to collect.
    if want.next().is_none() {
        return tokens(name).any(|t| t.eq_ignore_ascii_case(first));
    }
    let want: Vec<&str> = tokens(suffix).collect();
    // Compared without case, as lowercased copies of both would be (no copy is made).
    let have: Vec<&str> = tokens(name).collect();
    have.windows(want.len())
        .any(|w| w.iter().zip(&want).all(|(h, x)| h.eq_ignore_ascii_case(x)))
}

/// What is known of a name that is not a literal.
#[derive(Debug, PartialEq)]
pub enum Built {
    /// Terraform JSON `"/aws/lambda/${aws_lambda_function.f.function_name}"` with every
    /// interpolated attribute known: the whole name.
    Whole(String),
    /// A plan value known only after apply whose configuration expression references exactly one
    /// resource attribute with a known value: that part (the template around it is not in plans).
    Part(String),
    /// Why the name cannot be built.
    Unknown(String),
}

/// How deep interpolated names are followed (a name built from a name built from …).
const MAX_DEPTH: usize = 4;

/// The known parts of a name that is an expression: see [`Built`].
pub fn build(cx: &Ctx, id: ResourceId, v: &Value) -> Built {
    build_at(cx, id, v, 0)
}

fn build_at(cx: &Ctx, id: ResourceId, v: &Value, depth: usize) -> Built {
    let m = cx.model;
    let r = m.get(id);
    let phrase = r.origin.unknown_phrase();
    if let Kind::Str(s) = v.kind() {
        return Built::Whole(s.to_string());
    }
    let Kind::Unknown(u) = v.kind() else {
        return Built::Unknown(format!("it is {phrase}"));
    };
    if depth >= MAX_DEPTH {
        return Built::Unknown("it is built from names nested too deep to follow".into());
    }
    match r.origin {
        Origin::TerraformJson => {
            let text = &m.file(r.file).text;
            let Some(template) = text
                .get(v.span().range())
                .and_then(|raw| serde_json::from_str::<String>(raw).ok())
            else {
                return Built::Unknown(format!("it is {phrase}"));
            };
            interpolate(cx, id, &template, depth)
        }
        Origin::Plan => {
            let mut parts: Vec<(ResourceId, &str)> = Vec::new();
            for t in &u.refs {
                let Some(attr) = traversal_attribute(t) else {
                    continue;
                };
                for to in m.resolve_ref(id, t) {
                    if !parts.contains(&(to, attr)) {
                        parts.push((to, attr));
                    }
                }
            }
            match parts.as_slice() {
                [(to, attr)] => match m.get(*to).get(attr).str() {
                    Some(s) => Built::Part(s.to_string()),
                    None => Built::Unknown(format!(
                        "it is {phrase}, and so is the {attr} of {} it references",
                        m.get(*to).address
                    )),
                },
                _ => Built::Unknown(format!("it is {phrase}")),
            }
        }
        _ => Built::Unknown(format!("it is {phrase}")),
    }
}

/// Expands the `${...}` parts of a Terraform JSON template whose expressions are plain resource
/// references with known values.
fn interpolate(cx: &Ctx, id: ResourceId, template: &str, depth: usize) -> Built {
    let m = cx.model;
    let mut out = String::new();
    let mut rest = template;
    while let Some(p) = rest.find(['$', '%']) {
        let (lit, tail) = rest.split_at(p);
        out.push_str(lit);
        if let Some(t) = tail
            .strip_prefix("$${")
            .or_else(|| tail.strip_prefix("%%{"))
        {
            out.push_str(&tail[1..3]); // an escaped `${` / `%{`
            rest = t;
            continue;
        }
        if tail.starts_with("%{") {
            return Built::Unknown("it uses a template directive (%{...})".into());
        }
        let Some(body) = tail.strip_prefix("${") else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
            continue;
        };
        let Some(end) = body.find('}') else {
            return Built::Unknown("its interpolation is not closed".into());
        };
        let expr = body[..end].trim();
        let plain = !expr.is_empty()
            && expr
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
        let attr = traversal_attribute(expr).filter(|_| plain);
        let Some(attr) = attr else {
            return Built::Unknown(format!(
                "`${{{expr}}}` is not a plain reference to a resource attribute"
            ));
        };
        let to = m.resolve_ref(id, expr);
        let [to] = to.as_slice() else {
            return Built::Unknown(format!("`{expr}` does not name one resource of the input"));
        };
        match build_at(cx, *to, m.get(*to).get(attr), depth + 1) {
            Built::Whole(s) => out.push_str(&s),
            _ => {
                return Built::Unknown(format!(
                    "the {attr} of {} it interpolates is not known",
                    m.get(*to).address
                ));
            }
        }
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Built::Whole(out)
}

/// True when `part` carries `suffix` as a delimited token *inside* it (a delimiter on both
/// sides within `part`), so no text a template puts around `part` can glue onto the token.
pub fn has_inner_token(part: &str, suffix: &str) -> bool {
    let lower = part.to_ascii_lowercase();
    let want = suffix.to_ascii_lowercase();
    if want.is_empty() {
        return false;
    }
    let delim = |c: Option<char>| c.is_some_and(|c| !c.is_ascii_alphanumeric());
    lower.match_indices(&want).any(|(i, _)| {
        delim(lower[..i].chars().next_back()) && delim(lower[i + want.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_at_every_non_alphanumeric_character() {
        let t: Vec<&str> = tokens("--pay_ments.é3-Prod日本x").collect();
        assert_eq!(t, ["pay", "ments", "3", "Prod", "x"]);
        assert_eq!(tokens("").count(), 0);
        assert_eq!(tokens("-/é").count(), 0);
        assert!(has_token("payments-PERF-fn", "perf"));
        assert!(!has_token("payments-perfx-fn", "perf"));
        assert!(has_token("app-pr-42-x", "PR-42"));
        assert!(!has_token("app-pr-43-42", "pr-42"));
        assert!(!has_token("app", "--"));
    }

    #[test]
    fn inner_tokens() {
        assert!(has_inner_token("payments-test-fn", "test"));
        assert!(has_inner_token("/payments/test/", "TEST"));
        assert!(!has_inner_token("payments-fn-test", "test"));
        assert!(!has_inner_token("test-payments", "test"));
        assert!(!has_inner_token("payments-testing-x", "test"));
    }

    #[test]
    fn suffix_tokens() {
        assert!(has_token("payments-table-dev", "dev"));
        assert!(has_token("payments_dev_table", "DEV"));
        assert!(has_token("alias/app-key-pr-42", "pr-42"));
        assert!(!has_token("payments-devtable", "dev"));
        assert!(!has_token("development-table", "dev"));
    }
}
