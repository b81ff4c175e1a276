//! Every rule has a failing and a passing two-region fixture in fixtures/rules/<ID>/, and a
//! snapshot of what a user sees for each (a passing fixture snapshots to nothing).

mod common;
use common::{drlint, results, root};
use std::path::{Path, PathBuf};

/// The configuration a fixture is linted with: `drlint-<suffix>.toml` for `fail-<suffix>` /
/// `pass-<suffix>`, else `drlint.toml` in its directory, else `--env-suffix test --profile production`.
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
        if c.is_file() {
            return vec!["--config".into(), c.to_string_lossy().into_owned()];
        }
    }
    ["--env-suffix", "test", "--profile", "production"]
        .map(String::from)
        .to_vec()
}

fn fixtures(id: &str) -> Vec<PathBuf> {
    let dir = root().join("fixtures/rules").join(id);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{id} has no fixtures/rules/{id}/"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tf.json"))
        .collect();
    v.sort();
    v
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

#[test]
fn every_rule_fails_and_passes_its_fixtures() {
    let mut snapshots = 0;
    for rule in drlint::rules::ALL {
        let files = fixtures(rule.id);
        let name = |p: &PathBuf| p.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            files.iter().any(|f| name(f).starts_with("fail")),
            "{} has no failing fixture",
            rule.id
        );
        assert!(
            files.iter().any(|f| name(f).starts_with("pass")),
            "{} has no passing fixture",
            rule.id
        );
        for f in &files {
            let rel = f
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let mut args = vec![rel.clone()];
            args.extend(config_args(f));
            let mut json_args = args.clone();
            json_args.extend(["--format".into(), "json".into()]);
            let r = drlint(&json_args.iter().map(String::as_str).collect::<Vec<_>>());
            assert_ne!(r.code, 2, "{rel}: {}", r.stderr);
            let res = results(&r.stdout);
            let fails = res
                .iter()
                .filter(|x| x.0 == rule.id && x.1 == "fail")
                .count();
            if name(f).starts_with("fail") {
                assert!(fails > 0, "{rel} must make {} fail: {res:?}", rule.id);
            } else {
                assert!(
                    !res.iter().any(|x| x.0 == rule.id),
                    "{rel} must pass {}: {res:?}",
                    rule.id
                );
                assert!(
                    res.is_empty(),
                    "{rel} must be clean for every rule: {res:?}"
                );
            }
            let mut human_args = args.clone();
            human_args.extend(["--color".into(), "never".into()]);
            let human = drlint(&human_args.iter().map(String::as_str).collect::<Vec<_>>()).stdout;
            let snap = format!("{}__{}", rule.id, name(f).trim_end_matches(".tf.json"));
            insta::assert_snapshot!(snap, diagnostics(&human));
            snapshots += 1;
        }
    }
    assert!(snapshots >= 48);
}
