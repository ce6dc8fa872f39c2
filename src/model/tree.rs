//! A format-independent, span-carrying value tree, stored compactly.
//!
//! Every node remembers the byte span it came from, and every mapping entry keeps its key
//! node, so a rule can point at `replicas: 1` exactly. YAML aliases are kept as references
//! (never expanded), and YAML merge keys (`<<`) are honoured by lookups.
//!
//! One tree holds every document of a file. A node is 8 bytes: where its span starts, its
//! kind, and either its span's length or an index into a side table. Keys and scalars that
//! read as written (`replicas: 3`, `name: "web"`), most of a manifest, need no more: their
//! value is read from the file's text when asked for (kept once, shared with its
//! [`SourceFile`](super::SourceFile)). Collections, aliases and values written otherwise
//! (escapes, folded lines, `0x10`) keep their span's end and their value in the side table;
//! only a string found nowhere under its span is copied into the tree's own buffer.
//! Nodes are stored in document order, so a collection's children are the nodes after it: a
//! collection records where its subtree ends and how many children it has, and its children
//! are found by stepping from one to the next (a key's value follows the key's subtree).
//! No collection holds a list of its own. Callers see a borrowed [`NodeKind`] view.

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
    Seq(Items<'a>),
    Map(Entries<'a>),
    /// A reference to an earlier anchored node.
    Alias(NodeId),
}

/// The low bits of [`Node::tag`]: the kind. The bits above hold the length of the node's
/// span for the kinds read straight from the text, and an index into `ext` for the others.
const TAG_BITS: u32 = 4;
const NULL: u32 = 0;
const FALSE: u32 = 1;
const TRUE: u32 = 2;
/// An integer whose value is its text (parsed again when asked for).
const INT: u32 = 3;
/// A float whose value is its text.
const FLOAT: u32 = 4;
/// A string that is its text.
const PLAIN: u32 = 5;
/// A string that is its text but for the first and last character (the quotes).
const QUOTED: u32 = 6;
/// Kinds from here on keep their span's end and their value in `ext`.
const FIRST_EXT: u32 = 7;
/// An integer written otherwise (`0x10`, `!!int "5"`): `a`, `b` are its bits.
const WIDE_INT: u32 = 7;
/// A float written otherwise: `a`, `b` are its bits.
const WIDE_FLOAT: u32 = 8;
/// A string at byte `a` of the text, `b` bytes long.
const TEXT: u32 = 9;
/// A string at byte `a` of the tree's own buffer (escapes, folded lines), `b` bytes long.
const OWNED: u32 = 10;
/// `b` items; its subtree ends before node `a`.
const SEQ: u32 = 11;
/// `b` key/value entries; its subtree ends before node `a`.
const MAP: u32 = 12;
/// `a` is the target node.
const ALIAS: u32 = 13;

/// Largest span length, and largest number of nodes with an `ext` entry, a tree can hold
/// (and so the largest text a tree is built over).
pub const MAX_LEN: usize = (u32::MAX >> TAG_BITS) as usize;

/// One node: 8 bytes. Most nodes of a manifest are keys and scalars that read as written,
/// and need nothing more than where they start and what kind they are.
#[derive(Clone, Copy, Debug)]
struct Node {
    start: u32,
    tag: u32,
}

impl Node {
    #[inline]
    fn kind(&self) -> u32 {
        self.tag & ((1 << TAG_BITS) - 1)
    }

    /// Span length (direct kinds) or `ext` index (the others).
    #[inline]
    fn high(&self) -> usize {
        (self.tag >> TAG_BITS) as usize
    }
}

/// The rest of a node that is not read straight from the text.
#[derive(Clone, Copy, Debug, Default)]
struct Ext {
    end: u32,
    a: u32,
    b: u32,
}

/// Arena of the nodes of one file's documents, each part allocated at its exact size.
#[derive(Debug, Default)]
pub struct Tree {
    /// The text the tree was parsed from.
    text: Arc<str>,
    /// Strings that are not a run of `text`.
    owned: Box<str>,
    nodes: Box<[Node]>,
    ext: Box<[Ext]>,
    /// Each node's span when they were moved away from the text (rendered output mapped
    /// back to its template).
    moved: Option<Box<[(u32, u32)]>>,
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
    nodes: Vec<Node>,
    ext: Vec<Ext>,
}

impl Parts {
    fn clear(&mut self) {
        self.owned.clear();
        self.nodes.clear();
        self.ext.clear();
    }
}

/// Largest arenas a thread keeps for the next tree (8 MiB of nodes); larger ones are freed.
const KEEP_NODES: usize = 1 << 20;

thread_local! {
    static SPARE: std::cell::Cell<Option<Box<Parts>>> = const { std::cell::Cell::new(None) };
}

/// How far a tree had grown, to roll back a document that failed half way.
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    owned: usize,
    nodes: usize,
    ext: usize,
}

/// How many alias hops or merge levels a lookup follows before giving up.
const MAX_INDIRECTION: usize = 32;

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn tag(kind: u32, high: usize) -> u32 {
    debug_assert!(high <= MAX_LEN);
    kind | (high.min(MAX_LEN) as u32) << TAG_BITS
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
            nodes: p.nodes.as_slice().into(),
            ext: p.ext.as_slice().into(),
            moved: None,
        };
        if parts.nodes.capacity() <= KEEP_NODES {
            parts.clear();
            SPARE.set(Some(parts));
        }
        tree
    }

    /// The text the tree is built over.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text under `span`.
    fn under(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// A node read straight from the text under `span`.
    fn direct(&mut self, kind: u32, span: Span) -> NodeId {
        self.parts.nodes.push(Node {
            start: offset(span.start),
            tag: tag(kind, span.end - span.start),
        });
        NodeId((self.parts.nodes.len() - 1) as u32)
    }

    /// A node with an `ext` entry.
    fn indirect(&mut self, kind: u32, span: Span, a: u32, b: u32) -> NodeId {
        let p = &mut self.parts;
        p.ext.push(Ext {
            end: offset(span.end),
            a,
            b,
        });
        p.nodes.push(Node {
            start: offset(span.start),
            tag: tag(kind, p.ext.len() - 1),
        });
        NodeId((p.nodes.len() - 1) as u32)
    }

    pub fn push_null(&mut self, span: Span) -> NodeId {
        self.direct(NULL, span)
    }

    pub fn push_bool(&mut self, b: bool, span: Span) -> NodeId {
        self.direct(if b { TRUE } else { FALSE }, span)
    }

    pub fn push_int(&mut self, i: i64, span: Span) -> NodeId {
        if self.under(span).parse::<i64>() == Ok(i) {
            return self.direct(INT, span);
        }
        let bits = i as u64;
        self.indirect(WIDE_INT, span, bits as u32, (bits >> 32) as u32)
    }

    pub fn push_float(&mut self, f: f64, span: Span) -> NodeId {
        if self.under(span).parse::<f64>().map(f64::to_bits) == Ok(f.to_bits()) {
            return self.direct(FLOAT, span);
        }
        let bits = f.to_bits();
        self.indirect(WIDE_FLOAT, span, bits as u32, (bits >> 32) as u32)
    }

    /// A string scalar written at `span`: read from the text when the text under the span
    /// holds it as it is (with or without its quotes, or somewhere within), a copy otherwise.
    pub fn push_str(&mut self, s: &str, span: Span) -> NodeId {
        let under = self.under(span);
        if under == s {
            return self.direct(PLAIN, span);
        }
        if under.len() == s.len() + 2 && under.get(1..under.len() - 1) == Some(s) {
            return self.direct(QUOTED, span);
        }
        let found = if s.is_empty() {
            Some(0)
        } else {
            memchr::memmem::find(under.as_bytes(), s.as_bytes())
        };
        let len = offset(s.len());
        match found {
            Some(at) => self.indirect(TEXT, span, offset(span.start + at), len),
            None => {
                let at = offset(self.parts.owned.len());
                self.parts.owned.push_str(s);
                self.indirect(OWNED, span, at, len)
            }
        }
    }

    pub fn push_alias(&mut self, target: NodeId, span: Span) -> NodeId {
        self.indirect(ALIAS, span, target.0, 0)
    }

    /// A sequence: the nodes pushed until it is closed are its subtree.
    pub fn open_seq(&mut self, span: Span) -> NodeId {
        self.indirect(SEQ, span, 0, 0)
    }

    /// A mapping: the nodes pushed until it is closed are its subtree, keys and values in
    /// turn (each value pushed right after its key's subtree).
    pub fn open_map(&mut self, span: Span) -> NodeId {
        self.indirect(MAP, span, 0, 0)
    }

    /// Closes the open collection `id`, which has `count` children (items, or entries), and
    /// gives its span its end.
    pub fn close(&mut self, id: NodeId, count: usize, end: usize) {
        let after = offset(self.parts.nodes.len());
        let node = self.parts.nodes[id.0 as usize];
        let ext = &mut self.parts.ext[node.high()];
        ext.a = after;
        ext.b = offset(count);
        ext.end = offset(end).max(node.start);
    }

    pub fn mark(&self) -> Mark {
        let p = &self.parts;
        Mark {
            owned: p.owned.len(),
            nodes: p.nodes.len(),
            ext: p.ext.len(),
        }
    }

    /// Forgets every node pushed since `mark`.
    pub fn truncate(&mut self, mark: Mark) {
        let p = &mut self.parts;
        p.owned.truncate(mark.owned);
        p.nodes.truncate(mark.nodes);
        p.ext.truncate(mark.ext);
    }

    pub fn len(&self) -> usize {
        self.parts.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.nodes.is_empty()
    }

    /// The span of node `id`.
    pub fn span(&self, id: NodeId) -> Span {
        node_span(&self.parts.nodes, &self.parts.ext, id)
    }
}

fn node_span(nodes: &[Node], ext: &[Ext], id: NodeId) -> Span {
    let Some(n) = nodes.get(id.0 as usize) else {
        return Span::default();
    };
    let start = n.start as usize;
    let end = match n.kind() {
        k if k < FIRST_EXT => start + n.high(),
        _ => ext.get(n.high()).map_or(start, |e| e.end as usize),
    };
    Span::new(start, end)
}

impl Tree {
    /// Moves every node's span through `f` (rendered output mapped back to its template);
    /// the values are still read from the text the tree was parsed from.
    pub fn map_spans(&mut self, f: impl Fn(Span) -> Span) {
        let moved = (0..self.nodes.len())
            .map(|i| {
                let s = f(node_span(&self.nodes, &self.ext, NodeId(i as u32)));
                (offset(s.start), offset(s.end))
            })
            .collect();
        self.moved = Some(moved);
    }

    /// The text the tree was parsed from.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// The span of node `id`.
    #[inline]
    pub fn span(&self, id: NodeId) -> Span {
        match &self.moved {
            Some(moved) => moved
                .get(id.0 as usize)
                .map_or(Span::default(), |&(s, e)| Span::new(s as usize, e as usize)),
            None => node_span(&self.nodes, &self.ext, id),
        }
    }

    /// What node `id` holds.
    #[inline]
    pub fn kind(&self, id: NodeId) -> NodeKind<'_> {
        let Some(n) = self.nodes.get(id.0 as usize) else {
            return NodeKind::Null;
        };
        let start = n.start as usize;
        let text = || self.text.get(start..start + n.high()).unwrap_or("");
        if n.kind() < FIRST_EXT {
            return match n.kind() {
                FALSE => NodeKind::Bool(false),
                TRUE => NodeKind::Bool(true),
                INT => NodeKind::Int(text().parse().unwrap_or(0)),
                FLOAT => NodeKind::Float(text().parse().unwrap_or(0.0)),
                PLAIN => NodeKind::Str(text()),
                QUOTED => NodeKind::Str(text().get(1..n.high().saturating_sub(1)).unwrap_or("")),
                _ => NodeKind::Null,
            };
        }
        let e = self.ext.get(n.high()).copied().unwrap_or_default();
        let bits = || u64::from(e.a) | u64::from(e.b) << 32;
        let range = || e.a as usize..e.a as usize + e.b as usize;
        match n.kind() {
            WIDE_INT => NodeKind::Int(bits() as i64),
            WIDE_FLOAT => NodeKind::Float(f64::from_bits(bits())),
            TEXT => NodeKind::Str(self.text.get(range()).unwrap_or("")),
            OWNED => NodeKind::Str(self.owned.get(range()).unwrap_or("")),
            SEQ => NodeKind::Seq(Items {
                tree: self,
                next: id.0 + 1,
                left: e.b,
            }),
            MAP => NodeKind::Map(Entries {
                tree: self,
                next: id.0 + 1,
                left: e.b,
            }),
            ALIAS => NodeKind::Alias(NodeId(e.a)),
            _ => NodeKind::Null,
        }
    }

    /// The node after `id`'s subtree.
    #[inline]
    fn after(&self, id: u32) -> u32 {
        match self.nodes.get(id as usize) {
            Some(n) if matches!(n.kind(), SEQ | MAP) => {
                self.ext.get(n.high()).map_or(id + 1, |e| e.a.max(id + 1))
            }
            _ => id.saturating_add(1),
        }
    }

    /// A view of node `id`.
    #[inline]
    pub fn val(&self, id: NodeId) -> Val<'_> {
        Val {
            tree: self,
            id: self.resolve(id),
            key: None,
        }
    }

    /// Follows aliases to the node they refer to.
    #[inline]
    fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_INDIRECTION {
            match self.nodes.get(id.0 as usize) {
                Some(n) if n.kind() == ALIAS => {
                    id = NodeId(self.ext.get(n.high()).map_or(id.0, |e| e.a));
                }
                _ => return id,
            }
        }
        id
    }
}

/// The keys [`Val::entries`] has collected: checked one by one while they are few, through a
/// set past that (a mapping of thousands of keys, such as a GitLab configuration's jobs, made
/// the check quadratic).
#[derive(Default)]
struct KeySet<'a> {
    set: std::collections::HashSet<&'a str, foldhash::fast::FixedState>,
}

impl<'a> KeySet<'a> {
    /// Up to this many keys are checked one by one.
    const SCAN: usize = 16;

    /// `true` when `key` is not among those of `out` (whose keys are distinct), which the
    /// caller then pushes it to.
    fn insert(&mut self, out: &[(&'a str, Val<'a>)], key: &'a str) -> bool {
        if out.len() < Self::SCAN {
            return !out.iter().any(|(k, _)| *k == key);
        }
        // The set holds the first `set.len()` keys of `out`: catch up, then check.
        if self.set.len() < out.len() {
            self.set
                .extend(out[self.set.len()..].iter().map(|(k, _)| *k));
        }
        self.set.insert(key)
    }
}

/// A sequence's items, in order.
#[derive(Clone, Copy)]
pub struct Items<'a> {
    tree: &'a Tree,
    next: u32,
    left: u32,
}

impl Iterator for Items<'_> {
    type Item = NodeId;

    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let id = self.next;
        self.next = self.tree.after(id);
        Some(NodeId(id))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Items<'_> {}

/// A mapping's entries (key, value), in order.
#[derive(Clone, Copy)]
pub struct Entries<'a> {
    tree: &'a Tree,
    next: u32,
    left: u32,
}

impl Iterator for Entries<'_> {
    type Item = (NodeId, NodeId);

    #[inline]
    fn next(&mut self) -> Option<(NodeId, NodeId)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = self.next;
        let value = self.tree.after(key);
        self.next = self.tree.after(value);
        Some((NodeId(key), NodeId(value)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Entries<'_> {}

macro_rules! children_eq_debug {
    ($t:ident) => {
        /// The same children of the same node of the same tree.
        impl PartialEq for $t<'_> {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(self.tree, other.tree)
                    && self.next == other.next
                    && self.left == other.left
            }
        }

        impl std::fmt::Debug for $t<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(*self).finish()
            }
        }
    };
}
children_eq_debug!(Items);
children_eq_debug!(Entries);

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

    /// The text just before `offset` in the text the tree was parsed from (empty when out of
    /// range): what a tag or a comment before a node says.
    pub fn text_before(&self, offset: usize) -> &'a str {
        self.tree.text.get(..offset).unwrap_or("")
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

    /// [`Self::field_span`], but `key: value` for a collection written on the key's line (a
    /// flow list such as `runs-on: [self-hosted, prod]`): the whole field fits one label.
    pub fn line_field_span(&self) -> Span {
        let value = self.span();
        match self.key_span() {
            Some(k)
                if k.start <= value.start
                    && !self
                        .text_before(value.end)
                        .get(k.start..)
                        .unwrap_or("\n")
                        .contains('\n') =>
            {
                k.join(value)
            }
            _ => self.field_span(),
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
        for (k, v) in entries {
            if self.tree.val(k).as_str() == Some(key) {
                return Some(self.child(k, v));
            }
        }
        if depth >= MAX_INDIRECTION {
            return None;
        }
        for (k, v) in entries {
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
        let ids = match self.kind() {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        };
        ids.into_iter().flatten().map(move |id| tree.val(id))
    }

    /// Mapping entries with string keys, merge keys expanded (own keys first).
    pub fn entries(&self) -> Vec<(&'a str, Val<'a>)> {
        let mut out: Vec<(&'a str, Val<'a>)> = Vec::new();
        let mut seen = KeySet::default();
        self.collect_entries(&mut out, &mut seen, 0);
        out
    }

    fn collect_entries(
        &self,
        out: &mut Vec<(&'a str, Val<'a>)>,
        seen: &mut KeySet<'a>,
        depth: usize,
    ) {
        let NodeKind::Map(entries) = self.kind() else {
            return;
        };
        let mut merges = Vec::new();
        for (k, v) in entries {
            match self.tree.val(k).as_str() {
                Some("<<") => merges.push(v),
                Some(key) if seen.insert(out, key) => out.push((key, self.child(k, v))),
                _ => {}
            }
        }
        if depth < MAX_INDIRECTION {
            for v in merges {
                for src in self.tree.val(v).merge_sources() {
                    src.collect_entries(out, seen, depth + 1);
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
            .map(|(k, v)| (self.tree.val(k).scalar_text(), self.child(k, v)))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way a scalar is stored (read from the text, quoted, found within its span,
    /// copied, wide) gives back the value and span it was pushed with.
    #[test]
    fn every_kind_round_trips() {
        let text = "plain 'quoted' |\n  block\n\"esc\\n\" 42 0x10 1.5 1e400 ~ true";
        let at = |needle: &str| {
            let s = text.find(needle).unwrap();
            Span::new(s, s + needle.len())
        };
        let mut b = TreeBuilder::new(Arc::from(text));
        let seq = b.open_seq(Span::new(0, 1));
        let pushed = [
            (b.push_str("plain", at("plain")), NodeKind::Str("plain")),
            (
                b.push_str("quoted", at("'quoted'")),
                NodeKind::Str("quoted"),
            ),
            (
                b.push_str("block", at("|\n  block")),
                NodeKind::Str("block"),
            ),
            (
                b.push_str("esc\n", at("\"esc\\n\"")),
                NodeKind::Str("esc\n"),
            ),
            (b.push_str("", at("~")), NodeKind::Str("")),
            (b.push_int(42, at("42")), NodeKind::Int(42)),
            (b.push_int(16, at("0x10")), NodeKind::Int(16)),
            (b.push_int(i64::MIN, at("42")), NodeKind::Int(i64::MIN)),
            (b.push_float(1.5, at("1.5")), NodeKind::Float(1.5)),
            (b.push_float(-0.25, at("1.5")), NodeKind::Float(-0.25)),
            (b.push_null(at("~")), NodeKind::Null),
            (b.push_bool(true, at("true")), NodeKind::Bool(true)),
        ];
        let spans: Vec<Span> = pushed.iter().map(|(id, _)| b.span(*id)).collect();
        b.close(seq, pushed.len(), text.len());
        let alias = b.push_alias(seq, at("plain"));
        let tree = b.finish();
        for ((id, want), span) in pushed.iter().zip(&spans) {
            assert_eq!(tree.kind(*id), *want);
            assert_eq!(tree.span(*id), *span);
        }
        assert_eq!(tree.span(seq), Span::new(0, text.len()));
        let items: Vec<NodeId> = tree.val(alias).items().map(|v| v.id()).collect();
        assert_eq!(items, pushed.map(|(id, _)| id));
        assert_eq!(
            tree.owned.as_ref(),
            "esc\n",
            "only the escaped string is copied"
        );
    }

    #[test]
    fn moved_spans_keep_values() {
        let mut b = TreeBuilder::new(Arc::from("a: b"));
        let map = b.open_map(Span::new(0, 0));
        b.push_str("a", Span::new(0, 1));
        b.push_str("b", Span::new(3, 4));
        b.close(map, 1, 4);
        let mut tree = b.finish();
        tree.map_spans(|s| Span::new(s.start + 100, s.end + 100));
        let val = tree.val(map).get("a").unwrap();
        assert_eq!(val.as_str(), Some("b"));
        assert_eq!(val.field_span(), Span::new(100, 104));
    }

    /// `entries` of a mapping past the few keys checked one by one (then through a set):
    /// each key once, own keys first, then merged ones in order, each with the value `get`
    /// finds for it.
    #[test]
    fn entries_of_large_mappings_with_merges() {
        let mut text = String::from("base: &base\n");
        for i in 0..30 {
            text.push_str(&format!("  k{i}: base-{i}\n"));
        }
        text.push_str("more: &more\n  k5: more-5\n  extra: more\n");
        text.push_str("top:\n");
        for i in (0..40).step_by(2) {
            text.push_str(&format!("  k{i}: own-{i}\n"));
        }
        text.push_str("  <<: [*base, *more]\n");
        let file = crate::model::SourceFile::new("t.yaml".into(), Arc::from(text));
        let parsed = crate::ingest::yaml::parse(&file);
        let doc = &parsed.documents[0];
        let top = doc.tree.val(doc.root).get("top").unwrap();
        let entries = top.entries();
        let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
        let mut expected: Vec<String> = (0..40).step_by(2).map(|i| format!("k{i}")).collect();
        expected.extend((1..30).step_by(2).map(|i| format!("k{i}")));
        expected.push("extra".into());
        assert_eq!(keys, expected);
        for (k, v) in &entries {
            assert_eq!(v.as_str(), top.get(k).unwrap().as_str(), "{k}");
        }
        assert_eq!(top.get("k4").unwrap().as_str(), Some("own-4"));
        assert_eq!(top.get("k5").unwrap().as_str(), Some("base-5"));
        assert!(top.get("k31").is_none());
    }
}
