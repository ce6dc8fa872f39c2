//! NETWORK001: a `type: LoadBalancer` Service whose selected pods add up to fewer than
//! `min_replicas`: the load balancer is redundant, what it sends traffic to is not.

use crate::facts::{Selector, load_balancer_type};
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Network001::of(cx).min_replicas;
    let (model, facts) = (cx.model, cx.facts);
    for (id, r) in model.iter() {
        let Some(ty) = load_balancer_type(r) else {
            continue;
        };
        let Some(selector) = r
            .root()
            .path(&["spec", "selector"])
            .map(|s| Selector::from_map(&s))
        else {
            continue;
        };
        let backends = facts.selected_by(model, r, &selector);
        if backends.is_empty() {
            continue;
        }
        // DaemonSets run one pod per node: their count is not known statically.
        let Some(total) = backends.iter().map(|w| w.replicas).sum::<Option<i64>>() else {
            continue;
        };
        if total >= min {
            continue;
        }
        let names: Vec<String> = backends
            .iter()
            .map(|w| model.resource(w.res).display())
            .collect();
        let finding = cx
            .report(
                crate::finding::Label::new(r.source, ty.field_span(), "public entry point"),
                format!(
                    "{} is a load-balanced entry point served by {} in total ({}): one pod failure is an outage",
                    r.display(),
                    count(total, "pod"),
                    names.join(", ")
                ),
            )
            .help(format!(
                "run at least {min} replicas (3 across zones) of the workloads this Service selects"
            ))
            .on(id);
        for w in backends {
            finding.also(facts.replicas_label(model, w));
        }
    }
}
