//! Adapters: each input format is read into the same [`Model`]. Nothing after this module looks
//! at raw input.

pub mod awsconfig;
pub mod cdktf_source;
pub mod plan;
pub mod tfjson;

use crate::input::{InputError, InputKind, SourceFile};
use crate::model::{
    Model, ModuleLinks, ProviderConfig, Resource, SourceKind, SourceLocator, SourceRef, Warning,
    parse_arn,
};
use crate::sources::{LocationKind, ModuleTree, SourceIndex, default_source_dir};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the adapters collect before the model is assembled.
#[derive(Default)]
pub struct Parts<'a> {
    pub resources: Vec<Resource<'a>>,
    pub providers: Vec<ProviderConfig>,
    pub variables: Vec<(usize, String, String)>,
    pub warnings: Vec<Warning>,
    /// (resource type, reason): types an input format cannot contain at all.
    pub unrecorded_types: Vec<(String, String)>,
    /// Module outputs and call inputs, for references across module boundaries.
    pub modules: ModuleLinks,
}

/// Takes the account id from a known ARN.
pub fn attach_account(r: &mut Resource) {
    if let Some(a) = r.attrs.get("arn").str().and_then(parse_arn)
        && a.account.len() == 12
    {
        r.account = Some(a.account.to_string());
    }
}

/// Reads every file into one model: several files are one system.
pub fn build_model(files: &[SourceFile]) -> Result<Model<'_>, InputError> {
    let mut parts = Parts::default();
    for (i, f) in files.iter().enumerate() {
        for n in &f.notes {
            parts.warnings.push(Warning {
                file: Some(i),
                span: None,
                message: n.clone(),
            });
        }
        match f.kind {
            InputKind::Plan => plan::read(i, f, false, &mut parts)?,
            InputKind::State => plan::read(i, f, true, &mut parts)?,
            InputKind::TfJson => tfjson::read(i, &f.name, &f.text, &mut parts)?,
            InputKind::AwsConfig => awsconfig::read(i, &f.name, &f.text, &mut parts)?,
        }
    }
    // The adapters are done with the validator's index of each text.
    for f in files {
        f.release_structure();
    }
    let mut model = Model::new(
        files,
        parts.resources,
        parts.providers,
        parts.variables,
        parts.warnings,
    );
    model.unrecorded_types = parts.unrecorded_types;
    model.set_module_links(parts.modules);
    Ok(model)
}

/// Where to look for the Terraform sources of plan and state files.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// `--source-dir`: the root module's directory, for every plan and state file. None: next
    /// to each file, else the repository root ([`default_source_dir`]).
    pub dir: Option<PathBuf>,
}

/// The indexed sources of the plan and state files: input file → its index.
struct Locator {
    by_file: HashMap<usize, usize>,
    indexes: Vec<SourceIndex>,
}

impl SourceLocator for Locator {
    fn locate(&self, r: &Resource, attribute: &str) -> Option<SourceRef> {
        let ix = &self.indexes[*self.by_file.get(&r.file)?];
        let loc = ix.locate(&r.address, attribute).found()?;
        let f = ix.file(loc.file);
        let (line, column) = f.line_col(loc.head.start as usize);
        let (end_line, end_column) = f.line_col(loc.head.end as usize);
        let what = match loc.kind {
            LocationKind::ModuleCall => format!(
                "the call {} (the module's code is not in the repository)",
                loc.module_call.as_deref().unwrap_or("module")
            ),
            LocationKind::ResourceBlock if attribute.is_empty() => "the resource block".into(),
            LocationKind::ResourceBlock => {
                format!("the resource block, which does not write `{attribute}`")
            }
            LocationKind::DynamicBlock => format!("the dynamic block `{}`", loc.resolved),
            _ if loc.exact => format!("`{}`", loc.resolved),
            _ => {
                let rest = attribute
                    .strip_prefix(loc.resolved.as_str())
                    .map_or(attribute, |r| r.trim_start_matches('.'));
                format!("`{}`, which does not write `{rest}`", loc.resolved)
            }
        };
        Some(SourceRef {
            path: f.path.clone(),
            line,
            column: Some(column),
            end_line,
            end_column: Some(end_column),
            kind: SourceKind::Terraform,
            what,
        })
    }
}

/// The module calls recorded in a plan's `configuration` (a state has none).
fn module_tree(f: &SourceFile) -> ModuleTree {
    f.top
        .iter()
        .find(|(k, _, _)| k == "configuration")
        .and_then(|&(_, start, end)| crate::json::Raw::at(&f.text, start, end).get("root_module"))
        .map(ModuleTree::from_root_module)
        .unwrap_or_default()
}

/// `dir` relative to `root` with `/` separators (`.` for the root itself); `dir` as given when
/// it lies outside.
fn display_dir(dir: &Path, root: &Path) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    match abs.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => ".".to_string(),
        Ok(r) => r.to_string_lossy().replace('\\', "/"),
        Err(_) => dir.display().to_string(),
    }
}

/// Finds and indexes the Terraform sources of every plan and state file, so that findings
/// point at the `.tf` line (`--source-dir`, else [`default_source_dir`]). Source problems
/// become warnings; a summary line per file says where the sources were found, or why not.
/// Paths are relative to [`crate::repo_root::repo_root`].
pub fn attach_sources(model: &mut Model, opts: &SourceOptions) {
    let root = crate::repo_root::repo_root();
    let tf_inputs: Vec<usize> = (0..model.files.len())
        .filter(|&i| {
            let f = model.file(i);
            matches!(f.kind, InputKind::Plan | InputKind::State)
                && !f.name.starts_with(crate::input::LIVE_PREFIX)
        })
        .collect();
    let several = tf_inputs.len() > 1;
    let mut locator = Locator {
        by_file: HashMap::new(),
        indexes: Vec::new(),
    };
    for i in tf_inputs {
        let f = model.file(i);
        let name = f.name.clone();
        let for_file = if several {
            format!(" (for {name})")
        } else {
            String::new()
        };
        let plan_path = if name == crate::input::STDIN_NAME {
            PathBuf::from("stdin.json")
        } else {
            PathBuf::from(&name)
        };
        let Some(dir) = opts.dir.clone().or_else(|| default_source_dir(&plan_path)) else {
            let file = plan_path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(name);
            model.source_summary.push(format!(
                "sources: none found next to {file} or at the repository root; findings point into the plan (use --source-dir){for_file}"
            ));
            continue;
        };
        let (index, warnings) = SourceIndex::build(&dir, &root, &module_tree(f));
        for w in warnings {
            let place = match w.location {
                Some((l, c)) => format!("{}:{l}:{c}", w.path),
                None => w.path.clone(),
            };
            model.warnings.push(Warning {
                file: None,
                span: None,
                message: format!("{place}: {}", w.message),
            });
        }
        let shown = display_dir(&dir, &root);
        let tf_files = index.files().len();
        if tf_files == 0 {
            model.source_summary.push(format!(
                "sources: {shown} holds no Terraform files; findings point into the plan (use --source-dir){for_file}"
            ));
            continue;
        }
        let missing = model
            .resources
            .iter()
            .filter(|r| r.file == i && index.locate(&r.address, "").found().is_none())
            .count();
        let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
        let mut line = format!("sources: {shown} ({} .tf files)", tf_files);
        if tf_files == 1 {
            line = format!("sources: {shown} (1 .tf file)");
        }
        if missing > 0 {
            line.push_str(&format!(
                "; {} not found in them (their findings point into the plan)",
                plural(missing, "resource")
            ));
        }
        line.push_str(&for_file);
        model.source_summary.push(line);
        locator.by_file.insert(i, locator.indexes.len());
        locator.indexes.push(index);
    }
    if !locator.indexes.is_empty() {
        model.sources = Some(Box::new(locator));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_structure_index_is_freed_once_the_model_is_built() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/plan/two_region_plan.json"
        );
        let f = crate::input::decode("two_region_plan.json", std::fs::read(path).unwrap()).unwrap();
        assert!(!f.structure().is_empty(), "a plan's containers are indexed");
        let model = super::build_model(std::slice::from_ref(&f)).unwrap();
        assert!(!model.resources.is_empty());
        assert!(
            f.structure().is_empty(),
            "the index outlived the model's build"
        );
    }
}
