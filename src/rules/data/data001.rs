//! DATA001: a StatefulSet of a known data store (by image) with fewer than `min_replicas`.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = cx.param("min_replicas");
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        let Role::DataStore(system) = &w.role else {
            continue;
        };
        cx.unknown_replicas(w);
        let Some(n) = w.replicas.filter(|&n| n < min) else {
            continue;
        };
        let r = model.resource(w.res);
        cx.report(
            facts.replicas_label(model, w),
            format!(
                "{system} data store {} runs {}: it needs {min} members to fail over (and keep quorum) when one is lost",
                r.display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run {min} replicas with {system}'s own replication and automatic failover configured (or use a managed multi-AZ service)"
        ))
        .also(r.header_label(format!("{} {}", r.kind, r.name)))
        .on(w.res);
    }
}
