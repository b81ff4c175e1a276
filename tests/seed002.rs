//! The real known-bad input: the seed-002 CDKTF stack, synthesized (fixtures/seed002/README.md).
//! Every defect the seven families cover is reported; what is right is not.

mod common;
use common::{drlint, results};

const SEED: &str = "fixtures/seed002/cdk.tf.json";

fn lint(profile: &str) -> Vec<(String, String, String, String)> {
    let r = drlint(&[
        SEED,
        "--env-suffix",
        "dev",
        "--profile",
        profile,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut v = results(&r.stdout);
    v.sort();
    v
}

fn row(rule: &str, res: &str, attr: &str) -> (String, String, String, String) {
    (rule.into(), "fail".into(), res.into(), attr.into())
}

#[test]
fn seed002_ephemeral_reports_every_covered_defect_and_nothing_else() {
    let table = "aws_dynamodb_table.payments_table";
    let mut want = vec![
        // No customer-managed keys on the table (and its replica), buckets, topics, Lambda env.
        row("DR301", table, "server_side_encryption"),
        row("DR301", table, "replica[0].kms_key_arn"),
        row(
            "DR301",
            "aws_s3_bucket.primary_audit_bucket",
            "server_side_encryption_configuration",
        ),
        row(
            "DR301",
            "aws_s3_bucket.secondary_audit_bucket",
            "server_side_encryption_configuration",
        ),
        row(
            "DR301",
            "aws_sns_topic.primary_notification_topic",
            "kms_master_key_id",
        ),
        row(
            "DR301",
            "aws_sns_topic.secondary_notification_topic",
            "kms_master_key_id",
        ),
        row(
            "DR301",
            "aws_lambda_function.primary_payment_lambda",
            "kms_key_arn",
        ),
        row(
            "DR301",
            "aws_lambda_function.secondary_payment_lambda",
            "kms_key_arn",
        ),
        // A replication rule with a filter and no delete-marker replication.
        row(
            "DR401",
            "aws_s3_bucket_replication_configuration.bucket_replication",
            "rule[0].filter",
        ),
        // Buckets that cannot be torn down.
        row(
            "DR202",
            "aws_s3_bucket.primary_audit_bucket",
            "force_destroy",
        ),
        row(
            "DR202",
            "aws_s3_bucket.secondary_audit_bucket",
            "force_destroy",
        ),
        // A table no backup plan protects, whose replica has no PITR.
        row("DR604", table, ""),
        row("DR604", table, "replica[0].point_in_time_recovery"),
        // A records whose values are Lambda ARNs.
        row(
            "DR705",
            "aws_route53_record.primary_failover_record",
            "records[0]",
        ),
        row(
            "DR705",
            "aws_route53_record.secondary_failover_record",
            "records[0]",
        ),
        // Replication lag nobody alarms (DR804): the table's us-east-1 → us-west-2 replication
        // has no ReplicationLatency alarm (the alarms watch Lambda errors only), and the bucket
        // rule has no replication metrics, so S3 emits no ReplicationLatency at all.
        row("DR804", table, "replica[0]"),
        row(
            "DR804",
            "aws_s3_bucket_replication_configuration.bucket_replication",
            "rule[0].destination.metrics",
        ),
        // The bucket replicates without RTC: typically 15 minutes, no bound, beyond the 5-minute
        // RPO objective (DR901). The table's eventually consistent replica is typically within
        // a second and is not a failure without --strict-objectives.
        row("DR901", "aws_s3_bucket.primary_audit_bucket", "bucket"),
        // The health check reads a Lambda-errors alarm's missing data as healthy (DR807).
        row(
            "DR807",
            "aws_route53_health_check.primary_health_check",
            "insufficient_data_health_status",
        ),
    ];
    want.sort();
    let got = lint("ephemeral");
    assert_eq!(got, want);
    // Right things are not reported: the failover pair is complete and its PRIMARY has a health
    // check; both buckets are versioned; replication crosses regions; names carry the suffix;
    // the table has its replica in the DR region (DR803). No Aurora (DR801, DR802) and no backup
    // selection (DR808): nothing for those to report, not even undecided.
    for rule in [
        "DR701", "DR702", "DR403", "DR402", "DR101", "DR102", "DR103", "DR801", "DR802", "DR803",
        "DR808",
    ] {
        assert!(
            !got.iter().any(|r| r.0 == rule),
            "{rule} must not fire on seed 002"
        );
    }
}

#[test]
fn seed002_production_profile_swaps_teardown_for_deletion_protection() {
    let got = lint("production");
    assert!(got.contains(&row(
        "DR201",
        "aws_dynamodb_table.payments_table",
        "deletion_protection_enabled"
    )));
    assert!(!got.iter().any(|r| r.0 == "DR202"), "{got:?}");
}

#[test]
fn seed002_human_report_shows_snippets_and_inferred_regions() {
    let r = drlint(&[
        SEED,
        "--env-suffix",
        "dev",
        "--profile",
        "ephemeral",
        "--color",
        "never",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("error[DR401 crr-delete-markers]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("fixtures/seed002/cdk.tf.json:"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("\"${aws_lambda_function.primary_payment_lambda.arn}\"")
    );
    assert!(
        r.stdout
            .contains("drlint: 19 errors, 0 warnings, 0 notes in 21 resources across 1 file")
    );
    assert!(
        r.stdout
            .contains("primary region: us-east-1 (inferred: region of provider alias `primary`)")
    );
    assert!(
        r.stdout
            .contains("DR region: us-west-2 (inferred: region of provider alias `secondary`)")
    );
}
