//! DATA019: a managed cache of Google Cloud or Azure that runs a single node, with no replica
//! to fail over to: a Memorystore for Redis instance of the `BASIC` tier (the default), an
//! Azure Cache for Redis of the `Basic` SKU.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::REDIS_INSTANCE) {
        let r = model.tf(id);
        let Some(tier) = cx.known_attr(id, None, "tier") else {
            continue;
        };
        let why = match tier.map(|t| (t, t.value.as_str())) {
            Some((_, Some("STANDARD_HA"))) => continue,
            Some((t, Some("BASIC"))) => shown("tier", t),
            None => "`tier` is not set: the provider's default is BASIC".to_string(),
            Some((t, _)) => {
                cx.cannot_judge(
                    Label::new(r.source, t.span, ""),
                    &r.address,
                    format!("{} is neither BASIC nor STANDARD_HA", shown("tier", t)),
                )
                .on(id);
                continue;
            }
        };
        cx.report(
            r.attr_label("tier", "single node"),
            format!(
                "{} is a standalone Redis node ({why}): its failure, or its zone's, loses the cache's contents and stops it until Memorystore recreates the node",
                r.address
            ),
        )
        .help("set tier = \"STANDARD_HA\": a replica in another zone (alternative_location_id) takes over automatically")
        .on(id);
    }
    for &id in facts.tf.of_type(azure::REDIS_CACHE) {
        let r = model.tf(id);
        let Some(sku) = cx.known_attr(id, None, "sku_name") else {
            continue;
        };
        match sku.map(|s| (s, s.value.as_str())) {
            Some((_, Some("Standard" | "Premium"))) => {}
            Some((s, Some("Basic"))) => {
                cx.report(
                    r.attr_label("sku_name", "single node"),
                    format!(
                        "{} is a single-node cache ({}): the Basic SKU has no replica, so the node's failure or maintenance loses the cache's contents and stops it until Azure replaces the node",
                        r.address,
                        shown("sku_name", s)
                    ),
                )
                .help("use sku_name = \"Standard\" (a primary and a replica, with automatic failover) or \"Premium\" (replicas that can be spread over zones with `zones`)")
                .on(id);
            }
            _ => {
                cx.cannot_judge(
                    r.attr_label("sku_name", ""),
                    &r.address,
                    "its `sku_name` is none of Basic, Standard and Premium",
                )
                .on(id);
            }
        }
    }
}
