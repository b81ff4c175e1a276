//! `drlint live`: reads the AWS Config inventory of live accounts with read-only calls and turns
//! it into snapshot-shaped JSON documents that the AWS Config adapter (`read/awsconfig.rs`) reads
//! like any offline file.
//!
//! Per region: DescribeConfigurationRecorderStatus (is anything recorded?), ListDiscoveredResources
//! for every resource type the adapter maps (paginated), then BatchGetResourceConfig in batches of
//! at most 100 keys, re-requesting `unprocessedResourceKeys`. With `--aggregator`, one
//! SelectAggregateResourceConfig query (paginated) replaces all of that. Throttling is retried by
//! the SDK's standard retry strategy (exponential backoff with jitter).
//!
//! Faults are per region: a region that cannot be audited (no credentials, access denied, recorder
//! off, network) becomes a [`Fault`] and the other regions are still audited.

use crate::read::awsconfig::MAPPED_TYPES;
use aws_sdk_config::Client;
use aws_sdk_config::config::retry::RetryConfig;
use aws_sdk_config::config::{BehaviorVersion, ProvideCredentials, Region};
use aws_sdk_config::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_config::primitives::{DateTime, DateTimeFormat};
use aws_sdk_config::types::{BaseConfigurationItem, ResourceKey, ResourceType};
use serde_json::{Value as J, json};
use std::sync::Arc;

/// BatchGetResourceConfig accepts at most 100 keys per call.
pub const BATCH_SIZE: usize = 100;
/// Attempts per call (the first one included) for throttling and transient errors.
const MAX_ATTEMPTS: u32 = 5;
/// Rounds of re-requesting unprocessed keys before giving up on them.
const UNPROCESSED_ROUNDS: usize = 8;

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub regions: Vec<String>,
    pub aggregator: Option<String>,
    pub aws_profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub progress: bool,
}

/// One fetched document: `label` is the region (or `aggregator-NAME`), `json` a snapshot-like
/// document the AWS Config adapter reads.
#[derive(Debug)]
pub struct Document {
    pub label: String,
    pub json: String,
    pub resources: usize,
}

/// A region (or the aggregator) that could not be audited, or was audited only in part.
#[derive(Debug, Clone)]
pub struct Fault {
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

/// Runs the audit. `Err` is a usage problem (nothing could be attempted).
pub fn audit(opts: &Options) -> Result<Audit, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(audit_async(opts.clone()))
}

async fn audit_async(opts: Options) -> Result<Audit, String> {
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
        let scope = format!("aggregator {name}");
        match aggregator(&opts, &region, &name).await {
            Ok(doc) => audit.documents.push(doc),
            Err(message) => audit.faults.push(Fault { scope, message }),
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
    // Regions in parallel: one task each.
    let handles: Vec<_> = regions
        .iter()
        .map(|r| {
            let (o, r) = (opts.clone(), r.clone());
            tokio::spawn(async move { audit_region(&o, &r).await })
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

/// The SDK configuration and a client for one region, after checking that credentials resolve.
async fn client(opts: &Options, region: &str) -> Result<Client, String> {
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
    Ok(Client::new(&sdk))
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

fn progress(show: bool, scope: &str, what: &str) {
    if show {
        eprintln!("drlint: {scope}: {what}");
    }
}

/// Audits one region: the document, plus messages about parts that could not be fetched.
async fn audit_region(opts: &Options, region: &str) -> Result<(Document, Vec<String>), String> {
    let client = client(opts, region).await?;
    fetch_region(&client, region, opts.progress).await
}

/// The calls for one region, on a ready client (unit tests pass a mocked one).
async fn fetch_region(
    client: &Client,
    region: &str,
    show_progress: bool,
) -> Result<(Document, Vec<String>), String> {
    let status = client
        .describe_configuration_recorder_status()
        .send()
        .await
        .map_err(|e| describe("DescribeConfigurationRecorderStatus", &e))?;
    if !status
        .configuration_recorders_status()
        .iter()
        .any(|s| s.recording())
    {
        return Err(format!(
            "AWS Config is not recording in {region} (no configuration recorder is on), so its resources cannot be audited; turn the recorder on or drop --region {region}"
        ));
    }
    let mut keys: Vec<ResourceKey> = Vec::new();
    for t in MAPPED_TYPES {
        // The SDK's paginator follows NextToken until it is absent or empty, and stops should
        // the service repeat a token.
        let mut pages = client
            .list_discovered_resources()
            .resource_type(ResourceType::from(*t))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
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
    }
    progress(
        show_progress,
        region,
        &format!("{} resources listed", keys.len()),
    );
    let mut items: Vec<J> = Vec::new();
    let mut partial = Vec::new();
    for chunk in keys.chunks(BATCH_SIZE) {
        let mut pending: Vec<ResourceKey> = chunk.to_vec();
        for round in 0..UNPROCESSED_ROUNDS {
            if pending.is_empty() {
                break;
            }
            if round > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(100 << round.min(5))).await;
            }
            let out = client
                .batch_get_resource_config()
                .set_resource_keys(Some(pending))
                .send()
                .await
                .map_err(|e| describe("BatchGetResourceConfig", &e))?;
            items.extend(out.base_configuration_items().iter().map(item_json));
            pending = out.unprocessed_resource_keys().to_vec();
        }
        if !pending.is_empty() {
            partial.push(format!(
                "{} resources stayed unprocessed by BatchGetResourceConfig after {UNPROCESSED_ROUNDS} attempts and were not audited",
                pending.len()
            ));
        }
        progress(
            show_progress,
            region,
            &format!("{} resources fetched", items.len()),
        );
    }
    let resources = items.len();
    Ok((
        Document {
            label: region.to_string(),
            json: snapshot(&format!("drlint-live-{region}"), items),
            resources,
        },
        partial,
    ))
}

/// The SQL for the aggregator query: every mapped type, the fields the adapter reads.
pub fn select_expression() -> String {
    let types: Vec<String> = MAPPED_TYPES.iter().map(|t| format!("'{t}'")).collect();
    format!(
        "SELECT accountId, arn, awsRegion, resourceType, resourceId, resourceName, configurationItemStatus, configuration, supplementaryConfiguration, tags WHERE resourceType IN ({})",
        types.join(", ")
    )
}

async fn aggregator(opts: &Options, region: &str, name: &str) -> Result<Document, String> {
    let client = client(opts, region).await?;
    let expr = select_expression();
    let mut results: Vec<String> = Vec::new();
    let mut pages = client
        .select_aggregate_resource_config()
        .configuration_aggregator_name(name)
        .expression(&expr)
        .limit(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let out = page.map_err(|e| describe("SelectAggregateResourceConfig", &e))?;
        results.extend(out.results().iter().cloned());
        progress(
            opts.progress,
            &format!("aggregator {name}"),
            &format!("{} resources fetched", results.len()),
        );
    }
    let resources = results.len();
    let doc = json!({
        "Results": results,
        "QueryInfo": {"SelectFields": [], "Expression": expr, "ConfigurationAggregatorName": name},
    });
    Ok(Document {
        label: format!("aggregator-{name}"),
        json: serde_json::to_string_pretty(&doc).unwrap_or_default(),
        resources,
    })
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
        let sorted: std::collections::BTreeMap<&String, &String> = s.iter().collect();
        o.insert("supplementaryConfiguration".into(), json!(sorted));
    }
    J::Object(o)
}

/// A snapshot-like document (the shape AWS Config delivers to S3), items sorted for stable output.
pub fn snapshot(id: &str, mut items: Vec<J>) -> String {
    let key = |j: &J| {
        (
            j["resourceType"].as_str().unwrap_or("").to_string(),
            j["resourceId"].as_str().unwrap_or("").to_string(),
        )
    };
    items.sort_by_key(key);
    items.dedup_by(|a, b| key(a) == key(b));
    let doc = json!({
        "fileVersion": "1.0",
        "configSnapshotId": id,
        "configurationItems": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
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
        let text = snapshot("drlint-live-us-east-1", vec![j.clone(), j]);
        let f = crate::input::decode("live:us-east-1", text.into_bytes()).unwrap();
        assert_eq!(f.kind, crate::input::InputKind::AwsConfig);
        let files = [f];
        let m = crate::read::build_model(&files).unwrap();
        assert_eq!(m.resources.len(), 1, "duplicates are dropped");
        assert_eq!(m.resources[0].rtype, "aws_dynamodb_table");
        assert_eq!(m.resources[0].region.as_deref(), Some("us-east-1"));
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

        fn run(c: &Client) -> Result<(Document, Vec<String>), String> {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(fetch_region(c, "us-east-1", false))
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
            let (doc, partial) = run(&c).unwrap();
            assert!(partial.is_empty(), "{partial:?}");
            assert_eq!(doc.resources, 230);
            assert_eq!(*seen.lock().unwrap(), vec![100, 1, 100, 30]);
            let j: J = serde_json::from_str(&doc.json).unwrap();
            assert_eq!(j["configSnapshotId"], "drlint-live-us-east-1");
            assert_eq!(j["configurationItems"].as_array().unwrap().len(), 230);
        }

        #[test]
        fn recorder_off_and_access_denied_are_region_faults() {
            let c = client(&[recording(false)]);
            let e = run(&c).unwrap_err();
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
            let e = run(&client(&[denied])).unwrap_err();
            assert!(
                e.starts_with(
                    "AccessDenied: not authorized (in DescribeConfigurationRecorderStatus"
                ),
                "{e}"
            );
        }
    }

    #[test]
    fn select_expression_names_every_mapped_type() {
        let e = select_expression();
        for t in MAPPED_TYPES {
            assert!(e.contains(&format!("'{t}'")), "{t}");
        }
        assert!(e.starts_with("SELECT ") && e.contains("supplementaryConfiguration"));
    }
}
