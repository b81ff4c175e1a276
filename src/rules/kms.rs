//! Which KMS key protects which data, shared by DR301 (is it a customer-managed key?) and DR302
//! (is it in the right region?).

use super::Ctx;
use super::s3::{S3Index, Sse};
use crate::model::{Picked, ResourceId, Target, arn_region};
use crate::value::{Tri, Value};

/// How one piece of data at rest is encrypted.
pub enum Protection<'v, 'a> {
    /// Encrypted with this key value (a literal ARN / id, or a reference).
    Key(&'v Value<'a>),
    /// Not encrypted with a customer-managed key; the reason.
    NoCmk(String),
    /// Cannot be decided.
    Unknown(String),
}

/// One place where a resource stores data at rest.
pub struct AtRest<'v, 'a> {
    /// Attribute path for messages and fingerprints.
    pub attribute: String,
    /// Value to point at in diagnostics.
    pub at: &'v Value<'a>,
    /// Region where the data lives (a DynamoDB replica's region differs from its table's).
    pub region: Option<&'v str>,
    pub protection: Protection<'v, 'a>,
    /// The resource that holds the setting (an S3 SSE resource for a bucket).
    pub owner: ResourceId,
}

/// Types DR301 inspects.
pub const TYPES: &[&str] = &[
    "aws_s3_bucket",
    "aws_dynamodb_table",
    "aws_rds_cluster",
    "aws_db_instance",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_cloudwatch_log_group",
    "aws_backup_vault",
    "aws_secretsmanager_secret",
    "aws_ssm_parameter",
    "aws_ebs_volume",
    "aws_lambda_function",
];

fn is_aws_managed(s: &str) -> bool {
    s.starts_with("alias/aws/") || s.contains(":alias/aws/")
}

/// A key attribute: set to a CMK, unset (provider default = AWS managed / owned key), or AWS
/// managed by alias.
fn key_attr<'v, 'a>(v: &'v Value<'a>, what: &str) -> Protection<'v, 'a> {
    if let Some(s) = v.nonempty_str()
        && is_aws_managed(s)
    {
        return Protection::NoCmk(format!(
            "{what} is the AWS managed key `{s}`, not a customer-managed key"
        ));
    }
    if v.is_set() {
        Protection::Key(v)
    } else {
        Protection::NoCmk(format!(
            "no {what} is set, so an AWS owned or AWS managed key is used"
        ))
    }
}

/// Every place the resource stores data at rest, with how it is protected.
pub fn at_rest<'v, 'a>(cx: &'v Ctx<'v, 'a>, s3: &S3Index, id: ResourceId) -> Vec<AtRest<'v, 'a>> {
    let m = cx.model;
    let r = m.get(id);
    let region = r.region;
    let mut out = Vec::new();
    let mut add = |attribute: &str, at: &'v Value<'a>, protection: Protection<'v, 'a>| {
        out.push(AtRest {
            attribute: attribute.to_string(),
            at,
            region,
            protection,
            owner: id,
        });
    };
    match r.rtype {
        "aws_s3_bucket" => {
            let (owner, sse) = s3.sse(cx, id);
            let attribute = if owner == id {
                "server_side_encryption_configuration".to_string()
            } else {
                "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id".to_string()
            };
            let protection = match sse {
                Sse::Kms(key) => key_attr(key, "kms_master_key_id"),
                Sse::KmsDefault => Protection::NoCmk("SSE-KMS without kms_master_key_id uses the AWS managed key aws/s3".into()),
                Sse::Other(alg) => Protection::NoCmk(format!("objects are encrypted with {alg} (S3 managed keys), not a customer-managed key")),
                Sse::Unset => Protection::NoCmk("no server-side encryption configuration: S3 encrypts with S3 managed keys (SSE-S3), not a customer-managed key".into()),
                Sse::Unknown(why) => Protection::Unknown(why),
            };
            let at = if owner == id {
                r.get("server_side_encryption_configuration")
            } else {
                m.get(owner).get("rule")
            };
            out.push(AtRest {
                attribute,
                at,
                region,
                protection,
                owner,
            });
        }
        "aws_dynamodb_table" => {
            let sse = r.get("server_side_encryption");
            let protection = match sse.get("enabled").tri(false) {
                Tri::No => Protection::NoCmk(
                    "server_side_encryption is not enabled, so DynamoDB uses an AWS owned key"
                        .into(),
                ),
                Tri::Unknown => Protection::Unknown(format!(
                    "server_side_encryption.enabled is {}",
                    r.origin.unknown_phrase()
                )),
                Tri::Yes => key_attr(sse.get("kms_key_arn"), "server_side_encryption.kms_key_arn"),
            };
            add(
                "server_side_encryption",
                if sse.is_absent() {
                    sse
                } else {
                    sse.get("kms_key_arn")
                },
                protection,
            );
            for (i, rep) in r.get("replica").items().enumerate() {
                let k = rep.get("kms_key_arn");
                let protection = key_attr(k, &format!("replica[{i}].kms_key_arn"));
                out.push(AtRest {
                    attribute: format!("replica[{i}].kms_key_arn"),
                    at: if k.is_absent() { rep } else { k },
                    region: rep.get("region_name").str(),
                    protection,
                    owner: id,
                });
            }
        }
        "aws_rds_cluster" | "aws_db_instance" => {
            let enc = r.get("storage_encrypted");
            // Aurora Serverless v1 and global secondaries inherit encryption; a cluster in a
            // global database with a source is encrypted with its own region's key.
            let protection = match enc.tri(false) {
                Tri::No
                    if r.get("replicate_source_db").is_set()
                        || r.get("global_cluster_identifier").is_set() =>
                {
                    key_attr(r.get("kms_key_id"), "kms_key_id")
                }
                Tri::No => Protection::NoCmk(
                    "storage_encrypted is not true: the database is not encrypted at rest".into(),
                ),
                Tri::Unknown => Protection::Unknown(format!(
                    "storage_encrypted is {}",
                    r.origin.unknown_phrase()
                )),
                Tri::Yes => key_attr(r.get("kms_key_id"), "kms_key_id"),
            };
            let at = if r.get("kms_key_id").is_set() {
                r.get("kms_key_id")
            } else {
                enc
            };
            add("kms_key_id", at, protection);
        }
        "aws_sns_topic" | "aws_sqs_queue" => {
            let k = r.get("kms_master_key_id");
            add("kms_master_key_id", k, key_attr(k, "kms_master_key_id"));
        }
        "aws_cloudwatch_log_group" | "aws_secretsmanager_secret" => {
            let k = r.get("kms_key_id");
            add("kms_key_id", k, key_attr(k, "kms_key_id"));
        }
        "aws_backup_vault" => {
            let k = r.get("kms_key_arn");
            add("kms_key_arn", k, key_attr(k, "kms_key_arn"));
        }
        "aws_ssm_parameter" if r.get("type").str() == Some("SecureString") => {
            let k = r.get("key_id");
            add("key_id", k, key_attr(k, "key_id"));
        }
        "aws_ebs_volume" => {
            let enc = r.get("encrypted");
            let protection = match enc.tri(false) {
                Tri::No => Protection::NoCmk("encrypted is not true".into()),
                Tri::Unknown => {
                    Protection::Unknown(format!("encrypted is {}", r.origin.unknown_phrase()))
                }
                Tri::Yes => key_attr(r.get("kms_key_id"), "kms_key_id"),
            };
            add("kms_key_id", r.get("kms_key_id"), protection);
        }
        "aws_lambda_function" => {
            let vars = r.get("environment").get("variables");
            let has_vars = !vars.entries().is_empty() || vars.is_unknown();
            if has_vars {
                let k = r.get("kms_key_arn");
                add(
                    "kms_key_arn",
                    k,
                    key_attr(k, "kms_key_arn (for the environment variables)"),
                );
            }
        }
        _ => {}
    }
    out
}

/// Where a key lives.
pub enum KeyRegion {
    Region(String, Option<ResourceId>),
    /// A key id or alias name without region: KMS resolves it in the caller's region.
    CallerRegion,
    Unknown(String),
}

/// Resolves the region of the key `v` set on resource `from`.
pub fn key_region<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> KeyRegion {
    let m = cx.model;
    match m.target(from, v) {
        Target::Literal(s) => match arn_region(s) {
            Some(r) => KeyRegion::Region(r.to_string(), None),
            None => KeyRegion::CallerRegion,
        },
        Target::Resources(ids) => {
            let is_key = |r: &crate::model::Resource| {
                matches!(
                    r.rtype,
                    "aws_kms_key" | "aws_kms_replica_key" | "aws_kms_alias"
                )
            };
            let key = match m.pick(from, &ids, is_key) {
                Picked::One(key) => key,
                Picked::None => ids[0],
                // The instances of one key block share its provider, so one region, unless
                // the keys are of different blocks in different regions.
                Picked::Several(keys) => {
                    let first = m.get(keys[0]).region;
                    if let Some(other) = keys.iter().find(|&&k| m.get(k).region != first) {
                        let at = |k: ResourceId| {
                            let r = m.get(k);
                            format!(
                                "{} in {}",
                                r.address,
                                r.region.unwrap_or("an unknown region")
                            )
                        };
                        return KeyRegion::Unknown(format!(
                            "the key is one of {} keys in different regions ({} and {} among them), and the input does not say which",
                            keys.len(),
                            at(keys[0]),
                            at(*other)
                        ));
                    }
                    keys[0]
                }
            };
            match &m.get(key).region {
                Some(r) => KeyRegion::Region(r.to_string(), Some(key)),
                None => {
                    KeyRegion::Unknown(format!("the region of {} is unknown", m.get(key).address))
                }
            }
        }
        Target::Unresolved(what) => KeyRegion::Unknown(format!(
            "the key comes from {what}, which cannot be followed"
        )),
        Target::Unset => KeyRegion::CallerRegion,
    }
}

/// Is there a replica of multi-region key `key` (or of the key an alias points at) in `region`?
pub fn has_replica_in(cx: &Ctx, key: ResourceId, region: &str) -> bool {
    let m = cx.model;
    let key = match m.get(key).rtype {
        "aws_kms_alias" => match m.target(key, m.get(key).get("target_key_id")) {
            Target::Resources(ids) => {
                let is_key = |r: &crate::model::Resource| {
                    matches!(r.rtype, "aws_kms_key" | "aws_kms_replica_key")
                };
                match m.pick(key, &ids, is_key) {
                    Picked::One(k) => k,
                    // One of several keys, and the input does not say which: a replica is
                    // there only if each of them has one.
                    Picked::Several(keys) => {
                        return keys.iter().all(|&k| has_replica_in(cx, k, region));
                    }
                    Picked::None => key,
                }
            }
            _ => key,
        },
        _ => key,
    };
    if m.get(key).rtype == "aws_kms_key" && m.get(key).get("multi_region").bool() != Some(true) {
        return false;
    }
    m.of_type("aws_kms_replica_key").iter().any(|&rep| {
        let r = m.get(rep);
        r.region == Some(region) && m.points_to(rep, r.get("primary_key_arn"), key, &["arn"])
    })
}
