//! COMPUTE001: an application workload runs fewer than `min_replicas` replicas.

use crate::facts::ReplicaSource;
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute001::of(cx).min_replicas;
    let model = cx.model;
    for (w, n) in cx.under_replicated(min, |role| *role == Role::Application) {
        let help = match w.replica_source {
            ReplicaSource::Hpa(_) => format!(
                "raise the HorizontalPodAutoscaler's spec.minReplicas to at least {min} (3 survives the loss of a zone)"
            ),
            _ => format!("set spec.replicas to at least {min} (3 survives the loss of a zone)"),
        };
        cx.report_replicas(
            w,
            format!(
                "{} runs {}: one pod failure, node drain or rollout takes it down (needs at least {min})",
                model.resource(w.res).display(),
                count(n, "replica")
            ),
        )
        .help(help)
        .wants(Want::AtLeast(min));
    }
}
