//! COMPUTE002: an application workload runs at least `min_replicas` but fewer than
//! `target_replicas` replicas, so losing one zone can still take it below what it needs. A
//! controller with leader election is not judged: one replica is active, the others stand by.

use crate::facts::ReplicaSource;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let params::Compute002 {
        min_replicas: min,
        target_replicas: target,
    } = params::Compute002::of(cx);
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        if !w.kind.is_replicated() || w.role != Role::Application {
            continue;
        }
        // One active replica and standbys: more replicas add no capacity.
        if w.leader_election().is_some() {
            continue;
        }
        // Below `min` is COMPUTE001's case (and so is an unknown count).
        let Some(n) = w.replicas.filter(|&n| n >= min && n < target) else {
            continue;
        };
        let field = match w.replica_source {
            ReplicaSource::Hpa(_) => "the HorizontalPodAutoscaler's spec.minReplicas",
            _ => "spec.replicas",
        };
        cx.report_replicas(
            w,
            format!(
                "{} runs {n} replicas, below the target of {target}: with one replica per zone, losing a zone halves capacity",
                model.resource(w.res).display()
            ),
        )
        .help(format!("set {field} to {target} or more, one replica per availability zone"))
        .wants(Want::AtLeast(target));
    }
}
