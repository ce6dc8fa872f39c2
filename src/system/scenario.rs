//! Failure domains, one scenario per domain (what fails, whether each public name still
//! answers, what happens to data and deployments, how long until it recovers), and the
//! availability / RTO / RPO estimate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::eval::{self, Lost, Outcome, component, component_availability};
use super::{CompId, CompKind, Component, Place, Rpo, System, Zones};

/// Something that fails as one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum Domain {
    Zone(String),
    /// The one zone that hurts most, when zones are not named (pods spread over zones).
    AnyZone,
    Region(String),
    /// A DNS provider, a git host, a hosted CI service: everything that names it.
    Provider(String),
    CiSystem(String),
    GitOps(String),
    ControlPlane(String),
    Component(String),
}

/// Lowercase, without spaces: `Route 53` and `route53` name one provider.
fn simple(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Domain {
    /// Parses `zone:us-east-1a`, `zone:any`, `region:...`, `provider:github.com`,
    /// `ci:github-actions`, `gitops:argocd`, `control-plane:<component>`,
    /// `component:<component>`.
    pub fn parse(text: &str) -> Result<Domain, String> {
        let (kind, name) = text.split_once(':').ok_or_else(|| {
            format!("`{text}` is not KIND:NAME (zone, region, provider, ci, gitops, control-plane, component)")
        })?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("`{text}` names nothing after `{kind}:`"));
        }
        Ok(match kind {
            "zone" if name == "any" => Domain::AnyZone,
            "zone" => Domain::Zone(name.to_string()),
            "region" => Domain::Region(name.to_string()),
            "provider" => Domain::Provider(name.to_string()),
            "ci" => Domain::CiSystem(name.to_string()),
            "gitops" => Domain::GitOps(name.to_string()),
            "control-plane" => Domain::ControlPlane(name.to_string()),
            "component" => Domain::Component(name.to_string()),
            _ => {
                return Err(format!(
                    "unknown failure domain kind `{kind}` (zone, region, provider, ci, gitops, control-plane, component)"
                ));
            }
        })
    }

    /// The `--lose` spelling.
    pub fn spec(&self) -> String {
        match self {
            Domain::Zone(z) => format!("zone:{z}"),
            Domain::AnyZone => "zone:any".to_string(),
            Domain::Region(r) => format!("region:{r}"),
            Domain::Provider(p) => format!("provider:{p}"),
            Domain::CiSystem(c) => format!("ci:{c}"),
            Domain::GitOps(e) => format!("gitops:{e}"),
            Domain::ControlPlane(k) => format!("control-plane:{k}"),
            Domain::Component(k) => format!("component:{k}"),
        }
    }

    /// How reports name it: `zone us-east-1a`, `any one zone`.
    pub fn title(&self) -> String {
        match self {
            Domain::Zone(z) => format!("zone {z}"),
            Domain::AnyZone => "any one zone".to_string(),
            Domain::Region(r) => format!("region {r}"),
            Domain::Provider(p) => format!("provider {p}"),
            Domain::CiSystem(c) => format!("CI system {c}"),
            Domain::GitOps(e) => format!("GitOps engine {e}"),
            Domain::ControlPlane(k) => format!("control plane {k}"),
            Domain::Component(k) => format!("all of {k}"),
        }
    }

    /// Whether two domains name the same thing (`provider:route53` is `provider:Route 53`).
    pub fn same(&self, other: &Domain) -> bool {
        match (self, other) {
            (Domain::Provider(a), Domain::Provider(b)) => simple(a) == simple(b),
            _ => self == other,
        }
    }

    /// Why `c` is lost whole with this domain, if it is.
    pub fn takes_whole(&self, c: &Component) -> Option<String> {
        let hit = match self {
            Domain::Provider(p) => c
                .provider
                .as_deref()
                .is_some_and(|cp| simple(cp) == simple(p)),
            Domain::CiSystem(k) => c.kind == CompKind::CiSystem && c.key == format!("ci:{k}"),
            Domain::GitOps(e) => c.kind == CompKind::GitOps && c.key == format!("gitops:{e}"),
            Domain::ControlPlane(k) => c.kind == CompKind::ControlPlane && c.key == *k,
            Domain::Component(k) => c.key == *k,
            Domain::Zone(_) | Domain::AnyZone | Domain::Region(_) => false,
        };
        hit.then(|| format!("{} is lost with {}", c.key, self.title()))
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title())
    }
}

/// What a scenario does, least harmful first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    NoImpact,
    DeploymentsDelayed,
    ReducedCapacity,
    /// What it does cannot be known statically (the reasons are in the scenario's notes).
    Unknown,
    DataAtRisk,
    ServingOutage,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::NoImpact => "no impact",
            Impact::DeploymentsDelayed => "deployments delayed",
            Impact::ReducedCapacity => "reduced capacity",
            Impact::Unknown => "unknown",
            Impact::DataAtRisk => "data at risk",
            Impact::ServingOutage => "serving outage",
        }
    }
}

/// One failure (of one domain, or of several with `simulate`) and what it does.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub lost: Vec<Domain>,
    pub impact: Impact,
    /// The system is meant to survive it (a zone, a provider with an alternative, a region
    /// with `expect: region`, a GitOps engine or CI system that only delays deployments).
    pub expected: bool,
    /// Per serving root (public name or entry point): what happens to it.
    pub serving: Vec<(String, Outcome)>,
    pub deploy: Option<Outcome>,
    pub control: Vec<(String, Outcome)>,
    /// Stateful components hit: failed over, or down.
    pub data: Vec<(String, Outcome)>,
    /// Recovery needs a person.
    pub manual: bool,
    /// Seconds until the failure is detected.
    pub detection: u64,
    /// Seconds until serving as before (RTO); `None` when it does not recover without the
    /// domain coming back.
    pub recovery: Option<u64>,
    pub rpo: Option<Rpo>,
    /// The component to point at: the first down, else the one recovering slowest.
    #[serde(skip)]
    pub weakest: Option<CompId>,
    /// Why parts of it are unknown.
    pub unknown: Vec<String>,
}

impl Scenario {
    /// What is lost, as reports name it: `region us-east-1 + provider Cloudflare`.
    pub fn lost_title(&self) -> String {
        self.lost
            .iter()
            .map(Domain::title)
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// Evaluates the loss of `lost` together.
pub fn run(sys: &System, lost: &[Domain]) -> Scenario {
    let all: Vec<usize> = (0..sys.roots.len()).collect();
    let stateful: Vec<CompId> = (0..sys.components.len())
        .filter(|&c| sys.components[c].stateful)
        .collect();
    run_scoped(sys, lost, &all, &stateful, true)
}

/// [`run`] over the roots `roots` and the stateful components `stateful` only (the others
/// are known not to hold what is lost), with the deploy and control paths when `paths`.
fn run_scoped(
    sys: &System,
    lost: &[Domain],
    roots: &[usize],
    stateful: &[CompId],
    paths: bool,
) -> Scenario {
    let l = Lost { domains: lost };
    let serving: Vec<(String, Outcome)> = roots
        .iter()
        .map(|&i| {
            let root = &sys.roots[i];
            (root.title(), root.eval(sys, l))
        })
        .collect();
    let deploy = sys
        .deploy
        .as_ref()
        .filter(|_| paths)
        .map(|d| d.eval(sys, l));
    let control: Vec<(String, Outcome)> = sys
        .control
        .iter()
        .filter(|_| paths)
        .map(|&c| (sys.components[c].key.clone(), component(sys, c, l)))
        .collect();
    let data: Vec<(String, Outcome)> = stateful
        .iter()
        .map(|&i| (sys.components[i].key.clone(), component(sys, i, l)))
        .filter(|(_, o)| o.health != eval::Health::Up || o.rpo.is_some() || o.recovery > 0)
        .collect();
    let mut impact = Impact::NoImpact;
    let mut raise = |i: Impact| impact = impact.max(i);
    let mut unknown = Vec::new();
    let mut manual = false;
    let (mut detection, mut recovery, mut recovers) = (0, 0, true);
    let mut rpo: Option<Rpo> = None;
    let mut weakest: Option<CompId> = None;
    let mut slowest = 0;
    for (_, o) in &serving {
        match o.health {
            eval::Health::Down => {
                raise(Impact::ServingOutage);
                recovers = false;
                weakest = weakest.or(o.down.first().copied());
            }
            eval::Health::Unknown => {
                raise(Impact::Unknown);
                unknown.extend(o.notes.iter().cloned());
            }
            eval::Health::Reduced => raise(Impact::ReducedCapacity),
            eval::Health::Up => {}
        }
        if o.health.alive() {
            if o.manual || o.interrupted {
                // Down until a person fails over, or until it recovers by itself.
                raise(Impact::ServingOutage);
            }
            if o.recovery > slowest {
                slowest = o.recovery;
                if weakest.is_none() {
                    weakest = o.failed_over.first().copied().or(o.down.first().copied());
                }
            }
            recovery = recovery.max(o.recovery);
            detection = detection.max(o.detection);
            manual |= o.manual;
        }
    }
    for (_, o) in &data {
        if o.health == eval::Health::Down && o.rpo == Some(Rpo::Unbounded) {
            raise(Impact::DataAtRisk);
            weakest = weakest.or(o.down.first().copied());
        }
        if let Some(r) = &o.rpo {
            rpo = Some(rpo.map_or(r.clone(), |x| x.max(r.clone())));
        }
    }
    let deploy_hit = deploy
        .as_ref()
        .is_some_and(|d| !d.health.alive() || d.manual || !d.down.is_empty());
    let control_hit = control.iter().any(|(_, o)| !o.health.alive());
    if deploy_hit || control_hit {
        raise(Impact::DeploymentsDelayed);
    }
    if let Some(d) = &deploy
        && d.health == eval::Health::Unknown
    {
        unknown.extend(d.notes.iter().cloned());
        if impact == Impact::NoImpact {
            impact = Impact::Unknown;
        }
    }
    if weakest.is_none() && impact > Impact::NoImpact {
        // Nothing went down or failed over by name: point at the first component with a
        // resource on the path of the first root hit.
        let hit = roots
            .iter()
            .zip(&serving)
            .find(|(_, (_, o))| o.health != eval::Health::Up || o.manual || o.interrupted);
        weakest = hit.and_then(|(&i, _)| sys.first_located(i));
    }
    let expected = lost.iter().all(|d| expected(sys, d));
    unknown.dedup();
    Scenario {
        lost: lost.to_vec(),
        impact,
        expected,
        serving,
        deploy,
        control,
        data,
        manual,
        detection,
        recovery: recovers.then_some(recovery),
        rpo,
        weakest,
        unknown,
    }
}

/// Whether the system is meant to survive `d`.
fn expected(sys: &System, d: &Domain) -> bool {
    match d {
        Domain::Region(_) => sys.expect_region,
        Domain::Component(_) => false,
        _ => true,
    }
}

/// The failure domains of the system: its zones (or any one zone when no zone is named), its
/// regions, providers, CI systems, GitOps engines, control planes, then every component of the
/// serving path whose loss alone takes a public name down (the system's single points of
/// failure).
pub fn domains(sys: &System) -> Vec<Domain> {
    let mut zones = BTreeSet::new();
    let mut unnamed = false;
    let mut regions = BTreeSet::new();
    let mut providers = BTreeSet::new();
    for c in &sys.components {
        if let Place::Copies(copies) = &c.place {
            for copy in copies {
                if let Some(r) = &copy.region {
                    regions.insert(r.clone());
                }
                match &copy.zones {
                    Zones::Named { zones: z, .. } => zones.extend(z.iter().cloned()),
                    Zones::Spread { .. } | Zones::Unplaced { .. } => unnamed = true,
                    Zones::Managed => {}
                }
            }
        }
        if let Some(p) = &c.provider {
            providers.insert(p.clone());
        }
    }
    let mut out: Vec<Domain> = zones.into_iter().map(Domain::Zone).collect();
    if out.is_empty() && unnamed {
        out.push(Domain::AnyZone);
    }
    out.extend(regions.into_iter().map(Domain::Region));
    out.extend(providers.into_iter().map(Domain::Provider));
    for c in &sys.components {
        let d = match c.kind {
            CompKind::CiSystem => c
                .key
                .strip_prefix("ci:")
                .map(|k| Domain::CiSystem(k.into())),
            CompKind::GitOps => c
                .key
                .strip_prefix("gitops:")
                .map(|k| Domain::GitOps(k.into())),
            CompKind::ControlPlane => Some(Domain::ControlPlane(c.key.clone())),
            _ => None,
        };
        out.extend(d);
    }
    out
}

/// Every scenario: one per failure domain, then the single points of failure of the serving
/// path (each component whose loss alone takes a public name or entry point down).
pub fn all(sys: &System) -> Vec<Scenario> {
    let mut out: Vec<Scenario> = domains(sys).into_iter().map(|d| run(sys, &[d])).collect();
    // The roots whose path holds each component: a component's loss is evaluated on those
    // only, so the cost is the sum of the paths' sizes, not components × roots.
    let mut roots_of: BTreeMap<CompId, Vec<usize>> = BTreeMap::new();
    for (i, root) in sys.roots.iter().enumerate() {
        let mut comps = Vec::new();
        root.components(&mut comps);
        comps.sort_unstable();
        comps.dedup();
        for c in comps {
            roots_of.entry(c).or_default().push(i);
        }
    }
    for (c, roots) in roots_of {
        // A provider's global service (a DNS provider, its load balancing) fails with its
        // provider, a scenario of its own already.
        if sys.components[c].place == Place::Global {
            continue;
        }
        let stateful: &[CompId] = if sys.components[c].stateful {
            &[c]
        } else {
            &[]
        };
        let lost = [Domain::Component(sys.components[c].key.clone())];
        let s = run_scoped(sys, &lost, &roots, stateful, false);
        if s.impact >= Impact::DataAtRisk {
            out.push(s);
        }
    }
    out
}

/// One row of the estimate table.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    #[serde(skip)]
    pub comp: CompId,
    pub component: String,
    pub kind: CompKind,
    /// Fraction; `None` when no figure applies.
    pub availability: Option<f64>,
    /// The figure's key.
    pub figure: Option<&'static str>,
    /// Seconds to recover from the loss of one of its zones or regions; `None` when it does
    /// not recover by failing over (one copy).
    pub rto: Option<u64>,
    pub rpo: Option<Rpo>,
}

/// Availability per serving root.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RootEstimate {
    pub root: String,
    pub availability: Option<f64>,
    /// Why it cannot be estimated.
    pub unknown: Vec<String>,
}

/// The availability / RTO / RPO table.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub rows: Vec<Row>,
    pub roots: Vec<RootEstimate>,
    /// The lowest of the roots' availabilities.
    pub availability: Option<f64>,
    /// The longest recovery of the scenarios the system is meant to survive; `None` when one
    /// of them is not recovered from, or there are none.
    pub rto: Option<u64>,
    /// The scenario (index into [`System::scenarios`]) that sets the RTO, or that is not
    /// recovered from.
    pub rto_scenario: Option<usize>,
    /// The most data the scenarios the system is meant to survive can cost.
    pub rpo: Option<Rpo>,
    pub rpo_scenario: Option<usize>,
}

/// The estimate, from the components and the scenarios.
pub fn estimate(sys: &System) -> Estimate {
    let mut e = Estimate::default();
    let mut serving: Vec<CompId> = Vec::new();
    for root in &sys.roots {
        root.components(&mut serving);
        let mut unknown = Vec::new();
        root.unknowns(&mut unknown);
        e.roots.push(RootEstimate {
            root: root.title(),
            availability: root.availability(sys),
            unknown,
        });
    }
    serving.sort_unstable();
    serving.dedup();
    serving.sort_by_key(|&c| (sys.components[c].kind, c));
    for c in serving {
        let comp = &sys.components[c];
        let failovers = [&comp.zone_failover, &comp.region_failover];
        let (rto, rpo) = if comp.stateful {
            let rto = failovers
                .iter()
                .filter_map(|f| f.as_ref())
                .map(|f| f.seconds)
                .max();
            let mut rpo = failovers
                .iter()
                .filter_map(|f| f.as_ref())
                .map(|f| f.rpo.clone())
                .max();
            if comp.region_failover.is_none() && sys.expect_region {
                rpo = Some(Rpo::Unbounded);
            }
            (rto, rpo)
        } else {
            (Some(comp.detect), None)
        };
        e.rows.push(Row {
            comp: c,
            component: comp.key.clone(),
            kind: comp.kind,
            availability: component_availability(sys, c),
            figure: comp.figure,
            rto,
            rpo,
        });
    }
    e.availability = if e.roots.is_empty() {
        None
    } else {
        e.roots
            .iter()
            .map(|r| r.availability)
            .collect::<Option<Vec<f64>>>()
            .and_then(|v| v.into_iter().reduce(f64::min))
    };
    let mut rto = Some(0);
    for (i, s) in sys.scenarios.iter().enumerate() {
        if !s.expected || s.serving.is_empty() {
            continue;
        }
        match (s.recovery, rto) {
            (None, Some(_)) => {
                rto = None;
                e.rto_scenario = Some(i);
            }
            (Some(r), Some(best)) if r > best => {
                rto = Some(r);
                e.rto_scenario = Some(i);
            }
            _ => {}
        }
        if let Some(r) = &s.rpo
            && e.rpo.as_ref().is_none_or(|x| r > x)
        {
            e.rpo = Some(r.clone());
            e.rpo_scenario = Some(i);
        }
    }
    e.rto = if sys.roots.is_empty() { None } else { rto };
    e
}
