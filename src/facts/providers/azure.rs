//! Azure: public DNS zones and records (the rest of Azure is not judged yet).

use super::{
    DnsRecordKind, DnsZoneKind, Kind, Private, Provider, RecordName, RecordZone, ResourceType,
};
use crate::finding::Layer;

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

pub static PROVIDER: Provider = Provider {
    name: "azurerm",
    kinds: &[
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
