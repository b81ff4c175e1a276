//! Terraform plan and state JSON (`terraform show -json`) into the model.
//!
//! Format versions 0.1 to 1.2 are read by key presence, not by version. Resources come from
//! `resource_changes` (with `after`, `after_unknown`, `after_sensitive`), or from
//! `planned_values` / `values` when a document has no changes list (an empty plan, a state).
//! Resources being deleted are skipped; data sources are not resources.

use super::{Parts, attach_account};
use crate::input::{InputError, SourceFile};
use crate::json::{JsonWarning, Raw};
use crate::model::{
    LinkExpr, ModuleLinks, ProviderConfig, RegionSource, Resource, Warning, arn_region,
    looks_like_region, module_of_address, strip_instance_keys,
};
use crate::value::{Kind, Refs, Str, Unknown, Value, append};
use foldhash::fast::FixedState;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

const KNOWN_FORMATS: &[&str] = &["0.1", "0.2", "1.0", "1.1", "1.2"];

/// A provider configuration as the plan's `configuration.provider_config` records it.
struct ProviderEntry {
    alias: Option<String>,
    module_address: Option<String>,
    /// Region, or why it cannot be known.
    region: Result<(String, RegionSource), String>,
}

/// A resource block from `configuration`: which provider it uses and its expressions.
struct ConfigResource<'a, 'i> {
    provider_config_key: Option<String>,
    expressions: Option<Raw<'a, 'i>>,
    /// `expressions` read into a tree on first use: many resources (every instance of a
    /// module) share one configuration resource, whose expressions are then read once.
    tree: std::sync::OnceLock<Expr<'a>>,
}

impl<'a> ConfigResource<'a, '_> {
    fn expr(&self) -> Option<&Expr<'a>> {
        let e = self.expressions?;
        Some(self.tree.get_or_init(|| Expr::read(e, 0)))
    }
}

/// A configuration expression as [`overlay_unknown`] reads it.
enum Expr<'a> {
    /// An attribute expression (an object with `references` or `constant_value`): the
    /// traversals it references and where it is.
    Attr {
        refs: Refs<'a>,
        span: crate::value::Span,
    },
    /// A nested block: an object of expressions (a duplicated key: the last one).
    Block(Vec<(Cow<'a, str>, Expr<'a>)>),
    /// A list of nested blocks.
    List(Vec<Expr<'a>>),
    /// Anything else: an expression is there, but it holds no blocks.
    Other,
}

impl<'a> Expr<'a> {
    fn read(e: Raw<'a, '_>, depth: usize) -> Expr<'a> {
        if is_attribute_expr(e) {
            return Expr::Attr {
                refs: refs_of(e).unwrap_or_default().into(),
                span: e.span(),
            };
        }
        if depth > crate::json::MAX_DEPTH {
            return Expr::Other;
        }
        if e.is_object() {
            Expr::Block(
                e.entries()
                    .map(|(k, _, v)| (k, Expr::read(v, depth + 1)))
                    .collect(),
            )
        } else if e.is_array() {
            Expr::List(e.items().map(|v| Expr::read(v, depth + 1)).collect())
        } else {
            Expr::Other
        }
    }

    /// The expression of `key` in a block.
    fn get(&self, key: &str) -> Option<&Expr<'a>> {
        match self {
            Expr::Block(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, e)| e),
            _ => None,
        }
    }
}

struct Ctx<'a, 'i> {
    file: usize,
    providers: HashMap<String, ProviderEntry>,
    config: HashMap<String, ConfigResource<'a, 'i>, FixedState>,
    has_configuration: bool,
    is_state: bool,
}

pub fn read<'a>(
    file: usize,
    f: &'a SourceFile,
    is_state: bool,
    parts: &mut Parts<'a>,
) -> Result<(), InputError> {
    let (name, src) = (f.name.as_str(), f.text.as_str());
    // The validator indexed the document's shallow containers: the top level, each resource
    // change and its `change`, `after` and `after_unknown` are stepped over, not read again.
    let structure = f.structure();
    let root = Raw::root_indexed(src, &structure).fields();
    if let Some(fv) = root.get("format_version").and_then(|v| v.as_str())
        && !KNOWN_FORMATS.contains(&fv.as_ref())
    {
        parts.warnings.push(Warning {
                file: Some(file),
                span: root.get("format_version").map(|r| r.span()),
                message: format!(
                    "unknown format_version \"{fv}\" (known: {}); reading it by key presence, results may be incomplete",
                    KNOWN_FORMATS.join(", ")
                ),
            });
    }
    if root.get("errored").and_then(|v| v.as_bool()) == Some(true) {
        let (line, col) = crate::json::line_col(src, root.get("errored").map_or(0, |r| r.start));
        return Err(InputError {
            file: name.to_string(),
            location: Some((line, col)),
            message: "Terraform reported errors while planning (\"errored\": true): this plan is incomplete".into(),
            hint: "fix the errors `terraform plan` printed, then run `terraform plan -out tfplan && terraform show -json tfplan` again".into(),
        });
    }

    // Root variables: used for regions (`region = var.region`) and suffix inference.
    let mut variables: HashMap<String, String> = HashMap::new();
    if let Some(vars) = root.get("variables") {
        for (k, _, v) in vars.entries() {
            if let Some(s) = v.get("value").and_then(|x| x.as_str()) {
                parts.variables.push((file, k.to_string(), s.to_string()));
                variables.insert(k.into_owned(), s.into_owned());
            }
        }
    }

    let mut ctx = Ctx {
        file,
        providers: HashMap::new(),
        config: HashMap::default(),
        has_configuration: false,
        is_state,
    };
    if let Some(conf) = root.get("configuration") {
        ctx.has_configuration = true;
        if let Some(pc) = conf.get("provider_config") {
            for (key, _, p) in pc.entries() {
                let pname = p.get("name").and_then(|n| n.as_str()).unwrap_or_default();
                if pname != "aws" {
                    continue;
                }
                let module_address = p
                    .get("module_address")
                    .and_then(|m| m.as_str())
                    .map(Cow::into_owned);
                let region = provider_region(p, module_address.is_some(), &variables);
                let alias = p.get("alias").and_then(|a| a.as_str()).map(Cow::into_owned);
                parts.providers.push(ProviderConfig {
                    file,
                    key: key.to_string(),
                    alias: alias.clone(),
                    region: region.as_ref().ok().map(|r| r.0.clone()),
                    // Planned values carry the default tags in `tags_all`.
                    default_tags: Vec::new(),
                });
                ctx.providers.insert(
                    key.into_owned(),
                    ProviderEntry {
                        alias,
                        module_address,
                        region,
                    },
                );
            }
        }
        if let Some(rm) = conf.get("root_module") {
            walk_config(rm, String::new(), &mut ctx.config);
            walk_module_links(file, rm, "", &mut parts.modules);
        }
    }

    let changes = root.get("resource_changes").filter(|r| r.is_array());
    let items: Vec<(Raw<'a, '_>, bool)> = match changes {
        Some(rc) => rc.items().map(|r| (r, true)).collect(),
        None => {
            let top = if is_state {
                root.get("values")
            } else {
                root.get("planned_values")
            };
            let mut v = Vec::new();
            if let Some(rm) = top.and_then(|t| t.get("root_module")) {
                collect_module_resources(rm, &mut v);
            }
            v.into_iter().map(|r| (r, false)).collect()
        }
    };
    // Resources are built a chunk at a time, chunks on every core. From a mapped file, a
    // chunk's attributes (about 40 % of a resource change) are first copied together, the
    // model borrows from the copy, and the chunk's pages are given back once it is built: the
    // rules then read the copies, not the resource changes spread over the whole file.
    let warnings = std::sync::Mutex::new(Vec::new());
    let copies = f.copies(items.len().div_ceil(CHUNK));
    // Each resource is written in its place; the filter then reuses the allocation.
    let mut built: Vec<Option<Resource<'a>>> = Vec::new();
    built.resize_with(items.len(), || None);
    built
        .par_chunks_mut(CHUNK)
        .zip(items.par_chunks(CHUNK))
        .enumerate()
        .for_each(|(k, (out, chunk))| {
            let mut scratch = Scratch::default();
            let located: Vec<Option<Located>> = chunk
                .iter()
                .map(|(item, is_change)| locate(&ctx, *item, *is_change, &mut scratch))
                .collect();
            let copy = copies.map(|c| {
                c[k].get_or_init(|| {
                    let texts = || located.iter().flatten().map(|l| l.attrs.text());
                    let mut copy = String::with_capacity(texts().map(str::len).sum());
                    texts().for_each(|t| copy.push_str(t));
                    copy.into_boxed_str()
                })
                .as_ref()
            });
            let mut w = Vec::new();
            let mut at = 0;
            for (slot, l) in out.iter_mut().zip(located) {
                let Some(l) = l else { continue };
                let attrs = match copy {
                    Some(copy) => l.attrs.copied(copy, at),
                    None => l.attrs,
                };
                at += attrs.text().len();
                *slot = Some(build_resource(&ctx, l, attrs, &mut w));
            }
            if !w.is_empty() {
                warnings.lock().unwrap_or_else(|e| e.into_inner()).extend(w);
            }
            if copy.is_some() {
                f.text.release_range(extent(chunk));
            }
        });
    // A chunk that reads a page it shares with a chunk already given back maps that page
    // again, with the pages the system maps around it (fault-around: up to 64 KiB): about a
    // quarter of the resource changes' pages end up mapped. Giving the whole range back once
    // more, now that every chunk is built, returns them too.
    if copies.is_some() {
        f.text.release_range(extent(&items));
    }
    // `filter_map` (unlike `flatten`) collects in place: no second vector.
    #[allow(clippy::filter_map_identity)]
    let mut built: Vec<Resource<'a>> = built.into_iter().filter_map(|r| r).collect();
    if parts.resources.is_empty() {
        parts.resources = built;
    } else {
        parts.resources.append(&mut built);
    }
    let mut warnings: Vec<JsonWarning> = warnings.into_inner().unwrap_or_else(|e| e.into_inner());
    warnings.sort_by_key(|w| w.offset);
    parts.warnings.extend(warnings.into_iter().map(|w| Warning {
        file: Some(file),
        span: Some(crate::value::Span::new(w.offset, w.offset)),
        message: w.message,
    }));
    Ok(())
}

/// The bytes that hold `items`, from the first start to the last end (they need not be in file
/// order: resources collected from planned values); empty for no items.
fn extent(items: &[(Raw, bool)]) -> std::ops::Range<usize> {
    let start = items.iter().map(|(r, _)| r.start).min().unwrap_or(0);
    let end = items.iter().map(|(r, _)| r.end).max().unwrap_or(0);
    start..end
}

/// Region of a provider block: a constant, or a root variable's value. Otherwise the reason it
/// is unknown.
fn provider_region(
    p: Raw,
    in_module: bool,
    variables: &HashMap<String, String>,
) -> Result<(String, RegionSource), String> {
    let Some(expr) = p.get("expressions").and_then(|e| e.get("region")) else {
        return Err("its provider block sets no region (it comes from AWS_REGION or the profile at run time)".into());
    };
    if let Some(c) = expr.get("constant_value").and_then(|c| c.as_str()) {
        return Ok((c.into_owned(), RegionSource::Provider("")));
    }
    let refs: Vec<String> = expr
        .get("references")
        .map(|r| {
            r.items()
                .filter_map(|x| x.as_str().map(Cow::into_owned))
                .collect()
        })
        .unwrap_or_default();
    for r in &refs {
        if let Some(var) = r.strip_prefix("var.") {
            if in_module {
                return Err(format!(
                    "its region is `{r}` inside a module, whose value plan JSON does not record"
                ));
            }
            return match variables.get(var) {
                Some(v) => Ok((
                    v.clone(),
                    RegionSource::Variable(format!("var.{var} = \"{v}\"")),
                )),
                None => Err(format!(
                    "its region is `{r}`, which has no value in the plan"
                )),
            };
        }
    }
    match refs.first() {
        Some(r) => Err(format!(
            "its region is the expression `{r}`, which plan JSON does not evaluate"
        )),
        None => Err("its region expression is not a constant".into()),
    }
}

fn walk_config<'a, 'i>(
    module: Raw<'a, 'i>,
    path: String,
    out: &mut HashMap<String, ConfigResource<'a, 'i>, FixedState>,
) {
    if let Some(res) = module.get("resources") {
        for r in res.items() {
            let Some(addr) = r.get("address").and_then(|a| a.as_str()) else {
                continue;
            };
            let key = if path.is_empty() {
                addr.into_owned()
            } else {
                format!("{path}.{addr}")
            };
            out.insert(
                key,
                ConfigResource {
                    provider_config_key: r
                        .get("provider_config_key")
                        .and_then(|k| k.as_str())
                        .map(Cow::into_owned),
                    expressions: r.get("expressions"),
                    tree: std::sync::OnceLock::new(),
                },
            );
        }
    }
    if let Some(calls) = module.get("module_calls") {
        for (name, _, call) in calls.entries() {
            if let Some(m) = call.get("module") {
                let p = if path.is_empty() {
                    format!("module.{name}")
                } else {
                    format!("{path}.module.{name}")
                };
                walk_config(m, p, out);
            }
        }
    }
}

/// Records, for every module call at any depth, the expressions it passes for its inputs and
/// the expressions of the called module's outputs, so references can be followed across module
/// boundaries (`module.x.out` into the module, `var.name` inside it out to the caller).
/// `path` is the static path of `module` (`module.a.module.b`, no instance keys): expressions are
/// written once per module, whatever its `count` / `for_each`.
fn walk_module_links(file: usize, module: Raw, path: &str, links: &mut ModuleLinks) {
    if let Some(outputs) = module.get("outputs") {
        for (name, _, o) in outputs.entries() {
            if let Some(expr) = o.get("expression") {
                links.add_output(file, path, &name, link_expr(expr));
            }
        }
    }
    let Some(calls) = module.get("module_calls") else {
        return;
    };
    for (name, _, call) in calls.entries() {
        let called = if path.is_empty() {
            format!("module.{name}")
        } else {
            format!("{path}.module.{name}")
        };
        let body = call.get("module").filter(|m| m.is_object());
        let source = call
            .get("source")
            .and_then(|s| s.as_str())
            .map(Cow::into_owned);
        links.add_call(file, &called, source, body.is_some());
        if let Some(exprs) = call.get("expressions") {
            for (input, _, e) in exprs.entries() {
                links.add_input(file, &called, &input, link_expr(e));
            }
        }
        if let Some(m) = body {
            walk_module_links(file, m, &called, links);
        }
    }
}

/// An output or module input expression: its references, or a constant. A nested-block style
/// expression (an object of expressions, a list of them) contributes the references of all its
/// parts.
fn link_expr(e: Raw) -> LinkExpr {
    let mut refs = Vec::new();
    collect_refs(e, &mut refs, 0);
    if refs.is_empty() {
        LinkExpr::Constant
    } else {
        LinkExpr::Refs(refs)
    }
}

fn collect_refs(e: Raw, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    if is_attribute_expr(e) {
        if let Some(r) = refs_of(e) {
            out.extend(r.into_iter().map(Cow::into_owned));
        }
    } else if e.is_object() {
        for (_, _, v) in e.entries() {
            collect_refs(v, out, depth + 1);
        }
    } else if e.is_array() {
        for v in e.items() {
            collect_refs(v, out, depth + 1);
        }
    }
}

fn collect_module_resources<'a, 'i>(module: Raw<'a, 'i>, out: &mut Vec<Raw<'a, 'i>>) {
    if let Some(res) = module.get("resources") {
        out.extend(res.items());
    }
    if let Some(children) = module.get("child_modules") {
        for c in children.items() {
            collect_module_resources(c, out);
        }
    }
}

/// Resources built from one copy of their attributes: a few hundred KB of a plan.
const CHUNK: usize = 512;

/// A resource found in the plan, before its attributes are read.
struct Located<'a, 'i, 'c> {
    address: String,
    rtype: &'static str,
    module: String,
    module_plain: String,
    config: Option<&'c ConfigResource<'a, 'i>>,
    /// `after` (or a state's `values`), `after_unknown`, `after_sensitive`.
    attrs: Raw<'a, 'i>,
    unknown: Option<Raw<'a, 'i>>,
    sensitive: Option<Raw<'a, 'i>>,
}

/// The resource a resource change (or a state's resource) describes; None for data sources
/// and deleted resources.
fn locate<'a, 'i, 'c>(
    ctx: &'c Ctx<'a, 'i>,
    item: Raw<'a, 'i>,
    is_change: bool,
    scratch: &mut Scratch,
) -> Option<Located<'a, 'i, 'c>> {
    let [
        mode,
        address,
        rtype,
        change,
        values,
        sensitive_values,
        module_address,
        name,
    ] = item.pick([
        "mode",
        "address",
        "type",
        "change",
        "values",
        "sensitive_values",
        "module_address",
        "name",
    ]);
    if mode.and_then(|m| m.as_str()).as_deref() == Some("data") {
        return None;
    }
    let address = address?.as_str()?.into_owned();
    let rtype = crate::model::intern(&rtype.and_then(|t| t.as_str())?);
    let (attrs, unknown, sensitive) = if is_change {
        let [actions, after, after_unknown, after_sensitive] =
            change?.pick(["actions", "after", "after_unknown", "after_sensitive"]);
        // Deleted resources are not checked; reads are data sources.
        let mut actions = actions
            .into_iter()
            .flat_map(|a| a.items())
            .filter_map(|x| x.as_str())
            .peekable();
        if actions.peek().is_some() && actions.all(|a| a == "delete" || a == "read") {
            return None;
        }
        let after = after.filter(|a| a.is_object())?;
        (after, after_unknown, after_sensitive)
    } else {
        (values.filter(|a| a.is_object())?, None, sensitive_values)
    };

    let module = match module_address.and_then(|m| m.as_str()) {
        Some(m) => m.into_owned(),
        None => module_of_address(&address),
    };
    // Resources of one module instance are written together: its plain path is worked out once.
    if scratch.module != module {
        scratch.module_plain = strip_instance_keys(&module);
        scratch.module.clone_from(&module);
    }
    let module_plain = scratch.module_plain.clone();
    let rname = name.and_then(|n| n.as_str()).unwrap_or_default();
    let key = &mut scratch.config_address;
    key.clear();
    if !module_plain.is_empty() {
        key.push_str(&module_plain);
        key.push('.');
    }
    key.push_str(rtype);
    key.push('.');
    key.push_str(&rname);
    Some(Located {
        address,
        rtype,
        module,
        config: ctx.config.get(key.as_str()),
        module_plain,
        attrs,
        unknown,
        sensitive,
    })
}

/// What [`locate`] keeps from one resource to the next of a chunk.
#[derive(Default)]
struct Scratch {
    /// The last module instance and its path without instance keys.
    module: String,
    module_plain: String,
    /// The configuration address being looked up.
    config_address: String,
}

/// The resource `l`, its attributes read from `attrs_raw` (`l.attrs`, or a copy of it).
fn build_resource<'a>(
    ctx: &Ctx<'a, '_>,
    l: Located<'a, '_, '_>,
    attrs_raw: Raw<'a, '_>,
    w: &mut Vec<JsonWarning>,
) -> Resource<'a> {
    let config = l.config;
    let mut attrs = attrs_raw.to_shallow_value(w);
    if let Some(u) = l.unknown {
        overlay_unknown(
            &mut attrs,
            u,
            config.and_then(ConfigResource::expr),
            &Refs::default(),
            config.is_some() || !ctx.has_configuration,
        );
    }
    if let Some(s) = l.sensitive {
        overlay_sensitive(&mut attrs, s);
    }

    let (region, region_source) = resolve_region(ctx, &attrs, config, &l.module_plain);
    let mut r = Resource {
        file: ctx.file,
        rtype: l.rtype,
        address: l.address,
        module: l.module,
        region,
        region_source,
        account: None,
        attrs,
        meta: None,
        span: attrs_raw.span(),
        construct_path: None,
        program_source: None,
        origin: if ctx.is_state {
            crate::model::Origin::State
        } else {
            crate::model::Origin::Plan
        },
    };
    attach_account(&mut r);
    r
}

/// The region of a plan resource. Resolution order:
/// 1. the resource's own `region` attribute when known (AWS provider v6 per-resource region, or a
///    computed `region` such as an existing bucket's);
/// 2. the region in the resource's known `arn`;
/// 3. the provider configuration it uses, after normalising module-scoped keys (`x:aws` as
///    written by Terraform 0.12–1.0 inside module `x` means `module.x:aws`); a root key
///    (`aws.dr`) used inside a module means the provider was passed in from the root;
/// 4. otherwise unknown, with the reason — never a guess. In particular a module key with no
///    `provider_config` entry means the JSON records neither a provider block in that module nor
///    the `providers` mapping of its call, so the region could be the root's or a passed alias's.
fn resolve_region(
    ctx: &Ctx,
    attrs: &Value,
    config: Option<&ConfigResource>,
    module_plain: &str,
) -> (Option<&'static str>, RegionSource) {
    if let Some(r) = attrs.get("region").str().filter(|r| looks_like_region(r)) {
        return (Some(crate::model::intern(r)), RegionSource::Attribute);
    }
    if let Some(r) = attrs.get("arn").str().and_then(arn_region) {
        return (Some(crate::model::intern(r)), RegionSource::Arn);
    }
    if !ctx.has_configuration {
        return (
            None,
            RegionSource::Unknown("the input records no provider configuration".into()),
        );
    }
    let Some(key) = config.and_then(|c| c.provider_config_key.as_deref()) else {
        return (
            None,
            RegionSource::Unknown("the resource has no entry in the plan's configuration".into()),
        );
    };
    let normalized = normalize_provider_key(key, module_plain);
    match ctx.providers.get(&normalized) {
        Some(p) => match &p.region {
            Ok((region, src)) => {
                let src = match src {
                    RegionSource::Variable(v) => {
                        RegionSource::Variable(format!("{normalized}: {v}"))
                    }
                    _ => RegionSource::Provider(crate::model::intern(&normalized)),
                };
                (Some(crate::model::intern(region)), src)
            }
            Err(why) => {
                let whose = match (&p.module_address, &p.alias) {
                    (Some(m), _) => format!("provider `{normalized}` declared in {m}"),
                    (None, Some(a)) => format!("provider `aws.{a}`"),
                    _ => format!("provider `{normalized}`"),
                };
                (None, RegionSource::Unknown(format!("{whose}: {why}")))
            }
        },
        None if normalized.contains(':') => (
            None,
            RegionSource::Unknown(format!(
                "uses `{key}`: the JSON records neither a provider block in `{}` nor the `providers` passed to that module call",
                normalized.split(':').next().unwrap_or("")
            )),
        ),
        None => (
            None,
            RegionSource::Unknown(format!(
                "uses provider `{key}`, which the configuration does not declare"
            )),
        ),
    }
}

/// `ec2:aws` inside `module.ec2` → `module.ec2:aws`; `module.x:aws.a` and root keys unchanged.
pub fn normalize_provider_key(key: &str, module_plain: &str) -> String {
    let Some((prefix, provider)) = key.rsplit_once(':') else {
        return key.to_string();
    };
    if prefix.starts_with("module.") {
        return key.to_string();
    }
    // Old spelling: the prefix is the innermost module call's name.
    if module_plain == format!("module.{prefix}")
        || module_plain.ends_with(&format!(".module.{prefix}"))
    {
        format!("{module_plain}:{provider}")
    } else {
        format!("module.{prefix}:{provider}")
    }
}

fn refs_of<'a>(expr: Raw<'a, '_>) -> Option<Vec<Cow<'a, str>>> {
    let r = expr.get("references")?;
    Some(r.items().filter_map(|x| x.as_str()).collect())
}

fn is_attribute_expr(expr: Raw) -> bool {
    expr.is_object() && (expr.get("references").is_some() || expr.get("constant_value").is_some())
}

/// Marks the values that `after_unknown` says are unknown, keeping the references of the
/// configuration expression at the same path (so `kms_key_id = aws_kms_key.dr.arn` can be
/// followed) and whether the user configured the value at all.
fn overlay_unknown<'a>(
    v: &mut Value<'a>,
    unk: Raw<'a, '_>,
    expr: Option<&Expr<'a>>,
    inherited: &Refs<'a>,
    config_known: bool,
) {
    v.force();
    if unk.as_bool() == Some(true) {
        let (refs, configured) = match expr {
            Some(Expr::Attr { refs, .. }) => (refs.clone(), true),
            Some(_) => (inherited.clone(), true),
            // No expression: computed by the provider, unless we could not see the configuration.
            None => (inherited.clone(), !inherited.is_empty() || !config_known),
        };
        // Point diagnostics at the expression that produces the value when there is one.
        let span = match expr {
            Some(Expr::Attr { span, .. }) => *span,
            _ if v.is_absent() => unk.span(),
            _ => v.span(),
        };
        *v = Value::unknown(Unknown { refs, configured }, span);
        return;
    }
    let (inherited, block_expr) = match expr {
        Some(Expr::Attr { refs, .. }) => (refs, None),
        e => (inherited, e),
    };
    if unk.is_object() {
        // First the entries `after` leaves out, added at once; then every unknown entry.
        if let Kind::Obj(entries) = &mut v.kind {
            let unknown: smallvec::SmallVec<[_; 8]> = unk
                .entries()
                .filter(|(_, _, u)| subtree_has_true(*u))
                .collect();
            let has =
                |e: &[(Str<'a>, Value<'a>)], k: &str| e.iter().any(|(ek, _)| ek.as_ref() == k);
            let mut added: Vec<(Str<'a>, Value<'a>)> = Vec::new();
            for (k, kspan, _) in &unknown {
                // Absent and computed by the provider (no expression): it reads the same as
                // absent to every rule, so nothing is stored — plans carry many of these.
                let computed = || {
                    block_expr.and_then(|e| e.get(k)).is_none()
                        && inherited.is_empty()
                        && config_known
                };
                if !has(entries, k) && !has(&added, k) && !computed() {
                    let k = crate::json::object_key(k.clone());
                    added.push((k, Value::new(Kind::Absent, *kspan)));
                }
            }
            append(entries, added);
            for (k, _, u) in unknown {
                if let Some((_, child)) = entries.iter_mut().find(|(ek, _)| ek.as_ref() == k) {
                    let child_expr = block_expr.and_then(|e| e.get(&k));
                    overlay_unknown(child, u, child_expr, inherited, config_known);
                }
            }
        }
    } else if unk.is_array() {
        let exprs: &[Expr<'a>] = match block_expr {
            Some(Expr::List(items)) => items,
            _ => &[],
        };
        if v.is_null_or_absent() {
            v.kind = Kind::Arr(Box::default());
            v.set_span(unk.span());
        }
        if let Kind::Arr(items) = &mut v.kind {
            // Blocks whose every attribute is unknown may be missing from `after`.
            let missing = unk.items().skip(items.len()).map(|u| {
                let kind = if u.is_object() {
                    Kind::Obj(Box::default())
                } else {
                    Kind::Absent
                };
                Value::new(kind, u.span())
            });
            append(items, missing.collect());
            for (i, u) in unk.items().enumerate() {
                if let Some(child) = items.get_mut(i) {
                    // A block list: the i-th block's expressions; an attribute list: inherited.
                    let e = exprs.get(i).or(if exprs.len() == 1 {
                        exprs.first()
                    } else {
                        None
                    });
                    overlay_unknown(child, u, e, inherited, config_known);
                }
            }
        }
    }
}

fn subtree_has_true(r: Raw) -> bool {
    match r.as_bool() {
        Some(b) => b,
        None => r.text().contains("true"),
    }
}

fn overlay_sensitive(v: &mut Value, s: Raw) {
    if s.as_bool() == Some(false) || s.text() == "{}" || s.text() == "[]" {
        return;
    }
    v.force();
    if s.as_bool() == Some(true) {
        v.mark_sensitive();
        return;
    }
    if s.is_object() {
        for (k, _, child) in s.entries() {
            if let Some(c) = v.get_mut(&k) {
                overlay_sensitive(c, child);
            }
        }
    } else if s.is_array()
        && let Kind::Arr(items) = &mut v.kind
    {
        for (i, child) in s.items().enumerate() {
            if let Some(c) = items.get_mut(i) {
                overlay_sensitive(c, child);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_keys_normalise_both_spellings() {
        assert_eq!(
            normalize_provider_key("ec2:aws", "module.ec2"),
            "module.ec2:aws"
        );
        assert_eq!(
            normalize_provider_key("ebs:aws", "module.ec2.module.ebs"),
            "module.ec2.module.ebs:aws"
        );
        assert_eq!(
            normalize_provider_key("module.x:aws.edge", "module.x"),
            "module.x:aws.edge"
        );
        assert_eq!(normalize_provider_key("aws.paris", "module.x"), "aws.paris");
    }
}
