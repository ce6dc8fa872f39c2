//! NETWORK009: a Transit Gateway VPC attachment whose subnets lie in fewer than `min_zones`
//! availability zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Network009::of(cx).min_zones as usize;
    cx.zones_below(&[aws::TRANSIT_GATEWAY_VPC_ATTACHMENT], 0, min, |r, zones| {
        (
            format!(
                "{} attaches the VPC through {}: the transit gateway reaches the VPC only through the attachment's zones, so losing {} cuts the VPC off from every network behind the transit gateway",
                r.address,
                zones.spans(),
                zones.lost()
            ),
            format!(
                "list one subnet in each zone the VPC uses (at least {min}) in subnet_ids"
            ),
        )
    });
}
