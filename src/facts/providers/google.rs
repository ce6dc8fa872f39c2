//! Google Cloud: Cloud DNS zones (the rest of Google Cloud is not judged yet).

use super::{DnsZoneKind, Kind, Private, Provider, ResourceType};
use crate::finding::Layer;

pub const DNS_MANAGED_ZONE: ResourceType = ResourceType("google_dns_managed_zone");

pub static PROVIDER: Provider = Provider {
    name: "google",
    kinds: &[Kind::layer(DNS_MANAGED_ZONE, Layer::Dns)],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: DNS_MANAGED_ZONE,
        domain_attr: "dns_name",
        provider: "Google Cloud DNS",
        private: Private::WithValue("visibility", "private"),
    }],
    global_groups: &[],
    not_judged: &[
        ("google_container_cluster", Layer::Control),
        ("google_container_node_pool", Layer::Compute),
        ("google_compute_instance_group_manager", Layer::Compute),
        (
            "google_compute_region_instance_group_manager",
            Layer::Compute,
        ),
        ("google_compute_instance", Layer::Compute),
        ("google_cloud_run_service", Layer::Compute),
        ("google_cloud_run_v2_service", Layer::Compute),
        ("google_compute_backend_service", Layer::Network),
        ("google_compute_region_backend_service", Layer::Network),
        ("google_compute_forwarding_rule", Layer::Network),
        ("google_compute_global_forwarding_rule", Layer::Network),
        ("google_compute_url_map", Layer::Network),
        ("google_compute_router_nat", Layer::Network),
        ("google_sql_database_instance", Layer::Data),
        ("google_redis_instance", Layer::Data),
        ("google_alloydb_cluster", Layer::Data),
        ("google_spanner_instance", Layer::Data),
        ("google_bigtable_instance", Layer::Data),
        ("google_storage_bucket", Layer::Data),
        ("google_filestore_instance", Layer::Data),
        ("google_kms_key_ring", Layer::Security),
        ("google_kms_crypto_key", Layer::Security),
        ("google_secret_manager_secret", Layer::Security),
        ("google_cloudbuild_trigger", Layer::Cicd),
        ("google_artifact_registry_repository", Layer::Cicd),
    ],
};
