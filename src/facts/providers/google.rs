//! Google Cloud: Cloud DNS zones and records (the rest of Google Cloud is not judged yet).

use super::{
    DnsRecordKind, DnsZoneKind, Kind, Private, Provider, RecordName, RecordZone, ResourceType,
};
use crate::finding::Layer;

pub const DNS_MANAGED_ZONE: ResourceType = ResourceType("google_dns_managed_zone");
pub const DNS_RECORD_SET: ResourceType = ResourceType("google_dns_record_set");

pub static PROVIDER: Provider = Provider {
    name: "google",
    kinds: &[
        Kind::layer(DNS_MANAGED_ZONE, Layer::Dns),
        Kind::layer(DNS_RECORD_SET, Layer::Dns),
    ],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: DNS_MANAGED_ZONE,
        domain_attr: "dns_name",
        provider: "Google Cloud DNS",
        private: Private::WithValue("visibility", "private"),
    }],
    // `managed_zone` names the zone by its `name` (or refers to it); `name` is the record's
    // full name with a trailing dot.
    dns_records: &[DnsRecordKind {
        rtype: DNS_RECORD_SET,
        provider: "Google Cloud DNS",
        zone: RecordZone::Zone {
            attr: "managed_zone",
            by_name: Some("name"),
        },
        name_attr: "name",
        name: RecordName::Full,
        at_is_apex: false,
        targets: &[(None, "rrdatas")],
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
