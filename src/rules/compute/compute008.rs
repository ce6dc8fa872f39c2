//! COMPUTE008: an auto scaling group or EKS node group placed in fewer than `min_zones` zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute008::of(cx).min_zones as usize;
    cx.zones_below(
        &[aws::AUTOSCALING_GROUP, aws::EKS_NODE_GROUP],
        0,
        min,
        |r, zones| {
            (
                format!(
                    "{} places its instances in {}: a zone outage stops every instance",
                    r.address,
                    zones.spans()
                ),
                format!("give it subnets in at least {min} availability zones"),
            )
        },
    );
}
