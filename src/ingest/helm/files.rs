//! `.Files`: a chart's own files (never anything outside the chart), with Helm's methods.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;

use super::value::{Obj, Value};

pub type Files = Arc<BTreeMap<String, Arc<str>>>;

/// `.Files.<name> args...`
pub fn method(files: &Files, name: &str, args: &[Value]) -> Result<Value, String> {
    let arg = |i: usize| -> Result<String, String> {
        args.get(i).map(|a| a.to_go_string()).ok_or_else(|| {
            format!(
                "wrong number of args for {name}: want {} got {}",
                i + 1,
                args.len()
            )
        })
    };
    match name {
        "Get" | "GetBytes" => {
            let path = arg(0)?;
            Ok(Value::from(get(files, &path).unwrap_or("")))
        }
        "Lines" => {
            let path = arg(0)?;
            let text = get(files, &path).unwrap_or("");
            if text.is_empty() {
                return Ok(Value::from(Vec::new()));
            }
            let text = text.strip_suffix('\n').unwrap_or(text);
            Ok(Value::from(
                text.split('\n').map(Value::from).collect::<Vec<_>>(),
            ))
        }
        "Glob" => {
            let pattern = arg(0)?;
            let re = glob_regex(&pattern)?;
            let matched: BTreeMap<String, Arc<str>> = files
                .iter()
                .filter(|(k, _)| re.is_match(k))
                .map(|(k, v)| (k.clone(), Arc::clone(v)))
                .collect();
            Ok(super::value::V::Obj(Obj::Files(Arc::new(matched))).into())
        }
        "AsConfig" | "AsSecrets" => {
            // Go marshals the (empty, non-nil) map.
            if files.is_empty() {
                return Ok(Value::from("{}"));
            }
            let map: BTreeMap<String, Value> = files
                .iter()
                .map(|(k, v)| {
                    let base = k.rsplit('/').next().unwrap_or(k).to_string();
                    let content = if name == "AsSecrets" {
                        base64::engine::general_purpose::STANDARD.encode(v.as_bytes())
                    } else {
                        v.to_string()
                    };
                    (base, Value::from(content))
                })
                .collect();
            Ok(Value::from(Value::from(map).to_yaml()))
        }
        _ => Err(format!("can't evaluate field {name} in type chart.Files")),
    }
}

/// A file's text by its path relative to the chart (`./a` and `a` alike); paths that climb
/// out of the chart, or absolute ones, find nothing.
fn get<'f>(files: &'f Files, path: &str) -> Option<&'f str> {
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        return None;
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    files.get(&parts.join("/")).map(|s| &**s)
}

/// gobwas/glob as Helm uses it, with `/` as separator: `*` and `?` stay within a path
/// segment, `**` crosses them, `[...]`/`[!...]` classes, `{a,b}` alternatives.
fn glob_regex(pattern: &str) -> Result<regex::Regex, String> {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut braces = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                re.push_str(".*");
                i += 1;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let Some(end) = chars[i + 1..].iter().position(|&c| c == ']') else {
                    return Err(format!("bad glob pattern {pattern:?}: unclosed ["));
                };
                let class: String = chars[i + 1..i + 1 + end].iter().collect();
                let class = class
                    .strip_prefix('!')
                    .map_or(class.clone(), |c| format!("^{c}"));
                re.push('[');
                re.push_str(&class.replace('\\', "\\\\").replace('[', "\\["));
                re.push(']');
                i += end + 1;
            }
            '{' => {
                braces += 1;
                re.push_str("(?:");
            }
            '}' if braces > 0 => {
                braces -= 1;
                re.push(')');
            }
            ',' if braces > 0 => re.push('|'),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                re.push_str(&regex::escape(&chars[i].to_string()));
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    if braces > 0 {
        return Err(format!("bad glob pattern {pattern:?}: unclosed {{"));
    }
    re.push('$');
    regex::Regex::new(&re).map_err(|e| format!("bad glob pattern {pattern:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        Arc::new(
            [
                ("config/a.conf", "a=1\n"),
                ("config/sub/b.conf", "b=2"),
                ("README.md", "hi"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Arc::from(v)))
            .collect(),
        )
    }

    #[test]
    fn get_stays_inside_the_chart() {
        let f = files();
        assert_eq!(get(&f, "./config/a.conf"), Some("a=1\n"));
        assert_eq!(get(&f, "config/../README.md"), Some("hi"));
        assert_eq!(get(&f, "../README.md"), None);
        assert_eq!(get(&f, "/etc/passwd"), None);
    }

    #[test]
    fn glob_and_as_config() {
        let f = files();
        let g = method(&f, "Glob", &[Value::from("config/*")]).unwrap();
        let super::super::value::V::Obj(Obj::Files(g)) = g.v else {
            panic!()
        };
        assert_eq!(g.keys().collect::<Vec<_>>(), ["config/a.conf"]);
        let cfg = method(&g, "AsConfig", &[]).unwrap();
        assert_eq!(cfg.as_str(), Some("a.conf: |\n  a=1"));
        let all = method(&f, "Glob", &[Value::from("**.conf")]).unwrap();
        assert!(matches!(all.v, super::super::value::V::Obj(Obj::Files(ref m)) if m.len() == 2));
        let lines = method(&f, "Lines", &[Value::from("config/a.conf")]).unwrap();
        assert_eq!(lines.to_go_string(), "[a=1]");
    }
}
