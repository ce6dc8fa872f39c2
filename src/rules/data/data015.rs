//! DATA015: an Amazon MQ broker in the `SINGLE_INSTANCE` deployment mode (the default).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::MQ_BROKER) {
        let r = model.tf(id);
        let Some(mode) = cx.known_attr(id, None, "deployment_mode") else {
            continue;
        };
        let why = match mode {
            None => "`deployment_mode` defaults to SINGLE_INSTANCE".to_string(),
            Some(a) if a.value.as_str() == Some("SINGLE_INSTANCE") => shown("deployment_mode", a),
            Some(_) => continue,
        };
        cx.report(
            r.attr_label("deployment_mode", "single broker"),
            format!(
                "{} runs one broker instance ({why}): a broker or zone failure stops every producer and consumer until the broker is replaced, and messages on its storage wait for it",
                r.address
            ),
        )
        .help("set deployment_mode = \"ACTIVE_STANDBY_MULTI_AZ\" (ActiveMQ) or \"CLUSTER_MULTI_AZ\" (RabbitMQ), with subnets in two or three zones")
        .on(id);
    }
}
