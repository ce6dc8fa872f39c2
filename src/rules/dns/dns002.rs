//! DNS002: a PRIMARY failover record without a health check: Route 53 never fails over.

use crate::rules::prelude::*;

/// `true` when an alias record lets Route 53 judge the target's health itself.
pub fn evaluates_target_health(r: &TfResource) -> Option<bool> {
    match r.attr_in("alias", "evaluate_target_health") {
        Some(a) => a.value.as_bool(),
        None => Some(false),
    }
}

/// `true` when the record names a health check that is not disabled.
pub fn has_health_check(model: &crate::model::Model, r: &TfResource) -> bool {
    let Some(id) = r.value("health_check_id") else {
        return false;
    };
    !id.references().iter().any(|c| {
        let check = model.tf(*c);
        check.rtype == "aws_route53_health_check"
            && check.value("disabled").and_then(Value::as_bool) == Some(true)
    })
}

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type("aws_route53_record") {
        let r = model.tf(id);
        let Some(policy) = r.body.block("failover_routing_policy") else {
            continue;
        };
        match policy.body.value("type").map(Value::as_str) {
            Some(Some("PRIMARY")) => {}
            Some(None) => {
                cx.cannot_judge(
                    Label::new(r.source, policy.span, ""),
                    &r.address,
                    "its failover type is not known statically",
                )
                .on(id);
                continue;
            }
            _ => continue,
        }
        if has_health_check(model, r) {
            continue;
        }
        match evaluates_target_health(r) {
            Some(true) => {}
            Some(false) => {
                cx.report(
                    Label::new(r.source, policy.span, "PRIMARY without a health check"),
                    format!(
                        "{} is the PRIMARY of a failover pair but has no enabled health check (health_check_id, or an alias that evaluates target health): Route 53 keeps answering with it when it is down, so the SECONDARY is never used",
                        r.address
                    ),
                )
                .help("add an aws_route53_health_check for the primary endpoint and set health_check_id, or use an alias with evaluate_target_health = true")
                .on(id);
            }
            None => {
                cx.cannot_judge(
                    r.nested_label("alias", "evaluate_target_health", ""),
                    &r.address,
                    "evaluate_target_health is not known statically",
                )
                .on(id);
            }
        }
    }
}
