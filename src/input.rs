//! Reading input files: bytes in, validated UTF-8 JSON text out, with the format detected from
//! the content (never from the file name).
//!
//! Every failure here becomes an [`InputError`] that names the file, where, and what to do; the
//! binary turns it into exit code 2.

use crate::json::{self, Raw};
use std::fmt;
use std::io::Read;
use std::path::Path;

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// `terraform show -json PLANFILE`
    Plan,
    /// `terraform show -json` of a state
    State,
    /// Terraform JSON configuration (`*.tf.json`, CDKTF `cdk.tf.json`)
    TfJson,
    /// AWS Config snapshot or API output
    AwsConfig,
}

impl InputKind {
    pub fn describe(&self) -> &'static str {
        match self {
            InputKind::Plan => "Terraform plan JSON",
            InputKind::State => "Terraform state JSON",
            InputKind::TfJson => "Terraform JSON configuration",
            InputKind::AwsConfig => "AWS Config items",
        }
    }
}

/// The message for a cloud-custodian "placebo" recording (`{"status_code":…, "data":{…}}`).
pub const PLACEBO_MESSAGE: &str = "this is a cloud-custodian placebo test recording ({\"status_code\": …, \"data\": {…}}), not AWS Config output";
pub const PLACEBO_HINT: &str = "pass the AWS CLI / API output itself (e.g. `aws configservice get-resource-config-history … > items.json`) or an S3-delivered Config snapshot; to use this recording anyway, extract its `data` member";

/// Name prefix of inputs that are not files on disk (`drlint live` without `--save-snapshot`).
pub const LIVE_PREFIX: &str = "live:";

/// The name of standard input in messages when `--stdin-filename` is not given.
pub const STDIN_NAME: &str = "<stdin>";

/// What to do with `.tf` (HCL) files.
pub const HCL_HINT: &str = "lint `terraform show -json` output: terraform plan -out tfplan && terraform show -json tfplan > plan.json";

/// A loaded input: its name for messages and its decoded text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given (or `<stdin>`).
    pub name: String,
    pub text: Text,
    pub kind: InputKind,
    /// Notes about how the file was decoded (gzip, UTF-16, lossy UTF-8).
    pub notes: Vec<String>,
    /// Top-level keys and the byte range of their values, found while detecting the format, so
    /// that adapters need not walk a large document's top level again.
    pub top: Vec<(String, usize, usize)>,
    /// Where the shallow containers of `text` end, recorded while validating it
    /// ([`json::PLAN_INDEX_DEPTH`] levels): navigation from [`Raw::root_indexed`] steps over them.
    /// Only the adapters use it; [`SourceFile::release_structure`] frees it once the model is
    /// built (about 100 bytes a resource of a plan).
    structure: std::sync::Mutex<json::Structure>,
    /// Where the lines of `text` start, built on first use (or while reading, for a mapped
    /// text: see [`Text::release`]).
    lines: std::sync::OnceLock<json::LineIndex>,
    /// Copies of parts of a mapped text that the model reads from (a plan's attributes, a
    /// chunk of resources to each copy), so that the rest of its pages can be given back:
    /// see [`SourceFile::copies`].
    copies: std::sync::OnceLock<Box<[std::sync::OnceLock<Box<str>>]>>,
}

impl SourceFile {
    /// The validator's index of the text's shallow containers (empty once released).
    pub fn structure(&self) -> std::sync::MutexGuard<'_, json::Structure> {
        self.structure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Frees the structure index: the model does not need it, and nothing reads the text's
    /// containers through it afterwards (they are read from the text alone).
    pub fn release_structure(&self) {
        drop(std::mem::take(&mut *self.structure()));
    }

    /// `n` places for copies of parts of the text, filled once each by the adapter that asks
    /// for them (a file is read by one adapter, once). The copies live as long as the file,
    /// and the model borrows from them as it does from the text. Nothing for a text that is
    /// not mapped: its memory cannot be given back, so a copy would only add to it.
    pub fn copies(&self, n: usize) -> Option<&[std::sync::OnceLock<Box<str>>]> {
        if !self.text.is_mapped() {
            return None;
        }
        Some(
            self.copies
                .get_or_init(|| (0..n).map(|_| std::sync::OnceLock::new()).collect()),
        )
    }

    /// The line index of the text.
    pub fn line_index(&self) -> &json::LineIndex {
        self.lines.get_or_init(|| json::LineIndex::new(&self.text))
    }
}

/// The decoded text of an input: owned, or a read-only mapping of a large file that was
/// checked to be UTF-8 JSON as it is.
pub struct Text(Repr);

enum Repr {
    Owned(String),
    Mapped(memmap2::Mmap),
}

impl Text {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(s) => s,
            // SAFETY: a mapped text is built only by `mapped`, after every byte of the mapping
            // was found to be ASCII or `from_utf8` accepted them all (see there for the file
            // not changing underneath).
            Repr::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m) },
        }
    }

    /// The mapping of a whole file, when it is UTF-8, with its line index. The index is built
    /// first, on every core, and learns whether the text is ASCII (most plans are): then it is
    /// UTF-8 with no other pass over it. Other texts are checked in two halves at once.
    fn mapped(map: memmap2::Mmap) -> Result<(Text, json::LineIndex), memmap2::Mmap> {
        let lines = json::LineIndex::of_bytes(&map);
        if lines.is_ascii() {
            return Ok((Text(Repr::Mapped(map)), lines));
        }
        let b: &[u8] = &map;
        // Split at a byte that starts a character, so each half is UTF-8 on its own exactly
        // when the whole is.
        let mut mid = b.len() / 2;
        while mid < b.len() && (b[mid] as i8) < -0x40 {
            mid += 1;
        }
        let (x, y) = b.split_at(mid);
        let (ok_x, ok_y) = rayon::join(
            || std::str::from_utf8(x).is_ok(),
            || std::str::from_utf8(y).is_ok(),
        );
        if ok_x && ok_y {
            Ok((Text(Repr::Mapped(map)), lines))
        } else {
            Err(map)
        }
    }

    /// Lets the system take back the memory of a mapped text: its pages stay in the page cache
    /// and are mapped again, unchanged, when something reads them. A plan's `planned_values`
    /// and `prior_state` (about 40 % of it) are read once, by the validator, and never again.
    pub fn release(&self) {
        if let Repr::Mapped(m) = &self.0 {
            // SAFETY: the mapping is private and read-only, never written: dropping its pages
            // loses nothing, and a later read maps the file's bytes again. Like every read of a
            // mapped file, this assumes the file is not changed while drlint runs (standard
            // input is never mapped). A failure only leaves the pages mapped.
            let _ = unsafe { m.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }

    /// [`Text::release`] for the pages that hold `range` (and those it starts and ends in).
    pub fn release_range(&self, range: std::ops::Range<usize>) {
        if let Repr::Mapped(m) = &self.0
            && range.start < range.end
            && range.end <= m.len()
        {
            // SAFETY: as for `release`; memmap2 widens the range to whole pages.
            let _ = unsafe {
                m.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    range.start,
                    range.end - range.start,
                )
            };
        }
    }

    fn is_mapped(&self) -> bool {
        matches!(self.0, Repr::Mapped(_))
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(s))
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = if self.is_mapped() { "mapped" } else { "owned" };
        write!(f, "Text({how}, {} bytes)", self.len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// "line:col" when the problem has a place.
    pub location: Option<(usize, usize)>,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((l, c)) => write!(f, "{}:{}:{}: {}", self.file, l, c, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        if !self.hint.is_empty() {
            write!(f, "\n  help: {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

fn input_err(file: &str, message: impl Into<String>, hint: impl Into<String>) -> InputError {
    InputError {
        file: file.to_string(),
        location: None,
        message: message.into(),
        hint: hint.into(),
    }
}

const SHOW_JSON_HINT: &str = "pass the output of `terraform show -json PLANFILE > plan.json`, a CDKTF `cdk.tf.json`, or AWS Config output";

/// Reads a path (or `-` for standard input) and decodes it.
pub fn load(path: &str) -> Result<SourceFile, InputError> {
    load_as(path, None)
}

/// [`load`], naming standard input `stdin_name` (`--stdin-filename`) instead of `<stdin>`.
pub fn load_as(path: &str, stdin_name: Option<&str>) -> Result<SourceFile, InputError> {
    if path == "-" {
        let name = stdin_name.unwrap_or(STDIN_NAME);
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| input_err(name, format!("cannot read standard input: {e}"), ""))?;
        return decode(name, buf);
    }
    let p = Path::new(path);
    match std::fs::metadata(p) {
        Err(e) => return Err(io_error(path, &e)),
        Ok(m) if m.is_dir() => {
            return Err(input_err(
                path,
                "is a directory, not a file",
                "pass the JSON file itself, e.g. cdktf.out/stacks/<stack>/cdk.tf.json or plan.json",
            ));
        }
        Ok(_) => {}
    }
    let loaded = read_path(p).map_err(|e| io_error(path, &e))?;
    decode_loaded(path, loaded)
}

// How the inputs that are not read as they are (plain UTF-8) start: gzip, a zip archive (a
// binary Terraform plan), UTF-16 with its byte-order mark, and UTF-8 with one.
const GZIP: &[u8] = &[0x1f, 0x8b];
const ZIP: &[u8] = b"PK\x03\x04";
const UTF16_LE: &[u8] = &[0xFF, 0xFE];
const UTF16_BE: &[u8] = &[0xFE, 0xFF];
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Regular files at least this large are mapped rather than read into memory.
const MAP_MIN: u64 = 4 << 20;

/// A file's bytes: a mapping of a large regular file, or what was read.
enum Loaded {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Loaded {
    fn bytes(&self) -> &[u8] {
        match self {
            Loaded::Mapped(m) => m,
            Loaded::Read(b) => b,
        }
    }
}

/// Maps a large regular file (no copy, and pages the model never reads can be given back: see
/// [`Text::release`]); reads anything else, or a file that cannot be mapped.
fn read_path(path: &Path) -> std::io::Result<Loaded> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() >= MAP_MIN {
        // SAFETY: the mapping is read-only and private. Like every mapped read, it assumes the
        // file is not truncated or rewritten while drlint runs (see `Text::release`).
        if let Ok(m) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(Loaded::Mapped(m));
        }
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    let mut file = file;
    file.read_to_end(&mut buf)?;
    Ok(Loaded::Read(buf))
}

/// [`decode`] for a loaded file: a mapped file that is plain UTF-8 is used where it is;
/// compressed, UTF-16, byte-order-marked or invalid UTF-8 files are decoded into memory.
fn decode_loaded(name: &str, loaded: Loaded) -> Result<SourceFile, InputError> {
    let map = match loaded {
        Loaded::Read(b) => return decode(name, b),
        Loaded::Mapped(m) => m,
    };
    let marked = [GZIP, ZIP, UTF16_LE, UTF16_BE, UTF8_BOM]
        .iter()
        .any(|m| map.starts_with(m));
    if marked {
        return decode(name, map.to_vec());
    }
    match Text::mapped(map) {
        Ok((text, lines)) => finish(name, text, Vec::new(), Some(lines)),
        Err(map) => decode(name, map.to_vec()),
    }
}

/// A clear message for an I/O failure on `path`.
pub fn io_error(path: &str, e: &std::io::Error) -> InputError {
    match e.kind() {
        std::io::ErrorKind::NotFound => input_err(
            path,
            "no such file",
            "check the path; use `-` to read standard input",
        ),
        std::io::ErrorKind::PermissionDenied => input_err(
            path,
            "permission denied",
            "make the file readable by this user (e.g. `chmod a+r`)",
        ),
        _ => input_err(path, format!("cannot read: {e}"), ""),
    }
}

/// Decodes raw bytes: gzip, UTF-16 with BOM, UTF-8 (lossy, with a note), then validates JSON and
/// detects the format.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<SourceFile, InputError> {
    let mut notes = Vec::new();
    let mut bytes = bytes;
    if bytes.starts_with(GZIP) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(|e| {
                input_err(
                    name,
                    format!("gzip data is corrupt or truncated: {e}"),
                    "re-download the file, or decompress it with `gunzip` to see what is wrong",
                )
            })?;
        notes.push("decompressed gzip".to_string());
        bytes = out;
    }
    if bytes.starts_with(ZIP) {
        return Err(input_err(
            name,
            "this is a binary Terraform plan file (a zip archive), not JSON",
            "convert it first: `terraform show -json tfplan > plan.json`, then run drlint on plan.json",
        ));
    }
    let text = if bytes.starts_with(UTF16_LE) || bytes.starts_with(UTF16_BE) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        notes.push(format!("decoded UTF-16 {}", if le { "LE" } else { "BE" }));
        String::from_utf16_lossy(&units)
    } else {
        let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(&bytes);
        let start = bytes.len() - body.len();
        bytes.drain(..start);
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let body = e.as_bytes();
                let e = e.utf8_error();
                notes.push(format!(
                    "invalid UTF-8 at byte {}; such bytes were replaced with U+FFFD",
                    e.valid_up_to()
                ));
                String::from_utf8_lossy(body).into_owned()
            }
        }
    };
    finish(name, Text::from(text), notes, None)
}

/// Checks decoded text, validates it as JSON and detects its format. `index` is the text's line
/// index when it was built already (always, for a mapped text).
fn finish(
    name: &str,
    text: Text,
    notes: Vec<String>,
    index: Option<json::LineIndex>,
) -> Result<SourceFile, InputError> {
    if text.len() > crate::value::MAX_INPUT {
        return Err(input_err(
            name,
            "file is larger than 2 GiB",
            "split the plan per stack",
        ));
    }
    if text.trim().is_empty() {
        return Err(input_err(name, "the file is empty", SHOW_JSON_HINT));
    }
    let structure = match json::validate_indexed(&text, json::PLAN_INDEX_DEPTH) {
        Ok(s) => s,
        Err(e) => return Err(invalid_json(name, &text, e)),
    };
    let (kind, top) = detect_with_fields(name, &text, &structure)?;
    let lines = std::sync::OnceLock::new();
    if let Some(index) = index {
        let _ = lines.set(index);
    }
    if text.is_mapped() {
        // Every page of the file was just read, and its lines indexed when it was mapped
        // (`Text::mapped`): the pages are given back. The model and the rules map again only
        // the parts they read.
        text.release();
    }
    Ok(SourceFile {
        name: name.to_string(),
        text,
        kind,
        notes,
        top,
        structure: std::sync::Mutex::new(structure),
        lines,
        copies: std::sync::OnceLock::new(),
    })
}

/// The error for text that is not valid JSON: where, what, and what to do.
fn invalid_json(name: &str, text: &str, e: json::JsonError) -> InputError {
    if looks_like_hcl(name, text) {
        return input_err(name, "HCL is not read yet", HCL_HINT);
    }
    let (line, col) = json::line_col(text, e.offset);
    let hint = if e.message.contains("truncated") {
        "the file looks cut off; regenerate it (for plans: `terraform show -json tfplan > plan.json`)"
    } else if !text.trim_start().starts_with(['{', '[']) {
        "this is not JSON; drlint reads `terraform show -json` output, Terraform JSON configuration and AWS Config JSON"
    } else {
        "fix the JSON syntax or regenerate the file"
    };
    InputError {
        file: name.to_string(),
        location: Some((line, col)),
        message: format!("invalid JSON: {}", e.message),
        hint: hint.to_string(),
    }
}

/// A `.tf` file, or text that starts like a Terraform HCL block (`resource "…"`, `terraform {`).
fn looks_like_hcl(name: &str, text: &str) -> bool {
    if name.ends_with(".tf") || name.ends_with(".tfvars") {
        return true;
    }
    let first = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .unwrap_or("");
    let word: String = first
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let after = first[word.len()..].trim_start();
    matches!(
        word.as_str(),
        "resource"
            | "data"
            | "provider"
            | "terraform"
            | "module"
            | "variable"
            | "output"
            | "locals"
            | "import"
            | "moved"
    ) && (after.starts_with('"') || after.starts_with('{'))
}

/// Inputs found in a directory.
#[derive(Debug, Default)]
pub struct DirInputs {
    pub files: Vec<SourceFile>,
    /// JSON-looking files that are not one of drlint's kinds (skipped silently).
    pub skipped: usize,
}

/// Does the beginning of a file name keys only drlint's kinds have? Used to tell a broken input
/// (an error) from someone else's JSON (skipped) when searching a directory.
fn looks_like_our_kind(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    [
        "\"format_version\"",
        "\"planned_values\"",
        "\"resource_changes\"",
        "\"terraform_version\"",
        "\"configurationItems\"",
        "\"baseConfigurationItems\"",
        "\"configSnapshotId\"",
        "\"configurationItemCaptureTime\"",
    ]
    .iter()
    .any(|k| head.contains(k))
        || (head.contains("\"//\"") && head.contains("\"cdktf"))
}

/// Does the start of a file look like JSON (or gzip, which may hold JSON)?
fn sniff_json(path: &Path) -> bool {
    let mut head = [0u8; 512];
    let n = match std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        Err(_) => return false,
    };
    let head = &head[..n];
    if head.starts_with(GZIP) {
        return true;
    }
    let (body, step) = if head.starts_with(UTF16_LE) {
        (&head[2..], 2)
    } else if head.starts_with(UTF16_BE) {
        (head.get(3..).unwrap_or(&[]), 2)
    } else {
        (head.strip_prefix(UTF8_BOM).unwrap_or(head), 1)
    };
    body.iter()
        .step_by(step)
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

/// Finds the inputs in a directory by content: files that sniff as JSON and decode as a plan,
/// state, Terraform JSON configuration or AWS Config file. Skips `.terraform/`, `node_modules/`,
/// `.git/`, hidden entries and what `.gitignore` / `.ignore` files exclude (walked with the
/// `ignore` crate, as ripgrep does). Files that look like JSON but are not one of these kinds
/// (package.json, tsconfig.json, CDKTF's manifest.json) are skipped silently.
///
/// A directory with no input is an error; when it holds `.tf` files the error says how to get
/// JSON from them.
pub fn load_dir(dir: &str) -> Result<DirInputs, InputError> {
    let mut candidates = Vec::new();
    let mut tf_files = 0usize;
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .filter_entry(|e| {
            e.depth() == 0
                || !matches!(
                    e.file_name().to_str(),
                    Some(".terraform" | "node_modules" | ".git")
                )
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                return Err(input_err(
                    dir,
                    format!("cannot read the directory: {e}"),
                    "check the path and its permissions",
                ));
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "tf") {
            tf_files += 1;
            continue;
        }
        if sniff_json(path) {
            let shown = path.strip_prefix("./").unwrap_or(path);
            candidates.push(shown.to_string_lossy().into_owned());
        }
    }
    candidates.sort();
    use rayon::prelude::*;
    // JSON of another kind (package.json, a SARIF report, a tsconfig.json with comments) is
    // skipped. A file that cannot be read, or whose beginning shows one of drlint's kinds but that
    // does not decode (a truncated plan), is an error: linting the rest without it would present a
    // partial report as complete.
    let decoded: Vec<Result<Option<SourceFile>, InputError>> = candidates
        .par_iter()
        .map(|p| {
            let loaded = read_path(Path::new(p)).map_err(|e| io_error(p, &e))?;
            let ours = looks_like_our_kind(loaded.bytes());
            match decode_loaded(p, loaded) {
                Ok(f) => Ok(Some(f)),
                Err(e) if ours => Err(e),
                Err(_) => Ok(None),
            }
        })
        .collect();
    let mut out = DirInputs::default();
    let mut broken = Vec::new();
    for d in decoded {
        match d {
            Ok(Some(f)) => out.files.push(f),
            Ok(None) => out.skipped += 1,
            Err(e) => broken.push(e),
        }
    }
    if let Some(first) = broken.first() {
        let others = broken.len() - 1;
        let mut e = first.clone();
        if others > 0 {
            e.message.push_str(&format!(
                " (and {others} more unreadable file{} in {dir}: {})",
                if others == 1 { "" } else { "s" },
                broken[1..]
                    .iter()
                    .map(|b| b.file.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        e.hint = format!(
            "{}; or lint only the files you mean (name them, or a narrower directory; what .gitignore excludes is not searched)",
            e.hint
        );
        return Err(e);
    }
    if out.files.is_empty() {
        return Err(if tf_files > 0 {
            input_err(
                dir,
                format!(
                    "holds {tf_files} .tf file{} but no JSON input: HCL is not read yet",
                    if tf_files == 1 { "" } else { "s" }
                ),
                HCL_HINT,
            )
        } else {
            input_err(
                dir,
                "no plan, state, Terraform JSON configuration or AWS Config file in this directory",
                "pass a directory that holds `terraform show -json` output, a CDKTF `cdk.tf.json` (e.g. cdktf.out/) or AWS Config JSON; what .gitignore excludes is not searched unless named (e.g. `drlint cdktf.out/`)",
            )
        });
    }
    Ok(out)
}

/// Recognises the input format by its top-level keys.
pub fn detect(name: &str, text: &str) -> Result<InputKind, InputError> {
    detect_with_fields(name, text, &json::Structure::default()).map(|(k, _)| k)
}

type TopFields = Vec<(String, usize, usize)>;

/// Does an object look like an AWS Config configuration item?
fn is_config_item(f: &json::Fields) -> bool {
    f.get("resourceType").is_some()
        && (f.get("configurationItemCaptureTime").is_some() || f.get("configuration").is_some())
}

fn detect_with_fields(
    name: &str,
    text: &str,
    structure: &json::Structure,
) -> Result<(InputKind, TopFields), InputError> {
    let root = Raw::root_indexed(text, structure);
    // An array of AWS Config configuration items (e.g. rdk example CIs).
    if root.is_array()
        && root
            .items()
            .next()
            .is_some_and(|first| is_config_item(&first.fields()))
    {
        return Ok((InputKind::AwsConfig, Vec::new()));
    }
    if !root.is_object() {
        return Err(input_err(
            name,
            "the JSON is not an object, so it is not a plan, state, Terraform JSON configuration or AWS Config file",
            SHOW_JSON_HINT,
        ));
    }
    let top: TopFields = root
        .entries()
        .map(|(k, _, v)| (k.into_owned(), v.start, v.end))
        .collect();
    let keys: Vec<&str> = top.iter().map(|(k, _, _)| k.as_str()).collect();
    let has = |k: &str| keys.contains(&k);
    if has("planned_values") || has("resource_changes") {
        return Ok((InputKind::Plan, top));
    }
    if has("format_version") && has("values") {
        return Ok((InputKind::State, top));
    }
    if has("configurationItems")
        || has("baseConfigurationItems")
        || has("configSnapshotId")
        || has("fileVersion")
    {
        return Ok((InputKind::AwsConfig, top));
    }
    if has("Results") && has("QueryInfo") {
        return Ok((InputKind::AwsConfig, top));
    }
    // A single configuration item (rdk example CIs, an item copied from the console).
    if has("resourceType") && (has("configurationItemCaptureTime") || has("configuration")) {
        return Ok((InputKind::AwsConfig, top));
    }
    // cloud-custodian's placebo recordings wrap a boto response as {"status_code", "data"}.
    if has("status_code") && has("data") {
        return Err(input_err(name, PLACEBO_MESSAGE, PLACEBO_HINT));
    }
    if has("resource") || has("provider") || has("terraform") || has("module") || has("data") {
        return Ok((InputKind::TfJson, top));
    }
    if has("format_version") && (has("terraform_version") || has("configuration")) {
        // A plan with nothing planned and no planned_values is still a plan.
        return Ok((InputKind::Plan, top));
    }
    let shown: Vec<&str> = keys.iter().take(8).copied().collect();
    Err(input_err(
        name,
        format!(
            "JSON of an unrecognised kind (top-level keys: {})",
            if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            }
        ),
        SHOW_JSON_HINT,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds() {
        let k = |s: &str| detect("t", s);
        assert_eq!(
            k(r#"{"format_version":"1.2","planned_values":{}}"#),
            Ok(InputKind::Plan)
        );
        assert_eq!(
            k(r#"{"format_version":"1.0","values":{}}"#),
            Ok(InputKind::State)
        );
        assert_eq!(k(r#"{"resource":{}}"#), Ok(InputKind::TfJson));
        assert_eq!(k(r#"{"configurationItems":[]}"#), Ok(InputKind::AwsConfig));
        assert!(k(r#"{"hello":1}"#).unwrap_err().message.contains("hello"));
        let ci = r#"{"resourceType":"AWS::KMS::Key","configurationItemCaptureTime":"x"}"#;
        assert_eq!(k(ci), Ok(InputKind::AwsConfig));
        assert_eq!(k(&format!("[{ci}]")), Ok(InputKind::AwsConfig));
        let e = k(r#"{"status_code":200,"data":{"Results":[]}}"#).unwrap_err();
        assert!(e.message.contains("placebo"), "{e}");
    }

    #[test]
    fn utf16_and_gzip_are_decoded() {
        let json = r#"{"resource":{}}"#;
        let mut b = vec![0xFF, 0xFE];
        for u in json.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let f = decode("x", b).unwrap();
        assert_eq!(f.text, json);
        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            e.write_all(json.as_bytes()).unwrap();
        }
        assert_eq!(decode("x", gz).unwrap().kind, InputKind::TfJson);
    }

    #[test]
    fn io_errors_are_explained() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = io_error("plan.json", &denied);
        assert_eq!(
            e.to_string(),
            "plan.json: permission denied\n  help: make the file readable by this user (e.g. `chmod a+r`)"
        );
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert!(io_error("x", &missing).to_string().contains("no such file"));
    }

    #[test]
    fn zip_is_explained() {
        let e = decode("tfplan", b"PK\x03\x04rest".to_vec()).unwrap_err();
        assert!(e.hint.contains("terraform show -json"));
    }

    #[test]
    fn truncated_json_names_the_place() {
        let e = decode(
            "p.json",
            b"{\"format_version\": \"1.2\",\n \"planned".to_vec(),
        )
        .unwrap_err();
        assert_eq!(e.location.map(|l| l.0), Some(2));
        assert!(e.message.contains("truncated"), "{e}");
    }

    /// A plan of more than [`MAP_MIN`] bytes, pretty-printed so that it has many lines, with
    /// `extra` spliced in after its first key.
    fn large_plan(extra: &str) -> Vec<u8> {
        let mut s = format!("{{\n  \"format_version\": \"1.2\",{extra}\n  \"filler\": [\n");
        while (s.len() as u64) < MAP_MIN + 4096 {
            s.push_str("    \"ééé padding, so that columns count characters\",\n");
        }
        s.push_str("    0\n  ],\n  \"planned_values\": {\"root_module\": {}}\n}\n");
        s.into_bytes()
    }

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("drlint-input-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plan.json");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn large_files_are_mapped_and_read_like_any_other() {
        // Not ASCII (columns count characters), and ASCII (known to be UTF-8 without a check
        // of its own).
        let ascii = String::from_utf8(large_plan(""))
            .unwrap()
            .replace('é', "ee");
        for bytes in [large_plan(""), ascii.into_bytes()] {
            mapped_and_read_alike(bytes);
        }
    }

    fn mapped_and_read_alike(bytes: Vec<u8>) {
        let path = temp_file("mapped", &bytes);
        let f = load(path.to_str().unwrap()).unwrap();
        assert_eq!(
            format!("{:?}", f.text),
            format!("Text(mapped, {} bytes)", bytes.len())
        );
        // The pages were given back after validation; reading maps the same bytes again.
        assert_eq!(f.text.as_bytes(), &bytes[..]);
        let read = decode("plan.json", bytes.clone()).unwrap();
        assert_eq!(
            format!("{:?}", read.text),
            format!("Text(owned, {} bytes)", bytes.len())
        );
        assert_eq!(
            (f.kind, &f.top, &f.notes),
            (read.kind, &read.top, &read.notes)
        );
        assert_eq!(*f.structure(), *read.structure());
        // The line index built before the pages were given back is the one built after.
        assert_eq!(f.line_index().is_ascii(), bytes.is_ascii());
        for offset in [0, 17, 4096, bytes.len() / 2, bytes.len() - 3, bytes.len()] {
            assert_eq!(
                f.line_index().line_col(&f.text, offset),
                json::line_col(&read.text, offset),
                "offset {offset}"
            );
        }
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn large_files_that_need_decoding_are_read_into_memory() {
        let plan = large_plan("");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(&plan);
        let path = temp_file("bom", &bom);
        let f = load(path.to_str().unwrap()).unwrap();
        assert!(format!("{:?}", f.text).starts_with("Text(owned"));
        assert_eq!(f.text.as_bytes(), &plan[..]);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();

        // Invalid UTF-8 in the second half: replaced, with a note, as for a small file.
        let mut bad = plan.clone();
        let at = bad.len() - 200;
        bad[at] = 0xFF;
        let path = temp_file("bad-utf8", &bad);
        let f = load(path.to_str().unwrap()).unwrap();
        assert!(format!("{:?}", f.text).starts_with("Text(owned"));
        assert_eq!(
            f.notes,
            [format!(
                "invalid UTF-8 at byte {at}; such bytes were replaced with U+FFFD"
            )]
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn errors_in_large_mapped_files_have_their_place() {
        let bytes = large_plan("\n  \"broken\": [1, 2,,],");
        let path = temp_file("broken", &bytes);
        let name = path.to_str().unwrap();
        let e = load(name).unwrap_err();
        let expected = decode(name, bytes).unwrap_err();
        assert_eq!(e, expected);
        assert_eq!(e.location, Some((3, 19)));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
