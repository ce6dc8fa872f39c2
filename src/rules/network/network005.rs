//! NETWORK005: a DNS name whose records, together, point at fewer than `min_load_balancers`
//! load balancers: that one load balancer is the entry point's single point of failure.

use std::collections::BTreeMap;

use crate::facts::terraform::record_identity;
use crate::rules::prelude::*;

const LOAD_BALANCERS: &[ResourceType] = &[aws::LB, aws::ALB, aws::ELB];

pub fn check(cx: &mut RuleCx) {
    let min = params::Network005::of(cx).min_load_balancers as usize;
    let (model, facts) = (cx.model, cx.facts);
    // (zone, name) → records with the attribute that targets load balancers, and those LBs.
    type Records = Vec<(ResourceId, Label, Vec<ResourceId>)>;
    let mut names: BTreeMap<(String, String), Records> = BTreeMap::new();
    let lbs_in = |v: &Value| -> Vec<ResourceId> {
        v.references()
            .into_iter()
            .filter(|id| LOAD_BALANCERS.iter().any(|t| model.tf(*id).rtype == *t))
            .collect()
    };
    for id in facts
        .tf
        .of_types(&[aws::ROUTE53_RECORD, cloudflare::RECORD])
    {
        let r = model.tf(id);
        let target = if r.rtype == aws::ROUTE53_RECORD {
            r.attr_in("alias", "name").or_else(|| r.attr("records"))
        } else {
            r.attr("content").or_else(|| r.attr("value"))
        };
        let Some(target) = target else { continue };
        let lbs = lbs_in(&target.value);
        if lbs.is_empty() {
            continue;
        }
        let Some((zone, name)) = record_identity(model, r) else {
            continue;
        };
        names.entry((zone, name)).or_default().push((
            id,
            Label::new(r.source, target.span, "targets this load balancer"),
            lbs,
        ));
    }
    for ((_, name), records) in names {
        let mut distinct: Vec<ResourceId> =
            records.iter().flat_map(|(_, _, l)| l.clone()).collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() >= min {
            continue;
        }
        let lb = model.tf(distinct[0]);
        for (id, label, _) in &records {
            cx.report(
                label.clone(),
                format!(
                    "entry point `{name}` is served by {} load balancer ({}): if it fails, or its region does, the name resolves to nothing that answers",
                    if distinct.len() == 1 { "a single" } else { "too few" },
                    lb.address
                ),
            )
            .help(format!(
                "add records for `{name}` that point at a second load balancer (e.g. failover PRIMARY/SECONDARY, or weighted records across {min} load balancers in different regions)"
            ))
            .also(lb.header_label(lb.address.clone()))
            .on(*id);
        }
    }
}
