//! DNS002: a PRIMARY failover record without a health check: Route 53 never fails over.

use crate::facts::terraform::record_health_checked;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::ROUTE53_RECORD) {
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
        match record_health_checked(model, r) {
            Some(true) => {}
            Some(false) if policy.unknown_count => {
                cx.cannot_judge(
                    Label::new(r.source, policy.span, ""),
                    &r.address,
                    "its failover_routing_policy is a dynamic block over a value not known statically, so it may not be a failover record",
                )
                .on(id);
            }
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
