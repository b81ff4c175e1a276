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
//!
//! The translation is the table `MAPPINGS`: per Config type, the Terraform type and, per model
//! attribute, where its value is in the item and how it is converted. Each model value carries the
//! span of the Config field it came from, so a finding points at that field. Work is linear in
//! the number of items: each item is read once, and addresses and cross-item links are hash
//! lookups.

use super::Parts;
use crate::input::{InputError, PLACEBO_HINT, PLACEBO_MESSAGE};
use crate::json::Raw;
use crate::model::{Origin, RegionSource, Resource, Warning, arn_region, parse_arn};
use crate::value::{self, Kind, Span, Unknown, Value, append};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Statuses of items that describe a resource that no longer exists or is not recorded.
const SKIPPED_STATUS: &[&str] = &[
    "ResourceDeleted",
    "ResourceDeletedNotRecorded",
    "ResourceNotRecorded",
];

// ----- the mapping table -----------------------------------------------------------------------

/// Where a model attribute's value is in a configuration item.
#[derive(Clone, Copy, Debug)]
enum Src {
    /// A path in `configuration` (keys matched case-insensitively).
    Conf(&'static [&'static str]),
    /// A path in `supplementaryConfiguration`.
    Supp(&'static [&'static str]),
    /// The item's ARN: `ARN` / `arn`, else the ARN inside `configuration`.
    Arn,
    /// The part of the ARN after its last `:` (SNS topic and SQS queue names).
    ArnTail,
    /// `resourceName`, else `resourceId`; always found (an empty string if neither is there).
    Name,
    /// `resourceId`; always found (an empty string if it is not there).
    Id,
}

/// Builds a model value from the item and the first Config value found for the attribute.
type Build = for<'v, 'a> fn(&Item<'v, 'a>, Option<&'v Value<'a>>) -> Value<'a>;

/// How the Config value becomes the model value.
#[derive(Clone, Copy)]
enum Conv {
    /// A string. A Config field that is empty or not a string is skipped for the next source.
    Str,
    /// A string, then rewritten (`Z123` from `/hostedzone/Z123`).
    StrWith(fn(&str) -> &str),
    /// A boolean (`true`, or the strings `"true"` / `"false"` in any case).
    Bool,
    /// A number (also from a numeric string).
    Num,
    /// A list of strings.
    Strings,
    /// Not recorded by AWS Config: unknown, so a rule that needs it is undecided.
    Unrecorded,
    /// Built by a named function (blocks, tags, replication rules).
    With(Build),
}

/// A resource's region, and where it came from (or why it is unknown).
type Region = (Option<String>, RegionSource);

/// (model attribute, where to look, first found wins; conversion).
type Attr = (&'static str, &'static [Src], Conv);

/// How one AWS Config resource type becomes a Terraform resource.
struct Mapping {
    config_type: &'static str,
    resource_type: &'static str,
    attrs: &'static [Attr],
    /// False for items that stand for no Terraform resource (AWS managed KMS keys).
    keep: fn(&Item) -> bool,
    /// The resource's region when it is not the item's (the accepter side of a peering).
    region: Option<fn(&Item) -> Region>,
    /// A second resource the same item stands for.
    also: Option<&'static Mapping>,
    /// Facts that other items' resources need, gathered for [`link`].
    note: Option<fn(&Item, &mut Links)>,
}

/// A mapping with the defaults: every item kept, in its own region, one resource, no links.
const fn map(
    config_type: &'static str,
    resource_type: &'static str,
    attrs: &'static [Attr],
) -> Mapping {
    Mapping {
        config_type,
        resource_type,
        attrs,
        keep: always,
        region: None,
        also: None,
        note: None,
    }
}

use Conv::{Bool, Num, Str, StrWith, Strings, Unrecorded, With};
use Src::{Arn, ArnTail, Conf, Id, Name, Supp};

/// The mapping, in the order `drlint live` asks AWS Config for the types.
#[rustfmt::skip]
const MAPPINGS: &[Mapping] = &[
    map("AWS::S3::Bucket", "aws_s3_bucket", &[
        ("bucket", &[Conf(&["name"]), Name], Str),
        ("id", &[Conf(&["name"]), Name], Str),
        ("arn", &[Arn], Str),
        ("tags", &[], With(tags)),
        ("versioning", &[Supp(&["BucketVersioningConfiguration"])], With(s3_versioning)),
        ("server_side_encryption_configuration", &[Supp(&["ServerSideEncryptionConfiguration"])], With(s3_encryption)),
        ("replication_configuration", &[Supp(&["BucketReplicationConfiguration"])], With(s3_replication)),
        ("force_destroy", &[], Unrecorded),
    ]),
    map("AWS::DynamoDB::Table", "aws_dynamodb_table", &[
        ("name", &[Conf(&["tableName"]), Name], Str),
        ("id", &[Conf(&["tableName"]), Name], Str),
        ("arn", &[Arn], Str),
        ("tags", &[], With(tags)),
        ("server_side_encryption", &[Conf(&["sSEDescription"])], With(dynamodb_encryption)),
        ("point_in_time_recovery", &[Supp(&["ContinuousBackupsDescription", "pointInTimeRecoveryDescription", "pointInTimeRecoveryStatus"])], With(dynamodb_pitr)),
        // Each replica's PITR is filled in by `link` from the replica region's own table item.
        ("replica", &[Conf(&["replicas"])], With(dynamodb_replicas)),
        ("deletion_protection_enabled", &[Conf(&["deletionProtectionEnabled"])], Bool),
    ]),
    Mapping { keep: customer_managed_key, ..map("AWS::KMS::Key", "aws_kms_key", &[
        ("arn", &[Arn], Str),
        ("key_id", &[Conf(&["keyId"]), Id], Str),
        ("id", &[Conf(&["keyId"]), Id], Str),
        ("tags", &[], With(tags)),
        ("description", &[Conf(&["description"])], Str),
        ("multi_region", &[Conf(&["multiRegion"])], Bool),
        ("key_usage", &[Conf(&["keyUsage"])], Str),
        ("customer_master_key_spec", &[Conf(&["customerMasterKeySpec"])], Str),
        ("key_spec", &[Conf(&["keySpec"])], Str),
        ("is_enabled", &[Conf(&["enabled"])], Bool),
        ("enable_key_rotation", &[Supp(&["KeyRotationStatus"])], With(kms_rotation)),
    ]) },
    map("AWS::RDS::DBCluster", "aws_rds_cluster", &[
        ("cluster_identifier", &[Conf(&["dbclusterIdentifier"]), Conf(&["dBClusterIdentifier"]), Name], Str),
        ("id", &[Conf(&["dbclusterIdentifier"]), Conf(&["dBClusterIdentifier"]), Name], Str),
        ("arn", &[Arn], Str),
        ("tags", &[], With(tags)),
        ("engine", &[Conf(&["engine"])], Str),
        ("engine_mode", &[Conf(&["engineMode"])], Str),
        ("storage_encrypted", &[Conf(&["storageEncrypted"])], Bool),
        ("kms_key_id", &[Conf(&["kmsKeyId"])], Str),
        ("backup_retention_period", &[Conf(&["backupRetentionPeriod"])], Num),
        ("deletion_protection", &[Conf(&["deletionProtection"])], Bool),
        // When not set here, `link` takes it from the GlobalCluster item's member list.
        ("global_cluster_identifier", &[Conf(&["globalClusterIdentifier"])], Str),
        ("replication_source_identifier", &[Conf(&["replicationSourceIdentifier"])], Str),
        ("skip_final_snapshot", &[], Unrecorded),
    ]),
    map("AWS::RDS::DBInstance", "aws_db_instance", &[
        ("identifier", &[Conf(&["dBInstanceIdentifier"]), Name], Str),
        ("id", &[Conf(&["dBInstanceIdentifier"]), Name], Str),
        ("arn", &[Arn], Str),
        ("tags", &[], With(tags)),
        ("engine", &[Conf(&["engine"])], Str),
        ("cluster_identifier", &[Conf(&["dbclusterIdentifier"])], Str),
        ("storage_encrypted", &[Conf(&["storageEncrypted"])], Bool),
        ("kms_key_id", &[Conf(&["kmsKeyId"])], Str),
        ("backup_retention_period", &[Conf(&["backupRetentionPeriod"])], Num),
        ("deletion_protection", &[Conf(&["deletionProtection"])], Bool),
        ("replicate_source_db", &[Conf(&["readReplicaSourceDBInstanceIdentifier"])], Str),
        ("skip_final_snapshot", &[], Unrecorded),
    ]),
    Mapping { note: Some(note_global_cluster_members), ..map("AWS::RDS::GlobalCluster", "aws_rds_global_cluster", &[
        ("global_cluster_identifier", &[Conf(&["globalClusterIdentifier"]), Name], Str),
        ("id", &[Conf(&["globalClusterIdentifier"]), Name], Str),
        ("arn", &[Arn], Str),
        ("engine", &[Conf(&["engine"])], Str),
        ("storage_encrypted", &[Conf(&["storageEncrypted"])], Bool),
        ("deletion_protection", &[Conf(&["deletionProtection"])], Bool),
    ]) },
    map("AWS::EC2::VPC", "aws_vpc", &[
        ("id", &[Conf(&["vpcId"]), Id], Str),
        ("arn", &[Arn], Str),
        ("cidr_block", &[Conf(&["cidrBlock"])], Str),
        // The account's default VPC (172.31.0.0/16 in every region): DR501 leaves it out unless
        // it is peered. `default` is the attribute's name on Terraform's aws_vpc data source.
        ("default", &[Conf(&["isDefault"])], Bool),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::EC2::Subnet", "aws_subnet", &[
        ("id", &[Conf(&["subnetId"]), Id], Str),
        ("arn", &[Arn], Str),
        ("cidr_block", &[Conf(&["cidrBlock"])], Str),
        ("vpc_id", &[Conf(&["vpcId"])], Str),
        ("availability_zone", &[Conf(&["availabilityZone"])], Str),
        ("tags", &[], With(tags)),
    ]),
    Mapping { also: Some(&PEERING_ACCEPTER), ..map("AWS::EC2::VPCPeeringConnection", "aws_vpc_peering_connection", &[
        ("id", &[Conf(&["vpcPeeringConnectionId"]), Id], Str),
        ("arn", &[Arn], Str),
        ("vpc_id", &[Conf(&["requesterVpcInfo", "vpcId"])], Str),
        ("peer_vpc_id", &[Conf(&["accepterVpcInfo", "vpcId"])], Str),
        ("peer_owner_id", &[Conf(&["accepterVpcInfo", "ownerId"])], Str),
        ("peer_region", &[Conf(&["accepterVpcInfo", "region"])], Str),
        ("accept_status", &[Conf(&["status", "code"])], Str),
        ("tags", &[], With(tags)),
    ]) },
    map("AWS::Route53::HostedZone", "aws_route53_zone", &[
        ("name", &[Conf(&["Name"]), Name], StrWith(without_final_dot)),
        ("zone_id", &[Conf(&["Id"]), Id], StrWith(without_hostedzone_prefix)),
        ("id", &[Conf(&["Id"]), Id], StrWith(without_hostedzone_prefix)),
        ("arn", &[Arn], Str),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::Route53::HealthCheck", "aws_route53_health_check", &[
        ("id", &[Conf(&["Id"]), Conf(&["HealthCheckId"]), Id], Str),
        ("arn", &[Arn], Str),
        ("type", &[Conf(&["HealthCheckConfig", "Type"]), Conf(&["Type"])], Str),
        ("fqdn", &[Conf(&["HealthCheckConfig", "FullyQualifiedDomainName"]), Conf(&["FullyQualifiedDomainName"])], Str),
        ("ip_address", &[Conf(&["HealthCheckConfig", "IPAddress"]), Conf(&["IPAddress"])], Str),
        ("port", &[Conf(&["HealthCheckConfig", "Port"]), Conf(&["Port"])], Num),
        ("resource_path", &[Conf(&["HealthCheckConfig", "ResourcePath"]), Conf(&["ResourcePath"])], Str),
        ("request_interval", &[Conf(&["HealthCheckConfig", "RequestInterval"]), Conf(&["RequestInterval"])], Num),
        ("failure_threshold", &[Conf(&["HealthCheckConfig", "FailureThreshold"]), Conf(&["FailureThreshold"])], Num),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::Lambda::Function", "aws_lambda_function", &[
        ("function_name", &[Conf(&["functionName"]), Name], Str),
        ("id", &[Conf(&["functionName"]), Name], Str),
        ("arn", &[Arn], Str),
        ("kms_key_arn", &[Conf(&["kmsKeyArn"])], Str),
        ("environment", &[Conf(&["environment", "variables"])], With(lambda_environment)),
        // Compared across regions by DR805.
        ("runtime", &[Conf(&["runtime"])], Str),
        ("handler", &[Conf(&["handler"])], Str),
        ("memory_size", &[Conf(&["memorySize"])], Num),
        ("timeout", &[Conf(&["timeout"])], Num),
        ("architectures", &[Conf(&["architectures"])], Strings),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::SNS::Topic", "aws_sns_topic", &[
        ("name", &[Conf(&["TopicName"]), ArnTail, Name], Str),
        ("arn", &[Arn], Str),
        ("id", &[Arn], Str),
        ("kms_master_key_id", &[Conf(&["KmsMasterKeyId"])], Str),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::SQS::Queue", "aws_sqs_queue", &[
        ("name", &[Conf(&["QueueName"]), ArnTail, Name], Str),
        ("arn", &[Arn], Str),
        ("id", &[Conf(&["QueueUrl"])], Str),
        ("kms_master_key_id", &[Conf(&["KmsMasterKeyId"])], Str),
        ("sqs_managed_sse_enabled", &[Conf(&["SqsManagedSseEnabled"])], Bool),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::Logs::LogGroup", "aws_cloudwatch_log_group", &[
        ("name", &[Conf(&["logGroupName"]), Name], Str),
        ("id", &[Conf(&["logGroupName"]), Name], Str),
        ("arn", &[Arn], Str),
        ("kms_key_id", &[Conf(&["kmsKeyId"])], Str),
        ("retention_in_days", &[Conf(&["retentionInDays"])], Num),
        ("tags", &[], With(tags)),
    ]),
    map("AWS::Backup::BackupVault", "aws_backup_vault", &[
        ("name", &[Conf(&["backupVaultName"]), Name], Str),
        ("id", &[Conf(&["backupVaultName"]), Name], Str),
        ("arn", &[Arn, Conf(&["backupVaultArn"])], Str),
        ("kms_key_arn", &[Conf(&["encryptionKeyArn"])], Str),
        ("force_destroy", &[], Unrecorded),
        ("tags", &[], With(tags)),
    ]),
    // The plan is under `backupPlan` (the GetBackupPlan shape) or at the top of `configuration`.
    map("AWS::Backup::BackupPlan", "aws_backup_plan", &[
        ("id", &[Conf(&["backupPlanId"]), Id], Str),
        ("name", &[Conf(&["backupPlan", "backupPlanName"]), Conf(&["backupPlanName"]), Name], Str),
        ("arn", &[Arn, Conf(&["backupPlanArn"])], Str),
        ("rule", &[Conf(&["backupPlan", "rules"]), Conf(&["backupPlan", "backupPlanRule"]), Conf(&["rules"]), Conf(&["backupPlanRule"])], With(backup_rules)),
        ("tags", &[], With(tags)),
    ]),
    // The selection is under `backupSelection` or at the top of `configuration`.
    map("AWS::Backup::BackupSelection", "aws_backup_selection", &[
        ("id", &[Conf(&["selectionId"]), Id], Str),
        ("plan_id", &[Conf(&["backupPlanId"])], Str),
        ("name", &[Conf(&["backupSelection", "selectionName"]), Conf(&["selectionName"])], Str),
        ("iam_role_arn", &[Conf(&["backupSelection", "iamRoleArn"]), Conf(&["iamRoleArn"])], Str),
        ("resources", &[Conf(&["backupSelection", "resources"]), Conf(&["resources"])], Strings),
        ("not_resources", &[Conf(&["backupSelection", "notResources"]), Conf(&["notResources"])], Strings),
        ("selection_tag", &[Conf(&["backupSelection", "listOfTags"]), Conf(&["listOfTags"])], With(backup_selection_tags)),
    ]),
];

/// An `active` peering connection has been accepted in the accepter's region: that side is
/// represented as Terraform would, so DR503 sees a complete peering.
#[rustfmt::skip]
const PEERING_ACCEPTER: Mapping = Mapping {
    keep: peering_is_active,
    region: Some(accepter_region),
    ..map("AWS::EC2::VPCPeeringConnection", "aws_vpc_peering_connection_accepter", &[
        ("id", &[Conf(&["vpcPeeringConnectionId"]), Id], Str),
        ("vpc_peering_connection_id", &[Conf(&["vpcPeeringConnectionId"]), Id], Str),
        ("vpc_id", &[Conf(&["accepterVpcInfo", "vpcId"])], Str),
        ("peer_vpc_id", &[Conf(&["requesterVpcInfo", "vpcId"])], Str),
        ("accept_status", &[Conf(&["status", "code"])], Str),
    ])
};

/// The AWS Config resource types this adapter maps (what `drlint live` asks AWS Config for).
pub const MAPPED_TYPES: &[&str] = &{
    let mut types = [""; MAPPINGS.len()];
    let mut i = 0;
    while i < MAPPINGS.len() {
        types[i] = MAPPINGS[i].config_type;
        i += 1;
    }
    types
};

fn mapping_for(config_type: &str) -> Option<&'static Mapping> {
    MAPPINGS.iter().find(|m| m.config_type == config_type)
}

fn always(_: &Item) -> bool {
    true
}

/// AWS managed keys (`keyManager` = `AWS`) are not keys Terraform would declare.
fn customer_managed_key(it: &Item) -> bool {
    it.text(Conf(&["keyManager"])) != Some("AWS")
}

fn peering_is_active(it: &Item) -> bool {
    it.text(Conf(&["status", "code"])) == Some("active")
}

/// The accepter VPC's region, else the item's.
fn accepter_region(it: &Item) -> Region {
    let region = it
        .text(Conf(&["accepterVpcInfo", "region"]))
        .map(str::to_string)
        .or_else(|| it.region.0.clone());
    (region, RegionSource::ConfigItem)
}

fn without_final_dot(name: &str) -> &str {
    name.trim_end_matches('.')
}

fn without_hostedzone_prefix(id: &str) -> &str {
    id.trim_start_matches("/hostedzone/")
}

// ----- reading ---------------------------------------------------------------------------------

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
    let mut reader = Reader {
        file,
        out: Vec::new(),
        addresses: HashSet::new(),
        links: Links::default(),
        unmapped: BTreeMap::new(),
        not_items: 0,
    };
    if root.is_array() {
        for it in root.items() {
            reader.item(it, false);
        }
    } else {
        let mut listed = false;
        for key in ["configurationItems", "baseConfigurationItems"] {
            if let Some(list) = root.get(key) {
                listed = true;
                for it in list.items() {
                    reader.item(it, false);
                }
            }
        }
        if let Some(results) = root.get("Results") {
            listed = true;
            for it in results.items() {
                reader.item(it, true);
            }
        }
        if !listed {
            reader.item(root, false);
        }
    }
    let Reader {
        mut out,
        links,
        unmapped,
        not_items,
        ..
    } = reader;
    link(&mut out, &links);
    if not_items > 0 {
        parts.warnings.push(Warning {
            file: Some(file),
            span: None,
            message: format!(
                "{not_items} entries are not configuration items (not JSON objects) and were skipped"
            ),
        });
    }
    if !unmapped.is_empty() {
        let list: Vec<String> = unmapped.iter().map(|(t, n)| format!("{t} ×{n}")).collect();
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
    push_coverage_gaps(parts);
    parts.resources.extend(out);
    Ok(())
}

/// Rules that need a type AWS Config never records are undecided in this mode, never a silent
/// pass (each rule declares the types it needs; the runner derives the undecided outcome).
fn push_coverage_gaps(parts: &mut Parts<'_>) {
    let gap = (
        "aws_route53_record".to_string(),
        "AWS Config does not record Route 53 record sets, so this rule cannot be decided from AWS Config input (route53:ListResourceRecordSets would close the gap; see docs/live-coverage.md)".to_string(),
    );
    if !parts.unrecorded_types.contains(&gap) {
        parts.unrecorded_types.push(gap);
    }
}

/// `{"status_code": …, "data": {…}}` as written by cloud-custodian's placebo recorder. `input.rs`
/// rejects such files before they get here; this guards direct callers.
fn is_placebo(root: &Raw) -> bool {
    root.is_object() && root.get("status_code").is_some() && root.get("data").is_some()
}

/// The state of reading one file.
struct Reader<'a> {
    file: usize,
    out: Vec<Resource<'a>>,
    /// Addresses given so far in this file, so an item that yields a second resource (or a
    /// repeated item) gets a distinct address without a scan of `out`.
    addresses: HashSet<String>,
    links: Links,
    /// Config type → number of items skipped because the type has no mapping.
    unmapped: BTreeMap<String, usize>,
    not_items: usize,
}

impl<'a> Reader<'a> {
    /// Reads one entry of the item list. `select` results are JSON strings holding an item.
    fn item(&mut self, raw: Raw<'a, '_>, select: bool) {
        let decoded = if select {
            raw.as_str()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        } else {
            None
        };
        let mut node = match decoded {
            // The whole item was a string in the file: its span is the best any value gets.
            Some(j) if j.is_object() => from_json(raw.span(), &j),
            Some(_) => {
                self.not_items += 1;
                return;
            }
            None if raw.is_object() => raw.to_value(&mut Vec::new()),
            None => {
                self.not_items += 1;
                return;
            }
        };
        decode_json_strings(&mut node);
        if member(&node, "configurationItemStatus")
            .and_then(Value::str)
            .is_some_and(|st| SKIPPED_STATUS.contains(&st))
        {
            return;
        }
        let Some(it) = Item::new(&node) else {
            *self.unmapped.entry("(no resourceType)".into()).or_default() += 1;
            return;
        };
        let Some(m) = mapping_for(it.config_type) else {
            *self.unmapped.entry(it.config_type.to_string()).or_default() += 1;
            return;
        };
        if !(m.keep)(&it) {
            return;
        }
        if let Some(note) = m.note {
            note(&it, &mut self.links);
        }
        self.push(&it, m);
        if let Some(also) = m.also.filter(|a| (a.keep)(&it)) {
            self.push(&it, also);
        }
    }

    fn push(&mut self, it: &Item<'_, 'a>, m: &Mapping) {
        let base = it.arn_text().map_or_else(
            || format!("{}/{}", it.config_type, it.id().0),
            str::to_string,
        );
        let address = if self.addresses.contains(&base) {
            format!("{base}#{}", m.resource_type)
        } else {
            base
        };
        self.addresses.insert(address.clone());
        let (region, region_source) = match m.region {
            Some(f) => f(it),
            None => it.region.clone(),
        };
        let entries = m
            .attrs
            .iter()
            .map(|(name, from, conv)| (value::Str::borrowed(*name), it.attribute(from, *conv)))
            .filter(|(_, v)| !v.is_absent())
            .collect();
        self.out.push(Resource {
            file: self.file,
            rtype: crate::model::intern(m.resource_type),
            address,
            module: String::new(),
            region: region.as_deref().map(crate::model::intern),
            region_source,
            account: it.account.clone(),
            attrs: Value::new(Kind::Obj(entries), it.span()),
            meta: None,
            span: it.span(),
            construct_path: None,
            program_source: None,
            origin: Origin::AwsConfig,
        });
    }
}

/// One configuration item, with what every mapping needs found once.
struct Item<'v, 'a> {
    node: &'v Value<'a>,
    conf: &'v Value<'a>,
    supp: &'v Value<'a>,
    config_type: &'v str,
    arn: Option<&'v Value<'a>>,
    account: Option<String>,
    region: Region,
}

impl<'v, 'a> Item<'v, 'a> {
    /// None when the item has no `resourceType` and its ARN does not tell it.
    fn new(node: &'v Value<'a>) -> Option<Item<'v, 'a>> {
        let conf = member(node, "configuration").unwrap_or(Value::absent());
        let supp = member(node, "supplementaryConfiguration").unwrap_or(Value::absent());
        // `ARN` wins over `arn` when both are there, even if it is not a usable string.
        let arn = member(node, "ARN")
            .or_else(|| member(node, "arn"))
            .filter(|a| a.nonempty_str().is_some())
            .or_else(|| {
                [
                    "arn",
                    "tableArn",
                    "dbclusterArn",
                    "dBInstanceArn",
                    "functionArn",
                ]
                .iter()
                .find_map(|k| field(conf, k).filter(|a| a.nonempty_str().is_some()))
            });
        let arn_str = arn.and_then(Value::str);
        let config_type = member(node, "resourceType")
            .and_then(Value::str)
            .or_else(|| arn_str.and_then(type_from_arn))?;
        let account = ["awsAccountId", "accountId"]
            .iter()
            .find_map(|k| member(node, k).and_then(Value::str))
            .map(str::to_string)
            .or_else(|| arn_str.and_then(parse_arn).map(|a| a.account.to_string()))
            .filter(|a| !a.is_empty());
        let aws_region = member(node, "awsRegion")
            .and_then(Value::str)
            .filter(|r| !r.is_empty());
        let region = match aws_region {
            Some("global") => (
                None,
                RegionSource::Unknown("a global resource (awsRegion \"global\")".into()),
            ),
            Some(r) => (Some(r.to_string()), RegionSource::ConfigItem),
            None => match arn_str.and_then(arn_region) {
                Some(r) => (Some(r.to_string()), RegionSource::Arn),
                None => (
                    None,
                    RegionSource::Unknown("the configuration item has no awsRegion".into()),
                ),
            },
        };
        Some(Item {
            node,
            conf,
            supp,
            config_type,
            arn,
            account,
            region,
        })
    }

    /// The span of the whole item: the resource's span.
    fn span(&self) -> Span {
        self.node.span()
    }

    fn arn_text(&self) -> Option<&'v str> {
        self.arn.and_then(Value::str)
    }

    /// `resourceId` (empty if missing) and where it is.
    fn id(&self) -> (&'v str, Span) {
        match member(self.node, "resourceId") {
            Some(v) => (v.str().unwrap_or(""), v.span()),
            None => ("", self.span()),
        }
    }

    /// `resourceName` if not empty, else `resourceId`.
    fn name(&self) -> (&'v str, Span) {
        match member(self.node, "resourceName").filter(|v| v.nonempty_str().is_some()) {
            Some(v) => (v.str().unwrap_or(""), v.span()),
            None => self.id(),
        }
    }

    fn find(&self, src: Src) -> Option<Found<'v, 'a>> {
        match src {
            Conf(path) => path_in(self.conf, path).map(Found::Node),
            Supp(path) => path_in(self.supp, path).map(Found::Node),
            Arn => self.arn.map(Found::Node),
            ArnTail => {
                let arn = self.arn?;
                let tail = arn.str()?.rsplit(':').next()?;
                Some(Found::Part(tail, arn.span()))
            }
            Name => Some(Found::from(self.name())),
            Id => Some(Found::from(self.id())),
        }
    }

    /// A string attribute's text, for conditions (`keyManager`, the peering status).
    fn text(&self, src: Src) -> Option<&'v str> {
        self.find(src).and_then(|f| f.text())
    }

    /// The model value of an attribute: the first source that yields a value, converted.
    fn attribute(&self, from: &[Src], conv: Conv) -> Value<'a> {
        let mut found = from.iter().filter_map(|s| self.find(*s));
        let value = match conv {
            // A field's value is taken as it is (borrowing the file's text when it can).
            Str => found.find_map(|f| match f {
                Found::Node(v) => v.nonempty_str().map(|_| v.clone()),
                Found::Part(t, sp) => Some(string(sp, t)),
            }),
            StrWith(rewrite) => found.find_map(|f| Some(string(f.span(), rewrite(f.text()?)))),
            Bool => found.find_map(|f| {
                let v = f.node()?;
                Some(Value::new(Kind::Bool(v.bool()?), v.span()))
            }),
            Num => found.find_map(|f| {
                let v = f.node()?;
                Some(Value::new(
                    Kind::Num(value::Str::owned(number_text(v)?)),
                    v.span(),
                ))
            }),
            Strings => found.find_map(|f| string_list(f.node()?)),
            Unrecorded => Some(unrecorded(self.span())),
            With(build) => Some(build(self, found.next().and_then(|f| f.node()))),
        };
        value.unwrap_or_else(absent)
    }
}

/// A Config value found for an attribute.
#[derive(Clone, Copy)]
enum Found<'v, 'a> {
    /// A JSON value of the item; its span is its bytes in the file.
    Node(&'v Value<'a>),
    /// Text taken from a field (the end of an ARN), or `""` for a missing `resourceId`.
    Part(&'v str, Span),
}

impl<'v, 'a> From<(&'v str, Span)> for Found<'v, 'a> {
    fn from((text, span): (&'v str, Span)) -> Self {
        Found::Part(text, span)
    }
}

impl<'v, 'a> Found<'v, 'a> {
    fn span(&self) -> Span {
        match self {
            Found::Node(v) => v.span(),
            Found::Part(_, sp) => *sp,
        }
    }
    /// A field's text if it is a non-empty string; a part's text as it is.
    fn text(&self) -> Option<&'v str> {
        match self {
            Found::Node(v) => v.nonempty_str(),
            Found::Part(t, _) => Some(t),
        }
    }
    fn node(&self) -> Option<&'v Value<'a>> {
        match self {
            Found::Node(v) => Some(v),
            Found::Part(..) => None,
        }
    }
}

// ----- JSON lookups ----------------------------------------------------------------------------

/// A member of an object, by exact key (item level: `ARN`, `resourceType`, …).
fn member<'v, 'a>(v: &'v Value<'a>, key: &str) -> Option<&'v Value<'a>> {
    match v.kind() {
        Kind::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// A member inside `configuration` or `supplementaryConfiguration`: the exact key, else the key
/// in any case; null counts as missing, and select results' `{"value": x}` wrappers are removed.
fn field<'v, 'a>(v: &'v Value<'a>, key: &str) -> Option<&'v Value<'a>> {
    let Kind::Obj(entries) = v.kind() else {
        return None;
    };
    let found = entries
        .iter()
        .find(|(k, _)| k == key)
        .or_else(|| entries.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
        .map(|(_, v)| v)
        .filter(|v| !matches!(v.kind(), Kind::Null))?;
    Some(without_value_wrapper(found))
}

fn without_value_wrapper<'v, 'a>(v: &'v Value<'a>) -> &'v Value<'a> {
    match v.kind() {
        Kind::Obj(e) if e.len() == 1 && e[0].0 == "value" => &e[0].1,
        _ => v,
    }
}

/// [`field`] along a path.
fn path_in<'v, 'a>(v: &'v Value<'a>, path: &[&str]) -> Option<&'v Value<'a>> {
    path.iter().try_fold(v, |cur, k| field(cur, k))
}

/// The text of a non-empty string field.
fn field_text<'v>(v: &'v Value<'_>, key: &str) -> Option<&'v str> {
    field(v, key).and_then(Value::nonempty_str)
}

/// A number's text: integers without a fraction (`35.0` → `35`), other numbers as written;
/// numeric strings as they are.
fn number_text(v: &Value) -> Option<String> {
    match v.kind() {
        Kind::Num(n) => {
            let f: f64 = n.parse().ok()?;
            Some(if f.fract() == 0.0 && f.abs() < 1e15 {
                (f as i64).to_string()
            } else {
                n.to_string()
            })
        }
        Kind::Str(s) if s.parse::<f64>().is_ok() => Some(s.to_string()),
        _ => None,
    }
}

/// Decodes JSON-encoded strings in `configuration`, `supplementaryConfiguration` and its values.
/// A decoded value has no bytes of its own in the file: every part of it gets the span of the
/// string it was decoded from, the closest place a finding can point at.
fn decode_json_strings(item: &mut Value) {
    let Kind::Obj(entries) = &mut item.kind else {
        return;
    };
    for (k, v) in entries.iter_mut() {
        if k == "configuration" {
            decode_json_string(v);
        } else if k == "supplementaryConfiguration" {
            decode_json_string(v);
            if let Kind::Obj(supp) = &mut v.kind {
                for (_, s) in supp.iter_mut() {
                    decode_json_string(s);
                }
            }
        }
    }
}

/// A string holding JSON (possibly several times encoded) becomes the JSON value.
fn decode_json_string(v: &mut Value) {
    for _ in 0..4 {
        let Kind::Str(s) = &v.kind else { return };
        let t = s.trim();
        if t.is_empty() {
            return;
        }
        match serde_json::from_str::<serde_json::Value>(t) {
            Ok(j) => *v = from_json(v.span(), &j),
            Err(_) => return,
        }
    }
}

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

// ----- model values ----------------------------------------------------------------------------

fn absent<'a>() -> Value<'a> {
    Value::new(Kind::Absent, Span::default())
}
fn string<'a>(sp: Span, x: &str) -> Value<'a> {
    Value::new(Kind::Str(value::Str::owned(x.to_string())), sp)
}
fn boolean<'a>(sp: Span, x: bool) -> Value<'a> {
    Value::new(Kind::Bool(x), sp)
}
/// A string field's value with the field's span, or absent.
fn text_of<'a>(v: &Value<'a>, key: &str) -> Value<'a> {
    match field(v, key).filter(|f| f.nonempty_str().is_some()) {
        Some(f) => f.clone(),
        None => absent(),
    }
}
/// A number field's value with the field's span, or absent.
fn number_of<'a>(v: &Value<'a>, key: &str) -> Value<'a> {
    field(v, key)
        .and_then(|f| {
            Some(Value::new(
                Kind::Num(value::Str::owned(number_text(f)?)),
                f.span(),
            ))
        })
        .unwrap_or_else(absent)
}
/// Not recorded by AWS Config: unknown, so a rule that needs it is undecided.
fn unrecorded<'a>(sp: Span) -> Value<'a> {
    Value::unknown(
        Unknown {
            refs: Default::default(),
            configured: true,
        },
        sp,
    )
}
fn object<'a>(sp: Span, entries: Vec<(&'static str, Value<'a>)>) -> Value<'a> {
    let e = entries
        .into_iter()
        .filter(|(_, v)| !v.is_absent())
        .map(|(k, v)| (value::Str::borrowed(k), v))
        .collect();
    Value::new(Kind::Obj(e), sp)
}
fn list<'a>(sp: Span, items: Vec<Value<'a>>) -> Value<'a> {
    Value::new(Kind::Arr(items.into()), sp)
}
/// A one-element block list, as a plan writes a nested block.
fn block<'a>(sp: Span, entries: Vec<(&'static str, Value<'a>)>) -> Value<'a> {
    list(sp, vec![object(sp, entries)])
}
/// The strings of an array (other elements are dropped); None if it is not an array.
fn string_list<'a>(v: &Value<'a>) -> Option<Value<'a>> {
    let Kind::Arr(items) = v.kind() else {
        return None;
    };
    let strings = items
        .iter()
        .filter(|x| matches!(x.kind(), Kind::Str(_)))
        .cloned()
        .collect();
    Some(list(v.span(), strings))
}
/// Decoded JSON as a value tree, every part with the span `sp`.
fn from_json<'a>(sp: Span, j: &serde_json::Value) -> Value<'a> {
    use serde_json::Value as J;
    let kind = match j {
        J::Null => Kind::Null,
        J::Bool(x) => Kind::Bool(*x),
        J::Number(n) => Kind::Num(value::Str::owned(n.to_string())),
        J::String(x) => Kind::Str(value::Str::owned(x.clone())),
        J::Array(a) => Kind::Arr(a.iter().map(|x| from_json(sp, x)).collect()),
        J::Object(o) => Kind::Obj(
            o.iter()
                .map(|(k, v)| (value::Str::owned(k.clone()), from_json(sp, v)))
                .collect(),
        ),
    };
    Value::new(kind, sp)
}

// ----- named conversions (referenced from the table) -------------------------------------------

/// Tags: the item's `tags` map, else `supplementaryConfiguration.Tags` / `configuration.tags` /
/// `configuration.tagList` as lists of `{key, value}`.
fn tags<'a>(it: &Item<'_, 'a>, _: Option<&Value<'a>>) -> Value<'a> {
    let item_tags = member(it.node, "tags");
    if let Some(t) = item_tags.filter(|t| matches!(t.kind(), Kind::Obj(e) if !e.is_empty())) {
        return t.clone();
    }
    let lists = [
        path_in(it.supp, &["Tags"]),
        field(it.conf, "tags"),
        field(it.conf, "tagList"),
    ];
    let mut span = None;
    let mut entries = Vec::new();
    for l in lists.into_iter().flatten() {
        for t in elements(Some(l)) {
            if let (Some(k), Some(v)) = (
                field_text(t, "key"),
                field(t, "value").filter(|v| v.str().is_some()),
            ) {
                span.get_or_insert(l.span());
                entries.push((value::Str::owned(k.to_string()), v.clone()));
            }
        }
    }
    if entries.is_empty() && item_tags.is_none() {
        return absent();
    }
    let span = span.or(item_tags.map(|t| t.span())).unwrap_or(it.span());
    Value::new(Kind::Obj(entries.into()), span)
}

/// `BucketVersioningConfiguration` → `versioning { enabled }`; not recorded → unknown.
fn s3_versioning<'a>(it: &Item<'_, 'a>, conf: Option<&Value<'a>>) -> Value<'a> {
    match conf {
        Some(c) => {
            let status = field(c, "status").filter(|s| s.nonempty_str().is_some());
            let on = status
                .and_then(Value::str)
                .is_some_and(|s| s.eq_ignore_ascii_case("Enabled"));
            let sp = status.map_or(c.span(), |s| s.span());
            block(c.span(), vec![("enabled", boolean(sp, on))])
        }
        None => block(it.span(), vec![("enabled", unrecorded(it.span()))]),
    }
}

/// `ServerSideEncryptionConfiguration` → `server_side_encryption_configuration { rule { … } }`;
/// not recorded → unknown.
fn s3_encryption<'a>(it: &Item<'_, 'a>, conf: Option<&Value<'a>>) -> Value<'a> {
    let Some(c) = conf else {
        return unrecorded(it.span());
    };
    let rules_field = field(c, "rules");
    let rules: Vec<Value> = elements(rules_field)
        .iter()
        .map(|r| {
            let (sp, algorithm, key) = match field(r, "applyServerSideEncryptionByDefault") {
                Some(d) => (
                    d.span(),
                    text_of(d, "sseAlgorithm"),
                    text_of(d, "kmsMasterKeyID"),
                ),
                None => (r.span(), absent(), absent()),
            };
            object(
                r.span(),
                vec![(
                    "apply_server_side_encryption_by_default",
                    block(
                        sp,
                        vec![("sse_algorithm", algorithm), ("kms_master_key_id", key)],
                    ),
                )],
            )
        })
        .collect();
    let rules_span = rules_field.map_or(c.span(), |r| r.span());
    block(c.span(), vec![("rule", list(rules_span, rules))])
}

/// `BucketReplicationConfiguration` (`rules` is a map keyed by rule id, or a list) → the legacy
/// inline `replication_configuration` block of `aws_s3_bucket`; not recorded → no block.
fn s3_replication<'a>(it: &Item<'_, 'a>, conf: Option<&Value<'a>>) -> Value<'a> {
    let Some(rc) = conf else {
        return list(it.span(), Vec::new());
    };
    let rules_field = field(rc, "rules");
    let by_id: Vec<(&str, &Value)> = match rules_field.map(Value::kind) {
        Some(Kind::Obj(m)) => m.iter().map(|(k, v)| (k.as_ref(), v)).collect(),
        Some(Kind::Arr(a)) => a
            .iter()
            .map(|r| (field_text(r, "id").unwrap_or(""), r))
            .collect(),
        _ => Vec::new(),
    };
    let rules = by_id
        .into_iter()
        .map(|(key, r)| s3_replication_rule(key, r))
        .collect();
    let rules_span = rules_field.map_or(rc.span(), |r| r.span());
    block(
        rc.span(),
        vec![
            ("role", first_text(rc, &["roleARN", "role"])),
            ("rules", list(rules_span, rules)),
        ],
    )
}

/// One replication rule; `key` is its key in Config's rule map (its id when it has no `id`).
fn s3_replication_rule<'a>(key: &str, r: &Value<'a>) -> Value<'a> {
    let id = match field(r, "id").filter(|v| v.nonempty_str().is_some()) {
        Some(v) => v.clone(),
        None => string(r.span(), key),
    };
    let d = field(r, "destinationConfig").or_else(|| field(r, "destination"));
    let destination = match d {
        Some(d) => block(
            d.span(),
            vec![
                ("bucket", first_text(d, &["bucketARN", "bucket"])),
                ("storage_class", text_of(d, "storageClass")),
                ("account_id", text_of(d, "account")),
                (
                    "replica_kms_key_id",
                    path_in(d, &["encryptionConfiguration", "replicaKmsKeyID"])
                        .filter(|v| v.str().is_some())
                        .map_or_else(absent, Value::clone),
                ),
            ],
        ),
        None => block(r.span(), Vec::new()),
    };
    let kms_objects = path_in(
        r,
        &[
            "sourceSelectionCriteria",
            "sseKmsEncryptedObjects",
            "status",
        ],
    )
    .filter(|v| v.str().is_some());
    let criteria = match kms_objects {
        Some(st) => {
            let on = st.str().is_some_and(|s| s.eq_ignore_ascii_case("Enabled"));
            block(
                st.span(),
                vec![(
                    "sse_kms_encrypted_objects",
                    block(st.span(), vec![("enabled", boolean(st.span(), on))]),
                )],
            )
        }
        None => list(r.span(), Vec::new()),
    };
    // A rule with a filter is a V2 rule; a prefix-only rule is V1.
    let filter = match field(r, "filter") {
        Some(f) => s3_filter(f),
        None => list(r.span(), Vec::new()),
    };
    object(
        r.span(),
        vec![
            ("id", id),
            ("status", text_of(r, "status")),
            (
                "prefix",
                field(r, "prefix")
                    .filter(|v| v.str().is_some())
                    .map_or_else(absent, Value::clone),
            ),
            ("priority", number_of(r, "priority")),
            ("filter", filter),
            // Absent on a V2 rule means Disabled (the S3 default).
            (
                "delete_marker_replication_status",
                path_in(r, &["deleteMarkerReplication", "status"])
                    .filter(|v| v.str().is_some())
                    .map_or_else(absent, Value::clone),
            ),
            ("destination", destination),
            ("source_selection_criteria", criteria),
        ],
    )
}

/// Config's replication filter (`{"predicate": {"type": "Replication…Predicate", …}}`) → the
/// legacy `filter { prefix, tags }` block.
fn s3_filter<'v, 'a>(f: &'v Value<'a>) -> Value<'a> {
    let p = field(f, "predicate").unwrap_or(f);
    let mut prefix: Option<&'v Value<'a>> = None;
    let mut tags = Vec::new();
    let mut tags_span = None;
    let mut visit = |x: &'v Value<'a>| {
        if let Some(px) = field(x, "prefix").filter(|v| v.str().is_some()) {
            prefix = Some(px);
        }
        if let Some(t) = field(x, "tag")
            && let (Some(k), Some(v)) = (
                field_text(t, "key"),
                field(t, "value").filter(|v| v.nonempty_str().is_some()),
            )
        {
            tags_span.get_or_insert(t.span());
            tags.push((value::Str::owned(k.to_string()), v.clone()));
        }
    };
    visit(p);
    for o in elements(field(p, "operands")) {
        visit(o);
    }
    let tags = match tags_span {
        Some(sp) => Value::new(Kind::Obj(tags.into()), sp),
        None => absent(),
    };
    block(
        f.span(),
        vec![
            ("prefix", prefix.map_or_else(absent, Value::clone)),
            ("tags", tags),
        ],
    )
}

/// `sSEDescription` → `server_side_encryption { enabled, kms_key_arn }`. No description means
/// the table uses the AWS owned key: not enabled.
fn dynamodb_encryption<'a>(it: &Item<'_, 'a>, conf: Option<&Value<'a>>) -> Value<'a> {
    let Some(d) = conf else {
        return block(it.span(), vec![("enabled", boolean(it.span(), false))]);
    };
    let status = field(d, "status").filter(|s| s.nonempty_str().is_some());
    let on = status
        .and_then(Value::str)
        .is_some_and(|s| s == "ENABLED" || s == "ENABLING");
    block(
        d.span(),
        vec![
            (
                "enabled",
                boolean(status.map_or(d.span(), |s| s.span()), on),
            ),
            ("kms_key_arn", text_of(d, "kMSMasterKeyArn")),
        ],
    )
}

/// `pointInTimeRecoveryStatus` → `point_in_time_recovery { enabled }`; not recorded → unknown.
fn dynamodb_pitr<'a>(it: &Item<'_, 'a>, status: Option<&Value<'a>>) -> Value<'a> {
    let enabled = match status.and_then(|s| Some((s.str()?, s.span()))) {
        Some((s, sp)) => boolean(sp, s == "ENABLED"),
        None => unrecorded(it.span()),
    };
    block(enabled.span(), vec![("enabled", enabled)])
}

/// `replicas` → `replica { region_name, kms_key_arn, point_in_time_recovery }`. A replica's PITR
/// is unknown here; [`link`] fills it in from the replica region's own table item.
fn dynamodb_replicas<'a>(it: &Item<'_, 'a>, replicas: Option<&Value<'a>>) -> Value<'a> {
    let items = elements(replicas)
        .iter()
        .filter_map(|r| {
            let region = field(r, "regionName").filter(|v| v.nonempty_str().is_some())?;
            Some(object(
                r.span(),
                vec![
                    ("region_name", region.clone()),
                    ("kms_key_arn", text_of(r, "kMSMasterKeyId")),
                    ("point_in_time_recovery", unrecorded(it.span())),
                ],
            ))
        })
        .collect();
    list(replicas.map_or(it.span(), |r| r.span()), items)
}

/// `KeyRotationStatus` (a boolean, or a string once decoded from select output) → a boolean;
/// not recorded → unknown.
fn kms_rotation<'a>(it: &Item<'_, 'a>, status: Option<&Value<'a>>) -> Value<'a> {
    match status.map(|s| (s.kind(), s.span())) {
        Some((Kind::Bool(x), sp)) => boolean(sp, *x),
        Some((Kind::Str(x), sp)) => boolean(sp, x.eq_ignore_ascii_case("true")),
        _ => unrecorded(it.span()),
    }
}

/// `environment.variables` → `environment { variables }` when there are any.
fn lambda_environment<'a>(_: &Item<'_, 'a>, vars: Option<&Value<'a>>) -> Value<'a> {
    match vars {
        Some(v) if matches!(v.kind(), Kind::Obj(e) if !e.is_empty()) => {
            block(v.span(), vec![("variables", v.clone())])
        }
        _ => absent(),
    }
}

/// Backup plan rules → `rule { rule_name, target_vault_name, schedule, lifecycle, copy_action }`.
fn backup_rules<'a>(it: &Item<'_, 'a>, rules: Option<&Value<'a>>) -> Value<'a> {
    let items = elements(rules)
        .iter()
        .map(|r| {
            let copies = elements(field(r, "copyActions"))
                .iter()
                .map(|c| {
                    object(
                        c.span(),
                        vec![
                            (
                                "destination_vault_arn",
                                text_of(c, "destinationBackupVaultArn"),
                            ),
                            ("lifecycle", backup_lifecycle(c)),
                        ],
                    )
                })
                .collect();
            object(
                r.span(),
                vec![
                    ("rule_name", text_of(r, "ruleName")),
                    (
                        "target_vault_name",
                        first_text(r, &["targetBackupVaultName", "targetBackupVault"]),
                    ),
                    ("schedule", text_of(r, "scheduleExpression")),
                    ("lifecycle", backup_lifecycle(r)),
                    (
                        "copy_action",
                        list(
                            field(r, "copyActions").map_or(r.span(), |c| c.span()),
                            copies,
                        ),
                    ),
                ],
            )
        })
        .collect();
    list(rules.map_or(it.span(), |r| r.span()), items)
}

/// The `lifecycle` of a rule or copy action → `lifecycle { delete_after, cold_storage_after }`.
fn backup_lifecycle<'a>(parent: &Value<'a>) -> Value<'a> {
    match field(parent, "lifecycle") {
        Some(l) => block(
            l.span(),
            vec![
                ("delete_after", number_of(l, "deleteAfterDays")),
                (
                    "cold_storage_after",
                    number_of(l, "moveToColdStorageAfterDays"),
                ),
            ],
        ),
        None => list(parent.span(), Vec::new()),
    }
}

/// `listOfTags` → `selection_tag { type, key, value }`.
fn backup_selection_tags<'a>(it: &Item<'_, 'a>, tags: Option<&Value<'a>>) -> Value<'a> {
    let items = elements(tags)
        .iter()
        .map(|t| {
            object(
                t.span(),
                vec![
                    ("type", text_of(t, "conditionType")),
                    ("key", text_of(t, "conditionKey")),
                    ("value", text_of(t, "conditionValue")),
                ],
            )
        })
        .collect();
    list(tags.map_or(it.span(), |t| t.span()), items)
}

/// The elements of an array field (nothing for a missing field or another kind of value).
fn elements<'v, 'a>(v: Option<&'v Value<'a>>) -> &'v [Value<'a>] {
    match v.map(Value::kind) {
        Some(Kind::Arr(items)) => items,
        _ => &[],
    }
}

/// The first of several string fields that is there and not empty.
fn first_text<'a>(v: &Value<'a>, keys: &[&str]) -> Value<'a> {
    keys.iter()
        .find_map(|k| field(v, k).filter(|f| f.nonempty_str().is_some()))
        .map_or_else(absent, Value::clone)
}

// ----- cross-item links ------------------------------------------------------------------------

/// What one item says about another item's resource.
#[derive(Default)]
struct Links {
    /// Member cluster ARN → the global cluster identifier listing it, with the span of the
    /// member's ARN (the first global cluster listing a member wins).
    global_cluster_of: HashMap<String, (String, Span)>,
}

/// A global cluster's members, for [`link`].
fn note_global_cluster_members(it: &Item, links: &mut Links) {
    let id = it.attribute(&[Conf(&["globalClusterIdentifier"]), Name], Str);
    let id = id.str().unwrap_or("");
    for m in elements(field(it.conf, "globalClusterMembers")) {
        if let Some(a) = ["dbclusterArn", "dBClusterArn"]
            .iter()
            .find_map(|k| field(m, k).filter(|a| a.nonempty_str().is_some()))
        {
            links
                .global_cluster_of
                .entry(a.str().unwrap_or("").to_string())
                .or_insert_with(|| (id.to_string(), a.span()));
        }
    }
}

/// Cross-item links, each a hash lookup: a DynamoDB replica's PITR from the replica region's own
/// table item, and a cluster's global cluster from the global cluster's member list.
fn link(out: &mut [Resource], links: &Links) {
    // (table name, region) → the table's own PITR setting, when recorded (the first table wins).
    let mut pitr: HashMap<(String, String), Option<Value>> = HashMap::new();
    for r in out.iter().filter(|r| r.rtype == "aws_dynamodb_table") {
        if let Some(region) = &r.region {
            let name = r.get("name").str().unwrap_or("").to_string();
            let enabled = r.get("point_in_time_recovery").at(0).get("enabled");
            pitr.entry((name, region.to_string()))
                .or_insert_with(|| enabled.bool().map(|_| enabled.clone()));
        }
    }
    for r in out.iter_mut() {
        match r.rtype {
            "aws_dynamodb_table" => {
                let name = r.get("name").str().unwrap_or("").to_string();
                let Some(replicas) = r.attrs.get_mut("replica") else {
                    continue;
                };
                let Kind::Arr(items) = &mut replicas.kind else {
                    continue;
                };
                for rep in items {
                    let region = rep.get("region_name").str().unwrap_or("").to_string();
                    if let Some(Some(found)) = pitr.get(&(name.clone(), region))
                        && let Some(slot) = rep.get_mut("point_in_time_recovery")
                    {
                        // Points at the replica table's own PITR status.
                        *slot = found.clone();
                    }
                }
            }
            "aws_rds_cluster" if !r.get("global_cluster_identifier").is_set() => {
                let arn = r.get("arn").str().unwrap_or("");
                if let Some((gid, sp)) = links.global_cluster_of.get(arn)
                    && let Kind::Obj(e) = &mut r.attrs.kind
                {
                    let gid = string(*sp, gid);
                    append(
                        e,
                        vec![(value::Str::borrowed("global_cluster_identifier"), gid)],
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(src: &str) -> Parts<'_> {
        let mut parts = Parts::default();
        read(0, "items.json", src, &mut parts).expect("reads");
        parts
    }

    fn one<'p, 'a>(parts: &'p Parts<'a>, rtype: &str) -> &'p Resource<'a> {
        let found: Vec<_> = parts
            .resources
            .iter()
            .filter(|r| r.rtype == rtype)
            .collect();
        assert_eq!(found.len(), 1, "one {rtype} in {:?}", parts.resources);
        found[0]
    }

    /// The source text a value points at.
    fn at<'s>(src: &'s str, v: &Value) -> &'s str {
        &src[v.span().range()]
    }

    #[test]
    fn mapped_types_are_listed_once_each() {
        let mut types = MAPPED_TYPES.to_vec();
        assert_eq!(types.len(), MAPPINGS.len());
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), MAPPINGS.len(), "{MAPPED_TYPES:?}");
        for m in MAPPINGS {
            assert!(m.config_type.starts_with("AWS::"), "{}", m.config_type);
            assert!(m.resource_type.starts_with("aws_"), "{}", m.resource_type);
        }
    }

    #[test]
    fn s3_bucket_blocks_point_at_their_config_fields() {
        let src = r#"{"configurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b1","resourceName":"b1",
            "awsRegion":"us-east-1","arn":"arn:aws:s3:::b1","tags":{"Team":"x"},
            "configuration":{"name":"b1"},
            "supplementaryConfiguration":{
              "BucketVersioningConfiguration":{"status":"Enabled"},
              "ServerSideEncryptionConfiguration":{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms","kmsMasterKeyID":"arn:aws:kms:us-east-1:111122223333:key/k"}}]},
              "BucketReplicationConfiguration":"{\"roleARN\":\"arn:aws:iam::111122223333:role/r\",\"rules\":{\"to-dr\":{\"prefix\":\"\",\"status\":\"Enabled\",\"destinationConfig\":{\"bucketARN\":\"arn:aws:s3:::b2\"}}}}"}}]}"#;
        let p = read_str(src);
        let b = one(&p, "aws_s3_bucket");
        assert_eq!(b.address, "arn:aws:s3:::b1");
        assert_eq!(b.region, Some("us-east-1"));
        assert_eq!(at(src, b.get("bucket")), r#""b1""#);
        assert_eq!(b.tag("Team"), Some("x"));
        let enabled = b.get("versioning").get("enabled");
        assert_eq!(enabled.bool(), Some(true));
        assert_eq!(at(src, enabled), r#""Enabled""#);
        let key = b
            .get("server_side_encryption_configuration")
            .get("rule")
            .get("apply_server_side_encryption_by_default")
            .get("kms_master_key_id");
        assert_eq!(
            at(src, key),
            r#""arn:aws:kms:us-east-1:111122223333:key/k""#
        );
        // A JSON-encoded string has no bytes per field: its values point at the whole string.
        let rule = b.get("replication_configuration").get("rules").at(0);
        assert_eq!(rule.get("id").str(), Some("to-dr"));
        assert_eq!(rule.get("prefix").str(), Some(""));
        assert_eq!(
            rule.get("destination").get("bucket").str(),
            Some("arn:aws:s3:::b2")
        );
        assert!(at(src, rule.get("status")).starts_with(r#""{\"roleARN\""#));
        assert!(b.get("force_destroy").is_unknown());
    }

    #[test]
    fn s3_settings_config_omits_are_unknown() {
        let src = r#"{"resourceType":"AWS::S3::Bucket","resourceId":"b1","awsRegion":"us-east-1","configuration":{}}"#;
        let p = read_str(src);
        let b = one(&p, "aws_s3_bucket");
        assert_eq!(b.address, "AWS::S3::Bucket/b1");
        assert_eq!(b.get("bucket").str(), Some("b1"));
        assert!(b.get("versioning").get("enabled").is_unknown());
        assert!(b.get("server_side_encryption_configuration").is_unknown());
        assert!(b.get("replication_configuration").is_empty_block());
        assert!(b.get("tags").is_absent());
    }

    #[test]
    fn dynamodb_replica_pitr_comes_from_the_replica_regions_table_item() {
        let table = |region: &str, other: &str, pitr: &str| {
            format!(
                r#"{{"resourceType":"AWS::DynamoDB::Table","resourceId":"t","resourceName":"t","awsRegion":"{region}",
                "arn":"arn:aws:dynamodb:{region}:111122223333:table/t",
                "configuration":{{"tableName":"t","sSEDescription":{{"status":"ENABLED","kMSMasterKeyArn":"k-{region}"}},
                  "replicas":[{{"regionName":"{other}"}}],"deletionProtectionEnabled":true}},
                "supplementaryConfiguration":{{"ContinuousBackupsDescription":{{"pointInTimeRecoveryDescription":{{"pointInTimeRecoveryStatus":"{pitr}"}}}}}}}}"#
            )
        };
        let src = format!(
            "[{},{}]",
            table("us-east-1", "us-west-2", "ENABLED"),
            table("us-west-2", "us-east-1", "DISABLED")
        );
        let p = read_str(&src);
        assert_eq!(p.resources.len(), 2);
        let east = &p.resources[0];
        assert_eq!(
            east.get("point_in_time_recovery").get("enabled").bool(),
            Some(true)
        );
        assert_eq!(
            east.get("server_side_encryption").get("enabled").bool(),
            Some(true)
        );
        assert_eq!(
            at(&src, east.get("server_side_encryption").get("kms_key_arn")),
            r#""k-us-east-1""#
        );
        assert_eq!(east.get("deletion_protection_enabled").bool(), Some(true));
        let replica = east.get("replica").at(0);
        assert_eq!(replica.get("region_name").str(), Some("us-west-2"));
        let pitr = replica.get("point_in_time_recovery");
        assert_eq!(pitr.bool(), Some(false));
        // It points at the west table's own PITR status.
        assert_eq!(at(&src, pitr), r#""DISABLED""#);
        assert!(pitr.span().start > p.resources[1].span.start);
    }

    #[test]
    fn dynamodb_without_recorded_settings() {
        let src = r#"{"resourceType":"AWS::DynamoDB::Table","resourceId":"t","awsRegion":"eu-west-1","configuration":{"tableName":"t","replicas":[{"regionName":"eu-central-1"}]}}"#;
        let p = read_str(src);
        let t = one(&p, "aws_dynamodb_table");
        // No SSE description: the AWS owned key.
        assert_eq!(
            t.get("server_side_encryption").get("enabled").bool(),
            Some(false)
        );
        assert!(t.get("point_in_time_recovery").get("enabled").is_unknown());
        assert!(
            t.get("replica")
                .at(0)
                .get("point_in_time_recovery")
                .is_unknown()
        );
        assert!(t.get("deletion_protection_enabled").is_absent());
    }

    #[test]
    fn kms_keys_customer_managed_only_with_rotation() {
        let src = r#"[
          {"resourceType":"AWS::KMS::Key","resourceId":"k1","awsRegion":"us-east-1","arn":"arn:aws:kms:us-east-1:111122223333:key/k1",
           "configuration":{"keyId":"k1","keyManager":"CUSTOMER","multiRegion":false,"enabled":true,"keyUsage":"ENCRYPT_DECRYPT"},
           "supplementaryConfiguration":{"KeyRotationStatus":"false"}},
          {"resourceType":"AWS::KMS::Key","resourceId":"k2","awsRegion":"us-east-1","configuration":{"keyId":"k2","keyManager":"AWS"}},
          {"resourceType":"AWS::KMS::Key","resourceId":"k3","awsRegion":"us-east-1","configuration":{"keyManager":"CUSTOMER"}}]"#;
        let p = read_str(src);
        assert_eq!(p.resources.len(), 2, "the AWS managed key is skipped");
        let k1 = &p.resources[0];
        assert_eq!(k1.account.as_deref(), Some("111122223333"));
        assert_eq!(k1.get("key_id").str(), Some("k1"));
        assert_eq!(k1.get("is_enabled").bool(), Some(true));
        assert_eq!(k1.get("multi_region").bool(), Some(false));
        // "false" was decoded from its JSON string to a boolean.
        let rotation = k1.get("enable_key_rotation");
        assert_eq!(rotation.bool(), Some(false));
        assert_eq!(at(src, rotation), r#""false""#);
        let k3 = &p.resources[1];
        assert_eq!(
            k3.get("key_id").str(),
            Some("k3"),
            "resourceId when keyId is missing"
        );
        assert!(k3.get("enable_key_rotation").is_unknown());
    }

    #[test]
    fn rds_clusters_instances_and_global_clusters() {
        let src = r#"[
          {"resourceType":"AWS::RDS::DBCluster","resourceId":"cluster-1","resourceName":"db-east","awsRegion":"us-east-1",
           "arn":"arn:aws:rds:us-east-1:111122223333:cluster:db-east",
           "configuration":{"dBClusterIdentifier":"db-east","engine":"aurora-postgresql","storageEncrypted":true,
             "backupRetentionPeriod":7.0,"deletionProtection":"false"}},
          {"resourceType":"AWS::RDS::DBInstance","resourceId":"db-1","resourceName":"writer","awsRegion":"us-east-1",
           "configuration":{"dBInstanceIdentifier":"writer","dbclusterIdentifier":"db-east","backupRetentionPeriod":"3"}},
          {"resourceType":"AWS::RDS::GlobalCluster","resourceId":"g","resourceName":"g","awsRegion":"us-east-1",
           "configuration":{"globalClusterIdentifier":"g","globalClusterMembers":[{"dBClusterArn":"arn:aws:rds:us-east-1:111122223333:cluster:db-east"}]}}]"#;
        let p = read_str(src);
        let c = one(&p, "aws_rds_cluster");
        assert_eq!(c.get("cluster_identifier").str(), Some("db-east"));
        assert_eq!(c.get("backup_retention_period").num(), Some(7.0));
        assert_eq!(c.get("deletion_protection").bool(), Some(false));
        assert!(c.get("skip_final_snapshot").is_unknown());
        let g = c.get("global_cluster_identifier");
        assert_eq!(g.str(), Some("g"));
        // Linked from the global cluster's member list: points at the member's ARN.
        assert_eq!(
            at(src, g),
            r#""arn:aws:rds:us-east-1:111122223333:cluster:db-east""#
        );
        assert!(g.span().start > c.span.end);
        let i = one(&p, "aws_db_instance");
        assert_eq!(i.get("identifier").str(), Some("writer"));
        assert_eq!(i.get("cluster_identifier").str(), Some("db-east"));
        assert_eq!(i.get("backup_retention_period").num(), Some(3.0));
        assert_eq!(i.address, "AWS::RDS::DBInstance/db-1");
        let gc = one(&p, "aws_rds_global_cluster");
        assert_eq!(gc.get("id").str(), Some("g"));
    }

    #[test]
    fn network_items_and_the_accepter_of_an_active_peering() {
        let src = r#"{"configurationItems":[
          {"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","awsRegion":"us-east-1","configuration":{"vpcId":"vpc-1","cidrBlock":"10.0.0.0/16","isDefault":true}},
          {"resourceType":"AWS::EC2::Subnet","resourceId":"subnet-1","awsRegion":"us-east-1",
           "configuration":{"subnetId":"subnet-1","vpcId":"vpc-1","cidrBlock":"10.0.1.0/24","availabilityZone":"us-east-1a"}},
          {"resourceType":"AWS::EC2::VPCPeeringConnection","resourceId":"pcx-1","awsRegion":"us-east-1",
           "arn":"arn:aws:ec2:us-east-1:111122223333:vpc-peering-connection/pcx-1",
           "configuration":{"vpcPeeringConnectionId":"pcx-1","status":{"code":"active"},
             "requesterVpcInfo":{"vpcId":"vpc-1","region":"us-east-1"},
             "accepterVpcInfo":{"vpcId":"vpc-2","ownerId":"111122223333","region":"us-west-2"}}},
          {"resourceType":"AWS::EC2::VPCPeeringConnection","resourceId":"pcx-2","awsRegion":"us-east-1",
           "configuration":{"status":{"code":"pending-acceptance"}}}]}"#;
        let p = read_str(src);
        let v = one(&p, "aws_vpc");
        assert_eq!(at(src, v.get("cidr_block")), r#""10.0.0.0/16""#);
        assert_eq!(v.get("default").bool(), Some(true));
        assert_eq!(at(src, v.get("default")), "true");
        let s = one(&p, "aws_subnet");
        assert_eq!(s.get("vpc_id").str(), Some("vpc-1"));
        assert_eq!(s.get("availability_zone").str(), Some("us-east-1a"));
        let peerings: Vec<_> = p
            .resources
            .iter()
            .filter(|r| r.rtype == "aws_vpc_peering_connection")
            .collect();
        assert_eq!(peerings.len(), 2);
        assert_eq!(peerings[0].get("peer_region").str(), Some("us-west-2"));
        assert_eq!(peerings[1].get("id").str(), Some("pcx-2"));
        let a = one(&p, "aws_vpc_peering_connection_accepter");
        assert_eq!(
            a.address,
            "arn:aws:ec2:us-east-1:111122223333:vpc-peering-connection/pcx-1#aws_vpc_peering_connection_accepter"
        );
        assert_eq!(a.region, Some("us-west-2"));
        assert_eq!(a.region_source, RegionSource::ConfigItem);
        assert_eq!(a.get("vpc_id").str(), Some("vpc-2"));
        assert_eq!(a.get("peer_vpc_id").str(), Some("vpc-1"));
        assert_eq!(a.get("vpc_peering_connection_id").str(), Some("pcx-1"));
    }

    #[test]
    fn route53_zones_and_health_checks() {
        let src = r#"[
          {"resourceType":"AWS::Route53::HostedZone","resourceId":"Z1","resourceName":"example.com.","awsRegion":"us-east-1",
           "configuration":{"Id":"/hostedzone/Z1","Name":"example.com."}},
          {"resourceType":"AWS::Route53::HealthCheck","resourceId":"hc-1","awsRegion":"global",
           "configuration":{"Id":"hc-1","HealthCheckConfig":{"Type":"HTTPS","FullyQualifiedDomainName":"a.example.com","Port":443,"RequestInterval":30,"FailureThreshold":3}}}]"#;
        let p = read_str(src);
        let z = one(&p, "aws_route53_zone");
        assert_eq!(z.get("name").str(), Some("example.com"));
        assert_eq!(z.get("zone_id").str(), Some("Z1"));
        assert_eq!(at(src, z.get("zone_id")), r#""/hostedzone/Z1""#);
        let h = one(&p, "aws_route53_health_check");
        assert_eq!(h.region, None);
        assert!(matches!(h.region_source, RegionSource::Unknown(_)));
        assert_eq!(h.get("type").str(), Some("HTTPS"));
        assert_eq!(h.get("fqdn").str(), Some("a.example.com"));
        assert_eq!(h.get("port").num(), Some(443.0));
        assert_eq!(h.get("failure_threshold").num(), Some(3.0));
    }

    #[test]
    fn lambda_sns_sqs_and_log_groups() {
        let src = r#"{"Results":[
          "{\"resourceType\":\"AWS::Lambda::Function\",\"resourceId\":\"f\",\"awsRegion\":\"us-east-1\",\"configuration\":{\"functionName\":\"f\",\"kmsKeyArn\":\"k\",\"environment\":{\"variables\":{\"STAGE\":\"prod\"}}}}",
          "{\"arn\":\"arn:aws:sns:us-east-1:111122223333:alerts\",\"configuration\":{}}",
          "{\"resourceType\":\"AWS::SQS::Queue\",\"resourceId\":\"https://q\",\"awsRegion\":\"us-east-1\",\"configuration\":{\"QueueName\":\"q\",\"QueueUrl\":\"https://q\",\"SqsManagedSseEnabled\":{\"value\":true}}}",
          "{\"resourceType\":\"AWS::Logs::LogGroup\",\"resourceId\":\"/app\",\"awsRegion\":\"us-east-1\",\"configuration\":{\"logGroupName\":\"/app\",\"retentionInDays\":30}}"
        ],"QueryInfo":{}}"#;
        let p = read_str(src);
        let f = one(&p, "aws_lambda_function");
        assert_eq!(f.get("function_name").str(), Some("f"));
        assert_eq!(
            f.get("environment").get("variables").get("STAGE").str(),
            Some("prod")
        );
        // A select result is one JSON string: its span is the best any value gets.
        assert!(
            at(src, f.get("kms_key_arn"))
                .starts_with(r#""{\"resourceType\":\"AWS::Lambda::Function\""#)
        );
        let t = one(&p, "aws_sns_topic");
        assert_eq!(t.get("name").str(), Some("alerts"), "the end of the ARN");
        assert_eq!(t.region, Some("us-east-1"));
        assert_eq!(t.region_source, RegionSource::Arn);
        assert_eq!(t.account.as_deref(), Some("111122223333"));
        let q = one(&p, "aws_sqs_queue");
        assert_eq!(q.get("id").str(), Some("https://q"));
        assert_eq!(q.get("sqs_managed_sse_enabled").bool(), Some(true));
        let l = one(&p, "aws_cloudwatch_log_group");
        assert_eq!(l.get("retention_in_days").num(), Some(30.0));
    }

    #[test]
    fn backup_vaults_plans_and_selections() {
        let src = r#"[
          {"resourceType":"AWS::Backup::BackupVault","resourceId":"v","resourceName":"v","awsRegion":"us-east-1",
           "configuration":{"backupVaultName":"v","backupVaultArn":"arn:aws:backup:us-east-1:111122223333:backup-vault:v","encryptionKeyArn":"k"}},
          {"resourceType":"AWS::Backup::BackupPlan","resourceId":"p1","awsRegion":"us-east-1",
           "configuration":{"backupPlanId":"p1","backupPlan":{"backupPlanName":"daily","rules":[{"ruleName":"r",
             "targetBackupVaultName":"v","scheduleExpression":"cron(0 5 ? * * *)","lifecycle":{"deleteAfterDays":35},
             "copyActions":[{"destinationBackupVaultArn":"arn:aws:backup:us-west-2:111122223333:backup-vault:dr","lifecycle":{"moveToColdStorageAfterDays":7}}]}]}}},
          {"resourceType":"AWS::Backup::BackupSelection","resourceId":"s1","awsRegion":"us-east-1",
           "configuration":{"backupPlanId":"p1","backupSelection":{"selectionName":"all","iamRoleArn":"role",
             "resources":["arn:aws:dynamodb:us-east-1:111122223333:table/t", 5],"listOfTags":[{"conditionType":"STRINGEQUALS","conditionKey":"Backup","conditionValue":"yes"}]}}}]"#;
        let p = read_str(src);
        let v = one(&p, "aws_backup_vault");
        assert_eq!(
            v.get("arn").str(),
            Some("arn:aws:backup:us-east-1:111122223333:backup-vault:v")
        );
        assert!(v.get("force_destroy").is_unknown());
        let plan = one(&p, "aws_backup_plan");
        assert_eq!(plan.get("name").str(), Some("daily"));
        let rule = plan.get("rule").at(0);
        assert_eq!(rule.get("target_vault_name").str(), Some("v"));
        assert_eq!(rule.get("lifecycle").get("delete_after").num(), Some(35.0));
        assert_eq!(at(src, rule.get("lifecycle").get("delete_after")), "35");
        let copy = rule.get("copy_action").at(0);
        assert_eq!(
            copy.get("destination_vault_arn").str(),
            Some("arn:aws:backup:us-west-2:111122223333:backup-vault:dr")
        );
        assert_eq!(
            copy.get("lifecycle").get("cold_storage_after").num(),
            Some(7.0)
        );
        let sel = one(&p, "aws_backup_selection");
        assert_eq!(sel.get("plan_id").str(), Some("p1"));
        assert_eq!(sel.get("name").str(), Some("all"));
        assert_eq!(
            sel.get("resources").items().count(),
            1,
            "non-strings are dropped"
        );
        assert_eq!(
            sel.get("selection_tag").at(0).get("key").str(),
            Some("Backup")
        );
        assert!(sel.get("not_resources").is_absent());
    }

    #[test]
    fn skipped_items_are_counted_in_warnings() {
        let src = r#"[
          {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configuration":{}},
          {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-2","configuration":{}},
          {"resourceType":"AWS::SQS::Queue","resourceId":"q","configurationItemStatus":"ResourceDeleted"},
          {"resourceId":"x"},
          5]"#;
        let p = read_str(src);
        assert!(p.resources.is_empty(), "{:?}", p.resources);
        let msgs: Vec<&str> = p.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(
            msgs.contains(
                &"1 entries are not configuration items (not JSON objects) and were skipped"
            ),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"AWS Config resource types with no Terraform mapping were skipped: (no resourceType) ×1, AWS::EC2::SecurityGroup ×2"),
            "{msgs:?}"
        );
        assert_eq!(
            p.unrecorded_types
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>(),
            ["aws_route53_record"]
        );
    }

    #[test]
    fn repeated_items_get_distinct_addresses() {
        let item = r#"{"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","arn":"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1","configuration":{}}"#;
        let src = format!("[{item},{item}]");
        let p = read_str(&src);
        let addresses: Vec<&str> = p.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1",
                "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1#aws_vpc"
            ]
        );
    }

    #[test]
    fn placebo_recordings_are_refused() {
        let mut parts = Parts::default();
        let e = read(0, "p.json", r#"{"status_code":200,"data":{}}"#, &mut parts).unwrap_err();
        assert_eq!(e.message, PLACEBO_MESSAGE);
    }
}
