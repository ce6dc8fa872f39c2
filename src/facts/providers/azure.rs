//! Azure: DNS zones (the rest of Azure is not judged yet).

use super::{DnsZoneKind, Kind, Private, Provider, ResourceType};
use crate::finding::Layer;

pub const DNS_ZONE: ResourceType = ResourceType("azurerm_dns_zone");

pub static PROVIDER: Provider = Provider {
    name: "azurerm",
    kinds: &[Kind::layer(DNS_ZONE, Layer::Dns)],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: DNS_ZONE,
        domain_attr: "name",
        provider: "Azure DNS",
        private: Private::Never,
    }],
    global_groups: &[],
    not_judged: &[
        ("azurerm_kubernetes_cluster", Layer::Control),
        ("azurerm_kubernetes_cluster_node_pool", Layer::Compute),
        ("azurerm_linux_virtual_machine_scale_set", Layer::Compute),
        ("azurerm_windows_virtual_machine_scale_set", Layer::Compute),
        (
            "azurerm_orchestrated_virtual_machine_scale_set",
            Layer::Compute,
        ),
        ("azurerm_linux_virtual_machine", Layer::Compute),
        ("azurerm_windows_virtual_machine", Layer::Compute),
        ("azurerm_container_app", Layer::Compute),
        ("azurerm_linux_web_app", Layer::Compute),
        ("azurerm_windows_web_app", Layer::Compute),
        ("azurerm_service_plan", Layer::Compute),
        ("azurerm_lb", Layer::Network),
        ("azurerm_application_gateway", Layer::Network),
        ("azurerm_public_ip", Layer::Network),
        ("azurerm_nat_gateway", Layer::Network),
        ("azurerm_cdn_frontdoor_profile", Layer::Network),
        ("azurerm_frontdoor", Layer::Network),
        ("azurerm_traffic_manager_profile", Layer::Network),
        ("azurerm_postgresql_flexible_server", Layer::Data),
        ("azurerm_mysql_flexible_server", Layer::Data),
        ("azurerm_mssql_server", Layer::Data),
        ("azurerm_mssql_database", Layer::Data),
        ("azurerm_cosmosdb_account", Layer::Data),
        ("azurerm_redis_cache", Layer::Data),
        ("azurerm_storage_account", Layer::Data),
        ("azurerm_key_vault", Layer::Security),
        ("azurerm_container_registry", Layer::Cicd),
    ],
};
