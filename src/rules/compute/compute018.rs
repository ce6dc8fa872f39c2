//! COMPUTE018: an Elastic Beanstalk environment that runs one instance: the
//! `SingleInstance` environment type, or a load-balanced one whose auto scaling group may
//! shrink to fewer than `min_instances` (`aws:autoscaling:asg` `MinSize`, 1 by default).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute018::of(cx).min_instances;
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::ELASTIC_BEANSTALK_ENVIRONMENT) {
        let r = model.tf(id);
        // A worker tier or a web tier alike: the settings decide.
        let settings: Vec<_> = r.body.blocks("setting").collect();
        if settings.iter().any(|b| b.unknown_count) {
            cx.cannot_judge(
                r.header_label(""),
                &r.address,
                "its settings come from a dynamic block over a value that is not known statically",
            )
            .on(id);
            continue;
        }
        let find = |namespace: &str, name: &str| {
            settings.iter().rev().find(|b| {
                b.body.value("namespace").and_then(Value::as_str) == Some(namespace)
                    && b.body.value("name").and_then(Value::as_str) == Some(name)
            })
        };
        if settings.iter().any(|b| {
            ["namespace", "name"]
                .iter()
                .any(|a| b.body.value(a).is_some_and(Value::has_unknown))
        }) {
            cx.cannot_judge(
                r.header_label(""),
                &r.address,
                "the namespace or name of one of its settings is not known statically",
            )
            .on(id);
            continue;
        }
        let kind = find("aws:elasticbeanstalk:environment", "EnvironmentType")
            .and_then(|b| b.body.attr("value"));
        match kind.map(|a| (a, a.value.as_str())) {
            Some((a, None)) => {
                cx.unknown_value(id, "EnvironmentType", a);
                continue;
            }
            Some((a, Some("SingleInstance"))) => {
                cx.report(
                    Label::new(r.source, a.span, "one instance"),
                    format!(
                        "{} is a single-instance environment (EnvironmentType = SingleInstance): one EC2 instance in one zone, with no load balancer, serves everything",
                        r.address
                    ),
                )
                .help(format!(
                    "use EnvironmentType = LoadBalanced with aws:autoscaling:asg MinSize = {min} or more and subnets in several zones"
                ))
                .on(id);
                continue;
            }
            _ => {}
        }
        let min_size = find("aws:autoscaling:asg", "MinSize").and_then(|b| b.body.attr("value"));
        let n = match min_size {
            None => 1,
            Some(a) => match a.value.as_i64() {
                Some(n) => n,
                None => {
                    cx.unknown_value(id, "MinSize", a);
                    continue;
                }
            },
        };
        if n >= min {
            continue;
        }
        let why = match min_size {
            Some(a) => format!("its aws:autoscaling:asg MinSize is {}", a.value),
            None => "aws:autoscaling:asg MinSize defaults to 1".to_string(),
        };
        let label = match min_size {
            Some(a) => Label::new(r.source, a.span, "minimum size"),
            None => r.header_label(r.address.clone()),
        };
        cx.report(
            label,
            format!(
                "{} can run {} ({why}): at low load one instance in one zone serves everything",
                r.address,
                count(n, "instance")
            ),
        )
        .help(format!(
            "add a setting {{ namespace = \"aws:autoscaling:asg\", name = \"MinSize\", value = \"{min}\" }} (one instance per zone)"
        ))
        .on(id);
    }
}
