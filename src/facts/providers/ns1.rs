//! NS1: DNS zones.

use super::{DnsZoneKind, Kind, Private, Provider, ResourceType};
use crate::finding::Layer;

pub const ZONE: ResourceType = ResourceType("ns1_zone");

pub static PROVIDER: Provider = Provider {
    name: "ns1",
    kinds: &[Kind::layer(ZONE, Layer::Dns)],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: ZONE,
        domain_attr: "zone",
        provider: "NS1",
        private: Private::Never,
    }],
    global_groups: &[],
    not_judged: &[],
};
