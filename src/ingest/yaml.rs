//! YAML → span-carrying [`Tree`]s, one per document, with hard bounds.
//!
//! Built on `saphyr-parser`'s event stream (a non-recursive parser), so deep nesting cannot
//! overflow the stack. Aliases stay references; the expanded size of every node is tracked so
//! that an alias bomb is rejected instead of being walked.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use crate::model::{NodeId, NodeKind, SourceFile, Span, Tree};

/// Deepest nesting of collections accepted in one document.
pub const MAX_DEPTH: usize = 256;
/// Most nodes one document may expand to once aliases are followed.
pub const MAX_EXPANDED_NODES: u64 = 1_000_000;
/// Most nodes one file (all its documents) may hold: about 100 bytes of memory each.
pub const MAX_FILE_NODES: usize = 2_000_000;

/// One parsed document: its tree and root.
#[derive(Debug)]
pub struct Document {
    pub tree: Arc<Tree>,
    pub root: NodeId,
}

/// Why (part of) a file could not be read as YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

/// Every complete document before the first error, and that error.
#[derive(Debug, Default)]
pub struct ParsedYaml {
    pub documents: Vec<Document>,
    pub error: Option<YamlError>,
    /// Nodes read (at most the limit the parse was given, plus one when it was passed).
    pub nodes: usize,
}

enum Frame {
    Seq {
        id: NodeId,
        items: Vec<NodeId>,
        size: u64,
    },
    Map {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        key: Option<NodeId>,
        size: u64,
    },
}

struct Builder<'s> {
    file: &'s SourceFile,
    ascii: bool,
    tree: Tree,
    /// Expanded size of each completed node; `None` while the node is still open.
    sizes: Vec<Option<u64>>,
    anchors: HashMap<usize, NodeId>,
    stack: Vec<Frame>,
    root: Option<NodeId>,
    /// Whether the document uses an alias (for the message when it grows too large).
    aliased: bool,
}

impl<'s> Builder<'s> {
    fn new(file: &'s SourceFile, ascii: bool) -> Self {
        Builder {
            file,
            ascii,
            tree: Tree::default(),
            sizes: Vec::new(),
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
            aliased: false,
        }
    }

    fn offset(&self, m: &Marker) -> usize {
        if self.ascii {
            m.index().min(self.file.text.len())
        } else {
            self.file.offset_of(m.line(), m.col())
        }
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        Span::new(self.offset(&s.start), self.offset(&s.end))
    }

    fn error(&self, span: Span, message: impl Into<String>) -> YamlError {
        YamlError {
            span,
            message: message.into(),
        }
    }

    fn push(&mut self, kind: NodeKind, span: Span, size: Option<u64>, anchor: usize) -> NodeId {
        let id = self.tree.push(kind, span);
        self.sizes.push(size);
        if anchor > 0 {
            self.anchors.insert(anchor, id);
        }
        id
    }

    /// The error for a document past [`MAX_EXPANDED_NODES`].
    fn too_large(&self, span: Span) -> YamlError {
        self.error(
            span,
            if self.aliased {
                format!(
                    "alias expansion would produce more than {MAX_EXPANDED_NODES} nodes (an alias bomb?); document skipped"
                )
            } else {
                format!("document holds more than {MAX_EXPANDED_NODES} nodes; document skipped")
            },
        )
    }

    /// Attaches a completed node to its parent (or makes it the document root). The open
    /// collection's size is checked as it grows, so a huge one fails before it is built.
    fn attach(&mut self, id: NodeId, size: u64, span: Span) -> Result<(), YamlError> {
        if size > MAX_EXPANDED_NODES {
            return Err(self.too_large(span));
        }
        let total = match self.stack.last_mut() {
            None => {
                self.root = Some(id);
                0
            }
            Some(Frame::Seq { items, size: s, .. }) => {
                items.push(id);
                *s = s.saturating_add(size);
                *s
            }
            Some(Frame::Map {
                entries,
                key,
                size: s,
                ..
            }) => {
                match key.take() {
                    None => *key = Some(id),
                    Some(k) => entries.push((k, id)),
                }
                *s = s.saturating_add(size);
                *s
            }
        };
        if total > MAX_EXPANDED_NODES {
            return Err(self.too_large(span));
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels; rest of file skipped"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (id, kind, size) = match frame {
            Frame::Seq { id, items, size } => (id, NodeKind::Seq(items), size),
            Frame::Map {
                id,
                entries,
                key,
                size,
            } => {
                let mut entries = entries;
                // A key without a value (`? key` alone) maps to null.
                if let Some(k) = key {
                    let null = self.push(NodeKind::Null, end, Some(1), 0);
                    entries.push((k, null));
                }
                (id, NodeKind::Map(entries), size)
            }
        };
        let size = size.saturating_add(1);
        let node = self.tree.node_mut(id);
        node.kind = kind;
        node.span = Span::new(node.span.start, end.end.max(node.span.start));
        self.sizes[id.0 as usize] = Some(size);
        let span = self.tree.node(id).span;
        self.attach(id, size, span)
    }

    fn finish(self) -> Option<Document> {
        let root = self.root?;
        Some(Document {
            tree: Arc::new(self.tree),
            root,
        })
    }
}

/// Parses every document of `file`. Never panics; stops at the first error.
pub fn parse(file: &SourceFile) -> ParsedYaml {
    parse_schema(file, false, MAX_FILE_NODES)
}

/// Parses like [`parse`], reading at most `max_nodes` nodes (fewer than [`MAX_FILE_NODES`]
/// when the caller has a smaller budget left); `nodes` in the result tells if it was passed.
pub fn parse_limited(file: &SourceFile, max_nodes: usize) -> ParsedYaml {
    parse_schema(file, false, max_nodes.min(MAX_FILE_NODES))
}

/// Parses like [`parse`], but with YAML 1.1's booleans as go-yaml v2 reads them (`yes`, `no`,
/// `on`, `off`, `y`, `n` unquoted): how Helm reads values files and `fromYaml` text.
pub fn parse_yaml11(file: &SourceFile) -> ParsedYaml {
    parse_schema(file, true, MAX_FILE_NODES)
}

fn parse_schema(file: &SourceFile, yaml11: bool, max_nodes: usize) -> ParsedYaml {
    let text: &str = &file.text;
    let ascii = text.is_ascii();
    let mut out = ParsedYaml::default();
    let mut parser = Parser::new_from_str(text);
    let mut builder: Option<Builder> = None;
    let mut nodes = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, raw_span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let b = Builder::new(file, ascii);
                let at = b.offset(e.marker());
                let message = if e.info().contains("recursion limit") {
                    format!("nesting deeper than the parser's limit ({})", e.info())
                } else if e.info().contains("invalid indentation in quoted scalar") {
                    "invalid YAML: the continuation lines of this multi-line quoted string must be indented more than its key (YAML 1.2 section 7.3; go-yaml tolerates this, spoflint does not)".to_string()
                } else {
                    format!("invalid YAML: {}", e.info())
                };
                out.error = Some(YamlError {
                    span: Span::new(at, at),
                    message,
                });
                break;
            }
        };
        let b = builder.get_or_insert_with(|| Builder::new(file, ascii));
        let span = b.span(&raw_span);
        if matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        ) {
            nodes += 1;
            out.nodes = nodes;
            if nodes > max_nodes {
                out.error = Some(b.error(
                    span,
                    format!(
                        "the file holds more than {max_nodes} YAML nodes; the rest of it is skipped"
                    ),
                ));
                break;
            }
        }
        let step = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentStart(_) => Ok(()),
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                if let Some(doc) = builder.take().and_then(Builder::finish) {
                    out.documents.push(doc);
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                let mut kind = scalar_kind(&value, style, tag.as_deref());
                if yaml11 && style == ScalarStyle::Plain && tag.is_none() {
                    kind = match value.as_ref() {
                        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
                            NodeKind::Bool(true)
                        }
                        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                            NodeKind::Bool(false)
                        }
                        _ => kind,
                    };
                }
                let id = b.push(kind, span, Some(1), anchor);
                b.attach(id, 1, span)
            }
            Event::Alias(anchor) => {
                b.aliased = true;
                match b.anchors.get(&anchor).copied() {
                    None => Err(b.error(span, "alias refers to an unknown anchor")),
                    Some(target) => match b.sizes[target.0 as usize] {
                        None => Err(b.error(span, "recursive alias: an anchor refers to itself")),
                        Some(size) => {
                            let id = b.push(NodeKind::Alias(target), span, Some(size), 0);
                            b.attach(id, size, span)
                        }
                    },
                }
            }
            Event::SequenceStart(anchor, _) => {
                let id = b.push(NodeKind::Seq(Vec::new()), span, None, anchor);
                b.open(
                    Frame::Seq {
                        id,
                        items: Vec::new(),
                        size: 0,
                    },
                    span,
                )
            }
            Event::MappingStart(anchor, _) => {
                let id = b.push(NodeKind::Map(Vec::new()), span, None, anchor);
                b.open(
                    Frame::Map {
                        id,
                        entries: Vec::new(),
                        key: None,
                        size: 0,
                    },
                    span,
                )
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(span),
        };
        if let Err(e) = step {
            out.error = Some(e);
            break;
        }
    }
    out
}

fn scalar_kind(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> NodeKind {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema() || t.handle == "!!") {
        return match tag.suffix.as_str() {
            "str" => NodeKind::Str(value.to_string()),
            "int" => value
                .trim()
                .parse()
                .map_or_else(|_| NodeKind::Str(value.to_string()), NodeKind::Int),
            "bool" => plain_scalar(value),
            "null" => NodeKind::Null,
            _ => plain_scalar(value),
        };
    }
    if style == ScalarStyle::Plain {
        plain_scalar(value)
    } else {
        NodeKind::Str(value.to_string())
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain_scalar(v: &str) -> NodeKind {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        _ => {}
    }
    let int = if let Some(hex) = v.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = v.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if v
        .strip_prefix(['-', '+'])
        .unwrap_or(v)
        .bytes()
        .all(|b| b.is_ascii_digit())
    {
        v.parse().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return NodeKind::Int(i);
    }
    let looks_numeric = v
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && v.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Ok(f) = v.parse::<f64>() {
        return NodeKind::Float(f);
    }
    NodeKind::Str(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t.yaml".into(), Arc::from(text))
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let f = file("a: 1\nb:\n  c: \"x\"\n");
        let p = parse(&f);
        assert!(p.error.is_none());
        let d = &p.documents[0];
        let root = d.tree.val(d.root);
        let c = root.path(&["b", "c"]).unwrap();
        assert_eq!(c.as_str(), Some("x"));
        assert_eq!(
            &f.text[c.field_span().start..c.field_span().end],
            "c: \"x\""
        );
        let a = root.get("a").unwrap();
        assert_eq!(a.as_i64(), Some(1));
        assert_eq!(&f.text[a.field_span().start..a.field_span().end], "a: 1");
    }

    #[test]
    fn multibyte_spans() {
        let f = file("é: ü\nreplicas: 2\n");
        let p = parse(&f);
        let d = &p.documents[0];
        let r = d.tree.val(d.root).get("replicas").unwrap();
        let s = r.field_span();
        assert_eq!(&f.text[s.start..s.end], "replicas: 2");
    }

    #[test]
    fn merge_keys_and_aliases() {
        let f = file("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nref: *b\n");
        let p = parse(&f);
        let d = &p.documents[0];
        let root = d.tree.val(d.root);
        assert_eq!(root.path(&["m", "x"]).unwrap().as_i64(), Some(1));
        assert_eq!(root.path(&["m", "y"]).unwrap().as_i64(), Some(3));
        assert_eq!(root.path(&["ref", "y"]).unwrap().as_i64(), Some(2));
        let keys: Vec<_> = root
            .get("m")
            .unwrap()
            .entries()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["y", "x"]);
    }

    #[test]
    fn multi_document_and_scalars() {
        let f = file("a: yes\nb: 0x10\nc: '1'\nd: 1.5\ne: ~\n---\nx: 1\n");
        let p = parse(&f);
        assert_eq!(p.documents.len(), 2);
        let root = p.documents[0].tree.val(p.documents[0].root);
        assert_eq!(root.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(root.get("b").unwrap().as_i64(), Some(16));
        assert_eq!(root.get("c").unwrap().as_str(), Some("1"));
        assert!(matches!(root.get("d").unwrap().kind(), NodeKind::Float(_)));
        assert!(root.get("e").unwrap().is_null());
    }

    #[test]
    fn alias_bomb_is_rejected() {
        let mut s = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..9 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            s.push_str(&format!(
                "{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let p = parse(&file(&s));
        assert!(p.error.unwrap().message.contains("alias"));
        assert!(p.documents.is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let s = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let p = parse(&file(&s));
        assert!(p.error.unwrap().message.contains("nesting deeper"));
    }

    #[test]
    fn invalid_yaml_reports_location() {
        let f = file("a: 1\nb: [1, 2\nc: 3\n");
        let p = parse(&f);
        let e = p.error.unwrap();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(f.line_col(e.span.start).line >= 2);
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let p = parse(&file("a: &a [*a]\n"));
        assert!(p.error.is_some());
    }
}
