// ---------------------------------------------------------------------------------------
// fmt.Sprintf
// ---------------------------------------------------------------------------------------

use std::fmt::Write as _;

use super::builtins::is_print;
use super::{MAX_STRING, bytes_to_string};
use crate::ingest::helm::value::{MAX_PRINT_DEPTH, Obj, V, Value};

/// The flags, width and precision of one `%` verb.
#[derive(Clone, Copy, Default)]
pub(super) struct Flags {
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
pub(super) fn sprintf(format: &str, args: &[Value]) -> Result<String, String> {
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
pub(super) fn print_arg(out: &mut String, v: &Value, verb: char, f: &Flags, depth: usize) {
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

pub(super) fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()))
}

/// Go's `strconv.Quote` (`ascii_only`: `QuoteToASCII`), with `quote` as the delimiter.
pub(super) fn go_quote(s: &str, quote: char, ascii_only: bool) -> String {
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
pub(super) struct Digits {
    pub(super) d: Vec<u8>,
    pub(super) dp: i64,
}

/// The digits of |x|: shortest round-trip when `sig` is `None`, else rounded to `sig`
/// significant digits (trailing zeros kept).
/// Digits past which a double's decimal expansion is all zeros (767 significant digits, and
/// 1,074 after the point for the smallest subnormal).
const EXACT_DIGITS: usize = 1_100;

pub(super) fn float_digits(x: f64, sig: Option<usize>) -> Digits {
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
pub(super) fn format_float(x: f64, verb: char, prec: Option<usize>) -> String {
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

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::super::tests::{d, err, f, i, l, printf, s};
    use super::*;

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
}
