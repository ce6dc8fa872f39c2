//! DATA013: a DocumentDB or Neptune cluster with fewer than `min_instances` instances:
//! nothing to fail over to when the primary or its zone fails.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Data013::of(cx).min_instances;
    let (model, facts) = (cx.model, cx.facts);
    for (cluster, member) in [
        (aws::DOCDB_CLUSTER, aws::DOCDB_CLUSTER_INSTANCE),
        (aws::NEPTUNE_CLUSTER, aws::NEPTUNE_CLUSTER_INSTANCE),
    ] {
        for &id in facts.tf.of_type(cluster) {
            let r = model.tf(id);
            let Some(instances) =
                cx.cluster_members(id, member, "cluster_identifier", min as usize)
            else {
                continue;
            };
            let n = instances.len() as i64;
            if n >= min {
                continue;
            }
            let f = cx
                .report(
                    r.header_label(r.address.clone()),
                    format!(
                        "{} has {}: {}",
                        r.address,
                        count(n, "instance"),
                        if n == 0 {
                            format!("no {member} refers to it, so it serves nothing")
                        } else {
                            "there is no replica to promote when the primary or its zone fails".to_string()
                        }
                    ),
                )
                .help(format!(
                    "add {member} resources up to {min} (e.g. count = {min}); the cluster spreads them over its subnets' zones and promotes one on failure"
                ))
                .on(id);
            for i in instances {
                let inst = model.tf(i);
                f.also(inst.header_label(inst.address.clone()));
            }
        }
    }
}
