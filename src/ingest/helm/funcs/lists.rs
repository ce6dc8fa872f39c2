// ---------------------------------------------------------------------------------------
// Sprig: defaults, flow and lists
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use super::dicts::dispatch_dicts;
use super::math::to_int64;
use super::{
    MAX_ITEMS, NIL_DEREF, R, arity, arity_min, bool_arg, int_arg, kind_for_error, list, slice_items,
};
use crate::ingest::helm::value::{MAX_PRINT_DEPTH, Obj, V, Value};

/// Sprig's `empty`: nil, false, 0, and empty strings, lists and maps.
pub(super) fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// The items of a Sprig list argument; `msg` has `{}` where Go names the kind.
fn list_arg(v: &Value, msg: &str) -> Result<Vec<Value>, String> {
    if v.is_nil() {
        return Err(NIL_DEREF.to_string());
    }
    slice_items(v).ok_or_else(|| msg.replace("{}", kind_for_error(v)))
}

/// `reflect.DeepEqual` on template values.
pub(super) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_within(a, b, 0, &mut 1_000_000)
}

/// [`deep_equal`] that gives up (unequal) after `budget` comparisons or at the depth limit
/// (a dict can be `set` into itself).
fn deep_equal_within(a: &Value, b: &Value, depth: usize, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match (&a.v, &b.v) {
        (V::Nil, V::Nil) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Float(x), V::Float(y)) => x == y,
        (V::Str(x), V::Str(y)) => x == y,
        (V::List(x), V::List(y)) => {
            Rc::ptr_eq(x, y)
                || depth < MAX_PRINT_DEPTH
                    && x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|(p, q)| deep_equal_within(p, q, depth + 1, budget))
        }
        (V::Map(x), V::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            if depth >= MAX_PRINT_DEPTH {
                return false;
            }
            let (x, y) = (a.map_entries(), b.map_entries());
            x.len() == y.len()
                && x.iter().zip(y.iter()).all(|((k1, v1), (k2, v2))| {
                    k1 == k2 && deep_equal_within(v1, v2, depth + 1, budget)
                })
        }
        (V::Obj(Obj::Files(x)), V::Obj(Obj::Files(y))) => x == y,
        (V::Obj(Obj::ApiVersions(x)), V::Obj(Obj::ApiVersions(y))) => x == y,
        _ => false,
    }
}

/// A hashable stand-in for scalars, so that `uniq` and `without` stay linear on them.
#[derive(Hash, PartialEq, Eq)]
enum ScalarKey {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(Arc<str>),
}

fn scalar_key(v: &Value) -> Option<ScalarKey> {
    Some(match &v.v {
        V::Nil => ScalarKey::Nil,
        V::Bool(b) => ScalarKey::Bool(*b),
        V::Int(i) => ScalarKey::Int(*i),
        V::Float(f) if f.is_nan() => return None,
        V::Float(f) => ScalarKey::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
        V::Str(s) => ScalarKey::Str(s.clone()),
        _ => return None,
    })
}

/// A set of values compared with `reflect.DeepEqual`.
#[derive(Default)]
struct ValueSet {
    scalars: std::collections::HashSet<ScalarKey>,
    others: Vec<Value>,
}

impl ValueSet {
    fn contains(&self, v: &Value) -> bool {
        match scalar_key(v) {
            Some(k) => self.scalars.contains(&k),
            None => {
                let mut budget = 1_000_000;
                self.others
                    .iter()
                    .any(|o| deep_equal_within(o, v, 0, &mut budget))
            }
        }
    }

    fn insert(&mut self, v: &Value) {
        match scalar_key(v) {
            Some(k) => {
                self.scalars.insert(k);
            }
            None => self.others.push(v.clone()),
        }
    }
}

/// `copystructure.Copy`, bounded in depth and in the number of values it makes.
fn deep_copy(v: &Value, depth: usize, budget: &mut usize) -> R {
    if depth > MAX_PRINT_DEPTH {
        return Err("deepCopy error: nesting too deep".into());
    }
    if *budget == 0 {
        return Err(format!("deepCopy error: more than {MAX_ITEMS} values"));
    }
    *budget -= 1;
    Ok(match &v.v {
        V::List(l) => {
            let items = l
                .iter()
                .map(|i| deep_copy(i, depth + 1, budget))
                .collect::<Result<Vec<_>, _>>()?;
            Value::from(items).with_origin(v.origin.clone())
        }
        V::Map(_) => {
            let mut m = BTreeMap::new();
            for (k, i) in v.map_entries() {
                m.insert(k, deep_copy(&i, depth + 1, budget)?);
            }
            Value::from(m).with_origin(v.origin.clone())
        }
        _ => v.clone(),
    })
}

pub(super) fn dispatch_lists(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        "default" => arity_min(name, a, 1).map(|_| match a.get(1) {
            Some(given) if !is_empty(given) => given.clone(),
            _ => a[0].clone(),
        }),
        "empty" => arity(name, a, 1).map(|_| Value::from(is_empty(&a[0]))),
        "coalesce" => Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or_default()),
        "all" => Ok(Value::from(a.iter().all(|v| !is_empty(v)))),
        "any" => Ok(Value::from(a.iter().any(|v| !is_empty(v)))),
        "ternary" => arity(name, a, 3)
            .and_then(|_| bool_arg(&a[2]))
            .map(|c| if c { a[0].clone() } else { a[1].clone() }),
        "deepCopy" | "mustDeepCopy" => {
            let mut budget = MAX_ITEMS;
            arity(name, a, 1).and_then(|_| deep_copy(&a[0], 0, &mut budget))
        }
        "compact" | "mustCompact" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot compact on type {}"))
            .and_then(|l| list(l.into_iter().filter(|v| !is_empty(v)).collect())),
        "list" | "tuple" => list(a.to_vec()),
        "append" | "push" | "mustAppend" | "mustPush" => (|| {
            arity(name, a, 2)?;
            let mut l = list_arg(&a[0], "Cannot push on type {}")?;
            l.push(a[1].clone());
            list(l)
        })(),
        "prepend" | "mustPrepend" => (|| {
            arity(name, a, 2)?;
            let mut l = list_arg(&a[0], "Cannot prepend on type {}")?;
            l.insert(0, a[1].clone());
            list(l)
        })(),
        "first" | "mustFirst" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find first on type {}"))
            .map(|l| l.first().cloned().unwrap_or_default()),
        "last" | "mustLast" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find last on type {}"))
            .map(|l| l.last().cloned().unwrap_or_default()),
        "rest" | "mustRest" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find rest on type {}"))
            .and_then(|l| list(l.get(1..).unwrap_or_default().to_vec())),
        "initial" | "mustInitial" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find initial on type {}"))
            .and_then(|mut l| {
                l.pop();
                list(l)
            }),
        "reverse" | "mustReverse" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find reverse on type {}"))
            .and_then(|mut l| {
                l.reverse();
                list(l)
            }),
        "uniq" | "mustUniq" => arity(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find uniq on type {}"))
            .and_then(|l| {
                let mut seen = ValueSet::default();
                let mut out = Vec::new();
                for v in l {
                    if !seen.contains(&v) {
                        seen.insert(&v);
                        out.push(v);
                    }
                }
                list(out)
            }),
        "without" | "mustWithout" => arity_min(name, a, 1)
            .and_then(|_| list_arg(&a[0], "Cannot find without on type {}"))
            .and_then(|l| {
                let mut omit = ValueSet::default();
                a[1..].iter().for_each(|v| omit.insert(v));
                list(l.into_iter().filter(|v| !omit.contains(v)).collect())
            }),
        "has" | "mustHas" => (|| {
            arity(name, a, 2)?;
            if a[1].is_nil() {
                return Ok(Value::from(false));
            }
            let l = list_arg(&a[1], "Cannot find has on type {}")?;
            Ok(Value::from(l.iter().any(|v| deep_equal(&a[0], v))))
        })(),
        "slice" | "mustSlice" => (|| {
            arity_min(name, a, 1)?;
            let l = list_arg(&a[0], "list should be type of slice or array but {}")?;
            if l.is_empty() {
                return Ok(Value::nil());
            }
            let start = a.get(1).map_or(0, to_int64);
            let end = a.get(2).map_or(l.len() as i64, to_int64);
            if start < 0 || end < start || end > l.len() as i64 {
                return Err("reflect: slice index out of range".into());
            }
            list(l[start as usize..end as usize].to_vec())
        })(),
        "concat" => (|| {
            let mut out = Vec::new();
            for v in a {
                out.extend(list_arg(v, "Cannot concat type {} as list")?);
                if out.len() > MAX_ITEMS {
                    return Err(format!("concat: too many items (the limit is {MAX_ITEMS})"));
                }
            }
            list(out)
        })(),
        "chunk" | "mustChunk" => (|| {
            arity(name, a, 2)?;
            let size = int_arg(&a[0])?;
            let l = list_arg(&a[1], "Cannot chunk type {}")?;
            if size <= 0 {
                return Err("runtime error: makeslice: len out of range".into());
            }
            list(
                l.chunks(size as usize)
                    .map(|c| Value::from(c.to_vec()))
                    .collect(),
            )
        })(),
        _ => return dispatch_dicts(name, a),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{d, err, f, i, l, ok, out, s};
    use super::*;

    #[test]
    fn defaults_and_flow() {
        for empty in [
            s(""),
            i(0),
            f(0.0),
            Value::from(false),
            Value::nil(),
            l(&[]),
            d(&[]),
        ] {
            assert_eq!(out("default", &[s("d"), empty.clone()]), "d");
            assert_eq!(out("empty", &[empty]), "true");
        }
        assert_eq!(out("default", &[s("d"), s("given")]), "given");
        assert_eq!(out("default", &[s("d")]), "d");
        assert_eq!(out("default", &[s("d"), f(3.0)]), "3");
        assert_eq!(
            out("coalesce", &[Value::nil(), s(""), i(0), s("x"), s("y")]),
            "x"
        );
        assert!(ok("coalesce", &[Value::nil(), s("")]).is_nil());
        assert_eq!(out("ternary", &[s("a"), s("b"), Value::from(true)]), "a");
        assert_eq!(out("ternary", &[s("a"), s("b"), Value::from(false)]), "b");
        assert_eq!(out("all", &[i(1), s("a")]), "true");
        assert_eq!(out("all", &[i(1), s("")]), "false");
        assert_eq!(out("any", &[i(0), s("a")]), "true");
        assert_eq!(out("any", &[]), "false");
        assert_eq!(
            out("compact", &[l(&[i(1), s(""), Value::nil(), s("a"), i(0)])]),
            "[1 a]"
        );
    }

    #[test]
    fn lists() {
        let xs = l(&[i(1), i(2), i(3), i(2)]);
        assert_eq!(out("list", &[i(1), s("a")]), "[1 a]");
        assert_eq!(out("first", std::slice::from_ref(&xs)), "1");
        assert_eq!(out("last", std::slice::from_ref(&xs)), "2");
        assert_eq!(out("rest", std::slice::from_ref(&xs)), "[2 3 2]");
        assert_eq!(out("initial", std::slice::from_ref(&xs)), "[1 2 3]");
        assert!(ok("first", &[l(&[])]).is_nil());
        assert_eq!(out("append", &[xs.clone(), i(9)]), "[1 2 3 2 9]");
        assert_eq!(out("prepend", &[xs.clone(), i(0)]), "[0 1 2 3 2]");
        assert_eq!(
            out("concat", &[xs.clone(), l(&[s("a")]), l(&[])]),
            "[1 2 3 2 a]"
        );
        assert_eq!(out("reverse", std::slice::from_ref(&xs)), "[2 3 2 1]");
        assert_eq!(out("uniq", std::slice::from_ref(&xs)), "[1 2 3]");
        assert_eq!(
            out("uniq", &[l(&[l(&[i(1)]), l(&[i(1)]), i(1), f(1.0)])]),
            "[[1] 1 1]"
        );
        assert_eq!(out("without", &[xs.clone(), i(2), i(9)]), "[1 3]");
        assert_eq!(out("has", &[i(3), xs.clone()]), "true");
        assert_eq!(out("has", &[f(3.0), xs.clone()]), "false");
        assert_eq!(out("has", &[i(3), Value::nil()]), "false");
        assert_eq!(out("slice", &[xs.clone(), i(1), i(3)]), "[2 3]");
        assert_eq!(out("slice", &[xs.clone(), i(2)]), "[3 2]");
        assert_eq!(
            err("slice", &[xs.clone(), i(3), i(9)]),
            "reflect: slice index out of range"
        );
        assert_eq!(
            out("chunk", &[i(3), l(&[i(1), i(2), i(3), i(4)])]),
            "[[1 2 3] [4]]"
        );
        assert_eq!(
            err("concat", &[xs.clone(), s("x")]),
            "Cannot concat type string as list"
        );
        assert_eq!(err("append", &[d(&[]), i(1)]), "Cannot push on type map");
        // The input list is not changed.
        assert_eq!(xs.to_go_string(), "[1 2 3 2]");
        let api = Value::from(V::Obj(Obj::ApiVersions(Arc::new(vec![
            "v1".into(),
            "apps/v1".into(),
        ]))));
        assert_eq!(out("has", &[s("apps/v1"), api]), "true");
    }
}
