//! Locating plan resources in their `.tf` sources (src/sources): every resource of every
//! fixture plan in fixtures/terraform lands on its block, attribute paths on the attribute or
//! nested block, registry-module resources on the module call; broken files are warnings.

mod common;

use drlint::sources::{LocationKind, Lookup, ModuleTree, SourceIndex, SourceWarning};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Index of a fixture project, paths relative to the repository root.
fn fixture(dir: &str, plan: &str) -> (SourceIndex, Vec<SourceWarning>, String) {
    let root = repo().join("fixtures/terraform").join(dir);
    let text = std::fs::read_to_string(root.join(plan)).unwrap();
    let tree = ModuleTree::from_plan(&text).unwrap();
    let (index, warnings) = SourceIndex::build(&root, &repo(), &tree);
    (index, warnings, text)
}

/// `path:line:column kind [resolved]` of a lookup, or what it is instead.
fn at(index: &SourceIndex, address: &str, attribute: &str) -> String {
    match index.locate(address, attribute) {
        Lookup::Found(loc) => {
            let exact = if loc.exact { "" } else { " (partial)" };
            format!(
                "{} {:?} [{}]{exact}",
                index.display(&loc),
                loc.kind,
                loc.resolved
            )
        }
        other => format!("{other:?}"),
    }
}

/// Addresses of the managed resources a plan changes.
fn plan_addresses(text: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed")
        .map(|r| r["address"].as_str().unwrap().to_string())
        .collect()
}

fn check_all(dir: &str, plan: &str, expected: &[(&str, &str)]) {
    let (index, warnings, text) = fixture(dir, plan);
    assert_eq!(warnings, vec![], "{dir}");
    let listed: BTreeSet<String> = expected.iter().map(|(a, _)| a.to_string()).collect();
    assert_eq!(
        listed,
        plan_addresses(&text),
        "{dir}: every plan resource is pinned"
    );
    for (address, want) in expected {
        assert_eq!(at(&index, address, ""), *want, "{address}");
    }
}

#[test]
fn dr_stack_every_resource_on_its_block() {
    let m = "fixtures/terraform/dr_stack/modules/bucket/main.tf";
    let bucket = format!("{m}:1:1 ResourceBlock []");
    let versioning = format!("{m}:10:1 ResourceBlock []");
    let sse = format!("{m}:18:1 ResourceBlock []");
    let vpc = "fixtures/terraform/dr_stack/main.tf:39:1 ModuleCall [] (partial)";
    check_all(
        "dr_stack",
        "plan.json",
        &[
            (
                "aws_dynamodb_table.orders",
                "fixtures/terraform/dr_stack/dynamodb.tf:1:1 ResourceBlock []",
            ),
            (
                "aws_iam_role.replication",
                "fixtures/terraform/dr_stack/replication.tf:9:1 ResourceBlock []",
            ),
            (
                "aws_s3_bucket_replication_configuration.invoices",
                "fixtures/terraform/dr_stack/replication.tf:21:1 ResourceBlock []",
            ),
            ("module.orders[\"exports\"].aws_s3_bucket.this", &bucket),
            (
                "module.orders[\"exports\"].aws_s3_bucket_versioning.this",
                &versioning,
            ),
            (
                "module.orders[\"exports\"].aws_s3_bucket_server_side_encryption_configuration.this",
                &sse,
            ),
            ("module.orders[\"invoices\"].aws_s3_bucket.this", &bucket),
            (
                "module.orders[\"invoices\"].aws_s3_bucket_versioning.this",
                &versioning,
            ),
            (
                "module.orders[\"invoices\"].aws_s3_bucket_server_side_encryption_configuration.this",
                &sse,
            ),
            ("module.orders_dr.aws_s3_bucket.this", &bucket),
            (
                "module.orders_dr.aws_s3_bucket_versioning.this",
                &versioning,
            ),
            (
                "module.orders_dr.aws_s3_bucket_server_side_encryption_configuration.this",
                &sse,
            ),
            ("module.vpc.aws_subnet.private[0]", vpc),
            ("module.vpc.aws_subnet.private[1]", vpc),
            ("module.vpc.aws_vpc.this[0]", vpc),
        ],
    );
}

#[test]
fn dr_stack_attribute_paths() {
    let (index, _, _) = fixture("dr_stack", "plan.json");
    let rc = "aws_s3_bucket_replication_configuration.invoices";
    let r = "fixtures/terraform/dr_stack/replication.tf";
    let cases = [
        // DR401's path: the filter block of the first rule.
        (
            rc,
            "rule[0].filter",
            format!("{r}:29:5 NestedBlock [rule[0].filter]"),
        ),
        (
            rc,
            "rule[0].destination[0].bucket",
            format!("{r}:34:7 Attribute [rule[0].destination[0].bucket]"),
        ),
        // Not written: the deepest enclosing block that is.
        (
            rc,
            "rule[0].delete_marker_replication[0].status",
            format!("{r}:25:3 NestedBlock [rule[0]] (partial)"),
        ),
        // The second rule comes from `dynamic "rule"`: its content is searched.
        (
            rc,
            "rule[1].delete_marker_replication[0].status",
            format!("{r}:50:9 Attribute [rule[1].delete_marker_replication[0].status]"),
        ),
        (rc, "rule[1]", format!("{r}:39:3 DynamicBlock [rule[1]]")),
        (rc, "role", format!("{r}:23:3 Attribute [role]")),
        // Provider default, not in HCL: the resource block.
        (rc, "token", format!("{r}:21:1 ResourceBlock [] (partial)")),
    ];
    for (address, path, want) in cases {
        assert_eq!(at(&index, address, path), want, "{address} {path}");
    }

    let d = "fixtures/terraform/dr_stack/dynamodb.tf";
    let t = "aws_dynamodb_table.orders";
    assert_eq!(
        at(&index, t, "replica[0].point_in_time_recovery"),
        format!("{d}:19:5 Attribute [replica[0].point_in_time_recovery]")
    );
    assert_eq!(
        at(&index, t, "replica[0].kms_key_arn"),
        format!("{d}:17:3 NestedBlock [replica[0]] (partial)")
    );
    assert_eq!(
        at(&index, t, "tags.Tier"),
        format!("{d}:24:5 Attribute [tags.Tier]")
    );
    assert_eq!(
        at(&index, t, "point_in_time_recovery[0].enabled"),
        format!("{d}:14:5 Attribute [point_in_time_recovery[0].enabled]")
    );

    // Module resources: the module's file, whichever instance.
    let m = "fixtures/terraform/dr_stack/modules/bucket/main.tf";
    let sse = "server_side_encryption_configuration.this";
    for module in ["module.orders[\"exports\"]", "module.orders_dr"] {
        assert_eq!(
            at(
                &index,
                &format!("{module}.aws_s3_bucket_{sse}"),
                "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"
            ),
            format!(
                "{m}:22:5 NestedBlock [rule[0].apply_server_side_encryption_by_default[0]] (partial)"
            )
        );
        assert_eq!(
            at(
                &index,
                &format!("{module}.aws_s3_bucket_versioning.this"),
                "versioning_configuration[0].status"
            ),
            format!("{m}:14:5 Attribute [versioning_configuration[0].status]")
        );
    }
    // A registry module's resource: the call, whatever the path.
    let (loc, file) = {
        let l = index
            .locate("module.vpc.aws_subnet.private[1]", "cidr_block")
            .found()
            .unwrap();
        let f = index.file(l.file).path.clone();
        (l, f)
    };
    assert_eq!(loc.kind, LocationKind::ModuleCall);
    assert_eq!(loc.module_call.as_deref(), Some("module.vpc"));
    assert_eq!(file, "fixtures/terraform/dr_stack/main.tf");
    assert!(!loc.exact);
    // Spans: the head is the block header, the span the whole block.
    let text = &index.file(loc.file).text;
    assert_eq!(&text[loc.head.range()], "module \"vpc\"");
    assert!(text[loc.span.range()].ends_with("]\n}"));
}

#[test]
fn missing_blocks_are_not_found() {
    let (index, _, _) = fixture("dr_stack", "plan.json");
    for address in [
        "aws_s3_bucket.not_written",
        "module.orders[\"x\"].aws_s3_bucket.other",
        "module.not_called.aws_s3_bucket.this",
        "data.aws_s3_bucket.this",
        "not an address",
        "",
    ] {
        assert_eq!(index.locate(address, ""), Lookup::NotFound, "{address}");
    }
}

#[test]
fn checkov_pair_every_resource_on_its_block() {
    let d = "fixtures/terraform/checkov_plan_with_hcl_for_enrichment";
    check_all(
        "checkov_plan_with_hcl_for_enrichment",
        "tfplan.json",
        &[
            (
                "aws_dynamodb_table.cross-environment-violations",
                &format!("{d}/dynamodb.tf:1:1 ResourceBlock []"),
            ),
            (
                "aws_iam_policy.policy",
                &format!("{d}/iam.tf:1:1 ResourceBlock []"),
            ),
            (
                "aws_s3_bucket.test-bucket1",
                &format!("{d}/s3.tf:1:1 ResourceBlock []"),
            ),
        ],
    );
    let (index, _, _) = fixture("checkov_plan_with_hcl_for_enrichment", "tfplan.json");
    assert_eq!(
        at(
            &index,
            "aws_s3_bucket.test-bucket1",
            "lifecycle_rule[0].noncurrent_version_expiration[0].days"
        ),
        format!(
            "{d}/s3.tf:12:7 Attribute [lifecycle_rule[0].noncurrent_version_expiration[0].days]"
        )
    );
    assert_eq!(
        at(&index, "aws_s3_bucket.test-bucket1", "acl"),
        format!("{d}/s3.tf:4:3 Attribute [acl]")
    );
    assert_eq!(
        at(&index, "aws_iam_policy.policy", "policy"),
        format!("{d}/iam.tf:5:3 Attribute [policy]")
    );
    assert_eq!(
        at(
            &index,
            "aws_dynamodb_table.cross-environment-violations",
            "point_in_time_recovery[0].enabled"
        ),
        format!("{d}/dynamodb.tf:1:1 ResourceBlock [] (partial)")
    );
}

#[test]
fn infracost_pair_every_resource_on_its_block() {
    let m = "fixtures/terraform/infracost_plan_json_with_hcl/main.tf";
    check_all(
        "infracost_plan_json_with_hcl",
        "plan.json",
        &[
            (
                "aws_instance.web_app",
                &format!("{m}:16:1 ResourceBlock []"),
            ),
            (
                "aws_dynamodb_table.autoscale_dynamodb_table",
                &format!("{m}:39:1 ResourceBlock []"),
            ),
            (
                "aws_appautoscaling_target.autoscale_dynamodb_table_write_target",
                &format!("{m}:62:1 ResourceBlock []"),
            ),
            (
                "aws_appautoscaling_target.autoscale_dynamodb_table_read_target",
                &format!("{m}:70:1 ResourceBlock []"),
            ),
        ],
    );
    let (index, _, _) = fixture("infracost_plan_json_with_hcl", "plan.json");
    let t = "aws_dynamodb_table.autoscale_dynamodb_table";
    assert_eq!(
        at(&index, t, "attribute[1].name"),
        format!("{m}:53:5 Attribute [attribute[1].name]")
    );
    assert_eq!(
        at(&index, t, "point_in_time_recovery[0].enabled"),
        format!("{m}:58:5 Attribute [point_in_time_recovery[0].enabled]")
    );
    assert_eq!(
        at(&index, "aws_instance.web_app", "volume_tags.baz"),
        format!("{m}:20:5 Attribute [volume_tags.baz]")
    );
}

/// A scratch directory under the target directory, fresh for each name.
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hcl_locate")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn tree(calls: &str) -> ModuleTree {
    ModuleTree::from_plan(&format!(
        r#"{{"configuration": {{"root_module": {{"module_calls": {{{calls}}}}}}}}}"#
    ))
    .unwrap()
}

#[test]
fn broken_file_is_a_warning_and_its_resources_fall_back_to_the_plan() {
    let d = scratch("broken");
    std::fs::write(
        d.join("good.tf"),
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("broken.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags = {\n}\n",
    )
    .unwrap();
    let (index, warnings) = SourceIndex::build(&d, &d, &ModuleTree::default());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "broken.tf");
    let (line, _) = warnings[0].location.unwrap();
    assert!(line >= 3, "{warnings:?}");
    assert!(
        warnings[0].message.contains("does not parse"),
        "{warnings:?}"
    );
    assert_eq!(
        at(&index, "aws_s3_bucket.a", "bucket"),
        "good.tf:2:3 Attribute [bucket]"
    );
    let Lookup::Unparsed(files) = index.locate("aws_s3_bucket.b", "") else {
        panic!("expected Unparsed");
    };
    assert_eq!(files.len(), 1);
    assert_eq!(index.file(files[0]).path, "broken.tf");
    assert!(!index.file(files[0]).parsed());
}

#[test]
fn non_utf8_and_bom_files() {
    let d = scratch("encoding");
    std::fs::write(
        d.join("latin1.tf"),
        b"# caf\xe9\nresource \"aws_s3_bucket\" \"x\" {}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("bom.tf"),
        "\u{feff}resource \"aws_s3_bucket\" \"y\" {\n  bucket = \"y\"\n}\n",
    )
    .unwrap();
    let (index, warnings) = SourceIndex::build(&d, &d, &ModuleTree::default());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "latin1.tf");
    assert_eq!(warnings[0].location, Some((1, 6)));
    assert!(warnings[0].message.contains("not UTF-8"));
    assert!(matches!(
        index.locate("aws_s3_bucket.x", ""),
        Lookup::Unparsed(_)
    ));
    assert_eq!(
        at(&index, "aws_s3_bucket.y", "bucket"),
        "bom.tf:2:3 Attribute [bucket]"
    );
}

#[test]
fn nested_local_and_remote_modules_and_shared_directories() {
    let d = scratch("nested");
    let root = d.join("live");
    std::fs::create_dir_all(root.join("modules/app")).unwrap();
    std::fs::create_dir_all(d.join("common")).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "module \"app\" {\n  source = \"./modules/app\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("modules/app/main.tf"),
        "module \"common\" {\n  source = \"../../../common\"\n}\n\nmodule \"s3\" {\n  source = \"git::https://example.com/s3.git\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("common/main.tf"),
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n}\n",
    )
    .unwrap();
    let t = tree(
        r#""app": {"source": "./modules/app", "module": {"module_calls": {
            "common": {"source": "../../../common", "module": {}},
            "s3": {"source": "git::https://example.com/s3.git", "module": {"module_calls": {
                "inner": {"source": "./modules/inner", "module": {}}}}}}}},
           "gone": {"source": "./modules/gone", "module": {}},
           "gone_again": {"source": "./modules/gone", "module": {}}"#,
    );
    let (index, warnings) = SourceIndex::build(&root, &d, &t);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "live/modules/gone");
    assert!(warnings[0].message.contains("module.gone"));
    // `../` from the calling module's directory, outside the root module.
    assert_eq!(
        at(
            &index,
            "module.app[0].module.common.aws_kms_key.k",
            "enable_key_rotation"
        ),
        "common/main.tf:2:3 Attribute [enable_key_rotation]"
    );
    // A local module inside a git module is not committed either: the outermost remote call.
    for address in [
        "module.app.module.s3.aws_s3_bucket.this[0]",
        "module.app.module.s3.module.inner.aws_s3_bucket.this",
    ] {
        assert_eq!(
            at(&index, address, "bucket"),
            "live/modules/app/main.tf:5:1 ModuleCall [] (partial)",
            "{address}"
        );
    }
    assert_eq!(
        index.locate("module.gone.aws_s3_bucket.x", ""),
        Lookup::NotFound
    );
}

#[test]
fn each_directory_is_read_once() {
    let (index, _, _) = fixture("dr_stack", "plan.json");
    let mut paths: Vec<&str> = index.files().iter().map(|f| f.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "fixtures/terraform/dr_stack/dynamodb.tf",
            "fixtures/terraform/dr_stack/main.tf",
            "fixtures/terraform/dr_stack/modules/bucket/main.tf",
            "fixtures/terraform/dr_stack/modules/bucket/outputs.tf",
            "fixtures/terraform/dr_stack/modules/bucket/variables.tf",
            "fixtures/terraform/dr_stack/replication.tf",
        ]
    );
}

#[test]
fn default_source_dir_is_the_plan_directory_with_tf_files() {
    let plan = repo().join("fixtures/terraform/dr_stack/plan.json");
    assert_eq!(
        drlint::sources::default_source_dir(&plan),
        Some(repo().join("fixtures/terraform/dr_stack"))
    );
    let d = scratch("default_dir");
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::create_dir_all(d.join("out")).unwrap();
    assert_eq!(
        drlint::sources::default_source_dir(&d.join("out/plan.json")),
        None
    );
    std::fs::write(d.join("main.tf"), "").unwrap();
    assert_eq!(
        drlint::sources::default_source_dir(&d.join("out/plan.json")),
        Some(d.clone())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever a `.tf` or `.tf.json` file holds, indexing and lookups do not panic, and a file that does not
    /// parse is named in a warning.
    #[test]
    fn random_tf_files_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400),
                                   text in "[a-z \"{}=\\[\\]\n.#0-9]{0,200}") {
        let d = scratch("random");
        std::fs::write(d.join("a.tf"), &bytes).unwrap();
        std::fs::write(d.join("c.tf.json"), &bytes).unwrap();
        std::fs::write(d.join("b.tf"), format!("resource \"aws_s3_bucket\" \"b\" {{\n{text}\n}}\n")).unwrap();
        let (index, warnings) = SourceIndex::build(&d, &d, &ModuleTree::default());
        for f in index.files() {
            prop_assert_eq!(f.parsed(), !warnings.iter().any(|w| w.path == f.path));
        }
        for addr in ["aws_s3_bucket.b", "aws_s3_bucket.x"] {
            for path in ["", "rule[0].filter", "tags.Name", "a[1].b[\"c\"]"] {
                let _ = index.locate(addr, path);
            }
        }
    }
}

#[test]
fn override_files_win_for_what_they_write() {
    let d = scratch("override");
    std::fs::write(
        d.join("main.tf"),
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n  tags = { Tier = \"data\" }\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("dr_override.tf"),
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a-dr\"\n}\n\nresource \"aws_s3_bucket\" \"only_here\" {\n  bucket = \"x\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("override.tf"),
        "resource \"aws_s3_bucket\" \"a\" {\n\n  bucket = \"a-last\"\n}\n",
    )
    .unwrap();
    let (index, warnings) = SourceIndex::build(&d, &d, &ModuleTree::default());
    assert_eq!(warnings, vec![]);
    // The last override that writes the attribute.
    assert_eq!(
        at(&index, "aws_s3_bucket.a", "bucket"),
        "override.tf:3:3 Attribute [bucket]"
    );
    // Not overridden: the base block.
    assert_eq!(
        at(&index, "aws_s3_bucket.a", "tags.Tier"),
        "main.tf:3:12 Attribute [tags.Tier]"
    );
    assert_eq!(
        at(&index, "aws_s3_bucket.a", ""),
        "main.tf:1:1 ResourceBlock []"
    );
    assert_eq!(
        at(&index, "aws_s3_bucket.only_here", "bucket"),
        "dr_override.tf:6:3 Attribute [bucket]"
    );
}

/// Checked at compile time: rules and reporters run on rayon threads.
#[test]
fn the_index_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<SourceIndex>();
    shared::<drlint::sources::SourceLocation>();
}

#[test]
fn a_root_without_tf_files_is_a_warning() {
    let d = scratch("empty_root");
    let (index, warnings) = SourceIndex::build(&d, &d, &ModuleTree::default());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("no Terraform files"));
    assert_eq!(index.locate("aws_s3_bucket.a", ""), Lookup::NotFound);
    let (_, warnings) = SourceIndex::build(&d.join("nope"), &d, &ModuleTree::default());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "nope");
    assert!(warnings[0].message.contains("does not exist"));
}

#[test]
fn terraform_json_files_are_indexed_too() {
    let d = scratch("tfjson");
    std::fs::write(
        d.join("main.tf.json"),
        r#"{
  "resource": {
    "aws_s3_bucket_replication_configuration": {
      "r": {
        "//": {"metadata": {"path": "stack/r"}},
        "bucket": "b",
        "rule": [
          {"id": "a", "filter": {"prefix": "x/"}},
          {"id": "b", "destination": {"bucket": "arn:aws:s3:::d"}}
        ],
        "dynamic": {"tag": {"for_each": "${var.t}", "content": {"key": "k"}}}
      }
    }
  },
  "module": {"vpc": {"source": "terraform-aws-modules/vpc/aws"}}
}
"#,
    )
    .unwrap();
    std::fs::write(d.join("broken.tf.json"), "{\"resource\": {").unwrap();
    let t = tree(r#""vpc": {"source": "terraform-aws-modules/vpc/aws", "module": {}}"#);
    let (index, warnings) = SourceIndex::build(&d, &d, &t);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "broken.tf.json");
    assert!(warnings[0].message.contains("not valid JSON"));
    let r = "aws_s3_bucket_replication_configuration.r";
    assert_eq!(at(&index, r, ""), "main.tf.json:4:7 ResourceBlock []");
    assert_eq!(
        at(&index, r, "bucket"),
        "main.tf.json:6:9 Attribute [bucket]"
    );
    assert_eq!(
        at(&index, r, "rule[1].destination[0].bucket"),
        "main.tf.json:9:39 Attribute [rule[1].destination[0].bucket]"
    );
    assert_eq!(
        at(&index, r, "rule[0].filter"),
        "main.tf.json:8:23 NestedBlock [rule[0].filter]"
    );
    assert_eq!(
        at(&index, r, "rule[0].delete_marker_replication[0].status"),
        "main.tf.json:8:11 NestedBlock [rule[0]] (partial)"
    );
    assert_eq!(
        at(&index, r, "tag[3].key"),
        "main.tf.json:11:65 Attribute [tag[3].key]"
    );
    assert_eq!(
        at(&index, "module.vpc.aws_vpc.this[0]", "cidr_block"),
        "main.tf.json:15:14 ModuleCall [] (partial)"
    );
    assert!(matches!(
        index.locate("aws_s3_bucket.elsewhere", ""),
        Lookup::Unparsed(_)
    ));
}

/// Where each finding drlint reports on dr_stack lands in the sources: the attribute paths the
/// rules really write, through the locator.
#[test]
fn dr_stack_findings_land_in_the_sources() {
    let run = common::drlint(&["--format", "json", "fixtures/terraform/dr_stack/plan.json"]);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let (index, _, _) = fixture("dr_stack", "plan.json");
    let mut lines = Vec::new();
    for f in out["results"].as_array().unwrap() {
        let Some(resource) = f["resource"].as_str() else {
            continue;
        };
        let attribute = f["attribute"].as_str().unwrap();
        let located = at(&index, resource, attribute);
        assert!(
            located.starts_with("fixtures/"),
            "{resource} {attribute}: {located}"
        );
        lines.push(format!(
            "{} {resource} {attribute:?}\n    -> {located}",
            f["rule_id"].as_str().unwrap()
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
