//! DATA006: ElastiCache without automatic failover: a single node, or a replication group
//! that does not promote a replica (or keeps it in the same zone).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::ELASTICACHE_REPLICATION_GROUP) {
        let r = model.tf(id);
        let mut problems = Vec::new();
        let mut unknown = Vec::new();
        for flag in ["automatic_failover_enabled", "multi_az_enabled"] {
            match r.attr(flag) {
                None => problems.push((flag, format!("`{flag}` is not set (defaults to false)"))),
                Some(a) => match a.value.as_bool() {
                    Some(true) => {}
                    Some(false) => problems.push((flag, shown(flag, a))),
                    None => unknown.push(flag),
                },
            }
        }
        let nodes = if let Some(a) = r.attr("num_cache_clusters") {
            a.value.as_i64().map(|n| ("num_cache_clusters", n))
        } else if let Some(a) = r.attr("replicas_per_node_group") {
            a.value.as_i64().map(|n| ("replicas_per_node_group", n + 1))
        } else {
            Some(("num_cache_clusters", 1))
        };
        match nodes {
            Some((attr, n)) if n < 2 => {
                problems.push((attr, format!("it runs {} per shard", count(n, "node"))))
            }
            Some(_) => {}
            None => unknown.push("num_cache_clusters"),
        }
        if let Some((attr, _)) = problems.first() {
            let text: Vec<String> = problems.iter().map(|(_, t)| t.clone()).collect();
            let f = cx
                .report(
                    r.attr_label(attr, "no automatic failover"),
                    format!(
                        "{} cannot fail over on its own: {}",
                        r.address,
                        text.join("; ")
                    ),
                )
                .help("set automatic_failover_enabled = true, multi_az_enabled = true and num_cache_clusters >= 2 (a replica in another zone)")
                .on(id);
            for (attr, _) in &problems[1..] {
                f.also(r.attr_label(attr, ""));
            }
        } else if let Some(attr) = unknown.first() {
            cx.cannot_judge(
                r.attr_label(attr, ""),
                &r.address,
                "`{attr}` is not known statically",
            )
            .on(id);
        }
    }
    for &id in facts.tf.of_type(aws::ELASTICACHE_CLUSTER) {
        let r = model.tf(id);
        // A cluster that joins a replication group is judged with the group.
        if r.value("replication_group_id")
            .is_some_and(|v| *v != Value::Null)
        {
            continue;
        }
        match r.value("engine").and_then(Value::as_str) {
            Some("redis" | "valkey") => {
                cx.report(
                    r.attr_label("engine", "single-node cache"),
                    format!(
                        "{} is a single-node {} cluster: it has no replica to fail over to",
                        r.address,
                        r.value("engine")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                    ),
                )
                .help(
                    "use an aws_elasticache_replication_group with automatic failover and Multi-AZ",
                )
                .on(id);
            }
            Some("memcached") => {
                // An unknown node count or zone mode is not a single zone.
                let Some(mode) = cx.known_attr(id, None, "az_mode") else {
                    continue;
                };
                let Some(node_attr) = cx.known_attr(id, None, "num_cache_nodes") else {
                    continue;
                };
                let nodes = node_attr.and_then(|a| a.value.as_i64());
                let cross = mode.and_then(|a| a.value.as_str()) == Some("cross-az");
                if nodes.is_some_and(|n| n < 2) || !cross {
                    cx.report(
                        r.attr_label(
                            if cross { "num_cache_nodes" } else { "az_mode" },
                            "one zone",
                        ),
                        format!(
                            "{} keeps its memcached nodes {}: losing {} loses the whole cache",
                            r.address,
                            if nodes.is_some_and(|n| n < 2) {
                                "to a single node"
                            } else {
                                "in a single availability zone"
                            },
                            if nodes.is_some_and(|n| n < 2) {
                                "that node"
                            } else {
                                "the zone"
                            }
                        ),
                    )
                    .help("set num_cache_nodes >= 2 and az_mode = \"cross-az\"")
                    .on(id);
                }
            }
            _ => {}
        }
    }
}
