//! AWS Config JSON into the model: configuration items are translated into Terraform-shaped
//! resources (AWS provider v5 resource types, attribute names and block shapes), so the rules run
//! unchanged and never read Config JSON.
//!
//! Accepted inputs (detected by `input.rs`):
//! - an S3-delivered snapshot (`fileVersion`, `configSnapshotId`, `configurationItems`);
//! - `aws configservice get-resource-config-history` (`configurationItems`);
//! - `aws configservice batch-get-resource-config` (`baseConfigurationItems`);
//! - `aws configservice select-resource-config` (`Results`: an array of JSON strings, each a
//!   partial item);
//! - a single configuration item object, or an array of them.
//!
//! Both key spellings are read (`ARN`/`arn`, `awsAccountId`/`accountId`). `configuration` and
//! `supplementaryConfiguration` values may be objects or JSON-encoded (even double-encoded)
//! strings. Keys inside `configuration` are matched case-insensitively, because Config's casing is
//! inconsistent (`dBInstanceIdentifier`, `dbclusterIdentifier`, `kmsMasterKeyID`), and select
//! results' `{"value": …}` scalar wrappers are unwrapped.
//!
//! Items with status `ResourceDeleted`, `ResourceDeletedNotRecorded` or `ResourceNotRecorded` are
//! skipped. Resource types without a mapping are skipped (their count is reported as a warning),
//! as are AWS managed KMS keys (`keyManager` = `AWS`), which Terraform never manages.
//!
//! Where Config does not record something a rule needs, the attribute is an *unknown* value (so
//! the rule is undecided, never a silent pass), and the gap is described in
//! `docs/live-coverage.md`; a warning per file names the rule families that cannot be decided.

use super::Parts;
use crate::input::InputError;
use crate::json::Raw;
use crate::model::{RegionSource, Resource, Warning, arn_region, parse_arn};
use crate::value::{Kind, Span, Unknown, Value};
use serde_json::Value as J;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Statuses of items that describe a resource that no longer exists or is not recorded.
const SKIPPED_STATUS: &[&str] = &[
    "ResourceDeleted",
    "ResourceDeletedNotRecorded",
    "ResourceNotRecorded",
];

/// The AWS Config resource types this adapter maps (what `drlint live` asks AWS Config for).
pub const MAPPED_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::KMS::Key",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::GlobalCluster",
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPCPeeringConnection",
    "AWS::Route53::HostedZone",
    "AWS::Route53::HealthCheck",
    "AWS::Lambda::Function",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::Logs::LogGroup",
    "AWS::Backup::BackupVault",
    "AWS::Backup::BackupPlan",
    "AWS::Backup::BackupSelection",
];

/// The message for a cloud-custodian "placebo" recording (`{"status_code":…, "data":{…}}`).
pub const PLACEBO_MESSAGE: &str = "this is a cloud-custodian placebo test recording ({\"status_code\": …, \"data\": {…}}), not AWS Config output";
const PLACEBO_HINT: &str = "pass the AWS CLI / API output itself (e.g. `aws configservice get-resource-config-history … > items.json`) or an S3-delivered Config snapshot; to use this recording anyway, extract its `data` member";

pub fn read<'a>(
    file: usize,
    name: &str,
    src: &'a str,
    parts: &mut Parts<'a>,
) -> Result<(), InputError> {
    let root = Raw::root(src);
    if is_placebo(&root) {
        return Err(InputError {
            file: name.to_string(),
            location: None,
            message: PLACEBO_MESSAGE.into(),
            hint: PLACEBO_HINT.into(),
        });
    }
    let mut items: Vec<(Span, J)> = Vec::new();
    let mut bad = 0usize;
    let push_raw = |raw: Raw<'a>, items: &mut Vec<(Span, J)>, bad: &mut usize| {
        match serde_json::from_str::<J>(raw.text()) {
            Ok(j) if j.is_object() => items.push((raw.span(), j)),
            _ => *bad += 1,
        }
    };
    if root.is_array() {
        for it in root.items() {
            push_raw(it, &mut items, &mut bad);
        }
    } else {
        let mut listed = false;
        for key in ["configurationItems", "baseConfigurationItems"] {
            if let Some(list) = root.get(key) {
                listed = true;
                for it in list.items() {
                    push_raw(it, &mut items, &mut bad);
                }
            }
        }
        if let Some(results) = root.get("Results") {
            listed = true;
            for it in results.items() {
                // select-resource-config: each result is a JSON string holding a partial item.
                let parsed = it
                    .as_str()
                    .and_then(|s| serde_json::from_str::<J>(&s).ok())
                    .or_else(|| serde_json::from_str::<J>(it.text()).ok());
                match parsed {
                    Some(j) if j.is_object() => items.push((it.span(), j)),
                    _ => bad += 1,
                }
            }
        }
        if !listed {
            push_raw(root, &mut items, &mut bad);
        }
    }

    let mut ctx = Ctx::default();
    let mut out: Vec<Resource<'a>> = Vec::new();
    for (span, mut item) in items {
        normalise(&mut item);
        if let Some(st) = item.get("configurationItemStatus").and_then(J::as_str)
            && SKIPPED_STATUS.contains(&st)
        {
            ctx.deleted += 1;
            continue;
        }
        map_item(file, span, &item, &mut ctx, &mut out);
    }
    link(&mut out, &ctx);
    if bad > 0 {
        parts.warnings.push(Warning {
            file: Some(file),
            span: None,
            message: format!(
                "{bad} entries are not configuration items (not JSON objects) and were skipped"
            ),
        });
    }
    if !ctx.unmapped.is_empty() {
        let list: Vec<String> = ctx
            .unmapped
            .iter()
            .map(|(t, n)| format!("{t} ×{n}"))
            .collect();
        parts.warnings.push(Warning {
            file: Some(file),
            span: None,
            message: format!(
                "AWS Config resource types with no Terraform mapping were skipped: {}",
                list.join(", ")
            ),
        });
    }
    parts.warnings.push(Warning {
        file: Some(file),
        span: None,
        message: "AWS Config does not record Route 53 record sets, Terraform-only settings (force_destroy, skip_final_snapshot, lifecycle) or S3 replication time control: the Route 53 record rules cannot be checked and settings Config omits are undecided (see docs/live-coverage.md)".into(),
    });
    // Rules that need a type AWS Config never records are undecided in this mode, never a silent pass.
    let gap = (
        "aws_route53_record".to_string(),
        "AWS Config does not record Route 53 record sets, so this rule cannot be decided from AWS Config input (route53:ListResourceRecordSets would close the gap; see docs/live-coverage.md)".to_string(),
    );
    if !parts.unrecorded_types.contains(&gap) {
        parts.unrecorded_types.push(gap);
    }
    parts.resources.extend(out);
    Ok(())
}

/// `{"status_code": …, "data": {…}}` as written by cloud-custodian's placebo recorder.
pub fn is_placebo(root: &Raw) -> bool {
    root.is_object() && root.get("status_code").is_some() && root.get("data").is_some()
}

#[derive(Default)]
struct Ctx {
    deleted: usize,
    unmapped: BTreeMap<String, usize>,
    /// DynamoDB table (name, region) → PITR enabled, if recorded.
    table_pitr: Vec<(String, String, Option<bool>)>,
    /// Global cluster identifier → member cluster ARNs.
    global_members: Vec<(String, String)>,
}

// ----- decoding --------------------------------------------------------------------------------

/// Decodes JSON-encoded strings in `configuration` and `supplementaryConfiguration` values.
fn normalise(item: &mut J) {
    if let Some(c) = item.get_mut("configuration") {
        decode_str(c);
    }
    if let Some(J::Object(s)) = item.get_mut("supplementaryConfiguration") {
        for (_, v) in s.iter_mut() {
            decode_str(v);
        }
    }
    if let Some(s) = item.get_mut("supplementaryConfiguration") {
        decode_str(s);
    }
}

/// A string holding JSON (possibly several times encoded) becomes the JSON value.
fn decode_str(v: &mut J) {
    for _ in 0..4 {
        let J::String(s) = v else { return };
        let t = s.trim();
        if t.is_empty() {
            return;
        }
        match serde_json::from_str::<J>(t) {
            Ok(j) => *v = j,
            Err(_) => return,
        }
    }
}

/// Case-insensitive member lookup, unwrapping select results' `{"value": x}` scalars.
fn g<'j>(v: &'j J, key: &str) -> Option<&'j J> {
    let o = v.as_object()?;
    let found = o
        .get(key)
        .or_else(|| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())?;
    Some(unwrap_value(found))
}

fn unwrap_value(v: &J) -> &J {
    match v.as_object() {
        Some(o) if o.len() == 1 && o.contains_key("value") => &o["value"],
        _ => v,
    }
}

fn gp<'j>(v: &'j J, path: &[&str]) -> Option<&'j J> {
    let mut cur = v;
    for k in path {
        cur = g(cur, k)?;
    }
    Some(cur)
}

fn gs<'j>(v: &'j J, key: &str) -> Option<&'j str> {
    g(v, key).and_then(J::as_str).filter(|s| !s.is_empty())
}

/// First of several keys.
fn gs_any<'j>(v: &'j J, keys: &[&str]) -> Option<&'j str> {
    keys.iter().find_map(|k| gs(v, k))
}

fn gb(v: &J, key: &str) -> Option<bool> {
    match g(v, key)? {
        J::Bool(b) => Some(*b),
        J::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        J::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn gn(v: &J, key: &str) -> Option<String> {
    match g(v, key)? {
        J::Number(n) => Some(
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map_or_else(|| n.to_string(), |f| (f as i64).to_string()),
        ),
        J::String(s) if s.parse::<f64>().is_ok() => Some(s.clone()),
        _ => None,
    }
}

// ----- value builders --------------------------------------------------------------------------

type Entries<'a> = Vec<(Cow<'a, str>, Value<'a>)>;

fn absent<'a>() -> Value<'a> {
    Value::new(Kind::Absent, Span::default())
}
fn s<'a>(sp: Span, x: &str) -> Value<'a> {
    Value::new(Kind::Str(Cow::Owned(x.to_string())), sp)
}
fn os<'a>(sp: Span, x: Option<&str>) -> Value<'a> {
    x.map_or_else(absent, |x| s(sp, x))
}
fn b<'a>(sp: Span, x: bool) -> Value<'a> {
    Value::new(Kind::Bool(x), sp)
}
fn ob<'a>(sp: Span, x: Option<bool>) -> Value<'a> {
    x.map_or_else(absent, |x| b(sp, x))
}
fn on<'a>(sp: Span, x: Option<String>) -> Value<'a> {
    x.map_or_else(absent, |n| Value::new(Kind::Num(Cow::Owned(n)), sp))
}
/// Not recorded by AWS Config: unknown, so a rule that needs it is undecided.
fn unrecorded<'a>(sp: Span) -> Value<'a> {
    Value::unknown(
        Unknown {
            refs: Vec::new(),
            configured: true,
        },
        sp,
    )
}
fn obj<'a>(sp: Span, entries: Vec<(&'static str, Value<'a>)>) -> Value<'a> {
    let e: Entries<'a> = entries
        .into_iter()
        .filter(|(_, v)| !v.is_absent())
        .map(|(k, v)| (Cow::Borrowed(k), v))
        .collect();
    Value::new(Kind::Obj(e), sp)
}
fn list<'a>(sp: Span, items: Vec<Value<'a>>) -> Value<'a> {
    Value::new(Kind::Arr(items), sp)
}
/// A one-element block list, as a plan writes a nested block.
fn block<'a>(sp: Span, entries: Vec<(&'static str, Value<'a>)>) -> Value<'a> {
    list(sp, vec![obj(sp, entries)])
}
/// Any JSON as a value tree (tags, environment variables).
fn from_json<'a>(sp: Span, j: &J) -> Value<'a> {
    let kind = match j {
        J::Null => Kind::Null,
        J::Bool(x) => Kind::Bool(*x),
        J::Number(n) => Kind::Num(Cow::Owned(n.to_string())),
        J::String(x) => Kind::Str(Cow::Owned(x.clone())),
        J::Array(a) => Kind::Arr(a.iter().map(|x| from_json(sp, x)).collect()),
        J::Object(o) => Kind::Obj(
            o.iter()
                .map(|(k, v)| (Cow::Owned(k.clone()), from_json(sp, v)))
                .collect(),
        ),
    };
    Value::new(kind, sp)
}

/// Tags: the item's `tags` map, else `supplementaryConfiguration.Tags` / `configuration.tags` as
/// a list of `{key, value}`.
fn tags<'a>(sp: Span, item: &J, conf: &J) -> Value<'a> {
    if let Some(J::Object(o)) = item.get("tags")
        && !o.is_empty()
    {
        return from_json(sp, &J::Object(o.clone()));
    }
    let lists = [
        gp(item, &["supplementaryConfiguration", "Tags"]),
        g(conf, "tags"),
        g(conf, "tagList"),
    ];
    let mut e: Entries<'a> = Vec::new();
    for l in lists.into_iter().flatten() {
        for t in l.as_array().into_iter().flatten() {
            if let (Some(k), Some(v)) = (gs(t, "key"), g(t, "value").and_then(J::as_str)) {
                e.push((Cow::Owned(k.to_string()), s(sp, v)));
            }
        }
    }
    if e.is_empty() && item.get("tags").is_none() {
        return absent();
    }
    Value::new(Kind::Obj(e), sp)
}

// ----- mapping ---------------------------------------------------------------------------------

/// Resource type of a select result that did not select `resourceType`, from its ARN.
fn type_from_arn(arn: &str) -> Option<&'static str> {
    let a = parse_arn(arn)?;
    let res = a.resource;
    Some(match a.service {
        "s3" if !res.contains('/') => "AWS::S3::Bucket",
        "dynamodb" if res.starts_with("table/") && !res.contains("/stream/") => {
            "AWS::DynamoDB::Table"
        }
        "kms" if res.starts_with("key/") => "AWS::KMS::Key",
        "rds" if res.starts_with("cluster:") => "AWS::RDS::DBCluster",
        "rds" if res.starts_with("db:") => "AWS::RDS::DBInstance",
        "lambda" if res.starts_with("function:") => "AWS::Lambda::Function",
        "sns" => "AWS::SNS::Topic",
        "sqs" => "AWS::SQS::Queue",
        "logs" if res.starts_with("log-group:") => "AWS::Logs::LogGroup",
        "ec2" if res.starts_with("vpc/") => "AWS::EC2::VPC",
        "ec2" if res.starts_with("subnet/") => "AWS::EC2::Subnet",
        "ec2" if res.starts_with("vpc-peering-connection/") => "AWS::EC2::VPCPeeringConnection",
        _ => return None,
    })
}

fn map_item<'a>(file: usize, sp: Span, item: &J, ctx: &mut Ctx, out: &mut Vec<Resource<'a>>) {
    static EMPTY: J = J::Null;
    let conf = item.get("configuration").unwrap_or(&EMPTY);
    let supp = item.get("supplementaryConfiguration").unwrap_or(&EMPTY);
    let arn = item
        .get("ARN")
        .or_else(|| item.get("arn"))
        .and_then(J::as_str)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .or_else(|| {
            gs_any(
                conf,
                &[
                    "arn",
                    "tableArn",
                    "dbclusterArn",
                    "dBInstanceArn",
                    "functionArn",
                ],
            )
            .map(str::to_string)
        });
    let rtype_cfg = item
        .get("resourceType")
        .and_then(J::as_str)
        .map(str::to_string)
        .or_else(|| arn.as_deref().and_then(type_from_arn).map(str::to_string));
    let Some(ctype) = rtype_cfg else {
        *ctx.unmapped.entry("(no resourceType)".into()).or_default() += 1;
        return;
    };
    let rid = item.get("resourceId").and_then(J::as_str).unwrap_or("");
    let rname = item
        .get("resourceName")
        .and_then(J::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(rid);
    let account = ["awsAccountId", "accountId"]
        .iter()
        .find_map(|k| item.get(*k).and_then(J::as_str))
        .map(str::to_string)
        .or_else(|| {
            arn.as_deref()
                .and_then(parse_arn)
                .map(|a| a.account.to_string())
        })
        .filter(|a| !a.is_empty());
    let aws_region = item
        .get("awsRegion")
        .and_then(J::as_str)
        .filter(|r| !r.is_empty());
    let (region, region_source) = match aws_region {
        Some("global") => (
            None,
            RegionSource::Unknown("a global resource (awsRegion \"global\")".into()),
        ),
        Some(r) => (Some(r.to_string()), RegionSource::ConfigItem),
        None => match arn.as_deref().and_then(arn_region) {
            Some(r) => (Some(r.to_string()), RegionSource::Arn),
            None => (
                None,
                RegionSource::Unknown("the configuration item has no awsRegion".into()),
            ),
        },
    };
    let arn_v = || os(sp, arn.as_deref());
    let tags_v = || tags(sp, item, conf);
    let mut push = |rtype: &str, attrs: Value<'a>, region: Option<String>, rs: RegionSource| {
        let address = arn.clone().unwrap_or_else(|| format!("{ctype}/{rid}"));
        let address = if out.iter().any(|r| r.address == address) {
            format!("{address}#{rtype}")
        } else {
            address
        };
        out.push(Resource {
            file,
            rtype: rtype.to_string(),
            address,
            module: String::new(),
            region,
            region_source: rs,
            account: account.clone(),
            attrs,
            meta: Value::new(Kind::Obj(Vec::new()), sp),
            span: sp,
            construct_path: None,
            origin: crate::model::Origin::AwsConfig,
        });
    };
    match ctype.as_str() {
        "AWS::S3::Bucket" => {
            let name = gs(conf, "name").unwrap_or(rname);
            let versioning = match g(supp, "BucketVersioningConfiguration") {
                Some(v) => block(
                    sp,
                    vec![(
                        "enabled",
                        b(
                            sp,
                            gs(v, "status").is_some_and(|s| s.eq_ignore_ascii_case("Enabled")),
                        ),
                    )],
                ),
                _ => block(sp, vec![("enabled", unrecorded(sp))]),
            };
            let sse = match g(supp, "ServerSideEncryptionConfiguration") {
                Some(c) => {
                    let rules: Vec<Value> = g(c, "rules")
                        .and_then(J::as_array)
                        .into_iter()
                        .flatten()
                        .map(|r| {
                            let d = g(r, "applyServerSideEncryptionByDefault");
                            obj(
                                sp,
                                vec![(
                                    "apply_server_side_encryption_by_default",
                                    block(
                                        sp,
                                        vec![
                                            (
                                                "sse_algorithm",
                                                os(sp, d.and_then(|d| gs(d, "sseAlgorithm"))),
                                            ),
                                            (
                                                "kms_master_key_id",
                                                os(sp, d.and_then(|d| gs(d, "kmsMasterKeyID"))),
                                            ),
                                        ],
                                    ),
                                )],
                            )
                        })
                        .collect();
                    block(sp, vec![("rule", list(sp, rules))])
                }
                None => unrecorded(sp),
            };
            let replication = match g(supp, "BucketReplicationConfiguration") {
                Some(rc) => s3_replication(sp, rc),
                None => list(sp, Vec::new()),
            };
            push(
                "aws_s3_bucket",
                obj(
                    sp,
                    vec![
                        ("bucket", s(sp, name)),
                        ("id", s(sp, name)),
                        ("arn", arn_v()),
                        ("tags", tags_v()),
                        ("versioning", versioning),
                        ("server_side_encryption_configuration", sse),
                        ("replication_configuration", replication),
                        ("force_destroy", unrecorded(sp)),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::DynamoDB::Table" => {
            let name = gs(conf, "tableName").unwrap_or(rname);
            let sse = match g(conf, "sSEDescription") {
                Some(d) => {
                    let on_ = gs(d, "status").is_some_and(|s| s == "ENABLED" || s == "ENABLING");
                    block(
                        sp,
                        vec![
                            ("enabled", b(sp, on_)),
                            ("kms_key_arn", os(sp, gs(d, "kMSMasterKeyArn"))),
                        ],
                    )
                }
                // No SSE description: the table uses the AWS owned key.
                None => block(sp, vec![("enabled", b(sp, false))]),
            };
            let pitr = gp(
                supp,
                &[
                    "ContinuousBackupsDescription",
                    "pointInTimeRecoveryDescription",
                    "pointInTimeRecoveryStatus",
                ],
            )
            .and_then(J::as_str)
            .map(|s| s == "ENABLED");
            if let Some(r) = &region {
                ctx.table_pitr.push((name.to_string(), r.clone(), pitr));
            }
            let replicas: Vec<Value> = g(conf, "replicas")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    let rn = gs(r, "regionName")?;
                    Some(obj(
                        sp,
                        vec![
                            ("region_name", s(sp, rn)),
                            ("kms_key_arn", os(sp, gs(r, "kMSMasterKeyId"))),
                            // Filled in from the replica's own item if the input has it.
                            ("point_in_time_recovery", unrecorded(sp)),
                        ],
                    ))
                })
                .collect();
            push(
                "aws_dynamodb_table",
                obj(
                    sp,
                    vec![
                        ("name", s(sp, name)),
                        ("id", s(sp, name)),
                        ("arn", arn_v()),
                        ("tags", tags_v()),
                        ("server_side_encryption", sse),
                        (
                            "point_in_time_recovery",
                            block(
                                sp,
                                vec![(
                                    "enabled",
                                    pitr.map_or_else(|| unrecorded(sp), |p| b(sp, p)),
                                )],
                            ),
                        ),
                        ("replica", list(sp, replicas)),
                        (
                            "deletion_protection_enabled",
                            ob(sp, gb(conf, "deletionProtectionEnabled")),
                        ),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::KMS::Key" => {
            if gs(conf, "keyManager") == Some("AWS") {
                return; // AWS managed: not a customer-managed key Terraform would declare.
            }
            let rot = match g(supp, "KeyRotationStatus") {
                Some(J::Bool(x)) => b(sp, *x),
                Some(J::String(x)) => b(sp, x.eq_ignore_ascii_case("true")),
                _ => unrecorded(sp),
            };
            push(
                "aws_kms_key",
                obj(
                    sp,
                    vec![
                        ("arn", arn_v()),
                        ("key_id", os(sp, gs(conf, "keyId").or(Some(rid)))),
                        ("id", os(sp, gs(conf, "keyId").or(Some(rid)))),
                        ("tags", tags_v()),
                        ("description", os(sp, gs(conf, "description"))),
                        ("multi_region", ob(sp, gb(conf, "multiRegion"))),
                        ("key_usage", os(sp, gs(conf, "keyUsage"))),
                        (
                            "customer_master_key_spec",
                            os(sp, gs(conf, "customerMasterKeySpec")),
                        ),
                        ("key_spec", os(sp, gs(conf, "keySpec"))),
                        ("is_enabled", ob(sp, gb(conf, "enabled"))),
                        ("enable_key_rotation", rot),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::RDS::DBCluster" => {
            let id = gs(conf, "dbclusterIdentifier")
                .or(gs(conf, "dBClusterIdentifier"))
                .unwrap_or(rname);
            push(
                "aws_rds_cluster",
                obj(
                    sp,
                    vec![
                        ("cluster_identifier", s(sp, id)),
                        ("id", s(sp, id)),
                        ("arn", arn_v()),
                        ("tags", tags_v()),
                        ("engine", os(sp, gs(conf, "engine"))),
                        ("engine_mode", os(sp, gs(conf, "engineMode"))),
                        ("storage_encrypted", ob(sp, gb(conf, "storageEncrypted"))),
                        ("kms_key_id", os(sp, gs(conf, "kmsKeyId"))),
                        (
                            "backup_retention_period",
                            on(sp, gn(conf, "backupRetentionPeriod")),
                        ),
                        (
                            "deletion_protection",
                            ob(sp, gb(conf, "deletionProtection")),
                        ),
                        (
                            "global_cluster_identifier",
                            os(sp, gs(conf, "globalClusterIdentifier")),
                        ),
                        (
                            "replication_source_identifier",
                            os(sp, gs(conf, "replicationSourceIdentifier")),
                        ),
                        ("skip_final_snapshot", unrecorded(sp)),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::RDS::DBInstance" => {
            let id = gs(conf, "dBInstanceIdentifier").unwrap_or(rname);
            push(
                "aws_db_instance",
                obj(
                    sp,
                    vec![
                        ("identifier", s(sp, id)),
                        ("id", s(sp, id)),
                        ("arn", arn_v()),
                        ("tags", tags_v()),
                        ("engine", os(sp, gs(conf, "engine"))),
                        (
                            "cluster_identifier",
                            os(sp, gs(conf, "dbclusterIdentifier")),
                        ),
                        ("storage_encrypted", ob(sp, gb(conf, "storageEncrypted"))),
                        ("kms_key_id", os(sp, gs(conf, "kmsKeyId"))),
                        (
                            "backup_retention_period",
                            on(sp, gn(conf, "backupRetentionPeriod")),
                        ),
                        (
                            "deletion_protection",
                            ob(sp, gb(conf, "deletionProtection")),
                        ),
                        (
                            "replicate_source_db",
                            os(sp, gs(conf, "readReplicaSourceDBInstanceIdentifier")),
                        ),
                        ("skip_final_snapshot", unrecorded(sp)),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::RDS::GlobalCluster" => {
            let id = gs(conf, "globalClusterIdentifier").unwrap_or(rname);
            for m in g(conf, "globalClusterMembers")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(a) = gs(m, "dbclusterArn").or(gs(m, "dBClusterArn")) {
                    ctx.global_members.push((id.to_string(), a.to_string()));
                }
            }
            push(
                "aws_rds_global_cluster",
                obj(
                    sp,
                    vec![
                        ("global_cluster_identifier", s(sp, id)),
                        ("id", s(sp, id)),
                        ("arn", arn_v()),
                        ("engine", os(sp, gs(conf, "engine"))),
                        ("storage_encrypted", ob(sp, gb(conf, "storageEncrypted"))),
                        (
                            "deletion_protection",
                            ob(sp, gb(conf, "deletionProtection")),
                        ),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::EC2::VPC" => {
            let id = gs(conf, "vpcId").unwrap_or(rid);
            push(
                "aws_vpc",
                obj(
                    sp,
                    vec![
                        ("id", s(sp, id)),
                        ("arn", arn_v()),
                        ("cidr_block", os(sp, gs(conf, "cidrBlock"))),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::EC2::Subnet" => {
            let id = gs(conf, "subnetId").unwrap_or(rid);
            push(
                "aws_subnet",
                obj(
                    sp,
                    vec![
                        ("id", s(sp, id)),
                        ("arn", arn_v()),
                        ("cidr_block", os(sp, gs(conf, "cidrBlock"))),
                        ("vpc_id", os(sp, gs(conf, "vpcId"))),
                        ("availability_zone", os(sp, gs(conf, "availabilityZone"))),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::EC2::VPCPeeringConnection" => {
            let id = gs(conf, "vpcPeeringConnectionId").unwrap_or(rid);
            let req = g(conf, "requesterVpcInfo").unwrap_or(&EMPTY);
            let acc = g(conf, "accepterVpcInfo").unwrap_or(&EMPTY);
            let status = gp(conf, &["status", "code"]).and_then(J::as_str);
            let peer_region = gs(acc, "region");
            push(
                "aws_vpc_peering_connection",
                obj(
                    sp,
                    vec![
                        ("id", s(sp, id)),
                        ("arn", arn_v()),
                        ("vpc_id", os(sp, gs(req, "vpcId"))),
                        ("peer_vpc_id", os(sp, gs(acc, "vpcId"))),
                        ("peer_owner_id", os(sp, gs(acc, "ownerId"))),
                        ("peer_region", os(sp, peer_region)),
                        ("accept_status", os(sp, status)),
                        ("tags", tags_v()),
                    ],
                ),
                region.clone(),
                region_source,
            );
            // An active connection has been accepted in the accepter's region: represent that
            // side as Terraform would, so DR503 sees a complete peering.
            if status == Some("active") {
                let acc_region = peer_region.map(str::to_string).or(region);
                push(
                    "aws_vpc_peering_connection_accepter",
                    obj(
                        sp,
                        vec![
                            ("id", s(sp, id)),
                            ("vpc_peering_connection_id", s(sp, id)),
                            ("vpc_id", os(sp, gs(acc, "vpcId"))),
                            ("peer_vpc_id", os(sp, gs(req, "vpcId"))),
                            ("accept_status", os(sp, status)),
                        ],
                    ),
                    acc_region,
                    RegionSource::ConfigItem,
                );
            }
        }
        "AWS::Route53::HostedZone" => {
            let zid = gs(conf, "Id")
                .unwrap_or(rid)
                .trim_start_matches("/hostedzone/");
            let name = gs(conf, "Name").unwrap_or(rname).trim_end_matches('.');
            push(
                "aws_route53_zone",
                obj(
                    sp,
                    vec![
                        ("name", s(sp, name)),
                        ("zone_id", s(sp, zid)),
                        ("id", s(sp, zid)),
                        ("arn", arn_v()),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::Route53::HealthCheck" => {
            let c = g(conf, "HealthCheckConfig").unwrap_or(conf);
            let hid = gs_any(conf, &["Id", "HealthCheckId"]).unwrap_or(rid);
            push(
                "aws_route53_health_check",
                obj(
                    sp,
                    vec![
                        ("id", s(sp, hid)),
                        ("arn", arn_v()),
                        ("type", os(sp, gs(c, "Type"))),
                        ("fqdn", os(sp, gs(c, "FullyQualifiedDomainName"))),
                        ("ip_address", os(sp, gs(c, "IPAddress"))),
                        ("port", on(sp, gn(c, "Port"))),
                        ("resource_path", os(sp, gs(c, "ResourcePath"))),
                        ("request_interval", on(sp, gn(c, "RequestInterval"))),
                        ("failure_threshold", on(sp, gn(c, "FailureThreshold"))),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::Lambda::Function" => {
            let name = gs(conf, "functionName").unwrap_or(rname);
            let env = gp(conf, &["environment", "variables"])
                .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                .map_or_else(absent, |v| block(sp, vec![("variables", from_json(sp, v))]));
            push(
                "aws_lambda_function",
                obj(
                    sp,
                    vec![
                        ("function_name", s(sp, name)),
                        ("id", s(sp, name)),
                        ("arn", arn_v()),
                        ("kms_key_arn", os(sp, gs(conf, "kmsKeyArn"))),
                        ("environment", env),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::SNS::Topic" => {
            let name = gs(conf, "TopicName")
                .or_else(|| arn.as_deref().and_then(|a| a.rsplit(':').next()))
                .unwrap_or(rname);
            push(
                "aws_sns_topic",
                obj(
                    sp,
                    vec![
                        ("name", s(sp, name)),
                        ("arn", arn_v()),
                        ("id", arn_v()),
                        ("kms_master_key_id", os(sp, gs(conf, "KmsMasterKeyId"))),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::SQS::Queue" => {
            let name = gs(conf, "QueueName")
                .or_else(|| arn.as_deref().and_then(|a| a.rsplit(':').next()))
                .unwrap_or(rname);
            push(
                "aws_sqs_queue",
                obj(
                    sp,
                    vec![
                        ("name", s(sp, name)),
                        ("arn", arn_v()),
                        ("id", os(sp, gs(conf, "QueueUrl"))),
                        ("kms_master_key_id", os(sp, gs(conf, "KmsMasterKeyId"))),
                        (
                            "sqs_managed_sse_enabled",
                            ob(sp, gb(conf, "SqsManagedSseEnabled")),
                        ),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::Logs::LogGroup" => {
            let name = gs(conf, "logGroupName").unwrap_or(rname);
            push(
                "aws_cloudwatch_log_group",
                obj(
                    sp,
                    vec![
                        ("name", s(sp, name)),
                        ("id", s(sp, name)),
                        ("arn", arn_v()),
                        ("kms_key_id", os(sp, gs(conf, "kmsKeyId"))),
                        ("retention_in_days", on(sp, gn(conf, "retentionInDays"))),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::Backup::BackupVault" => {
            let name = gs(conf, "backupVaultName").unwrap_or(rname);
            push(
                "aws_backup_vault",
                obj(
                    sp,
                    vec![
                        ("name", s(sp, name)),
                        ("id", s(sp, name)),
                        ("arn", os(sp, arn.as_deref().or(gs(conf, "backupVaultArn")))),
                        ("kms_key_arn", os(sp, gs(conf, "encryptionKeyArn"))),
                        ("force_destroy", unrecorded(sp)),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::Backup::BackupPlan" => {
            let plan = g(conf, "backupPlan").unwrap_or(conf);
            let pid = gs(conf, "backupPlanId").unwrap_or(rid);
            let name = gs(plan, "backupPlanName").unwrap_or(rname);
            let rules: Vec<Value> = g(plan, "rules")
                .or_else(|| g(plan, "backupPlanRule"))
                .and_then(J::as_array)
                .into_iter()
                .flatten()
                .map(|r| {
                    let copies: Vec<Value> = g(r, "copyActions")
                        .and_then(J::as_array)
                        .into_iter()
                        .flatten()
                        .map(|c| {
                            obj(
                                sp,
                                vec![
                                    (
                                        "destination_vault_arn",
                                        os(sp, gs(c, "destinationBackupVaultArn")),
                                    ),
                                    ("lifecycle", lifecycle(sp, g(c, "lifecycle"))),
                                ],
                            )
                        })
                        .collect();
                    obj(
                        sp,
                        vec![
                            ("rule_name", os(sp, gs(r, "ruleName"))),
                            (
                                "target_vault_name",
                                os(
                                    sp,
                                    gs_any(r, &["targetBackupVaultName", "targetBackupVault"]),
                                ),
                            ),
                            ("schedule", os(sp, gs(r, "scheduleExpression"))),
                            ("lifecycle", lifecycle(sp, g(r, "lifecycle"))),
                            ("copy_action", list(sp, copies)),
                        ],
                    )
                })
                .collect();
            push(
                "aws_backup_plan",
                obj(
                    sp,
                    vec![
                        ("id", s(sp, pid)),
                        ("name", s(sp, name)),
                        ("arn", os(sp, arn.as_deref().or(gs(conf, "backupPlanArn")))),
                        ("rule", list(sp, rules)),
                        ("tags", tags_v()),
                    ],
                ),
                region,
                region_source,
            );
        }
        "AWS::Backup::BackupSelection" => {
            let sel = g(conf, "backupSelection").unwrap_or(conf);
            let strs = |k: &str| -> Value<'a> {
                match g(sel, k).and_then(J::as_array) {
                    Some(a) => list(
                        sp,
                        a.iter().filter_map(J::as_str).map(|x| s(sp, x)).collect(),
                    ),
                    None => absent(),
                }
            };
            let tags: Vec<Value> = g(sel, "listOfTags")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
                .map(|t| {
                    obj(
                        sp,
                        vec![
                            ("type", os(sp, gs(t, "conditionType"))),
                            ("key", os(sp, gs(t, "conditionKey"))),
                            ("value", os(sp, gs(t, "conditionValue"))),
                        ],
                    )
                })
                .collect();
            push(
                "aws_backup_selection",
                obj(
                    sp,
                    vec![
                        ("id", os(sp, gs(conf, "selectionId").or(Some(rid)))),
                        ("plan_id", os(sp, gs(conf, "backupPlanId"))),
                        ("name", os(sp, gs(sel, "selectionName"))),
                        ("iam_role_arn", os(sp, gs(sel, "iamRoleArn"))),
                        ("resources", strs("resources")),
                        ("not_resources", strs("notResources")),
                        ("selection_tag", list(sp, tags)),
                    ],
                ),
                region,
                region_source,
            );
        }
        other => {
            *ctx.unmapped.entry(other.to_string()).or_default() += 1;
        }
    }
}

fn lifecycle<'a>(sp: Span, l: Option<&J>) -> Value<'a> {
    match l {
        Some(l) => block(
            sp,
            vec![
                ("delete_after", on(sp, gn(l, "deleteAfterDays"))),
                (
                    "cold_storage_after",
                    on(sp, gn(l, "moveToColdStorageAfterDays")),
                ),
            ],
        ),
        None => list(sp, Vec::new()),
    }
}

/// `BucketReplicationConfiguration` (`rules` is a map keyed by rule id, or a list) → the legacy
/// inline `replication_configuration` block of `aws_s3_bucket`.
fn s3_replication<'a>(sp: Span, rc: &J) -> Value<'a> {
    let mut rules: Vec<(String, &J)> = Vec::new();
    match g(rc, "rules") {
        Some(J::Object(m)) => rules.extend(m.iter().map(|(k, v)| (k.clone(), v))),
        Some(J::Array(a)) => {
            rules.extend(a.iter().map(|r| (gs(r, "id").unwrap_or("").to_string(), r)))
        }
        _ => {}
    }
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|(id, r)| {
            let id = gs(r, "id").map_or(id, str::to_string);
            let d = g(r, "destinationConfig")
                .or_else(|| g(r, "destination"))
                .unwrap_or(&J::Null);
            let kms_objects = gp(
                r,
                &[
                    "sourceSelectionCriteria",
                    "sseKmsEncryptedObjects",
                    "status",
                ],
            )
            .and_then(J::as_str)
            .map(|s| s.eq_ignore_ascii_case("Enabled"));
            let ssc = match kms_objects {
                Some(on_) => block(
                    sp,
                    vec![(
                        "sse_kms_encrypted_objects",
                        block(sp, vec![("enabled", b(sp, on_))]),
                    )],
                ),
                None => list(sp, Vec::new()),
            };
            // A rule with a filter is a V2 rule; a prefix-only rule is V1.
            let filter = match g(r, "filter") {
                Some(f) => s3_filter(sp, f),
                None => list(sp, Vec::new()),
            };
            let dm = gp(r, &["deleteMarkerReplication", "status"]).and_then(J::as_str);
            obj(
                sp,
                vec![
                    ("id", s(sp, &id)),
                    ("status", os(sp, gs(r, "status"))),
                    ("prefix", os(sp, g(r, "prefix").and_then(J::as_str))),
                    ("priority", on(sp, gn(r, "priority"))),
                    ("filter", filter),
                    (
                        "delete_marker_replication_status",
                        // Absent on a V2 rule means Disabled (the S3 default).
                        os(sp, dm),
                    ),
                    (
                        "destination",
                        block(
                            sp,
                            vec![
                                ("bucket", os(sp, gs_any(d, &["bucketARN", "bucket"]))),
                                ("storage_class", os(sp, gs(d, "storageClass"))),
                                ("account_id", os(sp, gs(d, "account"))),
                                (
                                    "replica_kms_key_id",
                                    os(
                                        sp,
                                        gp(d, &["encryptionConfiguration", "replicaKmsKeyID"])
                                            .and_then(J::as_str),
                                    ),
                                ),
                            ],
                        ),
                    ),
                    ("source_selection_criteria", ssc),
                ],
            )
        })
        .collect();
    block(
        sp,
        vec![
            ("role", os(sp, gs_any(rc, &["roleARN", "role"]))),
            ("rules", list(sp, rules)),
        ],
    )
}

/// Config's replication filter (`{"predicate": {"type": "Replication…Predicate", …}}`) → the
/// legacy `filter { prefix, tags }` block.
fn s3_filter<'a>(sp: Span, f: &J) -> Value<'a> {
    let p = g(f, "predicate").unwrap_or(f);
    let mut prefix: Option<String> = None;
    let mut tags: Entries<'a> = Vec::new();
    let mut visit = |x: &J| {
        if let Some(px) = g(x, "prefix").and_then(J::as_str) {
            prefix = Some(px.to_string());
        }
        if let Some(t) = g(x, "tag")
            && let (Some(k), Some(v)) = (gs(t, "key"), gs(t, "value"))
        {
            tags.push((Cow::Owned(k.to_string()), s(sp, v)));
        }
    };
    visit(p);
    for o in g(p, "operands").and_then(J::as_array).into_iter().flatten() {
        visit(o);
    }
    block(
        sp,
        vec![
            ("prefix", os(sp, prefix.as_deref())),
            (
                "tags",
                if tags.is_empty() {
                    absent()
                } else {
                    Value::new(Kind::Obj(tags), sp)
                },
            ),
        ],
    )
}

/// Cross-item links: a DynamoDB replica's PITR from the replica region's own table item, and a
/// cluster's global cluster from the global cluster's member list.
fn link(out: &mut [Resource], ctx: &Ctx) {
    for r in out.iter_mut() {
        match r.rtype.as_str() {
            "aws_dynamodb_table" => {
                let name = r.get("name").str().unwrap_or("").to_string();
                let Some(reps) = r.attrs.get_mut("replica") else {
                    continue;
                };
                if let Kind::Arr(items) = &mut reps.kind {
                    for rep in items {
                        let region = rep.get("region_name").str().unwrap_or("").to_string();
                        let found = ctx
                            .table_pitr
                            .iter()
                            .find(|(n, rg, _)| *n == name && *rg == region)
                            .and_then(|(_, _, p)| *p);
                        if let (Some(p), Some(slot)) =
                            (found, rep.get_mut("point_in_time_recovery"))
                        {
                            slot.kind = Kind::Bool(p);
                        }
                    }
                }
            }
            "aws_rds_cluster" if !r.get("global_cluster_identifier").is_set() => {
                let arn = r.get("arn").str().unwrap_or("").to_string();
                if let Some((gid, _)) = ctx.global_members.iter().find(|(_, a)| *a == arn)
                    && let Kind::Obj(e) = &mut r.attrs.kind
                {
                    let sp = r.span;
                    e.push((Cow::Borrowed("global_cluster_identifier"), s(sp, gid)));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mapped_types_match_the_adapter() {
        let src = include_str!("awsconfig.rs");
        let mut arms: Vec<&str> = src
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix("\" => {"))
            .filter(|t| t.starts_with("AWS::"))
            .collect();
        arms.sort_unstable();
        let mut listed = super::MAPPED_TYPES.to_vec();
        listed.sort_unstable();
        assert_eq!(arms, listed);
    }
}
