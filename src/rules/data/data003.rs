//! DATA003: an RDS instance (not a read replica, not Aurora) without Multi-AZ: one
//! instance in one zone holds the data and serves every query.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::DB_INSTANCE) {
        let r = model.tf(id);
        let is_replica = r
            .value("replicate_source_db")
            .is_some_and(|v| *v != Value::Null);
        let aurora = r
            .value("engine")
            .and_then(Value::as_str)
            .is_some_and(|e| e.starts_with("aurora"));
        if is_replica || aurora {
            continue;
        }
        let attr = r.attr("multi_az");
        match attr.map(|a| a.value.as_bool()) {
            Some(Some(true)) => {}
            Some(None) => {
                let a = attr.expect("matched Some");
                cx.unknown_value(id, "multi_az", a);
            }
            value => {
                let why = match attr {
                    Some(a) => shown("multi_az", a),
                    None => "`multi_az` is not set (it defaults to false)".to_string(),
                };
                let _ = value;
                cx.report(
                    r.attr_label("multi_az", "single-AZ database"),
                    format!(
                        "{} runs in one availability zone ({why}): a zone outage or instance failure makes the database unavailable until it is rebuilt",
                        r.address
                    ),
                )
                .help("set multi_az = true for a synchronous standby in a second zone with automatic failover")
                .on(id);
            }
        }
    }
}
