//! NETWORK004: a load balancer whose subnets lie in fewer than `min_zones` availability zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Network004::of(cx).min_zones as usize;
    cx.zones_below(&[aws::LB, aws::ALB, aws::ELB], 0, min, |r, zones| {
        (
            format!(
                "{} spans {}: losing {} takes the entry point down",
                r.address,
                zones.spans(),
                zones.lost(),
            ),
            format!("attach subnets in at least {min} availability zones"),
        )
    });
}
