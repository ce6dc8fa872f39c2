//! `configMapGenerator` and `secretGenerator`: objects made from literals and files, named with
//! kustomize's content hash.
//!
//! As kustomize v5.5 makes them (`api/kv`, `api/internal/generators`, `api/hasher`):
//! - data comes from `envs` (then the older `env`), then `literals`, then `files`; a key twice
//!   is an error; keys are not validated (kustomize's validator accepts anything);
//! - a literal is `KEY=VALUE` (one pair of surrounding quotes removed from the value); a file
//!   source is `[KEY=]PATH`, the key defaulting to the path's last element;
//! - an env file has one `KEY[=VALUE]` a line: leading blanks, empty lines and `#` comments
//!   skipped, nothing trimmed after the key, a line without `=` giving an empty value, a line
//!   with an empty key skipped, a UTF-8 byte order mark dropped from the first line, and
//!   reading stopping silently at a line of 64 KiB or more (Go's line scanner);
//! - a ConfigMap keeps text in `data` and anything else, base64-encoded, in `binaryData`; a
//!   Secret base64-encodes everything into `data` (lines of 70 characters) and has a `type`
//!   (`Opaque` by default);
//! - the entry's `options` and the kustomization's `generatorOptions` are merged (the entry's
//!   labels and annotations win; `disableNameSuffixHash` and `immutable` are on when either
//!   sets them).
//!
//! The name hash is not added here: kustomize adds it at the very end of the build, over the
//! final name and data (after prefixes, patches and merges), which [`add_name_hash`] does.

use std::sync::Arc;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::value::{Loc, Node, V};
use crate::model::{SourceId, Span};

/// Most data entries one generator may make.
pub const MAX_ENTRIES: usize = 1_000;
/// Most bytes of keys and values (before base64) one generated object may hold.
pub const MAX_BYTES: usize = 1 << 20;

/// Which generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    ConfigMap,
    Secret,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Kind::ConfigMap => "configMapGenerator",
            Kind::Secret => "secretGenerator",
        }
    }
}

/// An entry's `behavior`: what to do when the build already has an object with its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// Not given, or not one of the three words (kustomize treats it as `create`).
    Unspecified,
    Create,
    Replace,
    Merge,
}

impl Behavior {
    fn parse(s: &str) -> Behavior {
        match s {
            "create" => Behavior::Create,
            "replace" => Behavior::Replace,
            "merge" => Behavior::Merge,
            _ => Behavior::Unspecified,
        }
    }
}

/// A generated object, before its name hash.
#[derive(Clone, Debug)]
pub struct Generated {
    pub object: Node,
    pub behavior: Behavior,
    /// Whether kustomize appends the content hash to the name at the end of the build
    /// (`disableNameSuffixHash` not set).
    pub needs_hash: bool,
}

/// Reads a file given by a path relative to the kustomization's directory: its text and the
/// source it was registered as.
pub type Read<'a> = dyn Fn(&str) -> Result<(SourceId, Arc<str>), String> + 'a;

/// A file as [`generate_with`]'s reader gives it.
pub enum File {
    /// UTF-8 text, registered as `SourceId`.
    Text(SourceId, Arc<str>),
    /// Anything else (a ConfigMap keeps it in `binaryData`).
    Bytes(Vec<u8>),
}

/// Makes the object one `configMapGenerator` / `secretGenerator` entry describes. `entry` is
/// the list item of the kustomization, `options` its `generatorOptions` (if any), and `read`
/// reads the files the entry names (text, or bytes for files that are not UTF-8 text).
pub fn generate_with(
    kind: Kind,
    entry: &Node,
    options: Option<&Node>,
    read: &dyn Fn(&str) -> Result<File, String>,
) -> Result<Generated, String> {
    if !entry.is_map() {
        return Err(format!("{}: an entry must be a mapping", kind.field()));
    }
    let name_node = entry.get("name");
    let name = match name_node.map(|n| &n.v) {
        Some(V::Str(s)) if !s.is_empty() => s.clone(),
        Some(V::Str(_) | V::Null) | None => {
            return Err(format!("{}: a configmap must have a name", kind.field()));
        }
        Some(_) => return Err(format!("{}: name must be a string", kind.field())),
    };
    let what = format!("{} {name}", kind.field());
    let header = name_node.and_then(|n| n.at).or(entry.at);
    let opts = Options::merged(entry.get("options"), options, &what)?;
    let namespace = optional_str(entry, "namespace", &what)?;
    let behavior = optional_str(entry, "behavior", &what)?.map_or(Behavior::Unspecified, |n| {
        Behavior::parse(n.as_str().unwrap_or(""))
    });

    let pairs = load_pairs(entry, &name, &what, read)?;

    let mut meta = vec![(
        "name".to_string(),
        name_node
            .cloned()
            .unwrap_or_else(|| Node::str(&name, header)),
    )];
    if let Some(ns) = namespace.filter(|n| n.as_str().is_some_and(|s| !s.is_empty())) {
        meta.push(("namespace".to_string(), ns.clone()));
    }
    if !opts.labels.is_empty() {
        meta.push((
            "labels".to_string(),
            Node::located(V::Map(opts.labels), header),
        ));
    }
    if !opts.annotations.is_empty() {
        meta.push((
            "annotations".to_string(),
            Node::located(V::Map(opts.annotations), header),
        ));
    }
    let mut object = vec![
        ("apiVersion".to_string(), Node::str("v1", header)),
        ("kind".to_string(), Node::str(kind.name(), header)),
        ("metadata".to_string(), Node::located(V::Map(meta), header)),
    ];
    let mut data = Vec::new();
    let mut binary = Vec::new();
    for p in pairs {
        match (kind, p.value) {
            (Kind::ConfigMap, Value::Text(t)) => data.push((p.key, Node::str(t, p.at))),
            (Kind::ConfigMap, Value::Bytes(b)) => {
                binary.push((p.key, Node::str(encode_base64(&b), p.at)))
            }
            (Kind::Secret, v) => data.push((p.key, Node::str(encode_base64(v.bytes()), p.at))),
        }
    }
    if kind == Kind::Secret {
        let ty = match optional_str(entry, "type", &what)? {
            Some(t) if t.as_str().is_some_and(|s| !s.is_empty()) => t.clone(),
            _ => Node::str("Opaque", header),
        };
        object.push(("type".to_string(), ty));
    }
    data.sort_by(|a, b| a.0.cmp(&b.0));
    binary.sort_by(|a, b| a.0.cmp(&b.0));
    if !data.is_empty() || kind == Kind::Secret {
        object.push(("data".to_string(), Node::located(V::Map(data), header)));
    }
    if !binary.is_empty() {
        object.push((
            "binaryData".to_string(),
            Node::located(V::Map(binary), header),
        ));
    }
    if let Some(at) = opts.immutable {
        object.push(("immutable".to_string(), Node::located(V::Bool(true), at)));
    }
    Ok(Generated {
        object: Node::located(V::Map(object), header),
        behavior,
        needs_hash: !opts.disable_hash,
    })
}

/// `field` of `entry` when it is a string (or absent or null); an error for another type.
fn optional_str<'a>(entry: &'a Node, field: &str, what: &str) -> Result<Option<&'a Node>, String> {
    match entry.get(field) {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) if n.as_str().is_some() => Ok(Some(n)),
        Some(_) => Err(format!("{what}: {field} must be a string")),
    }
}

/// The strings of the list `field` of `entry` (none when absent or null).
fn str_list<'a>(entry: &'a Node, field: &str, what: &str) -> Result<Vec<&'a Node>, String> {
    let Some(list) = entry.get(field).filter(|n| !n.is_null()) else {
        return Ok(Vec::new());
    };
    let V::Seq(items) = &list.v else {
        return Err(format!("{what}: {field} must be a list of strings"));
    };
    if items.len() > MAX_ENTRIES {
        return Err(format!("{what}: more than {MAX_ENTRIES} {field}"));
    }
    items
        .iter()
        .map(|i| {
            i.as_str()
                .map(|_| i)
                .ok_or_else(|| format!("{what}: {field} must be a list of strings"))
        })
        .collect()
}

/// Generator options: an entry's, with the kustomization's merged in.
struct Options {
    labels: Vec<(String, Node)>,
    annotations: Vec<(String, Node)>,
    disable_hash: bool,
    /// Where `immutable: true` was set.
    immutable: Option<Option<Loc>>,
}

impl Options {
    fn merged(local: Option<&Node>, global: Option<&Node>, what: &str) -> Result<Options, String> {
        let mut opts = Options {
            labels: Vec::new(),
            annotations: Vec::new(),
            disable_hash: false,
            immutable: None,
        };
        for (i, node) in [local, global].into_iter().enumerate() {
            let Some(node) = node.filter(|n| !n.is_null()) else {
                continue;
            };
            let place = if i == 0 {
                "options"
            } else {
                "generatorOptions"
            };
            if !node.is_map() {
                return Err(format!("{what}: {place} must be a mapping"));
            }
            string_map(node.get("labels"), &mut opts.labels, what, place, "labels")?;
            string_map(
                node.get("annotations"),
                &mut opts.annotations,
                what,
                place,
                "annotations",
            )?;
            if let Some(b) = flag(node.get("disableNameSuffixHash"), what, place)? {
                opts.disable_hash |= b.0;
            }
            if let Some((true, at)) = flag(node.get("immutable"), what, place)?
                && opts.immutable.is_none()
            {
                opts.immutable = Some(at);
            }
        }
        opts.labels.sort_by(|a, b| a.0.cmp(&b.0));
        opts.annotations.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(opts)
    }
}

/// Adds the entries of the string map `node` that `into` does not have yet.
fn string_map(
    node: Option<&Node>,
    into: &mut Vec<(String, Node)>,
    what: &str,
    place: &str,
    field: &str,
) -> Result<(), String> {
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Ok(());
    };
    if !node.is_map() {
        return Err(format!("{what}: {place}.{field} must be a mapping"));
    }
    for (k, v) in node.entries() {
        let value = match &v.v {
            V::Str(_) => v.clone(),
            V::Null => Node {
                v: V::Str(String::new()),
                ..v.clone()
            },
            _ => {
                return Err(format!(
                    "{what}: {place}.{field}.{k} must be a string (quote it)"
                ));
            }
        };
        if !into.iter().any(|(e, _)| e == k) {
            into.push((k.clone(), value));
        }
    }
    Ok(())
}

/// A boolean option, and where it was set.
fn flag(
    node: Option<&Node>,
    what: &str,
    place: &str,
) -> Result<Option<(bool, Option<Loc>)>, String> {
    match node.map(|n| (&n.v, n.at)) {
        None | Some((V::Null, _)) => Ok(None),
        Some((V::Bool(b), at)) => Ok(Some((*b, at))),
        Some(_) => Err(format!("{what}: {place} flags must be true or false")),
    }
}

/// A data value: text, or bytes that are not UTF-8.
enum Value {
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    fn bytes(&self) -> &[u8] {
        match self {
            Value::Text(t) => t.as_bytes(),
            Value::Bytes(b) => b,
        }
    }
}

struct Pair {
    key: String,
    value: Value,
    at: Option<Loc>,
}

/// The pairs of the entry's sources, in kustomize's order (env files, literals, files),
/// checked for repeated keys and against the bounds.
fn load_pairs(
    entry: &Node,
    name: &str,
    what: &str,
    read: &dyn Fn(&str) -> Result<File, String>,
) -> Result<Vec<Pair>, String> {
    let mut pairs: Vec<Pair> = Vec::new();
    let mut bytes = 0usize;
    let mut push = |pairs: &mut Vec<Pair>, p: Pair| -> Result<(), String> {
        if pairs.len() >= MAX_ENTRIES {
            return Err(format!("{what}: more than {MAX_ENTRIES} entries"));
        }
        bytes += p.key.len() + p.value.bytes().len();
        if bytes > MAX_BYTES {
            return Err(format!("{what}: more than {MAX_BYTES} bytes of data"));
        }
        if pairs.iter().any(|q| q.key == p.key) {
            return Err(format!(
                "configmap {name} illegally repeats the key `{}`",
                p.key
            ));
        }
        pairs.push(p);
        Ok(())
    };
    let read_file = |path: &str| -> Result<File, String> {
        let file = read(path).map_err(|e| format!("{what}: {e}"))?;
        let len = match &file {
            File::Text(_, t) => t.len(),
            File::Bytes(b) => b.len(),
        };
        if len > MAX_BYTES {
            return Err(format!("{what}: {path} is larger than {MAX_BYTES} bytes"));
        }
        Ok(file)
    };

    let mut envs = str_list(entry, "envs", what)?;
    if let Some(env) = optional_str(entry, "env", what)?.filter(|n| n.as_str() != Some("")) {
        envs.push(env);
    }
    for env in envs {
        let path = env.as_str().unwrap_or_default();
        let (source, text): (Option<SourceId>, &[u8]);
        let file = read_file(path)?;
        match &file {
            File::Text(id, t) => {
                source = Some(*id);
                text = t.as_bytes();
            }
            File::Bytes(b) => {
                source = None;
                text = b;
            }
        }
        for line in env_lines(text) {
            let (key, value, span) = line.map_err(|e| format!("{what}: {path}: {e}"))?;
            let at = match source {
                Some(id) => Some(Loc::at(id, span)),
                None => env.at,
            };
            push(
                &mut pairs,
                Pair {
                    key,
                    value: Value::Text(value),
                    at,
                },
            )?;
        }
    }
    for lit in str_list(entry, "literals", what)? {
        let (key, value) =
            literal(lit.as_str().unwrap_or_default()).map_err(|e| format!("{what}: {e}"))?;
        push(
            &mut pairs,
            Pair {
                key,
                value: Value::Text(value),
                at: lit.at,
            },
        )?;
    }
    for src in str_list(entry, "files", what)? {
        let (key, path) =
            file_source(src.as_str().unwrap_or_default()).map_err(|e| format!("{what}: {e}"))?;
        let value = match read_file(&path)? {
            File::Text(_, t) => Value::Text(t.to_string()),
            File::Bytes(b) => match String::from_utf8(b) {
                Ok(t) => Value::Text(t),
                Err(e) => Value::Bytes(e.into_bytes()),
            },
        };
        push(
            &mut pairs,
            Pair {
                key,
                value,
                at: src.at,
            },
        )?;
    }
    Ok(pairs)
}

/// Go's `bufio.Scanner` line limit: a line this long or longer ends the reading.
const MAX_LINE: usize = 64 * 1024;

/// The `KEY=VALUE` pairs of an env file, each with the span of its line (from its key).
fn env_lines(text: &[u8]) -> impl Iterator<Item = Result<(String, String, Span), String>> + '_ {
    let mut start = 0usize;
    let mut number = 0usize;
    std::iter::from_fn(move || {
        loop {
            if start >= text.len() {
                return None;
            }
            let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
            let line_start = start;
            start = end + 1;
            if end - line_start >= MAX_LINE {
                start = text.len();
                return None;
            }
            let mut line = &text[line_start..end];
            if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            let first = number == 0;
            number += 1;
            let Ok(mut line) = std::str::from_utf8(line) else {
                start = text.len();
                return Some(Err(format!(
                    "line {} has invalid utf8 bytes",
                    String::from_utf8_lossy(line)
                )));
            };
            let mut offset = line_start;
            if first && let Some(l) = line.strip_prefix('\u{feff}') {
                line = l;
                offset += 3;
            }
            let trimmed = line.trim_start();
            offset += line.len() - trimmed.len();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (key, value) = trimmed.split_once('=').unwrap_or((trimmed, ""));
            if key.is_empty() {
                continue;
            }
            let span = Span::new(offset, offset + trimmed.len());
            return Some(Ok((key.to_string(), value.to_string(), span)));
        }
    })
}

/// `KEY=VALUE`: the value without one pair of surrounding quotes.
fn literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            let b = value.as_bytes();
            let value = if b.len() >= 2 && b[0] == b[b.len() - 1] && matches!(b[0], b'"' | b'\'') {
                &value[1..value.len() - 1]
            } else {
                value
            };
            Ok((key.to_string(), value.to_string()))
        }
        _ => Err(format!(
            "invalid literal source {source}, expected key=value"
        )),
    }
}

/// `[KEY=]PATH`: the key (the path's last element by default) and the path.
fn file_source(source: &str) -> Result<(String, String), String> {
    let parts: Vec<&str> = source.split('=').collect();
    match parts.as_slice() {
        [path] => Ok((go_base(path), path.to_string())),
        ["", path] => Err(format!(
            "missing key name for file path {path:?} in source {source:?}"
        )),
        [key, ""] => Err(format!(
            "missing file path for key name {key:?} in source {source:?}"
        )),
        [key, path] => Ok((key.to_string(), path.to_string())),
        _ => Err(format!(
            "source {source:?} key name or file path contains '='"
        )),
    }
}

/// Go's `path.Base`.
fn go_base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Base64, broken into lines of 70 characters (each ending in a newline) once it is 70
/// characters or longer, as kyaml writes generated data.
fn encode_base64(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    if encoded.len() < LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for chunk in encoded.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Puts `generated` into the build, given the object with the same id already there (and
/// whether that one gets a name hash), as kustomize's `appendReplaceOrMerge` does: without
/// one, `merge` and `replace` are errors; with one, anything but `merge` and `replace` is.
/// `replace` keeps the generated object, with the existing one's name, namespace, and labels
/// and annotations under its own; `merge` also puts the existing `data` and `binaryData`
/// under its own (every value becoming a string). Either gets a hash only when both had one.
/// Returns the object to put in place of the existing one (or to add) and whether it gets a
/// name hash.
pub fn combine(
    existing: Option<(&Node, bool)>,
    generated: Generated,
) -> Result<(Node, bool), String> {
    let Generated {
        mut object,
        behavior,
        needs_hash,
    } = generated;
    let id = format!(
        "{} {}{}",
        object.str_at(&["kind"]).unwrap_or_default(),
        object
            .str_at(&["metadata", "namespace"])
            .map(|ns| format!("{ns}/"))
            .unwrap_or_default(),
        object.str_at(&["metadata", "name"]).unwrap_or_default()
    );
    let Some((old, old_hash)) = existing else {
        return match behavior {
            Behavior::Merge | Behavior::Replace => {
                Err(format!("id {} does not exist; cannot merge or replace", id))
            }
            _ => Ok((object, needs_hash)),
        };
    };
    if !matches!(behavior, Behavior::Merge | Behavior::Replace) {
        return Err(format!(
            "id {} exists; behavior must be merge or replace",
            id
        ));
    }
    let header = object.at;
    let Some(meta) = object.map_at("metadata", header) else {
        return Err(format!("id {}: metadata is not a mapping", id));
    };
    for field in ["labels", "annotations"] {
        let merged = merge_strings(old.path(&["metadata", field]), meta.get(field));
        set_or_remove(meta, field, merged, header);
    }
    // The existing object's name and namespace, as written there.
    if let Some(name) = old.path(&["metadata", "name"]) {
        meta.remove("name");
        meta.set("name", name.clone());
    }
    meta.remove("namespace");
    if let Some(ns) = old
        .path(&["metadata", "namespace"])
        .filter(|n| !n.is_null())
    {
        meta.set("namespace", ns.clone());
    }
    if behavior == Behavior::Merge {
        for field in ["data", "binaryData"] {
            let merged = merge_strings(old.get(field), object.get(field));
            set_or_remove(&mut object, field, merged, header);
        }
    }
    Ok((object, needs_hash && old_hash))
}

/// The string map `old` with `new`'s entries over it (a replaced value remembering where the
/// old one was written), sorted by key; scalar values as text.
fn merge_strings(old: Option<&Node>, new: Option<&Node>) -> Vec<(String, Node)> {
    let text = |n: &Node| Node {
        v: V::Str(n.scalar_text().unwrap_or_default()),
        ..n.clone()
    };
    let mut out: Vec<(String, Node)> = old
        .map(|o| {
            o.entries()
                .iter()
                .map(|(k, v)| (k.clone(), text(v)))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in new.map(Node::entries).unwrap_or_default() {
        let mut v = text(v);
        match out.iter_mut().find(|(e, _)| e == k) {
            Some((_, o)) => {
                if v.was.is_none() && v.at != o.at {
                    v.was = o.was.or(o.at);
                }
                *o = v;
            }
            None => out.push((k.clone(), v)),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn set_or_remove(node: &mut Node, field: &str, entries: Vec<(String, Node)>, at: Option<Loc>) {
    if entries.is_empty() {
        node.remove(field);
        return;
    }
    let at = node.get(field).and_then(|n| n.at).or(at);
    match node.get_mut(field) {
        Some(n) => n.v = V::Map(entries),
        None => node.set(field, Node::located(V::Map(entries), at)),
    }
}

/// kustomize's name hash of a ConfigMap or Secret (`api/hasher`): the SHA-256 of the JSON of
/// its kind and data (and `binaryData` / `type` and `stringData`), 10 characters. The hasher
/// also means to hash the name, but looks it up as one field named `metadata/name`, which no
/// object has: the name is always hashed as empty.
pub fn name_hash(object: &Node) -> Result<String, String> {
    let field = |path: &[&str]| -> Json {
        match object.path(path) {
            None => Json::Str(String::new()),
            Some(n) if matches!(n.v, V::Map(_) | V::Seq(_)) => Json::of(n),
            Some(n) => Json::Str(n.scalar_text().unwrap_or_default()),
        }
    };
    let is_map = |f: &str| object.get(f).is_some_and(Node::is_map);
    let mut m: Vec<(String, Json)> = match object.str_at(&["kind"]) {
        Some("ConfigMap") => {
            let mut m = vec![
                ("kind".to_string(), Json::Str("ConfigMap".to_string())),
                ("name".to_string(), Json::Str(String::new())),
                ("data".to_string(), field(&["data"])),
            ];
            if is_map("binaryData") {
                m.push(("binaryData".to_string(), field(&["binaryData"])));
            }
            m
        }
        Some("Secret") => {
            let mut m = vec![
                ("kind".to_string(), Json::Str("Secret".to_string())),
                ("type".to_string(), field(&["type"])),
                ("name".to_string(), Json::Str(String::new())),
                ("data".to_string(), field(&["data"])),
            ];
            if is_map("stringData") {
                m.push(("stringData".to_string(), field(&["stringData"])));
            }
            m
        }
        other => {
            return Err(format!(
                "kustomize's name hash of a {} is not supported",
                other.unwrap_or("resource without kind")
            ));
        }
    };
    m.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::new();
    Json::Map(m).write(&mut text);
    let hex: String = Sha256::digest(text.as_bytes())
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(hex
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect())
}

/// Appends [`name_hash`] to the object's name (`name-hash`), as kustomize does at the end of
/// the build to the objects that need it.
pub fn add_name_hash(object: &mut Node) -> Result<(), String> {
    let hash = name_hash(object)?;
    let Some(name) = object.path_mut(&["metadata", "name"]) else {
        return Err("an object without a name cannot be hashed".to_string());
    };
    let text = format!("{}-{hash}", name.scalar_text().unwrap_or_default());
    name.v = V::Str(text);
    Ok(())
}

/// A value as Go's `encoding/json` holds it after decoding (`map[string]interface{}`: numbers
/// are doubles, keys are sorted when written).
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<Json>),
    Map(Vec<(String, Json)>),
}

impl Json {
    fn of(n: &Node) -> Json {
        match &n.v {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::Num(*i as f64),
            V::Float(f) => Json::Num(*f),
            V::Str(s) => Json::Str(s.clone()),
            V::Seq(s) => Json::Seq(s.iter().map(Json::of).collect()),
            V::Map(m) => {
                let mut m: Vec<(String, Json)> =
                    m.iter().map(|(k, v)| (k.clone(), Json::of(v))).collect();
                m.sort_by(|a, b| a.0.cmp(&b.0));
                // Go maps keep the last of repeated keys.
                m.reverse();
                m.dedup_by(|a, b| a.0 == b.0);
                m.reverse();
                Json::Map(m)
            }
        }
    }

    /// Writes as Go's `json.Marshal` does (HTML characters escaped).
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(f) => out.push_str(&crate::ingest::helm::value::json_float(*f)),
            Json::Str(s) => crate::ingest::helm::value::json_string(out, s),
            Json::Seq(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    crate::ingest::helm::value::json_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::kustomize::value::MAX_OBJECT_NODES;
    use crate::ingest::yaml;
    use crate::model::SourceFile;
    use std::collections::HashMap;

    fn read_yaml(text: &str, source: u32) -> Node {
        let file = SourceFile::new("kustomization.yaml".into(), Arc::from(text));
        let parsed = yaml::parse(&file);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        let doc = &parsed.documents[0];
        let mut budget = MAX_OBJECT_NODES;
        Node::from_val(&doc.tree.val(doc.root), SourceId(source), &mut budget).unwrap()
    }

    /// Files by path: text (registered as source 10, 11, …) or bytes.
    struct Files(HashMap<&'static str, Vec<u8>>);

    impl Files {
        fn new(files: &[(&'static str, &[u8])]) -> Files {
            Files(files.iter().map(|(p, b)| (*p, b.to_vec())).collect())
        }

        fn read(&self, path: &str) -> Result<File, String> {
            let mut names: Vec<_> = self.0.keys().collect();
            names.sort();
            let bytes = self
                .0
                .get(path)
                .ok_or_else(|| format!("{path}: no such file"))?;
            let id = SourceId(10 + names.iter().position(|n| **n == path).unwrap() as u32);
            Ok(match std::str::from_utf8(bytes) {
                Ok(t) => File::Text(id, Arc::from(t)),
                Err(_) => File::Bytes(bytes.clone()),
            })
        }
    }

    /// Every object the kustomization's generators make, hashed (with `prefix` added to the
    /// names first) as `kubectl kustomize` names them.
    fn build(kustomization: &str, prefix: &str, files: &Files) -> Vec<Node> {
        let k = read_yaml(kustomization, 0);
        let mut out = Vec::new();
        for (field, kind) in [
            ("configMapGenerator", Kind::ConfigMap),
            ("secretGenerator", Kind::Secret),
        ] {
            for entry in k.get(field).map(Node::items).unwrap_or_default() {
                let g = generate_with(kind, entry, k.get("generatorOptions"), &|p| files.read(p))
                    .unwrap();
                let mut object = g.object;
                let name = object.path_mut(&["metadata", "name"]).unwrap();
                name.v = V::Str(format!("{prefix}{}", name.as_str().unwrap()));
                if g.needs_hash {
                    add_name_hash(&mut object).unwrap();
                }
                out.push(object);
            }
        }
        out
    }

    fn names(objects: &[Node]) -> Vec<&str> {
        objects
            .iter()
            .map(|o| o.str_at(&["metadata", "name"]).unwrap())
            .collect()
    }

    fn data(object: &Node, field: &str) -> Vec<(String, String)> {
        object
            .get(field)
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect()
    }

    const LITERALS: &str = r#"configMapGenerator:
- name: app
  literals:
  - B=2
  - A=1
  - Q="quoted"
  - S='single'
  - E=
  - "sp ace=x y"
  - html=<a&b>
  - uni=héllo ☃
  - nl=a\nb
secretGenerator:
- name: sec
  literals:
  - password=hunter2
  - long=0123456789012345678901234567890123456789012345678901234567890123456789
- name: tls
  type: kubernetes.io/tls
  literals: [tls.crt=CERT, tls.key=KEY]
"#;

    #[test]
    fn literals_as_kubectl_names_them() {
        let objects = build(LITERALS, "", &Files::new(&[]));
        assert_eq!(
            names(&objects),
            ["app-99977hdft4", "sec-5b6th6c5m5", "tls-4b255hm948"]
        );
        let app = &objects[0];
        assert_eq!(
            data(app, "data")[..5],
            [
                ("A".to_string(), "1".to_string()),
                ("B".to_string(), "2".to_string()),
                ("E".to_string(), String::new()),
                ("Q".to_string(), "quoted".to_string()),
                ("S".to_string(), "single".to_string()),
            ]
        );
        // Each value is located at its literal, the header at the entry's `name:`.
        let a = app.path(&["data", "A"]).unwrap().at.unwrap();
        assert_eq!(&LITERALS[a.span.start..a.span.end], "A=1");
        let header = app.get("kind").unwrap().at.unwrap();
        assert_eq!(&LITERALS[header.span.start..header.span.end], "app");
        let sec = &objects[1];
        assert_eq!(sec.str_at(&["type"]), Some("Opaque"));
        assert_eq!(sec.str_at(&["data", "password"]), Some("aHVudGVyMg=="));
        assert_eq!(
            sec.str_at(&["data", "long"]),
            Some(
                "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMT\nIzNDU2Nzg5MDEyMzQ1Njc4OQ==\n"
            )
        );
        assert_eq!(objects[2].str_at(&["type"]), Some("kubernetes.io/tls"));
    }

    const APP_ENV: &str = "\u{feff}# comment\n  KEY1=v1\nKEY2 = spaced  \r\nEMPTY=\nNOEQ\n\n   # indented comment\nQ=\"quoted\"\nKEY3=a=b\n=ignored\n";

    fn files() -> Files {
        Files::new(&[
            ("app.conf", b"line1\nline2\n"),
            ("other.txt", b"x"),
            ("blob.bin", b"\xff\xfe\x00bin"),
            ("app.env", APP_ENV.as_bytes()),
            ("b.env", b"OTHER=1\n"),
        ])
    }

    const FILES: &str = "generatorOptions:
  labels: {team: a, shared: global}
  annotations: {note: hi}
configMapGenerator:
- name: files
  files:
  - app.conf
  - renamed=other.txt
  - blob.bin
- name: envs
  envs: [app.env]
  env: b.env
- name: opts
  namespace: ns1
  literals: [K=V]
  options:
    labels: {shared: local, own: x}
    disableNameSuffixHash: true
    immutable: true
secretGenerator:
- name: sfiles
  files: [app.conf, blob.bin]
- name: empty
- name: sopts
  options:
    immutable: true
  literals: [a=b]
  type: Custom
";

    #[test]
    fn files_envs_and_options_as_kubectl_names_them() {
        let objects = build(FILES, "", &files());
        assert_eq!(
            names(&objects),
            [
                "files-c5d26d698c",
                "envs-84cmtdght8",
                "opts",
                "sfiles-kmg5gbtb6b",
                "empty-46f8b28mk5",
                "sopts-kb454btfd5"
            ]
        );
        let files = &objects[0];
        assert_eq!(files.str_at(&["binaryData", "blob.bin"]), Some("//4AYmlu"));
        assert_eq!(files.str_at(&["data", "app.conf"]), Some("line1\nline2\n"));
        assert_eq!(files.str_at(&["data", "renamed"]), Some("x"));
        let at = files.path(&["data", "renamed"]).unwrap().at.unwrap();
        assert_eq!(&FILES[at.span.start..at.span.end], "renamed=other.txt");

        let envs = &objects[1];
        let pairs: Vec<_> = data(envs, "data");
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("EMPTY", ""),
                ("KEY1", "v1"),
                ("KEY2 ", " spaced  "),
                ("KEY3", "a=b"),
                ("NOEQ", ""),
                ("OTHER", "1"),
                ("Q", "\"quoted\""),
            ]
        );
        // Env values are located at their line of the env file.
        let key1 = envs.path(&["data", "KEY1"]).unwrap().at.unwrap();
        assert_eq!(key1.source, SourceId(11));
        assert_eq!(&APP_ENV[key1.span.start..key1.span.end], "KEY1=v1");
        assert_eq!(
            envs.str_at(&["metadata", "labels", "shared"]),
            Some("global")
        );

        let opts = &objects[2];
        assert_eq!(opts.str_at(&["metadata", "namespace"]), Some("ns1"));
        assert_eq!(
            opts.str_at(&["metadata", "labels", "shared"]),
            Some("local")
        );
        assert_eq!(opts.str_at(&["metadata", "labels", "team"]), Some("a"));
        assert_eq!(
            opts.str_at(&["metadata", "annotations", "note"]),
            Some("hi")
        );
        assert!(matches!(opts.get("immutable").unwrap().v, V::Bool(true)));

        assert_eq!(objects[4].get("data").map(|d| d.entries().len()), Some(0));
        assert_eq!(objects[5].str_at(&["type"]), Some("Custom"));
    }

    #[test]
    fn escapes_empty_objects_long_lines_and_binary_files() {
        let long = format!("A=1\nLONG={}\nB=2\n", "x".repeat(65531));
        let long2 = format!("A=1\nLONG={}\nB=2\n", "x".repeat(65530));
        let files = Files(HashMap::from([
            ("only.bin", b"\x80\x81".to_vec()),
            ("long.env", long.into_bytes()),
            ("long2.env", long2.into_bytes()),
        ]));
        let k = r#"configMapGenerator:
- name: emptycm
- name: onlybin
  files: [only.bin]
- name: ctl
  literals: ["c=a\bb\fc\u2028d\te\u0001"]
- name: long
  envs: [long.env]
- name: long2
  envs: [long2.env]
"#;
        let objects = build(k, "p-", &files);
        assert_eq!(
            names(&objects),
            [
                "p-emptycm-6ct58987ht",
                "p-onlybin-bgg6cm7tt5",
                "p-ctl-47cm2dmkfg",
                "p-long-89g4tffbfk",
                "p-long2-khdkhmtfhc"
            ]
        );
        assert!(objects[0].get("data").is_none());
        assert_eq!(data(&objects[3], "data").len(), 1);
        assert_eq!(data(&objects[4], "data").len(), 3);
    }

    #[test]
    fn merge_and_replace_into_existing_objects() {
        let base = read_yaml(
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
  labels: {from: base}
  annotations: {keep: me}
data:
  a: \"1\"
  port: 8080
binaryData:
  bin: AAEC
",
            1,
        );
        let overlay = "configMapGenerator:
- name: plain
  behavior: merge
  literals: [a=2, c=3]
  options:
    labels: {from: o1, x: \"y\"}
- name: gen
  behavior: merge
  literals: [b=3, z=9]
- name: plain
  behavior: replace
  literals: [r=1]
- name: gen
  literals: [q=1]
";
        let k = read_yaml(overlay, 0);
        let entries = k.get("configMapGenerator").unwrap().items();
        let none = Files::new(&[]);
        let gen_entry = |i: usize| {
            generate_with(Kind::ConfigMap, &entries[i], None, &|p| none.read(p)).unwrap()
        };

        // A plain ConfigMap has no hash, so the merged one has none either.
        let (merged, hash) = combine(Some((&base, false)), gen_entry(0)).unwrap();
        assert!(!hash);
        let pairs = data(&merged, "data");
        assert_eq!(
            pairs,
            [
                ("a".to_string(), "2".to_string()),
                ("c".to_string(), "3".to_string()),
                ("port".to_string(), "8080".to_string()),
            ]
        );
        assert_eq!(data(&merged, "binaryData").len(), 1);
        assert_eq!(merged.str_at(&["metadata", "labels", "from"]), Some("o1"));
        assert_eq!(merged.str_at(&["metadata", "labels", "x"]), Some("y"));
        assert_eq!(
            merged.str_at(&["metadata", "annotations", "keep"]),
            Some("me")
        );
        let a = merged.path(&["data", "a"]).unwrap();
        assert_eq!(a.at.unwrap().source, SourceId(0));
        assert_eq!(a.was.unwrap().source, SourceId(1));

        // Into a generated base: hashed over the merged data (kubectl: gen-gb576dm4c9).
        let gbase = read_yaml(
            "configMapGenerator:\n- name: gen\n  literals: [a=1, b=2]\n  options:\n    labels: {from: gbase}\n",
            2,
        );
        let g = generate_with(
            Kind::ConfigMap,
            &gbase.get("configMapGenerator").unwrap().items()[0],
            None,
            &|p| none.read(p),
        )
        .unwrap();
        let mut alone = g.object.clone();
        add_name_hash(&mut alone).unwrap();
        assert_eq!(alone.str_at(&["metadata", "name"]), Some("gen-7gdc49gk6d"));
        let (mut merged, hash) = combine(Some((&g.object, true)), gen_entry(1)).unwrap();
        assert!(hash);
        add_name_hash(&mut merged).unwrap();
        assert_eq!(merged.str_at(&["metadata", "name"]), Some("gen-gb576dm4c9"));
        assert_eq!(
            merged.str_at(&["metadata", "labels", "from"]),
            Some("gbase")
        );

        // Replace keeps metadata, not data.
        let (replaced, _) = combine(Some((&base, false)), gen_entry(2)).unwrap();
        assert_eq!(
            data(&replaced, "data"),
            [("r".to_string(), "1".to_string())]
        );
        assert!(replaced.get("binaryData").is_none());
        assert_eq!(
            replaced.str_at(&["metadata", "labels", "from"]),
            Some("base")
        );

        // A Secret: merged data, the generated type (kubectl: s-mfd6c5k4mk, then s-8fb7cfch84).
        let sbase = read_yaml(
            "secretGenerator:\n- name: s\n  literals: [a=1]\n  type: Custom\n- name: s\n  behavior: merge\n  literals: [b=2]\n",
            3,
        );
        let secrets = sbase.get("secretGenerator").unwrap().items();
        let secret =
            |i: usize| generate_with(Kind::Secret, &secrets[i], None, &|p| none.read(p)).unwrap();
        let mut alone = secret(0).object;
        add_name_hash(&mut alone).unwrap();
        assert_eq!(alone.str_at(&["metadata", "name"]), Some("s-mfd6c5k4mk"));
        let (mut merged, _) = combine(Some((&secret(0).object, true)), secret(1)).unwrap();
        add_name_hash(&mut merged).unwrap();
        assert_eq!(merged.str_at(&["metadata", "name"]), Some("s-8fb7cfch84"));
        assert_eq!(merged.str_at(&["type"]), Some("Opaque"));

        // Behaviors that do not fit.
        assert_eq!(
            combine(Some((&g.object, true)), gen_entry(3)).unwrap_err(),
            "id ConfigMap gen exists; behavior must be merge or replace"
        );
        assert_eq!(
            combine(None, gen_entry(1)).unwrap_err(),
            "id ConfigMap gen does not exist; cannot merge or replace"
        );
    }

    #[test]
    fn errors_and_bounds() {
        let none = Files::new(&[]);
        let run = |k: &str| {
            let k = read_yaml(k, 0);
            let entry = &k.get("configMapGenerator").unwrap().items()[0];
            generate_with(Kind::ConfigMap, entry, None, &|p| none.read(p)).map(|g| g.object)
        };
        assert_eq!(
            run("configMapGenerator:\n- name: x\n  literals: [A=1, A=2]\n").unwrap_err(),
            "configmap x illegally repeats the key `A`"
        );
        assert_eq!(
            run("configMapGenerator:\n- name: x\n  literals: [NOVALUE]\n").unwrap_err(),
            "configMapGenerator x: invalid literal source NOVALUE, expected key=value"
        );
        assert_eq!(
            run("configMapGenerator:\n- name: x\n  files: [a=b=c]\n").unwrap_err(),
            "configMapGenerator x: source \"a=b=c\" key name or file path contains '='"
        );
        assert!(
            run("configMapGenerator:\n- name: x\n  files: [missing.txt]\n")
                .unwrap_err()
                .contains("missing.txt: no such file")
        );
        assert!(run("configMapGenerator:\n- literals: [A=1]\n").is_err());
        let many: String = (0..=MAX_ENTRIES).map(|i| format!("  - K{i}=v\n")).collect();
        assert_eq!(
            run(&format!(
                "configMapGenerator:\n- name: x\n  literals:\n{many}"
            ))
            .unwrap_err(),
            "configMapGenerator x: more than 1000 literals"
        );
        let big = Files::new(&[("big", &[b'x'; MAX_BYTES + 1])]);
        let k = read_yaml("configMapGenerator:\n- name: x\n  files: [big]\n", 0);
        let entry = &k.get("configMapGenerator").unwrap().items()[0];
        assert!(
            generate_with(Kind::ConfigMap, entry, None, &|p| big.read(p))
                .unwrap_err()
                .contains("larger than")
        );
        assert_eq!(go_base("a/b/c.txt"), "c.txt");
        assert_eq!(go_base("dir/"), "dir");
        assert_eq!(crate::ingest::helm::value::json_float(1e21), "1e+21");
        assert_eq!(crate::ingest::helm::value::json_float(1.5e-7), "1.5e-7");
        assert_eq!(crate::ingest::helm::value::json_float(8080.0), "8080");
    }
}
