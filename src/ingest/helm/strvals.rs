//! `--set` assignments as Helm parses them: `a.b=1,c[0]=x,list={a,b}`, with `\` escapes.
//! Values are typed (`true`, `false`, `null`, integers); everything else is a string.

use std::rc::Rc;

use super::value::{Origin, V, Value};

/// Largest list index `--set a[i]=x` may create (Helm's `MaxIndex`).
const MAX_INDEX: usize = 65_536;
/// Deepest nesting of names in a key (`a.b.c...`; Helm's `MaxNestedNameLevel`), and of list
/// indexes (`a[0][0]...`; spoflint's).
const MAX_NESTING: usize = 30;
/// List slots (created, or copied when a list is assigned into again) that the `--set`
/// assignments of one scan may cost together.
pub const MAX_SET_SLOTS: usize = 1_000_000;

/// Parses one `--set` argument into a values map.
pub fn parse(s: &str, origin: Option<Rc<Origin>>) -> Result<Value, String> {
    parse_within(s, origin, false, &mut MAX_SET_SLOTS.clone())
}

/// `key=value` pairs for `--set-string`: values stay strings.
pub fn parse_string(s: &str, origin: Option<Rc<Origin>>) -> Result<Value, String> {
    parse_within(s, origin, true, &mut MAX_SET_SLOTS.clone())
}

/// Parses one `--set` (or, with `string`, `--set-string`) argument, paying for the list slots
/// it creates or copies from `slots`.
pub fn parse_within(
    s: &str,
    origin: Option<Rc<Origin>>,
    string: bool,
    slots: &mut usize,
) -> Result<Value, String> {
    if string {
        let root = Value::new_map();
        for part in split_unescaped(s, ',', false) {
            if part.is_empty() {
                continue;
            }
            let Some((key, raw)) = split_once_unescaped(&part, '=') else {
                return Err(format!("key {} has no value", shown(&part)));
            };
            let value = Value::from(unescape(&raw)).with_origin(origin.clone());
            assign(&root, &key_path(&key)?, value, slots)?;
        }
        return Ok(root);
    }
    let root = Value::new_map();
    for part in split_unescaped(s, ',', true) {
        if part.is_empty() {
            continue;
        }
        let Some((key, raw)) = split_once_unescaped(&part, '=') else {
            return Err(format!("key {} has no value", shown(&part)));
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
        assign(&root, &path, value, slots)?;
    }
    Ok(root)
}

/// A key (or part of one) quoted in a message: cut after 60 characters.
fn shown(key: &str) -> String {
    match key.char_indices().nth(60) {
        Some((cut, _)) => format!("{:?}…", &key[..cut]),
        None => format!("{key:?}"),
    }
}

/// Pays `n` list slots from `slots`.
fn pay(slots: &mut usize, n: usize) -> Result<(), String> {
    *slots = slots.checked_sub(n).ok_or_else(|| {
        format!(
            "the --set values create or copy more than {MAX_SET_SLOTS} list items together (large indexes such as a[65536] allocate every item before them)"
        )
    })?;
    Ok(())
}

#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn key_path(key: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for part in split_unescaped(key, '.', false) {
        // Past the bounds checked below: stop reading the key.
        if out.len() > 2 * MAX_NESTING + 1 {
            break;
        }
        let part_u = part.as_str();
        let (name, mut rest) = match part_u.find('[') {
            Some(i) => (&part_u[..i], &part_u[i..]),
            None => (part_u, ""),
        };
        if name.is_empty() && out.is_empty() {
            return Err(format!("key {} has an empty name", shown(key)));
        }
        if !name.is_empty() {
            out.push(Step::Key(unescape(name)));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return Err(format!("key {}: unclosed [", shown(key)));
            };
            let i: usize = r[..end]
                .parse()
                .map_err(|_| format!("key {}: bad list index {}", shown(key), shown(&r[..end])))?;
            if i > MAX_INDEX {
                return Err(format!(
                    "key {}: list index {i} too large (max {MAX_INDEX})",
                    shown(key)
                ));
            }
            out.push(Step::Index(i));
            rest = &r[end + 1..];
            if out.len() > 2 * MAX_NESTING + 1 {
                break;
            }
        }
    }
    let names = out.iter().filter(|s| matches!(s, Step::Key(_))).count();
    if names > MAX_NESTING + 1 {
        return Err(format!(
            "key {}: value name nested level is greater than maximum supported nested level of {MAX_NESTING}",
            shown(key)
        ));
    }
    if out.len() - names > MAX_NESTING {
        return Err(format!(
            "key {}: list indexes nested more than {MAX_NESTING} deep",
            shown(key)
        ));
    }
    Ok(out)
}

fn assign(target: &Value, path: &[Step], value: Value, slots: &mut usize) -> Result<(), String> {
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
            assign(&child, rest, value, slots)?;
            target.map_set(k, child)
        }
        Step::Index(i) => {
            let mut items = existing
                .and_then(|v| v.as_list().map(<[Value]>::to_vec))
                .unwrap_or_default();
            pay(slots, items.len().max(i + 1))?;
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
                assign(&holder, &sub, value, slots)?;
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
    fn nesting_and_list_sizes_are_bounded() {
        let deep_names = vec!["a"; 32].join(".") + "=1";
        let e = parse(&deep_names, None).unwrap_err();
        assert!(e.contains("maximum supported nested level of 30"), "{e}");
        assert!(parse(&(vec!["a"; 31].join(".") + "=1"), None).is_ok());
        let deep_lists = format!("a{}=1", "[0]".repeat(31));
        assert!(
            parse(&deep_lists, None)
                .unwrap_err()
                .contains("nested more than 30")
        );
        // A key of a million `[0]`s is refused before anything is built.
        let huge = format!("a{}=1", "[0]".repeat(1_000_000));
        assert!(parse(&huge, None).is_err());
        // Large indexes pay for every slot before them, across assignments.
        let mut slots = MAX_SET_SLOTS;
        let many: Vec<String> = (0..20).map(|i| format!("k{i}[65536]=1")).collect();
        let e = parse_within(&many.join(","), None, false, &mut slots).unwrap_err();
        assert!(e.contains("more than 1000000 list items"), "{e}");
        // Assigning into one list again and again pays for each copy.
        let mut slots = MAX_SET_SLOTS;
        let again: Vec<String> = (0..100).map(|i| format!("a[{}]=1", 65536 - i)).collect();
        assert!(parse_within(&again.join(","), None, false, &mut slots).is_err());
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
