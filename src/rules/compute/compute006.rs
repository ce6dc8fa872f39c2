//! COMPUTE006: a PodDisruptionBudget that allows no voluntary eviction at all, which blocks
//! node drains and cluster upgrades (and so keeps nodes that should be replaced).

use crate::facts::{IntOrPercent, ReplicaSource};
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for pdb in &facts.pdbs {
        let r = model.resource(pdb.res);
        let blocked = match (&pdb.max_unavailable, &pdb.min_available) {
            (Some(IntOrPercent::Int(0)), _) => {
                Some(("maxUnavailable", "maxUnavailable is 0".to_string(), None))
            }
            (Some(IntOrPercent::Percent(p)), _) if *p <= 0.0 => {
                Some(("maxUnavailable", "maxUnavailable is 0%".to_string(), None))
            }
            (_, Some(IntOrPercent::Percent(p))) if *p >= 100.0 => {
                Some(("minAvailable", "minAvailable is 100%".to_string(), None))
            }
            (_, Some(IntOrPercent::Int(m))) => pdb.workloads.iter().find_map(|&wi| {
                let w = &facts.workloads[wi];
                let n = w.replicas?;
                let hpa = matches!(w.replica_source, ReplicaSource::Hpa(_));
                // With an HPA, minAvailable above minReplicas is COMPUTE007's case.
                let blocks = if hpa { *m == n } else { *m >= n };
                blocks.then(|| {
                    (
                        "minAvailable",
                        format!(
                            "minAvailable {m} leaves no pod to evict from {} ({})",
                            model.resource(w.res).display(),
                            count(n, "replica")
                        ),
                        Some(w),
                    )
                })
            }),
            _ => None,
        };
        let Some((field, why, workload)) = blocked else {
            continue;
        };
        let finding = cx
            .report(
                r.field_label(&["spec", field], why.clone()),
                format!(
                    "{} forbids every voluntary eviction ({why}): node drains and cluster upgrades will hang",
                    r.display()
                ),
            )
            .help("use maxUnavailable: 1 (or a minAvailable below the replica count) so one pod at a time can move")
            .on(pdb.res);
        if let Some(w) = workload {
            finding.also(facts.replicas_label(model, w));
        }
    }
}
