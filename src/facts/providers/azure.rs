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
};
