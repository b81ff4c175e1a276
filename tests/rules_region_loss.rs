//! The region-loss rules (DR801–DR804, DR807, DR808) on AWS Config input: what Config records
//! decides them, what it does not record makes them undecided with "not recorded by AWS Config"
//! (docs/live-coverage.md), never a silent pass.

mod common;
use common::{drlint, results, scratch};
use serde_json::{Value as J, json};

const ACCOUNT: &str = "111122223333";

fn item(rtype: &str, region: &str, id: &str, arn: &str, conf: J, tags: J) -> J {
    json!({
        "resourceType": rtype,
        "resourceId": id,
        "resourceName": id,
        "awsRegion": region,
        "accountId": ACCOUNT,
        "arn": arn,
        "configurationItemStatus": "OK",
        "configuration": conf,
        "supplementaryConfiguration": {},
        "tags": tags,
    })
}

fn cluster_arn(region: &str, id: &str) -> String {
    format!("arn:aws:rds:{region}:{ACCOUNT}:cluster:{id}")
}

fn cluster(region: &str, id: &str) -> J {
    item(
        "AWS::RDS::DBCluster",
        region,
        id,
        &cluster_arn(region, id),
        json!({"dBClusterIdentifier": id, "engine": "aurora-mysql", "storageEncrypted": true}),
        json!({}),
    )
}

fn instance(region: &str, id: &str, cluster: &str) -> J {
    item(
        "AWS::RDS::DBInstance",
        region,
        id,
        &format!("arn:aws:rds:{region}:{ACCOUNT}:db:{id}"),
        json!({"dBInstanceIdentifier": id, "dbclusterIdentifier": cluster, "engine": "aurora-mysql"}),
        json!({}),
    )
}

fn table(name: &str, replicas: &[&str], tags: J) -> J {
    let reps: Vec<J> = replicas.iter().map(|r| json!({"regionName": r})).collect();
    item(
        "AWS::DynamoDB::Table",
        "us-east-1",
        name,
        &format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}"),
        json!({"tableName": name, "replicas": reps}),
        tags,
    )
}

fn plan(region: &str, id: &str) -> J {
    item(
        "AWS::Backup::BackupPlan",
        region,
        id,
        &format!("arn:aws:backup:{region}:{ACCOUNT}:backup-plan:{id}"),
        json!({"backupPlanId": id, "backupPlan": {"backupPlanName": format!("payments-{id}-test"), "rules": []}}),
        json!({}),
    )
}

fn selection(id: &str, plan: &str, key: &str, value: &str) -> J {
    item(
        "AWS::Backup::BackupSelection",
        "us-east-1",
        id,
        &format!("arn:aws:backup:us-east-1:{ACCOUNT}:backup-plan:{plan}/selection/{id}"),
        json!({
            "selectionId": id,
            "backupPlanId": plan,
            "backupSelection": {
                "selectionName": format!("payments-{id}-test"),
                "iamRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/backup"),
                "listOfTags": [{"conditionType": "STRINGEQUALS", "conditionKey": key, "conditionValue": value}],
            },
        }),
        json!({}),
    )
}

fn snapshot(dir: &std::path::Path, name: &str, items: Vec<J>) -> String {
    let doc = json!({"fileVersion": "1.0", "configSnapshotId": name, "configurationItems": items});
    let p = dir.join(format!("{name}.json"));
    std::fs::write(&p, doc.to_string()).unwrap();
    p.to_str().unwrap().to_string()
}

fn primary_items() -> Vec<J> {
    let global = item(
        "AWS::RDS::GlobalCluster",
        "us-east-1",
        "payments-ledger-test",
        &format!("arn:aws:rds::{ACCOUNT}:global-cluster:payments-ledger-test"),
        json!({
            "globalClusterIdentifier": "payments-ledger-test",
            "engine": "aurora-mysql",
            "globalClusterMembers": [
                {"dBClusterArn": cluster_arn("us-east-1", "payments-ledger-test-use1")},
                {"dBClusterArn": cluster_arn("us-west-2", "payments-ledger-test-usw2")},
            ],
        }),
        json!({}),
    );
    vec![
        global,
        cluster("us-east-1", "payments-ledger-test-use1"),
        instance(
            "us-east-1",
            "payments-ledger-1-test-use1",
            "payments-ledger-test-use1",
        ),
        table(
            "payments-ledger-test",
            &["us-west-2"],
            json!({"Backup": "daily"}),
        ),
        table("payments-orders-test", &[], json!({})),
        plan("us-east-1", "plan-daily"),
        selection("sel-daily", "plan-daily", "Backup", "daily"),
        selection("sel-team", "plan-daily", "Team", "nobody"),
    ]
}

fn dr_items() -> Vec<J> {
    vec![
        cluster("us-west-2", "payments-ledger-test-usw2"),
        // An instance of another cluster: DB instances of us-west-2 are recorded, and none runs
        // in the ledger's DR cluster.
        cluster("us-west-2", "payments-reports-test-usw2"),
        instance(
            "us-west-2",
            "payments-reports-1-test-usw2",
            "payments-reports-test-usw2",
        ),
        plan("us-west-2", "plan-dr"),
    ]
}

/// (rule, outcome, resource, attribute, message) of the region-loss rules' results.
fn lint(files: &[&str]) -> Vec<(String, String, String, String, String)> {
    let mut args = vec![
        "--env-suffix",
        "test",
        "--primary-region",
        "us-east-1",
        "--dr-region",
        "us-west-2",
        "--format",
        "json",
    ];
    args.extend_from_slice(files);
    let r = drlint(&args);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let v: J = serde_json::from_str(&r.stdout).unwrap();
    // The tuple helper and the messages must agree on which results there are.
    let tuples = results(&r.stdout);
    let mut out: Vec<(String, String, String, String, String)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(tuples)
        .map(|(j, (rule, outcome, res, attr))| {
            (
                rule,
                outcome,
                res,
                attr,
                j["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .filter(|r| ["DR801", "DR802", "DR803", "DR804", "DR807", "DR808"].contains(&r.0.as_str()))
        .collect();
    out.sort();
    out
}

fn find<'r>(
    got: &'r [(String, String, String, String, String)],
    rule: &str,
    res_contains: &str,
) -> Vec<&'r (String, String, String, String, String)> {
    got.iter()
        .filter(|r| r.0 == rule && r.2.contains(res_contains))
        .collect()
}

#[test]
fn aws_config_decides_what_it_records_and_says_what_it_does_not() {
    // Both regions in one document, as an aggregator query returns them.
    let dir = scratch("rules_region_loss_aggregated");
    let mut items = primary_items();
    items.extend(dr_items());
    let p = snapshot(&dir, "all", items);
    let got = lint(&[&p]);

    // DR801: the global cluster spans both regions (membership from the GlobalCluster item), but
    // its DR member has no DB instance.
    let dr801 = find(&got, "DR801", "");
    assert_eq!(dr801.len(), 1, "{got:#?}");
    assert_eq!(dr801[0].1, "fail");
    assert!(dr801[0].2.ends_with("cluster:payments-ledger-test-usw2"));
    assert_eq!(dr801[0].3, "instances");

    // DR802: Config does not map BacktrackWindow, so both global members are undecided.
    let dr802 = find(&got, "DR802", "");
    assert_eq!(dr802.len(), 2, "{got:#?}");
    for r in &dr802 {
        assert_eq!(r.1, "undecided");
        assert!(r.2.contains("payments-ledger-test-us"), "{r:?}");
        assert!(
            r.4.contains("backtrack_window is not recorded by AWS Config"),
            "{r:?}"
        );
    }
    assert!(find(&got, "DR802", "payments-reports").is_empty());

    // DR803: the replica list is recorded, so both tables are decided.
    let dr803 = find(&got, "DR803", "");
    assert_eq!(dr803.len(), 1, "{got:#?}");
    assert_eq!(dr803[0].1, "fail");
    assert!(dr803[0].2.ends_with("table/payments-orders-test"));
    assert!(dr803[0].4.contains("no replica in the DR region us-west-2"));

    // DR808: the tag selection that matches the ledger table passes; the one nobody matches is
    // undecided (Config records neither conditions nor every type's tags); so is the DR plan
    // with no selection item.
    let dr808 = find(&got, "DR808", "");
    assert_eq!(dr808.len(), 2, "{got:#?}");
    assert!(find(&got, "DR808", "sel-daily").is_empty());
    let team = find(&got, "DR808", "sel-team");
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].1, "undecided");
    assert!(team[0].4.contains("not recorded by AWS Config"), "{team:?}");
    let plan_dr = find(&got, "DR808", "plan-dr");
    assert_eq!(plan_dr.len(), 1);
    assert_eq!(plan_dr[0].1, "undecided");
    assert!(plan_dr[0].4.contains("not recorded by AWS Config"));
    assert!(got.iter().all(|r| !r.4.contains("after apply")), "{got:#?}");
}

fn health_check(id: &str, conf: J) -> J {
    item(
        "AWS::Route53::HealthCheck",
        "global",
        id,
        &format!("arn:aws:route53:::healthcheck/{id}"),
        json!({"Id": id, "HealthCheckConfig": conf}),
        json!({}),
    )
}

#[test]
fn aws_config_cannot_see_lag_alarms_or_health_check_alarms_but_sees_database_ports() {
    let dir = scratch("rules_region_loss_dr804_dr807");
    let mut items = primary_items();
    items.extend(dr_items());
    items.push(health_check(
        "hc-metric",
        json!({"Type": "CLOUDWATCH_METRIC"}),
    ));
    items.push(health_check(
        "hc-db",
        json!({"Type": "HTTP", "IPAddress": "10.0.1.15", "Port": 5432, "ResourcePath": "/"}),
    ));
    let p = snapshot(&dir, "all", items);
    let got = lint(&[&p]);

    // DR804: the stores are recorded, CloudWatch alarms are not read: undecided per store (the
    // DR member of the global database, and the ledger table's replication to us-west-2).
    let dr804 = find(&got, "DR804", "");
    assert_eq!(dr804.len(), 2, "{got:#?}");
    assert!(dr804.iter().all(|r| {
        r.1 == "undecided"
            && r.4
                .contains("CloudWatch alarms are not read from AWS Config input")
    }));
    assert_eq!(
        find(&got, "DR804", "cluster:payments-ledger-test-usw2").len(),
        1
    );
    assert_eq!(find(&got, "DR804", "table/payments-ledger-test").len(), 1);

    // DR807: the database port is recorded (fail); the alarm's insufficient-data status is not
    // (undecided); records are not recorded at all (undecided once for the run).
    let db = find(&got, "DR807", "hc-db");
    assert_eq!(db.len(), 1, "{got:#?}");
    assert_eq!((db[0].1.as_str(), db[0].3.as_str()), ("fail", "port"));
    let metric = find(&got, "DR807", "hc-metric");
    assert_eq!(metric.len(), 1, "{got:#?}");
    assert_eq!(metric[0].1, "undecided");
    assert!(
        metric[0].4.contains("not recorded by AWS Config"),
        "{metric:?}"
    );
    let run: Vec<_> = got
        .iter()
        .filter(|r| r.0 == "DR807" && r.2.is_empty())
        .collect();
    assert_eq!(run.len(), 1, "{got:#?}");
    assert_eq!(run[0].1, "undecided");
    assert!(run[0].4.contains("Route 53 record sets"), "{run:?}");
}

#[test]
fn a_single_region_snapshot_leaves_the_dr_member_undecided_not_missing() {
    let dir = scratch("rules_region_loss_one_region");
    let p = snapshot(&dir, "use1", primary_items());
    let got = lint(&[&p]);
    let dr801 = find(&got, "DR801", "");
    assert_eq!(dr801.len(), 1, "{got:#?}");
    assert_eq!(dr801[0].1, "undecided");
    assert!(dr801[0].2.contains("global-cluster:payments-ledger-test"));
    assert!(
        dr801[0]
            .4
            .contains("no AWS Config items from the DR region us-west-2"),
        "{dr801:?}"
    );
}

#[test]
fn dr_instances_unrecorded_in_the_region_are_undecided() {
    let dir = scratch("rules_region_loss_no_dr_instances");
    let mut items = primary_items();
    items.push(cluster("us-west-2", "payments-ledger-test-usw2"));
    let p = snapshot(&dir, "all", items);
    let got = lint(&[&p]);
    let dr801 = find(&got, "DR801", "");
    assert_eq!(dr801.len(), 1, "{got:#?}");
    assert_eq!(dr801[0].1, "undecided");
    assert!(
        dr801[0]
            .4
            .contains("not recorded by AWS Config in us-west-2"),
        "{dr801:?}"
    );
}

#[test]
fn per_region_snapshots_leave_global_membership_undecided() {
    // The adapter links members to their global cluster within one file: the DR cluster read
    // from the us-west-2 file may be a member, so neither rule guesses.
    let dir = scratch("rules_region_loss_per_region");
    let p = snapshot(&dir, "use1", primary_items());
    let d = snapshot(&dir, "usw2", dr_items());
    let got = lint(&[&p, &d]);
    let dr801 = find(&got, "DR801", "");
    assert_eq!(dr801.len(), 1, "{got:#?}");
    assert_eq!(dr801[0].1, "undecided");
    assert!(dr801[0].2.contains("global-cluster:payments-ledger-test"));
    assert!(dr801[0].4.contains("may be a member"), "{dr801:?}");
    let dr802 = find(&got, "DR802", "");
    assert_eq!(dr802.len(), 3, "{got:#?}");
    assert!(dr802.iter().all(|r| r.1 == "undecided"));
    assert!(
        find(&got, "DR802", "usw2").iter().all(|r| r
            .4
            .contains("global database membership are not recorded by AWS Config")),
        "{dr802:?}"
    );
}

/// Terraform JSON edge cases: what the input cannot tell is undecided, what it shows is decided,
/// and the false positives DR808 must avoid (other stacks' ARNs, wildcards, default tags) are not
/// failures.
#[test]
fn terraform_json_undecided_and_false_positive_guards() {
    let dir = scratch("rules_region_loss_tfjson");
    let p = |region: &str| {
        if region == "dr" {
            "aws.dr"
        } else {
            "aws.primary"
        }
    };
    let stack = json!({
        "provider": {"aws": [
            {"alias": "primary", "region": "us-east-1",
             "default_tags": [{"tags": {"Project": "payments"}}]},
            {"alias": "dr", "region": "us-west-2"},
        ]},
        "variable": {"global_id": {"type": "string"}, "dr_region": {"type": "string"},
                     "window": {"type": "number"}, "tables": {"type": "list(string)"}},
        "resource": {
            "aws_rds_global_cluster": {
                "unlinked": {"provider": p("primary"), "global_cluster_identifier": "unlinked-test",
                             "engine": "aurora-mysql"},
            },
            "aws_rds_cluster": {
                "by_variable": {"provider": p("primary"), "cluster_identifier": "by-variable-test",
                                "engine": "aurora-mysql", "global_cluster_identifier": "${var.global_id}",
                                "backtrack_window": "${var.window}"},
                "reports": {"provider": p("primary"), "cluster_identifier": "reports-test",
                            "engine": "aurora-postgresql", "backtrack_window": 3600},
                "mysql": {"provider": p("primary"), "cluster_identifier": "mysql-test",
                          "engine": "aurora-mysql", "backtrack_window": 3600},
            },
            "aws_dynamodb_table": {
                "by_variable": {"provider": p("primary"), "name": "by-variable-test", "hash_key": "id",
                                "replica": [{"region_name": "${var.dr_region}"}]},
                "by_resource": {"provider": p("primary"), "name": "by-resource-test", "hash_key": "id"},
                "legacy": {"provider": p("primary"), "name": "legacy-test", "hash_key": "id"},
                "legacy_dr": {"provider": p("dr"), "name": "legacy-test", "hash_key": "id"},
            },
            "aws_dynamodb_global_table": {
                "legacy": {"provider": p("primary"), "name": "legacy-test",
                           "replica": [{"region_name": "us-east-1"}, {"region_name": "us-west-2"}]},
            },
            "aws_dynamodb_table_replica": {
                "by_resource": {"provider": p("dr"),
                                "global_table_arn": "${aws_dynamodb_table.by_resource.arn}"},
            },
            "aws_backup_plan": {
                "main": {"provider": p("primary"), "name": "main-test", "rule": []},
            },
            "aws_backup_selection": {
                "other_stack": {"provider": p("primary"), "name": "other-stack-test",
                                "plan_id": "${aws_backup_plan.main.id}",
                                "resources": ["arn:aws:dynamodb:us-east-1:999999999999:table/other-test"]},
                "wildcard": {"provider": p("primary"), "name": "wildcard-test",
                             "plan_id": "${aws_backup_plan.main.id}",
                             "resources": ["arn:aws:dynamodb:*:*:table/*"]},
                "default_tag": {"provider": p("primary"), "name": "default-tag-test",
                                "plan_id": "${aws_backup_plan.main.id}",
                                "selection_tag": [{"type": "STRINGEQUALS", "key": "Project", "value": "payments"}]},
                "typo": {"provider": p("primary"), "name": "typo-test",
                         "plan_id": "${aws_backup_plan.main.id}",
                         "selection_tag": [{"type": "STRINGEQUALS", "key": "project", "value": "payments"}]},
                "variable": {"provider": p("primary"), "name": "variable-test",
                             "plan_id": "${aws_backup_plan.main.id}", "resources": "${var.tables}"},
                "by_arn": {"provider": p("primary"), "name": "by-arn-test",
                           "plan_id": "${aws_backup_plan.main.id}",
                           "resources": ["arn:aws:rds:us-east-1:111122223333:cluster:reports-test"]},
            },
        },
    });
    let path = dir.join("cdk.tf.json");
    std::fs::write(&path, stack.to_string()).unwrap();
    let got = lint(&[path.to_str().unwrap()]);
    let one = |rule: &str, res: &str| -> (String, String) {
        let hits: Vec<_> = got.iter().filter(|r| r.0 == rule && r.2 == res).collect();
        assert_eq!(hits.len(), 1, "{rule} on {res}: {got:#?}");
        (hits[0].1.clone(), hits[0].4.clone())
    };
    let none = |rule: &str, res: &str| {
        assert!(
            !got.iter().any(|r| r.0 == rule && r.2 == res),
            "{rule} must not report {res}: {got:#?}"
        )
    };
    // DR801: a member reference through a variable cannot be followed.
    let (k, msg) = one("DR801", "aws_rds_global_cluster.unlinked");
    assert_eq!(k, "undecided");
    assert!(msg.contains("`var.global_id`"), "{msg}");
    // DR802: PostgreSQL fails; a plain Aurora MySQL cluster may backtrack; a window from a
    // variable on a (possible) global member is undecided.
    let (k, msg) = one("DR802", "aws_rds_cluster.reports");
    assert_eq!(k, "fail");
    assert!(msg.contains("Aurora PostgreSQL"), "{msg}");
    none("DR802", "aws_rds_cluster.mysql");
    let (k, msg) = one("DR802", "aws_rds_cluster.by_variable");
    assert_eq!(k, "undecided");
    assert!(msg.contains("only known after apply"), "{msg}");
    // DR803: a replica region from a variable is undecided; a table replica resource in the DR
    // region pointing at the table by reference is a replica ...
    let (k, _) = one("DR803", "aws_dynamodb_table.by_variable");
    assert_eq!(k, "undecided");
    none("DR803", "aws_dynamodb_table.by_resource");
    // ... and so is a region of a legacy (2017.11.29) global table of the same name.
    none("DR803", "aws_dynamodb_table.legacy");
    // DR808: another stack's ARN is undecided, a wildcard and a provider default tag select, a
    // tag that differs in case selects nothing, a variable is undecided, an ARN of a resource of
    // the input selects it.
    let (k, msg) = one("DR808", "aws_backup_selection.other_stack");
    assert_eq!(k, "undecided");
    assert!(msg.contains("not in the input"), "{msg}");
    none("DR808", "aws_backup_selection.wildcard");
    none("DR808", "aws_backup_selection.default_tag");
    let (k, msg) = one("DR808", "aws_backup_selection.typo");
    assert_eq!(k, "fail");
    assert!(msg.contains("tag project = \"payments\""), "{msg}");
    let (k, _) = one("DR808", "aws_backup_selection.variable");
    assert_eq!(k, "undecided");
    none("DR808", "aws_backup_selection.by_arn");
    none("DR808", "aws_backup_plan.main");
}

/// DR807 (c) and DR804 on Terraform JSON: a health host in the record's own zone passes (the
/// documented decision), a check on another name fails, one whose target comes from a variable
/// is undecided; an S3 lag threshold written in milliseconds is seconds to S3 and fails.
#[test]
fn health_check_targets_and_lag_units() {
    let dir = scratch("rules_region_loss_dr807_c");
    let record = |hc: &str, value: &str, set: &str| {
        json!({"provider": "aws.primary", "zone_id": "${aws_route53_zone.main.zone_id}",
               "name": "api.payments-test.example.com", "type": "CNAME", "ttl": 60,
               "records": [value], "set_identifier": set,
               "weighted_routing_policy": {"weight": 50},
               "health_check_id": format!("${{aws_route53_health_check.{hc}.id}}")})
    };
    let check = |fqdn: &str| {
        json!({"provider": "aws.primary", "type": "HTTPS", "fqdn": fqdn, "port": 443,
               "resource_path": "/health", "request_interval": 10, "failure_threshold": 3})
    };
    let stack = json!({
        "provider": {"aws": [{"alias": "primary", "region": "us-east-1"},
                             {"alias": "dr", "region": "us-west-2"}]},
        "variable": {"dr_target": {"type": "string"}},
        "resource": {
            "aws_route53_zone": {"main": {"provider": "aws.primary", "name": "payments-test.example.com"}},
            "aws_route53_health_check": {
                "same_zone": check("health.payments-test.example.com"),
                "elsewhere": check("status.payments-test.example.net"),
                "unknown": check("dr.payments-test.example.net"),
            },
            "aws_route53_record": {
                "a": record("same_zone", "lb-a.us-east-1.elb.amazonaws.com", "a"),
                "b": record("elsewhere", "lb-b.us-east-1.elb.amazonaws.com", "b"),
                "c": record("unknown", "${var.dr_target}", "c"),
            },
            "aws_s3_bucket": {
                "src": {"provider": "aws.primary", "bucket": "docs-test-use1"},
                "dst": {"provider": "aws.dr", "bucket": "docs-test-usw2"},
            },
            "aws_s3_bucket_replication_configuration": {"docs": {
                "provider": "aws.primary", "bucket": "${aws_s3_bucket.src.id}", "role": "arn",
                "rule": [{"id": "docs", "status": "Enabled", "filter": {},
                          "delete_marker_replication": {"status": "Enabled"},
                          "destination": {"bucket": "${aws_s3_bucket.dst.arn}",
                                          "metrics": {"status": "Enabled"}}}]}},
            "aws_cloudwatch_metric_alarm": {"docs_lag": {
                "provider": "aws.primary", "alarm_name": "docs-lag-test", "namespace": "AWS/S3",
                "metric_name": "ReplicationLatency", "comparison_operator": "GreaterThanThreshold",
                "threshold": 60000, "evaluation_periods": 1, "period": 60, "statistic": "Maximum",
                "alarm_actions": ["${var.dr_target}"],
                "dimensions": {"SourceBucket": "docs-test-use1", "DestinationBucket": "docs-test-usw2",
                               "RuleId": "docs"}}},
        },
    });
    let p = dir.join("cdk.tf.json");
    std::fs::write(&p, stack.to_string()).unwrap();
    let got = lint(&[p.to_str().unwrap()]);
    let dr807: Vec<_> = got.iter().filter(|r| r.0 == "DR807").collect();
    assert_eq!(dr807.len(), 2, "{got:#?}");
    assert!(find(&got, "DR807", "record.a").is_empty(), "{got:#?}");
    let b = find(&got, "DR807", "record.b");
    assert_eq!(b.len(), 1, "{got:#?}");
    assert_eq!(b[0].1, "fail");
    assert!(
        b[0].4.contains("probes `status.payments-test.example.net`"),
        "{b:?}"
    );
    let c = find(&got, "DR807", "record.c");
    assert_eq!(c.len(), 1, "{got:#?}");
    assert_eq!(c[0].1, "undecided");
    assert!(c[0].4.contains("var.dr_target"), "{c:?}");
    let dr804 = find(&got, "DR804", "docs");
    assert_eq!(dr804.len(), 1, "{got:#?}");
    assert_eq!(dr804[0].1, "fail");
    assert!(
        dr804[0]
            .4
            .contains("fires only above 60000 s (16h40m), beyond the RPO objective 5m"),
        "{dr804:?}"
    );
}

/// A record that names its zone by a literal id (as a state or a plan with known values does):
/// the zone is found by its `zone_id`, so DR807 can tell a health host in the record's own zone
/// (passes) from one elsewhere (fails).
#[test]
fn a_record_with_a_literal_zone_id_finds_its_zone() {
    let d = scratch("dr807_literal_zone");
    let res = |addr: &str, rtype: &str, name: &str, values: J| {
        serde_json::json!({"address": addr, "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
            "values": values, "sensitive_values": {}})
    };
    let lint_with = |fqdn: &str| {
        let state = serde_json::json!({
            "format_version": "1.0", "terraform_version": "1.9.5",
            "values": {"root_module": {"resources": [
                res("aws_route53_zone.main", "aws_route53_zone", "main",
                    serde_json::json!({"zone_id": "Z0123456789ABC", "name": "example.com",
                        "arn": "arn:aws:route53:::hostedzone/Z0123456789ABC"})),
                res("aws_route53_health_check.primary", "aws_route53_health_check", "primary",
                    serde_json::json!({"id": "hc-1", "type": "HTTPS", "fqdn": fqdn, "port": 443,
                        "resource_path": "/health", "request_interval": 10, "failure_threshold": 3,
                        "arn": "arn:aws:route53:::healthcheck/hc-1"})),
                res("aws_route53_record.primary", "aws_route53_record", "primary",
                    serde_json::json!({"zone_id": "Z0123456789ABC", "name": "api.example.com",
                        "type": "CNAME", "ttl": 60, "records": ["api-use1.example.com"],
                        "set_identifier": "primary", "health_check_id": "hc-1",
                        "failover_routing_policy": [{"type": "PRIMARY"}]}))
            ]}}
        });
        let path = d.join(format!("{fqdn}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
        lint(&[path.to_str().unwrap()])
            .into_iter()
            .filter(|r| r.0 == "DR807")
            .collect::<Vec<_>>()
    };
    // In the record's zone: a health endpoint of the same service.
    assert_eq!(lint_with("health.example.com"), vec![]);
    // Elsewhere: the check watches another endpoint.
    let got = lint_with("status.other-vendor.net");
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].1.as_str(), got[0].2.as_str()),
        ("fail", "aws_route53_record.primary")
    );
    assert!(got[0].4.contains("status.other-vendor.net"), "{}", got[0].4);
}

// ---- DR805 regional-parity, DR806 region-loss-dependency, DR503 route tables ----------------

/// (rule, outcome, resource, attribute, message) of DR503, DR805 and DR806 results.
fn lint_parity(args: &[&str]) -> Vec<(String, String, String, String, String)> {
    let mut all = vec![
        "--env-suffix",
        "test",
        "--primary-region",
        "us-east-1",
        "--dr-region",
        "us-west-2",
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let r = drlint(&all);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let v: J = serde_json::from_str(&r.stdout).unwrap();
    let mut out: Vec<_> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            let s = |k: &str| j[k].as_str().unwrap_or("").to_string();
            (
                s("rule_id"),
                s("outcome"),
                s("resource"),
                s("attribute"),
                s("message"),
            )
        })
        .filter(|r| ["DR503", "DR805", "DR806"].contains(&r.0.as_str()))
        .collect();
    out.sort();
    out
}

fn function_item(region: &str, name: &str, runtime: &str, env: J) -> J {
    item(
        "AWS::Lambda::Function",
        region,
        name,
        &format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        json!({
            "functionName": name,
            "runtime": runtime,
            "handler": "index.handler",
            "memorySize": 1024,
            "timeout": 30,
            "architectures": ["arm64"],
            "environment": {"variables": env},
        }),
        json!({}),
    )
}

/// AWS Config records what DR805 compares (functions with their runtime, handler, memory,
/// timeout, architectures and environment; queues) and the literal values DR806 reads (a
/// primary-region endpoint in a DR function's environment); what it does not record (alarms,
/// secrets and SSM parameters for DR805, the execution role's policies for DR806) is undecided.
#[test]
fn aws_config_decides_parity_and_dependencies_it_records() {
    let d = scratch("rl_parity_config");
    let queue_url =
        format!("https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/payments-orders-test-use1");
    let primary = vec![
        function_item(
            "us-east-1",
            "payments-worker-test-use1",
            "python3.12",
            json!({"DR_ROLE": "primary", "QUEUE_URL": queue_url}),
        ),
        function_item(
            "us-east-1",
            "payments-settlement-test-use1",
            "python3.12",
            json!({}),
        ),
        item(
            "AWS::SQS::Queue",
            "us-east-1",
            "payments-orders-test-use1",
            &format!("arn:aws:sqs:us-east-1:{ACCOUNT}:payments-orders-test-use1"),
            json!({"QueueName": "payments-orders-test-use1"}),
            json!({}),
        ),
    ];
    let dr = vec![function_item(
        "us-west-2",
        "payments-worker-test-usw2",
        "python3.11",
        json!({"DR_ROLE": "dr", "QUEUE_URL": queue_url}),
    )];
    let a = snapshot(&d, "use1", primary);
    let b = snapshot(&d, "usw2", dr);
    let got = lint_parity(&[&a, &b]);
    let keys: Vec<(&str, &str, &str, &str)> = got
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str(), r.3.as_str()))
        .collect();
    let fn_arn = |region: &str, n: &str| format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{n}");
    let settlement = fn_arn("us-east-1", "payments-settlement-test-use1");
    let worker_dr = fn_arn("us-west-2", "payments-worker-test-usw2");
    let queue = format!("arn:aws:sqs:us-east-1:{ACCOUNT}:payments-orders-test-use1");
    assert_eq!(
        keys,
        vec![
            ("DR805", "fail", settlement.as_str(), "function_name"),
            ("DR805", "fail", worker_dr.as_str(), "runtime"),
            ("DR805", "fail", queue.as_str(), "name"),
            ("DR805", "undecided", "", ""),
            (
                "DR806",
                "fail",
                worker_dr.as_str(),
                "environment.variables.QUEUE_URL"
            ),
            ("DR806", "undecided", worker_dr.as_str(), "role"),
        ],
        "{got:#?}"
    );
    let msg = |rule: &str, attr: &str| {
        got.iter()
            .find(|r| r.0 == rule && r.3 == attr)
            .map(|r| r.4.as_str())
            .unwrap()
    };
    assert!(msg("DR805", "runtime").contains("runtime python3.11 here, python3.12 in the primary"));
    assert!(msg("DR805", "runtime").contains("(paired by name)"));
    assert!(msg("DR805", "").contains("AWS::CloudWatch::Alarm"));
    assert!(msg("DR806", "role").contains("not recorded by AWS Config"));
    // One region's snapshot alone cannot show the DR half: undecided, not a finding per component.
    let got = lint_parity(&[&a]);
    assert!(got.iter().all(|r| r.1 == "undecided"), "{got:#?}");
    assert!(
        got.iter()
            .any(|r| r.0 == "DR805" && r.4.contains("no Lambda function, queue, topic")),
        "{got:#?}"
    );
}

/// Issue 10: counterparts are found by hashing, not by comparing all pairs, and there is at most
/// one finding per component. 2,000 functions: 1,000 in each region, every tenth DR function with
/// another memory size, and 100 primary functions whose DR counterpart is missing.
#[test]
fn parity_of_many_components_is_bounded_by_the_components() {
    let d = scratch("rl_parity_scale");
    let mut functions = serde_json::Map::new();
    let (pairs, missing) = (900usize, 100usize);
    for i in 0..pairs + missing {
        for (role, short) in [("primary", "use1"), ("dr", "usw2")] {
            if role == "dr" && i >= pairs {
                continue;
            }
            let memory = if role == "dr" && i % 10 == 0 {
                512
            } else {
                1024
            };
            functions.insert(
                format!("fn_{i}_{role}"),
                json!({
                    "provider": format!("aws.{role}"),
                    "function_name": format!("payments-fn{i}-test-{short}"),
                    "handler": "index.handler",
                    "runtime": "python3.12",
                    "memory_size": memory,
                    "timeout": 30,
                    "filename": "fn.zip",
                    "role": "arn:aws:iam::111122223333:role/payments-fn-test",
                }),
            );
        }
    }
    // The other 100 DR functions exist only in the DR region: not reported (failover direction).
    for i in 0..missing {
        functions.insert(
            format!("tool_{i}_dr"),
            json!({"provider": "aws.dr", "function_name": format!("payments-tool{i}-test-usw2"),
                   "handler": "index.handler", "runtime": "python3.12", "filename": "fn.zip",
                   "role": "arn:aws:iam::111122223333:role/payments-fn-test"}),
        );
    }
    let n = functions.len();
    assert_eq!(n, 2000);
    let doc = json!({
        "provider": {"aws": [{"alias": "primary", "region": "us-east-1"}, {"alias": "dr", "region": "us-west-2"}]},
        "resource": {"aws_lambda_function": functions},
    });
    let p = d.join("cdk.tf.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let got = lint_parity(&[p.to_str().unwrap(), "--select", "DR805"]);
    assert!(got.len() <= n, "{} findings for {n} components", got.len());
    let missing_found = got
        .iter()
        .filter(|r| r.4.contains("has no counterpart"))
        .count();
    let drift = got.iter().filter(|r| r.3 == "memory_size").count();
    assert_eq!(missing_found, missing);
    assert_eq!(drift, pairs / 10);
    assert_eq!(got.len(), missing + pairs / 10, "{:#?}", &got[..3]);
}

/// DR503: a peering route in a table that only another VPC's subnet uses, or in the main route
/// table of a VPC whose subnets all have their own tables, carries no traffic; routes whose table
/// comes from a variable are undecided.
#[test]
fn peering_routes_must_be_in_tables_the_vpc_subnets_use() {
    let d = scratch("rl_peering_tables");
    let base =
        std::fs::read_to_string(common::root().join("fixtures/rules/DR503/pass.tf.json")).unwrap();
    let pass: J = serde_json::from_str(&base).unwrap();
    let write = |name: &str, doc: &J| {
        let p = d.join(name);
        std::fs::write(&p, doc.to_string()).unwrap();
        p.to_str().unwrap().to_string()
    };
    // The primary subnet moves to a table without the peering routes.
    let mut moved = pass.clone();
    moved["resource"]["aws_route_table"]["primary_app"] =
        json!({"provider": "aws.primary", "vpc_id": "${aws_vpc.primary.id}"});
    moved["resource"]["aws_route_table_association"]["primary_private"]["route_table_id"] =
        json!("${aws_route_table.primary_app.id}");
    let got = lint_parity(&[&write("moved.tf.json", &moved)]);
    let keys: Vec<(&str, &str, &str)> = got
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("DR503", "fail", "aws_vpc_peering_connection.app"),
            ("DR503", "fail", "aws_vpc_peering_connection.ops"),
        ],
        "{got:#?}"
    );
    assert!(
        got.iter()
            .all(|r| r.4.contains("no subnet of aws_vpc.primary uses"))
    );
    // The ops VPC's only subnet gets its own table: its main route table serves nobody.
    let mut main_unused = pass.clone();
    main_unused["resource"]["aws_route_table"]["dr_ops_app"] =
        json!({"provider": "aws.dr", "vpc_id": "${aws_vpc.dr_ops.id}"});
    main_unused["resource"]["aws_route_table_association"]["dr_ops"] = json!({
        "provider": "aws.dr",
        "route_table_id": "${aws_route_table.dr_ops_app.id}",
        "subnet_id": "${aws_subnet.dr_ops.id}",
    });
    let got = lint_parity(&[&write("main.tf.json", &main_unused)]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].1.as_str(), got[0].2.as_str()),
        ("fail", "aws_vpc_peering_connection.ops")
    );
    assert!(
        got[0].4.contains("no subnet of aws_vpc.dr_ops uses"),
        "{}",
        got[0].4
    );
    // A route table that comes from a variable: which subnets use it is not in the input.
    let mut var = pass.clone();
    var["resource"]["aws_route"]["primary_to_dr"]["route_table_id"] = json!("${var.route_table}");
    var["variable"] = json!({"route_table": {}});
    let got = lint_parity(&[&write("var.tf.json", &var)]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        (got[0].1.as_str(), got[0].2.as_str()),
        ("undecided", "aws_vpc_peering_connection.app")
    );
}

/// DR806 false-positive guards on Terraform JSON: replication plumbing, fan-out subscriptions and
/// resource policies that name the primary region are not dependencies; a data source of a
/// dependency kind is undecided; a shared role granting the table in both regions passes.
#[test]
fn region_loss_dependency_guards() {
    let d = scratch("rl_dependency_guards");
    let base: J = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("fixtures/rules/DR806/pass.tf.json")).unwrap(),
    )
    .unwrap();
    let mut doc = base.clone();
    let r = &mut doc["resource"];
    r["aws_sns_topic_subscription"] = json!({"dr_to_primary": {"provider": "aws.dr",
        "topic_arn": "${aws_sns_topic.alerts_dr.arn}", "protocol": "sqs",
        "endpoint": "${aws_sqs_queue.orders_primary.arn}"}});
    r["aws_sqs_queue_policy"] = json!({"dr": {"provider": "aws.dr", "queue_url": "${aws_sqs_queue.orders_dr.id}",
        "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"${aws_sqs_queue.orders_dr.arn}\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"${aws_sns_topic.alerts_primary.arn}\"}}}]}"}});
    let p = d.join("guards.tf.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let got = lint_parity(&[p.to_str().unwrap(), "--select", "DR806"]);
    assert!(got.is_empty(), "{got:#?}");
    // A DR function reading a secret through a data source: its region is not in the model.
    let mut doc = base.clone();
    doc["resource"]["aws_lambda_function"]["worker_dr"]["environment"]["variables"]["API_KEY"] =
        json!("${data.aws_secretsmanager_secret_version.api.secret_string}");
    let p = d.join("data.tf.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let got = lint_parity(&[p.to_str().unwrap(), "--select", "DR806"]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].1, "undecided");
    assert!(got[0].4.contains("data source"), "{}", got[0].4);
}

/// DR805 pairs names built from interpolations whose parts are known (Terraform JSON): the log
/// groups below have unrelated addresses and no construct path, so only their names pair them.
#[test]
fn parity_pairs_interpolated_names() {
    let d = scratch("rl_parity_interpolated");
    let f = |role: &str, short: &str| {
        json!({"provider": format!("aws.{role}"), "function_name": format!("payments-worker-test-{short}"),
               "handler": "index.handler", "runtime": "python3.12", "filename": "fn.zip",
               "role": "arn:aws:iam::111122223333:role/payments-worker-test"})
    };
    let doc = json!({
        "provider": {"aws": [{"alias": "primary", "region": "us-east-1"}, {"alias": "dr", "region": "us-west-2"}]},
        "resource": {
            "aws_lambda_function": {"east": f("primary", "use1"), "west": f("dr", "usw2")},
            "aws_cloudwatch_log_group": {
                "one": {"provider": "aws.primary", "name": "/aws/lambda/${aws_lambda_function.east.function_name}"},
                "two": {"provider": "aws.dr", "name": "/aws/lambda/${aws_lambda_function.west.function_name}"},
                "three": {"provider": "aws.primary", "name": "/aws/lambda/${aws_lambda_function.east.function_name}-audit"},
            },
        },
    });
    let p = d.join("cdk.tf.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let got = lint_parity(&[p.to_str().unwrap(), "--select", "DR805"]);
    let res: Vec<&str> = got.iter().map(|r| r.2.as_str()).collect();
    // `east`/`west` pair by name; `one`/`two` by their built names; `three` has no counterpart.
    assert_eq!(res, ["aws_cloudwatch_log_group.three"], "{got:#?}");
    assert!(
        got[0]
            .4
            .contains("the log group `/aws/lambda/payments-worker-test-use1-audit` in us-east-1"),
        "{}",
        got[0].4
    );
}

/// Several dependencies in one attribute are separate findings with their own fingerprints, and
/// a DR function with two primary counterparts (`-dr` and `-usw2` both strip to the same name)
/// is undecided rather than compared with a guess.
#[test]
fn dependencies_are_keyed_and_ambiguous_counterparts_undecided() {
    let d = scratch("rl_keys_ambiguous");
    let f = |role: &str, name: &str| {
        json!({"provider": format!("aws.{role}"), "function_name": name, "handler": "index.handler",
               "runtime": "python3.12", "filename": "fn.zip",
               "role": "arn:aws:iam::111122223333:role/payments-fn-test"})
    };
    let doc = json!({
        "provider": {"aws": [{"alias": "primary", "region": "us-east-1"}, {"alias": "dr", "region": "us-west-2"}]},
        "resource": {
            "aws_lambda_function": {
                "a_primary": f("primary", "payments-a-test-use1"),
                "a_dr": f("dr", "payments-a-test-usw2"),
                "b_primary": f("primary", "payments-b-test-use1"),
                "b_dr": f("dr", "payments-b-test-usw2"),
                "c_primary": f("primary", "payments-c-test"),
                "c_secondary": f("primary", "payments-c-test-secondary"),
                "c_dr": f("dr", "payments-c-test-dr"),
            },
            "aws_sfn_state_machine": {"failover_dr": {
                "provider": "aws.dr",
                "name": "payments-failover-test-usw2",
                "role_arn": "arn:aws:iam::111122223333:role/payments-sfn-test",
                "definition": "{\"States\":{\"A\":{\"Resource\":\"${aws_lambda_function.a_primary.arn}\",\"Next\":\"B\"},\"B\":{\"Resource\":\"${aws_lambda_function.b_primary.arn}\",\"End\":true}}}",
            }},
        },
    });
    let p = d.join("cdk.tf.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let r = drlint(&[
        p.to_str().unwrap(),
        "--env-suffix",
        "test",
        "--select",
        "DR805,DR806",
        "--format",
        "json",
    ]);
    let v: J = serde_json::from_str(&r.stdout).unwrap();
    let res = v["results"].as_array().unwrap();
    let sfn: Vec<&J> = res
        .iter()
        .filter(|x| x["rule_id"] == "DR806" && x["resource"] == "aws_sfn_state_machine.failover_dr")
        .collect();
    assert_eq!(sfn.len(), 2, "{res:#?}");
    assert!(sfn.iter().all(|x| x["attribute"] == "definition"));
    assert_ne!(sfn[0]["fingerprint"], sfn[1]["fingerprint"]);
    assert!(
        sfn[0]["message"]
            .as_str()
            .unwrap()
            .contains("aws_lambda_function.a_primary")
    );
    assert!(
        sfn[1]["message"]
            .as_str()
            .unwrap()
            .contains("aws_lambda_function.b_primary")
    );
    let c: Vec<(&str, &str)> = res
        .iter()
        .filter(|x| x["rule_id"] == "DR805" && x["resource"] == "aws_lambda_function.c_dr")
        .map(|x| {
            (
                x["outcome"].as_str().unwrap(),
                x["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(c.len(), 1, "{res:#?}");
    assert_eq!(c[0].0, "undecided");
    assert!(
        c[0].1.contains("several primary-region functions"),
        "{}",
        c[0].1
    );
}

/// A module instantiated once per region (`module.app_primary`, `module.app_dr`): resources pair
/// by module instance and address inside it when their names do not pair.
#[test]
fn parity_pairs_module_instances_in_a_plan() {
    let d = scratch("rl_parity_modules");
    let res = |module: &str, t: &str, n: &str, name: &str| {
        json!({"address": format!("module.{module}.{t}.{n}"), "mode": "managed", "type": t, "name": n,
               "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
               "values": {"name": name}, "sensitive_values": {}})
    };
    let conf = |t: &str, n: &str, provider: &str| {
        json!({"address": format!("{t}.{n}"), "mode": "managed", "type": t, "name": n,
               "provider_config_key": provider, "expressions": {"name": {"references": ["var.name"]}},
               "schema_version": 0})
    };
    let call = |provider: &str| {
        json!({"source": "./app", "expressions": {"name": {"constant_value": "x"}},
               "module": {"variables": {"name": {}}, "resources": [
                   conf("aws_sqs_queue", "jobs", provider), conf("aws_sns_topic", "extra", provider)]}})
    };
    let provider = |alias: Option<&str>, region: &str| {
        let mut p = json!({"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                           "expressions": {"region": {"constant_value": region}}});
        if let Some(a) = alias {
            p["alias"] = json!(a);
        }
        p
    };
    let plan = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"child_modules": [
            {"address": "module.app_primary", "resources": [
                res("app_primary", "aws_sqs_queue", "jobs", "jobs-test-east"),
                res("app_primary", "aws_sns_topic", "extra", "extra-test")]},
            {"address": "module.app_dr", "resources": [
                res("app_dr", "aws_sqs_queue", "jobs", "jobs-test-west")]},
        ]}},
        "configuration": {
            "provider_config": {"aws": provider(None, "us-east-1"), "aws.dr": provider(Some("dr"), "us-west-2")},
            "root_module": {"module_calls": {"app_primary": call("aws"), "app_dr": call("aws.dr")}},
        },
    });
    let p = d.join("plan.json");
    std::fs::write(&p, plan.to_string()).unwrap();
    let got = lint_parity(&[p.to_str().unwrap(), "--select", "DR805"]);
    let res: Vec<&str> = got.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(res, ["module.app_primary.aws_sns_topic.extra"], "{got:#?}");
    assert!(
        got[0].4.contains("looked up by name, module instance"),
        "{}",
        got[0].4
    );
}
