// ---------------------------------------------------------------------------------------
// Sprig: reflection, semantic versions (Masterminds/semver v3)
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::dates::dispatch_dates;
use super::lists::deep_equal;
use super::sprintf::go_quote;
use super::{R, arity, str_arg};
use crate::ingest::helm::value::Value;

pub(super) fn dispatch_misc(name: &str, a: &[Value]) -> Option<R> {
    Some(match name {
        "typeOf" => arity(name, a, 1).map(|_| Value::from(a[0].type_name())),
        "kindOf" => arity(name, a, 1).map(|_| Value::from(a[0].kind_name())),
        "typeIs" | "typeIsLike" | "kindIs" => (|| {
            arity(name, a, 2)?;
            let target = str_arg(&a[0])?;
            Ok(Value::from(match name {
                "typeIs" => a[1].type_name() == target,
                "typeIsLike" => {
                    let t = a[1].type_name();
                    t == target || t.strip_prefix('*') == Some(target)
                }
                _ => a[1].kind_name() == target,
            }))
        })(),
        "deepEqual" => arity(name, a, 2).map(|_| Value::from(deep_equal(&a[0], &a[1]))),
        "semver" => (|| {
            arity(name, a, 1)?;
            let v = parse_version(str_arg(&a[0])?)?;
            let mut m = BTreeMap::new();
            m.insert("Major".to_string(), Value::from(v.major as i64));
            m.insert("Minor".to_string(), Value::from(v.minor as i64));
            m.insert("Patch".to_string(), Value::from(v.patch as i64));
            m.insert("Prerelease".to_string(), Value::from(v.pre));
            m.insert("Metadata".to_string(), Value::from(v.metadata));
            m.insert("Original".to_string(), Value::from(v.original));
            Ok(m.into())
        })(),
        "semverCompare" => (|| {
            arity(name, a, 2)?;
            let constraints = parse_constraints(str_arg(&a[0])?)?;
            let version = parse_version(str_arg(&a[1])?)?;
            Ok(Value::from(constraints.check(&version)))
        })(),
        _ => return dispatch_dates(name, a),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

const SEMVER_CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const SEMVER_OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct SemverRegexes {
    version: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn semver_regexes() -> &'static SemverRegexes {
    static RES: OnceLock<SemverRegexes> = OnceLock::new();
    RES.get_or_init(|| {
        let (cv, ops) = (SEMVER_CV, SEMVER_OPS);
        let build = |p: String| Regex::new(&p).unwrap_or_else(|_| Regex::new("$^").expect("trivial regex"));
        SemverRegexes {
            version: build(
                r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$"
                    .to_string(),
            ),
            constraint: build(format!(r"^\s*({ops})\s*({cv})\s*$")),
            range: build(format!(r"\s*({cv})\s+-\s+({cv})\s*")),
            find: build(format!(r"({ops})\s*({cv})")),
            valid: build(format!(r"^(\s*({ops})\s*({cv})\s*)((?:\s+|,\s*)({ops})\s*({cv})\s*)*$")),
        }
    })
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        }
        if part.bytes().all(|c| c.is_ascii_digit()) && part.len() > 1 && part.starts_with('0') {
            return Err("version segment starts with 0".into());
        }
    }
    Ok(())
}

/// Masterminds/semver `NewVersion` (coercing: `1.2` is `1.2.0`, a leading `v` is allowed).
fn parse_version(v: &str) -> Result<Version, String> {
    let caps = semver_regexes()
        .version
        .captures(v)
        .ok_or_else(|| "invalid semantic version".to_string())?;
    let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let segment = |s: &str| -> Result<u64, String> {
        let s = s.trim_start_matches('.');
        if s.is_empty() {
            return Ok(0);
        }
        s.parse().map_err(|_| {
            format!(
                "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
                go_quote(s, '"', false)
            )
        })
    };
    let version = Version {
        major: segment(group(1))?,
        minor: segment(group(2))?,
        patch: segment(group(3))?,
        pre: group(5).to_string(),
        metadata: group(8).to_string(),
        original: v.to_string(),
    };
    if !version.pre.is_empty() {
        validate_prerelease(&version.pre)?;
    }
    if version.metadata.split('.').any(str::is_empty) && !version.metadata.is_empty() {
        return Err("invalid metadata string".into());
    }
    Ok(version)
}

fn compare_pre_part(s: &str, o: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    if s == o {
        return Equal;
    }
    if s.is_empty() {
        return Less;
    }
    if o.is_empty() {
        return Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => s.cmp(o),
        (Ok(_), Err(_)) => Less,
        (Err(_), Ok(_)) => Greater,
        (Ok(x), Ok(y)) => x.cmp(&y),
    }
}

fn compare_prerelease(v: &str, o: &str) -> std::cmp::Ordering {
    let (vs, os): (Vec<&str>, Vec<&str>) = (v.split('.').collect(), o.split('.').collect());
    for i in 0..vs.len().max(os.len()) {
        let ord = compare_pre_part(
            vs.get(i).copied().unwrap_or(""),
            os.get(i).copied().unwrap_or(""),
        );
        if ord.is_ne() {
            return ord;
        }
    }
    std::cmp::Ordering::Equal
}

impl Version {
    fn compare(&self, o: &Version) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        let ord = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if ord.is_ne() {
            return ord;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Equal,
            (true, false) => Greater,
            (false, true) => Less,
            _ => compare_prerelease(&self.pre, &o.pre),
        }
    }
}

/// One parsed constraint (`>=1.21-0`).
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

struct Constraints {
    /// OR of ANDs, and whether each AND group names a prerelease.
    groups: Vec<(Vec<Constraint>, bool)>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    let res = semver_regexes();
    let m = res
        .constraint
        .captures(c)
        .ok_or_else(|| format!("improper constraint: {}", go_quote(c, '"', false)))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = parse_version(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op: g(1).to_string(),
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

/// Masterminds/semver `NewConstraint`: `||` separates alternatives, spaces or commas join.
fn parse_constraints(c: &str) -> Result<Constraints, String> {
    let res = semver_regexes();
    let mut rewritten = c.to_string();
    for caps in res.range.captures_iter(c) {
        let (Some(all), Some(lo), Some(hi)) = (caps.get(0), caps.get(1), caps.get(11)) else {
            continue;
        };
        let t = format!(">= {}, <= {} ", lo.as_str(), hi.as_str());
        rewritten = rewritten.replacen(all.as_str(), &t, 1);
    }
    let mut groups = Vec::new();
    for or in rewritten.split("||") {
        if !res.valid.is_match(or) {
            return Err(format!("improper constraint: {}", go_quote(or, '"', false)));
        }
        let mut found: Vec<&str> = res.find.find_iter(or).map(|m| m.as_str()).collect();
        if found.is_empty() {
            found.push(or);
        }
        let group = found
            .into_iter()
            .map(parse_constraint)
            .collect::<Result<Vec<_>, _>>()?;
        let has_pre = group.iter().any(|c| !c.con.pre.is_empty());
        groups.push((group, has_pre));
    }
    Ok(Constraints { groups })
}

impl Constraints {
    fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(group, pre)| group.iter().all(|c| c.check(v, *pre)))
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        use std::cmp::Ordering::*;
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        let tilde = || {
            if v.compare(c) == Less {
                return false;
            }
            if c.major == 0
                && c.minor == 0
                && c.patch == 0
                && !self.minor_dirty
                && !self.patch_dirty
            {
                return true;
            }
            v.major == c.major && (v.minor == c.minor || self.minor_dirty)
        };
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    tilde()
                } else {
                    v.compare(c) == Equal
                }
            }
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Equal
            }
            ">" => {
                if !self.dirty {
                    return v.compare(c) == Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Greater
                }
            }
            "<" => v.compare(c) == Less,
            ">=" | "=>" => v.compare(c) != Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Greater;
                }
                !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => tilde(),
            _ => {
                // "^"
                if v.compare(c) == Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, ok, s};

    #[test]
    fn semver_compare_table() {
        let cases = [
            (">=1.21-0", "v1.31.0", true),
            (">=1.21-0", "v1.19.0", false),
            (">=1.21-0", "v1.21.0-eks-1234", true),
            (">=1.21", "v1.21.0-eks-1234", false),
            ("< 1.25.0-0", "v1.24.9", true),
            ("< 1.25.0-0", "v1.25.0", false),
            ("< 1.25.0-0", "1.25.0-rc.1", false),
            ("<1.25.0", "v1.24.17-gke.100", false),
            (">=1.16.0-0 <1.25.0-0", "v1.20.4", true),
            (">=1.16.0-0, <1.25.0-0", "v1.26.0", false),
            ("^1.2", "1.9.9", true),
            ("^1.2", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("1.2.x", "1.2.7", true),
            ("1.2.x", "1.3.0", false),
            ("*", "3.4.5", true),
            ("1.2.3 - 1.4", "1.4.9", true),
            ("1.2.3 - 1.4", "1.5.0", false),
            ("<1.0 || >=2.0", "2.1.0", true),
            ("<1.0 || >=2.0", "1.5.0", false),
            ("!=1.2.3", "1.2.3", false),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            ("=1.2.3", "v1.2.3", true),
            ("<=1.2", "1.2.9", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(
                ok("semverCompare", &[s(c), s(v)]).to_go_string(),
                want.to_string(),
                "{c} vs {v}"
            );
        }
        assert_eq!(
            err("semverCompare", &[s(">=x.y.z.w"), s("1.0.0")]),
            "improper constraint: \">=x.y.z.w\""
        );
        assert_eq!(
            err("semverCompare", &[s(">=1.0"), s("not-a-version")]),
            "invalid semantic version"
        );
        let v = ok("semver", &[s("v1.31.2-eks-3+build.5")]);
        assert_eq!(
            v.to_go_string(),
            "map[Major:1 Metadata:build.5 Minor:31 Original:v1.31.2-eks-3+build.5 Patch:2 Prerelease:eks-3]"
        );
        assert_eq!(
            err("semver", &[s("1.2.3-01")]),
            "version segment starts with 0"
        );
    }
}
