//! Terraform JSON configuration (`*.tf.json`) and CDKTF `cdk.tf.json` into the model.
//!
//! Arguments are the resource objects themselves; strings holding `${...}` are expressions, so
//! they become unknown values that keep their references. `"//"` keys are CDKTF metadata (the
//! construct path), not arguments. Nested blocks may be written as an object or a list.

use super::{Parts, attach_account};
use crate::input::InputError;
use crate::json::{JsonWarning, Raw};
use crate::model::{
    ProgramSource, ProviderConfig, RegionSource, Resource, Warning, looks_like_region,
    template_refs,
};
use crate::value::{Kind, Span, Unknown, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// Meta-arguments that are not resource attributes.
const META: &[&str] = &[
    "//",
    "provider",
    "depends_on",
    "lifecycle",
    "count",
    "for_each",
    "connection",
    "provisioner",
];

pub fn read<'a>(
    file: usize,
    _name: &str,
    src: &'a str,
    parts: &mut Parts<'a>,
) -> Result<(), InputError> {
    let root = Raw::root(src);
    let mut warnings: Vec<JsonWarning> = Vec::new();

    // Variables with defaults (regions and suffix may come from them).
    let mut variables: HashMap<String, String> = HashMap::new();
    if let Some(vars) = root.get("variable") {
        for (name, _, v) in vars.entries() {
            if let Some(d) = v.get("default").and_then(|d| d.as_str()) {
                parts
                    .variables
                    .push((file, name.to_string(), d.to_string()));
                variables.insert(name.into_owned(), d.into_owned());
            }
        }
    }

    // Providers: `provider.aws` is an object or an array of (aliased) objects.
    let mut regions: HashMap<String, Result<String, String>> = HashMap::new();
    if let Some(aws) = root.get("provider").and_then(|p| p.get("aws")) {
        let blocks: Vec<Raw> = if aws.is_array() {
            aws.items().collect()
        } else {
            vec![aws]
        };
        for b in blocks {
            let alias = b.get("alias").and_then(|a| a.as_str()).map(Cow::into_owned);
            let key = alias
                .as_ref()
                .map_or_else(|| "aws".to_string(), |a| format!("aws.{a}"));
            let region = match b.get("region").and_then(|r| r.as_str()) {
                Some(r) if !r.contains("${") => Ok(r.into_owned()),
                Some(r) => resolve_var_template(&r, &variables)
                    .ok_or_else(|| format!("its region is the expression `{r}`, which cannot be evaluated from the file")),
                None => Err("its provider block sets no region (it comes from AWS_REGION or the profile at run time)".into()),
            };
            // `default_tags` is a block: an object, or a list of one object, holding `tags`.
            let mut default_tags = Vec::new();
            if let Some(dt) = b.get("default_tags") {
                let blocks: Vec<Raw> = if dt.is_array() {
                    dt.items().collect()
                } else {
                    vec![dt]
                };
                for blk in blocks {
                    if let Some(tags) = blk.get("tags") {
                        for (k, _, v) in tags.entries() {
                            if let Some(v) = v.as_str() {
                                default_tags.push((k.into_owned(), v.into_owned()));
                            }
                        }
                    }
                }
            }
            parts.providers.push(ProviderConfig {
                file,
                key: key.clone(),
                alias,
                region: region.as_ref().ok().cloned(),
                default_tags,
            });
            regions.insert(key, region);
        }
    }

    if let Some(resources) = root.get("resource") {
        for (rtype, _, by_name) in resources.entries() {
            for (rname, _, body) in by_name.entries() {
                // A resource may be given as an array of bodies (rare); use each.
                let bodies: Vec<Raw> = if body.is_array() {
                    body.items().collect()
                } else {
                    vec![body]
                };
                for body in bodies {
                    let r = build(file, &rtype, &rname, body, &regions, &mut warnings);
                    parts.resources.push(r);
                }
            }
        }
    }
    // Module calls: the file holds the call (`source` and the inputs) but not the module's
    // body — its resources and outputs live in the module's own source, which drlint does not
    // fetch. So a `${module.x.out}` reference has nothing to be followed to: recording the call
    // as bodiless makes such references unresolved (the rule's outcome is undecided, with the
    // reason), never a guess. Inputs are not recorded: no resource of the module is in the model
    // to read them through `var.*`.
    if let Some(modules) = root.get("module") {
        for (name, _, call) in modules.entries() {
            let source = call
                .get("source")
                .and_then(|s| s.as_str())
                .map(Cow::into_owned);
            parts
                .modules
                .add_call(file, &format!("module.{name}"), source, false);
        }
    }
    if root
        .get("module")
        .is_some_and(|m| m.entries().next().is_some())
    {
        parts.warnings.push(Warning {
            file: Some(file),
            span: root.get("module").map(|m| m.span()),
            message: "module blocks are not expanded: resources inside Terraform modules are not checked from configuration JSON (lint the plan instead)".into(),
        });
    }
    parts.warnings.extend(warnings.into_iter().map(|w| Warning {
        file: Some(file),
        span: Some(Span::new(w.offset, w.offset)),
        message: w.message,
    }));
    Ok(())
}

/// `${var.region}` → the variable's default.
fn resolve_var_template(t: &str, vars: &HashMap<String, String>) -> Option<String> {
    let inner = t.strip_prefix("${")?.strip_suffix('}')?.trim();
    vars.get(inner.strip_prefix("var.")?).cloned()
}

fn build<'a>(
    file: usize,
    rtype: &str,
    rname: &str,
    body: Raw<'a, '_>,
    regions: &HashMap<String, Result<String, String>>,
    warnings: &mut Vec<JsonWarning>,
) -> Resource<'a> {
    let mut attrs = body.to_value(warnings);
    let mut meta_entries = Vec::new();
    if let Kind::Obj(entries) = &mut attrs.kind {
        let mut kept = Vec::with_capacity(entries.len());
        for (k, v) in std::mem::take(entries) {
            if META.contains(&k.as_ref()) {
                meta_entries.push((k, v));
            } else {
                kept.push((k, v));
            }
        }
        *entries = kept.into_boxed_slice();
    }
    interpolations_to_unknown(&mut attrs);
    let meta = Value::new(Kind::Obj(meta_entries.into()), body.span());
    let construct_path = meta
        .get("//")
        .get("metadata")
        .get("path")
        .str()
        .map(str::to_string);
    // The program line the opt-in CDKTF hook recorded (docs/cdktf-source-locations.md).
    let program_source = match crate::read::cdktf_source::recorded_source(meta.get("//")) {
        Ok(s) => s.map(|s| {
            Box::new(ProgramSource {
                path: s.path,
                line: s.line,
            })
        }),
        Err(e) => {
            warnings.push(JsonWarning {
                offset: e.span.start as usize,
                message: e.message,
            });
            None
        }
    };
    let provider_key = match meta.get("provider").str() {
        Some(p) => p.trim_start_matches("${").trim_end_matches('}').to_string(),
        None => "aws".to_string(),
    };

    // Region: own `region` argument (AWS provider v6), else the provider it uses.
    let (region, region_source) =
        if let Some(r) = attrs.get("region").str().filter(|r| looks_like_region(r)) {
            (Some(crate::model::intern(r)), RegionSource::Attribute)
        } else {
            match regions.get(&provider_key) {
                Some(Ok(r)) => (
                    Some(crate::model::intern(r)),
                    RegionSource::Provider(crate::model::intern(&provider_key)),
                ),
                Some(Err(why)) => (
                    None,
                    RegionSource::Unknown(format!("provider `{provider_key}`: {why}")),
                ),
                None => (
                    None,
                    RegionSource::Unknown(format!(
                        "uses provider `{provider_key}`, which the file does not declare"
                    )),
                ),
            }
        };
    let address = format!("{rtype}.{rname}");
    let mut r = Resource {
        file,
        rtype: crate::model::intern(rtype),
        address,
        module: String::new(),
        region,
        region_source,
        account: None,
        attrs,
        meta: Some(Box::new(meta)),
        span: body.span(),
        construct_path,
        program_source,
        origin: crate::model::Origin::TerraformJson,
    };
    attach_account(&mut r);
    r
}

/// Strings that contain `${...}` are expressions: unknown at this point, but with references.
fn interpolations_to_unknown(v: &mut Value) {
    match &mut v.kind {
        Kind::Str(s) if s.contains("${") => {
            let refs: Vec<Cow<str>> = template_refs(s)
                .into_iter()
                .map(|r| Cow::Owned(r.into_owned()))
                .collect();
            v.kind = Kind::Unknown(Box::new(Unknown {
                refs: refs.into(),
                configured: true,
            }));
        }
        Kind::Arr(items) => items.iter_mut().for_each(interpolations_to_unknown),
        Kind::Obj(entries) => entries
            .iter_mut()
            .for_each(|(_, x)| interpolations_to_unknown(x)),
        _ => {}
    }
}
