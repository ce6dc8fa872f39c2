//! GITOPS003: only one GitOps engine delivers to the cluster: if it (or its CRDs, or its
//! credentials) breaks, there is no standby path to deploy or roll back.

use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Gitops003::of(cx).min_engines;
    let (model, facts) = (cx.model, cx.facts);
    let engines = &facts.gitops_engines;
    if engines.is_empty() || engines.len() as i64 >= min {
        return;
    }
    let Some((engine, ids)) = engines.iter().next() else {
        return;
    };
    let Some(&first) = ids.first() else {
        return;
    };
    let r = model.resource(first);
    cx.report(
        r.header_label(format!("{} is the only GitOps engine", engine.as_str())),
        format!(
            "{} is the only GitOps engine ({} found): when it fails, nothing reconciles the cluster and there is no standby deployment path",
            engine.as_str(),
            count(ids.len() as i64, "resource")
        ),
    )
    .help("add a standby engine (e.g. Flux next to Argo CD) watching the same sources, suspended until needed")
    .on(first);
}
