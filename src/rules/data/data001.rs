//! DATA001: a StatefulSet of a known data store (by image) with fewer than `min_replicas`.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Data001::of(cx).min_replicas;
    let model = cx.model;
    for (w, n) in cx.under_replicated(min, |role| matches!(role, Role::DataStore(_))) {
        let Role::DataStore(system) = &w.role else {
            continue;
        };
        cx.report_replicas(
            w,
            format!(
                "{system} data store {} runs {}: it needs {min} members to fail over (and keep quorum) when one is lost",
                model.resource(w.res).display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run {min} replicas with {system}'s own replication and automatic failover configured (or use a managed multi-AZ service)"
        ))
        .wants(Want::AtLeast(min));
    }
}
