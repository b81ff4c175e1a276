//! The program source line a CDKTF resource was created on, when the program recorded it.
//!
//! A `cdk.tf.json` is generated, so code scanning cannot show an alert on it; the line of the
//! CDKTF program that created the resource can be shown. Programs opt in with
//! `integrations/cdktf-python/drlint_cdktf.py`, which writes, beside cdktf's own metadata in the
//! resource's `"//"` (comment) key:
//!
//! ```json
//! "//": {"metadata": {"path": "...", "uniqueId": "..."},
//!        "drlint": {"source": "reference-stack/dr_stack/constructs/storage.py", "line": 42}}
//! ```
//!
//! `source` is relative to the repository root (or, outside a git checkout, to the directory the
//! program ran in), with `/` separators. docs/cdktf-source-locations.md describes the format.
//! The metadata is untrusted input: it ends up in SARIF as a repository-relative URI, so anything
//! but a plain relative path inside the root and a positive integer line is refused with a
//! warning, and the finding keeps pointing at `cdk.tf.json`.

use crate::value::{Kind, Span, Value};

/// Where the program created a resource: a normalized, root-relative `/`-separated path and a
/// 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedSource {
    pub path: String,
    pub line: u32,
}

/// Recorded metadata that cannot be used: where it is in the file and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSource {
    pub span: Span,
    pub message: String,
}

/// The key under a resource's `"//"` object that drlint's integrations write.
pub const KEY: &str = "drlint";

/// Reads the recorded source from a resource's `"//"` value (in the model: `meta.get("//")`).
///
/// `Ok(None)`: nothing recorded (no `"//"`, or no `drlint` entry in it) — the normal case for
/// programs that did not opt in. `Err`: an entry is there but unusable; the caller reports the
/// message as a warning and treats the resource as having no recorded source.
pub fn recorded_source(comment: &Value) -> Result<Option<RecordedSource>, InvalidSource> {
    let entry = comment.get(KEY);
    if entry.is_absent() {
        return Ok(None);
    }
    let invalid = |v: &Value, why: String| InvalidSource {
        span: v.span(),
        message: format!("ignoring the recorded source location (`//.{KEY}`): {why}"),
    };
    if !matches!(entry.kind(), Kind::Obj(_)) {
        return Err(invalid(
            entry,
            "it is not an object with `source` and `line`".into(),
        ));
    }
    let source = entry.get("source");
    let Some(raw_path) = source.str() else {
        return Err(invalid(
            if source.is_absent() { entry } else { source },
            "`source` is missing or not a string".into(),
        ));
    };
    let path = normalize(raw_path).map_err(|why| invalid(source, why))?;
    let line_value = entry.get("line");
    let line = match line_value.kind() {
        Kind::Num(lexeme) => lexeme
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                invalid(
                    line_value,
                    format!("`line` is {lexeme}, not a whole number from 1 up"),
                )
            })?,
        _ => {
            return Err(invalid(
                if line_value.is_absent() {
                    entry
                } else {
                    line_value
                },
                "`line` is missing or not a number".into(),
            ));
        }
    };
    Ok(Some(RecordedSource { path, line }))
}

/// A relative path that stays inside the root, normalized: `.` and empty segments dropped,
/// `dir/..` folded. Absolute paths, Windows separators or drive letters, control characters and
/// `..` that climbs above the root are refused.
fn normalize(path: &str) -> Result<String, String> {
    let shown = path.escape_debug();
    if path.is_empty() {
        return Err("`source` is empty".into());
    }
    if path.starts_with('/') {
        return Err(format!(
            "`source` \"{shown}\" is absolute; it must be relative to the repository root"
        ));
    }
    if path.contains('\\') {
        return Err(format!(
            "`source` \"{shown}\" contains `\\`; use `/` separators"
        ));
    }
    let b = path.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(format!(
            "`source` \"{shown}\" starts with a drive letter; it must be relative to the repository root"
        ));
    }
    if path.chars().any(char::is_control) {
        return Err(format!("`source` \"{shown}\" contains control characters"));
    }
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if kept.pop().is_none() {
                    return Err(format!(
                        "`source` \"{shown}\" leaves the repository root through `..`"
                    ));
                }
            }
            s => kept.push(s),
        }
    }
    if kept.is_empty() {
        return Err(format!("`source` \"{shown}\" names no file"));
    }
    Ok(kept.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Raw, validate};

    /// The result for a resource whose `"//"` value is `comment` (JSON text).
    fn read(comment: &str) -> Result<Option<RecordedSource>, InvalidSource> {
        validate(comment).expect("test JSON is valid");
        let mut warnings = Vec::new();
        let value = Raw::root(comment).to_value(&mut warnings);
        assert!(warnings.is_empty());
        recorded_source(&value)
    }

    fn ok(path: &str, line: u32) -> Result<Option<RecordedSource>, InvalidSource> {
        Ok(Some(RecordedSource {
            path: path.into(),
            line,
        }))
    }

    fn message(comment: &str) -> String {
        match read(comment) {
            Err(e) => e.message,
            other => panic!("expected a warning for {comment}, got {other:?}"),
        }
    }

    #[test]
    fn reads_what_the_python_integration_writes() {
        let comment = r#"{"metadata": {"path": "payments/storage/bucket", "uniqueId": "storage_bucket_1A2B"},
                          "drlint": {"source": "reference-stack/dr_stack/constructs/storage.py", "line": 42}}"#;
        assert_eq!(
            read(comment),
            ok("reference-stack/dr_stack/constructs/storage.py", 42)
        );
    }

    #[test]
    fn nothing_recorded_is_not_a_warning() {
        assert_eq!(read(r#"{"metadata": {"path": "a/b"}}"#), Ok(None));
        assert_eq!(read("{}"), Ok(None));
        assert_eq!(recorded_source(Value::absent()), Ok(None));
    }

    #[test]
    fn unknown_extra_keys_are_ignored() {
        assert_eq!(
            read(r#"{"drlint": {"source": "main.py", "line": 1, "column": 5}}"#),
            ok("main.py", 1)
        );
    }

    #[test]
    fn paths_are_normalized() {
        assert_eq!(
            read(r#"{"drlint": {"source": "./a//b/./c.py", "line": 3}}"#),
            ok("a/b/c.py", 3)
        );
        assert_eq!(
            read(r#"{"drlint": {"source": "a/x/../b.py", "line": 3}}"#),
            ok("a/b.py", 3)
        );
    }

    #[test]
    fn paths_escaping_the_root_are_refused() {
        for p in ["../secrets.py", "a/../../b.py", "..", "a/b/../../../c.py"] {
            let m = message(&format!(r#"{{"drlint": {{"source": "{p}", "line": 1}}}}"#));
            assert!(m.contains("leaves the repository root"), "{p}: {m}");
        }
    }

    #[test]
    fn absolute_and_windows_paths_are_refused() {
        let m = message(r#"{"drlint": {"source": "/home/me/stack.py", "line": 1}}"#);
        assert!(m.contains("is absolute"), "{m}");
        let m = message(r#"{"drlint": {"source": "C:/stack.py", "line": 1}}"#);
        assert!(m.contains("drive letter"), "{m}");
        let m = message(r#"{"drlint": {"source": "dr\\stack.py", "line": 1}}"#);
        assert!(m.contains("use `/` separators"), "{m}");
    }

    #[test]
    fn empty_and_odd_paths_are_refused() {
        assert!(message(r#"{"drlint": {"source": "", "line": 1}}"#).contains("is empty"));
        assert!(message(r#"{"drlint": {"source": "./.", "line": 1}}"#).contains("names no file"));
        assert!(message(r#"{"drlint": {"source": "a\nb.py", "line": 1}}"#).contains("control"));
        assert!(
            message(r#"{"drlint": {"line": 1}}"#).contains("`source` is missing or not a string")
        );
        assert!(
            message(r#"{"drlint": {"source": 7, "line": 1}}"#)
                .contains("`source` is missing or not a string")
        );
    }

    #[test]
    fn lines_must_be_whole_numbers_from_one() {
        for bad in ["0", "-3", "4.5", "1e3", "99999999999"] {
            let m = message(&format!(
                r#"{{"drlint": {{"source": "a.py", "line": {bad}}}}}"#
            ));
            assert!(m.contains("not a whole number from 1 up"), "{bad}: {m}");
        }
        for bad in [r#""12""#, "null", "true"] {
            let m = message(&format!(
                r#"{{"drlint": {{"source": "a.py", "line": {bad}}}}}"#
            ));
            assert!(
                m.contains("`line` is missing or not a number"),
                "{bad}: {m}"
            );
        }
        assert!(message(r#"{"drlint": {"source": "a.py"}}"#).contains("`line` is missing"));
    }

    #[test]
    fn an_entry_that_is_not_an_object_is_refused() {
        let m = message(r#"{"drlint": "dr_stack/stack.py:12"}"#);
        assert!(m.contains("not an object"), "{m}");
        assert!(m.starts_with("ignoring the recorded source location (`//.drlint`)"));
    }

    #[test]
    fn the_warning_points_at_the_bad_value() {
        let text = r#"{"drlint": {"source": "../x.py", "line": 1}}"#;
        let err = read(text).unwrap_err();
        assert_eq!(&text[err.span.range()], r#""../x.py""#);
        let text = r#"{"drlint": {"source": "x.py", "line": 0}}"#;
        let err = read(text).unwrap_err();
        assert_eq!(&text[err.span.range()], "0");
        let text = r#"{"drlint": {"source": "x.py"}}"#;
        let err = read(text).unwrap_err();
        assert_eq!(&text[err.span.range()], r#"{"source": "x.py"}"#);
    }
}
