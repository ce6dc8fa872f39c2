//! The objects a kustomization builds: plain values (as kustomize's kyaml holds them) whose
//! every node remembers where it was written (a base file, a patch, an overlay's
//! `kustomization.yaml`) and, when a patch or a transformer replaced it, where the value it
//! replaced was written.

use crate::model::{NodeKind, SourceId, Span, Val};

/// Where a value of a built object was written: the value itself, and the field to point at
/// (`key: value` for a scalar, the key for a collection, the item for a list entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub source: SourceId,
    pub span: Span,
    pub field: Span,
}

impl Loc {
    /// A location whose value and field are the same span.
    pub fn at(source: SourceId, span: Span) -> Loc {
        Loc {
            source,
            span,
            field: span,
        }
    }

    /// Where `v` (of a tree parsed from `source`) was written.
    pub fn of(source: SourceId, v: &Val<'_>) -> Loc {
        Loc {
            source,
            span: v.span(),
            field: v.field_span(),
        }
    }
}

/// One value of a built object.
#[derive(Clone, Debug)]
pub struct Node {
    pub v: V,
    /// Where this value was written; `None` for what kustomize makes up (an empty map a
    /// transformer creates on its way to a field), which is shown at its parent's place.
    pub at: Option<Loc>,
    /// Where the value this one replaced was written (a base field an overlay changed).
    pub was: Option<Loc>,
}

/// The value of a [`Node`]. Mapping keys are text (YAML keys that are numbers or booleans
/// are kept as written), in their order.
#[derive(Clone, Debug)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// Most nodes one object may have when read from a file; deeper or larger documents are cut
/// there (the caller reports it).
pub const MAX_OBJECT_NODES: usize = 1_000_000;

/// Deepest nesting read (YAML aliases are followed, so a document can describe a deep value in
/// few bytes).
pub const MAX_DEPTH: usize = 128;

impl PartialEq for Node {
    /// Values only: where they were written does not matter.
    fn eq(&self, other: &Node) -> bool {
        match (&self.v, &other.v) {
            (V::Null, V::Null) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Int(a), V::Int(b)) => a == b,
            (V::Float(a), V::Float(b)) => a == b,
            (V::Int(a), V::Float(b)) | (V::Float(b), V::Int(a)) => *a as f64 == *b,
            (V::Str(a), V::Str(b)) => a == b,
            (V::Seq(a), V::Seq(b)) => a == b,
            (V::Map(a), V::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            _ => false,
        }
    }
}

impl Node {
    /// A value written nowhere (made up by kustomize).
    pub fn new(v: V) -> Node {
        Node {
            v,
            at: None,
            was: None,
        }
    }

    /// A value written at `at`.
    pub fn located(v: V, at: Option<Loc>) -> Node {
        Node { v, at, was: None }
    }

    pub fn str(s: impl Into<String>, at: Option<Loc>) -> Node {
        Node::located(V::Str(s.into()), at)
    }

    pub fn map() -> Node {
        Node::new(V::Map(Vec::new()))
    }

    /// Reads a parsed YAML value (aliases and merge keys resolved, as kyaml resolves them),
    /// counting nodes against `budget`; `None` once the budget or [`MAX_DEPTH`] is passed.
    pub fn from_val(v: &Val<'_>, source: SourceId, budget: &mut usize) -> Option<Node> {
        from_val(v, source, budget, 0)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.v, V::Map(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.v, V::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.v {
            V::Int(i) => Some(i),
            _ => None,
        }
    }

    /// A scalar as text (`3`, `true`), as kustomize compares label values and names.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.v {
            V::Str(s) => Some(s.clone()),
            V::Int(i) => Some(i.to_string()),
            V::Float(f) => Some(f.to_string()),
            V::Bool(b) => Some(b.to_string()),
            V::Null => Some(String::new()),
            _ => None,
        }
    }

    /// Mapping entries (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.v {
            V::Map(m) => m,
            _ => &[],
        }
    }

    /// Sequence items (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.v {
            V::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn items_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.v {
            V::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries_mut(&mut self) -> Option<&mut Vec<(String, Node)>> {
        match &mut self.v {
            V::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries_mut()?
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut Node> {
        keys.iter().try_fold(self, |n, k| n.get_mut(k))
    }

    /// The string at `keys`, if it is one.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(Node::as_str)
    }

    /// Sets `key` (a mapping's entry, replaced in place or appended); nothing for a node that
    /// is not a mapping. The replaced value's place is kept as `was` when the new value has
    /// none of its own.
    pub fn set(&mut self, key: &str, mut value: Node) {
        let Some(entries) = self.entries_mut() else {
            return;
        };
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, old)) => {
                if value.was.is_none() && old.at != value.at {
                    value.was = old.was.or(old.at);
                }
                *old = value;
            }
            None => entries.push((key.to_string(), value)),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let entries = self.entries_mut()?;
        let i = entries.iter().position(|(k, _)| k == key)?;
        Some(entries.remove(i).1)
    }

    /// The mapping at `key`, made (empty, located at `at`) when missing or null; `None` when
    /// `self` is not a mapping or `key` holds something else.
    pub fn map_at(&mut self, key: &str, at: Option<Loc>) -> Option<&mut Node> {
        let entries = self.entries_mut()?;
        let i = match entries.iter().position(|(k, _)| k == key) {
            Some(i) => {
                if entries[i].1.is_null() {
                    entries[i].1 = Node::located(V::Map(Vec::new()), at);
                }
                i
            }
            None => {
                entries.push((key.to_string(), Node::located(V::Map(Vec::new()), at)));
                entries.len() - 1
            }
        };
        let node = &mut entries[i].1;
        node.is_map().then_some(node)
    }

    /// Every node of the tree, this one first.
    pub fn count(&self) -> usize {
        1 + match &self.v {
            V::Seq(s) => s.iter().map(Node::count).sum(),
            V::Map(m) => m.iter().map(|(_, v)| v.count()).sum(),
            _ => 0,
        }
    }

    /// Sets `at` on this node and every node below it that has none.
    pub fn locate_all(&mut self, at: Option<Loc>) {
        if self.at.is_none() {
            self.at = at;
        }
        let at = self.at;
        match &mut self.v {
            V::Seq(s) => s.iter_mut().for_each(|n| n.locate_all(at)),
            V::Map(m) => m.iter_mut().for_each(|(_, n)| n.locate_all(at)),
            _ => {}
        }
    }
}

fn from_val(v: &Val<'_>, source: SourceId, budget: &mut usize, depth: usize) -> Option<Node> {
    if *budget == 0 || depth > MAX_DEPTH {
        return None;
    }
    *budget -= 1;
    let value = match v.kind() {
        NodeKind::Null | NodeKind::Alias(_) => V::Null,
        NodeKind::Bool(b) => V::Bool(b),
        NodeKind::Int(i) => V::Int(i),
        NodeKind::Float(f) => V::Float(f),
        NodeKind::Str(s) => V::Str(s.to_string()),
        NodeKind::Seq(_) => {
            let mut items = Vec::new();
            for item in v.items() {
                items.push(from_val(&item, source, budget, depth + 1)?);
            }
            V::Seq(items)
        }
        NodeKind::Map(_) => {
            let mut entries = Vec::new();
            for (k, item) in v.raw_entries() {
                let Some(k) = k else { continue };
                if k == "<<" {
                    continue;
                }
                entries.push((k, from_val(&item, source, budget, depth + 1)?));
            }
            // Merge keys: what a `<<` brings that the map does not set itself.
            for (k, item) in v.entries() {
                if !entries.iter().any(|(e, _)| e == k) {
                    entries.push((k.to_string(), from_val(&item, source, budget, depth + 1)?));
                }
            }
            V::Map(entries)
        }
    };
    Some(Node::located(value, Some(Loc::of(source, v))))
}

/// Writes `node` as one YAML document (block style, no `---`), as it reads back: strings that
/// could read as something else are double-quoted.
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match &node.v {
        V::Map(m) if !m.is_empty() => write_entries(&mut out, m, 0),
        V::Seq(s) if !s.is_empty() => write_items(&mut out, s, 0),
        _ => {
            write_scalar(&mut out, node);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_entries(out: &mut String, entries: &[(String, Node)], ind: usize) {
    for (k, v) in entries {
        indent(out, ind);
        write_str(out, k);
        out.push(':');
        write_value(out, v, ind, false);
    }
}

fn write_items(out: &mut String, items: &[Node], ind: usize) {
    for v in items {
        indent(out, ind);
        out.push('-');
        write_value(out, v, ind, true);
    }
}

/// Writes what follows `key:` or `-`, and the line end.
fn write_value(out: &mut String, v: &Node, ind: usize, item: bool) {
    match &v.v {
        V::Map(m) if !m.is_empty() => {
            if item {
                // `- key: value` with the item's other keys below it.
                out.push(' ');
                let mut first = String::new();
                write_entries(&mut first, m, ind + 2);
                out.push_str(&first[ind + 2..]);
            } else {
                out.push('\n');
                write_entries(out, m, ind + 2);
            }
        }
        V::Seq(s) if !s.is_empty() => {
            out.push('\n');
            // Kubernetes style: a list under a key at the key's indentation.
            write_items(out, s, if item { ind + 2 } else { ind });
        }
        _ => {
            out.push(' ');
            write_scalar(out, v);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, v: &Node) {
    match &v.v {
        V::Null => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Int(i) => out.push_str(&i.to_string()),
        V::Float(f) => out.push_str(&float_text(*f)),
        V::Str(s) => write_str(out, s),
        V::Seq(_) => out.push_str("[]"),
        V::Map(_) => out.push_str("{}"),
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

/// Writes a string plain when it reads back as the same string under YAML 1.1 and 1.2, and
/// double-quoted otherwise, with every character YAML does not allow as is (controls, DEL,
/// C1 controls, byte-order marks) escaped.
pub fn write_str(out: &mut String, s: &str) {
    if plain_safe(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || c == '\u{feff}'
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " ._/-:@=+~,()$".contains(c))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::yaml;
    use crate::model::SourceFile;
    use std::sync::Arc;

    fn read(text: &str) -> Node {
        let file = SourceFile::new("t.yaml".into(), Arc::from(text));
        let parsed = yaml::parse(&file);
        let doc = &parsed.documents[0];
        let mut budget = MAX_OBJECT_NODES;
        Node::from_val(&doc.tree.val(doc.root), SourceId(0), &mut budget).unwrap()
    }

    #[test]
    fn written_yaml_reads_back_as_the_same_values() {
        let text = "a: 1\nb: \"2\"\nc: [x, {d: e, f: [1, 2]}, [], {}]\ng: \"yes\"\nh: null\ni: 1.5\nj: \"a: b\"\nk: \"multi\\nline\"\nl: -x\nm: ''\nn:\n  - - nested\n    - list\no: \"del\\x7f \\\"q\\\" \\\\ \\u0085 \\ufeff\\u0001\"\n";
        let node = read(text);
        let again = read(&to_yaml(&node));
        assert_eq!(node, again, "{}", to_yaml(&node));
    }

    #[test]
    fn merge_keys_are_resolved_and_locations_kept() {
        let node = read("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n");
        let using = node.get("use").unwrap();
        assert_eq!(using.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(using.get("y").unwrap().at.unwrap().span, Span::new(35, 36));
    }

    #[test]
    fn set_remembers_the_replaced_place() {
        let mut node = read("spec:\n  replicas: 3\n");
        let base = node.path(&["spec", "replicas"]).unwrap().at;
        let spec = node.get_mut("spec").unwrap();
        spec.set(
            "replicas",
            Node::located(V::Int(1), Some(Loc::at(SourceId(1), Span::new(0, 1)))),
        );
        let r = node.path(&["spec", "replicas"]).unwrap();
        assert_eq!(r.was, base);
        assert_eq!(r.as_i64(), Some(1));
    }
}
