//! NETWORK010: private connectivity with one point of failure on the customer side: every
//! `aws_vpn_connection` to an AWS gateway uses one customer gateway (and no Direct Connect
//! association backs that gateway), or a root's Direct Connect connections are all at one
//! location and no VPN connection backs them.

use std::collections::BTreeMap;

use crate::rules::prelude::*;

/// What an attribute names: a resource of the scan, a literal id, or something unknown.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    Resource(ResourceId),
    Literal(String),
}

impl Named {
    /// The resource's address, or the literal id.
    fn show(&self, model: &crate::model::Model) -> String {
        match self {
            Named::Resource(id) => model.tf(*id).address.clone(),
            Named::Literal(s) => s.clone(),
        }
    }
}

fn named(v: &Value) -> Option<Named> {
    if let Some(&id) = v.references().first() {
        return Some(Named::Resource(id));
    }
    v.as_str().map(|s| Named::Literal(s.to_string()))
}

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    // VPN connections by root and AWS-side gateway.
    let mut by_gateway: BTreeMap<(&str, Named), Vec<ResourceId>> = BTreeMap::new();
    for &id in facts.tf.of_type(aws::VPN_CONNECTION) {
        let r = model.tf(id);
        let gateway = ["vpn_gateway_id", "transit_gateway_id"]
            .iter()
            .find_map(|a| r.value(a).filter(|v| **v != Value::Null));
        match gateway.map(|g| (g, named(g))) {
            Some((_, Some(g))) => by_gateway.entry((r.root.as_str(), g)).or_default().push(id),
            Some((_, None)) => {
                if let Some((name, a)) = ["vpn_gateway_id", "transit_gateway_id"]
                    .iter()
                    .find_map(|n| r.attr(n).map(|a| (*n, a)))
                {
                    cx.unknown_value(id, name, a);
                }
            }
            None => {}
        }
    }
    let associated: Vec<(&str, Named)> = facts
        .tf
        .of_type(aws::DX_GATEWAY_ASSOCIATION)
        .iter()
        .filter_map(|&a| {
            let r = model.tf(a);
            named(r.value("associated_gateway_id")?).map(|g| (r.root.as_str(), g))
        })
        .collect();
    for (key, conns) in &by_gateway {
        if associated.contains(key) {
            continue;
        }
        let mut customers: Vec<Named> = Vec::new();
        let mut unknown = None;
        for &c in conns {
            let r = model.tf(c);
            if r.count_unknown {
                unknown = Some((c, None));
                continue;
            }
            match r.value("customer_gateway_id").map(|v| (v, named(v))) {
                Some((_, Some(n))) if !customers.contains(&n) => customers.push(n),
                Some((_, Some(_))) => {}
                Some((_, None)) => unknown = Some((c, r.attr("customer_gateway_id"))),
                None => {}
            }
        }
        if customers.len() >= 2 {
            continue;
        }
        if let Some((c, attr)) = unknown {
            let r = model.tf(c);
            match attr {
                Some(a) => {
                    cx.unknown_value(c, "customer_gateway_id", a);
                }
                None => {
                    cx.cannot_judge(
                        r.header_label(""),
                        &r.address,
                        "the number of its VPN connections is not known statically",
                    )
                    .on(c);
                }
            }
            continue;
        }
        let Some(customer) = customers.first() else {
            continue;
        };
        let first = model.tf(conns[0]);
        let shown_customer = customer.show(model);
        let f = cx
            .report(
                first.attr_label("customer_gateway_id", "one customer gateway"),
                format!(
                    "{} to {} {} through one customer gateway ({shown_customer}) and no Direct Connect association backs that gateway: the two tunnels of a VPN connection are redundant on the AWS side only, so a failure of that device or its site cuts the private connection",
                    count(conns.len() as i64, "VPN connection"),
                    key.1.show(model),
                    if conns.len() == 1 { "goes" } else { "go" },
                ),
            )
            .help("add a second aws_customer_gateway (another device, ideally at another site) with its own aws_vpn_connection to the same gateway, or a Direct Connect path to it")
            .on(conns[0]);
        for &c in &conns[1..] {
            f.also(model.tf(c).attr_label("customer_gateway_id", ""));
        }
    }
    // Direct Connect connections by root.
    let mut dx: BTreeMap<&str, Vec<ResourceId>> = BTreeMap::new();
    for &id in facts.tf.of_type(aws::DX_CONNECTION) {
        dx.entry(model.tf(id).root.as_str()).or_default().push(id);
    }
    for (root, conns) in dx {
        let vpn = facts
            .tf
            .of_type(aws::VPN_CONNECTION)
            .iter()
            .any(|&v| model.tf(v).root == root);
        if vpn {
            continue;
        }
        let first = model.tf(conns[0]);
        if conns.iter().any(|&c| model.tf(c).count_unknown) {
            cx.cannot_judge(
                first.header_label(""),
                &first.address,
                "the number of Direct Connect connections is not known statically",
            )
            .on(conns[0]);
            continue;
        }
        let mut locations: Vec<&str> = Vec::new();
        let mut unknown = None;
        for &c in &conns {
            if let Some(a) = model.tf(c).attr("location") {
                match a.value.as_str() {
                    Some(l) if !locations.contains(&l) => locations.push(l),
                    Some(_) => {}
                    None => unknown = Some((c, a)),
                }
            }
        }
        if locations.len() >= 2 {
            continue;
        }
        if let Some((c, a)) = unknown {
            cx.unknown_value(c, "location", a);
            continue;
        }
        let f = cx
            .report(
                first.attr_label("location", "one location"),
                format!(
                    "{} {} at one Direct Connect location ({}) and no VPN connection backs {}: a failure of that location, or of {}, cuts the private connection",
                    count(conns.len() as i64, "Direct Connect connection"),
                    if conns.len() == 1 { "is" } else { "are all" },
                    locations.first().copied().unwrap_or("unknown"),
                    if conns.len() == 1 { "it" } else { "them" },
                    if conns.len() == 1 {
                        "the connection"
                    } else {
                        "the building they share"
                    },
                ),
            )
            .help("add a connection at a second Direct Connect location (AWS's high resiliency model), or at least an aws_vpn_connection as a backup path")
            .on(conns[0]);
        for &c in &conns[1..] {
            f.also(model.tf(c).attr_label("location", ""));
        }
    }
}
