//! NETWORK002: an ingress controller Deployment/StatefulSet with fewer than `min_replicas`
//! replicas: every Ingress behind it goes down with its one pod.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Network002::of(cx).min_replicas;
    let model = cx.model;
    for (w, n) in cx.under_replicated(min, |role| *role == Role::IngressController) {
        cx.report_replicas(
            w,
            format!(
                "ingress controller {} runs {}: all ingress traffic depends on it",
                model.resource(w.res).display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run at least {min} controller replicas (3 across zones), or run the controller as a DaemonSet"
        ))
        .wants(Want::AtLeast(min));
    }
}
