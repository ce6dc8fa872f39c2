//! DATA010: an EFS file system that lives in one availability zone (One Zone storage,
//! `availability_zone_name`), or whose mount targets are in fewer than `min_zones` zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Data010::of(cx).min_zones as usize;
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::EFS_FILE_SYSTEM) {
        let r = model.tf(id);
        let Some(one_zone) = cx.known_attr(id, None, "availability_zone_name") else {
            continue;
        };
        if let Some(a) = one_zone {
            cx.report(
                Label::new(r.source, a.span, "One Zone storage"),
                format!(
                    "{} uses One Zone storage ({}): its data is stored in that zone only, so a zone outage makes the file system unavailable, and losing the zone can lose the data",
                    r.address,
                    shown("availability_zone_name", a)
                ),
            )
            .help("remove availability_zone_name (Regional storage keeps the data in several zones) and add a mount target in every zone that uses it")
            .on(id);
            continue;
        }
        let targets = facts
            .tf
            .referrers(model, id, aws::EFS_MOUNT_TARGET, "file_system_id");
        if targets.is_empty() {
            continue;
        }
        if targets.iter().any(|t| model.tf(*t).count_unknown) {
            cx.cannot_judge(
                r.header_label(""),
                &r.address,
                "the number of its mount targets is not known statically",
            )
            .help("give the mount targets' count or for_each a value that can be known, or scan a plan")
            .on(id);
            continue;
        }
        let subnets = Value::List(
            targets
                .iter()
                .map(|t| {
                    model
                        .tf(*t)
                        .value("subnet_id")
                        .cloned()
                        .unwrap_or(Value::UNKNOWN)
                })
                .collect(),
        );
        let zones = facts.tf.subnet_zones(model, &subnets);
        let one = targets.len() == 1;
        let f = cx.zones_short(id, &zones, r.header_label(r.address.clone()), min, |r, zones| {
            (
                format!(
                    "{} has mount targets in {}: clients reach it through {}, so losing {} cuts every client off",
                    r.address,
                    zones.spans(),
                    if one {
                        "one mount target"
                    } else {
                        "those zones only"
                    },
                    zones.lost()
                ),
                format!(
                    "add an aws_efs_mount_target in a subnet of each zone that uses the file system (at least {min} zones)"
                ),
            )
        });
        if let Some(f) = f {
            for t in &targets {
                let t = model.tf(*t);
                f.also(t.attr_label("subnet_id", format!("mount target {}", t.address)));
            }
        }
    }
}
