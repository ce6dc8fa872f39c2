//! JSON patches (RFC 6902), as kustomize applies them: with `gopkg.in/evanphx/json-patch.v4`
//! (v4.12.0), quirks included.
//!
//! - A path is split at `/` and its first segment ignored (`spec/replicas` means
//!   `/replicas`); `~1` and `~0` are unescaped. A segment walking through a missing key, a null
//!   or a scalar fails the operation ("doc is missing path").
//! - Array indexes are Go `Atoi` numbers; negative ones count from the end (`add` at `-1`
//!   appends, like `-`); `add` inserts.
//! - `replace` of a missing mapping key adds it (only a missing parent, or an array index out
//!   of range, is an error); `remove` of a missing key is an error.
//! - `test` of a missing or null value passes when the op's `value` is null.
//! - The document goes through JSON between kyaml and the patch library, so integers come back
//!   through a float64 (more than 2^53 loses precision), and infinities are an error.
//!
//! Values an operation writes keep the location of the op's `value` (the patch file's line);
//! `move` and `copy` keep the moved or copied value's. A value put in place of another
//! remembers where the one it replaced was written (`was`).

use super::value::{Node, V};

/// Applies the operations `ops` (a list of `{op, path, value, from}`) to `target`.
pub fn apply(target: &mut Node, ops: &Node) -> Result<(), String> {
    check_finite(target)?;
    let V::Seq(list) = &ops.v else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            json_kind(ops)
        ));
    };
    if let Some(bad) = list.iter().find(|op| !op.is_map()) {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
            json_kind(bad)
        ));
    }
    for op in list {
        apply_op(target, op)?;
    }
    if !target.is_map() {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(target)
        ));
    }
    check_finite(target)?;
    through_float(target);
    Ok(())
}

/// The JSON type name Go's decoder reports for `n`.
fn json_kind(n: &Node) -> &'static str {
    match n.v {
        V::Null => "null",
        V::Bool(_) => "bool",
        V::Int(_) | V::Float(_) => "number",
        V::Str(_) => "string",
        V::Seq(_) => "array",
        V::Map(_) => "object",
    }
}

fn check_finite(n: &Node) -> Result<(), String> {
    match &n.v {
        V::Float(f) if f.is_nan() => Err("json: unsupported value: NaN".to_string()),
        V::Float(f) if f.is_infinite() => Err(format!(
            "json: unsupported value: {}Inf",
            if *f > 0.0 { "+" } else { "-" }
        )),
        V::Seq(s) => s.iter().try_for_each(check_finite),
        V::Map(m) => m.iter().try_for_each(|(_, v)| check_finite(v)),
        _ => Ok(()),
    }
}

/// Integers as they come back from Go's `float64`: the shortest decimal that reads back as the
/// same double, read again as an integer.
fn through_float(n: &mut Node) {
    match &mut n.v {
        V::Int(i) => {
            let f = *i as f64;
            if f as i64 != *i || f.abs() >= 9.007_199_254_740_992e15 {
                match format!("{f}").parse::<i64>() {
                    Ok(back) => *i = back,
                    Err(_) => n.v = V::Float(f),
                }
            }
        }
        V::Seq(s) => s.iter_mut().for_each(through_float),
        V::Map(m) => m.iter_mut().for_each(|(_, v)| through_float(v)),
        _ => {}
    }
}

/// `op`'s field `name` when it is a string (a JSON `null` or another type counts as missing).
fn text_field<'a>(op: &'a Node, name: &str) -> Option<&'a str> {
    op.get(name).and_then(Node::as_str)
}

/// The node an operation writes: its `value` (null, at the op, when it has none).
fn op_value(op: &Node) -> Node {
    match op.get("value") {
        Some(v) => v.clone(),
        None => Node::located(V::Null, op.at),
    }
}

const MISSING: &str = "missing value";
const INVALID_INDEX: &str = "invalid index referenced";

fn apply_op(doc: &mut Node, op: &Node) -> Result<(), String> {
    let kind = text_field(op, "op").unwrap_or("unknown");
    let path = text_field(op, "path");
    let from = text_field(op, "from");
    match kind {
        "add" => {
            let path =
                path.ok_or_else(|| format!("add operation failed to decode path: {MISSING}"))?;
            let (con, key) = find_object(doc, path).ok_or_else(|| {
                format!("add operation does not apply: doc is missing path: \"{path}\": {MISSING}")
            })?;
            add(con, &key, op_value(op))
                .map_err(|e| format!("error in add for path: '{path}': {e}"))
        }
        "remove" => {
            let path =
                path.ok_or_else(|| format!("remove operation failed to decode path: {MISSING}"))?;
            let (con, key) = find_object(doc, path).ok_or_else(|| {
                format!(
                    "remove operation does not apply: doc is missing path: \"{path}\": {MISSING}"
                )
            })?;
            remove(con, &key)
                .map(drop)
                .map_err(|e| format!("error in remove for path: '{path}': {e}"))
        }
        "replace" => {
            let path = path.ok_or_else(|| {
                format!(
                    "replace operation failed to decode path: operation missing path field: {MISSING}"
                )
            })?;
            if path.is_empty() {
                // The whole document; a scalar value is ignored (the library's error wraps a
                // nil error, which is no error).
                let Some(value) = op.get("value") else {
                    return Err("replace operation value must be object or array".to_string());
                };
                if matches!(value.v, V::Map(_) | V::Seq(_)) {
                    put(doc, value.clone());
                }
                return Ok(());
            }
            let (con, key) = find_object(doc, path).ok_or_else(|| {
                format!("replace operation does not apply: doc is missing path: {path}: {MISSING}")
            })?;
            if get(con, &key).is_err() {
                return Err(format!(
                    "replace operation does not apply: doc is missing key: {path}: {MISSING}"
                ));
            }
            add_or_set(con, &key, op_value(op), false)
                .map_err(|e| format!("error in remove for path: '{path}': {e}"))
        }
        "move" => {
            let from = from.ok_or_else(|| {
                format!(
                    "move operation failed to decode from: operation, missing from field: {MISSING}"
                )
            })?;
            let (con, key) = find_object(doc, from).ok_or_else(|| {
                format!(
                    "move operation does not apply: doc is missing from path: {from}: {MISSING}"
                )
            })?;
            get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
            let moved =
                remove(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
            let path = path.ok_or_else(|| {
                format!(
                    "move operation failed to decode path: operation missing path field: {MISSING}"
                )
            })?;
            let (con, key) = find_object(doc, path).ok_or_else(|| {
                format!(
                    "move operation does not apply: doc is missing destination path: {path}: {MISSING}"
                )
            })?;
            add(con, &key, moved).map_err(|e| format!("error in move for path: '{path}': {e}"))
        }
        "copy" => {
            let from = from.ok_or_else(|| {
                format!(
                    "copy operation failed to decode from: operation, missing from field: {MISSING}"
                )
            })?;
            let (con, key) = find_object(doc, from).ok_or_else(|| {
                format!(
                    "copy operation does not apply: doc is missing from path: {from}: {MISSING}"
                )
            })?;
            let copied = match get(con, &key) {
                Ok(Some(v)) => v.clone(),
                // A missing key copies as null.
                Ok(None) => Node::located(V::Null, op.at),
                Err(e) => return Err(format!("error in copy for from: '{from}': {e}")),
            };
            let path =
                path.ok_or_else(|| format!("copy operation failed to decode path: {MISSING}"))?;
            let (con, key) = find_object(doc, path).ok_or_else(|| {
                format!(
                    "copy operation does not apply: doc is missing destination path: {path}: {MISSING}"
                )
            })?;
            add(con, &key, copied).map_err(|e| format!("error while adding value during copy: {e}"))
        }
        "test" => {
            let path = path.ok_or_else(|| {
                format!(
                    "test operation failed to decode path: operation missing path field: {MISSING}"
                )
            })?;
            let failed = || format!("testing value {path} failed: test failed");
            let expected = op.get("value");
            if path.is_empty() {
                return match expected {
                    Some(e) if same(doc, e) => Ok(()),
                    _ => Err(failed()),
                };
            }
            let (con, key) = find_object(doc, path).ok_or_else(|| {
                format!("test operation does not apply: is missing path: {path}: {MISSING}")
            })?;
            let actual = get(con, &key)
                .map_err(|e| format!("error in test for path: '{path}': {e}"))?
                .filter(|v| !v.is_null());
            match (actual, expected) {
                (None, Some(e)) if e.is_null() => Ok(()),
                // kustomize crashes on this one (a nil pointer in the library).
                (None, None) => Err(format!(
                    "test operation for path {path} has no value to compare to"
                )),
                (Some(a), Some(e)) if same(a, e) => Ok(()),
                _ => Err(failed()),
            }
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

/// Values equal as JSON documents (`1` and `1.0` alike, as their JSON texts are once kyaml has
/// written the document).
fn same(a: &Node, b: &Node) -> bool {
    a == b
}

/// Unescapes one JSON pointer segment: `~1` is `/`, `~0` is `~`, in one pass.
fn unescape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.peek() {
                Some('1') => {
                    chars.next();
                    out.push('/');
                    continue;
                }
                Some('0') => {
                    chars.next();
                    out.push('~');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// The container that holds the last segment of `path`, and that segment (unescaped); `None`
/// when the path is shorter than `/x` or a segment before the last is missing, null, a scalar
/// or a bad index.
fn find_object<'a>(doc: &'a mut Node, path: &str) -> Option<(&'a mut Node, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let key = unescape(part);
        let here = cur;
        let next = match &mut here.v {
            V::Map(m) => m.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)?,
            V::Seq(s) => {
                let i = index(&key, s.len()).ok()?;
                &mut s[i]
            }
            _ => return None,
        };
        if !matches!(next.v, V::Map(_) | V::Seq(_)) {
            return None;
        }
        cur = next;
    }
    Some((cur, unescape(split[split.len() - 1])))
}

/// Go's `strconv.Atoi`, with its error text.
fn atoi(key: &str) -> Result<i64, String> {
    key.parse::<i64>().map_err(|e| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        format!("strconv.Atoi: parsing \"{key}\": {why}")
    })
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: {INVALID_INDEX}")
}

/// An existing element's index (`get`, `replace`, `remove`): negative counts from the end.
fn index(key: &str, len: usize) -> Result<usize, String> {
    let idx = atoi(key)?;
    let len = len as i64;
    if idx >= len || idx < -len {
        return Err(invalid_index(idx));
    }
    Ok(if idx < 0 { idx + len } else { idx } as usize)
}

/// The value at `key` of the container (`None` for a missing mapping key).
fn get<'a>(con: &'a Node, key: &str) -> Result<Option<&'a Node>, String> {
    match &con.v {
        V::Map(m) => Ok(m.iter().find(|(k, _)| k == key).map(|(_, v)| v)),
        V::Seq(s) => Ok(Some(&s[index(key, s.len())?])),
        _ => Ok(None),
    }
}

/// Sets `value` in place of `old`, remembering where the old value was written.
fn put(old: &mut Node, mut value: Node) {
    if value.was.is_none() && value.at != old.at {
        value.was = old.was.or(old.at);
    }
    *old = value;
}

/// `add`: a mapping key set, an array element inserted (`-` appends).
fn add(con: &mut Node, key: &str, value: Node) -> Result<(), String> {
    add_or_set(con, key, value, true)
}

/// `add` (inserting into arrays) or `replace` (setting an existing element).
fn add_or_set(con: &mut Node, key: &str, value: Node, insert: bool) -> Result<(), String> {
    match &mut con.v {
        V::Map(m) => {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some((_, old)) => put(old, value),
                None => m.push((key.to_string(), value)),
            }
            Ok(())
        }
        V::Seq(s) if insert => {
            if key == "-" {
                s.push(value);
                return Ok(());
            }
            let idx = atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let size = s.len() as i64 + 1;
            if idx >= size || idx < -size {
                return Err(invalid_index(idx));
            }
            let at = if idx < 0 { idx + size } else { idx } as usize;
            s.insert(at, value);
            Ok(())
        }
        V::Seq(s) => {
            let i = index(key, s.len())?;
            put(&mut s[i], value);
            Ok(())
        }
        _ => Err(format!("cannot set {key} in a scalar")),
    }
}

/// Removes `key` from the container, returning its value.
fn remove(con: &mut Node, key: &str) -> Result<Node, String> {
    match &mut con.v {
        V::Map(m) => match m.iter().position(|(k, _)| k == key) {
            Some(i) => Ok(m.remove(i).1),
            None => Err(format!(
                "Unable to remove nonexistent key: {key}: {MISSING}"
            )),
        },
        V::Seq(s) => {
            let i = index(key, s.len())?;
            Ok(s.remove(i))
        }
        _ => Err(format!(
            "Unable to remove nonexistent key: {key}: {MISSING}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::kustomize::value::{Loc, MAX_OBJECT_NODES};
    use crate::ingest::yaml;
    use crate::model::{SourceFile, SourceId};
    use std::sync::Arc;

    const BASE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    a/b: x
    c~d: y
spec:
  replicas: 3
  template:
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: zone
      - maxSkew: 2
        topologyKey: host
      containers:
      - name: c
        image: nginx
        args: [a, b]
";

    fn read(text: &str, source: u32) -> Node {
        let file = SourceFile::new("t.yaml".into(), Arc::from(text));
        let parsed = yaml::parse(&file);
        let doc = &parsed.documents[0];
        let mut budget = MAX_OBJECT_NODES;
        Node::from_val(&doc.tree.val(doc.root), SourceId(source), &mut budget).unwrap()
    }

    fn patched(patch: &str) -> Result<Node, String> {
        let mut doc = read(BASE, 0);
        apply(&mut doc, &read(patch, 1))?;
        Ok(doc)
    }

    fn at(node: &Node, path: &[&str]) -> Node {
        let mut cur = node;
        for p in path {
            cur = match p.parse::<usize>() {
                Ok(i) if matches!(cur.v, V::Seq(_)) => &cur.items()[i],
                _ => cur.get(p).unwrap_or_else(|| panic!("no {p} in {cur:?}")),
            };
        }
        cur.clone()
    }

    fn text_at(text: &str, loc: Option<Loc>) -> &str {
        let span = loc.expect("located").span;
        &text[span.start..span.end]
    }

    #[test]
    fn removes_a_topology_spread_constraint() {
        let doc =
            patched("- op: remove\n  path: /spec/template/spec/topologySpreadConstraints/0\n")
                .unwrap();
        let tsc = at(
            &doc,
            &["spec", "template", "spec", "topologySpreadConstraints"],
        );
        assert_eq!(tsc.items().len(), 1);
        assert_eq!(tsc.items()[0].str_at(&["topologyKey"]), Some("host"));
    }

    #[test]
    fn replace_keeps_the_patch_place_and_the_base_place() {
        let patch = "- op: replace\n  path: /spec/replicas\n  value: 5\n";
        let doc = patched(patch).unwrap();
        let replicas = at(&doc, &["spec", "replicas"]);
        assert_eq!(replicas.as_i64(), Some(5));
        let loc = replicas.at.unwrap();
        assert_eq!(loc.source, SourceId(1));
        assert_eq!(text_at(patch, Some(loc)), "5");
        let was = replicas.was.unwrap();
        assert_eq!(was.source, SourceId(0));
        assert_eq!(text_at(BASE, Some(was)), "3");
    }

    #[test]
    fn add_appends_with_dash_and_inserts_at_an_index() {
        let doc = patched(
            "- {op: add, path: /spec/template/spec/containers/0/args/-, value: z}\n\
             - {op: add, path: /spec/template/spec/containers/0/args/0, value: first}\n\
             - {op: add, path: /spec/template/spec/containers/0/args/-1, value: last}\n",
        )
        .unwrap();
        let args = at(
            &doc,
            &["spec", "template", "spec", "containers", "0", "args"],
        );
        let args: Vec<_> = args.items().iter().map(|a| a.as_str().unwrap()).collect();
        assert_eq!(args, ["first", "a", "b", "z", "last"]);
        let err = patched("- {op: add, path: /spec/template/spec/containers/0/args/3, value: x}")
            .unwrap_err();
        assert_eq!(
            err,
            "error in add for path: '/spec/template/spec/containers/0/args/3': Unable to access invalid index: 3: invalid index referenced"
        );
    }

    #[test]
    fn add_creates_a_key_located_in_the_patch() {
        let patch =
            "- op: add\n  path: /spec/template/spec/nodeSelector\n  value:\n    disk: ssd\n";
        let doc = patched(patch).unwrap();
        let sel = at(&doc, &["spec", "template", "spec", "nodeSelector", "disk"]);
        assert_eq!(sel.as_str(), Some("ssd"));
        assert_eq!(sel.at.unwrap().source, SourceId(1));
        assert_eq!(sel.was, None);
        // A missing parent is an error.
        let err = patched("- {op: add, path: /spec/nothere/x, value: 1}").unwrap_err();
        assert_eq!(
            err,
            "add operation does not apply: doc is missing path: \"/spec/nothere/x\": missing value"
        );
    }

    #[test]
    fn move_and_copy_keep_the_value_place() {
        let doc = patched(
            "- {op: copy, from: /metadata/name, path: /spec/template/spec/containers/0/name}\n\
             - {op: move, from: /spec/replicas, path: /spec/count}\n",
        )
        .unwrap();
        let name = at(
            &doc,
            &["spec", "template", "spec", "containers", "0", "name"],
        );
        assert_eq!(name.as_str(), Some("web"));
        assert_eq!(text_at(BASE, name.at), "web");
        assert_eq!(text_at(BASE, name.was), "c");
        assert!(doc.path(&["spec", "replicas"]).is_none());
        let count = at(&doc, &["spec", "count"]);
        assert_eq!(count.as_i64(), Some(3));
        assert_eq!(text_at(BASE, count.at), "3");
        // Moving a missing key fails on its removal.
        let err = patched("- {op: move, from: /spec/nothere, path: /spec/x}").unwrap_err();
        assert_eq!(
            err,
            "error in move for path: 'nothere': Unable to remove nonexistent key: nothere: missing value"
        );
    }

    #[test]
    fn test_compares_values() {
        patched("- {op: test, path: /spec/replicas, value: 3}\n- {op: test, path: /spec/template/spec/containers/0/args, value: [a, b]}")
            .unwrap();
        let err =
            patched("- {op: test, path: /spec/replicas, value: 4}\n- {op: remove, path: /spec}")
                .unwrap_err();
        assert_eq!(err, "testing value /spec/replicas failed: test failed");
        // A missing value tests equal to null.
        patched("- {op: test, path: /spec/paused, value: null}").unwrap();
        assert!(patched("- {op: test, path: /spec/paused, value: false}").is_err());
    }

    #[test]
    fn missing_paths() {
        let err = patched("- {op: remove, path: /spec/paused}").unwrap_err();
        assert_eq!(
            err,
            "error in remove for path: '/spec/paused': Unable to remove nonexistent key: paused: missing value"
        );
        let err = patched("- {op: replace, path: /spec/foo/bar, value: true}").unwrap_err();
        assert_eq!(
            err,
            "replace operation does not apply: doc is missing path: /spec/foo/bar: missing value"
        );
        let err = patched("- {op: replace, path: /spec/template/spec/containers/5, value: {}}")
            .unwrap_err();
        assert_eq!(
            err,
            "replace operation does not apply: doc is missing key: /spec/template/spec/containers/5: missing value"
        );
        // As with kustomize, replacing a missing mapping key adds it.
        let doc = patched("- {op: replace, path: /spec/paused, value: true}").unwrap();
        assert!(matches!(
            doc.path(&["spec", "paused"]).unwrap().v,
            V::Bool(true)
        ));
        // Walking through a scalar.
        assert!(patched("- {op: add, path: /spec/replicas/x, value: 1}").is_err());
        assert_eq!(
            patched("- {op: frobnicate, path: /spec}").unwrap_err(),
            "Unexpected kind: frobnicate"
        );
    }

    #[test]
    fn escaped_pointers_and_ignored_first_segment() {
        let doc = patched(
            "- {op: replace, path: /metadata/annotations/a~1b, value: X}\n\
             - {op: remove, path: /metadata/annotations/c~0d}\n\
             - {op: add, path: spec/foo, value: 1}\n",
        )
        .unwrap();
        let ann = at(&doc, &["metadata", "annotations"]);
        assert_eq!(ann.str_at(&["a/b"]), Some("X"));
        assert!(ann.get("c~d").is_none());
        // `spec/foo`: the first segment is ignored, as by the library.
        assert_eq!(doc.get("foo").and_then(Node::as_i64), Some(1));
        assert_eq!(unescape("~01~10~"), "~1/0~");
    }

    #[test]
    fn json_ops_and_whole_document_replace() {
        let doc = patched(r#"[{"op": "replace", "path": "/spec/replicas", "value": 2}]"#).unwrap();
        assert_eq!(at(&doc, &["spec", "replicas"]).as_i64(), Some(2));
        let doc = patched("- {op: replace, path: '', value: {kind: X}}").unwrap();
        assert_eq!(doc.str_at(&["kind"]), Some("X"));
        assert!(doc.was.is_some());
        let err = patched("{op: remove, path: /spec}").unwrap_err();
        assert_eq!(
            err,
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        );
    }

    #[test]
    fn integers_come_back_through_a_double() {
        let mut doc = read("spec:\n  i: 1234567890123456789\n  j: 8080\n", 0);
        apply(&mut doc, &read("[]", 1)).unwrap();
        assert_eq!(
            doc.path(&["spec", "i"]).unwrap().as_i64(),
            Some(1234567890123456800)
        );
        assert_eq!(doc.path(&["spec", "j"]).unwrap().as_i64(), Some(8080));
        let mut doc = read("spec:\n  f: 1.5\n", 0);
        doc.path_mut(&["spec", "f"]).unwrap().v = V::Float(f64::INFINITY);
        assert_eq!(
            apply(&mut doc, &read("[]", 1)).unwrap_err(),
            "json: unsupported value: +Inf"
        );
    }
}
