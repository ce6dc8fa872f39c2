//! CICD001: a self-hosted CI runner pool that can never run two runners at once.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Cicd001::of(cx).min_runners;
    let (model, facts) = (cx.model, cx.facts);
    for pool in &facts.runner_pools {
        if pool.capacity >= min {
            continue;
        }
        let r = model.resource(pool.res);
        cx.report(
            pool.label.clone(),
            format!(
                "runner pool {} can run {} at once: when it is busy or down, no pipeline can deploy",
                r.display(),
                count(pool.capacity, "runner")
            ),
        )
        .help(format!("allow at least {min} runners (replicas, maxReplicas or maxRunners), spread over nodes in different zones"))
        .on(pool.res);
    }
}
