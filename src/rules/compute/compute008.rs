//! COMPUTE008: a group of machines (auto scaling group, EKS node group, GKE node pool or a GKE
//! cluster's default node pool, managed instance group, AKS node pool or default node pool,
//! VM scale set) placed in fewer than `min_zones` zones, or, on Azure, in no named zone.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute008::of(cx).min_zones as usize;
    cx.group_zones_below(0, min, |r, family, zones| {
        let (subject, unit) = (family.subject(r), family.unit());
        let message = if zones.unzoned {
            format!(
                "{subject} names no availability zone (no `zones`): Azure may place all its {unit}s in one zone, so a zone outage can stop every {unit}"
            )
        } else {
            format!(
                "{subject} places its {unit}s in {}: a zone outage stops every {unit}",
                zones.spans_as(family.zone_word())
            )
        };
        (message, family.spread(min))
    });
}
