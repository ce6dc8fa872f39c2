//! DNS005: a Route 53 Resolver endpoint whose IP addresses (`ip_address { subnet_id }`) lie
//! in fewer than `min_zones` availability zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Dns005::of(cx).min_zones as usize;
    cx.zones_below(&[aws::ROUTE53_RESOLVER_ENDPOINT], 0, min, |r, zones| {
        let inbound = r.value("direction").and_then(Value::as_str) == Some("INBOUND");
        (
            format!(
                "{} has its IP addresses in {}: losing {} stops {}",
                r.address,
                zones.spans(),
                zones.lost(),
                if inbound {
                    "every query that the networks forwarding to it send"
                } else {
                    "every query that its resolver rules forward"
                }
            ),
            format!("give it ip_address blocks in subnets of at least {min} availability zones"),
        )
    });
}
