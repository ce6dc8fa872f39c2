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

#[cfg(test)]
mod tests {
    use super::super::tests::{err, i, out, s};
    use super::*;

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
}
