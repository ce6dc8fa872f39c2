// ---------------------------------------------------------------------------------------
// Sprig: paths (Go's `path`) and URLs (Go's `net/url`)
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;

use super::builtins::{Encode, url_escape};
use super::serial::dispatch_serial;
use super::sprintf::go_quote;
use super::{NIL_DEREF, R, arity, bytes_to_string, map_arg, str_arg};
use crate::ingest::helm::value::{V, Value};

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

pub(super) fn dispatch_paths(name: &str, a: &[Value]) -> Option<R> {
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
