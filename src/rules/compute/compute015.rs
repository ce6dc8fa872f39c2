//! COMPUTE015: the cluster's node autoscaler (cluster-autoscaler or Karpenter's controller)
//! runs fewer than `min_replicas` replicas: while its one pod is down or being rescheduled,
//! no node is added, not even to replace the nodes a zone outage took.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute015::of(cx).min_replicas;
    let model = cx.model;
    for (w, n) in cx.under_replicated(min, |role| matches!(role, Role::NodeAutoscaler(_))) {
        let Role::NodeAutoscaler(autoscaler) = &w.role else {
            continue;
        };
        cx.report_replicas(
            w,
            format!(
                "{autoscaler} ({}) runs {}: when its pod is lost with its node or zone, nothing adds nodes until it is rescheduled, which may itself wait for a node",
                model.resource(w.res).display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run {min} replicas (leader election keeps one active) spread over zones, e.g. the chart's replicaCount / replicas value, with a PodDisruptionBudget"
        ))
        .wants(Want::AtLeast(min));
    }
}
