//! NETWORK006: a network load balancer without cross-zone load balancing (or a classic ELB
//! with it turned off): each zone's node only serves its own zone's targets.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(&[aws::LB, aws::ELB]) {
        let r = model.tf(id);
        let (attr_name, default) = if r.rtype == aws::LB {
            match r.value("load_balancer_type").map(|v| v.as_str()) {
                Some(Some("network")) => {}
                None | Some(Some(_)) => continue,
                Some(None) => {
                    cx.cannot_judge(
                        r.attr_label("load_balancer_type", ""),
                        &r.address,
                        "its load_balancer_type is not known statically",
                    )
                    .on(id);
                    continue;
                }
            }
            ("enable_cross_zone_load_balancing", false)
        } else {
            ("cross_zone_load_balancing", true)
        };
        let attr = r.attr(attr_name);
        let enabled = match attr {
            Some(a) => a.value.as_bool(),
            None => Some(default),
        };
        match enabled {
            Some(true) => {}
            Some(false) => {
                let why = match attr {
                    Some(a) => shown(attr_name, a),
                    None => format!(
                        "`{attr_name}` is not set and defaults to false for network load balancers"
                    ),
                };
                cx.report(
                    r.attr_label(attr_name, "cross-zone load balancing off"),
                    format!(
                        "{}: {why}; each zone's load balancer node only reaches targets in its own zone, so a zone whose targets fail drops its share of traffic",
                        r.address
                    ),
                )
                .help(format!("set {attr_name} = true"))
                .on(id);
            }
            None => {
                cx.cannot_judge(
                    r.attr_label(attr_name, ""),
                    &r.address,
                    "`{attr_name}` is not known statically",
                )
                .on(id);
            }
        }
    }
}
