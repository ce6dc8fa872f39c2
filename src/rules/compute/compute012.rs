//! COMPUTE012: a bare Pod (no controller) that runs a service: nothing recreates it when its
//! node fails, is drained or evicts it.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let model = cx.model;
    for w in &cx.facts.workloads {
        if w.kind != WorkloadKind::Pod || matches!(w.role, Role::ControlPlane(_)) {
            continue;
        }
        let r = model.resource(w.res);
        let root = r.root();
        // Owned by a controller (as `kubectl get -o yaml` shows), a Helm hook (a test), or a
        // one-off task that is not meant to keep running.
        if root
            .path(&["metadata", "ownerReferences"])
            .is_some_and(|o| o.items().next().is_some())
            || root
                .path(&["metadata", "annotations"])
                .is_some_and(|a| a.get("helm.sh/hook").is_some())
        {
            continue;
        }
        let restart = root.path(&["spec", "restartPolicy"]);
        if restart
            .and_then(|p| p.as_str())
            .is_some_and(|p| p == "Never" || p == "OnFailure")
        {
            continue;
        }
        cx.report(
            r.header_label(format!("bare {}", r.display())),
            format!(
                "{} is a bare Pod: no controller recreates it when its node fails, is drained or evicts it, so it stays down",
                r.display()
            ),
        )
        .help("run it as a Deployment (or a StatefulSet) with at least 2 replicas; keep bare Pods for one-off tasks (restartPolicy: Never or OnFailure, or better a Job)")
        .on(w.res);
    }
}
