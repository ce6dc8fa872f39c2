//! SECURITY001: an in-cluster secrets or certificate service (external-secrets, cert-manager,
//! Vault) runs a single replica: while it is down, secrets and certificates are not served or
//! renewed, and its admission webhooks can block deployments.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Security001::of(cx).min_replicas;
    let model = cx.model;
    for (w, n) in cx.under_replicated(min, |role| matches!(role, Role::SecurityService(_))) {
        let Role::SecurityService(service) = &w.role else {
            continue;
        };
        cx.report_replicas(
            w,
            format!(
                "{service} ({}) runs {}: while it is down, secrets and certificates are not served or renewed",
                model.resource(w.res).display(),
                count(n, "replica")
            ),
        )
        .help(format!(
            "run at least {min} replicas (3 across zones for Vault's raft storage) with leader election enabled"
        ))
        .wants(Want::AtLeast(min));
    }
}
