//! Findings grow with the input, not with its square (issue 10.2): generated inputs of thousands
//! of resources that pair up badly (one CIDR reused by every VPC, every subnet on one range,
//! thousands of records in one record set, a selection per table) give at most about one finding
//! per resource, and the findings that remain are the right ones. Not timed: the speed of the
//! same shapes is measured by `SUITE=config bash benches/run.sh` (BENCHMARKS.md).

mod common;

#[allow(dead_code)]
#[path = "../benches/gen_config.rs"]
mod gen_config;

use common::{drlint, scratch};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The results of a JSON report of `file` with only `rules` enabled.
fn results(file: &Path, rules: &str) -> Vec<Value> {
    results_with(file, rules, &[])
}

fn results_with(file: &Path, rules: &str, more: &[&str]) -> Vec<Value> {
    let mut args = vec![
        file.to_str().unwrap(),
        "--env-suffix",
        "x",
        "--select",
        rules,
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend(more);
    let r = drlint(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v["results"].as_array().unwrap().clone()
}

fn of_rule<'r>(res: &'r [Value], rule: &str) -> Vec<&'r Value> {
    res.iter().filter(|x| x["rule_id"] == rule).collect()
}

/// A tf.json with two regional providers and the given resources.
fn tf_json(resources: Value) -> String {
    json!({
        "provider": {"aws": [
            {"alias": "primary", "region": "us-east-1"},
            {"alias": "dr", "region": "us-west-2"}
        ]},
        "resource": resources
    })
    .to_string()
}

fn snapshot(name: &str, items: usize, opts: gen_config::Options) -> (std::path::PathBuf, Value) {
    let d = scratch(name);
    let f = d.join("snapshot.json");
    let mut buf = Vec::new();
    gen_config::write_snapshot(items, opts, &mut buf).unwrap();
    std::fs::write(&f, &buf).unwrap();
    (f, serde_json::from_slice(&buf).unwrap())
}

#[test]
fn dr501_config_snapshot_with_one_cidr_gives_one_finding_per_vpc_and_none_for_default_vpcs() {
    let opts = gen_config::Options {
        same_cidr: true,
        default_vpcs: true,
        ..Default::default()
    };
    let (f, snap) = snapshot("scale_dr501_config", 4000, opts);
    let vpcs: Vec<&Value> = snap["configurationItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["resourceType"] == "AWS::EC2::VPC")
        .collect();
    // Every other unit writes `configuration` as a JSON string, as the Config API does.
    let is_default = |i: &Value| match &i["configuration"] {
        Value::String(s) => serde_json::from_str::<Value>(s).unwrap()["isDefault"] == true,
        c => c["isDefault"] == true,
    };
    let custom: HashSet<&str> = vpcs
        .iter()
        .filter(|i| !is_default(i))
        .map(|i| i["arn"].as_str().unwrap())
        .collect();
    let defaults: HashSet<&str> = vpcs
        .iter()
        .filter(|i| is_default(i))
        .map(|i| i["arn"].as_str().unwrap())
        .collect();
    assert!(custom.len() > 250 && defaults.len() > 250, "{}", vpcs.len());
    let res = results(&f, "DR501");
    let dr501 = of_rule(&res, "DR501");
    // Every custom VPC overlaps every other one: 1 finding each, not one per pair.
    assert_eq!(dr501.len(), custom.len());
    let mut seen = HashSet::new();
    for x in &dr501 {
        let vpc = x["resource"].as_str().unwrap();
        assert!(seen.insert(vpc), "{vpc} twice");
        assert!(custom.contains(vpc), "{vpc} is not a custom VPC");
        let msg = x["message"].as_str().unwrap();
        // Unpeered default VPCs are neither reported nor counted.
        let n = custom.len() - 1;
        assert!(msg.contains(&format!("overlaps {n} other VPCs: ")), "{msg}");
        // Three named, and the peer too when it is not among them.
        assert!(
            msg.contains(&format!(" and {} more; ", n - 3))
                || msg.contains(&format!(" and {} more; they are peered with ", n - 4)),
            "{msg}"
        );
        // Each unit's two VPCs are peered (the last unit may lack its peering item).
        if x["level"] == "error" {
            assert!(msg.contains("; they are peered with "), "{msg}");
        }
    }
    let errors = dr501.iter().filter(|x| x["level"] == "error").count();
    assert!(errors >= custom.len() - 2, "{errors} of {}", custom.len());
}

#[test]
fn dr501_default_vpcs_are_reported_only_with_a_peer() {
    let vpc = |id: &str, region: &str, default: bool| {
        json!({"resourceType": "AWS::EC2::VPC", "resourceId": id, "awsRegion": region,
               "arn": format!("arn:aws:ec2:{region}:111122223333:vpc/{id}"),
               "configuration": {"vpcId": id, "cidrBlock": "172.31.0.0/16", "isDefault": default}})
    };
    let doc = json!({"configurationItems": [
        vpc("vpc-d1", "us-east-1", true),
        vpc("vpc-d2", "us-west-2", true),
        vpc("vpc-d3", "eu-west-1", true),
        vpc("vpc-c1", "eu-west-1", false),
        {"resourceType": "AWS::EC2::VPCPeeringConnection", "resourceId": "pcx-1", "awsRegion": "us-east-1",
         "arn": "arn:aws:ec2:us-east-1:111122223333:vpc-peering-connection/pcx-1",
         "configuration": {"vpcPeeringConnectionId": "pcx-1", "status": {"code": "active"},
           "requesterVpcInfo": {"vpcId": "vpc-d1", "region": "us-east-1"},
           "accepterVpcInfo": {"vpcId": "vpc-d2", "ownerId": "111122223333", "region": "us-west-2"}}}
    ]});
    let d = scratch("scale_dr501_default");
    let f = d.join("snapshot.json");
    std::fs::write(&f, doc.to_string()).unwrap();
    let res = results(&f, "DR501");
    let got: HashMap<&str, (&str, &str)> = of_rule(&res, "DR501")
        .iter()
        .map(|x| {
            (
                x["resource"].as_str().unwrap(),
                (x["level"].as_str().unwrap(), x["message"].as_str().unwrap()),
            )
        })
        .collect();
    // The peered default VPCs: an error each, naming only the peer. The unpeered default VPC
    // is silent, and the custom VPC overlaps no VPC that counts.
    assert_eq!(got.len(), 2, "{got:?}");
    for (me, peer) in [("vpc-d1", "vpc-d2"), ("vpc-d2", "vpc-d1")] {
        let (level, msg) = got
            .iter()
            .find(|(k, _)| k.ends_with(me))
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("{me}: {got:?}"));
        assert_eq!(level, "error");
        assert!(msg.contains("overlaps another VPC: "), "{msg}");
        assert!(
            msg.contains(peer) && msg.ends_with("; they are peered"),
            "{msg}"
        );
    }
}

#[test]
fn dr604_literal_arn_selections_per_unit_cover_their_resources() {
    let covered = |opts| {
        let (f, snap) = snapshot("scale_dr604_config", 4000, opts);
        let candidates = snap["configurationItems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                ["AWS::RDS::DBCluster", "AWS::DynamoDB::Table"]
                    .contains(&i["resourceType"].as_str().unwrap())
            })
            .count();
        let res = results(&f, "DR604");
        let unselected: Vec<String> = of_rule(&res, "DR604")
            .iter()
            .filter(|x| {
                x["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("no AWS Backup plan selects")
            })
            .map(|x| x["resource"].as_str().unwrap().to_string())
            .collect();
        assert!(unselected.len() <= candidates);
        unselected
    };
    // Every tenth unit has no Backup=daily tag: its clusters and tables in both regions are
    // selected by no plan. A selection per unit listing its us-east-1 cluster and table ARNs
    // covers those two, so only the us-west-2 ones remain.
    let tag_only = covered(gen_config::Options::default());
    let listed = covered(gen_config::Options {
        unit_selections: true,
        ..Default::default()
    });
    let east = |v: &[String]| v.iter().filter(|a| a.contains(":us-east-1:")).count();
    assert!(east(&tag_only) > 10, "{tag_only:?}");
    assert_eq!(east(&listed), 0, "{listed:?}");
    assert!(!listed.is_empty() && listed.len() < tag_only.len());
}

#[test]
fn dr604_dr808_literal_and_wildcard_arns_of_thousands_of_tables_with_an_unknown_account() {
    // 2,000 tables whose ARNs are known only after apply: drlint builds them from name and
    // region with the selection's account. Even tables are listed one ARN per selection, the
    // t1xxx ones by one wildcard; the odd tables below t1000 are selected by nothing. DR808
    // looks the same ARNs up.
    let n = 2000;
    let mut tables = serde_json::Map::new();
    let mut selections = serde_json::Map::new();
    for i in 0..n {
        tables.insert(
            format!("t{i:04}"),
            json!({"provider": "aws.primary", "name": format!("t{i:04}"), "hash_key": "pk",
                   "point_in_time_recovery": {"enabled": true}}),
        );
        if i % 2 == 0 {
            selections.insert(
                format!("s{i:04}"),
                json!({"provider": "aws.primary", "name": format!("s{i:04}"),
                       "iam_role_arn": "arn:aws:iam::111122223333:role/backup",
                       "plan_id": "${aws_backup_plan.p.id}",
                       "resources": [format!("arn:aws:dynamodb:us-east-1:111122223333:table/t{i:04}")]}),
            );
        }
    }
    // Selections of tables that are not in the input: DR808 cannot tell whether they select
    // anything; one of a table of the DR region: DR808 says so.
    for i in 0..10 {
        selections.insert(
            format!("missing{i}"),
            json!({"provider": "aws.primary", "name": format!("missing{i}"),
                   "iam_role_arn": "arn:aws:iam::111122223333:role/backup",
                   "plan_id": "${aws_backup_plan.p.id}",
                   "resources": [format!("arn:aws:dynamodb:us-east-1:111122223333:table/x{i}")]}),
        );
    }
    tables.insert(
        "far".into(),
        json!({"provider": "aws.dr", "name": "far", "hash_key": "pk",
               "point_in_time_recovery": {"enabled": true}}),
    );
    selections.insert(
        "far".into(),
        json!({"provider": "aws.primary", "name": "far",
               "iam_role_arn": "arn:aws:iam::111122223333:role/backup",
               "plan_id": "${aws_backup_plan.p.id}",
               "resources": ["arn:aws:dynamodb:us-west-2:111122223333:table/far"]}),
    );
    selections.insert(
        "wild".into(),
        json!({"provider": "aws.primary", "name": "wild",
               "iam_role_arn": "arn:aws:iam::111122223333:role/backup",
               "plan_id": "${aws_backup_plan.p.id}",
               "resources": ["arn:aws:dynamodb:us-east-1:*:table/t1*"]}),
    );
    let doc = tf_json(json!({
        "aws_dynamodb_table": tables,
        "aws_backup_plan": {"p": {"provider": "aws.primary", "name": "p",
            "rule": [{"rule_name": "daily", "target_vault_name": "v", "schedule": "cron(0 5 ? * * *)"}]}},
        "aws_backup_selection": selections
    }));
    let d = scratch("scale_dr604_plan");
    let f = d.join("main.tf.json");
    std::fs::write(&f, doc).unwrap();
    let res = results(&f, "DR604,DR808");
    let unselected: HashSet<&str> = of_rule(&res, "DR604")
        .iter()
        .map(|x| x["resource"].as_str().unwrap())
        .collect();
    let want: HashSet<String> = (0..1000)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("aws_dynamodb_table.t{i:04}"))
        .chain(["aws_dynamodb_table.far".to_string()])
        .collect();
    let dr808 = of_rule(&res, "DR808");
    assert_eq!(dr808.len(), 11, "{dr808:?}");
    for x in dr808 {
        let msg = x["message"].as_str().unwrap();
        if x["resource"] == "aws_backup_selection.far" {
            assert!(msg.contains("is a resource of another region"), "{msg}");
        } else {
            assert!(
                x["resource"]
                    .as_str()
                    .unwrap()
                    .starts_with("aws_backup_selection.missing")
            );
            assert!(msg.contains("which is not in the input"), "{msg}");
        }
    }
    assert_eq!(unselected.len(), want.len());
    for a in &want {
        assert!(unselected.contains(a.as_str()), "{a} should be unselected");
    }
}

#[test]
fn dr603_names_the_first_exposed_resources_of_a_big_plan_and_counts_the_rest() {
    let n = 3000;
    let mut tables = serde_json::Map::new();
    for i in 0..n {
        tables.insert(
            format!("t{i:04}"),
            json!({"provider": "aws.primary", "name": format!("t{i:04}"), "hash_key": "pk",
                   "tags": {"Backup": "daily"}}),
        );
    }
    let doc = tf_json(json!({
        "aws_dynamodb_table": tables,
        "aws_backup_plan": {"p": {"provider": "aws.primary", "name": "p",
            "rule": [{"rule_name": "daily", "target_vault_name": "v", "schedule": "cron(0 5 ? * * *)"}]}},
        "aws_backup_selection": {"tagged": {"provider": "aws.primary", "name": "tagged",
            "iam_role_arn": "arn:aws:iam::111122223333:role/backup",
            "plan_id": "${aws_backup_plan.p.id}",
            "selection_tag": [{"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}]}}
    }));
    let d = scratch("scale_dr603");
    let f = d.join("main.tf.json");
    std::fs::write(&f, doc).unwrap();
    let res = results(&f, "DR603,DR604");
    // The tag selection covers every table: no DR604 "selects" finding.
    assert!(
        of_rule(&res, "DR604")
            .iter()
            .all(|x| !x["message"].as_str().unwrap().starts_with("no AWS Backup")),
        "{res:?}"
    );
    let dr603 = of_rule(&res, "DR603");
    assert_eq!(dr603.len(), 1, "{dr603:?}");
    let msg = dr603[0]["message"].as_str().unwrap();
    assert!(
        msg.contains(" for aws_dynamodb_table.t0000, aws_dynamodb_table.t0001, aws_dynamodb_table.t0002 and 2997 more (protected only by backups)"),
        "{msg}"
    );
    assert!(msg.len() < 400, "{msg}");
}

#[test]
fn dr502_thousands_of_subnets_on_one_range_give_one_finding_each_at_most() {
    let n = 3000;
    let mut subnets = serde_json::Map::new();
    for i in 0..n {
        subnets.insert(
            format!("s{i:04}"),
            json!({"provider": "aws.primary", "vpc_id": "${aws_vpc.v.id}", "cidr_block": "10.0.1.0/24"}),
        );
    }
    let doc = tf_json(json!({
        "aws_vpc": {"v": {"provider": "aws.primary", "cidr_block": "10.0.0.0/16"}},
        "aws_subnet": subnets
    }));
    let d = scratch("scale_dr502");
    let f = d.join("main.tf.json");
    std::fs::write(&f, doc).unwrap();
    let res = results(&f, "DR502");
    let dr502 = of_rule(&res, "DR502");
    // Every subnet but the first in sort order overlaps a sibling: one finding each, naming one.
    assert_eq!(dr502.len(), n - 1);
    let distinct: HashSet<&str> = dr502
        .iter()
        .map(|x| x["resource"].as_str().unwrap())
        .collect();
    assert_eq!(distinct.len(), n - 1);
}

#[test]
fn dns_rules_on_thousands_of_records_in_one_set_give_one_finding_per_record_at_most() {
    let n = 2000;
    let mut records = serde_json::Map::new();
    for i in 0..n {
        // Half weighted records without health checks in one set, half PRIMARY failover
        // records in another set that has no SECONDARY.
        let policy = if i % 2 == 0 {
            json!({"weighted_routing_policy": {"weight": 1}})
        } else {
            json!({"failover_routing_policy": {"type": "PRIMARY"}})
        };
        let name = if i % 2 == 0 {
            "api.example.com"
        } else {
            "db.example.com"
        };
        let mut r = json!({"provider": "aws.primary", "zone_id": "Z123", "name": name, "type": "A",
                           "ttl": 60, "records": [format!("192.0.2.{}", i % 250 + 1)],
                           "set_identifier": format!("r{i:04}")});
        r.as_object_mut()
            .unwrap()
            .extend(policy.as_object().unwrap().clone());
        records.insert(format!("r{i:04}"), r);
    }
    let doc = tf_json(json!({"aws_route53_record": records}));
    let d = scratch("scale_dns");
    let f = d.join("main.tf.json");
    std::fs::write(&f, doc).unwrap();
    let res = results(&f, "DR701,DR702,DR703,DR704,DR705");
    assert!(res.len() <= 2 * n, "{}", res.len());
    // One per PRIMARY without a health check, one per weighted record without one, one for the
    // set that has no SECONDARY.
    assert_eq!(of_rule(&res, "DR701").len(), n / 2);
    assert_eq!(of_rule(&res, "DR703").len(), n / 2);
    assert_eq!(of_rule(&res, "DR702").len(), 1);
    for rule in ["DR701", "DR702", "DR703", "DR704", "DR705"] {
        let hit = of_rule(&res, rule);
        let distinct: HashSet<&str> = hit
            .iter()
            .map(|x| x["resource"].as_str().unwrap())
            .collect();
        assert_eq!(distinct.len(), hit.len(), "{rule}: a record reported twice");
    }
}

#[test]
fn global_database_rules_on_thousands_of_global_clusters_and_replicas() {
    // 1,000 global clusters with a primary cluster each; the even ones also have a DR cluster,
    // and every fourth one's DR cluster has no instance. 1,000 tables; the even ones have a
    // replica resource in the DR region, by reference or (every fourth) by literal ARN.
    let n = 1000;
    let (mut globals, mut clusters, mut instances) = (
        serde_json::Map::new(),
        serde_json::Map::new(),
        serde_json::Map::new(),
    );
    let (mut tables, mut replicas) = (serde_json::Map::new(), serde_json::Map::new());
    for i in 0..n {
        globals.insert(
            format!("g{i:04}"),
            json!({"provider": "aws.primary", "global_cluster_identifier": format!("g{i:04}"),
                   "engine": "aurora-postgresql"}),
        );
        let sides: &[(&str, &str)] = if i % 2 == 0 {
            &[("p", "aws.primary"), ("d", "aws.dr")]
        } else {
            &[("p", "aws.primary")]
        };
        for &(side, provider) in sides {
            let c = format!("c{i:04}{side}");
            clusters.insert(
                c.clone(),
                json!({"provider": provider, "cluster_identifier": c.clone(), "engine": "aurora-postgresql",
                       "global_cluster_identifier": format!("${{aws_rds_global_cluster.g{i:04}.id}}")}),
            );
            if !(side == "d" && i % 4 == 0) {
                instances.insert(
                    format!("{c}w"),
                    json!({"provider": provider, "cluster_identifier": format!("${{aws_rds_cluster.{c}.id}}"),
                           "instance_class": "db.r6g.large", "engine": "aurora-postgresql"}),
                );
            }
        }
        tables.insert(
            format!("t{i:04}"),
            json!({"provider": "aws.primary", "name": format!("t{i:04}"), "hash_key": "pk",
                   "stream_enabled": true, "stream_view_type": "NEW_AND_OLD_IMAGES"}),
        );
        if i % 2 == 0 {
            let arn = if i % 4 == 0 {
                format!("${{aws_dynamodb_table.t{i:04}.arn}}")
            } else {
                format!("arn:aws:dynamodb:us-east-1:111122223333:table/t{i:04}")
            };
            replicas.insert(
                format!("r{i:04}"),
                json!({"provider": "aws.dr", "global_table_arn": arn}),
            );
        }
    }
    let doc = tf_json(json!({
        "aws_rds_global_cluster": globals,
        "aws_rds_cluster": clusters,
        "aws_rds_cluster_instance": instances,
        "aws_dynamodb_table": tables,
        "aws_dynamodb_table_replica": replicas
    }));
    let d = scratch("scale_global");
    let f = d.join("main.tf.json");
    std::fs::write(&f, doc).unwrap();
    let res = results_with(
        &f,
        "DR801,DR802,DR803",
        &["--primary-region", "us-east-1", "--dr-region", "us-west-2"],
    );
    let dr801 = of_rule(&res, "DR801");
    let on = |prefix: &str| {
        dr801
            .iter()
            .filter(|x| x["resource"].as_str().unwrap().starts_with(prefix))
            .count()
    };
    assert_eq!(on("aws_rds_global_cluster."), n / 2, "{dr801:?}");
    assert_eq!(on("aws_rds_cluster."), n / 4, "{dr801:?}");
    assert_eq!(dr801.len(), n / 2 + n / 4);
    let dr803: HashSet<&str> = of_rule(&res, "DR803")
        .iter()
        .map(|x| x["resource"].as_str().unwrap())
        .collect();
    let want: HashSet<String> = (0..n)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("aws_dynamodb_table.t{i:04}"))
        .collect();
    assert_eq!(dr803.len(), want.len(), "{dr803:?}");
    assert!(want.iter().all(|t| dr803.contains(t.as_str())));
    assert!(of_rule(&res, "DR802").is_empty());
}

#[test]
fn dr402_thousands_of_replicated_buckets_are_judged_by_their_own_rules() {
    // 1,000 primary buckets, each replicating to its own bucket: in the DR region for the even
    // ones, in the primary region for the odd ones.
    let n = 1000;
    let (mut buckets, mut configs) = (serde_json::Map::new(), serde_json::Map::new());
    for i in 0..n {
        let dest_provider = if i % 2 == 0 { "aws.dr" } else { "aws.primary" };
        buckets.insert(
            format!("b{i:04}"),
            json!({"provider": "aws.primary", "bucket": format!("b{i:04}"), "versioning": {"enabled": true}}),
        );
        buckets.insert(
            format!("b{i:04}_copy"),
            json!({"provider": dest_provider, "bucket": format!("b{i:04}-copy"), "versioning": {"enabled": true}}),
        );
        configs.insert(
            format!("b{i:04}"),
            json!({"provider": "aws.primary", "bucket": format!("${{aws_s3_bucket.b{i:04}.id}}"),
                   "role": "arn:aws:iam::111122223333:role/replication",
                   "rule": [{"id": "copy", "status": "Enabled", "filter": {},
                             "delete_marker_replication": {"status": "Enabled"},
                             "destination": {"bucket": format!("arn:aws:s3:::b{i:04}-copy")}}]}),
        );
    }
    let doc = tf_json(json!({
        "aws_s3_bucket": buckets,
        "aws_s3_bucket_replication_configuration": configs
    }));
    let d = scratch("scale_dr402");
    let f = d.join("main.tf.json");
    std::fs::write(&f, doc).unwrap();
    let res = results_with(
        &f,
        "DR402",
        &["--primary-region", "us-east-1", "--dr-region", "us-west-2"],
    );
    let dr402: HashSet<&str> = of_rule(&res, "DR402")
        .iter()
        .map(|x| x["resource"].as_str().unwrap())
        .collect();
    // The odd ones replicate within us-east-1 (their copies in us-east-1 are destinations only,
    // not primary data).
    let want: HashSet<String> = (0..n)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("aws_s3_bucket.b{i:04}"))
        .collect();
    assert_eq!(dr402.len(), want.len(), "{dr402:?}");
    assert!(want.iter().all(|b| dr402.contains(b.as_str())));
}
