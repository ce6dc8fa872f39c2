//! CONTROL007: a self-managed control plane (instances or an auto scaling group named or
//! tagged as control plane / master / etcd / apiserver) with fewer than `min_nodes` nodes or an
//! even number of them (etcd needs an odd quorum).

use std::collections::BTreeMap;

use crate::rules::prelude::*;

const MARKERS: &[&str] = &[
    "control-plane",
    "control_plane",
    "controlplane",
    "master",
    "etcd",
    "apiserver",
];

/// `master` also names database and CI primaries: those are not a control plane.
const NOT_CONTROL_PLANE: &[&str] = &[
    "postgres", "mysql", "maria", "redis", "mongo", "database", "db", "jenkins", "sql",
];

/// `etcd` or `control plane`, when the instance's name or tags say it is one.
fn family(r: &TfResource) -> Option<&'static str> {
    let mut texts = vec![r.name.to_ascii_lowercase()];
    if let Some(Value::Map(tags)) = r.value("tags") {
        for key in ["Name", "Role", "role"] {
            if let Some(v) = tags.get(key).and_then(Value::as_str) {
                texts.push(v.to_ascii_lowercase());
            }
        }
    }
    for tag in r.body.blocks("tag") {
        if matches!(
            tag.body.value("key").and_then(Value::as_str),
            Some("Name" | "Role" | "role")
        ) && let Some(v) = tag.body.value("value").and_then(Value::as_str)
        {
            texts.push(v.to_ascii_lowercase());
        }
    }
    let words = |t: &String| {
        t.split(['-', '_', ' ', '.'])
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    if texts
        .iter()
        .flat_map(words)
        .any(|w| NOT_CONTROL_PLANE.iter().any(|n| w.starts_with(n)))
    {
        return None;
    }
    if texts.iter().any(|t| t.contains("etcd")) {
        return Some("etcd");
    }
    texts
        .iter()
        .any(|t| MARKERS.iter().any(|m| t.contains(m)))
        .then_some("control plane")
}

pub fn check(cx: &mut RuleCx) {
    let min = params::Control007::of(cx).min_nodes;
    let (model, facts) = (cx.model, cx.facts);
    // One group per module instance and family: the etcd (or control-plane) instances
    // together, whether one resource with `count` or several resources.
    let mut groups: BTreeMap<(String, String, &str), Vec<ResourceId>> = BTreeMap::new();
    for id in facts.tf.of_type(aws::INSTANCE) {
        let r = model.tf(*id);
        if let Some(family) = family(r) {
            groups
                .entry((r.root.clone(), r.module_prefix().to_string(), family))
                .or_default()
                .push(*id);
        }
    }
    for ids in groups.values() {
        let first = model.tf(ids[0]);
        if let Some(unknown) = ids.iter().map(|i| model.tf(*i)).find(|r| r.count_unknown) {
            cx.cannot_judge(
                unknown.attr_label("count", ""),
                unknown.declaration(),
                "its number of instances is not known statically",
            )
            .on(ids[0]);
            continue;
        }
        let n = ids.len() as i64;
        let label = match first.attr("count").or_else(|| first.attr("for_each")) {
            Some(a) => Label::new(first.source, a.span, format!("{} here", count(n, "node"))),
            None => first.header_label(format!("{} here", count(n, "node"))),
        };
        let others: Vec<Label> = ids[1..]
            .iter()
            .map(|i| model.tf(*i))
            .filter(|r| r.declaration() != first.declaration())
            .map(|r| r.header_label(r.address.clone()))
            .collect();
        if let Some(f) = report(cx, label, first, n, min, ids[0]) {
            for l in others {
                f.also(l);
            }
        }
    }
    for id in facts.tf.of_type(aws::AUTOSCALING_GROUP) {
        let r = model.tf(*id);
        if family(r).is_none() {
            continue;
        }
        let Some(attr) = r.attr("desired_capacity").or_else(|| r.attr("min_size")) else {
            continue;
        };
        match attr.value.as_i64() {
            Some(n) => {
                let label = Label::new(r.source, attr.span, format!("{} here", count(n, "node")));
                report(cx, label, r, n, min, *id);
            }
            None => {
                cx.cannot_judge(
                    Label::new(r.source, attr.span, ""),
                    &r.address,
                    "its node count is not known statically",
                )
                .on(*id);
            }
        }
    }
}

fn report<'c>(
    cx: &'c mut RuleCx,
    label: Label,
    r: &TfResource,
    n: i64,
    min: i64,
    id: ResourceId,
) -> Option<&'c mut crate::finding::Finding> {
    let problem = if n < min {
        format!("fewer than {min}: losing one node loses the etcd quorum or the API server")
    } else if n % 2 == 0 {
        format!(
            "an even count: {n} members tolerate no more failures than {}, with more members to lose",
            n - 1
        )
    } else {
        return None;
    };
    let fix = if n < min { min } else { n + 1 };
    let f = cx.report(
        label,
        format!(
            "self-managed control plane {} runs {}, {problem}",
            r.declaration(),
            count(n, "node")
        ),
    )
    .help(format!(
        "run an odd number of control-plane nodes, at least {fix}, spread over availability zones (or use a managed control plane such as EKS)"
    ))
    .on(id);
    Some(f)
}
