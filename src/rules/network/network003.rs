//! NETWORK003: every Ingress uses the same ingress class, so one controller (and the one load
//! balancer in front of it) is the single entry point for all HTTP traffic.

use std::collections::BTreeSet;

use crate::facts::is_ingress;
use crate::finding::all_of;
use crate::rules::prelude::*;

/// Most other Ingresses shown as secondary labels.
const MAX_SHOWN: usize = 3;

pub fn check(cx: &mut RuleCx) {
    let min = params::Network003::of(cx).min_ingress_classes;
    let model = cx.model;
    let ingresses: Vec<_> = model
        .iter()
        .filter(|(_, r)| is_ingress(r))
        .map(|(id, r)| {
            let by_field = r.root().path(&["spec", "ingressClassName"]);
            let by_annotation =
                r.root()
                    .path(&["metadata", "annotations", "kubernetes.io/ingress.class"]);
            let (class, span) = match by_field.or(by_annotation) {
                Some(v) => (v.scalar_text().unwrap_or_default(), v.field_span()),
                None => ("(cluster default class)".to_string(), r.header),
            };
            (id, r, class, span)
        })
        .collect();
    let classes: BTreeSet<&str> = ingresses.iter().map(|(_, _, c, _)| c.as_str()).collect();
    let Some(&(id, first, ref class, span)) = ingresses.first() else {
        return;
    };
    if classes.len() as i64 >= min {
        return;
    }
    let finding = cx
        .report(
            Label::new(first.source, span, format!("ingress class {class}")),
            format!(
                "{} {} the ingress class {class}: its controller and load balancer are the single entry point",
                all_of(ingresses.len(), "Ingress", "Ingresses"),
                if ingresses.len() == 1 { "uses" } else { "use" }
            ),
        )
        .help(format!(
            "serve the entry point through at least {min} ingress classes (independent controllers behind separate load balancers), e.g. a second controller with DNS failover between them"
        ))
        .on(id);
    for (_, r, _, span) in ingresses.iter().skip(1).take(MAX_SHOWN) {
        finding.also(Label::new(
            r.source,
            *span,
            format!("{} uses it too", r.display()),
        ));
    }
}
