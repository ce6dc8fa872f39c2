// ---------------------------------------------------------------------------------------
// Sprig: dicts
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;

use super::builtins::strval;
use super::lists::is_empty;
use super::semver::dispatch_misc;
use super::{MAX_ITEMS, R, arity, arity_min, list, map_arg, str_arg, str_args, strs};
use crate::ingest::helm::value::{MAX_PRINT_DEPTH, V, Value};

/// mergo's `Merge` (`overwrite`: `MergeWithOverwrite`) of `src` into the dict `dst`, in place.
/// Bounded in depth and in the number of entries it visits (`budget`).
fn merge_into(
    dst: &Value,
    src: &Value,
    overwrite: bool,
    depth: usize,
    budget: &mut usize,
) -> Result<(), String> {
    if depth > MAX_PRINT_DEPTH {
        return Err("merge: nesting too deep".into());
    }
    for (k, s) in src.map_entries() {
        if *budget == 0 {
            return Err(format!("merge: more than {MAX_ITEMS} values"));
        }
        *budget -= 1;
        let d = dst.map_get(&k);
        if s.is_nil() {
            if overwrite {
                dst.map_set(&k, s)?;
            }
            continue;
        }
        if let (V::Map(_), Some(dv @ Value { v: V::Map(_), .. })) = (&s.v, &d) {
            merge_into(dv, &s, overwrite, depth + 1, budget)?;
            if !is_empty(dv) {
                continue;
            }
        }
        if overwrite || d.as_ref().is_none_or(is_empty) {
            dst.map_set(&k, s)?;
        }
    }
    Ok(())
}

fn interface_conversion(v: &Value, want: &str) -> String {
    let got = if v.is_nil() { "nil" } else { v.type_name() };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

pub(super) fn dispatch_dicts(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        "dict" => Ok(a
            .chunks(2)
            .map(|kv| {
                (
                    strval(&kv[0]),
                    kv.get(1).cloned().unwrap_or_else(|| Value::from("")),
                )
            })
            .collect::<BTreeMap<_, _>>()
            .into()),
        "get" => (|| {
            arity(name, a, 2)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            Ok(d.and_then(|d| d.map_get(k))
                .unwrap_or_else(|| Value::from("")))
        })(),
        "set" => (|| {
            arity(name, a, 3)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            let d = d.ok_or("assignment to entry in nil map")?;
            d.map_set(k, a[2].clone())?;
            Ok(d.clone())
        })(),
        "unset" => (|| {
            arity(name, a, 2)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            match d {
                Some(d) => {
                    d.map_remove(k)?;
                    Ok(d.clone())
                }
                None => Ok(Value::new_map()),
            }
        })(),
        "hasKey" => (|| {
            arity(name, a, 2)?;
            let (d, k) = (map_arg(&a[0])?, str_arg(&a[1])?);
            Ok(Value::from(d.is_some_and(|d| d.map_get(k).is_some())))
        })(),
        "pluck" => (|| {
            arity_min(name, a, 1)?;
            let k = str_arg(&a[0])?;
            let mut out = Vec::new();
            for d in &a[1..] {
                if let Some(v) = map_arg(d)?.and_then(|d| d.map_get(k)) {
                    out.push(v);
                }
            }
            list(out)
        })(),
        "keys" => (|| {
            let mut out = Vec::new();
            for d in a {
                if let Some(d) = map_arg(d)? {
                    out.extend(d.map_entries().into_keys());
                }
            }
            out.sort();
            strs(out)
        })(),
        "pick" | "omit" => (|| {
            arity_min(name, a, 1)?;
            let d = map_arg(&a[0])?;
            let keys = str_args(&a[1..])?;
            let entries = d.map(Value::map_entries).unwrap_or_default();
            Ok(entries
                .into_iter()
                .filter(|(k, _)| keys.contains(&k.as_str()) == (name == "pick"))
                .collect::<BTreeMap<_, _>>()
                .into())
        })(),
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => (|| {
            arity_min(name, a, 1)?;
            let overwrite = name.ends_with("Overwrite");
            let dst = map_arg(&a[0])?.cloned().unwrap_or_else(Value::new_map);
            let mut budget = MAX_ITEMS;
            for src in &a[1..] {
                if let Some(src) = map_arg(src)? {
                    merge_into(&dst, src, overwrite, 0, &mut budget)?;
                }
            }
            Ok(dst)
        })(),
        "values" => arity(name, a, 1)
            .and_then(|_| map_arg(&a[0]))
            .and_then(|d| {
                list(
                    d.map(Value::map_entries)
                        .unwrap_or_default()
                        .into_values()
                        .collect(),
                )
            }),
        "dig" => (|| {
            if a.len() < 3 {
                return Err("dig needs at least three arguments".into());
            }
            let dict = &a[a.len() - 1];
            let default = &a[a.len() - 2];
            let keys = a[..a.len() - 2]
                .iter()
                .map(|k| k.as_str().ok_or_else(|| interface_conversion(k, "string")))
                .collect::<Result<Vec<_>, _>>()?;
            let want_map = "map[string]interface {}";
            if !matches!(dict.v, V::Map(_)) {
                return Err(interface_conversion(dict, want_map));
            }
            let mut cur = dict.clone();
            for (i, k) in keys.iter().enumerate() {
                let Some(step) = cur.map_get(k) else {
                    return Ok(default.clone());
                };
                if i + 1 == keys.len() {
                    return Ok(step);
                }
                if !matches!(step.v, V::Map(_)) {
                    return Err(interface_conversion(&step, want_map));
                }
                cur = step;
            }
            Ok(default.clone())
        })(),
        _ => return dispatch_misc(name, a),
    })
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::super::tests::{d, err, i, l, ok, out, s};
    use super::*;

    #[test]
    fn dicts_share_and_mutate_like_go_maps() {
        let m = d(&[("a", i(1))]);
        let other_holder = m.clone();
        let r = ok("set", &[m.clone(), s("b"), s("two")]);
        assert_eq!(other_holder.to_go_string(), "map[a:1 b:two]");
        assert_eq!(r.to_go_string(), "map[a:1 b:two]");
        ok("unset", &[m.clone(), s("a")]);
        assert_eq!(other_holder.to_go_string(), "map[b:two]");
        assert_eq!(
            err("set", &[Value::nil(), s("k"), i(1)]),
            "assignment to entry in nil map"
        );
        assert_eq!(out("dict", &[s("a"), i(1), i(2)]), "map[2: a:1]");
        assert_eq!(out("get", &[m.clone(), s("b")]), "two");
        assert_eq!(ok("get", &[m.clone(), s("zz")]).as_str(), Some(""));
        assert_eq!(out("hasKey", &[m.clone(), s("b")]), "true");
        assert_eq!(out("hasKey", &[Value::nil(), s("b")]), "false");
        let x = d(&[("name", s("x")), ("port", i(80))]);
        let y = d(&[("name", s("y"))]);
        assert_eq!(out("pluck", &[s("name"), x.clone(), y.clone()]), "[x y]");
        assert_eq!(out("keys", &[x.clone(), y.clone()]), "[name name port]");
        assert_eq!(
            out("pick", &[x.clone(), s("port"), s("nope")]),
            "map[port:80]"
        );
        assert_eq!(out("omit", &[x.clone(), s("port")]), "map[name:x]");
        assert_eq!(out("values", std::slice::from_ref(&x)), "[x 80]");
        let nested = d(&[("a", d(&[("b", d(&[("c", s("found"))]))]))]);
        assert_eq!(
            out("dig", &[s("a"), s("b"), s("c"), s("def"), nested.clone()]),
            "found"
        );
        assert_eq!(
            out("dig", &[s("a"), s("x"), s("c"), s("def"), nested.clone()]),
            "def"
        );
        assert_eq!(
            err(
                "dig",
                &[s("a"), s("b"), s("c"), s("d"), s("def"), nested.clone()]
            ),
            "interface conversion: interface {} is string, not map[string]interface {}"
        );
        assert_eq!(
            err("dig", &[s("a"), nested.clone()]),
            "dig needs at least three arguments"
        );
    }

    #[test]
    fn merge_is_deep_and_in_place() {
        let dst = d(&[
            ("keep", s("dst")),
            ("empty", s("")),
            ("flag", Value::from(false)),
            ("nested", d(&[("a", i(1))])),
            ("list", l(&[i(1)])),
        ]);
        let holder = dst.clone();
        let src = d(&[
            ("keep", s("src")),
            ("empty", s("filled")),
            ("flag", Value::from(true)),
            ("nested", d(&[("a", i(2)), ("b", i(3))])),
            ("list", l(&[i(9)])),
            ("new", s("n")),
            ("nil", Value::nil()),
        ]);
        let r = ok("merge", &[dst.clone(), src.clone()]);
        let want = "map[empty:filled flag:true keep:dst list:[1] nested:map[a:1 b:3] new:n]";
        assert_eq!(r.to_go_string(), want);
        assert_eq!(holder.to_go_string(), want);
        let over = d(&[
            ("keep", s("dst")),
            ("nested", d(&[("a", i(1)), ("z", i(0))])),
            ("gone", i(1)),
        ]);
        let r = ok(
            "mergeOverwrite",
            &[
                over.clone(),
                d(&[
                    ("keep", s("src")),
                    ("nested", d(&[("a", i(2))])),
                    ("gone", Value::nil()),
                ]),
            ],
        );
        assert_eq!(
            r.to_go_string(),
            "map[gone:<nil> keep:src nested:map[a:2 z:0]]"
        );
        assert_eq!(over.to_go_string(), r.to_go_string());
        // Merging a dict into itself neither panics nor loops.
        let same = d(&[("a", d(&[("b", i(1))]))]);
        assert_eq!(
            out("merge", &[same.clone(), same.clone()]),
            "map[a:map[b:1]]"
        );
        assert_eq!(out("merge", &[Value::nil(), d(&[("a", i(1))])]), "map[a:1]");
        // A dict set into itself: merging and copying stop at a depth limit.
        let cyc = d(&[]);
        ok("set", &[cyc.clone(), s("self"), cyc.clone()]);
        assert!(call("deepCopy", std::slice::from_ref(&cyc)).is_some_and(|r| r.is_err()));
        assert!(call("merge", &[d(&[]), cyc.clone()]).is_some());
        // deepCopy is independent of its source.
        let orig = d(&[("a", l(&[i(1)])), ("m", d(&[("x", i(1))]))]);
        let copy = ok("deepCopy", std::slice::from_ref(&orig));
        ok("set", &[copy.map_get("m").unwrap(), s("x"), i(2)]);
        assert_eq!(orig.to_go_string(), "map[a:[1] m:map[x:1]]");
        assert_eq!(copy.to_go_string(), "map[a:[1] m:map[x:2]]");
    }
}
