//! Google Cloud: GKE, managed instance groups, Cloud SQL, AlloyDB, Spanner, Memorystore,
//! Cloud Storage, Filestore, Cloud KMS, Secret Manager and Cloud DNS.

use super::{
    DnsRecordKind, DnsZoneKind, Kind, PlacementVia, Private, Provider, RecordName, RecordZone,
    ReplicaLink, ResourceType,
};
use crate::finding::Layer;

// Control and compute.
pub const CONTAINER_CLUSTER: ResourceType = ResourceType("google_container_cluster");
pub const CONTAINER_NODE_POOL: ResourceType = ResourceType("google_container_node_pool");
pub const BACKEND_SERVICE: ResourceType = ResourceType("google_compute_backend_service");
pub const REGION_BACKEND_SERVICE: ResourceType =
    ResourceType("google_compute_region_backend_service");
pub const NETWORK_ENDPOINT_GROUP: ResourceType =
    ResourceType("google_compute_network_endpoint_group");
pub const REGION_NETWORK_ENDPOINT_GROUP: ResourceType =
    ResourceType("google_compute_region_network_endpoint_group");
pub const INSTANCE_GROUP: ResourceType = ResourceType("google_compute_instance_group");
pub const COMPUTE_INSTANCE: ResourceType = ResourceType("google_compute_instance");
pub const INSTANCE_GROUP_MANAGER: ResourceType =
    ResourceType("google_compute_instance_group_manager");
pub const REGION_INSTANCE_GROUP_MANAGER: ResourceType =
    ResourceType("google_compute_region_instance_group_manager");
/// Autoscalers of a zonal and a regional managed instance group (`target` refers to it).
pub const AUTOSCALER: ResourceType = ResourceType("google_compute_autoscaler");
pub const REGION_AUTOSCALER: ResourceType = ResourceType("google_compute_region_autoscaler");
// Data.
pub const SQL_DATABASE_INSTANCE: ResourceType = ResourceType("google_sql_database_instance");
pub const ALLOYDB_CLUSTER: ResourceType = ResourceType("google_alloydb_cluster");
pub const ALLOYDB_INSTANCE: ResourceType = ResourceType("google_alloydb_instance");
pub const SPANNER_INSTANCE: ResourceType = ResourceType("google_spanner_instance");
pub const SPANNER_INSTANCE_CONFIG: ResourceType = ResourceType("google_spanner_instance_config");
pub const REDIS_INSTANCE: ResourceType = ResourceType("google_redis_instance");
pub const STORAGE_BUCKET: ResourceType = ResourceType("google_storage_bucket");
pub const FILESTORE_INSTANCE: ResourceType = ResourceType("google_filestore_instance");
// Security.
pub const KMS_KEY_RING: ResourceType = ResourceType("google_kms_key_ring");
pub const KMS_CRYPTO_KEY: ResourceType = ResourceType("google_kms_crypto_key");
pub const SECRET_MANAGER_SECRET: ResourceType = ResourceType("google_secret_manager_secret");
// DNS.
pub const DNS_MANAGED_ZONE: ResourceType = ResourceType("google_dns_managed_zone");
pub const DNS_RECORD_SET: ResourceType = ResourceType("google_dns_record_set");

/// The zones GKE gives a regional cluster's node pools, and a regional managed instance group
/// its instances, when the code names none: three zones of the region (GKE's regional cluster
/// documentation; for regional MIGs, Compute Engine's documentation of zone selection, where
/// the group picks the zones itself; rules that need more than this count are told by their
/// documents).
pub const REGIONAL_DEFAULT_ZONES: usize = 3;

/// A GKE cluster's location: a zone (a zonal cluster) or a region, and `node_locations`.
const GKE_LOCATION: PlacementVia = PlacementVia::Location {
    location: "location",
    list: "node_locations",
    chosen: REGIONAL_DEFAULT_ZONES,
};

const fn paired(rtype: ResourceType, layer: Layer) -> Kind {
    Kind {
        paired: true,
        ..Kind::layer(rtype, layer)
    }
}

pub static PROVIDER: Provider = Provider {
    name: "google",
    kinds: &[
        Kind {
            placement: &[GKE_LOCATION],
            ..paired(CONTAINER_CLUSTER, Layer::Control)
        },
        Kind {
            identity: Some("name"),
            replicas: &[ReplicaLink::attr(
                SQL_DATABASE_INSTANCE,
                "master_instance_name",
            )],
            ..paired(SQL_DATABASE_INSTANCE, Layer::Data)
        },
        // A secondary cluster names its primary in `secondary_config { primary_cluster_name }`.
        Kind {
            replicas: &[ReplicaLink::nested(
                ALLOYDB_CLUSTER,
                "secondary_config",
                "primary_cluster_name",
            )],
            ..paired(ALLOYDB_CLUSTER, Layer::Data)
        },
        paired(SPANNER_INSTANCE, Layer::Data),
        Kind {
            identity: Some("name"),
            ..paired(STORAGE_BUCKET, Layer::Data)
        },
        Kind {
            identity: Some("name"),
            ..Kind::layer(SECRET_MANAGER_SECRET, Layer::Security)
        },
        Kind {
            placement: &[
                PlacementVia::Zones("node_locations"),
                PlacementVia::Parent("cluster"),
                GKE_LOCATION,
            ],
            ..Kind::layer(CONTAINER_NODE_POOL, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::Zone("zone")],
            ..Kind::layer(INSTANCE_GROUP_MANAGER, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::Zone("zone")],
            ..Kind::layer(COMPUTE_INSTANCE, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::ZonesOrChosen(
                "distribution_policy_zones",
                REGIONAL_DEFAULT_ZONES,
            )],
            ..Kind::layer(REGION_INSTANCE_GROUP_MANAGER, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::Zone("zone")],
            ..Kind::plain(NETWORK_ENDPOINT_GROUP)
        },
        Kind {
            placement: &[PlacementVia::Zone("zone")],
            ..Kind::plain(INSTANCE_GROUP)
        },
        // Serverless endpoint groups (Cloud Run, Cloud Functions, App Engine) are regional:
        // "replicated across multiple zones", so at least two.
        Kind {
            placement: &[PlacementVia::Regional(2)],
            ..Kind::plain(REGION_NETWORK_ENDPOINT_GROUP)
        },
        Kind {
            placement: &[PlacementVia::Through("backend", "group")],
            ..Kind::layer(BACKEND_SERVICE, Layer::Network)
        },
        Kind {
            placement: &[PlacementVia::Through("backend", "group")],
            ..Kind::layer(REGION_BACKEND_SERVICE, Layer::Network)
        },
        Kind::plain(AUTOSCALER),
        Kind::plain(REGION_AUTOSCALER),
        Kind::layer(ALLOYDB_INSTANCE, Layer::Data),
        // An instance's `config` names a user-managed configuration by its `name`.
        Kind {
            identity: Some("name"),
            ..Kind::plain(SPANNER_INSTANCE_CONFIG)
        },
        Kind::layer(REDIS_INSTANCE, Layer::Data),
        Kind::layer(FILESTORE_INSTANCE, Layer::Data),
        Kind::layer(KMS_KEY_RING, Layer::Security),
        Kind::layer(KMS_CRYPTO_KEY, Layer::Security),
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
        ("google_bigtable_instance", Layer::Data),
        ("google_cloud_run_service", Layer::Compute),
        ("google_cloud_run_v2_service", Layer::Compute),
        ("google_compute_forwarding_rule", Layer::Network),
        ("google_compute_global_forwarding_rule", Layer::Network),
        ("google_compute_url_map", Layer::Network),
        ("google_compute_router_nat", Layer::Network),
        ("google_cloudbuild_trigger", Layer::Cicd),
        ("google_artifact_registry_repository", Layer::Cicd),
    ],
};
