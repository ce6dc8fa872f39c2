//! Terraform's built-in functions, as far as placement and redundancy need them.
//!
//! Functions take evaluated arguments. An unknown argument makes the result unknown unless the
//! function can answer anyway (`length` of a list whose elements are unknown, `concat`, ...).
//! `try` and `can` need unevaluated arguments and live in the evaluator.

mod collections;
mod ip_network;
mod numeric;
mod strings;
mod type_conversion;

use std::collections::BTreeMap;

use crate::model::terraform::Value;

/// Most elements a function may build (`range`, `setproduct`, ...).
pub const MAX_ELEMENTS: usize = 100_000;
/// Longest string a function (or a template) may build.
pub const MAX_STRING_BYTES: usize = 16 << 20;

fn too_long(name: &str, bytes: usize) -> String {
    format!(
        "{name}(): the result would be {bytes} bytes, more than the {MAX_STRING_BYTES}-byte limit"
    )
}

/// Functions that exist in Terraform but whose result spoflint never computes: they read files,
/// the clock, randomness or hash contents. Their result is unknown, which is not an error.
const OPAQUE: &[&str] = &[
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "templatefile",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "filebase64sha256",
    "filebase64sha512",
    "timestamp",
    "plantimestamp",
    "timeadd",
    "timecmp",
    "formatdate",
    "uuid",
    "uuidv5",
    "bcrypt",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "base64sha256",
    "base64sha512",
    "base64encode",
    "base64decode",
    "base64gzip",
    "textencodebase64",
    "textdecodebase64",
    "urlencode",
    "jsondecode",
    "yamlencode",
    "yamldecode",
    "csvdecode",
    "rsadecrypt",
    "abspath",
    "dirname",
    "basename",
    "pathexpand",
    "ephemeralasnull",
    "issensitive",
    "templatestring",
    "cidrnetmask",
    "cidrhost",
    "cidrsubnets",
    "jsonencode",
    "type",
];

/// Functions below the unknown-argument check: they need every argument known.
const STRICT: &[&str] = &[
    "range",
    "min",
    "max",
    "abs",
    "ceil",
    "floor",
    "index",
    "sort",
    "setintersection",
    "setsubtract",
    "format",
    "join",
    "split",
    "lower",
    "upper",
    "trimspace",
    "trimprefix",
    "trimsuffix",
    "trim",
    "startswith",
    "endswith",
    "strcontains",
    "replace",
    "regex",
    "regexall",
    "substr",
    "tostring",
    "tonumber",
    "tobool",
    "cidrsubnet",
    "log",
    "pow",
    "signum",
    "parseint",
    "setproduct",
    "transpose",
    "matchkeys",
    "sum",
    "strrev",
    "title",
    "indent",
    "chomp",
    "formatlist",
];

/// Result of a function call: a value, or an error message for the call.
pub type FnResult = Result<Value, String>;

fn unknown_in(args: &[Value]) -> bool {
    args.iter().any(Value::is_unknown)
}

fn want(args: &[Value], n: usize, name: &str) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!(
            "{name}() takes {n} argument{}, got {}",
            if n == 1 { "" } else { "s" },
            args.len()
        ))
    }
}

fn list_of<'a>(v: &'a Value, name: &str) -> Result<&'a [Value], String> {
    match v {
        Value::List(items) => Ok(items),
        other => Err(format!("{name}() needs a list, got {}", other.type_name())),
    }
}

fn map_of<'a>(v: &'a Value, name: &str) -> Result<&'a BTreeMap<String, Value>, String> {
    match v {
        Value::Map(m) => Ok(m),
        other => Err(format!("{name}() needs a map, got {}", other.type_name())),
    }
}

fn num(v: &Value, name: &str) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("{name}() needs a number, got {}", v.type_name()))
}

fn int(v: &Value, name: &str) -> Result<i64, String> {
    v.as_i64()
        .ok_or_else(|| format!("{name}() needs a whole number, got {v}"))
}

fn string(v: &Value, name: &str) -> Result<String, String> {
    to_string(v).ok_or_else(|| format!("{name}() needs a string, got {}", v.type_name()))
}

/// A primitive value as Terraform converts it to a string.
pub fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

/// Set semantics: known strings sorted and de-duplicated; other elements de-duplicated in order.
fn set_of(items: &[Value]) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    if out.iter().all(|v| matches!(v, Value::String(_))) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    Value::List(out)
}

/// Calls `name` with `args`.
pub fn call(name: &str, args: &[Value]) -> FnResult {
    if OPAQUE.contains(&name) {
        return Ok(Value::UNKNOWN);
    }
    // Functions that tolerate unknown arguments come first.
    let tolerant =
        collections::tolerant(name, args).or_else(|| type_conversion::tolerant(name, args));
    if let Some(result) = tolerant {
        return result;
    }
    // The remaining functions need fully known arguments.
    if args.iter().any(Value::has_unknown) {
        return if STRICT.contains(&name) {
            Ok(Value::UNKNOWN)
        } else {
            Err(format!("unknown function `{name}`"))
        };
    }
    numeric::strict(name, args)
        .or_else(|| strings::strict(name, args))
        .or_else(|| collections::strict(name, args))
        .or_else(|| type_conversion::strict(name, args))
        .or_else(|| ip_network::strict(name, args))
        .unwrap_or_else(|| Err(format!("unknown function `{name}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    pub(super) fn n(x: f64) -> Value {
        Value::Number(x)
    }
    pub(super) fn l(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn strict_functions_exist_and_wait_for_unknowns() {
        for name in STRICT {
            let e = call(name, &[]).err().unwrap_or_default();
            assert!(!e.starts_with("unknown function"), "{name}");
            assert_eq!(call(name, &[Value::UNKNOWN]).unwrap(), Value::UNKNOWN);
        }
    }

    #[test]
    fn format_and_strings() {
        assert_eq!(
            call("format", &[s("%s-%03d"), s("web"), n(7.0)]).unwrap(),
            s("web-007")
        );
        assert_eq!(
            call("join", &[s(","), l(vec![s("a"), s("b")])]).unwrap(),
            s("a,b")
        );
        assert_eq!(
            call("coalesce", &[Value::Null, s(""), s("x")]).unwrap(),
            s("x")
        );
        assert!(call("nosuchfn", &[]).is_err());
        assert_eq!(call("timestamp", &[]).unwrap(), Value::UNKNOWN);
        assert_eq!(call("upper", &[Value::UNKNOWN]).unwrap(), Value::UNKNOWN);
        assert!(call("nosuchfn", &[Value::UNKNOWN]).is_err());
    }

    /// Every built-in function of Terraform 1.10 (`can` and `try` live in the evaluator).
    const TERRAFORM: &[&str] = &[
        "abs",
        "ceil",
        "floor",
        "log",
        "max",
        "min",
        "parseint",
        "pow",
        "signum",
        "chomp",
        "endswith",
        "format",
        "formatlist",
        "indent",
        "join",
        "lower",
        "regex",
        "regexall",
        "replace",
        "split",
        "startswith",
        "strcontains",
        "strrev",
        "substr",
        "templatestring",
        "title",
        "trim",
        "trimprefix",
        "trimsuffix",
        "trimspace",
        "upper",
        "alltrue",
        "anytrue",
        "chunklist",
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "distinct",
        "element",
        "flatten",
        "index",
        "keys",
        "length",
        "lookup",
        "matchkeys",
        "merge",
        "one",
        "range",
        "reverse",
        "setintersection",
        "setproduct",
        "setsubtract",
        "setunion",
        "slice",
        "sort",
        "sum",
        "transpose",
        "values",
        "zipmap",
        "base64decode",
        "base64encode",
        "base64gzip",
        "csvdecode",
        "jsondecode",
        "jsonencode",
        "textdecodebase64",
        "textencodebase64",
        "urlencode",
        "yamldecode",
        "yamlencode",
        "abspath",
        "dirname",
        "pathexpand",
        "basename",
        "file",
        "fileexists",
        "fileset",
        "filebase64",
        "templatefile",
        "formatdate",
        "plantimestamp",
        "timeadd",
        "timecmp",
        "timestamp",
        "base64sha256",
        "base64sha512",
        "bcrypt",
        "filebase64sha256",
        "filebase64sha512",
        "filemd5",
        "filesha1",
        "filesha256",
        "filesha512",
        "md5",
        "rsadecrypt",
        "sha1",
        "sha256",
        "sha512",
        "uuid",
        "uuidv5",
        "cidrhost",
        "cidrnetmask",
        "cidrsubnet",
        "cidrsubnets",
        "ephemeralasnull",
        "issensitive",
        "nonsensitive",
        "sensitive",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
        "type",
    ];

    #[test]
    fn every_terraform_function_is_known() {
        for name in TERRAFORM {
            for args in [
                vec![],
                vec![Value::UNKNOWN],
                vec![Value::UNKNOWN, Value::UNKNOWN],
            ] {
                if let Err(e) = call(name, &args) {
                    assert!(!e.starts_with("unknown function"), "{name}: {e}");
                }
            }
        }
    }

    #[test]
    fn regular_expressions() {
        // No group: the matched text; unnamed groups: a list; named groups: an object.
        assert_eq!(
            call("regexall", &[s("^[a-z]{2}-"), s("eu-west-1a")]).unwrap(),
            l(vec![s("eu-")])
        );
        assert_eq!(
            call("regexall", &[s("^[a-z]{2}-"), s("euw1-az1")]).unwrap(),
            l(vec![])
        );
        assert_eq!(
            call("regex", &[s("([a-z]+)-([0-9]+)"), s("web-12 db-3")]).unwrap(),
            l(vec![s("web"), s("12")])
        );
        let named = call("regex", &[s("(?P<app>[a-z]+)-(?P<n>[0-9]+)?x"), s("web-x")]).unwrap();
        assert_eq!(
            named,
            Value::Map(
                [
                    ("app".to_string(), s("web")),
                    ("n".to_string(), Value::Null)
                ]
                .into_iter()
                .collect()
            )
        );
        assert!(call("regex", &[s("z+"), s("abc")]).is_err());
        assert!(call("regexall", &[s("(a"), s("abc")]).is_err());
        assert!(call("regex", &[s("(?P<x>a)(b)"), s("ab")]).is_err());
        // replace() with a /regex/ and $1.
        assert_eq!(
            call(
                "replace",
                &[s("eu-west-1a"), s("/([a-z]+)-([a-z]+)-/"), s("$2.$1.")]
            )
            .unwrap(),
            s("west.eu.1a")
        );
        // A pattern too large to compile is an error, not a hang.
        assert!(call("regexall", &[s("(a{1000}){1000}"), s("a")]).is_err());
        // Unknown input: unknown.
        assert_eq!(
            call("regexall", &[s("a"), Value::UNKNOWN]).unwrap(),
            Value::UNKNOWN
        );
    }

    #[test]
    fn added_functions() {
        assert_eq!(call("sensitive", &[n(3.0)]).unwrap(), n(3.0));
        assert_eq!(
            call("nonsensitive", &[Value::UNKNOWN]).unwrap(),
            Value::UNKNOWN
        );
        assert_eq!(call("pow", &[n(2.0), n(10.0)]).unwrap(), n(1024.0));
        assert_eq!(call("signum", &[n(-4.0)]).unwrap(), n(-1.0));
        assert_eq!(call("parseint", &[s("FF"), n(16.0)]).unwrap(), n(255.0));
        assert_eq!(call("parseint", &[s("-zz"), n(36.0)]).unwrap(), n(-1295.0));
        assert!(call("parseint", &[s("12"), n(2.0)]).is_err());
        assert_eq!(call("log", &[n(16.0), n(2.0)]).unwrap(), n(4.0));
        assert_eq!(call("sum", &[l(vec![n(1.0), n(2.5)])]).unwrap(), n(3.5));
        assert_eq!(
            call("alltrue", &[l(vec![Value::Bool(true), Value::UNKNOWN])]).unwrap(),
            Value::UNKNOWN
        );
        assert_eq!(
            call("alltrue", &[l(vec![Value::Bool(false), Value::UNKNOWN])]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(call("anytrue", &[l(vec![])]).unwrap(), Value::Bool(false));
        assert_eq!(call("alltrue", &[l(vec![])]).unwrap(), Value::Bool(true));
        assert_eq!(
            call("setproduct", &[l(vec![s("a"), s("b")]), l(vec![n(1.0)])]).unwrap(),
            l(vec![l(vec![s("a"), n(1.0)]), l(vec![s("b"), n(1.0)])])
        );
        assert_eq!(
            call(
                "matchkeys",
                &[
                    l(vec![s("i-1"), s("i-2"), s("i-3")]),
                    l(vec![s("a"), s("b"), s("a")]),
                    l(vec![s("a")])
                ]
            )
            .unwrap(),
            l(vec![s("i-1"), s("i-3")])
        );
        assert_eq!(
            call("formatlist", &[s("%s-%s"), l(vec![s("a"), s("b")]), s("x")]).unwrap(),
            l(vec![s("a-x"), s("b-x")])
        );
        assert_eq!(
            call("title", &[s("hello wOrld-x_y")]).unwrap(),
            s("Hello WOrld-X_y")
        );
        assert_eq!(call("chomp", &[s("a\n\r\n")]).unwrap(), s("a"));
        assert_eq!(call("strrev", &[s("abc")]).unwrap(), s("cba"));
        assert_eq!(call("indent", &[n(2.0), s("a\nb")]).unwrap(), s("a\n  b"));
    }
}
