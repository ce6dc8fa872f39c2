// ---------------------------------------------------------------------------------------
// Sprig: regular expressions (Rust's `regex` is close to Go's RE2; Go's Perl classes
// `\d \w \s \b` are ASCII-only, and are translated so)
// ---------------------------------------------------------------------------------------

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

use super::encoding::dispatch_encoding;
use super::sprintf::{can_backquote, go_quote};
use super::{MAX_ITEMS, MAX_STRING, R, arity, int_arg, str_arg, string, strs};
use crate::ingest::helm::value::Value;

/// Largest compiled regular expression: larger ones (`\p{L}{100}`) are refused rather than
/// matched at thousands of times the cost of a byte (a template's steps pay per byte).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A Go (RE2) pattern in the syntax of Rust's `regex`, with Go's meaning. The differences
/// handled, each checked against Go in the `regex-go-syntax` fixture chart:
/// - Perl classes (`\d`, `\w`, `\s` and their negations) and word boundaries (`\b`, `\B`) are
///   ASCII in Go, Unicode in Rust;
/// - in a bracket class, `[` is a literal, and so are `&&`, `~~` and `--` (set operations in
///   Rust); a `-` after a class escape (`[\w-.]`) or at a place where it cannot make a range
///   is a literal;
/// - a `{` that does not start a valid repetition (`a{`, `{,3}`) is a literal;
/// - `\Q...\E` quotes, `\123` is octal, and an escaped punctuation mark is that mark (Rust
///   reads `\<` and `\>` as word boundaries).
///
/// Anything else is copied as written: the two syntaxes agree on it, or Rust reports the error.
fn go_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' => {
                let Some(&e) = chars.get(i) else {
                    out.push('\\');
                    break;
                };
                i += 1;
                if let Some(class) = perl_class(e, false) {
                    out.push_str(class);
                    continue;
                }
                match e {
                    'b' | 'B' => {
                        out.push_str("(?-u:\\");
                        out.push(e);
                        out.push(')');
                    }
                    'Q' => {
                        // Literal text up to `\E` (or the end).
                        while i < chars.len() {
                            if chars[i] == '\\' && chars.get(i + 1) == Some(&'E') {
                                i += 2;
                                break;
                            }
                            push_literal(&mut out, chars[i], false);
                            i += 1;
                        }
                    }
                    'p' | 'P' => i = copy_property(&chars, i, e, &mut out),
                    _ => i = escaped_char(&chars, i, e, &mut out, false),
                }
            }
            '[' => i = bracket_class(&chars, i, &mut out),
            '{' if repetition_at(&chars, i).is_none() => out.push_str("\\{"),
            '{' => {
                let end = repetition_at(&chars, i).expect("checked");
                out.push('{');
                out.extend(&chars[i..end]);
                i = end;
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's Perl class `\\e` (ASCII, unlike Rust's) in Rust's syntax, inside a bracket class or
/// on its own. Go's `\\s` is `[\\t\\n\\f\\r ]` (no `\\v`).
fn perl_class(e: char, in_class: bool) -> Option<&'static str> {
    Some(match (e, in_class) {
        ('d', false) => "[[:digit:]]",
        ('D', false) => "[^[:digit:]]",
        ('w', false) => "[[:word:]]",
        ('W', false) => "[^[:word:]]",
        ('s', false) => r"[\t\n\x0C\r ]",
        ('S', false) => r"[^\t\n\x0C\r ]",
        ('d', true) => "[:digit:]",
        ('D', true) => "[:^digit:]",
        ('w', true) => "[:word:]",
        ('W', true) => "[:^word:]",
        ('s', true) => r"\t\n\x0C\r ",
        ('S', true) => "[:^space:]",
        _ => return None,
    })
}

/// Where a counted repetition that starts after the `{` at `chars[i - 1]` ends (past its
/// `}`): `{n}`, `{n,}` or `{n,m}` as Go accepts them; `None` when the `{` is a literal.
fn repetition_at(chars: &[char], mut i: usize) -> Option<usize> {
    let digits = |i: &mut usize| {
        let start = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if chars.get(i) == Some(&',') {
        i += 1;
        digits(&mut i);
    }
    (chars.get(i) == Some(&'}')).then_some(i + 1)
}

/// A literal character, escaped where Rust's syntax gives it a meaning (in a bracket class:
/// `[`, `]`, `\`, `-`, `&`, `~`, `^`).
fn push_literal(out: &mut String, c: char, in_class: bool) {
    let meta = if in_class {
        matches!(c, '[' | ']' | '\\' | '-' | '&' | '~' | '^')
    } else {
        matches!(
            c,
            '\\' | '.'
                | '+'
                | '*'
                | '?'
                | '('
                | ')'
                | '|'
                | '['
                | ']'
                | '{'
                | '}'
                | '^'
                | '$'
                | '#'
        )
    };
    if meta {
        out.push('\\');
    }
    out.push(c);
}

/// Copies `{...}` (through its `}`) starting at `chars[i]`, if there is one; returns where
/// the copy ends.
fn copy_braced(chars: &[char], mut i: usize, out: &mut String) -> Option<usize> {
    if chars.get(i) != Some(&'{') {
        return None;
    }
    while let Some(&c) = chars.get(i) {
        out.push(c);
        i += 1;
        if c == '}' {
            break;
        }
    }
    Some(i)
}

/// Copies `\p{Greek}` / `\pL` (the `p` or `P` at `chars[i - 1]`); returns where it ends.
fn copy_property(chars: &[char], i: usize, p: char, out: &mut String) -> usize {
    out.push('\\');
    out.push(p);
    copy_braced(chars, i, out).unwrap_or_else(|| match chars.get(i) {
        Some(&c) => {
            out.push(c);
            i + 1
        }
        None => i,
    })
}

/// An escape that stands for one character (`e` is the character after the `\`): octal
/// `\101`, hex `\x41` / `\x{263a}`, `\n` and the like, or an escaped punctuation mark, which
/// Go reads as the mark itself. Returns where it ends.
fn escaped_char(chars: &[char], mut i: usize, e: char, out: &mut String, in_class: bool) -> usize {
    match e {
        '0'..='7' if e == '0' || chars.get(i).is_some_and(|d| ('0'..='7').contains(d)) => {
            // Octal: up to three digits in all.
            let mut n = e.to_digit(8).unwrap_or(0);
            let mut taken = 1;
            while taken < 3
                && let Some(d) = chars.get(i).and_then(|d| d.to_digit(8))
            {
                n = n * 8 + d;
                i += 1;
                taken += 1;
            }
            out.push_str(&format!("\\x{{{n:X}}}"));
        }
        'x' => {
            out.push_str("\\x");
            if let Some(end) = copy_braced(chars, i, out) {
                i = end;
            } else {
                for _ in 0..2 {
                    if let Some(&c) = chars.get(i) {
                        out.push(c);
                        i += 1;
                    }
                }
            }
        }
        e if e.is_ascii() && !e.is_ascii_alphanumeric() => push_literal(out, e, in_class),
        e => {
            // `\n`, `\t`, `\A`, `\z`, ... (or an escape both reject).
            out.push('\\');
            out.push(e);
        }
    }
    i
}

/// Translates the bracket class whose `[` is at `chars[i - 1]`; returns where it ends.
fn bracket_class(chars: &[char], mut i: usize, out: &mut String) -> usize {
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == ']' && !first {
            out.push(']');
            return i;
        }
        first = false;
        // A class (Perl, Unicode or POSIX) stands alone: no range can start or end at it.
        let mut lo = String::new();
        match c {
            '[' if chars.get(i) == Some(&':') => {
                let close = (i + 1..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == ':' && chars[j + 1] == ']');
                match close {
                    Some(j) => {
                        out.extend(&chars[i - 1..j + 2]);
                        i = j + 2;
                        continue;
                    }
                    None => push_literal(&mut lo, '[', true),
                }
            }
            '\\' => {
                let Some(&e) = chars.get(i) else {
                    out.push('\\');
                    break;
                };
                i += 1;
                match (perl_class(e, true), e) {
                    (Some(class), _) => out.push_str(class),
                    (None, 'p' | 'P') => i = copy_property(chars, i, e, out),
                    (None, _) => i = escaped_char(chars, i, e, &mut lo, true),
                }
                if lo.is_empty() {
                    continue;
                }
            }
            c => push_literal(&mut lo, c, true),
        }
        out.push_str(&lo);
        // `lo-hi`: a `-` between two characters (not before the closing `]`).
        if chars.get(i) == Some(&'-')
            && let Some(&h) = chars.get(i + 1)
            && h != ']'
        {
            i += 2;
            out.push('-');
            if h == '\\' {
                match chars.get(i) {
                    Some(&e) => {
                        i += 1;
                        i = escaped_char(chars, i, e, out, true);
                    }
                    None => out.push('\\'),
                }
            } else {
                push_literal(out, h, true);
            }
        }
    }
    i
}

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Result<Regex, String>>> =
        RefCell::new(HashMap::new());
}

/// Compiles a Go regular expression, with Go's `error parsing regexp:` errors (Helm's
/// functions and Terraform's `regex`, `regexall` and `replace` share Go's syntax).
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
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

pub(super) fn dispatch_regex(name: &str, a: &[Value]) -> Option<R> {
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
            let found = find_all(&re, s, n)?;
            if found.is_empty() {
                // Go's FindAllString returns a nil slice: `[]` printed, `null` as JSON.
                return Ok(Value::nil_list());
            }
            strs(found.into_iter().map(|(b, e)| s[b..e].to_string()))
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

#[cfg(test)]
mod tests {
    use super::super::tests::{err, i, out, s};
    use super::*;

    #[test]
    fn go_perl_classes_are_ascii() {
        for (pattern, rust) in [
            (r"\d+\w*\s", r"[[:digit:]]+[[:word:]]*[\t\n\x0C\r ]"),
            (r"\D\W\S", r"[^[:digit:]][^[:word:]][^\t\n\x0C\r ]"),
            (r"[\w.-]+[^\d\s]", r"[[:word:].\-]+[^[:digit:]\t\n\x0C\r ]"),
            (r"[]\w][[:alpha:]\d]", r"[\][:word:]][[:alpha:][:digit:]]"),
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

    /// Go's own results (rendered by Helm, as in the `regex-go-syntax` fixture chart) for
    /// patterns whose syntax Go and Rust read differently.
    #[test]
    fn go_syntax_table() {
        let table: &[(&str, &str, &[&str])] = &[
            (r#"[\w-\.]+"#, r#"a-b.c!"#, &[r#"a-b.c"#]),
            (r#"[^a-zA-Z0-9-_.]+"#, r#"v1.2_3-x/y:z"#, &[r#"/"#, r#":"#]),
            (r#"[a-]+"#, r#"a-a"#, &[r#"a-a"#]),
            (r#"[-a]+"#, r#"-a"#, &[r#"-a"#]),
            (r#"[[]+"#, r#"[[x"#, &[r#"[["#]),
            (r#"[a&&b]+"#, r#"a&&b"#, &[r#"a&&b"#]),
            (r#"[a~~b]+"#, r#"~~"#, &[r#"~~"#]),
            (r#"[+--]+"#, r#"+,-"#, &[r#"+,-"#]),
            (r#"[a\-z]+"#, r#"-az"#, &[r#"-az"#]),
            (r#"[\d-z]+"#, r#"1-z"#, &[r#"1-z"#]),
            (r#"[\s-a]+"#, r#" -a"#, &[r#" -a"#]),
            (r#"[[:alpha:]-9]+"#, r#"ab-9"#, &[r#"ab-9"#]),
            (r#"[\]]+"#, r#"]]"#, &[r#"]]"#]),
            (r#"[]a]+"#, r#"]a]"#, &[r#"]a]"#]),
            (r#"[^-]+"#, r#"ab-"#, &[r#"ab"#]),
            (r#"[\pL-]+"#, r#"é-"#, &[r#"é-"#]),
            (r#"a{"#, r#"a{"#, &[r#"a{"#]),
            (r#"a{,3}"#, r#"a{,3}"#, &[r#"a{,3}"#]),
            (r#"a{2}"#, r#"aaa"#, &[r#"aa"#]),
            (r#"a{2,}"#, r#"aaaa"#, &[r#"aaaa"#]),
            (r#"x{1,2"#, r#"x{1,2"#, &[r#"x{1,2"#]),
            (r#"\<a\>"#, r#"<a>"#, &[r#"<a>"#]),
            (r#"\Qa.b\E+"#, r#"a.bb"#, &[r#"a.bb"#]),
            (r#"\Q[x]"#, r#"[x]"#, &[r#"[x]"#]),
            (r#"\101\0"#, "A\0", &["A\0"]),
            (r#"\#\ \%\&\~"#, r#"# %&~"#, &[r#"# %&~"#]),
            (r#"\pLx"#, r#"éx"#, &[r#"éx"#]),
            (r#"(?i)ABC"#, r#"abc"#, &[r#"abc"#]),
            (r#"a\z"#, r#"a"#, &[r#"a"#]),
            (r#"\w+"#, r#"café"#, &[r#"caf"#]),
            (r#"\bcafé\b"#, r#"café!"#, &[]),
            (r#"\x41\x{42}"#, r#"AB"#, &[r#"AB"#]),
        ];
        for (pattern, subject, want) in table {
            let re = compile_regex(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            let got: Vec<&str> = re.find_iter(subject).map(|m| m.as_str()).collect();
            assert_eq!(&got, want, "{pattern} on {subject:?}");
        }
    }
}
