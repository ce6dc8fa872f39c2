//! Terraform's IP network functions (`cidrsubnet`).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{FnResult, int, string, want};
use crate::model::terraform::Value;

/// The IP network functions that need every argument known; `None`: not one of them.
pub(super) fn strict(name: &str, args: &[Value]) -> Option<FnResult> {
    Some(match name {
        "cidrsubnet" => cidrsubnet_call(name, args),
        _ => return None,
    })
}

/// `cidrsubnet(prefix, newbits, netnum)`.
fn cidrsubnet_call(name: &str, args: &[Value]) -> FnResult {
    want(args, 3, name)?;
    cidrsubnet(
        &string(&args[0], name)?,
        int(&args[1], name)?,
        int(&args[2], name)?,
    )
    .map(Value::String)
}

/// `cidrsubnet(prefix, newbits, netnum)` for IPv4 and IPv6.
fn cidrsubnet(prefix: &str, newbits: i64, netnum: i64) -> Result<String, String> {
    let (addr, len) = prefix
        .split_once('/')
        .ok_or_else(|| format!("cidrsubnet(): invalid CIDR {prefix:?}"))?;
    let len: u32 = len
        .parse()
        .map_err(|_| format!("cidrsubnet(): invalid prefix length in {prefix:?}"))?;
    if newbits < 0 || netnum < 0 {
        return Err("cidrsubnet(): newbits and netnum must not be negative".into());
    }
    let (bits, value): (u32, u128) = if let Ok(v4) = addr.parse::<Ipv4Addr>() {
        (32, u32::from(v4) as u128)
    } else if let Ok(v6) = addr.parse::<Ipv6Addr>() {
        (128, u128::from(v6))
    } else {
        return Err(format!("cidrsubnet(): invalid address {addr:?}"));
    };
    if len > bits || newbits > i64::from(bits - len) {
        return Err(format!(
            "cidrsubnet(): {newbits} new bits extend the prefix beyond {bits} bits"
        ));
    }
    let new_len = len + newbits as u32;
    if (netnum as u128).checked_shr(newbits as u32).unwrap_or(0) != 0 {
        return Err(format!(
            "cidrsubnet(): netnum {netnum} does not fit in {newbits} bits"
        ));
    }
    let host_bits = bits - new_len;
    let all = if bits == 128 {
        !0u128
    } else {
        (1u128 << bits) - 1
    };
    let mask = (!0u128).checked_shl(bits - len).unwrap_or(0) & all;
    let net = (value & mask) | (netnum as u128).checked_shl(host_bits).unwrap_or(0);
    Ok(if bits == 32 {
        format!("{}/{new_len}", Ipv4Addr::from(net as u32))
    } else {
        format!("{}/{new_len}", Ipv6Addr::from(net))
    })
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::super::tests::{n, s};
    use super::*;

    #[test]
    fn cidrsubnet_matches_terraform() {
        assert_eq!(cidrsubnet("10.0.0.0/16", 8, 2).unwrap(), "10.0.2.0/24");
        assert_eq!(cidrsubnet("10.1.2.0/24", 4, 15).unwrap(), "10.1.2.240/28");
        assert_eq!(
            cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162).unwrap(),
            "fd00:fd12:3456:7800:a200::/72"
        );
        assert!(cidrsubnet("10.0.0.0/30", 4, 0).is_err());
        assert_eq!(cidrsubnet("::/0", 0, 0).unwrap(), "::/0");
        assert_eq!(cidrsubnet("0.0.0.0/0", 1, 1).unwrap(), "128.0.0.0/1");
        assert!(cidrsubnet("10.0.0.0/4294967295", 1, 0).is_err());
        assert!(cidrsubnet("10.0.0.0/8", 4294967297, 0).is_err());
        assert!(call("format", &[s("%99999999999d"), n(1.0)]).is_err());
        assert!(cidrsubnet("10.0.0.0/16", 2, 4).is_err());
    }
}
