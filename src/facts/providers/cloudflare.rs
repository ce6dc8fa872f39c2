//! Cloudflare: DNS zones and records.

use super::{
    DnsRecordKind, DnsZoneKind, Kind, Private, Provider, RecordName, RecordZone, ResourceType,
};
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
