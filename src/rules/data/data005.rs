//! DATA005: a primary database (RDS instance or Aurora cluster) with no replica or global
//! cluster member in another region.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(&[aws::RDS_CLUSTER, aws::DB_INSTANCE]) {
        let r = model.tf(id);
        let replica_attr = if r.rtype == aws::RDS_CLUSTER {
            "replication_source_identifier"
        } else {
            "replicate_source_db"
        };
        // Replicas are the answer, not the question.
        if r.value(replica_attr).is_some_and(|v| *v != Value::Null) {
            continue;
        }
        if r.rtype == aws::DB_INSTANCE
            && r.value("engine")
                .and_then(Value::as_str)
                .is_some_and(|e| e.starts_with("aurora"))
        {
            continue;
        }
        let help = if r.rtype == aws::RDS_CLUSTER {
            "make it the primary of an aws_rds_global_cluster with a secondary cluster in another region (a provider alias), or add a cross-region replica cluster"
        } else {
            "add an aws_db_instance in another region (a provider alias) with replicate_source_db = this instance's arn"
        };
        cx.needs_second_region(
            id,
            |region| {
                format!(
                    "{} has no replica outside {region}: a regional outage leaves the data unreachable (or lost back to the last snapshot copied elsewhere)",
                    r.address
                )
            },
            help,
        );
    }
}
