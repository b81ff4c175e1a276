//! Generates a realistic two-region Terraform plan (`terraform show -json` shape, one line) for
//! benchmarks: `cargo run --release --example gen_plan -- RESOURCES [--pretty] > plan.json`.
//! `--pretty` writes the same document indented by two spaces with one value per line, as
//! `jq .` prints it (how plans often reach CI after a `jq` step); the default is one line, as
//! `terraform show -json` writes it.
//!
//! The plan instantiates a DR "unit" module many times (for_each), as large monorepos do. A unit
//! has 28 resources across us-east-1 (provider `aws`) and us-west-2 (`aws.dr`): KMS keys and
//! aliases, replicated S3 buckets with versioning and SSE, a DynamoDB global table, VPCs and
//! subnets, SQS, SNS, a log group, a Lambda, AWS Backup with a cross-region copy, and a Route 53
//! failover pair with a health check. Every tenth unit carries DR defects, so rules do real work.
//! Unknown-at-plan-time values come with `after_unknown` and configuration references.

use serde_json::{Value, json};
use std::io::{BufWriter, Write};

const PROVIDER: &str = "registry.terraform.io/hashicorp/aws";
const UNIT: usize = 28;

struct Res {
    rtype: &'static str,
    name: &'static str,
    dr: bool,
    after: Value,
    unknown: Value,
    /// Configuration expressions (per module, written once).
    expr: Value,
}

fn tags(unit: &str, extra: &str) -> Value {
    json!({
        "Environment": "perf", "Team": "payments-platform", "CostCenter": "cc-4711",
        "Service": format!("payments-{unit}"), "Component": extra, "ManagedBy": "terraform",
        "DataClassification": "confidential", "Owner": "dr-team@example.com"
    })
}

fn r(rtype: &str) -> Value {
    json!({ "references": [format!("{rtype}.arn"), rtype] })
}

fn unit_resources(i: usize) -> Vec<Res> {
    let u = format!("u{i:05}");
    let bad = i % 10 == 9;
    let (a, b) = (i / 256, i % 256);
    let t = |c: &str| tags(&u, c);
    let mut v = Vec::with_capacity(UNIT);
    let mut push = |rtype, name, dr, after: Value, unknown: Value, expr: Value| {
        v.push(Res {
            rtype,
            name,
            dr,
            after,
            unknown,
            expr,
        })
    };
    for (name, dr) in [("primary", false), ("dr", true)] {
        push(
            "aws_kms_key",
            name,
            dr,
            json!({"description": format!("{u} {name} data key"), "enable_key_rotation": !bad || dr, "key_usage": "ENCRYPT_DECRYPT",
                   "customer_master_key_spec": "SYMMETRIC_DEFAULT", "deletion_window_in_days": 7, "is_enabled": true,
                   "bypass_policy_lockout_safety_check": false, "custom_key_store_id": null, "xks_key_id": null, "tags": t("kms"), "timeouts": null}),
            json!({"arn": true, "id": true, "key_id": true, "multi_region": true, "policy": true, "tags_all": true}),
            json!({"description": {"constant_value": "data key"}, "enable_key_rotation": {"constant_value": true}}),
        );
        push(
            "aws_kms_alias",
            name,
            dr,
            json!({"name": format!("alias/payments-{u}-{name}-perf"), "name_prefix": null}),
            json!({"arn": true, "id": true, "target_key_arn": true, "target_key_id": true}),
            json!({"target_key_id": {"references": [format!("aws_kms_key.{name}.key_id"), format!("aws_kms_key.{name}")]}}),
        );
    }
    for (name, dr) in [("data", false), ("replica", true)] {
        let key = if dr { "dr" } else { "primary" };
        push(
            "aws_s3_bucket",
            name,
            dr,
            json!({"bucket": format!("payments-{u}-{name}-perf"), "force_destroy": false, "object_lock_enabled": false, "tags": t("s3"), "timeouts": null}),
            json!({"acceleration_status": true, "acl": true, "arn": true, "bucket_domain_name": true, "bucket_prefix": true, "bucket_regional_domain_name": true,
                   "cors_rule": true, "grant": true, "hosted_zone_id": true, "id": true, "lifecycle_rule": true, "logging": true, "policy": true,
                   "region": true, "replication_configuration": true, "request_payer": true, "server_side_encryption_configuration": true,
                   "tags_all": true, "versioning": true, "website": true, "website_domain": true, "website_endpoint": true}),
            json!({"bucket": {"constant_value": "x"}}),
        );
        push(
            "aws_s3_bucket_versioning",
            name,
            dr,
            json!({"expected_bucket_owner": null, "mfa": null, "versioning_configuration": [{"mfa_delete": null, "status": if bad && dr { "Suspended" } else { "Enabled" }}]}),
            json!({"bucket": true, "id": true, "versioning_configuration": [{}]}),
            json!({"bucket": {"references": [format!("aws_s3_bucket.{name}.id"), format!("aws_s3_bucket.{name}")]}, "versioning_configuration": [{"status": {"constant_value": "Enabled"}}]}),
        );
        push(
            "aws_s3_bucket_server_side_encryption_configuration",
            name,
            dr,
            json!({"expected_bucket_owner": null, "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}], "bucket_key_enabled": true}]}),
            json!({"bucket": true, "id": true, "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]}),
            json!({"bucket": {"references": [format!("aws_s3_bucket.{name}.id"), format!("aws_s3_bucket.{name}")]},
                   "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": r(&format!("aws_kms_key.{key}")), "sse_algorithm": {"constant_value": "aws:kms"}}],
                             "bucket_key_enabled": {"constant_value": true}}]}),
        );
    }
    push(
        "aws_s3_bucket_replication_configuration",
        "data",
        false,
        json!({"expected_bucket_owner": null, "token": null, "rule": [{"id": "all", "priority": 1, "status": "Enabled", "prefix": "",
            "filter": [{"prefix": "", "tag": [], "and": []}],
            "delete_marker_replication": if bad { json!([]) } else { json!([{"status": "Enabled"}]) },
            "destination": [{"storage_class": "STANDARD", "account": null, "access_control_translation": [], "metrics": [], "replication_time": [], "encryption_configuration": [{}]}],
            "source_selection_criteria": [{"replica_modifications": [], "sse_kms_encrypted_objects": [{"status": "Enabled"}]}], "existing_object_replication": []}]}),
        json!({"bucket": true, "id": true, "role": true, "rule": [{"destination": [{"bucket": true, "encryption_configuration": [{"replica_kms_key_id": true}]}], "filter": [{}]}]}),
        json!({"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}, "role": {"references": ["var.replication_role_arn"]},
               "rule": [{"destination": [{"bucket": r("aws_s3_bucket.replica"), "encryption_configuration": [{"replica_kms_key_id": r("aws_kms_key.dr")}]}],
                         "filter": [{"prefix": {"constant_value": ""}}]}]}),
    );
    push(
        "aws_dynamodb_table",
        "sessions",
        false,
        json!({"name": format!("payments-{u}-sessions-perf"), "billing_mode": "PAY_PER_REQUEST", "hash_key": "id", "range_key": null,
               "attribute": [{"name": "id", "type": "S"}], "deletion_protection_enabled": true, "stream_enabled": true, "stream_view_type": "NEW_AND_OLD_IMAGES",
               "point_in_time_recovery": [{"enabled": true}], "server_side_encryption": [{"enabled": true}],
               "replica": [{"region_name": "us-west-2", "point_in_time_recovery": !bad, "propagate_tags": true}],
               "table_class": "STANDARD", "tags": t("dynamodb"), "ttl": [], "timeouts": null, "global_secondary_index": [], "local_secondary_index": []}),
        json!({"arn": true, "id": true, "stream_arn": true, "stream_label": true, "tags_all": true, "read_capacity": true, "write_capacity": true,
               "server_side_encryption": [{"kms_key_arn": true}], "replica": [{"arn": true, "kms_key_arn": true, "stream_arn": true, "stream_label": true}]}),
        json!({"server_side_encryption": [{"enabled": {"constant_value": true}, "kms_key_arn": r("aws_kms_key.primary")}],
               "replica": [{"region_name": {"constant_value": "us-west-2"}, "kms_key_arn": r("aws_kms_key.dr")}]}),
    );
    for (name, dr, net) in [
        ("primary", false, format!("10.{a}.{b}")),
        ("dr", true, format!("11.{a}.{b}")),
    ] {
        push(
            "aws_vpc",
            name,
            dr,
            json!({"cidr_block": format!("{net}.0/24"), "enable_dns_hostnames": true, "enable_dns_support": true, "instance_tenancy": "default",
                   "assign_generated_ipv6_cidr_block": false, "ipv4_ipam_pool_id": null, "tags": t("network")}),
            json!({"arn": true, "id": true, "default_route_table_id": true, "main_route_table_id": true, "owner_id": true, "tags_all": true}),
            json!({"cidr_block": {"constant_value": "x"}}),
        );
        for (sub, off) in [("a", 0), ("b", 64)] {
            let sname: &'static str = match (dr, sub) {
                (false, "a") => "primary_a",
                (false, _) => "primary_b",
                (true, "a") => "dr_a",
                (true, _) => "dr_b",
            };
            push(
                "aws_subnet",
                sname,
                dr,
                json!({"cidr_block": format!("{net}.{off}/26"), "map_public_ip_on_launch": false, "tags": t("network")}),
                json!({"arn": true, "id": true, "vpc_id": true, "availability_zone": true, "tags_all": true}),
                json!({"vpc_id": {"references": [format!("aws_vpc.{name}.id"), format!("aws_vpc.{name}")]}}),
            );
        }
    }
    push(
        "aws_sqs_queue",
        "jobs",
        false,
        json!({"name": format!("payments-{u}-jobs-perf"), "delay_seconds": 0, "fifo_queue": false, "max_message_size": 262144, "message_retention_seconds": 345600,
               "receive_wait_time_seconds": 0, "visibility_timeout_seconds": 30, "kms_data_key_reuse_period_seconds": 300, "tags": t("sqs")}),
        json!({"arn": true, "id": true, "kms_master_key_id": true, "policy": true, "url": true, "tags_all": true}),
        json!({"kms_master_key_id": r("aws_kms_key.primary")}),
    );
    push(
        "aws_sns_topic",
        "alerts",
        false,
        json!({"name": format!("payments-{u}-alerts-perf"), "fifo_topic": false, "kms_master_key_id": if bad { json!(null) } else { json!("alias/payments-perf") }, "tags": t("sns")}),
        json!({"arn": true, "id": true, "owner": true, "policy": true, "tags_all": true}),
        json!({}),
    );
    push(
        "aws_cloudwatch_log_group",
        "worker",
        false,
        json!({"name": format!("/aws/lambda/payments-{u}-worker-perf"), "retention_in_days": 30, "skip_destroy": false, "tags": t("logs")}),
        json!({"arn": true, "id": true, "kms_key_id": true, "tags_all": true}),
        json!({"kms_key_id": r("aws_kms_key.primary")}),
    );
    push(
        "aws_lambda_function",
        "worker",
        false,
        json!({"function_name": format!("payments-{u}-worker-perf"), "handler": "app.handler", "runtime": "python3.12", "memory_size": 1024, "timeout": 30,
               "environment": [{"variables": {"TABLE": format!("payments-{u}-sessions-perf"), "REGION_ROLE": "primary"}}], "tags": t("lambda")}),
        json!({"arn": true, "id": true, "invoke_arn": true, "kms_key_arn": true, "role": true, "tags_all": true, "version": true}),
        json!({"kms_key_arn": r("aws_kms_key.primary")}),
    );
    push(
        "aws_backup_vault",
        "dr",
        true,
        json!({"name": format!("payments-{u}-vault-perf"), "force_destroy": false, "tags": t("backup")}),
        json!({"arn": true, "id": true, "kms_key_arn": true, "recovery_points": true, "tags_all": true}),
        json!({"kms_key_arn": r("aws_kms_key.dr")}),
    );
    push(
        "aws_backup_plan",
        "daily",
        false,
        json!({"name": format!("payments-{u}-daily-perf"), "rule": [{"rule_name": "daily", "schedule": if bad { "cron(0 5 ? * MON *)" } else { "cron(0 5 ? * * *)" },
               "start_window": 60, "completion_window": 180, "lifecycle": [{"delete_after": 14, "cold_storage_after": null}],
               "copy_action": [{"lifecycle": [{"delete_after": 14, "cold_storage_after": null}]}]}], "tags": t("backup")}),
        json!({"arn": true, "id": true, "version": true, "tags_all": true, "rule": [{"target_vault_name": true, "copy_action": [{"destination_vault_arn": true}]}]}),
        json!({"rule": [{"copy_action": [{"destination_vault_arn": r("aws_backup_vault.dr")}]}]}),
    );
    push(
        "aws_backup_selection",
        "sessions",
        false,
        json!({"name": format!("payments-{u}-sessions-perf"), "resources": [null], "not_resources": [], "selection_tag": []}),
        json!({"id": true, "iam_role_arn": true, "plan_id": true, "resources": [true]}),
        json!({"plan_id": {"references": ["aws_backup_plan.daily.id", "aws_backup_plan.daily"]}, "resources": {"references": ["aws_dynamodb_table.sessions.arn", "aws_dynamodb_table.sessions"]}}),
    );
    push(
        "aws_route53_health_check",
        "primary",
        false,
        json!({"type": "HTTPS", "fqdn": format!("{u}.primary.payments.example.com"), "port": 443, "resource_path": "/health",
               "request_interval": 30, "failure_threshold": 3, "measure_latency": false, "tags": t("dns")}),
        json!({"arn": true, "id": true, "tags_all": true}),
        json!({}),
    );
    for (name, kind) in [("primary", "PRIMARY"), ("secondary", "SECONDARY")] {
        push(
            "aws_route53_record",
            name,
            false,
            json!({"zone_id": "Z0123456789EXAMPLE", "name": format!("{u}.payments.example.com"), "type": "A", "ttl": 60,
                   "records": [if kind == "PRIMARY" { format!("203.0.{}.{}", a, b) } else { format!("198.51.{}.{}", a, b) }],
                   "set_identifier": name, "failover_routing_policy": [{"type": kind}], "alias": []}),
            json!({"fqdn": true, "id": true, "health_check_id": kind == "PRIMARY"}),
            if kind == "PRIMARY" && !bad {
                json!({"health_check_id": {"references": ["aws_route53_health_check.primary.id", "aws_route53_health_check.primary"]}})
            } else {
                json!({})
            },
        );
    }
    v
}

/// Re-indents minified JSON as it is written: two spaces per level, `"key": value`, empty
/// containers kept as `{}` / `[]` (the layout of `jq .`). Strings pass through unchanged.
struct Pretty<W: Write> {
    out: W,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// An opening bracket not written yet: it is written as `{}` when its container is empty.
    open: Option<u8>,
    buf: Vec<u8>,
}

impl<W: Write> Pretty<W> {
    fn new(out: W) -> Self {
        Pretty {
            out,
            depth: 0,
            in_string: false,
            escaped: false,
            open: None,
            buf: Vec::with_capacity(1 << 16),
        }
    }
    fn newline(&mut self) {
        self.buf.push(b'\n');
        self.buf.extend(std::iter::repeat_n(b' ', 2 * self.depth));
    }
    fn byte(&mut self, c: u8) {
        if self.in_string {
            self.buf.push(c);
            if self.escaped {
                self.escaped = false;
            } else if c == b'\\' {
                self.escaped = true;
            } else if c == b'"' {
                self.in_string = false;
            }
            return;
        }
        if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            return;
        }
        if let Some(o) = self.open.take() {
            self.buf.push(o);
            if (o == b'{' && c == b'}') || (o == b'[' && c == b']') {
                self.buf.push(c);
                return;
            }
            self.depth += 1;
            self.newline();
        }
        match c {
            b'{' | b'[' => self.open = Some(c),
            b'}' | b']' => {
                self.depth -= 1;
                self.newline();
                self.buf.push(c);
            }
            b',' => {
                self.buf.push(c);
                self.newline();
            }
            b':' => self.buf.extend_from_slice(b": "),
            b'"' => {
                self.in_string = true;
                self.buf.push(c);
            }
            _ => self.buf.push(c),
        }
    }
}

impl<W: Write> Write for Pretty<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        for &c in data {
            self.byte(c);
        }
        if self.buf.len() >= 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pretty = args.iter().any(|a| a == "--pretty");
    let n: usize = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    if pretty {
        generate(n, Pretty::new(out))
    } else {
        generate(n, out)
    }
}

fn generate(n: usize, mut w: impl Write) -> std::io::Result<()> {
    let units = n.div_ceil(UNIT);
    write!(
        w,
        r#"{{"format_version":"1.2","terraform_version":"1.9.5","variables":{{"environment_suffix":{{"value":"perf"}},"replication_role_arn":{{"value":"arn:aws:iam::111122223333:role/replication-perf"}}}},"planned_values":{{"root_module":{{"child_modules":["#
    )?;
    let mut count = 0;
    for i in 0..units {
        if i > 0 {
            w.write_all(b",")?;
        }
        let module = format!("module.unit[\"u{i:05}\"]");
        let resources: Vec<Value> = unit_resources(i)
            .into_iter()
            .take(n - count)
            .map(|r| {
                json!({"address": format!("{module}.{}.{}", r.rtype, r.name), "mode": "managed", "type": r.rtype, "name": r.name,
                       "provider_name": PROVIDER, "schema_version": 0, "values": r.after, "sensitive_values": {}})
            })
            .collect();
        count += resources.len();
        serde_json::to_writer(&mut w, &json!({"address": module, "resources": resources}))?;
    }
    w.write_all(br#"]}},"resource_changes":["#)?;
    count = 0;
    let mut first = true;
    for i in 0..units {
        let module = format!("module.unit[\"u{i:05}\"]");
        for r in unit_resources(i).into_iter().take(n - count) {
            count += 1;
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(
                &mut w,
                &json!({"address": format!("{module}.{}.{}", r.rtype, r.name), "module_address": module, "mode": "managed", "type": r.rtype,
                        "name": r.name, "provider_name": PROVIDER,
                        "change": {"actions": ["create"], "before": null, "after": r.after, "after_unknown": r.unknown,
                                   "before_sensitive": false, "after_sensitive": {}}}),
            )?;
        }
    }
    let config: Vec<Value> = unit_resources(0)
        .into_iter()
        .map(|r| {
            json!({"address": format!("{}.{}", r.rtype, r.name), "mode": "managed", "type": r.rtype, "name": r.name,
                   "provider_config_key": if r.dr { "aws.dr" } else { "aws" }, "expressions": r.expr, "schema_version": 0})
        })
        .collect();
    let configuration = json!({
        "provider_config": {
            "aws": {"name": "aws", "full_name": PROVIDER, "expressions": {"region": {"constant_value": "us-east-1"}}},
            "aws.dr": {"name": "aws", "full_name": PROVIDER, "alias": "dr", "expressions": {"region": {"constant_value": "us-west-2"}}}
        },
        "root_module": {"module_calls": {"unit": {"source": "./modules/dr-unit", "for_each_expression": {"references": ["local.units"]},
                                                   "module": {"resources": config}}}}
    });
    write!(w, r#"],"configuration":"#)?;
    serde_json::to_writer(&mut w, &configuration)?;
    write!(
        w,
        r#","timestamp":"2026-11-22T12:00:00Z","applyable":true,"complete":true,"errored":false}}"#
    )?;
    w.write_all(b"\n")?;
    w.flush()
}
