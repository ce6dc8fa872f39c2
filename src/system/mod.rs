//! The system view: a dependency graph built from the model and the facts, the failure
//! domains it has, what each failure does to it (scenarios) and the availability, RTO and RPO
//! it can claim.
//!
//! - [`build`] turns facts into [`Component`]s and the three paths: serving (public names →
//!   DNS providers → entry points → compute → data stores, keys and secrets), control (cluster
//!   control planes) and deploy (CI systems, GitOps engines → git hosts, registries). Edges
//!   come from evidence only (Terraform references, selectors, the configuration's
//!   `system.depends_on`); what is missing makes a path *unknown*, never *up*.
//! - [`eval`] says what a set of lost failure domains does to a component and a path, and
//!   composes availability along a path.
//! - [`scenario`] enumerates the failure domains and evaluates one scenario per domain, and the
//!   estimate table.
//!
//! Every figure comes from [`figures`] (shipped, sourced, overridable).

pub mod build;
pub mod eval;
pub mod figures;
pub mod scenario;
pub mod settings;

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::finding::Layer;
use crate::model::{ResourceId, SourceId, Span};

pub use eval::{Expr, Health, Outcome, Switch};
pub use scenario::{Domain, Impact, Scenario};
pub use settings::{Reference, SystemSettings, Targets};

/// Index of a component in [`System::components`].
pub type CompId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompKind {
    DnsProvider,
    EntryPoint,
    Compute,
    DataStore,
    Key,
    Secret,
    ControlPlane,
    GitOps,
    CiSystem,
    GitHost,
    Registry,
}

impl CompKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CompKind::DnsProvider => "DNS provider",
            CompKind::EntryPoint => "entry point",
            CompKind::Compute => "compute",
            CompKind::DataStore => "data store",
            CompKind::Key => "key",
            CompKind::Secret => "secret",
            CompKind::ControlPlane => "control plane",
            CompKind::GitOps => "GitOps engine",
            CompKind::CiSystem => "CI system",
            CompKind::GitHost => "git host",
            CompKind::Registry => "registry",
        }
    }

    pub fn layer(self) -> Layer {
        match self {
            CompKind::DnsProvider => Layer::Dns,
            CompKind::EntryPoint => Layer::Network,
            CompKind::Compute => Layer::Compute,
            CompKind::DataStore => Layer::Data,
            CompKind::Key | CompKind::Secret => Layer::Security,
            CompKind::ControlPlane => Layer::Control,
            CompKind::GitOps | CompKind::GitHost => Layer::Gitops,
            CompKind::CiSystem | CompKind::Registry => Layer::Cicd,
        }
    }
}

/// Where the copies of a component in one region are, zone-wise.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Zones {
    /// The provider keeps it in several zones of the region (S3, DynamoDB, KMS, a managed
    /// control plane): it survives the loss of one.
    Managed,
    /// Copies in these zones; `unknown` entries (subnets) whose zone is not known statically.
    Named {
        zones: BTreeSet<String>,
        unknown: usize,
    },
    /// `copies` copies that are spread over zones whose names are not known (pods with a zone
    /// spread, a Multi-AZ database's primary and standby).
    Spread { copies: i64 },
    /// `copies` copies with nothing placing or spreading them over zones.
    Unplaced { copies: i64 },
}

/// One copy of a component in one region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Copy {
    /// `None` when not known statically.
    pub region: Option<String>,
    pub zones: Zones,
    /// A standby (a secondary region, a read replica): it takes over through a failover.
    pub standby: bool,
}

/// Where a component runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "copies")]
pub enum Place {
    /// A provider's global service (DNS, a SaaS git host or CI): lost only with its provider.
    Global,
    Copies(Vec<Copy>),
}

/// How much data a failover or a loss can cost.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "seconds")]
pub enum Rpo {
    /// Synchronous copies: nothing.
    Zero,
    /// Asynchronous replication: up to this many seconds of writes.
    Seconds(u64),
    /// No copy outside the failed domain: the data written since the last backup that is
    /// kept elsewhere (or all of it).
    Unbounded,
}

impl fmt::Display for Rpo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rpo::Zero => f.write_str("0"),
            Rpo::Seconds(s) => f.write_str(&settings::show_duration(*s)),
            Rpo::Unbounded => f.write_str("unbounded"),
        }
    }
}

/// How a stateful component recovers from the loss of its writer's zone or region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failover {
    pub automatic: bool,
    /// Seconds from the failure until it serves again (a person's response included when
    /// the failover is not automatic).
    pub seconds: u64,
    pub rpo: Rpo,
    /// What happens, for reports (`Aurora promotes a reader`).
    pub how: String,
}

/// A part of the system that fails as one: a load balancer, a node group, a database with its
/// replicas, a DNS provider, a git host.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// Unique: the Terraform address, `Kind/namespace/name`, or `dns:Route 53`.
    pub key: String,
    pub kind: CompKind,
    #[serde(skip)]
    pub res: Option<ResourceId>,
    pub place: Place,
    /// The provider whose outage takes it down (`Route 53`, `github.com`).
    pub provider: Option<String>,
    /// The key of the availability figure for one copy.
    pub figure: Option<&'static str>,
    /// Stateful components: how the loss of the writer's zone is recovered (`None`: no
    /// standby in another zone).
    pub zone_failover: Option<Failover>,
    /// How the loss of the writer's region is recovered (`None`: no copy in another region).
    pub region_failover: Option<Failover>,
    /// Seconds before traffic stops going to a lost copy (health checks).
    pub detect: u64,
    /// Seconds after which copies lost with a zone are recreated in another zone by
    /// themselves (Kubernetes evicting the pods of unreachable nodes); `None` when they are not.
    pub reschedule: Option<u64>,
    pub stateful: bool,
    /// What it needs, in series: data stores, keys, secrets.
    pub deps: Vec<CompId>,
    /// Why a dependency is a dependency (parallel to `deps`).
    pub dep_evidence: Vec<String>,
}

impl Component {
    /// A component with nothing but its identity and place: no provider, figure, failover,
    /// detection time or dependency yet.
    pub fn new(key: String, kind: CompKind, res: Option<ResourceId>, place: Place) -> Component {
        Component {
            key,
            kind,
            res,
            place,
            provider: None,
            figure: None,
            zone_failover: None,
            region_failover: None,
            detect: 0,
            reschedule: None,
            stateful: false,
            deps: Vec::new(),
            dep_evidence: Vec::new(),
        }
    }

    pub fn layer(&self) -> Layer {
        self.kind.layer()
    }
}

/// One public DNS name and, per DNS provider serving it, what the provider answers with.
#[derive(Clone, Debug)]
pub struct Name {
    pub fqdn: String,
    pub answers: Vec<(CompId, Expr)>,
    /// DNS providers that host the name's zone but hold no record of it in the scan (records
    /// synced by zone transfer or another tool would not show): when every provider that
    /// answers is lost, whether these answer is not known.
    pub also_hosted: Vec<CompId>,
}

/// A root of the serving path.
#[derive(Clone, Debug)]
pub enum Root {
    /// A public name, through its DNS providers.
    Name(Name),
    /// An entry point no DNS record of the scan leads to (its name is served elsewhere): a
    /// load balancer, a LoadBalancer Service, or an Ingress (by its `Kind/namespace/name`),
    /// with its path.
    Entry(String, Expr),
}

impl Root {
    /// The components of its path: for a name, its DNS providers first, then their answers'.
    pub fn components(&self, out: &mut Vec<CompId>) {
        match self {
            Root::Name(n) => {
                for (p, a) in &n.answers {
                    out.push(*p);
                    a.components(out);
                }
            }
            Root::Entry(_, e) => e.components(out),
        }
    }

    /// Why parts of its path are not known.
    pub fn unknowns(&self, out: &mut Vec<String>) {
        match self {
            Root::Name(n) => n.answers.iter().for_each(|(_, a)| a.unknowns(out)),
            Root::Entry(_, e) => e.unknowns(out),
        }
    }

    /// What the lost domains do to it.
    pub fn eval(&self, sys: &System, lost: eval::Lost<'_>) -> Outcome {
        match self {
            Root::Name(n) => n.eval(sys, lost),
            Root::Entry(_, e) => e.eval(sys, lost),
        }
    }

    /// Its availability estimate (`None` when a part is unknown).
    pub fn availability(&self, sys: &System) -> Option<f64> {
        match self {
            Root::Name(n) => n.availability(sys),
            Root::Entry(_, e) => e.normalize().availability(sys),
        }
    }

    pub fn title(&self) -> String {
        match self {
            Root::Name(n) => n.fqdn.clone(),
            Root::Entry(title, _) => title.clone(),
        }
    }
}

/// A location in a file for findings (a resource or a configuration line).
#[derive(Clone, Copy, Debug)]
pub struct At {
    pub source: SourceId,
    pub span: Span,
}

/// A configuration reference that names nothing in the scan.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub reference: Reference,
    pub why: String,
}

/// The system view of one scan.
#[derive(Debug, Default)]
pub struct System {
    pub components: Vec<Component>,
    pub roots: Vec<Root>,
    /// The deploy path: alternatives, each a route (an engine or a CI system with what it
    /// needs). `None` when the scan holds no deploy route.
    pub deploy: Option<Expr>,
    /// Cluster control planes.
    pub control: Vec<CompId>,
    pub figures: figures::Figures,
    pub settings: SystemSettings,
    /// Whether the system is meant to survive a region (`expect: region`).
    pub expect_region: bool,
    pub scenarios: Vec<Scenario>,
    pub estimate: scenario::Estimate,
    /// Configuration references that name nothing in the scan.
    pub unresolved: Vec<Unresolved>,
    /// The configuration file as a source of the model, when it declares references.
    pub config_source: Option<SourceId>,
}

impl System {
    pub fn comp(&self, id: CompId) -> &Component {
        &self.components[id]
    }

    pub fn find(&self, key: &str) -> Option<CompId> {
        self.components.iter().position(|c| c.key == key)
    }

    /// The Terraform load balancers a public name's answers lead to, through every DNS
    /// provider (aliases to other records and Cloudflare pools followed).
    pub fn load_balancers_of(&self, fqdn: &str) -> Vec<ResourceId> {
        let mut comps = Vec::new();
        for root in &self.roots {
            if matches!(root, Root::Name(n) if n.fqdn == fqdn) {
                root.components(&mut comps);
            }
        }
        comps.sort_unstable();
        comps.dedup();
        comps
            .into_iter()
            .filter(|&c| {
                let c = &self.components[c];
                c.kind == CompKind::EntryPoint && c.provider.is_none()
            })
            .filter_map(|c| self.components[c].res)
            .collect()
    }

    /// The component of root `i`'s path that limits its availability most: of its
    /// least available answer (or its path), the least available component in series.
    pub fn weakest_link(&self, i: usize) -> Option<CompId> {
        let paths: Vec<Expr> = match self.roots.get(i)? {
            Root::Name(n) => n.answers.iter().map(|(_, a)| a.normalize()).collect(),
            Root::Entry(_, e) => vec![e.normalize()],
        };
        let worst = paths.iter().min_by(|a, b| {
            let (x, y) = (a.availability(self), b.availability(self));
            x.unwrap_or(0.0).total_cmp(&y.unwrap_or(0.0))
        })?;
        let series = worst.series_leaves();
        let candidates: Vec<CompId> = if series.is_empty() {
            let mut all = Vec::new();
            worst.components(&mut all);
            all
        } else {
            series
        };
        candidates.into_iter().min_by(|a, b| {
            let x = eval::component_availability(self, *a).unwrap_or(1.0);
            let y = eval::component_availability(self, *b).unwrap_or(1.0);
            x.total_cmp(&y)
        })
    }

    /// The first component of root `i`'s path that is a resource of the scan (where a
    /// finding about the root can point when nothing else names the cause).
    pub fn first_located(&self, i: usize) -> Option<CompId> {
        let mut comps = Vec::new();
        self.roots.get(i)?.components(&mut comps);
        comps
            .into_iter()
            .find(|&c| self.components[c].res.is_some())
    }

    /// Whether the scan has anything to say about the system.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty() && self.deploy.is_none() && self.control.is_empty()
    }
}
