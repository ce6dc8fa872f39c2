//! CONTROL008: every EKS cluster of the scan lives in one region, so a regional outage takes
//! every cluster (and what runs on them) down together.

use std::collections::BTreeSet;

use crate::facts::terraform::region_labels;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    let clusters = facts.tf.of_type(aws::EKS_CLUSTER);
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
        for &id in clusters {
            let r = model.tf(id);
            let why = if id == *unknown {
                "the region of its provider is not known statically".to_string()
            } else {
                format!("the region of {} is not known statically", u.address)
            };
            cx.cannot_judge(r.header_label(""), &r.address, why)
                .help("set the provider's region explicitly (a literal, a variable default or tfvars)")
                .on(id);
        }
        return;
    }
    for &id in clusters {
        let r = model.tf(id);
        let Some(region) = r.region_name() else {
            continue;
        };
        let label = r.header_label(r.address.clone());
        let others = clusters.len() - 1;
        let message = if others == 0 {
            format!(
                "{} is the only EKS cluster, in {region}: a regional outage leaves nowhere to run workloads",
                r.address
            )
        } else {
            format!(
                "{} and the {} other EKS cluster{} are all in {region}: a regional outage takes every cluster down",
                r.address,
                others,
                if others == 1 { "" } else { "s" }
            )
        };
        let f = cx
            .report(label, message)
            .help("run a standby cluster in a second region (a provider alias with another region), with the workloads deployable to both")
            .on(id);
        for l in region_labels(r) {
            f.also(l);
        }
    }
}
