//! `--set` assignments as Helm parses them: `a.b=1,c[0]=x,list={a,b}`, with `\` escapes.
//! Values are typed (`true`, `false`, `null`, integers); everything else is a string.

use std::rc::Rc;

use super::value::{Origin, V, Value};

/// Largest list index `--set a[i]=x` may create.
const MAX_INDEX: usize = 65_536;

/// Parses one `--set` argument into a values map.
pub fn parse(s: &str, origin: Option<Rc<Origin>>) -> Result<Value, String> {
    let root = Value::new_map();
    for part in split_unescaped(s, ',', true) {
        if part.is_empty() {
            continue;
        }
        let Some((key, raw)) = split_once_unescaped(&part, '=') else {
            return Err(format!("key {part:?} has no value"));
        };
        let value = if raw.starts_with('{') && raw.ends_with('}') && raw.len() >= 2 {
            let items = split_unescaped(&raw[1..raw.len() - 1], ',', false);
            Value::from(
                items
                    .into_iter()
                    .filter(|i| !i.is_empty())
                    .map(|i| typed(&unescape(&i)))
                    .collect::<Vec<_>>(),
            )
        } else {
            typed(&unescape(&raw))
        }
        .with_origin(origin.clone());
        let path = key_path(&key)?;
        assign(&root, &path, value)?;
    }
    Ok(root)
}

#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn key_path(key: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for part in split_unescaped(key, '.', false) {
        let part_u = part.as_str();
        let (name, mut rest) = match part_u.find('[') {
            Some(i) => (&part_u[..i], &part_u[i..]),
            None => (part_u, ""),
        };
        if name.is_empty() && out.is_empty() {
            return Err(format!("key {key:?} has an empty name"));
        }
        if !name.is_empty() {
            out.push(Step::Key(unescape(name)));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return Err(format!("key {key:?}: unclosed ["));
            };
            let i: usize = r[..end]
                .parse()
                .map_err(|_| format!("key {key:?}: bad list index {:?}", &r[..end]))?;
            if i > MAX_INDEX {
                return Err(format!(
                    "key {key:?}: list index {i} too large (max {MAX_INDEX})"
                ));
            }
            out.push(Step::Index(i));
            rest = &r[end + 1..];
        }
    }
    Ok(out)
}

fn assign(target: &Value, path: &[Step], value: Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    let Step::Key(k) = first else {
        return Err("a list index needs a key before it".into());
    };
    if rest.is_empty() {
        return target.map_set(k, value);
    }
    let existing = target.map_get(k);
    match rest[0] {
        Step::Key(_) => {
            let child = existing
                .filter(|v| v.as_map().is_some())
                .unwrap_or_else(Value::new_map);
            assign(&child, rest, value)?;
            target.map_set(k, child)
        }
        Step::Index(i) => {
            let mut items = existing
                .and_then(|v| v.as_list().map(<[Value]>::to_vec))
                .unwrap_or_default();
            if items.len() <= i {
                items.resize(i + 1, Value::nil());
            }
            if rest.len() == 1 {
                items[i] = value;
            } else {
                let child = Some(items[i].clone())
                    .filter(|v| v.as_map().is_some())
                    .unwrap_or_else(Value::new_map);
                let Step::Index(_) = rest[0] else {
                    unreachable!()
                };
                // `a[0].b=x`: the rest after the index applies to the item.
                let mut sub = vec![Step::Key("\0item".into())];
                sub.extend(rest[1..].iter().map(|s| match s {
                    Step::Key(k) => Step::Key(k.clone()),
                    Step::Index(i) => Step::Index(*i),
                }));
                let holder = Value::new_map();
                holder.map_set("\0item", child)?;
                assign(&holder, &sub, value)?;
                items[i] = holder.map_get("\0item").unwrap_or_default();
            }
            target.map_set(k, Value::from(items))
        }
    }
}

fn typed(s: &str) -> Value {
    match s {
        "true" => Value::from(true),
        "false" => Value::from(false),
        "null" => Value::nil(),
        _ => match s.parse::<i64>() {
            // Helm keeps `0`-prefixed numbers (`007`) as strings.
            Ok(i) if !(s.len() > 1 && s.starts_with('0')) => Value::from(i),
            _ => V::Str(s.into()).into(),
        },
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits on unescaped `sep` (outside `{...}` when `braces`); escapes are kept.
fn split_unescaped(s: &str, sep: char, braces: bool) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0usize;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let cur = out.last_mut().expect("never empty");
        match c {
            '\\' => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '{' if braces => {
                depth += 1;
                cur.push(c);
            }
            '}' if braces => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            c if c == sep && depth == 0 => out.push(String::new()),
            c => cur.push(c),
        }
    }
    out
}

fn split_once_unescaped(s: &str, sep: char) -> Option<(String, String)> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            return Some((s[..i].to_string(), s[i + 1..].to_string()));
        }
    }
    None
}

/// `key=value` pairs for `--set-string`: values stay strings.
pub fn parse_string(s: &str, origin: Option<Rc<Origin>>) -> Result<Value, String> {
    let root = Value::new_map();
    for part in split_unescaped(s, ',', false) {
        if part.is_empty() {
            continue;
        }
        let Some((key, raw)) = split_once_unescaped(&part, '=') else {
            return Err(format!("key {part:?} has no value"));
        };
        let value = Value::from(unescape(&raw)).with_origin(origin.clone());
        assign(&root, &key_path(&key)?, value)?;
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(v: &Value) -> String {
        v.to_yaml()
    }

    #[test]
    fn nested_keys_lists_and_types() {
        let v = parse("a.b=1,c=true,d=x\\,y,e={p,q},f[1].g=h,i=007,j=null", None).unwrap();
        assert_eq!(
            yaml(&v),
            "a:\n  b: 1\nc: true\nd: x,y\ne:\n- p\n- q\nf:\n- null\n- g: h\ni: \"007\"\nj: null"
        );
    }

    #[test]
    fn errors_and_strings() {
        assert!(parse("novalue", None).is_err());
        assert!(parse("a[99999999]=1", None).is_err());
        let v = parse_string("a=true,b=1", None).unwrap();
        assert_eq!(yaml(&v), "a: \"true\"\nb: \"1\"");
        let dotted = parse("nodeSelector.kubernetes\\.io/os=linux", None).unwrap();
        assert_eq!(yaml(&dotted), "nodeSelector:\n  kubernetes.io/os: linux");
    }
}
