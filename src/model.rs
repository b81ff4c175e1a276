//! The model every rule sees: resources with their region, account, attributes, references and
//! provenance, built from any input format. Rules never read raw input.

use crate::input::SourceFile;
use crate::value::{Kind, Span, Value};
use std::borrow::Cow;
use std::collections::HashMap;

pub type ResourceId = usize;

/// Where a resource's region came from, or why it is unknown. Printed by `drlint regions` and
/// pinned by tests, so a wrong guess is visible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionSource {
    /// The resource's own `region` argument (AWS provider v6) or a computed `region` attribute.
    Attribute,
    /// The region field of the resource's ARN.
    Arn,
    /// The provider configuration the resource uses (`aws`, `aws.dr`, `module.x:aws`).
    Provider(String),
    /// A provider whose region is a root variable, with the variable's value.
    Variable(String),
    /// AWS Config / live: the configuration item's `awsRegion`.
    ConfigItem,
    /// Unknown, with the reason.
    Unknown(String),
}

#[derive(Debug)]
pub struct Resource<'a> {
    pub file: usize,
    /// `aws_s3_bucket`
    pub rtype: String,
    /// Full address with module path and instance key: `module.dr.aws_s3_bucket.data["a"]`.
    pub address: String,
    /// Module path with instance keys (`module.dr[0]`), empty at the root.
    pub module: String,
    pub region: Option<String>,
    pub region_source: RegionSource,
    pub account: Option<String>,
    /// The resource's attributes (plan `after`, state `values`, tf.json arguments).
    pub attrs: Value<'a>,
    /// Meta-arguments that are not attributes (`lifecycle`), where the input shows them.
    pub meta: Value<'a>,
    /// Span of the resource in its file (its attributes object).
    pub span: Span,
    /// CDKTF construct path (`tap/payments-table`), from the `"//"` metadata.
    pub construct_path: Option<String>,
    /// Which kind of input the resource was read from.
    pub origin: Origin,
}

impl<'a> Resource<'a> {
    pub fn get(&self, key: &str) -> &Value<'a> {
        self.attrs.get(key)
    }
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.attrs.tag(key)
    }
}

/// The kind of input a resource was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Plan,
    State,
    TerraformJson,
    /// AWS Config items (files or `drlint live`): what is deployed, not what will be.
    AwsConfig,
}

impl Origin {
    /// How to say that a value is not in the input.
    pub fn unknown_phrase(&self) -> &'static str {
        match self {
            Origin::AwsConfig => "not recorded by AWS Config",
            _ => "only known after apply",
        }
    }
}

/// An AWS provider configuration seen in an input.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub file: usize,
    /// `aws`, `aws.dr`, `module.x:aws`
    pub key: String,
    pub alias: Option<String>,
    pub region: Option<String>,
    /// The provider's `default_tags` (Terraform JSON; a plan already shows them in `tags_all`).
    pub default_tags: Vec<(String, String)>,
}

/// A warning about an input that did not stop the run.
#[derive(Debug, Clone)]
pub struct Warning {
    pub file: Option<usize>,
    pub span: Option<Span>,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct Inferred {
    pub env_suffix: Option<(String, String)>,
    pub primary: Option<(String, String)>,
    pub dr: Option<(String, String)>,
}

pub struct Model<'a> {
    pub files: &'a [SourceFile],
    pub resources: Vec<Resource<'a>>,
    pub providers: Vec<ProviderConfig>,
    /// Root variables with string values, per file: used for suffix and region inference.
    pub variables: Vec<(usize, String, String)>,
    pub warnings: Vec<Warning>,
    /// (resource type, reason): types the inputs cannot contain at all (e.g. AWS Config does not
    /// record `aws_route53_record`); every rule that `needs` one is undecided for the run.
    pub unrecorded_types: Vec<(String, String)>,
    by_type: HashMap<String, Vec<ResourceId>>,
    /// (file, module instance, `type.name`) → instances: references resolve within a module
    /// instance, so this lookup is O(1) however many times a module is instantiated.
    /// Keyed by a hash of (file, module instance, type, name): no key strings are stored, and
    /// lookups allocate nothing. Candidates are checked against the resource on lookup.
    by_local_name: HashMap<u64, Vec<ResourceId>>,
    /// Hash of (type, identifying value) → resources, for lookups by id, ARN or name.
    by_ident: HashMap<u64, Vec<ResourceId>>,
}

/// A hash of string parts for index keys (separated, so ("ab","c") ≠ ("a","bc")).
fn key(file: usize, parts: &[&str]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write_usize(file);
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(0xff);
    }
    h.finish()
}

/// The resource name of an address (`module.m["a.b"].aws_x.y[0]` → `y`).
fn local_name(address: &str) -> &str {
    let segs = address_segments(address);
    segs.last().map_or("", |s| s.split('[').next().unwrap_or(s))
}

/// Attributes that identify a resource when another resource names it by value.
const IDENT_ATTRS: &[&str] = &[
    "id",
    "arn",
    "bucket",
    "name",
    "alarm_name",
    "cluster_identifier",
    "function_name",
];

/// A reference target: the resources an expression points at.
pub enum Target<'m> {
    /// Known literal value (an ARN, a name, an id).
    Literal(&'m str),
    /// Resources the expression references.
    Resources(Vec<ResourceId>),
    /// Unknown and not resolvable (a variable, a data source, a module output).
    Unresolved(String),
    /// Not set at all.
    Unset,
}

impl<'a> Model<'a> {
    pub fn new(
        files: &'a [SourceFile],
        resources: Vec<Resource<'a>>,
        providers: Vec<ProviderConfig>,
        variables: Vec<(usize, String, String)>,
        warnings: Vec<Warning>,
    ) -> Model<'a> {
        let mut by_type: HashMap<String, Vec<ResourceId>> = HashMap::new();
        let mut by_local_name: HashMap<u64, Vec<ResourceId>> = HashMap::new();
        let mut by_ident: HashMap<u64, Vec<ResourceId>> = HashMap::new();
        for (id, r) in resources.iter().enumerate() {
            if let Some(v) = by_type.get_mut(r.rtype.as_str()) {
                v.push(id);
            } else {
                by_type.insert(r.rtype.clone(), vec![id]);
            }
            let k = key(r.file, &[&r.module, &r.rtype, local_name(&r.address)]);
            by_local_name.entry(k).or_default().push(id);
            for a in IDENT_ATTRS {
                if let Some(v) = r.attrs.get(a).nonempty_str() {
                    let e = by_ident.entry(key(0, &[&r.rtype, v])).or_default();
                    if e.last() != Some(&id) {
                        e.push(id);
                    }
                }
            }
        }
        Model {
            files,
            resources,
            providers,
            variables,
            warnings,
            unrecorded_types: Vec::new(),
            by_type,
            by_local_name,
            by_ident,
        }
    }

    pub fn get(&self, id: ResourceId) -> &Resource<'a> {
        &self.resources[id]
    }

    /// Ids of all resources of a type, in input order.
    pub fn of_type(&self, rtype: &str) -> &[ResourceId] {
        self.by_type.get(rtype).map_or(&[], Vec::as_slice)
    }

    /// Resources of any of the types.
    pub fn of_types<'s>(&'s self, types: &'s [&'s str]) -> impl Iterator<Item = ResourceId> + 's {
        types
            .iter()
            .flat_map(move |t| self.of_type(t).iter().copied())
    }

    /// Resolves a reference traversal (`aws_kms_key.dr.arn`, `aws_s3_bucket.b[0].id`) made by
    /// resource `from` to the resources it names. Module outputs, variables, locals and data
    /// sources resolve to nothing.
    pub fn resolve_ref(&self, from: ResourceId, traversal: &str) -> Vec<ResourceId> {
        let r = &self.resources[from];
        let Some((rtype, name, index)) = parse_traversal(traversal) else {
            return Vec::new();
        };
        let Some(pool) = self
            .by_local_name
            .get(&key(r.file, &[&r.module, rtype, name]))
        else {
            return Vec::new();
        };
        pool.iter()
            .copied()
            .filter(|&c| {
                let cand = &self.resources[c];
                cand.file == r.file
                    && cand.module == r.module
                    && cand.rtype == rtype
                    && local_name(&cand.address) == name
                    && index.is_none_or(|ix| {
                        cand.address.ends_with(ix)
                            && cand.address[..cand.address.len() - ix.len()].ends_with(name)
                    })
            })
            .collect()
    }

    /// What a value points at: a literal, the resources its expression references, or nothing.
    pub fn target<'v>(&self, from: ResourceId, v: &'v Value<'a>) -> Target<'v> {
        match v.kind() {
            Kind::Absent | Kind::Null => Target::Unset,
            Kind::Str(s) if s.is_empty() => Target::Unset,
            Kind::Str(s) => Target::Literal(s),
            Kind::Unknown(u) if !u.configured => Target::Unset,
            Kind::Unknown(u) => {
                let mut ids: Vec<ResourceId> = Vec::new();
                for t in &u.refs {
                    for id in self.resolve_ref(from, t) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                if ids.is_empty() {
                    let what = u.refs.first().map_or_else(
                        || "an expression without references".to_string(),
                        |r| format!("`{r}`"),
                    );
                    Target::Unresolved(what)
                } else {
                    Target::Resources(ids)
                }
            }
            _ => Target::Unresolved("a value of an unexpected type".into()),
        }
    }

    /// The name of the attribute a reference reads (`arn` in `aws_lambda_function.f.arn`).
    pub fn referenced_attributes<'v>(v: &'v Value<'a>) -> Vec<&'v str> {
        match v.kind() {
            Kind::Unknown(u) => u
                .refs
                .iter()
                .filter_map(|t| {
                    let (_, name, _) = parse_traversal(t)?;
                    let after = t.split_once(name)?.1;
                    let after = after.trim_start_matches(|c| c != '.');
                    let attr = after.strip_prefix('.')?;
                    Some(attr.split(['.', '[']).next().unwrap_or(attr))
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Resources of `rtype` whose attribute `attr` equals `value` (e.g. a bucket by name).
    /// `attr` must be one of the identifying attributes (`id`, `arn`, `bucket`, `name`, …).
    pub fn find_by_attr(&self, rtype: &str, attr: &str, value: &str) -> Vec<ResourceId> {
        debug_assert!(IDENT_ATTRS.contains(&attr), "{attr} is not indexed");
        let Some(cands) = self.by_ident.get(&key(0, &[rtype, value])) else {
            return Vec::new();
        };
        cands
            .iter()
            .copied()
            .filter(|&id| {
                self.resources[id].rtype == rtype
                    && self.resources[id].get(attr).str() == Some(value)
            })
            .collect()
    }

    /// Does the value of `v` (set on resource `from`) point at resource `to`, by reference or by
    /// one of its identifying attributes (`arn`, `id`, name)?
    pub fn points_to(
        &self,
        from: ResourceId,
        v: &Value<'a>,
        to: ResourceId,
        ident_attrs: &[&str],
    ) -> bool {
        match self.target(from, v) {
            Target::Resources(ids) => ids.contains(&to),
            Target::Literal(s) => ident_attrs
                .iter()
                .any(|a| self.resources[to].get(a).str() == Some(s)),
            _ => false,
        }
    }

    pub fn file(&self, id: usize) -> &SourceFile {
        &self.files[id]
    }

    /// Regions in which resources live, most resources first.
    pub fn regions_by_weight(&self, filter: impl Fn(&Resource) -> bool) -> Vec<(String, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for r in self.resources.iter().filter(|r| filter(r)) {
            if let Some(reg) = &r.region {
                *counts.entry(reg).or_default() += 1;
            }
        }
        let mut v: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(k, c)| (k.to_string(), c))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Infers the environment suffix and the primary / DR regions (docs/design.md §6). Each answer
    /// carries a note saying how it was found, printed in the summary.
    pub fn infer(&self) -> Inferred {
        let mut inf = Inferred::default();
        for name in ["environment_suffix", "environmentSuffix", "env_suffix"] {
            if let Some((_, _, v)) = self
                .variables
                .iter()
                .find(|(_, n, v)| n == name && !v.is_empty())
            {
                inf.env_suffix = Some((v.clone(), format!("variable {name}")));
                break;
            }
        }
        if inf.env_suffix.is_none()
            && let Some(v) = self
                .resources
                .iter()
                .find_map(|r| r.tag("EnvironmentSuffix"))
        {
            inf.env_suffix = Some((v.to_string(), "tag EnvironmentSuffix".into()));
        }
        // Primary: the default provider's region; else an alias that says so; else the region
        // holding most stateful resources.
        let aws: Vec<&ProviderConfig> = self.providers.iter().collect();
        if let Some(p) = aws.iter().find(|p| p.key == "aws" && p.region.is_some()) {
            inf.primary = Some((
                p.region.clone().unwrap_or_default(),
                "region of the default aws provider".into(),
            ));
        }
        if inf.primary.is_none() {
            for word in ["primary", "main", "active"] {
                if let Some(p) = aws.iter().find(|p| {
                    p.region.is_some()
                        && p.alias
                            .as_deref()
                            .is_some_and(|a| a.to_ascii_lowercase().contains(word))
                }) {
                    inf.primary = Some((
                        p.region.clone().unwrap_or_default(),
                        format!(
                            "region of provider alias `{}`",
                            p.alias.as_deref().unwrap_or("")
                        ),
                    ));
                    break;
                }
            }
        }
        let stateful = self.regions_by_weight(|r| is_stateful(&r.rtype));
        let all = self.regions_by_weight(|_| true);
        if inf.primary.is_none()
            && let Some((reg, n)) = stateful.first().or(all.first())
        {
            inf.primary = Some((
                reg.clone(),
                format!("region holding most stateful resources ({n})"),
            ));
        }
        let primary = inf.primary.as_ref().map(|p| p.0.clone());
        for word in [
            "dr",
            "secondary",
            "failover",
            "standby",
            "replica",
            "recovery",
        ] {
            if let Some(p) = aws.iter().find(|p| {
                p.region.is_some()
                    && p.region != primary
                    && p.alias.as_deref().is_some_and(|a| {
                        let a = a.to_ascii_lowercase();
                        a == word
                            || a.split(['_', '-']).any(|t| t == word)
                            || (word.len() > 2 && a.contains(word))
                    })
            }) {
                inf.dr = Some((
                    p.region.clone().unwrap_or_default(),
                    format!(
                        "region of provider alias `{}`",
                        p.alias.as_deref().unwrap_or("")
                    ),
                ));
                break;
            }
        }
        if inf.dr.is_none() {
            let other = stateful
                .iter()
                .chain(all.iter())
                .find(|(r, _)| Some(r) != primary.as_ref())
                .map(|(r, _)| r.clone());
            let other = other.or_else(|| {
                aws.iter()
                    .filter_map(|p| p.region.clone())
                    .find(|r| Some(r) != primary.as_ref())
            });
            if let Some(r) = other {
                inf.dr = Some((r, "the other region in use".into()));
            }
        }
        inf
    }
}

/// Types that hold data that must survive a regional failure.
pub fn is_stateful(rtype: &str) -> bool {
    matches!(
        rtype,
        "aws_rds_cluster"
            | "aws_db_instance"
            | "aws_dynamodb_table"
            | "aws_s3_bucket"
            | "aws_efs_file_system"
            | "aws_elasticache_replication_group"
    )
}

/// Splits a traversal like `module.x.aws_kms_key.dr[0].arn` relative to its module into
/// (type, name, index) — `None` for variables, locals, data sources, module outputs and the like.
pub fn parse_traversal(t: &str) -> Option<(&str, &str, Option<&str>)> {
    let t = t.trim();
    let first = t.split(['.', '[']).next()?;
    if matches!(
        first,
        "var" | "local" | "data" | "module" | "each" | "count" | "path" | "self" | "terraform"
    ) || !first.contains('_')
    {
        return None;
    }
    let rest = t.get(first.len() + 1..)?;
    let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = &rest[..name_end];
    if name.is_empty() {
        return None;
    }
    let index = rest[name_end..]
        .strip_prefix('[')
        .and_then(|r| r.find(']').map(|e| &rest[name_end..name_end + e + 2]));
    // Only a literal index selects an instance; `[count.index]` refers to all of them.
    let index = index.filter(|ix| ix[1..].starts_with(|c: char| c.is_ascii_digit() || c == '"'));
    Some((first, name, index))
}

/// Splits an address into segments, respecting quoted instance keys.
pub fn address_segments(addr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = addr.as_bytes();
    let (mut start, mut depth, mut in_str) = (0usize, 0usize, false);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'[' if !in_str => depth += 1,
            b']' if !in_str => depth = depth.saturating_sub(1),
            b'.' if !in_str && depth == 0 => {
                out.push(&addr[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&addr[start..]);
    out
}

/// `module.a[0].module.b["x"]` → `module.a.module.b`
pub fn strip_instance_keys(path: &str) -> String {
    if !path.contains('[') {
        return path.to_string();
    }
    address_segments(path)
        .iter()
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect::<Vec<_>>()
        .join(".")
}

/// The module path of an address (`module.a[0].aws_x.y[1]` → `module.a[0]`).
pub fn module_of_address(addr: &str) -> String {
    let segs = address_segments(addr);
    let mut n = segs.len().saturating_sub(2);
    if n > 0 && segs[n - 1] == "data" {
        n -= 1;
    }
    segs[..n].join(".")
}

/// Parsed ARN fields.
pub struct Arn<'s> {
    pub service: &'s str,
    pub region: &'s str,
    pub account: &'s str,
    pub resource: &'s str,
}

pub fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut parts = s.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let _partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(Arn {
        service,
        region,
        account,
        resource,
    })
}

/// Region of an ARN, if it names one.
pub fn arn_region(s: &str) -> Option<&str> {
    parse_arn(s).map(|a| a.region).filter(|r| !r.is_empty())
}

/// A plausible AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
pub fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Extracts resource traversals from a Terraform JSON `${...}` template.
pub fn template_refs(s: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(p) = rest.find("${") {
        let body = &rest[p + 2..];
        let end = body.find('}').unwrap_or(body.len());
        let expr = &body[..end];
        // Every dotted traversal in the expression (inside function calls too).
        let bytes = expr.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'-' | b'.' | b'[' | b']' | b'"' | b'*'))
                {
                    if bytes[i] == b'"' {
                        // quoted key inside an index
                        i += 1;
                        while i < bytes.len() && bytes[i] != b'"' {
                            i += 1;
                        }
                    }
                    i += 1;
                }
                let tok = &expr[start..i.min(expr.len())];
                if tok.contains('.') {
                    out.push(Cow::Borrowed(tok));
                }
            } else {
                i += 1;
            }
        }
        rest = &body[end.min(body.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversals() {
        assert_eq!(
            parse_traversal("aws_kms_key.dr.arn"),
            Some(("aws_kms_key", "dr", None))
        );
        assert_eq!(
            parse_traversal("aws_kms_key.dr[0].arn"),
            Some(("aws_kms_key", "dr", Some("[0]")))
        );
        assert_eq!(
            parse_traversal("aws_kms_key.dr[count.index].arn"),
            Some(("aws_kms_key", "dr", None))
        );
        assert_eq!(parse_traversal("var.region"), None);
        assert_eq!(parse_traversal("data.aws_kms_key.x.arn"), None);
        assert_eq!(parse_traversal("module.keys.arn"), None);
    }

    #[test]
    fn addresses() {
        let a = r#"module.a[0].module.b["x.y"].aws_route53_record.r["a.b"]"#;
        assert_eq!(module_of_address(a), r#"module.a[0].module.b["x.y"]"#);
        assert_eq!(
            strip_instance_keys(&module_of_address(a)),
            "module.a.module.b"
        );
        assert_eq!(module_of_address("aws_s3_bucket.b"), "");
        assert_eq!(
            module_of_address("module.m.data.aws_iam_policy_document.d"),
            "module.m"
        );
    }

    #[test]
    fn arns_and_regions() {
        assert_eq!(
            arn_region("arn:aws:kms:us-west-2:123456789012:key/abc"),
            Some("us-west-2")
        );
        assert_eq!(arn_region("arn:aws:s3:::bucket"), None);
        assert!(looks_like_region("us-gov-west-1"));
        assert!(!looks_like_region("global"));
    }

    #[test]
    fn template_references() {
        let r = template_refs("${aws_kms_key.primary.arn}");
        assert_eq!(r, vec!["aws_kms_key.primary.arn"]);
        let r = template_refs("arn:${element(aws_s3_bucket.b.*.arn, 0)}/x-${var.env}");
        assert_eq!(r, vec!["aws_s3_bucket.b.*.arn", "var.env"]);
    }
}
