//! CONTROL008: every managed Kubernetes cluster of the scan (EKS, GKE, AKS) lives in one
//! region, so a regional outage takes every cluster (and what runs on them) down together. A
//! cluster of any provider in another region is a counterpart.

use std::collections::BTreeSet;

use crate::facts::terraform::region_labels;
use crate::rules::prelude::*;

/// Managed Kubernetes clusters.
const CLUSTERS: &[ResourceType] = &[
    aws::EKS_CLUSTER,
    google::CONTAINER_CLUSTER,
    azure::KUBERNETES_CLUSTER,
];

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    let clusters: Vec<ResourceId> = facts.tf.of_types(CLUSTERS).collect();
    let regions: BTreeSet<&str> = clusters
        .iter()
        .filter_map(|id| model.tf(*id).region_name())
        .collect();
    if regions.len() >= 2 {
        return;
    }
    // A cluster in an unknown region may be the counterpart: judge none of them.
    if let Some(unknown) = clusters
        .iter()
        .find(|id| model.tf(**id).region_name().is_none())
    {
        let u = model.tf(*unknown);
        // Google Cloud and Azure clusters name their region in `location`.
        let own = u.rtype != aws::EKS_CLUSTER && u.attr("location").is_some();
        let help = if own {
            "give `location` a value that can be known (a literal, a variable default or tfvars)"
        } else {
            "set the provider's region explicitly (a literal, a variable default or tfvars)"
        };
        for &id in &clusters {
            let r = model.tf(id);
            let why = match (id == *unknown, own) {
                (true, false) => "the region of its provider is not known statically".to_string(),
                (true, true) => "its location is not known statically".to_string(),
                (false, false) => format!("the region of {} is not known statically", u.address),
                (false, true) => format!("the location of {} is not known statically", u.address),
            };
            cx.cannot_judge(r.header_label(""), &r.address, why)
                .help(help)
                .on(id);
        }
        return;
    }
    for &id in &clusters {
        let r = model.tf(id);
        let Some(region) = r.region_name() else {
            continue;
        };
        let label = r.header_label(r.address.clone());
        let others = clusters.len() - 1;
        let message = if others == 0 {
            format!(
                "{} is the only Kubernetes cluster, in {region}: a regional outage leaves nowhere to run workloads",
                r.address
            )
        } else {
            format!(
                "{} and the {} other Kubernetes cluster{} are all in {region}: a regional outage takes every cluster down",
                r.address,
                others,
                if others == 1 { "" } else { "s" }
            )
        };
        let help = if r.rtype == aws::EKS_CLUSTER {
            "run a standby cluster in a second region (a provider alias with another region), with the workloads deployable to both"
        } else {
            "run a standby cluster in a second region (another `location`), with the workloads deployable to both"
        };
        let f = cx.report(label, message).help(help).on(id);
        for l in region_labels(r) {
            f.also(l);
        }
    }
}
