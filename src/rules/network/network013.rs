//! NETWORK013: API Gateway APIs (or custom domain names) that exist in one region of a root
//! module whose other regional resources run in two or more regions.

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::providers;
use crate::rules::prelude::*;

const APIS: &[ResourceType] = &[aws::API_GATEWAY_REST_API, aws::APIGATEWAYV2_API];
const DOMAINS: &[ResourceType] = &[aws::API_GATEWAY_DOMAIN_NAME, aws::APIGATEWAYV2_DOMAIN_NAME];

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    if facts
        .tf
        .of_types(APIS)
        .chain(facts.tf.of_types(DOMAINS))
        .next()
        .is_none()
    {
        return;
    }
    // The regions of each root's regional resources (kinds placed in zones or paired across
    // regions: a global service's provider region says nothing), by type; one pass.
    let mut regional: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (_, r) in model.tf_iter() {
        if providers::kind(&r.rtype).is_some_and(|k| k.paired || !k.placement.is_empty())
            && let Some(region) = r.region_name()
        {
            regional
                .entry(r.root.as_str())
                .or_default()
                .push((r.rtype.as_str(), region));
        }
    }
    for (what, types) in [("API", APIS), ("custom domain", DOMAINS)] {
        let members: Vec<ResourceId> = facts.tf.of_types(types).collect();
        let roots: BTreeSet<&str> = members
            .iter()
            .map(|&id| model.tf(id).root.as_str())
            .collect();
        for root in roots {
            let mine: Vec<ResourceId> = members
                .iter()
                .copied()
                .filter(|&id| model.tf(id).root == root)
                .collect();
            // Regions of the root's other regional resources.
            let system: BTreeSet<&str> = regional
                .get(root)
                .into_iter()
                .flatten()
                .filter(|(rtype, _)| !types.iter().any(|t| *rtype == t.as_str()))
                .map(|&(_, region)| region)
                .collect();
            if system.len() < 2 {
                continue;
            }
            let regions: BTreeSet<&str> = mine
                .iter()
                .filter_map(|&id| model.tf(id).region_name())
                .collect();
            if regions.len() >= 2 {
                continue;
            }
            if let Some(&id) = mine
                .iter()
                .find(|&&id| model.tf(id).region_name().is_none())
            {
                let r = model.tf(id);
                cx.cannot_judge(
                    r.header_label(""),
                    &r.address,
                    "the region of its provider is not known statically",
                )
                .help("set the provider's region explicitly (a literal, a variable default or tfvars)")
                .on(id);
                continue;
            }
            let Some(region) = regions.first() else {
                continue;
            };
            let others: Vec<&str> = system.iter().copied().filter(|s| s != region).collect();
            for &id in &mine {
                let r = model.tf(id);
                let f = cx
                    .report(
                        r.header_label(r.address.clone()),
                        format!(
                            "{} is an API Gateway {what} in {region} only, while the rest of the system also runs in {}: a regional outage of {region} takes every request through it down, whatever the other region can serve",
                            r.address,
                            others.join(", ")
                        ),
                    )
                    .help(format!(
                        "create the {what} in {} too (a provider alias), and route between the regions with failover or latency records and health checks",
                        others.first().copied().unwrap_or("the other region")
                    ))
                    .on(id);
                for l in crate::facts::terraform::region_labels(r) {
                    f.also(l);
                }
            }
        }
    }
}
