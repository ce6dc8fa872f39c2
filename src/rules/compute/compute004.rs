//! COMPUTE004: a workload's pods can only run in one availability zone, through a zone
//! `nodeSelector` or a required node affinity that allows a single zone.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let model = cx.model;
    for w in &cx.facts.workloads {
        let (Some(zone), Some((at, how))) = (w.placement.single_zone(), w.placement.restricted_at)
        else {
            continue;
        };
        let r = model.resource(w.res);
        let how = how.as_str();
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
