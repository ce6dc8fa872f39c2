//! CONTROL006: an EKS cluster whose control-plane subnets lie in fewer than `min_zones` zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Control006::of(cx).min_zones as usize;
    cx.zones_below(&[aws::EKS_CLUSTER], 0, min, |r, zones| {
        (
            format!(
                "{}'s control plane network interfaces are in {}: the API endpoint depends on that zone",
                r.address,
                zones.spans()
            ),
            format!("list subnets in at least {min} availability zones in vpc_config.subnet_ids"),
        )
    });
}
