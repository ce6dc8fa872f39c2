// ---------------------------------------------------------------------------------------
// Sprig: numbers
// ---------------------------------------------------------------------------------------

use super::builtins::fmt_v;
use super::lists::dispatch_lists;
use super::sprintf::{float_digits, format_float};
use super::{
    MAX_ITEMS, R, arity, arity_between, arity_min, float_arg, int_arg, list, str_arg, string,
};
use crate::ingest::helm::value::{V, Value};

/// Go's `strconv.ParseInt(s, base, 64)` for base 0 (prefixes, underscores) or 8 or 10.
fn parse_go_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if base == 0 {
        let b = body.as_bytes();
        if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
            (
                match b[1] | 0x20 {
                    b'b' => 2,
                    b'o' => 8,
                    _ => 16,
                },
                &body[2..],
            )
        } else if b[0] == b'0' {
            (8, &body[1..])
        } else {
            (10, body)
        }
    } else {
        (base, body)
    };
    if digits.contains('_') && (base != 0 || !underscore_ok(body)) {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let d = c.to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    if neg {
        if n > 1 << 63 {
            return None;
        }
        Some((n as i64).wrapping_neg())
    } else {
        i64::try_from(n).ok()
    }
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// cast's `trimDecimal`: `"12.50"` → `"12"` (a decimal string loses its fraction).
fn trim_decimal(s: &str) -> String {
    if !s.contains('.') {
        return s.to_string();
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sign = &s[..s.len() - body.len()];
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return s.to_string();
    }
    match (sign, int) {
        (_, "") => format!("{sign}0"),
        _ => format!("{sign}{int}"),
    }
}

/// Sprig's `toInt64` (spf13/cast): strings parse, floats truncate, nil and junk are 0.
pub(super) fn to_int64(v: &Value) -> i64 {
    match &v.v {
        V::Int(i) => *i,
        V::Float(f) => *f as i64,
        V::Bool(b) => i64::from(*b),
        V::Str(s) if !s.is_empty() => parse_go_int(&trim_decimal(s), 0).unwrap_or(0),
        _ => 0,
    }
}

/// Sprig's `toFloat64` (spf13/cast).
fn to_float64(v: &Value) -> f64 {
    match &v.v {
        V::Int(i) => *i as f64,
        V::Float(f) => *f,
        V::Bool(b) => f64::from(u8::from(*b)),
        V::Str(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input.
fn parse_go_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s).to_ascii_lowercase();
    if !matches!(t.as_str(), "inf" | "infinity" | "nan")
        && !t
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'-' | b'+'))
    {
        return None;
    }
    s.parse().ok()
}

/// A decimal `m × 10^e`, as shopspring/decimal computes Sprig's `addf` family.
#[derive(Clone, Copy)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    fn from_f64(f: f64) -> Result<Dec, String> {
        if !f.is_finite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                format_float(f, 'g', None)
            ));
        }
        if f == 0.0 {
            return Ok(Dec { m: 0, e: 0 });
        }
        let d = float_digits(f, None);
        let m: i128 = std::str::from_utf8(&d.d)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(Dec {
            m: if f < 0.0 { -m } else { m },
            e: (d.dp - d.d.len() as i64) as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(0.0)
    }

    fn pow10(n: u32) -> Option<i128> {
        10i128.checked_pow(n)
    }

    fn align(self, other: Dec) -> Option<(i128, i128, i32)> {
        let e = self.e.min(other.e);
        let a = self.m.checked_mul(Self::pow10((self.e - e) as u32)?)?;
        let b = other.m.checked_mul(Self::pow10((other.e - e) as u32)?)?;
        Some((a, b, e))
    }

    fn op(self, other: Dec, op: char) -> Result<Dec, String> {
        let exact = match op {
            '+' => self.align(other).and_then(|(a, b, e)| {
                Some(Dec {
                    m: a.checked_add(b)?,
                    e,
                })
            }),
            '-' => self.align(other).and_then(|(a, b, e)| {
                Some(Dec {
                    m: a.checked_sub(b)?,
                    e,
                })
            }),
            '*' => self.m.checked_mul(other.m).map(|m| Dec {
                m,
                e: self.e + other.e,
            }),
            _ => {
                if other.m == 0 {
                    return Err("decimal division by 0".into());
                }
                self.div16(other)
            }
        };
        match exact {
            Some(d) => Ok(d),
            None => {
                let (a, b) = (self.to_f64(), other.to_f64());
                Dec::from_f64(match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ => a / b,
                })
            }
        }
    }

    /// The quotient rounded half away from zero to 16 decimal places.
    fn div16(self, other: Dec) -> Option<Dec> {
        let shift = self.e - other.e + 16;
        let (num, den) = if shift >= 0 {
            (self.m.checked_mul(Self::pow10(shift as u32)?)?, other.m)
        } else {
            (self.m, other.m.checked_mul(Self::pow10((-shift) as u32)?)?)
        };
        let q = num / den;
        let r = num % den;
        let q = if r.unsigned_abs() * 2 >= den.unsigned_abs() {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Dec { m: q, e: -16 })
    }
}

fn decimal_op(first: f64, rest: &[Value], op: char) -> R {
    let mut acc = Dec::from_f64(first)?;
    for v in rest {
        acc = acc.op(Dec::from_f64(to_float64(v))?, op)?;
    }
    Ok(Value::from(acc.to_f64()))
}

fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { b } else { a }
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

/// Sprig's `untilStep`, bounded at [`MAX_ITEMS`].
fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 {
            0
        } else {
            (start - stop + (-step) - 1) / (-step)
        }
    } else if step <= 0 {
        0
    } else {
        (stop - start + step - 1) / step
    };
    if count > MAX_ITEMS as i128 {
        return Err(format!(
            "too many items: {count} (the limit is {MAX_ITEMS})"
        ));
    }
    Ok((0..count).map(|k| (start + k * step) as i64).collect())
}

fn ints(v: Vec<i64>) -> R {
    list(v.into_iter().map(Value::from).collect())
}

fn seq(p: &[i64]) -> Result<String, String> {
    let items = match *p {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let inc = if end < start {
                if step > 0 {
                    return Ok(String::new());
                }
                -1
            } else {
                1
            };
            until_step(start, end.wrapping_add(inc), step)?
        }
        _ => Vec::new(),
    };
    Ok(items
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" "))
}

pub(super) fn dispatch_math(name: &str, a: &[Value]) -> Option<R> {
    let int2 = |f: fn(i64, i64) -> Result<i64, String>| -> R {
        arity(name, a, 2)?;
        f(to_int64(&a[0]), to_int64(&a[1])).map(Value::from)
    };
    Some(match name {
        "atoi" => arity(name, a, 1)
            .and_then(|_| str_arg(&a[0]))
            .map(|s| Value::from(s.parse::<i64>().unwrap_or(0))),
        "int" | "int64" => arity(name, a, 1).map(|_| Value::from(to_int64(&a[0]))),
        "float64" => arity(name, a, 1).map(|_| Value::from(to_float64(&a[0]))),
        "toDecimal" => {
            arity(name, a, 1).map(|_| Value::from(parse_go_int(&fmt_v(&a[0]), 8).unwrap_or(0)))
        }
        "seq" => a
            .iter()
            .map(int_arg)
            .collect::<Result<Vec<_>, _>>()
            .and_then(|p| seq(&p))
            .and_then(string),
        "until" => (|| {
            arity(name, a, 1)?;
            let n = int_arg(&a[0])?;
            ints(until_step(0, n, if n < 0 { -1 } else { 1 })?)
        })(),
        "untilStep" => (|| {
            arity(name, a, 3)?;
            ints(until_step(
                int_arg(&a[0])?,
                int_arg(&a[1])?,
                int_arg(&a[2])?,
            )?)
        })(),
        "add1" => arity(name, a, 1).map(|_| Value::from(to_int64(&a[0]).wrapping_add(1))),
        "add" => Ok(Value::from(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        )),
        "sub" => int2(|x, y| Ok(x.wrapping_sub(y))),
        "div" => int2(|x, y| {
            if y == 0 {
                Err("runtime error: integer divide by zero".into())
            } else {
                Ok(x.wrapping_div(y))
            }
        }),
        "mod" => int2(|x, y| {
            if y == 0 {
                Err("runtime error: integer divide by zero".into())
            } else {
                Ok(x.wrapping_rem(y))
            }
        }),
        "mul" => arity_min(name, a, 1).map(|_| {
            Value::from(
                a[1..]
                    .iter()
                    .fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v))),
            )
        }),
        "randInt" => (|| {
            arity(name, a, 2)?;
            let (lo, hi) = (int_arg(&a[0])?, int_arg(&a[1])?);
            if hi <= lo {
                return Err("invalid argument to Intn".into());
            }
            Ok(Value::from(lo))
        })(),
        "add1f" => {
            arity(name, a, 1).and_then(|_| decimal_op(to_float64(&a[0]), &[Value::from(1i64)], '+'))
        }
        "addf" => decimal_op(0.0, a, '+'),
        "subf" | "mulf" | "divf" => arity_min(name, a, 1).and_then(|_| {
            let op = match name {
                "subf" => '-',
                "mulf" => '*',
                _ => '/',
            };
            decimal_op(to_float64(&a[0]), &a[1..], op)
        }),
        "biggest" | "max" | "min" => arity_min(name, a, 1).map(|_| {
            let vals = a.iter().map(to_int64);
            Value::from(
                if name == "min" {
                    vals.min()
                } else {
                    vals.max()
                }
                .unwrap_or(0),
            )
        }),
        "maxf" | "minf" => arity_min(name, a, 1).map(|_| {
            let f = if name == "maxf" { go_max } else { go_min };
            Value::from(
                a[1..]
                    .iter()
                    .fold(to_float64(&a[0]), |acc, v| f(acc, to_float64(v))),
            )
        }),
        "ceil" => arity(name, a, 1).map(|_| Value::from(to_float64(&a[0]).ceil())),
        "floor" => arity(name, a, 1).map(|_| Value::from(to_float64(&a[0]).floor())),
        "round" => (|| {
            arity_between(name, a, 2, 3)?;
            let val = to_float64(&a[0]);
            let places = int_arg(&a[1])? as f64;
            let round_on = a.get(2).map(float_arg).transpose()?.unwrap_or(0.5);
            let pow = 10f64.powf(places);
            let digit = pow * val;
            let r = if digit.fract() >= round_on {
                digit.ceil()
            } else {
                digit.floor()
            };
            Ok(Value::from(r / pow))
        })(),
        _ => return dispatch_lists(name, a),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, f, i, ok, out, s};
    use super::*;

    #[test]
    fn math_with_values_floats() {
        // Values files give float64; template literals are int.
        assert_eq!(out("add", &[f(2.7), i(1), s("3")]), "6");
        assert_eq!(out("add1", &[f(2.9)]), "3");
        assert_eq!(out("sub", &[f(10.0), i(3)]), "7");
        assert_eq!(out("mul", &[f(2.0), i(3), s("2")]), "12");
        assert_eq!(out("div", &[i(7), f(2.0)]), "3");
        assert_eq!(out("mod", &[i(7), i(3)]), "1");
        assert_eq!(
            err("div", &[i(1), i(0)]),
            "runtime error: integer divide by zero"
        );
        assert_eq!(
            err("mod", &[i(1), f(0.5)]),
            "runtime error: integer divide by zero"
        );
        assert_eq!(out("max", &[i(1), f(5.5), s("3")]), "5");
        assert_eq!(out("min", &[i(1), i(-5), s("3")]), "-5");
        assert_eq!(out("int", &[s("12.7")]), "12");
        assert_eq!(out("int", &[s("0x1F")]), "31");
        assert_eq!(out("int", &[s("abc")]), "0");
        assert_eq!(out("int", &[Value::nil()]), "0");
        assert_eq!(out("int", &[Value::from(true)]), "1");
        assert_eq!(out("int64", &[f(-3.9)]), "-3");
        assert_eq!(out("float64", &[s("1.5")]), "1.5");
        assert_eq!(out("float64", &[i(3)]), "3");
        assert_eq!(ok("float64", &[i(3)]).type_name(), "float64");
        assert_eq!(out("atoi", &[s("42")]), "42");
        assert_eq!(out("atoi", &[s("4x")]), "0");
        assert_eq!(out("toDecimal", &[s("0777")]), "511");
        assert_eq!(out("toDecimal", &[f(777.0)]), "511");
        assert_eq!(out("addf", &[f(0.1), f(0.2)]), "0.3");
        assert_eq!(out("add1f", &[f(1.5)]), "2.5");
        assert_eq!(out("subf", &[f(1.0), f(0.9)]), "0.1");
        assert_eq!(out("mulf", &[f(1.1), i(3)]), "3.3");
        assert_eq!(out("divf", &[i(1), i(3)]), "0.3333333333333333");
        assert_eq!(out("divf", &[i(2), i(3)]), "0.6666666666666667");
        assert_eq!(err("divf", &[i(1), i(0)]), "decimal division by 0");
        assert_eq!(out("maxf", &[i(1), f(2.5)]), "2.5");
        assert_eq!(out("minf", &[i(1), f(2.5)]), "1");
        assert_eq!(out("floor", &[s("2.7")]), "2");
        assert_eq!(out("ceil", &[f(2.1)]), "3");
        assert_eq!(out("round", &[f(1.23456), i(2)]), "1.23");
        assert_eq!(out("round", &[f(2.5), i(0)]), "3");
        assert_eq!(out("round", &[f(-2.5), i(0)]), "-3");
        assert_eq!(out("round", &[f(1.24), i(1), f(0.4)]), "1.3");
        assert_eq!(out("until", &[i(3)]), "[0 1 2]");
        assert_eq!(out("until", &[i(-2)]), "[0 -1]");
        assert_eq!(
            err("until", &[f(3.0)]),
            "wrong type for value; expected int; got float64"
        );
        assert_eq!(out("untilStep", &[i(3), i(10), i(3)]), "[3 6 9]");
        assert_eq!(out("untilStep", &[i(0), i(10), i(0)]), "[]");
        assert!(err("until", &[i(2_000_000)]).starts_with("too many items"));
        assert_eq!(out("seq", &[i(3)]), "1 2 3");
        assert_eq!(out("seq", &[i(2), i(-2)]), "2 1 0 -1 -2");
        assert_eq!(out("seq", &[i(0), i(2), i(6)]), "0 2 4 6");
        assert_eq!(out("seq", &[]), "");
        assert_eq!(out("randInt", &[i(3), i(9)]), "3");
    }
}
