//! COMPUTE001: an application workload runs fewer than `min_replicas` replicas.

use crate::facts::ReplicaSource;
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = cx.param("min_replicas");
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        if !w.kind.is_replicated() || w.role != Role::Application {
            continue;
        }
        cx.unknown_replicas(w);
        let Some(n) = w.replicas.filter(|&n| n < min) else {
            continue;
        };
        let r = model.resource(w.res);
        let help = match w.replica_source {
            ReplicaSource::Hpa(_) => format!(
                "raise the HorizontalPodAutoscaler's spec.minReplicas to at least {min} (3 survives the loss of a zone)"
            ),
            _ => format!("set spec.replicas to at least {min} (3 survives the loss of a zone)"),
        };
        cx.report(
            facts.replicas_label(model, w),
            format!(
                "{} runs {}: one pod failure, node drain or rollout takes it down (needs at least {min})",
                r.display(),
                count(n, "replica")
            ),
        )
        .help(help)
        .also(r.header_label(format!("{} {}", r.kind, r.name)))
        .on(w.res);
    }
}
