//! DATA016: an FSx for Windows File Server, NetApp ONTAP or OpenZFS file system with a
//! single-AZ deployment type.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(&[
        aws::FSX_WINDOWS_FILE_SYSTEM,
        aws::FSX_ONTAP_FILE_SYSTEM,
        aws::FSX_OPENZFS_FILE_SYSTEM,
    ]) {
        let r = model.tf(id);
        let Some(kind) = cx.known_attr(id, None, "deployment_type") else {
            continue;
        };
        let why = match kind {
            // Only FSx for Windows has a default; the others require the argument.
            None if r.rtype == aws::FSX_WINDOWS_FILE_SYSTEM => {
                "`deployment_type` defaults to SINGLE_AZ_1".to_string()
            }
            None => continue,
            Some(a) if a.value.as_str().is_some_and(|t| t.starts_with("SINGLE_AZ")) => {
                shown("deployment_type", a)
            }
            Some(_) => continue,
        };
        cx.report(
            r.attr_label("deployment_type", "one availability zone"),
            format!(
                "{} is deployed in one availability zone ({why}): a zone outage makes the file system and its data unavailable until the zone recovers{}",
                r.address,
                if why.contains("_HA_") {
                    " (the HA pair protects against a server failure, not a zone)"
                } else {
                    ""
                }
            ),
        )
        .help("use a MULTI_AZ deployment type (MULTI_AZ_1 or MULTI_AZ_2) with a preferred subnet and a standby subnet in another zone")
        .on(id);
    }
}
