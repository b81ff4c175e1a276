//! Resources made with `count` and the resources that name them. Terraform writes
//! `bucket = aws_s3_bucket.data[count.index].id` into the plan's configuration as the
//! references `aws_s3_bucket.data` and `count.index`: the instance is lost. Each instance of
//! a satellite configures the bucket with its own instance key; a satellite that no key
//! pairs with one bucket leaves each bucket undecided, never "not configured". Subnets and
//! their VPCs are paired the same way. A reference that names several keys in different
//! regions, with nothing to pair them, leaves the key's region undecided.

mod common;
use common::{drlint, results, scratch};
use serde_json::{Value as J, json};

/// A planned resource change; `unknown` lists the attributes known only after apply.
fn change(rtype: &str, name: &str, index: Option<usize>, after: J, unknown: &[&str]) -> J {
    let address = match index {
        Some(i) => format!("{rtype}.{name}[{i}]"),
        None => format!("{rtype}.{name}"),
    };
    let mut au = serde_json::Map::new();
    for a in unknown {
        au.insert((*a).into(), J::Bool(true));
    }
    let mut c = json!({
        "address": address, "mode": "managed", "type": rtype, "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": au}
    });
    if let Some(i) = index {
        c["index"] = json!(i);
    }
    c
}

/// A configuration resource whose expressions reference `refs` per attribute.
fn config(rtype: &str, name: &str, provider: &str, count: Option<usize>, expressions: J) -> J {
    let mut c = json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype,
        "name": name, "provider_config_key": provider, "expressions": expressions});
    if let Some(n) = count {
        c["count_expression"] = json!({"constant_value": n});
    }
    c
}

fn refs(r: &[&str]) -> J {
    json!({"references": r})
}

fn plan(changes: Vec<J>, resources: Vec<J>) -> String {
    json!({
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}},
                "aws.dr": {"name": "aws", "alias": "dr",
                           "expressions": {"region": {"constant_value": "us-west-2"}}}
            },
            "root_module": {"resources": resources}
        }
    })
    .to_string()
}

fn lint(name: &str, text: &str) -> Vec<(String, String, String, String)> {
    results(&lint_json(name, text))
}

/// The JSON report of `text` linted as a plan of the two regions.
fn lint_json(name: &str, text: &str) -> String {
    let dir = scratch(name);
    let file = dir.join("plan.json");
    std::fs::write(&file, text).unwrap();
    let r = drlint(&[
        file.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "never",
        "--primary-region",
        "us-east-1",
        "--dr-region",
        "us-west-2",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// (outcome, resource, message) of each result of `rule` in a JSON report.
fn messages(report: &str, rule: &str) -> Vec<(String, String, String)> {
    let report: J = serde_json::from_str(report).unwrap();
    let text = |r: &J, k: &str| r[k].as_str().unwrap_or_default().to_string();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == rule)
        .map(|r| (text(r, "outcome"), text(r, "resource"), text(r, "message")))
        .collect()
}

fn with(all: &[(String, String, String, String)], rule: &str) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = all
        .iter()
        .filter(|t| t.0 == rule)
        .map(|t| (t.1.clone(), t.2.clone(), t.3.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn each_instance_of_a_counted_satellite_configures_the_bucket_with_its_key() {
    const N: usize = 3;
    let mut changes = Vec::new();
    for i in 0..N {
        let b = |rtype, name, after, unknown: &[&str]| change(rtype, name, Some(i), after, unknown);
        changes.push(b(
            "aws_s3_bucket",
            "data",
            json!({"bucket": format!("data-{i}")}),
            &["id", "arn"],
        ));
        changes.push(b(
            "aws_s3_bucket",
            "replica",
            json!({"bucket": format!("replica-{i}")}),
            &["id", "arn"],
        ));
        changes.push(b(
            "aws_s3_bucket_server_side_encryption_configuration",
            "data",
            json!({"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}),
            &["bucket"],
        ));
        for name in ["data", "replica"] {
            changes.push(b(
                "aws_s3_bucket_versioning",
                name,
                json!({"versioning_configuration": [{"status": "Enabled"}]}),
                &["bucket"],
            ));
        }
        let mut crr = b(
            "aws_s3_bucket_replication_configuration",
            "data",
            json!({"rule": [{"id": "all", "status": "Enabled", "filter": [],
                             "delete_marker_replication": [{"status": "Enabled"}],
                             "destination": [{"storage_class": "STANDARD"}]}]}),
            &["bucket", "role"],
        );
        crr["change"]["after_unknown"]["rule"] = json!([{"destination": [{"bucket": true}]}]);
        changes.push(crr);
    }
    let counted =
        |rtype, name, provider, expressions| config(rtype, name, provider, Some(N), expressions);
    let resources = vec![
        counted("aws_s3_bucket", "data", "aws", json!({})),
        counted("aws_s3_bucket", "replica", "aws.dr", json!({})),
        counted(
            "aws_s3_bucket_server_side_encryption_configuration",
            "data",
            "aws",
            json!({"bucket": refs(&["aws_s3_bucket.data", "count.index"])}),
        ),
        counted(
            "aws_s3_bucket_versioning",
            "data",
            "aws",
            json!({"bucket": refs(&["aws_s3_bucket.data", "count.index"])}),
        ),
        counted(
            "aws_s3_bucket_versioning",
            "replica",
            "aws.dr",
            json!({"bucket": refs(&["aws_s3_bucket.replica", "count.index"])}),
        ),
        counted(
            "aws_s3_bucket_replication_configuration",
            "data",
            "aws",
            json!({"bucket": refs(&["aws_s3_bucket.data", "count.index"]),
                   "role": refs(&["var.role"]),
                   "rule": [{"destination": [{"bucket": refs(&["aws_s3_bucket.replica", "count.index"])}]}]}),
        ),
    ];
    let all = lint("s3_instances_paired", &plan(changes, resources));
    // Every bucket's encryption is the AES256 of its own configuration instance.
    let sse: Vec<_> = (0..N)
        .map(|i| {
            (
                "fail".to_string(),
                format!("aws_s3_bucket_server_side_encryption_configuration.data[{i}]"),
                "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id".to_string(),
            )
        })
        .collect();
    let dr301: Vec<_> = with(&all, "DR301")
        .into_iter()
        .filter(|t| t.1.contains(".data"))
        .collect();
    assert_eq!(dr301, sse, "{all:#?}");
    // Each source replicates to its own replica in the other region, and both are versioned.
    for rule in ["DR402", "DR403"] {
        assert_eq!(with(&all, rule), [], "{rule}: {all:#?}");
    }
}

#[test]
fn a_satellite_no_instance_key_pairs_leaves_each_bucket_undecided() {
    let mut changes: Vec<J> = (0..2)
        .map(|i| {
            change(
                "aws_s3_bucket",
                "logs",
                Some(i),
                json!({"bucket": format!("logs-{i}")}),
                &["id"],
            )
        })
        .collect();
    changes.push(change(
        "aws_s3_bucket_server_side_encryption_configuration",
        "logs",
        None,
        json!({"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:us-east-1:111122223333:key/k"}]}]}),
        &["bucket"],
    ));
    changes.push(change(
        "aws_s3_bucket_replication_configuration",
        "logs",
        None,
        json!({"role": "arn:aws:iam::111122223333:role/crr",
               "rule": [{"id": "all", "status": "Enabled", "filter": [],
                         "delete_marker_replication": [{"status": "Enabled"}],
                         "destination": [{"bucket": "arn:aws:s3:::logs-dr"}]}]}),
        &["bucket"],
    ));
    let resources = vec![
        config("aws_s3_bucket", "logs", "aws", Some(2), json!({})),
        config(
            "aws_s3_bucket_replication_configuration",
            "logs",
            "aws",
            None,
            json!({"bucket": refs(&["aws_s3_bucket.logs", "var.which"])}),
        ),
        config(
            "aws_s3_bucket_server_side_encryption_configuration",
            "logs",
            "aws",
            None,
            json!({"bucket": refs(&["aws_s3_bucket.logs", "var.which"])}),
        ),
    ];
    let all = lint("s3_instances_unpaired", &plan(changes, resources));
    let dr301 = with(&all, "DR301");
    let want: Vec<_> = (0..2)
        .map(|i| {
            (
                "undecided".to_string(),
                format!("aws_s3_bucket.logs[{i}]"),
                "server_side_encryption_configuration".to_string(),
            )
        })
        .collect();
    assert_eq!(dr301, want, "{all:#?}");
    // Nor is either bucket said to have no replication: one of them may have it.
    for rule in ["DR402", "DR901"] {
        let outcomes: Vec<_> = with(&all, rule).into_iter().map(|t| (t.0, t.1)).collect();
        let want: Vec<_> = (0..2)
            .map(|i| ("undecided".to_string(), format!("aws_s3_bucket.logs[{i}]")))
            .collect();
        assert_eq!(outcomes, want, "{rule}: {all:#?}");
    }
}

/// `n` VPCs made with `count`, VPC i with 10.i.0.0/16, and as many subnets, subnet i with
/// `cidr(i)` and `vpc_id = aws_vpc.main[count.index].id`.
fn vpcs_and_subnets(n: usize, cidr: impl Fn(usize) -> String) -> String {
    let mut changes = Vec::new();
    for i in 0..n {
        changes.push(change(
            "aws_vpc",
            "main",
            Some(i),
            json!({"cidr_block": format!("10.{i}.0.0/16")}),
            &["id"],
        ));
        changes.push(change(
            "aws_subnet",
            "a",
            Some(i),
            json!({"cidr_block": cidr(i)}),
            &["id", "vpc_id"],
        ));
    }
    let resources = vec![
        config("aws_vpc", "main", "aws", Some(n), json!({})),
        config(
            "aws_subnet",
            "a",
            "aws",
            Some(n),
            json!({"vpc_id": refs(&["aws_vpc.main", "count.index"])}),
        ),
    ];
    plan(changes, resources)
}

#[test]
fn each_counted_subnet_is_checked_against_the_vpc_of_its_own_instance() {
    // Subnet i lies inside VPC i (10.i.0.0/16), so outside every other instance's block.
    let text = vpcs_and_subnets(3, |i| format!("10.{i}.1.0/24"));
    let all = lint("vpc_instances_inside", &text);
    assert_eq!(with(&all, "DR502"), [], "{all:#?}");
}

#[test]
fn a_counted_subnet_outside_its_own_vpc_is_reported_against_that_vpc() {
    // Subnet 1 takes VPC 0's range: outside its own VPC, though inside another instance's.
    let text = vpcs_and_subnets(2, |i| format!("10.{}.1.0/24", i.saturating_sub(1)));
    let report = lint_json("vpc_instances_outside", &text);
    assert_eq!(
        messages(&report, "DR502"),
        [(
            "fail".to_string(),
            "aws_subnet.a[1]".to_string(),
            "subnet CIDR \"10.0.1.0/24\" is not inside any CIDR block of aws_vpc.main[1]"
                .to_string()
        )],
        "{report}"
    );
}

#[test]
fn a_key_that_is_one_of_two_in_different_regions_is_undecided() {
    // `kms_master_key_id = var.east ? aws_kms_key.east.arn : aws_kms_key.west.arn` on a bucket
    // in the DR region: the plan records both references, and either key may be the one.
    let key = |name| {
        change(
            "aws_kms_key",
            name,
            None,
            json!({"enable_key_rotation": true}),
            &["arn", "id"],
        )
    };
    let mut sse = change(
        "aws_s3_bucket_server_side_encryption_configuration",
        "data",
        None,
        json!({"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}),
        &["bucket"],
    );
    sse["change"]["after_unknown"]["rule"] =
        json!([{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]);
    let changes = vec![
        key("east"),
        key("west"),
        change(
            "aws_s3_bucket",
            "data",
            None,
            json!({"bucket": "data"}),
            &["id", "arn"],
        ),
        sse,
    ];
    let one = |rtype, name, provider, expressions| config(rtype, name, provider, None, expressions);
    let resources = vec![
        one("aws_kms_key", "east", "aws", json!({})),
        one("aws_kms_key", "west", "aws.dr", json!({})),
        one("aws_s3_bucket", "data", "aws.dr", json!({})),
        one(
            "aws_s3_bucket_server_side_encryption_configuration",
            "data",
            "aws.dr",
            json!({"bucket": refs(&["aws_s3_bucket.data.id", "aws_s3_bucket.data"]),
                   "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": refs(&[
                       "var.east", "aws_kms_key.east.arn", "aws_kms_key.east",
                       "aws_kms_key.west.arn", "aws_kms_key.west"])}]}]}),
        ),
    ];
    let report = lint_json("kms_two_regions", &plan(changes, resources));
    assert_eq!(
        messages(&report, "DR302"),
        [(
            "undecided".to_string(),
            "aws_s3_bucket_server_side_encryption_configuration.data".to_string(),
            "the key is one of 2 keys in different regions (aws_kms_key.east in us-east-1 and aws_kms_key.west in us-west-2 among them), and the input does not say which".to_string()
        )],
        "{report}"
    );
}

#[test]
fn a_secret_version_reads_the_secret_of_its_own_instance() {
    // Secret 1 is replicated into the DR region, secret 0 is not; version i stores secret i
    // (`secret_id = aws_secretsmanager_secret.s[count.index].id`). DR function i reads
    // `aws_secretsmanager_secret_version.v[i].secret_string`, which Terraform lists with its
    // prefixes `…v[i]` and `…v`.
    let mut changes = vec![
        change(
            "aws_secretsmanager_secret",
            "s",
            Some(0),
            json!({"name": "s-0", "replica": []}),
            &["id", "arn"],
        ),
        change(
            "aws_secretsmanager_secret",
            "s",
            Some(1),
            json!({"name": "s-1", "replica": [{"region": "us-west-2"}]}),
            &["id", "arn"],
        ),
    ];
    let mut resources = vec![
        config("aws_secretsmanager_secret", "s", "aws", Some(2), json!({})),
        config(
            "aws_secretsmanager_secret_version",
            "v",
            "aws",
            Some(2),
            json!({"secret_id": refs(&["aws_secretsmanager_secret.s", "count.index"])}),
        ),
    ];
    for i in 0..2 {
        changes.push(change(
            "aws_secretsmanager_secret_version",
            "v",
            Some(i),
            json!({}),
            &["secret_id", "secret_string", "arn", "id"],
        ));
        let name = format!("f{i}");
        let mut f = change(
            "aws_lambda_function",
            &name,
            None,
            json!({"function_name": name, "environment": [{"variables": {}}]}),
            &["arn"],
        );
        f["change"]["after_unknown"]["environment"] = json!([{"variables": {"SECRET": true}}]);
        changes.push(f);
        let v = format!("aws_secretsmanager_secret_version.v[{i}]");
        let read = format!("{v}.secret_string");
        resources.push(config(
            "aws_lambda_function",
            &name,
            "aws.dr",
            None,
            json!({"environment": [{"variables": refs(&[&read, &v, "aws_secretsmanager_secret_version.v"])}]}),
        ));
    }
    let report = lint_json("secret_version_instances", &plan(changes, resources));
    // Function 1 reads a replicated secret by value: the replica answers to the same name.
    assert_eq!(
        messages(&report, "DR806"),
        [(
            "fail".to_string(),
            "aws_lambda_function.f0".to_string(),
            "it references the secret aws_secretsmanager_secret.s[0] (its secret_string), and that exists only in the primary region us-east-1: after losing the primary region the DR resource cannot reach it (replicate it into us-west-2 and use the replica there)".to_string()
        )],
        "{report}"
    );
}

/// Two VPCs made with `count` in the primary region, each with a subnet, a route table and
/// an association of its own instance (`aws_subnet.s[count.index].id`,
/// `aws_route_table.rt[count.index].id`); VPC 1 is peered with a VPC in the DR region, and
/// the route to it is in `aws_route_table.rt[{route_in}]`.
fn peered_instances(route_in: usize) -> String {
    let mut changes = Vec::new();
    for i in 0..2 {
        let at = |rtype, after, unknown: &[&str]| change(rtype, "x", Some(i), after, unknown);
        changes.push(change(
            "aws_vpc",
            "v",
            Some(i),
            json!({"cidr_block": format!("10.{i}.0.0/16")}),
            &["id"],
        ));
        changes.push(change(
            "aws_subnet",
            "s",
            Some(i),
            json!({"cidr_block": format!("10.{i}.1.0/24")}),
            &["id", "vpc_id"],
        ));
        changes.push(change(
            "aws_route_table",
            "rt",
            Some(i),
            json!({}),
            &["id", "vpc_id"],
        ));
        changes.push(at(
            "aws_route_table_association",
            json!({}),
            &["subnet_id", "route_table_id"],
        ));
    }
    changes.push(change(
        "aws_vpc",
        "dr",
        None,
        json!({"cidr_block": "10.9.0.0/16"}),
        &["id"],
    ));
    changes.push(change(
        "aws_subnet",
        "dr",
        None,
        json!({"cidr_block": "10.9.1.0/24"}),
        &["id", "vpc_id"],
    ));
    changes.push(change(
        "aws_route_table",
        "dr",
        None,
        json!({}),
        &["id", "vpc_id"],
    ));
    changes.push(change(
        "aws_route_table_association",
        "dr",
        None,
        json!({}),
        &["subnet_id", "route_table_id"],
    ));
    changes.push(change(
        "aws_vpc_peering_connection",
        "p",
        None,
        json!({"peer_region": "us-west-2"}),
        &["id", "vpc_id", "peer_vpc_id"],
    ));
    changes.push(change(
        "aws_vpc_peering_connection_accepter",
        "p",
        None,
        json!({"auto_accept": true}),
        &["vpc_peering_connection_id"],
    ));
    changes.push(change(
        "aws_route",
        "to_dr",
        None,
        json!({"destination_cidr_block": "10.9.0.0/16"}),
        &["route_table_id", "vpc_peering_connection_id"],
    ));
    changes.push(change(
        "aws_route",
        "to_primary",
        None,
        json!({"destination_cidr_block": "10.1.0.0/16"}),
        &["route_table_id", "vpc_peering_connection_id"],
    ));
    let counted = |rtype, name, expressions| config(rtype, name, "aws", Some(2), expressions);
    let dr = |rtype, name, expressions| config(rtype, name, "aws.dr", None, expressions);
    let table = format!("aws_route_table.rt[{route_in}]");
    let resources = vec![
        counted("aws_vpc", "v", json!({})),
        counted(
            "aws_subnet",
            "s",
            json!({"vpc_id": refs(&["aws_vpc.v", "count.index"])}),
        ),
        counted(
            "aws_route_table",
            "rt",
            json!({"vpc_id": refs(&["aws_vpc.v", "count.index"])}),
        ),
        counted(
            "aws_route_table_association",
            "x",
            json!({"subnet_id": refs(&["aws_subnet.s", "count.index"]),
                   "route_table_id": refs(&["aws_route_table.rt", "count.index"])}),
        ),
        dr("aws_vpc", "dr", json!({})),
        dr(
            "aws_subnet",
            "dr",
            json!({"vpc_id": refs(&["aws_vpc.dr.id", "aws_vpc.dr"])}),
        ),
        dr(
            "aws_route_table",
            "dr",
            json!({"vpc_id": refs(&["aws_vpc.dr.id", "aws_vpc.dr"])}),
        ),
        dr(
            "aws_route_table_association",
            "dr",
            json!({"subnet_id": refs(&["aws_subnet.dr.id", "aws_subnet.dr"]),
                   "route_table_id": refs(&["aws_route_table.dr.id", "aws_route_table.dr"])}),
        ),
        config(
            "aws_vpc_peering_connection",
            "p",
            "aws",
            None,
            json!({"vpc_id": refs(&["aws_vpc.v[1].id", "aws_vpc.v[1]", "aws_vpc.v"]),
                   "peer_vpc_id": refs(&["aws_vpc.dr.id", "aws_vpc.dr"])}),
        ),
        dr(
            "aws_vpc_peering_connection_accepter",
            "p",
            json!({"vpc_peering_connection_id": refs(&["aws_vpc_peering_connection.p.id", "aws_vpc_peering_connection.p"])}),
        ),
        config(
            "aws_route",
            "to_dr",
            "aws",
            None,
            json!({"route_table_id": refs(&[&format!("{table}.id"), &table, "aws_route_table.rt"]),
                   "vpc_peering_connection_id": refs(&["aws_vpc_peering_connection.p.id", "aws_vpc_peering_connection.p"])}),
        ),
        dr(
            "aws_route",
            "to_primary",
            json!({"route_table_id": refs(&["aws_route_table.dr.id", "aws_route_table.dr"]),
                   "vpc_peering_connection_id": refs(&["aws_vpc_peering_connection.p.id", "aws_vpc_peering_connection.p"])}),
        ),
    ];
    plan(changes, resources)
}

#[test]
fn a_peering_route_in_the_table_its_own_subnet_uses_passes() {
    let report = lint_json("peering_instances_used", &peered_instances(1));
    assert_eq!(messages(&report, "DR503"), [], "{report}");
}

#[test]
fn a_peering_route_in_another_instances_table_is_reported() {
    // The route to the DR VPC is in VPC 0's table, which no subnet of the peered VPC 1 uses.
    let report = lint_json("peering_instances_unused", &peered_instances(0));
    assert_eq!(
        messages(&report, "DR503"),
        [(
            "fail".to_string(),
            "aws_vpc_peering_connection.p".to_string(),
            "the routes in us-east-1 (requester side) for the peer VPC (10.9.0.0/16) through this peering connection are only in route tables that no subnet of aws_vpc.v[1] uses (neither associated with one of its subnets nor its main route table for unassociated subnets), so its traffic never takes them".to_string()
        )],
        "{report}"
    );
}

#[test]
fn an_alias_targets_the_key_of_its_own_instance() {
    // Multi-region keys k[0] and k[1] in the primary region, aliases a[i] with
    // `target_key_id = aws_kms_key.k[count.index].key_id`, and a replica of k[1] only in the
    // DR region. DR queue i is encrypted with `aws_kms_alias.a[count.index].id`: an alias
    // name, which resolves in the caller's region (to the replica, where there is one).
    let mut changes = Vec::new();
    for i in 0..2 {
        changes.push(change(
            "aws_kms_key",
            "k",
            Some(i),
            json!({"multi_region": true, "enable_key_rotation": true}),
            &["arn", "id", "key_id"],
        ));
        changes.push(change(
            "aws_kms_alias",
            "a",
            Some(i),
            json!({"name": format!("alias/q-{i}")}),
            &["arn", "id", "target_key_id"],
        ));
        changes.push(change(
            "aws_sqs_queue",
            "q",
            Some(i),
            json!({"name": format!("q-{i}")}),
            &["arn", "id", "kms_master_key_id"],
        ));
    }
    changes.push(change(
        "aws_kms_replica_key",
        "r",
        None,
        json!({}),
        &["arn", "id", "primary_key_arn"],
    ));
    let resources = vec![
        config("aws_kms_key", "k", "aws", Some(2), json!({})),
        config(
            "aws_kms_alias",
            "a",
            "aws",
            Some(2),
            json!({"target_key_id": refs(&["aws_kms_key.k", "count.index"])}),
        ),
        config(
            "aws_kms_replica_key",
            "r",
            "aws.dr",
            None,
            json!({"primary_key_arn": refs(&["aws_kms_key.k[1].arn", "aws_kms_key.k[1]", "aws_kms_key.k"])}),
        ),
        config(
            "aws_sqs_queue",
            "q",
            "aws.dr",
            Some(2),
            json!({"kms_master_key_id": refs(&["aws_kms_alias.a", "count.index"])}),
        ),
    ];
    let report = lint_json("alias_instances", &plan(changes, resources));
    assert_eq!(
        messages(&report, "DR302"),
        [(
            "fail".to_string(),
            "aws_sqs_queue.q[0]".to_string(),
            "the key aws_kms_alias.a[0] is in us-east-1 but the data is in us-west-2; use a key in us-west-2 (or a multi-region key with a replica there)".to_string()
        )],
        "{report}"
    );
}
