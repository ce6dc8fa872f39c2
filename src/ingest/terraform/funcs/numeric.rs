//! Terraform's numeric functions (`min`, `max`, `abs`, `ceil`, `floor`, `pow`, `signum`, `log`,
//! `parseint`).

use super::{FnResult, int, num, string, want};
use crate::model::terraform::Value;

/// The numeric functions that need every argument known; `None`: not one of them.
pub(super) fn strict(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "min" | "max" => min_max(name, args),
        "abs" => abs(name, args),
        "ceil" => ceil(name, args),
        "floor" => floor(name, args),
        "pow" => two(name, args).map(|(a, b)| Value::Number(a.powf(b))),
        "log" => two(name, args).map(|(a, b)| Value::Number(a.ln() / b.ln())),
        "signum" => signum(name, args),
        "parseint" => parseint(name, args),
        _ => return None,
    })
}

/// `min(numbers...)` and `max(numbers...)`.
fn min_max(name: &str, args: &[Value]) -> FnResult {
    let mut nums = Vec::new();
    for a in args {
        nums.push(num(a, name)?);
    }
    let pick = if name == "min" { f64::min } else { f64::max };
    nums.into_iter()
        .reduce(pick)
        .map(Value::Number)
        .ok_or_else(|| format!("{name}() needs at least one argument"))
}

fn abs(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    Ok(Value::Number(num(&args[0], name)?.abs()))
}

fn ceil(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    Ok(Value::Number(num(&args[0], name)?.ceil()))
}

fn floor(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    Ok(Value::Number(num(&args[0], name)?.floor()))
}

fn two(name: &str, args: &[Value]) -> Result<(f64, f64), String> {
    want(args, 2, name)?;
    Ok((num(&args[0], name)?, num(&args[1], name)?))
}

fn signum(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    let n = num(&args[0], name)?;
    Ok(Value::Number(if n > 0.0 {
        1.0
    } else if n < 0.0 {
        -1.0
    } else {
        0.0
    }))
}

/// `parseint(string, base)`, base 2 to 62 with Go's digits (0-9, a-z, A-Z).
fn parseint(name: &str, args: &[Value]) -> FnResult {
    want(args, 2, name)?;
    let (s, base) = (string(&args[0], name)?, int(&args[1], name)?);
    if !(2..=62).contains(&base) {
        return Err(format!("parseint(): base {base} is not between 2 and 62"));
    }
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return Err(format!(
            "parseint(): cannot parse {s:?} as a base {base} integer"
        ));
    }
    let mut n: f64 = 0.0;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as i64 - '0' as i64,
            'a'..='z' => c as i64 - 'a' as i64 + 10,
            'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
            'A'..='Z' => c as i64 - 'A' as i64 + 36,
            _ => -1,
        };
        if d < 0 || d >= base {
            return Err(format!(
                "parseint(): cannot parse {s:?} as a base {base} integer"
            ));
        }
        n = n * base as f64 + d as f64;
    }
    Ok(Value::Number(if neg { -n } else { n }))
}
