//! DATA014: a Redshift cluster with a single node, or without Multi-AZ (`multi_az`).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::REDSHIFT_CLUSTER) {
        let r = model.tf(id);
        let Some(kind) = cx.known_attr(id, None, "cluster_type") else {
            continue;
        };
        let Some(nodes) = cx.known_attr(id, None, "number_of_nodes") else {
            continue;
        };
        let Some(multi_az) = cx.known_attr(id, None, "multi_az") else {
            continue;
        };
        // number_of_nodes defaults to 1, and cluster_type follows it when absent.
        let single = match kind.and_then(|a| a.value.as_str()) {
            Some("single-node") => Some("cluster_type"),
            Some(_) => None,
            None => nodes
                .is_none_or(|a| a.value.as_i64().is_some_and(|n| n < 2))
                .then_some("number_of_nodes"),
        };
        let one_zone = multi_az.is_none_or(|a| a.value.as_bool() != Some(true));
        let mut problems = Vec::new();
        if let Some(attr) = single {
            problems.push((
                attr,
                "it is a single node: a node failure stops the cluster until Redshift replaces the node and restores it from its last snapshot".to_string(),
            ));
        }
        if one_zone {
            problems.push((
                "multi_az",
                match multi_az {
                    Some(a) => format!(
                        "{}: the cluster runs in one availability zone, and a zone outage stops it",
                        shown("multi_az", a)
                    ),
                    None => "`multi_az` is not set (it defaults to false): the cluster runs in one availability zone, and a zone outage stops it".to_string(),
                },
            ));
        }
        let Some((attr, _)) = problems.first() else {
            continue;
        };
        let text: Vec<&str> = problems.iter().map(|(_, t)| t.as_str()).collect();
        let f = cx
            .report(
                r.attr_label(attr, "single point of failure"),
                format!("{}: {}", r.address, text.join("; ")),
            )
            .help("use an RA3 node type with cluster_type = \"multi-node\", number_of_nodes >= 2 and multi_az = true (a second set of nodes in another zone)")
            .on(id);
        for (attr, _) in &problems[1..] {
            f.also(r.attr_label(attr, ""));
        }
    }
}
