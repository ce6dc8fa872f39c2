//! NETWORK012: a Global Accelerator listener whose endpoint groups are all in one region.

use std::collections::BTreeSet;

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::GLOBALACCELERATOR_LISTENER) {
        let r = model.tf(id);
        let groups = facts.tf.referrers(
            model,
            id,
            aws::GLOBALACCELERATOR_ENDPOINT_GROUP,
            "listener_arn",
        );
        if groups.is_empty() {
            continue;
        }
        let mut regions = BTreeSet::new();
        let mut unknown = None;
        for &g in &groups {
            let gr = model.tf(g);
            if gr.count_unknown {
                unknown = Some((g, None));
                continue;
            }
            // Without endpoint_group_region the group is in its provider's region.
            let arg = gr.attr("endpoint_group_region");
            match gr.region_or(arg.map(|a| &a.value)) {
                Some(region) => {
                    regions.insert(region.to_string());
                }
                None => unknown = Some((g, arg.filter(|a| a.value != Value::Null))),
            }
        }
        if regions.len() >= 2 {
            continue;
        }
        if let Some((g, attr)) = unknown {
            let gr = model.tf(g);
            match attr {
                Some(a) => {
                    cx.unknown_value(g, "endpoint_group_region", a);
                }
                None => {
                    cx.cannot_judge(
                        gr.header_label(""),
                        &r.address,
                        format!("the region of {} is not known statically", gr.address),
                    )
                    .on(id);
                }
            }
            continue;
        }
        let region = regions.into_iter().next().unwrap_or_default();
        let f = cx
            .report(
                r.header_label(r.address.clone()),
                format!(
                    "{} sends its traffic to {} in one region ({region}): Global Accelerator can fail over between regions only when the listener has endpoint groups in two, so a regional outage takes the accelerated entry point down",
                    r.address,
                    count(groups.len() as i64, "endpoint group"),
                ),
            )
            .help("add an aws_globalaccelerator_endpoint_group for the listener in a second region (endpoint_group_region), with endpoints there")
            .on(id);
        for g in groups {
            let gr = model.tf(g);
            f.also(gr.attr_label("endpoint_group_region", gr.address.clone()));
        }
    }
}
