//! GITOPS001: an HA GitOps install (Argo CD or Flux) in which a component still runs a single
//! replica: the HA declaration promises redundancy that this component does not have.

use crate::facts::Engine;
use crate::finding::{Label, count};
use crate::model::Model;
use crate::rules::prelude::*;

/// Argo CD components whose replica count matters for availability.
const ARGOCD_JUDGED: &[&str] = &["application-controller", "repo-server", "server", "redis"];

/// `argocd-redis-ha-...`, also behind a release prefix (`prod-argocd-redis-ha-server`).
fn is_argocd_redis_ha(name: &str) -> bool {
    name.match_indices("argocd-redis-ha")
        .any(|(i, _)| i == 0 || name.as_bytes()[i - 1] == b'-')
}

/// Why the install counts as HA, and where that is declared.
fn ha_evidence(model: &Model, engine: Engine, components: &[&Workload]) -> Option<Label> {
    for w in components {
        let r = model.resource(w.res);
        if engine == Engine::ArgoCd && is_argocd_redis_ha(&r.name) {
            return Some(r.header_label("HA declared: Argo CD's redis-ha is installed"));
        }
        if w.kind.is_replicated() && w.replicas.is_some_and(|n| n >= 2) {
            return Some(r.field_label(
                &["spec", "replicas"],
                "HA declared: this component is replicated",
            ));
        }
        if engine == Engine::ArgoCd {
            let env = r
                .root()
                .path(&["spec", "template", "spec", "containers"])
                .into_iter()
                .flat_map(|c| c.items())
                .filter_map(|c| c.get("env"))
                .flat_map(|e| e.items())
                .find(|e| {
                    e.get("name").and_then(|n| n.as_str()) == Some("ARGOCD_CONTROLLER_REPLICAS")
                });
            if let Some(e) = env {
                let value = e
                    .get("value")
                    .and_then(|v| v.scalar_text())
                    .unwrap_or_default();
                if value.trim().parse::<i64>().is_ok_and(|n| n > 1) {
                    return Some(Label::new(
                        r.source,
                        e.span(),
                        "HA declared: sharded application controller",
                    ));
                }
            }
        }
    }
    None
}

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for engine in [Engine::ArgoCd, Engine::Flux] {
        let components: Vec<&Workload> = facts
            .workloads
            .iter()
            .filter(|w| matches!(&w.role, Role::GitOps { engine: e, .. } if *e == engine))
            .collect();
        for w in &components {
            // Each install on its own: an HA install elsewhere in the scan vouches for
            // nothing here.
            let Some(evidence) = ha_evidence(model, engine, &facts.install_of(model, w)) else {
                continue;
            };
            let Role::GitOps { component, .. } = &w.role else {
                continue;
            };
            if engine == Engine::ArgoCd && !ARGOCD_JUDGED.contains(&component.as_str()) {
                continue;
            }
            let Some(n) = w.replicas.filter(|&n| n < 2 && w.kind.is_replicated()) else {
                continue;
            };
            let r = model.resource(w.res);
            cx.report(
                facts.replicas_label(model, w),
                format!(
                    "{} {component} ({}) runs {} in an HA install: it stays a single point of failure",
                    engine.as_str(),
                    r.display(),
                    count(n, "replica")
                ),
            )
            .help(match (engine, component.as_str()) {
                (Engine::ArgoCd, "application-controller") => "run 2+ application-controller replicas and set ARGOCD_CONTROLLER_REPLICAS to the same number".to_string(),
                (Engine::ArgoCd, "redis") => "use the redis-ha setup (3 redis servers with sentinel, 3 haproxy replicas)".to_string(),
                _ => format!("run at least 2 replicas of {component} (3 across zones)"),
            })
            .also(evidence.clone())
            .on(w.res);
        }
    }
}
