//! Terraform's string functions (`format`, `join`, `split`, `replace`, `substr`, ...).

use super::{FnResult, MAX_STRING_BYTES, int, list_of, string, to_string, too_long, want};
use crate::model::terraform::Value;

/// The string functions that need every argument known; `None`: not one of them.
pub(super) fn strict(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "format" => format_call(name, args),
        "join" => join(name, args),
        "split" => split(name, args),
        "lower" | "upper" | "trimspace" => lower_upper_trimspace(name, args),
        "trimprefix" | "trimsuffix" | "trim" | "startswith" | "endswith" | "strcontains" => {
            trim_or_test(name, args)
        }
        "replace" => replace(name, args),
        "regex" | "regexall" => regex_match(name, args),
        "substr" => substr(name, args),
        "title" | "chomp" | "strrev" => one_string(name, args),
        "indent" => indent(name, args),
        "formatlist" => formatlist(name, args),
        _ => return None,
    })
}

/// `format(spec, values...)`.
fn format_call(name: &str, args: &[Value]) -> FnResult {
    let (fmt, rest) = args.split_first().ok_or("format() needs a format string")?;
    format(&string(fmt, name)?, rest)
}

fn join(name: &str, args: &[Value]) -> FnResult {
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

fn split(name: &str, args: &[Value]) -> FnResult {
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

/// `lower(s)`, `upper(s)` and `trimspace(s)`.
fn lower_upper_trimspace(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let s = string(&args[0], name)?;
    Ok(Value::String(match name {
        "lower" => s.to_lowercase(),
        "upper" => s.to_uppercase(),
        _ => s.trim().to_string(),
    }))
}

/// `trimprefix`, `trimsuffix`, `trim`, `startswith`, `endswith` and `strcontains`: a string
/// and a second string.
fn trim_or_test(name: &str, args: &[Value]) -> FnResult {
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

fn replace(name: &str, args: &[Value]) -> FnResult {
    want(args, 3, name)?;
    let (s, from, to) = (
        string(&args[0], name)?,
        string(&args[1], name)?,
        string(&args[2], name)?,
    );
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        // A regular expression (Go's syntax), with `$1` and `${name}` in the replacement
        // (Go's expansion, which the regex crate shares).
        let re = compile(&from[1..from.len() - 1], name)?;
        let matches = re.find_iter(&s).count();
        let bytes = s.len() + matches.saturating_mul(to.len());
        if bytes > MAX_STRING_BYTES {
            return Err(too_long(name, bytes));
        }
        return Ok(Value::String(re.replace_all(&s, to.as_str()).into_owned()));
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

/// A Terraform regular expression: Go's syntax, compiled as Helm's functions compile it
/// (translated for the regex crate, size bounded, cached).
fn compile(pattern: &str, name: &str) -> Result<regex::Regex, String> {
    crate::ingest::helm::funcs::regex::compile_regex(pattern).map_err(|e| format!("{name}(): {e}"))
}

/// `regex(pattern, string)` (the first match) and `regexall(pattern, string)` (every match):
/// a match is the matched text without capture groups, a list of the groups' texts with
/// unnamed groups, an object of them with named groups (a group that did not take part is
/// null).
fn regex_match(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    let (pattern, s) = (string(&args[0], name)?, string(&args[1], name)?);
    let re = compile(&pattern, name)?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    if named > 0 && named < names.len() {
        return Err(format!(
            "{name}(): the pattern mixes named and unnamed capture groups"
        ));
    }
    let text =
        |m: Option<regex::Match<'_>>| m.map_or(Value::Null, |m| Value::String(m.as_str().into()));
    let one = |c: regex::Captures<'_>| -> Value {
        if names.is_empty() {
            text(c.get(0))
        } else if named > 0 {
            Value::Map(
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| n.map(|n| (n.to_string(), text(c.get(i + 1)))))
                    .collect(),
            )
        } else {
            Value::List((1..=names.len()).map(|i| text(c.get(i))).collect())
        }
    };
    if name == "regex" {
        return re.captures(&s).map(one).ok_or_else(|| {
            "regex(): the pattern did not match any part of the given string".to_string()
        });
    }
    Ok(Value::List(re.captures_iter(&s).map(one).collect()))
}

fn substr(name: &str, args: &[Value]) -> FnResult {
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

/// `title(s)`, `chomp(s)` and `strrev(s)`.
fn one_string(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let s = string(&args[0], name)?;
    Ok(Value::String(match name {
        "title" => {
            // Go's strings.Title: a character after a separator is upper-cased.
            let is_sep = |c: char| {
                if c.is_ascii() {
                    !(c.is_ascii_alphanumeric() || c == '_')
                } else {
                    !c.is_alphanumeric() && c.is_whitespace()
                }
            };
            let mut out = String::with_capacity(s.len());
            let mut prev = ' ';
            for c in s.chars() {
                if is_sep(prev) {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                prev = c;
            }
            out
        }
        "chomp" => s.trim_end_matches(['\n', '\r']).to_string(),
        _ => s.chars().rev().collect(),
    }))
}

/// `indent(n, s)`: every line but the first indented by `n` spaces.
fn indent(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    let n = int(&args[0], name)?.max(0) as usize;
    let s = string(&args[1], name)?;
    let pad = " ".repeat(n.min(1024));
    let lines = s.split('\n').count();
    if s.len() + pad.len() * lines > MAX_STRING_BYTES {
        return Err(too_long(name, s.len() + pad.len() * lines));
    }
    Ok(Value::String(s.replace('\n', &format!("\n{pad}"))))
}

/// `formatlist(spec, values...)`: `format` per element; lists must have one length, other
/// values repeat.
fn formatlist(name: &str, args: &[Value]) -> FnResult {
    let (fmt, rest) = args
        .split_first()
        .ok_or("formatlist() needs a format string")?;
    let fmt = string(fmt, name)?;
    let mut len: Option<usize> = None;
    for a in rest {
        if let Value::List(items) = a {
            match len {
                Some(n) if n != items.len() => {
                    return Err("formatlist(): the lists have different lengths".into());
                }
                _ => len = Some(items.len()),
            }
        }
    }
    let Some(n) = len else {
        return Ok(Value::List(vec![format(&fmt, rest)?]));
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<Value> = rest
            .iter()
            .map(|a| match a {
                Value::List(items) => items[i].clone(),
                v => v.clone(),
            })
            .collect();
        out.push(format(&fmt, &row)?);
    }
    Ok(Value::List(out))
}
