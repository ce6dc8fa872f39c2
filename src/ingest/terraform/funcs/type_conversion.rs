//! Terraform's type conversion functions (`tolist`, `toset`, `tomap`, `tostring`, `tonumber`,
//! `tobool`, `sensitive`, `nonsensitive`).

use super::{FnResult, num, set_of, string, want};
use crate::model::terraform::Value;

/// The type conversion functions that tolerate unknown arguments; `None`: not one of them.
pub(super) fn tolerant(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "tolist" => tolist(name, args),
        "toset" => toset(name, args),
        "tomap" => tomap(name, args),
        // spoflint does not track sensitivity: the value passes through unchanged.
        "sensitive" | "nonsensitive" => want(args, 1, name).map(|()| args[0].clone()),
        _ => return None,
    })
}

/// The type conversion functions that need every argument known; `None`: not one of them.
pub(super) fn strict(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "tostring" => tostring(name, args),
        "tonumber" => tonumber(name, args),
        "tobool" => tobool(name, args),
        _ => return None,
    })
}

fn tolist(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        v @ (Value::List(_) | Value::Unknown(_) | Value::Null) => Ok(v.clone()),
        other => Err(format!("tolist() of a {}", other.type_name())),
    }
}

fn toset(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        Value::List(items) => Ok(set_of(items)),
        v @ (Value::Unknown(_) | Value::Null) => Ok(v.clone()),
        other => Err(format!("toset() of a {}", other.type_name())),
    }
}

fn tomap(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        v @ (Value::Map(_) | Value::Unknown(_) | Value::Null) => Ok(v.clone()),
        other => Err(format!("tomap() of a {}", other.type_name())),
    }
}

fn tostring(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v => Ok(Value::String(string(v, name)?)),
    }
}

fn tonumber(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v => Ok(Value::Number(num(v, name)?)),
    }
}

fn tobool(name: &str, args: &[Value]) -> FnResult {
    want(args, 1, name)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v => v
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| format!("tobool() of {v}")),
    }
}
