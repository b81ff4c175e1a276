//! Generates a realistic two-region AWS Config snapshot (the S3-delivered shape: `fileVersion`,
//! `configSnapshotId`, `configurationItems`, one line) for benchmarks:
//! `cargo run --release --example gen_config -- ITEMS > snapshot.json`.
//!
//! The snapshot repeats a DR "unit" of 27 configuration items across us-east-1 and us-west-2, as
//! an account running many copies of one service does: customer managed KMS keys (and, every
//! fifth unit, an AWS managed key the adapter skips), S3 buckets with versioning, SSE-KMS and
//! cross-region replication, a DynamoDB global table (one item per region, each listing the other
//! as a replica), an Aurora global cluster with a cluster per region and an instance, VPCs with
//! distinct CIDRs, subnets, an active peering connection, a Lambda, SNS, SQS, a log group, AWS
//! Backup vaults, a Route 53 health check, types the adapter does not map (security group, IAM
//! role) and, every seventh unit, a deleted item. The account has one AWS Backup plan per region
//! (copying to the other region) whose selection takes every resource tagged `Backup=daily`.
//!
//! Item shapes follow the real samples in `fixtures/samples/awsconfig`: every other unit writes
//! `configuration` and the supplementary values as JSON strings, as the Config API returns them,
//! the others as objects, as snapshots do. Every tenth unit carries DR defects (rotation off, PITR
//! off, delete markers not replicated, one-day backup retention, no deletion protection, no
//! `Backup=daily` tag), so the rules report findings.
//!
//! Options for the inputs whose findings could grow with the square of the input (issue 10.2):
//! `--unit-selections` (a backup plan and a selection listing ARNs per unit), `--same-cidr` (every
//! unit VPC has 172.31.0.0/16, peered pairs included) and `--default-vpcs` (every unit also has
//! an unpeered default VPC, `isDefault`, 172.31.0.0/16, per region, as every account of an
//! organisation-wide aggregator has). tests/scale.rs includes this file for its generated inputs.

use serde_json::{Value, json};
use std::io::{BufWriter, Write};

const ACCOUNT: &str = "111122223333";
const REGIONS: [&str; 2] = ["us-east-1", "us-west-2"];
const UNIT: usize = 27;

/// One configuration item. `encoded` writes `configuration` and supplementary values as JSON
/// strings.
#[allow(clippy::too_many_arguments)]
fn item(
    encoded: bool,
    rtype: &str,
    id: &str,
    name: Option<&str>,
    region: &str,
    arn: &str,
    tags: Value,
    configuration: Value,
    supplementary: Value,
) -> Value {
    let (configuration, supplementary) = if encoded {
        let supp = match supplementary {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| (k, Value::String(v.to_string())))
                    .collect(),
            ),
            other => other,
        };
        (Value::String(configuration.to_string()), supp)
    } else {
        (configuration, supplementary)
    };
    json!({
        "version": "1.3",
        "accountId": ACCOUNT,
        "configurationItemCaptureTime": "2026-11-20T10:00:00.000Z",
        "configurationItemStatus": "OK",
        "configurationStateId": "1763632800000",
        "configurationItemMD5Hash": "",
        "arn": arn,
        "resourceType": rtype,
        "resourceId": id,
        "resourceName": name,
        "awsRegion": region,
        "availabilityZone": "Regional",
        "resourceCreationTime": "2026-01-01T00:00:00.000Z",
        "tags": tags,
        "relatedEvents": [],
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": supplementary,
        "resourceTransitionStatus": "None"
    })
}

fn tags(unit: &str, component: &str, backup: &str) -> Value {
    json!({
        "Environment": "perf", "Team": "payments-platform", "CostCenter": "cc-4711",
        "Service": format!("payments-{unit}"), "Component": component, "ManagedBy": "terraform",
        "Backup": backup
    })
}

/// Account-wide items, written once: per region a backup vault, a daily plan that copies to the
/// other region, and a selection of every resource tagged `Backup=daily`.
fn account_items() -> Vec<Value> {
    let mut v = Vec::new();
    let vault = |r: &str| format!("payments-{r}");
    let vault_arn = |r: &str| format!("arn:aws:backup:{r}:{ACCOUNT}:backup-vault:{}", vault(r));
    for (k, region) in REGIONS.iter().enumerate() {
        let other = REGIONS[1 - k];
        let plan_id = format!("0000000{k}-0000-4000-8000-000000000001");
        v.push(item(
            false,
            "AWS::Backup::BackupVault",
            &vault(region),
            Some(&vault(region)),
            region,
            &vault_arn(region),
            json!({"Team": "payments-platform"}),
            json!({"backupVaultName": vault(region), "backupVaultArn": vault_arn(region),
                   "encryptionKeyArn": format!("arn:aws:kms:{region}:{ACCOUNT}:key/backup")}),
            json!({}),
        ));
        v.push(item(
            false,
            "AWS::Backup::BackupPlan",
            &plan_id,
            Some("payments-daily"),
            region,
            &format!("arn:aws:backup:{region}:{ACCOUNT}:backup-plan:{plan_id}"),
            json!({"Team": "payments-platform"}),
            json!({"backupPlanId": plan_id, "backupPlan": {"backupPlanName": "payments-daily", "rules": [{
                "ruleName": "daily", "targetBackupVaultName": vault(region), "scheduleExpression": "cron(0 5 ? * * *)",
                "lifecycle": {"deleteAfterDays": 35},
                "copyActions": [{"destinationBackupVaultArn": vault_arn(other), "lifecycle": {"deleteAfterDays": 35}}]}]}}),
            json!({}),
        ));
        let selection = format!("0000000{k}-0000-4000-8000-000000000002");
        v.push(item(
            false,
            "AWS::Backup::BackupSelection",
            &selection,
            Some("payments-tagged"),
            region,
            "",
            json!({}),
            json!({"selectionId": selection, "backupPlanId": plan_id, "backupSelection": {
                "selectionName": "payments-tagged", "iamRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/backup"),
                "listOfTags": [{"conditionType": "STRINGEQUALS", "conditionKey": "Backup", "conditionValue": "daily"}]}}),
            json!({}),
        ));
    }
    v
}

/// What the snapshot contains besides the plain units (see the module documentation).
#[derive(Clone, Copy, Default)]
pub struct Options {
    pub unit_selections: bool,
    pub same_cidr: bool,
    pub default_vpcs: bool,
}

fn unit_items(i: usize, opts: Options) -> Vec<Value> {
    let unit_selections = opts.unit_selections;
    let u = format!("u{i:05}");
    let bad = i % 10 == 9;
    let enc = i % 2 == 1;
    let t = |c: &str| tags(&u, c, if bad { "none" } else { "daily" });
    let arn =
        |svc: &str, region: &str, res: &str| format!("arn:aws:{svc}:{region}:{ACCOUNT}:{res}");
    let mut v = Vec::with_capacity(UNIT + 2);
    let key_arn: Vec<String> = REGIONS
        .iter()
        .map(|r| {
            arn(
                "kms",
                r,
                &format!("key/{u}-{r}-0000-4000-8000-000000000000"),
            )
        })
        .collect();

    for (k, region) in REGIONS.iter().enumerate() {
        let kid = format!("{u}-{region}-0000-4000-8000-000000000000");
        v.push(item(
            enc,
            "AWS::KMS::Key",
            &kid,
            None,
            region,
            &key_arn[k],
            t("kms"),
            json!({"keyId": kid, "arn": key_arn[k], "creationDate": 1767225600000u64, "enabled": true,
                   "description": format!("{u} {region} data key"), "keyUsage": "ENCRYPT_DECRYPT",
                   "keyState": "Enabled", "origin": "AWS_KMS", "keyManager": "CUSTOMER",
                   "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keySpec": "SYMMETRIC_DEFAULT",
                   "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "multiRegion": false}),
            json!({"KeyRotationStatus": !(bad && k == 0),
                   "Policy": {"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                              "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"}]}}),
        ));
    }
    if i.is_multiple_of(5) {
        let kid = format!("{u}-aws-managed");
        v.push(item(
            enc,
            "AWS::KMS::Key",
            &kid,
            None,
            REGIONS[0],
            &arn("kms", REGIONS[0], &format!("key/{kid}")),
            json!({}),
            json!({"keyId": kid, "enabled": true, "description": "Default key that protects my S3 objects",
                   "keyUsage": "ENCRYPT_DECRYPT", "keyManager": "AWS", "multiRegion": false}),
            json!({"KeyRotationStatus": true}),
        ));
    }

    let bucket = |k: usize| format!("payments-{u}-{}-perf", ["data", "replica"][k]);
    for (k, region) in REGIONS.iter().enumerate() {
        let name = bucket(k);
        let mut supp = json!({
            "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": null},
            "ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault":
                {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": key_arn[k]}, "bucketKeyEnabled": true}]},
            "BucketLoggingConfiguration": {"destinationBucketName": null, "logFilePrefix": null},
            "IsRequesterPaysEnabled": false,
        });
        if k == 0 {
            let rule_id = format!("{u}-to-dr");
            supp["BucketReplicationConfiguration"] = json!({
                "roleARN": format!("arn:aws:iam::{ACCOUNT}:role/{u}-replication"),
                "rules": {rule_id.clone(): {
                    "id": rule_id, "priority": 1, "status": "Enabled",
                    "filter": {"predicate": {"type": "ReplicationPrefixPredicate", "prefix": ""}},
                    "deleteMarkerReplication": {"status": if bad { "Disabled" } else { "Enabled" }},
                    "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
                    "destinationConfig": {"bucketARN": format!("arn:aws:s3:::{}", bucket(1)), "storageClass": "STANDARD",
                                          "encryptionConfiguration": {"replicaKmsKeyID": key_arn[1]}}}}
            });
        }
        v.push(item(
            enc,
            "AWS::S3::Bucket",
            &name,
            Some(&name),
            region,
            &format!("arn:aws:s3:::{name}"),
            t("s3"),
            json!({"name": name, "owner": {"displayName": null, "id": "0123abcd"}, "creationDate": "2026-01-01T00:00:00.000Z"}),
            supp,
        ));
    }

    let table = format!("payments-{u}-orders");
    for (k, region) in REGIONS.iter().enumerate() {
        let other = REGIONS[1 - k];
        let table_arn = arn("dynamodb", region, &format!("table/{table}"));
        v.push(item(
            enc,
            "AWS::DynamoDB::Table",
            &table,
            Some(&table),
            region,
            &table_arn,
            t("dynamodb"),
            json!({"tableName": table, "tableArn": table_arn, "tableId": format!("{u}-{k}"), "tableStatus": "ACTIVE",
                   "attributeDefinitions": [{"attributeName": "pk", "attributeType": "S"}],
                   "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
                   "billingModeSummary": {"billingMode": "PAY_PER_REQUEST"},
                   "sSEDescription": {"status": "ENABLED", "sSEType": "KMS", "kMSMasterKeyArn": key_arn[k]},
                   "replicas": [{"regionName": other, "replicaStatus": "ACTIVE", "kMSMasterKeyId": key_arn[1 - k]}],
                   "deletionProtectionEnabled": !bad}),
            json!({"ContinuousBackupsDescription": {"continuousBackupsStatus": "ENABLED",
                   "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": if bad && k == 1 { "DISABLED" } else { "ENABLED" }}},
                   "Tags": []}),
        ));
    }

    let global = format!("payments-{u}-global");
    let cluster_arn: Vec<String> = REGIONS
        .iter()
        .map(|r| arn("rds", r, &format!("cluster:payments-{u}-{r}")))
        .collect();
    for (k, region) in REGIONS.iter().enumerate() {
        let id = format!("payments-{u}-{region}");
        v.push(item(
            enc,
            "AWS::RDS::DBCluster",
            &format!("cluster-{u}{k}"),
            Some(&id),
            region,
            &cluster_arn[k],
            t("rds"),
            json!({"dBClusterIdentifier": id, "dbClusterResourceId": format!("cluster-{u}{k}"), "engine": "aurora-postgresql",
                   "engineVersion": "15.4", "engineMode": "provisioned", "status": "available", "port": 5432,
                   "storageEncrypted": true, "kmsKeyId": key_arn[k], "backupRetentionPeriod": if bad { 1 } else { 14 },
                   "deletionProtection": !bad, "preferredBackupWindow": "04:48-05:18", "multiAZ": true,
                   "availabilityZones": [format!("{region}a"), format!("{region}b"), format!("{region}c")]}),
            json!({}),
        ));
    }
    v.push(item(
        enc,
        "AWS::RDS::GlobalCluster",
        &global,
        Some(&global),
        REGIONS[0],
        &format!("arn:aws:rds::{ACCOUNT}:global-cluster:{global}"),
        json!({}),
        json!({"globalClusterIdentifier": global, "engine": "aurora-postgresql", "storageEncrypted": true,
               "deletionProtection": !bad, "globalClusterMembers": [
                   {"dBClusterArn": cluster_arn[0], "isWriter": true},
                   {"dBClusterArn": cluster_arn[1], "isWriter": false}]}),
        json!({}),
    ));
    let instance = format!("payments-{u}-writer");
    v.push(item(
        enc,
        "AWS::RDS::DBInstance",
        &format!("db-{u}"),
        Some(&instance),
        REGIONS[0],
        &arn("rds", REGIONS[0], &format!("db:{instance}")),
        t("rds"),
        json!({"dBInstanceIdentifier": instance, "dBInstanceClass": "db.r6g.large", "engine": "aurora-postgresql",
               "dbclusterIdentifier": format!("payments-{u}-{}", REGIONS[0]), "storageEncrypted": true,
               "kmsKeyId": key_arn[0], "backupRetentionPeriod": 14, "deletionProtection": !bad}),
        json!({}),
    ));

    // Two VPCs per unit, each with its own /24 (distinct across the file) and two /26 subnets;
    // with `--same-cidr` each has 172.31.0.0/16 and two /20 subnets.
    let vpc_id = |k: usize| format!("vpc-{i:08x}{k}");
    for (k, region) in REGIONS.iter().enumerate() {
        let n = 2 * i + k;
        let (a, b) = (n / 256 % 256, n % 256);
        let (cidr, subnet) = if opts.same_cidr {
            (
                "172.31.0.0/16".to_string(),
                (0..2)
                    .map(|s| format!("172.31.{}.0/20", s * 16))
                    .collect::<Vec<_>>(),
            )
        } else {
            (
                format!("10.{a}.{b}.0/24"),
                (0..2)
                    .map(|s| format!("10.{a}.{b}.{}/26", s * 64))
                    .collect(),
            )
        };
        v.push(item(
            enc,
            "AWS::EC2::VPC",
            &vpc_id(k),
            None,
            region,
            &arn("ec2", region, &format!("vpc/{}", vpc_id(k))),
            t("network"),
            json!({"vpcId": vpc_id(k), "cidrBlock": cidr, "state": "available", "isDefault": false,
                   "cidrBlockAssociationSet": [{"cidrBlock": cidr, "cidrBlockState": {"state": "associated"}}],
                   "tags": [{"key": "Name", "value": format!("{u}-{region}")}]}),
            json!({}),
        ));
        for s in 0..2 {
            let sid = format!("subnet-{i:08x}{k}{s}");
            v.push(item(
                enc,
                "AWS::EC2::Subnet",
                &sid,
                None,
                region,
                &arn("ec2", region, &format!("subnet/{sid}")),
                t("network"),
                json!({"subnetId": sid, "vpcId": vpc_id(k), "cidrBlock": subnet[s],
                       "availabilityZone": format!("{region}{}", ["a", "b"][s]), "state": "available",
                       "availableIpAddressCount": 59, "defaultForAz": false, "mapPublicIpOnLaunch": false, "tags": []}),
                json!({}),
            ));
        }
    }
    if opts.default_vpcs {
        for (k, region) in REGIONS.iter().enumerate() {
            let id = format!("vpc-d{i:07x}{k}");
            v.push(item(
                enc,
                "AWS::EC2::VPC",
                &id,
                None,
                region,
                &arn("ec2", region, &format!("vpc/{id}")),
                json!({}),
                json!({"vpcId": id, "cidrBlock": "172.31.0.0/16", "state": "available", "isDefault": true,
                       "cidrBlockAssociationSet": [{"cidrBlock": "172.31.0.0/16", "cidrBlockState": {"state": "associated"}}],
                       "tags": []}),
                json!({}),
            ));
        }
    }
    let pcx = format!("pcx-{i:08x}");
    v.push(item(
        enc,
        "AWS::EC2::VPCPeeringConnection",
        &pcx,
        None,
        REGIONS[0],
        &arn("ec2", REGIONS[0], &format!("vpc-peering-connection/{pcx}")),
        t("network"),
        json!({"vpcPeeringConnectionId": pcx, "status": {"code": "active", "message": "Active"},
               "requesterVpcInfo": {"vpcId": vpc_id(0), "ownerId": ACCOUNT, "region": REGIONS[0]},
               "accepterVpcInfo": {"vpcId": vpc_id(1), "ownerId": ACCOUNT, "region": REGIONS[1]}}),
        json!({}),
    ));

    let function = format!("payments-{u}-failover");
    let fn_arn = arn("lambda", REGIONS[0], &format!("function:{function}"));
    v.push(item(
        enc,
        "AWS::Lambda::Function",
        &function,
        Some(&function),
        REGIONS[0],
        &fn_arn,
        t("lambda"),
        json!({"functionName": function, "functionArn": fn_arn, "runtime": "python3.12", "handler": "app.handler",
               "kmsKeyArn": key_arn[0], "timeout": 30, "memorySize": 256,
               "environment": {"variables": {"TABLE": table, "STAGE": if bad { "prod" } else { "perf" }}}}),
        json!({"Tags": t("lambda")}),
    ));
    let topic = format!("payments-{u}-alerts");
    v.push(item(
        enc,
        "AWS::SNS::Topic",
        &arn("sns", REGIONS[0], &topic),
        Some(&topic),
        REGIONS[0],
        &arn("sns", REGIONS[0], &topic),
        t("sns"),
        json!({"TopicName": topic, "KmsMasterKeyId": key_arn[0]}),
        json!({}),
    ));
    let queue = format!("payments-{u}-events");
    v.push(item(
        enc,
        "AWS::SQS::Queue",
        &format!("https://sqs.{}.amazonaws.com/{ACCOUNT}/{queue}", REGIONS[0]),
        Some(&queue),
        REGIONS[0],
        &arn("sqs", REGIONS[0], &queue),
        t("sqs"),
        json!({"QueueName": queue, "QueueUrl": format!("https://sqs.{}.amazonaws.com/{ACCOUNT}/{queue}", REGIONS[0]),
               "KmsMasterKeyId": key_arn[0], "SqsManagedSseEnabled": false}),
        json!({}),
    ));
    let group = format!("/payments/{u}/app");
    v.push(item(
        enc,
        "AWS::Logs::LogGroup",
        &group,
        Some(&group),
        REGIONS[0],
        &arn("logs", REGIONS[0], &format!("log-group:{group}")),
        t("logs"),
        json!({"logGroupName": group, "retentionInDays": 30, "kmsKeyId": key_arn[0]}),
        json!({}),
    ));

    let vault = |k: usize| format!("payments-{u}-{}", REGIONS[k]);
    let vault_arn = |k: usize| arn("backup", REGIONS[k], &format!("backup-vault:{}", vault(k)));
    for (k, region) in REGIONS.iter().enumerate() {
        v.push(item(
            enc,
            "AWS::Backup::BackupVault",
            &vault(k),
            Some(&vault(k)),
            region,
            &vault_arn(k),
            t("backup"),
            json!({"backupVaultName": vault(k), "backupVaultArn": vault_arn(k), "encryptionKeyArn": key_arn[k]}),
            json!({}),
        ));
    }
    // Optionally a plan and a selection per unit, listing the unit's ARNs (see `main`).
    if unit_selections {
        let plan_id = format!("{i:08x}-0000-4000-8000-000000000001");
        v.push(item(
            enc,
            "AWS::Backup::BackupPlan",
            &plan_id,
            Some(&format!("payments-{u}")),
            REGIONS[0],
            &arn("backup", REGIONS[0], &format!("backup-plan:{plan_id}")),
            t("backup"),
            json!({"backupPlanId": plan_id, "backupPlan": {"backupPlanName": format!("payments-{u}"), "rules": [{
                "ruleName": "daily", "targetBackupVaultName": vault(0), "scheduleExpression": "cron(0 5 ? * * *)",
                "lifecycle": {"deleteAfterDays": if bad { 3 } else { 35 }},
                "copyActions": [{"destinationBackupVaultArn": vault_arn(1), "lifecycle": {"deleteAfterDays": 35}}]}]}}),
            json!({}),
        ));
        let selection = format!("{i:08x}-0000-4000-8000-000000000002");
        v.push(item(
            enc,
            "AWS::Backup::BackupSelection",
            &selection,
            Some(&format!("payments-{u}-stateful")),
            REGIONS[0],
            "",
            json!({}),
            json!({"selectionId": selection, "backupPlanId": plan_id, "backupSelection": {
                "selectionName": format!("payments-{u}-stateful"), "iamRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/backup"),
                "resources": [cluster_arn[0], arn("dynamodb", REGIONS[0], &format!("table/{table}"))]}}),
            json!({}),
        ));
    }
    let hc = format!("{i:08x}-0000-4000-8000-00000000000a");
    v.push(item(
        enc,
        "AWS::Route53::HealthCheck",
        &hc,
        None,
        "global",
        &format!("arn:aws:route53:::healthcheck/{hc}"),
        json!({}),
        json!({"Id": hc, "HealthCheckConfig": {"Type": "HTTPS", "FullyQualifiedDomainName": format!("{u}.payments.example.com"),
               "Port": 443, "ResourcePath": "/health", "RequestInterval": 30, "FailureThreshold": 3}}),
        json!({}),
    ));

    // Types the adapter does not map, and an item for a resource that is gone.
    let sg = format!("sg-{i:08x}");
    v.push(item(
        enc,
        "AWS::EC2::SecurityGroup",
        &sg,
        None,
        REGIONS[0],
        &arn("ec2", REGIONS[0], &format!("security-group/{sg}")),
        t("network"),
        json!({"groupId": sg, "vpcId": vpc_id(0), "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
               "ipRanges": ["10.0.0.0/8"]}]}),
        json!({}),
    ));
    let role = format!("payments-{u}-replication");
    v.push(item(
        enc,
        "AWS::IAM::Role",
        &format!("AROA{i:016X}"),
        Some(&role),
        "global",
        &format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
        json!({}),
        json!({"roleName": role, "path": "/", "assumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"}),
        json!({}),
    ));
    if i % 7 == 3 {
        let mut gone = item(
            enc,
            "AWS::SQS::Queue",
            &format!("{queue}-old"),
            Some(&format!("{queue}-old")),
            REGIONS[0],
            &arn("sqs", REGIONS[0], &format!("{queue}-old")),
            json!({}),
            json!({}),
            json!({}),
        );
        gone["configurationItemStatus"] = json!("ResourceDeleted");
        v.push(gone);
    }
    v
}

/// Writes a snapshot of `n` items.
pub fn write_snapshot(n: usize, opts: Options, mut w: impl Write) -> std::io::Result<()> {
    let head =
        json!({"fileVersion": "1.0", "configSnapshotId": format!("drlint-bench-{n}")}).to_string();
    // The head without its closing brace, then the items streamed one by one.
    write!(w, "{},\"configurationItems\":[", &head[..head.len() - 1])?;
    let mut written = 0;
    let mut unit = 0;
    let mut items = account_items();
    while written < n {
        items.extend(unit_items(unit, opts));
        for it in items.drain(..) {
            if written == n {
                break;
            }
            if written > 0 {
                w.write_all(b",")?;
            }
            serde_json::to_writer(&mut w, &it)?;
            written += 1;
        }
        unit += 1;
    }
    w.write_all(b"]}\n")?;
    w.flush()
}

/// `gen_config ITEMS [--unit-selections] [--same-cidr] [--default-vpcs]`. With
/// `--unit-selections` every unit also has its own backup plan and a selection listing its ARNs,
/// instead of relying on the account-wide tag selection only (that shape made DR604's coverage
/// check compare every selection with every resource).
#[allow(dead_code)] // tests/scale.rs includes this file for `write_snapshot` only
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let opts = Options {
        unit_selections: flag("--unit-selections"),
        same_cidr: flag("--same-cidr"),
        default_vpcs: flag("--default-vpcs"),
    };
    let known = ["--unit-selections", "--same-cidr", "--default-vpcs"];
    let n: Option<usize> = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok());
    let (Some(n), true) = (
        n,
        args.iter()
            .all(|a| !a.starts_with("--") || known.contains(&a.as_str())),
    ) else {
        eprintln!(
            "usage: gen_config ITEMS [--unit-selections] [--same-cidr] [--default-vpcs] > snapshot.json"
        );
        std::process::exit(2)
    };
    let stdout = std::io::stdout();
    if let Err(e) = write_snapshot(n, opts, BufWriter::new(stdout.lock())) {
        eprintln!("gen_config: {e}");
        std::process::exit(1)
    }
}
