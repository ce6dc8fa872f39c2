//! The pure functions a Helm template can call: Go text/template's builtins, Sprig v3 and
//! Helm's own (`toYaml`, `fromJson`, ...).
//!
//! Behaviour follows Go, Sprig and Helm, including their lenient conversions and their error
//! texts, with three deliberate differences: everything random or clock-dependent is
//! deterministic (`now` is 2024-01-01T00:00:00Z, `randAlphaNum 8` is `xxxxxxxx`, keys and
//! certificates are placeholders of the right shape), nothing touches the network or the
//! environment, and results are bounded (strings at [`MAX_STRING`] bytes, lists at
//! [`MAX_ITEMS`] items) so that no input can exhaust memory. Never panics.
//!
//! Times have no value kind of their own: `now`, `toDate` and `dateModify` return the time as
//! Go prints it (`2024-01-01 00:00:00 +0000 UTC`), and the date functions read that text back.

mod builtins;
mod dates;
mod dicts;
mod encoding;
mod lists;
mod math;
mod paths;
pub(crate) mod regex;
mod semver;
mod serial;
mod sprintf;
mod strings;

use self::builtins::{
    Encode, compare, eq, eval_args, html_escape, index, js_escape, length, sprint, sprintln,
    url_escape,
};
use self::sprintf::sprintf;
use self::strings::dispatch_strings;
use super::value::{Obj, V, Value};

type R = Result<Value, String>;

/// Longest string a function may build (Go has no such limit; it would exhaust memory).
pub const MAX_STRING: usize = 10 << 20;
/// Most items a function may put in one list.
pub const MAX_ITEMS: usize = 1_000_000;

/// Functions the executor implements itself (they need the template or short-circuit).
#[rustfmt::skip]
const EXECUTOR_FUNCS: &[&str] = &[
    "and", "or", "include", "tpl", "required", "fail", "lookup", "template", "call",
];

/// Every function [`call`] knows.
#[rustfmt::skip]
const FUNCS: &[&str] = &[
    // Go text/template builtins.
    "not", "len", "index", "print", "println", "printf", "html", "js", "urlquery", "eq", "ne",
    "lt", "le", "gt", "ge",
    // Sprig: strings.
    "hello", "abbrev", "abbrevboth", "trunc", "trim", "upper", "lower", "title", "untitle",
    "substr", "repeat", "trimall", "trimAll", "trimSuffix", "trimPrefix", "nospace",
    "initials", "randAlphaNum", "randAlpha", "randAscii", "randNumeric", "swapcase", "shuffle",
    "snakecase", "camelcase", "kebabcase", "wrap", "wrapWith", "contains", "hasPrefix",
    "hasSuffix", "quote", "squote", "cat", "indent", "nindent", "replace", "plural",
    "toString", "toStrings", "join", "sortAlpha", "split", "splitList", "splitn",
    // Sprig: regular expressions.
    "regexMatch", "mustRegexMatch", "regexFindAll", "mustRegexFindAll", "regexFind",
    "mustRegexFind", "regexReplaceAll", "mustRegexReplaceAll", "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit", "regexQuoteMeta",
    // Sprig: encodings, hashes and (placeholder) cryptography.
    "b64enc", "b64dec", "b32enc", "b32dec", "sha1sum", "sha256sum", "sha512sum", "adler32sum",
    "uuidv4", "bcrypt", "htpasswd", "derivePassword", "genPrivateKey", "buildCustomCert",
    "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert",
    "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes", "getHostByName",
    // Sprig: numbers.
    "atoi", "int", "int64", "float64", "toDecimal", "seq", "until", "untilStep", "add1", "add",
    "sub", "div", "mod", "mul", "randInt", "add1f", "addf", "subf", "divf", "mulf", "biggest",
    "max", "min", "maxf", "minf", "ceil", "floor", "round",
    // Sprig: defaults and flow.
    "default", "empty", "coalesce", "all", "any", "compact", "mustCompact", "ternary",
    "deepCopy", "mustDeepCopy",
    // Sprig: lists.
    "list", "tuple", "append", "push", "mustAppend", "mustPush", "prepend", "mustPrepend",
    "first", "mustFirst", "rest", "mustRest", "last", "mustLast", "initial", "mustInitial",
    "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout", "has", "mustHas",
    "slice", "mustSlice", "concat", "chunk", "mustChunk",
    // Sprig: dicts.
    "dict", "get", "set", "unset", "hasKey", "pluck", "keys", "pick", "omit", "merge",
    "mergeOverwrite", "mustMerge", "mustMergeOverwrite", "values", "dig",
    // Sprig: reflection.
    "typeOf", "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual",
    // Sprig: semantic versions.
    "semver", "semverCompare",
    // Sprig: dates.
    "now", "date", "date_in_zone", "dateInZone", "htmlDate", "htmlDateInZone", "toDate",
    "mustToDate", "unixEpoch", "dateModify", "date_modify", "mustDateModify",
    "must_date_modify", "ago", "duration", "durationRound",
    // Sprig: paths.
    "base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean", "osExt", "osIsAbs",
    // Sprig: URLs.
    "urlParse", "urlJoin",
    // Sprig and Helm: serialisation.
    "toJson", "mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson", "mustToRawJson",
    "fromJson", "mustFromJson", "fromJsonArray", "toYaml", "mustToYaml", "toYamlPretty",
    "fromYaml", "fromYamlArray", "toToml",
];

/// Whether a template may call `name` (what [`call`] knows, and the executor's own).
pub fn is_defined(name: &str) -> bool {
    FUNCS.contains(&name) || EXECUTOR_FUNCS.contains(&name)
}

/// Calls a pure template function. `None`: no such function here (the executor handles
/// `and`, `or`, `include`, `tpl`, `required`, `fail`, `lookup`, `template`, `call`).
///
/// Args arrive evaluated, in call order (a piped value is the last). Errors are Go's text
/// without the `error calling X:` prefix.
pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let result = dispatch(name, args)?;
    Some(result.and_then(|v| {
        check_size(&v)?;
        Ok(v)
    }))
}

fn check_size(v: &Value) -> Result<(), String> {
    match &v.v {
        V::Str(s) if s.len() > MAX_STRING => Err(format!(
            "result too large: {} bytes (the limit is {MAX_STRING})",
            s.len()
        )),
        V::List(l) if l.len() > MAX_ITEMS => Err(format!(
            "result too large: {} items (the limit is {MAX_ITEMS})",
            l.len()
        )),
        _ => Ok(()),
    }
}

fn dispatch(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        // Go builtins.
        "not" => arity(name, a, 1).map(|_| Value::from(!a[0].truthy())),
        "len" => arity(name, a, 1).and_then(|_| length(&a[0])),
        "index" => arity_min(name, a, 1).and_then(|_| index(&a[0], &a[1..])),
        "print" => Ok(Value::from(sprint(a))),
        "println" => Ok(Value::from(sprintln(a))),
        "printf" => arity_min(name, a, 1)
            .and_then(|_| str_arg(&a[0]))
            .and_then(|f| sprintf(f, &a[1..]))
            .map(Value::from),
        "html" => Ok(Value::from(html_escape(&eval_args(a)))),
        "js" => Ok(Value::from(js_escape(&eval_args(a)))),
        "urlquery" => Ok(Value::from(url_escape(
            &eval_args(a),
            Encode::QueryComponent,
        ))),
        "eq" => eq(a),
        "ne" => arity(name, a, 2).and_then(|_| a[0].go_eq(&a[1]).map(|e| Value::from(!e))),
        "lt" | "le" | "gt" | "ge" => compare(name, a),
        _ => return dispatch_strings(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

fn arity(name: &str, a: &[Value], n: usize) -> Result<(), String> {
    if a.len() == n {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {n} got {}",
            a.len()
        ))
    }
}

fn arity_min(name: &str, a: &[Value], n: usize) -> Result<(), String> {
    if a.len() >= n {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            a.len()
        ))
    }
}

fn arity_between(name: &str, a: &[Value], lo: usize, hi: usize) -> Result<(), String> {
    if (lo..=hi).contains(&a.len()) {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {lo} to {hi} got {}",
            a.len()
        ))
    }
}

/// Go's error for an argument of the wrong type to a typed parameter.
fn type_error(expected: &str, v: &Value) -> String {
    if v.is_nil() {
        format!("invalid value; expected {expected}")
    } else {
        format!(
            "wrong type for value; expected {expected}; got {}",
            v.type_name()
        )
    }
}

/// A `string` parameter.
fn str_arg(v: &Value) -> Result<&str, String> {
    v.as_str().ok_or_else(|| type_error("string", v))
}

/// An `int` parameter (Go's int and int64 are one kind here).
fn int_arg(v: &Value) -> Result<i64, String> {
    match v.v {
        V::Int(i) => Ok(i),
        _ => Err(type_error("int", v)),
    }
}

/// A `bool` parameter.
fn bool_arg(v: &Value) -> Result<bool, String> {
    match v.v {
        V::Bool(b) => Ok(b),
        _ => Err(type_error("bool", v)),
    }
}

/// A `float64` parameter: template literals may be written as integers.
fn float_arg(v: &Value) -> Result<f64, String> {
    match v.v {
        V::Int(i) => Ok(i as f64),
        V::Float(f) => Ok(f),
        _ => Err(type_error("float64", v)),
    }
}

/// A `map[string]interface{}` parameter; `None` is Go's nil map.
fn map_arg(v: &Value) -> Result<Option<&Value>, String> {
    match &v.v {
        V::Map(_) => Ok(Some(v)),
        V::Nil => Ok(None),
        _ => Err(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            v.type_name()
        )),
    }
}

/// A `[]string` variadic tail.
fn str_args(a: &[Value]) -> Result<Vec<&str>, String> {
    a.iter().map(str_arg).collect()
}

/// The items of a Go slice (a list or `.Capabilities.APIVersions`).
fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match &v.v {
        V::List(l) => Some(l.as_ref().clone()),
        V::Obj(Obj::ApiVersions(vs)) => Some(vs.iter().map(|s| Value::from(s.as_str())).collect()),
        _ => None,
    }
}

/// Go's `reflect.Kind` name as Sprig's list errors show it.
fn kind_for_error(v: &Value) -> &'static str {
    v.kind_name()
}

/// What Go says when Sprig calls `reflect.TypeOf(nil).Kind()`.
const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

fn list(items: Vec<Value>) -> R {
    if items.len() > MAX_ITEMS {
        return Err(format!(
            "list too long: {} items (the limit is {MAX_ITEMS})",
            items.len()
        ));
    }
    Ok(Value::from(items))
}

fn string(s: String) -> R {
    if s.len() > MAX_STRING {
        return Err(format!(
            "string too long: {} bytes (the limit is {MAX_STRING})",
            s.len()
        ));
    }
    Ok(Value::from(s))
}

fn strs(items: impl IntoIterator<Item = String>) -> R {
    list(items.into_iter().map(Value::from).collect())
}

fn bytes_to_string(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    pub(super) fn s(x: &str) -> Value {
        Value::from(x)
    }
    pub(super) fn i(x: i64) -> Value {
        Value::from(x)
    }
    pub(super) fn f(x: f64) -> Value {
        Value::from(x)
    }
    pub(super) fn l(items: &[Value]) -> Value {
        Value::from(items.to_vec())
    }
    pub(super) fn d(entries: &[(&str, Value)]) -> Value {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>()
            .into()
    }
    pub(super) fn ok(name: &str, args: &[Value]) -> Value {
        match call(name, args) {
            Some(Ok(v)) => v,
            other => panic!("{name}: {other:?}"),
        }
    }
    /// The result as the template prints it.
    pub(super) fn out(name: &str, args: &[Value]) -> String {
        ok(name, args).to_go_string()
    }
    pub(super) fn err(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Some(Err(e)) => e,
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }
    pub(super) fn printf(format: &str, args: &[Value]) -> String {
        let mut a = vec![s(format)];
        a.extend_from_slice(args);
        out("printf", &a)
    }

    #[test]
    fn every_listed_function_is_callable_and_defined() {
        for name in FUNCS {
            assert!(
                call(name, &[]).is_some(),
                "{name} is listed but not dispatched"
            );
            assert!(is_defined(name));
        }
        for name in EXECUTOR_FUNCS {
            assert!(call(name, &[]).is_none(), "{name} belongs to the executor");
            assert!(is_defined(name));
        }
        for name in ["env", "expandenv", "nope", "fromToml"] {
            assert!(call(name, &[s("x")]).is_none());
            assert!(!is_defined(name));
        }
    }

    #[test]
    fn typed_parameters_fail_like_go() {
        assert_eq!(
            err("upper", &[i(3)]),
            "wrong type for value; expected string; got int"
        );
        assert_eq!(
            err("upper", &[Value::nil()]),
            "invalid value; expected string"
        );
        assert_eq!(
            err("repeat", &[f(3.0), s("x")]),
            "wrong type for value; expected int; got float64"
        );
        assert_eq!(
            err("ternary", &[s("a"), s("b"), s("true")]),
            "wrong type for value; expected bool; got string"
        );
        assert_eq!(
            err("get", &[l(&[]), s("a")]),
            "wrong type for value; expected map[string]interface {}; got []interface {}"
        );
        assert_eq!(err("first", &[Value::nil()]), NIL_DEREF);
        assert_eq!(
            err("first", &[s("abc")]),
            "Cannot find first on type string"
        );
        assert_eq!(
            err("slice", &[s("abc"), i(1)]),
            "list should be type of slice or array but string"
        );
        assert_eq!(out("quote", &[]), "");
    }

    #[test]
    fn paths_urls_and_types() {
        assert_eq!(out("base", &[s("a/b/c.txt")]), "c.txt");
        assert_eq!(out("base", &[s("/")]), "/");
        assert_eq!(out("dir", &[s("a/b/c.txt")]), "a/b");
        assert_eq!(out("dir", &[s("c.txt")]), ".");
        assert_eq!(out("clean", &[s("a//b/../c/./d/")]), "a/c/d");
        assert_eq!(out("clean", &[s("/../a")]), "/a");
        assert_eq!(out("clean", &[s("../../a")]), "../../a");
        assert_eq!(out("ext", &[s("a/b.tar.gz")]), ".gz");
        assert_eq!(out("isAbs", &[s("/a")]), "true");
        let u = ok(
            "urlParse",
            &[s(
                "https://user:pa%20ss@Example.com:8443/a%20b/c?x=1&y=2#frag",
            )],
        );
        assert_eq!(
            u.to_go_string(),
            "map[fragment:frag host:Example.com:8443 hostname:Example.com opaque: path:/a b/c query:x=1&y=2 scheme:https userinfo:user:pa%20ss]"
        );
        assert_eq!(
            out("urlJoin", &[u]),
            "https://user:pa%20ss@Example.com:8443/a%20b/c?x=1&y=2#frag"
        );
        assert_eq!(
            out("urlParse", &[s("mailto:a@b.c")]),
            "map[fragment: host: hostname: opaque:a@b.c path: query: scheme:mailto userinfo:]"
        );
        assert_eq!(
            out(
                "urlJoin",
                &[d(&[
                    ("host", s("h")),
                    ("path", s("p")),
                    ("scheme", s("http"))
                ])]
            ),
            "http://h/p"
        );
        assert_eq!(
            err("urlParse", &[s("http://a/%zz")]),
            "unable to parse url: parse \"http://a/%zz\": invalid URL escape \"%zz\""
        );
        assert_eq!(out("typeOf", &[f(1.0)]), "float64");
        assert_eq!(out("typeOf", &[l(&[])]), "[]interface {}");
        assert_eq!(out("typeIs", &[s("int"), i(1)]), "true");
        assert_eq!(out("typeIsLike", &[s("string"), s("x")]), "true");
        assert_eq!(out("kindOf", &[d(&[])]), "map");
        assert_eq!(out("kindIs", &[s("slice"), l(&[])]), "true");
        assert_eq!(out("kindOf", &[Value::nil()]), "invalid");
        assert_eq!(
            out(
                "deepEqual",
                &[
                    l(&[i(1), d(&[("a", s("x"))])]),
                    l(&[i(1), d(&[("a", s("x"))])])
                ]
            ),
            "true"
        );
        assert_eq!(out("deepEqual", &[i(1), f(1.0)]), "false");
    }

    #[test]
    fn results_are_bounded() {
        let big = s(&"x".repeat(MAX_STRING / 2 + 1));
        assert!(
            call("repeat", &[i(3), s(&"x".repeat(MAX_STRING / 2))]).is_some_and(|r| r.is_err())
        );
        assert!(
            call(
                "printf",
                &[s("%s%s%s"), big.clone(), big.clone(), big.clone()]
            )
            .is_some_and(|r| r.is_err())
        );
        assert!(call("printf", &[s("%999999999d"), i(1)]).is_some_and(|r| r.is_ok()));
        assert!(call("replace", &[s(""), s("yyyy"), big]).is_some_and(|r| r.is_err()));
        assert!(
            call(
                "regexReplaceAll",
                &[s(""), s(&"x".repeat(1000)), s(&"y".repeat(20_000))]
            )
            .is_some_and(|r| r.is_err())
        );
        assert!(call("seq", &[i(0), i(1), i(2_000_000)]).is_some_and(|r| r.is_err()));
        assert!(call("untilStep", &[i(i64::MIN), i(i64::MAX), i(1)]).is_some_and(|r| r.is_err()));
        assert!(
            call("splitList", &[s(""), s(&"ab".repeat(MAX_ITEMS))]).is_some_and(|r| r.is_err())
        );
    }

    #[test]
    fn no_function_panics_on_odd_arguments() {
        let samples = [
            Value::nil(),
            i(0),
            i(-1),
            i(3),
            i(i64::MAX),
            i(i64::MIN),
            f(f64::NAN),
            f(-2.5),
            f(1e300),
            s(""),
            s("a,b"),
            s("é%{[*"),
            s("1.2.3"),
            Value::from(true),
            l(&[i(1), s("x"), Value::nil()]),
            d(&[("a", i(1)), ("Cert", s("c")), ("Key", s("k"))]),
        ];
        let small = [
            Value::nil(),
            i(-1),
            i(2),
            s(""),
            s("é%"),
            l(&[s("a")]),
            d(&[]),
        ];
        for name in FUNCS {
            let _ = call(name, &[]);
            for a in &samples {
                let _ = call(name, std::slice::from_ref(a));
                for b in &samples {
                    let _ = call(name, &[a.clone(), b.clone()]);
                }
            }
            for a in &small {
                for b in &small {
                    for c in &small {
                        let _ = call(name, &[a.clone(), b.clone(), c.clone()]);
                        let _ = call(
                            name,
                            &[a.clone(), b.clone(), c.clone(), a.clone(), b.clone()],
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn self_containing_dicts_terminate() {
        // `set $d "a" $d; set $d "b" $d`: printing and walking would otherwise explode.
        let make = || {
            let m = d(&[("n", i(1))]);
            ok("set", &[m.clone(), s("a"), m.clone()]);
            ok("set", &[m.clone(), s("b"), m.clone()]);
            m
        };
        let (x, y) = (make(), make());
        assert_eq!(out("deepEqual", &[x.clone(), x.clone()]), "true");
        assert_eq!(out("deepEqual", &[x.clone(), y.clone()]), "false");
        assert_eq!(out("toJson", std::slice::from_ref(&x)), "");
        assert_eq!(
            err("mustToJson", std::slice::from_ref(&x)),
            "json: unsupported value: encountered a cycle via map[string]interface {}"
        );
        assert!(call("printf", &[s("%v"), x.clone()]).is_some());
        assert!(call("toString", std::slice::from_ref(&x)).is_some());
        assert!(call("toPrettyJson", std::slice::from_ref(&x)).is_some());
        assert!(call("toYamlPretty", std::slice::from_ref(&x)).is_some());
        assert!(call("toToml", std::slice::from_ref(&x)).is_some());
        assert_eq!(
            err("toYaml", std::slice::from_ref(&x)),
            "value contains a cycle (a map[string]interface {} holds itself)"
        );
        assert!(call("uniq", &[l(&[x.clone(), y.clone(), x])]).is_some());
        assert!(call("mergeOverwrite", &[d(&[]), y]).is_some());
        // No cycle, but 2^100 paths: bounded work, not a hang.
        let mut dag = d(&[("leaf", i(1))]);
        for _ in 0..100 {
            dag = d(&[("a", dag.clone()), ("b", dag)]);
        }
        assert!(call("merge", &[dag.clone(), dag.clone()]).is_some_and(|r| r.is_err()));
        assert!(call("deepCopy", std::slice::from_ref(&dag)).is_some_and(|r| r.is_err()));
        assert!(call("toYaml", std::slice::from_ref(&dag)).is_some_and(|r| r.is_err()));
        assert_eq!(
            out("deepEqual", &[dag.clone(), ok("deepCopy", &[d(&[])])]),
            "false"
        );
        assert!(call("toString", &[dag]).is_some_and(|r| r.is_err()));
    }
}
