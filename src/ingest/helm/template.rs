//! Go `text/template` syntax, as Helm charts use it: a lexer and a parser into a tree with
//! byte offsets, so errors (and, later, values tracing) can name the template line.
//!
//! Covered: text and actions, `{{-`/`-}}` whitespace trimming, comments, pipelines,
//! variables (`$x := ...`, `$x = ...`, `$i, $v := range ...`), fields and chains
//! (`.a.b`, `$x.a`, `(f x).a`), literals (strings, raw strings, chars, numbers, bools, nil),
//! `if`/`else if`/`else`, `range` (with `else`, `break`, `continue`), `with`/`else with`,
//! `define`, `template`, `block`.
//!
//! This is the first part of issue 4's engine: execution, Helm's functions and sprig come next.

use std::collections::BTreeMap;

/// Deepest nesting of control structures and parenthesised pipelines.
const MAX_DEPTH: usize = 200;

/// A parse error at a byte offset of the template text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    Open,
    Close,
    Ident(String),
    /// `.a` (one field name; `.` alone is `Dot`).
    Field(String),
    Variable(String),
    Dot,
    Str(String),
    Number(String),
    Char(char),
    Pipe,
    LParen,
    RParen,
    Comma,
    Declare,
    Assign,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    tok: Tok,
    at: usize,
    end: usize,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
    })
}

/// Splits a template into text and action tokens, applying `{{-` / `-}}` trimming and
/// dropping comments.
fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut trim_next = false;
    while pos < src.len() {
        let Some(open) = src[pos..].find("{{").map(|i| pos + i) else {
            let mut text = &src[pos..];
            if trim_next {
                text = text.trim_start();
            }
            if !text.is_empty() {
                out.push(Token {
                    tok: Tok::Text(text.to_string()),
                    at: src.len() - text.len(),
                    end: src.len(),
                });
            }
            break;
        };
        let trim_before = src[open + 2..].starts_with("- ")
            || src[open + 2..].starts_with("-\t")
            || src[open + 2..].starts_with("-\n")
            || src[open + 2..].starts_with("-\r");
        let mut text = &src[pos..open];
        if trim_next {
            text = text.trim_start();
        }
        let at = open - text.len();
        if trim_before {
            text = text.trim_end();
        }
        if !text.is_empty() {
            out.push(Token {
                tok: Tok::Text(text.to_string()),
                at,
                end: at + text.len(),
            });
        }
        let mut i = open + 2 + usize::from(trim_before);
        // A comment: `{{/* ... */}}`, with optional trim markers.
        let rest = src[i..].trim_start();
        if rest.starts_with("/*") {
            let start = src.len() - rest.len();
            let Some(end) = src[start..].find("*/").map(|e| start + e + 2) else {
                return err(open, "unclosed comment");
            };
            let after = src[end..].trim_start();
            let (close, trim_after) = if let Some(a) = after.strip_prefix("-}}") {
                (src.len() - a.len(), true)
            } else if let Some(a) = after.strip_prefix("}}") {
                (src.len() - a.len(), false)
            } else {
                return err(end, "comment ends before `}}`");
            };
            pos = close;
            trim_next = trim_after;
            continue;
        }
        out.push(Token {
            tok: Tok::Open,
            at: open,
            end: open + 2,
        });
        let bytes = src.as_bytes();
        loop {
            while i < src.len() && bytes[i].is_ascii_whitespace() {
                // ` -}}` closes with trimming.
                if src[i..].starts_with(" -}}") || src[i..].starts_with("\n-}}") {
                    break;
                }
                i += 1;
            }
            if i >= src.len() {
                return err(open, "unclosed action");
            }
            let at = i;
            let rest = &src[i..];
            if rest.starts_with("}}") {
                out.push(Token {
                    tok: Tok::Close,
                    at,
                    end: at + 2,
                });
                i += 2;
                trim_next = false;
                break;
            }
            if rest.len() >= 4 && bytes[i].is_ascii_whitespace() && rest[1..].starts_with("-}}") {
                out.push(Token {
                    tok: Tok::Close,
                    at,
                    end: at + 4,
                });
                i += 4;
                trim_next = true;
                break;
            }
            let c = rest.chars().next().unwrap_or(' ');
            let (tok, len) = match c {
                '|' => (Tok::Pipe, 1),
                '(' => (Tok::LParen, 1),
                ')' => (Tok::RParen, 1),
                ',' => (Tok::Comma, 1),
                ':' if rest.starts_with(":=") => (Tok::Declare, 2),
                '=' => (Tok::Assign, 1),
                '"' => {
                    let (s, len) = quoted(rest, at)?;
                    (Tok::Str(s), len)
                }
                '`' => match rest[1..].find('`') {
                    Some(end) => (Tok::Str(rest[1..1 + end].to_string()), end + 2),
                    None => return err(at, "unterminated raw string"),
                },
                '\'' => {
                    let (s, len) = quoted(rest, at)?;
                    let mut chars = s.chars();
                    match (chars.next(), chars.next()) {
                        (Some(ch), None) => (Tok::Char(ch), len),
                        _ => return err(at, "a character literal holds one character"),
                    }
                }
                '$' => {
                    let len = 1 + ident_len(&rest[1..]);
                    (Tok::Variable(rest[..len].to_string()), len)
                }
                '.' => {
                    let n = ident_len(&rest[1..]);
                    if n == 0 {
                        (Tok::Dot, 1)
                    } else {
                        (Tok::Field(rest[1..1 + n].to_string()), 1 + n)
                    }
                }
                c if c.is_ascii_digit()
                    || ((c == '-' || c == '+')
                        && rest[1..].starts_with(|d: char| d.is_ascii_digit())) =>
                {
                    let n = number_len(rest);
                    (Tok::Number(rest[..n].to_string()), n)
                }
                c if c.is_alphabetic() || c == '_' => {
                    let n = ident_len(rest);
                    (Tok::Ident(rest[..n].to_string()), n)
                }
                other => return err(at, format!("unexpected `{other}` in action")),
            };
            out.push(Token {
                tok,
                at,
                end: at + len,
            });
            i += len;
        }
        pos = i;
    }
    Ok(out)
}

/// Length of a number literal (sign, digits, `.`, `_`, hex letters, exponent with sign).
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 1;
    while n < b.len() {
        let c = b[n];
        let exponent_sign =
            (c == b'+' || c == b'-') && matches!(b[n - 1], b'e' | b'E' | b'p' | b'P');
        if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || exponent_sign {
            n += 1;
        } else {
            break;
        }
    }
    n
}

fn ident_len(s: &str) -> usize {
    s.char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(s.len(), |(i, _)| i)
}

/// A double- or single-quoted literal with Go's escapes (`strconv.Unquote`: `\a \b \f \n \r
/// \t \v \\`, the quote itself, `\xHH`, octal `\ooo`, `\uHHHH`, `\UHHHHHHHH`); returns it and
/// its length in bytes. Go rejects any other escape, and so does this.
fn quoted(s: &str, at: usize) -> Result<(String, usize), ParseError> {
    let quote = s.chars().next().unwrap_or('"');
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    fn hex(chars: &mut impl Iterator<Item = (usize, char)>, n: usize, radix: u32) -> Option<u32> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let d = chars.next()?.1.to_digit(radix)?;
            v = v.checked_mul(radix)?.checked_add(d)?;
        }
        Some(v)
    }
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Ok((out, i + 1)),
            '\n' => return err(at, "newline in a quoted string"),
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                let ch = match e {
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\u{b}',
                    '\\' => '\\',
                    e if e == quote => e,
                    'x' | '0'..='7' => {
                        // One byte: a character below 0x80 (higher bytes are not UTF-8 alone).
                        let v = if e == 'x' {
                            hex(&mut chars, 2, 16)
                        } else {
                            hex(&mut chars, 2, 8).map(|low| (e as u32 - '0' as u32) * 64 + low)
                        };
                        match v {
                            Some(b) if b < 0x80 => char::from(b as u8),
                            Some(b) if b < 0x100 => char::REPLACEMENT_CHARACTER,
                            _ => return err(at, "invalid syntax in a quoted string"),
                        }
                    }
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        match hex(&mut chars, n, 16).and_then(char::from_u32) {
                            Some(ch) => ch,
                            None => return err(at, "invalid syntax in a quoted string"),
                        }
                    }
                    _ => return err(at, "invalid syntax in a quoted string"),
                };
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    err(at, "unterminated quoted string")
}

/// One argument of a command.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.` followed by fields: `.Values.image.tag` is `Field(["Values", "image", "tag"])`.
    Field(Vec<String>),
    Dot,
    /// `$x.a.b`: the variable and its fields.
    Variable(String, Vec<String>),
    /// A function name (or `true`/`false`/`nil`, which are `Bool`/`Nil`).
    Ident(String),
    Bool(bool),
    Nil,
    Number(String),
    Str(String),
    Char(char),
    /// `(pipeline).a.b`
    Sub(Box<Pipeline>, Vec<String>),
}

/// `f a b` — a function call, or a single value when it has one non-function argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub args: Vec<Arg>,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Variables declared (`:=`) or assigned (`=`) by the pipeline.
    pub vars: Vec<String>,
    pub assign: bool,
    pub cmds: Vec<Command>,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Literal text and the offset of its first byte (after trimming).
    Text(String, usize),
    /// An action and the span of its `{{ ... }}` in the template.
    Action(Pipeline, usize, usize),
    If {
        cond: Pipeline,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Range {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    With {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Template {
        name: String,
        pipe: Option<Pipeline>,
        at: usize,
    },
    Break(usize),
    Continue(usize),
}

/// A parsed template file: its main body and the templates it defines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub body: Vec<Node>,
    pub defines: BTreeMap<String, Vec<Node>>,
}

/// Parses a template.
pub fn parse(src: &str) -> Result<Parsed, ParseError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        defines: BTreeMap::new(),
        depth: 0,
        loops: 0,
    };
    let (body, end) = p.list()?;
    if let Some((kw, at)) = end {
        return err(at, format!("unexpected {{{{{kw}}}}}"));
    }
    Ok(Parsed {
        body,
        defines: p.defines,
    })
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    defines: BTreeMap<String, Vec<Node>>,
    depth: usize,
    /// Enclosing `range` loops (for `break`/`continue`).
    loops: usize,
}

/// How a list of nodes ended: `end`, `else` (with what follows it on the same action).
type End = Option<(&'static str, usize)>;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn at(&self) -> usize {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map_or(0, |t| t.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), ParseError> {
        let at = self.at();
        match self.next() {
            Some(t) if t.tok == want => Ok(()),
            _ => err(at, format!("expected {what}")),
        }
    }

    /// Nodes until `{{end}}`, `{{else ...` or the end of input. On `else`, the tokens after
    /// `else` in the same action are left for the caller.
    fn list(&mut self) -> Result<(Vec<Node>, End), ParseError> {
        let mut nodes = Vec::new();
        while let Some(t) = self.next() {
            match t.tok {
                Tok::Text(s) => nodes.push(Node::Text(s, t.at)),
                Tok::Open => {
                    let at = t.at;
                    let kw = match self.peek() {
                        Some(Tok::Ident(k)) => k.clone(),
                        _ => String::new(),
                    };
                    match kw.as_str() {
                        "end" => {
                            self.pos += 1;
                            self.expect(Tok::Close, "`}}` after end")?;
                            return Ok((nodes, Some(("end", at))));
                        }
                        "else" => {
                            self.pos += 1;
                            return Ok((nodes, Some(("else", at))));
                        }
                        "if" | "range" | "with" => {
                            self.pos += 1;
                            nodes.push(self.control(&kw, at)?);
                        }
                        "define" | "block" => {
                            self.pos += 1;
                            let name = self.string_arg()?;
                            let pipe = if kw == "block" {
                                Some(self.pipeline(true)?)
                            } else {
                                self.expect(Tok::Close, "`}}` after the define name")?;
                                None
                            };
                            let (body, end) = self.nested(at)?;
                            if !matches!(end, Some(("end", _))) {
                                return err(at, format!("{{{{{kw}}}}} without {{{{end}}}}"));
                            }
                            self.defines.insert(name.clone(), body);
                            if kw == "block" {
                                nodes.push(Node::Template { name, pipe, at });
                            }
                        }
                        "template" => {
                            self.pos += 1;
                            let name = self.string_arg()?;
                            let pipe = if self.peek() == Some(&Tok::Close) {
                                self.pos += 1;
                                None
                            } else {
                                Some(self.pipeline(true)?)
                            };
                            nodes.push(Node::Template { name, pipe, at });
                        }
                        "break" | "continue" => {
                            self.pos += 1;
                            if self.loops == 0 {
                                return err(at, format!("{{{{{kw}}}}} outside {{{{range}}}}"));
                            }
                            self.expect(Tok::Close, "`}}`")?;
                            nodes.push(if kw == "break" {
                                Node::Break(at)
                            } else {
                                Node::Continue(at)
                            });
                        }
                        _ => {
                            let pipe = self.pipeline(true)?;
                            let end = self.toks.get(self.pos - 1).map_or(at, |t| t.end);
                            nodes.push(Node::Action(pipe, at, end));
                        }
                    }
                }
                other => return err(t.at, format!("unexpected {other:?}")),
            }
        }
        Ok((nodes, None))
    }

    fn nested(&mut self, at: usize) -> Result<(Vec<Node>, End), ParseError> {
        if self.depth >= MAX_DEPTH {
            return err(
                at,
                format!("control structures nest deeper than {MAX_DEPTH}"),
            );
        }
        self.depth += 1;
        let r = self.list();
        self.depth -= 1;
        r
    }

    /// `if`/`range`/`with` after its keyword, through its `end`.
    fn control(&mut self, kw: &str, at: usize) -> Result<Node, ParseError> {
        let pipe = self.pipeline(true)?;
        if kw == "range" {
            self.loops += 1;
        }
        let (body, end) = self.nested(at)?;
        if kw == "range" {
            self.loops -= 1;
        }
        let otherwise = match end {
            Some(("end", _)) => Vec::new(),
            Some(("else", _)) => match self.peek() {
                // `{{else if ...}}` / `{{else with ...}}`: a nested structure sharing our end.
                Some(Tok::Ident(k)) if (k == "if" || k == "with") && k == kw => {
                    let k = k.clone();
                    let else_at = self.at();
                    self.pos += 1;
                    vec![self.control(&k, else_at)?]
                }
                _ => {
                    self.expect(Tok::Close, "`}}` after else")?;
                    let (rest, end) = self.nested(at)?;
                    if !matches!(end, Some(("end", _))) {
                        return err(at, format!("{{{{{kw}}}}} without {{{{end}}}}"));
                    }
                    rest
                }
            },
            _ => return err(at, format!("{{{{{kw}}}}} without {{{{end}}}}")),
        };
        Ok(match kw {
            "if" => Node::If {
                cond: pipe,
                then: body,
                otherwise,
            },
            "range" => Node::Range {
                pipe,
                body,
                otherwise,
            },
            _ => Node::With {
                pipe,
                body,
                otherwise,
            },
        })
    }

    fn string_arg(&mut self) -> Result<String, ParseError> {
        let at = self.at();
        match self.next().map(|t| t.tok) {
            Some(Tok::Str(s)) => Ok(s),
            _ => err(at, "expected a quoted template name"),
        }
    }

    /// A pipeline through `}}` (`top`) or `)`.
    fn pipeline(&mut self, top: bool) -> Result<Pipeline, ParseError> {
        let at = self.at();
        let mut vars = Vec::new();
        let mut assign = false;
        // `$x :=`, `$x =`, `$i, $v :=`
        let save = self.pos;
        let mut decl = Vec::new();
        while let Some(Tok::Variable(v)) = self.peek().cloned() {
            self.pos += 1;
            decl.push(v);
            match self.peek() {
                Some(Tok::Comma) => {
                    self.pos += 1;
                }
                Some(Tok::Declare) => {
                    self.pos += 1;
                    vars = std::mem::take(&mut decl);
                    break;
                }
                Some(Tok::Assign) => {
                    self.pos += 1;
                    vars = std::mem::take(&mut decl);
                    assign = true;
                    break;
                }
                _ => break,
            }
        }
        if vars.is_empty() {
            self.pos = save;
        }
        let mut cmds = Vec::new();
        loop {
            cmds.push(self.command()?);
            match self.next().map(|t| t.tok) {
                Some(Tok::Pipe) => {}
                Some(Tok::Close) if top => break,
                Some(Tok::RParen) if !top => break,
                _ => {
                    return err(
                        self.at(),
                        if top {
                            "expected `|` or `}}`"
                        } else {
                            "expected `|` or `)`"
                        },
                    );
                }
            }
        }
        Ok(Pipeline {
            vars,
            assign,
            cmds,
            at,
        })
    }

    fn command(&mut self) -> Result<Command, ParseError> {
        let at = self.at();
        let mut args = Vec::new();
        while let Some(tok) = self.peek().cloned() {
            let arg = match tok {
                Tok::Pipe | Tok::Close | Tok::RParen => break,
                Tok::Dot => {
                    self.pos += 1;
                    Arg::Dot
                }
                Tok::Field(f) => {
                    self.pos += 1;
                    let mut fields = vec![f];
                    fields.extend(self.fields());
                    Arg::Field(fields)
                }
                Tok::Variable(v) => {
                    self.pos += 1;
                    Arg::Variable(v, self.fields())
                }
                Tok::Ident(i) => {
                    self.pos += 1;
                    match i.as_str() {
                        "true" => Arg::Bool(true),
                        "false" => Arg::Bool(false),
                        "nil" => Arg::Nil,
                        _ => Arg::Ident(i),
                    }
                }
                Tok::Str(s) => {
                    self.pos += 1;
                    Arg::Str(s)
                }
                Tok::Number(n) => {
                    self.pos += 1;
                    Arg::Number(n)
                }
                Tok::Char(c) => {
                    self.pos += 1;
                    Arg::Char(c)
                }
                Tok::LParen => {
                    let paren_at = self.at();
                    self.pos += 1;
                    if self.depth >= MAX_DEPTH {
                        return err(paren_at, "parentheses nest too deep");
                    }
                    self.depth += 1;
                    let inner = self.pipeline(false);
                    self.depth -= 1;
                    Arg::Sub(Box::new(inner?), self.fields())
                }
                other => return err(self.at(), format!("unexpected {other:?} in a command")),
            };
            args.push(arg);
        }
        if args.is_empty() {
            return err(at, "empty command");
        }
        Ok(Command { args, at })
    }

    /// `.a.b` directly following a value (`$x.a`, `(f).a`; `$x .a` is two arguments).
    fn fields(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(t) = self.toks.get(self.pos)
            && let Tok::Field(f) = &t.tok
            && t.at == self.toks[self.pos - 1].end
        {
            out.push(f.clone());
            self.pos += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_unquote_like_go() {
        let lit = |src: &str| quoted(src, 0).map(|(s, _)| s);
        assert_eq!(
            lit(r#""\a\b\f\v\x41\101\u00e9\U0001F600""#).unwrap(),
            "\u{7}\u{8}\u{c}\u{b}AAé😀"
        );
        assert_eq!(lit(r#""tab\there\"q\\""#).unwrap(), "tab\there\"q\\");
        assert_eq!(lit(r"'\''").unwrap(), "'");
        // Escapes Go's strconv.Unquote rejects.
        for bad in [
            r#""\q""#,
            r#""\'""#,
            r#"'\"'"#,
            r#""\x4""#,
            r#""\uD800""#,
            r#""\8""#,
        ] {
            assert!(lit(bad).is_err(), "{bad}");
        }
        assert!(parse(r#"{{ "\q" }}"#).is_err());
    }

    fn field(path: &[&str]) -> Arg {
        Arg::Field(path.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn text_actions_and_trimming() {
        let p = parse("a  {{- .Values.x -}}  b\n{{/* note */}}c").unwrap();
        assert_eq!(
            p.body,
            vec![
                Node::Text("a".into(), 0),
                Node::Action(
                    Pipeline {
                        vars: vec![],
                        assign: false,
                        cmds: vec![Command {
                            args: vec![field(&["Values", "x"])],
                            at: 7
                        }],
                        at: 7
                    },
                    3,
                    20
                ),
                Node::Text("b\n".into(), 22),
                Node::Text("c".into(), 38),
            ]
        );
    }

    #[test]
    fn pipelines_variables_and_literals() {
        let p =
            parse(r#"{{ $x := .Values.name | default "web" | quote }}{{ printf "%s-%d" $x.a 3 }}"#)
                .unwrap();
        let Node::Action(first, ..) = &p.body[0] else {
            panic!()
        };
        assert_eq!(first.vars, vec!["$x".to_string()]);
        assert_eq!(first.cmds.len(), 3);
        assert_eq!(
            first.cmds[1].args,
            vec![Arg::Ident("default".into()), Arg::Str("web".into())]
        );
        let Node::Action(second, ..) = &p.body[1] else {
            panic!()
        };
        assert_eq!(
            second.cmds[0].args,
            vec![
                Arg::Ident("printf".into()),
                Arg::Str("%s-%d".into()),
                Arg::Variable("$x".into(), vec!["a".into()]),
                Arg::Number("3".into()),
            ]
        );
    }

    #[test]
    fn control_structures() {
        let src = r#"{{- if .Values.pdb.enabled }}pdb{{ else if gt (int .Values.replicaCount) 1 }}many{{ else }}none{{ end -}}
{{ range $i, $v := .Values.list }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $v }}{{ else }}empty{{ end }}
{{ with .Values.spread }}{{ toYaml . }}{{ end }}"#;
        let p = parse(src).unwrap();
        let Node::If { otherwise, .. } = &p.body[0] else {
            panic!("{:?}", p.body[0])
        };
        assert!(matches!(otherwise[0], Node::If { .. }));
        let range = p
            .body
            .iter()
            .find(|n| matches!(n, Node::Range { .. }))
            .unwrap();
        let Node::Range {
            pipe, otherwise, ..
        } = range
        else {
            panic!()
        };
        assert_eq!(pipe.vars, vec!["$i".to_string(), "$v".to_string()]);
        assert!(matches!(&otherwise[..], [Node::Text(t, _)] if t == "empty"));
        assert!(p.body.iter().any(|n| matches!(n, Node::With { .. })));
    }

    #[test]
    fn define_template_and_block() {
        let p = parse(
            r#"{{- define "app.name" -}}{{ .Chart.Name }}{{- end -}}
name: {{ include "app.name" . }}
{{ template "app.name" . }}{{ block "extra" . }}default{{ end }}"#,
        )
        .unwrap();
        assert!(p.defines.contains_key("app.name"));
        assert!(matches!(&p.defines["extra"][..], [Node::Text(t, _)] if t == "default"));
        assert!(
            p.body
                .iter()
                .any(|n| matches!(n, Node::Template { name, .. } if name == "extra"))
        );
    }

    #[test]
    fn errors_are_located() {
        let e = parse("ok\n{{ if .x }}never ends").unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.message.contains("without {{end}}"), "{e:?}");
        assert!(parse("{{ .x ").is_err());
        assert!(parse("{{ end }}").is_err());
        assert!(parse("{{ break }}").is_err());
        assert!(parse("{{ \"unterminated }}").is_err());
        let deep = "{{ if . }}".repeat(500) + &"{{ end }}".repeat(500);
        assert!(parse(&deep).unwrap_err().message.contains("nest deeper"));
    }
}
