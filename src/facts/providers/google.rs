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
};
