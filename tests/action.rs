//! The GitHub Action (action.yml) without GitHub: its scripts run with a fake runner environment
//! (GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_ACTION_PATH and the
//! INPUT_* variables action.yml sets) and the drlint binary of this build on PATH.

mod common;
use common::{root, scratch};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Step {
    code: i32,
    stdout: String,
    stderr: String,
    /// GITHUB_OUTPUT, parsed (`name=value` lines).
    outputs: BTreeMap<String, String>,
    summary: String,
}

struct Runner {
    dir: PathBuf,
    workspace: PathBuf,
}

impl Runner {
    /// A fake runner whose workspace is `workspace` (the repository root unless a test needs
    /// files of its own).
    fn new(name: &str, workspace: Option<&Path>) -> Runner {
        let dir = scratch(name);
        std::fs::create_dir_all(dir.join("temp")).unwrap();
        Runner {
            workspace: workspace.map_or_else(root, Path::to_path_buf),
            dir,
        }
    }

    /// Runs `action/<script>` with the inputs as `INPUT_*` variables, as action.yml does.
    fn run(&self, script: &str, inputs: &[(&str, &str)], extra_env: &[(&str, &str)]) -> Step {
        let out_file = self.dir.join("github_output");
        let summary_file = self.dir.join("step_summary.md");
        std::fs::write(&out_file, "").unwrap();
        std::fs::write(&summary_file, "").unwrap();
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_drlint")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(root().join("action").join(script))
            .current_dir(&self.dir)
            .env("PATH", path)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_OUTPUT", &out_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("RUNNER_TEMP", self.dir.join("temp"))
            .env("GITHUB_ACTION_PATH", root())
            .env("DRLINT_TODAY", "2026-11-22")
            .env_remove("DRLINT")
            .env_remove("NO_COLOR")
            // Never real AWS: no credentials anywhere in the chain.
            .env("HOME", self.dir.join("home"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/drlint-test/config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/drlint-test/credentials",
            );
        for var in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_CONFIG_SERVICE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        ] {
            cmd.env_remove(var);
        }
        for var in [
            "INPUT_INPUTS",
            "INPUT_COMMAND",
            "INPUT_ARGS",
            "INPUT_FAIL_ON",
            "INPUT_SARIF_FILE",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in inputs {
            cmd.env(format!("INPUT_{}", k.to_uppercase().replace('-', "_")), v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run bash");
        let outputs = std::fs::read_to_string(&out_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Step {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs,
            summary: std::fs::read_to_string(&summary_file).unwrap(),
        }
    }

    /// The lint step, then (as action.yml does after the upload) the finish step fed with the
    /// lint step's exit-code output; returns both.
    fn lint_then_finish(&self, inputs: &[(&str, &str)]) -> (Step, Step) {
        let lint = self.run("lint.sh", inputs, &[]);
        let code = lint.outputs.get("exit-code").cloned().unwrap_or_default();
        let finish = self.run("finish.sh", &[], &[("DRLINT_EXIT_CODE", &code)]);
        (lint, finish)
    }
}

const FAILING: &str = "fixtures/rules/DR101/fail.tf.json";
const ARGS: &str = "--env-suffix test\n--profile production";

fn sarif_results(path: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
    assert_eq!(v["version"], "2.1.0", "{path}");
    v["runs"][0]["results"].as_array().unwrap().clone()
}

#[test]
fn failing_fixture_with_fail_on_error_writes_everything_then_fails() {
    let r = Runner::new("action_fail_on_error", None);
    let (lint, finish) =
        r.lint_then_finish(&[("inputs", FAILING), ("args", ARGS), ("fail-on", "error")]);
    // The lint step itself succeeds, so the upload step runs; the exit code is recorded.
    assert_eq!(
        lint.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        lint.stdout, lint.stderr
    );
    assert_eq!(lint.outputs["exit-code"], "1", "{:?}", lint.outputs);
    let sarif = &lint.outputs["sarif-file"];
    assert_eq!(
        Path::new(sarif),
        r.dir.join("temp/drlint/drlint.sarif"),
        "default: under RUNNER_TEMP"
    );
    let results = sarif_results(sarif);
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(
        results.iter().all(|x| x["ruleId"] == "DR101"),
        "{results:?}"
    );
    // The job summary has drlint's Markdown report with its findings table.
    assert!(
        lint.summary.contains("## drlint")
            && lint.summary.contains("| level | rule | resource |")
            && lint.summary.contains("`aws_iam_role.worker`"),
        "{}",
        lint.summary
    );
    assert_eq!(
        std::fs::read_to_string(&lint.outputs["markdown-file"]).unwrap(),
        lint.summary
    );
    // The human report is in the log.
    assert!(lint.stdout.contains("DR101"), "{}", lint.stdout);
    // The finish step fails the job.
    assert_eq!(finish.code, 1, "{}{}", finish.stdout, finish.stderr);
    assert!(
        finish.stdout.contains("::error title=drlint::"),
        "{}",
        finish.stdout
    );
}

#[test]
fn fail_on_never_passes_with_the_same_findings() {
    let r = Runner::new("action_fail_on_never", None);
    let (lint, finish) =
        r.lint_then_finish(&[("inputs", FAILING), ("args", ARGS), ("fail-on", "never")]);
    assert_eq!(lint.code, 0, "{}", lint.stderr);
    assert_eq!(lint.outputs["exit-code"], "0");
    assert_eq!(sarif_results(&lint.outputs["sarif-file"]).len(), 3);
    assert!(lint.summary.contains("3 errors"), "{}", lint.summary);
    assert_eq!(finish.code, 0, "{}{}", finish.stdout, finish.stderr);
}

#[test]
fn globs_and_a_sarif_file_in_the_workspace() {
    // A workspace of its own: the SARIF file is written into it.
    let ws = scratch("action_glob_workspace");
    for stack in ["a", "b"] {
        let dir = ws.join("cdktf.out/stacks").join(stack);
        std::fs::create_dir_all(&dir).unwrap();
        let src = if stack == "a" { "fail" } else { "pass" };
        std::fs::copy(
            root().join(format!("fixtures/rules/DR604/{src}.tf.json")),
            dir.join("cdk.tf.json"),
        )
        .unwrap();
    }
    let r = Runner::new("action_glob", Some(&ws));
    let (lint, finish) = r.lint_then_finish(&[
        ("inputs", "cdktf.out/stacks/*/cdk.tf.json"),
        ("args", ARGS),
        ("sarif-file", "reports/drlint.sarif"),
    ]);
    assert_eq!(lint.code, 0, "{}", lint.stderr);
    let sarif = ws.join("reports/drlint.sarif");
    assert_eq!(Path::new(&lint.outputs["sarif-file"]), sarif);
    let results = sarif_results(sarif.to_str().unwrap());
    assert!(
        results.iter().any(|x| x["ruleId"] == "DR604"),
        "{results:?}"
    );
    assert!(
        lint.summary.contains("across 2 files"),
        "both stacks are linted: {}",
        lint.summary
    );
    assert_eq!(lint.outputs["exit-code"], "1");
    assert_eq!(finish.code, 1);
}

#[test]
fn live_audit_that_cannot_read_a_region_uploads_then_fails_with_3() {
    let r = Runner::new("action_live", None);
    let (lint, finish) = r.lint_then_finish(&[
        ("command", "live"),
        (
            "args",
            // SARIF from `drlint live` needs a snapshot folder for its locations.
            "--region us-east-1 --endpoint-url http://127.0.0.1:9 --save-snapshot snapshots",
        ),
    ]);
    assert_eq!(lint.code, 0, "{}\n{}", lint.stdout, lint.stderr);
    assert_eq!(lint.outputs["exit-code"], "3", "{}", lint.stderr);
    assert!(
        lint.stderr
            .contains("drlint: region us-east-1: no AWS credentials"),
        "{}",
        lint.stderr
    );
    // The SARIF file exists for the upload (no results: nothing was audited).
    assert!(sarif_results(&lint.outputs["sarif-file"]).is_empty());
    assert_eq!(finish.code, 3, "{}", finish.stdout);
    assert!(finish.stdout.contains("live audit is incomplete"));

    let with_files = r.run("lint.sh", &[("command", "live"), ("inputs", FAILING)], &[]);
    assert_eq!(with_files.code, 2);
    assert!(
        with_files
            .stdout
            .contains("inputs must be empty with command: live"),
        "{}",
        with_files.stdout
    );
}

#[test]
fn a_pattern_that_matches_nothing_or_a_bad_input_fails_the_step_at_once() {
    let ws = scratch("action_bad_workspace");
    std::fs::write(ws.join("plan.json"), "{\"format_version\": ").unwrap();
    let r = Runner::new("action_bad", Some(&ws));

    let none = r.run("lint.sh", &[("inputs", "plan.json tfplan/*.json")], &[]);
    assert_eq!(none.code, 2, "{}", none.stdout);
    assert!(
        none.stdout
            .contains("::error title=drlint action::input inputs: 'tfplan/*.json' matches no file"),
        "{}",
        none.stdout
    );
    assert!(!none.outputs.contains_key("sarif-file"));

    let missing = r.run("lint.sh", &[("inputs", "plan.json\ntfplan.json")], &[]);
    assert_eq!(missing.code, 2, "{}", missing.stdout);
    assert!(
        missing.stdout.contains("'tfplan.json' matches no file"),
        "{}",
        missing.stdout
    );

    let bad = r.run("lint.sh", &[("inputs", "plan.json")], &[]);
    assert_eq!(bad.code, 2, "{}", bad.stdout);
    assert!(
        bad.stderr.contains("plan.json"),
        "drlint names the file: {}",
        bad.stderr
    );
    assert!(bad.stdout.contains("drlint exited 2"), "{}", bad.stdout);
    assert_eq!(bad.outputs.get("exit-code").map(String::as_str), Some("2"));
    assert!(!bad.outputs.contains_key("sarif-file"), "nothing to upload");

    let empty = r.run("lint.sh", &[("inputs", "")], &[]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stdout.contains("input inputs is empty"),
        "{}",
        empty.stdout
    );

    let fail_on = r.run(
        "lint.sh",
        &[("inputs", "plan.json"), ("fail-on", "high")],
        &[],
    );
    assert_eq!(fail_on.code, 2);
    assert!(
        fail_on.stdout.contains("input fail-on is 'high'"),
        "{}",
        fail_on.stdout
    );

    let finish = r.run("finish.sh", &[], &[("DRLINT_EXIT_CODE", "")]);
    assert_eq!(finish.code, 2, "no recorded exit code is a failure");
}

#[test]
fn cache_key_changes_with_the_ref_and_names_a_folder_under_the_tool_cache() {
    let r = Runner::new("action_key", None);
    let tool_cache = r.dir.join("toolcache");
    // install.sh takes its mode (key | install) as its argument.
    let run_key = |git_ref: &str| {
        let out_file = r.dir.join("key_output");
        std::fs::write(&out_file, "").unwrap();
        let out = Command::new("bash")
            .arg(root().join("action/install.sh"))
            .arg("key")
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_OUTPUT", &out_file)
            .env("DRLINT_ACTION_REF", git_ref)
            .env("RUNNER_TOOL_CACHE", &tool_cache)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let o: BTreeMap<String, String> = std::fs::read_to_string(&out_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        (o["key"].clone(), o["root"].clone())
    };
    let no_mode = r.run("install.sh", &[], &[]);
    assert_eq!(no_mode.code, 2, "a mode is required: {}", no_mode.stderr);
    let (k1, root1) = run_key("v1");
    let (k1b, _) = run_key("v1");
    let (k2, _) = run_key("refs/heads/main");
    assert_eq!(k1, k1b, "deterministic");
    assert_ne!(k1, k2, "keyed on the action's ref");
    assert!(k1.starts_with("drlint-Linux-X64-v1-"), "{k1}");
    assert!(k2.starts_with("drlint-Linux-X64-refs_heads_main-"), "{k2}");
    assert_eq!(PathBuf::from(root1), tool_cache.join("drlint").join(&k1));
}

/// action.yml, structurally (no YAML parser is a dependency): a composite action whose script
/// steps exist, whose inputs are all passed to the lint script, and which uploads before it fails.
#[test]
fn action_yml_wires_the_scripts_inputs_and_upload_order() {
    let yml = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(
        yml.contains("\nruns:\n  using: composite\n"),
        "composite action"
    );
    assert!(!yml.contains('\t'), "no tabs in YAML");
    let section = |name: &str| -> Vec<String> {
        let start = yml.find(&format!("\n{name}:\n")).unwrap() + name.len() + 3;
        yml[start..]
            .lines()
            .take_while(|l| l.is_empty() || l.starts_with(' '))
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
            .map(|l| l.trim().trim_end_matches(':').to_string())
            .collect()
    };
    let inputs = section("inputs");
    assert_eq!(
        inputs,
        [
            "inputs",
            "command",
            "args",
            "fail-on",
            "category",
            "sarif-file",
            "upload"
        ]
    );
    for i in &inputs {
        assert!(
            yml.contains(&format!("${{{{ inputs.{i} }}}}"))
                || yml.contains(&format!("inputs.{i} ==")),
            "input {i} is used"
        );
    }
    let lint = std::fs::read_to_string(root().join("action/lint.sh")).unwrap();
    for i in ["inputs", "command", "args", "fail-on", "sarif-file"] {
        let var = format!("INPUT_{}", i.to_uppercase().replace('-', "_"));
        assert!(
            yml.contains(&format!("{var}: ${{{{ inputs.{i} }}}}")),
            "action.yml passes {var}"
        );
        assert!(lint.contains(&var), "lint.sh reads {var}");
    }
    for o in section("outputs") {
        assert!(
            yml.contains(&format!("steps.lint.outputs.{o} }}}}")),
            "output {o} comes from the lint step"
        );
        assert!(lint.contains(&format!("echo \"{o}=")), "lint.sh writes {o}");
    }
    for script in [
        "install.sh key",
        "install.sh install",
        "lint.sh",
        "finish.sh",
    ] {
        let (file, mode) = script.split_once(' ').unwrap_or((script, ""));
        let mode = if mode.is_empty() {
            String::new()
        } else {
            format!(" {mode}")
        };
        assert!(
            yml.contains(&format!(
                "run: bash \"$GITHUB_ACTION_PATH/action/{file}\"{mode}\n"
            )),
            "{script} is a step"
        );
        assert!(root().join("action").join(file).is_file(), "{file} exists");
    }
    let (upload, finish, cache) = (
        yml.find("uses: github/codeql-action/upload-sarif@")
            .unwrap(),
        yml.find("action/finish.sh").unwrap(),
        yml.find("uses: actions/cache@").unwrap(),
    );
    assert!(cache < yml.find("action/install.sh\" install").unwrap());
    assert!(upload < finish, "the job fails only after the upload");
    assert!(!yml.contains("curl") && !yml.contains("wget") && !yml.contains("releases/download"));
}

/// The `with:` keys of every step of `yml` that uses the drlint action (line-based: no YAML
/// parser is a dependency).
fn drlint_steps(yml: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = yml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut steps = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start().trim_start_matches("- ");
        if !t.starts_with("uses: drlint/drlint@") {
            continue;
        }
        // The step is the `- ` item holding `uses:`; its keys (id:, with:) sit at `key_indent`.
        let key_indent = l.len() - t.len();
        let dash = |k: usize| {
            indent(lines[k]) + 2 == key_indent && lines[k].trim_start().starts_with("- ")
        };
        let start = (0..=i).rev().find(|&k| dash(k)).unwrap_or(i);
        let mut j = start + 1;
        while j < lines.len()
            && !dash(j)
            && (lines[j].trim().is_empty() || indent(lines[j]) >= key_indent)
        {
            j += 1;
        }
        let mut keys = Vec::new();
        for k in start..j {
            if lines[k].trim_start().trim_start_matches("- ") == "with:" {
                let with_indent =
                    lines[k].len() - lines[k].trim_start().trim_start_matches("- ").len();
                for m in &lines[k + 1..] {
                    if m.trim().is_empty() || m.trim_start().starts_with('#') {
                        continue;
                    }
                    if indent(m) <= with_indent {
                        break;
                    }
                    if indent(m) == with_indent + 2 {
                        keys.push(m.trim().split(':').next().unwrap().to_string());
                    }
                }
            }
        }
        steps.push(keys);
    }
    steps
}

#[test]
fn example_workflows_use_only_declared_inputs_and_can_upload() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("docs/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["cdktf-synth.yml", "nightly-live.yml", "plan-check.yml"]
    );
    for f in &files {
        let yml = std::fs::read_to_string(f).unwrap();
        let name = f.display();
        assert!(!yml.contains('\t'), "{name}: no tabs in YAML");
        assert!(
            yml.contains("\npermissions:\n") && yml.contains("  security-events: write"),
            "{name}: the SARIF upload needs security-events: write"
        );
        let steps = drlint_steps(&yml);
        assert_eq!(steps.len(), 1, "{name}: one drlint step");
        for key in &steps[0] {
            assert!(
                action.contains(&format!("\n  {key}:\n")),
                "{name}: `{key}` is not an input of action.yml"
            );
        }
        if yml.contains("command: live") {
            assert!(
                yml.contains("id-token: write") && yml.contains("role-to-assume:"),
                "{name}: OIDC"
            );
        } else {
            assert!(
                steps[0].contains(&"inputs".to_string()),
                "{name}: {:?}",
                steps[0]
            );
        }
    }
    // The docs link every workflow.
    let doc = std::fs::read_to_string(root().join("docs/github.md")).unwrap();
    for n in &names {
        assert!(
            doc.contains(&format!("(workflows/{n})")),
            "docs/github.md links {n}"
        );
    }

    // With PyYAML at hand, the files must also parse as YAML (skipped, and said so, without it).
    let check = r#"
import sys
try:
    import yaml
except ImportError:
    sys.exit(77)
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    assert isinstance(doc, dict), path
    if path.endswith("action.yml"):
        assert doc["runs"]["using"] == "composite", path
        assert all("shell" in s or "uses" in s for s in doc["runs"]["steps"]), path
    else:
        assert doc["permissions"]["security-events"] == "write", path
        assert True in doc or "on" in doc, path  # YAML 1.1 reads the key `on` as true
        for job in doc["jobs"].values():
            assert isinstance(job["steps"], list), path
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(check)
        .arg(root().join("action.yml"))
        .args(&files)
        .output();
    match out {
        Ok(o) if o.status.code() == Some(77) => {
            eprintln!("PyYAML is not installed: YAML parse check skipped (structural checks ran)")
        }
        Ok(o) => assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("python3 not found ({e}): YAML parse check skipped"),
    }
}

#[test]
fn install_uses_the_cached_binary_and_puts_it_on_the_path() {
    let dir = scratch("action_install");
    let cached = dir.join("root");
    std::fs::create_dir_all(cached.join("bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_drlint"), cached.join("bin/drlint")).unwrap();
    let gh_path = dir.join("github_path");
    let install = |root: &Path, path: &str| {
        std::fs::write(&gh_path, "").unwrap();
        Command::new("bash")
            .arg(common::root().join("action/install.sh"))
            .arg("install")
            .env("GITHUB_ACTION_PATH", common::root())
            .env("GITHUB_PATH", &gh_path)
            .env("DRLINT_ROOT", root)
            .env("PATH", path)
            .output()
            .unwrap()
    };
    // A cache hit: no build, the binary runs and its folder goes on PATH.
    let hit = install(&cached, "/usr/bin:/bin");
    let stdout = String::from_utf8_lossy(&hit.stdout);
    assert!(
        hit.status.success(),
        "{}",
        String::from_utf8_lossy(&hit.stderr)
    );
    assert!(
        stdout.contains("drlint from the cache") && stdout.contains("drlint 0."),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&gh_path).unwrap(),
        format!("{}\n", cached.join("bin").display())
    );
    // A cache miss without a Rust toolchain: a clear error, not a cargo-not-found crash.
    let empty_bin = dir.join("empty-bin");
    std::fs::create_dir_all(&empty_bin).unwrap();
    let miss = install(&dir.join("fresh"), &format!("{}:/bin", empty_bin.display()));
    let stdout = String::from_utf8_lossy(&miss.stdout);
    if Path::new("/bin/cargo").exists() {
        return; // cargo is in /bin on this machine: the no-toolchain case cannot be set up
    }
    assert_eq!(miss.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("cargo is not on PATH; install a Rust toolchain"),
        "{stdout}"
    );
    assert!(std::fs::read_to_string(&gh_path).unwrap().is_empty());
}
