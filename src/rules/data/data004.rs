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
        if let Some(instances) =
            cx.cluster_members(id, aws::RDS_CLUSTER_INSTANCE, "cluster_identifier", 2)
            && instances.len() < 2
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
