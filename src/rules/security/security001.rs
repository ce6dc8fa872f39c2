//! SECURITY001: an in-cluster secrets or certificate service (external-secrets, cert-manager,
//! Vault) runs a single replica: while it is down, secrets and certificates are not served or
//! renewed, and its admission webhooks can block deployments.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = cx.param("min_replicas");
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        let Role::SecurityService(service) = &w.role else {
            continue;
        };
        if !w.kind.is_replicated() {
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
                "{service} ({}) runs {}: while it is down, secrets and certificates are not served or renewed",
                r.display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run at least {min} replicas (3 across zones for Vault's raft storage) with leader election enabled"
        ))
        .also(r.header_label(format!("{} {}", r.kind, r.name)))
        .on(w.res);
    }
}
