//! COMPUTE004: a workload's pods can only run in one availability zone, through a zone
//! `nodeSelector` or a required node affinity that allows a single zone.

use crate::facts::{ZONE_KEYS, pod_spec};
use crate::model::Val;
use crate::rules::prelude::*;

/// The single zone every required node-affinity term restricts the pods to, if any.
fn required_single_zone<'a>(spec: &Val<'a>) -> Option<(String, Val<'a>)> {
    let terms = spec.path(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ])?;
    let mut pinned: Option<(String, Val<'a>)> = None;
    let mut count = 0;
    for term in terms.items() {
        count += 1;
        let zone = term.get("matchExpressions").and_then(|exprs| {
            exprs.items().find_map(|e| {
                let key = e.get("key")?.as_str()?;
                let op = e.get("operator")?.as_str()?;
                let values: Vec<Val<'a>> = e.get("values")?.items().collect();
                (ZONE_KEYS.contains(&key) && op == "In" && values.len() == 1)
                    .then(|| values[0].scalar_text().map(|z| (z, values[0])))
                    .flatten()
            })
        })?;
        match &pinned {
            Some((z, _)) if *z != zone.0 => return None,
            Some(_) => {}
            None => pinned = Some(zone),
        }
    }
    pinned.filter(|_| count > 0)
}

pub fn check(cx: &mut RuleCx) {
    let model = cx.model;
    for w in &cx.facts.workloads {
        let r = model.resource(w.res);
        let Some(spec) = pod_spec(r, w.kind) else {
            continue;
        };
        let by_selector = spec.get("nodeSelector").and_then(|ns| {
            ns.entries()
                .into_iter()
                .find(|(k, _)| ZONE_KEYS.contains(k))
                .map(|(_, v)| (v.scalar_text().unwrap_or_default(), v))
        });
        let (zone, at, how) = if let Some((zone, v)) = by_selector {
            (zone, v.field_span(), "nodeSelector")
        } else if let Some((zone, v)) = required_single_zone(&spec) {
            (zone, v.span(), "required node affinity")
        } else {
            continue;
        };
        cx.report(
            Label::new(r.source, at, format!("only zone {zone} is allowed")),
            format!(
                "{} is pinned to zone {zone} by its {how}: losing that zone stops every replica",
                r.display()
            ),
        )
        .help(format!(
            "remove the zone from the {how}, or list at least two zones (operator In with several values); spread the pods with topologySpreadConstraints instead"
        ))
        .on(w.res);
    }
}
