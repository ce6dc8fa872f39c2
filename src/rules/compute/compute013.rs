//! COMPUTE013: an ECS service (awsvpc network configuration) or a Lambda function attached to
//! a VPC whose subnets lie in fewer than `min_zones` availability zones.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Compute013::of(cx).min_zones as usize;
    pinned_services(cx, min);
    // A Lambda function with `subnet_ids = []` is not in a VPC: floor 1 skips it.
    cx.zones_below(
        &[aws::ECS_SERVICE, aws::LAMBDA_FUNCTION],
        1,
        min,
        |r, zones| {
            let ecs = r.rtype == aws::ECS_SERVICE;
            (
                format!(
                    "{} {} in {}: a zone outage stops {}",
                    r.address,
                    if ecs {
                        "places its tasks"
                    } else {
                        "runs its invocations"
                    },
                    zones.spans(),
                    if ecs {
                        "every task of the service"
                    } else {
                        "the function, which can reach the VPC through no other zone"
                    }
                ),
                format!(
                    "list subnets in at least {min} availability zones ({})",
                    if ecs {
                        "network_configuration.subnets"
                    } else {
                        "vpc_config.subnet_ids"
                    }
                ),
            )
        },
    );
}

/// ECS services whose `memberOf` placement constraint names fewer than `min` zones
/// (`attribute:ecs.availability-zone == us-east-1a`, or `in [...]`).
fn pinned_services(cx: &mut RuleCx, min: usize) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::ECS_SERVICE) {
        let r = model.tf(id);
        for c in r.body.blocks("placement_constraints") {
            if c.body.value("type").and_then(Value::as_str) != Some("memberOf") {
                continue;
            }
            let Some(a) = c.body.attr("expression") else {
                continue;
            };
            let Some(expr) = a.value.as_str() else {
                if a.value.has_unknown() {
                    cx.unknown_value(id, "expression", a);
                }
                continue;
            };
            let Some(zones) = member_of_zones(expr) else {
                continue;
            };
            if zones.len() >= min {
                continue;
            }
            cx.report(
                Label::new(r.source, a.span, "zones allowed"),
                format!(
                    "{} may place its tasks only in {} ({}), by its memberOf placement constraint: a zone outage stops every task of the service",
                    r.address,
                    count(zones.len() as i64, "availability zone"),
                    zones.join(", ")
                ),
            )
            .help(format!(
                "allow at least {min} zones in the constraint (attribute:ecs.availability-zone in [...]), or remove it"
            ))
            .on(id);
        }
    }
}

/// The zones a cluster query language expression confines tasks to, when it is a plain
/// `attribute:ecs.availability-zone == z` or `... in [z1, z2]` (no `and`/`or`/`not`).
fn member_of_zones(expr: &str) -> Option<Vec<String>> {
    let rest = expr
        .trim()
        .strip_prefix("attribute:ecs.availability-zone")?
        .trim_start();
    if let Some(v) = rest.strip_prefix("==") {
        let v = v.trim();
        return (!v.is_empty() && !v.contains(char::is_whitespace)).then(|| vec![v.to_string()]);
    }
    let list = rest
        .strip_prefix("in")?
        .trim()
        .strip_prefix('[')?
        .strip_suffix(']')?;
    let mut zones: Vec<String> = list
        .split(',')
        .map(|z| z.trim().to_string())
        .filter(|z| !z.is_empty())
        .collect();
    if zones.iter().any(|z| z.contains(char::is_whitespace)) {
        return None;
    }
    zones.sort();
    zones.dedup();
    Some(zones)
}

#[cfg(test)]
mod tests {
    use super::member_of_zones;

    #[test]
    fn member_of_expressions() {
        assert_eq!(
            member_of_zones("attribute:ecs.availability-zone == us-east-1a"),
            Some(vec!["us-east-1a".to_string()])
        );
        assert_eq!(
            member_of_zones("attribute:ecs.availability-zone in [us-east-1b, us-east-1a]"),
            Some(vec!["us-east-1a".to_string(), "us-east-1b".to_string()])
        );
        assert_eq!(
            member_of_zones(
                "attribute:ecs.availability-zone == us-east-1a or attribute:ecs.instance-type =~ t3.*"
            ),
            None
        );
        assert_eq!(
            member_of_zones("attribute:ecs.instance-type == t3.small"),
            None
        );
        assert_eq!(
            member_of_zones("attribute:ecs.availability-zone != us-east-1a"),
            None
        );
    }
}
