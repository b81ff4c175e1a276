//! Helpers for tests that drive the `drlint` binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs drlint with `args` in the repository root, feeding `stdin`.
pub fn drlint_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_drlint"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env("DRLINT_TODAY", "2026-11-22")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run drlint");
    child.stdin.take().unwrap().write_all(stdin).ok();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn drlint(args: &[&str]) -> Run {
    drlint_with_stdin(args, b"")
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// (rule_id, outcome, resource, attribute) of every result in a JSON report.
pub fn results(json: &str) -> Vec<(String, String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap_or("").to_string(),
                r["attribute"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
