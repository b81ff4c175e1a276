//! Adapters: each input format is read into the same [`Model`]. Nothing after this module looks
//! at raw input.

pub mod awsconfig;
pub mod cdktf_source;
pub mod plan;
pub mod tfjson;

use crate::input::{InputError, InputKind, SourceFile};
use crate::model::{Model, ModuleLinks, ProviderConfig, Resource, Warning, parse_arn};

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
            InputKind::Plan => plan::read(i, &f.name, &f.text, &f.top, false, &mut parts)?,
            InputKind::State => plan::read(i, &f.name, &f.text, &f.top, true, &mut parts)?,
            InputKind::TfJson => tfjson::read(i, &f.name, &f.text, &mut parts)?,
            InputKind::AwsConfig => awsconfig::read(i, &f.name, &f.text, &mut parts)?,
        }
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
