//! COMPUTE017: a target group whose only registered target is one instance (target group
//! attachments of a single `target_id`), with no auto scaling group or ECS service
//! registering others.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for tg in facts
        .tf
        .of_types(&[aws::LB_TARGET_GROUP, aws::ALB_TARGET_GROUP])
    {
        let r = model.tf(tg);
        if matches!(
            r.value("target_type").and_then(Value::as_str),
            Some("lambda" | "alb")
        ) {
            continue;
        }
        // Groups and services register targets of their own.
        let (registrars, attachments) = facts.tf.target_group_registrars(model, tg);
        if attachments.is_empty() || !registrars.is_empty() {
            continue;
        }
        if let Some(&a) = attachments.iter().find(|&&a| model.tf(a).count_unknown) {
            let at = model.tf(a);
            cx.cannot_judge(
                at.header_label(""),
                &r.address,
                format!(
                    "the number of {} instances is not known statically",
                    at.declaration()
                ),
            )
            .on(tg);
            continue;
        }
        let mut targets: Vec<&Value> = Vec::new();
        let mut unknown = None;
        for &a in &attachments {
            let at = model.tf(a);
            match at.attr("target_id") {
                Some(t) if t.value.has_unknown() && t.value.references().is_empty() => {
                    unknown = Some((a, t));
                }
                Some(t) if !targets.contains(&&t.value) => targets.push(&t.value),
                _ => {}
            }
        }
        if targets.len() >= 2 {
            continue;
        }
        if let Some((a, t)) = unknown {
            cx.unknown_value(a, "target_id", t);
            continue;
        }
        let (Some(target), Some(&first)) = (targets.first(), attachments.first()) else {
            continue;
        };
        let at = model.tf(first);
        let shown_target = match target.references().first() {
            Some(&i) => model.tf(i).address.clone(),
            None => target.to_string(),
        };
        let f = cx
            .report(
                at.attr_label("target_id", "the only target"),
                format!(
                    "{} has one target, {shown_target}: one instance in one zone serves everything behind it, and the load balancer has nothing to send traffic to when it fails",
                    r.address
                ),
            )
            .help("register the instances of an auto scaling group over several zones (target_group_arns), or attach a second instance in another zone")
            .on(tg);
        if let Some(&i) = target.references().first() {
            let inst = model.tf(i);
            f.also(inst.header_label(inst.address.clone()));
        }
    }
}
