//! SECURITY003: a secret without a replica in another region: an AWS Secrets Manager secret
//! without a `replica` elsewhere, a Google Secret Manager secret whose user-managed replicas
//! are all in one region.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    google_secrets(cx);
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::SECRETSMANAGER_SECRET) {
        let r = model.tf(id);
        cx.needs_second_region(
            id,
            |region| {
                format!(
                    "{} exists only in {region}: services failing over to another region cannot read it",
                    r.address
                )
            },
            "add a `replica { region = \"<other region>\" }` block",
        );
    }
}

/// Google Secret Manager: `replication { auto {} }` (or the older `automatic = true`) lets
/// Google replicate the secret without restriction; `user_managed { replicas { location } }`
/// keeps it in the listed locations only.
fn google_secrets(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::SECRET_MANAGER_SECRET) {
        let r = model.tf(id);
        let Some(replication) = r.body.block("replication") else {
            continue;
        };
        let Some(managed) = replication.body.block("user_managed") else {
            continue;
        };
        let replicas: Vec<_> = managed.body.blocks("replicas").collect();
        let Some(first) = replicas.first() else {
            continue;
        };
        if replicas.iter().any(|b| b.unknown_count) {
            cx.cannot_judge(
                Label::new(r.source, managed.span, ""),
                &r.address,
                "its replicas come from a dynamic block over a value that is not known statically",
            )
            .on(id);
            continue;
        }
        let mut regions = std::collections::BTreeSet::new();
        let mut unknown = None;
        for b in &replicas {
            match b.body.attr("location") {
                Some(a) => match a.value.as_str() {
                    Some(l) => {
                        regions.insert(l.to_string());
                    }
                    None => unknown = Some(a),
                },
                None => continue,
            }
        }
        if regions.len() >= 2 {
            continue;
        }
        if let Some(a) = unknown {
            cx.unknown_value(id, "location", a);
            continue;
        }
        let Some(region) = regions.first() else {
            continue;
        };
        let at = first.body.attr("location").map_or(first.span, |a| a.span);
        cx.report(
            Label::new(r.source, at, "the only replica location"),
            format!(
                "{} is replicated to {region} only (`user_managed` replication): services failing over to another region cannot read it",
                r.address
            ),
        )
        .help("add a `replicas { location = \"<other region>\" }` block, or use `auto {}` replication")
        .on(id);
    }
}
