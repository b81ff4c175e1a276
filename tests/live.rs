//! `drlint live` end to end, without AWS: the real binary talks to the fake AWS Config endpoint
//! of `tests/fake_config` on 127.0.0.1 ([`fake_config::Scenario::Fixed`]: us-east-1 has two
//! tables with findings, pages its listing, throttles once and leaves a key unprocessed once;
//! eu-central-1 is clean; us-west-2 answers AccessDenied; eu-west-1 has its recorder off).
#![cfg(feature = "live")]

mod common;
mod fake_config;
use common::results;
use fake_config::{ACCOUNT, Scenario, TABLE};
use serde_json::{Value as J, json};
use std::process::Command;
use std::time::Duration;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn server() -> fake_config::Server {
    fake_config::start(Scenario::Fixed, Duration::from_secs(120))
}

/// Runs `drlint live` with fake credentials and nothing else from the environment.
fn live(args: &[&str]) -> Run {
    let out = fake_config::live_command(env!("CARGO_BIN_EXE_drlint"), &common::root(), args)
        .output()
        .expect("run drlint live");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn dr604_tables(json: &str) -> Vec<String> {
    let mut v: Vec<String> = results(json)
        .into_iter()
        .filter(|(id, outcome, _, attr)| {
            id == "DR604" && outcome == "fail" && attr == "point_in_time_recovery"
        })
        .map(|(_, _, res, _)| res)
        .collect();
    v.sort();
    v
}

fn arn(name: &str) -> String {
    format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}")
}

/// The runs of a SARIF file by automation id.
fn runs(sarif: &J) -> Vec<(String, &J)> {
    sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["automationDetails"]["id"].as_str().unwrap().to_string(),
                r,
            )
        })
        .collect()
}

fn error_notifications(run: &J) -> Vec<String> {
    run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter(|n| n["level"] == "error")
                .map(|n| n["message"]["text"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn read_json(p: &std::path::Path) -> J {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn live_audit_has_one_sarif_run_per_audited_region_and_leaves_failed_regions_out() {
    let srv = server();
    let dir = common::scratch("live_snapshot");
    let snap = dir.join("snap");
    let sarif = dir.join("drlint.sarif");
    let mut args = vec![];
    for r in ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"] {
        args.extend(["--region", r]);
    }
    let report = format!("sarif={}", sarif.display());
    args.extend([
        "--endpoint-url",
        &srv.url,
        "--progress",
        "--format",
        "json",
        "--save-snapshot",
        snap.to_str().unwrap(),
        "--report",
        &report,
        // The scratch folder stands for the checkout the nightly workflow saves snapshots in.
        "--source-root",
        dir.to_str().unwrap(),
    ]);
    let r = live(&args);
    assert_eq!(r.code, 3, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);

    // us-east-1 was audited: both tables (two pages; one key was unprocessed once) are linted.
    let want = vec![arn("carts-prod"), arn("orders-prod")];
    assert_eq!(dr604_tables(&r.stdout), want, "{}", r.stderr);

    // The faults: one line each on stderr, and notices in the report.
    assert!(
        r.stderr.contains("drlint: region us-west-2: AccessDenied: User: arn:aws:sts::111122223333:assumed-role/drlint-audit/ci is not authorized")
            && r.stderr.contains("the others were audited"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("drlint: region eu-west-1: AWS Config is not recording in eu-west-1"),
        "{}",
        r.stderr
    );
    // Progress: a final line per region with the count.
    assert!(
        r.stderr.contains("drlint: us-east-1: 2 items fetched in"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("drlint: eu-central-1: 0 items fetched in"),
        "{}",
        r.stderr
    );
    let report: J = serde_json::from_str(&r.stdout).unwrap();
    let notices = report["notices"].to_string();
    assert!(
        notices.contains("audit incomplete: region us-west-2: AccessDenied"),
        "{notices}"
    );

    // The calls: a retried throttled listing, two pages, a re-requested unprocessed key.
    let calls = srv.state.lock().unwrap().calls.clone();
    let east = |op: &str| {
        calls
            .iter()
            .filter(|(r, t, b)| {
                r == "us-east-1"
                    && t == op
                    && (op != "ListDiscoveredResources" || b["resourceType"] == TABLE)
            })
            .map(|(_, _, b)| b.clone())
            .collect::<Vec<_>>()
    };
    let lists = east("ListDiscoveredResources");
    assert_eq!(lists.len(), 3, "throttled + 2 pages: {lists:?}");
    assert_eq!(lists[2]["nextToken"], "page-2");
    let batches = east("BatchGetResourceConfig");
    assert_eq!(batches.len(), 2, "{batches:?}");
    assert_eq!(batches[0]["resourceKeys"].as_array().unwrap().len(), 2);
    assert_eq!(batches[1]["resourceKeys"].as_array().unwrap().len(), 1);
    for (_, op, _) in &calls {
        assert!(
            op == "GetCallerIdentity"
                || op.starts_with("Describe")
                || op.starts_with("List")
                || op.starts_with("BatchGet"),
            "read-only calls only: {op}"
        );
    }

    // Only the audited regions were saved.
    let mut saved: Vec<String> = std::fs::read_dir(&snap)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(saved, vec!["eu-central-1.json", "us-east-1.json"]);

    // SARIF: one run per audited account and region, none for the failed ones, and a run that
    // carries the audit's status (no results, so its upload closes nothing).
    let sarif = read_json(&sarif);
    let runs = runs(&sarif);
    let ids: Vec<&str> = runs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "drlint/live/111122223333/us-east-1/",
            "drlint/live/111122223333/eu-central-1/",
            "drlint/live/audit/",
        ]
    );
    let (east_run, clean_run, status_run) = (runs[0].1, runs[1].1, runs[2].1);
    let res = east_run["results"].as_array().unwrap();
    assert!(!res.is_empty());
    for x in res {
        let loc = &x["locations"][0]["physicalLocation"]["artifactLocation"];
        // Relative to the source root, never an absolute file:// URI (GitHub rejects those).
        assert_eq!(loc["uri"], "snap/us-east-1.json", "{x}");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{x}");
        // The run describes the rules its results use.
        let i = x["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(east_run["tool"]["driver"]["rules"][i]["id"], x["ruleId"]);
    }
    // A clean region: a run with 0 results, so its fixed alerts close.
    assert_eq!(clean_run["results"], json!([]));
    assert_eq!(clean_run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(east_run["invocations"][0]["executionSuccessful"], true);
    // The failed regions: an error notification each in the status run, which never succeeded.
    assert_eq!(status_run["results"], json!([]));
    assert_eq!(status_run["invocations"][0]["executionSuccessful"], false);
    let errors = error_notifications(status_run);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("audit incomplete: region us-west-2: AccessDenied"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("audit incomplete: region eu-west-1: AWS Config is not recording"),
        "{errors:?}"
    );
    // Every finding is somewhere: a result or a notification.
    let located: usize = runs
        .iter()
        .map(|(_, r)| r["results"].as_array().unwrap().len())
        .sum();
    let noted = status_run["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["descriptor"]["id"].is_string())
        .count();
    assert_eq!(located + noted, results(&r.stdout).len());

    // The saved snapshot lints offline with the same findings.
    let file = snap.join("us-east-1.json");
    let off = common::drlint(&["--format", "json", file.to_str().unwrap()]);
    assert_eq!(off.code, 1, "{}", off.stderr);
    assert_eq!(dr604_tables(&off.stdout), want);
    let key = |j: &str| {
        let mut v: Vec<_> = results(j)
            .into_iter()
            .map(|(id, o, res, a)| format!("{id} {o} {res} {a}"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&off.stdout), key(&r.stdout));
}

#[test]
fn live_sarif_needs_a_snapshot_dir_and_missing_credentials_are_explained() {
    let srv = server();
    let dir = common::scratch("live_memory");
    let sarif = dir.join("drlint.sarif");
    // SARIF without --save-snapshot: a usage error before any call.
    let r = live(&[
        "--region",
        "us-east-1",
        "--endpoint-url",
        &srv.url,
        "--report",
        &format!("sarif={}", sarif.display()),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("needs --save-snapshot DIR") && r.stderr.contains("help: add"),
        "{}",
        r.stderr
    );
    assert!(!sarif.exists());
    assert!(srv.state.lock().unwrap().calls.is_empty());
    let r = live(&["--region", "us-east-1", "--format", "sarif"]);
    assert_eq!(r.code, 2, "{}", r.stderr);

    // Other formats need no file: annotations without a file, no progress with --quiet.
    let r = live(&[
        "--region",
        "us-east-1",
        "--endpoint-url",
        &srv.url,
        "--format",
        "github",
        "--quiet",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("items fetched"), "{}", r.stderr);
    assert!(!r.stdout.contains("file=live:"), "{}", r.stdout);
    assert!(r.stdout.contains("orders-prod"), "{}", r.stdout);

    // No credentials anywhere in the chain: a clear per-region fault, exit 3.
    let out = Command::new(env!("CARGO_BIN_EXE_drlint"))
        .args([
            "live",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .current_dir(common::root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent/drlint-test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/drlint-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/drlint-test/credentials",
        )
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("drlint: region us-east-1: no AWS credentials")
            && err.contains("--aws-profile"),
        "{err}"
    );
}

#[test]
fn live_aggregator_splits_accounts_and_regions_and_leaves_failed_sources_out() {
    let srv = server();
    let dir = common::scratch("live_aggregator");
    let snap = dir.join("snap");
    let sarif = dir.join("drlint.sarif");
    let r = live(&[
        "--aggregator",
        "org",
        "--endpoint-url",
        &srv.url,
        "--format",
        "json",
        "--save-snapshot",
        snap.to_str().unwrap(),
        "--report",
        &format!("sarif={}", sarif.display()),
        "--source-root",
        dir.to_str().unwrap(),
    ]);
    // The aggregator could not collect one account's region: the audit is incomplete.
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("drlint: account 444455556666 region ap-south-1 (aggregator org): the aggregator could not collect it: AccessDeniedException"),
        "{}",
        r.stderr
    );
    assert_eq!(
        dr604_tables(&r.stdout),
        vec![arn("carts-prod"), arn("orders-prod")]
    );
    // A file per account and region the aggregator collected, the clean one included.
    let mut saved: Vec<String> = std::fs::read_dir(&snap)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        vec![
            "111122223333-eu-central-1.json",
            "111122223333-us-east-1.json"
        ]
    );
    let calls = srv.state.lock().unwrap().calls.clone();
    let selects: Vec<&J> = calls
        .iter()
        .filter(|(_, op, _)| op == "SelectAggregateResourceConfig")
        .map(|(_, _, b)| b)
        .collect();
    // One query per mapped type; the table query has two pages.
    let tables: Vec<&&J> = selects
        .iter()
        .filter(|b| {
            b["Expression"]
                .as_str()
                .unwrap()
                .ends_with(&format!("'{TABLE}'"))
        })
        .collect();
    assert_eq!(tables.len(), 2, "{tables:?}");
    assert!(
        tables
            .iter()
            .all(|b| b["ConfigurationAggregatorName"] == "org")
    );
    assert_eq!(tables[1]["NextToken"], "agg-2");
    assert!(selects.len() > 10, "{}", selects.len());

    let sarif = read_json(&sarif);
    let runs = runs(&sarif);
    let ids: Vec<&str> = runs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "drlint/live/111122223333/eu-central-1/",
            "drlint/live/111122223333/us-east-1/",
            "drlint/live/audit/",
        ]
    );
    assert_eq!(runs[0].1["results"], json!([]));
    assert!(!runs[1].1["results"].as_array().unwrap().is_empty());
    let errors = error_notifications(runs[2].1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("444455556666 region ap-south-1"),
        "{errors:?}"
    );
}

/// `drlint live --state`: findings on resources Terraform manages land on their `.tf` line (by
/// ARN); the others stay in the snapshot; the findings themselves are the same as without it.
#[test]
fn live_findings_of_terraform_managed_resources_land_on_the_tf_line() {
    let srv = server();
    let dir = common::scratch("live_state");
    let snap = dir.join("snap");
    let sarif = dir.join("drlint.sarif");
    let tf = dir.join("infra");
    std::fs::create_dir_all(&tf).unwrap();
    std::fs::write(
        tf.join("main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_dynamodb_table\" \"orders\" {\n  name         = \"orders-prod\"\n  hash_key     = \"id\"\n  billing_mode = \"PAY_PER_REQUEST\"\n\n  point_in_time_recovery {\n    enabled = false\n  }\n}\n",
    )
    .unwrap();
    let state = json!({
        "format_version": "1.0",
        "terraform_version": "1.9.0",
        "values": {"root_module": {"resources": [{
            "address": "aws_dynamodb_table.orders",
            "mode": "managed",
            "type": "aws_dynamodb_table",
            "name": "orders",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {"name": "orders-prod", "arn": arn("orders-prod"), "hash_key": "id",
                       "point_in_time_recovery": [{"enabled": false}]}
        }]}}
    });
    let state_path = tf.join("state.json");
    std::fs::write(&state_path, state.to_string()).unwrap();
    let base = [
        "--region",
        "us-east-1",
        "--endpoint-url",
        &srv.url,
        "--format",
        "json",
        "--save-snapshot",
        snap.to_str().unwrap(),
        "--source-root",
        dir.to_str().unwrap(),
    ];
    let report = format!("sarif={}", sarif.display());
    let with = ["--state", state_path.to_str().unwrap(), "--report", &report];
    let r = live(&[&base[..], &with].concat());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let without = live(&base);
    assert_eq!(without.code, 1, "{}", without.stderr);
    // The state is read for locations only: the same findings.
    assert_eq!(results(&r.stdout), results(&without.stdout));

    let sarif = read_json(&sarif);
    let run = &sarif["runs"][0];
    assert_eq!(
        run["automationDetails"]["id"],
        "drlint/live/111122223333/us-east-1/"
    );
    let place = |x: &J| {
        let p = &x["locations"][0]["physicalLocation"];
        (
            p["artifactLocation"]["uri"].as_str().unwrap().to_string(),
            p["region"]["startLine"].as_u64().unwrap(),
        )
    };
    let pitr = |name: &str| {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| {
                x["ruleId"] == "DR604"
                    && x["properties"]["resource"] == arn(name)
                    && x["properties"]["attribute"] == "point_in_time_recovery"
            })
            .unwrap_or_else(|| panic!("{name}: {run:#}"))
            .clone()
    };
    // Managed by Terraform: the point_in_time_recovery block of main.tf, the item related.
    let orders = pitr("orders-prod");
    assert_eq!(
        place(&orders),
        ("infra/main.tf".to_string(), 10),
        "{orders:#}"
    );
    assert_eq!(
        orders["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "snap/us-east-1.json"
    );
    // Not in the state: the snapshot.
    assert_eq!(place(&pitr("carts-prod")).0, "snap/us-east-1.json");

    // A --state that is not a state or plan is a usage error before any call.
    let bad = live(&[
        "--region",
        "us-east-1",
        "--endpoint-url",
        &srv.url,
        "--state",
        "fixtures/awsconfig/dynamodb_bad.snapshot.json",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains(
            "--state fixtures/awsconfig/dynamodb_bad.snapshot.json: not a Terraform state or plan"
        ),
        "{}",
        bad.stderr
    );
}

/// `drlint live --baseline`: a baseline created offline from a saved snapshot of the audit
/// matches the live findings (the same ARNs, so the same fingerprints).
#[test]
fn live_baseline_from_a_saved_snapshot_matches_the_live_findings() {
    let srv = server();
    let dir = common::scratch("live_baseline");
    let snap = dir.join("snap");
    let args = [
        "--region",
        "us-east-1",
        "--endpoint-url",
        &srv.url,
        "-f",
        "json",
    ];
    let save = ["--save-snapshot", snap.to_str().unwrap()];
    let r = live(&[&args[..], &save].concat());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = results(&r.stdout).len();
    assert!(found > 0, "{}", r.stdout);
    let b = dir.join("baseline.json");
    let c = common::drlint(&[
        "baseline",
        "create",
        b.to_str().unwrap(),
        snap.to_str().unwrap(),
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    // Live again, without a snapshot: the documents are in memory.
    let r = live(&[&args[..], &["--baseline", b.to_str().unwrap()]].concat());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: J = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(results(&r.stdout), vec![], "{v:#}");
    assert_eq!(v["summary"]["baselined"], found);
    assert_eq!(v["baseline"]["stale"], json!([]));
}
