//! "The repository root": the directory that report paths are relative to, so that SARIF URIs
//! and GitHub annotations resolve against the checkout.
//!
//! In GitHub Actions that is `GITHUB_WORKSPACE`; elsewhere the git top level of the current
//! directory (the nearest ancestor holding `.git`, a directory or a worktree's file); outside a
//! checkout the current directory itself.

use std::path::{Path, PathBuf};

/// The nearest ancestor of `start` (itself included) that holds `.git`.
pub fn git_top_level(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The repository root for this run (see the module documentation), canonical when it exists,
/// and how it was found: `GITHUB_WORKSPACE`, `git` or `cwd`.
pub fn find() -> (PathBuf, &'static str) {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let canon = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    if let Some(ws) = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()) {
        let abs = cwd.join(ws);
        if abs.is_dir() {
            return (canon(abs), "GITHUB_WORKSPACE");
        }
    }
    let cwd = canon(cwd);
    match git_top_level(&cwd) {
        Some(top) => (top, "git"),
        None => (cwd, "cwd"),
    }
}

/// The repository root for this run; an absolute path.
pub fn repo_root() -> PathBuf {
    find().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_of_this_checkout_holds_cargo_toml() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let top = git_top_level(&here).expect("the crate is built from a git checkout");
        assert!(top.join(".git").exists());
        assert!(here.starts_with(&top));
    }
}
