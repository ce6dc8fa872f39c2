//! Facts: cross-resource knowledge derived once per scan and shared by every rule.
//!
//! Which HPA drives a workload and its effective replica count, which PDBs cover it, whether it
//! spreads over zones, what role it plays (application, data store, ingress controller, ...),
//! and which layers the scanned system has at all.

pub mod cicd;
pub mod classify;
pub mod gitops;
pub mod groups;
pub mod placement;
pub mod providers;
pub mod terraform;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::finding::{Label, Layer, count};
use crate::model::{FastMap, Labels, Model, Resource, ResourceId, Span, Val};

pub use placement::{HOSTNAME_KEY, PodPlacement, ZONE_KEYS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    ReplicaSet,
    DaemonSet,
    Pod,
}

impl WorkloadKind {
    fn of(r: &Resource) -> Option<WorkloadKind> {
        let core_or_apps = matches!(r.group(), "" | "apps" | "extensions");
        match r.kind.as_str() {
            "Deployment" if core_or_apps => Some(WorkloadKind::Deployment),
            "StatefulSet" if core_or_apps => Some(WorkloadKind::StatefulSet),
            "ReplicaSet" if core_or_apps => Some(WorkloadKind::ReplicaSet),
            "DaemonSet" if core_or_apps => Some(WorkloadKind::DaemonSet),
            "Pod" if r.group().is_empty() => Some(WorkloadKind::Pod),
            _ => None,
        }
    }

    /// Kinds whose replica count is set by the user (and judged by replica rules).
    pub fn is_replicated(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::ReplicaSet
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Engine {
    ArgoCd,
    Flux,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::ArgoCd => "Argo CD",
            Engine::Flux => "Flux",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlComponent {
    ApiServer,
    Etcd,
    Scheduler,
    ControllerManager,
}

impl ControlComponent {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlComponent::ApiServer => "kube-apiserver",
            ControlComponent::Etcd => "etcd",
            ControlComponent::Scheduler => "kube-scheduler",
            ControlComponent::ControllerManager => "kube-controller-manager",
        }
    }
}

/// What a workload is for; each role's replica count is judged by the layer that owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Application,
    /// A database, queue or coordination service (StatefulSets only), by image name.
    DataStore(String),
    IngressController,
    GitOps {
        engine: Engine,
        component: String,
    },
    RunnerPool,
    /// external-secrets, cert-manager, Vault: by image name.
    SecurityService(String),
    /// What adds and removes nodes: cluster-autoscaler or Karpenter's controller.
    NodeAutoscaler(String),
    ControlPlane(ControlComponent),
}

#[derive(Clone, Debug)]
pub struct Container {
    pub name: String,
    pub image: String,
    /// Last path segment of the image repository, tag and digest stripped.
    pub image_name: String,
    /// `command` then `args`, each with its span.
    pub argv: Vec<(String, Span)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaSource {
    /// `minReplicas` of the HPA at this index in [`Facts::hpas`].
    Hpa(usize),
    /// `spec.replicas` as written.
    Field,
    /// `spec.replicas` absent: Kubernetes defaults it to 1.
    Default,
    /// Pods (one) and DaemonSets (one per node).
    Fixed,
}

#[derive(Clone, Debug)]
pub struct Workload {
    pub res: ResourceId,
    pub kind: WorkloadKind,
    pub pod_labels: Labels,
    pub containers: Vec<Container>,
    pub role: Role,
    /// Effective replicas; `None` when unknown (DaemonSets, non-integer values).
    pub replicas: Option<i64>,
    pub replica_source: ReplicaSource,
    /// The zones its pods may run in, and whether they spread over zones.
    pub placement: PodPlacement,
    /// Indices into [`Facts::pdbs`] whose selector matches the pods.
    pub pdbs: Vec<usize>,
}

impl Workload {
    /// The container argument that turns leader election on (`--leader-elect`,
    /// `--enable-leader-election`, `--leader-election=true`): such a controller has one
    /// active replica, the others stand by, so two replicas are its HA shape.
    pub fn leader_election(&self) -> Option<(&str, Span)> {
        const FLAGS: &[&str] = &["leader-elect", "leader-election", "enable-leader-election"];
        self.containers
            .iter()
            .flat_map(|c| &c.argv)
            .find_map(|(arg, span)| {
                let flag = arg.trim_start_matches('-');
                if flag.len() == arg.len() {
                    return None;
                }
                let (name, value) = flag.split_once('=').unwrap_or((flag, "true"));
                (FLAGS.contains(&name) && value.eq_ignore_ascii_case("true"))
                    .then_some((arg.as_str(), *span))
            })
    }

    /// Where to point when the pods are not spread over zones: an ineffective
    /// `topologySpreadConstraints` if there is one, else the resource.
    pub fn spread_label(&self, model: &Model) -> Label {
        let r = model.resource(self.res);
        if let Some(at) = self.placement.host_spread {
            return Label::new(
                r.source,
                at,
                "spreads the pods over nodes, not zones: every node may be in one zone",
            );
        }
        let existing = pod_spec(r, self.kind).and_then(|s| s.get("topologySpreadConstraints"));
        match existing {
            Some(v) => Label::new(
                r.source,
                v.field_span(),
                "no constraint here spreads these pods over a zone key with a selector matching their labels",
            ),
            None => r.header_label("no zone topologySpreadConstraints or podAntiAffinity"),
        }
    }

    /// What the pods' spread achieves, for messages of the zone-spread rules: `nothing
    /// spreads them over zones`, or that they spread over nodes only.
    pub fn spread_achieved(&self) -> &'static str {
        if self.placement.host_spread.is_some() {
            "they are spread over nodes (kubernetes.io/hostname), not over zones"
        } else {
            "nothing spreads them over zones"
        }
    }

    /// A ready-to-paste `topologySpreadConstraints` entry for this workload's pods.
    pub fn spread_help(&self) -> String {
        let labels: String = self
            .pod_labels
            .iter()
            .map(|(k, v)| format!("\n          {k}: {v}"))
            .collect();
        format!(
            "add under spec.template.spec:\n  topologySpreadConstraints:\n    - maxSkew: 1\n      topologyKey: topology.kubernetes.io/zone\n      whenUnsatisfiable: ScheduleAnyway\n      labelSelector:\n        matchLabels:{labels}"
        )
    }
}

#[derive(Clone, Debug)]
pub struct Hpa {
    pub res: ResourceId,
    pub target_kind: String,
    pub target_name: String,
    pub min_replicas: i64,
    pub max_replicas: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(f64),
    Invalid(String),
}

impl IntOrPercent {
    fn parse(v: &Val<'_>) -> IntOrPercent {
        if let Some(i) = v.as_i64() {
            return IntOrPercent::Int(i);
        }
        let text = v.scalar_text().unwrap_or_default();
        text.strip_suffix('%')
            .and_then(|p| p.trim().parse().ok())
            .map_or(IntOrPercent::Invalid(text), IntOrPercent::Percent)
    }
}

#[derive(Clone, Debug)]
pub struct Pdb {
    pub res: ResourceId,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
    /// Indices into [`Facts::workloads`] whose pods the PDB selects.
    pub workloads: Vec<usize>,
}

/// Indices into [`Facts::workloads`] of one namespace's workloads, in index order.
#[derive(Debug, Default)]
struct NamespaceIndex {
    workloads: Vec<usize>,
    /// The workloads whose pod labels hold `key: value`, by key and value: a selector with
    /// `matchLabels` looks at the workloads that have its rarest label instead of every
    /// workload of the namespace.
    by_label: FastMap<String, FastMap<String, Vec<usize>>>,
}

/// Label selector (`matchLabels` + `matchExpressions`) or a Service's plain selector.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    labels: Labels,
    exprs: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    pub fn from_label_selector(v: &Val<'_>) -> Selector {
        let labels = v
            .get("matchLabels")
            .map(|m| m.string_map())
            .unwrap_or_default();
        let exprs = v
            .get("matchExpressions")
            .map(|e| {
                e.items()
                    .map(|x| {
                        let text =
                            |k: &str| x.get(k).and_then(|v| v.scalar_text()).unwrap_or_default();
                        let values = x
                            .get("values")
                            .map(|vs| vs.items().filter_map(|v| v.scalar_text()).collect())
                            .unwrap_or_default();
                        (text("key"), text("operator"), values)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Selector { labels, exprs }
    }

    pub fn from_map(v: &Val<'_>) -> Selector {
        Selector {
            labels: v.string_map(),
            exprs: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.exprs.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.exprs.iter().all(|(key, op, values)| {
                let have = labels.get(key);
                match op.as_str() {
                    "In" => have.is_some_and(|h| values.iter().any(|v| v == h)),
                    "NotIn" => have.is_none_or(|h| !values.iter().any(|v| v == h)),
                    "Exists" => have.is_some(),
                    "DoesNotExist" => have.is_none(),
                    _ => false,
                }
            })
    }
}

/// Everything rules share.
#[derive(Debug, Default)]
pub struct Facts {
    /// Terraform: zones through subnets, references, DNS zones, region pairs.
    pub tf: terraform::TfFacts,
    pub workloads: Vec<Workload>,
    pub hpas: Vec<Hpa>,
    pub pdbs: Vec<Pdb>,
    /// GitOps engines present, with the resources that show each (in model order).
    pub gitops_engines: BTreeMap<Engine, Vec<ResourceId>>,
    /// Git sources of Argo CD and Flux resources, with their hosts.
    pub git_sources: Vec<gitops::GitSource>,
    /// The self-managed etcd cluster's member count and where it is stated, when etcd runs.
    pub etcd_members: Option<(i64, Label)>,
    /// Self-hosted CI runner pools and how many runners each can run at once.
    pub runner_pools: Vec<cicd::RunnerPool>,
    /// CI systems, deploy jobs, images and their registries.
    pub ci: cicd::CiFacts,
    /// Layers the scanned system has resources for.
    pub present: BTreeSet<Layer>,
    /// Resources of a layer that no rule judges yet, by layer: type (`google_container_cluster`,
    /// `Rollout (argoproj.io)`) → how many.
    pub not_judged: BTreeMap<Layer, BTreeMap<String, usize>>,
    /// The workloads of each namespace.
    by_namespace: FastMap<String, NamespaceIndex>,
    /// Index into `workloads` of each workload resource.
    workload_of: FastMap<ResourceId, usize>,
}

/// An image reference without its tag or digest: `ghcr.io/org/app` for
/// `ghcr.io/org/app:1.2@sha256:...` (a registry's port stays).
pub fn image_repository(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rfind(':') {
        Some(colon) if !no_digest[colon..].contains('/') => &no_digest[..colon],
        _ => no_digest,
    }
}

/// Last path segment of an image reference, without tag or digest.
pub fn image_name(image: &str) -> &str {
    let repository = image_repository(image);
    let last = repository.rsplit('/').next().unwrap_or(repository);
    last.split(':').next().unwrap_or(last)
}

/// The pod spec of a workload (`spec.template.spec`, or `spec` for a Pod).
pub fn pod_spec<'a>(r: &'a Resource, kind: WorkloadKind) -> Option<Val<'a>> {
    match kind {
        WorkloadKind::Pod => r.root().get("spec"),
        _ => r.root().path(&["spec", "template", "spec"]),
    }
}

fn containers(spec: Option<Val<'_>>) -> Vec<Container> {
    let Some(list) = spec.and_then(|s| s.get("containers")) else {
        return Vec::new();
    };
    list.items()
        .map(|c| {
            let text = |k: &str| c.get(k).and_then(|v| v.scalar_text()).unwrap_or_default();
            let image = text("image");
            let argv = ["command", "args"]
                .iter()
                .filter_map(|k| c.get(k))
                .flat_map(|seq| seq.items())
                .filter_map(|a| a.scalar_text().map(|t| (t, a.span())))
                .collect();
            Container {
                name: text("name"),
                image_name: image_name(&image).to_string(),
                image,
                argv,
            }
        })
        .collect()
}

const INGRESS_CONTROLLERS: &[&str] = &[
    "nginx-ingress",
    "traefik",
    "kubernetes-ingress",
    "haproxy-ingress",
    "kubernetes-ingress-controller",
    "contour",
    "aws-load-balancer-controller",
];
const FLUX_CONTROLLERS: &[&str] = &[
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
];
const SECURITY_SERVICES: &[&str] = &[
    "external-secrets",
    "cert-manager-controller",
    "cert-manager-webhook",
    "cert-manager-cainjector",
    "vault",
    "vault-k8s",
];
const ARGOCD_COMPONENTS: &[&str] = &[
    "application-controller",
    "applicationset-controller",
    "repo-server",
    "notifications-controller",
    "dex-server",
    "server",
];

fn control_component(name: &str) -> Option<ControlComponent> {
    match name {
        "kube-apiserver" => Some(ControlComponent::ApiServer),
        "etcd" => Some(ControlComponent::Etcd),
        "kube-scheduler" => Some(ControlComponent::Scheduler),
        "kube-controller-manager" => Some(ControlComponent::ControllerManager),
        _ => None,
    }
}

/// Whether `name` is `base` or `base-...`, also behind a prefix (`prod-argocd-redis-ha`).
fn named_after(name: &str, base: &str) -> bool {
    name.match_indices(base).any(|(i, _)| {
        let end = i + base.len();
        (i == 0 || name.as_bytes()[i - 1] == b'-')
            && (end == name.len() || name.as_bytes()[end] == b'-')
    })
}

fn argocd_component(r: &Resource) -> String {
    if let Some(c) = r.labels.get("app.kubernetes.io/component") {
        return c.to_string();
    }
    let name = r.labels.get("app.kubernetes.io/name").unwrap_or(&r.name);
    // After the last `argocd-` (a release prefix before it is not part of the component).
    let bare = name
        .rmatch_indices("argocd-")
        .find(|(i, _)| *i == 0 || name.as_bytes()[i - 1] == b'-')
        .map_or(name, |(i, _)| &name[i + "argocd-".len()..]);
    if bare.starts_with("redis") {
        // argocd-redis, argocd-redis-ha-server, argocd-redis-ha-haproxy: the Redis tier.
        return "redis".to_string();
    }
    ARGOCD_COMPONENTS
        .iter()
        .find(|c| bare.starts_with(*c))
        .map_or(bare, |c| c)
        .to_string()
}

fn classify(
    r: &Resource,
    kind: WorkloadKind,
    containers: &[Container],
    settings: &classify::Classify,
) -> Role {
    for c in containers {
        let cmd = c.argv.first().map(|(a, _)| image_name(a)).unwrap_or("");
        if let Some(cc) = control_component(&c.image_name).or_else(|| control_component(cmd)) {
            let in_control_plane = kind == WorkloadKind::Pod || r.namespace == "kube-system";
            if cc != ControlComponent::Etcd || in_control_plane {
                return Role::ControlPlane(cc);
            }
        }
    }
    // Every component of an Argo CD install, whatever its image (redis, dex, haproxy) and
    // whatever release prefix its name has (`prod-argocd-redis`).
    if r.labels.get("app.kubernetes.io/part-of") == Some("argocd")
        || named_after(&r.name, "argocd-redis")
    {
        return Role::GitOps {
            engine: Engine::ArgoCd,
            component: argocd_component(r),
        };
    }
    for c in containers {
        let n = c.image_name.as_str();
        if c.image.contains("ingress-nginx/controller") || INGRESS_CONTROLLERS.contains(&n) {
            return Role::IngressController;
        }
        if n == "argocd" {
            return Role::GitOps {
                engine: Engine::ArgoCd,
                component: argocd_component(r),
            };
        }
        if FLUX_CONTROLLERS.contains(&n) {
            return Role::GitOps {
                engine: Engine::Flux,
                component: n.to_string(),
            };
        }
        if n == "gitlab-runner" {
            return Role::RunnerPool;
        }
        if SECURITY_SERVICES.contains(&n) {
            return Role::SecurityService(n.to_string());
        }
        if n == "cluster-autoscaler" {
            return Role::NodeAutoscaler("cluster-autoscaler".to_string());
        }
        // public.ecr.aws/karpenter/controller; older releases had .../karpenter/controller too,
        // and some mirrors name the image karpenter.
        if c.image.contains("karpenter/controller") || n == "karpenter" {
            return Role::NodeAutoscaler("Karpenter".to_string());
        }
    }
    if kind == WorkloadKind::StatefulSet
        && let Some(store) = settings.data_store(r, containers)
    {
        return Role::DataStore(store);
    }
    Role::Application
}

/// Kubernetes kinds (group, kind) that place a system in a layer but that no rule judges yet.
pub const NOT_JUDGED_KINDS: &[(&str, &str, Layer)] = &[
    ("", "ReplicationController", Layer::Compute),
    ("argoproj.io", "Rollout", Layer::Compute),
    ("keda.sh", "ScaledObject", Layer::Compute),
    ("gateway.networking.k8s.io", "Gateway", Layer::Network),
    ("postgresql.cnpg.io", "Cluster", Layer::Data),
    ("acid.zalan.do", "postgresql", Layer::Data),
    ("kafka.strimzi.io", "Kafka", Layer::Data),
    ("elasticsearch.k8s.elastic.co", "Elasticsearch", Layer::Data),
    (
        "mongodbcommunity.mongodb.com",
        "MongoDBCommunity",
        Layer::Data,
    ),
    ("databases.spotahome.com", "RedisFailover", Layer::Data),
    ("pxc.percona.com", "PerconaXtraDBCluster", Layer::Data),
    ("ceph.rook.io", "CephCluster", Layer::Data),
];

/// The resources of the scan that belong to a layer no rule judges yet (Terraform types of
/// the provider tables, Kubernetes kinds of [`NOT_JUDGED_KINDS`]), counted by type.
fn not_judged(model: &Model) -> BTreeMap<Layer, BTreeMap<String, usize>> {
    use crate::model::Entry;
    let mut out: BTreeMap<Layer, BTreeMap<String, usize>> = BTreeMap::new();
    for (_, entry) in model.entries() {
        let found = match entry {
            Entry::Terraform(r) if r.mode == crate::model::terraform::Mode::Managed => {
                providers::not_judged(&r.rtype).map(|layer| (layer, r.rtype.clone()))
            }
            Entry::Terraform(_) | Entry::Job(_) => None,
            Entry::Kubernetes(r) => NOT_JUDGED_KINDS
                .iter()
                .find(|(g, k, _)| r.kind == *k && r.group() == *g)
                .map(|(group, kind, layer)| {
                    let name = if group.is_empty() {
                        kind.to_string()
                    } else {
                        format!("{kind} ({group})")
                    };
                    (*layer, name)
                }),
        };
        if let Some((layer, name)) = found {
            *out.entry(layer).or_default().entry(name).or_default() += 1;
        }
    }
    out
}

/// A Kubernetes Ingress (networking.k8s.io, or the legacy extensions group).
pub fn is_ingress(r: &Resource) -> bool {
    r.kind == "Ingress" && matches!(r.group(), "networking.k8s.io" | "extensions")
}

/// The `spec.type` field of a core Service of type LoadBalancer.
pub fn load_balancer_type(r: &Resource) -> Option<Val<'_>> {
    if r.kind != "Service" || !r.group().is_empty() {
        return None;
    }
    r.root()
        .path(&["spec", "type"])
        .filter(|t| t.as_str() == Some("LoadBalancer"))
}

/// The GitOps engine a custom resource belongs to: Argo CD's own kinds (argoproj.io also
/// holds Argo Rollouts, Workflows and Events, which deploy nothing from git), or any Flux
/// toolkit kind.
fn engine_of(group: &str, kind: &str) -> Option<Engine> {
    if group == "argoproj.io" && matches!(kind, "Application" | "ApplicationSet" | "AppProject") {
        Some(Engine::ArgoCd)
    } else if group.ends_with(".toolkit.fluxcd.io") {
        Some(Engine::Flux)
    } else {
        None
    }
}

/// How many leading path components two files share (`usize::MAX` for the same file).
fn proximity(a: &str, b: &str) -> usize {
    if a == b {
        return usize::MAX;
    }
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

/// Of `candidates` (workloads a resource in file `from` refers to), keeps for each object
/// identity (namespace, kind, name) only the copies nearest to `from` in the file tree. A
/// repository often holds one copy of an object per environment directory; an HPA or PDB
/// next to the prod copy says nothing about the dev copy.
fn nearest_copies(model: &Model, from: &str, candidates: Vec<ResourceId>) -> Vec<ResourceId> {
    let identity = |id: &ResourceId| {
        let r = model.resource(*id);
        (r.namespace.as_str(), r.kind.as_str(), r.name.as_str())
    };
    let near =
        |id: &ResourceId| proximity(from, &model.sources.get(model.resource(*id).source).path);
    let mut best: FastMap<(&str, &str, &str), usize> = FastMap::default();
    for id in &candidates {
        let entry = best.entry(identity(id)).or_insert(0);
        *entry = (*entry).max(near(id));
    }
    candidates
        .into_iter()
        .filter(|id| best.get(&identity(id)) == Some(&near(id)))
        .collect()
}

/// Pairs each target with the first referrer (in `refs` order) that names it: a referrer is
/// `(its resource, the kinds it accepts, the target name)` and names targets of its own
/// namespace; of several copies of one target only the nearest to the referrer are paired.
/// Returns target → index into `refs`.
fn pair_nearest(
    model: &Model,
    is_target: impl Fn(&Resource) -> bool,
    refs: &[(ResourceId, Vec<&str>, &str)],
) -> FastMap<ResourceId, usize> {
    let mut by_identity: FastMap<(&str, &str, &str), Vec<ResourceId>> = FastMap::default();
    for (id, r) in model.iter() {
        if is_target(r) {
            by_identity
                .entry((r.namespace.as_str(), r.kind.as_str(), r.name.as_str()))
                .or_default()
                .push(id);
        }
    }
    let named: Vec<Vec<ResourceId>> = refs
        .par_iter()
        .map(|(res, kinds, name)| {
            let from = model.resource(*res);
            let candidates: Vec<ResourceId> = kinds
                .iter()
                .filter_map(|kind| by_identity.get(&(from.namespace.as_str(), *kind, *name)))
                .flatten()
                .copied()
                .collect();
            nearest_copies(model, &model.sources.get(from.source).path, candidates)
        })
        .collect();
    let mut pairs = FastMap::default();
    for (i, targets) in named.into_iter().enumerate() {
        for id in targets {
            pairs.entry(id).or_insert(i);
        }
    }
    pairs
}

/// Which HPA drives which workload: its target (namespace, kind, name), nearest copy only; the
/// first HPA in path order wins when two reach the same workload.
fn pair_hpas(model: &Model, hpas: &[Hpa]) -> FastMap<ResourceId, usize> {
    let refs: Vec<(ResourceId, Vec<&str>, &str)> = hpas
        .iter()
        .map(|h| (h.res, vec![h.target_kind.as_str()], h.target_name.as_str()))
        .collect();
    pair_nearest(model, |r| WorkloadKind::of(r).is_some(), &refs)
}

/// The etcd member count and where it is stated: the `--initial-cluster` flag when an etcd
/// instance has one (it is the authoritative member list), else the number of instances.
fn etcd_members(model: &Model, etcd: &[&Workload]) -> Option<(i64, Label)> {
    for w in etcd {
        for c in &w.containers {
            let mut args = c.argv.iter();
            while let Some((arg, span)) = args.next() {
                let (list, at): (String, Span) =
                    if let Some(v) = arg.strip_prefix("--initial-cluster=") {
                        (v.to_string(), *span)
                    } else if arg == "--initial-cluster" {
                        match args.next() {
                            Some((v, s)) => (v.clone(), span.join(*s)),
                            None => continue,
                        }
                    } else {
                        continue;
                    };
                let n = list.split(',').filter(|m| !m.trim().is_empty()).count() as i64;
                let source = model.resource(w.res).source;
                return Some((
                    n,
                    Label::new(source, at, format!("{} listed", count(n, "member"))),
                ));
            }
        }
    }
    let n = Facts::instance_count(etcd)?;
    let first = model.resource(etcd.first()?.res);
    Some((
        n,
        first.header_label(format!("{} found", count(n, "etcd instance"))),
    ))
}

impl Facts {
    /// [`Self::derive_with`] the default classification.
    pub fn derive(model: &Model) -> Facts {
        Self::derive_with(model, &classify::Classify::default())
    }

    /// Derives every fact of the scan; `settings` extends how workloads are classified.
    pub fn derive_with(model: &Model, settings: &classify::Classify) -> Facts {
        // Every step below that looks at each resource (or each PDB, each HPA) on its own
        // runs on every core; what links them is gathered in model order after.
        let hpas = model
            .par_iter()
            .filter(|(_, r)| r.kind == "HorizontalPodAutoscaler" && r.group() == "autoscaling")
            .map(|(id, r)| {
                let spec = r.root().get("spec");
                let get = |path: &[&str]| spec.and_then(|s| s.path(path));
                let text =
                    |path: &[&str]| get(path).and_then(|v| v.scalar_text()).unwrap_or_default();
                Hpa {
                    res: id,
                    target_kind: text(&["scaleTargetRef", "kind"]),
                    target_name: text(&["scaleTargetRef", "name"]),
                    min_replicas: get(&["minReplicas"]).and_then(|v| v.as_i64()).unwrap_or(1),
                    max_replicas: get(&["maxReplicas"]).and_then(|v| v.as_i64()),
                }
            })
            .collect();
        let mut facts = Facts {
            hpas,
            ..Facts::default()
        };
        let hpa_of = pair_hpas(model, &facts.hpas);
        // Each workload's facts depend on it (and its HPA) only: derived in parallel, kept in
        // model order.
        let hpas = &facts.hpas;
        facts.workloads = model
            .par_iter()
            .filter_map(|(id, r)| WorkloadKind::of(r).map(|k| (id, r, k)))
            .map(|(id, r, kind)| {
                let spec = pod_spec(r, kind);
                let pod_labels = match kind {
                    WorkloadKind::Pod => r.labels.clone(),
                    _ => r
                        .root()
                        .path(&["spec", "template", "metadata", "labels"])
                        .map(|l| l.string_map())
                        .unwrap_or_default(),
                };
                let containers = containers(spec);
                let role = classify(r, kind, &containers, settings);
                let hpa = hpa_of.get(&id).copied();
                let (replicas, replica_source) = match (kind, hpa) {
                    (WorkloadKind::Pod, _) => (Some(1), ReplicaSource::Fixed),
                    (WorkloadKind::DaemonSet, _) => (None, ReplicaSource::Fixed),
                    (_, Some(h)) => (Some(hpas[h].min_replicas), ReplicaSource::Hpa(h)),
                    (_, None) => match r.root().path(&["spec", "replicas"]) {
                        None => (Some(1), ReplicaSource::Default),
                        Some(v) if v.is_null() => (Some(1), ReplicaSource::Default),
                        Some(v) => (v.as_i64(), ReplicaSource::Field),
                    },
                };
                Workload {
                    res: id,
                    kind,
                    placement: placement::pod_placement(spec, &pod_labels),
                    pod_labels,
                    containers,
                    role,
                    replicas,
                    replica_source,
                    pdbs: Vec::new(),
                }
            })
            .collect();
        for (wi, w) in facts.workloads.iter().enumerate() {
            let ns = &model.resource(w.res).namespace;
            let index = match facts.by_namespace.get_mut(ns) {
                Some(index) => index,
                None => facts.by_namespace.entry(ns.clone()).or_default(),
            };
            for (k, v) in w.pod_labels.iter() {
                let values = match index.by_label.get_mut(k) {
                    Some(values) => values,
                    None => index.by_label.entry(k.to_string()).or_default(),
                };
                match values.get_mut(v) {
                    Some(ids) => ids.push(wi),
                    None => {
                        values.insert(v.to_string(), vec![wi]);
                    }
                }
            }
            index.workloads.push(wi);
            facts.workload_of.insert(w.res, wi);
        }
        let pdbs: Vec<Pdb> = model
            .par_iter()
            .filter(|(_, r)| r.kind == "PodDisruptionBudget" && r.group() == "policy")
            .map(|(id, r)| {
                let spec = r.root().get("spec");
                let field = |k: &str| spec.and_then(|s| s.get(k)).map(|v| IntOrPercent::parse(&v));
                let selector = spec.and_then(|s| s.get("selector"));
                let workloads = match selector.filter(|s| !s.is_null()) {
                    Some(sel) => facts.select(model, r, &Selector::from_label_selector(&sel)),
                    None => Vec::new(),
                };
                Pdb {
                    res: id,
                    min_available: field("minAvailable"),
                    max_unavailable: field("maxUnavailable"),
                    workloads,
                }
            })
            .collect();
        for (pdb_index, pdb) in pdbs.iter().enumerate() {
            for &wi in &pdb.workloads {
                facts.workloads[wi].pdbs.push(pdb_index);
            }
        }
        facts.pdbs = pdbs;
        for (id, r) in model.iter() {
            if let Some(engine) = engine_of(r.group(), &r.kind) {
                facts.gitops_engines.entry(engine).or_default().push(id);
            }
        }
        for w in &facts.workloads {
            if let Role::GitOps { engine, .. } = w.role {
                facts.gitops_engines.entry(engine).or_default().push(w.res);
            }
        }
        for ids in facts.gitops_engines.values_mut() {
            ids.sort();
            ids.dedup();
        }
        facts.etcd_members = etcd_members(model, &facts.control_plane(ControlComponent::Etcd));
        facts.runner_pools = cicd::runner_pools(model, &facts);
        facts.ci = cicd::derive(model, &settings.cicd);
        facts.git_sources = gitops::git_sources(model);
        facts.tf = terraform::TfFacts::derive(model);
        facts.present = facts.layers_present(model);
        facts.present.extend(facts.tf.layers_present());
        facts.not_judged = not_judged(model);
        facts
    }

    fn layers_present(&self, model: &Model) -> BTreeSet<Layer> {
        let mut present = BTreeSet::new();
        for w in &self.workloads {
            present.insert(match &w.role {
                Role::Application => Layer::Compute,
                Role::DataStore(_) => Layer::Data,
                Role::IngressController => Layer::Network,
                Role::GitOps { .. } => Layer::Gitops,
                Role::RunnerPool => Layer::Cicd,
                Role::SecurityService(_) => Layer::Security,
                Role::NodeAutoscaler(_) => Layer::Compute,
                Role::ControlPlane(_) => Layer::Control,
            });
            if w.kind != WorkloadKind::Pod {
                present.insert(Layer::Compute);
            }
        }
        if !self.gitops_engines.is_empty() {
            present.insert(Layer::Gitops);
        }
        if !self.ci.systems.is_empty() {
            present.insert(Layer::Cicd);
        }
        for (_, r) in model.iter() {
            if load_balancer_type(r).is_some() || is_ingress(r) {
                present.insert(Layer::Network);
            }
            if matches!(r.group(), "actions.summerwind.dev" | "actions.github.com") {
                present.insert(Layer::Cicd);
            }
        }
        present
    }

    /// Whether the scan holds the delivery path: a CI pipeline or a self-hosted runner pool.
    /// Registries are judged only then: manifests alone do not show how images are supplied.
    pub fn delivery_in_scan(&self) -> bool {
        !self.ci.systems.is_empty() || !self.runner_pools.is_empty()
    }

    /// The workloads (static pods, Deployments, ...) running a control-plane component.
    pub fn control_plane(&self, component: ControlComponent) -> Vec<&Workload> {
        self.workloads
            .iter()
            .filter(|w| w.role == Role::ControlPlane(component))
            .collect()
    }

    /// Instances of a component: one per Pod, the effective replicas of other workloads.
    /// `None` when a DaemonSet (one per node) or an unknown replica count is involved.
    pub fn instance_count(workloads: &[&Workload]) -> Option<i64> {
        workloads.iter().map(|w| w.replicas).sum()
    }

    /// Workloads whose pods the selector of `by` (a Service, in its namespace) selects:
    /// of several copies of one workload, only those nearest to `by`.
    /// A Service with an empty selector selects nothing (its endpoints are managed by hand).
    pub fn selected_by(&self, model: &Model, by: &Resource, selector: &Selector) -> Vec<&Workload> {
        if selector.is_empty() {
            return Vec::new();
        }
        self.select(model, by, selector)
            .into_iter()
            .map(|wi| &self.workloads[wi])
            .collect()
    }

    /// Indices of the workloads in `by`'s namespace whose pods `selector` matches (an empty
    /// selector matches all), keeping only the copies nearest to `by` of each object.
    fn select(&self, model: &Model, by: &Resource, selector: &Selector) -> Vec<usize> {
        let Some(index) = self.by_namespace.get(&by.namespace) else {
            return Vec::new();
        };
        // Every `matchLabels` pair must be on the pods: only the workloads with the rarest
        // pair need checking.
        let candidates = match selector.labels.is_empty() {
            true => &index.workloads[..],
            false => selector
                .labels
                .iter()
                .map(|(k, v)| {
                    index
                        .by_label
                        .get(k)
                        .and_then(|values| values.get(v))
                        .map_or(&[][..], Vec::as_slice)
                })
                .min_by_key(|ids| ids.len())
                .unwrap_or_default(),
        };
        let matching = candidates
            .iter()
            .map(|&wi| &self.workloads[wi])
            .filter(|w| selector.matches(&w.pod_labels))
            .map(|w| w.res)
            .collect();
        let from = &model.sources.get(by.source).path;
        nearest_copies(model, from, matching)
            .into_iter()
            .filter_map(|res| self.workload_of.get(&res).copied())
            .collect()
    }

    /// Replicated workloads (at least 2 effective replicas) whose role passes `role` and that
    /// nothing spreads over zones, with their replica count.
    pub fn unspread(&self, role: impl Fn(&Role) -> bool) -> impl Iterator<Item = (&Workload, i64)> {
        self.workloads.iter().filter_map(move |w| {
            let n = w.replicas.filter(|&n| n >= 2)?;
            (w.kind.is_replicated() && role(&w.role) && !w.placement.zone_spread).then_some((w, n))
        })
    }

    /// The GitOps install `w` belongs to: the components of its engine in its own file when
    /// the file holds others, else under the nearest directory above it that does (a
    /// kustomize base, a chart's templates); of several copies of a component there, the
    /// nearest to `w`, as HPAs and PDBs are paired. A scan of several installs (an HA one
    /// next to a plain one, a base and its overlays) judges each on its own.
    pub fn install_of<'a>(&'a self, model: &Model, w: &Workload) -> Vec<&'a Workload> {
        let Role::GitOps { engine, .. } = &w.role else {
            return Vec::new();
        };
        let path = |id: ResourceId| model.sources.get(model.resource(id).source).path.as_str();
        let from = path(w.res);
        let members: Vec<(&'a Workload, &'a str, &str)> = self
            .workloads
            .iter()
            .filter_map(|o| match &o.role {
                Role::GitOps {
                    engine: e,
                    component,
                } if e == engine => Some((o, component.as_str(), path(o.res))),
                _ => None,
            })
            .collect();
        // The smallest scope (the file, then each directory up) holding another component.
        let mut scope: Option<&str> = Some(from);
        let in_scope: Vec<&(&'a Workload, &'a str, &str)> = loop {
            let found: Vec<_> = members
                .iter()
                .filter(|(_, _, p)| match scope {
                    Some(s) if s == from => *p == from,
                    Some(dir) => p
                        .strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/')),
                    None => true,
                })
                .collect();
            if found.len() >= 2 || scope.is_none() {
                break found;
            }
            scope = scope.and_then(|s| s.rsplit_once('/').map(|(dir, _)| dir));
        };
        let mut best: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, component, p) in &in_scope {
            let b = best.entry(component).or_insert(0);
            *b = (*b).max(proximity(from, p));
        }
        in_scope
            .into_iter()
            .filter(|(_, component, p)| best.get(component) == Some(&proximity(from, p)))
            .map(|(o, _, _)| *o)
            .collect()
    }

    /// Where a workload's effective replica count comes from: the HPA's `minReplicas`, the
    /// `spec.replicas` field, or the resource itself when the field is absent.
    pub fn replicas_label(&self, model: &Model, w: &Workload) -> Label {
        let r = model.resource(w.res);
        let n = w
            .replicas
            .map_or("an unknown number of replicas".to_string(), |n| {
                count(n, "replica")
            });
        match w.replica_source {
            ReplicaSource::Hpa(h) => {
                let hpa = model.resource(self.hpas[h].res);
                let field = hpa.root().path(&["spec", "minReplicas"]);
                Label::new(
                    hpa.source,
                    field.map_or(hpa.header, |f| f.field_span()),
                    format!(
                        "HorizontalPodAutoscaler {} keeps at least {n}{}",
                        hpa.name,
                        if field.is_none() {
                            " (minReplicas defaults to 1)"
                        } else {
                            ""
                        }
                    ),
                )
            }
            ReplicaSource::Field => Label::new(
                r.source,
                r.root()
                    .path(&["spec", "replicas"])
                    .map_or(r.header, |f| f.field_span()),
                n,
            ),
            ReplicaSource::Default => Label::new(
                r.source,
                r.header,
                "spec.replicas is not set, so Kubernetes runs 1 replica",
            ),
            ReplicaSource::Fixed => {
                Label::new(r.source, r.header, format!("{} {}", r.kind, r.name))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        assert_eq!(image_name("postgres:16"), "postgres");
        assert_eq!(
            image_name("docker.io/bitnami/postgresql:16@sha256:ab"),
            "postgresql"
        );
        assert_eq!(image_name("registry:5000/x/redis"), "redis");
        assert_eq!(
            image_name("prometheuscommunity/postgres-exporter:v0.15"),
            "postgres-exporter"
        );
    }
}
