//! COMPUTE019: the instances of one virtual machine declaration (`count` over an AWS
//! instance, a Compute Engine instance or an Azure VM) all in fewer than `min_zones`
//! availability zones: a zone outage stops every copy the block was written to provide.

use std::collections::BTreeMap;

use crate::facts::terraform::Zones;
use crate::rules::prelude::*;

const TYPES: &[ResourceType] = &[
    aws::INSTANCE,
    google::COMPUTE_INSTANCE,
    azure::LINUX_VIRTUAL_MACHINE,
    azure::WINDOWS_VIRTUAL_MACHINE,
];

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute019::of(cx).min_zones as usize;
    let (model, facts) = (cx.model, cx.facts);
    // One declaration in one module instance of one root: its count instances.
    let mut groups: BTreeMap<(&str, &str), Vec<ResourceId>> = BTreeMap::new();
    for id in facts.tf.of_types(TYPES) {
        let r = model.tf(id);
        // `count` makes copies; `for_each` keys usually name different machines (a router
        // per spoke, a host per role), which are not copies of each other.
        if !r.address.ends_with(']') || r.address.ends_with("\"]") {
            continue;
        }
        groups
            .entry((r.root.as_str(), r.declaration()))
            .or_default()
            .push(id);
    }
    for ((_, decl), members) in groups {
        // A lone instance is not a group of copies; an unknown number may be one. Instances
        // that name no zone or subnet at all are placed by the provider, like the groups
        // zones_below leaves alone.
        if members.len() < 2
            || members.iter().any(|&m| model.tf(m).count_unknown)
            || members.iter().all(|&m| facts.tf.placement(m).is_none())
        {
            continue;
        }
        let mut zones = Zones {
            listed: true,
            ..Zones::default()
        };
        let mut labels = Vec::new();
        for &m in &members {
            match facts.tf.placement(m) {
                Some(p) => {
                    zones.add(&p.zones);
                    labels.push(p.label.clone());
                }
                // No zone and no subnet: the provider's default zone, not known here.
                None => zones.unknown += 1,
            }
        }
        let unzoned = members
            .iter()
            .all(|&m| facts.tf.placement(m).is_some_and(|p| p.zones.unzoned));
        zones.unzoned = unzoned;
        let first = members[0];
        let label = labels
            .first()
            .cloned()
            .unwrap_or_else(|| model.tf(first).header_label(""));
        let n = members.len();
        let f = cx.zones_short(first, &zones, label, min, |r, zones| {
            let help = if r.rtype.starts_with("azurerm_") {
                format!(
                    "give each instance its own zone, e.g. zone = tostring(count.index % 3 + 1), so they span at least {min} zones"
                )
            } else if r.rtype.starts_with("google_") {
                format!(
                    "spread the instances over at least {min} zones (zone = element(var.zones, count.index)), or use a regional managed instance group"
                )
            } else {
                format!(
                    "spread the instances over subnets in at least {min} availability zones (subnet_id = element(var.subnet_ids, count.index)), or use an auto scaling group"
                )
            };
            (
                format!(
                    "the {n} instances of {decl} run in {}: a zone outage stops every one of them",
                    zones.spans()
                ),
                help,
            )
        });
        if let Some(f) = f {
            // Instances of one block share its lines: one label per line.
            let mut seen = vec![labels.first().map(|l| (l.source, l.span))];
            for l in labels.into_iter().skip(1) {
                if !seen.contains(&Some((l.source, l.span))) {
                    seen.push(Some((l.source, l.span)));
                    f.also(l);
                }
            }
        }
    }
}
