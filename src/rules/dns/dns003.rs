//! DNS003: a failover record without its partner (PRIMARY without SECONDARY or the reverse).

use std::collections::BTreeMap;

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    // (root, zone, name, type) → (PRIMARY records, SECONDARY records).
    type Group = (Vec<TfId>, Vec<TfId>);
    let mut groups: BTreeMap<(String, String, String, String), Group> = BTreeMap::new();
    for &id in facts.tf.of_type("aws_route53_record") {
        let r = model.tf(id);
        let Some(policy) = r.body.block("failover_routing_policy") else {
            continue;
        };
        let zone = r.value("zone_id").map(|v| match v.references().first() {
            Some(z) => Some(model.tf(*z).address.clone()),
            None => v.as_str().map(str::to_string),
        });
        let text = |k: &str| r.value(k).and_then(Value::as_str).map(str::to_string);
        let kind = policy.body.value("type").and_then(Value::as_str);
        let (Some(Some(zone)), Some(name), Some(rtype), Some(kind)) =
            (zone, text("name"), text("type"), kind)
        else {
            cx.cannot_judge(
                Label::new(r.source, policy.span, ""),
                &r.address,
                "its zone, name, type or failover type is not known statically",
            )
            .on(id);
            continue;
        };
        let g = groups
            .entry((
                r.root.clone(),
                zone,
                name.trim_end_matches('.').to_ascii_lowercase(),
                rtype,
            ))
            .or_default();
        match kind {
            "PRIMARY" => g.0.push(id),
            "SECONDARY" => g.1.push(id),
            _ => {}
        }
    }
    for ((_, _, name, rtype), (primaries, secondaries)) in groups {
        let (alone, missing) = match (primaries.is_empty(), secondaries.is_empty()) {
            (false, true) => (primaries, "SECONDARY"),
            (true, false) => (secondaries, "PRIMARY"),
            _ => continue,
        };
        for id in alone {
            let r = model.tf(id);
            let policy = r
                .body
                .block("failover_routing_policy")
                .expect("grouped by it");
            cx.report(
                Label::new(r.source, policy.span, format!("no {missing} partner")),
                format!(
                    "{} is half of a failover pair for `{name}` ({rtype}): there is no {missing} record with the same zone, name and type, so there is nothing to fail over {}",
                    r.address,
                    if missing == "SECONDARY" { "to" } else { "from" }
                ),
            )
            .help(format!(
                "add an aws_route53_record for `{name}` ({rtype}) in the same zone with failover_routing_policy {{ type = \"{missing}\" }}, pointing at an endpoint in another region"
            ))
            .on(id);
        }
    }
}
