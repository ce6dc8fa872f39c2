//! A format-independent, span-carrying value tree.
//!
//! Every node remembers the byte span it came from, and every mapping entry keeps its key
//! node, so a rule can point at `replicas: 1` exactly. YAML aliases are kept as references
//! (never expanded), and YAML merge keys (`<<`) are honoured by lookups.

use super::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// A reference to an earlier anchored node.
    Alias(NodeId),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

/// Arena of nodes for one document.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
}

/// How many alias hops or merge levels a lookup follows before giving up.
const MAX_INDIRECTION: usize = 32;

impl Tree {
    pub fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        self.nodes.push(Node { kind, span });
        NodeId((self.nodes.len() - 1) as u32)
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
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
            match self.node(id).kind {
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

    pub fn kind(&self) -> &'a NodeKind {
        &self.tree.node(self.id).kind
    }

    /// Span of the value itself.
    pub fn span(&self) -> Span {
        self.tree.node(self.id).span
    }

    /// Span of the key this value was reached through, if any.
    pub fn key_span(&self) -> Option<Span> {
        self.key.map(|k| self.tree.node(k).span)
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
            NodeKind::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind() {
            NodeKind::Bool(b) => Some(*b),
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
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Null => Some(String::new()),
            _ => None,
        }
    }

    /// `string -> string` mapping (labels, selectors); non-scalar values are skipped.
    pub fn string_map(&self) -> std::collections::BTreeMap<String, String> {
        self.entries()
            .into_iter()
            .filter_map(|(k, v)| v.scalar_text().map(|t| (k.to_string(), t)))
            .collect()
    }
}
