//! The Rust reader and the Python recorder agree: every resource of the committed reference-stack
//! synth output (written by integrations/cdktf-python/drlint_cdktf.py) yields a recorded source
//! that names a file of this repository and a line that constructs something.

mod common;
use common::root;
use drlint::json::{Raw, validate};
use drlint::read::cdktf_source::recorded_source;
use std::path::{Path, PathBuf};

fn configurations(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            configurations(&path, out);
        } else if path.file_name().is_some_and(|n| n == "cdk.tf.json") {
            out.push(path);
        }
    }
}

#[test]
fn every_reference_resource_has_a_readable_source_line() {
    let mut files = Vec::new();
    configurations(&root().join("fixtures/reference"), &mut files);
    files.sort();
    assert!(files.len() >= 2, "no reference configurations found");
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        validate(&text).unwrap();
        let doc = Raw::root(&text);
        let resources = doc.get("resource").expect("a resource block");
        for (rtype, _, by_name) in resources.entries() {
            for (rname, _, body) in by_name.entries() {
                let at = format!("{}: {rtype}.{rname}", file.display());
                let comment = body
                    .get("//")
                    .expect("cdktf metadata")
                    .to_value(&mut Vec::new());
                let source = recorded_source(&comment)
                    .unwrap_or_else(|e| panic!("{at}: {}", e.message))
                    .unwrap_or_else(|| panic!("{at}: no recorded source"));
                let program = std::fs::read_to_string(root().join(&source.path))
                    .unwrap_or_else(|e| panic!("{at}: {}: {e}", source.path));
                let line = program
                    .lines()
                    .nth(source.line as usize - 1)
                    .unwrap_or_else(|| panic!("{at}: {} has no line {}", source.path, source.line));
                assert!(source.path.ends_with(".py"), "{at}: {}", source.path);
                assert!(line.contains('('), "{at}: line {} is `{line}`", source.line);
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} resources checked");
}

#[test]
fn a_known_resource_points_at_its_constructor_call() {
    let text =
        std::fs::read_to_string(root().join("fixtures/reference/payments/cdk.tf.json")).unwrap();
    validate(&text).unwrap();
    let comment = Raw::root(&text)
        .get("resource")
        .and_then(|r| r.get("aws_dynamodb_table"))
        .and_then(|t| t.get("data_sessions"))
        .and_then(|b| b.get("//"))
        .expect("aws_dynamodb_table.data_sessions")
        .to_value(&mut Vec::new());
    let source = recorded_source(&comment).unwrap().unwrap();
    assert_eq!(source.path, "reference-stack/dr_stack/constructs/data.py");
    let program = std::fs::read_to_string(root().join(&source.path)).unwrap();
    let line = program.lines().nth(source.line as usize - 1).unwrap();
    assert!(
        line.contains("DynamodbTable("),
        "line {} is `{line}`",
        source.line
    );
}
