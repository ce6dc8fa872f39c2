//! CONTROL009: a managed Kubernetes control plane with a single point of failure of its own: a
//! zonal GKE cluster (`location` is a zone: one control-plane replica, down during a zone
//! outage and every control-plane upgrade), or an AKS cluster on the Free tier (`sku_tier`
//! absent or `Free`: no uptime SLA for the API server).

use crate::model::terraform::{google_is_zone, google_region_of};
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::CONTAINER_CLUSTER) {
        let r = model.tf(id);
        let Some(attr) = r.attr("location").filter(|a| a.value != Value::Null) else {
            cx.cannot_judge(
                r.header_label(""),
                &r.address,
                "it sets no `location`, so whether it is zonal or regional is not known (the provider's default location is not read)",
            )
            .help("set `location` explicitly: a region (such as \"us-central1\") makes a regional cluster")
            .on(id);
            continue;
        };
        match attr.value.as_str() {
            Some(l) if google_is_zone(l) => {
                let region = google_region_of(l).unwrap_or(l);
                cx.report(
                    Label::new(r.source, attr.span, format!("zonal: {l}")),
                    format!(
                        "{} is a zonal cluster (`location = \"{l}\"`): its control plane is a single replica in {l}, so a zone outage takes the Kubernetes API down, and so does every control-plane upgrade (workloads keep running, but nothing can be deployed or changed until it is back)",
                        r.address
                    ),
                )
                .help(format!(
                    "use a regional cluster (`location = \"{region}\"`): GKE replicates its control plane across zones of the region and upgrades one replica at a time; the location cannot change in place, so create the regional cluster and move the workloads"
                ))
                .also(r.header_label(r.address.clone()))
                .on(id);
            }
            Some(l) if google_region_of(l).is_some() => {}
            Some(l) => {
                cx.cannot_judge(
                    Label::new(r.source, attr.span, ""),
                    &r.address,
                    format!("its location {l:?} is neither a zone nor a region"),
                )
                .help("set `location` to a region (such as \"us-central1\")")
                .on(id);
            }
            None => {
                cx.unknown_value(id, "location", attr);
            }
        }
    }
    for &id in facts.tf.of_type(azure::KUBERNETES_CLUSTER) {
        let Some(tier) = cx.known_attr(id, None, "sku_tier") else {
            continue;
        };
        let r = model.tf(id);
        let (label, shown) = match tier {
            None => (
                r.header_label("no sku_tier: the provider's default is Free"),
                "no `sku_tier`, so the provider's default, Free".to_string(),
            ),
            Some(a) => match a.value.as_str() {
                Some(t) if t.eq_ignore_ascii_case("Free") => (
                    Label::new(r.source, a.span, format!("sku_tier = {t:?}")),
                    format!("`sku_tier = {t:?}`"),
                ),
                // `Paid` is the name the AKS API used for the tier with the uptime SLA before
                // `Standard`.
                Some(t)
                    if ["Standard", "Premium", "Paid"]
                        .iter()
                        .any(|k| t.eq_ignore_ascii_case(k)) =>
                {
                    continue;
                }
                _ => {
                    cx.cannot_judge(
                        Label::new(r.source, a.span, ""),
                        &r.address,
                        format!(
                            "{} is not a tier it knows (Free, Standard, Premium)",
                            shown("sku_tier", a)
                        ),
                    )
                    .on(id);
                    continue;
                }
            },
        };
        cx.report(
                label,
                format!(
                    "{} runs its control plane on the Free tier ({shown}): the Kubernetes API server has no uptime SLA, and Microsoft recommends Free only for experimenting, learning and testing, not for production",
                    r.address
                ),
            )
            .help("set `sku_tier = \"Standard\"` (the uptime SLA: 99.95% API server availability with availability zones, 99.9% without) or \"Premium\"")
            .also(r.header_label(r.address.clone()))
            .on(id);
    }
}
