//! Baselines end to end: `drlint baseline create` on a failing stack, then `--baseline` reports
//! only what is new, lists what was fixed, survives re-serialization of the input, and refuses
//! bad baseline files with exit 2.

mod common;
use common::{drlint, results, root, scratch};
use serde_json::Value as J;
use std::path::{Path, PathBuf};

/// Errors among them DR401 on the replication configuration and DR302 on the database.
const PLAN: &str = "fixtures/plan/two_region_plan.json";

/// How many findings the plan has today (so that a new rule firing on it does not break tests
/// about baselines).
fn plan_findings() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        let n = results(&drlint(&[PLAN, "--format", "json"]).stdout).len();
        assert!(n >= 2, "the plan has {n} findings");
        n
    })
}

fn json(s: &str) -> J {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn plan() -> J {
    json(&std::fs::read_to_string(root().join(PLAN)).unwrap())
}

/// Applies `f` to the values of `address` in planned_values and in resource_changes.
fn edit(plan: &mut J, address: &str, f: impl Fn(&mut J)) {
    let mut n = 0;
    for r in plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
    {
        if r["address"] == address {
            f(&mut r["values"]);
            n += 1;
        }
    }
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == address {
            f(&mut rc["change"]["after"]);
            n += 1;
        }
    }
    assert_eq!(n, 2, "{address} not found in the plan");
}

fn write_json(path: &Path, v: &J) -> String {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `drlint baseline create DIR/baseline.json INPUT`, asserted to succeed.
fn create(dir: &Path, input: &str) -> PathBuf {
    let b = dir.join("baseline.json");
    let r = drlint(&["baseline", "create", s(&b), input, "--color", "never"]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "drlint: wrote {} findings to baseline {}",
            plan_findings(),
            b.display()
        )),
        "{}",
        r.stderr
    );
    b
}

fn lint_json(input: &str, baseline: &Path) -> (i32, J) {
    let r = drlint(&[input, "--baseline", s(baseline), "--format", "json"]);
    assert!(r.code <= 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    (r.code, json(&r.stdout))
}

fn stale_rules(report: &J) -> Vec<(String, String)> {
    report["baseline"]["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rule_id"].as_str().unwrap().to_string(),
                e["resource"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_baselined_stack_passes_and_reports_nothing() {
    let d = scratch("baseline_pass");
    // Without the baseline the stack fails.
    assert_eq!(drlint(&[PLAN, "--format", "json"]).code, 1);
    let b = create(&d, PLAN);
    let (code, rep) = lint_json(PLAN, &b);
    assert_eq!(code, 0, "{rep:#}");
    assert_eq!(results(&rep.to_string()), vec![]);
    assert_eq!(rep["summary"]["baselined"], plan_findings());
    assert_eq!(rep["summary"]["errors"], 0);
    assert_eq!(rep["baseline"]["not_reported"], plan_findings());
    assert_eq!(rep["baseline"]["file"], s(&b));
    assert_eq!(stale_rules(&rep), vec![]);
    assert_eq!(rep["notices"], serde_json::json!([]));
    // The human summary says what was left out.
    let r = drlint(&[PLAN, "--baseline", s(&b), "--color", "never"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains(&format!(
            "\n  {} findings in the baseline ({}) were not reported\n",
            plan_findings(),
            b.display()
        )) && r
            .stdout
            .contains(&format!("({} baselined)", plan_findings())),
        "{}",
        r.stdout
    );
}

#[test]
fn baseline_file_is_stable_and_documented_fields_are_there() {
    let d = scratch("baseline_file");
    let b = create(&d, PLAN);
    let first = std::fs::read_to_string(&b).unwrap();
    // Re-creating on the same stack writes the same bytes.
    create(&d, PLAN);
    assert_eq!(std::fs::read_to_string(&b).unwrap(), first);
    let v = json(&first);
    // Fingerprints are pinned by the findings tests and compared with the JSON report below.
    let mut shown = first.clone();
    for e in v["findings"].as_array().unwrap() {
        shown = shown.replace(e["fingerprint"].as_str().unwrap(), "[fingerprint]");
    }
    insta::assert_snapshot!("baseline_file", shown);
    assert_eq!(v["format"], "drlint-baseline/1");
    assert_eq!(v["created"], "2026-11-22");
    assert_eq!(v["inputs"], serde_json::json!([PLAN]));
    // Same fingerprints as the JSON report.
    let rep = json(&drlint(&[PLAN, "--format", "json"]).stdout);
    let mut want: Vec<&str> = rep["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fingerprint"].as_str().unwrap())
        .collect();
    let mut got: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn only_a_new_defect_is_reported() {
    let d = scratch("baseline_new");
    let b = create(&d, PLAN);
    let mut p = plan();
    edit(&mut p, "aws_s3_bucket.data", |v| {
        v["force_destroy"] = J::Bool(true)
    });
    let input = write_json(&d.join("plan.json"), &p);
    let (code, rep) = lint_json(&input, &b);
    assert_eq!(code, 1, "{rep:#}");
    assert_eq!(
        results(&rep.to_string()),
        vec![(
            "DR202".to_string(),
            "fail".to_string(),
            "aws_s3_bucket.data".to_string(),
            "force_destroy".to_string()
        )]
    );
    assert_eq!(rep["summary"]["baselined"], plan_findings());
    assert_eq!(rep["summary"]["errors"], 1);
    assert_eq!(stale_rules(&rep), vec![]);
}

#[test]
fn a_fixed_defect_is_listed_as_stale_in_every_format() {
    let d = scratch("baseline_fixed");
    let b = create(&d, PLAN);
    let mut p = plan();
    edit(
        &mut p,
        "aws_s3_bucket_replication_configuration.data",
        |v| {
            v["rule"][0]["delete_marker_replication"] = serde_json::json!([{"status": "Enabled"}]);
        },
    );
    let input = write_json(&d.join("plan.json"), &p);
    let (code, rep) = lint_json(&input, &b);
    assert_eq!(code, 0, "{rep:#}");
    assert_eq!(results(&rep.to_string()), vec![]);
    assert_eq!(rep["summary"]["baselined"], plan_findings() - 1);
    let stale = vec![(
        "DR401".to_string(),
        "aws_s3_bucket_replication_configuration.data".to_string(),
    )];
    assert_eq!(stale_rules(&rep), stale);
    let entry = &rep["baseline"]["stale"][0];
    assert_eq!(entry["attribute"], "rule[0].filter");
    assert!(entry["message"].as_str().unwrap().contains("delete_marker"));
    let notice = format!(
        "{}: baseline entry no longer matches (fixed, renamed or removed): DR401 on aws_s3_bucket_replication_configuration.data (rule[0].filter)",
        b.display()
    );
    let notices = rep["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0]["message"].as_str().unwrap().starts_with(&notice),
        "{notices:?}"
    );

    let human = drlint(&[&input, "--baseline", s(&b), "--color", "never"]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains(&format!("warning: {notice}"))
            && human.stdout.contains(&format!(
                "{} in the baseline ({}) {} not reported; 1 baseline entry no longer matches",
                match plan_findings() - 1 {
                    1 => "1 finding".to_string(),
                    n => format!("{n} findings"),
                },
                b.display(),
                if plan_findings() - 1 == 1 {
                    "was"
                } else {
                    "were"
                }
            )),
        "{}",
        human.stdout
    );
    let md = drlint(&[&input, "--baseline", s(&b), "--format", "markdown"]);
    assert_eq!(md.code, 0);
    assert!(
        md.stdout.contains("### Notices") && md.stdout.contains(&notice),
        "{}",
        md.stdout
    );
    let sarif = json(&drlint(&[&input, "--baseline", s(&b), "--format", "sarif"]).stdout);
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    let notes = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap_or_else(|| panic!("{sarif:#}"));
    assert!(
        notes
            .iter()
            .any(|n| n["message"]["text"].as_str().unwrap().starts_with(&notice)),
        "{notes:?}"
    );
    let gh = drlint(&[&input, "--baseline", s(&b), "--format", "github"]);
    assert!(gh.stdout.contains(&notice), "{}", gh.stdout);
}

#[test]
fn human_report_with_a_stale_entry() {
    let d = scratch("baseline_human");
    let b = d.join("baseline.json");
    let r = drlint(&["baseline", "create", s(&b), PLAN]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Add an entry nothing matches.
    let mut v = json(&std::fs::read_to_string(&b).unwrap());
    let mut gone = v["findings"][0].clone();
    gone["fingerprint"] = J::String("0000000000000000".into());
    gone["resource"] = J::String("aws_db_instance.old".into());
    v["findings"].as_array_mut().unwrap().push(gone);
    std::fs::write(&b, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let r = drlint(&[PLAN, "--baseline", s(&b), "--color", "never"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.stdout.replace(s(&b), "baseline.json");
    insta::assert_snapshot!("human_stale", out);
}

#[test]
fn reordered_and_minified_input_keeps_every_finding_matched() {
    let d = scratch("baseline_reserialized");
    let b = create(&d, PLAN);
    let mut p = plan();
    for list in ["/planned_values/root_module/resources", "/resource_changes"] {
        let list = p.pointer_mut(list).unwrap().as_array_mut().unwrap();
        assert!(list.len() > 2);
        list.reverse();
    }
    let minified = d.join("minified.json");
    std::fs::write(&minified, serde_json::to_string(&p).unwrap()).unwrap();
    let pretty = d.join("pretty.json");
    // Four-space indentation: other byte offsets everywhere.
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&plan(), &mut ser).unwrap();
    std::fs::write(&pretty, buf).unwrap();
    for input in [&minified, &pretty] {
        let (code, rep) = lint_json(s(input), &b);
        assert_eq!(code, 0, "{}: {rep:#}", input.display());
        assert_eq!(rep["summary"]["baselined"], plan_findings());
        assert_eq!(stale_rules(&rep), vec![]);
    }
}

#[test]
fn an_entry_matches_at_most_as_many_findings_as_it_was_written_for() {
    let d = scratch("baseline_count");
    let b = create(&d, PLAN);
    // The same entry twice: one matches the finding, the other is stale.
    let mut v = json(&std::fs::read_to_string(&b).unwrap());
    let first = v["findings"][0].clone();
    v["findings"].as_array_mut().unwrap().push(first.clone());
    std::fs::write(&b, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, rep) = lint_json(PLAN, &b);
    assert_eq!(code, 0);
    assert_eq!(rep["summary"]["baselined"], plan_findings());
    assert_eq!(rep["baseline"]["stale"], serde_json::json!([first]));
}

#[test]
fn undecided_findings_are_baselined_but_do_not_hide_a_failure() {
    let d = scratch("baseline_undecided");
    // DR302 is undecided: the queue's key is a variable.
    let tf = d.join("cdk.tf.json");
    std::fs::write(
        &tf,
        r#"{"provider":{"aws":[{"region":"us-east-1"}]},"resource":{"aws_sqs_queue":{"q":{"name":"q-x","kms_master_key_id":"${var.key}"}}},"variable":{"key":{}}}"#,
    )
    .unwrap();
    let b = d.join("baseline.json");
    let args = ["--undecided", "fail", "--env-suffix", "x"];
    let r = drlint(&[&["baseline", "create", s(&b), s(&tf)][..], &args].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&std::fs::read_to_string(&b).unwrap());
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["findings"][0]["rule_id"], "DR302", "{v:#}");
    assert_eq!(v["findings"][0]["outcome"], "undecided", "{v:#}");
    let r = drlint(&[&[s(&tf), "--baseline", s(&b), "-f", "json"][..], &args].concat());
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(json(&r.stdout)["summary"]["baselined"], 1);
    // An entry accepted as "cannot tell" does not cover a definite failure with that
    // fingerprint: the finding stays and the entry is stale.
    let mut v = v;
    v["findings"][0]["outcome"] = J::String("fail".into());
    std::fs::write(&b, v.to_string()).unwrap();
    let r = drlint(&[&[s(&tf), "--baseline", s(&b), "-f", "json"][..], &args].concat());
    assert_eq!(r.code, 1, "{}", r.stdout);
    let rep = json(&r.stdout);
    assert_eq!(rep["summary"]["baselined"], 0);
    assert_eq!(rep["summary"]["undecided"], 1);
    assert_eq!(rep["baseline"]["stale"].as_array().unwrap().len(), 1);
}

#[test]
fn a_baseline_in_an_input_directory_is_not_an_input() {
    let d = scratch("baseline_in_dir");
    std::fs::copy(root().join(PLAN), d.join("plan.json")).unwrap();
    let b = create(&d, s(&d));
    let (code, rep) = lint_json(s(&d), &b);
    assert_eq!(code, 0, "{rep:#}");
    assert_eq!(rep["inputs"].as_array().unwrap().len(), 1, "{rep:#}");
    assert_eq!(rep["summary"]["baselined"], plan_findings());
}

fn assert_error(args: &[&str], want: &[&str]) {
    let r = drlint(args);
    assert_eq!(
        r.code, 2,
        "{args:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    for w in want {
        assert!(
            r.stderr.contains(w),
            "{args:?}: want {w:?} in\n{}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn bad_baseline_files_exit_2_with_a_clear_message() {
    let d = scratch("baseline_bad");
    let missing = d.join("missing.json");
    assert_error(
        &[PLAN, "--baseline", s(&missing)],
        &[
            &format!(
                "error: --baseline {}: baseline file not found",
                missing.display()
            ),
            "drlint baseline create",
        ],
    );
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "truncated.json",
            "{\n  \"format\": \"drlint-baseline/1\",\n  \"findings\": [",
            &[
                "truncated.json:3:15: not a drlint baseline (invalid JSON: EOF while parsing a list);",
            ],
        ),
        (
            "plan.json",
            r#"{"format_version":"1.2","planned_values":{}}"#,
            &[
                "plan.json: not a drlint baseline (no \"format\"",
                "drlint baseline create",
            ],
        ),
        (
            "checkov.json",
            r#"{"format":"checkov-baseline","failed_checks":[]}"#,
            &["checkov.json: not a drlint baseline (format is \"checkov-baseline\""],
        ),
        (
            "future.json",
            r#"{"format":"drlint-baseline/2","drlint_version":"9.0.0","entries":{}}"#,
            &[
                "future.json: baseline format \"drlint-baseline/2\" (written by drlint 9.0.0) is not supported",
                "reads \"drlint-baseline/1\"",
            ],
        ),
        (
            "no_findings.json",
            "{\n\"format\": \"drlint-baseline/1\",\n\"drlint_version\": \"0.1.0\",\n\"created\": \"2026-11-22\",\n\"inputs\": []\n}",
            &["no_findings.json:6:1: invalid drlint baseline: missing field `findings`"],
        ),
        (
            "bad_entry.json",
            "{\"format\": \"drlint-baseline/1\", \"drlint_version\": \"0.1.0\", \"created\": \"x\", \"inputs\": [],\n \"findings\": [{\"rule_id\": \"DR401\", \"fingerprint\": 7}]}",
            &["bad_entry.json:2:", "invalid drlint baseline: invalid type"],
        ),
        (
            "array.json",
            "[]",
            &["array.json: not a drlint baseline (no \"format\""],
        ),
    ];
    for (name, text, want) in cases {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        assert_error(&[PLAN, "--baseline", s(&p)], want);
    }
    // A directory.
    assert_error(
        &[PLAN, "--baseline", s(&d)],
        &[&format!(
            "--baseline {}: cannot read the baseline file",
            d.display()
        )],
    );
}

#[test]
fn baseline_create_checks_its_target_before_any_work() {
    let d = scratch("baseline_target");
    let nodir = d.join("no/such/dir/baseline.json");
    // The input does not exist either: the target is reported, before any input is read.
    assert_error(
        &["baseline", "create", s(&nodir), "missing-plan.json"],
        &[
            &format!("error: baseline create: {}: directory", nodir.display()),
            "does not exist; create it first",
        ],
    );
    assert_error(
        &["baseline", "create", s(&d), PLAN],
        &["baseline create", "is a directory"],
    );
    let input = d.join("plan.json");
    std::fs::copy(root().join(PLAN), &input).unwrap();
    assert_error(
        &["baseline", "create", s(&input), s(&input)],
        &["is an input; writing the baseline there would overwrite it"],
    );
    // An input found in a named directory is not overwritten either.
    let before = std::fs::read(&input).unwrap();
    assert_error(
        &["baseline", "create", s(&input), s(&d)],
        &["is one of the inputs read from a directory"],
    );
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let b = d.join("b.json");
    assert_error(
        &["baseline", "create", s(&b), PLAN, "--output", s(&b)],
        &["is also a report target"],
    );
    assert_error(
        &["baseline", "create", s(&b), PLAN, "--baseline", s(&b)],
        &["--baseline cannot be combined"],
    );
    assert!(!b.exists());
    // No inputs at all.
    assert_error(&["baseline", "create", s(&b)], &["no input files"]);
    // Without a file argument: clap's usage error.
    let r = drlint(&["baseline", "create"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
