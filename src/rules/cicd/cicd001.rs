//! CICD001: a self-hosted CI runner pool that can never run two runners at once.

use crate::finding::count;
use crate::model::Resource;
use crate::rules::prelude::*;

/// How many runners a pool can run at once, and where that number is set.
fn capacity(cx: &RuleCx, r: &Resource) -> Option<(i64, Label)> {
    let root = r.root();
    match (r.group(), r.kind.as_str()) {
        ("actions.summerwind.dev", "RunnerDeployment" | "RunnerSet") => {
            let hra = cx.model.resources.iter().find(|h| {
                h.group() == "actions.summerwind.dev"
                    && h.kind == "HorizontalRunnerAutoscaler"
                    && h.namespace == r.namespace
                    && h.root()
                        .path(&["spec", "scaleTargetRef", "name"])
                        .and_then(|n| n.as_str())
                        == Some(&r.name)
                    && h.root()
                        .path(&["spec", "scaleTargetRef", "kind"])
                        .and_then(|k| k.as_str())
                        .is_none_or(|k| k == r.kind)
            });
            if let Some(h) = hra {
                let max = h.root().path(&["spec", "maxReplicas"])?;
                let n = max.as_i64()?;
                return Some((
                    n,
                    Label::new(
                        h.source,
                        max.field_span(),
                        format!("autoscaler allows at most {}", count(n, "runner")),
                    ),
                ));
            }
            match root.path(&["spec", "replicas"]) {
                Some(v) => v
                    .as_i64()
                    .map(|n| (n, Label::new(r.source, v.field_span(), count(n, "runner")))),
                None => Some((1, r.header_label("spec.replicas is not set: 1 runner"))),
            }
        }
        ("actions.github.com", "AutoscalingRunnerSet") => {
            let max = root.path(&["spec", "maxRunners"])?;
            let n = max.as_i64()?;
            Some((
                n,
                Label::new(
                    r.source,
                    max.field_span(),
                    format!("at most {}", count(n, "runner")),
                ),
            ))
        }
        _ => None,
    }
}

pub fn check(cx: &mut RuleCx) {
    let min = params::Cicd001::of(cx).min_runners;
    let (model, facts) = (cx.model, cx.facts);
    let mut pools: Vec<(crate::model::ResourceId, i64, Label)> = model
        .iter()
        .filter_map(|(id, r)| capacity(cx, r).map(|(n, l)| (id, n, l)))
        .collect();
    for w in &facts.workloads {
        if w.role == Role::RunnerPool
            && w.kind.is_replicated()
            && let Some(n) = w.replicas
        {
            pools.push((w.res, n, facts.replicas_label(model, w)));
        }
    }
    for (id, n, label) in pools {
        if n >= min {
            continue;
        }
        let r = model.resource(id);
        cx.report(
            label,
            format!(
                "runner pool {} can run {} at once: when it is busy or down, no pipeline can deploy",
                r.display(),
                count(n, "runner")
            ),
        )
        .help(format!("allow at least {min} runners (replicas, maxReplicas or maxRunners), spread over nodes in different zones"))
        .on(id);
    }
}
