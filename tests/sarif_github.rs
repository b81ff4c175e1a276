//! What GitHub code scanning needs from the SARIF report (and what `--format github`
//! annotations share with it): repository-relative paths, one fingerprint per finding, the
//! results cap, and severities that fail a pull request only for errors.

mod common;
use common::{root, scratch};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

const SEED: &str = "fixtures/seed002/cdk.tf.json";
const SEED_ARGS: [&str; 4] = ["--env-suffix", "dev", "--profile", "ephemeral"];

/// drlint in `cwd` with `env`, GITHUB_WORKSPACE unset unless given.
fn drlint_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_drlint"));
    c.args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("DRLINT_SARIF_MAX_RESULTS")
        .env_remove("DRLINT_SARIF_MAX_GZIP_BYTES")
        .env("DRLINT_TODAY", "2026-11-22");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn sarif_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "sarif", "--fail-on", "never"]);
    let r = drlint_in(cwd, &a, env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn uris(log: &Value) -> Vec<String> {
    let mut v: Vec<String> = results(log)
        .iter()
        .map(|r| {
            let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(a["uriBaseId"], "%SRCROOT%", "{r}");
            a["uri"].as_str().unwrap().to_string()
        })
        .collect();
    v.dedup();
    v
}

fn config_notifications(log: &Value) -> Vec<String> {
    log["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn uris_are_relative_to_the_repository_root_wherever_drlint_runs() {
    let repo = root();
    let from_root = sarif_in(&repo, &[&[SEED][..], &SEED_ARGS].concat(), &[]);
    assert_eq!(uris(&from_root), [SEED]);
    // The base id names the root (a file: URI ending in /).
    let base = from_root["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let canon = std::fs::canonicalize(&repo).unwrap();
    assert_eq!(base, format!("file://{}/", canon.display()));

    // From the input's own folder (a workflow with working-directory), and by absolute path.
    let sub = sarif_in(
        &repo.join("fixtures/seed002"),
        &[&["cdk.tf.json"][..], &SEED_ARGS].concat(),
        &[],
    );
    assert_eq!(uris(&sub), [SEED]);
    let abs = repo.join(SEED);
    let absolute = sarif_in(
        &repo,
        &[&[abs.to_str().unwrap()][..], &SEED_ARGS].concat(),
        &[],
    );
    assert_eq!(uris(&absolute), [SEED]);

    // GITHUB_WORKSPACE and --source-root win over the git top level.
    let ws = repo.join("fixtures");
    let by_env = sarif_in(
        &repo,
        &[&[SEED][..], &SEED_ARGS].concat(),
        &[("GITHUB_WORKSPACE", ws.to_str().unwrap())],
    );
    assert_eq!(uris(&by_env), ["seed002/cdk.tf.json"]);
    let by_flag = sarif_in(
        &repo,
        &[&[SEED, "--source-root", "fixtures/seed002"][..], &SEED_ARGS].concat(),
        &[],
    );
    assert_eq!(uris(&by_flag), ["cdk.tf.json"]);
    for log in [&from_root, &sub, &absolute, &by_env, &by_flag] {
        assert!(
            !serde_json::to_string(&results(log))
                .unwrap()
                .contains("file:"),
            "no absolute result URI"
        );
    }
}

#[test]
fn an_input_outside_the_root_is_named_by_its_file_name_with_a_warning() {
    // Outside the repository whatever CARGO_TARGET_DIR is (a scratch dir under ./target is
    // inside it).
    let d = std::env::temp_dir().join(format!("drlint-sarif-outside-root-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    assert!(
        !d.starts_with(root()),
        "the temp dir {} is inside the repository",
        d.display()
    );
    std::fs::copy(root().join(SEED), d.join("cdk.tf.json")).unwrap();
    let log = sarif_in(
        &root(),
        &[&[d.join("cdk.tf.json").to_str().unwrap()][..], &SEED_ARGS].concat(),
        &[],
    );
    assert_eq!(uris(&log), ["cdk.tf.json"]);
    let notes = config_notifications(&log);
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.contains("is outside the source root"))
            .count(),
        1,
        "{notes:?}"
    );
    // A --source-root that is not a folder is a usage error.
    let r = drlint_in(
        &root(),
        &[SEED, "--source-root", "no/such/dir", "--format", "sarif"],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--source-root no/such/dir: not a folder"),
        "{}",
        r.stderr
    );
}

#[test]
fn github_annotations_use_the_same_repository_relative_paths() {
    let r = drlint_in(
        &root().join("fixtures/seed002"),
        &[&["cdk.tf.json", "--format", "github"][..], &SEED_ARGS].concat(),
        &[],
    );
    let files: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split("file=").nth(1))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(!files.is_empty(), "{}", r.stdout);
    assert!(
        files.iter().all(|f| *f == "fixtures/seed002/cdk.tf.json"),
        "{files:?}"
    );
}

#[test]
fn standard_input_is_named_by_stdin_filename_never_stdin() {
    let text = std::fs::read(root().join(SEED)).unwrap();
    let named = common::drlint_with_stdin(
        &[
            &["-", "--stdin-filename", SEED, "--format", "sarif"][..],
            &SEED_ARGS,
        ]
        .concat(),
        &text,
    );
    let log: Value = serde_json::from_str(&named.stdout).unwrap();
    assert_eq!(uris(&log), [SEED]);
    let unnamed = common::drlint_with_stdin(
        &[&["-", "--format", "sarif"][..], &SEED_ARGS].concat(),
        &text,
    );
    let log: Value = serde_json::from_str(&unnamed.stdout).unwrap();
    assert_eq!(uris(&log), ["stdin.json"]);
    assert!(!unnamed.stdout.contains("<stdin>"));
    assert!(
        config_notifications(&log)
            .iter()
            .any(|n| n.contains("pass --stdin-filename")),
        "the placeholder is explained"
    );
}

/// (rule fixture, its configuration) as tests/rule_fixtures.rs lints them, plus seed 002 and the
/// reference stacks.
fn corpus() -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    let rules = root().join("fixtures/rules");
    let mut dirs: Vec<_> = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".tf.json"))
            .collect();
        files.sort();
        for f in files {
            let stem = f
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .trim_end_matches(".tf.json")
                .to_string();
            let rel = f
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let variant = stem.split_once('-').map(|(_, v)| v.to_string());
            let cfg = [
                variant.map(|v| dir.join(format!("drlint-{v}.toml"))),
                Some(dir.join("drlint.toml")),
            ]
            .into_iter()
            .flatten()
            .find(|c| c.is_file());
            let mut args = vec![rel];
            match cfg {
                Some(c) => args.extend([
                    "--config".into(),
                    c.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                ]),
                None => args
                    .extend(["--env-suffix", "test", "--profile", "production"].map(String::from)),
            }
            runs.push(args);
        }
    }
    runs.push(
        [&[SEED][..], &SEED_ARGS]
            .concat()
            .into_iter()
            .map(String::from)
            .collect(),
    );
    for entry in std::fs::read_dir(root().join("fixtures/reference")).unwrap() {
        let f = entry.unwrap().path().join("cdk.tf.json");
        if f.is_file() {
            runs.push(vec![
                f.strip_prefix(root())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                "--config".into(),
                "reference-stack/drlint.toml".into(),
            ]);
        }
    }
    runs
}

#[test]
fn no_two_results_of_any_fixture_share_a_fingerprint() {
    let mut checked = 0;
    for args in corpus() {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let log = sarif_in(&root(), &a, &[]);
        let mut seen: HashMap<String, String> = HashMap::new();
        for r in results(&log) {
            let fp = r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
                .to_string();
            let own = r["partialFingerprints"]["drlint/v1"].as_str().unwrap();
            assert_eq!(fp, format!("{own}:1"));
            if let Some(other) = seen.insert(fp.clone(), r["message"]["text"].to_string()) {
                panic!(
                    "{args:?}: two results share {fp}:\n  {other}\n  {}",
                    r["message"]["text"]
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "the corpus has results ({checked})");
}

#[test]
fn dr503_findings_on_one_peering_connection_have_distinct_pinned_fingerprints() {
    let log = sarif_in(
        &root(),
        &[
            "fixtures/rules/DR503/fail.tf.json",
            "--env-suffix",
            "test",
            "--profile",
            "production",
        ],
        &[],
    );
    let mut on_ops: Vec<(String, String)> = results(&log)
        .iter()
        .filter(|r| r["properties"]["resource"] == "aws_vpc_peering_connection.ops")
        .map(|r| {
            (
                r["partialFingerprints"]["drlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["message"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    on_ops.sort();
    let fps: Vec<&str> = on_ops.iter().map(|(f, _)| f.as_str()).collect();
    // FNV-1a of (DR503, address, "", key) with keys "accepter" and "route:accepter",
    // computed independently (src/findings.rs pins the function).
    assert!(fps.contains(&"f3327b09a079214d"), "{on_ops:?}");
    assert!(on_ops.len() >= 2, "{on_ops:?}");
}

#[test]
fn fingerprints_do_not_change_when_the_input_is_reserialized() {
    let d = scratch("sarif_reserialized");
    let text = std::fs::read_to_string(root().join(SEED)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let minified = d.join("min.tf.json");
    let pretty = d.join("pretty.tf.json");
    std::fs::write(&minified, serde_json::to_string(&v).unwrap()).unwrap();
    std::fs::write(&pretty, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let fps = |p: &Path| -> Vec<(String, String)> {
        let log = sarif_in(
            &root(),
            &[&[p.to_str().unwrap()][..], &SEED_ARGS].concat(),
            &[],
        );
        let mut v: Vec<(String, String)> = results(&log)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b, orig) = (fps(&minified), fps(&pretty), fps(&root().join(SEED)));
    let only_fp = |v: &[(String, String)]| v.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
    assert_eq!(only_fp(&a), only_fp(&b));
    assert_eq!(only_fp(&a), only_fp(&orig));
    assert!(a.len() >= 10);
    // Minified, every result is on line 1: the lines moved, the fingerprints did not.
    assert!(a.iter().all(|(_, l)| l == "1"), "{a:?}");
    assert_ne!(a, b);
}

#[test]
fn a_run_over_the_results_cap_keeps_the_most_severe_and_says_so() {
    let args = vec![
        "fixtures/terraform/dr_stack/plan.json",
        "--config",
        "reference-stack/drlint.toml",
    ];
    let full = sarif_in(&root(), &args, &[]);
    let n = results(&full).len();
    let levels: Vec<&str> = results(&full)
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    let errors = levels.iter().filter(|l| **l == "error").count();
    // A warning comes before the last error in report order, so keeping the first N would
    // not keep only errors.
    let first_warning = levels.iter().position(|l| *l == "warning").unwrap();
    assert!(errors > first_warning + 1 && errors < n, "{levels:?}");
    let cap = (first_warning + 2).to_string();
    let capped = sarif_in(
        &root(),
        &args,
        &[("DRLINT_SARIF_MAX_RESULTS", cap.as_str())],
    );
    let kept = results(&capped);
    assert_eq!(kept.len(), first_warning + 2);
    assert!(kept.iter().all(|r| r["level"] == "error"));
    let exec = &capped["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(exec[0]["level"], "error");
    let text = exec[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "{n} results exceed GitHub code scanning's limit of {cap} per run"
        )),
        "{text}"
    );
    // The exit code still counts every finding.
    let mut a = args.clone();
    a.extend(["--format", "sarif"]);
    let plain = drlint_in(&root(), &a, &[]);
    let capped = drlint_in(&root(), &a, &[("DRLINT_SARIF_MAX_RESULTS", cap.as_str())]);
    assert_eq!(plain.code, 1);
    assert_eq!(capped.code, plain.code);
}

fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

#[test]
fn a_file_over_the_upload_size_keeps_the_most_severe_results_that_fit() {
    let args = vec![
        "fixtures/terraform/dr_stack/plan.json",
        "--config",
        "reference-stack/drlint.toml",
    ];
    let full = sarif_in(&root(), &args, &[]);
    let n = results(&full).len();
    let mut a = args.clone();
    a.extend(["--format", "sarif", "--fail-on", "never"]);
    let full_gz = gzip_len(drlint_in(&root(), &a, &[]).stdout.as_bytes());
    // The rule metadata alone is most of the file: the limit lies between the file without
    // results and the full file.
    let empty = drlint_in(&root(), &a, &[("DRLINT_SARIF_MAX_RESULTS", "0")]);
    let empty_gz = gzip_len(empty.stdout.as_bytes());
    assert!(empty_gz < full_gz);
    let limit = (empty_gz + full_gz) / 2;
    let r = drlint_in(
        &root(),
        &a,
        &[("DRLINT_SARIF_MAX_GZIP_BYTES", limit.to_string().as_str())],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(gzip_len(r.stdout.as_bytes()) <= limit);
    let small: Value = serde_json::from_str(&r.stdout).unwrap();
    let kept = results(&small);
    assert!(!kept.is_empty() && kept.len() < n, "{} of {n}", kept.len());
    // The most severe are kept: no kept result is less severe than a left-out one.
    let rank = |l: &str| {
        ["none", "note", "warning", "error"]
            .iter()
            .position(|x| *x == l)
    };
    let worst_kept = kept
        .iter()
        .map(|r| rank(r["level"].as_str().unwrap()))
        .min();
    let mut all: Vec<_> = results(&full)
        .iter()
        .map(|r| rank(r["level"].as_str().unwrap()))
        .collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(worst_kept, Some(all[kept.len() - 1]));
    let exec = &small["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let text = exec
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["level"] == "error")
        .and_then(|e| e["message"]["text"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        text.contains(&format!(
            "only the {} most severe of {n} results are in it",
            kept.len()
        )),
        "{text}"
    );
}

#[test]
fn security_severity_only_on_security_rules_and_errors_are_high() {
    let log = sarif_in(&root(), &[&[SEED][..], &SEED_ARGS].concat(), &[]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let mut security = Vec::new();
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        match r["properties"]["security-severity"].as_str() {
            Some(s) => {
                let s: f64 = s.parse().unwrap();
                assert!(tags.contains(&"security"), "{id}");
                // GitHub: >= 7.0 is High and fails the default check; errors must, others not.
                match r["defaultConfiguration"]["level"].as_str().unwrap() {
                    "error" => assert!(s >= 7.0, "{id} {s}"),
                    _ => assert!(s < 7.0, "{id} {s}"),
                }
                security.push(id.to_string());
            }
            None => {
                assert!(!tags.contains(&"security"), "{id}");
                assert!(tags.contains(&"reliability"), "{id}");
            }
        }
    }
    assert_eq!(security, ["DR301", "DR302", "DR303"]);
}

#[test]
fn undecided_results_are_for_review_and_never_a_high_alert() {
    let d = scratch("sarif_undecided");
    std::fs::write(
        d.join("u.tf.json"),
        r#"{"provider":{"aws":[{"alias":"primary","region":"us-east-1"},{"alias":"dr","region":"us-west-2"}]},
 "variable":{"key_arn":{"type":"string"}},
 "resource":{"aws_cloudwatch_log_group":{"logs_test":{"name":"/app/logs-test","provider":"aws.primary","kms_key_id":"${var.key_arn}","retention_in_days":30}}}}"#,
    )
    .unwrap();
    let f = d.join("u.tf.json");
    let args = [f.to_str().unwrap(), "--env-suffix", "test"];
    let log = sarif_in(&root(), &args, &[]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let r = results(&log)
        .iter()
        .find(|r| r["properties"]["outcome"] == "undecided")
        .expect("an undecided DR302");
    assert_eq!(r["ruleId"], "DR302-undecided");
    assert_eq!(
        (&r["kind"], &r["level"]),
        (&"review".into(), &"none".into())
    );
    let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "DR302-undecided");
    assert!(rule["properties"]["security-severity"].is_null());
    // --undecided fail makes it a failure of the rule itself.
    let mut a = args.to_vec();
    a.extend(["--undecided", "fail"]);
    let log = sarif_in(&root(), &a, &[]);
    let r = &results(&log)[0];
    assert_eq!(r["ruleId"], "DR302");
    assert_eq!((&r["kind"], &r["level"]), (&"fail".into(), &"error".into()));
}

#[test]
fn every_result_kind_and_level_is_valid_sarif_across_the_corpus() {
    for args in corpus() {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let log = sarif_in(&root(), &a, &[]);
        for r in results(&log) {
            if r["kind"] != "fail" {
                assert_eq!(r["level"], "none", "SARIF 3.27.10: {args:?} {r}");
            }
        }
    }
}

/// `n` VPCs with one CIDR, alternating between two regions, and one peering between the first
/// two: a tf.json written by the test.
fn same_cidr_vpcs(n: usize) -> String {
    let mut vpcs = serde_json::Map::new();
    for i in 0..n {
        let provider = if i % 2 == 0 { "aws.primary" } else { "aws.dr" };
        vpcs.insert(
            format!("v{i:04}"),
            serde_json::json!({"provider": provider, "cidr_block": "10.0.0.0/16"}),
        );
    }
    serde_json::json!({
        "provider": {"aws": [
            {"alias": "primary", "region": "us-east-1"},
            {"alias": "dr", "region": "us-west-2"}
        ]},
        "resource": {
            "aws_vpc": vpcs,
            "aws_vpc_peering_connection": {"p": {
                "provider": "aws.primary",
                "vpc_id": "${aws_vpc.v0000.id}",
                "peer_vpc_id": "${aws_vpc.v0001.id}",
                "peer_region": "us-west-2"
            }}
        }
    })
    .to_string()
}

#[test]
fn dr501_reports_one_finding_per_overlapping_vpc_not_per_pair() {
    let d = scratch("dr501_many");
    let f = d.join("vpcs.tf.json");
    std::fs::write(&f, same_cidr_vpcs(870)).unwrap();
    let r = drlint_in(
        &root(),
        &[
            f.to_str().unwrap(),
            "--env-suffix",
            "x",
            "--select",
            "DR501",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let res = v["results"].as_array().unwrap();
    // 870 VPCs, 378,015 overlapping pairs: one finding per VPC.
    assert_eq!(res.len(), 870);
    let mut seen = std::collections::HashSet::new();
    for x in res {
        assert_eq!(x["rule_id"], "DR501");
        assert!(seen.insert(x["resource"].as_str().unwrap().to_string()));
    }
    let by = |addr: &str| res.iter().find(|x| x["resource"] == addr).unwrap();
    // The peered pair is an error and names its peer; the others are warnings (several VPCs
    // per region: which of them pair up is not known).
    let peered = by("aws_vpc.v0000");
    assert_eq!(peered["level"], "error");
    let msg = peered["message"].as_str().unwrap();
    assert!(msg.contains("overlaps 869 other VPCs: "), "{msg}");
    assert!(
        msg.contains(" and 866 more; they are peered with aws_vpc.v0001"),
        "{msg}"
    );
    assert_eq!(by("aws_vpc.v0001")["level"], "error");
    let plain = by("aws_vpc.v0500");
    assert_eq!(plain["level"], "warning");
    let msg = plain["message"].as_str().unwrap();
    assert!(
        msg.ends_with(" and 866 more; they may need to be peered later"),
        "{msg}"
    );
}

#[test]
fn dr501_the_only_vpc_of_each_region_is_the_dr_pair() {
    let d = scratch("dr501_pair");
    let f = d.join("vpcs.tf.json");
    // Two VPCs, one per region, not peered: the DR pair, an error for both.
    let mut doc: Value = serde_json::from_str(&same_cidr_vpcs(2)).unwrap();
    doc["resource"]
        .as_object_mut()
        .unwrap()
        .remove("aws_vpc_peering_connection");
    std::fs::write(&f, doc.to_string()).unwrap();
    let args = [f.to_str().unwrap(), "--env-suffix", "x", "--format", "json"];
    let r = drlint_in(&root(), &args, &[]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let levels: Vec<(&str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule_id"] == "DR501")
        .map(|x| (x["level"].as_str().unwrap(), x["message"].as_str().unwrap()))
        .collect();
    assert_eq!(levels.len(), 2, "{levels:?}");
    for (l, m) in levels {
        assert_eq!(l, "error");
        assert!(m.ends_with("; they are the primary / DR pair"), "{m}");
    }
}
