//! Cloudflare: DNS zones and records.

use super::{DnsZoneKind, Kind, Private, Provider, ResourceType};
use crate::finding::Layer;

pub const ZONE: ResourceType = ResourceType("cloudflare_zone");
pub const RECORD: ResourceType = ResourceType("cloudflare_record");

pub static PROVIDER: Provider = Provider {
    name: "cloudflare",
    kinds: &[
        Kind::layer(ZONE, Layer::Dns),
        Kind::layer(RECORD, Layer::Dns),
    ],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: ZONE,
        domain_attr: "zone",
        provider: "Cloudflare",
        private: Private::Never,
    }],
    global_groups: &[],
    not_judged: &[],
};
