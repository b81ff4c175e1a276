//! Locating plan resources in the user's Terraform sources.
//!
//! A plan (`plan.json`) is generated and rarely committed, so a finding that points into it is
//! invisible to code review and to GitHub code scanning. [`SourceIndex`] maps a resource address
//! and one of drlint's attribute paths (`rule[0].filter`) to the place in the `.tf` files that
//! wrote it: the attribute or nested block when it is written, else the `resource` block itself;
//! for a resource inside a registry or git module (code not in the repository) the
//! `module "…"` call that pulls the module in.
//!
//! Terraform JSON files (`*.tf.json`, e.g. CDKTF output) in a module directory are indexed
//! too, with the spans of drlint's JSON reader.
//!
//! Override files (`override.tf`, `*_override.tf`) are merged as Terraform merges them: an
//! attribute path they write is located there (the last one wins), the rest in the base block.
//!
//! Every directory is read and parsed once ([`SourceIndex::build`]); a lookup is a hash lookup
//! plus a walk down one block. Files that do not parse are warnings, never fatal: the resources
//! they might hold are reported as [`Lookup::Unparsed`] so that the caller falls back to the plan.

mod modules;

pub use modules::{ModuleCall, ModuleTree, is_local_source};

use crate::json::{LineIndex, Raw};
use crate::model::address_segments;
use crate::value::Span;
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// One `.tf` or `.tf.json` file of the indexed sources.
pub struct SourceText {
    /// Path relative to the display root given to [`SourceIndex::build`], with `/` separators
    /// (`modules/bucket/main.tf`); `..` components when the file lies outside it.
    pub path: String,
    /// The file's text (without a UTF-8 byte order mark); spans index into it.
    pub text: String,
    lines: LineIndex,
    body: Option<Body>,
    parsed: bool,
}

impl SourceText {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
    /// Whether the file parsed (a file that did not is listed by a [`SourceWarning`]).
    pub fn parsed(&self) -> bool {
        self.parsed
    }
}

/// A problem with the sources that does not stop linting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceWarning {
    /// Path relative to the display root, like [`SourceText::path`].
    pub path: String,
    /// 1-based position of the problem, when it has one.
    pub location: Option<(usize, usize)>,
    pub message: String,
}

/// What a [`SourceLocation`] points at, so that messages can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationKind {
    /// An attribute (`kms_key_arn = …`), or an entry or element inside an attribute's object or
    /// list value (`tags = { Name = … }`, `rule = [{ … }]`).
    Attribute,
    /// A nested block (`rule { … }`).
    NestedBlock,
    /// A `dynamic "rule" { … }` block, which generates the blocks the path names (which
    /// generated block is meant is known only after evaluation).
    DynamicBlock,
    /// The `resource` (or `data`) block itself: the attribute is not written in HCL (a
    /// default, a computed value) or the path is empty.
    ResourceBlock,
    /// The `module "…"` block that calls a registry or git module, whose code is not in the
    /// repository.
    ModuleCall,
}

/// A place in the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// Index into [`SourceIndex::files`].
    pub file: usize,
    /// The whole construct (the attribute `key = value`, or the block up to its `}`).
    pub span: Span,
    /// Its head: the attribute key, the block type and labels, the list element. Point a
    /// one-line annotation here.
    pub head: Span,
    pub kind: LocationKind,
    /// The prefix of the requested attribute path that was found (`rule[0].filter`); empty at
    /// the resource block or module call.
    pub resolved: String,
    /// Whether the whole requested path was found.
    pub exact: bool,
    /// For [`LocationKind::ModuleCall`]: the address of the call (`module.vpc`).
    pub module_call: Option<String>,
}

/// The answer of [`SourceIndex::locate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(SourceLocation),
    /// The block was not found, and some `.tf` files of the module it belongs to did not parse
    /// (see the warnings of [`SourceIndex::build`]): it may be in one of them. Locate the
    /// finding in the plan. The values are indexes into [`SourceIndex::files`].
    Unparsed(Vec<usize>),
    /// The sources hold no such block (not written there, its module directory is missing,
    /// the module is not in the plan's configuration, or the address is malformed). Locate the
    /// finding in the plan.
    NotFound,
}

impl Lookup {
    pub fn found(self) -> Option<SourceLocation> {
        match self {
            Lookup::Found(l) => Some(l),
            _ => None,
        }
    }
}

/// A block found while indexing.
#[derive(Debug, Clone, Copy)]
enum BlockRef {
    /// In a `.tf` file: its position among the body's structures.
    Hcl { file: usize, index: usize },
    /// In a `.tf.json` file: the block's object and its name (the key holding it).
    Json {
        file: usize,
        value: Span,
        head: Span,
    },
}

#[derive(Default)]
struct DirIndex {
    /// (`resource` or `data`, type, name) → block.
    blocks: HashMap<(&'static str, String, String), BlockRef>,
    /// Module call name → `module "<name>"` block.
    calls: HashMap<String, BlockRef>,
    /// Blocks of override files (`override.tf`, `*_override.tf`), in the order Terraform
    /// merges them into the block of the same key.
    overrides: HashMap<(&'static str, String, String), Vec<BlockRef>>,
    unparsed: Vec<usize>,
}

/// Where a module's code is.
#[derive(Debug, Clone)]
enum ModuleTarget {
    /// A directory of the sources (index into `dirs`).
    Local(usize),
    /// Not in the repository: locate at the call `call` in directory `caller`.
    Remote {
        caller: usize,
        call: String,
        address: String,
    },
}

/// The `.tf` sources of a root module and of the local modules it calls, indexed once.
#[derive(Default)]
pub struct SourceIndex {
    files: Vec<SourceText>,
    dirs: Vec<DirIndex>,
    /// Module path without instance keys (`""`, `module.a`, `module.a.module.b`) → code.
    modules: HashMap<String, ModuleTarget>,
}

impl SourceIndex {
    /// Indexes the `*.tf` and `*.tf.json` files of `root_dir` (the root module) and of every local module the
    /// plan's `module_tree` calls, each directory once however often it is called. Paths in
    /// locations and warnings are relative to `display_root` (usually the repository root; pass
    /// `root_dir` itself to get paths relative to the root module).
    pub fn build(
        root_dir: &Path,
        display_root: &Path,
        module_tree: &ModuleTree,
    ) -> (SourceIndex, Vec<SourceWarning>) {
        let mut b = Builder {
            index: SourceIndex::default(),
            warnings: Vec::new(),
            dir_ids: HashMap::new(),
            display_root: normalize(&absolute(display_root)),
        };
        let root = normalize(&absolute(root_dir));
        let root_id = b.dir(&root);
        if b.index.files.is_empty() {
            b.warnings.push(SourceWarning {
                path: b.display(&root),
                location: None,
                message: if root.is_dir() {
                    "this directory holds no Terraform files (*.tf, *.tf.json); findings are located in the plan".into()
                } else {
                    "this Terraform source directory does not exist; findings are located in the plan".into()
                },
            });
        }
        b.index
            .modules
            .insert(String::new(), ModuleTarget::Local(root_id));
        b.walk(module_tree, &root, &ModuleTarget::Local(root_id), "");
        (b.index, b.warnings)
    }

    pub fn files(&self) -> &[SourceText] {
        &self.files
    }

    pub fn file(&self, i: usize) -> &SourceText {
        &self.files[i]
    }

    /// 1-based line and column of a location's head.
    pub fn line_col(&self, loc: &SourceLocation) -> (usize, usize) {
        self.files[loc.file].line_col(loc.head.start as usize)
    }

    /// `path:line:column` of a location's head.
    pub fn display(&self, loc: &SourceLocation) -> String {
        let (l, c) = self.line_col(loc);
        format!("{}:{l}:{c}", self.files[loc.file].path)
    }

    /// Locates `attribute` (a drlint attribute path such as
    /// `server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id`,
    /// or `""` for the resource itself) of the resource at `address` (a plan address; instance
    /// keys such as `module.a["x"].aws_s3_bucket.b[0]` are ignored for the lookup).
    pub fn locate(&self, address: &str, attribute: &str) -> Lookup {
        let Some(addr) = ResourceAddr::parse(address) else {
            return Lookup::NotFound;
        };
        let Some(target) = self.modules.get(&addr.module) else {
            return Lookup::NotFound;
        };
        match target {
            ModuleTarget::Remote {
                caller,
                call,
                address,
            } => match self.dirs[*caller].calls.get(call) {
                Some(r) => {
                    let mut loc = self.resolve(*r, "");
                    loc.kind = LocationKind::ModuleCall;
                    loc.exact = false;
                    loc.module_call = Some(address.clone());
                    Lookup::Found(loc)
                }
                None => self.missing(*caller),
            },
            ModuleTarget::Local(dir) => {
                let key = (addr.mode, addr.rtype.to_string(), addr.name.to_string());
                let di = &self.dirs[*dir];
                let overrides = di.overrides.get(&key).map_or(&[][..], Vec::as_slice);
                // An override file sets the attributes it writes (the last one wins); the rest
                // comes from the base block.
                let from_override = overrides.iter().rev().find_map(|r| {
                    let loc = self.resolve(*r, attribute);
                    (loc.exact && loc.kind != LocationKind::ResourceBlock).then_some(loc)
                });
                match (from_override, di.blocks.get(&key).or(overrides.first())) {
                    (Some(loc), _) => Lookup::Found(loc),
                    (None, Some(r)) => Lookup::Found(self.resolve(*r, attribute)),
                    (None, None) => self.missing(*dir),
                }
            }
        }
    }

    fn missing(&self, dir: usize) -> Lookup {
        let unparsed = &self.dirs[dir].unparsed;
        if unparsed.is_empty() {
            Lookup::NotFound
        } else {
            Lookup::Unparsed(unparsed.clone())
        }
    }

    fn resolve(&self, r: BlockRef, attribute: &str) -> SourceLocation {
        match r {
            BlockRef::Hcl { file, index } => {
                // Only indexes of blocks of parsed files are stored.
                let block = self.files[file]
                    .body
                    .as_ref()
                    .and_then(|b| b.get(index))
                    .and_then(|s| s.as_block())
                    .expect("indexed block exists");
                resolve(file, block, attribute)
            }
            BlockRef::Json { file, value, head } => {
                let src = self.files[file].text.as_str();
                let raw = Raw::at(src, value.start as usize, value.end as usize);
                resolve_json(file, raw, head, attribute)
            }
        }
    }
}

struct Builder {
    index: SourceIndex,
    warnings: Vec<SourceWarning>,
    dir_ids: HashMap<PathBuf, usize>,
    display_root: PathBuf,
}

impl Builder {
    fn walk(&mut self, tree: &ModuleTree, dir: &Path, target: &ModuleTarget, prefix: &str) {
        for (name, call) in &tree.calls {
            let key = if prefix.is_empty() {
                format!("module.{name}")
            } else {
                format!("{prefix}.module.{name}")
            };
            let (child_target, child_dir) = match (target, call.source.as_deref()) {
                (ModuleTarget::Local(_), Some(src)) if is_local_source(src) => {
                    let d = normalize(&dir.join(src.replace('\\', "/")));
                    let seen = self.dir_ids.contains_key(&d);
                    let id = self.dir(&d);
                    if !seen && !d.is_dir() {
                        self.warnings.push(SourceWarning {
                            path: self.display(&d),
                            location: None,
                            message: format!(
                                "the directory of `{key}` (source \"{src}\") does not exist; its resources are located in the plan"
                            ),
                        });
                    }
                    (ModuleTarget::Local(id), d)
                }
                (ModuleTarget::Local(caller), _) => (
                    ModuleTarget::Remote {
                        caller: *caller,
                        call: name.clone(),
                        address: key.clone(),
                    },
                    dir.to_path_buf(),
                ),
                // Inside a remote module everything is remote: keep the outermost call.
                (remote, _) => (remote.clone(), dir.to_path_buf()),
            };
            self.index.modules.insert(key.clone(), child_target.clone());
            self.walk(&call.module, &child_dir, &child_target, &key);
        }
    }

    /// The index of a directory, reading and parsing its `*.tf` files the first time.
    fn dir(&mut self, dir: &Path) -> usize {
        if let Some(&id) = self.dir_ids.get(dir) {
            return id;
        }
        let id = self.index.dirs.len();
        self.dir_ids.insert(dir.to_path_buf(), id);
        let mut di = DirIndex::default();
        let mut names: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        n.ends_with(".tf") || n.ends_with(".tf.json")
                    }) && p
                        .file_name()
                        .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                        && p.is_file()
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        for path in names {
            self.read_file(&path, &mut di);
        }
        self.index.dirs.push(di);
        id
    }

    fn read_file(&mut self, path: &Path, di: &mut DirIndex) {
        let display = self.display(path);
        let file = self.index.files.len();
        let name = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (stem, json) = match name.strip_suffix(".tf.json") {
            Some(stem) => (stem, true),
            None => (name.strip_suffix(".tf").unwrap_or(&name), false),
        };
        let is_override = stem == "override" || stem.ends_with("_override");
        let (text, utf8) = match std::fs::read(path) {
            Err(e) => {
                self.warnings.push(SourceWarning {
                    path: display,
                    location: None,
                    message: format!(
                        "cannot read this Terraform file ({e}); resources it may hold are located in the plan"
                    ),
                });
                return;
            }
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(e) => {
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let (line, col) = crate::json::line_col(&text, e.utf8_error().valid_up_to());
                    self.warnings.push(SourceWarning {
                        path: display.clone(),
                        location: Some((line, col)),
                        message: "this Terraform file is not UTF-8; resources it may hold are located in the plan".into(),
                    });
                    (text, false)
                }
                Ok(mut text) => {
                    // Terraform accepts a UTF-8 byte order mark; hcl-edit and the JSON reader do
                    // not. Spans and line numbers are into the text without it.
                    if text.starts_with('\u{feff}') {
                        text.drain(..3);
                    }
                    (text, true)
                }
            },
        };
        let mut body = None;
        let parsed = if !utf8 {
            false
        } else if json {
            self.read_json(file, &display, &text, is_override, di)
        } else {
            match hcl_edit::parser::parse_body(&text) {
                Ok(b) => {
                    index_hcl(file, &b, is_override, di);
                    body = Some(b);
                    true
                }
                Err(e) => {
                    let loc = e.location();
                    self.warnings.push(SourceWarning {
                        path: display.clone(),
                        location: Some((loc.line(), loc.column())),
                        message: format!(
                            "this Terraform file does not parse ({}); resources it may hold are located in the plan",
                            e.message()
                        ),
                    });
                    false
                }
            }
        };
        if !parsed {
            di.unparsed.push(file);
        }
        self.index.files.push(SourceText {
            path: display,
            lines: LineIndex::new(&text),
            text,
            body,
            parsed,
        });
    }

    /// Indexes a Terraform JSON configuration file (`*.tf.json`, as CDKTF writes it):
    /// `{"resource": {"<type>": {"<name>": {…}}}}`, where each level may also be an array of
    /// such objects. Returns false (after a warning) when the text is not valid JSON.
    fn read_json(
        &mut self,
        file: usize,
        display: &str,
        text: &str,
        is_override: bool,
        di: &mut DirIndex,
    ) -> bool {
        if let Err(e) = crate::json::validate(text) {
            self.warnings.push(SourceWarning {
                path: display.to_string(),
                location: Some(crate::json::line_col(text, e.offset)),
                message: format!(
                    "this Terraform JSON file is not valid JSON ({}); resources it may hold are located in the plan",
                    e.message
                ),
            });
            return false;
        }
        let root = Raw::root(text);
        for (section, _, v) in root.entries() {
            let mode: &'static str = match section.as_ref() {
                "resource" => "resource",
                "data" => "data",
                "module" => {
                    if !is_override {
                        for (name, kspan, call) in json_objects(v).flat_map(|o| o.entries()) {
                            di.calls.entry(name.into_owned()).or_insert(BlockRef::Json {
                                file,
                                value: call.span(),
                                head: kspan,
                            });
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            for (rtype, _, by_name) in json_objects(v).flat_map(|o| o.entries()) {
                for (name, kspan, block) in json_objects(by_name).flat_map(|o| o.entries()) {
                    let r = BlockRef::Json {
                        file,
                        value: block.span(),
                        head: kspan,
                    };
                    let key = (mode, rtype.to_string(), name.into_owned());
                    if is_override {
                        di.overrides.entry(key).or_default().push(r);
                    } else {
                        di.blocks.entry(key).or_insert(r);
                    }
                }
            }
        }
        true
    }

    fn display(&self, path: &Path) -> String {
        relative(path, &self.display_root)
    }
}

/// Records the `resource`, `data` and `module` blocks of a parsed `.tf` file.
fn index_hcl(file: usize, body: &Body, is_override: bool, di: &mut DirIndex) {
    for (index, s) in body.iter().enumerate() {
        let Some(block) = s.as_block() else { continue };
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let r = BlockRef::Hcl { file, index };
        let key = match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [t, n]) => ("resource", t.to_string(), n.to_string()),
            ("data", [t, n]) => ("data", t.to_string(), n.to_string()),
            ("module", [n]) => {
                // An override of a call changes its arguments, not where it is.
                if !is_override {
                    di.calls.entry(n.to_string()).or_insert(r);
                }
                continue;
            }
            _ => continue,
        };
        if is_override {
            di.overrides.entry(key).or_default().push(r);
        } else {
            // Terraform rejects duplicates; the first one is as good as any.
            di.blocks.entry(key).or_insert(r);
        }
    }
}

/// The objects of a Terraform JSON value that is an object or an array of objects.
fn json_objects<'a, 'i>(v: Raw<'a, 'i>) -> impl Iterator<Item = Raw<'a, 'i>> {
    let one = v.is_object().then_some(v);
    let many = v.is_array().then(|| v.items().filter(|o| o.is_object()));
    one.into_iter().chain(many.into_iter().flatten())
}

/// [`resolve`] for a block of a `.tf.json` file. JSON does not tell attributes from nested
/// blocks without the provider schema: an object or a list of objects is reported as a nested
/// block, anything else as an attribute.
fn resolve_json(file: usize, block: Raw, head: Span, path: &str) -> SourceLocation {
    let steps = parse_path(path);
    let mut loc = SourceLocation {
        file,
        span: Span::new(head.start as usize, block.end),
        head,
        kind: LocationKind::ResourceBlock,
        resolved: String::new(),
        exact: true,
        module_call: None,
    };
    let mut cursor = Some(block);
    let mut done = 0;
    'steps: for step in &steps {
        let Some(cur) = cursor.and_then(|c| json_objects(c).next()) else {
            break;
        };
        let mut keys = step.keys.iter().peekable();
        let entry = cur.entries().filter(|(k, _, _)| k == step.name).last();
        match entry {
            Some((_, kspan, v)) => {
                let blockish = v.is_object()
                    || (v.is_array() && v.items().next().is_some_and(|i| i.is_object()));
                loc.kind = if blockish {
                    LocationKind::NestedBlock
                } else {
                    LocationKind::Attribute
                };
                loc.head = kspan;
                loc.span = Span::new(kspan.start as usize, v.end);
                cursor = Some(v);
            }
            None => {
                // `"dynamic": {"<name>": {"for_each": …, "content": {…}}}`
                let dynamic = cur.get("dynamic").and_then(|d| {
                    json_objects(d).find_map(|o| o.entries().find(|(k, _, _)| k == step.name))
                });
                let Some((_, kspan, d)) = dynamic else {
                    break;
                };
                if let Some(Key::Index(_)) = keys.peek() {
                    keys.next();
                }
                loc.kind = LocationKind::DynamicBlock;
                loc.head = kspan;
                loc.span = Span::new(kspan.start as usize, d.end);
                cursor = json_objects(d).find_map(|o| o.get("content"));
            }
        }
        for key in keys {
            let Some(v) = cursor else { break 'steps };
            match key {
                Key::Index(i) if v.is_array() => match v.items().nth(*i) {
                    Some(el) => {
                        loc.head = el.span();
                        loc.span = el.span();
                        cursor = Some(el);
                    }
                    None => break 'steps,
                },
                // `rule[0]` of `"rule": {…}`: a single block.
                Key::Index(0) if v.is_object() => {}
                Key::Name(k) => match v.entries().filter(|(n, _, _)| n == k).last() {
                    Some((_, kspan, el)) => {
                        loc.kind = LocationKind::Attribute;
                        loc.head = kspan;
                        loc.span = Span::new(kspan.start as usize, el.end);
                        cursor = Some(el);
                    }
                    None => break 'steps,
                },
                _ => break 'steps,
            }
        }
        done += 1;
    }
    resolved_to(loc, &steps, done)
}

/// A plan address without instance keys.
struct ResourceAddr<'a> {
    module: String,
    mode: &'static str,
    rtype: &'a str,
    name: &'a str,
}

impl<'a> ResourceAddr<'a> {
    fn parse(address: &'a str) -> Option<ResourceAddr<'a>> {
        let segs: Vec<&str> = address_segments(address)
            .into_iter()
            .map(strip_key)
            .collect();
        let mut i = 0;
        let mut module = String::new();
        while segs.get(i) == Some(&"module") {
            let name = segs.get(i + 1).filter(|n| !n.is_empty())?;
            if !module.is_empty() {
                module.push('.');
            }
            module.push_str("module.");
            module.push_str(name);
            i += 2;
        }
        let mode = if segs.get(i) == Some(&"data") {
            i += 1;
            "data"
        } else {
            "resource"
        };
        match &segs[i..] {
            [t, n] if !t.is_empty() && !n.is_empty() => Some(ResourceAddr {
                module,
                mode,
                rtype: t,
                name: n,
            }),
            _ => None,
        }
    }
}

fn strip_key(seg: &str) -> &str {
    seg.split('[').next().unwrap_or(seg)
}

/// One step of an attribute path: `rule[0]` → name `rule`, keys `[0]`.
/// `loc` moves onto an object entry: the key (its head) through the end of its value.
fn enter_entry(
    loc: &mut SourceLocation,
    key_span: Option<std::ops::Range<usize>>,
    value: Option<std::ops::Range<usize>>,
) {
    loc.kind = LocationKind::Attribute;
    loc.head = span_or(key_span.clone(), loc.head);
    loc.span = match (key_span, value) {
        (Some(k), Some(v)) => Span::new(k.start, v.end),
        _ => loc.head,
    };
}

/// `loc` after the first `done` of `steps` were found: exact when all were.
fn resolved_to(mut loc: SourceLocation, steps: &[Step], done: usize) -> SourceLocation {
    loc.exact = done == steps.len();
    loc.resolved = steps[..done]
        .iter()
        .map(|s| s.text)
        .collect::<Vec<_>>()
        .join(".");
    loc
}

struct Step<'p> {
    text: &'p str,
    name: &'p str,
    keys: Vec<Key>,
}

#[derive(Debug, PartialEq)]
enum Key {
    Index(usize),
    Name(String),
}

fn parse_path(path: &str) -> Vec<Step<'_>> {
    if path.is_empty() {
        return Vec::new();
    }
    address_segments(path)
        .into_iter()
        .map(|text| {
            let name = strip_key(text);
            let mut keys = Vec::new();
            let mut rest = &text[name.len()..];
            while let Some(r) = rest.strip_prefix('[') {
                let close = closing_bracket(r).unwrap_or(r.len());
                let inner = &r[..close];
                keys.push(match inner.parse::<usize>() {
                    Ok(n) => Key::Index(n),
                    Err(_) => Key::Name(
                        inner
                            .strip_prefix('"')
                            .and_then(|s| s.strip_suffix('"'))
                            .unwrap_or(inner)
                            .replace("\\\"", "\""),
                    ),
                });
                rest = r.get(close + 1..).unwrap_or("");
            }
            Step { text, name, keys }
        })
        .collect()
}

/// Position of the `]` closing a key, skipping a quoted string.
fn closing_bracket(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b']' if !in_str => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

enum Cursor<'b> {
    Body(&'b Body),
    Expr(&'b Expression),
    /// Nothing further can be resolved below the current location.
    End,
}

/// Walks `path` down from a resource block as far as the sources write it.
fn resolve(file: usize, block: &Block, path: &str) -> SourceLocation {
    let steps = parse_path(path);
    let mut loc = SourceLocation {
        file,
        span: span_of(block),
        head: block_head(block),
        kind: LocationKind::ResourceBlock,
        resolved: String::new(),
        exact: true,
        module_call: None,
    };
    let mut cursor = Cursor::Body(&block.body);
    let mut done = 0;
    'steps: for step in &steps {
        // The step's name.
        let mut keys = step.keys.iter().peekable();
        match cursor {
            Cursor::Body(body) => {
                if let Some(attr) = body.get_attribute(step.name) {
                    loc.kind = LocationKind::Attribute;
                    loc.span = span_or(attr.span(), loc.span);
                    loc.head = span_or(attr.key.span(), loc.head);
                    cursor = Cursor::Expr(&attr.value);
                } else {
                    let n = match keys.peek() {
                        Some(Key::Index(n)) => {
                            keys.next();
                            *n
                        }
                        Some(Key::Name(_)) => break 'steps,
                        None => 0,
                    };
                    let Some((b, dynamic)) = nth_block(body, step.name, n) else {
                        break 'steps;
                    };
                    loc.span = span_of(b);
                    loc.head = block_head(b);
                    if dynamic {
                        loc.kind = LocationKind::DynamicBlock;
                        cursor = b
                            .body
                            .get_blocks("content")
                            .next()
                            .map_or(Cursor::End, |c| Cursor::Body(&c.body));
                    } else {
                        loc.kind = LocationKind::NestedBlock;
                        cursor = Cursor::Body(&b.body);
                    }
                }
            }
            Cursor::Expr(e) => match object_entry(e, step.name) {
                Some((key_span, value)) => {
                    enter_entry(&mut loc, key_span, value.span());
                    cursor = Cursor::Expr(value);
                }
                None => break 'steps,
            },
            Cursor::End => break 'steps,
        }
        // The step's keys, inside an attribute's value.
        for key in keys {
            let Cursor::Expr(e) = cursor else {
                // A block has no keys past its index.
                break 'steps;
            };
            let e = unparen(e);
            match (key, e) {
                (Key::Index(i), Expression::Array(a)) => match a.get(*i) {
                    Some(el) => {
                        loc.kind = LocationKind::Attribute;
                        loc.span = span_or(el.span(), loc.span);
                        loc.head = loc.span;
                        cursor = Cursor::Expr(el);
                    }
                    None => break 'steps,
                },
                // `rule[0]` of `rule = { … }`: the single object is element 0.
                (Key::Index(0), Expression::Object(_)) => {}
                (Key::Name(k), _) => match object_entry(e, k) {
                    Some((key_span, value)) => {
                        enter_entry(&mut loc, key_span, value.span());
                        cursor = Cursor::Expr(value);
                    }
                    None => break 'steps,
                },
                _ => break 'steps,
            }
        }
        done += 1;
    }
    resolved_to(loc, &steps, done)
}

/// The `n`-th block named `name` in source order. Blocks generated by a `dynamic "name"` block
/// are counted only once it is evaluated: from the first dynamic block on, the dynamic block is
/// the answer (second value `true`).
fn nth_block<'b>(body: &'b Body, name: &str, n: usize) -> Option<(&'b Block, bool)> {
    let mut seen = 0;
    for b in body.blocks() {
        if b.ident.as_str() == name && b.labels.is_empty() {
            if seen == n {
                return Some((b, false));
            }
            seen += 1;
        } else if b.ident.as_str() == "dynamic"
            && b.labels.len() == 1
            && b.labels[0].as_str() == name
        {
            return Some((b, true));
        }
    }
    None
}

fn unparen(e: &Expression) -> &Expression {
    match e {
        Expression::Parenthesis(p) => unparen(p.inner()),
        e => e,
    }
}

/// The entry `name` of an object expression: (key span, value).
fn object_entry<'e>(
    e: &'e Expression,
    name: &str,
) -> Option<(Option<std::ops::Range<usize>>, &'e Expression)> {
    let Expression::Object(o) = unparen(e) else {
        return None;
    };
    o.iter().find_map(|(k, v)| {
        let matches = match k {
            ObjectKey::Ident(i) => i.as_str() == name,
            ObjectKey::Expression(Expression::String(s)) => s.as_str() == name,
            ObjectKey::Expression(_) => false,
        };
        matches.then(|| (k.span(), v.expr()))
    })
}

fn span_or(r: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
    r.map_or(fallback, |r| Span::new(r.start, r.end))
}

fn span_of(b: &Block) -> Span {
    span_or(b.span(), Span::new(0, 0))
}

/// From the block type to its last label: `resource "aws_s3_bucket" "b"`.
fn block_head(b: &Block) -> Span {
    let start = b.ident.span().map(|r| r.start);
    let end = b
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| b.ident.span())
        .map(|r| r.end);
    match (start, end) {
        (Some(s), Some(e)) => Span::new(s, e),
        _ => span_of(b),
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Removes `.` and resolves `..` lexically (Terraform resolves module paths the same way, and
/// the result must not depend on symlinks for display).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` (both normalised absolute paths), `/`-separated.
fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The directory whose `.tf` files are the root module of `plan_path` by default: the plan's
/// own directory when it holds `*.tf` files, else the repository root (the nearest enclosing
/// directory with a `.git`) when that holds them.
pub fn default_source_dir(plan_path: &Path) -> Option<PathBuf> {
    let plan_dir = absolute(plan_path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    if has_tf(&plan_dir) {
        return Some(plan_dir);
    }
    let repo = plan_dir.ancestors().find(|d| d.join(".git").exists())?;
    has_tf(repo).then(|| repo.to_path_buf())
}

fn has_tf(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == "tf") && e.path().is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(src: &str) -> Body {
        hcl_edit::parser::parse_body(src).unwrap()
    }

    fn at(src: &str, path: &str) -> (String, LocationKind, bool, String) {
        let b = body(src);
        let block = b.blocks().next().unwrap();
        let loc = resolve(0, block, path);
        (
            src[loc.head.range()].to_string(),
            loc.kind,
            loc.exact,
            loc.resolved,
        )
    }

    const SRC: &str = r#"resource "aws_s3_bucket_replication_configuration" "r" {
  role = "x"
  rule {
    id = "a"
  }
  rule {
    id = "b"
    filter {
      prefix = "logs/"
    }
    destination {
      bucket = "arn"
      encryption_configuration {
        replica_kms_key_id = "k"
      }
    }
  }
  dynamic "rule" {
    for_each = var.extra
    content {
      id = rule.value
    }
  }
  tags = {
    Name  = "n"
    "env" = "prod"
  }
  list = [{ a = 1 }, { a = 2, b = { c = 3 } }]
}
"#;

    #[test]
    fn resolves_nested_blocks_by_index() {
        assert_eq!(
            at(SRC, "rule[1].filter"),
            (
                "filter".into(),
                LocationKind::NestedBlock,
                true,
                "rule[1].filter".into()
            )
        );
        assert_eq!(
            at(
                SRC,
                "rule[1].destination[0].encryption_configuration[0].replica_kms_key_id"
            ),
            (
                "replica_kms_key_id".into(),
                LocationKind::Attribute,
                true,
                "rule[1].destination[0].encryption_configuration[0].replica_kms_key_id".into()
            )
        );
        assert_eq!(at(SRC, "rule[0].id").0, "id");
        // No index means the first block.
        assert_eq!(at(SRC, "rule.id").3, "rule.id");
    }

    #[test]
    fn dynamic_blocks_answer_past_the_static_ones() {
        // Inside the dynamic block's `content`.
        let (head, kind, exact, resolved) = at(SRC, "rule[2].id");
        assert_eq!(head, "id");
        assert_eq!(kind, LocationKind::Attribute);
        assert!(exact);
        assert_eq!(resolved, "rule[2].id");
        let (head, kind, exact, _) = at(SRC, "rule[7]");
        assert_eq!(
            (head.as_str(), kind, exact),
            ("dynamic \"rule\"", LocationKind::DynamicBlock, true)
        );
    }

    #[test]
    fn falls_back_to_the_deepest_written_thing() {
        let (head, kind, exact, resolved) = at(SRC, "rule[1].filter[0].tag[0].key");
        assert_eq!(
            (head.as_str(), kind, exact),
            ("filter", LocationKind::NestedBlock, false)
        );
        assert_eq!(resolved, "rule[1].filter[0]");
        let (head, kind, exact, resolved) = at(SRC, "versioning_configuration[0].status");
        assert_eq!(
            head,
            "resource \"aws_s3_bucket_replication_configuration\" \"r\""
        );
        assert_eq!(
            (kind, exact, resolved.as_str()),
            (LocationKind::ResourceBlock, false, "")
        );
        let (_, kind, exact, _) = at(SRC, "");
        assert_eq!((kind, exact), (LocationKind::ResourceBlock, true));
    }

    #[test]
    fn resolves_inside_attribute_values() {
        assert_eq!(at(SRC, "tags.Name").0, "Name");
        assert_eq!(at(SRC, "tags.env").0, "\"env\"");
        assert_eq!(at(SRC, "tags[\"env\"]").0, "\"env\"");
        assert_eq!(at(SRC, "list[1]").0, "{ a = 2, b = { c = 3 } }");
        assert_eq!(at(SRC, "list[1].b.c").0, "c");
        let (head, _, exact, resolved) = at(SRC, "list[5].a");
        assert_eq!(
            (head.as_str(), exact, resolved.as_str()),
            ("list", false, "")
        );
        let (head, _, exact, _) = at(SRC, "role.x");
        assert_eq!((head.as_str(), exact), ("role", false));
    }

    #[test]
    fn parses_addresses_without_instance_keys() {
        let a = ResourceAddr::parse(r#"module.a["x.y"].module.b[0].aws_s3_bucket.b[0]"#).unwrap();
        assert_eq!(
            (a.module.as_str(), a.mode, a.rtype, a.name),
            ("module.a.module.b", "resource", "aws_s3_bucket", "b")
        );
        let a = ResourceAddr::parse("data.aws_region.current").unwrap();
        assert_eq!((a.module.as_str(), a.mode), ("", "data"));
        for bad in ["", "aws_s3_bucket", "module.a", "module..x.y", "a.b.c"] {
            assert!(ResourceAddr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/r/a/b.tf"), Path::new("/r")), "a/b.tf");
        assert_eq!(
            relative(Path::new("/s/b.tf"), Path::new("/r/x")),
            "../../s/b.tf"
        );
        assert_eq!(normalize(Path::new("/r/./a/../b")), PathBuf::from("/r/b"));
    }
}
