//! COMPUTE005: a replicated workload has no PodDisruptionBudget selecting its pods, so a node
//! drain or cluster upgrade may evict every replica at once.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for w in &facts.workloads {
        if !w.kind.is_replicated() || !w.pdbs.is_empty() {
            continue;
        }
        let Some(n) = w.replicas.filter(|&n| n >= 2) else {
            continue;
        };
        let r = model.resource(w.res);
        let labels: String = w
            .pod_labels
            .iter()
            .map(|(k, v)| format!("\n      {k}: {v}"))
            .collect();
        cx.report(
            r.header_label(format!("no PodDisruptionBudget in namespace {} selects these pods", r.namespace)),
            format!(
                "{} has {n} replicas but no PodDisruptionBudget: a node drain may evict all of them at once",
                r.display()
            ),
        )
        .help(format!(
            "add a PodDisruptionBudget in namespace {}:\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:{labels}",
            r.namespace, r.name
        ))
        .on(w.res)
        .absent(Missing::Kind("PodDisruptionBudget"));
    }
}
