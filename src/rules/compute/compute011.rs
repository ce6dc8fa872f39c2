//! COMPUTE011: an auto scaling group or EKS node group that wants fewer instances than it has
//! availability zones, so some zone runs nothing.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts
        .tf
        .of_types(&[aws::AUTOSCALING_GROUP, aws::EKS_NODE_GROUP])
    {
        let r = model.tf(id);
        let Some(p) = facts.tf.placement(id) else {
            continue;
        };
        let zones = p.zones.count();
        if zones < 2 {
            continue;
        }
        let (attr, name) = if r.rtype == aws::EKS_NODE_GROUP {
            (
                r.attr_in("scaling_config", "desired_size"),
                "scaling_config.desired_size",
            )
        } else {
            match r.attr("desired_capacity") {
                Some(a) => (Some(a), "desired_capacity"),
                None => (r.attr("min_size"), "min_size"),
            }
        };
        let Some(attr) = attr else { continue };
        match attr.value.as_i64() {
            Some(n) if (n as usize) < zones => {
                cx.report(
                    Label::new(r.source, attr.span, format!("{name} = {n}")),
                    format!(
                        "{} runs {} across {} ({}): at least one zone has no instance, so losing the others is an outage",
                        r.address,
                        count(n, "instance"),
                        count(zones as i64, "availability zone"),
                        p.zones.list()
                    ),
                )
                .help(format!("set {name} to at least {zones}, one instance per zone"))
                .also(p.label.clone())
                .on(id);
            }
            Some(_) => {}
            None => {
                cx.unknown_value(id, name, attr);
            }
        }
    }
}
