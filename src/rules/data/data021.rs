//! DATA021: a data store of Google Cloud or Azure whose data lives in one region: a Cloud
//! Storage bucket in a single region, an Azure storage account that is not geo-redundant, a
//! Cosmos DB account whose `geo_location`s are all in one region, a Spanner instance of a
//! regional configuration, a primary AlloyDB cluster without a secondary cluster in another
//! region.

use crate::rules::prelude::*;

/// Cloud Storage locations that span regions: the multi-regions and the six predefined
/// dual-regions (a configurable dual-region's location is its multi-region's code).
const GCS_MULTI_REGION: &[&str] = &[
    "us", "eu", "asia", "asia1", "eur4", "eur5", "eur7", "eur8", "nam4",
];

pub fn check(cx: &mut RuleCx) {
    buckets(cx);
    storage_accounts(cx);
    cosmos_accounts(cx);
    spanner(cx);
    alloydb_clusters(cx);
}

fn buckets(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::STORAGE_BUCKET) {
        let r = model.tf(id);
        let Some(Some(attr)) = cx.known_attr(id, None, "location") else {
            continue;
        };
        let Some(location) = attr.value.as_str().map(str::to_ascii_lowercase) else {
            continue;
        };
        if GCS_MULTI_REGION.contains(&location.as_str()) {
            continue;
        }
        let Some(region) = crate::model::terraform::google_region_of(&location) else {
            cx.cannot_judge(
                Label::new(r.source, attr.span, ""),
                &r.address,
                format!(
                    "{} is neither a region nor a known dual- or multi-region",
                    shown("location", attr)
                ),
            )
            .on(id);
            continue;
        };
        cx.report(
            r.attr_label("location", "one region"),
            format!(
                "{} keeps its objects in {region} only ({}): a regional outage makes them unavailable, and no copy elsewhere protects against losing them",
                r.address,
                shown("location", attr)
            ),
        )
        .help("create the bucket in a dual-region (a predefined one such as NAM4 or EUR4, or a multi-region code with custom_placement_config { data_locations = [two regions] }) or a multi-region (US, EU, ASIA); a bucket's location cannot change, so copy the objects to a new bucket")
        .on(id);
    }
}

fn storage_accounts(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(azure::STORAGE_ACCOUNT) {
        let r = model.tf(id);
        let Some(Some(attr)) = cx.known_attr(id, None, "account_replication_type") else {
            continue;
        };
        match attr.value.as_str() {
            Some("GRS" | "RAGRS" | "GZRS" | "RAGZRS") => {}
            Some("LRS" | "ZRS") => {
                cx.report(
                    r.attr_label("account_replication_type", "one region"),
                    format!(
                        "{} keeps every copy in {} ({}): a regional outage makes the account unavailable, and no copy elsewhere protects against losing it",
                        r.address,
                        r.region_name().unwrap_or("its region"),
                        shown("account_replication_type", attr)
                    ),
                )
                .help("use account_replication_type = \"GZRS\" (or \"RAGZRS\", to read from the secondary region during an outage): a copy in the paired region, and three zones in the primary")
                .on(id);
            }
            // DATA020 says what the value is not.
            _ => {
                cx.cannot_judge(
                    Label::new(r.source, attr.span, ""),
                    &r.address,
                    format!(
                        "{} is none of LRS, ZRS, GRS, RAGRS, GZRS and RAGZRS",
                        shown("account_replication_type", attr)
                    ),
                )
                .on(id);
            }
        }
    }
}

/// A Cosmos DB account's data is in its `geo_location` regions (its own `location` holds the
/// account's metadata only).
fn cosmos_accounts(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(azure::COSMOSDB_ACCOUNT) {
        let r = model.tf(id);
        let Some(presence) = facts.tf.inline_regions(model, id) else {
            continue;
        };
        if presence.regions.len() >= 2 {
            continue;
        }
        let at = |text: String| r.nested_label("geo_location", "location", text);
        if presence.unknown > 0 {
            cx.cannot_judge(
                at(String::new()),
                &r.address,
                "the location of one of its geo_location blocks (or their number) is not known statically",
            )
            .help("give each geo_location a location that can be known (a literal, variable default or tfvars), or scan a plan")
            .on(id);
            continue;
        }
        let Some(region) = presence.regions.first() else {
            // `geo_location` is required: with none, the configuration is not valid.
            continue;
        };
        let blocks = r.body.blocks("geo_location").count();
        let f = cx
            .report(
                at("its only region".to_string()),
                format!(
                    "{} replicates its data only within {region} ({}): a regional outage makes the account unavailable, and no copy elsewhere protects against losing it",
                    r.address,
                    if blocks == 1 {
                        "one geo_location".to_string()
                    } else {
                        format!("{blocks} geo_location blocks, all in {region}")
                    }
                ),
            )
            .help("add a geo_location block in another region (failover_priority 1), and turn on automatic failover (automatic_failover_enabled = true)")
            .on(id);
        for b in r.body.blocks("geo_location").skip(1) {
            let span = b.body.attr("location").map_or(b.span, |a| a.span);
            f.also(Label::new(r.source, span, format!("also {region}")));
        }
    }
}

/// A Spanner instance's `config`: `regional-<region>` is one region; dual-region and
/// multi-region base configurations (`dual-region-germany1`, `nam3`, `eur3`,
/// `nam-eur-asia1`) span several; a user-managed configuration (`custom-...`) is judged by the
/// `google_spanner_instance_config` of the scan it names: its base configuration and replicas.
fn spanner(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    let configs = facts.tf.of_type(google::SPANNER_INSTANCE_CONFIG);
    for &id in facts.tf.of_type(google::SPANNER_INSTANCE) {
        let r = model.tf(id);
        let Some(attr) = r.attr("config").filter(|a| a.value != Value::Null) else {
            continue;
        };
        let defined = configs.iter().copied().find(|&c| {
            facts
                .tf
                .referrers(model, c, google::SPANNER_INSTANCE, "config")
                .contains(&id)
        });
        let placement = match defined {
            Some(c) => config_resource_regions(model.tf(c)),
            None => match attr.value.as_str() {
                Some(name) => base_config_regions(name),
                None => {
                    Placement::Unknown(format!("{} is not known statically", shown("config", attr)))
                }
            },
        };
        let region = match placement {
            Placement::Several => continue,
            Placement::Regions(regions) if regions.len() >= 2 => continue,
            Placement::Regions(regions) => regions.into_iter().next().unwrap_or_default(),
            Placement::Unknown(why) => {
                let f = cx.cannot_judge(Label::new(r.source, attr.span, ""), &r.address, why);
                if let Some(c) = defined {
                    let c = model.tf(c);
                    f.also(c.header_label(c.address.clone()));
                }
                f.help("name a base configuration (regional-..., nam3, ...) or a google_spanner_instance_config of the scan whose base configuration and replicas can be known").on(id);
                continue;
            }
        };
        let f = cx
            .report(
                Label::new(r.source, attr.span, "one region"),
                format!(
                    "{} keeps every replica in {region} ({}): a regional outage makes its databases unavailable, and no copy elsewhere protects against losing them",
                    r.address,
                    shown("config", attr)
                ),
            )
            .help("use a dual-region or multi-region configuration (dual-region-..., nam3, eur3, nam-eur-asia1, ...; the Enterprise Plus edition), or a user-managed configuration with a read-only replica in another region")
            .on(id);
        if let Some(c) = defined {
            let c = model.tf(c);
            f.also(c.header_label(format!("{} is in {region} only", c.address)));
        }
    }
}

/// Where a Spanner configuration keeps replicas.
enum Placement {
    /// A dual-region or multi-region base configuration: its regions are its own.
    Several,
    Regions(std::collections::BTreeSet<String>),
    /// Why it is not known.
    Unknown(String),
}

/// The regions of a Spanner base configuration, by its name (or its full
/// `projects/.../instanceConfigs/<name>` path).
fn base_config_regions(config: &str) -> Placement {
    let name = config.rsplit('/').next().unwrap_or(config);
    if let Some(region) = name.strip_prefix("regional-")
        && crate::model::terraform::google_region_of(region) == Some(region)
    {
        return Placement::Regions([region.to_string()].into());
    }
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let dual = name
        .strip_prefix("dual-region-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()));
    if dual
        || ["nam", "eur", "asia", "nam-eur-asia"]
            .iter()
            .any(|p| numbered(p))
    {
        return Placement::Several;
    }
    Placement::Unknown(format!(
        "its configuration {name:?} is neither a regional, dual-region or multi-region base configuration nor a google_spanner_instance_config of the scan"
    ))
}

/// The regions of a user-managed configuration: its base configuration's and its replicas'.
fn config_resource_regions(c: &TfResource) -> Placement {
    let mut regions = std::collections::BTreeSet::new();
    match c.value("base_config") {
        None | Some(Value::Null) => {}
        Some(v) => match v.as_str().map(base_config_regions) {
            Some(Placement::Regions(r)) => regions.extend(r),
            Some(other @ (Placement::Several | Placement::Unknown(_))) => return other,
            None => {
                return Placement::Unknown(format!(
                    "the base_config of {} is not known statically",
                    c.address
                ));
            }
        },
    }
    for b in c.body.blocks("replicas") {
        let location = b.body.value("location").and_then(Value::as_str);
        let region = location
            .map(str::to_ascii_lowercase)
            .and_then(|l| crate::model::terraform::google_region_of(&l).map(str::to_string));
        match region.filter(|_| !b.unknown_count) {
            Some(r) => {
                regions.insert(r);
            }
            None => {
                return Placement::Unknown(format!(
                    "the location of a replica of {} is not known statically",
                    c.address
                ));
            }
        }
    }
    if regions.is_empty() {
        return Placement::Unknown(format!("{} names no replica location", c.address));
    }
    Placement::Regions(regions)
}

/// A primary AlloyDB cluster and the secondary clusters that name it.
fn alloydb_clusters(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::ALLOYDB_CLUSTER) {
        let r = model.tf(id);
        // A secondary cluster is the copy; its primary is judged.
        if facts.tf.is_copy(model, id) == Some(true) {
            continue;
        }
        let Some(kind) = cx.known_attr(id, None, "cluster_type") else {
            continue;
        };
        if kind.is_some_and(|k| k.value.as_str() != Some("PRIMARY")) {
            continue;
        }
        cx.needs_second_region(
            id,
            |region| {
                format!(
                    "{} has no secondary cluster outside {region}: a regional outage leaves the data unreachable (or lost back to the last backup kept elsewhere)",
                    r.address
                )
            },
            "add a google_alloydb_cluster in another region with cluster_type = \"SECONDARY\" and secondary_config { primary_cluster_name = this cluster's name }, and a google_alloydb_instance in it",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanner_base_configurations() {
        let one = |name: &str| match base_config_regions(name) {
            Placement::Regions(r) => r.into_iter().collect::<Vec<_>>().join(","),
            Placement::Several => "several".to_string(),
            Placement::Unknown(_) => "unknown".to_string(),
        };
        assert_eq!(one("regional-us-central1"), "us-central1");
        assert_eq!(
            one("projects/p/instanceConfigs/regional-europe-west1"),
            "europe-west1"
        );
        for several in [
            "nam3",
            "nam-eur-asia1",
            "eur3",
            "asia1",
            "dual-region-germany1",
        ] {
            assert_eq!(one(several), "several", "{several}");
        }
        for unknown in ["custom-nam11", "regional-", "regional-US", "nam", "global"] {
            assert_eq!(one(unknown), "unknown", "{unknown}");
        }
    }
}
