//! Name-like attributes per resource type, shared by DR101–DR103.

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
    NAME_ATTRS
        .iter()
        .find(|(t, _)| *t == rtype)
        .map_or(&[], |(_, a)| a)
}

/// Tokens of a name: runs of letters and digits.
pub fn tokens(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// True when `name` contains `suffix` as a delimited token (case-insensitive). A suffix that
/// itself contains delimiters (`pr-42`) must appear as that run of tokens.
pub fn has_token(name: &str, suffix: &str) -> bool {
    let want: Vec<String> = tokens(suffix).map(str::to_ascii_lowercase).collect();
    if want.is_empty() {
        return false;
    }
    let have: Vec<String> = tokens(name).map(str::to_ascii_lowercase).collect();
    have.windows(want.len()).any(|w| w == want.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_tokens() {
        assert!(has_token("payments-table-dev", "dev"));
        assert!(has_token("payments_dev_table", "DEV"));
        assert!(has_token("alias/app-key-pr-42", "pr-42"));
        assert!(!has_token("payments-devtable", "dev"));
        assert!(!has_token("development-table", "dev"));
    }
}
