// ---------------------------------------------------------------------------------------
// Sprig: strings
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;

use super::builtins::{fmt_v, strval};
use super::regex::dispatch_regex;
use super::sprintf::go_quote;
use super::{
    MAX_ITEMS, MAX_STRING, R, arity, bytes_to_string, int_arg, slice_items, str_arg, string, strs,
};
use crate::ingest::helm::value::Value;

pub(super) fn dispatch_strings(name: &str, a: &[Value]) -> Option<R> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{err, f, i, l, out, s};
    use super::*;

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
}
