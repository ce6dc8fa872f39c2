//! Azure: AKS, VM scale sets, load balancers, Application Gateway, public IPs, Front Door,
//! Traffic Manager, PostgreSQL/MySQL flexible servers, Azure SQL, Cosmos DB, Azure Cache for
//! Redis, storage accounts and public DNS zones.

use super::{
    DnsRecordKind, DnsZoneKind, Kind, PlacementVia, Private, Provider, RecordName, RecordZone,
    ReplicaLink, ResourceType,
};
use crate::finding::Layer;

// Control and compute.
pub const KUBERNETES_CLUSTER: ResourceType = ResourceType("azurerm_kubernetes_cluster");
pub const KUBERNETES_CLUSTER_NODE_POOL: ResourceType =
    ResourceType("azurerm_kubernetes_cluster_node_pool");
pub const LINUX_VIRTUAL_MACHINE: ResourceType = ResourceType("azurerm_linux_virtual_machine");
pub const WINDOWS_VIRTUAL_MACHINE: ResourceType = ResourceType("azurerm_windows_virtual_machine");
pub const LINUX_VIRTUAL_MACHINE_SCALE_SET: ResourceType =
    ResourceType("azurerm_linux_virtual_machine_scale_set");
pub const WINDOWS_VIRTUAL_MACHINE_SCALE_SET: ResourceType =
    ResourceType("azurerm_windows_virtual_machine_scale_set");
pub const ORCHESTRATED_VIRTUAL_MACHINE_SCALE_SET: ResourceType =
    ResourceType("azurerm_orchestrated_virtual_machine_scale_set");
/// An autoscale setting (Azure Monitor) of a scale set (`target_resource_id` refers to it).
pub const MONITOR_AUTOSCALE_SETTING: ResourceType =
    ResourceType("azurerm_monitor_autoscale_setting");
// Network.
pub const LB: ResourceType = ResourceType("azurerm_lb");
pub const PUBLIC_IP: ResourceType = ResourceType("azurerm_public_ip");
pub const APPLICATION_GATEWAY: ResourceType = ResourceType("azurerm_application_gateway");
pub const CDN_FRONTDOOR_PROFILE: ResourceType = ResourceType("azurerm_cdn_frontdoor_profile");
pub const CDN_FRONTDOOR_ORIGIN_GROUP: ResourceType =
    ResourceType("azurerm_cdn_frontdoor_origin_group");
pub const CDN_FRONTDOOR_ORIGIN: ResourceType = ResourceType("azurerm_cdn_frontdoor_origin");
pub const TRAFFIC_MANAGER_PROFILE: ResourceType = ResourceType("azurerm_traffic_manager_profile");
pub const TRAFFIC_MANAGER_AZURE_ENDPOINT: ResourceType =
    ResourceType("azurerm_traffic_manager_azure_endpoint");
pub const TRAFFIC_MANAGER_EXTERNAL_ENDPOINT: ResourceType =
    ResourceType("azurerm_traffic_manager_external_endpoint");
pub const TRAFFIC_MANAGER_NESTED_ENDPOINT: ResourceType =
    ResourceType("azurerm_traffic_manager_nested_endpoint");
// Data.
pub const POSTGRESQL_FLEXIBLE_SERVER: ResourceType =
    ResourceType("azurerm_postgresql_flexible_server");
pub const MYSQL_FLEXIBLE_SERVER: ResourceType = ResourceType("azurerm_mysql_flexible_server");
pub const MSSQL_SERVER: ResourceType = ResourceType("azurerm_mssql_server");
pub const MSSQL_DATABASE: ResourceType = ResourceType("azurerm_mssql_database");
pub const MSSQL_ELASTICPOOL: ResourceType = ResourceType("azurerm_mssql_elasticpool");
pub const MSSQL_FAILOVER_GROUP: ResourceType = ResourceType("azurerm_mssql_failover_group");
pub const COSMOSDB_ACCOUNT: ResourceType = ResourceType("azurerm_cosmosdb_account");
pub const REDIS_CACHE: ResourceType = ResourceType("azurerm_redis_cache");
pub const STORAGE_ACCOUNT: ResourceType = ResourceType("azurerm_storage_account");
// DNS.
pub const DNS_ZONE: ResourceType = ResourceType("azurerm_dns_zone");
pub const DNS_A_RECORD: ResourceType = ResourceType("azurerm_dns_a_record");
pub const DNS_AAAA_RECORD: ResourceType = ResourceType("azurerm_dns_aaaa_record");
pub const DNS_CNAME_RECORD: ResourceType = ResourceType("azurerm_dns_cname_record");
pub const DNS_CAA_RECORD: ResourceType = ResourceType("azurerm_dns_caa_record");
pub const DNS_MX_RECORD: ResourceType = ResourceType("azurerm_dns_mx_record");
pub const DNS_NS_RECORD: ResourceType = ResourceType("azurerm_dns_ns_record");
pub const DNS_PTR_RECORD: ResourceType = ResourceType("azurerm_dns_ptr_record");
pub const DNS_SRV_RECORD: ResourceType = ResourceType("azurerm_dns_srv_record");
pub const DNS_TXT_RECORD: ResourceType = ResourceType("azurerm_dns_txt_record");

/// A public Azure DNS record type (private zones have their own `azurerm_private_dns_*`
/// types): `name` is relative to `zone_name` (`@` is the apex).
const fn record(
    rtype: ResourceType,
    targets: &'static [(Option<&'static str>, &'static str)],
) -> DnsRecordKind {
    DnsRecordKind {
        rtype,
        provider: "Azure DNS",
        zone: RecordZone::Domain("zone_name"),
        name_attr: "name",
        name: RecordName::Relative,
        at_is_apex: true,
        targets,
    }
}

/// Azure's `zones`; absent, the resource is not zonal (Azure places it without regard to
/// zones).
const ZONES: &[PlacementVia] = &[PlacementVia::ZonesOrUnzoned(None, "zones")];
/// A virtual machine's `zone`; absent, Azure picks where it runs (no zone).
const ZONE: &[PlacementVia] = &[PlacementVia::ZonesOrUnzoned(None, "zone")];
/// The same, for an AKS cluster's default node pool.
const DEFAULT_POOL_ZONES: &[PlacementVia] = &[PlacementVia::ZonesOrUnzoned(
    Some("default_node_pool"),
    "zones",
)];

const fn paired(rtype: ResourceType, layer: Layer) -> Kind {
    Kind {
        paired: true,
        ..Kind::layer(rtype, layer)
    }
}

pub static PROVIDER: Provider = Provider {
    name: "azurerm",
    kinds: &[
        Kind {
            placement: DEFAULT_POOL_ZONES,
            ..paired(KUBERNETES_CLUSTER, Layer::Control)
        },
        // A server restored from another (`PointInTimeRestore`, `GeoRestore`) names it in
        // `source_server_id` too: only `create_mode = "Replica"` makes a replica.
        Kind {
            replicas: &[
                ReplicaLink::attr(POSTGRESQL_FLEXIBLE_SERVER, "source_server_id")
                    .when("create_mode", "Replica"),
            ],
            ..paired(POSTGRESQL_FLEXIBLE_SERVER, Layer::Data)
        },
        Kind {
            replicas: &[ReplicaLink::attr(MYSQL_FLEXIBLE_SERVER, "source_server_id")
                .when("create_mode", "Replica")],
            ..paired(MYSQL_FLEXIBLE_SERVER, Layer::Data)
        },
        // A failover group pairs the server (`server_id`) with a partner server, which holds
        // the secondary copies of its databases.
        Kind {
            partnered_by: &[(MSSQL_FAILOVER_GROUP, "server_id", "partner_server", "id")],
            ..paired(MSSQL_SERVER, Layer::Data)
        },
        Kind {
            locations: Some(("geo_location", "location")),
            ..paired(COSMOSDB_ACCOUNT, Layer::Data)
        },
        paired(STORAGE_ACCOUNT, Layer::Data),
        Kind {
            placement: ZONES,
            ..Kind::layer(KUBERNETES_CLUSTER_NODE_POOL, Layer::Compute)
        },
        Kind {
            placement: ZONES,
            ..Kind::layer(LINUX_VIRTUAL_MACHINE_SCALE_SET, Layer::Compute)
        },
        Kind {
            placement: ZONES,
            ..Kind::layer(WINDOWS_VIRTUAL_MACHINE_SCALE_SET, Layer::Compute)
        },
        Kind {
            placement: ZONES,
            ..Kind::layer(ORCHESTRATED_VIRTUAL_MACHINE_SCALE_SET, Layer::Compute)
        },
        Kind {
            placement: ZONE,
            ..Kind::layer(LINUX_VIRTUAL_MACHINE, Layer::Compute)
        },
        Kind {
            placement: ZONE,
            ..Kind::layer(WINDOWS_VIRTUAL_MACHINE, Layer::Compute)
        },
        Kind::plain(MONITOR_AUTOSCALE_SETTING),
        Kind::layer(LB, Layer::Network),
        Kind::layer(PUBLIC_IP, Layer::Network),
        Kind {
            placement: &[PlacementVia::Zones("zones")],
            ..Kind::layer(APPLICATION_GATEWAY, Layer::Network)
        },
        Kind::layer(CDN_FRONTDOOR_PROFILE, Layer::Network),
        Kind::layer(CDN_FRONTDOOR_ORIGIN_GROUP, Layer::Network),
        Kind::layer(TRAFFIC_MANAGER_PROFILE, Layer::Network),
        Kind::layer(MSSQL_DATABASE, Layer::Data),
        Kind::layer(MSSQL_ELASTICPOOL, Layer::Data),
        Kind::layer(MSSQL_FAILOVER_GROUP, Layer::Data),
        Kind::layer(REDIS_CACHE, Layer::Data),
        Kind::layer(DNS_ZONE, Layer::Dns),
        Kind::layer(DNS_A_RECORD, Layer::Dns),
        Kind::layer(DNS_AAAA_RECORD, Layer::Dns),
        Kind::layer(DNS_CNAME_RECORD, Layer::Dns),
        Kind::layer(DNS_CAA_RECORD, Layer::Dns),
        Kind::layer(DNS_MX_RECORD, Layer::Dns),
        Kind::layer(DNS_NS_RECORD, Layer::Dns),
        Kind::layer(DNS_PTR_RECORD, Layer::Dns),
        Kind::layer(DNS_SRV_RECORD, Layer::Dns),
        Kind::layer(DNS_TXT_RECORD, Layer::Dns),
    ],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: DNS_ZONE,
        domain_attr: "name",
        provider: "Azure DNS",
        private: Private::Never,
    }],
    dns_records: &[
        record(DNS_A_RECORD, &[(None, "records")]),
        record(DNS_AAAA_RECORD, &[(None, "records")]),
        record(DNS_CNAME_RECORD, &[(None, "record")]),
        record(DNS_CAA_RECORD, &[]),
        record(DNS_MX_RECORD, &[]),
        record(DNS_NS_RECORD, &[]),
        record(DNS_PTR_RECORD, &[]),
        record(DNS_SRV_RECORD, &[]),
        record(DNS_TXT_RECORD, &[]),
    ],
    global_groups: &[],
    not_judged: &[
        ("azurerm_container_app", Layer::Compute),
        ("azurerm_linux_web_app", Layer::Compute),
        ("azurerm_windows_web_app", Layer::Compute),
        ("azurerm_service_plan", Layer::Compute),
        ("azurerm_nat_gateway", Layer::Network),
        ("azurerm_frontdoor", Layer::Network),
        ("azurerm_key_vault", Layer::Security),
        ("azurerm_container_registry", Layer::Cicd),
    ],
};
