//! COMPUTE006: a PodDisruptionBudget that allows no voluntary eviction at all, which blocks
//! node drains and cluster upgrades (and so keeps nodes that should be replaced).

use crate::facts::{IntOrPercent, ReplicaSource};
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for pdb in &facts.pdbs {
        let r = model.resource(pdb.res);
        // (field, label on the field, why, the workload whose replicas explain it)
        let blocked = match (&pdb.max_unavailable, &pdb.min_available) {
            (Some(IntOrPercent::Int(0)), _) => Some((
                "maxUnavailable",
                "no pod may be unavailable".to_string(),
                "maxUnavailable is 0".to_string(),
                None,
            )),
            (Some(IntOrPercent::Percent(p)), _) if *p <= 0.0 => Some((
                "maxUnavailable",
                "no pod may be unavailable".to_string(),
                "maxUnavailable is 0%".to_string(),
                None,
            )),
            (_, Some(IntOrPercent::Percent(p))) if *p >= 100.0 => Some((
                "minAvailable",
                "every pod must stay available".to_string(),
                "minAvailable is 100%".to_string(),
                None,
            )),
            (_, Some(IntOrPercent::Int(m))) => pdb.workloads.iter().find_map(|&wi| {
                let w = &facts.workloads[wi];
                let n = w.replicas?;
                let hpa = matches!(w.replica_source, ReplicaSource::Hpa(_));
                // With an HPA, minAvailable above minReplicas is COMPUTE007's case.
                let blocks = if hpa { *m == n } else { *m >= n };
                blocks.then(|| {
                    (
                        "minAvailable",
                        format!("{} must stay available", count(*m, "pod")),
                        format!(
                            "it requires {m} available pods and {} has {}",
                            model.resource(w.res).display(),
                            count(n, "replica")
                        ),
                        Some(w),
                    )
                })
            }),
            _ => None,
        };
        let Some((field, label, why, workload)) = blocked else {
            continue;
        };
        let finding = cx
            .report(
                r.field_label(&["spec", field], label),
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
