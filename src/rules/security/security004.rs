//! SECURITY004: a replica in the same region as its primary (KMS replica key, secret replica,
//! DynamoDB replica): it looks like redundancy but shares the primary's region.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::KMS_REPLICA_KEY) {
        let r = model.tf(id);
        let primary = r
            .value("primary_key_arn")
            .map(Value::references)
            .unwrap_or_default()
            .into_iter()
            .find(|p| model.tf(*p).rtype == aws::KMS_KEY);
        let Some(p) = primary.map(|p| model.tf(p)) else {
            continue;
        };
        if let (Some(a), Some(b)) = (r.region_name(), p.region_name())
            && a == b
        {
            let f = cx
                .report(
                    r.header_label(format!("replica in {a}")),
                    format!(
                        "{} replicates {} into its own region {a}: a regional outage takes both",
                        r.address, p.address
                    ),
                )
                .help("create the replica key through a provider configured for another region (provider = aws.<alias>)")
                .also(p.header_label(format!("primary in {b}")))
                .on(id);
            for l in crate::facts::terraform::region_labels(r) {
                f.also(l);
            }
        }
    }
    // Kinds with inline replica blocks (a secret's, a DynamoDB table's), from the provider
    // tables.
    for kind in crate::facts::providers::kinds() {
        let Some((block, attr)) = kind.inline_replicas else {
            continue;
        };
        for &id in facts.tf.of_type(kind.rtype) {
            let r = model.tf(id);
            let Some(own) = r.region_name() else { continue };
            for replica in r.body.blocks(block) {
                let Some(a) = replica.body.attr(attr) else {
                    continue;
                };
                if a.value.as_str() == Some(own) {
                    cx.report(
                        Label::new(r.source, a.span, format!("replica in {own}")),
                        format!(
                            "{} has a replica in its own region {own}: a regional outage takes both",
                            r.address
                        ),
                    )
                    .help("point the replica at another region")
                    .on(id);
                }
            }
        }
    }
}
