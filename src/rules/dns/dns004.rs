//! DNS004: weighted, latency, geolocation or geoproximity records without a health check:
//! Route 53 keeps sending users to an endpoint that is down.

use crate::facts::terraform::record_health_checked;
use crate::rules::prelude::*;

const POLICIES: &[&str] = &[
    "weighted_routing_policy",
    "latency_routing_policy",
    "geolocation_routing_policy",
    "geoproximity_routing_policy",
];

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::ROUTE53_RECORD) {
        let r = model.tf(id);
        let Some(policy) = r
            .body
            .blocks
            .iter()
            .find(|b| POLICIES.contains(&b.kind.as_str()))
        else {
            continue;
        };
        match record_health_checked(model, r) {
            Some(true) => {}
            Some(false) if policy.unknown_count => {
                cx.cannot_judge(
                    Label::new(r.source, policy.span, ""),
                    &r.address,
                    format!(
                        "its {} is a dynamic block over a value not known statically, so it may not be a routing-policy record",
                        policy.kind
                    ),
                )
                .on(id);
            }
            Some(false) => {
                let kind = policy.kind.trim_end_matches("_routing_policy");
                cx.report(
                    Label::new(r.source, policy.span, format!("{kind} record without a health check")),
                    format!(
                        "{} is a {kind} record without an enabled health check (health_check_id, or an alias that evaluates target health): Route 53 keeps routing its share of users to the endpoint when it is down",
                        r.address
                    ),
                )
                .help("set health_check_id to an aws_route53_health_check of the endpoint, or use an alias with evaluate_target_health = true")
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
