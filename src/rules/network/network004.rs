//! NETWORK004: a load balancer in fewer than `min_zones` availability zones: an AWS load
//! balancer whose subnets, a Google Cloud backend service whose backends, an Azure load
//! balancer whose zonal frontends or an Application Gateway whose `zones` lie in fewer zones;
//! an Azure Basic load balancer (no zones at all).

use crate::model::terraform::NestedBlock;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Network004::of(cx).min_zones as usize;
    cx.zones_below(&[aws::LB, aws::ALB, aws::ELB], 0, min, |r, zones| {
        (
            format!(
                "{} spans {}: losing {} takes the entry point down",
                r.address,
                zones.spans(),
                zones.lost(),
            ),
            format!("attach subnets in at least {min} availability zones"),
        )
    });
    cx.zones_below(
        &[google::BACKEND_SERVICE, google::REGION_BACKEND_SERVICE],
        0,
        min,
        |r, zones| {
            (
                format!(
                    "{}'s backends run in {}: losing {} leaves the load balancer nothing to send traffic to",
                    r.address,
                    zones.spans_as("zone"),
                    zones.lost(),
                ),
                format!(
                    "serve it from a regional managed instance group (google_compute_region_instance_group_manager), or from zonal groups in at least {min} zones"
                ),
            )
        },
    );
    cx.zones_below(&[azure::APPLICATION_GATEWAY], 0, min, |r, zones| {
        (
            format!(
                "{} runs in {}: losing {} takes the gateway down",
                r.address,
                zones.spans(),
                zones.lost(),
            ),
            "list at least two zones, e.g. zones = [\"1\", \"2\", \"3\"]".to_string(),
        )
    });
    azure_lbs(cx, min);
}

/// Azure load balancers: the Basic SKU has no zones; a Standard one is as zonal as its
/// frontends (their own `zones`, or their public IP's).
fn azure_lbs(cx: &mut RuleCx, min: usize) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(azure::LB) {
        let r = model.tf(id);
        let Some(sku) = cx.known_attr(id, None, "sku") else {
            continue;
        };
        if let Some(a) = sku
            && a.value.as_str() == Some("Basic")
        {
            cx.report(
                r.attr_label("sku", "Basic SKU"),
                format!(
                    "{} is a Basic load balancer (`sku = \"Basic\"`): Basic has no availability zones, so a zone outage can take it down (and Azure retired the Basic SKU on 30 September 2025)",
                    r.address
                ),
            )
            .help("use sku = \"Standard\" with zone-redundant frontends (zones = [\"1\", \"2\", \"3\"])")
            .on(id);
            continue;
        }
        // Frontends without zones are left alone: Azure makes new Standard public IPs
        // zone-redundant by default where the region has zones.
        let mut zones = Zones {
            listed: true,
            ..Zones::default()
        };
        let mut labels = Vec::new();
        let frontends: Vec<&NestedBlock> = r.body.blocks("frontend_ip_configuration").collect();
        if frontends.is_empty() || frontends.iter().any(|b| b.unknown_count) {
            continue;
        }
        let mut all_zonal = true;
        for fe in &frontends {
            let own = fe.body.attr("zones").filter(|a| a.value != Value::Null);
            let ip = fe
                .body
                .value("public_ip_address_id")
                .map(Value::references)
                .unwrap_or_default()
                .into_iter()
                .map(|t| model.tf(t))
                .find(|t| t.rtype == azure::PUBLIC_IP);
            let (attr, source) = match (own, ip) {
                (Some(a), _) => (a, r.source),
                (None, Some(ip)) => match ip.attr("zones").filter(|a| a.value != Value::Null) {
                    Some(a) => (a, ip.source),
                    None => {
                        all_zonal = false;
                        break;
                    }
                },
                (None, None) => {
                    all_zonal = false;
                    break;
                }
            };
            zones.add(&crate::facts::terraform::TfFacts::listed_zones(&attr.value));
            labels.push(Label::new(source, attr.span, "frontend zones"));
        }
        if !all_zonal {
            continue;
        }
        let first = frontends[0];
        let label = Label::new(
            r.source,
            first.span,
            "frontend_ip_configuration blocks start here",
        );
        let f = cx.zones_short(id, &zones, label, min, |r, zones| {
            (
                format!(
                    "{}'s frontends are zonal in {}: losing {} takes the entry point down",
                    r.address,
                    zones.spans(),
                    zones.lost(),
                ),
                "make the frontends zone-redundant: zones = [\"1\", \"2\", \"3\"] on the frontend (or on its public IP)".to_string(),
            )
        });
        if let Some(f) = f {
            for l in labels {
                f.also(l);
            }
        }
    }
}
