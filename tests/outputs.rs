//! Output formats, exit codes, waivers and the sensitive-value guarantee, through the binary.

mod common;
use common::{drlint, results, scratch};
use serde_json::Value;

const SEED: &str = "fixtures/seed002/cdk.tf.json";
const PLAN: &str = "fixtures/plan/two_region_plan.json";
const ALL_FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "markdown"];

/// `DR401` for `src/rules/dr401_crr_delete_markers.rs`: the rules as the folder has them, not
/// as the registry lists them.
fn rule_ids_on_disk() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(common::root().join("src/rules"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            n.starts_with("dr") && n.len() > 6 && n[2..5].bytes().all(|b| b.is_ascii_digit())
        })
        .map(|n| n[..5].to_ascii_uppercase())
        .collect();
    ids.sort();
    assert!(!ids.is_empty());
    ids
}

fn sarif(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "sarif"]);
    let r = drlint(&a);
    assert_ne!(r.code, 2, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn sarif_has_full_rule_metadata_and_regions() {
    let log = sarif(&[SEED, "--env-suffix", "dev", "--profile", "ephemeral"]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // Every rule in id order, then the `DRnnn-undecided` descriptors of the security rules.
    let main_ids: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|i| !i.ends_with("-undecided"))
        .collect();
    assert_eq!(
        main_ids,
        rule_ids_on_disk(),
        "SARIF lists every rule, in id order"
    );
    assert!(
        ids[..main_ids.len()]
            .iter()
            .all(|i| !i.ends_with("-undecided"))
    );
    for r in rules {
        for key in ["id", "name"] {
            assert!(r[key].is_string(), "{r}");
        }
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
        // `DR301-undecided` shares DR301's page.
        let page = r["id"].as_str().unwrap().trim_end_matches("-undecided");
        // help.text is short (summary + where the page is); help.markdown is the page.
        let text = r["help"]["text"].as_str().unwrap();
        assert!(text.ends_with(r["helpUri"].as_str().unwrap()), "{text}");
        assert!(!text.contains("## What it checks"), "{text}");
        assert!(
            r["help"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with(&format!("# {page}"))
        );
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("rules/{page}.md"))
        );
        // security-severity only on security rules (tests/sarif_github.rs pins which).
        if let Some(sev) = r["properties"]["security-severity"].as_str() {
            let sev: f64 = sev.parse().unwrap();
            assert!((0.0..=10.0).contains(&sev));
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 21); // seed 002: fixtures/seed002/README.md
    for res in results {
        let region = &res["locations"][0]["physicalLocation"]["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().unwrap() >= 1, "{res}");
        }
        assert_eq!(
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            SEED
        );
        assert!(
            res["partialFingerprints"]["drlint/v1"]
                .as_str()
                .unwrap()
                .len()
                == 16
        );
        assert!(
            res["message"]["text"].as_str().unwrap().starts_with("aws_"),
            "names the resource: {res}"
        );
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
    }
}

/// Fingerprints by (rule, resource, attribute) from a SARIF log.
fn fingerprints(log: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {} {}",
                    r["ruleId"], r["properties"]["resource"], r["properties"]["attribute"]
                ),
                r["partialFingerprints"]["drlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn fingerprints_survive_unrelated_additions_and_reordering() {
    let d = scratch("fingerprints");
    let text = std::fs::read_to_string(SEED).unwrap();
    let mut doc: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    // Reverse the order of resource types and of resources, and add an unrelated resource.
    let resources = doc["resource"].as_object().unwrap().clone();
    let mut reordered = serde_json::Map::new();
    reordered.insert(
        "aws_cloudwatch_log_group".into(),
        // In the DR region: a component only the primary had would be a DR805 finding.
        serde_json::json!({"unrelated": {"name": "/payments/unrelated-dev", "kms_key_id": "arn:aws:kms:us-west-2:111122223333:key/abc", "provider": "aws.secondary"}}),
    );
    for (t, by_name) in resources.iter().rev() {
        let mut inner = serde_json::Map::new();
        for (n, body) in by_name.as_object().unwrap().iter().rev() {
            inner.insert(n.clone(), body.clone());
        }
        reordered.insert(t.clone(), Value::Object(inner));
    }
    doc.insert("resource".into(), Value::Object(reordered));
    let changed = d.join("cdk.tf.json");
    std::fs::write(&changed, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let args = ["--env-suffix", "dev", "--profile", "ephemeral"];
    let before = sarif(&[&[SEED][..], &args].concat());
    let after = sarif(&[&[changed.to_str().unwrap()][..], &args].concat());
    assert_eq!(fingerprints(&before), fingerprints(&after));
    // The locations did move, so the test would catch location-based fingerprints.
    let line = |l: &Value| {
        l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .clone()
    };
    let first_rule = |l: &Value| l["runs"][0]["results"][0]["ruleId"].clone();
    assert!(line(&before) != line(&after) || first_rule(&before) != first_rule(&after));
}

#[test]
fn human_on_the_terminal_and_sarif_to_a_file_in_one_run() {
    let d = scratch("two_outputs");
    let out = d.join("drlint.sarif");
    let spec = format!("sarif={}", out.display());
    let r = drlint(&[
        SEED,
        "--env-suffix",
        "dev",
        "--profile",
        "ephemeral",
        "--report",
        &spec,
        "--color",
        "never",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("error[DR401 crr-delete-markers]"));
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 21);
    // --format sarif --output writes the file and leaves standard output empty.
    let out2 = d.join("only.sarif");
    let r = drlint(&[
        SEED,
        "--env-suffix",
        "dev",
        "--format",
        "sarif",
        "--output",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&out2)
            .unwrap()
            .contains("\"2.1.0\"")
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(
        drlint(&[SEED, "--env-suffix", "dev", "--fail-on", "never"]).code,
        0
    );
    let d = scratch("fail_on");
    // Only a warning (DR303: a key without rotation).
    let f = d.join("k.tf.json");
    std::fs::write(
        &f,
        r#"{"provider":{"aws":[{"region":"us-east-1"}]},"resource":{"aws_kms_key":{"k":{"description":"k","enable_key_rotation":false}}}}"#,
    )
    .unwrap();
    let f = f.to_str().unwrap();
    assert_eq!(drlint(&[f, "--env-suffix", "x"]).code, 0);
    assert_eq!(
        drlint(&[f, "--env-suffix", "x", "--fail-on", "warning"]).code,
        1
    );
    // An undecided result is a note unless --undecided fail.
    let g = d.join("u.tf.json");
    std::fs::write(
        &g,
        r#"{"provider":{"aws":[{"region":"us-east-1"}]},"resource":{"aws_sqs_queue":{"q":{"name":"q-x","kms_master_key_id":"${var.key}"}}},"variable":{"key":{}}}"#,
    )
    .unwrap();
    let g = g.to_str().unwrap();
    let r = drlint(&[g, "--env-suffix", "x", "--format", "json"]);
    assert_eq!(r.code, 0);
    assert!(
        results(&r.stdout)
            .iter()
            .any(|x| x.0 == "DR302" && x.1 == "undecided"),
        "{}",
        r.stdout
    );
    assert_eq!(
        drlint(&[g, "--env-suffix", "x", "--undecided", "fail"]).code,
        1
    );
    let r = drlint(&[
        g,
        "--env-suffix",
        "x",
        "--undecided",
        "ignore",
        "--format",
        "json",
    ]);
    assert!(results(&r.stdout).is_empty());
}

#[test]
fn rules_and_explain() {
    let ids = rule_ids_on_disk();
    let r = drlint(&["rules"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.lines().count(), ids.len());
    assert!(r.stdout.contains("DR401  crr-delete-markers"));
    // The same words as the main command's --format; `text` is the old name of `human`.
    for human in ["human", "text"] {
        assert_eq!(drlint(&["rules", "--format", human]).stdout, r.stdout);
    }
    let r = drlint(&["rules", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let listed: Vec<&str> = list.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids);
    for x in &list {
        for key in ["id", "name", "family", "level", "summary", "help_uri"] {
            assert!(x[key].as_str().is_some_and(|v| !v.is_empty()), "{key}: {x}");
        }
        assert!(x["needs"].is_array(), "{x}");
    }
    let md = drlint(&["rules", "--format", "markdown"]).stdout;
    assert!(
        md.starts_with("| id | name | level | fails when |\n"),
        "{md}"
    );
    assert_eq!(md.lines().count(), ids.len() + 2);
    assert_eq!(drlint(&["rules", "--format", "sarif"]).code, 2);
    let r = drlint(&["explain", "DR401"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("# DR401 crr-delete-markers"));
    assert!(r.stdout.contains("## How to fix"));
    assert_eq!(drlint(&["explain", "crr-delete-markers"]).code, 0);
}

#[test]
fn plan_references_are_followed_to_the_key_region() {
    let r = drlint(&[PLAN, "--format", "json"]);
    let res = results(&r.stdout);
    // kms_key_id is unknown at plan time; its expression references aws_kms_key.dr (us-west-2).
    assert!(
        res.contains(&(
            "DR302".into(),
            "fail".into(),
            "aws_db_instance.main".into(),
            "kms_key_id".into()
        )),
        "{res:?}"
    );
    assert!(res.iter().any(|x| x.0 == "DR401"));
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["settings"]["environment_suffix"], "qa");
    assert_eq!(
        v["settings"]["environment_suffix_source"],
        "variable environment_suffix"
    );
    assert_eq!(v["settings"]["dr_region"], "us-west-2");
}

#[test]
fn sensitive_values_never_appear_in_any_output() {
    let d = scratch("sensitive");
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(PLAN).unwrap()).unwrap();
    // Make the identifier sensitive too, and make it fail DR103 so a finding points right at it.
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == "aws_db_instance.main" {
            rc["change"]["after"]["identifier"] = "prod-hunter2-db-qa".into();
            rc["change"]["after_sensitive"]["identifier"] = true.into();
        }
    }
    let f = d.join("plan.json");
    std::fs::write(&f, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let f = f.to_str().unwrap();
    for fmt in ALL_FORMATS {
        let r = drlint(&[f, "--format", fmt, "--color", "never"]);
        assert_eq!(r.code, 1, "{fmt}: {}", r.stderr);
        assert!(
            !r.stdout.contains("hunter2"),
            "{fmt} leaks a sensitive value:\n{}",
            r.stdout
        );
        assert!(!r.stderr.contains("hunter2"));
    }
    let r = drlint(&[f, "--format", "json"]);
    assert!(
        results(&r.stdout)
            .iter()
            .any(|x| x.0 == "DR103" && x.3 == "identifier"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(sensitive value)"));
    let human = drlint(&[f, "--color", "never"]).stdout;
    assert!(
        human.contains("\"identifier\": ********************,"),
        "masked in the snippet:\n{human}"
    );
    assert!(
        !human.contains("`prod`"),
        "no part of a sensitive value is quoted:\n{human}"
    );
}

#[test]
fn waivers_from_config_and_tags() {
    let d = scratch("waivers");
    let cfg = d.join("drlint.toml");
    std::fs::write(
        &cfg,
        r#"environment_suffix = "dev"
profile = "ephemeral"
[[waiver]]
rule = "DR705"
resource = "aws_route53_record.*"
reason = "records are rewritten by the deploy pipeline"
expires = "2099-01-01"
[[waiver]]
rule = "DR401"
resource = "aws_s3_bucket_replication_configuration.bucket_replication"
reason = "accepted until the next release"
expires = "2020-01-01"
[[waiver]]
rule = "DR301"
resource = "aws_kinesis_stream.*"
reason = "no such resource"
"#,
    )
    .unwrap();
    let r = drlint(&[SEED, "--config", cfg.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let res = results(&r.stdout);
    assert!(!res.iter().any(|x| x.0 == "DR705"), "waived");
    assert!(
        res.iter().any(|x| x.0 == "DR401"),
        "expired waivers do not waive"
    );
    assert_eq!(v["summary"]["waived"], 2);
    let notices = v["notices"].to_string();
    assert!(notices.contains("expired on 2020-01-01"), "{notices}");
    assert!(
        notices.contains("aws_kinesis_stream.*") && notices.contains("matched nothing"),
        "{notices}"
    );

    // Tag waivers need a reason.
    let text = std::fs::read_to_string(SEED).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["resource"]["aws_sns_topic"]["primary_notification_topic"]["tags"] = serde_json::json!({"drlint:waive": "DR301", "drlint:reason": "alarm topic carries no data"});
    doc["resource"]["aws_sns_topic"]["secondary_notification_topic"]["tags"] =
        serde_json::json!({"drlint:waive": "DR301"});
    let f = d.join("tagged.tf.json");
    std::fs::write(&f, doc.to_string()).unwrap();
    let r = drlint(&[
        f.to_str().unwrap(),
        "--env-suffix",
        "dev",
        "--format",
        "json",
    ]);
    let res = results(&r.stdout);
    assert!(
        !res.iter()
            .any(|x| x.0 == "DR301" && x.2 == "aws_sns_topic.primary_notification_topic")
    );
    assert!(
        res.iter()
            .any(|x| x.0 == "DR301" && x.2 == "aws_sns_topic.secondary_notification_topic")
    );
    assert!(r.stdout.contains("no drlint:reason tag"), "{}", r.stdout);
}

#[test]
fn rule_levels_from_config() {
    let d = scratch("levels");
    let cfg = d.join("drlint.toml");
    std::fs::write(
        &cfg,
        "[rules.DR301]\nlevel = \"off\"\n[rules.DR705]\nlevel = \"warning\"\n",
    )
    .unwrap();
    let r = drlint(&[
        SEED,
        "--config",
        cfg.to_str().unwrap(),
        "--env-suffix",
        "dev",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let res = v["results"].as_array().unwrap();
    assert!(!res.iter().any(|x| x["rule_id"] == "DR301"));
    assert!(
        res.iter()
            .filter(|x| x["rule_id"] == "DR705")
            .all(|x| x["level"] == "warning")
    );
}

#[test]
fn github_and_markdown_formats() {
    let r = drlint(&[SEED, "--env-suffix", "dev", "--format", "github"]);
    let first = r.stdout.lines().find(|l| l.starts_with("::error")).unwrap();
    assert!(
        first.starts_with("::error file=fixtures/seed002/cdk.tf.json,line="),
        "{first}"
    );
    assert!(first.contains(",title=DR"), "{first}");
    let r = drlint(&[SEED, "--env-suffix", "dev", "--format", "markdown"]);
    assert!(r.stdout.starts_with("## drlint — DR policy report"));
    assert!(r.stdout.contains("| error | [DR401]("));
}

#[test]
fn human_report_snapshot_of_the_plan_fixture() {
    let r = drlint(&[PLAN, "--color", "never"]);
    insta::assert_snapshot!("two_region_plan_human", r.stdout);
}

#[test]
fn several_files_are_one_system() {
    // A primary and a DR stack synthesized separately: the DR VPC overlaps the primary's.
    let d = scratch("two_files");
    let primary = d.join("primary.tf.json");
    let dr = d.join("dr.tf.json");
    std::fs::write(
        &primary,
        r#"{"provider":{"aws":[{"alias":"primary","region":"us-east-1"}]},
            "resource":{"aws_vpc":{"main":{"provider":"aws.primary","cidr_block":"10.0.0.0/16"}}}}"#,
    )
    .unwrap();
    std::fs::write(
        &dr,
        r#"{"provider":{"aws":[{"alias":"dr","region":"us-west-2"}]},
            "resource":{"aws_vpc":{"main":{"provider":"aws.dr","cidr_block":"10.0.128.0/17"}}}}"#,
    )
    .unwrap();
    let (p, q) = (primary.to_str().unwrap(), dr.to_str().unwrap());
    let r = drlint(&[p, q, "--env-suffix", "x", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    // One finding per overlapping VPC, in its own file.
    let res = v["results"].as_array().unwrap();
    assert_eq!(res.len(), 2, "{res:?}");
    for (r, file) in res.iter().zip(["primary.tf.json", "dr.tf.json"]) {
        assert_eq!(r["rule_id"], "DR501");
        assert_eq!(
            r["level"], "error",
            "the two VPCs are the primary / DR pair"
        );
        assert!(r["file"].as_str().unwrap().ends_with(file), "{r}");
    }
    assert_eq!(v["settings"]["primary_region"], "us-east-1");
    assert_eq!(v["settings"]["dr_region"], "us-west-2");
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
    // Each file alone is clean.
    assert_eq!(drlint(&[p, "--env-suffix", "x"]).code, 0);
    assert_eq!(drlint(&[q, "--env-suffix", "x"]).code, 0);
}

#[test]
fn suffix_is_inferred_from_tags() {
    let d = scratch("suffix_tag");
    let f = d.join("s.tf.json");
    std::fs::write(
        &f,
        r#"{"provider":{"aws":{"region":"us-east-1"}},"resource":{"aws_sqs_queue":{"q":{"name":"jobs-main",
            "kms_master_key_id":"alias/jobs-pr7","tags":{"EnvironmentSuffix":"pr7"}}}}}"#,
    )
    .unwrap();
    let r = drlint(&[f.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["settings"]["environment_suffix"], "pr7");
    assert_eq!(
        v["settings"]["environment_suffix_source"],
        "tag EnvironmentSuffix"
    );
    assert!(
        results(&r.stdout)
            .iter()
            .any(|x| x.0 == "DR101" && x.3 == "name")
    );
}

/// The `fmt` report of the file `name` (holding `text`, large enough to be mapped) is the one
/// of the same text read from standard input under that name.
fn assert_mapped_reports_as_stdin(name: &str, text: &str, fmt: &str) {
    let mapped = drlint(&[name, "--format", fmt, "--fail-on", "never"]);
    assert_eq!(mapped.code, 0, "{name} {fmt}: {}", mapped.stderr);
    let read = common::drlint_with_stdin(
        &[
            "-",
            "--stdin-filename",
            name,
            "--format",
            fmt,
            "--fail-on",
            "never",
        ],
        text.as_bytes(),
    );
    assert_eq!(read.code, 0, "{name} {fmt}: {}", read.stderr);
    // Not `assert_eq!`: a difference would print two reports of megabytes.
    assert!(
        mapped.stdout == read.stdout,
        "{name} {fmt}: the reports differ"
    );
}

/// A plan of more than 4 MB is mapped, not read (src/input.rs), and its pages are given back
/// after validation and again after the rules: every report must still be the one the same
/// plan gives when read into memory from standard input.
#[test]
fn a_large_mapped_plan_reports_as_the_same_plan_read_from_stdin() {
    let d = scratch("large-mapped-plan");
    let text = std::fs::read_to_string(common::root().join(PLAN)).unwrap();
    let body = text.trim_start().strip_prefix('{').unwrap();
    // Padding before the resources: many lines and more than 4 MB, so that every finding is
    // far into the file, on a page the validator read and gave back.
    let mut big = String::from("{\n  \"padding\": [\n");
    while big.len() < 4_500_000 {
        big.push_str(
            "    \"é — a line of padding that is not ASCII, so columns count characters\",\n",
        );
    }
    big.push_str("    0\n  ],");
    big.push_str(body);
    let path = d.join("plan.json");
    std::fs::write(&path, &big).unwrap();
    let name = path.to_str().unwrap();
    for fmt in ALL_FORMATS {
        assert_mapped_reports_as_stdin(name, &big, fmt);
    }
    let json = drlint(&[name, "--format", "json", "--fail-on", "never"]);
    let lines: Vec<u64> = serde_json::from_str::<Value>(&json.stdout).unwrap()["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["line"].as_u64())
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|&l| l > 50_000),
        "{lines:?}"
    );
}

/// A mapped plan's attributes are read from copies made a few hundred resources at a time, and
/// its findings are located a few thousand at a time (src/read/plan.rs, src/findings.rs):
/// thousands of resources, in both spellings of JSON, must report as the same plan read from
/// standard input, which is neither copied nor given back.
#[test]
fn a_mapped_plan_of_thousands_of_resources_reports_as_the_same_plan_read_from_stdin() {
    let d = scratch("large-mapped-plan-many");
    let text = std::fs::read_to_string(common::root().join(PLAN)).unwrap();
    let mut plan: Value = serde_json::from_str(&text).unwrap();
    // The plan's resources become those of a module called with `count = 1000`.
    let root = plan["configuration"]["root_module"].take();
    plan["configuration"]["root_module"] =
        serde_json::json!({"module_calls": {"unit": {"source": "./unit", "module": root}}});
    let changes = plan["resource_changes"].as_array().unwrap().clone();
    let mut many = Vec::new();
    for n in 0..1000 {
        for c in &changes {
            let mut c = c.clone();
            let module = format!("module.unit[{n}]");
            let address = format!("{module}.{}", c["address"].as_str().unwrap());
            c["address"] = Value::from(address);
            c["module_address"] = Value::from(module);
            many.push(c);
        }
    }
    plan["resource_changes"] = Value::from(many);
    for (spelling, body) in [
        ("minified", serde_json::to_string(&plan).unwrap()),
        ("pretty", serde_json::to_string_pretty(&plan).unwrap()),
    ] {
        assert!(body.len() > 4 << 20, "{spelling}: {} bytes", body.len());
        let path = d.join(format!("{spelling}.json"));
        std::fs::write(&path, &body).unwrap();
        let name = path.to_str().unwrap();
        for fmt in ["json", "sarif"] {
            assert_mapped_reports_as_stdin(name, &body, fmt);
        }
        let json: Value =
            serde_json::from_str(&drlint(&[name, "--format", "json", "--fail-on", "never"]).stdout)
                .unwrap();
        let results = json["results"].as_array().unwrap();
        assert!(
            results.len() > 4096,
            "{spelling}: {} findings",
            results.len()
        );
        assert_eq!(json["summary"]["resources"], 10_000, "{spelling}");
    }
}
