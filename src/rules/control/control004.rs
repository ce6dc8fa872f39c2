//! CONTROL004: kube-scheduler or kube-controller-manager runs as a single instance.

use crate::facts::{ControlComponent, Facts};
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Control004::of(cx).min_instances;
    let (model, facts) = (cx.model, cx.facts);
    for component in [
        ControlComponent::Scheduler,
        ControlComponent::ControllerManager,
    ] {
        let instances = facts.control_plane(component);
        let Some(n) = Facts::instance_count(&instances) else {
            continue;
        };
        if instances.is_empty() || n >= min {
            continue;
        }
        cx.report(
            facts.replicas_label(model, instances[0]),
            format!(
                "{} runs {}: while it is down, {}",
                component.as_str(),
                count(n, "instance"),
                if component == ControlComponent::Scheduler {
                    "no new pod is scheduled"
                } else {
                    "no controller reconciles (no replacement pods, no endpoints updates)"
                }
            ),
        )
        .help(format!(
            "run at least {min} instances (one per control-plane node) with --leader-elect=true"
        ))
        .on(instances[0].res);
    }
}
