//! Cloudflare: DNS zones, records and load balancers.

use super::{
    DnsRecordKind, DnsZoneKind, Kind, Private, Provider, RecordName, RecordZone, ResourceType,
};
use crate::finding::Layer;

pub const ZONE: ResourceType = ResourceType("cloudflare_zone");
pub const RECORD: ResourceType = ResourceType("cloudflare_record");
pub const LOAD_BALANCER: ResourceType = ResourceType("cloudflare_load_balancer");
pub const LOAD_BALANCER_POOL: ResourceType = ResourceType("cloudflare_load_balancer_pool");
pub const LOAD_BALANCER_MONITOR: ResourceType = ResourceType("cloudflare_load_balancer_monitor");

pub static PROVIDER: Provider = Provider {
    name: "cloudflare",
    kinds: &[
        Kind::layer(ZONE, Layer::Dns),
        Kind::layer(RECORD, Layer::Dns),
        // Read by the system view (health-checked steering between pools of origins).
        Kind::plain(LOAD_BALANCER),
        Kind::plain(LOAD_BALANCER_POOL),
        Kind::plain(LOAD_BALANCER_MONITOR),
    ],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: ZONE,
        domain_attr: "zone",
        provider: "Cloudflare",
        private: Private::Never,
    }],
    dns_records: &[DnsRecordKind {
        rtype: RECORD,
        provider: "Cloudflare",
        zone: RecordZone::Zone {
            attr: "zone_id",
            by_name: None,
        },
        name_attr: "name",
        name: RecordName::RelativeOrFull,
        at_is_apex: true,
        targets: &[(None, "content"), (None, "value")],
    }],
    global_groups: &[],
    not_judged: &[],
};
