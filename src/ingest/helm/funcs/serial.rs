// ---------------------------------------------------------------------------------------
// Sprig and Helm: JSON, YAML and TOML
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use super::sprintf::format_float;
use super::{MAX_ITEMS, MAX_STRING, R, arity, str_arg, string};
use crate::ingest::helm::value::{MAX_PRINT_DEPTH, V, Value};

/// Why a value cannot be serialised: a cycle (a dict `set` into itself), too many values to
/// walk, or (`json`) a NaN or infinite float, which `encoding/json` refuses.
fn walk_refusal(
    v: &Value,
    path: &mut Vec<*const ()>,
    budget: &mut usize,
    json: bool,
) -> Option<String> {
    if *budget == 0 {
        return Some(format!("value too large (more than {MAX_ITEMS} values)"));
    }
    *budget -= 1;
    let ptr = match &v.v {
        V::Float(f) if json && !f.is_finite() => {
            return Some(format!(
                "json: unsupported value: {}",
                format_float(*f, 'g', None)
            ));
        }
        V::List(l) => Rc::as_ptr(l).cast::<()>(),
        V::Map(m) => Rc::as_ptr(m).cast::<()>(),
        _ => return None,
    };
    if path.contains(&ptr) || path.len() > MAX_PRINT_DEPTH {
        return Some(if json {
            format!(
                "json: unsupported value: encountered a cycle via {}",
                v.type_name()
            )
        } else {
            format!("value contains a cycle (a {} holds itself)", v.type_name())
        });
    }
    path.push(ptr);
    let found = match &v.v {
        V::List(l) => l.iter().find_map(|i| walk_refusal(i, path, budget, json)),
        _ => v
            .map_entries()
            .values()
            .find_map(|i| walk_refusal(i, path, budget, json)),
    };
    path.pop();
    found
}

/// Fails for values that YAML or TOML output could not finish.
fn serialisable(v: &Value) -> Result<(), String> {
    let mut budget = MAX_ITEMS;
    walk_refusal(v, &mut Vec::new(), &mut budget, false).map_or(Ok(()), Err)
}

/// `json.Marshal`, or its error.
fn to_json(v: &Value) -> Result<String, String> {
    let mut budget = MAX_ITEMS;
    match walk_refusal(v, &mut Vec::new(), &mut budget, true) {
        Some(e) => Err(e),
        None => Ok(v.to_json()),
    }
}

/// `json.MarshalIndent(v, "", "  ")`.
fn to_pretty_json(out: &mut String, v: &Value, indent: usize, depth: usize) {
    if out.len() > MAX_STRING {
        return;
    }
    let nl = |out: &mut String, n: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', n));
    };
    match &v.v {
        V::List(l) if !l.is_empty() && depth <= MAX_PRINT_DEPTH => {
            out.push('[');
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, indent + 2);
                to_pretty_json(out, item, indent + 2, depth + 1);
            }
            nl(out, indent);
            out.push(']');
        }
        V::Map(_) if v.truthy() && depth <= MAX_PRINT_DEPTH => {
            out.push('{');
            for (i, (k, item)) in v.map_entries().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, indent + 2);
                out.push_str(&Value::from(k.as_str()).to_json());
                out.push_str(": ");
                to_pretty_json(out, item, indent + 2, depth + 1);
            }
            nl(out, indent);
            out.push('}');
        }
        _ => out.push_str(&v.to_json()),
    }
}

/// JSON without Go's HTML escaping of `<`, `>` and `&` (`json.Encoder.SetEscapeHTML(false)`).
fn unescape_html_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..];
        let replaced = match esc.get(..6) {
            Some("\\u003c") => Some('<'),
            Some("\\u003e") => Some('>'),
            Some("\\u0026") => Some('&'),
            _ => None,
        };
        match replaced {
            Some(c) => {
                out.push(c);
                rest = &esc[6..];
            }
            None => {
                let len = esc.chars().nth(1).map_or(1, |c| 1 + c.len_utf8());
                out.push_str(&esc[..len]);
                rest = &esc[len..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn from_serde_json(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::nil(),
        serde_json::Value::Bool(b) => Value::from(b),
        serde_json::Value::Number(n) => Value::from(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s),
        serde_json::Value::Array(a) => {
            Value::from(a.into_iter().map(from_serde_json).collect::<Vec<_>>())
        }
        serde_json::Value::Object(o) => o
            .into_iter()
            .map(|(k, v)| (k, from_serde_json(v)))
            .collect::<BTreeMap<_, _>>()
            .into(),
    }
}

fn parse_json(s: &str) -> Result<Value, String> {
    serde_json::from_str::<serde_json::Value>(s)
        .map(from_serde_json)
        .map_err(|e| {
            if e.is_eof() {
                "unexpected end of JSON input".to_string()
            } else {
                e.to_string()
            }
        })
}

/// How `encoding/json` names a JSON value's kind in its type errors.
fn json_kind(v: &Value) -> &'static str {
    match v.v {
        V::Bool(_) => "bool",
        V::Int(_) | V::Float(_) => "number",
        V::Str(_) => "string",
        V::List(_) => "array",
        _ => "object",
    }
}

/// The first document of a YAML text, as Helm reads it (numbers become float64).
fn parse_yaml(s: &str) -> Result<Value, String> {
    let file = crate::model::SourceFile::new(String::new(), Arc::from(s));
    let parsed = crate::ingest::yaml::parse_yaml11(&file);
    match (parsed.documents.first(), parsed.error) {
        (Some(doc), _) => Ok(Value::from_yaml(doc.tree.val(doc.root), None, "")),
        (None, Some(e)) => Err(format!(
            "error converting YAML to JSON: yaml: line {}: {}",
            file.line_col(e.span.start).line,
            e.message
        )),
        (None, None) => Ok(Value::nil()),
    }
}

/// Helm's `fromYaml`/`fromJson`: a dict, with the error under `Error` instead of failing.
fn into_dict(parsed: Result<Value, String>, yaml: bool) -> Value {
    let prefix = if yaml {
        "error unmarshaling JSON: while decoding JSON: "
    } else {
        ""
    };
    let err = match parsed {
        Ok(v @ Value { v: V::Map(_), .. }) => return v,
        Ok(v) if v.is_nil() => return Value::new_map(),
        Ok(v) => format!(
            "{prefix}json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&v)
        ),
        Err(e) => e,
    };
    let mut m = BTreeMap::new();
    m.insert("Error".to_string(), Value::from(err));
    m.into()
}

/// Helm's `fromYamlArray`/`fromJsonArray`: a list, or a list holding the error.
fn into_list(parsed: Result<Value, String>, yaml: bool) -> Value {
    let prefix = if yaml {
        "error unmarshaling JSON: while decoding JSON: "
    } else {
        ""
    };
    let err = match parsed {
        Ok(v @ Value { v: V::List(_), .. }) => return v,
        Ok(v) if v.is_nil() => return Value::from(Vec::new()),
        Ok(v) => format!(
            "{prefix}json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&v)
        ),
        Err(e) => e,
    };
    Value::from(vec![Value::from(err)])
}

/// Helm's `toYamlPretty` (go-yaml v3, indent 2): like `toYaml`, with sequences indented
/// under their key.
fn to_yaml_pretty(v: &Value) -> String {
    let mut out = String::new();
    match &v.v {
        V::List(l) if !l.is_empty() => pretty_seq(&mut out, l, 0, 0),
        V::Map(_) if v.truthy() => pretty_map(&mut out, &v.map_entries(), 0, 0),
        _ => {
            out.push_str(&v.to_yaml());
            out.push('\n');
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

fn pretty_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A scalar as `toYaml` writes it, its continuation lines moved to `ind`.
fn pretty_scalar(out: &mut String, v: &Value, ind: usize) {
    let text = v.to_yaml();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                pretty_indent(out, ind);
            }
        }
        out.push_str(line);
    }
    out.push('\n');
}

fn pretty_key(k: &str) -> String {
    if k.contains('\n') || k.chars().any(char::is_control) {
        serde_json::to_string(k).unwrap_or_default()
    } else {
        Value::from(k).to_yaml()
    }
}

fn pretty_map(out: &mut String, m: &BTreeMap<String, Value>, ind: usize, depth: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        if out.len() > MAX_STRING {
            return;
        }
        if i > 0 {
            pretty_indent(out, ind);
        }
        out.push_str(&pretty_key(k));
        out.push(':');
        match &v.v {
            V::Map(_) if v.truthy() && depth < MAX_PRINT_DEPTH => {
                out.push('\n');
                pretty_indent(out, ind + 2);
                pretty_map(out, &v.map_entries(), ind + 2, depth + 1);
            }
            V::List(l) if !l.is_empty() && depth < MAX_PRINT_DEPTH => {
                out.push('\n');
                pretty_indent(out, ind + 2);
                pretty_seq(out, l, ind + 2, depth + 1);
            }
            // Past the depth limit, as `toYaml` does.
            V::Map(_) | V::List(_) if v.truthy() => out.push_str(" {}\n"),
            _ => {
                out.push(' ');
                pretty_scalar(out, v, ind);
            }
        }
    }
}

fn pretty_seq(out: &mut String, items: &[Value], ind: usize, depth: usize) {
    for (i, item) in items.iter().enumerate() {
        if out.len() > MAX_STRING {
            return;
        }
        if i > 0 {
            pretty_indent(out, ind);
        }
        out.push_str("- ");
        match &item.v {
            V::Map(_) if item.truthy() && depth < MAX_PRINT_DEPTH => {
                pretty_map(out, &item.map_entries(), ind + 2, depth + 1);
            }
            V::List(l) if !l.is_empty() && depth < MAX_PRINT_DEPTH => {
                pretty_seq(out, l, ind + 2, depth + 1)
            }
            V::Map(_) | V::List(_) if item.truthy() => out.push_str("{}\n"),
            _ => pretty_scalar(out, item, ind),
        }
    }
}

/// A TOML bare key, or a quoted one.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        k.to_string()
    } else {
        toml_string(k)
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0C' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value(v: &Value, depth: usize) -> Result<String, String> {
    Ok(match &v.v {
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Float(f) if f.is_nan() => "nan".into(),
        V::Float(f) if f.is_infinite() => if *f > 0.0 { "inf" } else { "-inf" }.into(),
        V::Float(f) => {
            let s = format_float(*f, 'f', None);
            if s.contains('.') { s } else { format!("{s}.0") }
        }
        V::Str(s) => toml_string(s),
        V::List(l) if depth < MAX_PRINT_DEPTH => {
            let items = l
                .iter()
                .filter(|i| !i.is_nil())
                .map(|i| toml_value(i, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            format!("[{}]", items.join(", "))
        }
        V::Map(_) if depth < MAX_PRINT_DEPTH => {
            let items = v
                .map_entries()
                .iter()
                .filter(|(_, i)| !i.is_nil())
                .map(|(k, i)| Ok(format!("{} = {}", toml_key(k), toml_value(i, depth + 1)?)))
                .collect::<Result<Vec<String>, String>>()?;
            format!("{{{}}}", items.join(", "))
        }
        _ => {
            return Err(format!(
                "toml: cannot encode a value of type {}",
                v.type_name()
            ));
        }
    })
}

fn is_table_array(v: &Value) -> bool {
    matches!(&v.v, V::List(l) if !l.is_empty() && l.iter().all(|i| matches!(i.v, V::Map(_))))
}

/// BurntSushi/toml's encoder: plain keys first, then tables, nested tables indented.
fn toml_table(
    out: &mut String,
    path: &[String],
    m: &BTreeMap<String, Value>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_PRINT_DEPTH {
        return Err("toml: nesting too deep".into());
    }
    if out.len() > MAX_STRING {
        return Err(format!(
            "toml: result too long (the limit is {MAX_STRING} bytes)"
        ));
    }
    // A key is indented by its depth, as BurntSushi/toml's encoder does.
    let ind = "  ".repeat(path.len());
    for (k, v) in m {
        if v.is_nil() || matches!(v.v, V::Map(_)) || is_table_array(v) {
            continue;
        }
        let _ = writeln!(out, "{ind}{} = {}", toml_key(k), toml_value(v, depth)?);
    }
    for (k, v) in m {
        let mut key = path.to_vec();
        key.push(k.clone());
        let header: String = key
            .iter()
            .map(|k| toml_key(k))
            .collect::<Vec<_>>()
            .join(".");
        let hind = "  ".repeat(key.len() - 1);
        if matches!(v.v, V::Map(_)) {
            if key.len() == 1 && !out.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "{hind}[{header}]");
            toml_table(out, &key, &v.map_entries(), depth + 1)?;
        } else if is_table_array(v) {
            for item in v.as_list().unwrap_or_default() {
                if !out.is_empty() {
                    out.push('\n');
                }
                let _ = writeln!(out, "{hind}[[{header}]]");
                toml_table(out, &key, &item.map_entries(), depth + 1)?;
            }
        }
    }
    Ok(())
}

fn to_toml(v: &Value) -> String {
    if !matches!(v.v, V::Map(_)) {
        return "toml: top-level values must be Go maps or structs".into();
    }
    let mut out = String::new();
    match toml_table(&mut out, &[], &v.map_entries(), 0) {
        Ok(()) => out,
        Err(e) => e,
    }
}

fn pretty_json(v: &Value) -> R {
    to_json(v)?;
    let mut out = String::new();
    to_pretty_json(&mut out, v, 0, 0);
    string(out)
}

pub(super) fn dispatch_serial(name: &str, a: &[Value]) -> Option<R> {
    let f: fn(&Value) -> R = match name {
        // Helm swallows the marshalling errors of these.
        "toJson" => |v| Ok(Value::from(to_json(v).unwrap_or_default())),
        "toPrettyJson" => |v| pretty_json(v).or_else(|_| Ok(Value::from(""))),
        "mustToJson" => |v| to_json(v).and_then(string),
        "mustToPrettyJson" => pretty_json,
        "toRawJson" | "mustToRawJson" => {
            |v| to_json(v).and_then(|s| string(unescape_html_json(&s)))
        }
        "fromJson" => |v| str_arg(v).map(|s| into_dict(parse_json(s), false)),
        "mustFromJson" => |v| str_arg(v).and_then(parse_json),
        "fromJsonArray" => |v| str_arg(v).map(|s| into_list(parse_json(s), false)),
        "toYaml" | "mustToYaml" => |v| serialisable(v).and_then(|_| string(v.to_yaml())),
        "toYamlPretty" => |v| serialisable(v).and_then(|_| string(to_yaml_pretty(v))),
        "fromYaml" => |v| str_arg(v).map(|s| into_dict(parse_yaml(s), true)),
        "fromYamlArray" => |v| str_arg(v).map(|s| into_list(parse_yaml(s), true)),
        "toToml" => |v| serialisable(v).and_then(|_| string(to_toml(v))),
        _ => return None,
    };
    Some(arity(name, a, 1).and_then(|_| f(&a[0])))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{d, err, f, i, l, ok, out, s};
    use super::*;

    #[test]
    fn yaml_round_trip_and_errors() {
        let v = d(&[
            ("name", s("web")),
            (
                "ports",
                l(&[d(&[("port", f(80.0))]), d(&[("port", f(443.0))])]),
            ),
            ("labels", d(&[("app", s("x")), ("on", s("yes"))])),
            ("script", s("echo a\necho b\n")),
        ]);
        let yaml = out("toYaml", std::slice::from_ref(&v));
        assert_eq!(
            yaml,
            "labels:\n  app: x\n  \"on\": \"yes\"\nname: web\nports:\n- port: 80\n- port: 443\nscript: |\n  echo a\n  echo b"
        );
        // toYaml trims the script's final line break, and go-yaml reads a block scalar that
        // ends the text without one as ending without it: the round trip loses it, as in Helm.
        let back = ok("fromYaml", &[s(&yaml)]);
        assert_eq!(out("deepEqual", &[v.clone(), back.clone()]), "false");
        assert_eq!(
            out("toJson", &[back]),
            "{\"labels\":{\"app\":\"x\",\"on\":\"yes\"},\"name\":\"web\",\"ports\":[{\"port\":80},{\"port\":443}],\"script\":\"echo a\\necho b\"}"
        );
        assert_eq!(
            out("toYamlPretty", std::slice::from_ref(&v)),
            "labels:\n  app: x\n  \"on\": \"yes\"\nname: web\nports:\n  - port: 80\n  - port: 443\nscript: |\n  echo a\n  echo b"
        );
        assert_eq!(out("toYaml", &[Value::nil()]), "null");
        assert_eq!(out("fromYaml", &[s("")]), "map[]");
        assert_eq!(
            ok("fromYaml", &[s("a: 1")])
                .map_get("a")
                .map(|v| v.type_name()),
            Some("float64")
        );
        let bad = ok("fromYaml", &[s("a: [1")]);
        assert!(
            bad.map_get("Error")
                .and_then(|e| e
                    .as_str()
                    .map(|e| e.starts_with("error converting YAML to JSON")))
                .unwrap_or(false)
        );
        assert_eq!(
            out("fromYaml", &[s("- a")]),
            "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(out("fromYamlArray", &[s("- a\n- 2")]), "[a 2]");
        assert_eq!(
            out("fromYamlArray", &[s("a: 1")]),
            "[error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}]"
        );
    }

    #[test]
    fn json() {
        let v = d(&[
            ("a", l(&[i(1), s("<b>")])),
            ("e", d(&[])),
            ("n", Value::nil()),
        ]);
        assert_eq!(
            out("toJson", std::slice::from_ref(&v)),
            r#"{"a":[1,"\u003cb\u003e"],"e":{},"n":null}"#
        );
        assert_eq!(
            out("toRawJson", std::slice::from_ref(&v)),
            r#"{"a":[1,"<b>"],"e":{},"n":null}"#
        );
        assert_eq!(out("toRawJson", &[s("\\u003c")]), r#""\\u003c""#);
        assert_eq!(
            out("toPrettyJson", std::slice::from_ref(&v)),
            "{\n  \"a\": [\n    1,\n    \"\\u003cb\\u003e\"\n  ],\n  \"e\": {},\n  \"n\": null\n}"
        );
        assert_eq!(out("toJson", &[f(f64::NAN)]), "");
        assert_eq!(
            err("mustToJson", &[f(f64::NAN)]),
            "json: unsupported value: NaN"
        );
        assert_eq!(
            out("fromJson", &[s(r#"{"a": 1, "b": [true, null]}"#)]),
            "map[a:1 b:[true <nil>]]"
        );
        assert_eq!(
            out("fromJson", &[s("[1]")]),
            "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(
            out("fromJson", &[s("{")]),
            "map[Error:unexpected end of JSON input]"
        );
        assert_eq!(out("fromJsonArray", &[s("[1, \"a\"]")]), "[1 a]");
        assert_eq!(out("mustFromJson", &[s("\"x\"")]), "x");
        assert_eq!(
            err("mustFromJson", &[s("")]),
            "unexpected end of JSON input"
        );
        assert_eq!(
            out(
                "toToml",
                &[d(&[
                    ("a", i(1)),
                    ("t", d(&[("b", f(2.0)), ("s", d(&[("c", s("x"))]))])),
                    ("arr", l(&[d(&[("n", i(1))])]))
                ])]
            ),
            "a = 1\n\n[[arr]]\n  n = 1\n\n[t]\n  b = 2.0\n  [t.s]\n    c = \"x\"\n"
        );
    }
}
