//! Resources created through the azapi provider (`azapi_resource` with an ARM `type`, as
//! Azure's verified modules create AKS clusters, storage accounts and Application Gateways),
//! read as the azurerm resources they are, so the Azure rules judge them: the resource type
//! becomes the azurerm one (its address stays `azapi_resource.x`) and the ARM properties of its
//! `body` become the azurerm arguments the rules read, each located at `body`.

use crate::model::TfResource;
use crate::model::terraform::{Attr, Body, NestedBlock, Region, Value};

/// An azurerm argument and the path of the ARM property it stands for, in `body`.
type Mapping = (&'static str, &'static [&'static str]);

/// ARM types, the azurerm type each is read as, and its arguments.
const TYPES: &[(&str, &str, &[Mapping])] = &[
    (
        "Microsoft.Storage/storageAccounts",
        "azurerm_storage_account",
        &[],
    ),
    (
        "Microsoft.ContainerService/managedClusters",
        "azurerm_kubernetes_cluster",
        &[("sku_tier", &["sku", "tier"])],
    ),
    (
        "Microsoft.ContainerService/managedClusters/agentPools",
        "azurerm_kubernetes_cluster_node_pool",
        POOL,
    ),
    (
        "Microsoft.Network/applicationGateways",
        "azurerm_application_gateway",
        &[("zones", &["zones"])],
    ),
];

/// An agent pool's arguments, from its `properties` (an `agentPools` resource) or from an
/// entry of the cluster's `agentPoolProfiles` (its default node pool).
const POOL: &[Mapping] = &[
    ("zones", &["properties", "availabilityZones"]),
    ("node_count", &["properties", "count"]),
    ("min_count", &["properties", "minCount"]),
    ("max_count", &["properties", "maxCount"]),
    ("auto_scaling_enabled", &["properties", "enableAutoScaling"]),
];

/// Reads an `azapi_resource` of a known ARM type as its azurerm resource; leaves every other
/// resource alone.
pub fn translate(r: &mut TfResource) {
    if r.rtype != "azapi_resource" {
        return;
    }
    let Some(arm) = r
        .value("type")
        .and_then(Value::as_str)
        .and_then(|t| t.split('@').next())
    else {
        return;
    };
    let Some(&(_, rtype, mappings)) = TYPES.iter().find(|(t, ..)| t.eq_ignore_ascii_case(arm))
    else {
        return;
    };
    let Some(body) = r.attr("body").cloned() else {
        return;
    };
    // The origin of `body` is that of its first operand that has one (`kind = var.x`), not
    // of the property read: no origin rather than a wrong one.
    let at = |value: Value| Attr {
        value,
        span: body.span,
        origin: None,
    };
    let mut added = Body::default();
    for &(name, path) in mappings {
        if let Some(v) = lookup(&body.value, path) {
            added.attrs.insert(name.to_string(), at(v.clone()));
        }
    }
    match rtype {
        // `sku.name` is `<tier>_<replication>` (`Standard_LRS`, `PremiumV2_ZRS`).
        "azurerm_storage_account" => {
            if let Some(sku) = lookup(&body.value, &["sku", "name"]) {
                let replication = match sku {
                    Value::String(s) => s
                        .split_once('_')
                        .map_or(Value::UNKNOWN, |(_, r)| Value::String(r.to_string())),
                    other => other.clone(),
                };
                added
                    .attrs
                    .insert("account_replication_type".to_string(), at(replication));
            }
        }
        // The default node pool is the `System` entry of `agentPoolProfiles` (else the first).
        // AKS Automatic (`sku.name = "Automatic"`) runs its system pool itself, across the
        // region's zones: no pool of the code's.
        "azurerm_kubernetes_cluster"
            if lookup(&body.value, &["sku", "name"]).and_then(Value::as_str)
                != Some("Automatic") =>
        {
            let mut pool_body = Body::default();
            match lookup(&body.value, &["properties", "agentPoolProfiles"]) {
                Some(Value::List(pools)) => {
                    let system = pools
                        .iter()
                        .find(|p| lookup(p, &["mode"]).and_then(Value::as_str) == Some("System"))
                        .or_else(|| pools.first());
                    for &(name, path) in POOL {
                        if let Some(v) = system.and_then(|p| lookup(p, &path[1..])) {
                            pool_body.attrs.insert(name.to_string(), at(v.clone()));
                        }
                    }
                }
                // Not known statically: neither are the pool's zones and size.
                _ => {
                    for name in ["zones", "node_count"] {
                        pool_body.attrs.insert(name.to_string(), at(Value::UNKNOWN));
                    }
                }
            }
            added.blocks.push(NestedBlock {
                kind: "default_node_pool".to_string(),
                span: body.span,
                body: pool_body,
                unknown_count: false,
            });
        }
        "azurerm_kubernetes_cluster_node_pool" => {
            if let Some(parent) = r.attr("parent_id").cloned() {
                added
                    .attrs
                    .insert("kubernetes_cluster_id".to_string(), parent);
            }
        }
        _ => {}
    }
    // Arguments the resource has under their azapi names (`location`, `name`) stay.
    for (name, a) in added.attrs {
        r.body.attrs.entry(name).or_insert(a);
    }
    r.body.blocks.extend(added.blocks);
    r.rtype = rtype.to_string();
    // Its `location` names its region, as an azurerm resource's does.
    if let Some(region) = Region::own(rtype, &r.body, r.source) {
        r.region = region;
    }
}

/// The value at `path` in nested objects; `None` when a step is missing or null.
fn lookup<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = match cur {
            Value::Map(m) => m.get(*key)?,
            _ => return None,
        };
    }
    (*cur != Value::Null).then_some(cur)
}
