//! COMPUTE016: a Karpenter NodePool (or v1alpha5 Provisioner) whose requirements allow
//! fewer than `min_zones` zones (`topology.kubernetes.io/zone` or `topology.k8s.aws/zone-id`
//! with operator `In`).

use crate::facts::placement::{ZONE_KEYS, ZoneRequirement, required_zones};
use crate::rules::prelude::*;

/// Zone names and zone ids are different namings: each is judged on its own.
const ZONE_ID_KEYS: &[&str] = &["topology.k8s.aws/zone-id"];

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute016::of(cx).min_zones as usize;
    let model = cx.model;
    for (id, r) in model.iter() {
        if r.group() != "karpenter.sh" {
            continue;
        }
        let path: &[&str] = match r.kind.as_str() {
            "NodePool" => &["spec", "template", "spec", "requirements"],
            "Provisioner" => &["spec", "requirements"],
            _ => continue,
        };
        let Some(requirements) = r.root().path(path) else {
            continue;
        };
        for keys in [ZONE_KEYS, ZONE_ID_KEYS] {
            // Values that are not plain strings, or an empty list (invalid for `In`: a chart
            // whose zone list is set at install time), are not a zone list.
            let Ok(Some(ZoneRequirement {
                zones,
                at: Some(at),
            })) = required_zones(requirements.items(), keys)
            else {
                continue;
            };
            if zones.is_empty() || zones.len() >= min {
                continue;
            }
            let zones: Vec<String> = zones.into_iter().collect();
            cx.report(
                Label::new(r.source, at, "zones allowed"),
                format!(
                    "{} lets Karpenter launch nodes in {} ({}): when {} fails, the pods that need this {} have nowhere to go",
                    r.display(),
                    count(zones.len() as i64, "zone"),
                    zones.join(", "),
                    if zones.len() == 1 { "that zone" } else { "a zone" },
                    r.kind
                ),
            )
            .help(format!(
                "allow at least {min} zones in the {} requirement (operator In with several values), or drop it and spread pods with topologySpreadConstraints",
                keys[0]
            ))
            .on(id);
        }
    }
}
