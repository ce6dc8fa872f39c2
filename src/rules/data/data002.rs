//! DATA002: a replicated data-store StatefulSet whose members may all land in one zone.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let model = cx.model;
    for w in &cx.facts.workloads {
        let Role::DataStore(system) = &w.role else {
            continue;
        };
        if w.zone_spread {
            continue;
        }
        let Some(n) = w.replicas.filter(|&n| n >= 2) else {
            continue;
        };
        let r = model.resource(w.res);
        cx.report(
            w.spread_label(model),
            format!(
                "{system} data store {} has {n} replicas but nothing spreads them over zones: one zone outage can take every copy of the data",
                r.display()
            ),
        )
        .help(w.spread_help())
        .on(w.res);
    }
}
