//! COMPUTE003: a replicated workload has no zone topology spread nor pod anti-affinity, so
//! the scheduler may place every replica in one zone (or on one node).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        let data_store = matches!(w.role, Role::DataStore(_));
        if !w.kind.is_replicated() || data_store || w.zone_spread {
            continue;
        }
        let Some(n) = w.replicas.filter(|&n| n >= 2) else {
            continue;
        };
        let r = model.resource(w.res);
        cx.report(
            w.spread_label(model),
            format!(
                "{} has {n} replicas but nothing spreads them over zones: they may all land in one zone",
                r.display()
            ),
        )
        .help(w.spread_help())
        .on(w.res);
    }
}
