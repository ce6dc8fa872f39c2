// ---------------------------------------------------------------------------------------
// Go text/template builtins
// ---------------------------------------------------------------------------------------

use std::fmt::Write as _;

use super::sprintf::{Flags, print_arg};
use super::{R, arity, arity_min};
use crate::ingest::helm::value::{Obj, V, Value};

pub(super) fn length(v: &Value) -> R {
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

pub(super) fn index(item: &Value, indexes: &[Value]) -> R {
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

pub(super) fn eq(a: &[Value]) -> R {
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

pub(super) fn compare(name: &str, a: &[Value]) -> R {
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
pub(super) fn sprint(a: &[Value]) -> String {
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
pub(super) fn sprintln(a: &[Value]) -> String {
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
pub(super) fn fmt_v(v: &Value) -> String {
    let mut out = String::new();
    print_arg(&mut out, v, 'v', &Flags::default(), 0);
    out
}

/// Sprig's `strval`: strings as they are, anything else as `fmt.Sprintf("%v")`.
pub(super) fn strval(v: &Value) -> String {
    match &v.v {
        V::Str(s) => s.to_string(),
        _ => fmt_v(v),
    }
}

/// text/template's `evalArgs` for `html`, `js` and `urlquery`.
pub(super) fn eval_args(a: &[Value]) -> String {
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

pub(super) fn html_escape(s: &str) -> String {
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

pub(super) fn js_escape(s: &str) -> String {
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
pub(super) fn is_print(c: char) -> bool {
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
pub(super) enum Encode {
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
pub(super) fn url_escape(s: &str, mode: Encode) -> String {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{d, err, f, i, l, ok, out, s};
    use super::*;

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
}
