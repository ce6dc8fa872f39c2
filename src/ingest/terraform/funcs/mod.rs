//! Terraform's built-in functions, as far as placement and redundancy need them.
//!
//! Functions take evaluated arguments. An unknown argument makes the result unknown unless the
//! function can answer anyway (`length` of a list whose elements are unknown, `concat`, ...).
//! `try` and `can` need unevaluated arguments and live in the evaluator.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

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
    "regex",
    "regexall",
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
    "log",
    "pow",
    "signum",
    "parseint",
    "setproduct",
    "transpose",
    "matchkeys",
    "alltrue",
    "anytrue",
    "sum",
    "strrev",
    "title",
    "indent",
    "chomp",
    "formatlist",
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
    "substr",
    "tostring",
    "tonumber",
    "tobool",
    "cidrsubnet",
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

fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::List(items) => items.iter().for_each(|i| flatten_into(i, out)),
        other => out.push(other.clone()),
    }
}

/// Calls `name` with `args`.
pub fn call(name: &str, args: &[Value]) -> FnResult {
    if OPAQUE.contains(&name) {
        return Ok(Value::UNKNOWN);
    }
    // Functions that tolerate unknown arguments come first.
    match name {
        "length" => {
            want(args, 1, name)?;
            return match &args[0] {
                Value::List(items) => Ok(Value::Number(items.len() as f64)),
                Value::Map(m) => Ok(Value::Number(m.len() as f64)),
                Value::String(s) => Ok(Value::Number(s.chars().count() as f64)),
                Value::Unknown(_) => Ok(Value::UNKNOWN),
                other => Err(format!("length() of a {}", other.type_name())),
            };
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Value::List(items) => out.extend(items.iter().cloned()),
                    Value::Unknown(_) => return Ok(Value::UNKNOWN),
                    other => return Err(format!("concat() of a {}", other.type_name())),
                }
            }
            return Ok(Value::List(out));
        }
        "tolist" => {
            want(args, 1, name)?;
            return match &args[0] {
                v @ (Value::List(_) | Value::Unknown(_) | Value::Null) => Ok(v.clone()),
                other => Err(format!("tolist() of a {}", other.type_name())),
            };
        }
        "toset" => {
            want(args, 1, name)?;
            return match &args[0] {
                Value::List(items) => Ok(set_of(items)),
                v @ (Value::Unknown(_) | Value::Null) => Ok(v.clone()),
                other => Err(format!("toset() of a {}", other.type_name())),
            };
        }
        "tomap" => {
            want(args, 1, name)?;
            return match &args[0] {
                v @ (Value::Map(_) | Value::Unknown(_) | Value::Null) => Ok(v.clone()),
                other => Err(format!("tomap() of a {}", other.type_name())),
            };
        }
        "element" => {
            want(args, 2, name)?;
            let Value::List(items) = &args[0] else {
                return if args[0].is_unknown() {
                    Ok(Value::UNKNOWN)
                } else {
                    Err("element() needs a list".into())
                };
            };
            if args[1].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            if items.is_empty() {
                return Err("element() of an empty list".into());
            }
            let i = int(&args[1], name)?;
            if i < 0 {
                return Err("element() index must not be negative".into());
            }
            return Ok(items[i as usize % items.len()].clone());
        }
        "slice" => {
            want(args, 3, name)?;
            // A slice of an unknown list has a known length (or the call fails).
            if args[0].is_unknown()
                && let (Some(from), Some(to)) = (args[1].as_i64(), args[2].as_i64())
                && (0..=MAX_ELEMENTS as i64).contains(&from)
                && (from..=MAX_ELEMENTS as i64).contains(&to)
            {
                return Ok(Value::List(vec![Value::UNKNOWN; (to - from) as usize]));
            }
            if unknown_in(args) {
                return Ok(Value::UNKNOWN);
            }
            let items = list_of(&args[0], name)?;
            let (from, to) = (int(&args[1], name)?, int(&args[2], name)?);
            if from < 0 || to < from || to as usize > items.len() {
                return Err(format!(
                    "slice({from}, {to}) out of range for a list of {}",
                    items.len()
                ));
            }
            return Ok(Value::List(items[from as usize..to as usize].to_vec()));
        }
        "flatten" => {
            want(args, 1, name)?;
            if args[0].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let mut out = Vec::new();
            flatten_into(&args[0], &mut out);
            if out.iter().any(Value::is_unknown) && !matches!(args[0], Value::List(_)) {
                return Ok(Value::UNKNOWN);
            }
            return Ok(Value::List(out));
        }
        "compact" => {
            want(args, 1, name)?;
            if args[0].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let items = list_of(&args[0], name)?;
            return Ok(Value::List(
                items
                    .iter()
                    .filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
                    .cloned()
                    .collect(),
            ));
        }
        "distinct" => {
            want(args, 1, name)?;
            if args[0].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let items = list_of(&args[0], name)?;
            let mut out: Vec<Value> = Vec::new();
            for v in items {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            return Ok(Value::List(out));
        }
        "coalesce" => {
            for a in args {
                match a {
                    Value::Unknown(_) => return Ok(Value::UNKNOWN),
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    v => return Ok(v.clone()),
                }
            }
            return Err("coalesce(): no non-null, non-empty argument".into());
        }
        "coalescelist" => {
            for a in args {
                match a {
                    Value::Unknown(_) => return Ok(Value::UNKNOWN),
                    Value::List(items) if items.is_empty() => {}
                    v @ Value::List(_) => return Ok(v.clone()),
                    other => return Err(format!("coalescelist() of a {}", other.type_name())),
                }
            }
            return Err("coalescelist(): every list is empty".into());
        }
        "keys" | "values" => {
            want(args, 1, name)?;
            if args[0].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let m = map_of(&args[0], name)?;
            return Ok(Value::List(if name == "keys" {
                m.keys().map(|k| Value::String(k.clone())).collect()
            } else {
                m.values().cloned().collect()
            }));
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Value::Null => {}
                    Value::Unknown(_) => return Ok(Value::UNKNOWN),
                    other => return Err(format!("merge() of a {}", other.type_name())),
                }
            }
            return Ok(Value::Map(out));
        }
        "lookup" => {
            if !(2..=3).contains(&args.len()) {
                return Err("lookup() takes 2 or 3 arguments".into());
            }
            if args[0].is_unknown() || args[1].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let m = map_of(&args[0], name)?;
            let key = string(&args[1], name)?;
            return match (m.get(&key), args.get(2)) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(format!("lookup(): no key {key:?} and no default")),
            };
        }
        "zipmap" => {
            want(args, 2, name)?;
            if unknown_in(args) {
                return Ok(Value::UNKNOWN);
            }
            let (ks, vs) = (list_of(&args[0], name)?, list_of(&args[1], name)?);
            if ks.len() != vs.len() {
                return Err("zipmap(): the lists differ in length".into());
            }
            let mut out = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs) {
                if k.is_unknown() {
                    return Ok(Value::UNKNOWN);
                }
                out.insert(string(k, name)?, v.clone());
            }
            return Ok(Value::Map(out));
        }
        "contains" => {
            want(args, 2, name)?;
            if args[0].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let items = list_of(&args[0], name)?;
            if items.contains(&args[1]) {
                return Ok(Value::Bool(true));
            }
            return Ok(
                if items.iter().any(Value::is_unknown) || args[1].is_unknown() {
                    Value::UNKNOWN
                } else {
                    Value::Bool(false)
                },
            );
        }
        "one" => {
            want(args, 1, name)?;
            return match &args[0] {
                Value::List(items) if items.is_empty() => Ok(Value::Null),
                Value::List(items) if items.len() == 1 => Ok(items[0].clone()),
                Value::List(_) => Err("one() of a list with more than one element".into()),
                Value::Unknown(_) => Ok(Value::UNKNOWN),
                other => Err(format!("one() of a {}", other.type_name())),
            };
        }
        "reverse" => {
            want(args, 1, name)?;
            if args[0].is_unknown() {
                return Ok(Value::UNKNOWN);
            }
            let mut items = list_of(&args[0], name)?.to_vec();
            items.reverse();
            return Ok(Value::List(items));
        }
        "setunion" => {
            let mut all = Vec::new();
            for a in args {
                if a.is_unknown() {
                    return Ok(Value::UNKNOWN);
                }
                all.extend(list_of(a, name)?.iter().cloned());
            }
            return Ok(set_of(&all));
        }
        "chunklist" => {
            want(args, 2, name)?;
            if unknown_in(args) {
                return Ok(Value::UNKNOWN);
            }
            let items = list_of(&args[0], name)?;
            let size = int(&args[1], name)?;
            if size <= 0 {
                return Ok(Value::List(vec![Value::List(items.to_vec())]));
            }
            return Ok(Value::List(
                items
                    .chunks(size as usize)
                    .map(|c| Value::List(c.to_vec()))
                    .collect(),
            ));
        }
        _ => {}
    }
    // The remaining functions need fully known arguments.
    if args.iter().any(Value::has_unknown) {
        return if STRICT.contains(&name) {
            Ok(Value::UNKNOWN)
        } else {
            Err(format!("unknown function `{name}`"))
        };
    }
    match name {
        "range" => {
            let nums = args
                .iter()
                .map(|a| num(a, name))
                .collect::<Result<Vec<_>, _>>()?;
            let (start, end, step) = match nums[..] {
                [end] => (0.0, end, 1.0),
                [start, end] => (start, end, if end >= start { 1.0 } else { -1.0 }),
                [start, end, step] => (start, end, step),
                _ => return Err("range() takes 1 to 3 arguments".into()),
            };
            if step == 0.0 {
                return Err("range(): step must not be zero".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() >= MAX_ELEMENTS {
                    return Err(format!("range() longer than {MAX_ELEMENTS} elements"));
                }
                out.push(Value::Number(x));
                x += step;
            }
            Ok(Value::List(out))
        }
        "min" | "max" => {
            let mut nums = Vec::new();
            for a in args {
                nums.push(num(a, name)?);
            }
            let pick = if name == "min" { f64::min } else { f64::max };
            nums.into_iter()
                .reduce(pick)
                .map(Value::Number)
                .ok_or_else(|| format!("{name}() needs at least one argument"))
        }
        "abs" => {
            want(args, 1, name)?;
            Ok(Value::Number(num(&args[0], name)?.abs()))
        }
        "ceil" => {
            want(args, 1, name)?;
            Ok(Value::Number(num(&args[0], name)?.ceil()))
        }
        "floor" => {
            want(args, 1, name)?;
            Ok(Value::Number(num(&args[0], name)?.floor()))
        }
        "index" => {
            want(args, 2, name)?;
            let items = list_of(&args[0], name)?;
            items
                .iter()
                .position(|v| v == &args[1])
                .map(|i| Value::Number(i as f64))
                .ok_or_else(|| format!("index(): {} is not in the list", args[1]))
        }
        "sort" => {
            want(args, 1, name)?;
            let mut items = list_of(&args[0], name)?
                .iter()
                .map(|v| string(v, name))
                .collect::<Result<Vec<_>, _>>()?;
            items.sort();
            Ok(Value::List(items.into_iter().map(Value::String).collect()))
        }
        "setintersection" | "setsubtract" => {
            let first = args
                .first()
                .ok_or_else(|| format!("{name}() needs arguments"))?;
            let mut items = list_of(first, name)?.to_vec();
            for a in &args[1..] {
                let other = list_of(a, name)?;
                items.retain(|v| other.contains(v) == (name == "setintersection"));
            }
            Ok(set_of(&items))
        }
        "format" => {
            let (fmt, rest) = args.split_first().ok_or("format() needs a format string")?;
            format(&string(fmt, name)?, rest)
        }
        "join" => {
            want(args, 2, name)?;
            let sep = string(&args[0], name)?;
            let parts = list_of(&args[1], name)?
                .iter()
                .map(|v| string(v, name))
                .collect::<Result<Vec<_>, _>>()?;
            let bytes = parts.iter().map(String::len).sum::<usize>()
                + sep.len().saturating_mul(parts.len().saturating_sub(1));
            if bytes > MAX_STRING_BYTES {
                return Err(too_long(name, bytes));
            }
            Ok(Value::String(parts.join(&sep)))
        }
        "split" => {
            want(args, 2, name)?;
            let (sep, s) = (string(&args[0], name)?, string(&args[1], name)?);
            if sep.is_empty() {
                return Err("split(): empty separator".into());
            }
            Ok(Value::List(
                s.split(&sep)
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            ))
        }
        "lower" | "upper" | "trimspace" => {
            want(args, 1, name)?;
            let s = string(&args[0], name)?;
            Ok(Value::String(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_string(),
            }))
        }
        "trimprefix" | "trimsuffix" | "trim" | "startswith" | "endswith" | "strcontains" => {
            want(args, 2, name)?;
            let (s, p) = (string(&args[0], name)?, string(&args[1], name)?);
            Ok(match name {
                "trimprefix" => Value::String(s.strip_prefix(&p).unwrap_or(&s).to_string()),
                "trimsuffix" => Value::String(s.strip_suffix(&p).unwrap_or(&s).to_string()),
                "trim" => Value::String(s.trim_matches(|c| p.contains(c)).to_string()),
                "startswith" => Value::Bool(s.starts_with(&p)),
                "endswith" => Value::Bool(s.ends_with(&p)),
                _ => Value::Bool(s.contains(&p)),
            })
        }
        "replace" => {
            want(args, 3, name)?;
            let (s, from, to) = (
                string(&args[0], name)?,
                string(&args[1], name)?,
                string(&args[2], name)?,
            );
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                // A regular expression: not evaluated.
                return Ok(Value::UNKNOWN);
            }
            if to.len() > from.len() && !from.is_empty() {
                let bytes = s.len() + s.matches(&from).count() * (to.len() - from.len());
                if bytes > MAX_STRING_BYTES {
                    return Err(too_long(name, bytes));
                }
            }
            if from.is_empty() {
                // Go's strings.Replace with an empty old string inserts `to` around every
                // character.
                let bytes = s.len() + (s.chars().count() + 1).saturating_mul(to.len());
                if bytes > MAX_STRING_BYTES {
                    return Err(too_long(name, bytes));
                }
            }
            Ok(Value::String(s.replace(&from, &to)))
        }
        "substr" => {
            want(args, 3, name)?;
            let s = string(&args[0], name)?;
            let (off, len) = (int(&args[1], name)?, int(&args[2], name)?);
            let chars: Vec<char> = s.chars().collect();
            let off = if off < 0 {
                (chars.len() as i64 + off).max(0)
            } else {
                off
            } as usize;
            let off = off.min(chars.len());
            let end = if len < 0 {
                chars.len()
            } else {
                (off + len as usize).min(chars.len())
            };
            Ok(Value::String(chars[off..end].iter().collect()))
        }
        "tostring" => {
            want(args, 1, name)?;
            match &args[0] {
                Value::Null => Ok(Value::Null),
                v => Ok(Value::String(string(v, name)?)),
            }
        }
        "tonumber" => {
            want(args, 1, name)?;
            match &args[0] {
                Value::Null => Ok(Value::Null),
                v => Ok(Value::Number(num(v, name)?)),
            }
        }
        "tobool" => {
            want(args, 1, name)?;
            match &args[0] {
                Value::Null => Ok(Value::Null),
                v => v
                    .as_bool()
                    .map(Value::Bool)
                    .ok_or_else(|| format!("tobool() of {v}")),
            }
        }
        "cidrsubnet" => {
            want(args, 3, name)?;
            cidrsubnet(
                &string(&args[0], name)?,
                int(&args[1], name)?,
                int(&args[2], name)?,
            )
            .map(Value::String)
        }
        _ => Err(format!("unknown function `{name}`")),
    }
}

/// `format` with Terraform's verbs: %s %d %f %v %q %t %%, with optional width/precision.
fn format(fmt: &str, args: &[Value]) -> FnResult {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = args.iter();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || matches!(d, '.' | '-' | '+' | '#' | ' ') {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next().ok_or("format(): dangling %")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = next
            .next()
            .ok_or("format(): not enough arguments for the format string")?;
        // Widths and precisions past the longest string are refused before anything is built.
        let number = |digits: &str| -> Result<Option<usize>, String> {
            if digits.is_empty() {
                return Ok(None);
            }
            match digits.parse::<usize>() {
                Ok(n) if n <= MAX_STRING_BYTES => Ok(Some(n)),
                _ => Err(too_long("format", MAX_STRING_BYTES.saturating_add(1))),
            }
        };
        let flags = spec.trim_start_matches(['-', '+', '#', ' ']);
        let (width, precision) = match flags.split_once('.') {
            Some((w, p)) => (number(w)?, Some(number(p)?.unwrap_or(0))),
            None => (number(flags)?, None),
        };
        let text = match verb {
            's' | 'v' => to_string(arg).unwrap_or_else(|| {
                let mut s = String::new();
                arg.write_hcl(&mut s, MAX_STRING_BYTES);
                s
            }),
            'q' => format!("{:?}", to_string(arg).unwrap_or_default()),
            't' => arg
                .as_bool()
                .ok_or("format(): %t needs a bool")?
                .to_string(),
            'd' => (arg.as_f64().ok_or("format(): %d needs a number")?.trunc() as i64).to_string(),
            'f' => fixed(
                arg.as_f64().ok_or("format(): %f needs a number")?,
                precision.unwrap_or(6),
            ),
            other => return Err(format!("format(): unsupported verb %{other}")),
        };
        let pad = width.unwrap_or(0).saturating_sub(text.chars().count());
        let bytes = out.len() + text.len() + pad;
        if bytes > MAX_STRING_BYTES {
            return Err(too_long("format", bytes));
        }
        let zero = spec.starts_with('0') && verb == 'd';
        if spec.starts_with('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else {
            out.push_str(&(if zero { "0" } else { " " }).repeat(pad));
            out.push_str(&text);
        }
        if out.len() > MAX_STRING_BYTES {
            return Err(too_long("format", out.len()));
        }
    }
    Ok(Value::String(out))
}

/// `x` with `precision` digits after the point. A double's exact decimal expansion ends within
/// 1,100 digits of the point, so longer precisions are that expansion padded with zeros.
fn fixed(x: f64, precision: usize) -> String {
    const EXACT: usize = 1_100;
    let mut s = format!("{:.*}", precision.min(EXACT), x);
    if precision > EXACT && x.is_finite() {
        s.extend(std::iter::repeat_n('0', precision - EXACT));
    }
    s
}

/// `cidrsubnet(prefix, newbits, netnum)` for IPv4 and IPv6.
fn cidrsubnet(prefix: &str, newbits: i64, netnum: i64) -> Result<String, String> {
    let (addr, len) = prefix
        .split_once('/')
        .ok_or_else(|| format!("cidrsubnet(): invalid CIDR {prefix:?}"))?;
    let len: u32 = len
        .parse()
        .map_err(|_| format!("cidrsubnet(): invalid prefix length in {prefix:?}"))?;
    if newbits < 0 || netnum < 0 {
        return Err("cidrsubnet(): newbits and netnum must not be negative".into());
    }
    let (bits, value): (u32, u128) = if let Ok(v4) = addr.parse::<Ipv4Addr>() {
        (32, u32::from(v4) as u128)
    } else if let Ok(v6) = addr.parse::<Ipv6Addr>() {
        (128, u128::from(v6))
    } else {
        return Err(format!("cidrsubnet(): invalid address {addr:?}"));
    };
    if len > bits || newbits > i64::from(bits - len) {
        return Err(format!(
            "cidrsubnet(): {newbits} new bits extend the prefix beyond {bits} bits"
        ));
    }
    let new_len = len + newbits as u32;
    if (netnum as u128).checked_shr(newbits as u32).unwrap_or(0) != 0 {
        return Err(format!(
            "cidrsubnet(): netnum {netnum} does not fit in {newbits} bits"
        ));
    }
    let host_bits = bits - new_len;
    let all = if bits == 128 {
        !0u128
    } else {
        (1u128 << bits) - 1
    };
    let mask = (!0u128).checked_shl(bits - len).unwrap_or(0) & all;
    let net = (value & mask) | (netnum as u128).checked_shl(host_bits).unwrap_or(0);
    Ok(if bits == 32 {
        format!("{}/{new_len}", Ipv4Addr::from(net as u32))
    } else {
        format!("{}/{new_len}", Ipv6Addr::from(net))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }
    fn l(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn cidrsubnet_matches_terraform() {
        assert_eq!(cidrsubnet("10.0.0.0/16", 8, 2).unwrap(), "10.0.2.0/24");
        assert_eq!(cidrsubnet("10.1.2.0/24", 4, 15).unwrap(), "10.1.2.240/28");
        assert_eq!(
            cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162).unwrap(),
            "fd00:fd12:3456:7800:a200::/72"
        );
        assert!(cidrsubnet("10.0.0.0/30", 4, 0).is_err());
        assert_eq!(cidrsubnet("::/0", 0, 0).unwrap(), "::/0");
        assert_eq!(cidrsubnet("0.0.0.0/0", 1, 1).unwrap(), "128.0.0.0/1");
        assert!(cidrsubnet("10.0.0.0/4294967295", 1, 0).is_err());
        assert!(cidrsubnet("10.0.0.0/8", 4294967297, 0).is_err());
        assert!(call("format", &[s("%99999999999d"), n(1.0)]).is_err());
        assert!(cidrsubnet("10.0.0.0/16", 2, 4).is_err());
    }

    #[test]
    fn list_functions() {
        let azs = l(vec![s("a"), s("b"), s("c")]);
        assert_eq!(call("length", std::slice::from_ref(&azs)).unwrap(), n(3.0));
        assert_eq!(call("element", &[azs.clone(), n(4.0)]).unwrap(), s("b"));
        assert_eq!(
            call("slice", &[azs.clone(), n(0.0), n(2.0)]).unwrap(),
            l(vec![s("a"), s("b")])
        );
        assert!(call("slice", &[azs.clone(), n(0.0), n(4.0)]).is_err());
        assert_eq!(
            call("toset", &[l(vec![s("b"), s("a"), s("b")])]).unwrap(),
            l(vec![s("a"), s("b")])
        );
        assert_eq!(
            call(
                "flatten",
                &[l(vec![l(vec![s("a")]), l(vec![s("b"), s("c")])])]
            )
            .unwrap(),
            azs
        );
        assert_eq!(
            call("range", &[n(3.0)]).unwrap(),
            l(vec![n(0.0), n(1.0), n(2.0)])
        );
        assert!(call("range", &[n(1e9)]).is_err());
        assert_eq!(
            call("length", &[l(vec![Value::UNKNOWN, Value::UNKNOWN])]).unwrap(),
            n(2.0)
        );
        assert_eq!(
            call("compact", &[l(vec![s("a"), s(""), Value::Null])]).unwrap(),
            l(vec![s("a")])
        );
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
}
