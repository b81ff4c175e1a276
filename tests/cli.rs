//! The command line behaves like the tools its users know (ruff, tflint, checkov): directories
//! as inputs, drlint.toml discovery, --select/--ignore, --stdin-filename, `drlint regions`,
//! report targets checked up front, real waiver dates, undecided labelled as counted, help text.

mod common;
use common::{drlint, drlint_with_stdin, results, root, scratch};
use std::path::Path;

const PLAN: &str = "fixtures/plan/two_region_plan.json";

/// A Terraform JSON configuration with one undecided check (DR302: the queue's key is a
/// variable) and nothing that fails.
const UNDECIDED_TFJSON: &str = r#"{"provider":{"aws":[{"region":"us-east-1"}]},"resource":{"aws_sqs_queue":{"q":{"name":"q-x","kms_master_key_id":"${var.key}"}}},"variable":{"key":{}}}"#;

fn write(path: &Path, text: &str) -> String {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// Input file names of a JSON report.
fn inputs(report: &str) -> Vec<String> {
    json(report)["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap().to_string())
        .collect()
}

fn plan_text() -> String {
    std::fs::read_to_string(root().join(PLAN)).unwrap()
}

// 1. Directories as inputs.

#[test]
fn directory_inputs_are_found_by_content_and_named() {
    let d = scratch("cli_dir");
    let stack = write(&d.join("stacks/a/cdk.tf.json"), UNDECIDED_TFJSON);
    // A plan whose name says nothing: found by content.
    let plan = write(&d.join("output.txt"), &plan_text());
    write(&d.join("package.json"), r#"{"name":"x","version":"1.0.0"}"#);
    write(&d.join("tsconfig.json"), "{ // comments are not JSON\n}");
    write(&d.join("node_modules/m/plan.json"), &plan_text());
    write(&d.join(".terraform/modules/plan.json"), &plan_text());
    write(&d.join("ignored/plan.json"), &plan_text());
    write(&d.join(".gitignore"), "ignored/\n");
    write(&d.join("main.tf"), "resource \"aws_s3_bucket\" \"b\" {}\n");
    let r = drlint(&[d.to_str().unwrap(), "--format", "json"]);
    assert!(r.code <= 1, "{}", r.stderr);
    let mut got = inputs(&r.stdout);
    got.sort();
    let mut want = vec![stack, plan];
    want.sort();
    assert_eq!(got, want);
    assert!(
        r.stderr
            .contains(&format!("read 2 files from {}", d.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("skipped 2 other JSON files"),
        "{}",
        r.stderr
    );
    // A file named and found in a named directory is read once.
    let r = drlint(&[d.to_str().unwrap(), &want[0], "--format", "json"]);
    assert_eq!(inputs(&r.stdout).len(), 2, "{}", r.stdout);
    // Named explicitly, a JSON file of another kind is still an error.
    let r = drlint(&[d.join("package.json").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unrecognised kind"), "{}", r.stderr);
}

#[test]
fn a_broken_input_in_a_directory_is_an_error_not_skipped() {
    let d = scratch("cli_dir_broken");
    write(&d.join("ok/plan.json"), &plan_text());
    let text = plan_text();
    write(&d.join("cut/plan.json"), &text[..text.len() / 2]);
    // Someone else's broken JSON is still skipped.
    write(&d.join("tsconfig.json"), "{ // comments are not JSON\n}");
    let r = drlint(&[d.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no partial report: {}", r.stdout);
    assert!(r.stderr.contains("cut/plan.json"), "{}", r.stderr);
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
}

#[test]
fn a_gitignored_directory_is_searched_when_named() {
    let repo = scratch("cli_dir_gitignored");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo.join(".gitignore"), "cdktf.out/\n*.log\n");
    let stack = write(
        &repo.join("cdktf.out/stacks/a/cdk.tf.json"),
        UNDECIDED_TFJSON,
    );
    write(&repo.join("cdktf.out/stacks/a/plan.log"), &plan_text());
    let r = drlint(&[repo.join("cdktf.out").to_str().unwrap(), "--format", "json"]);
    assert_eq!(inputs(&r.stdout), [stack], "{}", r.stderr);
    // From the repository root, the ignored output is not searched.
    let r = drlint(&[repo.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("what .gitignore excludes is not searched"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_directory_without_input_is_an_error() {
    let d = scratch("cli_dir_empty");
    write(&d.join("README.md"), "# nothing here\n");
    let r = drlint(&[d.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "cli_dir_empty: no plan, state, Terraform JSON configuration or AWS Config file"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn hcl_gets_a_clear_message() {
    let d = scratch("cli_hcl");
    let tf = write(
        &d.join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    );
    for args in [vec![tf.as_str()], vec![d.to_str().unwrap()]] {
        let r = drlint(&args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("HCL is not read yet"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("terraform plan -out tfplan && terraform show -json tfplan > plan.json"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("unexpected character"), "{}", r.stderr);
    }
    // HCL on standard input is recognised by its content.
    let r = drlint_with_stdin(
        &["-"],
        b"# main\nterraform {\n  required_version = \">= 1.5\"\n}\n",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("<stdin>: HCL is not read yet"),
        "{}",
        r.stderr
    );
    // Next to a plan, .tf files are simply not inputs.
    write(&d.join("plan.json"), &plan_text());
    let r = drlint(&[d.to_str().unwrap(), "--format", "json"]);
    assert!(r.code <= 1, "{}", r.stderr);
    assert_eq!(inputs(&r.stdout).len(), 1);
}

// 2. drlint.toml discovery.

#[test]
fn config_is_found_up_to_the_repository_root() {
    let repo = scratch("cli_cfg_repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let cfg = write(&repo.join("drlint.toml"), "profile = \"ephemeral\"\n");
    let input = write(&repo.join("infra/stacks/dev/plan.json"), &plan_text());
    let r = drlint(&[&input, "--format", "json"]);
    let s = &json(&r.stdout)["settings"];
    let found = s["config_file"].as_str().unwrap();
    assert_eq!(
        std::fs::canonicalize(found).unwrap(),
        std::fs::canonicalize(&cfg).unwrap(),
        "{found}"
    );
    assert_eq!(s["profile"], "ephemeral");
    assert_eq!(s["profile_source"].as_str(), Some(found));
    // The human summary says the same.
    let r = drlint(&[&input]);
    assert!(
        r.stdout.contains(&format!("configuration: {found}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("profile: ephemeral ({found})")),
        "{}",
        r.stdout
    );
    // A directory input anchors the search at itself.
    let r = drlint(&[repo.join("infra").to_str().unwrap(), "--format", "json"]);
    assert_eq!(json(&r.stdout)["settings"]["profile"], "ephemeral");
    // The flag wins over the file.
    let r = drlint(&[&input, "--profile", "production", "--format", "json"]);
    assert_eq!(json(&r.stdout)["settings"]["profile_source"], "--profile");
    // --config wins over discovery.
    let other = write(&repo.join("other.toml"), "profile = \"production\"\n");
    let r = drlint(&[&input, "--config", &other, "--format", "json"]);
    let s = &json(&r.stdout)["settings"];
    assert_eq!(s["config_file"].as_str(), Some(other.as_str()));
    assert_eq!(s["profile"], "production");
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let outer = scratch("cli_cfg_outer");
    write(&outer.join("drlint.toml"), "profile = \"ephemeral\"\n");
    std::fs::create_dir_all(outer.join("repo/.git")).unwrap();
    let input = write(&outer.join("repo/plan.json"), &plan_text());
    let r = drlint(&[&input, "--format", "json"]);
    let s = &json(&r.stdout)["settings"];
    // The current directory (the drlint repository) has no drlint.toml either.
    assert!(!root().join("drlint.toml").exists());
    assert_eq!(s["config_file"], serde_json::Value::Null);
    assert_eq!(s["profile_source"], "default");
    let r = drlint(&[&input]);
    assert!(r.stdout.contains("configuration: none"), "{}", r.stdout);
    assert!(
        r.stdout.contains("profile: production (default)"),
        "{}",
        r.stdout
    );
}

// 3. --select / --ignore.

fn rule_ids(args: &[&str]) -> Vec<String> {
    let mut a = vec![PLAN, "--format", "json"];
    a.extend_from_slice(args);
    let r = drlint(&a);
    assert!(r.code <= 1, "{}", r.stderr);
    let mut ids: Vec<String> = results(&r.stdout).into_iter().map(|x| x.0).collect();
    ids.dedup();
    ids
}

#[test]
fn select_and_ignore_pick_the_rules_that_run() {
    // DR804: the plan's replication rule has no replication metrics. DR901: the bucket
    // replicates without RTC and the database has no copy outside us-east-1.
    assert_eq!(rule_ids(&[]), ["DR901", "DR804", "DR401", "DR901", "DR302"]);
    assert_eq!(rule_ids(&["--select", "DR4"]), ["DR401"]);
    assert_eq!(rule_ids(&["--select", "replication"]), ["DR401"]);
    assert_eq!(
        rule_ids(&["--select", "cmk-wrong-region,dr401"]),
        ["DR401", "DR302"]
    );
    assert_eq!(
        rule_ids(&["--ignore", "DR401"]),
        ["DR901", "DR804", "DR901", "DR302"]
    );
    assert_eq!(
        rule_ids(&["--select", "DR4", "--ignore", "DR401"]),
        Vec::<String>::new()
    );
    // The summary says which rules did not run.
    let r = drlint(&[PLAN, "--select", "DR3"]);
    assert!(
        r.stdout.contains(&format!(
            "rules: only 3 of {} run (--select/--ignore/level = \"off\"): DR301, DR302, DR303\n",
            drlint::rules::ALL.len()
        )),
        "{}",
        r.stdout
    );
    let r = drlint(&[PLAN, "--ignore", "DR4,DR5"]);
    assert!(
        r.stdout.contains("rules not run (--select/--ignore/level = \"off\"): DR401, DR402, DR403, DR404, DR501, DR502, DR503\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn select_ignore_and_off_in_the_config_file() {
    let d = scratch("cli_select_cfg");
    let cfg = write(
        &d.join("drlint.toml"),
        "select = [\"DR3\", \"DR4\"]\nignore = [\"DR302\"]\n",
    );
    assert_eq!(rule_ids(&["--config", &cfg]), ["DR401"]);
    // A --select flag replaces the file's select (and its ignore, as in ruff).
    assert_eq!(
        rule_ids(&["--config", &cfg, "--select", "DR302"]),
        ["DR302"]
    );
    let off = write(&d.join("off.toml"), "[rules.DR401]\nlevel = \"off\"\n");
    assert_eq!(
        rule_ids(&["--config", &off]),
        ["DR901", "DR804", "DR901", "DR302"]
    );
    // By name too.
    let off = write(
        &d.join("off2.toml"),
        "[rules.cmk-wrong-region]\nlevel = \"off\"\n",
    );
    assert_eq!(
        rule_ids(&["--config", &off]),
        ["DR901", "DR804", "DR401", "DR901"]
    );
}

#[test]
fn unknown_selectors_suggest_the_nearest() {
    let r = drlint(&[PLAN, "--select", "DR4O1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no rule selector `DR4O1`; did you mean DR401 (crr-delete-markers)?"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = drlint(&[PLAN, "--ignore", "replicaton"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean replication"),
        "{}",
        r.stderr
    );
    let d = scratch("cli_select_bad");
    let cfg = write(&d.join("drlint.toml"), "ignore = [\"DR999\"]\n");
    let r = drlint(&[PLAN, "--config", &cfg]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("drlint.toml: ignore: no rule selector `DR999`"),
        "{}",
        r.stderr
    );
    let cfg = write(&d.join("rules.toml"), "[rules.DR4O1]\nlevel = \"off\"\n");
    let r = drlint(&[PLAN, "--config", &cfg]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("[rules.DR4O1]: no rule `DR4O1`; did you mean DR401"),
        "{}",
        r.stderr
    );
}

// 4. --stdin-filename.

#[test]
fn stdin_gets_a_real_path_and_sarif_never_says_stdin() {
    let plan = plan_text();
    let r = drlint_with_stdin(
        &[
            "-",
            "--stdin-filename",
            "infra/plan.json",
            "--format",
            "sarif",
        ],
        plan.as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"uri\": \"infra/plan.json\""),
        "{}",
        r.stdout
    );
    let r = drlint_with_stdin(&["-", "--format", "sarif"], plan.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("<stdin>"), "{}", r.stdout);
    assert!(r.stdout.contains("\"uri\": \"stdin.json\""), "{}", r.stdout);
    // Other formats and messages use the given name too.
    let r = drlint_with_stdin(
        &[
            "-",
            "--stdin-filename",
            "infra/plan.json",
            "--format",
            "github",
        ],
        plan.as_bytes(),
    );
    assert!(r.stdout.contains("file=infra/plan.json"), "{}", r.stdout);
    let r = drlint_with_stdin(&["-", "--stdin-filename", "infra/plan.json"], b"{");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("infra/plan.json:1:"), "{}", r.stderr);
}

// 5. drlint regions.

const MIXED: &str = r#"{"provider":{"aws":[{"region":"us-east-1"},{"alias":"dr","region":"us-west-2"}],"google":[{"project":"p"}]},
"resource":{"aws_s3_bucket":{"a":{"bucket":"a-x"},"b":{"provider":"aws.dr","bucket":"b-x"}},
"google_storage_bucket":{"g":{"name":"g","location":"EU"}},"random_id":{"r":{"byte_length":4}}}}"#;

#[test]
fn regions_are_explained_in_words() {
    let d = scratch("cli_regions");
    let f = write(&d.join("cdk.tf.json"), MIXED);
    let r = drlint(&["regions", &f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("Provider(\""), "{}", r.stdout);
    assert!(!r.stdout.contains("Unknown(\""), "{}", r.stdout);
    let line = |addr: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(addr))
            .unwrap_or_else(|| panic!("{addr} missing: {}", r.stdout))
            .to_string()
    };
    assert!(
        line("aws_s3_bucket.b ").contains("us-west-2"),
        "{}",
        r.stdout
    );
    assert!(
        line("aws_s3_bucket.b ").contains("provider `aws.dr`"),
        "{}",
        r.stdout
    );
    for addr in ["google_storage_bucket.g", "random_id.r"] {
        let l = line(addr);
        assert!(l.contains("not an AWS resource"), "{l}");
        assert!(!l.contains("region unknown"), "{l}");
    }
    // The same region flags as linting, and JSON.
    let r = drlint(&[
        "regions",
        &f,
        "--format",
        "json",
        "--primary-region",
        "us-west-2",
        "--dr-region",
        "us-east-1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["primary_region"], "us-west-2");
    assert_eq!(v["primary_region_source"], "--primary-region");
    let res = v["resources"].as_array().unwrap();
    let role = |a: &str| {
        res.iter().find(|x| x["address"] == a).unwrap()["role"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(role("aws_s3_bucket.b"), "primary");
    assert_eq!(role("aws_s3_bucket.a"), "DR");
    assert_eq!(role("random_id.r"), "not AWS");
    let cfg = write(
        &d.join("drlint.toml"),
        "[regions]\nprimary = \"us-east-1\"\n",
    );
    let r = drlint(&["regions", &f, "--config", &cfg, "--format", "json"]);
    assert_eq!(
        json(&r.stdout)["primary_region_source"].as_str(),
        Some(cfg.as_str())
    );
}

// 6. Report targets are checked before any work.

#[test]
fn bad_report_targets_fail_before_any_work() {
    let d = scratch("cli_targets");
    let missing = d.join("no/such/dir/r.sarif");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--output".into(), missing.to_string_lossy().into()],
            "does not exist",
        ),
        (
            vec!["--report".into(), format!("sarif={}", missing.display())],
            "does not exist",
        ),
        (
            vec!["--output".into(), d.to_string_lossy().into()],
            "is a directory",
        ),
        (
            vec![
                "--output".into(),
                d.join("r.json").to_string_lossy().into(),
                "--report".into(),
                format!("json={}/./r.json", d.display()),
            ],
            "is also the target of --output",
        ),
        (
            vec![
                "--report".into(),
                format!("sarif={}/a", d.display()),
                "--report".into(),
                format!("json={}/a", d.display()),
            ],
            "each report needs its own file",
        ),
    ];
    let input = d.join("plan.json");
    std::fs::write(&input, plan_text()).unwrap();
    let r = drlint(&[
        input.to_str().unwrap(),
        "--report",
        &format!("sarif={}", input.display()),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is an input"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), plan_text());
    // A report inside an input directory is fine (and not read back as an input).
    let r = drlint(&[
        d.to_str().unwrap(),
        "--report",
        &format!("sarif={}/r.sarif", d.display()),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = drlint(&[d.to_str().unwrap(), "--format", "json"]);
    assert_eq!(inputs(&r.stdout).len(), 1, "{}", r.stderr);
    std::fs::remove_file(d.join("r.sarif")).unwrap();
    std::fs::remove_file(&input).unwrap();
    for (extra, want) in cases {
        // An unreadable input too: the target is checked first, so only its error shows.
        let mut args: Vec<&str> = vec!["no/such/input.json"];
        args.extend(extra.iter().map(String::as_str));
        let r = drlint(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("input.json"), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    assert!(!d.join("r.json").exists() && !d.join("a").exists());
}

// 7. Waiver dates.

#[test]
fn a_waiver_expiry_must_be_a_real_date() {
    let d = scratch("cli_waiver_date");
    for bad in ["2027-13-45", "2027-02-29", "2027-1-1"] {
        let cfg = write(
            &d.join("drlint.toml"),
            &format!(
                "[[waiver]]\nrule = \"DR401\"\nresource = \"aws_s3_bucket_replication_configuration.data\"\nreason = \"r\"\nexpires = \"{bad}\"\n"
            ),
        );
        let r = drlint(&[PLAN, "--config", &cfg]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "waiver for DR401 on aws_s3_bucket_replication_configuration.data: expires = \"{bad}\" is not a date"
            )),
            "{}",
            r.stderr
        );
    }
    // A real date that is not yet past waives (DRLINT_TODAY is 2026-11-22 in tests); a waiver
    // may name its rule by name.
    let cfg = write(
        &d.join("drlint.toml"),
        "[[waiver]]\nrule = \"crr-delete-markers\"\nresource = \"aws_s3_bucket_replication_configuration.*\"\nreason = \"r\"\nexpires = \"2028-02-29\"\n",
    );
    let r = drlint(&[PLAN, "--config", &cfg, "--format", "json"]);
    assert_eq!(json(&r.stdout)["summary"]["waived"], 1, "{}", r.stdout);
}

// 8. Undecided outcomes are labelled and counted the same way everywhere.

#[test]
fn undecided_is_labelled_as_it_is_counted() {
    let d = scratch("cli_undecided");
    let f = write(&d.join("u.tf.json"), UNDECIDED_TFJSON);
    let run = |extra: &[&str]| {
        let mut a = vec![f.as_str(), "--env-suffix", "x"];
        a.extend_from_slice(extra);
        drlint(&a)
    };
    let r = run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("note[DR302 cmk-wrong-region]: undecided:"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "drlint: 0 errors, 0 warnings, 1 note in 1 resource across 1 file (1 undecided)"
        ),
        "{}",
        r.stdout
    );
    let r = run(&["--format", "markdown"]);
    assert!(
        r.stdout
            .contains("1 note in 1 resource across 1 file (1 undecided)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("| note | [DR302]"), "{}", r.stdout);
    let r = run(&["--format", "github"]);
    assert!(r.stdout.starts_with("::notice "), "{}", r.stdout);
    assert!(r.stdout.contains("1 note in"), "{}", r.stdout);
    let r = run(&["--format", "json"]);
    let s = &json(&r.stdout)["summary"];
    assert_eq!(
        (
            s["errors"].as_u64(),
            s["notes"].as_u64(),
            s["undecided"].as_u64()
        ),
        (Some(0), Some(1), Some(1))
    );

    // --undecided fail: an error, labelled and counted as one.
    let r = run(&["--undecided", "fail"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("error[DR302 cmk-wrong-region]: undecided:"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("drlint: 1 error, 0 warnings, 0 notes in"),
        "{}",
        r.stdout
    );
    let r = run(&["--undecided", "fail", "--format", "github"]);
    assert!(r.stdout.starts_with("::error "), "{}", r.stdout);
    let r = run(&["--undecided", "fail", "--format", "markdown"]);
    assert!(r.stdout.contains("| error | [DR302]"), "{}", r.stdout);
    let r = run(&["--undecided", "fail", "--format", "json"]);
    let s = &json(&r.stdout)["summary"];
    assert_eq!(
        (
            s["errors"].as_u64(),
            s["notes"].as_u64(),
            s["undecided"].as_u64()
        ),
        (Some(1), Some(0), Some(1))
    );
}

// 9. Help text and explain.

#[test]
fn every_flag_and_argument_has_help() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let builtin = matches!(a.get_id().as_str(), "help" | "version");
            if !builtin && a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {}", a.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            if sub.get_about().is_none() {
                missing.push(format!("{path} {} (about)", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&drlint::cli::Cli::command(), "drlint", &mut missing);
    assert!(missing.is_empty(), "no help text: {missing:?}");
    // And the binary prints them.
    let r = drlint(&["--help"]);
    assert!(r.stdout.contains("--select <RULES>") && r.stdout.contains("--stdin-filename"));
    let r = drlint(&["regions", "--help"]);
    assert!(
        r.stdout.contains("--primary-region") && r.stdout.contains("--config"),
        "{}",
        r.stdout
    );
}

#[test]
fn explain_takes_ids_and_names_in_any_case_and_suggests() {
    for q in ["DR401", "dr401", "crr-delete-markers", "CRR-Delete-Markers"] {
        let r = drlint(&["explain", q]);
        assert_eq!(r.code, 0, "{q}: {}", r.stderr);
        assert!(r.stdout.contains("DR401"), "{q}");
    }
    let r = drlint(&["explain", "DR4O1"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim(),
        "error: no rule `DR4O1`; did you mean DR401 (crr-delete-markers)? (`drlint rules` lists them)"
    );
    let r = drlint(&["explain", "crr-delete-marker"]);
    assert!(
        r.stderr
            .contains("did you mean DR401 (crr-delete-markers)?"),
        "{}",
        r.stderr
    );
}
