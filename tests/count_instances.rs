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
