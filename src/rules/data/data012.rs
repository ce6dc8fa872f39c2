//! DATA012: an OpenSearch (or Elasticsearch) domain with fewer than `min_data_nodes` data
//! nodes, with zone awareness off, or with dedicated masters that cannot keep a quorum
//! (fewer than `min_dedicated_masters`, or an even count); an OpenSearch Serverless collection
//! without standby replicas.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let p = params::Data012::of(cx);
    let (min_nodes, min_masters) = (p.min_data_nodes, p.min_dedicated_masters);
    let (model, facts) = (cx.model, cx.facts);
    for id in facts
        .tf
        .of_types(&[aws::OPENSEARCH_DOMAIN, aws::ELASTICSEARCH_DOMAIN])
    {
        let r = model.tf(id);
        let config = r.body.block("cluster_config").map(|b| &b.body);
        // A null argument is an absent one: the provider's default applies.
        let get = |name: &str| {
            config
                .and_then(|c| c.attr(name))
                .filter(|a| a.value != Value::Null)
        };
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        let mut unknown: Vec<&'static str> = Vec::new();
        // instance_count defaults to 1, zone_awareness_enabled and dedicated_master_enabled
        // to false.
        let nodes = match get("instance_count") {
            None => Some(1),
            Some(a) => a.value.as_i64().or_else(|| {
                unknown.push("instance_count");
                None
            }),
        };
        if let Some(n) = nodes.filter(|n| *n < min_nodes) {
            problems.push((
                "instance_count",
                format!(
                    "it runs {}, so losing {} loses the domain",
                    count(n, "data node"),
                    if n == 1 { "that node" } else { "one node" }
                ),
            ));
        }
        let flag = |name: &'static str, unknown: &mut Vec<&'static str>| match get(name) {
            None => Some(false),
            Some(a) => a.value.as_bool().or_else(|| {
                unknown.push(name);
                None
            }),
        };
        let standby = flag("multi_az_with_standby_enabled", &mut unknown);
        let zone_aware = flag("zone_awareness_enabled", &mut unknown);
        if nodes.is_some_and(|n| n >= min_nodes)
            && zone_aware == Some(false)
            && standby != Some(true)
        {
            problems.push((
                "zone_awareness_enabled",
                match get("zone_awareness_enabled") {
                    Some(a) => format!(
                        "{}: every node and every replica shard is in one availability zone",
                        shown("zone_awareness_enabled", a)
                    ),
                    None => "zone awareness is off (`zone_awareness_enabled` defaults to false): every node and every replica shard is in one availability zone".to_string(),
                },
            ));
        }
        if flag("dedicated_master_enabled", &mut unknown) == Some(true) {
            match get("dedicated_master_count").map(|a| a.value.as_i64()) {
                Some(None) => unknown.push("dedicated_master_count"),
                Some(Some(m)) if m < min_masters || m % 2 == 0 => problems.push((
                    "dedicated_master_count",
                    format!(
                        "it has {}: {}",
                        count(m, "dedicated master"),
                        if m < 3 {
                            "losing one leaves no majority to elect a master, and the cluster stops taking writes"
                        } else {
                            "an even count tolerates no more failures than one node fewer, and a zone holding half of them stops the cluster"
                        }
                    ),
                )),
                _ => {}
            }
        }
        if let Some((attr, _)) = problems.first() {
            let text: Vec<&str> = problems.iter().map(|(_, t)| t.as_str()).collect();
            let f = cx
                .report(
                    r.nested_label("cluster_config", attr, "single point of failure"),
                    format!("{} cannot survive a node or zone failure: {}", r.address, text.join("; ")),
                )
                .help(format!(
                    "in cluster_config, set instance_count to {min_nodes} or more (a multiple of the zone count), zone_awareness_enabled = true with zone_awareness_config {{ availability_zone_count = 3 }}, and dedicated_master_count = 3"
                ))
                .on(id);
            for (attr, _) in &problems[1..] {
                f.also(r.nested_label("cluster_config", attr, ""));
            }
        } else if let Some(attr) = unknown.first() {
            cx.cannot_judge(
                r.nested_label("cluster_config", attr, ""),
                &r.address,
                format!("`{attr}` is not known statically"),
            )
            .on(id);
        }
    }
    for &id in facts.tf.of_type(aws::OPENSEARCHSERVERLESS_COLLECTION) {
        let r = model.tf(id);
        let Some(Some(a)) = cx.known_attr(id, None, "standby_replicas") else {
            continue;
        };
        if a.value.as_str() == Some("DISABLED") {
            cx.report(
                Label::new(r.source, a.span, "no standby replicas"),
                format!(
                    "{} runs without standby replicas ({}): its indexing and search capacity is in one availability zone",
                    r.address,
                    shown("standby_replicas", a)
                ),
            )
            .help("leave standby_replicas at its default, \"ENABLED\"")
            .on(id);
        }
    }
}
