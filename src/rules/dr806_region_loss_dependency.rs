//! DR806 region-loss-dependency: a resource in the DR region that reaches into the primary
//! region — a secret, parameter, key, table, bucket, topic, queue or function that only the
//! primary region has, or an IAM grant that names only the primary copy of something
//! replicated — stops working in exactly the outage it is there for.

use super::kms::has_replica_in;
use super::regional::{secret_replicated_in, table_replicated_in};
use super::{Ctx, Level, Out, Rule, unknown_phrase};
use crate::model::{
    Origin, Picked, ResourceId, Target, own_refs, parse_arn, traversal_attribute,
};
use crate::value::{Kind, Value};
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    id: "DR806",
    name: "region-loss-dependency",
    family: "region-loss",
    level: Level::Error,
    security_severity: None,
    needs: &[],
    shared: &[],
    check,
};

/// What a DR resource may depend on, by type, with the ARN service that names it.
const TARGETS: &[(&str, &str, &str)] = &[
    ("aws_secretsmanager_secret", "secretsmanager", "secret"),
    ("aws_secretsmanager_secret_version", "secretsmanager", "secret"),
    ("aws_ssm_parameter", "ssm", "SSM parameter"),
    ("aws_kms_key", "kms", "KMS key"),
    ("aws_dynamodb_table", "dynamodb", "DynamoDB table"),
    ("aws_s3_bucket", "s3", "S3 bucket"),
    ("aws_sns_topic", "sns", "SNS topic"),
    ("aws_sqs_queue", "sqs", "SQS queue"),
    ("aws_lambda_function", "lambda", "Lambda function"),
];

fn target_kind(rtype: &str) -> Option<&'static str> {
    TARGETS.iter().find(|t| t.0 == rtype).map(|t| t.2)
}

/// Resources whose references into the primary region are replication, failback, fan-out or
/// permissions for others, not dependencies: global services (IAM, Route 53), replication and
/// peering plumbing, resource policies, backup copies, dashboards, alarm-topic subscriptions.
fn is_consumer(rtype: &str) -> bool {
    !(rtype.starts_with("aws_iam_")
        || rtype.starts_with("aws_route53")
        || matches!(
            rtype,
            "aws_s3_bucket_replication_configuration"
                | "aws_dynamodb_table_replica"
                | "aws_kms_replica_key"
                | "aws_kms_key"
                | "aws_vpc_peering_connection_accepter"
                | "aws_vpc_peering_connection"
                | "aws_route"
                | "aws_route_table"
                | "aws_rds_cluster"
                | "aws_rds_cluster_instance"
                | "aws_rds_global_cluster"
                | "aws_sns_topic_subscription"
                | "aws_sqs_queue_policy"
                | "aws_sns_topic_policy"
                | "aws_s3_bucket_policy"
                | "aws_lambda_permission"
                | "aws_secretsmanager_secret_policy"
                | "aws_cloudwatch_event_bus_policy"
                | "aws_backup_plan"
                | "aws_backup_selection"
                | "aws_backup_vault_policy"
                | "aws_cloudwatch_dashboard"
                | "aws_cloudwatch_metric_alarm"
        ))
}

/// Attributes that are not dependencies: policies (permissions granted to others) and the
/// encryption keys DR302 checks.
fn skip_attr(key: &str) -> bool {
    key == "policy"
        || key.ends_with("_policy")
        || matches!(
            key,
            "kms_key_id" | "kms_key_arn" | "kms_master_key_id" | "replica_kms_key_id" | "tags" | "tags_all"
        )
}

/// Roles a resource runs as.
const ROLE_ATTRS: &[&str] = &["role", "role_arn", "execution_role_arn", "task_role_arn", "service_role"];

fn check(cx: &Ctx, out: &mut Out) {
    let m = cx.model;
    let (Some(primary), Some(dr)) = (cx.settings.primary.as_deref(), cx.settings.dr.as_deref())
    else {
        return; // no DR region: nothing can depend across regions (DR803 and DR805 say so)
    };
    let policies = role_policies(cx);
    for (id, r) in m.resources.iter().enumerate() {
        if r.region != Some(dr) || !is_consumer(r.rtype) {
            continue;
        }
        let env = r.rtype == "aws_lambda_function";
        let mut w = Walk {
            cx,
            out,
            id,
            primary,
            dr,
            env_vars: false,
            seen: HashSet::new(),
        };
        for (k, v) in r.attrs.entries() {
            if skip_attr(k) {
                continue;
            }
            w.env_vars = false;
            w.value(k, v, env && k == "environment");
        }
        for &attr in ROLE_ATTRS {
            let v = r.get(attr);
            if !v.is_set() {
                continue;
            }
            let roles: Vec<ResourceId> = match m.target(id, v) {
                Target::Resources(ids) => ids.into_iter().filter(|&x| m.get(x).rtype == "aws_iam_role").collect(),
                Target::Literal(s) => m.find_by_attr("aws_iam_role", "arn", s),
                _ => Vec::new(),
            };
            for role in roles {
                for &(pid, pattr) in policies.get(&role).map(Vec::as_slice).unwrap_or(&[]) {
                    grants(cx, out, id, attr, role, pid, pattr, primary, dr);
                }
            }
        }
        if r.origin == Origin::AwsConfig && r.rtype == "aws_lambda_function" && !r.get("role").is_set() {
            out.undecided(cx, id, "role", r.get("role"), "the function's execution role and its policies are not recorded by AWS Config, so it is not known whether they grant only primary-region ARNs of replicated resources");
            out.with_key("role");
        }
    }
}

/// Each role's policy documents: (policy resource, attribute holding the document).
fn roles_of<'a>(cx: &Ctx<'_, 'a>, from: ResourceId, v: &Value<'a>) -> Vec<ResourceId> {
    let m = cx.model;
    match m.target(from, v) {
        Target::Resources(ids) => ids.into_iter().filter(|&x| m.get(x).rtype == "aws_iam_role").collect(),
        Target::Literal(s) => {
            let mut v = m.find_by_attr("aws_iam_role", "name", s);
            v.extend(m.find_by_attr("aws_iam_role", "arn", s));
            v
        }
        _ => Vec::new(),
    }
}

fn role_policies(cx: &Ctx) -> HashMap<ResourceId, Vec<(ResourceId, &'static str)>> {
    let m = cx.model;
    let mut out: HashMap<ResourceId, Vec<(ResourceId, &'static str)>> = HashMap::new();
    let roles_of = |from: ResourceId, v| roles_of(cx, from, v);
    for &rp in m.of_type("aws_iam_role_policy") {
        for role in roles_of(rp, m.get(rp).get("role")) {
            out.entry(role).or_default().push((rp, "policy"));
        }
    }
    for &role in m.of_type("aws_iam_role") {
        if m.get(role).get("inline_policy").items().any(|p| p.get("policy").is_set()) {
            out.entry(role).or_default().push((role, "inline_policy"));
        }
    }
    for &at in m.of_type("aws_iam_role_policy_attachment") {
        let a = m.get(at);
        let pols: Vec<ResourceId> = match m.target(at, a.get("policy_arn")) {
            Target::Resources(ids) => ids.into_iter().filter(|&x| m.get(x).rtype == "aws_iam_policy").collect(),
            Target::Literal(s) => m.find_by_attr("aws_iam_policy", "arn", s),
            _ => Vec::new(),
        };
        for role in roles_of(at, a.get("role")) {
            for &p in &pols {
                out.entry(role).or_default().push((p, "policy"));
            }
        }
    }
    out
}

/// The text of a Terraform JSON string that holds `${...}` interpolations, as written.
fn template(cx: &Ctx, id: ResourceId, v: &Value) -> Option<String> {
    let r = cx.model.get(id);
    if r.origin != Origin::TerraformJson || !v.is_unknown() {
        return None;
    }
    let raw = cx.model.file(r.file).text.get(v.span().range())?;
    serde_json::from_str::<String>(raw).ok()
}

/// ARN-shaped pieces of a text: from `arn:` to the next quote, space or comma.
fn arns_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(p) = rest.find("arn:") {
        let tail = &rest[p..];
        let end = tail.find(['"', '\'', ' ', ',', '\n']).unwrap_or(tail.len());
        out.push(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

fn service_kind(service: &str) -> Option<&'static str> {
    TARGETS.iter().find(|t| t.1 == service).map(|t| t.2)
}

struct Walk<'c, 'm, 'a, 'o> {
    cx: &'c Ctx<'m, 'a>,
    out: &'o mut Out,
    id: ResourceId,
    primary: &'c str,
    dr: &'c str,
    env_vars: bool,
    /// (attribute, what) already reported: one finding per dependency per attribute.
    seen: HashSet<(String, String)>,
}

impl Walk<'_, '_, '_, '_> {
    /// Records a failure once per attribute and dependency; `what` is also the finding's key,
    /// so several dependencies of one attribute have distinct fingerprints.
    fn fail(&mut self, path: &str, v: &Value, what: &str, message: String) {
        if self.seen.insert((path.to_string(), what.to_string())) {
            self.out.fail(self.cx, self.id, path, v, message);
            self.out.with_key(what.to_string());
        }
    }

    fn value(&mut self, path: &str, v: &Value, in_env: bool) {
        match v.kind() {
            Kind::Obj(entries) => {
                for (k, x) in entries {
                    if skip_attr(k) {
                        continue;
                    }
                    let env = in_env && (k == "variables" || self.env_vars);
                    let was = self.env_vars;
                    self.env_vars = env;
                    self.value(&format!("{path}.{k}"), x, in_env);
                    self.env_vars = was;
                }
            }
            Kind::Arr(items) if items.len() == 1 => self.value(path, &items[0], in_env),
            Kind::Arr(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.value(&format!("{path}[{i}]"), x, in_env);
                }
            }
            Kind::Str(s) => self.literal(path, v, s),
            Kind::Unknown(u) => {
                let m = self.cx.model;
                for t in own_refs(&u.refs) {
                    let t = t.trim();
                    let attr = traversal_attribute(t).unwrap_or("");
                    for to in m.resolve_ref(self.id, t) {
                        self.reference(path, v, to, attr);
                    }
                    if let Some(ds) = t.strip_prefix("data.")
                        && let Some(kind) = TARGETS.iter().find(|x| ds.starts_with(&format!("{}.", x.0)) || ds.starts_with(&format!("{}_", x.0))).map(|x| x.2)
                    {
                        self.out.undecided(self.cx, self.id, path, v, format!("it reads the {kind} data source `{t}`, and data sources are not in the model, so it is not known whether that {kind} exists only in the primary region"));
                        self.out.with_key(t.to_string());
                    }
                }
                if let Some(text) = template(self.cx, self.id, v) {
                    let arns: Vec<String> = arns_in(&text).into_iter().map(str::to_string).collect();
                    for a in arns {
                        self.arn(path, v, &a);
                    }
                }
            }
            _ => {}
        }
    }

    fn literal(&mut self, path: &str, v: &Value, s: &str) {
        for a in arns_in(s) {
            self.arn(path, v, a);
        }
        if !self.env_vars {
            return;
        }
        let host = format!(".{}.amazonaws.com", self.primary);
        if s.contains("://") && (s.contains(&host) || s.contains(&format!(".{}.api.aws", self.primary))) {
            self.fail(path, v, "endpoint", format!("this environment variable holds an endpoint in the primary region {}: after losing it the DR function calls a region that is down", self.primary));
            return;
        }
        // A name: the DR function looks it up in its own region.
        let m = self.cx.model;
        for &(rtype, _, kind) in TARGETS {
            let attr = match rtype {
                "aws_s3_bucket" => "bucket",
                "aws_lambda_function" => "function_name",
                "aws_secretsmanager_secret_version" | "aws_kms_key" => continue,
                _ => "name",
            };
            let found = m.find_by_attr(rtype, attr, s);
            if found.is_empty() {
                continue;
            }
            let here = found.iter().any(|&f| m.get(f).region == Some(self.dr));
            let only_primary = found.iter().all(|&f| m.get(f).region == Some(self.primary));
            if here || !only_primary {
                continue;
            }
            let f = found[0];
            // A primary table without a DR replica is DR803's finding, and so is its fix; the
            // replica then answers to the same name.
            if rtype == "aws_dynamodb_table" {
                continue;
            }
            if rtype == "aws_secretsmanager_secret" && secret_replicated_in(self.cx, f, self.dr) != Some(false) {
                continue;
            }
            let what = if rtype == "aws_s3_bucket" {
                "names it, and bucket names are global: the DR function reads and writes the primary bucket".to_string()
            } else {
                format!("is looked up in the DR region {}, where no {kind} of that name exists", self.dr)
            };
            let key = m.get(f).address.clone();
            self.fail(path, v, &key, format!("this environment variable names the {kind} {} that exists only in the primary region {}; the name {what}", m.get(f).address, self.primary));
            return;
        }
    }

    fn arn(&mut self, path: &str, v: &Value, arn: &str) {
        let Some(a) = parse_arn(arn) else { return };
        if a.region != self.primary {
            return;
        }
        let Some(kind) = service_kind(a.service) else { return };
        let m = self.cx.model;
        let known = TARGETS
            .iter()
            .filter(|t| t.1 == a.service)
            .flat_map(|t| m.find_by_attr(t.0, "arn", arn))
            .next();
        let what = known.map_or_else(|| format!("`{arn}`"), |k| m.get(k).address.clone());
        let key = known.map_or_else(|| arn.to_string(), |k| m.get(k).address.clone());
        self.fail(path, v, &key, format!("it names the {kind} {what} by its ARN in the primary region {}: after losing that region the DR resource cannot reach it{}", self.primary, replica_hint(self.cx, known, self.dr)));
    }

    fn reference(&mut self, path: &str, v: &Value, to: ResourceId, attr: &str) {
        let m = self.cx.model;
        let t = m.get(to);
        let Some(kind) = target_kind(t.rtype) else { return };
        if t.region != Some(self.primary) {
            return;
        }
        let (target, kind) = if t.rtype == "aws_secretsmanager_secret_version" {
            match m.target(to, t.get("secret_id")) {
                Target::Resources(ids) => {
                    match m.pick(to, &ids, |r| r.rtype == "aws_secretsmanager_secret") {
                        Picked::One(s) => (s, "secret"),
                        Picked::Several(secrets) => {
                            if !self.seen.insert((path.to_string(), t.address.clone())) {
                                return;
                            }
                            let names: Vec<&str> = secrets.iter().take(2).map(|&s| m.get(s).address.as_str()).collect();
                            self.out.undecided(self.cx, self.id, path, v, format!("it references the secret version {}, whose secret is one of {} secrets ({} among them), and the input does not say which, so it is not known whether that secret is replicated into {}", t.address, secrets.len(), names.join(" and "), self.dr));
                            self.out.with_key(t.address.clone());
                            return;
                        }
                        Picked::None => (to, kind),
                    }
                }
                _ => (to, kind),
            }
        } else {
            (to, kind)
        };
        let by_name = matches!(attr, "name" | "function_name" | "secret_string" | "value" | "key_id")
            || (t.rtype == "aws_dynamodb_table" && attr == "id");
        let replicated = match m.get(target).rtype {
            "aws_dynamodb_table" => table_replicated_in(self.cx, target, self.dr),
            "aws_secretsmanager_secret" => secret_replicated_in(self.cx, target, self.dr),
            "aws_kms_key" => Some(has_replica_in(self.cx, target, self.dr)),
            _ => Some(false),
        };
        match replicated {
            Some(true) if by_name => return, // the DR replica answers to the same name
            // DR803 reports a primary table without a DR replica; its fix (a replica) also
            // makes a reference by name safe.
            Some(false) if m.get(target).rtype == "aws_dynamodb_table" && by_name => return,
            None => {
                self.out.undecided(self.cx, self.id, path, v, format!("it references the {kind} {} in the primary region {}, whose replicas are {}", t.address, self.primary, unknown_phrase(self.cx, target)));
                self.out.with_key(m.get(target).address.clone());
                return;
            }
            _ => {}
        }
        let how = if attr.is_empty() { String::new() } else { format!(" (its {attr})") };
        let why = match replicated {
            Some(true) => format!("it reads the primary copy's {attr}, not the DR replica's"),
            _ => format!("that exists only in the primary region {}", self.primary),
        };
        let key = m.get(target).address.clone();
        self.fail(path, v, &key, format!("it references the {kind} {}{how}, and {why}: after losing the primary region the DR resource cannot reach it{}", m.get(target).address, replica_hint(self.cx, Some(target), self.dr)));
    }
}

fn replica_hint(cx: &Ctx, target: Option<ResourceId>, dr: &str) -> String {
    let Some(t) = target else { return String::new() };
    let replicated = replicated_in(cx, t, dr) == Some(true);
    match cx.model.get(t).rtype {
        "aws_dynamodb_table" | "aws_secretsmanager_secret" | "aws_kms_key" if replicated => {
            format!(" (use the replica in {dr}, by name or by its own ARN)")
        }
        "aws_dynamodb_table" | "aws_secretsmanager_secret" | "aws_kms_key" => {
            format!(" (replicate it into {dr} and use the replica there)")
        }
        "aws_s3_bucket" => format!(" (use a bucket in {dr} that the primary bucket replicates into)"),
        _ => format!(" (create its counterpart in {dr})"),
    }
}

/// Checks one policy document of a role a DR resource runs as: a grant of a replicated
/// resource's primary-region ARN without the DR replica's ARN denies the DR resource its local
/// copy after failover (IAM roles are global; the grant must name both regions).
#[allow(clippy::too_many_arguments)]
fn grants(cx: &Ctx, out: &mut Out, user: ResourceId, attr: &str, role: ResourceId, pid: ResourceId, pattr: &str, primary: &str, dr: &str) {
    let m = cx.model;
    let p = m.get(pid);
    let docs: Vec<&Value> = if pattr == "inline_policy" {
        p.get("inline_policy").items().map(|x| x.get("policy")).collect()
    } else {
        vec![p.get("policy")]
    };
    for doc in docs {
        let text = match doc.kind() {
            Kind::Str(s) => Some(s.to_string()),
            _ => template(cx, pid, doc),
        };
        let Some(text) = text else {
            if let Kind::Unknown(u) = doc.kind() {
                // A plan's policy known only after apply: its references are all there is.
                for t in own_refs(&u.refs) {
                    for to in m.resolve_ref(pid, t) {
                        if replicated_in(cx, to, dr) == Some(true) && traversal_attribute(t) == Some("arn") {
                            out.undecided(cx, user, attr, m.get(user).get(attr), format!("the policy {} of its role {} is {} and references the ARN of {} in the primary region {primary}; it is not known whether it also grants the replica in {dr}", p.address, m.get(role).address, unknown_phrase(cx, pid), m.get(to).address));
                            out.with_key(format!("grant:{}", p.address));
                        }
                    }
                }
            }
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let stmts: Vec<&serde_json::Value> = match &json["Statement"] {
            serde_json::Value::Array(a) => a.iter().collect(),
            o @ serde_json::Value::Object(_) => vec![o],
            _ => Vec::new(),
        };
        for s in stmts {
            if s["Effect"].as_str() != Some("Allow") {
                continue;
            }
            let res: Vec<&str> = match &s["Resource"] {
                serde_json::Value::String(x) => vec![x.as_str()],
                serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
                _ => Vec::new(),
            };
            if res.contains(&"*") {
                continue;
            }
            for g in &res {
                // (service, resource part) of each primary-region grant of a replicated target
                let (target, service, rest) = if let Some(t) = g.strip_prefix("${").and_then(|x| x.strip_suffix('}')) {
                    let Some(to) = m.resolve_ref(pid, t).into_iter().next() else { continue };
                    if traversal_attribute(t) != Some("arn") || m.get(to).region != Some(primary) {
                        continue;
                    }
                    let svc = TARGETS.iter().find(|x| x.0 == m.get(to).rtype).map_or("", |x| x.1);
                    (to, svc, None)
                } else {
                    let Some(a) = parse_arn(g) else { continue };
                    if a.region != primary {
                        continue;
                    }
                    let found = TARGETS
                        .iter()
                        .filter(|t| t.1 == a.service)
                        .flat_map(|t| {
                            let mut v = m.find_by_attr(t.0, "arn", g);
                            if let Some(name) = a.resource.strip_prefix("table/")
                                && t.0 == "aws_dynamodb_table"
                            {
                                v.extend(m.find_by_attr(t.0, "name", name));
                            }
                            v
                        })
                        .find(|&x| m.get(x).region == Some(primary));
                    let Some(to) = found else { continue };
                    (to, a.service, Some(a.resource))
                };
                if replicated_in(cx, target, dr) != Some(true) {
                    continue;
                }
                let rp = rest.map(str::to_string).or_else(|| resource_part(cx, target));
                let twin = res.iter().any(|o| {
                    parse_arn(o).is_some_and(|b| {
                        b.service == service
                            && (b.region == dr || b.region == "*")
                            && rp.as_deref().is_some_and(|rp| b.resource == rp || b.resource == "*")
                    }) || o.contains("replica")
                });
                if twin {
                    continue;
                }
                let kind = target_kind(m.get(target).rtype).unwrap_or("resource");
                out.fail(cx, user, attr, m.get(user).get(attr), format!("its role {} (IAM is global, shared by both regions) grants the {kind} {} only by its primary-region ARN in {}: after failover this DR-region resource is denied the replica in {dr}", m.get(role).address, m.get(target).address, p.address));
                out.with_key(format!("grant:{}:{}", p.address, m.get(target).address));
            }
        }
    }
}

fn replicated_in(cx: &Ctx, id: ResourceId, region: &str) -> Option<bool> {
    match cx.model.get(id).rtype {
        "aws_dynamodb_table" => table_replicated_in(cx, id, region),
        "aws_secretsmanager_secret" => secret_replicated_in(cx, id, region),
        "aws_kms_key" => Some(has_replica_in(cx, id, region)),
        _ => Some(false),
    }
}

/// The resource part of a target's ARN (`table/payments`), from its ARN or its name.
fn resource_part(cx: &Ctx, id: ResourceId) -> Option<String> {
    let r = cx.model.get(id);
    if let Some(a) = r.get("arn").str().and_then(parse_arn) {
        return Some(a.resource.to_string());
    }
    let name = r.get("name").str()?;
    match r.rtype {
        "aws_dynamodb_table" => Some(format!("table/{name}")),
        _ => None,
    }
}
