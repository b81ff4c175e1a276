//! Attribute values as every rule sees them, whatever the input format.
//!
//! A [`Value`] is a JSON-like tree that also knows where it came from (a byte [`Span`] in its
//! file), whether it is sensitive, and whether it is *unknown* until apply. Unknown values keep the
//! references of the expression that will produce them, so rules can follow them to a resource.
//!
//! Terraform plans write a nested block as a list of objects (`"filter": [{...}]`) while Terraform
//! JSON / CDKTF writes a single object (`"filter": {...}`). The accessors here treat an object as a
//! one-element list, so a rule reads both the same way.

use std::borrow::Cow;

/// Byte range in a source file. `u32` keeps values small; files over 2 GiB are refused at load
/// (a [`Value`] keeps a flag in the top bit of its end).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    /// This span `by` bytes further on (modulo 2^32: see `json::Raw::copied`).
    pub fn shifted(self, by: u32) -> Span {
        Span {
            start: self.start.wrapping_add(by),
            end: self.end.wrapping_add(by),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// What we know about a value that is only known after apply.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unknown<'a> {
    /// Traversals of the configuration expression (`aws_kms_key.dr.arn`, `var.key`), if any.
    pub refs: Refs<'a>,
    /// True when the user wrote an expression for it; false when the provider computes it
    /// because the configuration leaves it unset (then the provider's default applies).
    pub configured: bool,
}

/// The references of an unknown value, read as a slice. Shared: every instance of a module's
/// resource holds the same configuration expression's list, and a plan holds many instances.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refs<'a>(Option<std::sync::Arc<[Cow<'a, str>]>>);

impl<'a> std::ops::Deref for Refs<'a> {
    type Target = [Cow<'a, str>];
    fn deref(&self) -> &[Cow<'a, str>] {
        self.0.as_deref().unwrap_or(&[])
    }
}

impl<'a> From<Vec<Cow<'a, str>>> for Refs<'a> {
    fn from(refs: Vec<Cow<'a, str>>) -> Refs<'a> {
        Refs((!refs.is_empty()).then(|| refs.into()))
    }
}

impl<'r, 'a> IntoIterator for &'r Refs<'a> {
    type Item = &'r Cow<'a, str>;
    type IntoIter = std::slice::Iter<'r, Cow<'a, str>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A string borrowed from the input's text or owned (an escaped string, a name a reader made),
/// in two words: `std::borrow::Cow<str>` takes four, and the model holds millions of them.
pub type Str<'a> = beef::lean::Cow<'a, str>;

/// The entries of an object, in the input's order.
pub type Entries<'a> = Box<[(Str<'a>, Value<'a>)]>;

/// Adds `more` at the end of a boxed slice: for the few readers that add entries to a tree
/// they built. One reallocation to the exact new length.
pub fn append<T>(items: &mut Box<[T]>, more: Vec<T>) {
    if more.is_empty() {
        return;
    }
    let mut v = std::mem::take(items).into_vec();
    v.reserve_exact(more.len());
    v.extend(more);
    *items = v.into_boxed_slice();
}

/// Every variant is at most two words, so a `Kind` is three and a [`Value`] four: plans hold
/// millions of values, and `Value::get` scans an object's entries.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'a> {
    Absent,
    Null,
    Bool(bool),
    /// The number's lexeme, parsed on demand.
    Num(Str<'a>),
    Str(Str<'a>),
    Arr(Box<[Value<'a>]>),
    Obj(Entries<'a>),
    Unknown(Box<Unknown<'a>>),
    /// A container not yet turned into a tree: built on first read. Plans are large and rules
    /// read few nested blocks, so this keeps memory near the size of the input.
    Lazy(Box<Lazy<'a>>),
}

/// An unparsed JSON container and, once read, its tree. The container is kept as its text and
/// where that is in its file (not a whole [`crate::json::Raw`]): plans hold many of these, and
/// rules read few, so the tree is boxed — an unread container costs 40 bytes, not 80. The text
/// is the file's own, or the copy a plan's attributes are read from.
#[derive(Clone, Debug)]
pub struct Lazy<'a> {
    text: &'a str,
    at: u32,
    cell: std::sync::OnceLock<Box<Value<'a>>>,
}

impl<'a> Lazy<'a> {
    /// The unparsed container.
    pub fn raw(&self) -> crate::json::Raw<'a, 'static> {
        crate::json::Raw::text_at(self.text, self.at)
    }
}

impl PartialEq for Lazy<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.raw().text() == other.raw().text()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value<'a> {
    pub kind: Kind<'a>,
    start: u32,
    /// The span's end, and in the top bit [`SENSITIVE`]: a flag of its own would make every
    /// value a word larger.
    end: u32,
}

/// Marks a value never printed (from `after_sensitive` / `sensitive_values`).
const SENSITIVE: u32 = 1 << 31;

/// The largest input a span can address.
pub const MAX_INPUT: usize = (SENSITIVE - 1) as usize;

const _: () = assert!(std::mem::size_of::<Value>() == 32);

static ABSENT: Value<'static> = Value {
    kind: Kind::Absent,
    start: 0,
    end: 0,
};

/// A boolean that may be unknown until apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl<'a> Value<'a> {
    pub fn new(kind: Kind<'a>, span: Span) -> Value<'a> {
        debug_assert!(span.end < SENSITIVE, "inputs are at most MAX_INPUT bytes");
        Value {
            kind,
            start: span.start,
            end: span.end & !SENSITIVE,
        }
    }

    /// Where the value is in its file.
    pub fn span(&self) -> Span {
        Span {
            start: self.start,
            end: self.end & !SENSITIVE,
        }
    }

    /// Moves the value to `span`, keeping whether it is sensitive.
    pub fn set_span(&mut self, span: Span) {
        let flag = self.end & SENSITIVE;
        self.start = span.start;
        self.end = (span.end & !SENSITIVE) | flag;
    }

    /// True when the value is never to be printed.
    pub fn sensitive(&self) -> bool {
        self.end & SENSITIVE != 0
    }
    /// A value whose containers are read lazily.
    pub fn lazy(raw: crate::json::Raw<'a, '_>) -> Value<'a> {
        Value::new(
            Kind::Lazy(Box::new(Lazy {
                text: raw.text(),
                at: raw.span().start,
                cell: std::sync::OnceLock::new(),
            })),
            raw.span(),
        )
    }

    /// This value with a lazy container read: its top level only, nested containers stay lazy
    /// (rules read a few paths of a block, not the whole block).
    fn r(&self) -> &Value<'a> {
        match &self.kind {
            Kind::Lazy(l) => l
                .cell
                .get_or_init(|| Box::new(l.raw().to_shallow_value(&mut Vec::new()))),
            _ => self,
        }
    }

    /// The kind, reading a lazy container first.
    pub fn kind(&self) -> &Kind<'a> {
        &self.r().kind
    }

    /// Turns a lazy container into a tree in place (before mutating it).
    pub fn force(&mut self) {
        let sensitive = self.sensitive();
        if let Kind::Lazy(l) = &mut self.kind {
            let mut v = match l.cell.take() {
                Some(v) => *v,
                None => l.raw().to_shallow_value(&mut Vec::new()),
            };
            if sensitive {
                v.mark_sensitive();
            }
            *self = v;
        }
    }

    /// The shared `Absent` value, returned by lookups that find nothing.
    pub fn absent<'x>() -> &'x Value<'a> {
        // SAFETY: ABSENT is `Kind::Absent` with an empty span: it holds no reference and no
        // interior mutability, so reading it as `Value<'a>` (same layout, another lifetime
        // parameter) cannot produce a dangling reference. The cast is needed only because the
        // lazy cell makes `Value` invariant in its lifetime.
        unsafe { &*(&ABSENT as *const Value<'static>).cast::<Value<'a>>() }
    }
    pub fn unknown(u: Unknown<'a>, span: Span) -> Value<'a> {
        Value::new(Kind::Unknown(Box::new(u)), span)
    }

    /// The attribute `key` of an object. A one-element list is looked through (a plan's block),
    /// an unknown value stays unknown, anything else gives `Absent`.
    pub fn get(&self, key: &str) -> &Value<'a> {
        match self.kind() {
            Kind::Obj(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map_or(Value::absent(), |(_, v)| v),
            Kind::Arr(items) if items.len() == 1 => items[0].get(key),
            Kind::Unknown(_) => self.r(),
            _ => Value::absent(),
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value<'a>> {
        self.force();
        match &mut self.kind {
            Kind::Obj(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Element `i` of a list; an object counts as a list of itself.
    pub fn at(&self, i: usize) -> &Value<'a> {
        match self.kind() {
            Kind::Arr(items) => items.get(i).unwrap_or(Value::absent()),
            Kind::Obj(_) if i == 0 => self.r(),
            Kind::Unknown(_) => self.r(),
            _ => Value::absent(),
        }
    }

    /// The elements of a list (an object yields itself; absent, null and scalars yield nothing).
    pub fn items(&self) -> std::slice::Iter<'_, Value<'a>> {
        match self.kind() {
            Kind::Arr(items) => items.iter(),
            Kind::Obj(_) => std::slice::from_ref(self.r()).iter(),
            _ => [].iter(),
        }
    }

    /// Entries of an object (a one-element list is looked through).
    pub fn entries(&self) -> &[(Str<'a>, Value<'a>)] {
        match self.kind() {
            Kind::Obj(e) => e,
            Kind::Arr(items) if items.len() == 1 => items[0].entries(),
            _ => &[],
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self.kind() {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A non-empty known string.
    pub fn nonempty_str(&self) -> Option<&str> {
        self.str().filter(|s| !s.is_empty())
    }

    pub fn bool(&self) -> Option<bool> {
        match self.kind() {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Kind::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn num(&self) -> Option<f64> {
        match self.kind() {
            Kind::Num(n) => n.parse().ok(),
            Kind::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A boolean attribute where absent / null mean `default`.
    pub fn tri(&self, default: bool) -> Tri {
        match self.kind() {
            Kind::Absent | Kind::Null => yes_no(default),
            Kind::Unknown(u) if !u.configured => yes_no(default),
            Kind::Unknown(_) => Tri::Unknown,
            _ => match self.bool() {
                Some(b) => yes_no(b),
                None => Tri::Unknown,
            },
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self.kind(), Kind::Absent)
    }
    pub fn is_null_or_absent(&self) -> bool {
        matches!(self.kind(), Kind::Absent | Kind::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind(), Kind::Unknown(_))
    }

    /// True when the user configured something here: a known non-null, non-empty value, or an
    /// unknown value that comes from an expression in the configuration.
    pub fn is_set(&self) -> bool {
        match self.kind() {
            Kind::Absent | Kind::Null => false,
            Kind::Str(s) => !s.is_empty(),
            Kind::Arr(a) => !a.is_empty(),
            Kind::Obj(o) => !o.is_empty(),
            Kind::Unknown(u) => u.configured,
            _ => true,
        }
    }

    /// True for an empty list or object, absent or null: "block not configured".
    pub fn is_empty_block(&self) -> bool {
        match self.kind() {
            Kind::Absent | Kind::Null => true,
            Kind::Arr(a) => a.is_empty(),
            Kind::Unknown(u) => !u.configured,
            _ => false,
        }
    }

    /// A short rendering for messages; sensitive values are never shown.
    pub fn display(&self) -> String {
        if self.sensitive() {
            return "(sensitive value)".into();
        }
        match self.kind() {
            Kind::Absent => "(not set)".into(),
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Num(n) => n.to_string(),
            Kind::Str(s) => {
                let mut t: String = s.chars().take(80).collect();
                if s.chars().count() > 80 {
                    t.push('…');
                }
                format!("\"{t}\"")
            }
            Kind::Arr(_) => "[…]".into(),
            Kind::Obj(_) => "{…}".into(),
            Kind::Unknown(_) => "(known after apply)".into(),
            Kind::Lazy(_) => "{…}".into(),
        }
    }

    /// Marks this value and everything below it sensitive.
    pub fn mark_sensitive(&mut self) {
        self.force();
        self.end |= SENSITIVE;
        match &mut self.kind {
            Kind::Arr(items) => items.iter_mut().for_each(Value::mark_sensitive),
            Kind::Obj(entries) => entries.iter_mut().for_each(|(_, v)| v.mark_sensitive()),
            _ => {}
        }
    }

    /// Visits every sensitive span below (and including) this value.
    pub fn sensitive_spans(&self, out: &mut Vec<Span>) {
        if self.sensitive() {
            out.push(self.span());
            return;
        }
        // An unread lazy container holds nothing sensitive: overlays read what they mark.
        match &self.kind {
            Kind::Arr(items) => items.iter().for_each(|v| v.sensitive_spans(out)),
            Kind::Obj(entries) => entries.iter().for_each(|(_, v)| v.sensitive_spans(out)),
            _ => {}
        }
    }

    /// Known string values of a list (or of a single string).
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        let single = self.str();
        let list = match self.kind() {
            Kind::Arr(items) => &items[..],
            _ => &[],
        };
        single.into_iter().chain(list.iter().filter_map(Value::str))
    }

    /// A tag value from `tags` (or `tags_all`).
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_in(self.get("tags"), key).or_else(|| tag_in(self.get("tags_all"), key))
    }
}

/// `tags.get(key).str()`. An unread tag map is not built: the key is looked up in its text.
/// Plans hold a tag map per resource and most lookups are of one tag (often one no resource
/// has), so building every map would cost more memory than the rest of the resource.
fn tag_in<'v>(tags: &'v Value<'_>, key: &str) -> Option<&'v str> {
    if let Kind::Lazy(l) = &tags.kind
        && l.cell.get().is_none()
        && l.raw().is_object()
    {
        match l.raw().get(key)?.as_str() {
            // Known string values are all a tag map holds; anything else is no string.
            Some(Cow::Borrowed(s)) => return Some(s),
            // An escaped string: decoded into the built map below.
            Some(Cow::Owned(_)) => {}
            None => return None,
        }
    }
    tags.get(key).str()
}

fn yes_no(b: bool) -> Tri {
    if b { Tri::Yes } else { Tri::No }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value<'_> {
        Value::new(Kind::Str(Str::borrowed(x)), Span::default())
    }
    fn obj<'a>(e: Vec<(&'a str, Value<'a>)>) -> Value<'a> {
        Value::new(
            Kind::Obj(e.into_iter().map(|(k, v)| (Str::borrowed(k), v)).collect()),
            Span::default(),
        )
    }

    #[test]
    fn block_as_list_or_object_reads_the_same() {
        let inner = obj(vec![("prefix", s("logs/"))]);
        let as_obj = obj(vec![("filter", inner.clone())]);
        let as_list = obj(vec![(
            "filter",
            Value::new(Kind::Arr(Box::new([inner])), Span::default()),
        )]);
        for v in [&as_obj, &as_list] {
            assert_eq!(v.get("filter").at(0).get("prefix").str(), Some("logs/"));
            assert_eq!(v.get("filter").get("prefix").str(), Some("logs/"));
            assert_eq!(v.get("filter").items().count(), 1);
        }
    }

    #[test]
    fn unknown_propagates_and_tri() {
        let u = Value::unknown(
            Unknown {
                refs: vec![Cow::Borrowed("aws_kms_key.dr.arn")].into(),
                configured: true,
            },
            Span::default(),
        );
        assert!(u.get("a").at(3).is_unknown());
        let Kind::Unknown(known) = u.kind() else {
            panic!("not unknown")
        };
        assert_eq!(
            known.refs.iter().collect::<Vec<_>>(),
            ["aws_kms_key.dr.arn"]
        );
        assert!(Unknown::default().refs.is_empty());
        assert_eq!(u.tri(false), Tri::Unknown);
        let computed = Value::unknown(Unknown::default(), Span::default());
        assert_eq!(computed.tri(false), Tri::No);
        assert_eq!(Value::absent().tri(true), Tri::Yes);
    }

    #[test]
    fn tags_read_from_unread_text_as_from_the_tree() {
        let src = r#"{"tags":{"A":"x","B":"a\"b","C":1,"A":"y"},"tags_all":{"D":"d"}}"#;
        let v = crate::json::Raw::at(src, 0, src.len()).to_shallow_value(&mut Vec::new());
        let unread = |v: &Value| matches!(&v.get_lazy("tags"), Some(l) if l.cell.get().is_none());
        assert_eq!(v.tag("A"), Some("y"));
        assert_eq!(v.tag("C"), None);
        assert_eq!(v.tag("D"), Some("d"));
        assert_eq!(v.tag("E"), None);
        assert!(unread(&v));
        assert_eq!(v.tag("B"), Some("a\"b"));
        assert!(!unread(&v));
        for k in ["A", "B", "C", "D", "E"] {
            let built = v
                .get("tags")
                .get(k)
                .str()
                .or(v.get("tags_all").get(k).str());
            assert_eq!(v.tag(k), built);
        }
    }

    impl<'a> Value<'a> {
        fn get_lazy(&self, key: &str) -> Option<&Lazy<'a>> {
            match &self.entries().iter().find(|(k, _)| k == key)?.1.kind {
                Kind::Lazy(l) => Some(l),
                _ => None,
            }
        }
    }

    #[test]
    fn sensitive_is_never_displayed() {
        let mut v = obj(vec![("password", s("hunter2"))]);
        v.mark_sensitive();
        assert_eq!(v.get("password").display(), "(sensitive value)");
    }

    #[test]
    fn the_sensitive_flag_leaves_the_span_alone() {
        let end = MAX_INPUT as u32;
        let mut v = Value::new(Kind::Str(Str::borrowed("x")), Span { start: 7, end });
        assert!(!v.sensitive());
        v.mark_sensitive();
        assert!(v.sensitive());
        assert_eq!(v.span(), Span { start: 7, end });
        v.set_span(Span { start: 1, end: 2 });
        assert!(v.sensitive());
        assert_eq!(v.span(), Span { start: 1, end: 2 });
        let mut out = Vec::new();
        v.sensitive_spans(&mut out);
        assert_eq!(out, [Span { start: 1, end: 2 }]);
        assert!(!Value::new(Kind::Null, Span { start: 0, end }).sensitive());
    }
}
