//! CI facts: self-hosted runner pools and their capacity.

use super::{Facts, Role, pair_nearest};
use crate::finding::{Label, count};
use crate::model::{Model, Resource, ResourceId};

/// Actions Runner Controller (summerwind) API group.
const ARC_LEGACY: &str = "actions.summerwind.dev";
/// GitHub's Actions Runner Controller (runner scale sets) API group.
const ARC: &str = "actions.github.com";

/// A pool of self-hosted CI runners whose capacity is known.
#[derive(Clone, Debug)]
pub struct RunnerPool {
    pub res: ResourceId,
    /// How many runners it can run at once.
    pub capacity: i64,
    /// Where that number is set (or, when it is a default, the resource).
    pub label: Label,
}

/// Runner pools, in model order, then GitLab runner workloads: ARC RunnerDeployments and
/// RunnerSets (the `maxReplicas` of the HorizontalRunnerAutoscaler that targets them, nearest
/// copy in the file tree as for HPAs, else `spec.replicas`, absent meaning 1),
/// AutoscalingRunnerSets (`spec.maxRunners`; absent means unbounded: not a pool of known
/// capacity), and workloads of role [`Role::RunnerPool`] (their effective replicas). Pools
/// whose capacity is not an integer are left out.
pub fn runner_pools(model: &Model, facts: &Facts) -> Vec<RunnerPool> {
    let autoscalers: Vec<(ResourceId, &Resource)> = model
        .iter()
        .filter(|(_, r)| r.group() == ARC_LEGACY && r.kind == "HorizontalRunnerAutoscaler")
        .collect();
    let targets: Vec<(ResourceId, Vec<&str>, &str)> = autoscalers
        .iter()
        .map(|(id, h)| {
            let target = |k: &str| h.root().path(&["spec", "scaleTargetRef", k]);
            let kinds = match target("kind").and_then(|k| k.as_str()) {
                Some(k) => vec![k],
                None => vec!["RunnerDeployment", "RunnerSet"],
            };
            (
                *id,
                kinds,
                target("name").and_then(|n| n.as_str()).unwrap_or(""),
            )
        })
        .collect();
    let is_runner_set = |r: &Resource| {
        r.group() == ARC_LEGACY && matches!(r.kind.as_str(), "RunnerDeployment" | "RunnerSet")
    };
    let autoscaler_of = pair_nearest(model, is_runner_set, &targets);

    let mut pools = Vec::new();
    for (id, r) in model.iter() {
        let root = r.root();
        let capacity = if is_runner_set(r) {
            match autoscaler_of.get(&id).map(|&i| autoscalers[i].1) {
                Some(h) => h.root().path(&["spec", "maxReplicas"]).and_then(|max| {
                    let n = max.as_i64()?;
                    let at = format!("autoscaler allows at most {}", count(n, "runner"));
                    Some((n, Label::new(h.source, max.field_span(), at)))
                }),
                None => match root.path(&["spec", "replicas"]) {
                    Some(v) => v
                        .as_i64()
                        .map(|n| (n, Label::new(r.source, v.field_span(), count(n, "runner")))),
                    None => Some((1, r.header_label("spec.replicas is not set: 1 runner"))),
                },
            }
        } else if r.group() == ARC && r.kind == "AutoscalingRunnerSet" {
            root.path(&["spec", "maxRunners"]).and_then(|max| {
                let n = max.as_i64()?;
                let at = format!("at most {}", count(n, "runner"));
                Some((n, Label::new(r.source, max.field_span(), at)))
            })
        } else {
            None
        };
        if let Some((capacity, label)) = capacity {
            pools.push(RunnerPool {
                res: id,
                capacity,
                label,
            });
        }
    }
    for w in &facts.workloads {
        if w.role == Role::RunnerPool
            && w.kind.is_replicated()
            && let Some(n) = w.replicas
        {
            pools.push(RunnerPool {
                res: w.res,
                capacity: n,
                label: facts.replicas_label(model, w),
            });
        }
    }
    pools
}
