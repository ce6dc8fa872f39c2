//! Terraform's numeric functions (`min`, `max`, `abs`, `ceil`, `floor`).

use super::{FnResult, num, want};
use crate::model::terraform::Value;

/// The numeric functions that need every argument known; `None`: not one of them.
pub(super) fn strict(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "min" | "max" => min_max(name, args),
        "abs" => abs(name, args),
        "ceil" => ceil(name, args),
        "floor" => floor(name, args),
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
