//! `drlint live` end to end, without AWS: the real binary talks to a small AWS Config endpoint
//! served by this test on 127.0.0.1 (AWS JSON 1.1, dispatched on `X-Amz-Target` and on the
//! region in the SigV4 credential scope).
//!
//! us-east-1 pages its listing, throttles once, and leaves a key unprocessed once; us-west-2
//! answers AccessDenied; eu-west-1 has its recorder off.
#![cfg(feature = "live")]

mod common;
use common::results;
use serde_json::{Value as J, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TABLE: &str = "AWS::DynamoDB::Table";

/// What the server saw and how it behaves.
#[derive(Default)]
struct State {
    /// (region, target, body) of every request.
    calls: Vec<(String, String, J)>,
    throttled: bool,
    unprocessed_once: bool,
}

fn table_item(name: &str) -> J {
    json!({
        "version": "1.3",
        "accountId": "111122223333",
        "configurationItemCaptureTime": 1.7637e9,
        "configurationItemStatus": "OK",
        "configurationStateId": "1",
        "arn": format!("arn:aws:dynamodb:us-east-1:111122223333:table/{name}"),
        "resourceType": TABLE,
        "resourceId": name,
        "resourceName": name,
        "awsRegion": "us-east-1",
        "configuration": json!({"tableName": name, "deletionProtectionEnabled": true}).to_string(),
        "supplementaryConfiguration": {
            "ContinuousBackupsDescription": json!({"continuousBackupsStatus": "ENABLED", "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": "DISABLED"}}).to_string()
        }
    })
}

/// The answer to one request: (HTTP status, JSON body).
fn answer(st: &Mutex<State>, region: &str, target: &str, body: &J) -> (u16, J) {
    let mut st = st.lock().unwrap();
    st.calls
        .push((region.to_string(), target.to_string(), body.clone()));
    let op = target.rsplit('.').next().unwrap_or("");
    if region == "us-west-2" {
        return (
            400,
            json!({"__type": "AccessDeniedException", "message": "User: arn:aws:sts::111122223333:assumed-role/drlint-audit/ci is not authorized to perform: config:DescribeConfigurationRecorderStatus"}),
        );
    }
    match op {
        "DescribeConfigurationRecorderStatus" => (
            200,
            json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": region != "eu-west-1", "lastStatus": "SUCCESS"}]}),
        ),
        "ListDiscoveredResources" => {
            if body["resourceType"] != TABLE {
                return (200, json!({"resourceIdentifiers": []}));
            }
            if !st.throttled {
                st.throttled = true;
                return (
                    400,
                    json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
                );
            }
            let id = |n: &str| json!({"resourceType": TABLE, "resourceId": n, "resourceName": n});
            match body["nextToken"].as_str() {
                None => (
                    200,
                    json!({"resourceIdentifiers": [id("orders-prod")], "nextToken": "page-2"}),
                ),
                Some("page-2") => (200, json!({"resourceIdentifiers": [id("carts-prod")]})),
                Some(_) => (
                    400,
                    json!({"__type": "InvalidNextTokenException", "message": "bad token"}),
                ),
            }
        }
        "BatchGetResourceConfig" => {
            let keys: Vec<String> = body["resourceKeys"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| k["resourceId"].as_str().map(str::to_string))
                .collect();
            let (now, later): (Vec<&String>, Vec<&String>) =
                if !st.unprocessed_once && keys.len() > 1 {
                    st.unprocessed_once = true;
                    (keys[..1].iter().collect(), keys[1..].iter().collect())
                } else {
                    (keys.iter().collect(), Vec::new())
                };
            (
                200,
                json!({
                    "baseConfigurationItems": now.iter().map(|k| table_item(k)).collect::<Vec<_>>(),
                    "unprocessedResourceKeys": later.iter().map(|k| json!({"resourceType": TABLE, "resourceId": k})).collect::<Vec<_>>(),
                }),
            )
        }
        "SelectAggregateResourceConfig" => {
            let mut item = table_item(if body["NextToken"].is_null() {
                "orders-prod"
            } else {
                "carts-prod"
            });
            // Select results carry `configuration` as an object, inside a JSON string.
            item["configuration"] =
                serde_json::from_str(item["configuration"].as_str().unwrap()).unwrap();
            let mut out = json!({"Results": [item.to_string()], "QueryInfo": {"SelectFields": []}});
            if body["NextToken"].is_null() {
                out["NextToken"] = json!("agg-2");
            }
            (200, out)
        }
        _ => (
            400,
            json!({"__type": "UnknownOperationException", "message": op}),
        ),
    }
}

/// Serves one connection: several requests (keep-alive) until EOF, timeout or the stop flag.
fn serve(conn: TcpStream, st: Arc<Mutex<State>>, stop: Arc<AtomicBool>) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut w = conn.try_clone().unwrap();
    let mut r = BufReader::new(conn);
    for _ in 0..1000 {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let (mut len, mut target, mut auth) = (0usize, String::new(), String::new());
        for _ in 0..100 {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                let v = v.trim().to_string();
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => len = v.parse().unwrap_or(0),
                    "x-amz-target" => target = v,
                    "authorization" => auth = v,
                    _ => {}
                }
            }
        }
        let mut body = vec![0; len.min(1 << 20)];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        // Credential=AKID/DATE/REGION/config/aws4_request
        let region = auth
            .split("Credential=")
            .nth(1)
            .and_then(|c| c.split('/').nth(2))
            .unwrap_or("")
            .to_string();
        let body: J = serde_json::from_slice(&body).unwrap_or(J::Null);
        let (status, out) = answer(&st, &region, &target, &body);
        let out = out.to_string();
        let reason = if status == 200 { "OK" } else { "Bad Request" };
        let resp = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: test\r\nContent-Length: {}\r\n\r\n{out}",
            out.len()
        );
        if w.write_all(resp.as_bytes()).is_err() {
            return;
        }
    }
}

/// Starts the endpoint; it stops accepting after 60 s or when the returned flag is set.
fn start() -> (String, Arc<Mutex<State>>, Arc<AtomicBool>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let st = Arc::new(Mutex::new(State::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let (st2, stop2) = (st.clone(), stop.clone());
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline && !stop2.load(Ordering::Relaxed) {
            match l.accept() {
                Ok((c, _)) => {
                    c.set_nonblocking(false).ok();
                    let (st, stop) = (st2.clone(), stop2.clone());
                    std::thread::spawn(move || serve(c, st, stop));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    (url, st, stop)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `drlint live` with fake credentials and nothing else from the environment.
fn live(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_drlint"))
        .arg("live")
        .args(args)
        .current_dir(common::root())
        .env("DRLINT_TODAY", "2026-11-22")
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/drlint-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/drlint-test/credentials",
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_CONFIG_SERVICE")
        .stdin(Stdio::null())
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

#[test]
fn live_audit_pages_retries_and_reports_a_denied_region() {
    let (url, st, stop) = start();
    let dir = common::scratch("live_snapshot");
    let snap = dir.join("snap");
    let sarif = dir.join("drlint.sarif");
    let r = live(&[
        "--region",
        "us-east-1",
        "--region",
        "us-west-2",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        &url,
        "--progress",
        "--format",
        "json",
        "--save-snapshot",
        snap.to_str().unwrap(),
        "--report",
        &format!("sarif={}", sarif.display()),
        // The scratch folder stands for the checkout the nightly workflow saves snapshots in.
        "--source-root",
        dir.to_str().unwrap(),
    ]);
    stop.store(true, Ordering::Relaxed);
    assert_eq!(r.code, 3, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);

    // us-east-1 was audited: both tables (two pages; one key was unprocessed once) are linted.
    let want = vec![
        "arn:aws:dynamodb:us-east-1:111122223333:table/carts-prod".to_string(),
        "arn:aws:dynamodb:us-east-1:111122223333:table/orders-prod".to_string(),
    ];
    assert_eq!(dr604_tables(&r.stdout), want, "{}", r.stderr);

    // The faults: one line each on stderr, and notices in the report.
    assert!(
        r.stderr.contains("drlint: region us-west-2: AccessDenied: User: arn:aws:sts::111122223333:assumed-role/drlint-audit/ci is not authorized")
            && r.stderr.contains("the other regions were audited"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("drlint: region eu-west-1: AWS Config is not recording in eu-west-1"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("drlint: us-east-1: 2 resources fetched"),
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
    let calls = st.lock().unwrap().calls.clone();
    let east = |op: &str| {
        calls
            .iter()
            .filter(|(r, t, b)| {
                r == "us-east-1"
                    && t.ends_with(op)
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
    assert!(
        calls
            .iter()
            .all(|(_, t, _)| t.starts_with("StarlingDoveService.")),
        "only AWS Config calls"
    );
    for (_, t, _) in &calls {
        let op = t.rsplit('.').next().unwrap();
        assert!(
            op.starts_with("Describe") || op.starts_with("List") || op.starts_with("BatchGet"),
            "read-only calls only: {op}"
        );
    }

    // Only the audited region was saved; SARIF locations point into it.
    let saved: Vec<String> = std::fs::read_dir(&snap)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(saved, vec!["us-east-1.json"]);
    let sarif: J = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let res = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!res.is_empty());
    // A partial audit never says it succeeded; each failed region is an error notification.
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let errors: Vec<&str> = inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "error")
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("audit incomplete: region us-west-2: AccessDenied"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("audit incomplete: region eu-west-1: AWS Config is not recording"),
        "{errors:?}"
    );
    for x in res {
        let loc = &x["locations"][0]["physicalLocation"]["artifactLocation"];
        // Relative to the source root, never an absolute file:// URI (GitHub rejects those).
        assert_eq!(loc["uri"], "snap/us-east-1.json", "{x}");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{x}");
    }

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
fn live_without_snapshot_keeps_sarif_valid_and_missing_credentials_are_explained() {
    let (url, _st, stop) = start();
    let dir = common::scratch("live_memory");
    let sarif = dir.join("drlint.sarif");
    let r = live(&[
        "--region",
        "us-east-1",
        "--endpoint-url",
        &url,
        "--format",
        "github",
        "--report",
        &format!("sarif={}", sarif.display()),
    ]);
    stop.store(true, Ordering::Relaxed);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !r.stderr.contains("resources fetched"),
        "no progress unless asked: {}",
        r.stderr
    );
    assert!(!r.stdout.contains("file=live:"), "{}", r.stdout);
    let sarif: J = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    // Every region was audited: the run succeeded.
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    let notes = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"].to_string();
    assert!(notes.contains("orders-prod"), "{notes}");

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
fn live_aggregator_query_is_paginated_and_linted() {
    let (url, st, stop) = start();
    let dir = common::scratch("live_aggregator");
    let r = live(&[
        "--aggregator",
        "org",
        "--endpoint-url",
        &url,
        "--format",
        "json",
        "--save-snapshot",
        dir.to_str().unwrap(),
    ]);
    stop.store(true, Ordering::Relaxed);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        dr604_tables(&r.stdout),
        vec![
            "arn:aws:dynamodb:us-east-1:111122223333:table/carts-prod".to_string(),
            "arn:aws:dynamodb:us-east-1:111122223333:table/orders-prod".to_string(),
        ]
    );
    assert!(dir.join("aggregator-org.json").is_file());
    let calls = st.lock().unwrap().calls.clone();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].2["ConfigurationAggregatorName"], "org");
    assert!(
        calls[0].2["Expression"]
            .as_str()
            .unwrap()
            .contains("'AWS::DynamoDB::Table'")
    );
    assert_eq!(calls[1].2["NextToken"], "agg-2");
}

/// `drlint live --baseline`: a baseline created offline from a saved snapshot of the audit
/// matches the live findings (the same ARNs, so the same fingerprints).
#[test]
fn live_baseline_from_a_saved_snapshot_matches_the_live_findings() {
    let (url, _st, stop) = start();
    let dir = common::scratch("live_baseline");
    let snap = dir.join("snap");
    let args = [
        "--region",
        "us-east-1",
        "--endpoint-url",
        &url,
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
    stop.store(true, Ordering::Relaxed);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: J = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(results(&r.stdout), vec![], "{v:#}");
    assert_eq!(v["summary"]["baselined"], found);
    assert_eq!(v["baseline"]["stale"], json!([]));
}
