//! COMPUTE007: a PodDisruptionBudget's minAvailable is above the minReplicas of the HPA that
//! scales its workload, so at minimum scale the budget can never be met.

use crate::facts::{IntOrPercent, ReplicaSource};
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for pdb in &facts.pdbs {
        let Some(IntOrPercent::Int(m)) = pdb.min_available else {
            continue;
        };
        let r = model.resource(pdb.res);
        for &wi in &pdb.workloads {
            let w = &facts.workloads[wi];
            let (ReplicaSource::Hpa(_), Some(n)) = (w.replica_source, w.replicas) else {
                continue;
            };
            if m <= n {
                continue;
            }
            cx.report(
                r.field_label(&["spec", "minAvailable"], format!("minAvailable is {m}")),
                format!(
                    "{} requires {m} available pods but the HorizontalPodAutoscaler may scale {} down to {n}: the budget is then unsatisfiable and blocks every eviction",
                    r.display(),
                    model.resource(w.res).display()
                ),
            )
            .help(format!(
                "lower minAvailable below {n}, use maxUnavailable: 1, or raise the HPA's minReplicas above {m}"
            ))
            .also(facts.replicas_label(model, w))
            .on(pdb.res);
        }
    }
}
