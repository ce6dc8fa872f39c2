//! A format-independent, span-carrying value tree, stored compactly.
//!
//! Every node remembers the byte span it came from, and every mapping entry keeps its key
//! node, so a rule can point at `replicas: 1` exactly. YAML aliases are kept as references
//! (never expanded), and YAML merge keys (`<<`) are honoured by lookups.
//!
//! One tree holds every document of a file. A node is 16 bytes: its span as two `u32`
//! offsets, a tag (kind, and the length or count of what it holds) and one `u32` payload.
//! String scalars are not copied: they point into the file's text (kept once, shared with
//! its [`SourceFile`](super::SourceFile)); only a string that differs from every run of
//! the text under its span (escapes, folded lines) is copied into the tree's own buffer.
//! Children of all collections live in two arenas (items, key/value pairs), so a
//! collection holds no allocation of its own. Callers see a borrowed [`NodeKind`] view.

use std::sync::Arc;

use super::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// What a node holds, borrowed from its tree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NodeKind<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Seq(&'a [NodeId]),
    Map(&'a [(NodeId, NodeId)]),
    /// A reference to an earlier anchored node.
    Alias(NodeId),
}

/// The low bits of [`Node::tag`]: the kind. The bits above hold a string's length or a
/// collection's count.
const TAG_BITS: u32 = 4;
const NULL: u32 = 0;
const FALSE: u32 = 1;
const TRUE: u32 = 2;
/// An integer that fits 32 bits, in the payload.
const INT: u32 = 3;
/// An integer that does not: the payload indexes `wide`.
const WIDE_INT: u32 = 4;
/// The payload indexes `wide` (the float's bits).
const FLOAT: u32 = 5;
/// A string at byte `payload` of the text.
const TEXT: u32 = 6;
/// A string at byte `payload` of the tree's own buffer.
const OWNED: u32 = 7;
/// Items from `payload` in `items`.
const SEQ: u32 = 8;
/// Entries from `payload` in `pairs`.
const MAP: u32 = 9;
/// The payload is the target node.
const ALIAS: u32 = 10;

/// Largest length or count a node can hold (and so the largest text a tree is built over).
pub const MAX_LEN: usize = (u32::MAX >> TAG_BITS) as usize;

#[derive(Clone, Copy, Debug)]
struct Node {
    start: u32,
    end: u32,
    tag: u32,
    payload: u32,
}

impl Node {
    fn kind(&self) -> u32 {
        self.tag & ((1 << TAG_BITS) - 1)
    }

    fn len(&self) -> usize {
        (self.tag >> TAG_BITS) as usize
    }
}

/// Arena of the nodes of one file's documents, each part allocated at its exact size.
#[derive(Debug, Default)]
pub struct Tree {
    /// The text the tree was parsed from.
    text: Arc<str>,
    /// Strings that are not a run of `text`.
    owned: Box<str>,
    /// Integers past 32 bits and floats.
    wide: Box<[u64]>,
    nodes: Box<[Node]>,
    items: Box<[NodeId]>,
    pairs: Box<[(NodeId, NodeId)]>,
}

/// A tree being built. Its growing arenas are lent by the thread (and given back by
/// [`TreeBuilder::finish`]), so parsing many files reuses the same few buffers instead of
/// growing and shrinking new ones per file.
#[derive(Debug)]
pub struct TreeBuilder {
    text: Arc<str>,
    parts: Box<Parts>,
}

#[derive(Debug, Default)]
struct Parts {
    owned: String,
    wide: Vec<u64>,
    nodes: Vec<Node>,
    items: Vec<NodeId>,
    pairs: Vec<(NodeId, NodeId)>,
}

impl Parts {
    fn clear(&mut self) {
        self.owned.clear();
        self.wide.clear();
        self.nodes.clear();
        self.items.clear();
        self.pairs.clear();
    }
}

/// Largest arenas a thread keeps for the next tree (16 MiB of nodes); larger ones are freed.
const KEEP_NODES: usize = 1 << 20;

thread_local! {
    static SPARE: std::cell::Cell<Option<Box<Parts>>> = const { std::cell::Cell::new(None) };
}

/// How far a tree had grown, to roll back a document that failed half way.
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    owned: usize,
    wide: usize,
    nodes: usize,
    items: usize,
    pairs: usize,
}

/// How many alias hops or merge levels a lookup follows before giving up.
const MAX_INDIRECTION: usize = 32;

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn tag(kind: u32, len: usize) -> u32 {
    debug_assert!(len <= MAX_LEN);
    kind | (len.min(MAX_LEN) as u32) << TAG_BITS
}

impl TreeBuilder {
    /// An empty tree over `text` (which must be shorter than [`MAX_LEN`] bytes).
    pub fn new(text: Arc<str>) -> Self {
        let parts = SPARE.take().unwrap_or_default();
        TreeBuilder { text, parts }
    }

    /// The finished tree; the arenas go back to the thread for the next one.
    pub fn finish(self) -> Tree {
        let TreeBuilder { text, mut parts } = self;
        let p = &parts;
        let tree = Tree {
            text,
            owned: p.owned.as_str().into(),
            wide: p.wide.as_slice().into(),
            nodes: p.nodes.as_slice().into(),
            items: p.items.as_slice().into(),
            pairs: p.pairs.as_slice().into(),
        };
        if parts.nodes.capacity() <= KEEP_NODES {
            parts.clear();
            SPARE.set(Some(parts));
        }
        tree
    }

    fn push(&mut self, tag: u32, payload: u32, span: Span) -> NodeId {
        let nodes = &mut self.parts.nodes;
        nodes.push(Node {
            start: offset(span.start),
            end: offset(span.end),
            tag,
            payload,
        });
        NodeId((nodes.len() - 1) as u32)
    }

    pub fn push_null(&mut self, span: Span) -> NodeId {
        self.push(NULL, 0, span)
    }

    pub fn push_bool(&mut self, b: bool, span: Span) -> NodeId {
        self.push(if b { TRUE } else { FALSE }, 0, span)
    }

    pub fn push_int(&mut self, i: i64, span: Span) -> NodeId {
        match i32::try_from(i) {
            Ok(small) => self.push(INT, small as u32, span),
            Err(_) => {
                self.parts.wide.push(i as u64);
                let at = offset(self.parts.wide.len() - 1);
                self.push(WIDE_INT, at, span)
            }
        }
    }

    pub fn push_float(&mut self, f: f64, span: Span) -> NodeId {
        self.parts.wide.push(f.to_bits());
        let at = offset(self.parts.wide.len() - 1);
        self.push(FLOAT, at, span)
    }

    /// A string scalar written at `span`: a reference into the text when the text under
    /// the span holds it as it is, a copy otherwise.
    pub fn push_str(&mut self, s: &str, span: Span) -> NodeId {
        let under = self.text.get(span.start..span.end).unwrap_or("");
        let found = if s.is_empty() {
            Some(0)
        } else {
            memchr::memmem::find(under.as_bytes(), s.as_bytes())
        };
        match found {
            Some(at) => self.push(tag(TEXT, s.len()), offset(span.start + at), span),
            None => {
                let at = offset(self.parts.owned.len());
                self.parts.owned.push_str(s);
                self.push(tag(OWNED, s.len()), at, span)
            }
        }
    }

    pub fn push_alias(&mut self, target: NodeId, span: Span) -> NodeId {
        self.push(ALIAS, target.0, span)
    }

    /// A sequence whose items are given when it is closed.
    pub fn open_seq(&mut self, span: Span) -> NodeId {
        self.push(SEQ, 0, span)
    }

    /// A mapping whose entries are given when it is closed.
    pub fn open_map(&mut self, span: Span) -> NodeId {
        self.push(MAP, 0, span)
    }

    /// Gives the open collection `id` its children, and the end of its span.
    pub fn close_seq(&mut self, id: NodeId, items: impl Iterator<Item = NodeId>, end: usize) {
        let from = self.parts.items.len();
        self.parts.items.extend(items);
        let count = self.parts.items.len() - from;
        self.close(id, SEQ, from, count, end);
    }

    pub fn close_map(
        &mut self,
        id: NodeId,
        pairs: impl Iterator<Item = (NodeId, NodeId)>,
        end: usize,
    ) {
        let from = self.parts.pairs.len();
        self.parts.pairs.extend(pairs);
        let count = self.parts.pairs.len() - from;
        self.close(id, MAP, from, count, end);
    }

    fn close(&mut self, id: NodeId, kind: u32, from: usize, count: usize, end: usize) {
        let node = &mut self.parts.nodes[id.0 as usize];
        node.tag = tag(kind, count);
        node.payload = offset(from);
        node.end = offset(end).max(node.start);
    }

    pub fn mark(&self) -> Mark {
        let p = &self.parts;
        Mark {
            owned: p.owned.len(),
            wide: p.wide.len(),
            nodes: p.nodes.len(),
            items: p.items.len(),
            pairs: p.pairs.len(),
        }
    }

    /// Forgets every node pushed since `mark`.
    pub fn truncate(&mut self, mark: Mark) {
        let p = &mut self.parts;
        p.owned.truncate(mark.owned);
        p.wide.truncate(mark.wide);
        p.nodes.truncate(mark.nodes);
        p.items.truncate(mark.items);
        p.pairs.truncate(mark.pairs);
    }

    pub fn len(&self) -> usize {
        self.parts.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.nodes.is_empty()
    }

    /// The span of node `id`.
    pub fn span(&self, id: NodeId) -> Span {
        let n = &self.parts.nodes[id.0 as usize];
        Span::new(n.start as usize, n.end as usize)
    }
}

impl Tree {
    /// Moves every node's span through `f` (rendered output mapped back to its template);
    /// the strings stay where they are in the text.
    pub fn map_spans(&mut self, f: impl Fn(Span) -> Span) {
        for node in &mut self.nodes {
            let s = f(Span::new(node.start as usize, node.end as usize));
            node.start = offset(s.start);
            node.end = offset(s.end);
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The span of node `id`.
    pub fn span(&self, id: NodeId) -> Span {
        let n = &self.nodes[id.0 as usize];
        Span::new(n.start as usize, n.end as usize)
    }

    /// What node `id` holds.
    pub fn kind(&self, id: NodeId) -> NodeKind<'_> {
        let n = &self.nodes[id.0 as usize];
        let at = n.payload as usize;
        let range = |len: usize| at..at + len;
        match n.kind() {
            FALSE => NodeKind::Bool(false),
            TRUE => NodeKind::Bool(true),
            INT => NodeKind::Int(n.payload as i32 as i64),
            WIDE_INT => NodeKind::Int(self.wide.get(at).map_or(0, |&w| w as i64)),
            FLOAT => NodeKind::Float(f64::from_bits(self.wide.get(at).copied().unwrap_or(0))),
            TEXT => NodeKind::Str(self.text.get(range(n.len())).unwrap_or("")),
            OWNED => NodeKind::Str(self.owned.get(range(n.len())).unwrap_or("")),
            SEQ => NodeKind::Seq(self.items.get(range(n.len())).unwrap_or(&[])),
            MAP => NodeKind::Map(self.pairs.get(range(n.len())).unwrap_or(&[])),
            ALIAS => NodeKind::Alias(NodeId(n.payload)),
            _ => NodeKind::Null,
        }
    }

    /// A view of node `id`.
    pub fn val(&self, id: NodeId) -> Val<'_> {
        Val {
            tree: self,
            id: self.resolve(id),
            key: None,
        }
    }

    /// Follows aliases to the node they refer to.
    fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_INDIRECTION {
            match self.kind(id) {
                NodeKind::Alias(target) => id = target,
                _ => return id,
            }
        }
        id
    }
}

/// A borrowed view of one value, with the key it was reached through (for spans).
#[derive(Clone, Copy, Debug)]
pub struct Val<'a> {
    tree: &'a Tree,
    id: NodeId,
    key: Option<NodeId>,
}

impl<'a> Val<'a> {
    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn kind(&self) -> NodeKind<'a> {
        self.tree.kind(self.id)
    }

    /// Span of the value itself.
    pub fn span(&self) -> Span {
        self.tree.span(self.id)
    }

    /// Span of the key this value was reached through, if any.
    pub fn key_span(&self) -> Option<Span> {
        self.key.map(|k| self.tree.span(k))
    }

    /// The span to point at for this field: `key: value` for scalars, the key for collections.
    pub fn field_span(&self) -> Span {
        match (self.key_span(), self.kind()) {
            (Some(k), NodeKind::Map(_) | NodeKind::Seq(_)) => k,
            (Some(k), _) if self.span().start >= k.start => k.join(self.span()),
            (Some(k), _) => k,
            (None, _) => self.span(),
        }
    }

    /// Mapping lookup, honouring merge keys; own keys win over merged ones.
    pub fn get(&self, key: &str) -> Option<Val<'a>> {
        self.get_depth(key, 0)
    }

    fn get_depth(&self, key: &str, depth: usize) -> Option<Val<'a>> {
        let NodeKind::Map(entries) = self.kind() else {
            return None;
        };
        for &(k, v) in entries {
            if self.tree.val(k).as_str() == Some(key) {
                return Some(self.child(k, v));
            }
        }
        if depth >= MAX_INDIRECTION {
            return None;
        }
        for &(k, v) in entries {
            if self.tree.val(k).as_str() == Some("<<") {
                for src in self.tree.val(v).merge_sources() {
                    if let Some(found) = src.get_depth(key, depth + 1) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }

    fn merge_sources(&self) -> Vec<Val<'a>> {
        match self.kind() {
            NodeKind::Map(_) => vec![*self],
            NodeKind::Seq(_) => self.items().collect(),
            _ => Vec::new(),
        }
    }

    fn child(&self, key: NodeId, value: NodeId) -> Val<'a> {
        Val {
            tree: self.tree,
            id: self.tree.resolve(value),
            key: Some(key),
        }
    }

    /// Nested lookup through mappings.
    pub fn path(&self, keys: &[&str]) -> Option<Val<'a>> {
        keys.iter().try_fold(*self, |v, k| v.get(k))
    }

    /// Sequence items (empty for non-sequences).
    pub fn items(self) -> impl Iterator<Item = Val<'a>> + 'a {
        let tree = self.tree;
        let ids: &'a [NodeId] = match self.kind() {
            NodeKind::Seq(items) => items,
            _ => &[],
        };
        ids.iter().map(move |&id| tree.val(id))
    }

    /// Mapping entries with string keys, merge keys expanded (own keys first).
    pub fn entries(&self) -> Vec<(&'a str, Val<'a>)> {
        let mut out: Vec<(&'a str, Val<'a>)> = Vec::new();
        self.collect_entries(&mut out, 0);
        out
    }

    fn collect_entries(&self, out: &mut Vec<(&'a str, Val<'a>)>, depth: usize) {
        let NodeKind::Map(entries) = self.kind() else {
            return;
        };
        let mut merges = Vec::new();
        for &(k, v) in entries {
            match self.tree.val(k).as_str() {
                Some("<<") => merges.push(v),
                Some(key) if !out.iter().any(|(seen, _)| *seen == key) => {
                    out.push((key, self.child(k, v)))
                }
                _ => {}
            }
        }
        if depth < MAX_INDIRECTION {
            for v in merges {
                for src in self.tree.val(v).merge_sources() {
                    src.collect_entries(out, depth + 1);
                }
            }
        }
    }

    /// Mapping entries as written, in order, with every scalar key as text (`9000`, `true`,
    /// `1.5`); `None` for keys that are collections. Merge keys are not expanded.
    pub fn raw_entries(&self) -> Vec<(Option<String>, Val<'a>)> {
        let NodeKind::Map(entries) = self.kind() else {
            return Vec::new();
        };
        entries
            .iter()
            .map(|&(k, v)| (self.tree.val(k).scalar_text(), self.child(k, v)))
            .collect()
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.kind() {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.kind() {
            NodeKind::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind() {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind(), NodeKind::Map(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind(), NodeKind::Null)
    }

    /// A scalar rendered as text (strings as-is, numbers and booleans formatted).
    pub fn scalar_text(&self) -> Option<String> {
        match self.kind() {
            NodeKind::Str(s) => Some(s.to_string()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Null => Some(String::new()),
            _ => None,
        }
    }

    /// `string -> string` mapping (labels, selectors); non-scalar values are skipped.
    pub fn string_map(&self) -> super::Labels {
        self.entries()
            .into_iter()
            .filter_map(|(k, v)| v.scalar_text().map(|t| (k, t)))
            .collect()
    }
}
