//! COMPUTE014: an ECS service (replica scheduling) that runs fewer than `min_tasks` tasks: its
//! `desired_count`, or the `min_capacity` of the Application Auto Scaling target that scales it.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute014::of(cx).min_tasks;
    let (model, facts) = (cx.model, cx.facts);
    let targets: Vec<ResourceId> = facts
        .tf
        .of_type(aws::APPAUTOSCALING_TARGET)
        .iter()
        .copied()
        .filter(|&t| {
            model
                .tf(t)
                .value("scalable_dimension")
                .and_then(Value::as_str)
                == Some("ecs:service:DesiredCount")
        })
        .collect();
    for &id in facts.tf.of_type(aws::ECS_SERVICE) {
        let r = model.tf(id);
        if r.value("scheduling_strategy").and_then(Value::as_str) == Some("DAEMON") {
            continue;
        }
        let name = r.value("name").and_then(Value::as_str);
        // The scaling target's resource_id is `service/<cluster>/<service name>`.
        let scales = |t: ResourceId| -> Option<bool> {
            let v = model.tf(t).value("resource_id")?;
            if v.references().contains(&id) {
                return Some(true);
            }
            let same_root = model.tf(t).root == r.root;
            v.as_str()
                .map(|s| same_root && name.is_some_and(|n| s.rsplit('/').next() == Some(n)))
        };
        let mine: Vec<ResourceId> = targets
            .iter()
            .copied()
            .filter(|&t| scales(t) == Some(true))
            .collect();
        if let Some(&t) = mine.first() {
            let target = model.tf(t);
            let Some(Some(a)) = cx.known_attr(t, None, "min_capacity") else {
                continue;
            };
            let Some(n) = a.value.as_i64().filter(|n| *n < min) else {
                continue;
            };
            cx.report(
                Label::new(target.source, a.span, "scales down to this"),
                format!(
                    "{} can scale down to {} ({} of {}): {}",
                    r.address,
                    count(n, "task"),
                    shown("min_capacity", a),
                    target.address,
                    if n <= 1 {
                        "a task or zone failure then stops the service until ECS starts a replacement"
                    } else {
                        "a task or zone failure then leaves it one task to serve everything"
                    }
                ),
            )
            .help(format!("set min_capacity = {min} or more"))
            .also(r.header_label(r.address.clone()))
            .on(id);
            continue;
        }
        let Some(Some(a)) = cx.known_attr(id, None, "desired_count") else {
            continue;
        };
        // 0 is a service that is not running, or one scaled by something outside the scan.
        let Some(n) = a.value.as_i64().filter(|n| (1..min).contains(n)) else {
            continue;
        };
        // Targets of the same module instance whose service is not known statically may
        // scale it: the service can still run fewer than `min` tasks when each of them
        // would let it.
        let maybe: Vec<ResourceId> = targets
            .iter()
            .copied()
            .filter(|&t| {
                let tr = model.tf(t);
                scales(t).is_none() && tr.root == r.root && tr.module_prefix() == r.module_prefix()
            })
            .collect();
        let floor = |t: ResourceId| model.tf(t).value("min_capacity").and_then(Value::as_i64);
        if let Some(&t) = maybe.iter().find(|&&t| floor(t).is_none_or(|m| m >= min)) {
            let target = model.tf(t);
            cx.cannot_judge(
                target.attr_label("resource_id", ""),
                &r.address,
                format!(
                    "{} may scale it (to at least {}), and the service it scales is not known statically",
                    target.address,
                    floor(t).map_or("an unknown number of tasks".to_string(), |m| count(m, "task"))
                ),
            )
            .also(Label::new(r.source, a.span, ""))
            .on(id);
            continue;
        }
        let f = cx.report(
            Label::new(r.source, a.span, "desired count"),
            format!(
                "{} runs {} ({}) and {}: a task or zone failure {} until ECS starts a replacement",
                r.address,
                count(n, "task"),
                shown("desired_count", a),
                if maybe.is_empty() {
                    "no autoscaling target raises it"
                } else {
                    "the autoscaling target that may scale it does not raise its minimum"
                },
                if n <= 1 {
                    "stops the service"
                } else {
                    "leaves it one task to serve everything"
                }
            ),
        )
        .help(format!(
            "set desired_count = {min} or more (one task per zone), or scale it with an aws_appautoscaling_target whose min_capacity is {min} or more"
        ))
        .on(id);
        for &t in &maybe {
            f.also(
                model
                    .tf(t)
                    .attr_label("min_capacity", "minimum of a target that may scale it"),
            );
        }
    }
}
