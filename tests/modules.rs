//! References across module boundaries, on modular plans (fixtures/modules/README.md): module
//! outputs are followed into the module, `var.*` inside a module out to the module call's
//! expression, at any depth and per module instance. Each family has a plan where the chain
//! leads to a correct resource (no finding), one where it leads to a wrong one (the rule fails on
//! it), and one where it ends in something unknown (undecided, saying where it ended).

mod common;
use common::drlint;

/// (rule, outcome, resource, attribute, message) of the results of the given rules.
type Row = (String, String, String, String, String);

fn lint(file: &str, extra: &[&str], rules: &[&str]) -> Vec<Row> {
    let mut args = vec![
        file,
        "--env-suffix",
        "test",
        "--profile",
        "production",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let r = drlint(&args);
    assert!(
        r.code == 0 || r.code == 1,
        "{file}: exit {}: {}",
        r.code,
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
    let mut rows: Vec<Row> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| rules.contains(&x["rule_id"].as_str().unwrap()))
        .map(|x| {
            (
                s(&x["rule_id"]),
                s(&x["outcome"]),
                s(&x["resource"]),
                s(&x["attribute"]),
                s(&x["message"]),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The (rule, outcome, resource, attribute) of each row.
fn keys(rows: &[Row]) -> Vec<(&str, &str, &str, &str)> {
    rows.iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str(), r.3.as_str()))
        .collect()
}

const CRR: &[&str] = &["DR401", "DR402", "DR403", "DR404"];
const PRIMARY_BUCKET: &str = "module.primary.aws_s3_bucket.this";

#[test]
fn replication_between_module_buckets_is_followed() {
    // Before: DR402 failed the primary bucket ("no replication rule to another region") and
    // DR403 left the destination's versioning undecided.
    let rows = lint("fixtures/modules/replication/pass.json", &[], CRR);
    assert_eq!(rows, Vec::<Row>::new());
}

#[test]
fn replication_configured_inside_a_module_from_nested_module_outputs() {
    // var.source_bucket_id (module.replication) → module.storage.bucket_id (root) →
    // module.bucket.bucket_id (module.storage) → aws_s3_bucket.this.id.
    let rows = lint("fixtures/modules/replication/nested.json", &[], CRR);
    assert_eq!(rows, Vec::<Row>::new());
}

#[test]
fn replication_to_a_module_bucket_in_the_same_region_fails_dr402() {
    let rows = lint(
        "fixtures/modules/replication/fail-same-region.json",
        &[],
        CRR,
    );
    assert_eq!(
        keys(&rows),
        vec![("DR402", "fail", PRIMARY_BUCKET, "replication")]
    );
    assert!(
        rows[0].4.contains("only replicates within us-east-1"),
        "{}",
        rows[0].4
    );
}

#[test]
fn versioning_of_a_module_destination_is_decided() {
    let rows = lint(
        "fixtures/modules/replication/fail-versioning.json",
        &[],
        CRR,
    );
    assert_eq!(
        keys(&rows),
        vec![(
            "DR403",
            "fail",
            "module.replica[0].aws_s3_bucket_versioning.this",
            "versioning_configuration[0].status"
        )]
    );
    assert!(
        rows[0]
            .4
            .contains("replication destination module.replica[0].aws_s3_bucket.this"),
        "{}",
        rows[0].4
    );
}

#[test]
fn replication_to_a_looked_up_bucket_stays_undecided() {
    let rows = lint("fixtures/modules/replication/unknown.json", &[], CRR);
    assert_eq!(
        keys(&rows),
        vec![
            ("DR402", "undecided", PRIMARY_BUCKET, "replication"),
            (
                "DR403",
                "undecided",
                "aws_s3_bucket_replication_configuration.crr",
                "rule[0].destination[0].bucket"
            ),
        ]
    );
    for r in &rows {
        assert!(
            r.4.contains(
                "`module.replica[0].bucket_arn`, which leads to `data.aws_s3_bucket.this.arn` (a data source)"
            ),
            "{}",
            r.4
        );
    }
}

const KEYS: &[&str] = &["DR301", "DR302"];
const TABLES: [&str; 2] = [
    r#"module.store["orders"].module.table.aws_dynamodb_table.this"#,
    r#"module.store["payments"].module.table.aws_dynamodb_table.this"#,
];

#[test]
fn key_from_a_module_output_passed_down_two_modules_is_in_the_right_region() {
    let rows = lint("fixtures/modules/keys/pass.json", &[], KEYS);
    assert_eq!(rows, Vec::<Row>::new());
}

#[test]
fn key_from_a_module_in_the_other_region_fails_dr302_for_each_instance() {
    let rows = lint("fixtures/modules/keys/fail-region.json", &[], KEYS);
    assert_eq!(
        keys(&rows),
        TABLES
            .iter()
            .map(|t| ("DR302", "fail", *t, "server_side_encryption"))
            .collect::<Vec<_>>()
    );
    for r in &rows {
        assert!(
            r.4.contains(
                "the key module.keys.aws_kms_key.this is in us-east-1 but the data is in us-west-2"
            ),
            "{}",
            r.4
        );
    }
}

#[test]
fn key_from_a_data_source_through_module_inputs_stays_undecided() {
    let rows = lint("fixtures/modules/keys/unknown.json", &[], KEYS);
    assert_eq!(
        keys(&rows),
        TABLES
            .iter()
            .map(|t| ("DR302", "undecided", *t, "server_side_encryption"))
            .collect::<Vec<_>>()
    );
    for r in &rows {
        assert!(
            r.4.contains(
                "`var.kms_key_arn`, which leads to `data.aws_kms_key.shared.arn` (a data source)"
            ),
            "{}",
            r.4
        );
    }
}

#[test]
fn cyclic_module_references_end_undecided() {
    // Terraform rejects such a configuration; drlint must still end, and not guess.
    let rows = lint("fixtures/modules/keys/cycle.json", &[], KEYS);
    assert_eq!(
        keys(&rows),
        TABLES
            .iter()
            .map(|t| ("DR302", "undecided", *t, "server_side_encryption"))
            .collect::<Vec<_>>()
    );
    assert!(rows[0].4.contains("form a cycle"), "{}", rows[0].4);
}

const BACKUP: &[&str] = &["DR602", "DR604"];

#[test]
fn backup_vault_and_clusters_from_modules_are_followed() {
    let rows = lint("fixtures/modules/backup/pass.json", &[], BACKUP);
    assert_eq!(rows, Vec::<Row>::new());
}

#[test]
fn backup_copy_to_a_module_vault_in_the_same_region_and_an_unselected_instance_fail() {
    let rows = lint("fixtures/modules/backup/fail.json", &[], BACKUP);
    assert_eq!(
        keys(&rows),
        vec![
            (
                "DR602",
                "fail",
                "aws_backup_plan.daily",
                "rule[0].copy_action"
            ),
            // `module.db[0].cluster_arn` selects instance 0 only.
            ("DR604", "fail", "module.db[1].aws_rds_cluster.this", ""),
        ]
    );
    assert!(
        rows[0].4.contains("the plan's own region us-east-1"),
        "{}",
        rows[0].4
    );
}

#[test]
fn backup_references_ending_in_a_local_or_data_source_stay_undecided() {
    let rows = lint("fixtures/modules/backup/unknown.json", &[], BACKUP);
    assert_eq!(
        keys(&rows),
        vec![
            (
                "DR602",
                "undecided",
                "aws_backup_plan.daily",
                "rule[0].copy_action"
            ),
            (
                "DR604",
                "undecided",
                "module.db[0].aws_rds_cluster.this",
                ""
            ),
            (
                "DR604",
                "undecided",
                "module.db[1].aws_rds_cluster.this",
                ""
            ),
        ]
    );
    assert!(rows[0].4.contains("`local.vault_arn`"), "{}", rows[0].4);
    assert!(
        rows[1].4.contains("`data.aws_rds_cluster.this.arn`"),
        "{}",
        rows[1].4
    );
}

#[test]
fn peering_to_a_module_vpc_is_checked_against_its_region() {
    assert_eq!(
        lint("fixtures/modules/peering/pass.json", &[], &["DR503"]),
        Vec::<Row>::new()
    );
    // Without following the module output the peer VPC's region was unknown, the peering looked
    // same-region and nothing was reported.
    let rows = lint("fixtures/modules/peering/fail.json", &[], &["DR503"]);
    assert_eq!(
        keys(&rows),
        vec![(
            "DR503",
            "fail",
            "aws_vpc_peering_connection.to_dr",
            "peer_region"
        )]
    );
    assert!(
        rows[0]
            .4
            .contains("the peer VPC is in us-west-2 but peer_region is not set"),
        "{}",
        rows[0].4
    );
}

#[test]
fn peering_to_a_looked_up_vpc_is_not_failed() {
    let rows = lint("fixtures/modules/peering/unknown.json", &[], &["DR503"]);
    assert!(rows.iter().all(|r| r.1 != "fail"), "{rows:?}");
}

const DNS: &[&str] = &["DR701", "DR702", "DR704"];

#[test]
fn failover_records_with_zone_and_health_check_from_modules_pass() {
    let rows = lint("fixtures/modules/dns/pass.json", &["--rto", "5m"], DNS);
    assert_eq!(rows, Vec::<Row>::new());
}

#[test]
fn slow_module_health_check_and_split_zones_fail() {
    let rows = lint("fixtures/modules/dns/fail.json", &["--rto", "5m"], DNS);
    assert_eq!(
        keys(&rows),
        vec![
            (
                "DR702",
                "fail",
                "aws_route53_record.api_primary",
                "failover_routing_policy[0].type"
            ),
            (
                "DR702",
                "fail",
                "aws_route53_record.api_secondary",
                "failover_routing_policy[0].type"
            ),
            (
                "DR704",
                "fail",
                "aws_route53_record.api_primary",
                "health_check_id"
            ),
        ]
    );
    assert!(
        rows[2]
            .4
            .contains("failure detection (5m) plus TTL (1m) is 6m"),
        "{}",
        rows[2].4
    );
}

#[test]
fn health_check_from_a_local_stays_undecided_and_dr701_passes() {
    let rows = lint("fixtures/modules/dns/unknown.json", &["--rto", "5m"], DNS);
    assert_eq!(
        keys(&rows),
        vec![(
            "DR704",
            "undecided",
            "aws_route53_record.api_primary",
            "health_check_id"
        )]
    );
}

#[test]
fn tfjson_module_outputs_have_no_body_to_follow_and_stay_undecided() {
    let rows = lint(
        "fixtures/modules/tfjson/cdk.tf.json",
        &[],
        &["DR302", "DR402", "DR403"],
    );
    assert_eq!(
        keys(&rows),
        vec![
            (
                "DR302",
                "undecided",
                "aws_dynamodb_table.orders_dr",
                "server_side_encryption"
            ),
            ("DR402", "undecided", "aws_s3_bucket.orders", "replication"),
            (
                "DR403",
                "undecided",
                "aws_s3_bucket_replication_configuration.orders",
                "rule[0].destination[0].bucket"
            ),
        ]
    );
    assert!(
        rows[1].4.contains(
            "`module.dr_bucket.s3_bucket_arn`, an output of module `dr_bucket` (source `terraform-aws-modules/s3-bucket/aws`) whose body is not in the input"
        ),
        "{}",
        rows[1].4
    );
}

/// The model API the rules use, on the keys plan: `target` follows the chain to the key, and
/// `referenced_attributes_from` says which attribute the chain's end reads.
#[test]
fn model_follows_module_chains_per_instance() {
    use drlint::model::Target;
    let f = drlint::input::load("fixtures/modules/keys/pass.json").unwrap();
    let files = [f];
    let m = drlint::read::build_model(&files).unwrap();
    let find = |addr: &str| {
        (0..m.resources.len())
            .find(|&i| m.get(i).address == addr)
            .unwrap_or_else(|| panic!("{addr} not in the model"))
    };
    let key = find("module.keys.aws_kms_key.this");
    for t in TABLES {
        let table = find(t);
        let v = m
            .get(table)
            .get("server_side_encryption")
            .get("kms_key_arn");
        match m.target(table, v) {
            Target::Resources(ids) => assert_eq!(ids, vec![key]),
            _ => panic!("{t}: the key was not followed"),
        }
        assert_eq!(m.referenced_attributes_from(table, v), vec!["arn"]);
        // The direct-reference API sees only `var.kms_key_arn`.
        assert!(drlint::model::Model::referenced_attributes(v).is_empty());
    }
    assert_eq!(m.resolve_ref(find(TABLES[0]), "var.kms_key_arn"), vec![key]);
}
