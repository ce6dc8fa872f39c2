//! NETWORK002: an ingress controller Deployment/StatefulSet with fewer than `min_replicas`
//! replicas: every Ingress behind it goes down with its one pod.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = cx.param("min_replicas");
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        if !w.kind.is_replicated() || w.role != Role::IngressController {
            continue;
        }
        cx.unknown_replicas(w);
        let Some(n) = w.replicas.filter(|&n| n < min) else {
            continue;
        };
        let r = model.resource(w.res);
        cx.report(
            facts.replicas_label(model, w),
            format!(
                "ingress controller {} runs {}: all ingress traffic depends on it",
                r.display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run at least {min} controller replicas (3 across zones), or run the controller as a DaemonSet"
        ))
        .also(r.header_label(format!("{} {}", r.kind, r.name)))
        .on(w.res);
    }
}
