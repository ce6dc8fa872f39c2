//! DATA004: an Aurora (or RDS) cluster with fewer than 2 instances, or pinned to fewer than
//! 2 availability zones: nothing to fail over to.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::RDS_CLUSTER) {
        let r = model.tf(id);
        // Multi-AZ DB clusters run three instances by themselves.
        if r.value("db_cluster_instance_class")
            .is_some_and(|v| *v != Value::Null)
        {
            continue;
        }
        // Serverless v1 and Limitless clusters have no instances of their own.
        let Some(mode) = cx.known_attr(id, None, "engine_mode") else {
            continue;
        };
        let Some(scalability) = cx.known_attr(id, None, "cluster_scalability_type") else {
            continue;
        };
        let text = |a: Option<&crate::model::terraform::Attr>| {
            a.and_then(|a| a.value.as_str().map(str::to_string))
        };
        if text(mode).as_deref() == Some("serverless")
            || text(scalability).as_deref() == Some("limitless")
        {
            continue;
        }
        // Read replica auto scaling keeps at least `min_capacity` readers besides them.
        let Some(readers) = autoscaled_readers(cx, id) else {
            continue;
        };
        if let Some(instances) =
            cx.cluster_members(id, aws::RDS_CLUSTER_INSTANCE, "cluster_identifier", 2)
            && instances.len() + readers < 2
        {
            let f = cx
                .report(
                    r.header_label(r.address.clone()),
                    format!(
                        "{} has {}: {}",
                        r.address,
                        count(instances.len() as i64, "instance"),
                        if instances.is_empty() {
                            "no aws_rds_cluster_instance refers to it, so it serves nothing".to_string()
                        } else {
                            "there is no replica to promote when the writer or its zone fails".to_string()
                        }
                    ),
                )
                .help("add a second aws_rds_cluster_instance (e.g. count = 2) so Aurora can fail over to a reader in another zone")
                .on(id);
            for i in instances {
                let inst = model.tf(i);
                f.also(inst.header_label(inst.address.clone()));
            }
        }
        if let Some(a) = r.attr("availability_zones") {
            let zones = crate::facts::terraform::TfFacts::listed_zones(&a.value);
            if zones.unknown == 0 && zones.count() < 2 {
                cx.report(
                    Label::new(r.source, a.span, "zones listed here"),
                    format!(
                        "{} is limited to {} ({}): its storage and instances cannot survive that zone",
                        r.address,
                        count(zones.count() as i64, "availability zone"),
                        zones.list()
                    ),
                )
                .help("list at least two (ideally three) availability zones, or leave availability_zones unset")
                .on(id);
            }
        }
    }
}

/// The readers Application Auto Scaling keeps in cluster `id` at least: the `min_capacity` of
/// an `aws_appautoscaling_target` for `rds:cluster:ReadReplicaCount` whose `resource_id`
/// (`cluster:<identifier>`) names it. `None` after an info when that minimum is not known.
fn autoscaled_readers(cx: &mut RuleCx, id: ResourceId) -> Option<usize> {
    let (model, facts) = (cx.model, cx.facts);
    let r = model.tf(id);
    let name = r.value("cluster_identifier").and_then(Value::as_str);
    let target = facts
        .tf
        .of_type(aws::APPAUTOSCALING_TARGET)
        .iter()
        .copied()
        .find(|&t| {
            let t = model.tf(t);
            t.value("scalable_dimension").and_then(Value::as_str)
                == Some("rds:cluster:ReadReplicaCount")
                && t.value("resource_id").is_some_and(|v| {
                    v.references().contains(&id)
                        || (t.root == r.root
                            && name.is_some_and(|n| v.as_str() == Some(&format!("cluster:{n}"))))
                })
        });
    let Some(t) = target else {
        return Some(0);
    };
    let min = cx.known_attr(t, None, "min_capacity")?;
    Some(min.and_then(|a| a.value.as_i64()).unwrap_or(0).max(0) as usize)
}
