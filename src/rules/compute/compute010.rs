//! COMPUTE010: a group of machines (see COMPUTE008) that may run fewer than `min_size`
//! machines: its minimum, fixed size or autoscaler floor, per-zone counts multiplied by its
//! zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute010::of(cx).min_size;
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(groups::GROUPS) {
        let r = model.tf(id);
        let Some(family) = Family::of(&r.rtype) else {
            continue;
        };
        let size = match groups::floor(model, &facts.tf, id) {
            Floor::Unset => continue,
            Floor::UnknownValue { name, attr } => {
                cx.unknown_value(id, &name, attr);
                continue;
            }
            Floor::Unknown { label, why, help } => {
                cx.cannot_judge(label, &r.address, why).help(help).on(id);
                continue;
            }
            Floor::Known(size) => size,
        };
        if size.lo >= min {
            continue;
        }
        if size.hi.is_none_or(|most| most >= min) {
            cx.cannot_judge(
                size.label.clone(),
                &r.address,
                format!(
                    "{}: its zones, which multiply the count, are not known statically",
                    size.shown
                ),
            )
            .help("give the zones (or the location) values that can be known, or scan a plan")
            .on(id);
            continue;
        }
        let unit = family.unit();
        let (message, help) = if family == Family::Aws {
            (
                format!(
                    "{} may scale down to {}: one instance failure (or zone outage) leaves no capacity, and scale-in can remove redundancy at any time",
                    r.address,
                    size.most(unit)
                ),
                format!("set {} to {min} or more", size.setting),
            )
        } else {
            let subject = family.subject(r);
            let message = match (size.scales, size.hi) {
                (true, _) => format!(
                    "{subject} may scale down to {} ({}): one {unit} failure (or zone outage) leaves no capacity, and scale-in can remove redundancy at any time",
                    size.most(unit),
                    size.shown
                ),
                (false, Some(0)) => format!(
                    "{subject} runs no {unit} ({}): it has no capacity at all",
                    size.shown
                ),
                (false, _) => format!(
                    "{subject} runs {} ({}): one {unit} failure (or zone outage) leaves no capacity",
                    size.most(unit),
                    size.shown
                ),
            };
            let help = if size.per_zone {
                format!(
                    "raise {} (a count per zone) or the number of zones so that at least {min} {unit}s remain",
                    size.setting
                )
            } else {
                format!("set {} to {min} or more", size.setting)
            };
            (message, help)
        };
        let f = cx.report(size.label.clone(), message).help(help).on(id);
        for l in &size.also {
            f.also(l.clone());
        }
        if family != Family::Aws {
            f.also(r.header_label(r.address.clone()));
        }
    }
}
