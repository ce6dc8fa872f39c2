//! DATA009: automated backups turned off (backup_retention_period = 0).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(&[aws::DB_INSTANCE, aws::RDS_CLUSTER]) {
        let r = model.tf(id);
        // Read replicas are restored from their source, which keeps the backups.
        if r.value("replicate_source_db")
            .is_some_and(|v| *v != Value::Null)
        {
            continue;
        }
        let Some(a) = r.attr("backup_retention_period") else {
            continue;
        };
        if a.value.as_i64() == Some(0) {
            cx.report(
                Label::new(r.source, a.span, "backups disabled"),
                format!(
                    "{} keeps no automated backups ({}): no point-in-time recovery, and a read replica cannot be created from it",
                    r.address,
                    shown("backup_retention_period", a)
                ),
            )
            .help("set backup_retention_period to 7 or more days")
            .on(id);
        }
    }
}
