//! Terraform's collection functions (`length`, `element`, `slice`, `merge`, `range`, ...).

use std::collections::BTreeMap;

use super::{FnResult, MAX_ELEMENTS, int, list_of, map_of, num, set_of, string, unknown_in, want};
use crate::model::terraform::{Unknown, Value};

/// The collection functions that tolerate unknown arguments; `None`: not one of them.
pub(super) fn tolerant(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "length" => length(name, args),
        "concat" => concat(args),
        "element" => element(name, args),
        "slice" => slice(name, args),
        "flatten" => flatten(name, args),
        "compact" => compact(name, args),
        "distinct" => distinct(name, args),
        "coalesce" => coalesce(args),
        "coalescelist" => coalescelist(args),
        "keys" | "values" => keys_values(name, args),
        "merge" => merge(args),
        "lookup" => lookup(name, args),
        "zipmap" => zipmap(name, args),
        "contains" => contains(name, args),
        "one" => one(name, args),
        "reverse" => reverse(name, args),
        "setunion" => setunion(name, args),
        "chunklist" => chunklist(name, args),
        "alltrue" | "anytrue" => all_any(name, args),
        _ => return None,
    })
}

/// The collection functions that need every argument known; `None`: not one of them.
pub(super) fn strict(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "range" => range(name, args),
        "index" => index(name, args),
        "sort" => sort(name, args),
        "setintersection" | "setsubtract" => setintersection_setsubtract(name, args),
        "sum" => sum(name, args),
        "setproduct" => setproduct(name, args),
        "matchkeys" => matchkeys(name, args),
        "transpose" => transpose(name, args),
        _ => return None,
    })
}

fn length(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        Value::List(items) => Ok(Value::Number(items.len() as f64)),
        Value::Map(m) => Ok(Value::Number(m.len() as f64)),
        Value::String(s) => Ok(Value::Number(s.chars().count() as f64)),
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        other => Err(format!("length() of a {}", other.type_name())),
    }
}

fn concat(args: &[Value]) -> FnResult {
    let mut out = Vec::new();
    for a in args {
        match a {
            Value::List(items) => out.extend(items.iter().cloned()),
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            other => return Err(format!("concat() of a {}", other.type_name())),
        }
    }
    Ok(Value::List(out))
}

fn element(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    let Value::List(items) = &args[0] else {
        return if args[0].is_unknown() {
            Ok(Value::UNKNOWN)
        } else {
            Err("element() needs a list".into())
        };
    };
    if args[1].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    if items.is_empty() {
        return Err("element() of an empty list".into());
    }
    let i = int(&args[1], name)?;
    if i < 0 {
        return Err("element() index must not be negative".into());
    }
    Ok(items[i as usize % items.len()].clone())
}

fn slice(name: &str, args: &[Value]) -> FnResult {
    want(args, 3, name)?;
    // A slice of an unknown list has a known length (or the call fails).
    if args[0].is_unknown()
        && let (Some(from), Some(to)) = (args[1].as_i64(), args[2].as_i64())
        && (0..=MAX_ELEMENTS as i64).contains(&from)
        && (from..=MAX_ELEMENTS as i64).contains(&to)
    {
        return Ok(Value::List(vec![Value::UNKNOWN; (to - from) as usize]));
    }
    if unknown_in(args) {
        return Ok(Value::UNKNOWN);
    }
    let items = list_of(&args[0], name)?;
    let (from, to) = (int(&args[1], name)?, int(&args[2], name)?);
    if from < 0 || to < from || to as usize > items.len() {
        return Err(format!(
            "slice({from}, {to}) out of range for a list of {}",
            items.len()
        ));
    }
    Ok(Value::List(items[from as usize..to as usize].to_vec()))
}

fn flatten(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    if args[0].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let mut out = Vec::new();
    flatten_into(&args[0], &mut out);
    // An unknown element may be a list of any length: the result's length is unknown too,
    // unless the element is known to be one string (a resource's `id`).
    let scalar = |v: &Value| match v {
        Value::Unknown(Unknown::Attr(_, attr)) => matches!(attr.as_str(), "id" | "arn" | "name"),
        v => !v.is_unknown(),
    };
    if !out.iter().all(scalar) {
        return Ok(Value::UNKNOWN);
    }
    Ok(Value::List(out))
}

fn compact(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    if args[0].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let items = list_of(&args[0], name)?;
    Ok(Value::List(
        items
            .iter()
            .filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
            .cloned()
            .collect(),
    ))
}

fn distinct(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    if args[0].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let items = list_of(&args[0], name)?;
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(out))
}

fn coalesce(args: &[Value]) -> FnResult {
    for a in args {
        match a {
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            v => return Ok(v.clone()),
        }
    }
    Err("coalesce(): no non-null, non-empty argument".into())
}

fn coalescelist(args: &[Value]) -> FnResult {
    for a in args {
        match a {
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            Value::List(items) if items.is_empty() => {}
            v @ Value::List(_) => return Ok(v.clone()),
            other => return Err(format!("coalescelist() of a {}", other.type_name())),
        }
    }
    Err("coalescelist(): every list is empty".into())
}

/// `keys(map)` and `values(map)`.
fn keys_values(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    if args[0].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let m = map_of(&args[0], name)?;
    Ok(Value::List(if name == "keys" {
        m.keys().map(|k| Value::String(k.clone())).collect()
    } else {
        m.values().cloned().collect()
    }))
}

fn merge(args: &[Value]) -> FnResult {
    let mut out = BTreeMap::new();
    for a in args {
        match a {
            Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Value::Null => {}
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            other => return Err(format!("merge() of a {}", other.type_name())),
        }
    }
    Ok(Value::Map(out))
}

fn lookup(name: &str, args: &[Value]) -> FnResult {
    if !(2..=3).contains(&args.len()) {
        return Err("lookup() takes 2 or 3 arguments".into());
    }
    if args[0].is_unknown() || args[1].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let m = map_of(&args[0], name)?;
    let key = string(&args[1], name)?;
    match (m.get(&key), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("lookup(): no key {key:?} and no default")),
    }
}

fn zipmap(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    if unknown_in(args) {
        return Ok(Value::UNKNOWN);
    }
    let (ks, vs) = (list_of(&args[0], name)?, list_of(&args[1], name)?);
    if ks.len() != vs.len() {
        return Err("zipmap(): the lists differ in length".into());
    }
    let mut out = BTreeMap::new();
    for (k, v) in ks.iter().zip(vs) {
        if k.is_unknown() {
            return Ok(Value::UNKNOWN);
        }
        out.insert(string(k, name)?, v.clone());
    }
    Ok(Value::Map(out))
}

fn contains(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    if args[0].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let items = list_of(&args[0], name)?;
    if items.contains(&args[1]) {
        return Ok(Value::Bool(true));
    }
    Ok(
        if items.iter().any(Value::is_unknown) || args[1].is_unknown() {
            Value::UNKNOWN
        } else {
            Value::Bool(false)
        },
    )
}

fn one(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        Value::List(items) if items.is_empty() => Ok(Value::Null),
        Value::List(items) if items.len() == 1 => Ok(items[0].clone()),
        Value::List(_) => Err("one() of a list with more than one element".into()),
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        other => Err(format!("one() of a {}", other.type_name())),
    }
}

fn reverse(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    if args[0].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let mut items = list_of(&args[0], name)?.to_vec();
    items.reverse();
    Ok(Value::List(items))
}

fn setunion(name: &str, args: &[Value]) -> FnResult {
    let mut all = Vec::new();
    for a in args {
        if a.is_unknown() {
            return Ok(Value::UNKNOWN);
        }
        all.extend(list_of(a, name)?.iter().cloned());
    }
    Ok(set_of(&all))
}

fn chunklist(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    if unknown_in(args) {
        return Ok(Value::UNKNOWN);
    }
    let items = list_of(&args[0], name)?;
    let size = int(&args[1], name)?;
    if size <= 0 {
        return Ok(Value::List(vec![Value::List(items.to_vec())]));
    }
    Ok(Value::List(
        items
            .chunks(size as usize)
            .map(|c| Value::List(c.to_vec()))
            .collect(),
    ))
}

fn range(name: &str, args: &[Value]) -> FnResult {
    let nums = args
        .iter()
        .map(|a| num(a, name))
        .collect::<Result<Vec<_>, _>>()?;
    let (start, end, step) = match nums[..] {
        [end] => (0.0, end, 1.0),
        [start, end] => (start, end, if end >= start { 1.0 } else { -1.0 }),
        [start, end, step] => (start, end, step),
        _ => return Err("range() takes 1 to 3 arguments".into()),
    };
    if step == 0.0 {
        return Err("range(): step must not be zero".into());
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() >= MAX_ELEMENTS {
            return Err(format!("range() longer than {MAX_ELEMENTS} elements"));
        }
        out.push(Value::Number(x));
        x += step;
    }
    Ok(Value::List(out))
}

fn index(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    let items = list_of(&args[0], name)?;
    items
        .iter()
        .position(|v| v == &args[1])
        .map(|i| Value::Number(i as f64))
        .ok_or_else(|| format!("index(): {} is not in the list", args[1]))
}

fn sort(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let mut items = list_of(&args[0], name)?
        .iter()
        .map(|v| string(v, name))
        .collect::<Result<Vec<_>, _>>()?;
    items.sort();
    Ok(Value::List(items.into_iter().map(Value::String).collect()))
}

/// `setintersection(sets...)` and `setsubtract(a, b)`.
fn setintersection_setsubtract(name: &str, args: &[Value]) -> FnResult {
    let first = args
        .first()
        .ok_or_else(|| format!("{name}() needs arguments"))?;
    let mut items = list_of(first, name)?.to_vec();
    for a in &args[1..] {
        let other = list_of(a, name)?;
        items.retain(|v| other.contains(v) == (name == "setintersection"));
    }
    Ok(set_of(&items))
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::List(items) => items.iter().for_each(|i| flatten_into(i, out)),
        other => out.push(other.clone()),
    }
}

/// `alltrue(list)` / `anytrue(list)`: one known element can decide while others are unknown.
fn all_any(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let items = match &args[0] {
        Value::Unknown(_) => return Ok(Value::UNKNOWN),
        v => list_of(v, name)?,
    };
    let decisive = name == "anytrue";
    let mut unknown = false;
    for v in items {
        match v {
            Value::Bool(b) if *b == decisive => return Ok(Value::Bool(decisive)),
            Value::Bool(_) => {}
            Value::String(s) if s == "true" || s == "false" => {
                if (s == "true") == decisive {
                    return Ok(Value::Bool(decisive));
                }
            }
            Value::Unknown(_) => unknown = true,
            other => return Err(format!("{name}() needs a list of bools, got {other}")),
        }
    }
    Ok(if unknown {
        Value::UNKNOWN
    } else {
        Value::Bool(!decisive)
    })
}

fn sum(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let items = match &args[0] {
        Value::Map(m) => m.values().cloned().collect(),
        v => list_of(v, name)?.to_vec(),
    };
    if items.is_empty() {
        return Err("sum() of an empty list".into());
    }
    let mut total = 0.0;
    for v in &items {
        total += num(v, name)?;
    }
    Ok(Value::Number(total))
}

/// `setproduct(sets...)`: every combination, first argument varying slowest.
fn setproduct(name: &str, args: &[Value]) -> FnResult {
    if args.is_empty() {
        return Err("setproduct() needs at least one argument".into());
    }
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for a in args {
        let items = list_of(a, name)?;
        if out.len().saturating_mul(items.len()) > MAX_ELEMENTS {
            return Err(format!(
                "setproduct(): more than {MAX_ELEMENTS} combinations"
            ));
        }
        out = out
            .into_iter()
            .flat_map(|prefix| {
                items.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v.clone());
                    p
                })
            })
            .collect();
    }
    Ok(Value::List(out.into_iter().map(Value::List).collect()))
}

/// `matchkeys(values, keys, searchset)`: the values whose key is in the search set.
fn matchkeys(name: &str, args: &[Value]) -> FnResult {
    want(args, 3, name)?;
    let (values, keys, search) = (
        list_of(&args[0], name)?,
        list_of(&args[1], name)?,
        list_of(&args[2], name)?,
    );
    if values.len() != keys.len() {
        return Err("matchkeys(): values and keys must have the same length".into());
    }
    let mut out: Vec<Value> = Vec::new();
    for (v, k) in values.iter().zip(keys) {
        if search.contains(k) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(out))
}

/// `transpose(map of lists of strings)`.
fn transpose(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in map_of(&args[0], name)? {
        for item in list_of(v, name)? {
            let key = string(item, name)?;
            out.entry(key).or_default().push(Value::String(k.clone()));
        }
    }
    Ok(Value::Map(
        out.into_iter().map(|(k, v)| (k, Value::List(v))).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::super::tests::{l, n, s};
    use crate::model::terraform::Value;

    #[test]
    fn list_functions() {
        let azs = l(vec![s("a"), s("b"), s("c")]);
        assert_eq!(call("length", std::slice::from_ref(&azs)).unwrap(), n(3.0));
        assert_eq!(call("element", &[azs.clone(), n(4.0)]).unwrap(), s("b"));
        assert_eq!(
            call("slice", &[azs.clone(), n(0.0), n(2.0)]).unwrap(),
            l(vec![s("a"), s("b")])
        );
        assert!(call("slice", &[azs.clone(), n(0.0), n(4.0)]).is_err());
        assert_eq!(
            call("toset", &[l(vec![s("b"), s("a"), s("b")])]).unwrap(),
            l(vec![s("a"), s("b")])
        );
        assert_eq!(
            call(
                "flatten",
                &[l(vec![l(vec![s("a")]), l(vec![s("b"), s("c")])])]
            )
            .unwrap(),
            azs
        );
        assert_eq!(
            call("range", &[n(3.0)]).unwrap(),
            l(vec![n(0.0), n(1.0), n(2.0)])
        );
        assert!(call("range", &[n(1e9)]).is_err());
        assert_eq!(
            call("length", &[l(vec![Value::UNKNOWN, Value::UNKNOWN])]).unwrap(),
            n(2.0)
        );
        assert_eq!(
            call("compact", &[l(vec![s("a"), s(""), Value::Null])]).unwrap(),
            l(vec![s("a")])
        );
    }
}
