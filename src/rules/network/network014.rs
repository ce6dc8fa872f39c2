//! NETWORK014: a global entry point that can send traffic to one place only: an Azure Front
//! Door origin group with fewer than two enabled origins, a Traffic Manager profile with fewer
//! than two enabled endpoints (groups and profiles with no member in the scan are not judged).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(azure::CDN_FRONTDOOR_ORIGIN_GROUP) {
        let Some(origins) = cx.cluster_members(
            id,
            azure::CDN_FRONTDOOR_ORIGIN,
            "cdn_frontdoor_origin_group_id",
            2,
        ) else {
            continue;
        };
        let r = model.tf(id);
        report_single(
            cx,
            id,
            &origins,
            "origin",
            |n| {
                format!(
                    "{} has {n}: when it fails (its region or its service), Front Door has nowhere else to send requests",
                    r.address
                )
            },
            "add a second azurerm_cdn_frontdoor_origin to the group, served from another region, with a health probe on the group",
        );
    }
    for &id in facts.tf.of_type(azure::TRAFFIC_MANAGER_PROFILE) {
        let mut endpoints = Vec::new();
        let mut unknown = false;
        for t in [
            azure::TRAFFIC_MANAGER_AZURE_ENDPOINT,
            azure::TRAFFIC_MANAGER_EXTERNAL_ENDPOINT,
            azure::TRAFFIC_MANAGER_NESTED_ENDPOINT,
        ] {
            match cx.cluster_members(id, t, "profile_id", 2) {
                Some(e) => endpoints.extend(e),
                None => unknown = true,
            }
        }
        if unknown {
            continue;
        }
        let r = model.tf(id);
        report_single(
            cx,
            id,
            &endpoints,
            "endpoint",
            |n| {
                format!(
                    "{} has {n}: Traffic Manager can only answer with that endpoint, so when it fails the name has nothing healthy to resolve to",
                    r.address
                )
            },
            "add a second endpoint in another region (priority or weighted routing) and keep the profile's monitor_config on a health path",
        );
    }
}

/// Reports `id` when fewer than two of `members` are enabled (`enabled` absent means true).
fn report_single(
    cx: &mut RuleCx,
    id: ResourceId,
    members: &[ResourceId],
    noun: &str,
    message: impl Fn(String) -> String,
    help: &str,
) {
    let model = cx.model;
    // Members defined elsewhere (another root module, an older resource type): not judged.
    if members.is_empty() {
        return;
    }
    let mut enabled = Vec::new();
    for &m in members {
        let Some(flag) = cx.known_attr(m, None, "enabled") else {
            return;
        };
        if flag.and_then(|a| a.value.as_bool()) != Some(false) {
            enabled.push(m);
        }
    }
    if enabled.len() >= 2 {
        return;
    }
    let n = match (enabled.len(), members.len()) {
        (0, total) => format!("no enabled {noun} (of {total})"),
        (_, total) if total > 1 => format!("a single enabled {noun} (of {total})"),
        _ => format!("a single {noun}"),
    };
    let r = model.tf(id);
    let f = cx
        .report(r.header_label(r.address.clone()), message(n))
        .help(help)
        .on(id);
    for &m in members {
        let e = model.tf(m);
        if enabled.contains(&m) {
            f.also(e.header_label(format!("the only enabled {noun}: {}", e.address)));
        } else {
            f.also(e.attr_label("enabled", format!("{} is disabled", e.address)));
        }
    }
}
