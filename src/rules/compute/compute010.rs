//! COMPUTE010: an auto scaling group or EKS node group whose minimum size is below `min_size`.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute010::of(cx).min_size;
    let (model, facts) = (cx.model, cx.facts);
    for id in facts
        .tf
        .of_types(&[aws::AUTOSCALING_GROUP, aws::EKS_NODE_GROUP])
    {
        let r = model.tf(id);
        let (attr, name) = if r.rtype == aws::EKS_NODE_GROUP {
            (
                r.attr_in("scaling_config", "min_size"),
                "scaling_config.min_size",
            )
        } else {
            (r.attr("min_size"), "min_size")
        };
        let Some(attr) = attr else { continue };
        match attr.value.as_i64() {
            Some(n) if n < min => {
                cx.report(
                    Label::new(r.source, attr.span, format!("{name} = {n}")),
                    format!(
                        "{} may scale down to {}: one instance failure (or zone outage) leaves no capacity, and scale-in can remove redundancy at any time",
                        r.address,
                        count(n, "instance")
                    ),
                )
                .help(format!("set {name} to {min} or more"))
                .on(id);
            }
            Some(_) => {}
            None => {
                cx.unknown_value(id, name, attr);
            }
        }
    }
}
