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

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use regex::Regex;
use sha1::Digest as _;

use super::value::{MAX_PRINT_DEPTH, Obj, V, Value};

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

// ---------------------------------------------------------------------------------------
// Go text/template builtins
// ---------------------------------------------------------------------------------------

fn length(v: &Value) -> R {
    let n = match &v.v {
        V::Nil => return Err("len of untyped nil".into()),
        V::Str(s) => s.len(),
        V::List(l) => l.len(),
        V::Map(m) => m.try_borrow().map_or(0, |m| m.len()),
        V::Obj(Obj::Files(f)) => f.len(),
        V::Obj(Obj::ApiVersions(a)) => a.len(),
        _ => return Err(format!("len of type {}", v.type_name())),
    };
    Ok(Value::from(n as i64))
}

fn index(item: &Value, indexes: &[Value]) -> R {
    if item.is_nil() {
        return Err("index of untyped nil".into());
    }
    let mut v = item.clone();
    for i in indexes {
        let slice_index = |len: usize| -> Result<usize, String> {
            match i.v {
                V::Int(x) if x >= 0 && (x as u64) < len as u64 => Ok(x as usize),
                V::Int(x) => Err(format!("index out of range: {x}")),
                V::Nil => Err("cannot index slice/array with nil".into()),
                _ => Err(format!(
                    "cannot index slice/array with type {}",
                    i.type_name()
                )),
            }
        };
        v = match &v.v {
            V::Nil => return Err("index of nil pointer".into()),
            V::List(l) => l[slice_index(l.len())?].clone(),
            V::Obj(Obj::ApiVersions(a)) => Value::from(a[slice_index(a.len())?].as_str()),
            V::Str(s) => Value::from(i64::from(s.as_bytes()[slice_index(s.len())?])),
            V::Map(_) | V::Obj(Obj::Files(_)) => {
                let key = match &i.v {
                    V::Str(k) => k.clone(),
                    V::Nil => return Err("value is nil; should be of type string".into()),
                    _ => {
                        return Err(format!(
                            "value has type {}; should be string",
                            i.type_name()
                        ));
                    }
                };
                match &v.v {
                    V::Obj(Obj::Files(f)) => {
                        f.get(&*key).map_or_else(Value::nil, |c| Value::from(&**c))
                    }
                    _ => v.map_get(&key).unwrap_or_default(),
                }
            }
            _ => return Err(format!("can't index item of type {}", v.type_name())),
        };
    }
    Ok(v)
}

fn eq(a: &[Value]) -> R {
    arity_min("eq", a, 1)?;
    if a.len() == 1 {
        return Err("missing argument for comparison".into());
    }
    for other in &a[1..] {
        if a[0].go_eq(other)? {
            return Ok(Value::from(true));
        }
    }
    Ok(Value::from(false))
}

fn compare(name: &str, a: &[Value]) -> R {
    use std::cmp::Ordering::*;
    arity(name, a, 2)?;
    let ord = a[0].go_cmp(&a[1])?;
    Ok(Value::from(match name {
        "lt" => ord == Less,
        "le" => ord != Greater,
        "gt" => ord == Greater,
        _ => ord != Less,
    }))
}

/// `fmt.Sprint`: a space between operands when neither is a string.
fn sprint(a: &[Value]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, v) in a.iter().enumerate() {
        let is_string = matches!(v.v, V::Str(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        print_arg(&mut out, v, 'v', &Flags::default(), 0);
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: spaces between all operands and a final newline.
fn sprintln(a: &[Value]) -> String {
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        print_arg(&mut out, v, 'v', &Flags::default(), 0);
    }
    out.push('\n');
    out
}

/// `fmt.Sprint(v)` of one value (`<nil>` for nil), as Sprig's `toString` and `cat` use it.
fn fmt_v(v: &Value) -> String {
    let mut out = String::new();
    print_arg(&mut out, v, 'v', &Flags::default(), 0);
    out
}

/// Sprig's `strval`: strings as they are, anything else as `fmt.Sprintf("%v")`.
fn strval(v: &Value) -> String {
    match &v.v {
        V::Str(s) => s.to_string(),
        _ => fmt_v(v),
    }
}

/// text/template's `evalArgs` for `html`, `js` and `urlquery`.
fn eval_args(a: &[Value]) -> String {
    if let [Value { v: V::Str(s), .. }] = a {
        return s.to_string();
    }
    let printable: Vec<Value> = a
        .iter()
        .map(|v| {
            if v.is_nil() {
                Value::from("<no value>")
            } else {
                v.clone()
            }
        })
        .collect();
    sprint(&printable)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\x3C"),
            '>' => out.push_str("\\x3E"),
            '&' => out.push_str("\\x26"),
            '=' => out.push_str("\\x3D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if (c as u32) >= 0x80 && !is_print(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `unicode.IsPrint`, approximately: graphic characters and the ASCII space.
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    !matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF
        | 0xFFFE | 0xFFFF | 0xF0000..=0x10FFFF)
}

/// Which part of a URL `url_escape` escapes for (Go's `net/url` modes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encode {
    Path,
    Host,
    UserPassword,
    QueryComponent,
    Fragment,
}

fn should_escape(c: u8, mode: Encode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Encode::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Encode::Path => c == b'?',
                Encode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Encode::QueryComponent => true,
                Encode::Fragment => false,
                Encode::Host => true,
            };
        }
        _ => {}
    }
    if mode == Encode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go's `url` escaping (`QueryEscape` for [`Encode::QueryComponent`]).
fn url_escape(s: &str, mode: Encode) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b == b' ' && mode == Encode::QueryComponent {
            out.push('+');
        } else if should_escape(b, mode) {
            let _ = write!(out, "%{b:02X}");
        } else {
            out.push(b as char);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// fmt.Sprintf
// ---------------------------------------------------------------------------------------

/// The flags, width and precision of one `%` verb.
#[derive(Clone, Copy, Default)]
struct Flags {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%#v`: Go syntax.
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

/// Widths and precisions above this are Go's "too large" (`%!(BADWIDTH)`).
const MAX_FMT_NUM: usize = 1_000_000;

/// Go's `fmt.Sprintf`, with Go's in-band errors (`%!d(string=abc)`, `%!s(MISSING)`,
/// `%!(EXTRA ...)`). Fails only when the result would exceed [`MAX_STRING`].
fn sprintf(format: &str, args: &[Value]) -> Result<String, String> {
    let b = format.as_bytes();
    let end = b.len();
    let mut out = String::new();
    let mut i = 0;
    let mut arg_num = 0;
    let mut reordered = false;
    while i < end {
        if out.len() > MAX_STRING {
            return Err(format!(
                "printf result too long (the limit is {MAX_STRING} bytes)"
            ));
        }
        let last = i;
        while i < end && b[i] != b'%' {
            i += 1;
        }
        out.push_str(&format[last..i]);
        if i >= end {
            break;
        }
        i += 1;
        let mut f = Flags::default();
        let mut good_arg_num = true;
        while i < end {
            match b[i] {
                b'#' => f.sharp = true,
                b'0' => f.zero = !f.minus,
                b'+' => f.plus = true,
                b'-' => {
                    f.minus = true;
                    f.zero = false;
                }
                b' ' => f.space = true,
                _ => break,
            }
            i += 1;
        }
        let mut after_index;
        (arg_num, i, after_index) =
            arg_number(arg_num, b, i, args.len(), &mut reordered, &mut good_arg_num);
        if i < end && b[i] == b'*' {
            i += 1;
            let (w, ok, n) = int_from_arg(args, arg_num);
            arg_num = n;
            if !ok {
                out.push_str("%!(BADWIDTH)");
            } else if w < 0 {
                f.minus = true;
                f.zero = false;
                f.wid = Some(w.unsigned_abs() as usize);
            } else {
                f.wid = Some(w as usize);
            }
            after_index = false;
        } else {
            let (w, present, ni) = parse_num(b, i, end);
            i = ni;
            if present {
                f.wid = Some(w);
                if after_index {
                    good_arg_num = false;
                }
            }
        }
        if i + 1 < end && b[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            (arg_num, i, after_index) =
                arg_number(arg_num, b, i, args.len(), &mut reordered, &mut good_arg_num);
            if i < end && b[i] == b'*' {
                i += 1;
                let (p, ok, n) = int_from_arg(args, arg_num);
                arg_num = n;
                if !ok || p < 0 {
                    f.prec = None;
                    if !ok {
                        out.push_str("%!(BADPREC)");
                    }
                } else {
                    f.prec = Some(p as usize);
                }
                after_index = false;
            } else {
                let (p, present, ni) = parse_num(b, i, end);
                i = ni;
                f.prec = Some(if present { p } else { 0 });
            }
        }
        if !after_index {
            (arg_num, i, _) =
                arg_number(arg_num, b, i, args.len(), &mut reordered, &mut good_arg_num);
        }
        let Some(verb) = format.get(i..).and_then(|rest| rest.chars().next()) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += verb.len_utf8();
        if verb == '%' {
            out.push('%');
        } else if !good_arg_num {
            let _ = write!(out, "%!{verb}(BADINDEX)");
        } else if arg_num >= args.len() {
            let _ = write!(out, "%!{verb}(MISSING)");
        } else {
            if verb == 'v' {
                f.sharp_v = f.sharp;
                f.sharp = false;
                f.plus = false;
            }
            print_arg(&mut out, &args[arg_num], verb, &f, 0);
            arg_num += 1;
        }
    }
    if !reordered && arg_num < args.len() {
        out.push_str("%!(EXTRA ");
        for (k, a) in args[arg_num..].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            if a.is_nil() {
                out.push_str("<nil>");
            } else {
                out.push_str(a.type_name());
                out.push('=');
                print_arg(&mut out, a, 'v', &Flags::default(), 0);
            }
        }
        out.push(')');
    }
    if out.len() > MAX_STRING {
        return Err(format!(
            "printf result too long (the limit is {MAX_STRING} bytes)"
        ));
    }
    Ok(out)
}

fn parse_num(b: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut is_num = false;
    let mut i = start;
    while i < end && b[i].is_ascii_digit() {
        if num > MAX_FMT_NUM {
            return (0, false, end);
        }
        num = num * 10 + usize::from(b[i] - b'0');
        is_num = true;
        i += 1;
    }
    (num, is_num, i)
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(a) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    match a.v {
        V::Int(n) if n.unsigned_abs() <= MAX_FMT_NUM as u64 => (n, true, arg_num + 1),
        _ => (0, false, arg_num + 1),
    }
}

/// An explicit argument index (`%[2]d`).
fn arg_number(
    arg_num: usize,
    b: &[u8],
    i: usize,
    num_args: usize,
    reordered: &mut bool,
    good: &mut bool,
) -> (usize, usize, bool) {
    if b.len() <= i || b[i] != b'[' {
        return (arg_num, i, false);
    }
    *reordered = true;
    let (index, wid, ok) = {
        let f = &b[i..];
        if f.len() < 3 {
            (0, 1, false)
        } else if let Some(close) = f.iter().position(|&c| c == b']') {
            let (n, is_num, newi) = parse_num(f, 1, close);
            if !is_num || newi != close {
                (0, close + 1, false)
            } else {
                (n as i64 - 1, close + 1, true)
            }
        } else {
            (0, 1, false)
        }
    };
    if ok && index >= 0 && (index as usize) < num_args {
        return (index as usize, i + wid, true);
    }
    *good = false;
    (arg_num, i + wid, ok)
}

/// Formats one operand (Go's `printArg`).
fn print_arg(out: &mut String, v: &Value, verb: char, f: &Flags, depth: usize) {
    if depth > MAX_PRINT_DEPTH {
        out.push_str("...");
        return;
    }
    if v.is_nil() {
        match verb {
            'T' | 'v' => pad(out, "<nil>", f),
            _ => bad_verb(out, verb, v, f, depth),
        }
        return;
    }
    if verb == 'T' {
        fmt_s(out, v.type_name(), f);
        return;
    }
    match &v.v {
        V::Nil => {}
        V::Bool(b) => match verb {
            't' | 'v' => pad(out, if *b { "true" } else { "false" }, f),
            _ => bad_verb(out, verb, v, f, depth),
        },
        V::Int(i) => fmt_int_verb(out, *i, verb, f, v, depth),
        V::Float(x) => match verb {
            'v' => fmt_float(out, *x, 'g', None, f),
            'b' | 'g' | 'G' | 'x' | 'X' => fmt_float(out, *x, verb, None, f),
            'f' | 'e' | 'E' | 'F' => fmt_float(out, *x, verb, Some(6), f),
            _ => bad_verb(out, verb, v, f, depth),
        },
        V::Str(s) => match verb {
            'v' if f.sharp_v => fmt_q(out, s, f),
            'v' | 's' => fmt_s(out, s, f),
            'x' => fmt_sx(out, s, false, f),
            'X' => fmt_sx(out, s, true, f),
            'q' => fmt_q(out, s, f),
            _ => bad_verb(out, verb, v, f, depth),
        },
        V::List(items) => print_list(out, items, verb, f, depth),
        V::Obj(Obj::ApiVersions(vs)) => {
            let items: Vec<Value> = vs.iter().map(|s| Value::from(s.as_str())).collect();
            print_list(out, &items, verb, f, depth);
        }
        V::Map(_) => {
            if f.sharp_v {
                out.push_str("map[string]interface {}{");
            } else {
                out.push_str("map[");
            }
            for (k, (key, val)) in v.map_entries().iter().enumerate() {
                if out.len() > MAX_STRING {
                    break;
                }
                if k > 0 {
                    out.push_str(if f.sharp_v { ", " } else { " " });
                }
                print_value(out, &Value::from(key.as_str()), verb, f, depth + 1);
                out.push(':');
                print_value(out, val, verb, f, depth + 1);
            }
            out.push(if f.sharp_v { '}' } else { ']' });
        }
        V::Obj(Obj::Files(_)) => out.push_str(&v.to_go_string()),
    }
}

fn print_list(out: &mut String, items: &[Value], verb: char, f: &Flags, depth: usize) {
    if f.sharp_v {
        out.push_str("[]interface {}{");
    } else {
        out.push('[');
    }
    for (k, item) in items.iter().enumerate() {
        if out.len() > MAX_STRING {
            break;
        }
        if k > 0 {
            out.push_str(if f.sharp_v { ", " } else { " " });
        }
        print_value(out, item, verb, f, depth + 1);
    }
    out.push(if f.sharp_v { '}' } else { ']' });
}

/// An element of a list or map: nil prints as `<nil>` whatever the verb.
fn print_value(out: &mut String, v: &Value, verb: char, f: &Flags, depth: usize) {
    if v.is_nil() {
        out.push_str(if f.sharp_v {
            "interface {}(nil)"
        } else {
            "<nil>"
        });
    } else {
        print_arg(out, v, verb, f, depth);
    }
}

fn bad_verb(out: &mut String, verb: char, v: &Value, f: &Flags, depth: usize) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    if v.is_nil() {
        out.push_str("<nil>");
    } else {
        out.push_str(v.type_name());
        out.push('=');
        print_arg(out, v, 'v', f, depth + 1);
    }
    out.push(')');
}

fn write_padding(out: &mut String, n: usize, zero: bool) {
    // Past the limit the caller fails anyway: write no more than needed to tell.
    let n = n.min((MAX_STRING + 1).saturating_sub(out.len()));
    out.extend(std::iter::repeat_n(if zero { '0' } else { ' ' }, n));
}

/// Pads to the width (in characters), on the left unless `-`.
fn pad(out: &mut String, s: &str, f: &Flags) {
    let n = s.chars().count();
    match f.wid {
        Some(w) if w > n => {
            if f.minus {
                out.push_str(s);
                write_padding(out, w - n, false);
            } else {
                write_padding(out, w - n, f.zero);
                out.push_str(s);
            }
        }
        _ => out.push_str(s),
    }
}

fn pad_no_zero(out: &mut String, s: &str, f: &Flags) {
    pad(out, s, &Flags { zero: false, ..*f });
}

fn truncate_chars(s: &str, prec: Option<usize>) -> &str {
    match prec {
        Some(p) => s.char_indices().nth(p).map_or(s, |(i, _)| &s[..i]),
        None => s,
    }
}

fn fmt_s(out: &mut String, s: &str, f: &Flags) {
    pad(out, truncate_chars(s, f.prec), f);
}

fn fmt_sx(out: &mut String, s: &str, upper: bool, f: &Flags) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let x = if upper { 'X' } else { 'x' };
    let bytes = s.as_bytes();
    let n = f.prec.map_or(bytes.len(), |p| p.min(bytes.len()));
    if n == 0 {
        if let Some(w) = f.wid {
            write_padding(out, w, f.zero);
        }
        return;
    }
    let mut enc = String::with_capacity(n * 4);
    if f.sharp {
        enc.push('0');
        enc.push(x);
    }
    for (k, &c) in bytes[..n].iter().enumerate() {
        if f.space && k > 0 {
            enc.push(' ');
            if f.sharp {
                enc.push('0');
                enc.push(x);
            }
        }
        enc.push(digits[usize::from(c >> 4)] as char);
        enc.push(digits[usize::from(c & 15)] as char);
    }
    pad(out, &enc, f);
}

fn fmt_q(out: &mut String, s: &str, f: &Flags) {
    let s = truncate_chars(s, f.prec);
    if f.sharp && can_backquote(s) {
        pad(out, &format!("`{s}`"), f);
    } else {
        pad(out, &go_quote(s, '"', f.plus), f);
    }
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()))
}

/// Go's `strconv.Quote` (`ascii_only`: `QuoteToASCII`), with `quote` as the delimiter.
fn go_quote(s: &str, quote: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        quote_rune_into(&mut out, c, quote, ascii_only);
    }
    out.push(quote);
    out
}

fn quote_rune_into(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if if ascii_only {
        c.is_ascii() && is_print(c)
    } else {
        is_print(c)
    } {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0C' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0B' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7F => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

fn fmt_int_verb(out: &mut String, i: i64, verb: char, f: &Flags, v: &Value, depth: usize) {
    match verb {
        'v' | 'd' => fmt_integer(out, i, 10, verb, false, f),
        'b' => fmt_integer(out, i, 2, verb, false, f),
        'o' | 'O' => fmt_integer(out, i, 8, verb, false, f),
        'x' => fmt_integer(out, i, 16, verb, false, f),
        'X' => fmt_integer(out, i, 16, verb, true, f),
        'c' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            pad(out, c.encode_utf8(&mut [0; 4]), f);
        }
        'q' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            let mut q = String::from('\'');
            quote_rune_into(&mut q, c, '\'', f.plus);
            q.push('\'');
            pad(out, &q, f);
        }
        'U' => {
            let prec = f.prec.map_or(4, |p| p.max(4));
            let mut s = format!("U+{:0prec$X}", i as u64);
            if f.sharp
                && let Some(c) = u32::try_from(i).ok().and_then(char::from_u32)
                && is_print(c)
            {
                let _ = write!(s, " '{c}'");
            }
            pad_no_zero(out, &s, f);
        }
        _ => bad_verb(out, verb, v, f, depth),
    }
}

fn fmt_integer(out: &mut String, i: i64, base: u32, verb: char, upper: bool, f: &Flags) {
    let negative = i < 0;
    let mut u = i.unsigned_abs();
    let mut prec = 0;
    if let Some(p) = f.prec {
        prec = p;
        if p == 0 && u == 0 {
            if let Some(w) = f.wid {
                write_padding(out, w, false);
            }
            return;
        }
    } else if let Some(w) = f.wid.filter(|_| f.zero && !f.minus) {
        prec = w;
        if negative || f.plus || f.space {
            prec = prec.saturating_sub(1);
        }
    }
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut buf: Vec<u8> = Vec::new();
    loop {
        buf.push(digits[(u % u64::from(base)) as usize]);
        u /= u64::from(base);
        if u == 0 {
            break;
        }
    }
    while buf.len() < prec {
        buf.push(b'0');
    }
    if f.sharp {
        match base {
            2 => buf.extend_from_slice(b"b0"),
            8 if buf.last() != Some(&b'0') => buf.push(b'0'),
            16 => buf.extend_from_slice(if upper { b"X0" } else { b"x0" }),
            _ => {}
        }
    }
    if verb == 'O' {
        buf.extend_from_slice(b"o0");
    }
    if negative {
        buf.push(b'-');
    } else if f.plus {
        buf.push(b'+');
    } else if f.space {
        buf.push(b' ');
    }
    buf.reverse();
    pad_no_zero(out, &bytes_to_string(&buf), f);
}

/// Go's `fmt` float formatting (`%e %f %g %x %b %v` and flags).
fn fmt_float(out: &mut String, x: f64, verb: char, default_prec: Option<usize>, f: &Flags) {
    let prec = f.prec.or(default_prec);
    let num = format_float(x, verb, prec);
    let (mut sign, mut body) = match num.as_bytes().first() {
        Some(b'-') => ('-', num[1..].to_string()),
        Some(b'+') => ('+', num[1..].to_string()),
        _ => ('+', num.clone()),
    };
    if f.space && sign == '+' && !f.plus {
        sign = ' ';
    }
    if body.starts_with('I') || body.starts_with('N') {
        let s = if body.starts_with('N') && !f.space && !f.plus {
            body
        } else {
            format!("{sign}{body}")
        };
        pad_no_zero(out, &s, f);
        return;
    }
    if f.sharp && verb != 'b' {
        let mut digits: i64 = match verb {
            'v' | 'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
            _ => 0,
        };
        let mut tail = String::new();
        let mut has_point = false;
        let mut saw_nonzero = false;
        let mut cut = body.len();
        for (k, c) in body.char_indices() {
            match c {
                '.' => has_point = true,
                'p' | 'P' => {
                    cut = k;
                    break;
                }
                'e' | 'E' if verb != 'x' && verb != 'X' => {
                    cut = k;
                    break;
                }
                _ => {
                    if c != '0' {
                        saw_nonzero = true;
                    }
                    if saw_nonzero {
                        digits -= 1;
                    }
                }
            }
        }
        tail.push_str(&body[cut..]);
        body.truncate(cut);
        if !has_point {
            if body == "0" {
                digits -= 1;
            }
            body.push('.');
        }
        while digits > 0 {
            body.push('0');
            digits -= 1;
        }
        body.push_str(&tail);
    }
    if f.plus || sign != '+' {
        if let Some(w) = f.wid.filter(|&w| f.zero && !f.minus && w > body.len() + 1) {
            out.push(sign);
            write_padding(out, w - body.len() - 1, true);
            out.push_str(&body);
            return;
        }
        pad(out, &format!("{sign}{body}"), f);
        return;
    }
    pad(out, &body, f);
}

/// Decimal digits of |x| and the position of the decimal point (`0.d1d2... × 10^dp`).
struct Digits {
    d: Vec<u8>,
    dp: i64,
}

/// The digits of |x|: shortest round-trip when `sig` is `None`, else rounded to `sig`
/// significant digits (trailing zeros kept).
/// Digits past which a double's decimal expansion is all zeros (767 significant digits, and
/// 1,074 after the point for the smallest subnormal).
const EXACT_DIGITS: usize = 1_100;

fn float_digits(x: f64, sig: Option<usize>) -> Digits {
    let x = x.abs();
    if x == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    // A double's exact decimal expansion has at most 767 significant digits: asking for more
    // only adds zeros, which the callers pad with (and Rust's formatter refuses precisions
    // past 65,535).
    let s = match sig {
        None => format!("{x:e}"),
        Some(n) => format!("{:.*e}", n.saturating_sub(1).min(EXACT_DIGITS), x),
    };
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i64 = e.parse().unwrap_or(0);
    Digits {
        d: m.bytes().filter(u8::is_ascii_digit).collect(),
        dp: exp + 1,
    }
}

fn fmt_e(d: &Digits, neg: bool, prec: usize, e: char) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push(d.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        s.push('.');
        for k in 1..=prec {
            s.push(d.d.get(k).map_or('0', |&c| c as char));
        }
    }
    s.push(e);
    let mut exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    if exp < 0 {
        s.push('-');
        exp = -exp;
    } else {
        s.push('+');
    }
    let _ = write!(s, "{exp:02}");
    s
}

fn fmt_f(d: &Digits, neg: bool, prec: usize) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if d.dp > 0 {
        for k in 0..d.dp as usize {
            s.push(d.d.get(k).map_or('0', |&c| c as char));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for k in 1..=prec as i64 {
            let j = d.dp + k - 1;
            let c = if j >= 0 {
                d.d.get(j as usize).copied()
            } else {
                None
            };
            s.push(c.map_or('0', char::from));
        }
    }
    s
}

/// Go's `strconv.FormatFloat(x, verb, prec, 64)`; `None` is precision -1 (shortest).
fn format_float(x: f64, verb: char, prec: Option<usize>) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let neg = x.is_sign_negative();
    match verb {
        'e' | 'E' => {
            let d = float_digits(x, prec.map(|p| p + 1));
            let p = prec.unwrap_or_else(|| d.d.len().saturating_sub(1));
            fmt_e(&d, neg, p, verb)
        }
        'f' | 'F' => match prec {
            Some(p) => {
                let mut s = format!("{:.*}", p.min(EXACT_DIGITS), x.abs());
                s.extend(std::iter::repeat_n('0', p.saturating_sub(EXACT_DIGITS)));
                if neg { format!("-{s}") } else { s }
            }
            None => {
                let d = float_digits(x, None);
                let p = (d.d.len() as i64 - d.dp).max(0) as usize;
                fmt_f(&d, neg, p)
            }
        },
        'g' | 'G' => {
            let e = if verb == 'g' { 'e' } else { 'E' };
            let shortest = prec.is_none();
            let mut d = float_digits(x, prec.map(|p| p.max(1)));
            if !shortest {
                while d.d.last() == Some(&b'0') {
                    d.d.pop();
                }
            }
            let nd = d.d.len() as i64;
            let mut p = prec.map_or(nd, |p| p.max(1) as i64);
            let mut eprec = p;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                return fmt_e(&d, neg, (p - 1).max(0) as usize, e);
            }
            if p > d.dp {
                p = nd;
            }
            fmt_f(&d, neg, (p - d.dp).max(0) as usize)
        }
        'x' | 'X' => format_hex_float(x, verb, prec),
        _ => {
            // 'b': decimal mantissa and binary exponent.
            let bits = x.to_bits();
            let mut exp = ((bits >> 52) & 0x7FF) as i64;
            let mut mant = bits & ((1 << 52) - 1);
            if exp == 0 {
                exp += 1;
            } else {
                mant |= 1 << 52;
            }
            exp -= 1023 + 52;
            format!(
                "{}{mant}p{}{}",
                if neg { "-" } else { "" },
                if exp >= 0 { "+" } else { "" },
                exp
            )
        }
    }
}

fn format_hex_float(x: f64, verb: char, prec: Option<usize>) -> String {
    let bits = x.to_bits();
    let neg = x.is_sign_negative();
    let mut exp = ((bits >> 52) & 0x7FF) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1 << 52;
    }
    exp -= 1023;
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|&p| p < 15) {
        let shift = (p * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if verb == 'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push('0');
    s.push(verb);
    s.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    match prec {
        None if mant != 0 => {
            s.push('.');
            while mant != 0 {
                s.push(hex[((mant >> 60) & 15) as usize] as char);
                mant <<= 4;
            }
        }
        Some(p) if p > 0 => {
            s.push('.');
            for _ in 0..p.min(1100) {
                s.push(hex[((mant >> 60) & 15) as usize] as char);
                mant <<= 4;
            }
        }
        _ => {}
    }
    s.push(if verb == 'X' { 'P' } else { 'p' });
    if exp < 0 {
        s.push('-');
        exp = -exp;
    } else {
        s.push('+');
    }
    let _ = write!(s, "{exp:02}");
    s
}

// ---------------------------------------------------------------------------------------
// Sprig: strings
// ---------------------------------------------------------------------------------------

fn dispatch_strings(name: &str, a: &[Value]) -> Option<R> {
    let s1 = |f: fn(&str) -> String| -> R {
        arity(name, a, 1)?;
        string(f(str_arg(&a[0])?))
    };
    Some(match name {
        "hello" => arity(name, a, 0).map(|_| Value::from("Hello!")),
        "abbrev" => (|| {
            arity(name, a, 2)?;
            let (w, s) = (int_arg(&a[0])?, str_arg(&a[1])?);
            if w < 4 {
                return Ok(Value::from(s));
            }
            Ok(Value::from(bytes_to_string(
                &abbreviate_full(s.as_bytes(), 0, w).unwrap_or_default(),
            )))
        })(),
        "abbrevboth" => (|| {
            arity(name, a, 3)?;
            let (l, r, s) = (int_arg(&a[0])?, int_arg(&a[1])?, str_arg(&a[2])?);
            if r < 4 || l > 0 && r < 7 {
                return Ok(Value::from(s));
            }
            Ok(Value::from(bytes_to_string(
                &abbreviate_full(s.as_bytes(), l, r).unwrap_or_default(),
            )))
        })(),
        "trunc" => (|| {
            arity(name, a, 2)?;
            let (c, s) = (int_arg(&a[0])?, str_arg(&a[1])?);
            let b = s.as_bytes();
            let len = b.len() as i64;
            Ok(Value::from(if c < 0 && len + c > 0 {
                bytes_to_string(&b[(len + c) as usize..])
            } else if c >= 0 && len > c {
                bytes_to_string(&b[..c as usize])
            } else {
                s.to_string()
            }))
        })(),
        "trim" => s1(|s| s.trim().to_string()),
        "upper" => s1(|s| s.chars().map(to_upper_char).collect()),
        "lower" => s1(|s| s.chars().map(to_lower_char).collect()),
        "title" => s1(title),
        "untitle" => s1(untitle),
        "nospace" => s1(nospace),
        "initials" => s1(initials),
        "swapcase" => s1(swapcase),
        "shuffle" => s1(str::to_string),
        "snakecase" => s1(|s| camel_to_lower(s, '_')),
        "kebabcase" => s1(|s| camel_to_lower(s, '-')),
        "camelcase" => s1(pascal_case),
        "substr" => (|| {
            arity(name, a, 3)?;
            let (start, end, s) = (int_arg(&a[0])?, int_arg(&a[1])?, str_arg(&a[2])?);
            Ok(Value::from(bytes_to_string(substring(
                s.as_bytes(),
                start,
                end,
            )?)))
        })(),
        "repeat" => (|| {
            arity(name, a, 2)?;
            let (n, s) = (int_arg(&a[0])?, str_arg(&a[1])?);
            if n < 0 {
                return Err("strings: negative Repeat count".into());
            }
            if (n as u128) * (s.len() as u128) > MAX_STRING as u128 {
                return Err("repeat count too large".into());
            }
            string(s.repeat(n as usize))
        })(),
        "trimall" | "trimAll" => (|| {
            arity(name, a, 2)?;
            let (cut, s) = (str_arg(&a[0])?, str_arg(&a[1])?);
            Ok(Value::from(s.trim_matches(|c| cut.contains(c))))
        })(),
        "trimSuffix" => (|| {
            arity(name, a, 2)?;
            let (suf, s) = (str_arg(&a[0])?, str_arg(&a[1])?);
            Ok(Value::from(s.strip_suffix(suf).unwrap_or(s)))
        })(),
        "trimPrefix" => (|| {
            arity(name, a, 2)?;
            let (pre, s) = (str_arg(&a[0])?, str_arg(&a[1])?);
            Ok(Value::from(s.strip_prefix(pre).unwrap_or(s)))
        })(),
        "randAlphaNum" | "randAlpha" | "randAscii" | "randNumeric" => (|| {
            arity(name, a, 1)?;
            let n = int_arg(&a[0])?;
            if n < 0 {
                return Ok(Value::from(""));
            }
            if n as u64 > MAX_STRING as u64 {
                return Err(format!("{name} count too large"));
            }
            let c = if name == "randNumeric" { "0" } else { "x" };
            Ok(Value::from(c.repeat(n as usize)))
        })(),
        "wrap" => (|| {
            arity(name, a, 2)?;
            string(wrap_custom(str_arg(&a[1])?, int_arg(&a[0])?, "", false))
        })(),
        "wrapWith" => (|| {
            arity(name, a, 3)?;
            let (l, sep, s) = (int_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
            string(wrap_custom(s, l, sep, true))
        })(),
        "contains" | "hasPrefix" | "hasSuffix" => (|| {
            arity(name, a, 2)?;
            let (sub, s) = (str_arg(&a[0])?, str_arg(&a[1])?);
            Ok(Value::from(match name {
                "contains" => s.contains(sub),
                "hasPrefix" => s.starts_with(sub),
                _ => s.ends_with(sub),
            }))
        })(),
        "quote" | "squote" => {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !v.is_nil())
                .map(|v| {
                    if name == "quote" {
                        go_quote(&strval(v), '"', false)
                    } else {
                        format!("'{}'", fmt_v(v))
                    }
                })
                .collect();
            string(parts.join(" "))
        }
        "cat" => {
            let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(fmt_v).collect();
            string(parts.join(" "))
        }
        "indent" | "nindent" => (|| {
            arity(name, a, 2)?;
            let (n, s) = (int_arg(&a[0])?, str_arg(&a[1])?);
            if n < 0 {
                return Err("strings: negative Repeat count".into());
            }
            let lines = s.bytes().filter(|&b| b == b'\n').count() as u128 + 1;
            if (n as u128) * lines + s.len() as u128 > MAX_STRING as u128 {
                return Err("indent width too large".into());
            }
            let pad = " ".repeat(n as usize);
            let body = format!("{pad}{}", s.replace('\n', &format!("\n{pad}")));
            Ok(Value::from(if name == "nindent" {
                format!("\n{body}")
            } else {
                body
            }))
        })(),
        "replace" => (|| {
            arity(name, a, 3)?;
            let (old, new, s) = (str_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
            let count = if old.is_empty() {
                s.chars().count() + 1
            } else {
                s.matches(old).count()
            };
            if (count as u128) * (new.len() as u128) + s.len() as u128 > MAX_STRING as u128 {
                return Err("replace result too large".into());
            }
            Ok(Value::from(s.replace(old, new)))
        })(),
        "plural" => (|| {
            arity(name, a, 3)?;
            let (one, many, n) = (str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
            Ok(Value::from(if n == 1 { one } else { many }))
        })(),
        "toString" => arity(name, a, 1).map(|_| Value::from(strval(&a[0]))),
        "toStrings" => arity(name, a, 1).and_then(|_| strs(strslice(&a[0])?)),
        "join" => (|| {
            arity(name, a, 2)?;
            let sep = str_arg(&a[0])?;
            string(strslice(&a[1])?.join(sep))
        })(),
        "sortAlpha" => (|| {
            arity(name, a, 1)?;
            let mut items = match slice_items(&a[0]) {
                Some(_) => strslice(&a[0])?,
                None => vec![strval(&a[0])],
            };
            items.sort();
            strs(items)
        })(),
        "splitList" => (|| {
            arity(name, a, 2)?;
            strs(go_split(str_arg(&a[1])?, str_arg(&a[0])?, -1)?)
        })(),
        "split" => (|| {
            arity(name, a, 2)?;
            split_dict(go_split(str_arg(&a[1])?, str_arg(&a[0])?, -1)?)
        })(),
        "splitn" => (|| {
            arity(name, a, 3)?;
            let (sep, n, s) = (str_arg(&a[0])?, int_arg(&a[1])?, str_arg(&a[2])?);
            split_dict(go_split(s, sep, n)?)
        })(),
        _ => return dispatch_regex(name, a),
    })
}

/// Go's `unicode.ToUpper`: a one-to-one mapping (`ß` stays `ß`).
fn to_upper_char(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn to_lower_char(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn go_is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `strings.Title`.
fn title(s: &str) -> String {
    let is_separator = |r: char| {
        if r.is_ascii() {
            return !(r.is_ascii_alphanumeric() || r == '_');
        }
        if r.is_alphabetic() || r.is_numeric() {
            return false;
        }
        go_is_space(r)
    };
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if is_separator(prev) {
                to_upper_char(r)
            } else {
                r
            };
            prev = r;
            out
        })
        .collect()
}

/// goutils `Uncapitalize`: the first letter of every whitespace-separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if go_is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower_char(c)
            } else {
                c
            }
        })
        .collect()
}

/// A byte as Go's `rune(str[i])` sees it (goutils works on bytes).
fn byte_rune(b: u8) -> char {
    b as char
}

/// goutils `DeleteWhiteSpace` (byte-wise, like Go's).
fn nospace(s: &str) -> String {
    if !s.bytes().any(|b| go_is_space(byte_rune(b))) {
        return s.to_string();
    }
    s.bytes()
        .map(byte_rune)
        .filter(|&c| !go_is_space(c))
        .collect()
}

/// goutils `Initials` (byte-wise, like Go's).
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for b in s.bytes() {
        let c = byte_rune(b);
        if go_is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// goutils `SwapCase`.
fn swapcase(s: &str) -> String {
    let mut ws = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() {
                ws = false;
                to_lower_char(c)
            } else if c.is_lowercase() {
                let out = to_upper_char(c);
                ws = false;
                out
            } else {
                ws = go_is_space(c);
                c
            }
        })
        .collect()
}

/// goutils `AbbreviateFull`, on bytes like Go.
fn abbreviate_full(s: &[u8], offset: i64, max_width: i64) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max_width {
        return Some(s.to_vec());
    }
    let mut offset = offset.min(len);
    // Go's int arithmetic wraps.
    if len.wrapping_sub(offset) < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let marker = b"...";
    if offset <= 4 {
        let mut out = s[..(max_width - 3) as usize].to_vec();
        out.extend_from_slice(marker);
        return Some(out);
    }
    if max_width < 7 {
        return None;
    }
    let mut out = marker.to_vec();
    if offset + max_width - 3 < len {
        out.extend(abbreviate_full(&s[offset as usize..], 0, max_width - 3).unwrap_or_default());
    } else {
        out.extend_from_slice(&s[(len - (max_width - 3)) as usize..]);
    }
    Some(out)
}

/// Sprig's `substr`, with Go's slice-bounds panics as errors.
fn substring(s: &[u8], start: i64, end: i64) -> Result<&[u8], String> {
    let len = s.len() as i64;
    let oob = |m: String| Err(format!("runtime error: slice bounds out of range {m}"));
    if start < 0 {
        if end < 0 {
            return oob(format!("[:{end}]"));
        }
        if end > len {
            return oob(format!("[:{end}] with length {len}"));
        }
        return Ok(&s[..end as usize]);
    }
    if end < 0 || end > len {
        if start > len {
            return oob(format!("[{start}:{len}]"));
        }
        return Ok(&s[start as usize..]);
    }
    if start > end {
        return oob(format!("[{start}:{end}]"));
    }
    Ok(&s[start as usize..end as usize])
}

/// goutils `WrapCustom` (byte-wise, like Go).
fn wrap_custom(s: &str, wrap_length: i64, new_line: &str, wrap_long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let new_line = if new_line.is_empty() { "\n" } else { new_line }.as_bytes();
    let wl = wrap_length.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > wl {
        if out.len() > MAX_STRING {
            break;
        }
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = wl + offset + 1;
        match b[offset..end].iter().rposition(|&c| c == b' ') {
            Some(sp) => {
                out.extend_from_slice(&b[offset..offset + sp]);
                out.extend_from_slice(new_line);
                offset += sp + 1;
            }
            None if wrap_long_words => {
                out.extend_from_slice(&b[offset..wl + offset]);
                out.extend_from_slice(new_line);
                offset += wl;
            }
            None => {
                let end = wl + offset;
                match b[end..].iter().position(|&c| c == b' ') {
                    None => {
                        out.extend_from_slice(&b[offset..]);
                        offset = len;
                    }
                    Some(i) => {
                        out.extend_from_slice(&b[offset..end + i]);
                        out.extend_from_slice(new_line);
                        offset = end + i + 1;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset.min(len)..]);
    bytes_to_string(&out)
}

/// Sprig's `strslice`: a list's non-nil items as strings, `[]` for nil, else `[strval]`.
/// Fails when the strings together would exceed [`MAX_STRING`].
fn strslice(v: &Value) -> Result<Vec<String>, String> {
    let items = match slice_items(v) {
        Some(items) => items,
        None if v.is_nil() => return Ok(Vec::new()),
        None => return Ok(vec![strval(v)]),
    };
    let mut total = 0usize;
    let mut out = Vec::with_capacity(items.len());
    for i in items.iter().filter(|i| !i.is_nil()) {
        let s = strval(i);
        total += s.len() + 1;
        if total > MAX_STRING {
            return Err(format!(
                "strings too long (the limit is {MAX_STRING} bytes)"
            ));
        }
        out.push(s);
    }
    Ok(out)
}

/// Go's `strings.SplitN` (`n < 0`: all pieces).
fn go_split(s: &str, sep: &str, n: i64) -> Result<Vec<String>, String> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let pieces = if sep.is_empty() {
        s.chars().count()
    } else {
        s.matches(sep).count() + 1
    };
    if pieces > MAX_ITEMS && (n < 0 || n as u64 > MAX_ITEMS as u64) {
        return Err(format!("split: too many pieces (the limit is {MAX_ITEMS})"));
    }
    if sep.is_empty() {
        let chars: Vec<&str> = s
            .char_indices()
            .map(|(i, c)| &s[i..i + c.len_utf8()])
            .collect();
        if n > 0 && (n as usize) < chars.len() {
            let k = n as usize - 1;
            let rest_at: usize = chars[..k].iter().map(|c| c.len()).sum();
            let mut out: Vec<String> = chars[..k].iter().map(|c| c.to_string()).collect();
            out.push(s[rest_at..].to_string());
            return Ok(out);
        }
        return Ok(chars.into_iter().map(str::to_string).collect());
    }
    Ok(if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    })
}

fn split_dict(parts: Vec<String>) -> R {
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect::<BTreeMap<_, _>>()
        .into())
}

/// xstrings `ToPascalCase` (Sprig's `camelcase`).
fn pascal_case(s: &str) -> String {
    let is_connector = |r: char| r == '-' || r == '_' || go_is_space(r);
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let mut r0 = '\0';
    let mut first_upper = false;
    let mut found = false;
    for c in chars.by_ref() {
        r0 = c;
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = to_upper_char(c);
            found = true;
            break;
        }
        out.push(c);
    }
    if !found {
        // Go writes the last connector once more.
        if !s.is_empty() {
            out.push(r0);
        }
        return out;
    }
    if chars.peek().is_none() {
        out.push(r0);
        return out;
    }
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = to_upper_char(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = to_lower_char(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum WordType {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

fn is_connector(r: char) -> bool {
    r == '-' || r == '_' || go_is_space(r)
}

/// Go's `unicode.IsPunct`, approximately (ASCII exactly).
fn is_punct(r: char) -> bool {
    if r.is_ascii() {
        return r.is_ascii_punctuation()
            && !matches!(r, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(r as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x2010..=0x2027 | 0x2030..=0x205E
        | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF0F)
}

/// xstrings `isAlphabet`: letters outside the CJK scripts.
fn is_alphabet(r: char) -> bool {
    r.is_alphabetic()
        && !matches!(r as u32,
            0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3130..=0x318F
            | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// xstrings `nextWord`: the type and text of the next word, and the rest.
fn next_word(s: &str) -> (WordType, &str, &str) {
    let mut it = s.char_indices();
    let Some((_, r)) = it.next() else {
        return (WordType::Invalid, "", "");
    };
    let mut offset = r.len_utf8();
    let take_while = |offset: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*offset..].chars() {
            if !pred(c) {
                break;
            }
            *offset += c.len_utf8();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut offset, &is_connector);
        WordType::Connector
    } else if is_punct(r) {
        take_while(&mut offset, &is_punct);
        WordType::Punct
    } else if r.is_uppercase() {
        if let Some(r2) = s[offset..].chars().next() {
            if r2.is_uppercase() {
                let mut prev_size = r2.len_utf8();
                offset += prev_size;
                let mut next = None;
                for c in s[offset..].chars() {
                    if !c.is_uppercase() {
                        next = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    offset += prev_size;
                }
                // "HTTPStatus": the S starts the next word.
                if next.is_some_and(is_alphabet) {
                    offset -= prev_size;
                }
            } else if is_alphabet(r2) {
                offset += r2.len_utf8();
                take_while(&mut offset, &|c| is_alphabet(c) && !c.is_uppercase());
            }
        }
        WordType::Upper
    } else if is_alphabet(r) {
        take_while(&mut offset, &|c| is_alphabet(c) && !c.is_uppercase());
        WordType::Alphabet
    } else if r.is_numeric() {
        take_while(&mut offset, &|c| c.is_numeric());
        WordType::Number
    } else {
        take_while(&mut offset, &|c| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
        });
        WordType::Other
    };
    (wt, &s[..offset], &s[offset..])
}

fn lower_word(out: &mut String, wt: WordType, word: &str, connector: char) {
    if wt != WordType::Upper && wt != WordType::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(to_lower_char(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (`snakecase`, `kebabcase`).
fn camel_to_lower(s: &str, connector: char) -> String {
    use WordType::*;
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Connector {
            lower_word(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Number => {
                while wt == Alphabet || wt == Number {
                    lower_word(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Invalid && wt != Punct && wt != Connector {
                    out.push(connector);
                }
            }
            Connector => lower_word(&mut out, prev, last, connector),
            Punct => {}
            _ => {
                if wt != Number {
                    if wt != Connector && wt != Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Alphabet {
                    lower_word(&mut out, Number, last, connector);
                    if wt != Connector && wt != Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                lower_word(&mut out, Number, last, connector);
                while wt == Alphabet || wt == Number {
                    lower_word(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Invalid && wt != Connector && wt != Punct {
                    out.push(connector);
                }
            }
        }
    }
    lower_word(&mut out, wt, word, connector);
    out
}

// ---------------------------------------------------------------------------------------
// Sprig: regular expressions (Rust's `regex` is close to Go's RE2; Go's Perl classes
// `\d \w \s \b` are ASCII-only, and are translated so)
// ---------------------------------------------------------------------------------------

/// Largest compiled regular expression: larger ones (`\p{L}{100}`) are refused rather than
/// matched at thousands of times the cost of a byte (a template's steps pay per byte).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A Go pattern in Rust's syntax: Go's Perl classes (`\d`, `\w`, `\s` and their negations)
/// and word boundaries (`\b`, `\B`) are ASCII, Rust's are Unicode. Everything else is left
/// as written (the two syntaxes agree on it, or Rust reports the error).
fn go_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Inside a bracket class (`[...]`), and whether a `]` would still be a literal there.
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push(c);
                    break;
                };
                class_start = false;
                let class = |name: &str, neg: bool| -> String {
                    match (in_class, neg) {
                        (true, false) => format!("[:{name}:]"),
                        (true, true) => format!("[:^{name}:]"),
                        (false, false) => format!("[[:{name}:]]"),
                        (false, true) => format!("[^[:{name}:]]"),
                    }
                };
                match e {
                    'd' => out.push_str(&class("digit", false)),
                    'D' => out.push_str(&class("digit", true)),
                    'w' => out.push_str(&class("word", false)),
                    'W' => out.push_str(&class("word", true)),
                    // Go's \s is [\t\n\f\r ] (no \v).
                    's' if in_class => out.push_str(r"\t\n\x0C\r "),
                    's' => out.push_str(r"[\t\n\x0C\r ]"),
                    'S' if !in_class => out.push_str(r"[^\t\n\x0C\r ]"),
                    'S' => out.push_str("[:^space:]"),
                    'b' | 'B' if !in_class => {
                        out.push_str("(?-u:\\");
                        out.push(e);
                        out.push(')');
                    }
                    e => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            '[' if chars.peek() == Some(&':') => {
                // A POSIX class (`[:alpha:]`) inside a bracket class: copied whole.
                class_start = false;
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(c);
            }
            c => {
                class_start = false;
                out.push(c);
            }
        }
    }
    out
}

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Result<Regex, String>>> =
        RefCell::new(HashMap::new());
}

/// Compiles a Go regular expression, with Go's `error parsing regexp:` errors.
fn compile_regex(pattern: &str) -> Result<Regex, String> {
    if let Some(hit) = REGEX_CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let compiled = regex::RegexBuilder::new(&go_pattern(pattern))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let line = msg
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with("error:"))
                .map_or(msg.as_str(), |l| {
                    l.trim_start().trim_start_matches("error:").trim()
                });
            format!("error parsing regexp: {line}: `{pattern}`")
        });
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        c.insert(pattern.to_string(), compiled.clone());
    });
    compiled
}

/// `regexp.MustCompile`'s panic text, for the Sprig functions that are not `must`.
fn must_compile(pattern: &str, must: bool) -> Result<Regex, String> {
    compile_regex(pattern).map_err(|e| {
        if must {
            e
        } else {
            let quoted = if can_backquote(pattern) {
                format!("`{pattern}`")
            } else {
                go_quote(pattern, '"', false)
            };
            format!("regexp: Compile({quoted}): {e}")
        }
    })
}

/// Go's `FindAllString(s, n)` match ranges.
fn find_all(re: &Regex, s: &str, n: i64) -> Result<Vec<(usize, usize)>, String> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let found: Vec<(usize, usize)> = re
        .find_iter(s)
        .take(limit.min(MAX_ITEMS + 1))
        .map(|m| (m.start(), m.end()))
        .collect();
    if found.len() > MAX_ITEMS {
        return Err(format!("too many matches (the limit is {MAX_ITEMS})"));
    }
    Ok(found)
}

fn replace_all(re: &Regex, s: &str, repl: &str, literal: bool) -> Result<String, String> {
    let refs = if literal {
        0
    } else {
        repl.matches('$').count()
    };
    let mut out = String::new();
    let mut last = 0;
    for caps in re.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        // Each `$` reference expands to at most the whole match.
        let bound =
            (out.len() + (m.start() - last) + repl.len()) as u128 + refs as u128 * m.len() as u128;
        if bound > MAX_STRING as u128 {
            return Err(format!(
                "regexReplaceAll result too long (the limit is {MAX_STRING} bytes)"
            ));
        }
        out.push_str(&s[last..m.start()]);
        if literal {
            out.push_str(repl);
        } else {
            caps.expand(repl, &mut out);
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(out)
}

fn regex_split(re: &Regex, pattern: &str, s: &str, n: i64) -> Result<Vec<String>, String> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(vec![String::new()]);
    }
    let matches = find_all(re, s, n)?;
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (ms, me) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = ms;
        if me != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = me;
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    Ok(out)
}

fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn dispatch_regex(name: &str, a: &[Value]) -> Option<R> {
    let must = name.starts_with("must");
    Some(match name {
        "regexMatch" | "mustRegexMatch" => (|| {
            arity(name, a, 2)?;
            let (p, s) = (str_arg(&a[0])?, str_arg(&a[1])?);
            match compile_regex(p) {
                Ok(re) => Ok(Value::from(re.is_match(s))),
                Err(e) if must => Err(e),
                Err(_) => Ok(Value::from(false)),
            }
        })(),
        "regexFindAll" | "mustRegexFindAll" => (|| {
            arity(name, a, 3)?;
            let (p, s, n) = (str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
            let re = must_compile(p, must)?;
            strs(
                find_all(&re, s, n)?
                    .into_iter()
                    .map(|(b, e)| s[b..e].to_string()),
            )
        })(),
        "regexFind" | "mustRegexFind" => (|| {
            arity(name, a, 2)?;
            let (p, s) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let re = must_compile(p, must)?;
            Ok(Value::from(re.find(s).map_or("", |m| m.as_str())))
        })(),
        "regexReplaceAll"
        | "mustRegexReplaceAll"
        | "regexReplaceAllLiteral"
        | "mustRegexReplaceAllLiteral" => (|| {
            arity(name, a, 3)?;
            let (p, s, r) = (str_arg(&a[0])?, str_arg(&a[1])?, str_arg(&a[2])?);
            let re = must_compile(p, must)?;
            Ok(Value::from(replace_all(
                &re,
                s,
                r,
                name.ends_with("Literal"),
            )?))
        })(),
        "regexSplit" | "mustRegexSplit" => (|| {
            arity(name, a, 3)?;
            let (p, s, n) = (str_arg(&a[0])?, str_arg(&a[1])?, int_arg(&a[2])?);
            let re = must_compile(p, must)?;
            strs(regex_split(&re, p, s, n)?)
        })(),
        "regexQuoteMeta" => arity(name, a, 1).and_then(|_| string(quote_meta(str_arg(&a[0])?))),
        _ => return dispatch_encoding(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig: encodings, hashes, and deterministic stand-ins for random and cryptographic output
// ---------------------------------------------------------------------------------------

/// Go's `base64.StdEncoding`: padding required, trailing bits ignored.
fn b64_engine() -> &'static base64::engine::GeneralPurpose {
    static ENGINE: OnceLock<base64::engine::GeneralPurpose> = OnceLock::new();
    ENGINE.get_or_init(|| {
        base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_encode_padding(true)
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical),
        )
    })
}

fn b64enc(b: &[u8]) -> String {
    b64_engine().encode(b)
}

/// Decodes like Go (newlines ignored); the error is Go's text.
fn b64dec(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    b64_engine().decode(&clean).map_err(|e| {
        use base64::DecodeError::*;
        let at = match e {
            InvalidByte(at, _) | InvalidLastSymbol { offset: at, .. } => at,
            InvalidLength(len) => len,
            InvalidPadding => clean.len(),
        };
        format!("illegal base64 data at input byte {at}")
    })
}

const B32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b32enc(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len().div_ceil(5) * 8);
    for chunk in b.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for k in 0..8 {
            if k < chars {
                out.push(B32_ALPHABET[((bits >> (35 - 5 * k)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b32dec(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    let err = |at: usize| format!("illegal base32 data at input byte {at}");
    if !clean.len().is_multiple_of(8) {
        return Err(err(clean.len() / 8 * 8));
    }
    let mut out = Vec::with_capacity(clean.len() / 8 * 5);
    let chunks = clean.len() / 8;
    for (ci, chunk) in clean.chunks(8).enumerate() {
        let data = chunk.iter().position(|&c| c == b'=').unwrap_or(8);
        if data < 8 && (ci + 1 != chunks || chunk[data..].iter().any(|&c| c != b'=')) {
            return Err(err(ci * 8 + data));
        }
        let n = match data {
            2 => 1,
            4 => 2,
            5 => 3,
            7 => 4,
            8 => 5,
            _ => return Err(err(ci * 8 + data)),
        };
        let mut bits = 0u64;
        for (k, &c) in chunk.iter().enumerate() {
            let v = if k < data {
                B32_ALPHABET
                    .iter()
                    .position(|&x| x == c)
                    .ok_or_else(|| err(ci * 8 + k))? as u64
            } else {
                0
            };
            bits = bits << 5 | v;
        }
        for k in 0..n {
            out.push((bits >> (32 - 8 * k)) as u8);
        }
    }
    Ok(out)
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

fn sha256(b: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(b).into()
}

fn adler32(b: &[u8]) -> u32 {
    let (mut a, mut s) = (1u32, 0u32);
    for chunk in b.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            s += a;
        }
        a %= 65521;
        s %= 65521;
    }
    s << 16 | a
}

/// Characters from `alphabet` chosen by a hash of `seed` (deterministic placeholders).
fn placeholder_chars(seed: &str, alphabet: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut block = sha256(seed.as_bytes());
    let mut k = 0;
    while out.len() < n {
        if k == block.len() {
            block = sha256(&block);
            k = 0;
        }
        out.push(alphabet[usize::from(block[k]) % alphabet.len()] as char);
        k += 1;
    }
    out
}

/// A bcrypt-shaped placeholder hash (`$2a$10$` and 53 characters).
fn bcrypt_placeholder(password: &str) -> String {
    const BCRYPT64: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    format!(
        "$2a$10${}",
        placeholder_chars(&format!("bcrypt:{password}"), BCRYPT64, 53)
    )
}

/// A PEM block whose body is a deterministic placeholder.
fn pem_placeholder(kind: &str, seed: &str) -> String {
    let body = b64enc(
        &(0..6)
            .flat_map(|k| sha256(format!("{kind}:{seed}:{k}").as_bytes()))
            .collect::<Vec<u8>>(),
    );
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&bytes_to_string(line));
        out.push('\n');
    }
    let _ = writeln!(out, "-----END {kind}-----");
    out
}

fn certificate(cert_seed: &str, key: Option<&str>) -> Value {
    let key = key.map_or_else(
        || pem_placeholder("RSA PRIVATE KEY", cert_seed),
        str::to_string,
    );
    let mut m = BTreeMap::new();
    m.insert(
        "Cert".to_string(),
        Value::from(pem_placeholder("CERTIFICATE", cert_seed)),
    );
    m.insert("Key".to_string(), Value::from(key));
    m.into()
}

/// A `[]interface{}` parameter of IP addresses or DNS names.
fn cert_names(v: &Value, ips: bool) -> Result<Vec<String>, String> {
    let items = match &v.v {
        V::Nil => Vec::new(),
        V::List(l) => l.as_ref().clone(),
        _ => {
            return Err(format!(
                "wrong type for value; expected []interface {{}}; got {}",
                v.type_name()
            ));
        }
    };
    items
        .iter()
        .map(|i| {
            let what = if ips { "ip" } else { "dns" };
            let s = i.as_str().ok_or_else(|| {
                format!("error processing {what} list: {} is not a string", fmt_v(i))
            })?;
            if ips && s.parse::<std::net::IpAddr>().is_err() {
                return Err(format!("error parsing ip: {s}"));
            }
            Ok(s.to_string())
        })
        .collect()
}

/// The `certificate` struct Sprig's `genSignedCert` takes (a dict with `Cert` and `Key`).
fn ca_arg(v: &Value) -> Result<(), String> {
    let ok = v.map_get("Cert").is_some_and(|c| c.as_str().is_some())
        && v.map_get("Key").is_some_and(|k| k.as_str().is_some());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            v.type_name()
        ))
    }
}

fn aes_keystream(password: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut k = 0u64;
    while out.len() < n {
        out.extend_from_slice(&sha256(format!("aes:{password}:{k}").as_bytes()));
        k += 1;
    }
    out.truncate(n);
    out
}

fn dispatch_encoding(name: &str, a: &[Value]) -> Option<R> {
    let s1 = |f: &dyn Fn(&str) -> Result<String, String>| -> R {
        arity(name, a, 1)?;
        string(f(str_arg(&a[0])?)?)
    };
    Some(match name {
        "b64enc" => s1(&|s| Ok(b64enc(s.as_bytes()))),
        "b64dec" => s1(&|s| Ok(b64dec(s).map_or_else(|e| e, |b| bytes_to_string(&b)))),
        "b32enc" => s1(&|s| Ok(b32enc(s.as_bytes()))),
        "b32dec" => s1(&|s| Ok(b32dec(s).map_or_else(|e| e, |b| bytes_to_string(&b)))),
        "sha1sum" => s1(&|s| Ok(hex(&sha1::Sha1::digest(s.as_bytes())))),
        "sha256sum" => s1(&|s| Ok(hex(&sha256(s.as_bytes())))),
        "sha512sum" => s1(&|s| Ok(hex(&sha2::Sha512::digest(s.as_bytes())))),
        "adler32sum" => s1(&|s| Ok(adler32(s.as_bytes()).to_string())),
        "uuidv4" => arity(name, a, 0).map(|_| Value::from("00000000-0000-4000-8000-000000000000")),
        "bcrypt" => s1(&|s| Ok(bcrypt_placeholder(s))),
        "htpasswd" => (|| {
            arity_between(name, a, 2, 3)?;
            let (user, pass) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let algo = a.get(2).map(str_arg).transpose()?.unwrap_or("bcrypt");
            Ok(Value::from(if user.contains(':') {
                format!("invalid username: {user}")
            } else if algo == "sha" {
                format!(
                    "{user}:{{SHA}}{}",
                    b64enc(&sha1::Sha1::digest(pass.as_bytes()))
                )
            } else {
                format!("{user}:{}", bcrypt_placeholder(pass))
            }))
        })(),
        "derivePassword" => (|| {
            arity(name, a, 5)?;
            let counter = int_arg(&a[0])?;
            let (kind, pass, user, site) = (
                str_arg(&a[1])?,
                str_arg(&a[2])?,
                str_arg(&a[3])?,
                str_arg(&a[4])?,
            );
            let templates: &[&str] = match kind {
                "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
                "long" => &[
                    "CvcvnoCvcvCvcv",
                    "CvcvCvcvnoCvcv",
                    "CvcvCvcvCvcvno",
                    "CvccnoCvcvCvcv",
                ],
                "medium" => &["CvcnoCvc", "CvcCvcno"],
                "short" => &["Cvcn"],
                "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
                "pin" => &["nnnn"],
                _ => return Ok(Value::from(format!("cannot find password template {kind}"))),
            };
            let seed = sha256(format!("{counter}:{kind}:{pass}:{user}:{site}").as_bytes());
            let template = templates[usize::from(seed[0]) % templates.len()];
            let out: String = template
                .bytes()
                .enumerate()
                .map(|(k, t)| {
                    let chars: &[u8] = match t {
                        b'V' => b"AEIOU",
                        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
                        b'v' => b"aeiou",
                        b'c' => b"bcdfghjklmnpqrstvwxyz",
                        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
                        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
                        b'n' => b"0123456789",
                        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
                        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
                    };
                    chars[usize::from(seed[(k + 1) % seed.len()]) % chars.len()] as char
                })
                .collect();
            Ok(Value::from(out))
        })(),
        "genPrivateKey" => s1(&|t| {
            Ok(match t {
                "" | "rsa" => pem_placeholder("RSA PRIVATE KEY", "genPrivateKey"),
                "dsa" => pem_placeholder("DSA PRIVATE KEY", "genPrivateKey"),
                "ecdsa" => pem_placeholder("EC PRIVATE KEY", "genPrivateKey"),
                "ed25519" => pem_placeholder("PRIVATE KEY", "genPrivateKey"),
                _ => format!("Unknown type {t}"),
            })
        }),
        "buildCustomCert" => (|| {
            arity(name, a, 2)?;
            let cert = b64dec(str_arg(&a[0])?)
                .map_err(|_| "unable to decode base64 certificate".to_string())?;
            let key = b64dec(str_arg(&a[1])?)
                .map_err(|_| "unable to decode base64 private key".to_string())?;
            let mut m = BTreeMap::new();
            m.insert("Cert".to_string(), Value::from(bytes_to_string(&cert)));
            m.insert("Key".to_string(), Value::from(bytes_to_string(&key)));
            Ok(m.into())
        })(),
        "genCA" | "genCAWithKey" => (|| {
            let with_key = name == "genCAWithKey";
            arity(name, a, if with_key { 3 } else { 2 })?;
            let cn = str_arg(&a[0])?;
            int_arg(&a[1])?;
            let key = if with_key {
                Some(str_arg(&a[2])?)
            } else {
                None
            };
            Ok(certificate(&format!("ca:{cn}"), key))
        })(),
        "genSelfSignedCert"
        | "genSelfSignedCertWithKey"
        | "genSignedCert"
        | "genSignedCertWithKey" => (|| {
            let signed = name.starts_with("genSigned");
            let with_key = name.ends_with("WithKey");
            arity(name, a, 4 + usize::from(signed) + usize::from(with_key))?;
            let cn = str_arg(&a[0])?;
            let ips = cert_names(&a[1], true)?;
            let dns = cert_names(&a[2], false)?;
            int_arg(&a[3])?;
            if signed {
                ca_arg(&a[4])?;
            }
            let key = if with_key {
                Some(str_arg(&a[a.len() - 1])?)
            } else {
                None
            };
            let seed = format!("cert:{cn}:{}:{}", ips.join(","), dns.join(","));
            Ok(certificate(&seed, key))
        })(),
        "encryptAES" => (|| {
            arity(name, a, 2)?;
            let (pass, plain) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let mut data = plain.as_bytes().to_vec();
            let padding = 16 - data.len() % 16;
            data.extend(std::iter::repeat_n(padding as u8, padding));
            let ks = aes_keystream(pass, data.len());
            let mut out = vec![0u8; 16];
            out.extend(data.iter().zip(&ks).map(|(d, k)| d ^ k));
            string(b64enc(&out))
        })(),
        "decryptAES" => (|| {
            arity(name, a, 2)?;
            let (pass, crypt) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let data = b64dec(crypt)?;
            if data.len() < 16 {
                return Err("ciphertext too short".into());
            }
            let body = &data[16..];
            if body.len() % 16 != 0 {
                return Err("ciphertext is not a multiple of the block size".into());
            }
            let ks = aes_keystream(pass, body.len());
            let mut plain: Vec<u8> = body.iter().zip(&ks).map(|(d, k)| d ^ k).collect();
            if let Some(&p) = plain.last()
                && (1..=16).contains(&p)
                && usize::from(p) <= plain.len()
            {
                plain.truncate(plain.len() - usize::from(p));
            }
            Ok(Value::from(bytes_to_string(&plain)))
        })(),
        "randBytes" => (|| {
            arity(name, a, 1)?;
            let n = int_arg(&a[0])?;
            if n < 0 {
                return Err("runtime error: makeslice: len out of range".into());
            }
            if n as u64 > (MAX_STRING / 2) as u64 {
                return Err("randBytes count too large".into());
            }
            Ok(Value::from(b64enc(&vec![0u8; n as usize])))
        })(),
        "getHostByName" => s1(&|_| Ok(String::new())),
        _ => return dispatch_math(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig: numbers
// ---------------------------------------------------------------------------------------

/// Go's `strconv.ParseInt(s, base, 64)` for base 0 (prefixes, underscores) or 8 or 10.
fn parse_go_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if base == 0 {
        let b = body.as_bytes();
        if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
            (
                match b[1] | 0x20 {
                    b'b' => 2,
                    b'o' => 8,
                    _ => 16,
                },
                &body[2..],
            )
        } else if b[0] == b'0' {
            (8, &body[1..])
        } else {
            (10, body)
        }
    } else {
        (base, body)
    };
    if digits.contains('_') && (base != 0 || !underscore_ok(body)) {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let d = c.to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    if neg {
        if n > 1 << 63 {
            return None;
        }
        Some((n as i64).wrapping_neg())
    } else {
        i64::try_from(n).ok()
    }
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// cast's `trimDecimal`: `"12.50"` → `"12"` (a decimal string loses its fraction).
fn trim_decimal(s: &str) -> String {
    if !s.contains('.') {
        return s.to_string();
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sign = &s[..s.len() - body.len()];
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return s.to_string();
    }
    match (sign, int) {
        (_, "") => format!("{sign}0"),
        _ => format!("{sign}{int}"),
    }
}

/// Sprig's `toInt64` (spf13/cast): strings parse, floats truncate, nil and junk are 0.
fn to_int64(v: &Value) -> i64 {
    match &v.v {
        V::Int(i) => *i,
        V::Float(f) => *f as i64,
        V::Bool(b) => i64::from(*b),
        V::Str(s) if !s.is_empty() => parse_go_int(&trim_decimal(s), 0).unwrap_or(0),
        _ => 0,
    }
}

/// Sprig's `toFloat64` (spf13/cast).
fn to_float64(v: &Value) -> f64 {
    match &v.v {
        V::Int(i) => *i as f64,
        V::Float(f) => *f,
        V::Bool(b) => f64::from(u8::from(*b)),
        V::Str(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input.
fn parse_go_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s).to_ascii_lowercase();
    if !matches!(t.as_str(), "inf" | "infinity" | "nan")
        && !t
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'-' | b'+'))
    {
        return None;
    }
    s.parse().ok()
}

/// A decimal `m × 10^e`, as shopspring/decimal computes Sprig's `addf` family.
#[derive(Clone, Copy)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    fn from_f64(f: f64) -> Result<Dec, String> {
        if !f.is_finite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                format_float(f, 'g', None)
            ));
        }
        if f == 0.0 {
            return Ok(Dec { m: 0, e: 0 });
        }
        let d = float_digits(f, None);
        let m: i128 = std::str::from_utf8(&d.d)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(Dec {
            m: if f < 0.0 { -m } else { m },
            e: (d.dp - d.d.len() as i64) as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(0.0)
    }

    fn pow10(n: u32) -> Option<i128> {
        10i128.checked_pow(n)
    }

    fn align(self, other: Dec) -> Option<(i128, i128, i32)> {
        let e = self.e.min(other.e);
        let a = self.m.checked_mul(Self::pow10((self.e - e) as u32)?)?;
        let b = other.m.checked_mul(Self::pow10((other.e - e) as u32)?)?;
        Some((a, b, e))
    }

    fn op(self, other: Dec, op: char) -> Result<Dec, String> {
        let exact = match op {
            '+' => self.align(other).and_then(|(a, b, e)| {
                Some(Dec {
                    m: a.checked_add(b)?,
                    e,
                })
            }),
            '-' => self.align(other).and_then(|(a, b, e)| {
                Some(Dec {
                    m: a.checked_sub(b)?,
                    e,
                })
            }),
            '*' => self.m.checked_mul(other.m).map(|m| Dec {
                m,
                e: self.e + other.e,
            }),
            _ => {
                if other.m == 0 {
                    return Err("decimal division by 0".into());
                }
                self.div16(other)
            }
        };
        match exact {
            Some(d) => Ok(d),
            None => {
                let (a, b) = (self.to_f64(), other.to_f64());
                Dec::from_f64(match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ => a / b,
                })
            }
        }
    }

    /// The quotient rounded half away from zero to 16 decimal places.
    fn div16(self, other: Dec) -> Option<Dec> {
        let shift = self.e - other.e + 16;
        let (num, den) = if shift >= 0 {
            (self.m.checked_mul(Self::pow10(shift as u32)?)?, other.m)
        } else {
            (self.m, other.m.checked_mul(Self::pow10((-shift) as u32)?)?)
        };
        let q = num / den;
        let r = num % den;
        let q = if r.unsigned_abs() * 2 >= den.unsigned_abs() {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Dec { m: q, e: -16 })
    }
}

fn decimal_op(first: f64, rest: &[Value], op: char) -> R {
    let mut acc = Dec::from_f64(first)?;
    for v in rest {
        acc = acc.op(Dec::from_f64(to_float64(v))?, op)?;
    }
    Ok(Value::from(acc.to_f64()))
}

fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { b } else { a }
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

/// Sprig's `untilStep`, bounded at [`MAX_ITEMS`].
fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 {
            0
        } else {
            (start - stop + (-step) - 1) / (-step)
        }
    } else if step <= 0 {
        0
    } else {
        (stop - start + step - 1) / step
    };
    if count > MAX_ITEMS as i128 {
        return Err(format!(
            "too many items: {count} (the limit is {MAX_ITEMS})"
        ));
    }
    Ok((0..count).map(|k| (start + k * step) as i64).collect())
}

fn ints(v: Vec<i64>) -> R {
    list(v.into_iter().map(Value::from).collect())
}

fn seq(p: &[i64]) -> Result<String, String> {
    let items = match *p {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let inc = if end < start {
                if step > 0 {
                    return Ok(String::new());
                }
                -1
            } else {
                1
            };
            until_step(start, end.wrapping_add(inc), step)?
        }
        _ => Vec::new(),
    };
    Ok(items
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" "))
}

fn dispatch_math(name: &str, a: &[Value]) -> Option<R> {
    let int2 = |f: fn(i64, i64) -> Result<i64, String>| -> R {
        arity(name, a, 2)?;
        f(to_int64(&a[0]), to_int64(&a[1])).map(Value::from)
    };
    Some(match name {
        "atoi" => arity(name, a, 1)
            .and_then(|_| str_arg(&a[0]))
            .map(|s| Value::from(s.parse::<i64>().unwrap_or(0))),
        "int" | "int64" => arity(name, a, 1).map(|_| Value::from(to_int64(&a[0]))),
        "float64" => arity(name, a, 1).map(|_| Value::from(to_float64(&a[0]))),
        "toDecimal" => {
            arity(name, a, 1).map(|_| Value::from(parse_go_int(&fmt_v(&a[0]), 8).unwrap_or(0)))
        }
        "seq" => a
            .iter()
            .map(int_arg)
            .collect::<Result<Vec<_>, _>>()
            .and_then(|p| seq(&p))
            .and_then(string),
        "until" => (|| {
            arity(name, a, 1)?;
            let n = int_arg(&a[0])?;
            ints(until_step(0, n, if n < 0 { -1 } else { 1 })?)
        })(),
        "untilStep" => (|| {
            arity(name, a, 3)?;
            ints(until_step(
                int_arg(&a[0])?,
                int_arg(&a[1])?,
                int_arg(&a[2])?,
            )?)
        })(),
        "add1" => arity(name, a, 1).map(|_| Value::from(to_int64(&a[0]).wrapping_add(1))),
        "add" => Ok(Value::from(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        )),
        "sub" => int2(|x, y| Ok(x.wrapping_sub(y))),
        "div" => int2(|x, y| {
            if y == 0 {
                Err("runtime error: integer divide by zero".into())
            } else {
                Ok(x.wrapping_div(y))
            }
        }),
        "mod" => int2(|x, y| {
            if y == 0 {
                Err("runtime error: integer divide by zero".into())
            } else {
                Ok(x.wrapping_rem(y))
            }
        }),
        "mul" => arity_min(name, a, 1).map(|_| {
            Value::from(
                a[1..]
                    .iter()
                    .fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v))),
            )
        }),
        "randInt" => (|| {
            arity(name, a, 2)?;
            let (lo, hi) = (int_arg(&a[0])?, int_arg(&a[1])?);
            if hi <= lo {
                return Err("invalid argument to Intn".into());
            }
            Ok(Value::from(lo))
        })(),
        "add1f" => {
            arity(name, a, 1).and_then(|_| decimal_op(to_float64(&a[0]), &[Value::from(1i64)], '+'))
        }
        "addf" => decimal_op(0.0, a, '+'),
        "subf" | "mulf" | "divf" => arity_min(name, a, 1).and_then(|_| {
            let op = match name {
                "subf" => '-',
                "mulf" => '*',
                _ => '/',
            };
            decimal_op(to_float64(&a[0]), &a[1..], op)
        }),
        "biggest" | "max" | "min" => arity_min(name, a, 1).map(|_| {
            let vals = a.iter().map(to_int64);
            Value::from(
                if name == "min" {
                    vals.min()
                } else {
                    vals.max()
                }
                .unwrap_or(0),
            )
        }),
        "maxf" | "minf" => arity_min(name, a, 1).map(|_| {
            let f = if name == "maxf" { go_max } else { go_min };
            Value::from(
                a[1..]
                    .iter()
                    .fold(to_float64(&a[0]), |acc, v| f(acc, to_float64(v))),
            )
        }),
        "ceil" => arity(name, a, 1).map(|_| Value::from(to_float64(&a[0]).ceil())),
        "floor" => arity(name, a, 1).map(|_| Value::from(to_float64(&a[0]).floor())),
        "round" => (|| {
            arity_between(name, a, 2, 3)?;
            let val = to_float64(&a[0]);
            let places = int_arg(&a[1])? as f64;
            let round_on = a.get(2).map(float_arg).transpose()?.unwrap_or(0.5);
            let pow = 10f64.powf(places);
            let digit = pow * val;
            let r = if digit.fract() >= round_on {
                digit.ceil()
            } else {
                digit.floor()
            };
            Ok(Value::from(r / pow))
        })(),
        _ => return dispatch_lists(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig: defaults, flow and lists
// ---------------------------------------------------------------------------------------

/// Sprig's `empty`: nil, false, 0, and empty strings, lists and maps.
fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// The items of a Sprig list argument; `msg` has `{}` where Go names the kind.
fn list_arg(v: &Value, msg: &str) -> Result<Vec<Value>, String> {
    if v.is_nil() {
        return Err(NIL_DEREF.to_string());
    }
    slice_items(v).ok_or_else(|| msg.replace("{}", kind_for_error(v)))
}

/// `reflect.DeepEqual` on template values.
fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_within(a, b, 0, &mut 1_000_000)
}

/// [`deep_equal`] that gives up (unequal) after `budget` comparisons or at the depth limit
/// (a dict can be `set` into itself).
fn deep_equal_within(a: &Value, b: &Value, depth: usize, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match (&a.v, &b.v) {
        (V::Nil, V::Nil) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Float(x), V::Float(y)) => x == y,
        (V::Str(x), V::Str(y)) => x == y,
        (V::List(x), V::List(y)) => {
            Rc::ptr_eq(x, y)
                || depth < MAX_PRINT_DEPTH
                    && x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|(p, q)| deep_equal_within(p, q, depth + 1, budget))
        }
        (V::Map(x), V::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            if depth >= MAX_PRINT_DEPTH {
                return false;
            }
            let (x, y) = (a.map_entries(), b.map_entries());
            x.len() == y.len()
                && x.iter().zip(y.iter()).all(|((k1, v1), (k2, v2))| {
                    k1 == k2 && deep_equal_within(v1, v2, depth + 1, budget)
                })
        }
        (V::Obj(Obj::Files(x)), V::Obj(Obj::Files(y))) => x == y,
        (V::Obj(Obj::ApiVersions(x)), V::Obj(Obj::ApiVersions(y))) => x == y,
        _ => false,
    }
}

/// A hashable stand-in for scalars, so that `uniq` and `without` stay linear on them.
#[derive(Hash, PartialEq, Eq)]
enum ScalarKey {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(Arc<str>),
}

fn scalar_key(v: &Value) -> Option<ScalarKey> {
    Some(match &v.v {
        V::Nil => ScalarKey::Nil,
        V::Bool(b) => ScalarKey::Bool(*b),
        V::Int(i) => ScalarKey::Int(*i),
        V::Float(f) if f.is_nan() => return None,
        V::Float(f) => ScalarKey::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
        V::Str(s) => ScalarKey::Str(s.clone()),
        _ => return None,
    })
}

/// A set of values compared with `reflect.DeepEqual`.
#[derive(Default)]
struct ValueSet {
    scalars: std::collections::HashSet<ScalarKey>,
    others: Vec<Value>,
}

impl ValueSet {
    fn contains(&self, v: &Value) -> bool {
        match scalar_key(v) {
            Some(k) => self.scalars.contains(&k),
            None => {
                let mut budget = 1_000_000;
                self.others
                    .iter()
                    .any(|o| deep_equal_within(o, v, 0, &mut budget))
            }
        }
    }

    fn insert(&mut self, v: &Value) {
        match scalar_key(v) {
            Some(k) => {
                self.scalars.insert(k);
            }
            None => self.others.push(v.clone()),
        }
    }
}

/// `copystructure.Copy`, bounded in depth and in the number of values it makes.
fn deep_copy(v: &Value, depth: usize, budget: &mut usize) -> R {
    if depth > MAX_PRINT_DEPTH {
        return Err("deepCopy error: nesting too deep".into());
    }
    if *budget == 0 {
        return Err(format!("deepCopy error: more than {MAX_ITEMS} values"));
    }
    *budget -= 1;
    Ok(match &v.v {
        V::List(l) => {
            let items = l
                .iter()
                .map(|i| deep_copy(i, depth + 1, budget))
                .collect::<Result<Vec<_>, _>>()?;
            Value::from(items).with_origin(v.origin.clone())
        }
        V::Map(_) => {
            let mut m = BTreeMap::new();
            for (k, i) in v.map_entries() {
                m.insert(k, deep_copy(&i, depth + 1, budget)?);
            }
            Value::from(m).with_origin(v.origin.clone())
        }
        _ => v.clone(),
    })
}

fn dispatch_lists(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        "default" => arity_min(name, a, 1).map(|_| match a.get(1) {
            Some(given) if !is_empty(given) => given.clone(),
            _ => a[0].clone(),
        }),
        "empty" => arity(name, a, 1).map(|_| Value::from(is_empty(&a[0]))),
        "coalesce" => Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or_default()),
        "all" => Ok(Value::from(a.iter().all(|v| !is_empty(v)))),
        "any" => Ok(Value::from(a.iter().any(|v| !is_empty(v)))),
        "ternary" => arity(name, a, 3)
            .and_then(|_| bool_arg(&a[2]))
            .map(|c| if c { a[0].clone() } else { a[1].clone() }),
        "deepCopy" | "mustDeepCopy" => {
            let mut budget = MAX_ITEMS;
            arity(name, a, 1).and_then(|_| deep_copy(&a[0], 0, &mut budget))
        }
        "compact" | "mustCompact" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot compact on type {}"))
            .and_then(|l| list(l.into_iter().filter(|v| !is_empty(v)).collect())),
        "list" | "tuple" => list(a.to_vec()),
        "append" | "push" | "mustAppend" | "mustPush" => (|| {
            arity(name, a, 2)?;
            let mut l = list_arg(&a[0], "Cannot push on type {}")?;
            l.push(a[1].clone());
            list(l)
        })(),
        "prepend" | "mustPrepend" => (|| {
            arity(name, a, 2)?;
            let mut l = list_arg(&a[0], "Cannot prepend on type {}")?;
            l.insert(0, a[1].clone());
            list(l)
        })(),
        "first" | "mustFirst" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find first on type {}"))
            .map(|l| l.first().cloned().unwrap_or_default()),
        "last" | "mustLast" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find last on type {}"))
            .map(|l| l.last().cloned().unwrap_or_default()),
        "rest" | "mustRest" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find rest on type {}"))
            .and_then(|l| list(l.get(1..).unwrap_or_default().to_vec())),
        "initial" | "mustInitial" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find initial on type {}"))
            .and_then(|mut l| {
                l.pop();
                list(l)
            }),
        "reverse" | "mustReverse" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find reverse on type {}"))
            .and_then(|mut l| {
                l.reverse();
                list(l)
            }),
        "uniq" | "mustUniq" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find uniq on type {}"))
            .and_then(|l| {
                let mut seen = ValueSet::default();
                let mut out = Vec::new();
                for v in l {
                    if !seen.contains(&v) {
                        seen.insert(&v);
                        out.push(v);
                    }
                }
                list(out)
            }),
        "without" | "mustWithout" => arity_min(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find without on type {}"))
            .and_then(|l| {
                let mut omit = ValueSet::default();
                a[1..].iter().for_each(|v| omit.insert(v));
                list(l.into_iter().filter(|v| !omit.contains(v)).collect())
            }),
        "has" | "mustHas" => (|| {
            arity(name, a, 2)?;
            if a[1].is_nil() {
                return Ok(Value::from(false));
            }
            let l = list_arg(&a[1], "Cannot find has on type {}")?;
            Ok(Value::from(l.iter().any(|v| deep_equal(&a[0], v))))
        })(),
        "slice" | "mustSlice" => (|| {
            arity_min(name, a, 1)?;
            let l = list_arg(&a[0], "list should be type of slice or array but {}")?;
            if l.is_empty() {
                return Ok(Value::nil());
            }
            let start = a.get(1).map_or(0, to_int64);
            let end = a.get(2).map_or(l.len() as i64, to_int64);
            if start < 0 || end < start || end > l.len() as i64 {
                return Err("reflect: slice index out of range".into());
            }
            list(l[start as usize..end as usize].to_vec())
        })(),
        "concat" => (|| {
            let mut out = Vec::new();
            for v in a {
                out.extend(list_arg(v, "Cannot concat type {} as list")?);
                if out.len() > MAX_ITEMS {
                    return Err(format!("concat: too many items (the limit is {MAX_ITEMS})"));
                }
            }
            list(out)
        })(),
        "chunk" | "mustChunk" => (|| {
            arity(name, a, 2)?;
            let size = int_arg(&a[0])?;
            let l = list_arg(&a[1], "Cannot chunk type {}")?;
            if size <= 0 {
                return Err("runtime error: makeslice: len out of range".into());
            }
            list(
                l.chunks(size as usize)
                    .map(|c| Value::from(c.to_vec()))
                    .collect(),
            )
        })(),
        _ => return dispatch_dicts(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig: dicts
// ---------------------------------------------------------------------------------------

/// mergo's `Merge` (`overwrite`: `MergeWithOverwrite`) of `src` into the dict `dst`, in place.
/// Bounded in depth and in the number of entries it visits (`budget`).
fn merge_into(
    dst: &Value,
    src: &Value,
    overwrite: bool,
    depth: usize,
    budget: &mut usize,
) -> Result<(), String> {
    if depth > MAX_PRINT_DEPTH {
        return Err("merge: nesting too deep".into());
    }
    for (k, s) in src.map_entries() {
        if *budget == 0 {
            return Err(format!("merge: more than {MAX_ITEMS} values"));
        }
        *budget -= 1;
        let d = dst.map_get(&k);
        if s.is_nil() {
            if overwrite {
                dst.map_set(&k, s)?;
            }
            continue;
        }
        if let (V::Map(_), Some(dv @ Value { v: V::Map(_), .. })) = (&s.v, &d) {
            merge_into(dv, &s, overwrite, depth + 1, budget)?;
            if !is_empty(dv) {
                continue;
            }
        }
        if overwrite || d.as_ref().is_none_or(is_empty) {
            dst.map_set(&k, s)?;
        }
    }
    Ok(())
}

fn interface_conversion(v: &Value, want: &str) -> String {
    let got = if v.is_nil() { "nil" } else { v.type_name() };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

fn dispatch_dicts(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        "dict" => Ok(a
            .chunks(2)
            .map(|kv| {
                (
                    strval(&kv[0]),
                    kv.get(1).cloned().unwrap_or_else(|| Value::from("")),
                )
            })
            .collect::<BTreeMap<_, _>>()
            .into()),
        "get" => (|| {
            arity(name, a, 2)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            Ok(d.and_then(|d| d.map_get(k))
                .unwrap_or_else(|| Value::from("")))
        })(),
        "set" => (|| {
            arity(name, a, 3)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            let d = d.ok_or("assignment to entry in nil map")?;
            d.map_set(k, a[2].clone())?;
            Ok(d.clone())
        })(),
        "unset" => (|| {
            arity(name, a, 2)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            match d {
                Some(d) => {
                    d.map_remove(k)?;
                    Ok(d.clone())
                }
                None => Ok(Value::new_map()),
            }
        })(),
        "hasKey" => (|| {
            arity(name, a, 2)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            Ok(Value::from(d.is_some_and(|d| d.map_get(k).is_some())))
        })(),
        "pluck" => (|| {
            arity_min(name, a, 1)?;
            let k = str_arg(&a[0])?;
            let mut out = Vec::new();
            for d in &a[1..] {
                if let Some(v) = map_arg(d)?.and_then(|d| d.map_get(k)) {
                    out.push(v);
                }
            }
            list(out)
        })(),
        "keys" => (|| {
            let mut out = Vec::new();
            for d in a {
                if let Some(d) = map_arg(d)? {
                    out.extend(d.map_entries().into_keys());
                }
            }
            out.sort();
            strs(out)
        })(),
        "pick" | "omit" => (|| {
            arity_min(name, a, 1)?;
            let d = map_arg(&a[0])?;
            let keys = str_args(&a[1..])?;
            let entries = d.map(Value::map_entries).unwrap_or_default();
            Ok(entries
                .into_iter()
                .filter(|(k, _)| keys.contains(&k.as_str()) == (name == "pick"))
                .collect::<BTreeMap<_, _>>()
                .into())
        })(),
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => (|| {
            arity_min(name, a, 1)?;
            let overwrite = name.ends_with("Overwrite");
            let dst = map_arg(&a[0])?.cloned().unwrap_or_else(Value::new_map);
            let mut budget = MAX_ITEMS;
            for src in &a[1..] {
                if let Some(src) = map_arg(src)? {
                    merge_into(&dst, src, overwrite, 0, &mut budget)?;
                }
            }
            Ok(dst)
        })(),
        "values" => arity(name, a, 1)
            .and_then(|_| map_arg(&a[0]))
            .and_then(|d| {
                list(
                    d.map(Value::map_entries)
                        .unwrap_or_default()
                        .into_values()
                        .collect(),
                )
            }),
        "dig" => (|| {
            if a.len() < 3 {
                return Err("dig needs at least three arguments".into());
            }
            let dict = &a[a.len() - 1];
            let default = &a[a.len() - 2];
            let keys = a[..a.len() - 2]
                .iter()
                .map(|k| k.as_str().ok_or_else(|| interface_conversion(k, "string")))
                .collect::<Result<Vec<_>, _>>()?;
            let want_map = "map[string]interface {}";
            if !matches!(dict.v, V::Map(_)) {
                return Err(interface_conversion(dict, want_map));
            }
            let mut cur = dict.clone();
            for (i, k) in keys.iter().enumerate() {
                let Some(step) = cur.map_get(k) else {
                    return Ok(default.clone());
                };
                if i + 1 == keys.len() {
                    return Ok(step);
                }
                if !matches!(step.v, V::Map(_)) {
                    return Err(interface_conversion(&step, want_map));
                }
                cur = step;
            }
            Ok(default.clone())
        })(),
        _ => return dispatch_misc(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig: reflection, semantic versions (Masterminds/semver v3)
// ---------------------------------------------------------------------------------------

fn dispatch_misc(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        "typeOf" => arity(name, a, 1).map(|_| Value::from(a[0].type_name())),
        "kindOf" => arity(name, a, 1).map(|_| Value::from(a[0].kind_name())),
        "typeIs" | "typeIsLike" | "kindIs" => (|| {
            arity(name, a, 2)?;
            let target = str_arg(&a[0])?;
            Ok(Value::from(match name {
                "typeIs" => a[1].type_name() == target,
                "typeIsLike" => {
                    let t = a[1].type_name();
                    t == target || t.strip_prefix('*') == Some(target)
                }
                _ => a[1].kind_name() == target,
            }))
        })(),
        "deepEqual" => arity(name, a, 2).map(|_| Value::from(deep_equal(&a[0], &a[1]))),
        "semver" => (|| {
            arity(name, a, 1)?;
            let v = parse_version(str_arg(&a[0])?)?;
            let mut m = BTreeMap::new();
            m.insert("Major".to_string(), Value::from(v.major as i64));
            m.insert("Minor".to_string(), Value::from(v.minor as i64));
            m.insert("Patch".to_string(), Value::from(v.patch as i64));
            m.insert("Prerelease".to_string(), Value::from(v.pre));
            m.insert("Metadata".to_string(), Value::from(v.metadata));
            m.insert("Original".to_string(), Value::from(v.original));
            Ok(m.into())
        })(),
        "semverCompare" => (|| {
            arity(name, a, 2)?;
            let constraints = parse_constraints(str_arg(&a[0])?)?;
            let version = parse_version(str_arg(&a[1])?)?;
            Ok(Value::from(constraints.check(&version)))
        })(),
        _ => return dispatch_dates(name, a),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

const SEMVER_CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const SEMVER_OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct SemverRegexes {
    version: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn semver_regexes() -> &'static SemverRegexes {
    static RES: OnceLock<SemverRegexes> = OnceLock::new();
    RES.get_or_init(|| {
        let (cv, ops) = (SEMVER_CV, SEMVER_OPS);
        let build = |p: String| Regex::new(&p).unwrap_or_else(|_| Regex::new("$^").expect("trivial regex"));
        SemverRegexes {
            version: build(
                r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$"
                    .to_string(),
            ),
            constraint: build(format!(r"^\s*({ops})\s*({cv})\s*$")),
            range: build(format!(r"\s*({cv})\s+-\s+({cv})\s*")),
            find: build(format!(r"({ops})\s*({cv})")),
            valid: build(format!(r"^(\s*({ops})\s*({cv})\s*)((?:\s+|,\s*)({ops})\s*({cv})\s*)*$")),
        }
    })
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        }
        if part.bytes().all(|c| c.is_ascii_digit()) && part.len() > 1 && part.starts_with('0') {
            return Err("version segment starts with 0".into());
        }
    }
    Ok(())
}

/// Masterminds/semver `NewVersion` (coercing: `1.2` is `1.2.0`, a leading `v` is allowed).
fn parse_version(v: &str) -> Result<Version, String> {
    let caps = semver_regexes()
        .version
        .captures(v)
        .ok_or_else(|| "invalid semantic version".to_string())?;
    let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let segment = |s: &str| -> Result<u64, String> {
        let s = s.trim_start_matches('.');
        if s.is_empty() {
            return Ok(0);
        }
        s.parse().map_err(|_| {
            format!(
                "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
                go_quote(s, '"', false)
            )
        })
    };
    let version = Version {
        major: segment(group(1))?,
        minor: segment(group(2))?,
        patch: segment(group(3))?,
        pre: group(5).to_string(),
        metadata: group(8).to_string(),
        original: v.to_string(),
    };
    if !version.pre.is_empty() {
        validate_prerelease(&version.pre)?;
    }
    if version.metadata.split('.').any(str::is_empty) && !version.metadata.is_empty() {
        return Err("invalid metadata string".into());
    }
    Ok(version)
}

fn compare_pre_part(s: &str, o: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    if s == o {
        return Equal;
    }
    if s.is_empty() {
        return Less;
    }
    if o.is_empty() {
        return Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => s.cmp(o),
        (Ok(_), Err(_)) => Less,
        (Err(_), Ok(_)) => Greater,
        (Ok(x), Ok(y)) => x.cmp(&y),
    }
}

fn compare_prerelease(v: &str, o: &str) -> std::cmp::Ordering {
    let (vs, os): (Vec<&str>, Vec<&str>) = (v.split('.').collect(), o.split('.').collect());
    for i in 0..vs.len().max(os.len()) {
        let ord = compare_pre_part(
            vs.get(i).copied().unwrap_or(""),
            os.get(i).copied().unwrap_or(""),
        );
        if ord.is_ne() {
            return ord;
        }
    }
    std::cmp::Ordering::Equal
}

impl Version {
    fn compare(&self, o: &Version) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        let ord = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if ord.is_ne() {
            return ord;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Equal,
            (true, false) => Greater,
            (false, true) => Less,
            _ => compare_prerelease(&self.pre, &o.pre),
        }
    }
}

/// One parsed constraint (`>=1.21-0`).
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

struct Constraints {
    /// OR of ANDs, and whether each AND group names a prerelease.
    groups: Vec<(Vec<Constraint>, bool)>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    let res = semver_regexes();
    let m = res
        .constraint
        .captures(c)
        .ok_or_else(|| format!("improper constraint: {}", go_quote(c, '"', false)))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = parse_version(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op: g(1).to_string(),
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

/// Masterminds/semver `NewConstraint`: `||` separates alternatives, spaces or commas join.
fn parse_constraints(c: &str) -> Result<Constraints, String> {
    let res = semver_regexes();
    let mut rewritten = c.to_string();
    for caps in res.range.captures_iter(c) {
        let (Some(all), Some(lo), Some(hi)) = (caps.get(0), caps.get(1), caps.get(11)) else {
            continue;
        };
        let t = format!(">= {}, <= {} ", lo.as_str(), hi.as_str());
        rewritten = rewritten.replacen(all.as_str(), &t, 1);
    }
    let mut groups = Vec::new();
    for or in rewritten.split("||") {
        if !res.valid.is_match(or) {
            return Err(format!("improper constraint: {}", go_quote(or, '"', false)));
        }
        let mut found: Vec<&str> = res.find.find_iter(or).map(|m| m.as_str()).collect();
        if found.is_empty() {
            found.push(or);
        }
        let group = found
            .into_iter()
            .map(parse_constraint)
            .collect::<Result<Vec<_>, _>>()?;
        let has_pre = group.iter().any(|c| !c.con.pre.is_empty());
        groups.push((group, has_pre));
    }
    Ok(Constraints { groups })
}

impl Constraints {
    fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(group, pre)| group.iter().all(|c| c.check(v, *pre)))
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        use std::cmp::Ordering::*;
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        let tilde = || {
            if v.compare(c) == Less {
                return false;
            }
            if c.major == 0
                && c.minor == 0
                && c.patch == 0
                && !self.minor_dirty
                && !self.patch_dirty
            {
                return true;
            }
            v.major == c.major && (v.minor == c.minor || self.minor_dirty)
        };
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    tilde()
                } else {
                    v.compare(c) == Equal
                }
            }
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Equal
            }
            ">" => {
                if !self.dirty {
                    return v.compare(c) == Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Greater
                }
            }
            "<" => v.compare(c) == Less,
            ">=" | "=>" => v.compare(c) != Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Greater;
                }
                !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => tilde(),
            _ => {
                // "^"
                if v.compare(c) == Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sprig: dates. `now` is fixed; "Local" is UTC; other zones fall back to UTC.
// ---------------------------------------------------------------------------------------

/// A Go `time.Time`: an instant and the zone it is shown in.
#[derive(Debug, Clone, PartialEq)]
struct GoTime {
    unix: i64,
    nsec: u32,
    offset: i32,
    zone: String,
}

/// 2024-01-01T00:00:00Z, what `now` returns.
const NOW_UNIX: i64 = 1_704_067_200;
/// How Go's `Time.String` lays a time out (and how times travel between functions here).
const TIME_STRING_LAYOUT: &str = "2006-01-02 15:04:05.999999999 -0700 MST";

impl GoTime {
    fn utc(unix: i64, nsec: u32) -> GoTime {
        GoTime {
            unix,
            nsec,
            offset: 0,
            zone: "UTC".into(),
        }
    }

    fn now() -> GoTime {
        GoTime::utc(NOW_UNIX, 0)
    }

    fn zero() -> GoTime {
        GoTime::utc(-62_135_596_800, 0)
    }

    fn in_utc(&self) -> GoTime {
        GoTime::utc(self.unix, self.nsec)
    }

    /// Nanoseconds since the epoch.
    fn nanos(&self) -> i128 {
        i128::from(self.unix) * 1_000_000_000 + i128::from(self.nsec)
    }

    fn add_nanos(&self, d: i64) -> GoTime {
        let n = self.nanos() + i128::from(d);
        GoTime {
            unix: n.div_euclid(1_000_000_000) as i64,
            nsec: n.rem_euclid(1_000_000_000) as u32,
            ..self.clone()
        }
    }

    fn to_go_string(&self) -> String {
        format_time(self, TIME_STRING_LAYOUT)
    }

    /// A time as the template passed it: a time printed by Go, or nothing.
    fn from_value(v: &Value) -> Option<GoTime> {
        parse_time(TIME_STRING_LAYOUT, v.as_str()?).ok()
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One element of a Go layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    Pm,
    PmLower,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// `.000` (fixed digits) or `.999` (trailing zeros dropped), and the separator.
    Frac {
        digits: usize,
        trim: bool,
        sep: u8,
    },
}

/// Go's `nextStdChunk`: (literal prefix length, element, element length).
fn next_std_chunk(layout: &[u8]) -> Option<(usize, Std, usize)> {
    let has = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s.as_bytes());
    let starts_lower = |i: usize| layout.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..layout.len() {
        let found = match layout[i] {
            b'J' if has(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if has(i, "Jan") && !starts_lower(i + 3) => Some((Std::Month, 3)),
            b'M' if has(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if has(i, "Mon") && !starts_lower(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if has(i, "MST") => Some((Std::Tz, 3)),
            b'0' if layout.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => Some((
                match layout[i + 1] {
                    b'1' => Std::ZeroMonth,
                    b'2' => Std::ZeroDay,
                    b'3' => Std::ZeroHour12,
                    b'4' => Std::ZeroMinute,
                    b'5' => Std::ZeroSecond,
                    _ => Std::Year,
                },
                2,
            )),
            b'0' if has(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if has(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if has(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if has(i, "_2006") => return Some((i + 1, Std::LongYear, 4)),
            b'_' if has(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if has(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if has(i, "PM") => Some((Std::Pm, 2)),
            b'p' if has(i, "pm") => Some((Std::PmLower, 2)),
            b'-' if has(i, "-070000") => Some((Std::NumSecondsTz, 7)),
            b'-' if has(i, "-07:00:00") => Some((Std::NumColonSecondsTz, 9)),
            b'-' if has(i, "-0700") => Some((Std::NumTz, 5)),
            b'-' if has(i, "-07:00") => Some((Std::NumColonTz, 6)),
            b'-' if has(i, "-07") => Some((Std::NumShortTz, 3)),
            b'Z' if has(i, "Z070000") => Some((Std::Iso8601SecondsTz, 7)),
            b'Z' if has(i, "Z07:00:00") => Some((Std::Iso8601ColonSecondsTz, 9)),
            b'Z' if has(i, "Z0700") => Some((Std::Iso8601Tz, 5)),
            b'Z' if has(i, "Z07:00") => Some((Std::Iso8601ColonTz, 6)),
            b'Z' if has(i, "Z07") => Some((Std::Iso8601ShortTz, 3)),
            c @ (b'.' | b',') if matches!(layout.get(i + 1), Some(b'0' | b'9')) => {
                let ch = layout[i + 1];
                let mut j = i + 1;
                while j < layout.len() && layout[j] == ch {
                    j += 1;
                }
                if layout.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((
                        Std::Frac {
                            digits: j - i - 1,
                            trim: ch == b'9',
                            sep: c,
                        },
                        j - i,
                    ))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return Some((i, std, len));
        }
    }
    None
}

/// Go's `Time.Format`.
fn format_time(t: &GoTime, layout: &str) -> String {
    let local = t.unix + i64::from(t.offset);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, min, sec) = (secs / 3600, secs / 60 % 60, secs % 60);
    let weekday = (days + 4).rem_euclid(7) as usize;
    let yday = days - days_from_civil(year, 1, 1) + 1;
    let mut out = String::new();
    let mut rest = layout.as_bytes();
    let pad = |out: &mut String, n: i64, w: usize| {
        if n < 0 {
            let _ = write!(out, "-{:0w$}", -n);
        } else {
            let _ = write!(out, "{n:0w$}");
        }
    };
    while let Some((prefix, std, len)) = next_std_chunk(rest) {
        out.push_str(&bytes_to_string(&rest[..prefix]));
        rest = &rest[prefix + len..];
        match std {
            Std::Year => pad(&mut out, year.rem_euclid(100), 2),
            Std::LongYear => pad(&mut out, year, 4),
            Std::Month => out.push_str(&MONTHS[month as usize - 1][..3]),
            Std::LongMonth => out.push_str(MONTHS[month as usize - 1]),
            Std::NumMonth => pad(&mut out, i64::from(month), 0),
            Std::ZeroMonth => pad(&mut out, i64::from(month), 2),
            Std::WeekDay => out.push_str(&DAYS[weekday][..3]),
            Std::LongWeekDay => out.push_str(DAYS[weekday]),
            Std::Day => pad(&mut out, i64::from(day), 0),
            Std::UnderDay => {
                if day < 10 {
                    out.push(' ');
                }
                pad(&mut out, i64::from(day), 0);
            }
            Std::ZeroDay => pad(&mut out, i64::from(day), 2),
            Std::UnderYearDay => {
                let _ = write!(out, "{yday:>3}");
            }
            Std::ZeroYearDay => pad(&mut out, yday, 3),
            Std::Hour => pad(&mut out, hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = if hour % 12 == 0 { 12 } else { hour % 12 };
                pad(&mut out, h, if std == Std::Hour12 { 0 } else { 2 });
            }
            Std::Minute => pad(&mut out, min, 0),
            Std::ZeroMinute => pad(&mut out, min, 2),
            Std::Second => pad(&mut out, sec, 0),
            Std::ZeroSecond => pad(&mut out, sec, 2),
            Std::Pm => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::PmLower => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if t.zone.is_empty() {
                    let zone = t.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    let _ = write!(out, "{:02}{:02}", zone.abs() / 60, zone.abs() % 60);
                } else {
                    out.push_str(&t.zone);
                }
            }
            Std::Frac { digits, trim, sep } => {
                if trim && (digits == 0 || t.nsec == 0) {
                    continue;
                }
                let mut frac = format!("{:09}", t.nsec);
                frac.truncate(digits.min(9));
                if trim {
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                }
                if !frac.is_empty() || !trim {
                    out.push(sep as char);
                    out.push_str(&frac);
                }
            }
            tz => {
                let iso = matches!(
                    tz,
                    Std::Iso8601Tz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonSecondsTz
                );
                if t.offset == 0 && iso {
                    out.push('Z');
                    continue;
                }
                let zone = t.offset / 60;
                let abs = t.offset.abs();
                out.push(if zone < 0 { '-' } else { '+' });
                let _ = write!(out, "{:02}", zone.abs() / 60);
                let colon = matches!(
                    tz,
                    Std::Iso8601ColonTz
                        | Std::NumColonTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumColonSecondsTz
                );
                if colon {
                    out.push(':');
                }
                if !matches!(tz, Std::NumShortTz | Std::Iso8601ShortTz) {
                    let _ = write!(out, "{:02}", zone.abs() % 60);
                }
                if matches!(
                    tz,
                    Std::Iso8601SecondsTz
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTz
                        | Std::Iso8601ColonSecondsTz
                ) {
                    if matches!(tz, Std::NumColonSecondsTz | Std::Iso8601ColonSecondsTz) {
                        out.push(':');
                    }
                    let _ = write!(out, "{:02}", abs % 60);
                }
            }
        }
    }
    out.push_str(&bytes_to_string(rest));
    out
}

/// Go's `time.Parse` in UTC: the common layouts, numeric and named fields and zones.
fn parse_time(layout: &str, value: &str) -> Result<GoTime, String> {
    let fail = |elem: &str, rest: &str| {
        Err(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_quote(value, '"', false),
            go_quote(layout, '"', false),
            go_quote(rest, '"', false),
            go_quote(elem, '"', false)
        ))
    };
    let (mut year, mut month, mut day, mut yday) = (1i64, 1u32, 1u32, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0u32);
    let (mut pm, mut am) = (false, false);
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = String::new();
    let mut range_err: Option<&str> = None;
    let mut lay = layout.as_bytes();
    let mut val = value;
    // Digits at the start of `val`: exactly `fixed`, or up to `max`.
    let getnum = |val: &str, fixed: usize, max: usize| -> Option<(i64, usize)> {
        let n = val.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n == 0 || fixed > 0 && n != fixed {
            return None;
        }
        Some((val[..n].parse().ok()?, n))
    };
    loop {
        let chunk = next_std_chunk(lay);
        let (prefix, std, len) = match chunk {
            Some(c) => c,
            None => (lay.len(), Std::Tz, 0),
        };
        // The literal text before the element; spaces match any run of spaces.
        let lit = &lay[..prefix];
        let mut li = 0;
        while li < lit.len() {
            if lit[li] == b' ' {
                if !val.is_empty() && !val.starts_with(' ') {
                    return fail(&bytes_to_string(lit), val);
                }
                while li < lit.len() && lit[li] == b' ' {
                    li += 1;
                }
                val = val.trim_start_matches(' ');
                continue;
            }
            // Literal text: a whole character at a time (layouts may hold any text).
            let want = std::str::from_utf8(&lit[li..])
                .ok()
                .and_then(|rest| rest.chars().next())
                .unwrap_or('\u{FFFD}');
            match val.strip_prefix(want) {
                Some(rest) => val = rest,
                None => return fail(&bytes_to_string(lit), val),
            }
            li += want.len_utf8();
        }
        if chunk.is_none() {
            break;
        }
        let elem = bytes_to_string(&lay[prefix..prefix + len]);
        lay = &lay[prefix + len..];
        let before = val;
        let ok: Option<()> = (|| {
            match std {
                Std::Year => {
                    let (y, n) = getnum(val, 2, 2)?;
                    year = if y >= 69 { 1900 + y } else { 2000 + y };
                    val = &val[n..];
                }
                Std::LongYear => {
                    let (y, n) = getnum(val, 4, 4)?;
                    year = y;
                    val = &val[n..];
                }
                Std::Month | Std::LongMonth => {
                    let (i, n) = MONTHS.iter().enumerate().find_map(|(i, m)| {
                        let name = if std == Std::Month { &m[..3] } else { m };
                        val.get(..name.len())
                            .filter(|p| p.eq_ignore_ascii_case(name))
                            .map(|_| (i, name.len()))
                    })?;
                    month = i as u32 + 1;
                    val = &val[n..];
                }
                Std::WeekDay | Std::LongWeekDay => {
                    let n = DAYS.iter().find_map(|d| {
                        let name = if std == Std::WeekDay { &d[..3] } else { d };
                        val.get(..name.len())
                            .filter(|p| p.eq_ignore_ascii_case(name))
                            .map(|_| name.len())
                    })?;
                    val = &val[n..];
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, n) = getnum(val, if std == Std::ZeroMonth { 2 } else { 0 }, 2)?;
                    if !(1..=12).contains(&m) {
                        range_err = Some("month");
                        return None;
                    }
                    month = m as u32;
                    val = &val[n..];
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && val.starts_with(' ') {
                        val = &val[1..];
                    }
                    let (d, n) = getnum(val, if std == Std::ZeroDay { 2 } else { 0 }, 2)?;
                    day = d as u32;
                    val = &val[n..];
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    if std == Std::UnderYearDay {
                        val = val.trim_start_matches(' ');
                    }
                    let (d, n) = getnum(val, if std == Std::ZeroYearDay { 3 } else { 0 }, 3)?;
                    yday = d;
                    val = &val[n..];
                }
                Std::Hour => {
                    let (h, n) = getnum(val, 0, 2)?;
                    if h >= 24 {
                        range_err = Some("hour");
                        return None;
                    }
                    hour = h;
                    val = &val[n..];
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    let (h, n) = getnum(val, if std == Std::ZeroHour12 { 2 } else { 0 }, 2)?;
                    if h > 12 {
                        range_err = Some("hour");
                        return None;
                    }
                    hour = h;
                    val = &val[n..];
                }
                Std::Minute | Std::ZeroMinute | Std::Second | Std::ZeroSecond => {
                    let fixed = if matches!(std, Std::ZeroMinute | Std::ZeroSecond) {
                        2
                    } else {
                        0
                    };
                    let (x, n) = getnum(val, fixed, 2)?;
                    if x >= 60 {
                        range_err = Some(if matches!(std, Std::Minute | Std::ZeroMinute) {
                            "minute"
                        } else {
                            "second"
                        });
                        return None;
                    }
                    val = &val[n..];
                    if matches!(std, Std::Minute | Std::ZeroMinute) {
                        min = x;
                    } else {
                        sec = x;
                        // A fraction the layout does not mention.
                        let next_is_frac =
                            matches!(next_std_chunk(lay), Some((0, Std::Frac { .. }, _)));
                        if !next_is_frac
                            && val.len() > 1
                            && matches!(val.as_bytes()[0], b'.' | b',')
                            && val.as_bytes()[1].is_ascii_digit()
                        {
                            let n = val[1..].bytes().take_while(u8::is_ascii_digit).count();
                            nsec = frac_nanos(&val[1..1 + n]);
                            val = &val[1 + n..];
                        }
                    }
                }
                Std::Pm | Std::PmLower => {
                    let p = val.get(..2)?;
                    let (pm_s, am_s) = if std == Std::Pm {
                        ("PM", "AM")
                    } else {
                        ("pm", "am")
                    };
                    if p == pm_s {
                        pm = true;
                    } else if p == am_s {
                        am = true;
                    } else {
                        return None;
                    }
                    val = &val[2..];
                }
                Std::Tz => {
                    if val.starts_with("UTC") {
                        zone_name = "UTC".into();
                        val = &val[3..];
                    } else {
                        let n = val.bytes().take_while(u8::is_ascii_uppercase).count();
                        let signed = val.starts_with(['+', '-']) && val.len() >= 5;
                        if (3..=5).contains(&n) {
                            zone_name = val[..n].to_string();
                            val = &val[n..];
                        } else if signed
                            && val
                                .get(1..5)
                                .is_some_and(|d| d.bytes().all(|c| c.is_ascii_digit()))
                        {
                            val = &val[5..];
                        } else {
                            return None;
                        }
                    }
                }
                Std::Frac { digits, trim, .. } => {
                    let b = val.as_bytes();
                    if trim {
                        if b.len() < 2 || !matches!(b[0], b'.' | b',') || !b[1].is_ascii_digit() {
                            return Some(());
                        }
                        let n = val[1..].bytes().take_while(u8::is_ascii_digit).count();
                        nsec = frac_nanos(&val[1..1 + n]);
                        val = &val[1 + n..];
                    } else {
                        if b.len() < digits + 1 || !matches!(b[0], b'.' | b',') {
                            return None;
                        }
                        let digs = val.get(1..1 + digits)?;
                        if !digs.bytes().all(|c| c.is_ascii_digit()) {
                            return None;
                        }
                        nsec = frac_nanos(digs);
                        val = &val[1 + digits..];
                    }
                }
                tz => {
                    let iso = matches!(
                        tz,
                        Std::Iso8601Tz
                            | Std::Iso8601ColonTz
                            | Std::Iso8601SecondsTz
                            | Std::Iso8601ShortTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    if iso && val.starts_with('Z') {
                        val = &val[1..];
                        zone_offset = Some(0);
                        zone_name = "UTC".into();
                        return Some(());
                    }
                    let sign = match val.as_bytes().first()? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    let b = val.as_bytes();
                    let two = |i: usize| -> Option<i32> {
                        let s = val.get(i..i + 2)?;
                        if s.bytes().all(|c| c.is_ascii_digit()) {
                            s.parse().ok()
                        } else {
                            None
                        }
                    };
                    let colon = matches!(
                        tz,
                        Std::Iso8601ColonTz
                            | Std::NumColonTz
                            | Std::Iso8601ColonSecondsTz
                            | Std::NumColonSecondsTz
                    );
                    let short = matches!(tz, Std::NumShortTz | Std::Iso8601ShortTz);
                    let seconds = matches!(
                        tz,
                        Std::Iso8601SecondsTz
                            | Std::NumSecondsTz
                            | Std::NumColonSecondsTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    let h = two(1)?;
                    let mut i = 3;
                    let mut m = 0;
                    let mut s = 0;
                    if !short {
                        if colon {
                            if b.get(i) != Some(&b':') {
                                return None;
                            }
                            i += 1;
                        }
                        m = two(i)?;
                        i += 2;
                        if seconds {
                            if colon {
                                if b.get(i) != Some(&b':') {
                                    return None;
                                }
                                i += 1;
                            }
                            s = two(i)?;
                            i += 2;
                        }
                    }
                    zone_offset = Some(sign * (h * 3600 + m * 60 + s));
                    val = &val[i..];
                }
            }
            Some(())
        })();
        if let Some(what) = range_err {
            return Err(format!(
                "parsing time {}: {what} out of range",
                go_quote(value, '"', false)
            ));
        }
        if ok.is_none() {
            return fail(&elem, before);
        }
    }
    if !val.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            go_quote(value, '"', false),
            go_quote(val, '"', false)
        ));
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (_, m, d) = civil_from_days(days_from_civil(year, 1, 1) + yday - 1);
        month = m;
        day = d;
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!(
            "parsing time {}: day out of range",
            go_quote(value, '"', false)
        ));
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec;
    let offset = zone_offset.unwrap_or(0);
    let zone = match (zone_offset, zone_name.is_empty()) {
        (Some(0), true) | (None, true) => "UTC".to_string(),
        (Some(_), true) => String::new(),
        _ => zone_name,
    };
    Ok(GoTime {
        unix: local - i64::from(offset),
        nsec,
        offset,
        zone,
    })
}

fn frac_nanos(digits: &str) -> u32 {
    let mut s: String = digits.chars().take(9).collect();
    while s.len() < 9 {
        s.push('0');
    }
    s.parse().unwrap_or(0)
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", go_quote(orig, '"', false));
    let (neg, mut s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &rest[..n];
            s = &rest[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(s.len(), |(i, _)| i);
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let scale: u128 = match unit {
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    go_quote(orig, '"', false)
                ));
            }
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit, '"', false),
                    go_quote(orig, '"', false)
                ));
            }
        };
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut v = int.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            let digits: String = frac_part.chars().take(30).collect();
            let f: u128 = digits.parse().map_err(|_| invalid())?;
            let div = 10u128.pow(digits.len() as u32);
            v += f * scale / div;
        }
        total = total.checked_add(v).ok_or_else(invalid)?;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        Ok((total as i128).wrapping_neg() as i64)
    } else if total > i64::MAX as u128 {
        Err(invalid())
    } else {
        Ok(total as i64)
    }
}

/// Go's `Duration.String` (`1h2m3.5s`, `1.5µs`, `0s`).
fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let u = d.unsigned_abs();
    let frac = |u: u64, prec: u32| -> (String, u64) {
        let pow = 10u64.pow(prec);
        let f = u % pow;
        if f == 0 {
            return (String::new(), u / pow);
        }
        let s = format!("{f:0width$}", width = prec as usize);
        (format!(".{}", s.trim_end_matches('0')), u / pow)
    };
    let mut out = if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0 => return "0s".into(),
            1..=999 => (0, "ns"),
            1_000..=999_999 => (3, "µs"),
            _ => (6, "ms"),
        };
        let (f, whole) = frac(u, prec);
        format!("{whole}{f}{unit}")
    } else {
        let (f, secs) = frac(u, 9);
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            format!("{h}h{m}m{s}{f}s")
        } else if secs >= 60 {
            format!("{m}m{s}{f}s")
        } else {
            format!("{s}{f}s")
        }
    };
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `Duration.Round(m)`: half away from zero, saturating.
fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
    let r = d % m;
    if d < 0 {
        let r = -r;
        if less_than_half(r) {
            return d + r;
        }
        d.checked_sub(m).map_or(i64::MIN, |x| x + r)
    } else {
        if less_than_half(r) {
            return d - r;
        }
        d.checked_add(m - r).unwrap_or(i64::MAX)
    }
}

fn time_arg(v: &Value) -> Result<GoTime, String> {
    GoTime::from_value(v).ok_or_else(|| type_error("time.Time", v))
}

/// The `date` argument of Sprig's date functions: a time, or unix seconds, else now.
fn date_arg(v: &Value) -> GoTime {
    match &v.v {
        V::Int(secs) => GoTime::utc(*secs, 0),
        _ => GoTime::from_value(v).unwrap_or_else(GoTime::now),
    }
}

fn dispatch_dates(name: &str, a: &[Value]) -> Option<R> {
    let time_value = |t: GoTime| Value::from(t.to_go_string());
    Some(match name {
        "now" => arity(name, a, 0).map(|_| time_value(GoTime::now())),
        "date" => (|| {
            arity(name, a, 2)?;
            Ok(Value::from(format_time(
                &date_arg(&a[1]).in_utc(),
                str_arg(&a[0])?,
            )))
        })(),
        "date_in_zone" | "dateInZone" => (|| {
            arity(name, a, 3)?;
            str_arg(&a[2])?;
            Ok(Value::from(format_time(
                &date_arg(&a[1]).in_utc(),
                str_arg(&a[0])?,
            )))
        })(),
        "htmlDate" => arity(name, a, 1)
            .map(|_| Value::from(format_time(&date_arg(&a[0]).in_utc(), "2006-01-02"))),
        "htmlDateInZone" => (|| {
            arity(name, a, 2)?;
            str_arg(&a[1])?;
            Ok(Value::from(format_time(
                &date_arg(&a[0]).in_utc(),
                "2006-01-02",
            )))
        })(),
        "toDate" | "mustToDate" => (|| {
            arity(name, a, 2)?;
            match parse_time(str_arg(&a[0])?, str_arg(&a[1])?) {
                Ok(t) => Ok(time_value(t)),
                Err(e) if name == "mustToDate" => Err(e),
                Err(_) => Ok(time_value(GoTime::zero())),
            }
        })(),
        "unixEpoch" => arity(name, a, 1)
            .and_then(|_| time_arg(&a[0]))
            .map(|t| Value::from(t.unix.to_string())),
        "dateModify" | "date_modify" | "mustDateModify" | "must_date_modify" => (|| {
            arity(name, a, 2)?;
            let (d, t) = (str_arg(&a[0])?, time_arg(&a[1])?);
            match parse_duration(d) {
                Ok(n) => Ok(time_value(t.add_nanos(n))),
                Err(e) if name.starts_with("must") => Err(e),
                Err(_) => Ok(time_value(t)),
            }
        })(),
        "ago" => arity(name, a, 1).map(|_| {
            let t = date_arg(&a[0]);
            let since = GoTime::now().nanos() - t.nanos();
            let since = since.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            Value::from(format_duration(round_duration(since, 1_000_000_000)))
        }),
        "duration" => arity(name, a, 1).map(|_| {
            let secs = match &a[0].v {
                V::Str(s) => s.parse::<i64>().unwrap_or(0),
                V::Int(i) => *i,
                _ => 0,
            };
            Value::from(format_duration(secs.wrapping_mul(1_000_000_000)))
        }),
        "durationRound" => arity(name, a, 1).map(|_| {
            let d: i64 = match &a[0].v {
                V::Str(s) => match GoTime::from_value(&a[0]) {
                    Some(t) => (GoTime::now().nanos() - t.nanos()) as i64,
                    None => parse_duration(s).unwrap_or(0),
                },
                V::Int(i) => *i,
                _ => 0,
            };
            let u = d.unsigned_abs();
            const SEC: u64 = 1_000_000_000;
            let (year, month, day, hour, minute) = (
                SEC * 3600 * 24 * 365,
                SEC * 3600 * 24 * 30,
                SEC * 3600 * 24,
                SEC * 3600,
                SEC * 60,
            );
            Value::from(if u > year {
                format!("{}y", u / year)
            } else if u > month {
                format!("{}mo", u / month)
            } else if u > day {
                format!("{}d", u / day)
            } else if u > hour {
                format!("{}h", u / hour)
            } else if u > minute {
                format!("{}m", u / minute)
            } else if u > SEC {
                format!("{}s", u / SEC)
            } else {
                "0s".to_string()
            })
        }),
        _ => return dispatch_paths(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig: paths (Go's `path`) and URLs (Go's `net/url`)
// ---------------------------------------------------------------------------------------

/// Go's `path.Clean`.
fn path_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let p = path.as_bytes();
    let n = p.len();
    let rooted = p[0] == b'/';
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0, 0);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if p[r] == b'/' || p[r] == b'.' && (r + 1 == n || p[r + 1] == b'/') {
            r += 1;
        } else if p[r] == b'.' && p[r + 1] == b'.' && (r + 2 == n || p[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if rooted && out.len() != 1 || !rooted && !out.is_empty() {
                out.push(b'/');
            }
            while r < n && p[r] != b'/' {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return ".".into();
    }
    bytes_to_string(&out)
}

fn path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    if last.is_empty() {
        "/".into()
    } else {
        last.into()
    }
}

fn path_dir(path: &str) -> String {
    let dir = path.rfind('/').map_or("", |i| &path[..=i]);
    path_clean(dir)
}

fn path_ext(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.rfind('.')
        .map_or(String::new(), |i| last[i..].to_string())
}

/// The parts of a URL as Sprig's `urlParse` returns them.
#[derive(Default, Debug, PartialEq)]
struct Url {
    scheme: String,
    opaque: String,
    /// Username and, if set, password.
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_query: String,
    fragment: String,
}

fn unhex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Go's `url.unescape`.
fn url_unescape(s: &str, mode: Encode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| Some(unhex(h[0])? << 4 | unhex(h[1])?));
                let Some(x) = hex else {
                    let bad: String = s[i..].chars().take(3).collect();
                    return Err(format!("invalid URL escape {}", go_quote(&bad, '"', false)));
                };
                out.push(x);
                i += 3;
            }
            b'+' if mode == Encode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(bytes_to_string(&out))
}

/// Go's `url.Parse`.
fn url_parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let wrap = |s: &str, e: String| format!("parse {}: {e}", go_quote(s, '"', false));
    if u.bytes().any(|c| c < 0x20 || c == 0x7F) {
        return Err(wrap(u, "net/url: invalid control character in URL".into()));
    }
    let mut url = Url::default();
    if u == "*" {
        url.path = "*".into();
    } else {
        let mut rest = u;
        for (i, c) in u.bytes().enumerate() {
            if c.is_ascii_alphabetic() {
                continue;
            }
            if c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.') {
                if i == 0 {
                    break;
                }
                continue;
            }
            if c == b':' {
                if i == 0 {
                    return Err(wrap(u, "missing protocol scheme".into()));
                }
                url.scheme = u[..i].to_ascii_lowercase();
                rest = &u[i + 1..];
            }
            break;
        }
        if rest.ends_with('?') && rest.matches('?').count() == 1 {
            rest = &rest[..rest.len() - 1];
        } else if let Some((r, q)) = rest.split_once('?') {
            url.raw_query = q.to_string();
            rest = r;
        }
        if !rest.starts_with('/') {
            if !url.scheme.is_empty() {
                url.opaque = rest.to_string();
                return finish_fragment(url, raw, frag);
            }
            if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
                return Err(wrap(
                    u,
                    "first path segment in URL cannot contain colon".into(),
                ));
            }
        }
        if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
            let auth_and_path = &rest[2..];
            let (authority, path) = match auth_and_path.find('/') {
                Some(i) => (&auth_and_path[..i], &auth_and_path[i..]),
                None => (auth_and_path, ""),
            };
            rest = path;
            let (userinfo, host) = match authority.rfind('@') {
                Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
                None => (None, authority),
            };
            if let Some(colon) = host.rfind(':').filter(|_| !host.ends_with(']')) {
                let port = &host[colon + 1..];
                if !port.bytes().all(|c| c.is_ascii_digit()) && !host.starts_with('[') {
                    return Err(wrap(
                        u,
                        format!(
                            "invalid port {} after host",
                            go_quote(&host[colon..], '"', false)
                        ),
                    ));
                }
            }
            url.host = url_unescape(host, Encode::Host).map_err(|e| wrap(u, e))?;
            if let Some(ui) = userinfo {
                url.user = Some(match ui.split_once(':') {
                    Some((name, pass)) => (
                        url_unescape(name, Encode::UserPassword).map_err(|e| wrap(u, e))?,
                        Some(url_unescape(pass, Encode::UserPassword).map_err(|e| wrap(u, e))?),
                    ),
                    None => (
                        url_unescape(ui, Encode::UserPassword).map_err(|e| wrap(u, e))?,
                        None,
                    ),
                });
            }
        }
        url.path = url_unescape(rest, Encode::Path).map_err(|e| wrap(u, e))?;
    }
    finish_fragment(url, raw, frag)
}

fn finish_fragment(mut url: Url, raw: &str, frag: &str) -> Result<Url, String> {
    url.fragment = url_unescape(frag, Encode::Fragment)
        .map_err(|e| format!("parse {}: {e}", go_quote(raw, '"', false)))?;
    Ok(url)
}

impl Url {
    fn hostname(&self) -> String {
        let mut host = self.host.as_str();
        if let Some(colon) = host.rfind(':')
            && host[colon + 1..].bytes().all(|c| c.is_ascii_digit())
        {
            host = &host[..colon];
        }
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
            .to_string()
    }

    fn userinfo(&self) -> String {
        match &self.user {
            None => String::new(),
            Some((name, pass)) => {
                let mut s = url_escape(name, Encode::UserPassword);
                if let Some(p) = pass {
                    s.push(':');
                    s.push_str(&url_escape(p, Encode::UserPassword));
                }
                s
            }
        }
    }

    /// Go's `URL.String`.
    fn to_url_string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if self.user.is_some() {
                    buf.push_str(&self.userinfo());
                    buf.push('@');
                }
                buf.push_str(&url_escape(&self.host, Encode::Host));
            }
            let path = if self.path == "*" {
                "*".to_string()
            } else {
                url_escape(&self.path, Encode::Path)
            };
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().is_some_and(|seg| seg.contains(':')) {
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&url_escape(&self.fragment, Encode::Fragment));
        }
        buf
    }
}

fn dispatch_paths(name: &str, a: &[Value]) -> Option<R> {
    let s1 = |f: fn(&str) -> String| -> R {
        arity(name, a, 1)?;
        Ok(Value::from(f(str_arg(&a[0])?)))
    };
    Some(match name {
        "base" | "osBase" => s1(path_base),
        "dir" | "osDir" => s1(path_dir),
        "clean" | "osClean" => s1(path_clean),
        "ext" | "osExt" => s1(path_ext),
        "isAbs" | "osIsAbs" => arity(name, a, 1)
            .and_then(|_| str_arg(&a[0]))
            .map(|p| Value::from(p.starts_with('/'))),
        "urlParse" => (|| {
            arity(name, a, 1)?;
            let u = url_parse(str_arg(&a[0])?).map_err(|e| format!("unable to parse url: {e}"))?;
            let mut m = BTreeMap::new();
            m.insert("scheme".to_string(), Value::from(u.scheme.as_str()));
            m.insert("host".to_string(), Value::from(u.host.as_str()));
            m.insert("hostname".to_string(), Value::from(u.hostname()));
            m.insert("path".to_string(), Value::from(u.path.as_str()));
            m.insert("query".to_string(), Value::from(u.raw_query.as_str()));
            m.insert("opaque".to_string(), Value::from(u.opaque.as_str()));
            m.insert("fragment".to_string(), Value::from(u.fragment.as_str()));
            m.insert("userinfo".to_string(), Value::from(u.userinfo()));
            Ok(m.into())
        })(),
        "urlJoin" => (|| {
            arity(name, a, 1)?;
            let d = map_arg(&a[0])?;
            let get = |k: &str| -> Result<String, String> {
                match d.and_then(|d| d.map_get(k)) {
                    None => Ok(String::new()),
                    Some(Value { v: V::Str(s), .. }) => Ok(s.to_string()),
                    Some(other) if other.is_nil() => Err(NIL_DEREF.to_string()),
                    Some(other) => Err(format!(
                        "unable to parse {k} key, must be of type string, but {} found",
                        other.kind_name()
                    )),
                }
            };
            let userinfo = get("userinfo")?;
            let user = if userinfo.is_empty() {
                None
            } else {
                url_parse(&format!("proto://{userinfo}@host"))
                    .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?
                    .user
            };
            let url = Url {
                scheme: get("scheme")?,
                host: get("host")?,
                path: get("path")?,
                raw_query: get("query")?,
                opaque: get("opaque")?,
                fragment: get("fragment")?,
                user,
            };
            Ok(Value::from(url.to_url_string()))
        })(),
        _ => return dispatch_serial(name, a),
    })
}

// ---------------------------------------------------------------------------------------
// Sprig and Helm: JSON, YAML and TOML
// ---------------------------------------------------------------------------------------

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

fn dispatch_serial(name: &str, a: &[Value]) -> Option<R> {
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
    use super::*;

    fn s(x: &str) -> Value {
        Value::from(x)
    }
    fn i(x: i64) -> Value {
        Value::from(x)
    }
    fn f(x: f64) -> Value {
        Value::from(x)
    }
    fn l(items: &[Value]) -> Value {
        Value::from(items.to_vec())
    }
    fn d(entries: &[(&str, Value)]) -> Value {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>()
            .into()
    }
    fn ok(name: &str, args: &[Value]) -> Value {
        match call(name, args) {
            Some(Ok(v)) => v,
            other => panic!("{name}: {other:?}"),
        }
    }
    /// The result as the template prints it.
    fn out(name: &str, args: &[Value]) -> String {
        ok(name, args).to_go_string()
    }
    fn err(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Some(Err(e)) => e,
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }
    fn printf(format: &str, args: &[Value]) -> String {
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
    fn go_builtins() {
        assert_eq!(out("not", &[s("")]), "true");
        assert_eq!(out("not", &[l(&[i(1)])]), "false");
        assert_eq!(out("len", &[s("héllo")]), "6");
        assert_eq!(out("len", &[d(&[("a", i(1))])]), "1");
        assert_eq!(err("len", &[i(3)]), "len of type int");
        assert_eq!(err("len", &[Value::nil()]), "len of untyped nil");
        let m = d(&[("a", l(&[s("x"), d(&[("b", s("deep"))])]))]);
        assert_eq!(out("index", &[m.clone(), s("a"), i(1), s("b")]), "deep");
        assert!(ok("index", &[m.clone(), s("missing")]).is_nil());
        assert_eq!(
            err("index", &[m.clone(), s("a"), i(2)]),
            "index out of range: 2"
        );
        assert_eq!(
            err("index", &[m.clone(), s("missing"), s("x")]),
            "index of nil pointer"
        );
        assert_eq!(err("index", &[Value::nil(), i(0)]), "index of untyped nil");
        assert_eq!(out("index", &[s("abc"), i(1)]), "98");
        assert_eq!(
            out("print", &[s("a"), i(1), i(2), s("b"), Value::nil()]),
            "a1 2b<nil>"
        );
        assert_eq!(out("println", &[s("a"), i(1)]), "a 1\n");
        assert_eq!(
            out("html", &[s("<a href=\"x\">&'")]),
            "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"
        );
        assert_eq!(out("js", &[s("it's <b>\n")]), "it\\'s \\x3Cb\\x3E\\u000A");
        assert_eq!(out("urlquery", &[s("a b&c=d/é")]), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(out("eq", &[s("b"), s("a"), s("b")]), "true");
        assert_eq!(out("eq", &[f(2.0), i(2)]), "true");
        assert_eq!(err("eq", &[s("a")]), "missing argument for comparison");
        assert_eq!(out("ne", &[i(1), i(2)]), "true");
        assert_eq!(out("lt", &[i(1), i(2)]), "true");
        assert_eq!(out("le", &[i(2), i(2)]), "true");
        assert_eq!(out("gt", &[s("b"), s("a")]), "true");
        assert_eq!(out("ge", &[f(1.5), i(2)]), "false");
        assert!(err("lt", &[s("a"), i(1)]).contains("incompatible types for comparison"));
        assert_eq!(
            err("not", &[]),
            "wrong number of args for not: want 1 got 0"
        );
    }

    #[test]
    fn printf_like_go() {
        assert_eq!(printf("%s-%d", &[s("web"), i(3)]), "web-3");
        assert_eq!(
            printf(
                "[%5s|%-5s|%05d|%+d|%x|%X|%o|%#x|%b]",
                &[
                    s("ab"),
                    s("cd"),
                    i(-42),
                    i(7),
                    i(255),
                    i(255),
                    i(8),
                    i(255),
                    i(5)
                ]
            ),
            "[   ab|cd   |-0042|+7|ff|FF|10|0xff|101]"
        );
        assert_eq!(
            printf(
                "%.2f %8.3f %e %g %v %v",
                &[
                    f(1.23456),
                    f(2.5),
                    f(1234.5678),
                    f(0.000012),
                    f(1e6),
                    f(100.0)
                ]
            ),
            "1.23    2.500 1.234568e+03 1.2e-05 1e+06 100"
        );
        assert_eq!(
            printf(
                "%q %v %t %c %U %T %T",
                &[
                    s("a\"b\n"),
                    l(&[s("a"), i(1), Value::nil()]),
                    Value::from(true),
                    i(65),
                    i(0x1F600),
                    f(1.0),
                    d(&[])
                ]
            ),
            "\"a\\\"b\\n\" [a 1 <nil>] true A U+1F600 float64 map[string]interface {}"
        );
        assert_eq!(
            printf("%v", &[d(&[("b", i(2)), ("a", l(&[s("x")]))])]),
            "map[a:[x] b:2]"
        );
        assert_eq!(printf("%d", &[s("abc")]), "%!d(string=abc)");
        assert_eq!(printf("%d", &[f(3.0)]), "%!d(float64=3)");
        assert_eq!(printf("%s", &[i(3)]), "%!s(int=3)");
        assert_eq!(printf("%s %s", &[s("a")]), "a %!s(MISSING)");
        assert_eq!(
            printf("%s", &[s("a"), s("x"), i(2)]),
            "a%!(EXTRA string=x, int=2)"
        );
        assert_eq!(printf("%d", &[Value::nil()]), "%!d(<nil>)");
        assert_eq!(
            printf("%v|%s", &[Value::nil(), l(&[i(1), s("b")])]),
            "<nil>|[%!s(int=1) b]"
        );
        assert_eq!(printf("100%% %[2]s %[1]s", &[s("a"), s("b")]), "100% b a");
        assert_eq!(
            printf("%*d|%-*d|%.*f", &[i(4), i(7), i(3), i(7), i(1), f(2.25)]),
            "   7|7  |2.2"
        );
        assert_eq!(
            printf(
                "%.3s|%x|% x|%08.3f|%+.1e",
                &[s("abcdef"), s("hi"), s("hi"), f(-1.23456), f(12345.0)]
            ),
            "abc|6869|68 69|-001.235|+1.2e+04"
        );
        assert_eq!(
            printf("%5t|%-6v|%06.2f", &[Value::from(false), i(12), f(2.5)]),
            "false|12    |002.50"
        );
        assert_eq!(printf("%", &[]), "%!(NOVERB)");
        assert_eq!(printf("%z", &[i(1)]), "%!z(int=1)");
        assert_eq!(
            printf("%#v %#v", &[s("x"), l(&[i(1), s("a")])]),
            "\"x\" []interface {}{1, \"a\"}"
        );
        assert_eq!(
            printf("%.0f %.1f %.2f", &[f(0.5), f(0.25), f(1.005)]),
            "0 0.2 1.00"
        );
        assert_eq!(
            printf("%g %g %G %.3g", &[f(1e21), f(123456789.0), f(1e-7), f(1.0)]),
            "1e+21 1.23456789e+08 1E-07 1"
        );
        assert_eq!(
            printf("%x %.2x %b", &[f(1.0), f(1.5), f(1.0)]),
            "0x1p+00 0x1.80p+00 4503599627370496p-52"
        );
        assert_eq!(
            err("printf", &[i(1)]),
            "wrong type for value; expected string; got int"
        );
    }

    #[test]
    fn strings() {
        assert_eq!(out("trim", &[s("  a b \n")]), "a b");
        assert_eq!(out("trimAll", &[s("$"), s("$$5.00$")]), "5.00");
        assert_eq!(out("trimPrefix", &[s("v"), s("v1.2")]), "1.2");
        assert_eq!(out("trimSuffix", &[s(".yaml"), s("a.yaml")]), "a");
        assert_eq!(out("upper", &[s("straße")]), "STRAßE");
        assert_eq!(out("lower", &[s("HeLLo")]), "hello");
        assert_eq!(
            out("title", &[s("hello wOrld-foo_bar")]),
            "Hello WOrld-Foo_bar"
        );
        assert_eq!(out("untitle", &[s("Hello World")]), "hello world");
        assert_eq!(out("substr", &[i(1), i(3), s("hello")]), "el");
        assert_eq!(out("substr", &[i(2), i(-1), s("hello")]), "llo");
        assert_eq!(out("substr", &[i(-1), i(2), s("hello")]), "he");
        assert_eq!(
            err("substr", &[i(4), i(2), s("hello")]),
            "runtime error: slice bounds out of range [4:2]"
        );
        assert_eq!(out("trunc", &[i(3), s("abcdef")]), "abc");
        assert_eq!(out("trunc", &[i(-2), s("abcdef")]), "ef");
        assert_eq!(out("trunc", &[i(63), s("short")]), "short");
        assert_eq!(out("abbrev", &[i(5), s("hello world")]), "he...");
        assert_eq!(
            out("abbrevboth", &[i(5), i(10), s("1234 5678 9123")]),
            "...5678..."
        );
        assert_eq!(out("initials", &[s("First Try")]), "FT");
        assert_eq!(out("nospace", &[s("hello w o r l d")]), "helloworld");
        assert_eq!(out("swapcase", &[s("This Is A.Test")]), "tHIS iS a.tEST");
        assert_eq!(out("wrap", &[i(5), s("Hello World")]), "Hello\nWorld");
        assert_eq!(
            out("wrapWith", &[i(5), s("\t"), s("Hello World")]),
            "Hello\tWorld"
        );
        assert_eq!(out("contains", &[s("cat"), s("catch")]), "true");
        assert_eq!(out("hasPrefix", &[s("cat"), s("catch")]), "true");
        assert_eq!(out("hasSuffix", &[s("cat"), s("catch")]), "false");
        assert_eq!(
            out("quote", &[s("a\"b"), Value::nil(), i(3)]),
            "\"a\\\"b\" \"3\""
        );
        assert_eq!(out("squote", &[s("a"), f(1.5)]), "'a' '1.5'");
        assert_eq!(
            out("cat", &[s("a"), Value::nil(), i(2), l(&[s("b")])]),
            "a 2 [b]"
        );
        assert_eq!(out("indent", &[i(2), s("a\nb")]), "  a\n  b");
        assert_eq!(out("nindent", &[i(2), s("a")]), "\n  a");
        assert_eq!(out("replace", &[s(" "), s("-"), s("a b c")]), "a-b-c");
        assert_eq!(out("plural", &[s("one"), s("many"), i(2)]), "many");
        assert_eq!(out("snakecase", &[s("FirstName")]), "first_name");
        assert_eq!(out("snakecase", &[s("HTTPServer")]), "http_server");
        assert_eq!(out("snakecase", &[s("http2xx")]), "http_2xx");
        assert_eq!(out("snakecase", &[s("Bld4Floor3rd")]), "bld4_floor_3rd");
        assert_eq!(out("kebabcase", &[s("GO PATH")]), "go-path");
        assert_eq!(out("camelcase", &[s("http_server")]), "HttpServer");
        assert_eq!(out("camelcase", &[s("GOLANG_IS_GREAT")]), "GolangIsGreat");
        assert_eq!(out("camelcase", &[s("_complex__case_")]), "_Complex_Case_");
        assert_eq!(out("shuffle", &[s("abc")]), "abc");
        assert_eq!(out("toString", &[f(1e6)]), "1e+06");
        assert_eq!(out("toString", &[Value::nil()]), "<nil>");
        assert_eq!(
            out("toStrings", &[l(&[i(1), Value::nil(), s("a")])]),
            "[1 a]"
        );
        assert_eq!(
            out("join", &[s(","), l(&[i(1), s("a"), f(2.5)])]),
            "1,a,2.5"
        );
        assert_eq!(out("join", &[s(","), Value::nil()]), "");
        assert_eq!(out("sortAlpha", &[l(&[s("b"), s("a"), i(10)])]), "[10 a b]");
        assert_eq!(out("splitList", &[s(","), s("a,b,,c")]), "[a b  c]");
        assert_eq!(out("splitList", &[s(""), s("ab")]), "[a b]");
        assert_eq!(out("split", &[s("$"), s("foo$bar")]), "map[_0:foo _1:bar]");
        assert_eq!(
            out("splitn", &[s("$"), i(2), s("a$b$c")]),
            "map[_0:a _1:b$c]"
        );
        assert_eq!(out("repeat", &[i(3), s("ab")]), "ababab");
        assert_eq!(
            err("repeat", &[i(1 << 40), s("ab")]),
            "repeat count too large"
        );
        assert_eq!(
            err("repeat", &[i(-1), s("ab")]),
            "strings: negative Repeat count"
        );
        assert_eq!(
            err("indent", &[i(1 << 40), s("a")]),
            "indent width too large"
        );
        assert_eq!(out("randAlphaNum", &[i(5)]), "xxxxx");
        assert_eq!(out("randNumeric", &[i(3)]), "000");
        assert_eq!(out("hello", &[]), "Hello!");
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
    fn math_with_values_floats() {
        // Values files give float64; template literals are int.
        assert_eq!(out("add", &[f(2.7), i(1), s("3")]), "6");
        assert_eq!(out("add1", &[f(2.9)]), "3");
        assert_eq!(out("sub", &[f(10.0), i(3)]), "7");
        assert_eq!(out("mul", &[f(2.0), i(3), s("2")]), "12");
        assert_eq!(out("div", &[i(7), f(2.0)]), "3");
        assert_eq!(out("mod", &[i(7), i(3)]), "1");
        assert_eq!(
            err("div", &[i(1), i(0)]),
            "runtime error: integer divide by zero"
        );
        assert_eq!(
            err("mod", &[i(1), f(0.5)]),
            "runtime error: integer divide by zero"
        );
        assert_eq!(out("max", &[i(1), f(5.5), s("3")]), "5");
        assert_eq!(out("min", &[i(1), i(-5), s("3")]), "-5");
        assert_eq!(out("int", &[s("12.7")]), "12");
        assert_eq!(out("int", &[s("0x1F")]), "31");
        assert_eq!(out("int", &[s("abc")]), "0");
        assert_eq!(out("int", &[Value::nil()]), "0");
        assert_eq!(out("int", &[Value::from(true)]), "1");
        assert_eq!(out("int64", &[f(-3.9)]), "-3");
        assert_eq!(out("float64", &[s("1.5")]), "1.5");
        assert_eq!(out("float64", &[i(3)]), "3");
        assert_eq!(ok("float64", &[i(3)]).type_name(), "float64");
        assert_eq!(out("atoi", &[s("42")]), "42");
        assert_eq!(out("atoi", &[s("4x")]), "0");
        assert_eq!(out("toDecimal", &[s("0777")]), "511");
        assert_eq!(out("toDecimal", &[f(777.0)]), "511");
        assert_eq!(out("addf", &[f(0.1), f(0.2)]), "0.3");
        assert_eq!(out("add1f", &[f(1.5)]), "2.5");
        assert_eq!(out("subf", &[f(1.0), f(0.9)]), "0.1");
        assert_eq!(out("mulf", &[f(1.1), i(3)]), "3.3");
        assert_eq!(out("divf", &[i(1), i(3)]), "0.3333333333333333");
        assert_eq!(out("divf", &[i(2), i(3)]), "0.6666666666666667");
        assert_eq!(err("divf", &[i(1), i(0)]), "decimal division by 0");
        assert_eq!(out("maxf", &[i(1), f(2.5)]), "2.5");
        assert_eq!(out("minf", &[i(1), f(2.5)]), "1");
        assert_eq!(out("floor", &[s("2.7")]), "2");
        assert_eq!(out("ceil", &[f(2.1)]), "3");
        assert_eq!(out("round", &[f(1.23456), i(2)]), "1.23");
        assert_eq!(out("round", &[f(2.5), i(0)]), "3");
        assert_eq!(out("round", &[f(-2.5), i(0)]), "-3");
        assert_eq!(out("round", &[f(1.24), i(1), f(0.4)]), "1.3");
        assert_eq!(out("until", &[i(3)]), "[0 1 2]");
        assert_eq!(out("until", &[i(-2)]), "[0 -1]");
        assert_eq!(
            err("until", &[f(3.0)]),
            "wrong type for value; expected int; got float64"
        );
        assert_eq!(out("untilStep", &[i(3), i(10), i(3)]), "[3 6 9]");
        assert_eq!(out("untilStep", &[i(0), i(10), i(0)]), "[]");
        assert!(err("until", &[i(2_000_000)]).starts_with("too many items"));
        assert_eq!(out("seq", &[i(3)]), "1 2 3");
        assert_eq!(out("seq", &[i(2), i(-2)]), "2 1 0 -1 -2");
        assert_eq!(out("seq", &[i(0), i(2), i(6)]), "0 2 4 6");
        assert_eq!(out("seq", &[]), "");
        assert_eq!(out("randInt", &[i(3), i(9)]), "3");
    }

    #[test]
    fn defaults_and_flow() {
        for empty in [
            s(""),
            i(0),
            f(0.0),
            Value::from(false),
            Value::nil(),
            l(&[]),
            d(&[]),
        ] {
            assert_eq!(out("default", &[s("d"), empty.clone()]), "d");
            assert_eq!(out("empty", &[empty]), "true");
        }
        assert_eq!(out("default", &[s("d"), s("given")]), "given");
        assert_eq!(out("default", &[s("d")]), "d");
        assert_eq!(out("default", &[s("d"), f(3.0)]), "3");
        assert_eq!(
            out("coalesce", &[Value::nil(), s(""), i(0), s("x"), s("y")]),
            "x"
        );
        assert!(ok("coalesce", &[Value::nil(), s("")]).is_nil());
        assert_eq!(out("ternary", &[s("a"), s("b"), Value::from(true)]), "a");
        assert_eq!(out("ternary", &[s("a"), s("b"), Value::from(false)]), "b");
        assert_eq!(out("all", &[i(1), s("a")]), "true");
        assert_eq!(out("all", &[i(1), s("")]), "false");
        assert_eq!(out("any", &[i(0), s("a")]), "true");
        assert_eq!(out("any", &[]), "false");
        assert_eq!(
            out("compact", &[l(&[i(1), s(""), Value::nil(), s("a"), i(0)])]),
            "[1 a]"
        );
    }

    #[test]
    fn lists() {
        let xs = l(&[i(1), i(2), i(3), i(2)]);
        assert_eq!(out("list", &[i(1), s("a")]), "[1 a]");
        assert_eq!(out("first", std::slice::from_ref(&xs)), "1");
        assert_eq!(out("last", std::slice::from_ref(&xs)), "2");
        assert_eq!(out("rest", std::slice::from_ref(&xs)), "[2 3 2]");
        assert_eq!(out("initial", std::slice::from_ref(&xs)), "[1 2 3]");
        assert!(ok("first", &[l(&[])]).is_nil());
        assert_eq!(out("append", &[xs.clone(), i(9)]), "[1 2 3 2 9]");
        assert_eq!(out("prepend", &[xs.clone(), i(0)]), "[0 1 2 3 2]");
        assert_eq!(
            out("concat", &[xs.clone(), l(&[s("a")]), l(&[])]),
            "[1 2 3 2 a]"
        );
        assert_eq!(out("reverse", std::slice::from_ref(&xs)), "[2 3 2 1]");
        assert_eq!(out("uniq", std::slice::from_ref(&xs)), "[1 2 3]");
        assert_eq!(
            out("uniq", &[l(&[l(&[i(1)]), l(&[i(1)]), i(1), f(1.0)])]),
            "[[1] 1 1]"
        );
        assert_eq!(out("without", &[xs.clone(), i(2), i(9)]), "[1 3]");
        assert_eq!(out("has", &[i(3), xs.clone()]), "true");
        assert_eq!(out("has", &[f(3.0), xs.clone()]), "false");
        assert_eq!(out("has", &[i(3), Value::nil()]), "false");
        assert_eq!(out("slice", &[xs.clone(), i(1), i(3)]), "[2 3]");
        assert_eq!(out("slice", &[xs.clone(), i(2)]), "[3 2]");
        assert_eq!(
            err("slice", &[xs.clone(), i(3), i(9)]),
            "reflect: slice index out of range"
        );
        assert_eq!(
            out("chunk", &[i(3), l(&[i(1), i(2), i(3), i(4)])]),
            "[[1 2 3] [4]]"
        );
        assert_eq!(
            err("concat", &[xs.clone(), s("x")]),
            "Cannot concat type string as list"
        );
        assert_eq!(err("append", &[d(&[]), i(1)]), "Cannot push on type map");
        // The input list is not changed.
        assert_eq!(xs.to_go_string(), "[1 2 3 2]");
        let api = Value::from(V::Obj(Obj::ApiVersions(Arc::new(vec![
            "v1".into(),
            "apps/v1".into(),
        ]))));
        assert_eq!(out("has", &[s("apps/v1"), api]), "true");
    }

    #[test]
    fn dicts_share_and_mutate_like_go_maps() {
        let m = d(&[("a", i(1))]);
        let other_holder = m.clone();
        let r = ok("set", &[m.clone(), s("b"), s("two")]);
        assert_eq!(other_holder.to_go_string(), "map[a:1 b:two]");
        assert_eq!(r.to_go_string(), "map[a:1 b:two]");
        ok("unset", &[m.clone(), s("a")]);
        assert_eq!(other_holder.to_go_string(), "map[b:two]");
        assert_eq!(
            err("set", &[Value::nil(), s("k"), i(1)]),
            "assignment to entry in nil map"
        );
        assert_eq!(out("dict", &[s("a"), i(1), i(2)]), "map[2: a:1]");
        assert_eq!(out("get", &[m.clone(), s("b")]), "two");
        assert_eq!(ok("get", &[m.clone(), s("zz")]).as_str(), Some(""));
        assert_eq!(out("hasKey", &[m.clone(), s("b")]), "true");
        assert_eq!(out("hasKey", &[Value::nil(), s("b")]), "false");
        let x = d(&[("name", s("x")), ("port", i(80))]);
        let y = d(&[("name", s("y"))]);
        assert_eq!(out("pluck", &[s("name"), x.clone(), y.clone()]), "[x y]");
        assert_eq!(out("keys", &[x.clone(), y.clone()]), "[name name port]");
        assert_eq!(
            out("pick", &[x.clone(), s("port"), s("nope")]),
            "map[port:80]"
        );
        assert_eq!(out("omit", &[x.clone(), s("port")]), "map[name:x]");
        assert_eq!(out("values", std::slice::from_ref(&x)), "[x 80]");
        let nested = d(&[("a", d(&[("b", d(&[("c", s("found"))]))]))]);
        assert_eq!(
            out("dig", &[s("a"), s("b"), s("c"), s("def"), nested.clone()]),
            "found"
        );
        assert_eq!(
            out("dig", &[s("a"), s("x"), s("c"), s("def"), nested.clone()]),
            "def"
        );
        assert_eq!(
            err(
                "dig",
                &[s("a"), s("b"), s("c"), s("d"), s("def"), nested.clone()]
            ),
            "interface conversion: interface {} is string, not map[string]interface {}"
        );
        assert_eq!(
            err("dig", &[s("a"), nested.clone()]),
            "dig needs at least three arguments"
        );
    }

    #[test]
    fn merge_is_deep_and_in_place() {
        let dst = d(&[
            ("keep", s("dst")),
            ("empty", s("")),
            ("flag", Value::from(false)),
            ("nested", d(&[("a", i(1))])),
            ("list", l(&[i(1)])),
        ]);
        let holder = dst.clone();
        let src = d(&[
            ("keep", s("src")),
            ("empty", s("filled")),
            ("flag", Value::from(true)),
            ("nested", d(&[("a", i(2)), ("b", i(3))])),
            ("list", l(&[i(9)])),
            ("new", s("n")),
            ("nil", Value::nil()),
        ]);
        let r = ok("merge", &[dst.clone(), src.clone()]);
        let want = "map[empty:filled flag:true keep:dst list:[1] nested:map[a:1 b:3] new:n]";
        assert_eq!(r.to_go_string(), want);
        assert_eq!(holder.to_go_string(), want);
        let over = d(&[
            ("keep", s("dst")),
            ("nested", d(&[("a", i(1)), ("z", i(0))])),
            ("gone", i(1)),
        ]);
        let r = ok(
            "mergeOverwrite",
            &[
                over.clone(),
                d(&[
                    ("keep", s("src")),
                    ("nested", d(&[("a", i(2))])),
                    ("gone", Value::nil()),
                ]),
            ],
        );
        assert_eq!(
            r.to_go_string(),
            "map[gone:<nil> keep:src nested:map[a:2 z:0]]"
        );
        assert_eq!(over.to_go_string(), r.to_go_string());
        // Merging a dict into itself neither panics nor loops.
        let same = d(&[("a", d(&[("b", i(1))]))]);
        assert_eq!(
            out("merge", &[same.clone(), same.clone()]),
            "map[a:map[b:1]]"
        );
        assert_eq!(out("merge", &[Value::nil(), d(&[("a", i(1))])]), "map[a:1]");
        // A dict set into itself: merging and copying stop at a depth limit.
        let cyc = d(&[]);
        ok("set", &[cyc.clone(), s("self"), cyc.clone()]);
        assert!(call("deepCopy", std::slice::from_ref(&cyc)).is_some_and(|r| r.is_err()));
        assert!(call("merge", &[d(&[]), cyc.clone()]).is_some());
        // deepCopy is independent of its source.
        let orig = d(&[("a", l(&[i(1)])), ("m", d(&[("x", i(1))]))]);
        let copy = ok("deepCopy", std::slice::from_ref(&orig));
        ok("set", &[copy.map_get("m").unwrap(), s("x"), i(2)]);
        assert_eq!(orig.to_go_string(), "map[a:[1] m:map[x:1]]");
        assert_eq!(copy.to_go_string(), "map[a:[1] m:map[x:2]]");
    }

    #[test]
    fn semver_compare_table() {
        let cases = [
            (">=1.21-0", "v1.31.0", true),
            (">=1.21-0", "v1.19.0", false),
            (">=1.21-0", "v1.21.0-eks-1234", true),
            (">=1.21", "v1.21.0-eks-1234", false),
            ("< 1.25.0-0", "v1.24.9", true),
            ("< 1.25.0-0", "v1.25.0", false),
            ("< 1.25.0-0", "1.25.0-rc.1", false),
            ("<1.25.0", "v1.24.17-gke.100", false),
            (">=1.16.0-0 <1.25.0-0", "v1.20.4", true),
            (">=1.16.0-0, <1.25.0-0", "v1.26.0", false),
            ("^1.2", "1.9.9", true),
            ("^1.2", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("1.2.x", "1.2.7", true),
            ("1.2.x", "1.3.0", false),
            ("*", "3.4.5", true),
            ("1.2.3 - 1.4", "1.4.9", true),
            ("1.2.3 - 1.4", "1.5.0", false),
            ("<1.0 || >=2.0", "2.1.0", true),
            ("<1.0 || >=2.0", "1.5.0", false),
            ("!=1.2.3", "1.2.3", false),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            ("=1.2.3", "v1.2.3", true),
            ("<=1.2", "1.2.9", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(
                ok("semverCompare", &[s(c), s(v)]).to_go_string(),
                want.to_string(),
                "{c} vs {v}"
            );
        }
        assert_eq!(
            err("semverCompare", &[s(">=x.y.z.w"), s("1.0.0")]),
            "improper constraint: \">=x.y.z.w\""
        );
        assert_eq!(
            err("semverCompare", &[s(">=1.0"), s("not-a-version")]),
            "invalid semantic version"
        );
        let v = ok("semver", &[s("v1.31.2-eks-3+build.5")]);
        assert_eq!(
            v.to_go_string(),
            "map[Major:1 Metadata:build.5 Minor:31 Original:v1.31.2-eks-3+build.5 Patch:2 Prerelease:eks-3]"
        );
        assert_eq!(
            err("semver", &[s("1.2.3-01")]),
            "version segment starts with 0"
        );
    }

    #[test]
    fn go_perl_classes_are_ascii() {
        for (pattern, rust) in [
            (r"\d+\w*\s", r"[[:digit:]]+[[:word:]]*[\t\n\x0C\r ]"),
            (r"\D\W\S", r"[^[:digit:]][^[:word:]][^\t\n\x0C\r ]"),
            (r"[\w.-]+[^\d\s]", r"[[:word:].-]+[^[:digit:]\t\n\x0C\r ]"),
            (r"[]\w][[:alpha:]\d]", r"[][:word:]][[:alpha:][:digit:]]"),
            (r"\bx\B\\w\.", r"(?-u:\b)x(?-u:\B)\\w\."),
        ] {
            assert_eq!(go_pattern(pattern), rust, "{pattern}");
        }
        // As in Go: `\w` is ASCII, `.` is any character.
        assert_eq!(out("regexMatch", &[s(r"^\w+$"), s("café")]), "false");
        assert_eq!(out("regexMatch", &[s(r"^caf.$"), s("café")]), "true");
        assert_eq!(out("regexMatch", &[s(r"^\d$"), s("٣")]), "false");
        // A counted repetition Go compiles, now small enough to match in linear time.
        let long = "a".repeat(100_000);
        assert_eq!(out("regexMatch", &[s(r"\w{300}b"), s(&long)]), "false");
        // Patterns that compile past the size limit are errors, not minutes of matching.
        assert!(err("mustRegexMatch", &[s(r"\p{L}{100}b"), s("x")]).contains("size limit"));
    }

    #[test]
    fn regexes() {
        assert_eq!(out("regexMatch", &[s("^[a-z]+\\d$"), s("abc1")]), "true");
        assert_eq!(out("regexMatch", &[s("("), s("x")]), "false");
        assert!(err("mustRegexMatch", &[s("("), s("x")]).starts_with("error parsing regexp:"));
        assert!(
            err("regexFind", &[s("("), s("x")])
                .starts_with("regexp: Compile(`(`): error parsing regexp:")
        );
        assert_eq!(out("regexFind", &[s("[0-9]+"), s("ab12cd345")]), "12");
        assert_eq!(
            out("regexFindAll", &[s("[0-9]+"), s("ab12cd345e6"), i(-1)]),
            "[12 345 6]"
        );
        assert_eq!(
            out("regexFindAll", &[s("[0-9]+"), s("ab12cd345e6"), i(2)]),
            "[12 345]"
        );
        assert_eq!(
            out(
                "regexReplaceAll",
                &[s("a(x*)b"), s("-ab-axxb-"), s("${1}W")]
            ),
            "-W-xxW-"
        );
        assert_eq!(
            out("regexReplaceAll", &[s("a(x*)b"), s("-ab-axxb-"), s("$1W")]),
            "---"
        );
        assert_eq!(
            out(
                "regexReplaceAllLiteral",
                &[s("a(x*)b"), s("-ab-axxb-"), s("${1}")]
            ),
            "-${1}-${1}-"
        );
        assert_eq!(
            out("regexReplaceAll", &[s("a*"), s("baaac"), s("X")]),
            "XbXcX"
        );
        assert_eq!(out("regexSplit", &[s("z+"), s("pizza"), i(-1)]), "[pi a]");
        assert_eq!(out("regexSplit", &[s("z+"), s("pizza"), i(1)]), "[pizza]");
        assert_eq!(out("regexSplit", &[s(""), s("abc"), i(-1)]), "[a b c]");
        assert_eq!(out("regexQuoteMeta", &[s("1.2.3-x")]), "1\\.2\\.3-x");
    }

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
        let back = ok("fromYaml", &[s(&yaml)]);
        assert_eq!(out("deepEqual", &[v.clone(), back]), "true");
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

    #[test]
    fn dates_are_deterministic() {
        let now = ok("now", &[]);
        assert_eq!(now.to_go_string(), "2024-01-01 00:00:00 +0000 UTC");
        assert_eq!(
            out("date", &[s("2006-01-02 15:04:05 Mon Jan"), now.clone()]),
            "2024-01-01 00:00:00 Mon Jan"
        );
        assert_eq!(
            out("date", &[s("02/01/06 3:04PM"), i(1_700_000_000)]),
            "14/11/23 10:13PM"
        );
        assert_eq!(
            out(
                "dateInZone",
                &[s("2006-01-02T15:04:05Z07:00"), now.clone(), s("UTC")]
            ),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(out("htmlDate", std::slice::from_ref(&now)), "2024-01-01");
        assert_eq!(out("unixEpoch", std::slice::from_ref(&now)), "1704067200");
        let t = ok("toDate", &[s("2006-01-02"), s("2017-12-31")]);
        assert_eq!(t.to_go_string(), "2017-12-31 00:00:00 +0000 UTC");
        assert_eq!(out("date", &[s("02/01/2006"), t]), "31/12/2017");
        let z = ok(
            "toDate",
            &[
                s("2006-01-02T15:04:05Z07:00"),
                s("2020-03-04T05:06:07.5+02:00"),
            ],
        );
        assert_eq!(z.to_go_string(), "2020-03-04 05:06:07.5 +0200 +0200");
        assert_eq!(out("date", &[s("15:04:05.000 MST"), z]), "03:06:07.500 UTC");
        assert_eq!(
            out("toDate", &[s("2006-01-02"), s("junk")]),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            out("toDate", &[s("2006年01月02日"), s("2017年12月31日")]),
            "2017-12-31 00:00:00 +0000 UTC"
        );
        assert_eq!(out("date", &[s("2006年01月"), now.clone()]), "2024年01月");
        for junk in [
            "é",
            "2017-1é",
            "2017-12-31 é",
            "2017-12-31T00:00:00.é",
            "2017-12-31 +é00",
        ] {
            for layout in [
                "2006-01-02",
                "2006-01-02 MST",
                "2006-01-02T15:04:05.000",
                "2006-01-02 -0700",
            ] {
                let _ = call("mustToDate", &[s(layout), s(junk)]);
            }
        }
        assert_eq!(
            err("urlParse", &[s("http://a/%aé")]),
            "unable to parse url: parse \"http://a/%aé\": invalid URL escape \"%aé\""
        );
        assert_eq!(
            err("mustToDate", &[s("2006-01-02"), s("2017-13-01")]),
            "parsing time \"2017-13-01\": month out of range"
        );
        assert_eq!(
            err("mustToDate", &[s("2006-01-02"), s("2017-x")]),
            "parsing time \"2017-x\" as \"2006-01-02\": cannot parse \"x\" as \"01\""
        );
        assert_eq!(
            err("mustToDate", &[s("2006-01-02"), s("2017-02-30")]),
            "parsing time \"2017-02-30\": day out of range"
        );
        assert_eq!(
            out("dateModify", &[s("-1.5h"), now.clone()]),
            "2023-12-31 22:30:00 +0000 UTC"
        );
        assert_eq!(
            out("dateModify", &[s("bogus"), now.clone()]),
            "2024-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            err("mustDateModify", &[s("1d"), now.clone()]),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(out("duration", &[s("95")]), "1m35s");
        assert_eq!(out("duration", &[i(3600)]), "1h0m0s");
        assert_eq!(out("duration", &[f(3.0)]), "0s");
        assert_eq!(out("durationRound", &[s("2h10m")]), "2h");
        assert_eq!(out("durationRound", &[s("-400h")]), "16d");
        let earlier = ok("dateModify", &[s("-90m"), now.clone()]);
        assert_eq!(out("ago", &[earlier]), "1h30m0s");
        assert_eq!(format_duration(1_500), "1.5µs");
        assert_eq!(format_duration(-2_000_000), "-2ms");
    }

    #[test]
    fn encodings_hashes_and_placeholders() {
        assert_eq!(out("b64enc", &[s("hello")]), "aGVsbG8=");
        assert_eq!(out("b64dec", &[s("aGVs\nbG8=")]), "hello");
        assert_eq!(
            out("b64dec", &[s("a!==")]),
            "illegal base64 data at input byte 1"
        );
        assert_eq!(out("b32enc", &[s("foobar")]), "MZXW6YTBOI======");
        assert_eq!(out("b32dec", &[s("MZXW6YTBOI======")]), "foobar");
        assert_eq!(
            out("sha1sum", &[s("abc")]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            out("sha256sum", &[s("abc")]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(out("adler32sum", &[s("Wikipedia")]), "300286872");
        assert_eq!(
            out("htpasswd", &[s("user"), s("pass"), s("sha")]),
            "user:{SHA}nU4eI71bcnBGqeO0t9tXvY1u5oQ="
        );
        let h = out("htpasswd", &[s("user"), s("pass")]);
        assert!(
            h.starts_with("user:$2a$10$") && h.len() == "user:".len() + 60,
            "{h}"
        );
        assert_eq!(
            out("htpasswd", &[s("a:b"), s("pass")]),
            "invalid username: a:b"
        );
        assert_eq!(out("uuidv4", &[]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(out("randBytes", &[i(3)]), "AAAA");
        let ca = ok("genCA", &[s("my-ca"), i(365)]);
        let cert = ca
            .map_get("Cert")
            .and_then(|c| c.as_str().map(str::to_string))
            .unwrap_or_default();
        assert!(
            cert.starts_with("-----BEGIN CERTIFICATE-----\n")
                && cert.ends_with("-----END CERTIFICATE-----\n")
        );
        assert_eq!(
            ok("genCA", &[s("my-ca"), i(365)]).to_go_string(),
            ca.to_go_string()
        );
        let signed = ok(
            "genSignedCert",
            &[
                s("svc"),
                l(&[s("10.0.0.1")]),
                l(&[s("svc.local")]),
                i(365),
                ca,
            ],
        );
        assert!(
            signed
                .map_get("Key")
                .is_some_and(|k| k.as_str().is_some_and(|k| k.contains("RSA PRIVATE KEY")))
        );
        assert_eq!(
            err(
                "genSelfSignedCert",
                &[s("x"), l(&[s("nope")]), Value::nil(), i(1)]
            ),
            "error parsing ip: nope"
        );
        assert_eq!(out("genPrivateKey", &[s("foo")]), "Unknown type foo");
        let enc = ok("encryptAES", &[s("secret"), s("plain text")]);
        assert_eq!(out("decryptAES", &[s("secret"), enc]), "plain text");
        assert_eq!(
            out(
                "derivePassword",
                &[i(1), s("long"), s("pw"), s("user"), s("site")]
            )
            .len(),
            14
        );
        assert_eq!(out("getHostByName", &[s("example.com")]), "");
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
    fn printf_precisions_past_what_rust_formats() {
        // Go prints every digit asked for; the digits past a double's exact expansion are 0.
        let e = printf("%.99999e", &[f(1.5)]);
        assert!(
            e.starts_with("1.5000") && e.ends_with("0e+00"),
            "{}",
            &e[..20]
        );
        assert_eq!(e.len(), "1.".len() + 99999 + "e+00".len());
        let g = printf("%.99999g", &[f(1.5)]);
        assert_eq!(g, "1.5");
        let fixed = printf("%.70000f", &[f(-0.25)]);
        assert!(fixed.starts_with("-0.2500") && fixed.len() == 3 + 70000);
        assert_eq!(
            printf("%.30f", &[f(0.1)]),
            "0.100000000000000005551115123126"
        );
    }

    #[test]
    fn printf_odd_formats() {
        let args = [i(3), s("é"), f(-0.0), l(&[i(1)]), Value::nil()];
        for format in [
            "%[",
            "%[1",
            "%[0]d",
            "%[2]*d",
            "%.*[1]d",
            "%-+# 0*.*x",
            "%!",
            "%5.3%",
            "%é",
            "%[1]",
            "%.",
            "%*",
            "%9999999999d",
            "%[3]*.[2]*[1]f",
            "%[9]d",
            "%[-1]d",
            "%+q %#q %x % X",
            "%#o %O %#b %08.3e %#g %#.0f %+.3v",
            "%c %U %#U %q",
            "%-010s|%010s",
            "%.0d|%.0d",
        ] {
            for n in 0..=args.len() {
                let mut a = vec![s(format)];
                a.extend_from_slice(&args[..n]);
                assert!(call("printf", &a).is_some_and(|r| r.is_ok()), "{format}");
            }
        }
        assert_eq!(printf("%[3]*.[2]*[1]f", &[f(12.0), i(2), i(6)]), " 12.00");
        assert_eq!(printf("%[2]d %d", &[i(1), i(2)]), "2 %!d(MISSING)");
        assert_eq!(printf("%[5]d", &[i(1)]), "%!d(BADINDEX)");
        assert_eq!(printf("%.0d|%5.0d|", &[i(0), i(0)]), "|     |");
        assert_eq!(
            printf("%-010s|%010s", &[s("ab"), s("ab")]),
            "ab        |00000000ab"
        );
        assert_eq!(
            printf("%#o %O %#b %#g %#.0f", &[i(8), i(8), i(5), f(1.0), f(3.0)]),
            "010 0o10 0b101 1.00000 3."
        );
        assert_eq!(
            printf("%+q %#q %q", &[s("é"), s("a`b"), i(0x263A)]),
            "\"\\u00e9\" \"a`b\" '☺'"
        );
        assert_eq!(
            printf("%v %.1f %e", &[f(-0.0), f(-0.04), f(0.0)]),
            "-0 -0.0 0.000000e+00"
        );
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
