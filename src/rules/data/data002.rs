//! DATA002: a replicated data-store StatefulSet whose members may all land in one zone.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for (w, n) in facts.unspread(|role| matches!(role, Role::DataStore(_))) {
        let Role::DataStore(system) = &w.role else {
            continue;
        };
        cx.report(
            w.spread_label(model),
            format!(
                "{system} data store {} has {n} replicas but {}: one zone outage can take every copy of the data",
                model.resource(w.res).display(),
                w.spread_achieved()
            ),
        )
        .help(w.spread_help())
        .on(w.res)
        .absent(Missing::Field("topologySpreadConstraints"));
    }
}
