//! AWS Config input: every shared sample loads (or, for cloud-custodian placebo recordings, is
//! rejected with a clear message), and the same defect written as Terraform JSON and as an AWS
//! Config snapshot makes the same rule fire.

mod common;
use common::{drlint, results};

const SAMPLES: &str = "fixtures/samples/awsconfig";

#[test]
fn every_sample_loads_or_is_rejected_as_a_placebo_recording() {
    let mut files: Vec<String> = std::fs::read_dir(common::root().join(SAMPLES))
        .expect("samples directory")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 18, "{files:?}");
    let (mut accepted, mut rejected) = (0, 0);
    for f in &files {
        let path = format!("{SAMPLES}/{f}");
        let r = drlint(&["--format", "json", &path]);
        if f.starts_with("custodian__placebo_") {
            assert_eq!(r.code, 2, "{f} should be rejected: {}", r.stdout);
            assert!(
                r.stderr.contains("placebo test recording") && r.stderr.contains("help:"),
                "{f}: {}",
                r.stderr
            );
            rejected += 1;
        } else {
            assert!(
                r.code == 0 || r.code == 1,
                "{f}: exit {} {}",
                r.code,
                r.stderr
            );
            let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(v["inputs"][0]["kind"], "AWS Config items", "{f}");
            accepted += 1;
        }
    }
    assert_eq!((accepted, rejected), (12, 6));
}

/// How `drlint regions` says a region came from a configuration item's `awsRegion`.
const CONFIG_ITEM_SOURCE: &str = "the configuration item's awsRegion";

/// (address, region, source) of every resource in `drlint regions --format json`.
fn region_rows(json: &str) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
            (s("address"), s("region"), s("source"))
        })
        .collect()
}

#[test]
fn samples_map_to_terraform_types_with_config_regions() {
    let r = drlint(&[
        "regions",
        "--format",
        "json",
        &format!("{SAMPLES}/custodian__ci_s3_bucket_cross_account_replication_v1.2.json"),
        &format!("{SAMPLES}/custodian__get_resource_config_history_rds_dbcluster.json"),
        &format!("{SAMPLES}/rdk__ci_lambda_function_vpc.json"),
        &format!("{SAMPLES}/rdk__ci_ec2_vpc_peering_connection.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = region_rows(&r.stdout);
    for want in [
        "arn:aws:s3:::testing-99",
        "arn:aws:rds:us-east-1:644160558196:cluster:database-1",
        "arn:aws:lambda:us-east-1:823362693882:function:test-function",
        "#aws_vpc_peering_connection_accepter",
    ] {
        assert!(
            rows.iter().any(|(a, region, src)| a.ends_with(want)
                && region == "us-east-1"
                && src == CONFIG_ITEM_SOURCE),
            "{want} missing in:\n{}",
            r.stdout
        );
    }
}

#[test]
fn string_encoded_replication_map_is_read() {
    // All supplementary values are JSON strings and `rules` is a map keyed by rule id: the rule
    // must still be seen (DR404 inspects it).
    let r = drlint(&[
        "--format",
        "json",
        &format!("{SAMPLES}/custodian__ci_s3_bucket_cross_account_replication_v1.2.json"),
    ]);
    let res = results(&r.stdout);
    assert!(
        res.iter()
            .any(|(id, _, _, a)| id == "DR404" && a == "replication_configuration[0].rules[0]"),
        "{res:?}"
    );
}

#[test]
fn select_results_and_batch_items_are_read() {
    let dir = common::scratch("awsconfig_select");
    let item = r#"{"resourceType":"AWS::DynamoDB::Table","resourceId":"t1","awsRegion":"eu-west-1","accountId":"111122223333","arn":"arn:aws:dynamodb:eu-west-1:111122223333:table/t1","configuration":{"tableName":"t1"},"supplementaryConfiguration":{"ContinuousBackupsDescription":"{\"pointInTimeRecoveryDescription\":{\"pointInTimeRecoveryStatus\":\"ENABLED\"}}"}}"#;
    let select =
        serde_json::json!({"Results": [item], "QueryInfo": {"SelectFields": [{"Name": "*"}]}});
    let batch = format!(r#"{{"baseConfigurationItems":[{item}],"unprocessedResourceKeys":[]}}"#);
    let p1 = dir.join("select.json");
    let p2 = dir.join("batch.json");
    std::fs::write(&p1, select.to_string()).unwrap();
    std::fs::write(&p2, batch).unwrap();
    for p in [&p1, &p2] {
        let r = drlint(&["regions", "--format", "json", p.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            region_rows(&r.stdout).iter().any(|(a, region, src)| a
                == "arn:aws:dynamodb:eu-west-1:111122223333:table/t1"
                && region == "eu-west-1"
                && src == CONFIG_ITEM_SOURCE),
            "{}",
            r.stdout
        );
    }
    // PITR was decoded from the JSON string: DR604 reports only the missing backup plan.
    let r = drlint(&["--format", "json", p1.to_str().unwrap()]);
    let res = results(&r.stdout);
    assert!(
        !res.iter()
            .any(|(id, _, _, a)| id == "DR604" && a == "point_in_time_recovery"),
        "{res:?}"
    );
}

/// Rule ids that fail on a file.
fn failing(path: &str) -> Vec<String> {
    let r = drlint(&["--format", "json", path]);
    assert!(r.code == 0 || r.code == 1, "{path}: {}", r.stderr);
    let mut ids: Vec<String> = results(&r.stdout)
        .into_iter()
        .filter(|(_, outcome, _, _)| outcome == "fail")
        .map(|(id, _, _, _)| id)
        .collect();
    ids.dedup();
    ids
}

fn parity(family: &str, rules: &[&str]) {
    for rule in rules {
        for (kind, fires) in [("bad", true), ("good", false)] {
            let tf_path = format!("fixtures/awsconfig/{family}_{kind}.tf.json");
            let tf = failing(&tf_path);
            let plan = failing(&as_plan(&tf_path, &format!("{family}_{kind}")));
            let cfg = failing(&format!("fixtures/awsconfig/{family}_{kind}.snapshot.json"));
            let (t, p, c) = (
                tf.iter().any(|i| i == rule),
                plan.iter().any(|i| i == rule),
                cfg.iter().any(|i| i == rule),
            );
            assert_eq!(t, fires, "{rule} on {family}_{kind}.tf.json: {tf:?}");
            assert_eq!(p, fires, "{rule} on the plan of {family}_{kind}: {plan:?}");
            assert_eq!(c, fires, "{rule} on {family}_{kind}.snapshot.json: {cfg:?}");
        }
    }
}

/// The same stack as `terraform show -json` would write it for a first apply: every argument in
/// `after` (nested blocks as lists), `${...}` values unknown with their references in the
/// configuration. Returns the path of the plan written to a scratch directory.
fn as_plan(tf_path: &str, name: &str) -> String {
    use serde_json::{Value as J, json};
    fn blocks_as_lists(key: &str, v: &J) -> J {
        match v {
            J::Object(m) if !matches!(key, "tags" | "tags_all" | "variables") => {
                let inner: serde_json::Map<String, J> = m
                    .iter()
                    .map(|(k, x)| (k.clone(), blocks_as_lists(k, x)))
                    .collect();
                if key.is_empty() {
                    J::Object(inner)
                } else {
                    json!([J::Object(inner)])
                }
            }
            J::Array(a) => J::Array(
                a.iter()
                    .map(|x| match x {
                        J::Object(_) => blocks_as_lists("", x),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let doc: J =
        serde_json::from_str(&std::fs::read_to_string(common::root().join(tf_path)).unwrap())
            .unwrap();
    let mut provider_config = serde_json::Map::new();
    for p in doc["provider"]["aws"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![doc["provider"]["aws"].clone()])
    {
        let key = p["alias"]
            .as_str()
            .map_or("aws".to_string(), |a| format!("aws.{a}"));
        provider_config.insert(key, json!({"name": "aws", "alias": p["alias"], "expressions": {"region": {"constant_value": p["region"]}}}));
    }
    let (mut changes, mut config) = (Vec::new(), Vec::new());
    for (rtype, by_name) in doc["resource"].as_object().unwrap() {
        for (rname, body) in by_name.as_object().unwrap() {
            let (mut after, mut unknown, mut exprs) = (
                serde_json::Map::new(),
                serde_json::Map::new(),
                serde_json::Map::new(),
            );
            for (k, v) in body.as_object().unwrap() {
                if matches!(k.as_str(), "provider" | "//" | "depends_on" | "lifecycle") {
                    continue;
                }
                match v.as_str().filter(|s| s.starts_with("${")) {
                    Some(t) => {
                        let r = t.trim_start_matches("${").trim_end_matches('}');
                        let res = r.rsplit_once('.').map_or(r, |(a, _)| a);
                        unknown.insert(k.clone(), json!(true));
                        exprs.insert(k.clone(), json!({"references": [r, res]}));
                    }
                    None => {
                        after.insert(k.clone(), blocks_as_lists(k, v));
                    }
                }
            }
            let address = format!("{rtype}.{rname}");
            let key = body["provider"].as_str().unwrap_or("aws");
            changes.push(json!({"address": address, "mode": "managed", "type": rtype, "name": rname,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": unknown, "after_sensitive": {}}}));
            config.push(
                json!({"address": address, "mode": "managed", "type": rtype, "name": rname,
                "provider_config_key": key, "expressions": exprs}),
            );
        }
    }
    let plan = json!({"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": changes,
        "configuration": {"provider_config": provider_config, "root_module": {"resources": config}}});
    let path = common::scratch(&format!("plan_{name}")).join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn parity_replication_delete_markers() {
    parity("replication", &["DR401"]);
}

#[test]
fn parity_encryption_cmk() {
    parity("dynamodb", &["DR301"]);
}

#[test]
fn parity_backup_pitr() {
    parity("dynamodb", &["DR604"]);
}

#[test]
fn parity_network_cidr_overlap() {
    parity("network", &["DR501"]);
}

#[test]
fn route53_rules_are_undecided_not_silent_on_config_input() {
    let r = common::drlint(&[
        "fixtures/samples/awsconfig/rdk__ci_s3_bucket_versioning_policy.json",
        "--env-suffix",
        "x",
        "--format",
        "json",
    ]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let res = common::results(&r.stdout);
    for rule in ["DR701", "DR702", "DR703", "DR704", "DR705"] {
        assert!(
            res.iter().any(|x| x.0 == rule && x.1 == "undecided"),
            "{rule} must be undecided on AWS Config input: {res:?}"
        );
    }
}

#[test]
fn parity_teardown_deletion_protection() {
    parity("teardown", &["DR201"]);
}

#[test]
fn parity_naming_hardcoded_environment() {
    parity("naming", &["DR103"]);
}

#[test]
fn undecided_results_on_config_input_say_not_recorded() {
    let r = drlint(&[
        "fixtures/samples/awsconfig/rdk__ci_s3_bucket_versioning_policy.json",
        "--env-suffix",
        "x",
        "--format",
        "json",
    ]);
    assert!(
        r.stdout
            .contains("force_destroy is not recorded by AWS Config"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("after apply"),
        "plan wording on deployed resources: {}",
        r.stdout
    );
}

/// The source text a JSON report result points at (spans on one line).
fn pointed_at(path: &str, result: &serde_json::Value) -> String {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    let (line, col, end_line, end_col) = (
        result["line"].as_u64().unwrap() as usize,
        result["column"].as_u64().unwrap() as usize,
        result["end_line"].as_u64().unwrap() as usize,
        result["end_column"].as_u64().unwrap() as usize,
    );
    assert_eq!(line, end_line, "{result}");
    let l: Vec<char> = text.lines().nth(line - 1).unwrap().chars().collect();
    l[col - 1..end_col - 1].iter().collect()
}

fn result_for(path: &str, rule: &str, attribute: &str) -> serde_json::Value {
    let r = drlint(&["--format", "json", "--fail-on", "never", path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule_id"] == rule && x["attribute"] == attribute)
        .unwrap_or_else(|| panic!("no {rule} on {attribute}: {}", r.stdout))
        .clone()
}

#[test]
fn a_finding_points_at_the_config_field_not_the_whole_item() {
    let path = "fixtures/awsconfig/dynamodb_bad.snapshot.json";
    let pitr = result_for(path, "DR604", "point_in_time_recovery");
    assert_eq!(pointed_at(path, &pitr), r#""DISABLED""#);
    let path = "fixtures/awsconfig/teardown_bad.snapshot.json";
    let protection = result_for(path, "DR201", "deletion_protection");
    assert_eq!(pointed_at(path, &protection), "false");
    let path = "fixtures/awsconfig/replication_bad.snapshot.json";
    let markers = result_for(
        path,
        "DR401",
        "replication_configuration[0].rules[0].delete_marker_replication_status",
    );
    assert_eq!(pointed_at(path, &markers), r#""Disabled""#);
}

#[test]
fn a_finding_in_a_json_encoded_configuration_points_at_the_string() {
    // `BucketReplicationConfiguration` is a JSON string: the string is the closest place.
    let path =
        "fixtures/samples/awsconfig/custodian__ci_s3_bucket_cross_account_replication_v1.2.json";
    let rule = result_for(path, "DR404", "replication_configuration[0].rules[0]");
    let at = pointed_at(path, &rule);
    assert!(at.starts_with(r#""{\"roleARN\":"#), "{at}");
    assert!(at.ends_with(r#"}}}}""#), "{at}");
}
