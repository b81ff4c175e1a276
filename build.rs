//! Derives the rule registry from the repository's folders, so that adding a rule never means
//! editing a hand-kept list (see docs/adding-a-rule.md):
//!
//! - `src/rules/drNNN_name.rs` → a `mod` declaration and an entry in `rules::ALL` (`rules.rs`);
//! - `rules/DRnnn.md` → the help page sources of `rules::docs` (`rule_pages.rs`);
//! - `fixtures/rules/DRnnn/{fail,pass}*.tf.json` → one test per fixture in tests/rule_fixtures.rs
//!   (`rule_fixture_tests.rs`), named `DRnnn_<fixture>` so `cargo test DRnnn` selects them.
//!
//! A rule without a help page or fixtures still builds (with a warning): the layout test in
//! tests/rule_fixtures.rs then fails and says what is missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct RuleFile {
    /// `DR401`
    id: String,
    /// `dr401_crr_delete_markers`
    module: String,
    path: PathBuf,
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    for dir in ["src/rules", "rules", "fixtures/rules"] {
        println!("cargo::rerun-if-changed={dir}");
    }
    println!("cargo::rerun-if-changed=build.rs");

    let rules = match rule_files(&root.join("src/rules")) {
        Ok(r) => r,
        Err(e) => fail(&e),
    };
    let pages = listing(&root.join("rules"), |name| {
        let id = name.strip_suffix(".md")?;
        is_id(id).then(|| id.to_string())
    });
    let fixtures = fixture_files(&root.join("fixtures/rules"));

    for r in &rules {
        if !pages.iter().any(|(id, _)| *id == r.id) {
            println!(
                "cargo::warning={} has no help page rules/{}.md (docs/adding-a-rule.md)",
                r.path.display(),
                r.id
            );
        }
        if !fixtures.iter().any(|(id, _, _)| *id == r.id) {
            println!(
                "cargo::warning={} has no fixtures in fixtures/rules/{}/ (docs/adding-a-rule.md)",
                r.path.display(),
                r.id
            );
        }
    }

    write(&out.join("rules.rs"), &registry(&rules));
    write(&out.join("rule_pages.rs"), &page_sources(&pages));
    write(
        &out.join("rule_fixture_tests.rs"),
        &fixture_tests(&fixtures),
    );
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

fn write(path: &Path, text: &str) {
    // Only rewrite when the text changed, so an unchanged registry does not rebuild the crate.
    if std::fs::read_to_string(path).ok().as_deref() != Some(text)
        && let Err(e) = std::fs::write(path, text)
    {
        fail(&format!("cannot write {}: {e}", path.display()));
    }
}

/// `DR` and three digits.
fn is_id(s: &str) -> bool {
    s.len() == 5 && s.starts_with("DR") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Sorted `(name, path)` of the entries of `dir` that `pick` maps to a key.
fn listing(dir: &Path, pick: impl Fn(&str) -> Option<String>) -> Vec<(String, PathBuf)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => fail(&format!("cannot read {}: {e}", dir.display())),
    };
    let mut v: Vec<(String, PathBuf)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            Some((pick(&name)?, e.path()))
        })
        .collect();
    v.sort();
    v
}

/// Every `drNNN_name.rs` in src/rules, checked to declare the id its name says.
fn rule_files(dir: &Path) -> Result<Vec<RuleFile>, String> {
    let mut rules = Vec::new();
    for (module, path) in listing(dir, |name| {
        let stem = name.strip_suffix(".rs")?;
        let digits = stem.get(2..5)?;
        (stem.starts_with("dr") && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| stem.to_string())
    }) {
        let id = format!("DR{}", &module[2..5]);
        let ok_name = module.as_bytes().get(5) == Some(&b'_')
            && module[6..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && module.len() > 6;
        if !ok_name {
            return Err(format!(
                "{}: a rule file is named drNNN_snake_case_name.rs (e.g. dr401_crr_delete_markers.rs)",
                path.display()
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !text.contains("pub static RULE: Rule = Rule {") {
            return Err(format!(
                "{}: a rule file declares `pub static RULE: Rule = Rule {{ id: \"{id}\", .. }}` (see docs/adding-a-rule.md)",
                path.display()
            ));
        }
        if !text.contains(&format!("id: \"{id}\"")) {
            return Err(format!(
                "{}: its name says {id}, so its RULE must have `id: \"{id}\"`",
                path.display()
            ));
        }
        if let Some(other) = rules.iter().find(|r: &&RuleFile| r.id == id) {
            return Err(format!(
                "{} and {} both define {id}: rule ids are unique",
                other.path.display(),
                path.display()
            ));
        }
        rules.push(RuleFile { id, module, path });
    }
    Ok(rules)
}

/// `(id, fixture file name, path)` of every `*.tf.json` in fixtures/rules/<ID>/.
fn fixture_files(dir: &Path) -> Vec<(String, String, PathBuf)> {
    let mut v = Vec::new();
    if !dir.is_dir() {
        return v; // e.g. a packaged crate without fixtures: no fixture tests
    }
    for (id, sub) in listing(dir, |name| Some(name.to_string())) {
        if !sub.is_dir() {
            continue;
        }
        println!("cargo::rerun-if-changed={}", sub.display());
        for (file, path) in listing(&sub, |name| {
            name.ends_with(".tf.json").then(|| name.to_string())
        }) {
            v.push((id.clone(), file, path));
        }
    }
    v
}

fn registry(rules: &[RuleFile]) -> String {
    let mut s = String::from("// @generated by build.rs from src/rules/dr*.rs\n\n");
    for r in rules {
        let _ = writeln!(
            s,
            "#[path = {:?}]\nmod {};",
            r.path.display().to_string(),
            r.module
        );
    }
    s.push_str("\n/// Every rule, in id order (one per `src/rules/drNNN_*.rs`).\npub static ALL: &[&Rule] = &[\n");
    for r in rules {
        let _ = writeln!(s, "    &{}::RULE,", r.module);
    }
    s.push_str("];\n\n/// The file of each rule in [`ALL`], in the same order.\npub static FILES: &[&str] = &[\n");
    for r in rules {
        let _ = writeln!(s, "    \"src/rules/{}.rs\",", r.module);
    }
    s.push_str("];\n");
    s
}

fn page_sources(pages: &[(String, PathBuf)]) -> String {
    let mut s = String::from("// @generated by build.rs from rules/*.md\n&[\n");
    for (id, path) in pages {
        let _ = writeln!(
            s,
            "    ({id:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    s.push_str("]\n");
    s
}

fn fixture_tests(fixtures: &[(String, String, PathBuf)]) -> String {
    let mut s = String::from("// @generated by build.rs from fixtures/rules/*/*.tf.json\n");
    for (id, file, _) in fixtures {
        let stem = file.trim_end_matches(".tf.json");
        let fn_name: String = format!("{id}_{stem}")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let _ = writeln!(
            s,
            "\n#[test]\n#[allow(non_snake_case)]\nfn {fn_name}() {{\n    check_fixture({id:?}, {file:?});\n}}"
        );
    }
    s
}
