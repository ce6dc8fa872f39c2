//! NS1: DNS zones and records.

use super::{
    DnsRecordKind, DnsZoneKind, Kind, Private, Provider, RecordName, RecordZone, ResourceType,
};
use crate::finding::Layer;

pub const ZONE: ResourceType = ResourceType("ns1_zone");
pub const RECORD: ResourceType = ResourceType("ns1_record");

pub static PROVIDER: Provider = Provider {
    name: "ns1",
    kinds: &[
        Kind::layer(ZONE, Layer::Dns),
        Kind::layer(RECORD, Layer::Dns),
    ],
    subnets: &[],
    dns_zones: &[DnsZoneKind {
        rtype: ZONE,
        domain_attr: "zone",
        provider: "NS1",
        private: Private::Never,
    }],
    // `zone` holds the zone's name, `domain` the record's full name (no trailing dot).
    dns_records: &[DnsRecordKind {
        rtype: RECORD,
        provider: "NS1",
        zone: RecordZone::Domain("zone"),
        name_attr: "domain",
        name: RecordName::Full,
        at_is_apex: false,
        targets: &[(Some("answers"), "answer")],
    }],
    global_groups: &[],
    not_judged: &[],
};
