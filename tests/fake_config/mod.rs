//! A fake AWS Config (and STS) endpoint on 127.0.0.1 for `drlint live` tests and the live
//! benchmark: AWS JSON 1.1 dispatched on `X-Amz-Target` (STS's query protocol on its `Action`),
//! and on the region in the SigV4 credential scope.
//!
//! [`Scenario::Fixed`]: us-east-1 pages its listing, throttles once, and leaves a key unprocessed
//! once (two tables with findings); eu-central-1 records nothing (a clean region); us-west-2
//! answers AccessDenied; eu-west-1 has its recorder off. The aggregator `org` returns the two
//! tables, and its sources status says account 444455556666 in ap-south-1 failed.
//!
//! [`Scenario::Generated`]: `items` DynamoDB tables spread over `accounts` accounts and the
//! regions asked for (per-region audits: each region holds the tables of the account STS names;
//! the aggregator holds them all), listed and selected in pages of 100, every `throttle_every`-th
//! call answered with a ThrottlingException. Every 100th table has point-in-time recovery off.
#![allow(dead_code)]

use serde_json::{Value as J, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TABLE: &str = "AWS::DynamoDB::Table";
pub const ACCOUNT: &str = "111122223333";

#[derive(Clone, Debug)]
pub enum Scenario {
    Fixed,
    Generated {
        items: usize,
        accounts: usize,
        regions: Vec<String>,
        throttle_every: usize,
    },
}

/// What the server saw and how it behaves.
pub struct State {
    pub scenario: Scenario,
    /// (region, target, body) of every request (Fixed only; Generated counts them).
    pub calls: Vec<(String, String, J)>,
    pub requests: usize,
    pub throttles: usize,
    throttled: bool,
    unprocessed_once: bool,
}

pub fn table_item(name: &str, account: &str, region: &str, pitr: bool) -> J {
    let status = if pitr { "ENABLED" } else { "DISABLED" };
    json!({
        "version": "1.3",
        "accountId": account,
        "configurationItemCaptureTime": 1.7637e9,
        "configurationItemStatus": "OK",
        "configurationStateId": "1",
        "arn": format!("arn:aws:dynamodb:{region}:{account}:table/{name}"),
        "resourceType": TABLE,
        "resourceId": name,
        "resourceName": name,
        "awsRegion": region,
        "configuration": json!({"tableName": name, "deletionProtectionEnabled": true,
            "tableStatus": "ACTIVE", "billingModeSummary": {"billingMode": "PAY_PER_REQUEST"},
            "keySchema": [{"attributeName": "id", "keyType": "HASH"}],
            "sseDescription": {"status": "ENABLED", "sseType": "KMS",
                "kmsMasterKeyArn": format!("arn:aws:kms:{region}:{account}:key/0000-{name}")}}).to_string(),
        "supplementaryConfiguration": {
            "ContinuousBackupsDescription": json!({"continuousBackupsStatus": "ENABLED", "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": status}}).to_string()
        }
    })
}

/// A select result (`configuration` as an object) in a JSON string, as the API returns it.
fn select_result(item: J) -> String {
    let mut item = item;
    item["configuration"] = serde_json::from_str(item["configuration"].as_str().unwrap()).unwrap();
    item.to_string()
}

fn err(code: &str, message: &str) -> (u16, String) {
    (400, json!({"__type": code, "message": message}).to_string())
}

fn ok(j: J) -> (u16, String) {
    (200, j.to_string())
}

/// Generated table `n`: its name, account and region.
fn generated(n: usize, accounts: usize, regions: &[String]) -> (String, String, String) {
    let account = format!("{:012}", 100000000000usize + n % accounts);
    let region = regions[(n / accounts) % regions.len()].clone();
    (format!("t{n:07}"), account, region)
}

/// The answer to one request: (HTTP status, body). `raw` is the body as sent.
fn answer(st: &Mutex<State>, region: &str, target: &str, raw: &[u8]) -> (u16, String) {
    let mut st = st.lock().unwrap();
    let body: J = serde_json::from_slice(raw).unwrap_or(J::Null);
    st.requests += 1;
    let sts =
        target.is_empty() && String::from_utf8_lossy(raw).contains("Action=GetCallerIdentity");
    let op = if sts {
        "GetCallerIdentity"
    } else {
        target.rsplit('.').next().unwrap_or("")
    };
    if matches!(st.scenario, Scenario::Fixed) {
        st.calls
            .push((region.to_string(), op.to_string(), body.clone()));
    }
    if sts {
        let account = match &st.scenario {
            Scenario::Generated {
                accounts, regions, ..
            } => {
                // Each audited region belongs to the account of its first table.
                let i = regions.iter().position(|r| r == region).unwrap_or(0);
                generated(i * accounts, *accounts, regions).1
            }
            Scenario::Fixed => ACCOUNT.to_string(),
        };
        return (
            200,
            format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:sts::{account}:assumed-role/drlint-audit/ci</Arn><UserId>AROATEST:ci</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>test</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            ),
        );
    }
    match st.scenario.clone() {
        Scenario::Fixed => fixed(&mut st, region, op, &body),
        Scenario::Generated {
            items,
            accounts,
            regions,
            throttle_every,
        } => {
            if throttle_every > 0 && st.requests.is_multiple_of(throttle_every) {
                st.throttles += 1;
                return err("ThrottlingException", "Rate exceeded");
            }
            generated_answer(region, op, &body, items, accounts, &regions)
        }
    }
}

fn generated_answer(
    region: &str,
    op: &str,
    body: &J,
    items: usize,
    accounts: usize,
    regions: &[String],
) -> (u16, String) {
    let offset = |token: &J| {
        token
            .as_str()
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0)
    };
    match op {
        "DescribeConfigurationRecorderStatus" => ok(
            json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": true, "lastStatus": "SUCCESS"}]}),
        ),
        "ListDiscoveredResources" => {
            if body["resourceType"] != TABLE {
                return ok(json!({"resourceIdentifiers": []}));
            }
            // This region's tables of the account STS names (account 0): n = accounts * (ri +
            // regions * k).
            let Some(ri) = regions.iter().position(|r| r == region) else {
                return ok(json!({"resourceIdentifiers": []}));
            };
            let step = accounts * regions.len();
            let first = accounts * ri;
            let total = if items > first {
                (items - 1 - first) / step + 1
            } else {
                0
            };
            let from = offset(&body["nextToken"]);
            let page: Vec<J> = (from..total.min(from + 100))
                .map(|k| {
                    let name = generated(first + step * k, accounts, regions).0;
                    json!({"resourceType": TABLE, "resourceId": name, "resourceName": name})
                })
                .collect();
            let mine_len = total;
            let mut out = json!({"resourceIdentifiers": page});
            if from + 100 < mine_len {
                out["nextToken"] = json!((from + 100).to_string());
            }
            ok(out)
        }
        "BatchGetResourceConfig" => {
            let got: Vec<J> = body["resourceKeys"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| k["resourceId"].as_str())
                .filter_map(|id| id.strip_prefix('t')?.parse::<usize>().ok())
                .map(|n| {
                    let (name, a, r) = generated(n, accounts, regions);
                    table_item(&name, &a, &r, !n.is_multiple_of(100))
                })
                .collect();
            ok(json!({"baseConfigurationItems": got, "unprocessedResourceKeys": []}))
        }
        "DescribeConfigurationAggregatorSourcesStatus" => {
            let mut list = Vec::new();
            for a in 0..accounts {
                for r in regions {
                    list.push(json!({"SourceId": format!("{:012}", 100000000000usize + a), "SourceType": "ACCOUNT", "AwsRegion": r, "LastUpdateStatus": "SUCCEEDED"}));
                }
            }
            ok(json!({"AggregatedSourceStatusList": list}))
        }
        "SelectAggregateResourceConfig" => {
            let expr = body["Expression"].as_str().unwrap_or("");
            if !expr.contains(&format!("'{TABLE}'")) {
                return ok(json!({"Results": [], "QueryInfo": {"SelectFields": []}}));
            }
            let from = offset(&body["NextToken"]);
            let page: Vec<String> = (from..items.min(from + 100))
                .map(|n| {
                    let (name, a, r) = generated(n, accounts, regions);
                    select_result(table_item(&name, &a, &r, !n.is_multiple_of(100)))
                })
                .collect();
            let mut out = json!({"Results": page, "QueryInfo": {"SelectFields": []}});
            if from + 100 < items {
                out["NextToken"] = json!((from + 100).to_string());
            }
            ok(out)
        }
        _ => err("UnknownOperationException", op),
    }
}

fn fixed(st: &mut State, region: &str, op: &str, body: &J) -> (u16, String) {
    if region == "us-west-2" {
        return err(
            "AccessDeniedException",
            "User: arn:aws:sts::111122223333:assumed-role/drlint-audit/ci is not authorized to perform: config:DescribeConfigurationRecorderStatus",
        );
    }
    match op {
        "DescribeConfigurationRecorderStatus" => ok(
            json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": region != "eu-west-1", "lastStatus": "SUCCESS"}]}),
        ),
        "ListDiscoveredResources" => {
            if body["resourceType"] != TABLE || region != "us-east-1" {
                return ok(json!({"resourceIdentifiers": []}));
            }
            if !st.throttled {
                st.throttled = true;
                return err("ThrottlingException", "Rate exceeded");
            }
            let id = |n: &str| json!({"resourceType": TABLE, "resourceId": n, "resourceName": n});
            match body["nextToken"].as_str() {
                None => {
                    ok(json!({"resourceIdentifiers": [id("orders-prod")], "nextToken": "page-2"}))
                }
                Some("page-2") => ok(json!({"resourceIdentifiers": [id("carts-prod")]})),
                Some(_) => err("InvalidNextTokenException", "bad token"),
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
            ok(json!({
                "baseConfigurationItems": now.iter().map(|k| table_item(k, ACCOUNT, "us-east-1", false)).collect::<Vec<_>>(),
                "unprocessedResourceKeys": later.iter().map(|k| json!({"resourceType": TABLE, "resourceId": k})).collect::<Vec<_>>(),
            }))
        }
        "DescribeConfigurationAggregatorSourcesStatus" => {
            ok(json!({"AggregatedSourceStatusList": [
                {"SourceId": ACCOUNT, "SourceType": "ACCOUNT", "AwsRegion": "us-east-1", "LastUpdateStatus": "SUCCEEDED"},
                {"SourceId": ACCOUNT, "SourceType": "ACCOUNT", "AwsRegion": "eu-central-1", "LastUpdateStatus": "SUCCEEDED"},
                {"SourceId": "444455556666", "SourceType": "ACCOUNT", "AwsRegion": "ap-south-1", "LastUpdateStatus": "FAILED",
                 "LastErrorCode": "AccessDeniedException", "LastErrorMessage": "not authorized to collect"}
            ]}))
        }
        "SelectAggregateResourceConfig" => {
            let expr = body["Expression"].as_str().unwrap_or("");
            if !expr.contains(&format!("'{TABLE}'")) {
                return ok(json!({"Results": [], "QueryInfo": {"SelectFields": []}}));
            }
            let first = body["NextToken"].is_null();
            let item = table_item(
                if first { "orders-prod" } else { "carts-prod" },
                ACCOUNT,
                "us-east-1",
                false,
            );
            let mut out =
                json!({"Results": [select_result(item)], "QueryInfo": {"SelectFields": []}});
            if first {
                out["NextToken"] = json!("agg-2");
            }
            ok(out)
        }
        _ => err("UnknownOperationException", op),
    }
}

/// Serves one connection: several requests (keep-alive) until EOF, timeout or the stop flag.
fn serve(conn: TcpStream, st: Arc<Mutex<State>>, stop: Arc<AtomicBool>) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut w = conn.try_clone().unwrap();
    let mut r = BufReader::new(conn);
    loop {
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
        // Credential=AKID/DATE/REGION/SERVICE/aws4_request
        let region = auth
            .split("Credential=")
            .nth(1)
            .and_then(|c| c.split('/').nth(2))
            .unwrap_or("")
            .to_string();
        let (status, out) = answer(&st, &region, &target, &body);
        let reason = if status == 200 { "OK" } else { "Bad Request" };
        let ctype = if out.starts_with('<') {
            "text/xml"
        } else {
            "application/x-amz-json-1.1"
        };
        let resp = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nx-amzn-RequestId: test\r\nContent-Length: {}\r\n\r\n{out}",
            out.len()
        );
        if w.write_all(resp.as_bytes()).is_err() {
            return;
        }
    }
}

/// A running endpoint; it stops accepting after `lifetime` or when dropped.
pub struct Server {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

pub fn start(scenario: Scenario, lifetime: Duration) -> Server {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let st = Arc::new(Mutex::new(State {
        scenario,
        calls: Vec::new(),
        requests: 0,
        throttles: 0,
        throttled: false,
        unprocessed_once: false,
    }));
    let stop = Arc::new(AtomicBool::new(false));
    let (st2, stop2) = (st.clone(), stop.clone());
    std::thread::spawn(move || {
        let deadline = Instant::now() + lifetime;
        while Instant::now() < deadline && !stop2.load(Ordering::Relaxed) {
            match l.accept() {
                Ok((c, _)) => {
                    c.set_nonblocking(false).ok();
                    let (st, stop) = (st2.clone(), stop2.clone());
                    std::thread::spawn(move || serve(c, st, stop));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    });
    Server {
        url,
        state: st,
        stop,
    }
}

/// `drlint live` (the binary `bin`) with fake credentials and nothing else from the environment.
pub fn live_command(bin: &str, cwd: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(bin);
    c.arg("live")
        .args(args)
        .current_dir(cwd)
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
        .env_remove("AWS_ENDPOINT_URL_STS")
        .stdin(std::process::Stdio::null());
    c
}
