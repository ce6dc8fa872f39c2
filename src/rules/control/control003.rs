//! CONTROL003: a self-managed control plane with fewer than `min_instances` kube-apiservers.

use crate::facts::{ControlComponent, Facts};
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Control003::of(cx).min_instances;
    let (model, facts) = (cx.model, cx.facts);
    let apiservers = facts.control_plane(ControlComponent::ApiServer);
    let Some(n) = Facts::instance_count(&apiservers) else {
        return;
    };
    if apiservers.is_empty() || n >= min {
        return;
    }
    let finding = cx
        .report(
            facts.replicas_label(model, apiservers[0]),
            format!(
                "the control plane runs {}: when it fails, nothing can reach the Kubernetes API (no deploys, no scaling, no self-healing)",
                count(n, "kube-apiserver instance")
            ),
        )
        .help(format!(
            "run at least {min} kube-apiserver instances, one per control-plane node in separate zones, behind a load balancer"
        ))
        .on(apiservers[0].res);
    for w in &apiservers[1..] {
        finding.also(facts.replicas_label(model, w));
    }
}
