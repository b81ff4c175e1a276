//! The module tree of a plan: which module calls exist and where their code comes from, read
//! from `configuration.root_module.module_calls` (nested through each call's `module`).

use crate::json::{JsonError, Raw};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The module calls of one module (the root module, or a called module).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ModuleTree {
    /// Module calls by name (`module "<name>" { … }`).
    pub calls: BTreeMap<String, ModuleCall>,
}

/// One `module "<name>"` block as the plan records it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ModuleCall {
    /// The call's `source` (`./modules/x`, `terraform-aws-modules/vpc/aws`, `git::https://…`);
    /// None when the plan does not record it.
    pub source: Option<String>,
    /// The called module's own calls.
    pub module: ModuleTree,
}

impl ModuleCall {
    /// Whether the module's code is a local directory (Terraform: a source starting with `./`
    /// or `../`), i.e. committed next to its caller. Registry, git, HTTP, S3 … sources are
    /// downloaded into `.terraform/modules` and are not part of the repository.
    pub fn is_local(&self) -> bool {
        self.source.as_deref().is_some_and(is_local_source)
    }
}

/// Terraform treats a module source as a local path exactly when it starts with `./` or `../`
/// (on Windows also with backslashes).
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./")
        || source.starts_with("../")
        || source.starts_with(".\\")
        || source.starts_with("..\\")
}

impl ModuleTree {
    /// Reads the module tree from the text of a plan (`terraform show -json`). A document
    /// without `configuration` (a state file, an old plan) has no calls. The text is validated
    /// first; invalid JSON is an error with its byte offset.
    pub fn from_plan(src: &str) -> Result<ModuleTree, JsonError> {
        crate::json::validate(src)?;
        let root = Raw::root(src);
        Ok(root
            .get("configuration")
            .and_then(|c| c.get("root_module"))
            .map(ModuleTree::from_root_module)
            .unwrap_or_default())
    }

    /// Reads the tree from an already navigated `configuration.root_module` (or any module
    /// object with `module_calls`).
    pub fn from_root_module(module: Raw) -> ModuleTree {
        let mut tree = ModuleTree::default();
        if let Some(calls) = module.get("module_calls") {
            for (name, _, call) in calls.entries() {
                let source = call
                    .get("source")
                    .and_then(|s| s.as_str())
                    .map(Cow::into_owned);
                let module = call
                    .get("module")
                    .map(ModuleTree::from_root_module)
                    .unwrap_or_default();
                tree.calls
                    .insert(name.into_owned(), ModuleCall { source, module });
            }
        }
        tree
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_calls() {
        let src = r#"{"configuration": {"root_module": {"module_calls": {
            "a": {"source": "./modules/a", "module": {"module_calls": {
                "b": {"source": "terraform-aws-modules/vpc/aws", "module": {}}}}},
            "c": {"module": {}}}}}}"#;
        let t = ModuleTree::from_plan(src).unwrap();
        let a = &t.calls["a"];
        assert!(a.is_local());
        assert_eq!(a.source.as_deref(), Some("./modules/a"));
        let b = &a.module.calls["b"];
        assert!(!b.is_local());
        assert!(b.module.calls.is_empty());
        assert_eq!(t.calls["c"].source, None);
        assert!(!t.calls["c"].is_local());
    }

    #[test]
    fn no_configuration_means_no_calls() {
        assert_eq!(
            ModuleTree::from_plan(r#"{"values": {}}"#).unwrap(),
            ModuleTree::default()
        );
        assert!(ModuleTree::from_plan("{").is_err());
    }

    #[test]
    fn local_sources() {
        for s in ["./x", "../common", ".\\x", "..\\x"] {
            assert!(is_local_source(s), "{s}");
        }
        for s in [
            "terraform-aws-modules/s3-bucket/aws",
            "git::https://example.com/x.git",
            "modules/x",
            ".x",
            "github.com/a/b",
        ] {
            assert!(!is_local_source(s), "{s}");
        }
    }
}
