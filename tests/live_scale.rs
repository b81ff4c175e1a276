//! `drlint live` over a generated inventory (issue 10 point 3, correctness only; speed and memory
//! are measured by `SUITE=live bash benches/run.sh`, not here): thousands of items over many
//! pages, throttled every few calls (each throttled call waits for the SDK's backoff, about a
//! second, so the tests throttle sparingly), fetched with different concurrencies, must all be
//! linted, once each, whatever the concurrency.
#![cfg(feature = "live")]

mod common;
mod fake_config;
use fake_config::Scenario;
use serde_json::Value as J;
use std::collections::BTreeMap;
use std::time::Duration;

const ITEMS: usize = 5000;

struct Audit {
    code: i32,
    stderr: String,
    /// Saved file name -> item count.
    saved: BTreeMap<String, usize>,
    /// Sorted fingerprints of the findings.
    findings: Vec<String>,
    dr604: usize,
    throttles: usize,
    runs: Vec<String>,
}

fn audit(name: &str, accounts: usize, throttle_every: usize, extra: &[&str]) -> Audit {
    let regions: Vec<String> = ["us-east-1", "us-west-2", "eu-west-1"]
        .map(String::from)
        .to_vec();
    let srv = fake_config::start(
        Scenario::Generated {
            items: ITEMS,
            accounts,
            regions,
            throttle_every,
        },
        Duration::from_secs(300),
    );
    let dir = common::scratch(name);
    let snap = dir.join("snap");
    let sarif = dir.join("drlint.sarif");
    let report = format!("sarif={}", sarif.display());
    let mut args = vec![
        "--endpoint-url",
        &srv.url,
        "--format",
        "json",
        "--save-snapshot",
        snap.to_str().unwrap(),
        "--report",
        &report,
        "--source-root",
        dir.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    let out = fake_config::live_command(env!("CARGO_BIN_EXE_drlint"), &common::root(), &args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut saved = BTreeMap::new();
    for e in std::fs::read_dir(&snap).unwrap() {
        let e = e.unwrap();
        let j: J = serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
        saved.insert(
            e.file_name().to_string_lossy().into_owned(),
            j["configurationItems"].as_array().unwrap().len(),
        );
    }
    let report: J = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let mut findings: Vec<String> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fingerprint"].as_str().unwrap().to_string())
        .collect();
    findings.sort();
    let dr604 = common::results(&stdout)
        .iter()
        .filter(|(id, o, _, a)| id == "DR604" && o == "fail" && a == "point_in_time_recovery")
        .count();
    let sarif: J = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let runs = sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap().to_string())
        .collect();
    let throttles = srv.state.lock().unwrap().throttles;
    Audit {
        code: out.status.code().unwrap_or(-1),
        stderr,
        saved,
        findings,
        dr604,
        throttles,
        runs,
    }
}

#[test]
fn regions_are_paged_batched_and_retried_and_every_item_is_linted_once() {
    let regions = [
        "--region",
        "us-east-1",
        "--region",
        "us-west-2",
        "--region",
        "eu-west-1",
    ];
    let one = audit(
        "live_scale_c1",
        1,
        25,
        &[&regions[..], &["--concurrency", "1"]].concat(),
    );
    assert_eq!(one.code, 1, "{}", one.stderr);
    // One account: the tables are spread over the three regions, 17 list pages and 17 batches
    // each; every one fetched once.
    let counts: Vec<usize> = one.saved.values().copied().collect();
    assert_eq!(counts.iter().sum::<usize>(), ITEMS, "{:?}", one.saved);
    assert_eq!(counts, vec![1666, 1667, 1667], "{:?}", one.saved);
    assert!(
        one.throttles > 3,
        "throttled calls were retried: {}",
        one.throttles
    );
    // Every 100th table has point-in-time recovery off.
    assert_eq!(one.dr604, ITEMS / 100);
    assert_eq!(
        one.runs,
        vec![
            "drlint/live/100000000000/us-east-1/",
            "drlint/live/100000000000/us-west-2/",
            "drlint/live/100000000000/eu-west-1/",
            "drlint/live/audit/",
        ]
    );
    // Many calls in flight: the same inventory, the same findings.
    let many = audit(
        "live_scale_c16",
        1,
        25,
        &[&regions[..], &["--concurrency", "16"]].concat(),
    );
    assert_eq!(many.code, 1, "{}", many.stderr);
    assert_eq!(many.saved, one.saved);
    assert_eq!(many.findings, one.findings);
}

#[test]
fn an_aggregator_is_queried_per_type_in_pages_and_split_per_account_and_region() {
    let agg = audit(
        "live_scale_agg",
        3,
        7,
        &["--aggregator", "org", "--concurrency", "8"],
    );
    assert_eq!(agg.code, 1, "{}", agg.stderr);
    // 3 accounts x 3 regions, 50 pages of 100 results.
    assert_eq!(agg.saved.len(), 9, "{:?}", agg.saved);
    assert_eq!(agg.saved.values().sum::<usize>(), ITEMS);
    assert!(
        agg.saved.contains_key("100000000002-eu-west-1.json"),
        "{:?}",
        agg.saved
    );
    assert_eq!(agg.dr604, ITEMS / 100);
    assert!(agg.throttles > 5, "{}", agg.throttles);
    assert_eq!(agg.runs.len(), 10, "{:?}", agg.runs);
    assert_eq!(agg.runs[9], "drlint/live/audit/");
}
