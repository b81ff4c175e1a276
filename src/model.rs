//! The model every rule sees: resources with their region, account, attributes, references and
//! provenance, built from any input format. Rules never read raw input.

use crate::input::SourceFile;
use crate::value::{Kind, Span, Value};
use foldhash::fast::FixedState;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

pub type ResourceId = usize;

/// Where a resource's region came from, or why it is unknown. Printed by `drlint regions` and
/// pinned by tests, so a wrong guess is visible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionSource {
    /// The resource's own `region` argument (AWS provider v6) or a computed `region` attribute.
    Attribute,
    /// The region field of the resource's ARN.
    Arn,
    /// The provider configuration the resource uses (`aws`, `aws.dr`, `module.x:aws`).
    Provider(&'static str),
    /// A provider whose region is a root variable, with the variable's value.
    Variable(String),
    /// AWS Config / live: the configuration item's `awsRegion`.
    ConfigItem,
    /// Unknown, with the reason.
    Unknown(String),
}

#[derive(Debug)]
pub struct Resource<'a> {
    pub file: usize,
    /// `aws_s3_bucket`, interned ([`intern`]): a plan repeats a few hundred types over many
    /// resources, and every rule compares them.
    pub rtype: &'static str,
    /// Full address with module path and instance key: `module.dr.aws_s3_bucket.data["a"]`.
    pub address: String,
    /// Module path with instance keys (`module.dr[0]`), empty at the root.
    pub module: String,
    /// Interned ([`intern`]), like the type.
    pub region: Option<&'static str>,
    pub region_source: RegionSource,
    pub account: Option<String>,
    /// The resource's attributes (plan `after`, state `values`, tf.json arguments).
    pub attrs: Value<'a>,
    /// Meta-arguments that are not attributes (`lifecycle`), where the input shows them (read
    /// them with [`Resource::meta`]). Out of line: only Terraform JSON has them, and plans hold
    /// many resources.
    pub meta: Option<Box<Value<'a>>>,
    /// Span of the resource in its file (its attributes object).
    pub span: Span,
    /// CDKTF construct path (`tap/payments-table`), from the `"//"` metadata.
    pub construct_path: Option<String>,
    /// Where the program that generated the resource created it (CDKTF programs that opt in
    /// with integrations/cdktf-python, see docs/cdktf-source-locations.md).
    pub program_source: Option<Box<ProgramSource>>,
    /// Which kind of input the resource was read from.
    pub origin: Origin,
}

impl<'a> Resource<'a> {
    pub fn get(&self, key: &str) -> &Value<'a> {
        self.attrs.get(key)
    }
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.attrs.tag(key)
    }
    /// The meta-arguments (`Absent` when the input shows none).
    pub fn meta(&self) -> &Value<'a> {
        self.meta.as_deref().unwrap_or(Value::absent())
    }
}

/// A program file and line that created a resource: a repository-relative `/`-separated path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSource {
    pub path: String,
    pub line: u32,
}

/// What a [`SourceRef`] points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A Terraform `.tf` (or `.tf.json`) file of the user's configuration.
    Terraform,
    /// The line of a CDKTF program recorded in the synthesized JSON.
    Program,
}

/// A place in the user's own sources, resolved to lines and columns (1-based, columns in
/// characters): where a finding is shown when the input itself is generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// Relative to the repository root ([`crate::repo_root`]), with `/` separators.
    pub path: String,
    pub line: usize,
    /// None when only the line is known (a recorded program line).
    pub column: Option<usize>,
    pub end_line: usize,
    pub end_column: Option<usize>,
    pub kind: SourceKind,
    /// What is there, for messages: "`rule.filter`", "the resource block", "the call module.vpc".
    pub what: String,
}

/// Locates a resource's attribute in the Terraform sources; built by the read side
/// (`crate::read::attach_sources`), which owns the parsed sources.
pub trait SourceLocator: Send + Sync {
    fn locate(&self, r: &Resource, attribute: &str) -> Option<SourceRef>;
}

/// The kind of input a resource was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Plan,
    State,
    TerraformJson,
    /// AWS Config items (files or `drlint live`): what is deployed, not what will be.
    AwsConfig,
}

impl Origin {
    /// How to say that a value is not in the input.
    pub fn unknown_phrase(&self) -> &'static str {
        match self {
            Origin::AwsConfig => "not recorded by AWS Config",
            _ => "only known after apply",
        }
    }
}

/// An AWS provider configuration seen in an input.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub file: usize,
    /// `aws`, `aws.dr`, `module.x:aws`
    pub key: String,
    pub alias: Option<String>,
    pub region: Option<String>,
    /// The provider's `default_tags` (Terraform JSON; a plan already shows them in `tags_all`).
    pub default_tags: Vec<(String, String)>,
}

/// A warning about an input that did not stop the run.
#[derive(Debug, Clone)]
pub struct Warning {
    pub file: Option<usize>,
    pub span: Option<Span>,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct Inferred {
    pub env_suffix: Option<(String, String)>,
    pub primary: Option<(String, String)>,
    pub dr: Option<(String, String)>,
}

pub struct Model<'a> {
    pub files: &'a [SourceFile],
    pub resources: Vec<Resource<'a>>,
    pub providers: Vec<ProviderConfig>,
    /// Root variables with string values, per file: used for suffix and region inference.
    pub variables: Vec<(usize, String, String)>,
    pub warnings: Vec<Warning>,
    /// (resource type, reason): types the inputs cannot contain at all (e.g. AWS Config does not
    /// record `aws_route53_record`); every rule that `needs` one is undecided for the run.
    pub unrecorded_types: Vec<(String, String)>,
    by_type: HashMap<&'static str, Vec<ResourceId>, FixedState>,
    /// (file, module instance, `type.name`) → instances: references resolve within a module
    /// instance, so this lookup is O(1) however many times a module is instantiated.
    /// Keyed by a hash of (file, module instance, type, name): no key strings are stored, and
    /// lookups allocate nothing. Candidates are checked against the resource on lookup.
    by_local_name: HashIndex,
    /// No two different (file, module instance, type, name) share a key of `by_local_name`
    /// (checked when it is built): the candidates of a key are then all the same, and checking
    /// the first checks them all. A `count` of N instances is one key of N candidates, and
    /// every reference to it without an instance key reads all of them.
    local_names_unshared: bool,
    /// Hash of (type, identifying value) → resources, for lookups by id, ARN or name.
    by_ident: HashIndex,
    /// Module outputs and call inputs, for references across module boundaries.
    modules: ModuleLinks,
    /// Hash of (file, module instance, call name) → the instances of that call seen among the
    /// resources (`module.a[0].module.b["x"]`): a reference without a literal instance key
    /// (`module.b[count.index].out`) means all of them.
    module_instances: HashMap<u64, Vec<String>>,
    /// The Terraform sources of the plan and state files, when they were found.
    pub sources: Option<Box<dyn SourceLocator>>,
    /// One line per plan/state file on where its sources were (or were not) found.
    pub source_summary: Vec<String>,
}

pub use crate::intern::intern;

/// A hash of string parts for index keys (separated, so ("ab","c") ≠ ("a","bc")). foldhash:
/// a fraction of SipHash's cost on these short strings, and fixed, so runs are repeatable.
fn key(file: usize, parts: &[&str]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = FixedState::default().build_hasher();
    h.write_usize(file);
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(0xff);
    }
    h.finish()
}

/// Whether `r` is declared as `rtype.name` in module instance `scope` of `file` (any instance).
fn is_named(r: &Resource, file: usize, scope: &str, rtype: &str, name: &str) -> bool {
    r.file == file
        && r.module == scope
        && r.rtype == rtype
        && local_name_of(&r.address, scope, rtype) == name
}

/// The resource name of an address (`module.m["a.b"].aws_x.y[0]` → `y`).
fn local_name(address: &str) -> &str {
    let last = &address[last_segment_start(address)..];
    &last[..memchr::memchr(b'[', last.as_bytes()).unwrap_or(last.len())]
}

/// [`local_name`] of the address of a resource of `module` and `rtype`: when the address starts
/// with `{module}.{rtype}.`, only what follows is scanned (not the module path, whose instance
/// keys may hold anything).
fn local_name_of<'s>(address: &'s str, module: &str, rtype: &str) -> &'s str {
    let after_module = if module.is_empty() {
        Some(address)
    } else {
        address
            .strip_prefix(module)
            .and_then(|r| r.strip_prefix('.'))
    };
    after_module
        .and_then(|r| r.strip_prefix(rtype))
        .and_then(|r| r.strip_prefix('.'))
        .map_or_else(|| local_name(address), local_name)
}

/// The instance key of a resource's address, brackets included (`[0]`, `["a"]`), or `None`
/// for a resource without `count` or `for_each`.
fn instance_key(addr: &str) -> Option<&str> {
    let last = &addr[last_segment_start(addr)..];
    last.find('[').map(|i| &last[i..])
}

/// Where the last segment of an address starts ([`address_segments`] without the vector).
fn last_segment_start(addr: &str) -> usize {
    segment_dots(addr).last().map_or(0, |dot| dot + 1)
}

/// Resources by a hash key, as one sorted vector of (key, id): 16 bytes a resource instead
/// of a hash map entry and a vector per key (most keys name one resource). Ids of one key
/// are in input order. The keys are hashes, so their top bits spread evenly: `starts` says
/// where each run of keys with the same top `64 - shift` bits begins, and a lookup reads one
/// bucket of a few entries instead of binary-searching the whole vector (each step of which
/// was a cache miss on a large plan: a tenth of the run went there).
#[derive(Default)]
struct HashIndex {
    pairs: Vec<(u64, ResourceId)>,
    /// `starts[b]..starts[b + 1]` holds the keys whose top bits are `b`.
    starts: Vec<u32>,
    shift: u32,
}

impl HashIndex {
    fn new(mut pairs: Vec<(u64, ResourceId)>) -> HashIndex {
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs.shrink_to_fit();
        // About four entries a bucket; at least one bucket bit, so the shift stays below 64.
        let bits = (pairs.len() / 4)
            .max(2)
            .next_power_of_two()
            .trailing_zeros();
        let shift = 64 - bits;
        let buckets = 1usize << bits;
        let mut starts = Vec::with_capacity(buckets + 1);
        let mut i = 0;
        for b in 0..buckets as u64 {
            while i < pairs.len() && (pairs[i].0 >> shift) < b {
                i += 1;
            }
            starts.push(i as u32);
        }
        starts.push(pairs.len() as u32);
        HashIndex {
            pairs,
            starts,
            shift,
        }
    }

    /// The resources under `k`, in input order.
    fn get(&self, k: u64) -> &[(u64, ResourceId)] {
        let Some(&from) = self.starts.get((k >> self.shift) as usize) else {
            return &[];
        };
        let to = self.starts[(k >> self.shift) as usize + 1];
        let bucket = &self.pairs[from as usize..to as usize];
        let lo = bucket.partition_point(|&(x, _)| x < k);
        let hi = lo + bucket[lo..].partition_point(|&(x, _)| x == k);
        &bucket[lo..hi]
    }
}

/// Attributes that identify a resource when another resource names it by value.
const IDENT_ATTRS: &[&str] = &[
    "id",
    "arn",
    "bucket",
    "name",
    "alarm_name",
    "cluster_identifier",
    "function_name",
    "zone_id",
];

/// The non-empty known strings of a resource's identifying attributes. One pass over the
/// entries of an object; an unread container is not read (it is no string).
fn ident_values<'v>(attrs: &'v Value) -> impl Iterator<Item = &'v str> + 'v {
    let (entries, other) = match &attrs.kind {
        Kind::Obj(e) => (&e[..], None),
        _ => (&[][..], Some(attrs)),
    };
    let direct = entries.iter().filter_map(|(k, v)| {
        if !IDENT_ATTRS.contains(&k.as_ref()) {
            return None;
        }
        match &v.kind {
            Kind::Lazy(_) => None,
            _ => v.nonempty_str(),
        }
    });
    let looked_up = other.into_iter().flat_map(|a| {
        IDENT_ATTRS
            .iter()
            .filter_map(move |k| a.get(k).nonempty_str())
    });
    direct.chain(looked_up)
}

/// The expression of a module output or of a module call's input, as the configuration
/// records it.
#[derive(Debug, Clone)]
pub enum LinkExpr {
    /// The traversals the expression references.
    Refs(Vec<String>),
    /// A constant: it names no resource.
    Constant,
}

/// One recorded expression: where it is and what it says.
#[derive(Debug)]
struct LinkEntry {
    file: usize,
    /// Static module path (`module.a.module.b`, no instance keys).
    module: String,
    name: String,
    expr: LinkExpr,
}

/// A module call as the input shows it.
#[derive(Debug)]
struct CallEntry {
    file: usize,
    /// Static path of the called module.
    module: String,
    source: Option<String>,
    /// Whether the input contains the module's body (a plan does; a tf.json file does not).
    has_body: bool,
}

/// What a configuration says about module boundaries: each module's outputs and the inputs
/// each module call passes in. Filled by the adapters, used by [`Model::target`] to follow
/// `module.x.out` (into the module) and `var.name` inside a module (out to the calling
/// module, through the call's expression). Keyed by hashes like the other indexes; entries
/// keep their key strings, which are checked on lookup (there are few of them).
#[derive(Debug, Default)]
pub struct ModuleLinks {
    /// (file, module, output name) → the output's expression, relative to that module.
    outputs: HashMap<u64, Vec<LinkEntry>>,
    /// (file, called module, input name) → the call's expression, relative to the caller.
    inputs: HashMap<u64, Vec<LinkEntry>>,
    /// (file, called module) → the call.
    calls: HashMap<u64, Vec<CallEntry>>,
}

impl ModuleLinks {
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Records a module call: `module` is the called module's static path (`module.a.module.b`).
    pub fn add_call(&mut self, file: usize, module: &str, source: Option<String>, has_body: bool) {
        self.calls
            .entry(key(file, &[module]))
            .or_default()
            .push(CallEntry {
                file,
                module: module.to_string(),
                source,
                has_body,
            });
    }

    /// Records output `name` of the module at static path `module`.
    pub fn add_output(&mut self, file: usize, module: &str, name: &str, expr: LinkExpr) {
        Self::add(&mut self.outputs, file, module, name, expr);
    }

    /// Records the expression a module call passes for input `name` of the called module at
    /// static path `module`; its references are relative to the calling module.
    pub fn add_input(&mut self, file: usize, module: &str, name: &str, expr: LinkExpr) {
        Self::add(&mut self.inputs, file, module, name, expr);
    }

    fn add(
        map: &mut HashMap<u64, Vec<LinkEntry>>,
        file: usize,
        module: &str,
        name: &str,
        expr: LinkExpr,
    ) {
        map.entry(key(file, &[module, name]))
            .or_default()
            .push(LinkEntry {
                file,
                module: module.to_string(),
                name: name.to_string(),
                expr,
            });
    }

    fn get<'s>(
        map: &'s HashMap<u64, Vec<LinkEntry>>,
        file: usize,
        module: &str,
        name: &str,
    ) -> Option<&'s LinkExpr> {
        map.get(&key(file, &[module, name]))?
            .iter()
            .find(|e| e.file == file && e.module == module && e.name == name)
            .map(|e| &e.expr)
    }

    fn call(&self, file: usize, module: &str) -> Option<&CallEntry> {
        self.calls
            .get(&key(file, &[module]))?
            .iter()
            .find(|c| c.file == file && c.module == module)
    }
}

/// Longest chain of module hops followed for one reference; Terraform's own graph has no
/// cycles, so only a malformed input gets near it.
const MAX_HOPS: usize = 256;

/// The state of following one value's references.
#[derive(Default)]
struct Follow {
    /// Resources found, in the order found, without repeats.
    ids: Vec<ResourceId>,
    /// The same as a set, filled only once more than [`FEW`] are found.
    seen: std::collections::HashSet<ResourceId, FixedState>,
    /// Hashes of (file, scope, traversal) already followed: each is followed once.
    visited: std::collections::HashSet<u64, FixedState>,
    /// Keys of `by_local_name` whose every instance was added (a reference without an
    /// instance key).
    pools: Vec<u64>,
    /// The ones being followed now: meeting one again is a cycle.
    stack: Vec<u64>,
    /// Why the first reference that named no resource ended there, and whether that was
    /// after at least one hop across a module boundary.
    dead_end: Option<(String, bool)>,
    hops: usize,
    /// When asked for: the attribute each resource traversal reached reads.
    attrs: Option<Vec<String>>,
}

/// Up to this many resources found, [`Follow::add`] checks for repeats by scanning the list
/// instead of hashing: one reference usually names one resource.
const FEW: usize = 16;

impl Follow {
    /// Adds a resource found, once.
    fn add(&mut self, id: ResourceId) {
        if self.ids.len() < FEW {
            if !self.ids.contains(&id) {
                self.ids.push(id);
            }
            return;
        }
        if self.seen.is_empty() {
            self.seen.extend(self.ids.iter().copied());
        }
        if self.seen.insert(id) {
            self.ids.push(id);
        }
    }

    fn end(&mut self, why: String, hopped: bool) {
        if self.dead_end.is_none() {
            self.dead_end = Some((why, hopped));
        }
    }
}

/// Splits `module.NAME[KEY].REST` into (NAME, `[KEY]` or "", REST segments).
fn split_module_ref(t: &str) -> Option<(&str, &str, Vec<&str>)> {
    let segs = address_segments(t);
    if segs.len() < 2 || segs[0] != "module" {
        return None;
    }
    let (name, index) = match segs[1].find('[') {
        Some(p) => (&segs[1][..p], &segs[1][p..]),
        None => (segs[1], ""),
    };
    Some((name, index, segs[2..].to_vec()))
}

/// The module instance containing instance `scope` (`module.a[0].module.b` → `module.a[0]`).
fn parent_scope(scope: &str) -> &str {
    let segs = address_segments(scope);
    if segs.len() < 2 {
        return "";
    }
    let keep: usize = segs[..segs.len() - 2].iter().map(|s| s.len() + 1).sum();
    &scope[..keep.saturating_sub(1)]
}

/// How a module instance is named in messages.
fn scope_name(scope: &str) -> String {
    if scope.is_empty() {
        "the root module".into()
    } else {
        format!("`{scope}`")
    }
}

/// The references of one expression that say what it reads: those of `refs` that are not
/// the prefixes Terraform lists next to them ([`is_bare_prefix`]).
pub fn own_refs<S: AsRef<str>>(refs: &[S]) -> impl Iterator<Item = &str> {
    (0..refs.len())
        .filter(|&i| !is_bare_prefix(refs, i))
        .map(|i| refs[i].as_ref())
}

/// Is `refs[i]` a bare module (`module.x`, `module.x[0]`) or resource (`aws_vpc.this`,
/// `aws_vpc.this[0]`) that another reference of the same expression extends (`module.x.out`,
/// `aws_vpc.this[0].id`)? Terraform lists the prefixes of each reference too
/// (`aws_vpc.this[0].id`, `aws_vpc.this[0]`, `aws_vpc.this`): only the longest says which
/// output or instance is read, and the bare resource would add every instance.
fn is_bare_prefix<S: AsRef<str>>(refs: &[S], i: usize) -> bool {
    let t = refs[i].as_ref().trim();
    // Most references are extended by none: that is checked first, without allocating.
    let extended = refs.iter().enumerate().any(|(j, o)| {
        let o = o.as_ref().trim();
        j != i
            && o.len() > t.len()
            && o.starts_with(t)
            && matches!(o.as_bytes()[t.len()], b'.' | b'[')
    });
    if !extended {
        return false;
    }
    if t.starts_with("module.") {
        return split_module_ref(t).is_some_and(|(_, _, rest)| rest.is_empty());
    }
    // A resource instance (`TYPE.NAME`, `TYPE.NAME[KEY]`, `data.TYPE.NAME`), not an input,
    // local or meta value (`var.cfg` next to `var.cfg.name` is followed either way).
    let segs = address_segments(t);
    match segs.first().copied() {
        Some("var" | "local" | "count" | "each" | "path" | "terraform" | "self") | None => false,
        Some("data") => segs.len() == 3,
        Some(_) => segs.len() == 2,
    }
}

fn child_scope(scope: &str, name: &str, index: &str) -> String {
    if scope.is_empty() {
        format!("module.{name}{index}")
    } else {
        format!("{scope}.module.{name}{index}")
    }
}

/// An instance key written as a literal (`[0]`, `["a"]`) selects one instance; anything else
/// (`[count.index]`, `[*]`) refers to all of them.
fn literal_index(index: &str) -> bool {
    index.len() > 2 && index[1..].starts_with(|c: char| c.is_ascii_digit() || c == '"')
}

/// A reference target: the resources an expression points at.
pub enum Target<'m> {
    /// Known literal value (an ARN, a name, an id).
    Literal(&'m str),
    /// Resources the expression references.
    Resources(Vec<ResourceId>),
    /// Unknown and not resolvable (a variable, a data source, a module output).
    Unresolved(String),
    /// Not set at all.
    Unset,
}

/// Which of the resources a reference names is meant: see [`Model::pick`].
#[derive(Debug, PartialEq, Eq)]
pub enum Picked {
    /// None of them is of the kind wanted.
    None,
    One(ResourceId),
    /// Instances no instance key tells apart, in input order.
    Several(Vec<ResourceId>),
}

impl<'a> Model<'a> {
    pub fn new(
        files: &'a [SourceFile],
        resources: Vec<Resource<'a>>,
        providers: Vec<ProviderConfig>,
        variables: Vec<(usize, String, String)>,
        warnings: Vec<Warning>,
    ) -> Model<'a> {
        let mut by_type: HashMap<&'static str, Vec<ResourceId>, FixedState> = HashMap::default();
        for (id, r) in resources.iter().enumerate() {
            if let Some(v) = by_type.get_mut(r.rtype) {
                v.push(id);
            } else {
                by_type.insert(r.rtype, vec![id]);
            }
        }
        let (by_local_name, by_ident) = rayon::join(
            || {
                HashIndex::new(
                    resources
                        .par_iter()
                        .enumerate()
                        .map(|(id, r)| {
                            (
                                key(
                                    r.file,
                                    &[
                                        &r.module,
                                        r.rtype,
                                        local_name_of(&r.address, &r.module, r.rtype),
                                    ],
                                ),
                                id,
                            )
                        })
                        .collect(),
                )
            },
            || {
                HashIndex::new(
                    resources
                        .par_iter()
                        .enumerate()
                        .flat_map_iter(|(id, r)| {
                            ident_values(&r.attrs).map(move |v| (key(0, &[r.rtype, v]), id))
                        })
                        .collect(),
                )
            },
        );
        // A key of one resource (nearly all of them) has nothing to compare: its resource is
        // not read (a cache miss each on a large plan).
        let local_names_unshared = by_local_name.pairs.chunk_by(|a, b| a.0 == b.0).all(|run| {
            if run.len() == 1 {
                return true;
            }
            let first = &resources[run[0].1];
            let name = local_name_of(&first.address, &first.module, first.rtype);
            run[1..].iter().all(|&(_, c)| {
                is_named(&resources[c], first.file, &first.module, first.rtype, name)
            })
        });
        Model {
            files,
            resources,
            providers,
            variables,
            warnings,
            unrecorded_types: Vec::new(),
            by_type,
            by_local_name,
            local_names_unshared,
            by_ident,
            modules: ModuleLinks::default(),
            module_instances: HashMap::new(),
            sources: None,
            source_summary: Vec::new(),
        }
    }

    /// Where `attribute` of resource `id` is written in the user's sources: the recorded
    /// program line of a CDKTF resource, else its place in the Terraform sources; for an AWS
    /// Config resource, the place of the plan or state resource with the same ARN.
    pub fn source_of(&self, id: ResourceId, attribute: &str) -> Option<SourceRef> {
        let r = self.get(id);
        if let Some(p) = &r.program_source {
            let line = p.line as usize;
            return Some(SourceRef {
                path: p.path.clone(),
                line,
                column: None,
                end_line: line,
                end_column: None,
                kind: SourceKind::Program,
                what: "the line that created the resource".to_string(),
            });
        }
        let sources = self.sources.as_ref()?;
        if r.origin == Origin::AwsConfig {
            // A deployed resource that Terraform manages: where the plan's or state's resource
            // with the same ARN is written.
            let arn = r.attrs.get("arn").nonempty_str()?;
            let twin = self
                .find_by_attr(r.rtype, "arn", arn)
                .into_iter()
                .map(|t| self.get(t))
                .find(|t| matches!(t.origin, Origin::Plan | Origin::State));
            if let Some(twin) = twin {
                return sources.locate(twin, attribute);
            }
            // No twin among these inputs: the locator may know it by ARN (`drlint live
            // --state`, whose state is read for locations only).
        }
        sources.locate(r, attribute)
    }

    /// Adds what the inputs say about module boundaries (outputs, call inputs), so references
    /// to `module.x.out` and, inside a module, to `var.name` are followed. Indexes the module
    /// instances once: one pass over the resources.
    pub fn set_module_links(&mut self, links: ModuleLinks) {
        self.modules = links;
        self.module_instances.clear();
        if self.modules.is_empty() {
            return;
        }
        // Instances already listed, by hash of (file, instance path).
        let mut listed: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let mut last: Option<(usize, &str)> = None;
        for r in &self.resources {
            // Resources of one module instance are usually adjacent: skip the repeats cheaply.
            if r.module.is_empty() || last == Some((r.file, r.module.as_str())) {
                continue;
            }
            last = Some((r.file, r.module.as_str()));
            let segs = address_segments(&r.module);
            // Every prefix `module.a[0]`, `module.a[0].module.b` is an instance of a call.
            let (mut end, mut parent_end, mut i) = (0usize, 0usize, 0usize);
            while i + 1 < segs.len() && segs[i] == "module" {
                end += usize::from(i > 0) + segs[i].len() + 1 + segs[i + 1].len();
                let instance = &r.module[..end];
                if listed.insert(key(r.file, &[instance])) {
                    let parent = &r.module[..parent_end];
                    let name = segs[i + 1].split('[').next().unwrap_or(segs[i + 1]);
                    self.module_instances
                        .entry(key(r.file, &[parent, name]))
                        .or_default()
                        .push(instance.to_string());
                }
                parent_end = end;
                i += 2;
            }
        }
    }

    pub fn get(&self, id: ResourceId) -> &Resource<'a> {
        &self.resources[id]
    }

    /// Ids of all resources of a type, in input order.
    pub fn of_type(&self, rtype: &str) -> &[ResourceId] {
        self.by_type.get(rtype).map_or(&[], Vec::as_slice)
    }

    /// Resources of any of the types.
    pub fn of_types<'s>(&'s self, types: &'s [&'s str]) -> impl Iterator<Item = ResourceId> + 's {
        types
            .iter()
            .flat_map(move |t| self.of_type(t).iter().copied())
    }

    /// Resolves a reference traversal (`aws_kms_key.dr.arn`, `aws_s3_bucket.b[0].id`) made by
    /// resource `from` to the resources it names. Module outputs (`module.x.out`) and, inside a
    /// module, variables (`var.name`, through the module call's expression) are followed across
    /// module boundaries; root variables, locals and data sources resolve to nothing.
    pub fn resolve_ref(&self, from: ResourceId, traversal: &str) -> Vec<ResourceId> {
        let r = &self.resources[from];
        let mut f = Follow::default();
        self.follow(r.file, &r.module, traversal, &mut f);
        f.ids
    }

    /// Resources `rtype.name[index]` declared in module instance `scope` of `file`.
    fn push_local(
        &self,
        file: usize,
        scope: &str,
        (rtype, name, index): (&str, &str, Option<&str>),
        f: &mut Follow,
    ) -> bool {
        let k = key(file, &[scope, rtype, name]);
        // `aws_s3_bucket.b.id` comes with `aws_s3_bucket.b`: the same instances, added once.
        if index.is_none() && f.pools.contains(&k) {
            return true;
        }
        let pool = self.by_local_name.get(k);
        let named = |c: ResourceId| is_named(&self.resources[c], file, scope, rtype, name);
        // Each candidate is checked, unless a key is known to be one name (then the first is).
        let all_named = self.local_names_unshared && pool.first().is_some_and(|&(_, c)| named(c));
        // A key holds each resource once: into an empty list they go without the repeat check.
        let fresh = f.ids.is_empty();
        let mut found = false;
        for &(_, c) in pool {
            if (all_named || named(c))
                && index.is_none_or(|ix| {
                    let address = &self.resources[c].address;
                    address.ends_with(ix) && address[..address.len() - ix.len()].ends_with(name)
                })
            {
                found = true;
                if fresh {
                    f.ids.push(c);
                } else {
                    f.add(c);
                }
            }
        }
        if found && index.is_none() {
            f.pools.push(k);
        }
        found
    }

    /// Follows every reference of one expression evaluated in module instance `scope`.
    /// Terraform lists a bare `module.x` next to `module.x.out`: the bare one adds nothing.
    fn follow_all<S: AsRef<str>>(&self, file: usize, scope: &str, refs: &[S], f: &mut Follow) {
        for (i, t) in refs.iter().enumerate() {
            if is_bare_prefix(refs, i) {
                continue;
            }
            self.follow(file, scope, t.as_ref(), f);
        }
    }

    /// Follows one traversal evaluated in module instance `scope` (`""` is the root module).
    fn follow(&self, file: usize, scope: &str, t: &str, f: &mut Follow) {
        let t = trim(t);
        let hopped = f.hops > 0;
        if let Some(parsed) = parse_traversal(t) {
            let found = self.push_local(file, scope, parsed, f);
            // The attribute is parsed only when asked for (one caller, DR302's key check).
            if found
                && let Some(attrs) = f.attrs.as_mut()
                && let Some(a) = traversal_attribute(t)
                && !attrs.iter().any(|x| x == a)
            {
                attrs.push(a.to_string());
            }
            if !found {
                f.end(
                    if hopped {
                        format!("`{t}` in {}, which is not in the inputs", scope_name(scope))
                    } else {
                        format!("`{t}`")
                    },
                    hopped,
                );
            }
            return;
        }
        let first = t.split(['.', '[']).next().unwrap_or("");
        if first != "module" && first != "var" {
            let what = match first {
                "data" => "a data source",
                "local" => "a local value, which plan JSON does not record",
                _ => "",
            };
            f.end(
                if hopped && !what.is_empty() {
                    format!("`{t}` ({what})")
                } else {
                    format!("`{t}`")
                },
                hopped,
            );
            return;
        }
        let k = key(file, &[scope, t]);
        if f.stack.contains(&k) {
            f.end(format!("`{t}` (the references form a cycle)"), hopped);
            return;
        }
        // Followed before from another reference: its resources are already in.
        if !f.visited.insert(k) {
            return;
        }
        if f.hops >= MAX_HOPS {
            f.end(
                format!("`{t}` (more than {MAX_HOPS} module boundaries away)"),
                hopped,
            );
            return;
        }
        f.stack.push(k);
        f.hops += 1;
        if first == "module" {
            self.follow_output(file, scope, t, hopped, f);
        } else {
            self.follow_input(file, scope, t, hopped, f);
        }
        f.hops -= 1;
        f.stack.pop();
    }

    /// `module.NAME[KEY].OUT…` in `scope`: the output's expression, in the module's instances.
    fn follow_output(&self, file: usize, scope: &str, t: &str, hopped: bool, f: &mut Follow) {
        let Some((name, index, rest)) = split_module_ref(t) else {
            f.end(format!("`{t}`"), hopped);
            return;
        };
        let called = strip_instance_keys(&child_scope(scope, name, ""));
        let Some(out) = rest.first().map(|s| s.split('[').next().unwrap_or(s)) else {
            f.end(
                format!("`{t}` (the whole module, not one of its outputs)"),
                hopped,
            );
            return;
        };
        let instances: Vec<String> = if literal_index(index) {
            vec![child_scope(scope, name, index)]
        } else {
            self.instances_of(file, scope, name)
                .unwrap_or_else(|| vec![child_scope(scope, name, "")])
        };
        match ModuleLinks::get(&self.modules.outputs, file, &called, out) {
            Some(LinkExpr::Refs(refs)) => {
                for inst in &instances {
                    self.follow_all(file, inst, refs, f);
                }
            }
            Some(LinkExpr::Constant) => {
                f.end(format!("`{t}` (an output set to a constant)"), hopped);
            }
            None => {
                // Some tools write a resource inside a module straight after the module
                // (`module.x.aws_instance.this[0].arn`): follow it where it is declared.
                let inner = rest.join(".");
                if parse_traversal(&inner).is_some() {
                    for inst in &instances {
                        self.follow(file, inst, &inner, f);
                    }
                    return;
                }
                let why = match self.modules.call(file, &called) {
                    // Terraform JSON / CDKTF: the call is in the file, the module's body is
                    // not, so there is nothing to follow.
                    Some(c) if !c.has_body => format!(
                        "`{t}`, an output of module `{name}`{} whose body is not in the input",
                        c.source
                            .as_deref()
                            .map_or_else(String::new, |s| format!(" (source `{s}`)"))
                    ),
                    Some(_) => format!(
                        "`{t}` (module `{called}` has no output `{out}` in the configuration)"
                    ),
                    None if hopped => format!("`{t}` (no module call `{called}` is recorded)"),
                    None => format!("`{t}`"),
                };
                f.end(why, hopped);
            }
        }
    }

    /// `var.NAME` in module instance `scope`: the calling module's expression for that input,
    /// evaluated in the calling module instance.
    fn follow_input(&self, file: usize, scope: &str, t: &str, hopped: bool, f: &mut Follow) {
        let name = t["var.".len().min(t.len())..]
            .split(['.', '['])
            .next()
            .unwrap_or("");
        if scope.is_empty() {
            f.end(
                if hopped {
                    format!("`{t}` (a root variable)")
                } else {
                    format!("`{t}`")
                },
                hopped,
            );
            return;
        }
        let called = strip_instance_keys(scope);
        match ModuleLinks::get(&self.modules.inputs, file, &called, name) {
            Some(LinkExpr::Refs(refs)) => self.follow_all(file, parent_scope(scope), refs, f),
            Some(LinkExpr::Constant) => f.end(
                format!("`{t}` (set to a constant by the call of `{called}`)"),
                hopped,
            ),
            None if self.modules.call(file, &called).is_some() => f.end(
                format!("`{t}` (not set by the call of `{called}`, so its default applies)"),
                hopped,
            ),
            None => f.end(format!("`{t}`"), hopped),
        }
    }

    /// The instances of module call `name` made in module instance `scope`, as the resources
    /// show them.
    fn instances_of(&self, file: usize, scope: &str, name: &str) -> Option<Vec<String>> {
        let plain = child_scope(scope, name, "");
        let v: Vec<String> = self
            .module_instances
            .get(&key(file, &[scope, name]))?
            .iter()
            .filter(|i| {
                i.strip_prefix(plain.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
            })
            .cloned()
            .collect();
        (!v.is_empty()).then_some(v)
    }

    /// What a value points at: a literal, the resources its expression references, or nothing.
    pub fn target<'v>(&self, from: ResourceId, v: &'v Value<'a>) -> Target<'v> {
        match v.kind() {
            Kind::Absent | Kind::Null => Target::Unset,
            Kind::Str(s) if s.is_empty() => Target::Unset,
            Kind::Str(s) => Target::Literal(s),
            Kind::Unknown(u) if !u.configured => Target::Unset,
            Kind::Unknown(u) => {
                let r = &self.resources[from];
                let mut f = Follow::default();
                let mut origin: Option<&str> = None;
                for (i, t) in u.refs.iter().enumerate() {
                    if is_bare_prefix(&u.refs, i) {
                        continue;
                    }
                    let had_end = f.dead_end.is_some();
                    self.follow(r.file, &r.module, t, &mut f);
                    if !had_end && f.dead_end.is_some() {
                        origin = Some(t);
                    }
                }
                if !f.ids.is_empty() {
                    return Target::Resources(f.ids);
                }
                Target::Unresolved(match (f.dead_end, origin) {
                    (Some((why, true)), Some(o)) => format!("`{}`, which leads to {why}", o.trim()),
                    (Some((why, _)), _) => why,
                    (None, _) => u.refs.first().map_or_else(
                        || "an expression without references".to_string(),
                        |r| format!("`{r}`"),
                    ),
                })
            }
            _ => Target::Unresolved("a value of an unexpected type".into()),
        }
    }

    /// The resource a single-valued attribute of `from` names among `ids` (what
    /// [`Model::target`] gave), keeping those `keep` accepts: the only one, or the instance
    /// with `from`'s own instance key in `from`'s module instance (how `count.index` and
    /// `each.key` pair instances); [`Picked::Several`] when neither decides.
    pub fn pick(
        &self,
        from: ResourceId,
        ids: &[ResourceId],
        keep: impl Fn(&Resource<'a>) -> bool,
    ) -> Picked {
        let mut kept = ids.iter().copied().filter(|&i| keep(self.get(i)));
        // Most references name one resource: no vector for them.
        let (first, second) = match (kept.next(), kept.next()) {
            (None, _) => return Picked::None,
            (Some(one), None) => return Picked::One(one),
            (Some(a), Some(b)) => (a, b),
        };
        let mut all: Vec<ResourceId> = [first, second].into_iter().chain(kept).collect();
        all.sort_unstable();
        all.dedup();
        if let [one] = all[..] {
            return Picked::One(one);
        }
        match self.same_instance(from, &all) {
            Some(i) => Picked::One(i),
            None => Picked::Several(all),
        }
    }

    /// The one of `candidates` with the instance key of `from`, in `from`'s module instance:
    /// how `count.index` and `each.key` pair the instances of two resources, which plan JSON
    /// does not record (`x[count.index]` is written `x`).
    fn same_instance(&self, from: ResourceId, candidates: &[ResourceId]) -> Option<ResourceId> {
        let r = self.get(from);
        let key = instance_key(&r.address)?;
        let mut same = candidates.iter().filter(|&&c| {
            let c = self.get(c);
            c.module == r.module && instance_key(&c.address) == Some(key)
        });
        match (same.next(), same.next()) {
            (Some(&c), None) => Some(c),
            _ => None,
        }
    }

    /// The name of the attribute a reference reads (`arn` in `aws_lambda_function.f.arn`), for
    /// the references that name a resource directly. See [`Model::referenced_attributes_from`]
    /// for references through modules.
    pub fn referenced_attributes<'v>(v: &'v Value<'a>) -> Vec<&'v str> {
        match v.kind() {
            Kind::Unknown(u) => u
                .refs
                .iter()
                .filter_map(|t| traversal_attribute(t))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The attributes read at the end of each reference chain of `v` (set on `from`) that leads
    /// to a resource: `arn` for `var.key` when the module call passes `module.keys.key_arn` and
    /// that output is `aws_kms_key.this.arn`. Chains that end unresolved contribute nothing.
    pub fn referenced_attributes_from(&self, from: ResourceId, v: &Value<'a>) -> Vec<String> {
        let Kind::Unknown(u) = v.kind() else {
            return Vec::new();
        };
        let r = &self.resources[from];
        let mut f = Follow {
            attrs: Some(Vec::new()),
            ..Follow::default()
        };
        self.follow_all(r.file, &r.module, &u.refs, &mut f);
        f.attrs.unwrap_or_default()
    }

    /// Resources of `rtype` whose attribute `attr` equals `value` (e.g. a bucket by name).
    /// `attr` must be one of the identifying attributes (`id`, `arn`, `bucket`, `name`, …).
    pub fn find_by_attr(&self, rtype: &str, attr: &str, value: &str) -> Vec<ResourceId> {
        debug_assert!(IDENT_ATTRS.contains(&attr), "{attr} is not indexed");
        self.by_ident
            .get(key(0, &[rtype, value]))
            .iter()
            .map(|&(_, id)| id)
            .filter(|&id| {
                self.resources[id].rtype == rtype
                    && self.resources[id].get(attr).str() == Some(value)
            })
            .collect()
    }

    /// Does the value of `v` (set on resource `from`) point at resource `to`, by reference or by
    /// one of its identifying attributes (`arn`, `id`, name)?
    pub fn points_to(
        &self,
        from: ResourceId,
        v: &Value<'a>,
        to: ResourceId,
        ident_attrs: &[&str],
    ) -> bool {
        match self.target(from, v) {
            Target::Resources(ids) => ids.contains(&to),
            Target::Literal(s) => ident_attrs
                .iter()
                .any(|a| self.resources[to].get(a).str() == Some(s)),
            _ => false,
        }
    }

    pub fn file(&self, id: usize) -> &SourceFile {
        &self.files[id]
    }

    /// Regions in which resources live, most resources first.
    pub fn regions_by_weight(&self, filter: impl Fn(&Resource) -> bool) -> Vec<(String, usize)> {
        let mut counts: HashMap<&str, usize, FixedState> = HashMap::default();
        for r in self.resources.iter().filter(|r| filter(r)) {
            if let Some(reg) = &r.region {
                *counts.entry(reg).or_default() += 1;
            }
        }
        let mut v: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(k, c)| (k.to_string(), c))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Infers the environment suffix and the primary / DR regions (docs/design.md §6). Each answer
    /// carries a note saying how it was found, printed in the summary.
    pub fn infer(&self) -> Inferred {
        let mut inf = Inferred::default();
        for name in ["environment_suffix", "environmentSuffix", "env_suffix"] {
            if let Some((_, _, v)) = self
                .variables
                .iter()
                .find(|(_, n, v)| n == name && !v.is_empty())
            {
                inf.env_suffix = Some((v.clone(), format!("variable {name}")));
                break;
            }
        }
        if inf.env_suffix.is_none()
            && let Some(v) = self
                .resources
                .iter()
                .find_map(|r| r.tag("EnvironmentSuffix"))
        {
            inf.env_suffix = Some((v.to_string(), "tag EnvironmentSuffix".into()));
        }
        // Primary: the default provider's region; else an alias that says so; else the region
        // holding most stateful resources.
        let aws: Vec<&ProviderConfig> = self.providers.iter().collect();
        if let Some(p) = aws.iter().find(|p| p.key == "aws" && p.region.is_some()) {
            inf.primary = Some((
                p.region.clone().unwrap_or_default(),
                "region of the default aws provider".into(),
            ));
        }
        if inf.primary.is_none() {
            for word in ["primary", "main", "active"] {
                if let Some(p) = aws.iter().find(|p| {
                    p.region.is_some()
                        && p.alias
                            .as_deref()
                            .is_some_and(|a| a.to_ascii_lowercase().contains(word))
                }) {
                    inf.primary = Some((
                        p.region.clone().unwrap_or_default(),
                        format!(
                            "region of provider alias `{}`",
                            p.alias.as_deref().unwrap_or("")
                        ),
                    ));
                    break;
                }
            }
        }
        let stateful = self.regions_by_weight(|r| is_stateful(r.rtype));
        let all = self.regions_by_weight(|_| true);
        if inf.primary.is_none()
            && let Some((reg, n)) = stateful.first().or(all.first())
        {
            inf.primary = Some((
                reg.clone(),
                format!("region holding most stateful resources ({n})"),
            ));
        }
        let primary = inf.primary.as_ref().map(|p| p.0.clone());
        for word in [
            "dr",
            "secondary",
            "failover",
            "standby",
            "replica",
            "recovery",
        ] {
            if let Some(p) = aws.iter().find(|p| {
                p.region.is_some()
                    && p.region != primary
                    && p.alias.as_deref().is_some_and(|a| {
                        let a = a.to_ascii_lowercase();
                        a == word
                            || a.split(['_', '-']).any(|t| t == word)
                            || (word.len() > 2 && a.contains(word))
                    })
            }) {
                inf.dr = Some((
                    p.region.clone().unwrap_or_default(),
                    format!(
                        "region of provider alias `{}`",
                        p.alias.as_deref().unwrap_or("")
                    ),
                ));
                break;
            }
        }
        if inf.dr.is_none() {
            let other = stateful
                .iter()
                .chain(all.iter())
                .find(|(r, _)| Some(r) != primary.as_ref())
                .map(|(r, _)| r.clone());
            let other = other.or_else(|| {
                aws.iter()
                    .filter_map(|p| p.region.clone())
                    .find(|r| Some(r) != primary.as_ref())
            });
            if let Some(r) = other {
                inf.dr = Some((r, "the other region in use".into()));
            }
        }
        inf
    }
}

/// Types that hold data that must survive a regional failure.
pub fn is_stateful(rtype: &str) -> bool {
    matches!(
        rtype,
        "aws_rds_cluster"
            | "aws_db_instance"
            | "aws_dynamodb_table"
            | "aws_s3_bucket"
            | "aws_efs_file_system"
            | "aws_elasticache_replication_group"
    )
}

/// Splits a traversal like `module.x.aws_kms_key.dr[0].arn` relative to its module into
/// (type, name, index) — `None` for variables, locals, data sources, module outputs and the like.
pub fn parse_traversal(t: &str) -> Option<(&str, &str, Option<&str>)> {
    let t = trim(t);
    // Byte scans: `.`, `[` and `]` are ASCII, so every cut is on a character boundary.
    let first = &t[..dot_or_bracket(t)];
    if matches!(
        first,
        "var" | "local" | "data" | "module" | "each" | "count" | "path" | "self" | "terraform"
    ) || !first.as_bytes().contains(&b'_')
    {
        return None;
    }
    let rest = t.get(first.len() + 1..)?;
    let name_end = dot_or_bracket(rest);
    let name = &rest[..name_end];
    if name.is_empty() {
        return None;
    }
    let index = rest[name_end..].strip_prefix('[').and_then(|r| {
        memchr::memchr(b']', r.as_bytes()).map(|e| &rest[name_end..name_end + e + 2])
    });
    // Only a literal index selects an instance; `[count.index]` refers to all of them.
    let index = index.filter(|ix| ix[1..].starts_with(|c: char| c.is_ascii_digit() || c == '"'));
    Some((first, name, index))
}

/// Where the first `.` or `[` of `t` is (its length when it has none).
fn dot_or_bracket(t: &str) -> usize {
    t.bytes()
        .position(|b| b == b'.' || b == b'[')
        .unwrap_or(t.len())
}

/// `str::trim`, without its two character scans for the usual traversal, which starts and
/// ends with a printable ASCII character (every ASCII whitespace is ≤ b' ', every other
/// whitespace is not ASCII).
fn trim(t: &str) -> &str {
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&a), Some(&z)) if (b'!'..0x80).contains(&a) && (b'!'..0x80).contains(&z) => t,
        _ => t.trim(),
    }
}

/// The attribute a resource traversal reads: `arn` in `aws_kms_key.k[0].arn`, `key_id` in
/// `aws_kms_key.key.key_id`; `None` when it reads the whole resource or is not a resource.
pub fn traversal_attribute(t: &str) -> Option<&str> {
    let t = trim(t);
    let (rtype, name, _) = parse_traversal(t)?;
    let mut rest = t.get(rtype.len() + 1..)?.strip_prefix(name)?;
    if rest.starts_with('[') {
        let segs = address_segments(rest);
        rest = rest.get(segs.first()?.len()..)?;
    }
    let attr = rest.strip_prefix('.')?;
    let attr = attr.split(['.', '[']).next().unwrap_or(attr);
    (!attr.is_empty() && attr != "*").then_some(attr)
}

/// Splits an address into segments, respecting quoted instance keys.
pub fn address_segments(addr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for dot in segment_dots(addr) {
        out.push(&addr[start..dot]);
        start = dot + 1;
    }
    out.push(&addr[start..]);
    out
}

/// The dots of an address that separate its segments: not those inside an instance key
/// (`["a.b"]`, `[1.5]`).
fn segment_dots(addr: &str) -> impl Iterator<Item = usize> + '_ {
    let b = addr.as_bytes();
    let (mut i, mut depth, mut in_str) = (0usize, 0usize, false);
    std::iter::from_fn(move || {
        // Straight to the next byte that matters (a tighter loop than matching every byte).
        while let Some(off) = b[i.min(b.len())..]
            .iter()
            .position(|&c| matches!(c, b'\\' | b'"' | b'[' | b']' | b'.'))
        {
            let at = i + off;
            i = at + 1;
            match b[at] {
                b'\\' if in_str => i += 1,
                b'"' => in_str = !in_str,
                b'[' if !in_str => depth += 1,
                b']' if !in_str => depth = depth.saturating_sub(1),
                b'.' if !in_str && depth == 0 => return Some(at),
                _ => {}
            }
        }
        None
    })
}

/// `module.a[0].module.b["x"]` → `module.a.module.b`
pub fn strip_instance_keys(path: &str) -> String {
    if !path.contains('[') {
        return path.to_string();
    }
    address_segments(path)
        .iter()
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect::<Vec<_>>()
        .join(".")
}

/// The module path of an address (`module.a[0].aws_x.y[1]` → `module.a[0]`).
pub fn module_of_address(addr: &str) -> String {
    let segs = address_segments(addr);
    let mut n = segs.len().saturating_sub(2);
    if n > 0 && segs[n - 1] == "data" {
        n -= 1;
    }
    segs[..n].join(".")
}

/// Parsed ARN fields.
pub struct Arn<'s> {
    pub service: &'s str,
    pub region: &'s str,
    pub account: &'s str,
    pub resource: &'s str,
}

pub fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut parts = s.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let _partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(Arn {
        service,
        region,
        account,
        resource,
    })
}

/// Region of an ARN, if it names one.
pub fn arn_region(s: &str) -> Option<&str> {
    parse_arn(s).map(|a| a.region).filter(|r| !r.is_empty())
}

/// A plausible AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
pub fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Extracts resource traversals from a Terraform JSON `${...}` template.
pub fn template_refs(s: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(p) = rest.find("${") {
        let body = &rest[p + 2..];
        let end = body.find('}').unwrap_or(body.len());
        let expr = &body[..end];
        // Every dotted traversal in the expression (inside function calls too).
        let bytes = expr.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'-' | b'.' | b'[' | b']' | b'"' | b'*'))
                {
                    if bytes[i] == b'"' {
                        // quoted key inside an index
                        i += 1;
                        while i < bytes.len() && bytes[i] != b'"' {
                            i += 1;
                        }
                    }
                    i += 1;
                }
                let tok = &expr[start..i.min(expr.len())];
                if tok.contains('.') {
                    out.push(Cow::Borrowed(tok));
                }
            } else {
                i += 1;
            }
        }
        rest = &body[end.min(body.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_key_is_that_of_the_last_segment() {
        for (addr, key) in [
            ("aws_s3_bucket.data", None),
            ("aws_s3_bucket.data[0]", Some("[0]")),
            ("module.m[1].aws_s3_bucket.data", None),
            (
                "module.m[1].aws_s3_bucket.data[\"a.b[2]\"]",
                Some("[\"a.b[2]\"]"),
            ),
        ] {
            assert_eq!(instance_key(addr), key, "{addr}");
        }
    }

    #[test]
    fn the_local_name_read_past_the_module_is_the_scanned_one() {
        for (addr, module, rtype) in [
            ("aws_s3_bucket.data", "", "aws_s3_bucket"),
            ("aws_s3_bucket.data[0]", "", "aws_s3_bucket"),
            (
                "module.m[\"a.b\"].aws_s3_bucket.data[\"x.y\"]",
                "module.m[\"a.b\"]",
                "aws_s3_bucket",
            ),
            (
                "module.a.module.b[1].aws_kms_key.k",
                "module.a.module.b[1]",
                "aws_kms_key",
            ),
            ("data.aws_region.current", "", "aws_region"),
            ("module.m.data.aws_region.current", "module.m", "aws_region"),
            ("arn:aws:s3:::bucket", "", "aws_s3_bucket"),
            ("aws_s3_bucket.x.y", "", "aws_s3_bucket"),
        ] {
            assert_eq!(
                local_name_of(addr, module, rtype),
                local_name(addr),
                "{addr}"
            );
        }
    }

    proptest::proptest! {
        /// A lookup finds exactly the ids stored under the key, in input order, whatever the
        /// keys' top bits (few distinct top bits put many keys in one bucket).
        #[test]
        fn hash_index_finds_each_key(
            keys in proptest::collection::vec((0u64..8, 0u64..4), 0..300),
            top_bits in 1u32..64,
        ) {
            let pairs: Vec<(u64, ResourceId)> = keys
                .iter()
                .enumerate()
                .map(|(id, &(hi, lo))| ((hi << (64 - top_bits.min(61))) | lo, id))
                .collect();
            let ix = HashIndex::new(pairs.clone());
            let probes = pairs.iter().map(|p| p.0).chain([u64::MAX, 0, 1 << 63]);
            for k in probes {
                let want: Vec<ResourceId> =
                    pairs.iter().filter(|p| p.0 == k).map(|p| p.1).collect();
                let got: Vec<ResourceId> = ix.get(k).iter().map(|p| p.1).collect();
                proptest::prop_assert_eq!(got, want, "key {:x}", k);
            }
        }
    }

    /// A plan of `n` buckets made with `count` and as many versioning resources, each of whose
    /// `bucket` has the configuration references `refs`.
    fn counted_plan(n: usize, refs: &[&str]) -> String {
        let change = |rtype: &str, i: usize, after: serde_json::Value| {
            serde_json::json!({
                "address": format!("{rtype}.data[{i}]"), "mode": "managed", "type": rtype,
                "name": "data", "index": i,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": after,
                           "after_unknown": {"bucket": rtype != "aws_s3_bucket", "id": true}}
            })
        };
        let changes: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                change(
                    "aws_s3_bucket",
                    i,
                    serde_json::json!({"bucket": format!("b{i}")}),
                )
            })
            .chain((0..n).map(|i| change("aws_s3_bucket_versioning", i, serde_json::json!({}))))
            .collect();
        let config = |rtype: &str, expressions: serde_json::Value| {
            serde_json::json!({"address": format!("{rtype}.data"), "mode": "managed",
                "type": rtype, "name": "data", "provider_config_key": "aws",
                "expressions": expressions, "count_expression": {"constant_value": n}})
        };
        serde_json::json!({
            "format_version": "1.2",
            "resource_changes": changes,
            "configuration": {
                "provider_config": {"aws": {"name": "aws",
                    "expressions": {"region": {"constant_value": "us-east-1"}}}},
                "root_module": {"resources": [
                    config("aws_s3_bucket", serde_json::json!({})),
                    config("aws_s3_bucket_versioning",
                           serde_json::json!({"bucket": {"references": refs}})),
                ]}
            }
        })
        .to_string()
    }

    /// The targets of every versioning resource's `bucket` in `counted_plan(n, refs)`, and the
    /// buckets in input order.
    fn counted_targets(n: usize, refs: &[&str]) -> (Vec<Vec<ResourceId>>, Vec<ResourceId>) {
        let files = [crate::input::decode("count.json", counted_plan(n, refs).into()).unwrap()];
        let m = crate::read::build_model(&files).unwrap();
        let targets = m
            .of_type("aws_s3_bucket_versioning")
            .iter()
            .map(|&v| match m.target(v, m.get(v).get("bucket")) {
                Target::Resources(ids) => ids,
                _ => panic!("{} resolves to no resource", m.get(v).address),
            })
            .collect();
        (targets, m.of_type("aws_s3_bucket").to_vec())
    }

    #[test]
    fn a_reference_without_an_instance_key_reads_every_instance_once() {
        // More instances than `Follow` checks for repeats by scanning, and the references
        // Terraform lists for `aws_s3_bucket.data[count.index].id`, for `….data.id` (the
        // resource's address as well), and a literal instance next to them: each bucket once.
        for refs in [
            &["aws_s3_bucket.data", "count.index"][..],
            &["aws_s3_bucket.data.id", "aws_s3_bucket.data"],
            &[
                "aws_s3_bucket.data[3].arn",
                "aws_s3_bucket.data.id",
                "aws_s3_bucket.data",
            ],
        ] {
            let (targets, buckets) = counted_targets(40, refs);
            assert_eq!(buckets.len(), 40);
            assert_eq!(targets.len(), 40);
            for t in targets {
                let mut want = buckets.clone();
                if refs[0].contains("[3]") {
                    // the literal instance first, then the others in input order
                    want.retain(|&b| b != buckets[3]);
                    want.insert(0, buckets[3]);
                }
                assert_eq!(t, want, "{refs:?}");
            }
        }
        // A literal instance key alone selects that instance.
        let (targets, buckets) = counted_targets(40, &["aws_s3_bucket.data[7].id"]);
        assert!(targets.iter().all(|t| t == &[buckets[7]]));
    }

    #[test]
    fn empty_hash_index_finds_nothing() {
        assert!(HashIndex::default().get(7).is_empty());
        assert!(HashIndex::new(Vec::new()).get(u64::MAX).is_empty());
    }

    #[test]
    fn traversals() {
        assert_eq!(
            parse_traversal("aws_kms_key.dr.arn"),
            Some(("aws_kms_key", "dr", None))
        );
        assert_eq!(
            parse_traversal("aws_kms_key.dr[0].arn"),
            Some(("aws_kms_key", "dr", Some("[0]")))
        );
        assert_eq!(
            parse_traversal("aws_kms_key.dr[count.index].arn"),
            Some(("aws_kms_key", "dr", None))
        );
        assert_eq!(parse_traversal("var.region"), None);
        assert_eq!(parse_traversal("data.aws_kms_key.x.arn"), None);
        assert_eq!(parse_traversal("module.keys.arn"), None);
    }

    #[test]
    fn addresses() {
        let a = r#"module.a[0].module.b["x.y"].aws_route53_record.r["a.b"]"#;
        assert_eq!(module_of_address(a), r#"module.a[0].module.b["x.y"]"#);
        assert_eq!(
            strip_instance_keys(&module_of_address(a)),
            "module.a.module.b"
        );
        assert_eq!(module_of_address("aws_s3_bucket.b"), "");
        assert_eq!(
            module_of_address("module.m.data.aws_iam_policy_document.d"),
            "module.m"
        );
    }

    #[test]
    fn attributes_of_traversals() {
        assert_eq!(
            traversal_attribute("aws_kms_key.key.key_id"),
            Some("key_id")
        );
        assert_eq!(traversal_attribute("aws_kms_key.k[0].arn"), Some("arn"));
        assert_eq!(
            traversal_attribute(r#"aws_s3_bucket.b["a.b"].id"#),
            Some("id")
        );
        assert_eq!(traversal_attribute("aws_kms_key.k"), None);
        assert_eq!(traversal_attribute("aws_kms_key.k[0]"), None);
        assert_eq!(traversal_attribute("var.key"), None);
    }

    #[test]
    fn module_references_and_scopes() {
        assert_eq!(
            split_module_ref(r#"module.store["a.b"].bucket_id"#),
            Some(("store", r#"["a.b"]"#, vec!["bucket_id"]))
        );
        assert_eq!(
            split_module_ref("module.keys"),
            Some(("keys", "", Vec::new()))
        );
        assert_eq!(split_module_ref("var.x"), None);
        assert_eq!(
            parent_scope(r#"module.a[0].module.b["x.y"]"#),
            "module.a[0]"
        );
        assert_eq!(parent_scope("module.a"), "");
        assert_eq!(child_scope("", "a", "[0]"), "module.a[0]");
        assert_eq!(child_scope("module.a[0]", "b", ""), "module.a[0].module.b");
        assert!(literal_index("[0]") && literal_index(r#"["k"]"#));
        assert!(!literal_index("[count.index]") && !literal_index("[*]") && !literal_index(""));
        // Terraform's own prefixes add nothing next to the full reference …
        let refs = ["module.r[0].arn", "module.r[0]", "module.r"];
        assert!(!is_bare_prefix(&refs, 0));
        assert!(is_bare_prefix(&refs, 1) && is_bare_prefix(&refs, 2));
        // … but a whole module on its own is kept (and ends unresolved).
        assert!(!is_bare_prefix(&["module.r"], 0));
        assert!(!is_bare_prefix(&["module.rr.x", "module.r"], 1));
        // A resource instance's prefixes too: the bare resource would add every instance.
        let refs = ["aws_vpc.this[1].id", "aws_vpc.this[1]", "aws_vpc.this"];
        assert!(!is_bare_prefix(&refs, 0));
        assert!(is_bare_prefix(&refs, 1) && is_bare_prefix(&refs, 2));
        let refs = [
            r#"data.aws_iam_role.r["a"].arn"#,
            r#"data.aws_iam_role.r["a"]"#,
            "data.aws_iam_role.r",
        ];
        assert!(is_bare_prefix(&refs, 1) && is_bare_prefix(&refs, 2));
        // Next to `count.index` the bare resource stays (which instance is not known); an
        // input, or an attribute of a resource, is never a bare prefix.
        assert!(!is_bare_prefix(&["aws_vpc.this", "count.index"], 0));
        assert!(!is_bare_prefix(&["var.cfg.name", "var.cfg"], 1));
        assert!(!is_bare_prefix(
            &["aws_vpc.this.id", "aws_vpc.this.id.x"],
            0
        ));
    }

    #[test]
    fn arns_and_regions() {
        assert_eq!(
            arn_region("arn:aws:kms:us-west-2:123456789012:key/abc"),
            Some("us-west-2")
        );
        assert_eq!(arn_region("arn:aws:s3:::bucket"), None);
        assert!(looks_like_region("us-gov-west-1"));
        assert!(!looks_like_region("global"));
    }

    #[test]
    fn template_references() {
        let r = template_refs("${aws_kms_key.primary.arn}");
        assert_eq!(r, vec!["aws_kms_key.primary.arn"]);
        let r = template_refs("arn:${element(aws_s3_bucket.b.*.arn, 0)}/x-${var.env}");
        assert_eq!(r, vec!["aws_s3_bucket.b.*.arn", "var.env"]);
    }
}
