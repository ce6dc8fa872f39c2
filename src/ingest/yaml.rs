//! YAML → span-carrying [`Tree`]s, one per document, with hard bounds.
//!
//! Built on `saphyr-parser`'s event stream (a non-recursive parser), so deep nesting cannot
//! overflow the stack. Aliases stay references; the expanded size of every node is tracked so
//! that an alias bomb is rejected instead of being walked.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use crate::model::tree::{MAX_LEN, Mark, TreeBuilder};
use crate::model::{NodeId, SourceFile, Span, Tree};

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

/// An open collection: its node, how many children (items, or complete entries) it has so
/// far, and its expanded size.
enum Frame {
    Seq {
        id: NodeId,
        count: usize,
        size: u64,
    },
    /// `key` is set between a key and its value.
    Map {
        id: NodeId,
        count: usize,
        key: bool,
        size: u64,
    },
}

/// A completed node's expanded size is below this; an open one has it.
const OPEN: u32 = u32::MAX;

/// Builds one tree for all the documents of a file.
struct Builder<'s> {
    file: &'s SourceFile,
    ascii: bool,
    tree: TreeBuilder,
    roots: Vec<NodeId>,
    /// Where the tree stood when the current document began.
    mark: Mark,
    /// Expanded size of each node (capped past [`MAX_EXPANDED_NODES`]), [`OPEN`] while the
    /// node is still open.
    sizes: Vec<u32>,
    anchors: HashMap<usize, NodeId>,
    stack: Vec<Frame>,
    root: Option<NodeId>,
    /// Whether the document uses an alias (for the message when it grows too large).
    aliased: bool,
}

/// What a scalar event resolves to.
enum Scalar<'v> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'v str),
}

impl<'s> Builder<'s> {
    fn new(file: &'s SourceFile, ascii: bool) -> Self {
        let tree = TreeBuilder::new(Arc::clone(&file.text));
        Builder {
            file,
            ascii,
            mark: tree.mark(),
            tree,
            roots: Vec::new(),
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

    /// Records a pushed node's size and anchor.
    fn pushed(&mut self, id: NodeId, size: u32, anchor: usize) -> NodeId {
        self.sizes.push(size);
        if anchor > 0 {
            self.anchors.insert(anchor, id);
        }
        id
    }

    fn scalar(&mut self, value: Scalar<'_>, span: Span, anchor: usize) -> NodeId {
        let id = match value {
            Scalar::Null => self.tree.push_null(span),
            Scalar::Bool(b) => self.tree.push_bool(b, span),
            Scalar::Int(i) => self.tree.push_int(i, span),
            Scalar::Float(f) => self.tree.push_float(f, span),
            Scalar::Str(s) => self.tree.push_str(s, span),
        };
        self.pushed(id, 1, anchor)
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
            Some(Frame::Seq { count, size: s, .. }) => {
                *count += 1;
                *s = s.saturating_add(size);
                *s
            }
            Some(Frame::Map {
                count,
                key,
                size: s,
                ..
            }) => {
                // A key, then its value: the entry is complete.
                *count += usize::from(*key);
                *key = !*key;
                *s = s.saturating_add(size);
                *s
            }
        };
        if total > MAX_EXPANDED_NODES {
            return Err(self.too_large(span));
        }
        Ok(())
    }

    fn open(&mut self, map: bool, span: Span, anchor: usize) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels; rest of file skipped"),
            ));
        }
        let frame = if map {
            let id = self.tree.open_map(span);
            Frame::Map {
                id: self.pushed(id, OPEN, anchor),
                count: 0,
                key: false,
                size: 0,
            }
        } else {
            let id = self.tree.open_seq(span);
            Frame::Seq {
                id: self.pushed(id, OPEN, anchor),
                count: 0,
                size: 0,
            }
        };
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (id, count, size) = match frame {
            Frame::Seq { id, count, size } => (id, count, size),
            Frame::Map {
                id,
                count,
                key,
                size,
            } => {
                // A key without a value (`? key` alone) maps to null, pushed right after it.
                if key {
                    self.scalar(Scalar::Null, end, 0);
                }
                (id, count + usize::from(key), size)
            }
        };
        self.tree.close(id, count, end.end);
        let size = size.saturating_add(1);
        self.sizes[id.0 as usize] = size.min(MAX_EXPANDED_NODES + 1) as u32;
        let span = self.tree.span(id);
        self.attach(id, size, span)
    }

    /// Ends the current document: its root (if any) is kept, its anchors forgotten.
    fn end_document(&mut self) {
        self.roots.extend(self.root.take());
        self.anchors.clear();
        self.stack.clear();
        self.aliased = false;
        self.mark = self.tree.mark();
    }

    /// Drops the current (failed) document's nodes.
    fn abandon_document(&mut self) {
        self.tree.truncate(self.mark);
        self.sizes.truncate(self.tree.len());
        self.root = None;
    }
}

/// A file's documents before they are shared: the tree may still be changed (its spans
/// mapped somewhere else).
pub struct RawYaml {
    pub tree: Tree,
    pub roots: Vec<NodeId>,
    pub error: Option<YamlError>,
    pub nodes: usize,
}

impl RawYaml {
    pub fn finish(self) -> ParsedYaml {
        let tree = Arc::new(self.tree);
        ParsedYaml {
            documents: self
                .roots
                .into_iter()
                .map(|root| Document {
                    tree: Arc::clone(&tree),
                    root,
                })
                .collect(),
            error: self.error,
            nodes: self.nodes,
        }
    }
}

/// Parses every document of `file`. Never panics; stops at the first error.
pub fn parse(file: &SourceFile) -> ParsedYaml {
    parse_schema(file, false, MAX_FILE_NODES).finish()
}

/// Parses like [`parse`], reading at most `max_nodes` nodes (fewer than [`MAX_FILE_NODES`]
/// when the caller has a smaller budget left); `nodes` in the result tells if it was passed.
/// The tree is returned before it is shared.
pub fn parse_limited(file: &SourceFile, max_nodes: usize) -> RawYaml {
    parse_schema(file, false, max_nodes.min(MAX_FILE_NODES))
}

/// Parses like [`parse`], but with YAML 1.1's booleans as go-yaml v2 reads them (`yes`, `no`,
/// `on`, `off`, `y`, `n` unquoted): how Helm reads values files and `fromYaml` text.
pub fn parse_yaml11(file: &SourceFile) -> ParsedYaml {
    parse_schema(file, true, MAX_FILE_NODES).finish()
}

/// The message of a quoted string whose continuation lines are not indented enough.
const QUOTED_INDENT: &str = "invalid YAML: the continuation lines of this multi-line quoted string must be indented more than its key";

/// Parses as go-yaml (and so kubectl and Helm) does. The YAML 1.2 parser is stricter than
/// go-yaml about whitespace go-yaml does not check: the indentation of lines inside a flow
/// collection (a `]` back at its key's column) and of a quoted string's continuation lines,
/// and tabs after a `:` or leading a quoted continuation line. Where the parser stops for one
/// of these, the line is indented (or the tabs made spaces) in a copy of the text, which
/// changes no value there (such blanks fold away); the copy is parsed again, and every span
/// is mapped back to the original text.
fn parse_schema(file: &SourceFile, yaml11: bool, max_nodes: usize) -> RawYaml {
    let first = parse_text(file, yaml11, max_nodes);
    let Some(kind) = first.error.as_ref().and_then(lenient_kind) else {
        return first;
    };
    let mut text = file.text.to_string();
    // (offset in the original text, spaces inserted there), in order.
    let mut inserted: Vec<(usize, usize)> = Vec::new();
    let mut at = first.error.as_ref().map_or(0, |e| e.span.start);
    let mut kind = kind;
    let mut parsed_bytes = 0usize;
    let mut last: Option<RawYaml> = None;
    for _ in 0..MAX_LENIENT_FIXES {
        let pads = match kind {
            Lenient::Flow => pad_line(&text, at),
            Lenient::Quoted => pad_quoted(&text, at),
            Lenient::Tabs => {
                // Same length: no span moves.
                let tabs = tabs_before(&text, at);
                if tabs.is_empty() {
                    break;
                }
                // A tab and a space are both one ASCII byte: the text stays UTF-8.
                let mut bytes = std::mem::take(&mut text).into_bytes();
                for t in tabs {
                    bytes[t] = b' ';
                }
                text = String::from_utf8(bytes).unwrap_or_default();
                Vec::new()
            }
        };
        if pads.is_empty() && !matches!(kind, Lenient::Tabs) {
            break;
        }
        // Apply from the end, so earlier offsets stay valid.
        for &(pos, n) in pads.iter().rev() {
            text.insert_str(pos, &" ".repeat(n));
        }
        // The pads' offsets are in the text before them.
        let batch: Vec<(usize, usize)> = pads
            .iter()
            .map(|&(pos, n)| (to_original_offset(&inserted, pos), n))
            .collect();
        for (orig, n) in batch {
            let i = inserted.partition_point(|&(o, _)| o <= orig);
            inserted.insert(i, (orig, n));
        }
        parsed_bytes += text.len();
        if parsed_bytes > MAX_LENIENT_BYTES {
            break;
        }
        let copy = SourceFile::new(file.path.clone(), Arc::from(text.as_str()));
        let r = parse_text(&copy, yaml11, max_nodes);
        match r.error.as_ref().and_then(lenient_kind) {
            Some(k) => {
                at = r.error.as_ref().map_or(0, |e| e.span.start);
                kind = k;
                last = None;
            }
            None => {
                last = Some(r);
                break;
            }
        }
    }
    let Some(mut r) = last else {
        // Not an indentation go-yaml tolerates after all: the first error stands.
        return first;
    };
    let back = |s: Span| {
        Span::new(
            to_original_offset(&inserted, s.start),
            to_original_offset(&inserted, s.end),
        )
    };
    r.tree.map_spans(back);
    if let Some(e) = &mut r.error {
        e.span = back(e.span);
    }
    r
}

/// Most indentation fixes one file gets (each is a parse of the file).
const MAX_LENIENT_FIXES: usize = 256;
/// Most bytes the fixes of one file may parse again in all.
const MAX_LENIENT_BYTES: usize = 64 << 20;

/// The errors go-yaml would not raise (see [`parse_schema`]).
#[derive(Clone, Copy)]
enum Lenient {
    /// A line inside a flow collection, at the error.
    Flow,
    /// The continuation lines of the quoted string that starts at the error.
    Quoted,
    /// Tabs go-yaml reads as blanks: after a `:` (`key:\tvalue`), or leading a quoted
    /// string's continuation line.
    Tabs,
}

fn lenient_kind(e: &YamlError) -> Option<Lenient> {
    if e.message.starts_with(QUOTED_INDENT) {
        Some(Lenient::Quoted)
    } else if e.message == "invalid YAML: ':' must be followed by a valid YAML whitespace"
        || e.message == "invalid YAML: tab cannot be used as indentation"
    {
        Some(Lenient::Tabs)
    } else if e.message == "invalid YAML: invalid indentation"
        || e.message == "invalid YAML: invalid indentation in flow construct"
    {
        Some(Lenient::Flow)
    } else {
        None
    }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The tabs to read as spaces for an error at `at`: those right before it after a `:`, or
/// those that lead its line.
fn tabs_before(text: &str, at: usize) -> Vec<usize> {
    let at = at.min(text.len());
    let bytes = text.as_bytes();
    let mut i = at;
    let mut tabs = Vec::new();
    while i > 0 && matches!(bytes[i - 1], b'\t' | b' ') {
        i -= 1;
        if bytes[i] == b'\t' {
            tabs.push(i);
        }
    }
    // After a `:`, or at the start of a line; and at the error itself (a tab not yet read).
    let line_start = i == 0 || bytes[i - 1] == b'\n';
    if !(line_start || bytes[i - 1] == b':') {
        return Vec::new();
    }
    let mut j = at;
    while j < bytes.len() && matches!(bytes[j], b'\t' | b' ') {
        if bytes[j] == b'\t' {
            tabs.push(j);
        }
        j += 1;
    }
    tabs
}

/// Indents the line holding offset `at` past the line above it: `(line start, spaces)`.
fn pad_line(text: &str, at: usize) -> Vec<(usize, usize)> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if start == 0 {
        return Vec::new();
    }
    let line = text[start..].split('\n').next().unwrap_or("");
    let above = text[..start - 1]
        .rsplit('\n')
        .find(|l| !l.trim().is_empty())
        .map_or(0, indentation);
    let n = (above + 1).saturating_sub(indentation(line)).max(1);
    vec![(start, n)]
}

/// Indents the continuation lines of the quoted string starting at `at` past the line it
/// starts on: `(line start, spaces)` for each line that needs it.
fn pad_quoted(text: &str, at: usize) -> Vec<(usize, usize)> {
    let Some(quote) = text.get(at..).and_then(|t| t.chars().next()) else {
        return Vec::new();
    };
    if quote != '"' && quote != '\'' {
        return Vec::new();
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let want = indentation(&text[line_start..]) + 1;
    let mut pads = Vec::new();
    let bytes = text.as_bytes();
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == '"' => i += 1,
            b'\'' if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote as u8 => break,
            b'\n' => {
                let rest = &text[i + 1..];
                let line = rest.split('\n').next().unwrap_or("");
                let have = indentation(line);
                if !line.trim().is_empty() && have < want {
                    pads.push((i + 1, want - have));
                }
            }
            _ => {}
        }
        i += 1;
    }
    pads
}

/// The original offset of offset `pos` of the padded text (a position inside inserted
/// spaces maps to where they were inserted).
fn to_original_offset(inserted: &[(usize, usize)], pos: usize) -> usize {
    let mut shift = 0;
    for &(orig, n) in inserted {
        if orig + shift >= pos {
            break;
        }
        if pos < orig + shift + n {
            return orig;
        }
        shift += n;
    }
    pos - shift
}

fn parse_text(file: &SourceFile, yaml11: bool, max_nodes: usize) -> RawYaml {
    let text: &str = &file.text;
    let mut b = Builder::new(file, text.is_ascii());
    let mut error = None;
    let mut nodes = 0usize;
    if text.len() >= MAX_LEN {
        error = Some(b.error(
            Span::default(),
            format!("the file is larger than {MAX_LEN} bytes; it is not read"),
        ));
    }
    let mut parser = Parser::new_from_str(if error.is_none() { text } else { "" });
    while let Some(next) = parser.next_event() {
        let (event, raw_span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let at = b.offset(e.marker());
                let message = if e.info().contains("recursion limit") {
                    format!("nesting deeper than the parser's limit ({})", e.info())
                } else if e.info().contains("invalid indentation in quoted scalar") {
                    format!("{QUOTED_INDENT} (YAML 1.2 section 7.3)")
                } else {
                    format!("invalid YAML: {}", e.info())
                };
                error = Some(YamlError {
                    span: Span::new(at, at),
                    message,
                });
                break;
            }
        };
        let span = b.span(&raw_span);
        if matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        ) {
            nodes += 1;
            if nodes > max_nodes {
                error = Some(b.error(
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
                b.end_document();
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                let value = clip_at_end(b.tree.text(), span, style, value);
                let mut scalar = scalar_kind(&value, style, tag.as_deref());
                if yaml11 && style == ScalarStyle::Plain && tag.is_none() {
                    scalar = match value.as_ref() {
                        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
                            Scalar::Bool(true)
                        }
                        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                            Scalar::Bool(false)
                        }
                        v => go_yaml_v2_int(v).map_or(scalar, Scalar::Int),
                    };
                }
                let id = b.scalar(scalar, span, anchor);
                b.attach(id, 1, span)
            }
            Event::Alias(anchor) => {
                b.aliased = true;
                match b.anchors.get(&anchor).copied() {
                    None => Err(b.error(span, "alias refers to an unknown anchor")),
                    Some(target) => match b.sizes[target.0 as usize] {
                        OPEN => Err(b.error(span, "recursive alias: an anchor refers to itself")),
                        size => {
                            let id = b.tree.push_alias(target, span);
                            let id = b.pushed(id, size, 0);
                            b.attach(id, u64::from(size), span)
                        }
                    },
                }
            }
            Event::SequenceStart(anchor, _) => b.open(false, span, anchor),
            Event::MappingStart(anchor, _) => b.open(true, span, anchor),
            Event::SequenceEnd | Event::MappingEnd => b.close(span),
        };
        if let Err(e) = step {
            error = Some(e);
            break;
        }
    }
    if error.is_some() {
        b.abandon_document();
    }
    RawYaml {
        tree: b.tree.finish(),
        roots: b.roots,
        error,
        // Nodes read: at most the limit, plus one when it was passed.
        nodes,
    }
}

/// A block scalar (`|`, `>`, `|+`) that is the last thing in a file with no final line break
/// ends with no line break either, as go-yaml reads it (the YAML parser adds one).
fn clip_at_end<'v>(
    text: &str,
    span: Span,
    style: ScalarStyle,
    value: std::borrow::Cow<'v, str>,
) -> std::borrow::Cow<'v, str> {
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
        || text.ends_with('\n')
        || !value.ends_with('\n')
        || !text
            .get(span.end..)
            .is_some_and(|rest| rest.trim().is_empty())
    {
        return value;
    }
    let mut owned = value.into_owned();
    owned.pop();
    std::borrow::Cow::Owned(owned)
}

fn scalar_kind<'v>(value: &'v str, style: ScalarStyle, tag: Option<&Tag>) -> Scalar<'v> {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema() || t.handle == "!!") {
        return match tag.suffix.as_str() {
            "str" => Scalar::Str(value),
            "int" => value
                .trim()
                .parse()
                .map_or_else(|_| Scalar::Str(value), Scalar::Int),
            "bool" => plain_scalar(value),
            "null" => Scalar::Null,
            _ => plain_scalar(value),
        };
    }
    if style == ScalarStyle::Plain {
        plain_scalar(value)
    } else {
        Scalar::Str(value)
    }
}

/// go-yaml v2's integers (YAML 1.1): underscores dropped, then Go's `ParseInt(s, 0, 64)`, so
/// a leading `0` is octal (`0644` is 420) and `0b`, `0o`, `0x` prefixes are read.
fn go_yaml_v2_int(v: &str) -> Option<i64> {
    let first = v.bytes().next()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'+') {
        return None;
    }
    let plain = v.replace('_', "");
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let (radix, digits) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let n = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -n } else { n })
}

/// YAML 1.2 core schema resolution of a plain scalar, with go-yaml's integers.
fn plain_scalar(v: &str) -> Scalar<'_> {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    // Integers as go-yaml (v2 and v3: kubectl, the API server, kustomize) reads them: Go's
    // `ParseInt(s, 0, 64)` after dropping underscores, so `0644` is octal 420 (a file mode), not
    // YAML 1.2's 644.
    if let Some(i) = go_yaml_v2_int(v) {
        return Scalar::Int(i);
    }
    let looks_numeric = v
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && v.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Ok(f) = v.parse::<f64>() {
        return Scalar::Float(f);
    }
    Scalar::Str(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t.yaml".into(), Arc::from(text))
    }

    fn json_of(v: crate::model::Val<'_>) -> String {
        match v.kind() {
            NodeKind::Null => "null".into(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => f.to_string(),
            NodeKind::Str(s) => format!("{s:?}"),
            NodeKind::Seq(_) => {
                format!("[{}]", v.items().map(json_of).collect::<Vec<_>>().join(","))
            }
            NodeKind::Map(_) => format!(
                "{{{}}}",
                v.entries()
                    .into_iter()
                    .map(|(k, v)| format!("{k:?}:{}", json_of(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            NodeKind::Alias(_) => "alias".into(),
        }
    }

    /// Each place where go-yaml (kubectl, Helm) does not check indentation and a YAML 1.2
    /// parser does: read as go-yaml reads it (the same values are compared with Helm itself in
    /// the `yaml-go-leniency` fixture chart), with spans into the original text.
    #[test]
    fn indentation_go_yaml_does_not_check() {
        let cases: &[(&str, &[&str], &str, &str)] = &[
            // (text, path to a value, its JSON, the text its field span covers: the key and
            // a scalar value, or the key alone for a collection)
            ("k: [\n  \"x\",\n  \"y\"\n]\nz: 1\n", &["z"], "1", "z: 1"),
            (
                "spec:\n  match:\n    - ex: [\n        \"a\"\n      ]\n      p: [\"audit\"]\n",
                &["spec", "match"],
                r#"[{"ex":["a"],"p":["audit"]}]"#,
                "match",
            ),
            ("k: [\n\"x\",\n\"y\"]\n", &["k"], r#"["x","y"]"#, "k"),
            (
                "data:\n  k: {\n  a: b,\n  c: [1,\n2]\n}\n",
                &["data", "k", "c"],
                "[1,2]",
                "c",
            ),
            (
                "data:\n  m: 'a long\n  line'\n  n: 1\n",
                &["data", "m"],
                r#""a long line""#,
                "m: 'a long\n  line'",
            ),
            (
                "data:\n  m: \"a \\\"q\\\"\n  b\"\n  n: 2\n",
                &["data", "n"],
                "2",
                "n: 2",
            ),
        ];
        for (text, path, json, field) in cases {
            let f = file(text);
            let p = parse(&f);
            assert!(p.error.is_none(), "{text:?}: {:?}", p.error);
            let d = &p.documents[0];
            let v = d
                .tree
                .val(d.root)
                .path(path)
                .unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(json_of(v), *json, "{text:?}");
            let span = v.field_span();
            assert_eq!(&f.text[span.start..span.end], *field, "{text:?}");
        }
        // Tabs go-yaml reads as blanks: after a `:`, and leading a quoted continuation line.
        for (text, want) in [
            ("a:\tb\n", r#"{"a":"b"}"#),
            ("a: \"x\n\ty\"\n", r#"{"a":"x y"}"#),
        ] {
            let p = parse(&file(text));
            assert!(p.error.is_none(), "{text:?}: {:?}", p.error);
            let d = &p.documents[0];
            assert_eq!(json_of(d.tree.val(d.root)), want, "{text:?}");
        }
        // Indentation go-yaml checks too (block context), and unclosed flows, stay errors.
        for text in [
            "a:\n  b: 1\n c: 2\n",
            "a: b\n  c: d\n",
            "k: [1, 2\n",
            "a:\n  - 1\n - 2\n",
            "a:\n\tb: 1\n",
            "a:\t\tb: c\n",
        ] {
            assert!(parse(&file(text)).error.is_some(), "{text:?}");
        }
        // The error of a file that is wrong elsewhere is located in the original text.
        let f = file("k: [\n\"x\"]\nz: [\n");
        let e = parse(&f).error.expect("unclosed");
        assert!(e.span.start <= f.text.len());
    }

    #[test]
    fn yaml11_integers_as_go_yaml_v2_reads_them() {
        let f = file(
            "a: 0644\nb: 0o644\nc: 0x1F\nd: 1_000\ne: -010\nf: 0b101\ng: 08\nh: \"0644\"\ni: 1.5\n",
        );
        let p = parse_yaml11(&f);
        let d = &p.documents[0];
        assert_eq!(
            json_of(d.tree.val(d.root)),
            r#"{"a":420,"b":420,"c":31,"d":1000,"e":-8,"f":5,"g":8,"h":"0644","i":1.5}"#
        );
        // Kubernetes manifests too: kubectl (sigs.k8s.io/yaml, go-yaml v2) and kustomize (go-yaml
        // v3) both read a leading 0 as octal (`kubectl kustomize` prints `defaultMode: 0755` as
        // 493).
        let p = parse(&file("a: 0644\nb: 1_000\nc: 0\nd: 08\n"));
        let d = &p.documents[0];
        assert_eq!(
            json_of(d.tree.val(d.root)),
            r#"{"a":420,"b":1000,"c":0,"d":8}"#
        );
    }

    #[test]
    fn a_block_scalar_at_the_end_of_a_file_without_a_line_break_keeps_none() {
        let value = |text: &str| {
            let file = SourceFile::new("t.yaml".into(), Arc::from(text));
            let parsed = parse(&file);
            let d = &parsed.documents[0];
            d.tree
                .val(d.root)
                .get("a")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(value("a: |\n  x\n  y"), "x\ny");
        assert_eq!(value("a: |\n  x\n  y\n"), "x\ny\n");
        assert_eq!(value("a: >\n  x\n  y"), "x y");
        assert_eq!(value("a: |+\n  x\n  y"), "x\ny");
        assert_eq!(value("a: |-\n  x\n  y"), "x\ny");
        assert_eq!(value("a: |\n  x\nb: 1"), "x\n");
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

    /// Children are found by stepping over subtrees: nested collections, a collection as a
    /// key, and a key without a value.
    #[test]
    fn children_step_over_subtrees() {
        let yaml = "a: {b: [1, [2, 3]], c: 4}\n? [k1, k2]\n: v\n? lone\nz: [{}, []]\n";
        let parsed = parse(&file(yaml));
        let doc = &parsed.documents[0];
        let root = doc.tree.val(doc.root);
        let entries = root.raw_entries();
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(
            keys,
            [
                Some("a".into()),
                None,
                Some("lone".into()),
                Some("z".into())
            ]
        );
        assert_eq!(root.path(&["a", "c"]).unwrap().as_i64(), Some(4));
        let b: Vec<_> = root
            .path(&["a", "b"])
            .unwrap()
            .items()
            .map(|v| v.kind())
            .collect();
        assert_eq!(b.len(), 2);
        let inner: Vec<_> = root
            .path(&["a", "b"])
            .unwrap()
            .items()
            .nth(1)
            .unwrap()
            .items()
            .map(|v| v.as_i64())
            .collect();
        assert_eq!(inner, [Some(2), Some(3)]);
        assert_eq!(entries[1].1.as_str(), Some("v"));
        assert!(root.get("lone").unwrap().is_null());
        assert_eq!(root.get("z").unwrap().items().count(), 2);
    }
}
