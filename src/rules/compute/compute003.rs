//! COMPUTE003: a replicated workload has no zone topology spread nor pod anti-affinity, so
//! the scheduler may place every replica in one zone (or on one node). Data stores are
//! DATA002's.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for (w, n) in facts.unspread(|role| !matches!(role, Role::DataStore(_))) {
        cx.report(
            w.spread_label(model),
            format!(
                "{} has {n} replicas but {}: they may all land in one zone",
                model.resource(w.res).display(),
                w.spread_achieved()
            ),
        )
        .help(w.spread_help())
        .on(w.res)
        .absent(Missing::Field("topologySpreadConstraints"));
    }
}
