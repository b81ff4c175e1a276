//! Findings land on the user's own sources: plan findings on the `.tf` attribute (or the
//! resource block, or the `module "…"` call of a registry module) with the plan position as a
//! related location; CDKTF findings on the program line the opt-in hook recorded. Without
//! sources the plan positions stay and the summary says why.

mod common;
use common::{drlint, root, scratch};
use serde_json::Value;

const DR_STACK: &str = "fixtures/terraform/dr_stack/plan.json";

fn sarif(args: &[&str]) -> Vec<Value> {
    let mut a = args.to_vec();
    a.extend(["--format", "sarif"]);
    let r = drlint(&a);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    v["runs"][0]["results"].as_array().unwrap().clone()
}

/// (uri, startLine) of a SARIF location.
fn place(loc: &Value) -> (String, u64) {
    let p = &loc["physicalLocation"];
    (
        p["artifactLocation"]["uri"].as_str().unwrap().to_string(),
        p["region"]["startLine"].as_u64().unwrap(),
    )
}

/// The result of `rule` on `resource`/`attribute`.
fn result<'a>(results: &'a [Value], rule: &str, resource: &str, attribute: &str) -> &'a Value {
    results
        .iter()
        .find(|r| {
            r["ruleId"] == rule
                && r["properties"]["resource"] == resource
                && r["properties"]["attribute"] == attribute
        })
        .unwrap_or_else(|| panic!("no {rule} on {resource} {attribute}: {results:#?}"))
}

/// Line `n` (1-based) of a repository file.
fn line_of(path: &str, n: u64) -> String {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .nth(n as usize - 1)
        .unwrap_or_else(|| panic!("{path} has no line {n}"))
        .to_string()
}

#[test]
fn dr_stack_results_are_on_tf_lines_with_the_plan_as_related_location() {
    let results = sarif(&[DR_STACK]);
    assert!(results.len() >= 10, "{results:#?}");
    for r in &results {
        let (uri, line) = place(&r["locations"][0]);
        assert!(
            uri.starts_with("fixtures/terraform/dr_stack/") && uri.ends_with(".tf"),
            "{r:#}"
        );
        // The line exists in the committed file.
        line_of(&uri, line);
        let related = r["relatedLocations"].as_array().expect("relatedLocations");
        assert_eq!(related.len(), 1, "{r:#}");
        assert_eq!(place(&related[0]).0, DR_STACK);
        assert_eq!(related[0]["message"]["text"], "in plan.json");
    }
    // Pinned: rule, resource, attribute → file:line, and what is written there.
    for (rule, resource, attribute, file, line, text) in [
        (
            "DR401",
            "aws_s3_bucket_replication_configuration.invoices",
            "rule[0].filter",
            "replication.tf",
            29,
            "filter",
        ),
        (
            "DR604",
            "aws_dynamodb_table.orders",
            "replica[0].point_in_time_recovery",
            "dynamodb.tf",
            19,
            "point_in_time_recovery",
        ),
        (
            "DR103",
            "aws_dynamodb_table.orders",
            "name",
            "dynamodb.tf",
            2,
            "name",
        ),
        // Not written in HCL: the resource block's first line.
        (
            "DR201",
            "aws_dynamodb_table.orders",
            "deletion_protection_enabled",
            "dynamodb.tf",
            1,
            "resource \"aws_dynamodb_table\" \"orders\"",
        ),
        // In a local module called with for_each: the module's file; the message keeps the
        // full address with its instance key.
        (
            "DR301",
            "module.orders[\"exports\"].aws_s3_bucket_server_side_encryption_configuration.this",
            "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id",
            "modules/bucket/main.tf",
            22,
            "apply_server_side_encryption_by_default",
        ),
    ] {
        let r = result(&results, rule, resource, attribute);
        let (uri, l) = place(&r["locations"][0]);
        assert_eq!(
            (uri.as_str(), l),
            (format!("fixtures/terraform/dr_stack/{file}").as_str(), line),
            "{rule} {resource}"
        );
        assert!(line_of(&uri, l).contains(text), "{uri}:{l}");
        assert!(
            r["message"]["text"].as_str().unwrap().starts_with(resource),
            "{r:#}"
        );
    }
    let r = drlint(&[DR_STACK]);
    assert!(
        r.stdout
            .contains("\n  sources: fixtures/terraform/dr_stack (6 .tf files)\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn registry_module_resources_land_on_the_module_call() {
    let file = drlint::input::load(DR_STACK).unwrap();
    let files = [file];
    let mut model = drlint::read::build_model(&files).unwrap();
    drlint::read::attach_sources(&mut model, &drlint::read::SourceOptions::default());
    let ids: Vec<usize> = (0..model.resources.len())
        .filter(|&i| model.get(i).address.starts_with("module.vpc."))
        .collect();
    assert_eq!(ids.len(), 3, "aws_vpc.this[0] and two subnets");
    for id in ids {
        let s = model
            .source_of(id, "cidr_block")
            .unwrap_or_else(|| panic!("{} not located", model.get(id).address));
        assert_eq!(
            (s.path.as_str(), s.line),
            ("fixtures/terraform/dr_stack/main.tf", 39)
        );
        assert!(line_of(&s.path, s.line as u64).starts_with("module \"vpc\""));
        assert!(s.what.contains("module.vpc"), "{}", s.what);
    }
}

#[test]
fn without_sources_findings_stay_in_the_plan_and_the_summary_says_why() {
    let dir = scratch("source_locations_none");
    std::fs::copy(root().join(DR_STACK), dir.join("plan.json")).unwrap();
    let plan = dir.join("plan.json");
    let plan = plan.to_str().unwrap();
    for r in sarif(&[plan]) {
        let (uri, _) = place(&r["locations"][0]);
        assert!(uri.ends_with("plan.json"), "{r:#}");
        assert!(r.get("relatedLocations").is_none(), "{r:#}");
    }
    let r = drlint(&[plan]);
    assert!(
        r.stdout.contains(
            "\n  sources: none found next to plan.json or at the repository root; findings point into the plan (use --source-dir)\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn source_dir_elsewhere_keeps_plan_locations_and_counts_what_is_missing() {
    let other = "fixtures/terraform/checkov_plan_with_hcl_for_enrichment";
    for r in sarif(&[DR_STACK, "--source-dir", other]) {
        assert_eq!(place(&r["locations"][0]).0, DR_STACK, "{r:#}");
    }
    let r = drlint(&[DR_STACK, "--source-dir", other]);
    assert!(
        r.stdout.contains(&format!(
            "\n  sources: {other} (3 .tf files); 15 resources not found in them (their findings point into the plan)\n"
        )),
        "{}",
        r.stdout
    );
    // A directory without Terraform files.
    let r = drlint(&[DR_STACK, "--source-dir", "fixtures/reference"]);
    assert!(
        r.stdout.contains("\n  sources: fixtures/reference holds no Terraform files; findings point into the plan (use --source-dir)\n"),
        "{}",
        r.stdout
    );
    // A directory that does not exist is a usage error.
    let r = drlint(&[DR_STACK, "--source-dir", "no/such/dir"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: --source-dir no/such/dir: no such directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_checkov_pair_lands_on_its_tf_files() {
    let dir = "fixtures/terraform/checkov_plan_with_hcl_for_enrichment";
    let results = sarif(&[&format!("{dir}/tfplan.json")]);
    assert!(!results.is_empty());
    for r in &results {
        let (uri, line) = place(&r["locations"][0]);
        assert!(uri.starts_with(dir) && uri.ends_with(".tf"), "{r:#}");
        line_of(&uri, line);
        assert_eq!(
            r["relatedLocations"][0]["message"]["text"],
            "in tfplan.json"
        );
    }
    let r = result(
        &results,
        "DR402",
        "aws_s3_bucket.test-bucket1",
        "replication",
    );
    assert_eq!(place(&r["locations"][0]), (format!("{dir}/s3.tf"), 1));
    let r = results.iter().find(|r| r["ruleId"] == "DR103").unwrap();
    let (uri, line) = place(&r["locations"][0]);
    assert_eq!((uri.as_str(), line), (format!("{dir}/iam.tf").as_str(), 2));
    assert!(line_of(&uri, line).trim_start().starts_with("name"));
}

#[test]
fn the_infracost_pair_lands_on_its_tf_file() {
    let dir = "fixtures/terraform/infracost_plan_json_with_hcl";
    let results = sarif(&[&format!("{dir}/plan.json")]);
    assert!(!results.is_empty());
    for r in &results {
        assert_eq!(
            place(&r["locations"][0]).0,
            format!("{dir}/main.tf"),
            "{r:#}"
        );
    }
    let r = results
        .iter()
        .find(|r| {
            r["ruleId"] == "DR604" && r["properties"]["attribute"] == "point_in_time_recovery"
        })
        .unwrap();
    let (uri, line) = place(&r["locations"][0]);
    assert_eq!(line, 57);
    assert!(line_of(&uri, line).contains("point_in_time_recovery"));
}

#[test]
fn tf_files_that_do_not_parse_are_notices() {
    let dir = scratch("source_locations_broken");
    let src = root().join("fixtures/terraform/checkov_plan_with_hcl_for_enrichment");
    for f in ["tfplan.json", "dynamodb.tf", "iam.tf", "s3.tf"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("broken.tf"),
        "resource \"aws_s3_bucket\" {\n  = \n",
    )
    .unwrap();
    let plan = dir.join("tfplan.json");
    let r = drlint(&[plan.to_str().unwrap()]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let notice = r
        .stdout
        .lines()
        .find(|l| l.starts_with("warning: ") && l.contains("broken.tf"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(notice.contains("broken.tf:"), "{notice}");
    // The other files still locate their resources.
    assert!(r.stdout.contains("(4 .tf files)"), "{}", r.stdout);
    assert!(r.stdout.contains("dynamodb.tf:1:1"), "{}", r.stdout);
}

#[test]
fn github_markdown_and_human_name_the_tf_line() {
    let r = drlint(&[DR_STACK, "--format", "github"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("DR401"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.starts_with("::error file=fixtures/terraform/dr_stack/replication.tf,line=29,col=5,"),
        "{line}"
    );
    assert!(
        line.ends_with(
            "[aws_s3_bucket_replication_configuration.invoices] (in fixtures/terraform/dr_stack/plan.json:744:25)"
        ),
        "{line}"
    );
    let r = drlint(&[DR_STACK, "--format", "markdown"]);
    assert!(
        r.stdout.contains(
            "| `fixtures/terraform/dr_stack/replication.tf:29:5` (in `fixtures/terraform/dr_stack/plan.json:744:25`) |"
        ),
        "{}",
        r.stdout
    );
    let r = drlint(&[DR_STACK]);
    assert!(
        r.stdout.contains(
            "= source: fixtures/terraform/dr_stack/replication.tf:29:5 (`rule[0].filter`)"
        ),
        "{}",
        r.stdout
    );
    // The plan snippet stays.
    assert!(
        r.stdout
            .contains("┌─ fixtures/terraform/dr_stack/plan.json:744:25"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_json_report_carries_the_source_location_next_to_the_input_position() {
    let r = drlint(&[DR_STACK, "--format", "json"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    let f = results
        .iter()
        .find(|f| f["rule_id"] == "DR401")
        .unwrap_or_else(|| panic!("{results:#?}"));
    // The input position stays where it was; the source is beside it.
    assert_eq!(f["file"], "fixtures/terraform/dr_stack/plan.json");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(744), Some(25))
    );
    let src = &f["source"];
    assert_eq!(src["kind"], "terraform", "{f:#}");
    assert_eq!(src["file"], "fixtures/terraform/dr_stack/replication.tf");
    assert_eq!(
        (src["line"].as_u64(), src["column"].as_u64()),
        (Some(29), Some(5))
    );
    assert_eq!(src["what"], "`rule[0].filter`");
    assert!(line_of("fixtures/terraform/dr_stack/replication.tf", 29).contains("filter"));
    // Every result on a resource of this project has a source; without sources there is no
    // `source` key.
    assert!(
        results
            .iter()
            .filter(|f| f["resource"].is_string())
            .all(|f| f["source"].is_object()),
        "{results:#?}"
    );
    let dir = scratch("json-no-sources");
    std::fs::copy(root().join(DR_STACK), dir.join("plan.json")).unwrap();
    let plan = dir.join("plan.json");
    let r = drlint(&[plan.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results.iter().all(|f| f.get("source").is_none()),
        "{results:#?}"
    );
}

/// The mutants of the reference stack, with their variant.
fn mutants() -> Vec<(String, String)> {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/reference/mutants/manifest.json")).unwrap(),
    )
    .unwrap();
    manifest
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["variant"].as_str().unwrap().to_string()))
        .collect()
}

fn reference_args(variant: &str) -> [&'static str; 6] {
    let dr = if variant == "payments" {
        "us-west-2"
    } else {
        "us-east-2"
    };
    [
        "--config",
        "reference-stack/drlint.toml",
        "--primary-region",
        "us-east-1",
        "--dr-region",
        dr,
    ]
}

#[test]
fn reference_stack_findings_are_on_the_python_line_that_created_the_resource() {
    let ms = mutants();
    assert!(ms.len() >= 20);
    for (name, variant) in ms {
        let file = format!("fixtures/reference/mutants/{name}/cdk.tf.json");
        let mut args = vec![file.as_str()];
        args.extend(reference_args(&variant));
        let results = sarif(&args);
        assert!(!results.is_empty(), "{name}");
        for r in &results {
            let (uri, line) = place(&r["locations"][0]);
            assert!(
                uri.starts_with("reference-stack/") && uri.ends_with(".py"),
                "{name}: {r:#}"
            );
            assert!(!line_of(&uri, line).trim().is_empty(), "{uri}:{line}");
            let related = &r["relatedLocations"][0];
            assert_eq!(place(related).0, file);
            assert_eq!(related["message"]["text"], "in cdk.tf.json");
            assert!(
                r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .contains(" (construct "),
                "{r:#}"
            );
        }
    }
    // One pinned: the mutant's KMS key is created on keys.py line 71.
    let mut args = vec!["fixtures/reference/mutants/key-rotation-off/cdk.tf.json"];
    args.extend(reference_args("transactions"));
    let results = sarif(&args);
    let r = results.iter().find(|r| r["ruleId"] == "DR303").unwrap();
    assert_eq!(
        place(&r["locations"][0]),
        (
            "reference-stack/dr_stack/constructs/keys.py".to_string(),
            71
        )
    );
    args.extend(["--format", "github"]);
    let out = drlint(&args).stdout;
    let line = out.lines().find(|l| l.contains("DR303")).unwrap();
    assert!(
        line.starts_with("::warning file=reference-stack/dr_stack/constructs/keys.py,line=71,"),
        "{line}"
    );
    assert!(
        line.contains("(construct transactions/keys/dr_key)"),
        "{line}"
    );
    assert!(
        line.contains("(in fixtures/reference/mutants/key-rotation-off/cdk.tf.json:"),
        "{line}"
    );
}

#[test]
fn config_findings_of_terraform_managed_resources_land_on_the_tf_line_by_arn() {
    // A state of the table the Config snapshot records, with the .tf file that wrote it.
    let dir = scratch("source_locations_config_arn");
    let arn = "arn:aws:dynamodb:us-east-1:111122223333:table/orders";
    std::fs::write(
        dir.join("main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_dynamodb_table\" \"orders\" {\n  name         = \"orders\"\n  hash_key     = \"id\"\n  billing_mode = \"PAY_PER_REQUEST\"\n\n  point_in_time_recovery {\n    enabled = false\n  }\n}\n",
    )
    .unwrap();
    let state = serde_json::json!({
        "format_version": "1.0",
        "terraform_version": "1.9.0",
        "values": {"root_module": {"resources": [{
            "address": "aws_dynamodb_table.orders",
            "mode": "managed",
            "type": "aws_dynamodb_table",
            "name": "orders",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {"name": "orders", "arn": arn, "hash_key": "id",
                       "point_in_time_recovery": [{"enabled": false}]}
        }]}}
    });
    std::fs::write(dir.join("state.json"), state.to_string()).unwrap();
    let snapshot = "fixtures/awsconfig/dynamodb_bad.snapshot.json";
    let state_path = dir.join("state.json");
    let results = sarif(&[snapshot, state_path.to_str().unwrap()]);
    let pitr = result(&results, "DR604", arn, "point_in_time_recovery");
    let (uri, line) = place(&pitr["locations"][0]);
    // The scratch folder is inside the repository when the target dir is (`./target`), else
    // outside it, where SARIF names the file only (with a warning): the .tf line either way.
    if dir.starts_with(env!("CARGO_MANIFEST_DIR")) {
        assert!(
            uri.ends_with("/source_locations_config_arn/main.tf"),
            "{pitr:#}"
        );
    } else {
        assert_eq!(uri, "main.tf", "{pitr:#}");
    }
    assert_eq!(line, 10, "the point_in_time_recovery block");
    assert_eq!(
        place(&pitr["relatedLocations"][0]).0,
        snapshot,
        "the Config item stays as the related location"
    );
    // Without the state, the Config finding stays in the snapshot.
    for r in sarif(&[snapshot]) {
        assert_eq!(place(&r["locations"][0]).0, snapshot, "{r:#}");
    }
}

#[test]
fn unusable_recorded_program_sources_are_notices_and_keep_the_cdk_tf_json_location() {
    let dir = scratch("source_locations_bad_record");
    let doc = serde_json::json!({
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {"aws_kms_key": {
            "bad": {
                "enable_key_rotation": false,
                "//": {"metadata": {"path": "app/keys/bad"},
                       "drlint": {"source": "/etc/passwd", "line": 3}}
            },
            "good": {
                "enable_key_rotation": false,
                "//": {"metadata": {"path": "app/keys/good"},
                       "drlint": {"source": "reference-stack/dr_stack/constructs/keys.py", "line": 71}}
            }
        }}
    });
    let file = dir.join("cdk.tf.json");
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let file = file.to_str().unwrap();
    let results = sarif(&[file, "--select", "DR303"]);
    let bad = result(&results, "DR303", "aws_kms_key.bad", "enable_key_rotation");
    assert!(
        place(&bad["locations"][0]).0.ends_with("cdk.tf.json"),
        "{bad:#}"
    );
    assert!(bad.get("relatedLocations").is_none());
    let good = result(&results, "DR303", "aws_kms_key.good", "enable_key_rotation");
    assert_eq!(
        place(&good["locations"][0]),
        (
            "reference-stack/dr_stack/constructs/keys.py".to_string(),
            71
        )
    );
    let r = drlint(&[file, "--select", "DR303"]);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("warning: ")
            && l.contains("cdk.tf.json:")
            && l.contains("ignoring the recorded source location")),
        "{}",
        r.stdout
    );
}
