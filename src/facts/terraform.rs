//! Cross-resource knowledge about Terraform instances, derived once per scan: resources by
//! type, the availability zones a resource reaches through its subnets, who refers to whom,
//! DNS zones by domain and the regions each kind of stateful resource lives in.

use std::collections::{BTreeMap, BTreeSet};

use super::providers::{
    self, DnsRecordKind, DnsZoneKind, PlacementVia, Private, RecordName, RecordZone, ResourceType,
    aws,
};
use crate::finding::{Label, Layer};
use crate::model::terraform::{Attr, TfResource, Unknown, Value};
use crate::model::{FastMap, Model, ResourceId};

#[derive(Debug, Default)]
pub struct TfFacts {
    by_type: FastMap<String, Vec<ResourceId>>,
    /// Instances that refer to an instance, by the referring attribute's name
    /// (`aws_rds_cluster_instance.cluster_identifier` → the cluster).
    referrers: FastMap<ResourceId, Vec<(ResourceId, String)>>,
    /// Public DNS zones by domain (lowercase, no trailing dot).
    pub dns_domains: BTreeMap<String, Vec<DnsZone>>,
    /// Public DNS zones whose domain is not known statically.
    pub dns_unknown: Vec<DnsZone>,
    /// DNS records of every provider, with their zone and name as far as they are known.
    pub dns_records: Vec<DnsRecord>,
    /// Regions per kind of resource that needs a counterpart in a second region.
    pub region_pairs: Vec<RegionPair>,
    /// Zones of every load balancer, auto scaling group, node group and EKS cluster.
    placements: FastMap<ResourceId, Placement>,
    /// The resources that take a resource in through their blocks ([`PlacementVia::Through`]:
    /// the backend services a managed instance group serves).
    taken_in: FastMap<ResourceId, Vec<ResourceId>>,
}

/// One public DNS zone.
#[derive(Debug, Clone)]
pub struct DnsZone {
    pub res: ResourceId,
    pub provider: &'static str,
}

/// One DNS record, with what is known statically about its zone and name.
#[derive(Debug, Clone)]
pub struct DnsRecord {
    pub res: ResourceId,
    pub kind: &'static DnsRecordKind,
    /// The zone resource of the scan its zone attribute refers to (or names).
    pub zone_res: Option<ResourceId>,
    /// Its zone: the zone resource's address, the literal zone id (`Z0123...`) or the literal
    /// domain (`zone_name = "example.com"`). `None` when not known statically.
    pub zone_key: Option<String>,
    /// The zone's domain (lowercase, no trailing dot), when known.
    pub domain: Option<String>,
    /// Whether the zone is private (answers only inside networks). `None` when the zone is not
    /// known and its provider has private zones (Route 53, Cloud DNS).
    pub private: Option<bool>,
    /// The name as written, lowercase, trailing dot dropped; empty for the apex (`@` where the
    /// provider reads it so, or an empty name).
    pub name: Option<String>,
    /// The fully qualified name, when known for sure: the name is fully qualified by its
    /// provider's rules, or the zone's domain is known.
    pub fqdn: Option<String>,
}

impl DnsRecord {
    /// The name as written, for messages (`@` for the apex).
    pub fn shown_name(&self) -> &str {
        match self.name.as_deref() {
            Some("") => "@",
            Some(n) => n,
            None => "?",
        }
    }
}

/// Where the resources of one kind live.
#[derive(Debug, Clone)]
pub struct RegionPair {
    pub kind: &'static str,
    pub regions: BTreeSet<String>,
    /// Resources of the kind whose region is unknown.
    pub unknown: usize,
}

impl RegionPair {
    pub fn paired(&self) -> bool {
        self.regions.len() >= 2
    }
}

/// The availability zones a resource spans, through its subnets.
#[derive(Debug, Default)]
pub struct Zones {
    pub known: BTreeSet<String>,
    /// Subnets (or zone entries) whose zone cannot be known statically.
    pub unknown: usize,
    /// The subnet instances followed.
    pub subnets: Vec<ResourceId>,
    /// The number of subnets (or zone entries) is itself unknown (the whole list is), so the
    /// zones have no upper bound.
    pub open: bool,
    /// Zones the provider chooses in the resource's region, named nowhere in the code (a
    /// regional GKE cluster's node pools, a regional managed instance group without
    /// `distribution_policy_zones`): their number is documented, their names are not known.
    pub chosen: usize,
    /// The resource names no zone where it could (an Azure scale set or node pool without
    /// `zones`): the provider places it without regard to zones, so one zone's outage can
    /// take all of it.
    pub unzoned: bool,
    /// The entries are zones named directly (`node_locations`, `zones`), not subnets.
    pub listed: bool,
    /// The resource's Google Cloud `location` is not known statically and no zone list
    /// replaces it: a zone (one zone) or a region (the zones the provider picks), so the zones
    /// have no upper bound (`open` is set too).
    pub location_unknown: bool,
}

impl Zones {
    /// The zones known to be spanned (zones the provider chooses may be among those named).
    pub fn count(&self) -> usize {
        self.known.len().max(self.chosen)
    }

    /// The most zones the list can span: each entry whose zone is unknown may add one. `None`
    /// when the list's length is unknown.
    pub fn at_most(&self) -> Option<usize> {
        (!self.open).then_some(self.known.len() + self.chosen + self.unknown)
    }

    /// The fewest zones the list spans (a non-empty list, or a location, spans at least one).
    pub fn at_least(&self) -> usize {
        self.count()
            .max(usize::from(self.unknown > 0 || self.location_unknown))
    }

    /// Adds the zones of `other` to these (the footprint of several things together): named
    /// zones, unknown entries, subnets, an open length, and the zones a provider picks.
    pub fn add(&mut self, other: &Zones) {
        self.known.extend(other.known.iter().cloned());
        self.unknown += other.unknown;
        self.subnets.extend(other.subnets.iter().copied());
        self.open |= other.open;
        self.chosen = self.chosen.max(other.chosen);
    }

    /// `2 zones (us-central1-a, us-central1-b)`: [`Self::spans`] with another word for a
    /// zone (`availability zone` for AWS and Azure, `zone` for Google Cloud).
    pub fn spans_as(&self, zone_word: &str) -> String {
        self.spans().replace("availability zone", zone_word)
    }

    /// `2 availability zones (us-east-1a, us-east-1b)`, or with entries whose zone is unknown
    /// `at most 1 availability zone (1 subnet whose zone is not known statically)`.
    pub fn spans(&self) -> String {
        use crate::finding::count;
        if self.unzoned {
            return "no availability zone (none is named, so the provider may put all of it in one zone)".to_string();
        }
        if self.chosen > 0 && self.known.is_empty() && self.unknown == 0 {
            return format!(
                "{} of its region, chosen by the provider",
                count(self.chosen as i64, "availability zone")
            );
        }
        match self.at_most() {
            Some(n) if self.unknown > 0 => format!(
                "at most {} ({}{} whose zone is not known statically)",
                count(n as i64, "availability zone"),
                if self.known.is_empty() {
                    String::new()
                } else {
                    format!("{}, and ", self.list())
                },
                if self.listed {
                    format!(
                        "{} zone value{}",
                        self.unknown,
                        if self.unknown == 1 { "" } else { "s" }
                    )
                } else {
                    count(self.unknown as i64, "subnet")
                },
            ),
            _ => format!(
                "{} ({})",
                count(self.known.len() as i64, "availability zone"),
                self.list()
            ),
        }
    }

    /// What a zone outage takes, for messages: `that zone` when the list is in one zone at
    /// most, `a zone` otherwise.
    pub fn lost(&self) -> &'static str {
        if self.at_most() == Some(1) {
            "that zone"
        } else {
            "a zone"
        }
    }

    /// `us-east-1a, us-east-1b` or `none`; Azure's zones, which are bare numbers, as
    /// `zones 1, 2`.
    pub fn list(&self) -> String {
        if self.known.is_empty() {
            return "none".to_string();
        }
        let names = self.known.iter().cloned().collect::<Vec<_>>().join(", ");
        if self
            .known
            .iter()
            .all(|z| !z.is_empty() && z.bytes().all(|b| b.is_ascii_digit()))
        {
            let word = if self.known.len() == 1 {
                "zone"
            } else {
                "zones"
            };
            format!("{word} {names}")
        } else {
            names
        }
    }
}

/// The regions a resource and its copies are in.
#[derive(Debug, Default)]
pub struct Presence {
    pub regions: BTreeSet<String>,
    /// The resource or copies whose region is unknown (the resources of [`Self::maybe`]
    /// among them).
    pub unknown: usize,
    /// Resources that are copies or not depending on a value not known statically (a
    /// flexible server naming it in `source_server_id` whose `create_mode` is unknown).
    pub maybe: Vec<ResourceId>,
}

impl TfFacts {
    pub fn derive(model: &Model) -> TfFacts {
        let mut facts = TfFacts::default();
        // `bucket = aws_s3_bucket.logs.bucket` evaluates to the bucket's name, not to a
        // reference: names given literally identify their resource too.
        let mut identities: FastMap<(&str, &str), ResourceId> = FastMap::default();
        for (id, r) in model.tf_iter() {
            if let Some(attr) = providers::kind(&r.rtype).and_then(|k| k.identity)
                && let Some(name) = r.value(attr).and_then(Value::as_str)
            {
                identities.insert((r.root.as_str(), name), id);
            }
        }
        for (id, r) in model.tf_iter() {
            facts.by_type.entry(r.rtype.clone()).or_default().push(id);
            for (name, attr) in &r.body.attrs {
                let mut targets = attr.value.references();
                if let Some(&target) = attr
                    .value
                    .as_str()
                    .and_then(|s| identities.get(&(r.root.as_str(), s)))
                    && target != id
                {
                    targets.push(target);
                }
                for target in targets {
                    facts
                        .referrers
                        .entry(target)
                        .or_default()
                        .push((id, name.clone()));
                }
            }
        }
        for kind in providers::PROVIDERS.iter().flat_map(|p| p.dns_zones) {
            for id in facts.of_type(kind.rtype).to_vec() {
                let r = model.tf(id);
                if zone_private(kind, r) {
                    continue;
                }
                let name = zone_domain(kind, r);
                let zone = DnsZone {
                    res: id,
                    provider: kind.provider,
                };
                match name {
                    Some(domain) => facts
                        .dns_domains
                        .entry(normalize_domain(domain))
                        .or_default()
                        .push(zone),
                    None => facts.dns_unknown.push(zone),
                }
            }
        }
        facts.dns_records = providers::PROVIDERS
            .iter()
            .flat_map(|p| p.dns_records)
            .flat_map(|kind| {
                let facts = &facts;
                facts
                    .of_type(kind.rtype)
                    .iter()
                    .map(move |&id| dns_record(model, facts, id, kind))
            })
            .collect();
        // Kinds placed like another resource (a node pool like its cluster) come second.
        let inherits = |k: &&providers::Kind| {
            k.placement
                .iter()
                .any(|w| matches!(w, PlacementVia::Parent(_) | PlacementVia::Through(..)))
        };
        let placed = providers::kinds().filter(|k| !k.placement.is_empty());
        let (second, first): (Vec<&providers::Kind>, Vec<_>) = placed.partition(inherits);
        for kind in first.into_iter().chain(second) {
            for id in facts.of_type(kind.rtype).to_vec() {
                if let Some(p) = facts.place(model, id, kind.placement) {
                    facts.placements.insert(id, p);
                }
                for way in kind.placement {
                    let PlacementVia::Through(block, attr) = *way else {
                        continue;
                    };
                    for b in model.tf(id).body.blocks(block) {
                        for t in b
                            .body
                            .value(attr)
                            .map(Value::references)
                            .unwrap_or_default()
                        {
                            facts.taken_in.entry(t).or_default().push(id);
                        }
                    }
                }
            }
        }
        facts.region_pairs = providers::kinds()
            .filter(|k| k.paired && !facts.of_type(k.rtype).is_empty())
            .map(|kind| {
                let mut pair = RegionPair {
                    kind: kind.rtype.as_str(),
                    regions: BTreeSet::new(),
                    unknown: 0,
                };
                for &id in facts.of_type(kind.rtype) {
                    if model.tf(id).region_name().is_none() {
                        pair.unknown += 1;
                    }
                    pair.regions.extend(facts.regions_of(model, id).regions);
                }
                pair
            })
            .collect();
        facts
    }

    /// Instances of a resource type, in model order.
    pub fn of_type(&self, rtype: ResourceType) -> &[ResourceId] {
        self.by_type.get(rtype.as_str()).map_or(&[], Vec::as_slice)
    }

    /// Instances of any of `types`.
    pub fn of_types<'a>(
        &'a self,
        types: &'a [ResourceType],
    ) -> impl Iterator<Item = ResourceId> + 'a {
        types.iter().flat_map(|t| self.of_type(*t).iter().copied())
    }

    /// Instances of `rtype` whose attribute `attr` refers to `target`.
    pub fn referrers(
        &self,
        model: &Model,
        target: ResourceId,
        rtype: ResourceType,
        attr: &str,
    ) -> Vec<ResourceId> {
        self.referrers
            .get(&target)
            .into_iter()
            .flatten()
            .filter(|(id, a)| a == attr && model.tf(*id).rtype == rtype)
            .map(|(id, _)| *id)
            .collect()
    }

    /// What registers targets into target group `tg` by itself: auto scaling groups
    /// (`target_group_arns`), `aws_autoscaling_attachment`s and ECS services (`load_balancer`
    /// blocks); and the `aws_lb_target_group_attachment`s that register one target each.
    pub fn target_group_registrars(
        &self,
        model: &Model,
        tg: ResourceId,
    ) -> (Vec<ResourceId>, Vec<ResourceId>) {
        let mut registrars = self.referrers(model, tg, aws::AUTOSCALING_GROUP, "target_group_arns");
        for attr in ["lb_target_group_arn", "alb_target_group_arn"] {
            registrars.extend(self.referrers(model, tg, aws::AUTOSCALING_ATTACHMENT, attr));
        }
        registrars.extend(self.of_type(aws::ECS_SERVICE).iter().copied().filter(|&s| {
            model.tf(s).body.blocks("load_balancer").any(|b| {
                b.body
                    .value("target_group_arn")
                    .is_some_and(|v| v.references().contains(&tg))
            })
        }));
        let attachments = [
            aws::LB_TARGET_GROUP_ATTACHMENT,
            aws::ALB_TARGET_GROUP_ATTACHMENT,
        ]
        .into_iter()
        .flat_map(|t| self.referrers(model, tg, t, "target_group_arn"))
        .collect();
        (registrars, attachments)
    }

    /// Instances of `rtype` in the same module instance as `target` whose attribute `attr` is
    /// not known statically and refers to nothing the scan has (`join("", x[*].id)` over an
    /// unknown count): any of them may belong to `target`, so counting `target`'s
    /// [`Self::referrers`] alone would be a guess.
    pub fn maybe_referrers(
        &self,
        model: &Model,
        target: ResourceId,
        rtype: ResourceType,
        attr: &str,
    ) -> Vec<ResourceId> {
        let t = model.tf(target);
        self.of_type(rtype)
            .iter()
            .copied()
            .filter(|&id| {
                let r = model.tf(id);
                r.root == t.root
                    && r.module_prefix() == t.module_prefix()
                    && r.value(attr)
                        .is_some_and(|v| v.has_unknown() && v.references().is_empty())
            })
            .collect()
    }

    /// The zones reached through a list of subnets (`subnets`, `subnet_ids`,
    /// `vpc_zone_identifier`), following references to `aws_subnet` instances.
    pub fn subnet_zones(&self, model: &Model, subnets: &Value) -> Zones {
        // Only a list has a known length: each of its entries is one subnet (Terraform takes
        // a set of ids), even when the id is unknown (`[var.subnet_id]`).
        let mut zones = Zones {
            open: !matches!(subnets, Value::List(_) | Value::Map(_) | Value::Null),
            ..Zones::default()
        };
        if subnets.is_unknown() && subnets.references().is_empty() {
            zones.unknown = 1;
            return zones;
        }
        for item in subnets.elements() {
            let target = match item {
                Value::Resource(id) | Value::Unknown(Unknown::Attr(id, _)) => Some(*id),
                _ => None,
            };
            let subnet = target.and_then(|id| {
                let s = model.tf(id);
                providers::subnet(&s.rtype).map(|kind| (id, s, kind))
            });
            match subnet {
                Some((id, s, kind)) => {
                    zones.subnets.push(id);
                    match kind
                        .zone_attrs
                        .iter()
                        .find_map(|a| s.value(a))
                        .and_then(Value::as_str)
                    {
                        Some(z) => {
                            zones.known.insert(z.to_string());
                        }
                        None => zones.unknown += 1,
                    }
                }
                None => zones.unknown += 1,
            }
        }
        zones
    }

    /// Zones named directly (`availability_zones = ["us-east-1a", ...]`).
    pub fn listed_zones(value: &Value) -> Zones {
        let mut zones = Zones {
            listed: true,
            ..Zones::default()
        };
        for item in value.elements() {
            match item.as_str() {
                Some(z) => {
                    zones.known.insert(z.to_string());
                }
                None => zones.unknown += 1,
            }
        }
        if value.is_unknown() {
            zones.unknown = zones.unknown.max(1);
        }
        // One zone named alone (`zone = "1"`) is a list of one.
        zones.open = !matches!(value, Value::List(_) | Value::Null | Value::String(_));
        zones
    }

    /// Labels on the subnets' `availability_zone` lines (and where their value was set).
    pub fn zone_labels(&self, model: &Model, zones: &Zones) -> Vec<Label> {
        let mut labels = Vec::new();
        for &id in &zones.subnets {
            let s = model.tf(id);
            let zone_attr = providers::subnet(&s.rtype).and_then(|k| k.zone_attrs.first());
            let Some(attr) = zone_attr.and_then(|a| s.attr(a)) else {
                continue;
            };
            let zone = attr.value.as_str().unwrap_or("unknown zone");
            labels.push(Label::new(
                s.source,
                attr.span,
                format!("{} is in {zone}", s.address),
            ));
            if let Some(l) = origin_label(attr) {
                labels.push(l);
            }
        }
        labels
    }

    /// Regions a resource is present in: its own, plus those of its replicas (inline
    /// `replica` blocks and [`Self::counterparts`]); for a kind whose blocks list every region
    /// of its data (a Cosmos DB account's `geo_location`), those regions instead of its own.
    pub fn regions_of(&self, model: &Model, id: ResourceId) -> Presence {
        let r = model.tf(id);
        let mut p = Presence::default();
        let mut note = |region: Option<&str>| match region {
            Some(s) => {
                p.regions.insert(s.to_string());
            }
            None => p.unknown += 1,
        };
        let kind = providers::kind(&r.rtype);
        // A kind that lists every region of its data (`geo_location`) is in those only.
        if kind.is_none_or(|k| k.locations.is_none()) {
            note(r.region_name());
        }
        if let Some(inline) = self.inline_regions(model, id) {
            for region in &inline.regions {
                note(Some(region));
            }
            for _ in 0..inline.unknown {
                note(None);
            }
        }
        for c in self.counterparts(model, id) {
            note(model.tf(c).region_name());
        }
        // Perhaps replicas (`create_mode` not known statically): their region may count.
        let maybe = self.linked_replicas(model, id).1;
        for _ in &maybe {
            note(None);
        }
        p.maybe = maybe;
        for &(rtype, link, block, attr) in kind.map_or(&[][..], |k| k.replicated_by) {
            for c in self.referrers(model, id, rtype, link) {
                let c = model.tf(c);
                for b in c.body.blocks(block) {
                    // Without a region of its own the copy is in its provider's region.
                    let region = c.region_or(b.body.value(attr));
                    note(region.filter(|_| !b.unknown_count && !c.count_unknown));
                }
            }
        }
        p
    }

    /// The regions of a resource's inline replica blocks alone (`replica { region_name }`),
    /// or of the blocks that list every region of its data (a Cosmos DB account's
    /// `geo_location { location }`); `None` when its kind has no such blocks.
    pub fn inline_regions(&self, model: &Model, id: ResourceId) -> Option<Presence> {
        let r = model.tf(id);
        let kind = providers::kind(&r.rtype)?;
        let (block, attr) = kind.locations.or(kind.inline_replicas)?;
        let mut p = Presence::default();
        for b in r.body.blocks(block) {
            // A dynamic replica block over an unknown value may stand for no replica.
            let region = b.body.value(attr).and_then(Value::as_str);
            let region = match region {
                Some(l) if r.rtype.starts_with("azurerm_") => {
                    Some(crate::model::terraform::azure_region(l))
                }
                other => other.map(str::to_string),
            };
            match region.filter(|_| !b.unknown_count) {
                Some(region) => {
                    p.regions.insert(region);
                }
                None => p.unknown += 1,
            }
        }
        Some(p)
    }

    /// Resources that hold a copy of `id`: replica keys, replica databases and clusters,
    /// the other members of a global cluster or global datastore, replication destinations.
    pub fn counterparts(&self, model: &Model, id: ResourceId) -> Vec<ResourceId> {
        let r = model.tf(id);
        let mut out = self.linked_replicas(model, id).0;
        out.extend(self.partners(model, id));
        // Members of one global group stand for each other: those that join it, and the
        // one it was created from.
        let groups = providers::PROVIDERS.iter().flat_map(|p| p.global_groups);
        for g in groups.filter(|g| r.rtype == g.member) {
            let (member_type, member_attr, global_type, source_attr) =
                (g.member, g.member_attr, g.group, g.source_attr);
            let mut globals: Vec<ResourceId> = r
                .value(member_attr)
                .map(Value::references)
                .unwrap_or_default();
            globals.extend(self.referrers(model, id, global_type, source_attr));
            for global in globals {
                out.extend(self.referrers(model, global, member_type, member_attr));
                out.extend(
                    model
                        .tf(global)
                        .value(source_attr)
                        .map(Value::references)
                        .unwrap_or_default(),
                );
            }
        }
        if r.rtype == aws::S3_BUCKET {
            out.extend(self.replication_destinations(model, id));
        }
        out.retain(|c| *c != id);
        out.sort();
        out.dedup();
        out
    }

    /// Replicas of `id` through its kind's replica links: those the link makes replicas, and
    /// those whose condition (`create_mode = "Replica"`) is not known statically.
    fn linked_replicas(&self, model: &Model, id: ResourceId) -> (Vec<ResourceId>, Vec<ResourceId>) {
        let r = model.tf(id);
        let (mut sure, mut maybe) = (Vec::new(), Vec::new());
        for link in providers::kind(&r.rtype).map_or(&[][..], |k| k.replicas) {
            let linked = match link.block {
                None => self.referrers(model, id, link.rtype, link.attr),
                Some(block) => self
                    .of_type(link.rtype)
                    .iter()
                    .copied()
                    .filter(|&c| {
                        c != id
                            && model.tf(c).body.blocks(block).any(|b| {
                                b.body
                                    .value(link.attr)
                                    .is_some_and(|v| v.references().contains(&id))
                            })
                    })
                    .collect(),
            };
            for c in linked {
                match link_holds(model.tf(c), link) {
                    Some(true) => sure.push(c),
                    Some(false) => {}
                    None => maybe.push(c),
                }
            }
        }
        (sure, maybe)
    }

    /// The partners groups pair `id` with (`partner_server` of the failover groups whose
    /// `server_id` is `id`), and the resources whose groups name `id` as their partner.
    fn partners(&self, model: &Model, id: ResourceId) -> Vec<ResourceId> {
        let r = model.tf(id);
        let mut out = Vec::new();
        let links = providers::kind(&r.rtype).map_or(&[][..], |k| k.partnered_by);
        for &(group, attr, block, partner_attr) in links {
            for g in self.referrers(model, id, group, attr) {
                for b in model.tf(g).body.blocks(block) {
                    out.extend(
                        b.body
                            .value(partner_attr)
                            .map(Value::references)
                            .unwrap_or_default(),
                    );
                }
            }
            for &g in self.of_type(group) {
                let gr = model.tf(g);
                if gr.body.blocks(block).any(|b| {
                    b.body
                        .value(partner_attr)
                        .is_some_and(|v| v.references().contains(&id))
                }) {
                    out.extend(gr.value(attr).map(Value::references).unwrap_or_default());
                }
            }
        }
        out
    }

    /// Whether `id` is itself a copy of another resource: a replica by a replica link of its
    /// type (the link's attribute set, and its condition met: `create_mode = "Replica"`), or
    /// the partner a group pairs another resource with (the failover group's
    /// `partner_server`). `None` when its link is set but its condition is not known
    /// statically.
    pub fn is_copy(&self, model: &Model, id: ResourceId) -> Option<bool> {
        let r = model.tf(id);
        let mut unknown = false;
        let links = providers::kinds()
            .flat_map(|k| k.replicas)
            .filter(|l| r.rtype == l.rtype);
        for link in links {
            let body = match link.block {
                None => Some(&r.body),
                Some(b) => r.body.block(b).map(|b| &b.body),
            };
            if !body
                .and_then(|b| b.value(link.attr))
                .is_some_and(|v| *v != Value::Null)
            {
                continue;
            }
            match link_holds(r, link) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => unknown = true,
            }
        }
        let partner_of = providers::kind(&r.rtype).map_or(&[][..], |k| k.partnered_by);
        for &(group, _, block, partner_attr) in partner_of {
            let named = self.of_type(group).iter().any(|&g| {
                model.tf(g).body.blocks(block).any(|b| {
                    b.body
                        .value(partner_attr)
                        .is_some_and(|v| v.references().contains(&id))
                })
            });
            if named {
                return Some(true);
            }
        }
        (!unknown).then_some(false)
    }

    /// Buckets that `bucket` replicates to (through `aws_s3_bucket_replication_configuration`
    /// resources or a legacy inline `replication_configuration` block).
    pub fn replication_destinations(&self, model: &Model, bucket: ResourceId) -> Vec<ResourceId> {
        let mut out = Vec::new();
        let mut from_rules = |body: &crate::model::terraform::Body| {
            for rule in body.blocks("rules").chain(body.blocks("rule")) {
                if rule.body.value("status").and_then(Value::as_str) == Some("Disabled") {
                    continue;
                }
                for dest in rule.body.blocks("destination") {
                    for target in dest
                        .body
                        .value("bucket")
                        .map(Value::references)
                        .unwrap_or_default()
                    {
                        if model.tf(target).rtype == aws::S3_BUCKET && !out.contains(&target) {
                            out.push(target);
                        }
                    }
                }
            }
        };
        for cfg in self.referrers(
            model,
            bucket,
            aws::S3_BUCKET_REPLICATION_CONFIGURATION,
            "bucket",
        ) {
            from_rules(&model.tf(cfg).body);
        }
        if let Some(inline) = model.tf(bucket).body.block("replication_configuration") {
            from_rules(&inline.body);
        }
        out
    }

    /// Layers the Terraform resources of the scan belong to.
    pub fn layers_present(&self) -> BTreeSet<Layer> {
        self.by_type
            .keys()
            .filter_map(|t| providers::kind(t)?.layer)
            .collect()
    }
}

/// Whether a replica link's condition holds for `replica` (`create_mode = "Replica"`); `None`
/// when the attribute is not known statically.
fn link_holds(replica: &TfResource, link: &providers::ReplicaLink) -> Option<bool> {
    let Some((attr, value)) = link.when else {
        return Some(true);
    };
    match replica.value(attr) {
        Some(v) if v.has_unknown() => None,
        Some(v) => Some(v.as_str() == Some(value)),
        None => Some(false),
    }
}

pub fn normalize_domain(d: &str) -> String {
    d.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether a DNS zone resource is private.
fn zone_private(kind: &DnsZoneKind, r: &TfResource) -> bool {
    match kind.private {
        Private::Never => false,
        Private::WithBlock(block) => r.body.block(block).is_some(),
        Private::WithValue(attr, value) => r.value(attr).and_then(Value::as_str) == Some(value),
    }
}

/// A DNS zone resource's domain as written (`cloudflare_zone` v4 `zone`, v5 `name`).
fn zone_domain<'a>(kind: &DnsZoneKind, r: &'a TfResource) -> Option<&'a str> {
    r.value(kind.domain_attr)
        .or_else(|| r.value("name"))
        .and_then(Value::as_str)
}

fn zone_kind(rtype: &str) -> Option<&'static DnsZoneKind> {
    providers::PROVIDERS
        .iter()
        .flat_map(|p| p.dns_zones)
        .find(|z| *rtype == z.rtype)
}

/// What is known statically about one DNS record's zone and name.
fn dns_record(
    model: &Model,
    facts: &TfFacts,
    id: ResourceId,
    kind: &'static DnsRecordKind,
) -> DnsRecord {
    let r = model.tf(id);
    // A provider none of whose zones can be private: an unknown zone is still public.
    let never_private = providers::PROVIDERS
        .iter()
        .flat_map(|p| p.dns_zones)
        .filter(|z| z.provider == kind.provider)
        .all(|z| matches!(z.private, Private::Never));
    let mut rec = DnsRecord {
        res: id,
        kind,
        zone_res: None,
        zone_key: None,
        domain: None,
        private: never_private.then_some(false),
        name: None,
        fqdn: None,
    };
    match kind.zone {
        RecordZone::Zone { attr, by_name } => {
            let value = r.value(attr);
            let literal = value.and_then(Value::as_str);
            let zone = value
                .and_then(|v| v.references().first().copied())
                .or_else(|| {
                    // `managed_zone = "example-com"`: the zone resource of that name.
                    let (by, name) = (by_name?, literal?);
                    providers::PROVIDERS
                        .iter()
                        .flat_map(|p| p.dns_zones)
                        .filter(|z| z.provider == kind.provider)
                        .flat_map(|z| facts.of_type(z.rtype).iter().copied())
                        .find(|&z| {
                            let zr = model.tf(z);
                            zr.root == r.root && zr.value(by).and_then(Value::as_str) == Some(name)
                        })
                });
            if let Some(z) = zone {
                let zr = model.tf(z);
                rec.zone_key = Some(zr.address.clone());
                if let Some(zk) = zone_kind(&zr.rtype) {
                    rec.zone_res = Some(z);
                    rec.private = Some(zone_private(zk, zr));
                    rec.domain = zone_domain(zk, zr).map(normalize_domain);
                }
            } else if let Some(lit) = literal {
                rec.zone_key = Some(lit.to_string());
            }
        }
        RecordZone::Domain(attr) => {
            if let Some(d) = r.value(attr).and_then(Value::as_str) {
                rec.domain = Some(normalize_domain(d));
                rec.zone_key = rec.domain.clone();
            }
        }
    }
    let name = r
        .value(kind.name_attr)
        .and_then(Value::as_str)
        .map(normalize_domain)
        .map(|n| {
            if kind.at_is_apex && n == "@" {
                String::new()
            } else {
                n
            }
        });
    rec.fqdn = match (kind.name, name.as_deref(), rec.domain.as_deref()) {
        (RecordName::Full, Some(n), _) if !n.is_empty() => Some(n.to_string()),
        (RecordName::Full, _, _) | (_, None, _) | (_, _, None) => None,
        (_, Some(""), Some(d)) => Some(d.to_string()),
        (RecordName::RelativeOrFull, Some(n), Some(d))
            if n == d || n.ends_with(&format!(".{d}")) =>
        {
            Some(n.to_string())
        }
        (_, Some(n), Some(d)) => Some(format!("{n}.{d}")),
    };
    rec.name = name;
    rec
}

/// A secondary label where an attribute's value was set (tfvars line, variable default,
/// module argument), when it came through a variable or local.
pub fn origin_label(attr: &Attr) -> Option<Label> {
    attr.origin.as_ref().map(|o| o.label())
}

/// `multi_az = false`, with `(from var.multi_az)` when a variable or local set it.
pub fn shown(name: &str, attr: &Attr) -> String {
    match attr.origin.as_ref().and_then(|o| o.reference_name()) {
        Some(via) => format!("`{name} = {}`, from {via}", attr.value),
        None => format!("`{name} = {}`", attr.value),
    }
}

/// Where a resource is placed: its zones and the attribute that places it.
#[derive(Debug)]
pub struct Placement {
    pub zones: Zones,
    /// The `subnets` / `subnet_ids` / `vpc_zone_identifier` / ... attribute (or block).
    pub label: Label,
}

impl TfFacts {
    /// The zones of a load balancer, auto scaling group, node group or EKS cluster.
    pub fn placement(&self, id: ResourceId) -> Option<&Placement> {
        self.placements.get(&id)
    }

    /// The placements of the resources that take `id` in through their blocks (the backend
    /// services a managed instance group serves: [`PlacementVia::Through`]).
    pub fn placed_through(&self, id: ResourceId) -> Vec<&Placement> {
        self.taken_in
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|holder| self.placements.get(holder))
            .collect()
    }

    /// The first way of `via` whose attribute (or block) the resource has.
    fn place(&self, model: &Model, id: ResourceId, via: &[PlacementVia]) -> Option<Placement> {
        let r = model.tf(id);
        let subnets = |attr: &Attr| Placement {
            zones: self.subnet_zones(model, &attr.value),
            label: Label::new(r.source, attr.span, "subnets listed here"),
        };
        let listed = |name: &str| {
            r.attr(name)
                .filter(|a| a.value != Value::Null)
                .map(|a| Placement {
                    zones: Self::listed_zones(&a.value),
                    label: Label::new(r.source, a.span, "zones listed here"),
                })
        };
        via.iter().find_map(|way| match *way {
            PlacementVia::Subnets(attr) => r.attr(attr).map(subnets),
            PlacementVia::Subnet(attr) => {
                r.attr(attr)
                    .filter(|a| a.value != Value::Null)
                    .map(|a| Placement {
                        zones: self.subnet_zones(model, &Value::List(vec![a.value.clone()])),
                        label: Label::new(r.source, a.span, "subnet set here"),
                    })
            }
            PlacementVia::NestedSubnets(block, attr) => {
                r.body.block(block)?.body.attr(attr).map(subnets)
            }
            PlacementVia::Zones(attr) => listed(attr),
            PlacementVia::Zone(attr) => match r.attr(attr).filter(|a| a.value != Value::Null) {
                Some(a) => Some(Placement {
                    zones: Self::listed_zones(&Value::List(vec![a.value.clone()])),
                    label: Label::new(r.source, a.span, "zone set here"),
                }),
                // A Google Cloud resource without a zone is in its provider's default zone.
                None if r.rtype.starts_with("google_") => {
                    let (zone, source, span) = r.region.zone.as_ref()?;
                    Some(Placement {
                        zones: Self::listed_zones(&Value::List(vec![Value::String(zone.clone())])),
                        label: Label::new(*source, *span, "the provider's default zone"),
                    })
                }
                None => None,
            },
            PlacementVia::ZonesOrUnzoned(block, attr) => {
                let (body, span) = match block {
                    Some(b) => {
                        let b = r.body.block(b)?;
                        (&b.body, b.span)
                    }
                    None => (&r.body, r.header),
                };
                Some(match body.attr(attr).filter(|a| a.value != Value::Null) {
                    Some(a) => Placement {
                        zones: Self::listed_zones(&a.value),
                        label: Label::new(r.source, a.span, "zones listed here"),
                    },
                    None => Placement {
                        zones: Zones {
                            unzoned: true,
                            listed: true,
                            ..Zones::default()
                        },
                        label: Label::new(r.source, span, format!("no `{attr}` here")),
                    },
                })
            }
            PlacementVia::ZonesOrChosen(attr, chosen) => listed(attr).or_else(|| {
                Some(Placement {
                    zones: Zones {
                        chosen,
                        listed: true,
                        ..Zones::default()
                    },
                    label: r
                        .header_label(format!("no `{attr}`: the provider picks {chosen} zones")),
                })
            }),
            PlacementVia::Location {
                location,
                list,
                chosen,
            } => {
                let loc = r.attr(location).filter(|a| a.value != Value::Null)?;
                let extra = r.attr(list).filter(|a| a.value != Value::Null);
                let mut zones = match extra {
                    Some(a) => Self::listed_zones(&a.value),
                    None => Zones {
                        listed: true,
                        ..Zones::default()
                    },
                };
                let label = match loc.value.as_str() {
                    Some(l) if crate::model::terraform::google_is_zone(l) => {
                        zones.known.insert(l.to_string());
                        Label::new(r.source, loc.span, format!("zonal: {l}"))
                    }
                    Some(l) if crate::model::terraform::google_region_of(l).is_some() => {
                        if let Some(a) = extra {
                            Label::new(r.source, a.span, "zones listed here")
                        } else {
                            zones.chosen = chosen;
                            Label::new(
                                r.source,
                                loc.span,
                                format!("regional: {chosen} zones of {l}"),
                            )
                        }
                    }
                    // A zone adds itself to the listed zones, a region puts the nodes in the
                    // listed zones only: at most one more zone. Without a list, a region
                    // spreads them over zones that nothing names.
                    _ if extra.is_some() => {
                        zones.unknown += 1;
                        Label::new(r.source, loc.span, "location set here")
                    }
                    _ => {
                        zones.location_unknown = true;
                        zones.open = true;
                        Label::new(r.source, loc.span, "location set here")
                    }
                };
                Some(Placement { zones, label })
            }
            PlacementVia::Regional(chosen) => Some(Placement {
                zones: Zones {
                    chosen,
                    listed: true,
                    ..Zones::default()
                },
                label: r.header_label("regional: zones chosen by the provider"),
            }),
            PlacementVia::Through(block, attr) => {
                let blocks: Vec<_> = r.body.blocks(block).collect();
                let first = blocks.first()?;
                let mut zones = Zones {
                    listed: true,
                    open: blocks.iter().any(|b| b.unknown_count),
                    ..Zones::default()
                };
                for b in &blocks {
                    let placed = b
                        .body
                        .value(attr)
                        .map(Value::references)
                        .unwrap_or_default()
                        .into_iter()
                        .find_map(|t| self.placements.get(&t));
                    match placed {
                        Some(p) => {
                            zones.add(&p.zones);
                            zones.unzoned |= p.zones.unzoned && blocks.len() == 1;
                        }
                        // Not one zone: the resource may be regional.
                        None => {
                            zones.unknown += 1;
                            zones.open = true;
                        }
                    }
                }
                Some(Placement {
                    zones,
                    label: Label::new(r.source, first.span, format!("{block} blocks start here")),
                })
            }
            PlacementVia::Parent(attr) => {
                let parent = r.value(attr)?.references().into_iter().next()?;
                let p = self.placements.get(&parent)?;
                let at = r.attr(attr).map_or(r.header, |a| a.span);
                Some(Placement {
                    zones: Zones {
                        known: p.zones.known.clone(),
                        unknown: p.zones.unknown,
                        subnets: Vec::new(),
                        open: p.zones.open,
                        chosen: p.zones.chosen,
                        unzoned: p.zones.unzoned,
                        listed: p.zones.listed,
                        location_unknown: p.zones.location_unknown,
                    },
                    label: Label::new(
                        r.source,
                        at,
                        format!("placed like {}", model.tf(parent).address),
                    ),
                })
            }
            PlacementVia::SubnetBlocks(block, attr) => {
                let blocks: Vec<_> = r.body.blocks(block).collect();
                let first = blocks.first()?;
                // A dynamic block whose for_each is unknown: the number of subnets is too.
                let ids = if blocks.iter().any(|b| b.unknown_count) {
                    Value::UNKNOWN
                } else {
                    Value::List(
                        blocks
                            .iter()
                            .map(|b| b.body.value(attr).cloned().unwrap_or(Value::UNKNOWN))
                            .collect(),
                    )
                };
                Some(Placement {
                    zones: self.subnet_zones(model, &ids),
                    label: Label::new(r.source, first.span, format!("{block} blocks start here")),
                })
            }
        })
    }
}

/// Labels on the provider's `region = ...` line and where a variable set it.
pub fn region_labels(r: &TfResource) -> Vec<Label> {
    let name = r.region_name().unwrap_or("unknown");
    let mut out = Vec::new();
    if let Some((source, span)) = r.region.at {
        out.push(Label::new(
            source,
            span,
            format!("{} is in {name}", r.address),
        ));
    }
    // A Google Cloud or Azure resource's own `location` names its region in its own way (a
    // zone, `West Europe`): the value set elsewhere is not the region's name.
    let own = r
        .attr("location")
        .is_some_and(|a| r.region.at == Some((r.source, a.span)));
    if let Some(o) = &r.region.origin {
        let text = match o.reference_name() {
            None if own => "location set here".to_string(),
            Some(via) if own => format!("{via} set here"),
            None => format!("region {name:?} set here"),
            Some(via) => format!("{via} = {name:?} set here"),
        };
        out.push(Label::new(o.source, o.span, text));
    }
    out
}

/// A DNS record's zone (the zone resource's address, or a literal zone id) and its fully
/// qualified name: Route 53 accepts `www` and `www.example.com` for the same record.
pub fn record_identity(model: &Model, r: &TfResource) -> Option<(String, String)> {
    let zone_value = r.value("zone_id")?;
    let zone_res = zone_value.references().first().map(|z| model.tf(*z));
    let zone = match zone_res {
        Some(z) => z.address.clone(),
        None => zone_value.as_str()?.to_string(),
    };
    let name = normalize_domain(r.value("name")?.as_str()?);
    let domain = zone_res
        .and_then(|z| z.value("name").or_else(|| z.value("zone")))
        .and_then(Value::as_str)
        .map(normalize_domain);
    let fqdn = match domain {
        Some(d) if name != d && !name.ends_with(&format!(".{d}")) => format!("{name}.{d}"),
        _ => name,
    };
    Some((format!("{}|{zone}", r.root), fqdn))
}

/// Whether Route 53 checks the health of what an `aws_route53_record` answers with: it names a
/// health check that is not disabled (`health_check_id`), or it is an alias with
/// `evaluate_target_health = true`. `None` when `evaluate_target_health` is not known.
pub fn record_health_checked(model: &Model, r: &TfResource) -> Option<bool> {
    let has_check = r.value("health_check_id").is_some_and(|id| {
        !id.references().iter().any(|c| {
            let check = model.tf(*c);
            check.rtype == aws::ROUTE53_HEALTH_CHECK
                && check.value("disabled").and_then(Value::as_bool) == Some(true)
        })
    });
    if has_check {
        return Some(true);
    }
    match r.body.block("alias") {
        // Perhaps no alias at all: the record may be a plain one.
        Some(alias) if alias.unknown_count => None,
        Some(alias) => match alias.body.attr("evaluate_target_health") {
            Some(a) => a.value.as_bool(),
            None => Some(false),
        },
        None => Some(false),
    }
}
