//! NETWORK007: a target group whose health check is turned off (or a Lambda target group that
//! never turned it on): failed targets keep receiving traffic.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts
        .tf
        .of_types(&[aws::LB_TARGET_GROUP, aws::ALB_TARGET_GROUP])
    {
        let r = model.tf(id);
        let enabled = r.attr_in("health_check", "enabled");
        let lambda = match r.value("target_type") {
            None => false,
            Some(v) => match v.as_str() {
                Some(t) => t == "lambda",
                None => {
                    if enabled.is_none_or(|a| a.value.as_bool() != Some(false)) {
                        cx.cannot_judge(
                            r.attr_label("target_type", ""),
                            &r.address,
                            "its target_type is not known statically",
                        )
                        .on(id);
                        continue;
                    }
                    false
                }
            },
        };
        match enabled.map(|a| a.value.as_bool()) {
            Some(Some(true)) => {}
            Some(Some(false)) => {
                let a = enabled.expect("matched Some");
                cx.report(
                    Label::new(r.source, a.span, "health check disabled"),
                    format!(
                        "{} turns its health check off ({}): failed targets stay in rotation and keep receiving requests",
                        r.address,
                        shown("enabled", a)
                    ),
                )
                .help("remove `enabled = false` from the health_check block and give it a path that checks the service")
                .on(id);
            }
            Some(None) => {
                cx.cannot_judge(
                    r.nested_label("health_check", "enabled", ""),
                    &r.address,
                    "health_check.enabled is not known statically",
                )
                .on(id);
            }
            // A health_check block without `enabled`: the provider enables it.
            None if lambda && r.body.block("health_check").is_none() => {
                cx.report(
                    r.nested_label("health_check", "enabled", "no health check enabled"),
                    format!(
                        "{} has Lambda targets and no enabled health check (they are off by default for Lambda): a failing function stays in rotation",
                        r.address
                    ),
                )
                .help("add `health_check { enabled = true }`")
                .on(id);
            }
            None => {}
        }
    }
}
