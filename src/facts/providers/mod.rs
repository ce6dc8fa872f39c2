//! Provider knowledge as data: one module per provider maps its resource types to a layer,
//! to how their placement (zones) is found, to the second-region counterparts they need, and
//! to the links that make one resource a replica or a member of another. `facts::terraform`
//! reads these tables and holds no provider's type names itself; rules name resource types
//! through the constants here ([`aws::LB`]), so a misspelled type does not compile.
//!
//! Adding a provider (Google Cloud, Azure, ...) is a module with its constants and a
//! [`Provider`] table, listed in [`PROVIDERS`].

pub mod aws;
pub mod azure;
pub mod cloudflare;
pub mod google;
pub mod kubernetes;
pub mod ns1;

use std::fmt;
use std::sync::OnceLock;

use crate::finding::Layer;
use crate::model::FastMap;

/// A Terraform resource type (`aws_lb`), only constructed by the provider modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceType(&'static str);

impl ResourceType {
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl PartialEq<ResourceType> for str {
    fn eq(&self, other: &ResourceType) -> bool {
        self == other.0
    }
}

impl PartialEq<ResourceType> for String {
    fn eq(&self, other: &ResourceType) -> bool {
        self == other.0
    }
}

/// How a resource's availability zones are found; a kind lists the ways in order of
/// preference, and the first whose attribute (or block) is present applies.
#[derive(Clone, Copy, Debug)]
pub enum PlacementVia {
    /// An attribute listing subnets (`subnets`, `subnet_ids`, `vpc_zone_identifier`).
    Subnets(&'static str),
    /// An attribute naming one subnet (`subnet_id`).
    Subnet(&'static str),
    /// Repeated blocks naming one subnet each (`subnet_mapping { subnet_id }`).
    SubnetBlocks(&'static str, &'static str),
    /// An attribute of a nested block listing subnets (`vpc_config { subnet_ids }`).
    NestedSubnets(&'static str, &'static str),
    /// An attribute listing zones by name (`availability_zones`, `node_locations`).
    Zones(&'static str),
    /// An attribute naming one zone (`zone`).
    Zone(&'static str),
    /// A zone list (in the first nested block, when given) whose absence means the provider
    /// places the resource without regard to zones (Azure's `zones`): always applies.
    ZonesOrUnzoned(Option<&'static str>, &'static str),
    /// A zone list, else the number of zones the provider picks in the region when it is
    /// absent (`distribution_policy_zones`, else 3): always applies.
    ZonesOrChosen(&'static str, usize),
    /// A Google Cloud `location` that is a zone or a region, with a zone list that adds to a
    /// zone (the zonal cluster's nodes are in its zone and those listed) or replaces a region
    /// (a regional cluster's nodes are in the listed zones, else in `chosen` of the region).
    Location {
        location: &'static str,
        list: &'static str,
        chosen: usize,
    },
    /// A regional service the provider runs in at least this many zones of its region
    /// (serverless network endpoint groups: Cloud Run, Cloud Functions, App Engine).
    Regional(usize),
    /// The placement of the resource this attribute refers to (a node pool's `cluster`).
    Parent(&'static str),
    /// The zones of the resources that an attribute of repeated blocks refers to, together
    /// (a backend service's `backend { group }`: its instance groups' zones); a block whose
    /// resource has no known placement adds an unknown zone.
    Through(&'static str, &'static str),
}

/// What a provider knows about one resource type.
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    pub rtype: ResourceType,
    /// The layer the type belongs to, when its presence means the system has that layer.
    pub layer: Option<Layer>,
    /// How its zones are found (empty: it is not placed in zones).
    pub placement: &'static [PlacementVia],
    /// It must have a counterpart in a second region.
    pub paired: bool,
    /// An attribute whose literal value names the resource (a bucket's `bucket`), so that a
    /// reference by name counts as a reference.
    pub identity: Option<&'static str>,
    /// Resources that hold a copy of it, and how they refer to it.
    pub replicas: &'static [ReplicaLink],
    /// Inline replica blocks and their region attribute (`replica { region_name }`).
    pub inline_replicas: Option<(&'static str, &'static str)>,
    /// Blocks that list every region its data is in, the primary's included, and their
    /// region attribute (a Cosmos DB account's `geo_location { location }`): its regions are
    /// theirs, and its own `location` (where its metadata is) is not one of them.
    pub locations: Option<(&'static str, &'static str)>,
    /// Replication resources that copy it to the region named in one of their blocks:
    /// (their type, their attribute referring to it, the block, its region attribute)
    /// (`aws_efs_replication_configuration.source_file_system_id`, `destination { region }`).
    pub replicated_by: &'static [(ResourceType, &'static str, &'static str, &'static str)],
    /// Groups that pair it with a partner holding a copy, named in one of their blocks:
    /// (their type, their attribute referring to it, the block, its attribute referring to
    /// the partner) (`azurerm_mssql_failover_group.server_id`, `partner_server { id }`). The
    /// partner is the secondary: a copy of this one.
    pub partnered_by: &'static [(ResourceType, &'static str, &'static str, &'static str)],
}

/// How a replica refers to the resource it copies: its attribute (in its first nested
/// `block` of that name, when given) referring to the original, and the value another of its
/// attributes must have for the link to make it a replica (a PostgreSQL flexible server
/// restored from another names it in `source_server_id` too; only `create_mode = "Replica"`
/// makes it a replica).
#[derive(Clone, Copy, Debug)]
pub struct ReplicaLink {
    pub rtype: ResourceType,
    pub block: Option<&'static str>,
    pub attr: &'static str,
    pub when: Option<(&'static str, &'static str)>,
}

impl ReplicaLink {
    /// `rtype`'s attribute `attr` refers to the original.
    pub const fn attr(rtype: ResourceType, attr: &'static str) -> ReplicaLink {
        ReplicaLink {
            rtype,
            block: None,
            attr,
            when: None,
        }
    }

    /// Attribute `attr` of `rtype`'s block `block` refers to the original
    /// (`secondary_config { primary_cluster_name }`).
    pub const fn nested(
        rtype: ResourceType,
        block: &'static str,
        attr: &'static str,
    ) -> ReplicaLink {
        ReplicaLink {
            block: Some(block),
            ..ReplicaLink::attr(rtype, attr)
        }
    }

    /// Only when the replica's attribute `attr` is `value`.
    pub const fn when(self, attr: &'static str, value: &'static str) -> ReplicaLink {
        ReplicaLink {
            when: Some((attr, value)),
            ..self
        }
    }
}

impl Kind {
    /// A type known only by name, with no layer, placement or links.
    pub const fn plain(rtype: ResourceType) -> Kind {
        Kind {
            rtype,
            layer: None,
            placement: &[],
            paired: false,
            identity: None,
            replicas: &[],
            inline_replicas: None,
            locations: None,
            replicated_by: &[],
            partnered_by: &[],
        }
    }

    pub const fn layer(rtype: ResourceType, layer: Layer) -> Kind {
        Kind {
            layer: Some(layer),
            ..Kind::plain(rtype)
        }
    }
}

/// A subnet type and the attributes holding its zone, in order of preference.
#[derive(Clone, Copy, Debug)]
pub struct SubnetKind {
    pub rtype: ResourceType,
    pub zone_attrs: &'static [&'static str],
}

/// When a DNS zone is private (not served publicly, so not judged as a public domain).
#[derive(Clone, Copy, Debug)]
pub enum Private {
    Never,
    /// It has this block (`vpc { ... }`).
    WithBlock(&'static str),
    /// This attribute has this value (`visibility = "private"`).
    WithValue(&'static str, &'static str),
}

/// A DNS zone type: its domain attribute and who serves it.
#[derive(Clone, Copy, Debug)]
pub struct DnsZoneKind {
    pub rtype: ResourceType,
    pub domain_attr: &'static str,
    /// The DNS provider's name as findings show it (`Route 53`).
    pub provider: &'static str,
    pub private: Private,
}

/// How a DNS record names the zone it is in.
#[derive(Clone, Copy, Debug)]
pub enum RecordZone {
    /// An attribute referring to the zone resource, or holding the zone's provider-side id
    /// (`zone_id`). `by_name`: the zone resource's attribute that a literal value may name
    /// instead (`managed_zone = "example-com"` names a `google_dns_managed_zone` by `name`).
    Zone {
        attr: &'static str,
        by_name: Option<&'static str>,
    },
    /// An attribute holding the zone's domain itself (`zone_name = "example.com"`).
    Domain(&'static str),
}

/// How a DNS record's name relates to its zone's domain.
#[derive(Clone, Copy, Debug)]
pub enum RecordName {
    /// Relative to the zone or fully qualified: the zone's domain is appended unless the
    /// name already ends in it (`www` and `www.example.com` are one record).
    RelativeOrFull,
    /// Always relative to the zone (`www.example.com` in `example.com` is
    /// `www.example.com.example.com`).
    Relative,
    /// Always fully qualified (`www.example.com.`).
    Full,
}

/// A DNS record type: where it names its zone, its name and what it answers with.
#[derive(Clone, Copy, Debug)]
pub struct DnsRecordKind {
    pub rtype: ResourceType,
    /// The DNS provider's name, as [`DnsZoneKind::provider`] spells it.
    pub provider: &'static str,
    pub zone: RecordZone,
    pub name_attr: &'static str,
    pub name: RecordName,
    /// `@` (and an empty name) stands for the zone's apex.
    pub at_is_apex: bool,
    /// Where it names what it answers with, in order of preference: (block, attribute).
    pub targets: &'static [(Option<&'static str>, &'static str)],
}

/// A global group whose members replicate each other across regions: (member type, the
/// member's attribute naming the group, group type, the group's attribute naming the member it
/// was created from).
#[derive(Clone, Copy, Debug)]
pub struct GlobalGroup {
    pub member: ResourceType,
    pub member_attr: &'static str,
    pub group: ResourceType,
    pub source_attr: &'static str,
}

/// One provider's tables.
#[derive(Debug)]
pub struct Provider {
    pub name: &'static str,
    pub kinds: &'static [Kind],
    pub subnets: &'static [SubnetKind],
    pub dns_zones: &'static [DnsZoneKind],
    pub dns_records: &'static [DnsRecordKind],
    pub global_groups: &'static [GlobalGroup],
    /// Resource types whose presence means the system has this layer but that no rule
    /// judges yet: a layer holding them is "not judged" (or "partly judged"), never "pass".
    pub not_judged: &'static [(&'static str, Layer)],
}

/// Every provider spoflint knows.
pub static PROVIDERS: &[&Provider] = &[
    &aws::PROVIDER,
    &cloudflare::PROVIDER,
    &ns1::PROVIDER,
    &google::PROVIDER,
    &azure::PROVIDER,
    &kubernetes::PROVIDER,
];

/// Every known kind, across providers.
pub fn kinds() -> impl Iterator<Item = &'static Kind> {
    PROVIDERS.iter().flat_map(|p| p.kinds.iter())
}

/// What the providers know about a resource type.
pub fn kind(rtype: &str) -> Option<&'static Kind> {
    // foldhash: looked up for every resource instance, several times per scan.
    static INDEX: OnceLock<FastMap<&'static str, &'static Kind>> = OnceLock::new();
    INDEX
        .get_or_init(|| kinds().map(|k| (k.rtype.as_str(), k)).collect())
        .get(rtype)
        .copied()
}

/// The layer of a resource type that no rule judges yet (see [`Provider::not_judged`]).
pub fn not_judged(rtype: &str) -> Option<Layer> {
    static INDEX: OnceLock<FastMap<&'static str, Layer>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            PROVIDERS
                .iter()
                .flat_map(|p| p.not_judged.iter().copied())
                .collect()
        })
        .get(rtype)
        .copied()
}

/// The subnet kind of a resource type, if it is a subnet.
pub fn subnet(rtype: &str) -> Option<&'static SubnetKind> {
    PROVIDERS
        .iter()
        .flat_map(|p| p.subnets.iter())
        .find(|s| *rtype == s.rtype)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn types_are_unique_and_prefixed_by_their_provider() {
        let mut seen = HashSet::new();
        for p in PROVIDERS {
            let types = p
                .kinds
                .iter()
                .map(|k| k.rtype)
                .chain(p.subnets.iter().map(|s| s.rtype))
                .chain(p.dns_zones.iter().map(|z| z.rtype))
                .chain(p.dns_records.iter().map(|r| r.rtype));
            for t in types {
                assert!(
                    t.as_str().starts_with(&format!("{}_", p.name)),
                    "{t} in {}",
                    p.name
                );
            }
            for k in p.kinds {
                assert!(seen.insert(k.rtype), "{} twice", k.rtype);
            }
            for (t, _) in p.not_judged {
                assert!(t.starts_with(&format!("{}_", p.name)), "{t} in {}", p.name);
                assert!(kind(t).is_none(), "{t} is judged and listed as not judged");
            }
            for z in p.dns_zones {
                assert!(kind(z.rtype.as_str()).is_some_and(|k| k.layer == Some(Layer::Dns)));
            }
            for r in p.dns_records {
                assert!(kind(r.rtype.as_str()).is_some_and(|k| k.layer == Some(Layer::Dns)));
                assert!(
                    p.dns_zones.iter().any(|z| z.provider == r.provider),
                    "{} names a provider without zones",
                    r.rtype
                );
            }
        }
        assert_eq!(kind("aws_lb").map(|k| k.layer), Some(Some(Layer::Network)));
        assert!(kind("aws_nonesuch").is_none());
        assert!(subnet("aws_default_subnet").is_some());
    }
}
