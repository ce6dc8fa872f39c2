//! DNS003: a failover record without its partner (PRIMARY without SECONDARY or the reverse).

use std::collections::BTreeMap;

use crate::facts::terraform::record_identity;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    // (zone, name, type) → (PRIMARY records, SECONDARY records, records that may be either:
    // a dynamic failover block over an unknown value).
    type Group = (Vec<ResourceId>, Vec<ResourceId>, usize);
    let mut groups: BTreeMap<(String, String, String), Group> = BTreeMap::new();
    for &id in facts.tf.of_type(aws::ROUTE53_RECORD) {
        let r = model.tf(id);
        let Some(policy) = r.body.block("failover_routing_policy") else {
            continue;
        };
        let rtype = r.value("type").and_then(Value::as_str);
        if policy.unknown_count
            && let (Some((zone, name)), Some(rtype)) = (record_identity(model, r), rtype)
        {
            groups.entry((zone, name, rtype.to_string())).or_default().2 += 1;
            continue;
        }
        let kind = policy.body.value("type").and_then(Value::as_str);
        let (Some((zone, name)), Some(rtype), Some(kind)) =
            (record_identity(model, r), rtype, kind)
        else {
            cx.cannot_judge(
                Label::new(r.source, policy.span, ""),
                &r.address,
                "its zone, name, type or failover type is not known statically",
            )
            .on(id);
            continue;
        };
        let g = groups.entry((zone, name, rtype.to_string())).or_default();
        match kind {
            "PRIMARY" => g.0.push(id),
            "SECONDARY" => g.1.push(id),
            _ => {}
        }
    }
    for ((_, name, rtype), (primaries, secondaries, maybe)) in groups {
        let (alone, missing) = match (primaries.is_empty(), secondaries.is_empty()) {
            // The partner may be one of the records whose failover block is not known.
            _ if maybe > 0 => continue,
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
