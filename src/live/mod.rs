//! `drlint live`: reads the AWS Config inventory of live accounts with read-only calls and turns
//! it into snapshot-shaped JSON documents, one per audited account and region, that the AWS
//! Config adapter (`read/awsconfig.rs`) reads like any offline file.
//!
//! Per region: STS GetCallerIdentity (which account; needs no permission),
//! DescribeConfigurationRecorderStatus (is anything recorded?), ListDiscoveredResources for every
//! resource type the adapter maps (paginated; the types in parallel), then BatchGetResourceConfig
//! in batches of at most 100 keys (several batches in flight), re-requesting
//! `unprocessedResourceKeys` with backoff. With `--aggregator`: DescribeConfigurationAggregator
//! SourcesStatus (which accounts and regions the aggregator could not collect), then one
//! SelectAggregateResourceConfig query per mapped type (paginated; the types in parallel), whose
//! results are split by account and region. At most `concurrency` calls are in flight at once,
//! over all regions. Throttling and transient errors are retried by the SDK's standard retry
//! strategy (exponential backoff with jitter).
//!
//! Memory: each item is kept once, as its compact JSON text (no `serde_json::Value` tree of the
//! inventory); a scope's document is assembled from those texts, sorted, in one pass that frees
//! each text as it is copied, so the peak while building is at most twice the scope's items.
//!
//! Faults are per scope: a region (or an aggregator source) that cannot be audited (no
//! credentials, access denied, recorder off, network) becomes a [`Fault`] and the others are
//! still audited.

pub mod managed;
pub mod progress;

use crate::read::awsconfig::MAPPED_TYPES;
use aws_sdk_config::Client;
use aws_sdk_config::config::retry::RetryConfig;
use aws_sdk_config::config::{BehaviorVersion, ProvideCredentials, Region};
use aws_sdk_config::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_config::primitives::{DateTime, DateTimeFormat};
use aws_sdk_config::types::{
    AggregatedSourceStatusType, AggregatedSourceType, BaseConfigurationItem, ResourceKey,
    ResourceType,
};
use progress::{Counter, Progress};
use serde_json::{Value as J, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// BatchGetResourceConfig accepts at most 100 keys per call.
pub const BATCH_SIZE: usize = 100;
/// SelectAggregateResourceConfig returns at most 100 results per page.
pub const SELECT_PAGE: i32 = 100;
/// Attempts per call (the first one included) for throttling and transient errors.
const MAX_ATTEMPTS: u32 = 5;
/// Rounds of re-requesting unprocessed keys before giving up on them.
const UNPROCESSED_ROUNDS: usize = 8;
/// `--concurrency` when not given.
pub const DEFAULT_CONCURRENCY: usize = 4;

#[derive(Clone, Debug)]
pub struct Options {
    pub regions: Vec<String>,
    pub aggregator: Option<String>,
    pub aws_profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub progress: progress::Mode,
    /// API calls in flight at once, over all regions (at least 1).
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            regions: Vec::new(),
            aggregator: None,
            aws_profile: None,
            endpoint_url: None,
            progress: progress::Mode::Off,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// What was fetched for one account and region: a snapshot-like document the AWS Config
/// adapter reads.
#[derive(Debug)]
pub struct Document {
    /// The account audited; None when it could not be told (no STS answer and no item).
    pub account: Option<String>,
    /// The region (`global` for an aggregator's global resources).
    pub region: String,
    /// The file stem for `--save-snapshot`: `<region>`, or `<account>-<region>` for an
    /// aggregator (several accounts).
    pub label: String,
    pub json: String,
    pub resources: usize,
    /// False when part of the scope could not be fetched (a [`Fault`] says what): its findings
    /// must not be uploaded as a complete analysis.
    pub complete: bool,
}

/// A scope that could not be audited, or was audited only in part.
#[derive(Debug, Clone)]
pub struct Fault {
    /// `region us-west-2`, `aggregator org`, `account 111122223333 region eu-west-1 (aggregator
    /// org)`.
    pub scope: String,
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.scope, self.message)
    }
}

#[derive(Debug, Default)]
pub struct Audit {
    pub documents: Vec<Document>,
    pub faults: Vec<Fault>,
}

/// Shared by every task of an audit.
struct Ctx {
    calls: Arc<Semaphore>,
    concurrency: usize,
    progress: Arc<Progress>,
}

impl Ctx {
    fn new(concurrency: usize, progress: Arc<Progress>) -> Arc<Ctx> {
        let concurrency = concurrency.max(1);
        Arc::new(Ctx {
            calls: Arc::new(Semaphore::new(concurrency)),
            concurrency,
            progress,
        })
    }
}

/// One item: its sort key (type, id) and its compact JSON text.
struct Entry {
    key: (String, String),
    text: String,
}

/// Runs the audit. `Err` is a usage problem (nothing could be attempted).
pub fn audit(opts: &Options) -> Result<Audit, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let progress = Progress::new(opts.progress);
    let ticker = progress.start();
    let cx = Ctx::new(opts.concurrency, progress.clone());
    let out = rt.block_on(audit_async(opts.clone(), cx));
    progress.finish(ticker);
    out
}

async fn audit_async(opts: Options, cx: Arc<Ctx>) -> Result<Audit, String> {
    let opts = Arc::new(opts);
    let mut audit = Audit::default();
    if let Some(name) = opts.aggregator.clone() {
        let region = match opts.regions.first() {
            Some(r) => Some(r.clone()),
            None => default_region(&opts).await,
        };
        let Some(region) = region else {
            return Err(NO_REGION.into());
        };
        match aggregator(&opts, &cx, &region, &name).await {
            Ok(a) => audit = a,
            Err(message) => audit.faults.push(Fault {
                scope: format!("aggregator {name}"),
                message,
            }),
        }
        return Ok(audit);
    }
    let mut regions = opts.regions.clone();
    if regions.is_empty() {
        match default_region(&opts).await {
            Some(r) => regions.push(r),
            None => return Err(NO_REGION.into()),
        }
    }
    let mut seen = std::collections::HashSet::new();
    regions.retain(|r| seen.insert(r.clone()));
    // Regions in parallel: one task each (their calls share the concurrency limit).
    let handles: Vec<_> = regions
        .iter()
        .map(|r| {
            let (o, r, cx) = (opts.clone(), r.clone(), cx.clone());
            tokio::spawn(async move { audit_region(&o, &cx, &r).await })
        })
        .collect();
    for (region, h) in regions.iter().zip(handles) {
        let scope = format!("region {region}");
        match h.await {
            Ok(Ok((doc, partial))) => {
                audit.documents.push(doc);
                audit
                    .faults
                    .extend(partial.into_iter().map(|message| Fault {
                        scope: scope.clone(),
                        message,
                    }));
            }
            Ok(Err(message)) => audit.faults.push(Fault { scope, message }),
            Err(e) => audit.faults.push(Fault {
                scope,
                message: format!("the audit task failed: {e}"),
            }),
        }
    }
    Ok(audit)
}

const NO_REGION: &str = "no region to audit: pass --region REGION (repeatable), or set AWS_REGION or a region in the --aws-profile profile";

async fn default_region(opts: &Options) -> Option<String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &opts.aws_profile {
        loader = loader.profile_name(p);
    }
    loader.load().await.region().map(|r| r.to_string())
}

/// The SDK configuration for one region, after checking that credentials resolve.
async fn sdk_config(opts: &Options, region: &str) -> Result<aws_config::SdkConfig, String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
    if let Some(p) = &opts.aws_profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let sdk = loader.load().await;
    let chain = "the default AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --aws-profile with ~/.aws/config and ~/.aws/credentials, SSO, web identity (OIDC), ECS or EC2 instance metadata)";
    match sdk.credentials_provider() {
        None => return Err(format!("no AWS credentials: {chain} is not configured")),
        Some(p) => {
            if let Err(e) = p.provide_credentials().await {
                // The SDK's full error lists every provider it tried with debug dumps; the first
                // line says what matters.
                let first = e.to_string();
                let first = first.lines().next().unwrap_or_default().to_string();
                return Err(format!(
                    "no AWS credentials found by {chain} ({first}); configure one, or pass --aws-profile NAME"
                ));
            }
        }
    }
    Ok(sdk)
}

/// A one-line description of an SDK error: `Code: message` for service errors.
fn describe<E, R>(op: &str, e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let code = err.code().unwrap_or("ServiceError");
            let msg = err.message().unwrap_or("no message");
            let code = code.strip_suffix("Exception").unwrap_or(code);
            let hint = if code == "AccessDenied" || code == "UnauthorizedOperation" {
                "; drlint needs the read-only IAM policy in the README"
            } else {
                ""
            };
            format!("{code}: {msg} (in {op}{hint})")
        }
        other => format!("{op} failed: {}", DisplayErrorContext(other)),
    }
}

/// Audits one region: the document, plus messages about parts that could not be fetched.
async fn audit_region(
    opts: &Options,
    cx: &Arc<Ctx>,
    region: &str,
) -> Result<(Document, Vec<String>), String> {
    let sdk = sdk_config(opts, region).await?;
    let client = Client::new(&sdk);
    // Which account this is: for the SARIF run of the region. No permission is needed; should it
    // fail, the items' accountId says it.
    let account = {
        let _permit = cx.calls.acquire().await;
        aws_sdk_sts::Client::new(&sdk)
            .get_caller_identity()
            .send()
            .await
            .ok()
            .and_then(|o| o.account().map(str::to_string))
    };
    let fetched = fetch_region(&client, region, cx).await?;
    let account = account.or(fetched.account);
    let resources = fetched.entries.len();
    Ok((
        Document {
            account,
            region: region.to_string(),
            label: region.to_string(),
            json: document(&format!("drlint-live-{region}"), fetched.entries),
            resources,
            complete: fetched.partial.is_empty(),
        },
        fetched.partial,
    ))
}

/// What one region's calls returned.
struct Fetched {
    entries: Vec<Entry>,
    /// Parts that could not be fetched.
    partial: Vec<String>,
    /// The first item's accountId.
    account: Option<String>,
}

/// The calls for one region, on a ready client (unit tests pass a mocked one).
async fn fetch_region(client: &Client, region: &str, cx: &Arc<Ctx>) -> Result<Fetched, String> {
    let status = {
        let _permit = cx.calls.acquire().await;
        client
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| describe("DescribeConfigurationRecorderStatus", &e))?
    };
    if !status
        .configuration_recorders_status()
        .iter()
        .any(|s| s.recording())
    {
        return Err(format!(
            "AWS Config is not recording in {region} (no configuration recorder is on), so its resources cannot be audited; turn the recorder on or drop --region {region}"
        ));
    }
    let counter = cx.progress.scope(region);
    // The listing: one task per type.
    let mut listing = tokio::task::JoinSet::new();
    for (i, t) in MAPPED_TYPES.iter().enumerate() {
        let (client, cx) = (client.clone(), cx.clone());
        listing.spawn(async move { (i, list_type(&client, &cx, t).await) });
    }
    let mut per_type: Vec<Vec<ResourceKey>> = vec![Vec::new(); MAPPED_TYPES.len()];
    while let Some(done) = listing.join_next().await {
        let (i, keys) = done.map_err(|e| format!("the listing task failed: {e}"))?;
        per_type[i] = keys?;
    }
    let mut keys: Vec<ResourceKey> = per_type.into_iter().flatten().collect();
    keys.sort_by(|a, b| {
        (a.resource_type().as_str(), a.resource_id())
            .cmp(&(b.resource_type().as_str(), b.resource_id()))
    });
    keys.dedup_by(|a, b| {
        a.resource_type() == b.resource_type() && a.resource_id() == b.resource_id()
    });
    // The batches: at most `concurrency` in flight for this region.
    let mut entries: Vec<Entry> = Vec::with_capacity(keys.len());
    let mut partial = Vec::new();
    let mut unprocessed = 0usize;
    let mut batches = tokio::task::JoinSet::new();
    let mut chunks = keys.chunks(BATCH_SIZE);
    loop {
        while batches.len() < cx.concurrency {
            let Some(chunk) = chunks.next() else {
                break;
            };
            let (client, cx, chunk, counter) =
                (client.clone(), cx.clone(), chunk.to_vec(), counter.clone());
            batches.spawn(async move { batch(&client, &cx, chunk, &counter).await });
        }
        let Some(done) = batches.join_next().await else {
            break;
        };
        let (got, left) = done.map_err(|e| format!("the fetch task failed: {e}"))??;
        entries.extend(got);
        unprocessed += left;
    }
    if unprocessed > 0 {
        partial.push(format!(
            "{unprocessed} resources stayed unprocessed by BatchGetResourceConfig after {UNPROCESSED_ROUNDS} attempts and were not audited"
        ));
    }
    cx.progress.done(region, "fetched");
    let account = entries
        .iter()
        .find_map(|e| head(&e.text).and_then(|h| h.account_id.map(|a| a.into_owned())));
    Ok(Fetched {
        entries,
        partial,
        account,
    })
}

/// Every key of one resource type (the SDK's paginator follows NextToken until it is absent or
/// empty, and stops should the service repeat a token).
async fn list_type(client: &Client, cx: &Ctx, t: &str) -> Result<Vec<ResourceKey>, String> {
    let mut keys = Vec::new();
    let mut pages = client
        .list_discovered_resources()
        .resource_type(ResourceType::from(t))
        .into_paginator()
        .send();
    loop {
        let page = {
            let _permit = cx.calls.acquire().await;
            pages.next().await
        };
        let Some(page) = page else {
            break;
        };
        let out = page.map_err(|e| describe("ListDiscoveredResources", &e))?;
        for id in out.resource_identifiers() {
            if let (Some(rt), Some(rid)) = (id.resource_type(), id.resource_id())
                && let Ok(k) = ResourceKey::builder()
                    .resource_type(rt.clone())
                    .resource_id(rid)
                    .build()
            {
                keys.push(k);
            }
        }
    }
    Ok(keys)
}

/// One batch of at most 100 keys, re-requesting unprocessed keys: the items, and how many keys
/// stayed unprocessed.
async fn batch(
    client: &Client,
    cx: &Ctx,
    chunk: Vec<ResourceKey>,
    counter: &Counter,
) -> Result<(Vec<Entry>, usize), String> {
    let mut got = Vec::with_capacity(chunk.len());
    let mut pending = chunk;
    for round in 0..UNPROCESSED_ROUNDS {
        if pending.is_empty() {
            break;
        }
        if round > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(100 << round.min(5))).await;
        }
        let out = {
            let _permit = cx.calls.acquire().await;
            client
                .batch_get_resource_config()
                .set_resource_keys(Some(pending))
                .send()
                .await
                .map_err(|e| describe("BatchGetResourceConfig", &e))?
        };
        let items = out.base_configuration_items();
        counter.add(items.len());
        got.extend(items.iter().map(|i| {
            let j = item_json(i);
            Entry {
                key: (
                    i.resource_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    i.resource_id().unwrap_or_default().to_string(),
                ),
                text: j.to_string(),
            }
        }));
        pending = out.unprocessed_resource_keys().to_vec();
    }
    Ok((got, pending.len()))
}

/// The SQL for one mapped type's aggregator query: the fields the adapter reads.
pub fn select_expression(resource_type: &str) -> String {
    format!(
        "SELECT accountId, arn, awsRegion, resourceType, resourceId, resourceName, configurationItemStatus, configuration, supplementaryConfiguration, tags WHERE resourceType = '{resource_type}'"
    )
}

/// The few fields of an item or select result that place it (read without building a tree).
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(rename = "accountId", borrow, default)]
    account_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "awsRegion", borrow, default)]
    aws_region: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "resourceType", borrow, default)]
    resource_type: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "resourceId", borrow, default)]
    resource_id: Option<std::borrow::Cow<'a, str>>,
}

fn head(text: &str) -> Option<Head<'_>> {
    serde_json::from_str(text).ok()
}

/// An aggregator's account/region scope key.
type ScopeKey = (String, String);

async fn aggregator(
    opts: &Options,
    cx: &Arc<Ctx>,
    region: &str,
    name: &str,
) -> Result<Audit, String> {
    let sdk = sdk_config(opts, region).await?;
    let client = Client::new(&sdk);
    let mut audit = Audit::default();
    // Which sources the aggregator could not collect: those account/regions are faults (their
    // data is stale or missing); the ones it collected are audited even when they hold nothing.
    let (collected, failed, status_problem) = sources_status(&client, cx, name).await;
    if let Some(p) = status_problem {
        audit.faults.push(Fault {
            scope: format!("aggregator {name}"),
            message: p,
        });
    }
    let scope_name = format!("aggregator {name}");
    let counter = cx.progress.scope(&scope_name);
    let mut queries = tokio::task::JoinSet::new();
    for t in MAPPED_TYPES {
        let (client, cx, counter, name) = (
            client.clone(),
            cx.clone(),
            counter.clone(),
            name.to_string(),
        );
        queries.spawn(async move { select_type(&client, &cx, &name, t, &counter).await });
    }
    let mut scopes: BTreeMap<ScopeKey, Vec<Entry>> = BTreeMap::new();
    for k in &collected {
        scopes.entry(k.clone()).or_default();
    }
    let mut error = None;
    while let Some(done) = queries.join_next().await {
        match done {
            Ok(Ok(results)) => {
                for text in results {
                    let Some(h) = head(&text) else {
                        continue;
                    };
                    let key = (
                        h.account_id.as_deref().unwrap_or("unknown").to_string(),
                        h.aws_region.as_deref().unwrap_or("global").to_string(),
                    );
                    let sort = (
                        h.resource_type.as_deref().unwrap_or("").to_string(),
                        h.resource_id.as_deref().unwrap_or("").to_string(),
                    );
                    scopes
                        .entry(key)
                        .or_default()
                        .push(Entry { key: sort, text });
                }
            }
            Ok(Err(e)) => error = Some(e),
            Err(e) => error = Some(format!("the query task failed: {e}")),
        }
    }
    cx.progress.done(&scope_name, "fetched");
    if let Some(e) = error {
        // A query failed: the inventory is incomplete everywhere.
        return Err(e);
    }
    for ((account, reg), entries) in scopes {
        let failed_here = failed
            .iter()
            .find(|(a, r, _)| r == &reg && a.as_ref().is_none_or(|a| a == &account));
        if let Some((_, _, why)) = failed_here {
            audit.faults.push(Fault {
                scope: format!("account {account} region {reg} (aggregator {name})"),
                message: why.clone(),
            });
        }
        let resources = entries.len();
        audit.documents.push(Document {
            account: (account != "unknown").then(|| account.clone()),
            json: document(&format!("drlint-live-{name}-{account}-{reg}"), entries),
            label: format!("{account}-{reg}"),
            region: reg,
            resources,
            complete: failed_here.is_none(),
        });
    }
    // Failed sources with no item at all still name what was not audited.
    for (a, r, why) in &failed {
        let named = audit
            .documents
            .iter()
            .any(|d| &d.region == r && a.as_ref().is_none_or(|a| d.account.as_ref() == Some(a)));
        if !named {
            audit.faults.push(Fault {
                scope: match a {
                    Some(a) => format!("account {a} region {r} (aggregator {name})"),
                    None => format!("region {r} (aggregator {name})"),
                },
                message: why.clone(),
            });
        }
    }
    Ok(audit)
}

/// The aggregator's sources: the (account, region) pairs it collected, the ones it failed to
/// collect (account None: an organization source, every account of the region) with the error,
/// and a problem reading the status at all.
async fn sources_status(
    client: &Client,
    cx: &Ctx,
    name: &str,
) -> (
    BTreeSet<ScopeKey>,
    Vec<(Option<String>, String, String)>,
    Option<String>,
) {
    let mut collected = BTreeSet::new();
    let mut failed = Vec::new();
    let mut pages = client
        .describe_configuration_aggregator_sources_status()
        .configuration_aggregator_name(name)
        .into_paginator()
        .send();
    loop {
        let page = {
            let _permit = cx.calls.acquire().await;
            pages.next().await
        };
        let Some(page) = page else {
            break;
        };
        let out = match page {
            Ok(o) => o,
            Err(e) => {
                return (
                    collected,
                    failed,
                    Some(format!(
                        "cannot tell which accounts and regions the aggregator failed to collect ({}); every account and region with resources is reported as audited",
                        describe("DescribeConfigurationAggregatorSourcesStatus", &e)
                    )),
                );
            }
        };
        for s in out.aggregated_source_status_list() {
            let Some(region) = s.aws_region() else {
                continue;
            };
            let account = match s.source_type() {
                Some(AggregatedSourceType::Account) => s.source_id().map(str::to_string),
                _ => None,
            };
            match s.last_update_status() {
                Some(AggregatedSourceStatusType::Failed) => failed.push((
                    account,
                    region.to_string(),
                    format!(
                        "the aggregator could not collect it: {}: {}",
                        s.last_error_code().unwrap_or("error"),
                        s.last_error_message().unwrap_or("no message")
                    ),
                )),
                Some(AggregatedSourceStatusType::Succeeded) => {
                    if let Some(a) = account {
                        collected.insert((a, region.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    (collected, failed, None)
}

/// Every select result of one type, as the JSON texts the API returns.
async fn select_type(
    client: &Client,
    cx: &Ctx,
    name: &str,
    t: &str,
    counter: &Counter,
) -> Result<Vec<String>, String> {
    let mut results = Vec::new();
    let mut pages = client
        .select_aggregate_resource_config()
        .configuration_aggregator_name(name)
        .expression(select_expression(t))
        .limit(SELECT_PAGE)
        .into_paginator()
        .send();
    loop {
        let page = {
            let _permit = cx.calls.acquire().await;
            pages.next().await
        };
        let Some(page) = page else {
            break;
        };
        let out = page.map_err(|e| describe("SelectAggregateResourceConfig", &e))?;
        // Taken, not copied: the page's texts are the items.
        let page = out.results.unwrap_or_default();
        counter.add(page.len());
        results.extend(page);
    }
    Ok(results)
}

fn time(t: Option<&DateTime>) -> J {
    t.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
        .map_or(J::Null, J::String)
}

/// A BatchGetResourceConfig item in the API's JSON spelling (`configuration` stays the JSON
/// string the API returns; the adapter decodes it).
pub fn item_json(i: &BaseConfigurationItem) -> J {
    let mut o = serde_json::Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            o.insert(k.to_string(), J::String(v.to_string()));
        }
    };
    put("version", i.version());
    put("accountId", i.account_id());
    put(
        "configurationItemStatus",
        i.configuration_item_status().map(|s| s.as_str()),
    );
    put("configurationStateId", i.configuration_state_id());
    put("arn", i.arn());
    put("resourceType", i.resource_type().map(|t| t.as_str()));
    put("resourceId", i.resource_id());
    put("resourceName", i.resource_name());
    put("awsRegion", i.aws_region());
    put("availabilityZone", i.availability_zone());
    put("configuration", i.configuration());
    o.insert(
        "configurationItemCaptureTime".into(),
        time(i.configuration_item_capture_time()),
    );
    o.insert(
        "resourceCreationTime".into(),
        time(i.resource_creation_time()),
    );
    if let Some(s) = i.supplementary_configuration() {
        let sorted: BTreeMap<&String, &String> = s.iter().collect();
        o.insert("supplementaryConfiguration".into(), json!(sorted));
    }
    J::Object(o)
}

/// A snapshot-like document (the shape AWS Config delivers to S3): the items sorted by type and
/// id for stable output, repeats dropped, one compact item per line. Each item's text is freed
/// as it is copied, so the peak is at most the items plus the document.
fn document(id: &str, mut entries: Vec<Entry>) -> String {
    entries.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    entries.dedup_by(|a, b| a.key == b.key);
    let len: usize = entries.iter().map(|e| e.text.len() + 2).sum();
    let mut s = String::with_capacity(len + 128);
    s.push_str("{\"fileVersion\":\"1.0\",\"configSnapshotId\":");
    s.push_str(&J::String(id.to_string()).to_string());
    s.push_str(",\"configurationItems\":[");
    for (i, e) in entries.into_iter().enumerate() {
        s.push_str(if i == 0 { "\n" } else { ",\n" });
        s.push_str(&e.text);
    }
    s.push_str("\n]}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn items_keep_the_api_spelling_and_the_adapter_reads_them() {
        let conf = r#"{"tableName":"orders-prod"}"#;
        let item = BaseConfigurationItem::builder()
            .account_id("111122223333")
            .arn("arn:aws:dynamodb:us-east-1:111122223333:table/orders-prod")
            .resource_type(ResourceType::from("AWS::DynamoDB::Table"))
            .resource_id("orders-prod")
            .resource_name("orders-prod")
            .aws_region("us-east-1")
            .configuration(conf)
            .set_supplementary_configuration(Some(HashMap::from([(
                "ContinuousBackupsDescription".to_string(),
                r#"{"pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}"#
                    .to_string(),
            )])))
            .configuration_item_capture_time(DateTime::from_secs(1_700_000_000))
            .build();
        let j = item_json(&item);
        assert_eq!(j["configuration"], conf);
        assert_eq!(j["configurationItemCaptureTime"], "2023-11-14T22:13:20Z");
        let entry = || Entry {
            key: ("AWS::DynamoDB::Table".into(), "orders-prod".into()),
            text: j.to_string(),
        };
        let text = document("drlint-live-us-east-1", vec![entry(), entry()]);
        let jt = j.to_string();
        let h = head(&jt).unwrap();
        assert_eq!(h.account_id.as_deref(), Some("111122223333"));
        assert_eq!(h.aws_region.as_deref(), Some("us-east-1"));
        let f = crate::input::decode("live:us-east-1", text.into_bytes()).unwrap();
        assert_eq!(f.kind, crate::input::InputKind::AwsConfig);
        let files = [f];
        let m = crate::read::build_model(&files).unwrap();
        assert_eq!(m.resources.len(), 1, "duplicates are dropped");
        assert_eq!(m.resources[0].rtype, "aws_dynamodb_table");
        assert_eq!(m.resources[0].region, Some("us-east-1"));
    }

    mod mocked {
        use super::super::*;
        use aws_sdk_config::config::Credentials;
        use aws_sdk_config::operation::batch_get_resource_config::BatchGetResourceConfigOutput;
        use aws_sdk_config::operation::describe_configuration_recorder_status::DescribeConfigurationRecorderStatusOutput;
        use aws_sdk_config::operation::list_discovered_resources::ListDiscoveredResourcesOutput;
        use aws_sdk_config::types::{ConfigurationRecorderStatus, ResourceIdentifier};
        use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};

        const TABLE: &str = "AWS::DynamoDB::Table";

        fn client(rules: &[Rule]) -> Client {
            let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
            for r in rules {
                i = i.with_rule(r);
            }
            let conf = aws_sdk_config::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
                .http_client(aws_smithy_mocks::create_mock_http_client())
                .interceptor(i)
                .build();
            Client::from_conf(conf)
        }

        fn recording(on: bool) -> Rule {
            mock!(Client::describe_configuration_recorder_status).then_output(move || {
                DescribeConfigurationRecorderStatusOutput::builder()
                    .configuration_recorders_status(
                        ConfigurationRecorderStatus::builder()
                            .name("default")
                            .recording(on)
                            .build(),
                    )
                    .build()
            })
        }

        fn ids(range: std::ops::Range<usize>) -> Vec<ResourceIdentifier> {
            range
                .map(|n| {
                    ResourceIdentifier::builder()
                        .resource_type(ResourceType::from(TABLE))
                        .resource_id(format!("t{n}"))
                        .build()
                })
                .collect()
        }

        fn run(c: &Client) -> Result<Fetched, String> {
            let cx = Ctx::new(1, progress::Progress::new(progress::Mode::Off));
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(fetch_region(c, "us-east-1", &cx))
        }

        #[test]
        fn pages_batches_of_100_and_unprocessed_keys() {
            let page1 = mock!(Client::list_discovered_resources)
                .match_requests(|r| {
                    r.resource_type().map(|t| t.as_str()) == Some(TABLE) && r.next_token().is_none()
                })
                .then_output(|| {
                    ListDiscoveredResourcesOutput::builder()
                        .set_resource_identifiers(Some(ids(0..150)))
                        .next_token("p2")
                        .build()
                });
            let page2 = mock!(Client::list_discovered_resources)
                .match_requests(|r| r.next_token() == Some("p2"))
                .then_output(|| {
                    ListDiscoveredResourcesOutput::builder()
                        .set_resource_identifiers(Some(ids(150..230)))
                        .build()
                });
            let empty = mock!(Client::list_discovered_resources)
                .then_output(|| ListDiscoveredResourcesOutput::builder().build());
            // The first batch leaves its last key unprocessed once; later calls answer fully.
            let seen = Arc::new(std::sync::Mutex::new(Vec::<usize>::new()));
            let seen2 = seen.clone();
            let batch = mock!(Client::batch_get_resource_config).then_compute_output(move |req| {
                let keys = req.resource_keys();
                let first = seen2.lock().unwrap().is_empty();
                seen2.lock().unwrap().push(keys.len());
                let (now, later) = keys.split_at(if first { keys.len() - 1 } else { keys.len() });
                BatchGetResourceConfigOutput::builder()
                    .set_base_configuration_items(Some(
                        now.iter()
                            .map(|k| {
                                BaseConfigurationItem::builder()
                                    .resource_type(k.resource_type().clone())
                                    .resource_id(k.resource_id())
                                    .aws_region("us-east-1")
                                    .configuration(format!(
                                        r#"{{"tableName":"{}"}}"#,
                                        k.resource_id()
                                    ))
                                    .build()
                            })
                            .collect(),
                    ))
                    .set_unprocessed_resource_keys(Some(later.to_vec()))
                    .build()
            });
            let c = client(&[recording(true), page1, page2, empty, batch]);
            let f = run(&c).unwrap();
            assert!(f.partial.is_empty(), "{:?}", f.partial);
            assert_eq!(f.entries.len(), 230);
            // Concurrency 1: the batches one after the other, the unprocessed key asked again.
            let mut sizes = seen.lock().unwrap().clone();
            sizes.sort();
            assert_eq!(sizes, vec![1, 30, 100, 100]);
            let text = document("drlint-live-us-east-1", f.entries);
            let j: J = serde_json::from_str(&text).unwrap();
            assert_eq!(j["configSnapshotId"], "drlint-live-us-east-1");
            let items = j["configurationItems"].as_array().unwrap();
            assert_eq!(items.len(), 230);
            // Sorted by type and id, one item per line.
            assert_eq!(items[0]["resourceId"], "t0");
            assert_eq!(items[1]["resourceId"], "t1");
            assert_eq!(items[2]["resourceId"], "t10");
            assert_eq!(text.lines().count(), 230 + 2);
        }

        #[test]
        fn recorder_off_and_access_denied_are_region_faults() {
            let c = client(&[recording(false)]);
            let e = run(&c).err().unwrap();
            assert!(
                e.starts_with("AWS Config is not recording in us-east-1"),
                "{e}"
            );

            let denied = mock!(Client::describe_configuration_recorder_status)
                .sequence()
                .http_status(
                    400,
                    Some(
                        r#"{"__type":"AccessDeniedException","message":"not authorized"}"#
                            .to_string(),
                    ),
                )
                .build();
            let e = run(&client(&[denied])).err().unwrap();
            assert!(
                e.starts_with(
                    "AccessDenied: not authorized (in DescribeConfigurationRecorderStatus"
                ),
                "{e}"
            );
        }
    }

    #[test]
    fn select_expression_names_its_type_and_the_fields_the_adapter_reads() {
        let e = select_expression("AWS::S3::Bucket");
        assert!(e.ends_with("WHERE resourceType = 'AWS::S3::Bucket'"), "{e}");
        for f in [
            "accountId",
            "awsRegion",
            "configuration",
            "supplementaryConfiguration",
        ] {
            assert!(e.contains(f), "{f}");
        }
    }
}
