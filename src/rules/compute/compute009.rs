//! COMPUTE009: an auto scaling group or EKS node group in at least `min_zones` (COMPUTE008's
//! threshold, 2) but fewer than `target_zones` zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let target = params::Compute009::of(cx).target_zones as usize;
    cx.zones_below(
        &[aws::AUTOSCALING_GROUP, aws::EKS_NODE_GROUP],
        2,
        target,
        |r, zones| {
            (
                format!(
                    "{} spans only {}: losing one leaves half the capacity",
                    r.address,
                    zones.spans()
                ),
                format!(
                    "spread it over {target} availability zones so a zone outage costs a third"
                ),
            )
        },
    );
}
