//! COMPUTE009: a group of machines (see COMPUTE008) in at least 2 (COMPUTE008's threshold)
//! but fewer than `target_zones` zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let target = params::Compute009::of(cx).target_zones as usize;
    cx.group_zones_below(2, target, |r, family, zones| {
        (
            format!(
                "{} spans only {}: losing one leaves half the capacity",
                family.subject(r),
                zones.spans_as(family.zone_word())
            ),
            match family {
                Family::Aws => format!(
                    "spread it over {target} availability zones so a zone outage costs a third"
                ),
                _ => format!("{} so a zone outage costs a third", family.spread(target)),
            },
        )
    });
}
