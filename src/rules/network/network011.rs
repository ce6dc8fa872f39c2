//! NETWORK011: a CloudFront distribution with two or more origins whose cache behaviours
//! send requests to a single origin (not an origin group): no origin failover.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::CLOUDFRONT_DISTRIBUTION) {
        let r = model.tf(id);
        let origins: Vec<_> = r.body.blocks("origin").collect();
        let groups: Vec<_> = r.body.blocks("origin_group").collect();
        if origins.iter().chain(&groups).any(|b| b.unknown_count) {
            cx.cannot_judge(
                r.header_label(""),
                &r.address,
                "its origins come from a dynamic block over a value that is not known statically",
            )
            .on(id);
            continue;
        }
        if origins.len() < 2 {
            continue;
        }
        let group_ids: Vec<&Value> = groups
            .iter()
            .filter_map(|g| g.body.value("origin_id"))
            .collect();
        let mut single = Vec::new();
        let mut unknown = None;
        let behaviours = r
            .body
            .blocks("default_cache_behavior")
            .chain(r.body.blocks("ordered_cache_behavior"));
        for b in behaviours {
            let Some(target) = b.body.attr("target_origin_id") else {
                continue;
            };
            if target.value.has_unknown() || group_ids.iter().any(|g| g.has_unknown()) {
                unknown = Some(target);
                continue;
            }
            if !group_ids.contains(&&target.value) {
                let path = b
                    .body
                    .value("path_pattern")
                    .and_then(Value::as_str)
                    .unwrap_or("the default behaviour");
                single.push((target, path.to_string()));
            }
        }
        let Some((first, _)) = single.first() else {
            if let Some(a) = unknown {
                cx.unknown_value(id, "target_origin_id", a);
            }
            continue;
        };
        let paths: Vec<&str> = single.iter().map(|(_, p)| p.as_str()).collect();
        let f = cx
            .report(
                Label::new(r.source, first.span, "a single origin"),
                format!(
                    "{} has {} but {} {} served by a single origin{}: when that origin fails, CloudFront returns errors for {} instead of failing over",
                    r.address,
                    count(origins.len() as i64, "origin"),
                    paths.join(", "),
                    if paths.len() == 1 { "is" } else { "are" },
                    if groups.is_empty() {
                        ", and there is no origin group"
                    } else {
                        " rather than an origin group"
                    },
                    if paths.len() == 1 { "it" } else { "them" },
                ),
            )
            .help("add an origin_group with a primary and a failover member (e.g. the same content in a second region) and point target_origin_id at the group's origin_id")
            .on(id);
        for (t, _) in &single[1..] {
            f.also(Label::new(r.source, t.span, ""));
        }
    }
}
