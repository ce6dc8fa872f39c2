//! Groups of machines declared in Terraform: AWS auto scaling groups and EKS node groups, GKE
//! node pools (and a cluster's default node pool), Compute Engine managed instance groups, AKS
//! node pools (and a cluster's default node pool) and Azure VM scale sets. Which instances run
//! machines of their own, how each kind gets more zones, and the fewest machines each may run
//! (per-zone counts multiplied by the zones of the group's placement, autoscalers followed).

use super::providers::{ResourceType, aws, azure, google};
use super::terraform::{TfFacts, Zones, shown};
use crate::finding::{Label, count};
use crate::model::terraform::{Attr, Body, TfResource, Value};
use crate::model::{Model, ResourceId};

/// Every resource type that is a group of machines.
pub const GROUPS: &[ResourceType] = &[
    aws::AUTOSCALING_GROUP,
    aws::EKS_NODE_GROUP,
    google::CONTAINER_CLUSTER,
    google::CONTAINER_NODE_POOL,
    google::INSTANCE_GROUP_MANAGER,
    google::REGION_INSTANCE_GROUP_MANAGER,
    azure::KUBERNETES_CLUSTER,
    azure::KUBERNETES_CLUSTER_NODE_POOL,
    azure::LINUX_VIRTUAL_MACHINE_SCALE_SET,
    azure::WINDOWS_VIRTUAL_MACHINE_SCALE_SET,
    azure::ORCHESTRATED_VIRTUAL_MACHINE_SCALE_SET,
];

/// The kinds of group, as far as how they are placed and sized differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `aws_autoscaling_group`, `aws_eks_node_group`: zones through subnets.
    Aws,
    /// A `google_container_cluster`'s default node pool.
    GkeCluster,
    /// `google_container_node_pool`: counts per zone.
    GkePool,
    /// `google_compute_instance_group_manager`: one zone.
    ZonalMig,
    /// `google_compute_region_instance_group_manager`.
    RegionalMig,
    /// An `azurerm_kubernetes_cluster`'s `default_node_pool`.
    AksCluster,
    /// `azurerm_kubernetes_cluster_node_pool`.
    AksPool,
    /// `azurerm_linux_virtual_machine_scale_set` and its Windows and orchestrated kin.
    ScaleSet,
}

impl Family {
    pub fn of(rtype: &str) -> Option<Family> {
        Some(
            if *rtype == aws::AUTOSCALING_GROUP || *rtype == aws::EKS_NODE_GROUP {
                Family::Aws
            } else if *rtype == google::CONTAINER_CLUSTER {
                Family::GkeCluster
            } else if *rtype == google::CONTAINER_NODE_POOL {
                Family::GkePool
            } else if *rtype == google::INSTANCE_GROUP_MANAGER {
                Family::ZonalMig
            } else if *rtype == google::REGION_INSTANCE_GROUP_MANAGER {
                Family::RegionalMig
            } else if *rtype == azure::KUBERNETES_CLUSTER {
                Family::AksCluster
            } else if *rtype == azure::KUBERNETES_CLUSTER_NODE_POOL {
                Family::AksPool
            } else if *rtype == azure::LINUX_VIRTUAL_MACHINE_SCALE_SET
                || *rtype == azure::WINDOWS_VIRTUAL_MACHINE_SCALE_SET
                || *rtype == azure::ORCHESTRATED_VIRTUAL_MACHINE_SCALE_SET
            {
                Family::ScaleSet
            } else {
                return None;
            },
        )
    }

    /// A zone, in the provider's words.
    pub fn zone_word(self) -> &'static str {
        match self {
            Family::GkeCluster | Family::GkePool | Family::ZonalMig | Family::RegionalMig => "zone",
            _ => "availability zone",
        }
    }

    /// What the group runs.
    pub fn unit(self) -> &'static str {
        match self {
            Family::GkeCluster | Family::GkePool | Family::AksCluster | Family::AksPool => "node",
            _ => "instance",
        }
    }

    /// How findings name the group: its address, or its cluster's default node pool.
    pub fn subject(self, r: &TfResource) -> String {
        match self {
            Family::GkeCluster | Family::AksCluster => {
                format!("{}'s default node pool", r.address)
            }
            _ => r.address.clone(),
        }
    }

    /// How to spread the group over at least `n` zones, for help texts (not for AWS, whose
    /// rules word it themselves).
    pub fn spread(self, n: usize) -> String {
        match self {
            Family::Aws => format!("give it subnets in at least {n} availability zones"),
            Family::GkeCluster => format!(
                "make it a regional cluster (`location` = a region, without `node_locations`: GKE runs the nodes in 3 zones of it), or list zones in `node_locations` so that the nodes span at least {n}"
            ),
            Family::GkePool => format!(
                "list at least {n} zones of the region in `node_locations`, or run the pool in a regional cluster without `node_locations` (GKE then uses 3 zones of the region)"
            ),
            Family::ZonalMig => format!(
                "replace it with a regional managed instance group (google_compute_region_instance_group_manager) over at least {n} zones: without `distribution_policy_zones` it uses 3 zones of its region"
            ),
            Family::RegionalMig => format!(
                "list at least {n} zones in `distribution_policy_zones`, or leave it out (the group then uses 3 zones of its region)"
            ),
            Family::AksCluster => "set `zones = [\"1\", \"2\", \"3\"]` in `default_node_pool` (changing it needs `temporary_name_for_rotation`)".to_string(),
            Family::AksPool => "set `zones = [\"1\", \"2\", \"3\"]` (changing it needs `temporary_name_for_rotation`)".to_string(),
            Family::ScaleSet => "set `zones = [\"1\", \"2\", \"3\"]`".to_string(),
        }
    }
}

/// Whether a group instance runs machines of its own.
pub enum Runs {
    Yes,
    /// It runs none: a GKE cluster without its default node pool, or an Autopilot cluster.
    No,
    /// Not known statically: where, and why.
    Unknown(Label, String),
}

/// Whether group `r` runs machines of its own. An AKS cluster without a `default_node_pool`
/// (AKS Automatic, through azapi) does not. A GKE cluster does not when it is an Autopilot
/// cluster (`enable_autopilot = true`), when it removes its default node pool
/// (`remove_default_node_pool = true`), or when inline `node_pool` blocks replace the default
/// pool; every other group does.
pub fn runs_machines(r: &TfResource) -> Runs {
    // azurerm requires a default_node_pool; an AKS Automatic cluster created through azapi
    // has none of the code's (AKS runs its system pool).
    if Family::of(&r.rtype) == Some(Family::AksCluster)
        && r.body.block("default_node_pool").is_none()
    {
        return Runs::No;
    }
    if Family::of(&r.rtype) != Some(Family::GkeCluster) {
        return Runs::Yes;
    }
    let flags: Vec<(&str, &Attr)> = ["enable_autopilot", "remove_default_node_pool"]
        .into_iter()
        .filter_map(|name| Some((name, set(&r.body, name)?)))
        .collect();
    if flags.iter().any(|(_, a)| a.value.as_bool() == Some(true)) {
        return Runs::No;
    }
    if let Some((name, a)) = flags.iter().find(|(_, a)| a.value.has_unknown()) {
        return Runs::Unknown(
            Label::new(r.source, a.span, ""),
            format!(
                "{} is not known statically, so whether it keeps a default node pool is not either",
                shown(name, a)
            ),
        );
    }
    let mut pools = r.body.blocks("node_pool").peekable();
    match pools.peek() {
        None => Runs::Yes,
        Some(b) if b.unknown_count && r.body.blocks("node_pool").all(|b| b.unknown_count) => {
            Runs::Unknown(
                Label::new(r.source, b.span, ""),
                "its node_pool blocks are generated over a value that is not known statically, so whether a default node pool remains is not known either".to_string(),
            )
        }
        Some(_) => Runs::No,
    }
}

/// The fewest machines a group may run, as far as it is known.
pub enum Floor<'a> {
    /// The group does not say (an auto scaling group without `min_size`): nothing to judge.
    Unset,
    /// An attribute of the group itself whose value is not known statically.
    UnknownValue {
        name: String,
        attr: &'a Attr,
    },
    /// Not known for another reason: where, why, and how to make it known.
    Unknown {
        label: Label,
        why: String,
        help: String,
    },
    Known(Size),
}

/// The fewest machines a group may run: between `lo` and `hi` (no bound: `None`) when a
/// per-zone count is known but the number of zones is known only within bounds.
pub struct Size {
    pub lo: i64,
    pub hi: Option<i64>,
    /// It is the floor an autoscaler may shrink the group to, not the group's fixed size.
    pub scales: bool,
    /// Where the number is set (the attribute, or the resource when the provider's documented
    /// default applies), with a short text.
    pub label: Label,
    /// The setting for messages: `node_count = 1 per zone × 1 zone (us-central1-a)`.
    pub shown: String,
    /// The setting to raise, for help texts: `autoscaling.min_node_count`.
    pub setting: String,
    /// The count is per zone: spreading the group over more zones raises it too.
    pub per_zone: bool,
    /// Further labels: the group's zones, the autoscaler.
    pub also: Vec<Label>,
}

impl Size {
    /// The floor, for messages: `1 node`, or `at most 3 nodes` when the zones are not known
    /// exactly.
    pub fn most(&self, unit: &str) -> String {
        match self.hi {
            Some(h) if h == self.lo => count(h, unit),
            Some(h) => format!("at most {}", count(h, unit)),
            None => format!("at least {}", count(self.lo, unit)),
        }
    }
}

/// An attribute that is set (not absent, not null: a null argument leaves the provider's
/// default).
fn set<'b>(body: &'b Body, name: &str) -> Option<&'b Attr> {
    body.attr(name).filter(|a| a.value != Value::Null)
}

/// The help for values that are not known statically.
const KNOWABLE: &str =
    "give it a value that can be known (a literal, a variable default or tfvars), or scan a plan";

/// The fewest machines group `id` may run (see [`GROUPS`]).
pub fn floor<'a>(model: &'a Model, tf: &TfFacts, id: ResourceId) -> Floor<'a> {
    let r = model.tf(id);
    let Some(family) = Family::of(&r.rtype) else {
        return Floor::Unset;
    };
    match family {
        Family::Aws => {
            let (attr, name) = if r.rtype == aws::EKS_NODE_GROUP {
                (
                    r.attr_in("scaling_config", "min_size"),
                    "scaling_config.min_size",
                )
            } else {
                (r.attr("min_size"), "min_size")
            };
            match attr {
                Some(attr) => fixed(r, name, attr, true),
                None => Floor::Unset,
            }
        }
        Family::GkePool => gke_pool(r, tf, id),
        Family::GkeCluster => match runs_machines(r) {
            Runs::No => Floor::Unset,
            Runs::Unknown(label, why) => Floor::Unknown {
                label,
                why,
                help: KNOWABLE.to_string(),
            },
            Runs::Yes => match set(&r.body, "initial_node_count") {
                Some(a) => per_zone(r, tf, id, "initial_node_count", a, false),
                None => Floor::Unknown {
                    label: r.header_label(""),
                    why: "it sets no `initial_node_count` for its default node pool (the provider requires one when there are no node_pool blocks)".to_string(),
                    help: "set initial_node_count (nodes per zone), or remove the default node pool and declare google_container_node_pool resources".to_string(),
                },
            },
        },
        Family::ZonalMig | Family::RegionalMig => mig(model, tf, id),
        Family::AksCluster => match r.body.block("default_node_pool") {
            Some(b) => aks(r, &b.body, b.span, "default_node_pool."),
            None => Floor::Unset,
        },
        Family::AksPool => aks(r, &r.body, r.header, ""),
        Family::ScaleSet => scale_set(model, tf, id),
    }
}

/// A fixed number (the group's size, or an autoscaler's floor) set by `attr` of `r`.
fn fixed<'a>(r: &TfResource, name: &str, attr: &'a Attr, scales: bool) -> Floor<'a> {
    match attr.value.as_i64() {
        Some(n) => Floor::Known(Size {
            lo: n,
            hi: Some(n),
            scales,
            label: Label::new(r.source, attr.span, format!("{name} = {n}")),
            shown: format!("{name} = {n}"),
            setting: name.to_string(),
            per_zone: false,
            also: Vec::new(),
        }),
        None => Floor::UnknownValue {
            name: name.to_string(),
            attr,
        },
    }
}

/// A count per zone (`node_count`, `autoscaling.min_node_count`) set by `attr`, multiplied by
/// the zones of the group's placement.
fn per_zone<'a>(
    r: &TfResource,
    tf: &TfFacts,
    id: ResourceId,
    name: &str,
    attr: &'a Attr,
    scales: bool,
) -> Floor<'a> {
    let Some(n) = attr.value.as_i64() else {
        return Floor::UnknownValue {
            name: name.to_string(),
            attr,
        };
    };
    let label = Label::new(r.source, attr.span, format!("{name} = {n} per zone"));
    let size = |lo: i64, hi: Option<i64>, zones: String, also: Vec<Label>| {
        Floor::Known(Size {
            lo,
            hi,
            scales,
            label: label.clone(),
            shown: format!("{name} = {n} per zone × {zones}"),
            setting: name.to_string(),
            per_zone: true,
            also,
        })
    };
    if n == 0 {
        return size(0, Some(0), "any number of zones".to_string(), Vec::new());
    }
    let Some(p) = tf.placement(id) else {
        return Floor::Unknown {
            label,
            why: format!(
                "`{name}` counts nodes per zone, and the zones it runs in are not known statically (no location that can be known)"
            ),
            help: "give the pool (or its cluster) a `location` that can be known, or scan a plan"
                .to_string(),
        };
    };
    let z = &p.zones;
    let (lo, hi) = (z.at_least() as i64, z.at_most().map(|h| h as i64));
    let zones = if hi == Some(lo) {
        format!("{} ({})", count(lo, "zone"), zone_names(z))
    } else {
        match hi {
            Some(h) => format!("{lo} to {h} zones"),
            None => format!("at least {}", count(lo, "zone")),
        }
    };
    size(n * lo, hi.map(|h| n * h), zones, vec![p.label.clone()])
}

/// `us-central1-a, us-central1-b`, or who chose them.
fn zone_names(z: &Zones) -> String {
    match (z.known.is_empty(), z.chosen) {
        (true, c) if c > 0 => "chosen by GKE in the region".to_string(),
        (false, c) if c > 0 => format!("{}, and {c} chosen by GKE", z.list()),
        _ => z.list(),
    }
}

fn gke_pool<'a>(r: &'a TfResource, tf: &TfFacts, id: ResourceId) -> Floor<'a> {
    if let Some(block) = r.body.block("autoscaling") {
        if block.unknown_count {
            return Floor::Unknown {
                label: Label::new(r.source, block.span, ""),
                why: "its autoscaling block is generated over a value that is not known statically"
                    .to_string(),
                help: KNOWABLE.to_string(),
            };
        }
        if let Some(a) = set(&block.body, "total_min_node_count") {
            return fixed(r, "autoscaling.total_min_node_count", a, true);
        }
        if let Some(a) = set(&block.body, "min_node_count") {
            return per_zone(r, tf, id, "autoscaling.min_node_count", a, true);
        }
        return Floor::Unknown {
            label: Label::new(r.source, block.span, ""),
            why: "its autoscaling block sets neither min_node_count nor total_min_node_count, and the provider documents no default".to_string(),
            help: "set autoscaling.min_node_count (per zone) or autoscaling.total_min_node_count"
                .to_string(),
        };
    }
    for name in ["node_count", "initial_node_count"] {
        if let Some(a) = set(&r.body, name) {
            return per_zone(r, tf, id, name, a, false);
        }
    }
    Floor::Unknown {
        label: r.header_label(""),
        why: "it sets neither node_count, initial_node_count nor an autoscaling block, and the provider documents no default".to_string(),
        help: "set node_count (nodes per zone) or an autoscaling block".to_string(),
    }
}

/// The autoscalers whose `target` is managed instance group `mig`: by reference, or by a
/// literal URL that ends in the group's name.
fn autoscalers(model: &Model, tf: &TfFacts, mig: ResourceId) -> Vec<ResourceId> {
    let types = [google::AUTOSCALER, google::REGION_AUTOSCALER];
    let mut out: Vec<ResourceId> = types
        .iter()
        .flat_map(|&t| tf.referrers(model, mig, t, "target"))
        .collect();
    let m = model.tf(mig);
    if let Some(name) = m.value("name").and_then(Value::as_str) {
        for &t in &types {
            out.extend(tf.of_type(t).iter().copied().filter(|&a| {
                let s = model.tf(a);
                s.root == m.root
                    && s.value("target")
                        .and_then(Value::as_str)
                        .is_some_and(|url| url.rsplit('/').next() == Some(name))
            }));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn mig<'a>(model: &'a Model, tf: &TfFacts, id: ResourceId) -> Floor<'a> {
    let r = model.tf(id);
    for a in autoscalers(model, tf, id) {
        let s = model.tf(a);
        let unknown = |attr: &Attr, name: &str| Floor::Unknown {
            label: Label::new(s.source, attr.span, ""),
            why: format!(
                "{} of its autoscaler {} is not known statically",
                shown(name, attr),
                s.address
            ),
            help: KNOWABLE.to_string(),
        };
        let Some(policy) = s.body.block("autoscaling_policy") else {
            continue;
        };
        if let Some(mode) = set(&policy.body, "mode") {
            match mode.value.as_str() {
                // An autoscaler that is off does not resize the group.
                Some("OFF") => continue,
                Some(_) => {}
                None => return unknown(mode, "mode"),
            }
        }
        return match set(&policy.body, "min_replicas") {
            Some(m) => match m.value.as_i64() {
                Some(n) => Floor::Known(Size {
                    lo: n,
                    hi: Some(n),
                    scales: true,
                    label: Label::new(s.source, m.span, format!("min_replicas = {n}")),
                    shown: format!("min_replicas = {n} of {}", s.address),
                    setting: format!("min_replicas of {}", s.address),
                    per_zone: false,
                    also: vec![s.header_label(format!("{} scales {}", s.address, r.address))],
                }),
                None => unknown(m, "min_replicas"),
            },
            None => Floor::Unknown {
                label: Label::new(s.source, policy.span, ""),
                why: format!(
                    "its autoscaler {} sets no min_replicas (the autoscaler then chooses one)",
                    s.address
                ),
                help: "set min_replicas in the autoscaler's autoscaling_policy".to_string(),
            },
        };
    }
    // An autoscaler whose target is not known may be this group's.
    let maybe = [google::AUTOSCALER, google::REGION_AUTOSCALER]
        .into_iter()
        .flat_map(|t| tf.maybe_referrers(model, id, t, "target"))
        .next();
    if let Some(a) = maybe {
        let s = model.tf(a);
        return Floor::Unknown {
            label: s.attr_label("target", ""),
            why: format!(
                "the target of autoscaler {} is not known statically, and it may scale this group",
                s.address
            ),
            help: KNOWABLE.to_string(),
        };
    }
    match set(&r.body, "target_size") {
        Some(a) => fixed(r, "target_size", a, false),
        None => Floor::Known(Size {
            lo: 0,
            hi: Some(0),
            scales: false,
            label: r.header_label("no target_size: the provider's default is 0"),
            shown: "no target_size: the provider's default is 0; no autoscaler".to_string(),
            setting: "target_size".to_string(),
            per_zone: false,
            also: Vec::new(),
        }),
    }
}

fn aks<'a>(r: &'a TfResource, body: &'a Body, at: crate::model::Span, prefix: &str) -> Floor<'a> {
    let switch = ["auto_scaling_enabled", "enable_auto_scaling"]
        .into_iter()
        .find_map(|name| Some((name, set(body, name)?)));
    let scales = match switch {
        Some((name, a)) => match a.value.as_bool() {
            Some(on) => on,
            None => {
                return Floor::UnknownValue {
                    name: format!("{prefix}{name}"),
                    attr: a,
                };
            }
        },
        // An opt-in left out: the autoscaler is not enabled.
        None => false,
    };
    let name = if scales { "min_count" } else { "node_count" };
    match set(body, name) {
        Some(a) => fixed(r, &format!("{prefix}{name}"), a, scales),
        None => Floor::Unknown {
            label: Label::new(r.source, at, ""),
            why: format!(
                "it sets no {prefix}{name}{}, and the provider documents no default",
                if scales {
                    " although auto scaling is enabled"
                } else {
                    ""
                }
            ),
            help: format!("set {prefix}{name}"),
        },
    }
}

fn scale_set<'a>(model: &'a Model, tf: &TfFacts, id: ResourceId) -> Floor<'a> {
    let r = model.tf(id);
    let settings = tf.referrers(
        model,
        id,
        azure::MONITOR_AUTOSCALE_SETTING,
        "target_resource_id",
    );
    for a in settings {
        let s = model.tf(a);
        let unknown = |attr: &Attr, name: &str| Floor::Unknown {
            label: Label::new(s.source, attr.span, ""),
            why: format!(
                "{} of its autoscale setting {} is not known statically",
                shown(name, attr),
                s.address
            ),
            help: KNOWABLE.to_string(),
        };
        if let Some(on) = set(&s.body, "enabled") {
            match on.value.as_bool() {
                Some(false) => continue,
                Some(true) => {}
                None => return unknown(on, "enabled"),
            }
        }
        // The lowest minimum of its profiles: any profile may be the one in force.
        let mut lowest: Option<(i64, &Attr)> = None;
        for p in s.body.blocks("profile") {
            let Some(m) = p
                .body
                .block("capacity")
                .and_then(|c| c.body.attr("minimum"))
            else {
                continue;
            };
            match m.value.as_i64() {
                Some(n) if !p.unknown_count => {
                    if lowest.is_none_or(|(l, _)| n < l) {
                        lowest = Some((n, m));
                    }
                }
                _ => return unknown(m, "capacity.minimum"),
            }
        }
        if let Some((n, m)) = lowest {
            return Floor::Known(Size {
                lo: n,
                hi: Some(n),
                scales: true,
                label: Label::new(s.source, m.span, format!("minimum = {n}")),
                shown: format!("capacity.minimum = {n} in {}", s.address),
                setting: format!("the capacity minimum of {}", s.address),
                per_zone: false,
                also: vec![s.header_label(format!("{} scales {}", s.address, r.address))],
            });
        }
    }
    match set(&r.body, "instances") {
        Some(a) => fixed(r, "instances", a, false),
        None if r.rtype == azure::LINUX_VIRTUAL_MACHINE_SCALE_SET => Floor::Known(Size {
            lo: 0,
            hi: Some(0),
            scales: false,
            label: r.header_label("no instances: the provider's default is 0"),
            shown: "no instances: the provider's default is 0; no autoscale setting".to_string(),
            setting: "instances".to_string(),
            per_zone: false,
            also: Vec::new(),
        }),
        None => Floor::Unknown {
            label: r.header_label(""),
            why: "it sets no instances and has no autoscale setting, and the provider documents no default".to_string(),
            help: "set instances, or scale it with an azurerm_monitor_autoscale_setting".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans one `main.tf` and returns the scan.
    fn scan(main_tf: &str) -> (tempfile::TempDir, crate::Scan) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), main_tf).unwrap();
        let scan =
            crate::scan_with(&[dir.path().to_path_buf()], &crate::ScanOptions::default()).unwrap();
        (dir, scan)
    }

    fn id(scan: &crate::Scan, address: &str) -> ResourceId {
        scan.model
            .tf_iter()
            .find(|(_, r)| r.address == address)
            .map(|(id, _)| id)
            .unwrap_or_else(|| panic!("no {address}"))
    }

    /// `(lo, hi, shown)` of a group's floor, or what else it is.
    fn floor_of(scan: &crate::Scan, address: &str) -> Result<(i64, Option<i64>, String), String> {
        match floor(&scan.model, &scan.facts.tf, id(scan, address)) {
            Floor::Known(s) => Ok((s.lo, s.hi, s.shown)),
            Floor::Unset => Err("unset".to_string()),
            Floor::UnknownValue { name, .. } => Err(format!("unknown {name}")),
            Floor::Unknown { why, .. } => Err(why),
        }
    }

    #[test]
    fn gke_counts_per_zone_are_multiplied_by_the_zones() {
        let (_dir, scan) = scan(
            r#"
variable "location" {
  type = string
}

resource "google_container_cluster" "regional" {
  name                     = "regional"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
}

resource "google_container_cluster" "zonal" {
  name               = "zonal"
  location           = "us-central1-a"
  node_locations     = ["us-central1-b"]
  initial_node_count = 2
}

resource "google_container_node_pool" "three" {
  name       = "three"
  cluster    = google_container_cluster.regional.id
  node_count = 1
}

resource "google_container_node_pool" "one_zone" {
  name           = "one-zone"
  cluster        = google_container_cluster.regional.id
  node_locations = ["us-central1-c"]
  node_count     = 1
}

resource "google_container_node_pool" "unknown" {
  name       = "unknown"
  cluster    = "elsewhere"
  location   = var.location
  node_count = 1
}

resource "google_container_node_pool" "zero" {
  name     = "zero"
  cluster  = "elsewhere"
  location = var.location

  autoscaling {
    min_node_count = 0
    max_node_count = 3
  }
}

resource "google_container_node_pool" "total" {
  name    = "total"
  cluster = google_container_cluster.regional.id

  autoscaling {
    total_min_node_count = 1
    total_max_node_count = 6
  }
}
"#,
        );
        let three = floor_of(&scan, "google_container_node_pool.three").unwrap();
        assert_eq!((three.0, three.1), (3, Some(3)), "{}", three.2);
        assert_eq!(
            three.2,
            "node_count = 1 per zone × 3 zones (chosen by GKE in the region)"
        );
        let one = floor_of(&scan, "google_container_node_pool.one_zone").unwrap();
        assert_eq!((one.0, one.1), (1, Some(1)));
        // A location that is a zone or a region: at least one zone, no upper bound.
        let unknown = floor_of(&scan, "google_container_node_pool.unknown").unwrap();
        assert_eq!((unknown.0, unknown.1), (1, None));
        let zero = floor_of(&scan, "google_container_node_pool.zero").unwrap();
        assert_eq!((zero.0, zero.1), (0, Some(0)));
        let total = floor_of(&scan, "google_container_node_pool.total").unwrap();
        assert_eq!((total.0, total.1), (1, Some(1)));
        // The zonal cluster keeps its default pool: its zone plus node_locations, 2 per zone.
        let zonal = floor_of(&scan, "google_container_cluster.zonal").unwrap();
        assert_eq!((zonal.0, zonal.1), (4, Some(4)), "{}", zonal.2);
        assert_eq!(
            floor_of(&scan, "google_container_cluster.regional").unwrap_err(),
            "unset"
        );
    }

    #[test]
    fn autoscalers_set_the_floor_of_what_they_scale() {
        let (_dir, scan) = scan(
            r#"
resource "google_compute_region_instance_group_manager" "by_url" {
  name               = "by-url"
  region             = "us-central1"
  base_instance_name = "by-url"
  target_size        = 1
}

resource "google_compute_region_autoscaler" "by_url" {
  name   = "by-url"
  region = "us-central1"
  target = "projects/p/regions/us-central1/instanceGroupManagers/by-url"

  autoscaling_policy {
    min_replicas = 3
    max_replicas = 9
  }
}

resource "google_compute_region_instance_group_manager" "off" {
  name               = "off"
  region             = "us-central1"
  base_instance_name = "off"
  target_size        = 4
}

resource "google_compute_region_autoscaler" "off" {
  name   = "off"
  region = "us-central1"
  target = google_compute_region_instance_group_manager.off.id

  autoscaling_policy {
    mode         = "OFF"
    min_replicas = 1
    max_replicas = 9
  }
}

resource "google_compute_instance_group_manager" "bare" {
  name               = "bare"
  zone               = "us-central1-a"
  base_instance_name = "bare"
}

resource "azurerm_linux_virtual_machine_scale_set" "web" {
  name                = "web"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard_D2s_v5"
  instances           = 5
}

resource "azurerm_monitor_autoscale_setting" "web" {
  name                = "web"
  location            = "westeurope"
  resource_group_name = "rg"
  target_resource_id  = azurerm_linux_virtual_machine_scale_set.web.id

  profile {
    name = "day"
    capacity {
      default = 3
      minimum = 2
      maximum = 9
    }
  }

  profile {
    name = "night"
    capacity {
      default = 1
      minimum = 1
      maximum = 3
    }
  }
}

resource "azurerm_orchestrated_virtual_machine_scale_set" "bare" {
  name                        = "bare"
  location                    = "westeurope"
  resource_group_name         = "rg"
  platform_fault_domain_count = 1
}
"#,
        );
        let by_url =
            floor_of(&scan, "google_compute_region_instance_group_manager.by_url").unwrap();
        assert_eq!(by_url.0, 3, "{}", by_url.2);
        let off = floor_of(&scan, "google_compute_region_instance_group_manager.off").unwrap();
        assert_eq!(off.0, 4, "an autoscaler that is off leaves target_size");
        let bare = floor_of(&scan, "google_compute_instance_group_manager.bare").unwrap();
        assert_eq!(bare.0, 0, "target_size defaults to 0");
        let vmss = floor_of(&scan, "azurerm_linux_virtual_machine_scale_set.web").unwrap();
        assert_eq!(vmss.0, 1, "the lowest minimum of the profiles: {}", vmss.2);
        let orchestrated =
            floor_of(&scan, "azurerm_orchestrated_virtual_machine_scale_set.bare").unwrap_err();
        assert!(
            orchestrated.contains("documents no default"),
            "{orchestrated}"
        );
    }

    #[test]
    fn aks_reads_min_count_only_with_auto_scaling() {
        let (_dir, scan) = scan(
            r#"
resource "azurerm_kubernetes_cluster_node_pool" "v4" {
  name                  = "v4"
  kubernetes_cluster_id = "id"
  auto_scaling_enabled  = true
  min_count             = 1
  node_count            = 3
}

resource "azurerm_kubernetes_cluster_node_pool" "off" {
  name                  = "off"
  kubernetes_cluster_id = "id"
  node_count            = 3
}

resource "azurerm_kubernetes_cluster" "v3" {
  name                = "v3"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "v3"

  default_node_pool {
    name                = "system"
    enable_auto_scaling = true
    node_count          = 3
  }
}
"#,
        );
        let v4 = floor_of(&scan, "azurerm_kubernetes_cluster_node_pool.v4").unwrap();
        assert_eq!((v4.0, v4.2.as_str()), (1, "min_count = 1"));
        let off = floor_of(&scan, "azurerm_kubernetes_cluster_node_pool.off").unwrap();
        assert_eq!(off.0, 3);
        let v3 = floor_of(&scan, "azurerm_kubernetes_cluster.v3").unwrap_err();
        assert!(v3.contains("default_node_pool.min_count"), "{v3}");
    }

    #[test]
    fn gke_clusters_run_nodes_while_they_keep_their_default_pool() {
        let (_dir, scan) = scan(
            r#"
variable "remove" {
  type = bool
}

resource "google_container_cluster" "kept" {
  name               = "kept"
  location           = "us-central1"
  initial_node_count = 1
}

resource "google_container_cluster" "autopilot" {
  name             = "autopilot"
  location         = "us-central1"
  enable_autopilot = true
}

resource "google_container_cluster" "removed" {
  name                     = "removed"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
}

resource "google_container_cluster" "inline" {
  name     = "inline"
  location = "us-central1"

  node_pool {
    name       = "pool"
    node_count = 1
  }
}

resource "google_container_cluster" "unknown" {
  name                     = "unknown"
  location                 = "us-central1"
  remove_default_node_pool = var.remove
  initial_node_count       = 1
}
"#,
        );
        let runs = |a: &str| match runs_machines(scan.model.tf(id(&scan, a))) {
            Runs::Yes => "yes",
            Runs::No => "no",
            Runs::Unknown(..) => "unknown",
        };
        assert_eq!(runs("google_container_cluster.kept"), "yes");
        assert_eq!(runs("google_container_cluster.autopilot"), "no");
        assert_eq!(runs("google_container_cluster.removed"), "no");
        assert_eq!(runs("google_container_cluster.inline"), "no");
        assert_eq!(runs("google_container_cluster.unknown"), "unknown");
    }

    #[test]
    fn azure_zone_numbers_are_named_as_zones() {
        let zones = |names: &[&str]| Zones {
            known: names.iter().map(|s| s.to_string()).collect(),
            listed: true,
            ..Zones::default()
        };
        assert_eq!(zones(&["1"]).list(), "zone 1");
        assert_eq!(
            zones(&["1", "2"]).spans(),
            "2 availability zones (zones 1, 2)"
        );
        assert_eq!(zones(&["us-east-1a"]).list(), "us-east-1a");
    }
}
