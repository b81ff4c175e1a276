//! Every rule has a failing and a passing two-region fixture in fixtures/rules/<ID>/, and a
//! snapshot of what a user sees for each (a passing fixture snapshots to nothing).
//!
//! build.rs generates one test per fixture, `<ID>_<fixture>` (e.g. `DR401_fail`,
//! `DR201_fail_ephemeral`), so `cargo test --test rule_fixtures DR401` runs just DR401's.
//! `layout_*` checks that every rule file has a help page and fixtures and the other way round.
#![allow(non_snake_case)] // test names start with the rule id

mod common;
use common::{drlint, results, root, scratch};
use std::path::{Path, PathBuf};

/// The configuration a fixture is linted with: `drlint-<suffix>.toml` for `fail-<suffix>` /
/// `pass-<suffix>`, else `drlint.toml` in its directory, else `--env-suffix test --profile production`.
/// Paths are relative to the repository root, so reports name no absolute path.
fn config_args(file: &Path) -> Vec<String> {
    let dir = file.parent().unwrap();
    let stem = file
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .trim_end_matches(".tf.json");
    let variant = stem.split_once('-').map(|(_, v)| v);
    let candidates = [
        variant.map(|v| dir.join(format!("drlint-{v}.toml"))),
        Some(dir.join("drlint.toml")),
    ];
    for c in candidates.into_iter().flatten() {
        if root().join(&c).is_file() {
            return vec!["--config".into(), c.to_string_lossy().into_owned()];
        }
    }
    ["--env-suffix", "test", "--profile", "production"]
        .map(String::from)
        .to_vec()
}

/// The diagnostics of the human report, without the summary (which names every input).
fn diagnostics(human: &str) -> String {
    let end = human.find("\ndrlint: ").map_or_else(
        || {
            if human.starts_with("drlint: ") {
                0
            } else {
                human.len()
            }
        },
        |p| p + 1,
    );
    human[..end].trim_end().to_string()
}

/// `drlint <fixture> <its config> [extra]` from the repository root.
fn lint(rel: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec![rel.to_string_lossy().into_owned()];
    args.extend(config_args(rel));
    args.extend(extra.iter().map(|s| s.to_string()));
    drlint(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A failing fixture makes its rule fail; a passing one is clean for every rule. Either way the
/// human diagnostics match the snapshot `<ID>__<fixture>`.
fn check_fixture(id: &str, file: &str) {
    let rule = drlint::rules::by_id(id)
        .filter(|r| r.id == id)
        .unwrap_or_else(|| {
            panic!(
                "fixtures/rules/{id}/ has no rule src/rules/{}_*.rs",
                id.to_ascii_lowercase()
            )
        });
    let rel = Path::new("fixtures/rules").join(id).join(file);
    let shown = rel.display();
    let r = lint(&rel, &["--format", "json"]);
    assert_ne!(r.code, 2, "{shown}: {}", r.stderr);
    let res = results(&r.stdout);
    if file.starts_with("fail") {
        assert!(
            res.iter().any(|x| x.0 == rule.id && x.1 == "fail"),
            "{shown} must make {} fail: {res:?}",
            rule.id
        );
    } else if file.starts_with("pass") {
        assert!(
            res.is_empty(),
            "{shown} must be clean for every rule: {res:?}"
        );
    } else {
        panic!("{shown}: a fixture's name starts with `fail` or `pass`");
    }
    let human = lint(&rel, &["--color", "never"]).stdout;
    let snap = format!("{id}__{}", file.trim_end_matches(".tf.json"));
    insta::assert_snapshot!(snap, diagnostics(&human));
}

include!(concat!(env!("OUT_DIR"), "/rule_fixture_tests.rs"));

// ----- layout ----------------------------------------------------------------------------------

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `DR401` for `src/rules/dr401_crr_delete_markers.rs`, sorted.
fn rule_ids_on_disk(root: &Path) -> Vec<String> {
    names(&root.join("src/rules"))
        .into_iter()
        .filter(|n| {
            n.len() > 6
                && n.starts_with("dr")
                && n[2..5].bytes().all(|b| b.is_ascii_digit())
                && n.ends_with(".rs")
        })
        .map(|n| n[..5].to_ascii_uppercase())
        .collect()
}

/// What is missing or left over in a repository laid out as `root`: rule files
/// (`src/rules/drNNN_*.rs`), help pages (`rules/DRnnn.md`) and fixture folders
/// (`fixtures/rules/DRnnn/` with at least one `fail*.tf.json` and one `pass*.tf.json`).
fn layout_problems(root: &Path) -> Vec<String> {
    let rule_ids = rule_ids_on_disk(root);
    let page_ids: Vec<String> = names(&root.join("rules"))
        .into_iter()
        .filter_map(|n| n.strip_suffix(".md").map(String::from))
        .collect();
    let fixture_dirs: Vec<String> = names(&root.join("fixtures/rules"))
        .into_iter()
        .filter(|n| root.join("fixtures/rules").join(n).is_dir())
        .collect();
    let rule_files = names(&root.join("src/rules"));
    let mut problems = Vec::new();
    for id in &rule_ids {
        let prefix = id.to_ascii_lowercase();
        let file = rule_files
            .iter()
            .find(|f| f.starts_with(&prefix))
            .map_or("?", String::as_str);
        if !page_ids.contains(id) {
            problems.push(format!("src/rules/{file} has no help page rules/{id}.md"));
        }
        let fixtures = names(&root.join("fixtures/rules").join(id));
        for kind in ["fail", "pass"] {
            if !fixtures
                .iter()
                .any(|f| f.starts_with(kind) && f.ends_with(".tf.json"))
            {
                problems.push(format!(
                    "src/rules/{file} has no fixtures/rules/{id}/{kind}.tf.json"
                ));
            }
        }
        for f in &fixtures {
            let known = (f.starts_with("fail") || f.starts_with("pass")) && f.ends_with(".tf.json")
                || f.starts_with("drlint") && f.ends_with(".toml");
            if !known {
                problems.push(format!(
                    "fixtures/rules/{id}/{f}: fixtures are fail*.tf.json / pass*.tf.json, configurations drlint*.toml"
                ));
            }
        }
    }
    for id in &page_ids {
        if !rule_ids.contains(id) {
            problems.push(format!(
                "rules/{id}.md is the help page of no rule (no src/rules/{}_*.rs)",
                id.to_ascii_lowercase()
            ));
        }
    }
    for id in &fixture_dirs {
        if !rule_ids.contains(id) {
            problems.push(format!(
                "fixtures/rules/{id}/ belongs to no rule (no src/rules/{}_*.rs)",
                id.to_ascii_lowercase()
            ));
        }
    }
    problems
}

#[test]
fn layout_every_rule_has_a_page_and_fixtures_and_everything_a_rule() {
    let problems = layout_problems(&root());
    assert!(
        problems.is_empty(),
        "see docs/adding-a-rule.md:\n  {}",
        problems.join("\n  ")
    );
    // The registry build.rs generated is the same set of rules.
    let registry: Vec<&str> = drlint::rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(registry, rule_ids_on_disk(&root()));
}

#[test]
fn layout_problems_are_found() {
    let d = scratch("layout");
    let touch = |rel: &str| {
        let p: PathBuf = d.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "").unwrap();
    };
    // DR901 complete; DR902 without page or passing fixture; a page and fixtures without rule.
    touch("src/rules/dr901_complete.rs");
    touch("rules/DR901.md");
    touch("fixtures/rules/DR901/fail.tf.json");
    touch("fixtures/rules/DR901/pass-ephemeral.tf.json");
    touch("fixtures/rules/DR901/drlint-ephemeral.toml");
    touch("src/rules/dr902_incomplete.rs");
    touch("fixtures/rules/DR902/fail.tf.json");
    touch("fixtures/rules/DR902/notes.txt");
    touch("src/rules/kms.rs");
    touch("src/rules/mod.rs");
    touch("rules/DR903.md");
    touch("fixtures/rules/DR904/pass.tf.json");
    assert_eq!(
        layout_problems(&d),
        [
            "src/rules/dr902_incomplete.rs has no help page rules/DR902.md",
            "src/rules/dr902_incomplete.rs has no fixtures/rules/DR902/pass.tf.json",
            "fixtures/rules/DR902/notes.txt: fixtures are fail*.tf.json / pass*.tf.json, configurations drlint*.toml",
            "rules/DR903.md is the help page of no rule (no src/rules/dr903_*.rs)",
            "fixtures/rules/DR904/ belongs to no rule (no src/rules/dr904_*.rs)",
        ]
    );
}

// ----- machine-readable reports of representative fixtures ------------------------------------

/// A report with the tool version (changes every release) and the SARIF rules' help pages
/// (checked in tests/outputs.rs, and the same for every fixture) replaced; SARIF keeps only the
/// metadata of the rules its results name.
fn redacted(mut v: serde_json::Value) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                let id = m.get("id").and_then(|i| i.as_str()).map(String::from);
                for (k, x) in m.iter_mut() {
                    if (k == "version" || k == "semanticVersion" || k == "drlint_version")
                        && x.as_str() == Some(env!("CARGO_PKG_VERSION"))
                    {
                        *x = "[version]".into();
                    } else if k == "help" && x.get("markdown").is_some() {
                        *x = format!("[rules/{}.md]", id.as_deref().unwrap_or("?")).into();
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    // SARIF lists every rule: keep those the results name (so a new rule elsewhere does not
    // change these snapshots), after checking each result's ruleIndex points at its rule.
    if let Some(run) = v.pointer_mut("/runs/0") {
        // The repository root, where result URIs are relative to: machine-specific.
        let base = &mut run["originalUriBaseIds"]["%SRCROOT%"]["uri"];
        let canon = std::fs::canonicalize(root()).unwrap();
        assert_eq!(*base, format!("file://{}/", canon.display()));
        *base = "file:///[repository root]/".into();
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut named = Vec::new();
        for res in run["results"].as_array_mut().into_iter().flatten() {
            let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(
                rules[idx]["id"], res["ruleId"],
                "ruleIndex points at another rule"
            );
            res["ruleIndex"] = "[checked]".into();
            named.push(res["ruleId"].clone());
        }
        let kept: Vec<serde_json::Value> = rules
            .into_iter()
            .filter(|r| named.contains(&r["id"]))
            .collect();
        run["tool"]["driver"]["rules"] = kept.into();
    }
    let text = serde_json::to_string_pretty(&v).unwrap();
    let abs = root().to_string_lossy().into_owned();
    assert!(
        !text.contains(&abs),
        "a report names an absolute path: {text}"
    );
    text
}

fn report_snapshot(id: &str, file: &str, format: &str) {
    let rel = Path::new("fixtures/rules").join(id).join(file);
    let r = lint(&rel, &["--format", format]);
    assert_eq!(r.code, 1, "{}: {}", rel.display(), r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let name = format!("{id}__{}__{format}", file.trim_end_matches(".tf.json"));
    insta::assert_snapshot!(name, redacted(v));
}

#[test]
fn DR401_fail_sarif() {
    report_snapshot("DR401", "fail.tf.json", "sarif");
}

#[test]
fn DR401_fail_json() {
    report_snapshot("DR401", "fail.tf.json", "json");
}

#[test]
fn DR501_fail_sarif() {
    report_snapshot("DR501", "fail.tf.json", "sarif");
}

#[test]
fn DR501_fail_json() {
    report_snapshot("DR501", "fail.tf.json", "json");
}

#[test]
fn DR604_fail_sarif() {
    report_snapshot("DR604", "fail.tf.json", "sarif");
}

#[test]
fn DR604_fail_json() {
    report_snapshot("DR604", "fail.tf.json", "json");
}
