//! NETWORK008: a private subnet whose default route (`0.0.0.0/0`) goes through a NAT gateway
//! in another availability zone: when that zone fails, the subnet loses its way out.
//!
//! Follows `aws_route_table_association` (subnet → route table) to the table's default route,
//! an `aws_route` or an inline `route {}` block with `nat_gateway_id`, and compares the zone of
//! the subnet with the zone of the NAT gateway's own subnet.

use crate::facts::terraform::Zones;
use crate::model::FastMap;
use crate::model::terraform::Body;
use crate::rules::prelude::*;

/// Whether a route's destination is the default route (IPv4).
fn default_route(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str) == Some("0.0.0.0/0")
}

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    let nats_in = |v: &Value| -> Vec<ResourceId> {
        v.references()
            .into_iter()
            .filter(|n| model.tf(*n).rtype == aws::NAT_GATEWAY)
            .collect()
    };
    // Route table → its default routes through NAT gateways, with where each is written.
    let mut routes: FastMap<ResourceId, Vec<(ResourceId, Label)>> = FastMap::default();
    // A route (an `aws_route`, or a `route {}` block of the table) of `tables`, whose
    // destination is in attribute `cidr` of `body`.
    let mut add = |tables: Vec<ResourceId>, body: &Body, cidr: &str, source| {
        let Some(nat) = body.attr("nat_gateway_id") else {
            return;
        };
        if !default_route(body.value(cidr)) {
            return;
        }
        for t in tables
            .into_iter()
            .filter(|t| model.tf(*t).rtype == aws::ROUTE_TABLE)
        {
            for n in nats_in(&nat.value) {
                let at = Label::new(
                    source,
                    nat.span,
                    "the default route goes through this NAT gateway",
                );
                routes.entry(t).or_default().push((n, at));
            }
        }
    };
    for &id in facts.tf.of_type(aws::ROUTE) {
        let r = model.tf(id);
        let tables = r
            .value("route_table_id")
            .map(Value::references)
            .unwrap_or_default();
        add(tables, &r.body, "destination_cidr_block", r.source);
    }
    for &t in facts.tf.of_type(aws::ROUTE_TABLE) {
        let r = model.tf(t);
        for b in r.body.blocks("route") {
            add(vec![t], &b.body, "cidr_block", r.source);
        }
    }
    if routes.is_empty() {
        return;
    }
    let zones_of = |v: Option<&Value>| -> Zones {
        match v {
            Some(v) => facts.tf.subnet_zones(model, &Value::List(vec![v.clone()])),
            None => Zones {
                unknown: 1,
                ..Zones::default()
            },
        }
    };
    // Per default route: the associations whose zones cannot be compared, reported once.
    let mut unknown: Vec<(Label, ResourceId, Vec<ResourceId>, &'static str)> = Vec::new();
    for &a in facts.tf.of_type(aws::ROUTE_TABLE_ASSOCIATION) {
        let assoc = model.tf(a);
        let tables = assoc
            .value("route_table_id")
            .map(Value::references)
            .unwrap_or_default();
        let Some(via) = tables.iter().find_map(|t| routes.get(t)) else {
            continue;
        };
        let subnet = zones_of(assoc.value("subnet_id"));
        for (nat, at) in via {
            let n = model.tf(*nat);
            let nat_zones = zones_of(n.value("subnet_id"));
            let (Some(sz), Some(nz)) = (
                subnet.known.iter().next().filter(|_| subnet.unknown == 0),
                nat_zones
                    .known
                    .iter()
                    .next()
                    .filter(|_| nat_zones.unknown == 0),
            ) else {
                let which = if subnet.unknown > 0 || subnet.known.is_empty() {
                    "their subnets"
                } else {
                    "the NAT gateway's subnet"
                };
                match unknown.iter_mut().find(|(l, n, _, _)| l == at && n == nat) {
                    Some(entry) => entry.2.push(a),
                    None => unknown.push((at.clone(), *nat, vec![a], which)),
                }
                continue;
            };
            if sz == nz {
                continue;
            }
            let subnet_name = assoc
                .value("subnet_id")
                .and_then(|v| v.references().first().copied())
                .map_or_else(|| "its subnet".to_string(), |s| model.tf(s).address.clone());
            let mut labels = facts.tf.zone_labels(model, &subnet);
            labels.extend(facts.tf.zone_labels(model, &nat_zones));
            let f = cx
                .report(
                    at.clone(),
                    format!(
                        "{subnet_name} ({sz}) reaches the internet through {} in {nz}: when {nz} fails, the subnet loses its way out although its own zone is up",
                        n.address
                    ),
                )
                .help(format!(
                    "give each zone its own NAT gateway in a public subnet of that zone, and route each zone's private subnets through it (terraform-aws-modules/vpc: single_nat_gateway = false, one_nat_gateway_per_az = true); {sz} needs one"
                ))
                .on(a);
            f.also(assoc.header_label(format!(
                "{} associates {subnet_name} with this route table",
                assoc.address
            )));
            for l in labels {
                f.also(l);
            }
        }
    }
    for (at, nat, assocs, which) in unknown {
        let first = model.tf(assocs[0]);
        let subject = if assocs.len() == 1 {
            first.address.clone()
        } else {
            format!(
                "{} and {} more associations",
                first.address,
                assocs.len() - 1
            )
        };
        cx.cannot_judge(
            at,
            &subject,
            format!(
                "the zone of {which} is not known statically, so whether {} is in their zone cannot be told",
                model.tf(nat).address
            ),
        )
        .help("declare the subnets as aws_subnet resources with a literal or variable availability_zone, or scan a plan (`terraform show -json`)")
        .on(assocs[0]);
    }
}
