//! `drlint live --state FILE`: the Terraform state (or plan) says which deployed resources
//! Terraform manages and where they are written, so their live findings land on the `.tf` line,
//! where the plan's findings would. The state is read for locations only: it is not linted with
//! the live inventory (the rules see only what is deployed, so the findings are the same with or
//! without `--state`; only their locations change).
//!
//! The `.tf` lookup is the read side's ([`crate::read::attach_sources`], the one `drlint
//! snapshot.json state.json` uses); this joins a live resource to its state twin by type and ARN.

use crate::input::{InputKind, SourceFile};
use crate::model::{Origin, RegionSource, Resource, SourceLocator, SourceRef, Warning};
use crate::value::{Kind, Span, Value};
use std::collections::HashMap;

/// The state resources by (type, ARN), and the locator of their sources.
pub struct Managed {
    twins: HashMap<(&'static str, String), Resource<'static>>,
    inner: Box<dyn SourceLocator>,
}

/// What reading the state files gave: the locator (None when no sources were found), the
/// source summary lines and warnings for the report, and how many state resources have an ARN.
pub struct StateSources {
    pub locator: Option<Box<dyn SourceLocator>>,
    pub summary: Vec<String>,
    pub warnings: Vec<Warning>,
    pub with_arn: usize,
}

/// Reads the state files' sources (`source_dir`: `--source-dir`). `Err` names a file that is not
/// a Terraform state or plan.
pub fn state_sources(
    files: &[SourceFile],
    source_dir: Option<std::path::PathBuf>,
) -> Result<StateSources, String> {
    for f in files {
        if !matches!(f.kind, InputKind::Plan | InputKind::State) {
            return Err(format!(
                "--state {}: not a Terraform state or plan (`terraform show -json` output); it is {}",
                f.name,
                f.kind.describe()
            ));
        }
    }
    let mut model = crate::read::build_model(files).map_err(|e| e.to_string())?;
    crate::read::attach_sources(&mut model, &crate::read::SourceOptions { dir: source_dir });
    let mut twins = HashMap::new();
    for r in &model.resources {
        if let Some(arn) = r.attrs.get("arn").nonempty_str() {
            twins
                .entry((r.rtype, arn.to_string()))
                .or_insert_with(|| stub(r));
        }
    }
    let with_arn = twins.len();
    let locator = model
        .sources
        .take()
        .map(|inner| Box::new(Managed { twins, inner }) as Box<dyn SourceLocator>);
    Ok(StateSources {
        locator,
        summary: std::mem::take(&mut model.source_summary),
        warnings: model
            .warnings
            .iter()
            .filter(|w| w.file.is_none())
            .cloned()
            .collect(),
        with_arn,
    })
}

/// The parts of a state resource the source index looks it up by (its file and address); its
/// attributes borrow the state text, which is not kept.
fn stub(r: &Resource) -> Resource<'static> {
    Resource {
        file: r.file,
        rtype: r.rtype,
        address: r.address.clone(),
        module: r.module.clone(),
        region: r.region,
        region_source: RegionSource::Unknown(String::new()),
        account: r.account.clone(),
        attrs: Value::new(Kind::Absent, Span::default()),
        meta: None,
        span: Span::default(),
        construct_path: None,
        program_source: None,
        origin: r.origin,
    }
}

impl SourceLocator for Managed {
    fn locate(&self, r: &Resource, attribute: &str) -> Option<SourceRef> {
        if r.origin != Origin::AwsConfig {
            return None;
        }
        let arn = r.attrs.get("arn").nonempty_str()?;
        let twin = self.twins.get(&(r.rtype, arn.to_string()))?;
        self.inner.locate(twin, attribute)
    }
}
