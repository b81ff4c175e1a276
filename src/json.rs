//! A small, span-preserving JSON reader.
//!
//! Plans can be hundreds of megabytes, so we never build a tree for a whole document. The text is
//! validated once ([`validate`]); after that, [`Raw`] navigates it lazily (skipping what no rule
//! needs), and only the parts the model keeps — a resource's attributes — are turned into
//! [`Value`] trees that borrow their strings from the source and remember their byte spans.
//!
//! The validating pass can also record where each shallow container ends ([`validate_indexed`],
//! a [`Structure`]): navigating from [`Raw::root_indexed`] then steps over those containers
//! without reading them again, so the many megabytes of `planned_values` or of one resource's
//! attributes are read once, by the validator, not once more per level of navigation.

use crate::value::{Kind, Span, Str, Value};
use smallvec::SmallVec;
use std::borrow::Cow;

/// Deepest nesting accepted. Terraform output is rarely deeper than 30; anything past this is
/// hostile or broken input, and rejecting it keeps recursion bounded.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

/// A warning about valid-but-suspicious JSON (for now: duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonWarning {
    pub offset: usize,
    pub message: String,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, JsonError> {
    Err(JsonError {
        offset,
        message: message.into(),
    })
}

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b' ' => {
                i += 1;
                // Indentation of pretty-printed JSON: eight spaces at a time.
                while i + 8 <= b.len() && b[i..i + 8] == *b"        " {
                    i += 8;
                }
            }
            b'\n' | b'\r' | b'\t' => i += 1,
            _ => break,
        }
    }
    i
}

/// The first byte at or after `j` that a string cannot hold as is — a quote, a backslash or a
/// control character — or `b.len()`. Eight bytes at a time: in each word, the lowest byte the
/// bit tricks flag is exact (a false flag needs a borrow from a lower, truly flagged byte).
#[inline]
fn string_special(b: &[u8], mut j: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(j..j + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = w ^ (LO * b'"' as u64);
        let backslash = w ^ (LO * b'\\' as u64);
        let flags = ((quote.wrapping_sub(LO) & !quote)
            | (backslash.wrapping_sub(LO) & !backslash)
            | (w.wrapping_sub(LO * 0x20) & !w))
            & HI;
        if flags != 0 {
            return j + (flags.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && !matches!(b[j], b'"' | b'\\' | 0..=0x1f) {
        j += 1;
    }
    j
}

/// Checks that `src` is exactly one well-formed JSON value (RFC 8259), at most [`MAX_DEPTH`]
/// deep. Iterative, so hostile nesting cannot overflow the stack.
pub fn validate(src: &str) -> Result<(), JsonError> {
    validate_indexed(src, 0).map(|_| ())
}

/// A container of validated text: where it starts and ends, and how many indexed containers
/// it holds (they follow it in [`Structure::nodes`], in document order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    start: u32,
    end: u32,
    descendants: u32,
}

/// Where the containers of validated text end, for those opened at a depth below the one given
/// to [`validate_indexed`] (the root is at depth 0), in document order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Structure {
    nodes: Vec<Node>,
}

impl Structure {
    /// How many containers are indexed.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// Containers opened at a depth below this are indexed for plans: the root (0), its values
/// (`resource_changes`, 1), their items (a resource change, 2), the items' values (`change`, 3),
/// theirs (`after`, `after_unknown`, 4) and the blocks and maps of `after` (5), whose top level
/// is read into the model while they stay unread. About ten per resource.
pub const PLAN_INDEX_DEPTH: usize = 6;

/// [`validate`], recording the end of every container opened at a depth below `index_depth`.
///
/// Large texts are validated in two halves at once (see [`validate_split`]); the result — the
/// structure, or the first error with its offset and message — is the one the sequential pass
/// gives, which it falls back to whenever the halves cannot be joined.
pub fn validate_indexed(src: &str, index_depth: usize) -> Result<Structure, JsonError> {
    let b = src.as_bytes();
    let mut s = if b.len() >= PARALLEL_MIN
        && rayon::current_num_threads() > 1
        && let Some(p) = split_point(b)
    {
        validate_split(b, index_depth, p)?
    } else {
        validate_bytes(b, index_depth)?
    };
    // The structure is kept for the whole run: without the room it grew into (up to half).
    s.nodes.shrink_to_fit();
    Ok(s)
}

/// Texts at least this long are validated in two halves at once.
const PARALLEL_MIN: usize = 4 << 20;

/// Stack of open containers: whether it is an object, and its node ([`NO_NODE`]: not indexed).
type Stack = Vec<(bool, u32)>;
const NO_NODE: u32 = u32::MAX;

/// The sequential validator over bytes (they need not be UTF-8: only ASCII is structural).
fn validate_bytes(b: &[u8], index_depth: usize) -> Result<Structure, JsonError> {
    let i = skip_ws(b, 0);
    if i == b.len() {
        return err(i, "the file is empty (no JSON value)");
    }
    match run(
        b,
        index_depth,
        i,
        Vec::with_capacity(64),
        Vec::new(),
        usize::MAX,
    )? {
        Step::Done(s) => Ok(s),
        Step::Paused(..) => unreachable!("no stop position was given"),
    }
}

/// How a run of the validator ended.
enum Step {
    /// The whole text is valid.
    Done(Structure),
    /// It reached a value that starts at the stop position: the open containers and the nodes.
    Paused(Stack, Vec<Node>),
}

/// The validator, from a value that starts at `i` inside the containers of `stack`. Stops (and
/// returns its state) at a value that starts exactly at `stop`.
fn run(
    b: &[u8],
    index_depth: usize,
    i: usize,
    stack: Stack,
    nodes: Vec<Node>,
    stop: usize,
) -> Result<Step, JsonError> {
    let mut rec = Record { nodes, index_depth };
    Ok(match walk(b, i, stack, &mut rec, stop)? {
        None => Step::Done(Structure { nodes: rec.nodes }),
        Some(stack) => Step::Paused(stack, rec.nodes),
    })
}

/// What one walk of the validator does at its edges: which containers it records, and what
/// follows once every container it opened is closed. The sequential validator ([`Record`])
/// and the second half of a split one ([`TailRecord`]) share the walk itself.
trait Edges {
    /// A container opens at `at` with `open` containers of this walk around it: its node, or
    /// [`NO_NODE`] when it is not recorded.
    fn open(&mut self, at: usize, open: usize) -> u32;
    /// Recorded node `node` ends at `end`.
    fn close(&mut self, node: u32, end: usize);
    /// A value ended outside every container this walk opened; `i` is past the white space
    /// after it.
    fn outside(&mut self, b: &[u8], i: usize) -> Result<Outside, JsonError>;
}

/// What follows a value outside the containers of a walk.
enum Outside {
    /// The end of the text.
    Done,
    /// Another value, at this offset.
    Value(usize),
    /// A container the walk did not open closed; the walk goes on at this offset.
    Closed(usize),
}

/// The sequential validator's edges: containers below `index_depth` become [`Node`]s, and the
/// root value must end the text.
struct Record {
    nodes: Vec<Node>,
    index_depth: usize,
}

impl Edges for Record {
    fn open(&mut self, at: usize, open: usize) -> u32 {
        if open >= self.index_depth {
            return NO_NODE;
        }
        self.nodes.push(Node {
            start: at as u32,
            end: 0,
            descendants: 0,
        });
        self.nodes.len() as u32 - 1
    }
    fn close(&mut self, node: u32, end: usize) {
        let count = self.nodes.len() as u32;
        let n = &mut self.nodes[node as usize];
        n.end = end as u32;
        n.descendants = count - node - 1;
    }
    fn outside(&mut self, b: &[u8], i: usize) -> Result<Outside, JsonError> {
        if i < b.len() {
            return err(i, "unexpected data after the end of the JSON value");
        }
        Ok(Outside::Done)
    }
}

/// Reads one JSON value from `i` inside the containers of `stack`, and on through whatever
/// `edges` says follows it. `Some(stack)` when it stopped at a value that starts at `stop`.
fn walk<E: Edges>(
    b: &[u8],
    mut i: usize,
    mut stack: Stack,
    edges: &mut E,
    stop: usize,
) -> Result<Option<Stack>, JsonError> {
    'value: loop {
        // Parse one value starting at i.
        i = skip_ws(b, i);
        if i >= b.len() {
            return err(i, "unexpected end of input: the JSON is truncated");
        }
        if i == stop {
            return Ok(Some(stack));
        }
        match b[i] {
            b'{' | b'[' => {
                let is_obj = b[i] == b'{';
                if stack.len() >= MAX_DEPTH {
                    return err(
                        i,
                        format!("values are nested deeper than {MAX_DEPTH} levels"),
                    );
                }
                let node = edges.open(i, stack.len());
                stack.push((is_obj, node));
                i = skip_ws(b, i + 1);
                if i >= b.len() {
                    return err(i, "unexpected end of input: the JSON is truncated");
                }
                if (is_obj && b[i] == b'}') || (!is_obj && b[i] == b']') {
                    stack.pop();
                    i += 1;
                    if node != NO_NODE {
                        edges.close(node, i);
                    }
                } else {
                    if is_obj {
                        i = expect_key(b, i)?;
                    }
                    continue 'value;
                }
            }
            b'"' => i = skip_string(b, i)?,
            b't' => i = expect_lit(b, i, b"true")?,
            b'f' => i = expect_lit(b, i, b"false")?,
            b'n' => i = expect_lit(b, i, b"null")?,
            b'-' | b'0'..=b'9' => i = skip_number(b, i)?,
            c => {
                return err(
                    i,
                    format!(
                        "unexpected character {} where a value was expected",
                        show_byte(c)
                    ),
                );
            }
        }
        // After a value: close containers or move to the next element.
        loop {
            i = skip_ws(b, i);
            let Some(&(is_obj, node)) = stack.last() else {
                match edges.outside(b, i)? {
                    Outside::Done => return Ok(None),
                    Outside::Value(j) => {
                        i = j;
                        continue 'value;
                    }
                    Outside::Closed(j) => {
                        i = j;
                        continue;
                    }
                }
            };
            if i >= b.len() {
                return err(i, "unexpected end of input: the JSON is truncated");
            }
            match (b[i], is_obj) {
                (b',', _) => {
                    i += 1;
                    if is_obj {
                        i = expect_key(b, skip_ws(b, i))?;
                    }
                    continue 'value;
                }
                (b'}', true) | (b']', false) => {
                    stack.pop();
                    i += 1;
                    if node != NO_NODE {
                        edges.close(node, i);
                    }
                }
                (c, true) => {
                    return err(
                        i,
                        format!("expected ',' or '}}' in an object, found {}", show_byte(c)),
                    );
                }
                (c, false) => {
                    return err(
                        i,
                        format!("expected ',' or ']' in an array, found {}", show_byte(c)),
                    );
                }
            }
        }
    }
}

/// Where to split a large text for [`validate_split`]: an object that starts near the middle,
/// preferably an element of an array of objects whose first key is `"address"` (a resource in
/// a plan: shallow, so that few containers are indexed speculatively). In valid JSON, a `{`
/// followed (after whitespace) by a quote and then a byte that cannot follow a closing quote is
/// outside any string, so the second half can be read from there without the first; in other
/// text the guess may be wrong, which [`validate_split`] finds out.
fn split_point(b: &[u8]) -> Option<usize> {
    let mid = b.len() / 2;
    let window = &b[mid..b.len().min(mid + (4 << 20))];
    let opens_object = |q: usize| {
        // `q` is a quote; the `{` before it (over whitespace), if any.
        let mut k = q;
        while k > 0 && matches!(b[k - 1], b' ' | b'\n' | b'\r' | b'\t') {
            k -= 1;
        }
        (k > mid && b[k - 1] == b'{').then(|| k - 1)
    };
    for q in memchr::memmem::find_iter(window, b"\"address\"") {
        if let Some(p) = opens_object(mid + q) {
            return Some(p);
        }
    }
    for q in memchr::memchr_iter(b'"', window) {
        let q = mid + q;
        if let Some(p) = opens_object(q)
            && !matches!(
                b.get(q + 1),
                None | Some(b' ' | b'\n' | b'\r' | b'\t' | b',' | b':' | b'}' | b']')
            )
        {
            return Some(p);
        }
    }
    None
}

/// A container opened in the second half of a split validation, at `depth` relative to the
/// split point (negative once the second half has closed containers opened in the first).
struct TailNode {
    start: u32,
    end: u32,
    depth: i32,
}

/// What the second half of a split validation found, valid if the first half agrees.
struct Tail {
    /// Containers opened at a relative depth below `index_depth - 1`, in document order.
    nodes: Vec<TailNode>,
    /// The containers of the first half that the second closes, innermost first: whether each
    /// is an object, and where it ends.
    pops: Vec<(bool, u32)>,
    /// The largest relative depth at which a container is opened.
    max_open: i32,
    /// Whether the text goes on, after a comma, in the container the last of `pops` is in
    /// (so the last of `pops` cannot close the root).
    goes_on: bool,
}

/// Validates `b` in two halves at once, split at `p` (a value start, guessed): the first half
/// is validated up to a value that starts at `p`; the second from `p` to the end, without
/// knowing which containers are open at `p`. If the first half ends at `p` in a state the
/// second half's reading agrees with, the halves are joined; otherwise (the guess was wrong or
/// the text is invalid after `p`) the first half's validation simply goes on, so errors and
/// the structure are always those of [`validate_bytes`].
fn validate_split(b: &[u8], index_depth: usize, p: usize) -> Result<Structure, JsonError> {
    validate_split_joined(b, index_depth, p).0
}

/// [`validate_split`], and whether the halves were joined (for tests).
fn validate_split_joined(
    b: &[u8],
    index_depth: usize,
    p: usize,
) -> (Result<Structure, JsonError>, bool) {
    let (r, joined) = match validate_split_inner(b, index_depth, p) {
        Ok((s, joined)) => (Ok(s), joined),
        Err(e) => (Err(e), false),
    };
    (r, joined)
}

fn validate_split_inner(
    b: &[u8],
    index_depth: usize,
    p: usize,
) -> Result<(Structure, bool), JsonError> {
    let i = skip_ws(b, 0);
    if i == b.len() {
        return err(i, "the file is empty (no JSON value)");
    }
    let (head, tail) = rayon::join(
        || run(b, index_depth, i, Vec::with_capacity(64), Vec::new(), p),
        || run_tail(b, p, index_depth as i32 - 1),
    );
    let (stack, mut nodes) = match head? {
        Step::Done(s) => return Ok((s, false)),
        Step::Paused(stack, nodes) => (stack, nodes),
    };
    let base = stack.len();
    // At depth 0 (the root starts at `p`) the second half has not recorded deep enough.
    let joined = tail.filter(|t| {
        base > 0
            && t.pops.len() == base
            && !t.goes_on
            && t.pops
                .iter()
                .zip(stack.iter().rev())
                .all(|(pop, open)| pop.0 == open.0)
            && (base as i64 + t.max_open as i64) < MAX_DEPTH as i64
    });
    let Some(tail) = joined else {
        return match run(b, index_depth, p, stack, nodes, usize::MAX)? {
            Step::Done(s) => Ok((s, false)),
            Step::Paused(..) => unreachable!("no stop position was given"),
        };
    };
    for (pop, open) in tail.pops.iter().zip(stack.iter().rev()) {
        if open.1 != NO_NODE {
            nodes[open.1 as usize].end = pop.1;
        }
    }
    let limit = index_depth as i64 - base as i64;
    nodes.extend(
        tail.nodes
            .iter()
            .filter(|n| (n.depth as i64) < limit)
            .map(|n| Node {
                start: n.start,
                end: n.end,
                descendants: 0,
            }),
    );
    count_descendants(&mut nodes);
    Ok((Structure { nodes }, true))
}

/// Sets each node's count of the nodes inside it (nodes in document order, ends known).
fn count_descendants(nodes: &mut [Node]) {
    let mut open: Vec<usize> = Vec::with_capacity(64);
    for j in 0..nodes.len() {
        while let Some(&t) = open.last() {
            if nodes[t].end > nodes[j].start {
                break;
            }
            nodes[t].descendants = (j - t - 1) as u32;
            open.pop();
        }
        open.push(j);
    }
    let n = nodes.len();
    for t in open {
        nodes[t].descendants = (n - t - 1) as u32;
    }
}

/// The second half of a split validation: reads `b` from the value at `p` to the end as if
/// `p` were a value start inside containers not known yet, whose kind it infers from what
/// follows (`"key":` in an object). Records containers opened at a relative depth below
/// `index_below`. `None` when the text cannot be read so: an error, or a wrong guess.
fn run_tail(b: &[u8], p: usize, index_below: i32) -> Option<Tail> {
    let mut rec = TailRecord {
        index_below,
        outer: None,
        tail: Tail {
            nodes: Vec::new(),
            pops: Vec::new(),
            max_open: i32::MIN,
            goes_on: false,
        },
    };
    walk(b, p, Vec::with_capacity(64), &mut rec, usize::MAX).ok()?;
    Some(rec.tail)
}

/// The edges of the second half of a split validation: containers are recorded with their
/// depth relative to the split point, and after a value outside them the text goes on in, or
/// closes, containers of the first half.
struct TailRecord {
    index_below: i32,
    /// The kind of the innermost first-half container, once something shows it.
    outer: Option<bool>,
    tail: Tail,
}

impl Edges for TailRecord {
    fn open(&mut self, at: usize, open: usize) -> u32 {
        let t = &mut self.tail;
        let depth = open as i32 - t.pops.len() as i32;
        t.max_open = t.max_open.max(depth);
        if depth >= self.index_below {
            return NO_NODE;
        }
        t.nodes.push(TailNode {
            start: at as u32,
            end: 0,
            depth,
        });
        t.nodes.len() as u32 - 1
    }
    fn close(&mut self, node: u32, end: usize) {
        self.tail.nodes[node as usize].end = end as u32;
    }
    fn outside(&mut self, b: &[u8], i: usize) -> Result<Outside, JsonError> {
        // A wrong guess reads as invalid text: the caller falls back either way.
        let guess = || err(i, "the split point was not a value start");
        if i >= b.len() {
            return Ok(Outside::Done);
        }
        match b[i] {
            b',' => {
                self.tail.goes_on = true;
                let i = skip_ws(b, i + 1);
                // `"key":` in an object; anything else is an array element.
                let key_end = (b.get(i) == Some(&b'"'))
                    .then(|| skip_string(b, i).ok())
                    .flatten()
                    .map(|j| skip_ws(b, j))
                    .filter(|&j| b.get(j) == Some(&b':'));
                let in_obj = key_end.is_some();
                if *self.outer.get_or_insert(in_obj) != in_obj {
                    return guess();
                }
                Ok(Outside::Value(key_end.map_or(i, |j| j + 1)))
            }
            c @ (b'}' | b']') => {
                let closes_obj = c == b'}';
                if *self.outer.get_or_insert(closes_obj) != closes_obj {
                    return guess();
                }
                self.outer = None;
                self.tail.goes_on = false;
                self.tail.pops.push((closes_obj, i as u32 + 1));
                Ok(Outside::Closed(i + 1))
            }
            _ => guess(),
        }
    }
}

fn show_byte(c: u8) -> String {
    if c.is_ascii_graphic() {
        format!("'{}'", c as char)
    } else {
        format!("byte 0x{c:02x}")
    }
}

/// Parses `"key" :` and returns the index after the colon.
fn expect_key(b: &[u8], i: usize) -> Result<usize, JsonError> {
    if i >= b.len() {
        return err(i, "unexpected end of input: the JSON is truncated");
    }
    if b[i] != b'"' {
        return err(
            i,
            format!("expected a string key, found {}", show_byte(b[i])),
        );
    }
    let j = skip_ws(b, skip_string(b, i)?);
    if j >= b.len() {
        return err(j, "unexpected end of input: the JSON is truncated");
    }
    if b[j] != b':' {
        return err(
            j,
            format!(
                "expected ':' after an object key, found {}",
                show_byte(b[j])
            ),
        );
    }
    Ok(j + 1)
}

fn expect_lit(b: &[u8], i: usize, lit: &[u8]) -> Result<usize, JsonError> {
    if b.len() >= i + lit.len() && &b[i..i + lit.len()] == lit {
        Ok(i + lit.len())
    } else {
        err(i, "invalid literal (expected true, false or null)")
    }
}

fn skip_number(b: &[u8], mut i: usize) -> Result<usize, JsonError> {
    let start = i;
    if b[i] == b'-' {
        i += 1;
    }
    let digits = |b: &[u8], mut i: usize| {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i, i - s)
    };
    if i < b.len() && b[i] == b'0' {
        i += 1;
    } else {
        let (j, n) = digits(b, i);
        if n == 0 {
            return err(start, "invalid number");
        }
        i = j;
    }
    if i < b.len() && b[i] == b'.' {
        let (j, n) = digits(b, i + 1);
        if n == 0 {
            return err(start, "invalid number: no digits after '.'");
        }
        i = j;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let (j, n) = digits(b, i);
        if n == 0 {
            return err(start, "invalid number: no digits in the exponent");
        }
        i = j;
    }
    Ok(i)
}

/// Skips a string starting at the opening quote, validating escapes; returns the index after
/// the closing quote.
fn skip_string(b: &[u8], i: usize) -> Result<usize, JsonError> {
    let mut j = i + 1;
    loop {
        j = string_special(b, j);
        if j >= b.len() {
            return err(
                b.len(),
                "unexpected end of input inside a string: the JSON is truncated",
            );
        }
        match b[j] {
            b'"' => return Ok(j + 1),
            b'\\' => {
                if j + 1 >= b.len() {
                    return err(
                        j,
                        "unexpected end of input inside a string: the JSON is truncated",
                    );
                }
                match b[j + 1] {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                    b'u' => {
                        if j + 6 > b.len() || !b[j + 2..j + 6].iter().all(u8::is_ascii_hexdigit) {
                            return err(j, "invalid \\u escape in a string");
                        }
                        j += 6;
                    }
                    _ => return err(j, "invalid escape in a string"),
                }
            }
            _ => return err(j, "control character inside a string (it must be escaped)"),
        }
    }
}

/// Byte classes for skipping: 1 quote, 2 opening bracket, 3 closing bracket, 0 anything else.
static STRUCTURAL: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = 1;
    t[b'{' as usize] = 2;
    t[b'[' as usize] = 2;
    t[b'}' as usize] = 3;
    t[b']' as usize] = 3;
    t
};

/// Skips one value of already-validated JSON; returns the index after it.
fn skip_valid(b: &[u8], i: usize) -> usize {
    let i = skip_ws(b, i);
    if i >= b.len() {
        return i;
    }
    match b[i] {
        b'"' => skip_valid_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match STRUCTURAL[b[j] as usize] {
                    0 => {}
                    1 => {
                        j = skip_valid_string(b, j);
                        continue;
                    }
                    2 => depth += 1,
                    _ => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                }
                j += 1;
            }
            j
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                j += 1;
            }
            j
        }
    }
}

fn skip_valid_string(b: &[u8], i: usize) -> usize {
    scan_valid_string(b, i).0
}

/// [`skip_valid_string`], and whether the string holds an escape (else it reads as its text).
#[inline]
fn scan_valid_string(b: &[u8], i: usize) -> (usize, bool) {
    let mut j = i + 1;
    let mut escaped = false;
    while j < b.len() {
        match memchr::memchr2(b'"', b'\\', &b[j..]) {
            None => return (b.len(), escaped),
            Some(p) => j += p,
        }
        if b[j] == b'\\' {
            escaped = true;
            j += 2;
        } else {
            return (j + 1, escaped);
        }
    }
    (b.len(), escaped)
}

/// Decodes the JSON string whose opening quote is at `i` (already validated).
#[inline]
fn decode_string(src: &str, i: usize, end: usize) -> Cow<'_, str> {
    decode_scanned(src, i, end, src.as_bytes()[i + 1..end - 1].contains(&b'\\'))
}

/// [`decode_string`] when the scan that found the end already knows whether it holds an escape.
/// Always inlined: every key of every object comes here, and most are their text.
#[inline(always)]
fn decode_scanned(src: &str, i: usize, end: usize, escaped: bool) -> Cow<'_, str> {
    let inner = &src[i + 1..end - 1];
    if escaped {
        Cow::Owned(unescape(inner))
    } else {
        Cow::Borrowed(inner)
    }
}

/// The text of a string's inside with its escapes decoded.
#[inline(never)]
fn unescape(inner: &str) -> String {
    // The text between escapes is copied a run at a time (plans escape the quotes of every
    // instance key in every address, so this is not a rare path).
    let mut out = String::with_capacity(inner.len());
    let bytes = inner.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let s = inner.get(at..at + 4)?;
        u32::from_str_radix(s, 16).ok()
    };
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'\\', &bytes[from..]) {
        let k = from + off;
        out.push_str(&inner[from..k]);
        let Some(&e) = bytes.get(k + 1) else {
            return out;
        };
        from = k + 2;
        match e {
            b'n' => out.push('\n'),
            b't' => out.push('\t'),
            b'r' => out.push('\r'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'u' => {
                let Some(hi) = hex(k + 2) else {
                    return out;
                };
                from = k + 6;
                let mut code = hi;
                if (0xD800..0xDC00).contains(&hi)
                    && bytes.get(k + 6) == Some(&b'\\')
                    && bytes.get(k + 7) == Some(&b'u')
                    && let Some(lo) = hex(k + 8).filter(|lo| (0xDC00..0xE000).contains(lo))
                {
                    code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    from = k + 12;
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            // `\"`, `\\`, `\/` (validated text has no other escape); anything else is kept as
            // the character it is.
            _ => match inner[k + 1..].chars().next() {
                Some(c) => {
                    out.push(c);
                    from = k + 1 + c.len_utf8();
                }
                None => return out,
            },
        }
    }
    out.push_str(&inner[from..]);
    out
}

/// A lazily navigated JSON value inside validated source text.
#[derive(Clone, Copy, Debug)]
pub struct Raw<'a, 'i> {
    pub src: &'a str,
    pub start: usize,
    pub end: usize,
    /// The indexed containers inside this one (see [`Structure`]); empty when none are.
    pub ix: &'i [Node],
    /// Where `src` sits in the input file: byte `k` of `src` is byte `k + shift` (modulo 2^32)
    /// of the file.
    /// Zero for the file's own text; a plan's attributes are read from a copy of their text
    /// (see [`Raw::copied`]), whose spans and index still speak of the file.
    shift: u32,
}

impl<'a, 'i> Raw<'a, 'i> {
    /// The root value of validated text.
    pub fn root(src: &'a str) -> Raw<'a, 'i> {
        let b = src.as_bytes();
        let start = skip_ws(b, 0);
        // Validated text holds exactly one value: it ends where the trailing white space starts.
        let end = src
            .trim_end_matches([' ', '\n', '\r', '\t'])
            .len()
            .max(start);
        Raw::at(src, start, end)
    }

    /// The root value of text that [`validate_indexed`] validated into `structure`: its
    /// indexed containers are stepped over without being read again.
    pub fn root_indexed(src: &'a str, structure: &'i Structure) -> Raw<'a, 'i> {
        let mut root = Raw::root(src);
        if let Some((first, rest)) = structure.nodes.split_first()
            && first.start as usize == root.start
        {
            root.end = first.end as usize;
            root.ix = &rest[..first.descendants as usize];
        }
        root
    }

    /// The value at `start..end` of validated text.
    pub fn at(src: &'a str, start: usize, end: usize) -> Raw<'a, 'i> {
        Raw {
            src,
            start,
            end,
            ix: &[],
            shift: 0,
        }
    }

    /// This value read from `copy` at `at`, which holds a copy of its text: spans and the index
    /// keep the offsets of the file this value is in, while its strings borrow from the copy.
    pub fn copied(self, copy: &'a str, at: usize) -> Raw<'a, 'i> {
        debug_assert_eq!(&copy[at..at + (self.end - self.start)], self.text());
        Raw {
            src: copy,
            start: at,
            end: at + (self.end - self.start),
            ix: self.ix,
            // Modulo 2^32, like every use of it: a copy need not be in the file's order (a
            // state's child module written before its own resources), so the shift may be
            // "negative".
            shift: (self.start as u32)
                .wrapping_add(self.shift)
                .wrapping_sub(at as u32),
        }
    }

    /// A whole text that is one value of validated text, found at byte `at` of its file.
    pub fn text_at(text: &'a str, at: u32) -> Raw<'a, 'i> {
        Raw {
            src: text,
            start: 0,
            end: text.len(),
            ix: &[],
            shift: at,
        }
    }

    fn first(&self) -> u8 {
        self.src.as_bytes().get(self.start).copied().unwrap_or(0)
    }

    /// Where the value is in its file.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end).shifted(self.shift)
    }
    pub fn text(&self) -> &'a str {
        &self.src[self.start..self.end]
    }
    pub fn is_object(&self) -> bool {
        self.first() == b'{'
    }
    pub fn is_array(&self) -> bool {
        self.first() == b'['
    }
    /// An object or array with at least one member (only its first bytes are looked at).
    pub fn is_nonempty_container(&self) -> bool {
        let b = self.src.as_bytes();
        match self.first() {
            b'{' => b.get(skip_ws(b, self.start + 1)) != Some(&b'}'),
            b'[' => b.get(skip_ws(b, self.start + 1)) != Some(&b']'),
            _ => false,
        }
    }
    pub fn is_null(&self) -> bool {
        self.first() == b'n'
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.first() {
            b't' => Some(true),
            b'f' => Some(false),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        (self.first() == b'"').then(|| decode_string(self.src, self.start, self.end))
    }

    /// Entries of an object in document order: (key, key span, value). Empty for non-objects.
    pub fn entries(&self) -> Entries<'a, 'i> {
        Entries {
            src: self.src,
            pos: if self.is_object() {
                self.start + 1
            } else {
                self.end
            },
            end: self.end,
            ix: self.ix,
            shift: self.shift,
        }
    }

    /// Elements of an array. Empty for non-arrays.
    pub fn items(&self) -> Items<'a, 'i> {
        Items {
            src: self.src,
            pos: if self.is_array() {
                self.start + 1
            } else {
                self.end
            },
            end: self.end,
            ix: self.ix,
            shift: self.shift,
        }
    }

    /// All entries of an object, collected once: cheaper than several [`Raw::get`] calls, each of
    /// which walks the whole object.
    pub fn fields(&self) -> Fields<'a, 'i> {
        Fields(self.entries().map(|(k, _, v)| (k, v)).collect())
    }

    /// The values of `keys`, found in one walk over an object (the last of a duplicated key,
    /// as with [`Raw::get`]); None for a key it does not have, and for all of them when it is
    /// not an object.
    pub fn pick<const N: usize>(&self, keys: [&str; N]) -> [Option<Raw<'a, 'i>>; N] {
        let mut found = [None; N];
        for (k, _, v) in self.entries() {
            if let Some(i) = keys.iter().position(|&key| key == k) {
                found[i] = Some(v);
            }
        }
        found
    }

    /// The value of `key` (the last one, should the key be duplicated).
    pub fn get(&self, key: &str) -> Option<Raw<'a, 'i>> {
        let [found] = self.pick([key]);
        found
    }

    /// Builds the top level of an object or array: scalars and empty containers are read,
    /// other nested containers stay lazy until a rule reads them (and then only their own top
    /// level is built, see [`Value::kind`]).
    pub fn to_shallow_value(&self, warnings: &mut Vec<JsonWarning>) -> Value<'a> {
        fn child<'a, 'i>(v: Raw<'a, 'i>, w: &mut Vec<JsonWarning>) -> Value<'a> {
            if v.is_nonempty_container() {
                Value::lazy(v)
            } else {
                v.value_at_depth(w, 1)
            }
        }
        let kind = if self.is_object() {
            self.object_kind(warnings, child)
        } else if self.is_array() {
            Kind::Arr(exact(self.items().map(|v| child(v, warnings))))
        } else {
            return self.to_value(warnings);
        };
        Value::new(kind, self.span())
    }

    /// An object's entries as a [`Kind::Obj`], each value built by `child`; a duplicated key
    /// warns and keeps the last value.
    fn object_kind(
        &self,
        warnings: &mut Vec<JsonWarning>,
        mut child: impl FnMut(Raw<'a, 'i>, &mut Vec<JsonWarning>) -> Value<'a>,
    ) -> Kind<'a> {
        // Built on the stack and moved into one allocation of the exact size: no growth and
        // no shrinking reallocation for the small objects that plans are made of.
        let mut entries: SmallVec<[(Str<'a>, Value<'a>); 8]> = SmallVec::new();
        // Duplicates are found by a linear search while the object is small (most are), then by
        // a hash map from key to position: an object of n keys costs O(n), not O(n²).
        let mut index: Option<std::collections::HashMap<Str<'a>, usize>> = None;
        for (k, kspan, v) in self.entries() {
            let k = object_key(k);
            let val = child(v, warnings);
            if index.is_none() && entries.len() >= SMALL_OBJECT {
                index = Some(
                    entries
                        .iter()
                        .enumerate()
                        .map(|(i, (ek, _))| (ek.clone(), i))
                        .collect(),
                );
            }
            let found = match &index {
                Some(ix) => ix.get(&k).copied(),
                None => entries.iter().position(|(ek, _)| *ek == k),
            };
            if let Some(at) = found {
                warnings.push(JsonWarning {
                    offset: kspan.start as usize,
                    message: format!("duplicate key \"{k}\"; the last value is used"),
                });
                entries[at].1 = val;
            } else {
                if let Some(ix) = &mut index {
                    ix.insert(k.clone(), entries.len());
                }
                entries.push((k, val));
            }
        }
        Kind::Obj(boxed(entries))
    }

    /// Builds a [`Value`] tree of this value, collecting warnings for duplicate keys.
    pub fn to_value(&self, warnings: &mut Vec<JsonWarning>) -> Value<'a> {
        self.value_at_depth(warnings, 0)
    }

    fn value_at_depth(self, warnings: &mut Vec<JsonWarning>, depth: usize) -> Value<'a> {
        let span = self.span();
        let kind = match self.first() {
            b'{' if depth < MAX_DEPTH => {
                self.object_kind(warnings, |v, w| v.value_at_depth(w, depth + 1))
            }
            b'[' if depth < MAX_DEPTH => Kind::Arr(exact(
                self.items().map(|v| v.value_at_depth(warnings, depth + 1)),
            )),
            b'"' => Kind::Str(decode_string(self.src, self.start, self.end).into()),
            b't' => Kind::Bool(true),
            b'f' => Kind::Bool(false),
            b'n' => Kind::Null,
            b'-' | b'0'..=b'9' => Kind::Num(Str::borrowed(self.text())),
            _ => Kind::Null,
        };
        Value::new(kind, span)
    }
}

/// An object's key as a tree stores it. Keys are a few hundred attribute names repeated over
/// every resource: interned, the key compares of every `Value::get` read a few hot lines, not
/// the input's text all over a large mapped file (an escaped key stays its own copy).
pub fn object_key(k: Cow<'_, str>) -> Str<'_> {
    match k {
        Cow::Borrowed(k) => Str::borrowed(crate::intern::intern(k)),
        Cow::Owned(k) => Str::owned(k),
    }
}

/// The items as one allocation of the exact size (collected on the stack first: the iterator
/// does not know its length, and most lists are a block or two).
fn exact<T>(items: impl Iterator<Item = T>) -> Box<[T]> {
    boxed(items.collect::<SmallVec<[T; 8]>>())
}

/// Moves the items into one allocation of their number (`collect` would allocate at least
/// four, then shrink).
fn boxed<T, const N: usize>(items: SmallVec<[T; N]>) -> Box<[T]> {
    let mut v = Vec::with_capacity(items.len());
    v.extend(items);
    v.into_boxed_slice()
}

/// Objects with at most this many keys check for duplicates by a linear search.
const SMALL_OBJECT: usize = 16;

/// An object's entries, for repeated lookups.
pub struct Fields<'a, 'i>(Vec<(Cow<'a, str>, Raw<'a, 'i>)>);

impl<'a, 'i> Fields<'a, 'i> {
    /// Fields from known key / value ranges of validated text.
    pub fn from_ranges(src: &'a str, ranges: &[(String, usize, usize)]) -> Fields<'a, 'i> {
        Fields(
            ranges
                .iter()
                .map(|(k, s, e)| (Cow::Owned(k.clone()), Raw::at(src, *s, *e)))
                .collect(),
        )
    }

    /// The value of `key` (the last one, should the key be duplicated).
    pub fn get(&self, key: &str) -> Option<Raw<'a, 'i>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

pub struct Entries<'a, 'i> {
    src: &'a str,
    pos: usize,
    end: usize,
    /// The indexed containers not yet passed.
    ix: &'i [Node],
    /// As [`Raw`]'s.
    shift: u32,
}

/// The value of validated text at `start`: its end and the indexed containers inside it. An
/// indexed container (the next one in `ix`, whose offsets are `shift` past those of `b`) ends
/// where the index says; anything else is read to its end. `ix` moves past the value.
#[inline]
fn next_value<'a>(
    b: &[u8],
    start: usize,
    limit: usize,
    ix: &mut &'a [Node],
    shift: u32,
) -> (usize, &'a [Node]) {
    if let Some((n, rest)) = ix.split_first()
        && n.start == (start as u32).wrapping_add(shift)
    {
        let (inner, after) = rest.split_at(n.descendants as usize);
        *ix = after;
        return ((n.end.wrapping_sub(shift) as usize).min(limit), inner);
    }
    (skip_valid(b, start).min(limit), &[])
}

impl<'a, 'i> Iterator for Entries<'a, 'i> {
    type Item = (Cow<'a, str>, Span, Raw<'a, 'i>);
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.src.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if i < self.end && b[i] == b',' {
            i = skip_ws(b, i + 1);
        }
        if i >= self.end || b[i] != b'"' {
            self.pos = self.end;
            return None;
        }
        let (kend, escaped) = scan_valid_string(b, i);
        let key = decode_scanned(self.src, i, kend, escaped);
        let mut j = skip_ws(b, kend);
        if j < b.len() && b[j] == b':' {
            j += 1;
        }
        let vstart = skip_ws(b, j);
        let (vend, ix) = next_value(b, vstart, self.end, &mut self.ix, self.shift);
        self.pos = vend;
        Some((
            key,
            Span::new(i, kend).shifted(self.shift),
            Raw {
                src: self.src,
                start: vstart,
                end: vend,
                ix,
                shift: self.shift,
            },
        ))
    }
}

pub struct Items<'a, 'i> {
    src: &'a str,
    pos: usize,
    end: usize,
    /// The indexed containers not yet passed.
    ix: &'i [Node],
    /// As [`Raw`]'s.
    shift: u32,
}

impl<'a, 'i> Iterator for Items<'a, 'i> {
    type Item = Raw<'a, 'i>;
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.src.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if i < self.end && b[i] == b',' {
            i = skip_ws(b, i + 1);
        }
        if i >= self.end || b[i] == b']' {
            self.pos = self.end;
            return None;
        }
        let (vend, ix) = next_value(b, i, self.end, &mut self.ix, self.shift);
        if vend <= i {
            self.pos = self.end;
            return None;
        }
        self.pos = vend;
        Some(Raw {
            src: self.src,
            start: i,
            end: vend,
            ix,
            shift: self.shift,
        })
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values read from copies of their text, copied in the reverse of the file's order (so
    /// the shift is "negative" for one of them), are the values read from the file: the same
    /// trees, spans, duplicate-key warnings and lazily read blocks, and the validator's index
    /// of the file is used through the copy.
    #[test]
    fn values_read_from_copies_are_those_of_the_file() {
        let src = r#"{"pad": "................................................................",
            "a": {"x": [1, {"y": "z\"q"}], "m": {"k": "v", "k": "w"}, "n": -2.5e3},
            "b": {"tags": {"Name": "é"}, "list": [[true], null],
                  "long": "longer than everything before `a`, so that `a` is copied after the place it has in the file"}}"#;
        let structure = validate_indexed(src, 4).unwrap();
        assert!(!structure.is_empty());
        let root = Raw::root_indexed(src, &structure);
        let (a, b) = (root.get("a").unwrap(), root.get("b").unwrap());
        assert!(!a.ix.is_empty(), "the index reaches inside `a`");
        let copy = format!("{}{}", b.text(), a.text());
        assert!(
            b.text().len() > a.start,
            "`a` is copied further on than it is in the file"
        );
        let copies = [(a, b.text().len()), (b, 0)];
        for (orig, at) in copies {
            let copied = orig.copied(&copy, at);
            assert_eq!(copied.span(), orig.span());
            assert_eq!(copied.ix.len(), orig.ix.len());
            let (mut w1, mut w2) = (Vec::new(), Vec::new());
            assert_eq!(copied.to_value(&mut w1), orig.to_value(&mut w2));
            assert_eq!(
                w1.iter()
                    .map(|w| (w.offset, &w.message))
                    .collect::<Vec<_>>(),
                w2.iter()
                    .map(|w| (w.offset, &w.message))
                    .collect::<Vec<_>>()
            );
            let (shallow, file) = (
                copied.to_shallow_value(&mut Vec::new()),
                orig.to_shallow_value(&mut Vec::new()),
            );
            for (key, _, _) in orig.entries() {
                let (x, y) = (shallow.get(&key), file.get(&key));
                assert_eq!(x.span(), y.span(), "{key}");
                assert_eq!(x.items().count(), y.items().count(), "{key}");
                for (i, j) in x.items().zip(y.items()) {
                    assert_eq!(i.span(), j.span(), "{key}");
                    assert_eq!(i.str(), j.str(), "{key}");
                }
            }
        }
        // The duplicate key's warning points at the file's second `"k"`.
        let mut w = Vec::new();
        a.copied(&copy, b.text().len()).to_value(&mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(&src[w[0].offset..w[0].offset + 3], "\"k\"");
        assert!(w[0].offset > src.find("\"k\"").unwrap());
    }

    proptest::proptest! {
        /// Any string, written as JSON (serde_json escapes quotes, backslashes and control
        /// characters; `\u` escapes, surrogate pairs among them, are added here), decodes to
        /// itself.
        #[test]
        fn strings_decode_to_what_was_written(s in "(\\PC|[\"\\\\/\n\t\u{1}-\u{1f}]|😀|é){0,40}", as_u in proptest::bool::ANY) {
            let mut json = serde_json::to_string(&s).unwrap();
            if as_u {
                // Every non-ASCII character as `\uXXXX` (UTF-16, so astral ones as pairs).
                let mut e = String::from("\"");
                for c in s.chars() {
                    match c {
                        '"' => e.push_str("\\\""),
                        '\\' => e.push_str("\\\\"),
                        c if c.is_ascii() && !c.is_ascii_control() => e.push(c),
                        c => {
                            let mut units = [0u16; 2];
                            for u in c.encode_utf16(&mut units) {
                                e.push_str(&format!("\\u{u:04x}"));
                            }
                        }
                    }
                }
                e.push('"');
                json = e;
            }
            proptest::prop_assert_eq!(validate(&json), Ok(()));
            proptest::prop_assert_eq!(decode_string(&json, 0, json.len()), s.as_str());
        }
    }

    #[test]
    fn validates_good_json() {
        for s in [
            "{}",
            "[]",
            " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"]} ",
            "0",
            "\"s\"",
        ] {
            assert_eq!(validate(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn object_keys_are_one_copy_across_texts_and_escapes_decode() {
        let a = String::from(r#"{"bucket_key_test":1,"x\u0079":2}"#);
        let b = String::from(r#"{"bucket_key_test":{"k":3}}"#);
        let keys = |src: &str| -> Vec<(*const u8, bool, String)> {
            let v = Raw::at(src, 0, src.len()).to_shallow_value(&mut Vec::new());
            let Kind::Obj(entries) = v.kind else {
                panic!("not an object")
            };
            entries
                .iter()
                .map(|(k, _)| (k.as_ptr(), k.is_borrowed(), k.to_string()))
                .collect()
        };
        let (ka, kb) = (keys(&a), keys(&b));
        assert_eq!(ka[0].2, "bucket_key_test");
        // Not the input's text: the shared copy, the same for both inputs.
        assert!(!a.as_bytes().as_ptr_range().contains(&ka[0].0));
        assert_eq!(ka[0].0, kb[0].0);
        // An escaped key is decoded into its own copy.
        assert_eq!((ka[1].1, ka[1].2.as_str()), (false, "xy"));
    }

    #[test]
    fn rejects_bad_json_with_offsets() {
        let cases = [
            ("", 0),
            ("{", 1),
            ("{\"a\":1,}", 7),
            ("[1 2]", 3),
            ("{\"a\" 1}", 5),
            ("01", 1),
            ("\"abc", 4),
            ("[1]x", 3),
            ("{\"a\":tru}", 5),
        ];
        for (s, off) in cases {
            let e = validate(s).unwrap_err();
            assert_eq!(e.offset, off, "{s}: {e:?}");
        }
    }

    #[test]
    fn rejects_deep_nesting_without_recursion() {
        let deep = "[".repeat(100_000);
        let e = validate(&deep).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e:?}");
    }

    #[test]
    fn navigates_lazily_with_spans() {
        let src = r#"{"a": {"b": [1, {"c": "d\"e"}]}, "z": null}"#;
        validate(src).unwrap();
        let root = Raw::root(src);
        let c = root
            .get("a")
            .unwrap()
            .get("b")
            .unwrap()
            .items()
            .nth(1)
            .unwrap()
            .get("c")
            .unwrap();
        assert_eq!(c.as_str().unwrap(), "d\"e");
        assert_eq!(&src[c.start..c.end], r#""d\"e""#);
        assert!(root.get("z").unwrap().is_null());
        assert!(root.get("missing").is_none());
    }

    #[test]
    fn duplicate_keys_warn_and_last_wins() {
        let src = r#"{"a": 1, "a": 2}"#;
        let mut w = Vec::new();
        let v = Raw::root(src).to_value(&mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(v.get("a").num(), Some(2.0));
    }

    #[test]
    fn duplicate_keys_in_large_objects_warn_once_each() {
        // Past the linear search: the hash map must find the same duplicates, keep the first
        // position and the last value.
        let mut src = String::from("{");
        for i in 0..100 {
            src.push_str(&format!("\"k{i}\": {i}, "));
        }
        src.push_str("\"k3\": \"late\", \"k70\": true, \"k\\u0033\": 7}");
        validate(&src).unwrap();
        let mut w = Vec::new();
        let v = Raw::root(&src).to_value(&mut w);
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].message.contains("\"k3\""), "{w:?}");
        assert_eq!(v.entries().len(), 100);
        assert_eq!(v.entries()[3].0, "k3");
        assert_eq!(v.get("k3").num(), Some(7.0));
        assert_eq!(v.get("k70").bool(), Some(true));
        assert_eq!(v.get("k99").num(), Some(99.0));
    }

    #[test]
    fn decodes_surrogate_pairs() {
        let src = r#""\ud83d\ude00 ok""#;
        assert_eq!(Raw::root(src).as_str().unwrap(), "😀 ok");
    }

    /// Every split position gives the sequential pass's result: the same structure at every
    /// index depth, or the same first error.
    fn split_agrees(src: &str, depths: &[usize]) -> usize {
        let b = src.as_bytes();
        let mut joined = 0;
        for &depth in depths {
            let want = validate_bytes(b, depth);
            for p in 0..=b.len() {
                let (got, j) = validate_split_joined(b, depth, p);
                assert_eq!(got, want, "{src:?} depth {depth} split at {p}");
                joined += j as usize;
            }
        }
        joined
    }

    #[test]
    fn split_validation_agrees_with_the_sequential_pass() {
        let good = [
            r#"{"a": [1, {"b": "x\"{\"y\\"}, [], {}], "c": {"d": [true, null, {"e": -1.5e3}]}}"#,
            r#"[{"address": "a", "v": [{"x": "}"}]}, {"address": "b\"", "w": {"k": [[]]}}]"#,
            "  {\n  \"k\": [\n    {\n      \"address\": \"x\"\n    },\n    {\"q\": {}}\n  ]\n}\n ",
            r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":[{"h":{}}]}}}}}},"z":[{"y":{"x":{}}}]}"#,
            r#"[[[[["s",{"t":[{}]}]]]],{"u":"\u00e9"}]"#,
        ];
        const DEPTHS: &[usize] = &[0, 1, 2, 3, PLAN_INDEX_DEPTH, 100];
        for src in good {
            assert!(split_agrees(src, DEPTHS) > 0, "never joined: {src}");
        }
        // Every one-byte change to two of them, valid or not.
        for src in &good[..2] {
            for at in 0..src.len() {
                for c in [",", "}", "]", "{", "[", "\"", ":", "\\", " ", "x", "1"] {
                    let mut s = src.to_string();
                    if s.is_char_boundary(at) && s.is_char_boundary(at + 1) {
                        s.replace_range(at..at + 1, c);
                        split_agrees(&s, &[3]);
                    }
                }
            }
        }
        let bad = [
            r#"{"a": [1, {"b": 2}], "c": {"d": [true, nul]}}"#,
            r#"{"a": [1, {"b": 2}], "c": {"d": [true, null}}"#,
            r#"{"a": [1, {"b": 2}], "c": {"d": [true, null]}"#,
            r#"{"a": [1, {"b": 2}], "c": {"d": [true, null]}}}"#,
            r#"{"a": [1, {"b": 2}], "c": {"d": [true, null]}} x"#,
            r#"{"a": [1, {"b" 2}], "c": {"d": [true, {"e" 1}]}}"#,
            r#"[{"a": 1}, {"b": 2}, "c": {"d": 3}]"#,
            r#"{"a": {"b": 1}, {"c": 2}}"#,
            r#"{"a": "x{"b": "y"}"#,
            r#"{"a": "x", {"b": "y"}}"#,
            "{\"a\": [{\"b\": \"\x01\"}, {\"c\": 1}]}",
            r#"{"a": [{"b": 1}, {"c": 01}]}"#,
            r#"[{"a": 1}, {"b": 2}], [{"c": 3}]"#,
            r#"{"k": {"x": 1}, "k2": {"y": 2}, "k3" {"z": 3}}"#,
        ];
        for src in bad {
            assert!(validate_bytes(src.as_bytes(), 3).is_err(), "{src}");
            split_agrees(src, DEPTHS);
        }
        let deep = format!(
            "{}{{\"a\": 1}}{}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        split_agrees(&deep, DEPTHS);
        let too_deep = format!(
            "[{{\"a\": 1}}, {}{}]",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        split_agrees(&too_deep, DEPTHS);
    }

    #[test]
    fn large_texts_are_split_where_resources_start() {
        let item = r#"{"address": "aws_s3_bucket.b", "change": {"after": {"tags": {"k": "v"}}}}"#;
        let mut src = String::from("{\"resource_changes\": [");
        while src.len() < 2 * PARALLEL_MIN {
            src.push_str(item);
            src.push(',');
        }
        src.push_str(item);
        src.push_str("]}");
        let b = src.as_bytes();
        let p = split_point(b).expect("a split point");
        assert!(src[p..].starts_with(item), "{}", &src[p..p + 20]);
        let (got, joined) = validate_split_joined(b, PLAN_INDEX_DEPTH, p);
        assert!(joined);
        assert!(got == validate_bytes(b, PLAN_INDEX_DEPTH));
        let colon_after = |s: &str, at: usize| at + s[at..].find(':').unwrap();
        // An error in the second half is reported as the sequential pass does; so is the first
        // of two errors, one in each half.
        let mut bad = src.clone();
        let at = colon_after(&bad, p + 100);
        bad.replace_range(at..at + 1, "x");
        let want = validate_bytes(bad.as_bytes(), PLAN_INDEX_DEPTH).unwrap_err();
        assert!(want.offset > p, "{want:?}");
        assert_eq!(validate_indexed(&bad, PLAN_INDEX_DEPTH), Err(want));
        let mut bad2 = bad.clone();
        let at = colon_after(&bad2, 1000);
        bad2.replace_range(at..at + 1, "x");
        let want = validate_bytes(bad2.as_bytes(), PLAN_INDEX_DEPTH).unwrap_err();
        assert!(want.offset < p, "{want:?}");
        assert_eq!(validate_indexed(&bad2, PLAN_INDEX_DEPTH), Err(want));
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
    }
}

/// Line and column lookups for one text, built once (one pass) and then O(4 KiB) per query —
/// minified plans are a single line of hundreds of megabytes, so counting from the start for
/// every finding would be quadratic. The index keeps three numbers per 4 KiB block, not one per
/// line: a pretty-printed plan has millions of lines.
#[derive(Debug)]
pub struct LineIndex {
    /// Per block: newlines before the block's first byte, the start of the line holding that
    /// byte, and the first newline at or after it (the text's length when there is none).
    blocks: Vec<BlockLines>,
    /// Characters before each 4 KiB block (empty for ASCII text).
    block_chars: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
struct BlockLines {
    lines_before: usize,
    line_start: usize,
    next_newline: usize,
}

const BLOCK: usize = 4096;

fn count_chars(b: &[u8]) -> usize {
    count_where(b, |c| (c as i8) >= -0x40)
}

/// How many bytes of `b` match, counted in byte-wide lanes over runs of 255 (which the
/// compiler turns into vector compares; `filter().count()` adds a word a byte).
#[inline]
fn count_where(b: &[u8], matches: impl Fn(u8) -> bool + Copy) -> usize {
    b.chunks(255)
        .map(|run| run.iter().fold(0u8, |n, &c| n + matches(c) as u8) as usize)
        .sum()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex::of_bytes(text.as_bytes())
    }

    /// The index of bytes that need not have been checked to be UTF-8 yet: when
    /// [`LineIndex::is_ascii`], they are (every ASCII text is UTF-8). Their characters are
    /// counted only when they are not ASCII, which is only right for UTF-8.
    pub fn of_bytes(b: &[u8]) -> LineIndex {
        use rayon::prelude::*;
        // Per block, on every core: how many newlines it holds, and where its last and first
        // newline are. A pretty-printed plan has millions of lines.
        // And whether it is ASCII, read while the block is in cache.
        let per: Vec<(usize, Option<usize>, Option<usize>, bool)> = b
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(i, chunk)| {
                let at = i * BLOCK;
                (
                    count_where(chunk, |c| c == b'\n'),
                    memchr::memrchr(b'\n', chunk).map(|p| at + p),
                    memchr::memchr(b'\n', chunk).map(|p| at + p),
                    chunk.is_ascii(),
                )
            })
            .collect();
        let mut blocks = Vec::with_capacity(per.len());
        let (mut lines, mut line_start) = (0, 0);
        for &(newlines, last, _, _) in &per {
            blocks.push(BlockLines {
                lines_before: lines,
                line_start,
                next_newline: b.len(),
            });
            lines += newlines;
            if let Some(last) = last {
                line_start = last + 1;
            }
        }
        // The first newline at or after each block's start, from the last block backwards.
        let mut next = b.len();
        for (block, &(_, _, first, _)) in blocks.iter_mut().zip(&per).rev() {
            if let Some(first) = first {
                next = first;
            }
            block.next_newline = next;
        }
        // ASCII text (most plans): characters are bytes, no table is needed.
        if per.iter().all(|p| p.3) {
            return LineIndex {
                blocks,
                block_chars: Vec::new(),
            };
        }
        let counts: Vec<usize> = b.par_chunks(BLOCK).map(count_chars).collect();
        let mut block_chars = Vec::with_capacity(counts.len() + 1);
        let mut total = 0;
        for n in counts {
            block_chars.push(total);
            total += n;
        }
        block_chars.push(total);
        LineIndex {
            blocks,
            block_chars,
        }
    }

    /// Whether every byte of the text is ASCII.
    pub fn is_ascii(&self) -> bool {
        self.block_chars.is_empty()
    }

    /// Characters before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.block_chars.is_empty() {
            return offset;
        }
        let block = offset / BLOCK;
        self.block_chars.get(block).copied().unwrap_or(0)
            + count_chars(&text.as_bytes()[block * BLOCK..offset])
    }

    /// Whether block `i` may hold a newline. A block without one (every block of a minified
    /// plan) is not read: the text of a plan's resources is given back once the model is built
    /// (see `Text::release`). The last block is read.
    fn has_newline(&self, i: usize) -> bool {
        match (self.blocks.get(i), self.blocks.get(i + 1)) {
            (Some(block), Some(next)) => next.lines_before != block.lines_before,
            _ => true,
        }
    }

    /// The 1-based line holding byte `offset` and the byte where that line starts.
    fn line_and_start(&self, text: &str, offset: usize) -> (usize, usize) {
        // The end of a text whose length is a multiple of the block size is in no block: it is
        // counted from the last one.
        let i = (offset / BLOCK).min(self.blocks.len().saturating_sub(1));
        let Some(block) = self.blocks.get(i) else {
            // Only an empty text has no block.
            return (1, 0);
        };
        self.count_on(
            text,
            i,
            i * BLOCK,
            offset,
            (block.lines_before + 1, block.line_start),
        )
    }

    /// The line at byte `to` and where it starts, counted on from `at` = (line, its start) at
    /// byte `from`, both in block `i`.
    fn count_on(
        &self,
        text: &str,
        i: usize,
        from: usize,
        to: usize,
        at: (usize, usize),
    ) -> (usize, usize) {
        let (mut line, mut start) = at;
        if !self.has_newline(i) {
            return at;
        }
        for p in memchr::memchr_iter(b'\n', &text.as_bytes()[from..to]) {
            line += 1;
            start = from + p + 1;
        }
        (line, start)
    }

    /// The 1-based column (in characters) of byte `offset` on the line starting at `start`.
    fn column(&self, text: &str, offset: usize, start: usize) -> usize {
        self.chars_before(text, offset) - self.chars_before(text, start) + 1
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let (line, start) = self.line_and_start(text, offset);
        (line, self.column(text, offset, start))
    }

    /// [`LineIndex::line_col`] of both ends of `start..end`. An end in the block of its start
    /// (most spans: one attribute) is counted on from the start, not again from the block's.
    pub fn span_line_col(
        &self,
        text: &str,
        start: usize,
        end: usize,
    ) -> ((usize, usize), (usize, usize)) {
        let start = start.min(text.len());
        let end = end.min(text.len());
        let (line, line_start) = self.line_and_start(text, start);
        let first = (line, self.column(text, start, line_start));
        if end < start || end / BLOCK != start / BLOCK {
            return (first, self.line_col(text, end));
        }
        let (end_line, end_start) =
            self.count_on(text, start / BLOCK, start, end, (line, line_start));
        (first, (end_line, self.column(text, end, end_start)))
    }

    /// Byte range of the line holding `offset` (without the newline).
    pub fn line_range(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let (_, start) = self.line_and_start(text, offset);
        let block_end = (offset / BLOCK + 1) * BLOCK;
        let end = match memchr::memchr(b'\n', &text.as_bytes()[offset..block_end.min(text.len())]) {
            Some(p) => offset + p,
            None => self
                .blocks
                .get(offset / BLOCK + 1)
                .map_or(text.len(), |b| b.next_newline),
        };
        (start, end)
    }

    /// Characters before byte `offset` in the whole text (SARIF `charOffset`).
    pub fn char_offset(&self, text: &str, offset: usize) -> usize {
        self.chars_before(text, offset.min(text.len()))
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::*;

    #[test]
    fn agrees_with_the_simple_count() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(if i % 7 == 0 { "é😀\n" } else { "abc" });
        }
        let ix = LineIndex::new(&text);
        for off in (0..text.len())
            .filter(|o| text.is_char_boundary(*o))
            .step_by(97)
        {
            assert_eq!(ix.line_col(&text, off), line_col(&text, off), "{off}");
            assert_eq!(ix.line_range(&text, off), simple_range(&text, off), "{off}");
        }
        assert_eq!(ix.char_offset(&text, text.len()), text.chars().count());
        // Spans within a block, across blocks, empty, and to the end of the text.
        let ends: Vec<usize> = (0..=text.len())
            .filter(|o| text.is_char_boundary(*o))
            .collect();
        for (k, &start) in ends.iter().enumerate().step_by(89) {
            for len in [0, 1, 2, 7, 40, 900, 5000] {
                let end = ends[(k + len).min(ends.len() - 1)];
                assert_eq!(
                    ix.span_line_col(&text, start, end),
                    (line_col(&text, start), line_col(&text, end)),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn counts_match_the_simple_count_across_runs() {
        for n in [0, 1, 254, 255, 256, 510, 511, 4096] {
            let all = vec![b'\n'; n];
            assert_eq!(count_where(&all, |c| c == b'\n'), n);
            let mixed: Vec<u8> = (0..n)
                .map(|i| if i % 3 == 0 { b'\n' } else { 0xA9 })
                .collect();
            assert_eq!(count_where(&mixed, |c| c == b'\n'), n.div_ceil(3));
            assert_eq!(count_chars(&mixed), n.div_ceil(3));
        }
    }

    fn simple_range(text: &str, offset: usize) -> (usize, usize) {
        let start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
        let end = text[offset..].find('\n').map_or(text.len(), |p| offset + p);
        (start, end)
    }

    #[test]
    fn long_lines_and_blank_lines_cross_blocks() {
        // One line over several blocks (a minified plan), then runs of empty lines, then lines
        // that end exactly on block boundaries.
        let mut text = "x".repeat(3 * BLOCK + 5);
        text.push_str(&"\n".repeat(BLOCK + 3));
        text.push_str(&"y".repeat(BLOCK - 1));
        text.push('\n');
        text.push_str(&"z".repeat(2 * BLOCK));
        let ix = LineIndex::new(&text);
        for off in (0..=text.len()).step_by(61).chain([
            0,
            BLOCK - 1,
            BLOCK,
            3 * BLOCK + 5,
            text.len() - 1,
            text.len(),
        ]) {
            assert_eq!(ix.line_col(&text, off), line_col(&text, off), "{off}");
            assert_eq!(ix.line_range(&text, off), simple_range(&text, off), "{off}");
        }
        let exact = format!("{}\n{}", "a".repeat(BLOCK - 1), "b".repeat(BLOCK));
        let ix = LineIndex::new(&exact);
        for off in [BLOCK - 1, BLOCK, 2 * BLOCK] {
            assert_eq!(ix.line_col(&exact, off), line_col(&exact, off), "{off}");
            assert_eq!(
                ix.line_range(&exact, off),
                simple_range(&exact, off),
                "{off}"
            );
        }
        let empty = LineIndex::new("");
        assert_eq!(empty.line_col("", 0), (1, 1));
        assert_eq!(empty.line_range("", 0), (0, 0));
    }
}
