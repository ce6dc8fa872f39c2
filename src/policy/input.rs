//! What a policy sees: `input`, one resource as written plus `input.spoflint`, what spoflint
//! derived about it; and `data.spoflint`, the whole model. [`SCHEMA`] documents every field
//! (`spoflint policy schema` prints it; `docs/policies.md` holds that output, and a test checks
//! that the inputs of the fixtures have exactly these fields).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use crate::facts::{Facts, ReplicaSource, Role};
use crate::finding::Layer;
use crate::model::terraform::{Body, Value};
use crate::model::{Entry, Model, NodeKind, ResourceId, Val};

/// One documented field: its path (`spoflint.workload.replicas`; `[]` for the items of a
/// list), its JSON type, which resources have it, and what it means.
pub struct Field {
    pub path: &'static str,
    pub ty: &'static str,
    pub of: &'static str,
    pub description: &'static str,
}

const ALL: &str = "all";
const K8S: &str = "kubernetes";
const TF: &str = "terraform";
const WORKLOAD: &str = "kubernetes workloads";
const JOB: &str = "pipeline jobs";

/// Every field of `input.spoflint` and of `data.spoflint`, in the order the document lists
/// them. `input` itself is the resource as written: the Kubernetes object; the evaluated
/// attributes and nested blocks (lists of objects, by block type) of a Terraform instance;
/// the fields of a CI job below.
pub const SCHEMA: &[Field] = &[
    Field {
        path: "input.spoflint",
        ty: "object",
        of: ALL,
        description: "What spoflint derived about the resource.",
    },
    Field {
        path: "input.spoflint.family",
        ty: "string",
        of: ALL,
        description: "`kubernetes`, `terraform` or `pipeline`.",
    },
    Field {
        path: "input.spoflint.id",
        ty: "string",
        of: ALL,
        description: "Stable identity, unique in the scan: `k8s:apps/v1/Deployment/prod/web`, `tf:ROOT:module.db.aws_db_instance.main` (ROOT: its root module), `ci:github-actions:deploy`. The key of `data.spoflint.resources`.",
    },
    Field {
        path: "input.spoflint.name",
        ty: "string",
        of: ALL,
        description: "How findings name it: `Deployment prod/web`, the Terraform address, and `job` with the job id for a CI job.",
    },
    Field {
        path: "input.spoflint.file",
        ty: "string",
        of: ALL,
        description: "The file it is defined in (for a chart or kustomization output: the file spoflint shows it at).",
    },
    Field {
        path: "input.spoflint.line",
        ty: "number",
        of: ALL,
        description: "1-based line of its header (`kind:`, `resource \"...\" \"...\" {`, the job key).",
    },
    Field {
        path: "input.spoflint.layer",
        ty: "string|null",
        of: ALL,
        description: "The architecture layer it belongs to (`network`, `compute`, `control`, `data`, `dns`, `cicd`, `gitops`, `security`), `null` when spoflint does not classify it.",
    },
    Field {
        path: "input.spoflint.provider",
        ty: "string",
        of: ALL,
        description: "`kubernetes`; the Terraform provider configuration (`aws`, `aws.dr`, `google`); the CI system (`github-actions`, `gitlab-ci`).",
    },
    Field {
        path: "input.spoflint.built_by",
        ty: "string|null",
        of: K8S,
        description: "The kustomization root that built the object, if one did.",
    },
    Field {
        path: "input.spoflint.kind",
        ty: "string",
        of: K8S,
        description: "Kubernetes kind (also `input.kind`).",
    },
    Field {
        path: "input.spoflint.namespace",
        ty: "string",
        of: K8S,
        description: "Effective namespace: `metadata.namespace`, else `default`.",
    },
    Field {
        path: "input.spoflint.workload",
        ty: "object|null",
        of: K8S,
        description: "For Deployments, StatefulSets, ReplicaSets, DaemonSets and Pods: what runs, and how redundantly; `null` for other kinds.",
    },
    Field {
        path: "input.spoflint.workload.role",
        ty: "string",
        of: WORKLOAD,
        description: "`application`, `data-store`, `ingress-controller`, `gitops`, `runner-pool`, `security-service`, `node-autoscaler` or `control-plane`.",
    },
    Field {
        path: "input.spoflint.workload.replicas",
        ty: "number|null",
        of: WORKLOAD,
        description: "Effective replicas: the matching HorizontalPodAutoscaler's `minReplicas`, else `spec.replicas`, else Kubernetes' default 1 (1 for a Pod); `null` when not known statically (a DaemonSet, an unrendered template value).",
    },
    Field {
        path: "input.spoflint.workload.replicas_from",
        ty: "string",
        of: WORKLOAD,
        description: "Where `replicas` comes from: `hpa`, `field`, `default` or `fixed` (Pods, DaemonSets).",
    },
    Field {
        path: "input.spoflint.workload.hpa",
        ty: "object|null",
        of: WORKLOAD,
        description: "The HorizontalPodAutoscaler that scales it: `{name, min, max}`.",
    },
    Field {
        path: "input.spoflint.workload.pdbs",
        ty: "array",
        of: WORKLOAD,
        description: "The PodDisruptionBudgets whose selector matches its pods: `{name, min_available, max_unavailable}` (numbers, `\"50%\"` strings, or `null` when unset).",
    },
    Field {
        path: "input.spoflint.workload.zones",
        ty: "array|null",
        of: WORKLOAD,
        description: "The zones its pods are confined to by a zone `nodeSelector` or required node affinity; `null` when any zone of the cluster.",
    },
    Field {
        path: "input.spoflint.workload.zone_spread",
        ty: "boolean",
        of: WORKLOAD,
        description: "A zone `topologySpreadConstraints` entry or `podAntiAffinity` term selects its own pods.",
    },
    Field {
        path: "input.spoflint.workload.host_spread",
        ty: "boolean",
        of: WORKLOAD,
        description: "Its pods are spread over nodes (`kubernetes.io/hostname`) only.",
    },
    Field {
        path: "input.spoflint.workload.leader_election",
        ty: "boolean",
        of: WORKLOAD,
        description: "A container turns leader election on (one active replica, the others standing by).",
    },
    Field {
        path: "input.spoflint.workload.images",
        ty: "array",
        of: WORKLOAD,
        description: "Its containers' images, as written.",
    },
    Field {
        path: "input.spoflint.type",
        ty: "string",
        of: TF,
        description: "Terraform resource type (`aws_db_instance`).",
    },
    Field {
        path: "input.spoflint.address",
        ty: "string",
        of: TF,
        description: "Full address (`module.db.aws_db_instance.main[0]`).",
    },
    Field {
        path: "input.spoflint.mode",
        ty: "string",
        of: TF,
        description: "`managed` or `data`.",
    },
    Field {
        path: "input.spoflint.root",
        ty: "string",
        of: TF,
        description: "The root module (directory or plan file) it belongs to.",
    },
    Field {
        path: "input.spoflint.region",
        ty: "string|null",
        of: TF,
        description: "Its region (its own `region`/`location`, else its provider's); `null` when not known statically.",
    },
    Field {
        path: "input.spoflint.zones",
        ty: "object|null",
        of: TF,
        description: "For resources spoflint places in zones (load balancers, groups, clusters, databases, ...): `{known, unknown, at_least, at_most}`; `null` for others.",
    },
    Field {
        path: "input.spoflint.zones.known",
        ty: "array",
        of: TF,
        description: "The zones known statically.",
    },
    Field {
        path: "input.spoflint.zones.unknown",
        ty: "number",
        of: TF,
        description: "Entries whose zone is not known statically (a subnet id from a data source, ...).",
    },
    Field {
        path: "input.spoflint.zones.at_least",
        ty: "number",
        of: TF,
        description: "The fewest zones it spans.",
    },
    Field {
        path: "input.spoflint.zones.at_most",
        ty: "number|null",
        of: TF,
        description: "The most zones it can span; `null` when unbounded (a list not known statically).",
    },
    Field {
        path: "input.spoflint.regions",
        ty: "array",
        of: TF,
        description: "The regions it is present in: its own and its replicas' (cross-region replicas, global tables, replication destinations).",
    },
    Field {
        path: "input.spoflint.replicas",
        ty: "array",
        of: TF,
        description: "The ids of the resources holding a copy of it (replica databases, global cluster members, replica keys, replication destinations).",
    },
    Field {
        path: "input.spoflint.paired",
        ty: "boolean",
        of: TF,
        description: "spoflint expects a counterpart in a second region for this type.",
    },
    Field {
        path: "input.spoflint.unknown",
        ty: "array",
        of: TF,
        description: "Attributes whose value is not known statically (shown as `null` in `input`), as paths: `subnets`, `replica.0.region`.",
    },
    Field {
        path: "input.spoflint.system",
        ty: "string",
        of: JOB,
        description: "`github-actions` or `gitlab-ci`.",
    },
    Field {
        path: "input.spoflint.deploys",
        ty: "boolean",
        of: JOB,
        description: "spoflint judges that the job deploys (an environment, a deploy command or action).",
    },
    Field {
        path: "data.spoflint",
        ty: "object",
        of: ALL,
        description: "The whole model, the same for every resource.",
    },
    Field {
        path: "data.spoflint.resources",
        ty: "object",
        of: ALL,
        description: "Every resource's `input.spoflint`, by `id`.",
    },
    Field {
        path: "data.spoflint.dns",
        ty: "object",
        of: ALL,
        description: "The DNS providers serving each public domain of the Terraform code: `{\"example.com\": [\"route53\", \"cloudflare\"]}`.",
    },
    Field {
        path: "data.spoflint.layers",
        ty: "array",
        of: ALL,
        description: "The architecture layers present in the scan.",
    },
    Field {
        path: "data.spoflint.regions",
        ty: "array",
        of: ALL,
        description: "Every region a Terraform resource of the scan is in.",
    },
];

/// The fields of `input` for a CI job (it has no document of its own).
pub const JOB_FIELDS: &[Field] = &[
    Field {
        path: "input.name",
        ty: "string",
        of: JOB,
        description: "The job's id (`deploy`, `deploy:prod`).",
    },
    Field {
        path: "input.pipeline",
        ty: "string",
        of: JOB,
        description: "The workflow's `name:` or its file; the GitLab file.",
    },
    Field {
        path: "input.runs_on",
        ty: "array|null",
        of: JOB,
        description: "The runner label sets it may run on (`[[\"self-hosted\", \"linux\"]]`), `[]` for default runners, `null` when an expression.",
    },
    Field {
        path: "input.environment",
        ty: "string|null",
        of: JOB,
        description: "`environment:` name.",
    },
    Field {
        path: "input.steps",
        ty: "array",
        of: JOB,
        description: "`{run: \"...\"}` or `{uses: \"owner/repo@ref\"}`, in order.",
    },
    Field {
        path: "input.images",
        ty: "array",
        of: JOB,
        description: "Container images it runs in or next to.",
    },
    Field {
        path: "input.needs",
        ty: "array",
        of: JOB,
        description: "The jobs it waits for.",
    },
    Field {
        path: "input.manual",
        ty: "boolean",
        of: JOB,
        description: "It runs only when a person starts it.",
    },
];

/// The schema as a markdown table (`spoflint policy schema`).
pub fn schema_markdown() -> String {
    let mut s = String::from("| field | type | resources | meaning |\n|---|---|---|---|\n");
    for f in SCHEMA.iter().chain(JOB_FIELDS) {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            f.path,
            f.ty.replace('|', " or "),
            f.of,
            f.description
        ));
    }
    s
}

/// Most nodes of one document converted (YAML aliases could otherwise expand a small file
/// into a huge value).
const MAX_NODES: usize = 1 << 20;

/// A YAML value as JSON: mappings with their merge keys expanded, aliases followed (at most
/// [`MAX_NODES`] nodes; past that, `null`).
fn yaml_json(v: Val<'_>, budget: &mut usize) -> Json {
    if *budget == 0 {
        return Json::Null;
    }
    *budget -= 1;
    match v.kind() {
        NodeKind::Null => Json::Null,
        NodeKind::Bool(b) => Json::Bool(b),
        NodeKind::Int(i) => json!(i),
        NodeKind::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        NodeKind::Str(s) => Json::String(s.to_string()),
        NodeKind::Seq(_) => Json::Array(v.items().map(|i| yaml_json(i, budget)).collect()),
        NodeKind::Map(_) => {
            let mut m = Map::new();
            for (k, x) in v.entries() {
                m.insert(k.to_string(), yaml_json(x, budget));
            }
            // Keys that are not strings (`9000: x`) as their text.
            for (k, x) in v.raw_entries() {
                if let Some(k) = k
                    && !m.contains_key(&k)
                {
                    m.insert(k, yaml_json(x, budget));
                }
            }
            Json::Object(m)
        }
        // Aliases are followed by the tree; one left is a chain too long to follow.
        NodeKind::Alias(_) => Json::Null,
    }
}

/// [`yaml_json`], straight to the engine's value (a Kubernetes object is most of what
/// policies read: converting it through JSON cost as much as evaluating them).
fn yaml_rego(v: Val<'_>, budget: &mut usize) -> regorus::Value {
    use regorus::Value as Rv;
    if *budget == 0 {
        return Rv::Null;
    }
    *budget -= 1;
    match v.kind() {
        NodeKind::Null | NodeKind::Alias(_) => Rv::Null,
        NodeKind::Bool(b) => Rv::Bool(b),
        NodeKind::Int(i) => Rv::from(i),
        NodeKind::Float(f) if f.is_finite() => Rv::from(f),
        NodeKind::Float(_) => Rv::Null,
        NodeKind::Str(s) => Rv::from(s),
        NodeKind::Seq(_) => Rv::from(v.items().map(|i| yaml_rego(i, budget)).collect::<Vec<_>>()),
        NodeKind::Map(_) => {
            let mut m: BTreeMap<Rv, Rv> = BTreeMap::new();
            for (k, x) in v.entries() {
                m.insert(Rv::from(k), yaml_rego(x, budget));
            }
            for (k, x) in v.raw_entries() {
                if let Some(k) = k
                    && let std::collections::btree_map::Entry::Vacant(e) = m.entry(Rv::from(k))
                {
                    e.insert(yaml_rego(x, budget));
                }
            }
            Rv::from(m)
        }
    }
}

/// A Terraform value as JSON: a resource reference as its address, an unknown value as
/// `null` (its path goes to `unknown`).
fn tf_json(model: &Model, v: &Value, path: &str, unknown: &mut Vec<String>) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => json!(*n as i64),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| tf_json(model, x, &format!("{path}.{i}"), unknown))
                .collect(),
        ),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        tf_json(model, x, &format!("{path}.{k}"), unknown),
                    )
                })
                .collect(),
        ),
        Value::Resource(id) => match model.get(*id) {
            Entry::Terraform(r) => Json::String(r.address.clone()),
            e => Json::String(e.display()),
        },
        Value::Unknown(_) => {
            unknown.push(path.to_string());
            Json::Null
        }
    }
}

fn body_json(model: &Model, body: &Body, prefix: &str, unknown: &mut Vec<String>) -> Json {
    let mut m = Map::new();
    for (k, a) in &body.attrs {
        m.insert(
            k.clone(),
            tf_json(model, &a.value, &format!("{prefix}{k}"), unknown),
        );
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &body.blocks {
        let n = counts.entry(b.kind.as_str()).or_default();
        let inner = body_json(model, &b.body, &format!("{prefix}{}.{n}.", b.kind), unknown);
        *n += 1;
        if let Json::Array(list) = m
            .entry(b.kind.clone())
            .or_insert_with(|| Json::Array(Vec::new()))
        {
            list.push(inner);
        }
    }
    Json::Object(m)
}

/// The `id` of a resource: its identity, with a Terraform instance's root module (the same
/// address in two roots is two resources).
pub fn policy_id(model: &Model, id: ResourceId) -> String {
    match model.get(id) {
        Entry::Terraform(r) => format!("tf:{}:{}", r.root, r.address),
        e => e.identity(),
    }
}

fn layer_json(layer: Option<Layer>) -> Json {
    layer.map_or(Json::Null, |l| Json::String(l.as_str().to_string()))
}

fn role_name(role: &Role) -> &'static str {
    match role {
        Role::Application => "application",
        Role::DataStore(_) => "data-store",
        Role::IngressController => "ingress-controller",
        Role::GitOps { .. } => "gitops",
        Role::RunnerPool => "runner-pool",
        Role::SecurityService(_) => "security-service",
        Role::NodeAutoscaler(_) => "node-autoscaler",
        Role::ControlPlane(_) => "control-plane",
    }
}

fn role_layer(role: &Role) -> Layer {
    match role {
        Role::Application | Role::NodeAutoscaler(_) => Layer::Compute,
        Role::DataStore(_) => Layer::Data,
        Role::IngressController => Layer::Network,
        Role::GitOps { .. } => Layer::Gitops,
        Role::RunnerPool => Layer::Cicd,
        Role::SecurityService(_) => Layer::Security,
        Role::ControlPlane(_) => Layer::Control,
    }
}

fn int_or_percent(v: &Option<crate::facts::IntOrPercent>) -> Json {
    use crate::facts::IntOrPercent;
    match v {
        None => Json::Null,
        Some(IntOrPercent::Int(i)) => json!(i),
        Some(IntOrPercent::Percent(p)) => Json::String(format!("{p}%")),
        Some(IntOrPercent::Invalid(s)) => Json::String(s.clone()),
    }
}

/// Indexes of the facts a resource's `spoflint` object reads, built once per scan.
pub struct Index<'a> {
    model: &'a Model,
    facts: &'a Facts,
    workload: BTreeMap<ResourceId, usize>,
    gitops: std::collections::HashSet<ResourceId>,
    deploys: std::collections::HashSet<ResourceId>,
    hpa_pdb: std::collections::HashSet<ResourceId>,
}

impl<'a> Index<'a> {
    pub fn new(model: &'a Model, facts: &'a Facts) -> Self {
        Index {
            model,
            facts,
            workload: facts
                .workloads
                .iter()
                .enumerate()
                .map(|(i, w)| (w.res, i))
                .collect(),
            gitops: facts.gitops_engines.values().flatten().copied().collect(),
            deploys: facts.ci.deploy_jobs.iter().map(|d| d.res).collect(),
            hpa_pdb: facts
                .hpas
                .iter()
                .map(|h| h.res)
                .chain(facts.pdbs.iter().map(|p| p.res))
                .collect(),
        }
    }

    /// The layer a resource belongs to, as the layer verdicts count it.
    fn layer(&self, id: ResourceId) -> Option<Layer> {
        let model = self.model;
        match model.get(id) {
            Entry::Kubernetes(r) => {
                if let Some(&w) = self.workload.get(&id) {
                    return Some(role_layer(&self.facts.workloads[w].role));
                }
                if self.gitops.contains(&id) {
                    return Some(Layer::Gitops);
                }
                if crate::facts::load_balancer_type(r).is_some() || crate::facts::is_ingress(r) {
                    return Some(Layer::Network);
                }
                if self.hpa_pdb.contains(&id) {
                    return Some(Layer::Compute);
                }
                crate::facts::NOT_JUDGED_KINDS
                    .iter()
                    .find(|(g, k, _)| r.kind == *k && r.group() == *g)
                    .map(|(_, _, l)| *l)
            }
            Entry::Terraform(r) => crate::facts::providers::kind(&r.rtype)
                .and_then(|k| k.layer)
                .or_else(|| crate::facts::providers::not_judged(&r.rtype)),
            Entry::Job(_) => Some(Layer::Cicd),
        }
    }

    /// The `spoflint` object of resource `id` (see [`SCHEMA`]).
    pub fn facts_of(&self, id: ResourceId) -> Json {
        let (model, facts) = (self.model, self.facts);
        let e = model.get(id);
        let file = &model.sources.get(e.source()).path;
        let line = model
            .sources
            .get(e.source())
            .line_col(e.header().start)
            .line;
        let mut m = Map::new();
        let family = match e {
            Entry::Kubernetes(_) => "kubernetes",
            Entry::Terraform(_) => "terraform",
            Entry::Job(_) => "pipeline",
        };
        m.insert("family".into(), json!(family));
        m.insert("id".into(), json!(policy_id(model, id)));
        m.insert("name".into(), json!(e.display()));
        m.insert("file".into(), json!(file));
        m.insert("line".into(), json!(line));
        m.insert("layer".into(), layer_json(self.layer(id)));
        match e {
            Entry::Kubernetes(r) => {
                m.insert("provider".into(), json!("kubernetes"));
                m.insert("built_by".into(), json!(r.built_by.as_deref()));
                m.insert("kind".into(), json!(r.kind));
                m.insert("namespace".into(), json!(r.namespace));
                let workload = self.workload.get(&id).map(|&i| {
                    let w = &facts.workloads[i];
                    let hpa = match w.replica_source {
                        ReplicaSource::Hpa(h) => {
                            let h = &facts.hpas[h];
                            json!({
                                "name": model.resource(h.res).name,
                                "min": h.min_replicas,
                                "max": h.max_replicas,
                            })
                        }
                        _ => Json::Null,
                    };
                    let pdbs: Vec<Json> = w
                        .pdbs
                        .iter()
                        .map(|&p| {
                            let p = &facts.pdbs[p];
                            json!({
                                "name": model.resource(p.res).name,
                                "min_available": int_or_percent(&p.min_available),
                                "max_unavailable": int_or_percent(&p.max_unavailable),
                            })
                        })
                        .collect();
                    json!({
                        "role": role_name(&w.role),
                        "replicas": w.replicas,
                        "replicas_from": match w.replica_source {
                            ReplicaSource::Hpa(_) => "hpa",
                            ReplicaSource::Field => "field",
                            ReplicaSource::Default => "default",
                            ReplicaSource::Fixed => "fixed",
                        },
                        "hpa": hpa,
                        "pdbs": pdbs,
                        "zones": w.placement.zones,
                        "zone_spread": w.placement.zone_spread,
                        "host_spread": w.placement.host_spread.is_some(),
                        "leader_election": w.leader_election().is_some(),
                        "images": w.containers.iter().map(|c| c.image.clone()).collect::<Vec<_>>(),
                    })
                });
                m.insert("workload".into(), workload.unwrap_or(Json::Null));
            }
            Entry::Terraform(r) => {
                m.insert("provider".into(), json!(r.provider));
                m.insert("type".into(), json!(r.rtype));
                m.insert("address".into(), json!(r.address));
                m.insert(
                    "mode".into(),
                    json!(match r.mode {
                        crate::model::terraform::Mode::Managed => "managed",
                        crate::model::terraform::Mode::Data => "data",
                    }),
                );
                m.insert("root".into(), json!(r.root));
                m.insert("region".into(), json!(r.region_name()));
                let zones = facts.tf.placement(id).map(|p| {
                    json!({
                        "known": p.zones.known,
                        "unknown": p.zones.unknown,
                        "at_least": p.zones.at_least(),
                        "at_most": p.zones.at_most(),
                    })
                });
                m.insert("zones".into(), zones.unwrap_or(Json::Null));
                let presence = facts.tf.regions_of(model, id);
                m.insert("regions".into(), json!(presence.regions));
                let replicas: Vec<String> = facts
                    .tf
                    .counterparts(model, id)
                    .into_iter()
                    .map(|c| policy_id(model, c))
                    .collect();
                m.insert("replicas".into(), json!(replicas));
                m.insert(
                    "paired".into(),
                    json!(crate::facts::providers::kind(&r.rtype).is_some_and(|k| k.paired)),
                );
                // Filled by `input_of` while converting the attributes.
                m.insert("unknown".into(), json!([]));
            }
            Entry::Job(j) => {
                m.insert("provider".into(), json!(j.system.key()));
                m.insert("system".into(), json!(j.system.key()));
                m.insert("deploys".into(), json!(self.deploys.contains(&id)));
            }
        }
        Json::Object(m)
    }

    /// `input` for resource `id`: the resource as written, with `spoflint` (its facts) added.
    pub fn input_of(&self, id: ResourceId) -> Json {
        self.input_with(id, self.facts_of(id))
    }

    /// [`Self::input_of`] with the resource's `spoflint` object already made.
    pub fn input_with(&self, id: ResourceId, mut facts: Json) -> Json {
        let model = self.model;
        let mut doc = match model.get(id) {
            Entry::Kubernetes(r) => {
                let mut budget = MAX_NODES;
                yaml_json(r.root(), &mut budget)
            }
            Entry::Terraform(r) => {
                let mut unknown = Vec::new();
                let body = body_json(model, &r.body, "", &mut unknown);
                facts["unknown"] = json!(unknown);
                body
            }
            Entry::Job(j) => job_json(j),
        };
        if let Json::Object(m) = &mut doc {
            m.insert("spoflint".into(), facts);
        } else {
            doc = json!({ "spoflint": facts });
        }
        doc
    }

    /// [`Self::input_with`] as the engine's value.
    pub fn rego_input(&self, id: ResourceId, facts: Json) -> regorus::Value {
        match self.model.get(id) {
            Entry::Kubernetes(r) => {
                let mut budget = MAX_NODES;
                let mut doc = yaml_rego(r.root(), &mut budget);
                let facts = regorus::Value::from(facts);
                match doc.as_object_mut() {
                    Ok(m) => {
                        m.insert(regorus::Value::from("spoflint"), facts);
                    }
                    Err(_) => {
                        let mut m = BTreeMap::new();
                        m.insert(regorus::Value::from("spoflint"), facts);
                        doc = regorus::Value::from(m);
                    }
                }
                doc
            }
            _ => regorus::Value::from(self.input_with(id, facts)),
        }
    }

    /// The string at `path` of the input of resource `id` (whose `spoflint` object is
    /// `facts`), without building the input: `Some(None)` when there is none there (absent,
    /// or not a string), `None` when it cannot be told this way (a key that YAML may have
    /// written as a number or boolean).
    pub fn string_at(
        &self,
        id: ResourceId,
        facts: &Json,
        path: &[String],
    ) -> Option<Option<String>> {
        let walk = |mut v: &Json, keys: &[String]| -> Option<String> {
            for k in keys {
                v = v.get(k)?;
            }
            v.as_str().map(str::to_string)
        };
        let (first, rest) = path.split_first()?;
        if first == "spoflint" {
            return Some(walk(facts, rest));
        }
        match self.model.get(id) {
            Entry::Kubernetes(r) => {
                let plain = |k: &String| {
                    k.parse::<f64>().is_err()
                        && !matches!(
                            k.to_ascii_lowercase().as_str(),
                            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
                        )
                };
                if !path.iter().all(plain) {
                    return None;
                }
                let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                Some(r.root().path(&keys).and_then(|v| match v.kind() {
                    NodeKind::Str(s) => Some(s.to_string()),
                    _ => None,
                }))
            }
            Entry::Terraform(r) => {
                let Some(attr) = r.body.attr(first) else {
                    return Some(None);
                };
                let mut v = &attr.value;
                for k in rest {
                    match v {
                        Value::Map(m) => match m.get(k) {
                            Some(x) => v = x,
                            None => return Some(None),
                        },
                        _ => return Some(None),
                    }
                }
                Some(match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Resource(other) => match self.model.get(*other) {
                        Entry::Terraform(o) => Some(o.address.clone()),
                        e => Some(e.display()),
                    },
                    _ => None,
                })
            }
            Entry::Job(j) => Some(walk(&job_json(j), path)),
        }
    }

    /// `data.spoflint`: every resource's facts by id, DNS providers per domain, the layers
    /// present and the regions.
    pub fn model_data(&self) -> Json {
        let (model, facts) = (self.model, self.facts);
        let mut resources = Map::new();
        for (id, e) in model.entries() {
            let mut f = self.facts_of(id);
            if let Entry::Terraform(r) = e {
                let mut unknown = Vec::new();
                body_json(model, &r.body, "", &mut unknown);
                f["unknown"] = json!(unknown);
            }
            resources.insert(policy_id(model, id), f);
        }
        let mut dns: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (domain, zones) in &facts.tf.dns_domains {
            let mut providers: Vec<&str> = zones.iter().map(|z| z.provider).collect();
            providers.sort();
            providers.dedup();
            dns.insert(domain.clone(), providers);
        }
        let regions: std::collections::BTreeSet<&str> = model
            .tf_iter()
            .filter_map(|(_, r)| r.region_name())
            .collect();
        json!({
            "resources": resources,
            "dns": dns,
            "layers": facts.present.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            "regions": regions,
        })
    }
}

fn job_json(j: &crate::model::pipeline::Job) -> Json {
    use crate::model::pipeline::{Runner, Step};
    let runs_on = match &j.runner {
        Runner::Default => json!([]),
        Runner::Labels(sets) => json!(sets.iter().map(|s| s.labels.clone()).collect::<Vec<_>>()),
        Runner::Unknown(_) => Json::Null,
    };
    let steps: Vec<Json> = j
        .steps
        .iter()
        .map(|s| match s {
            Step::Run(at) => json!({ "run": at.value }),
            Step::Action(at) => json!({ "uses": at.value }),
        })
        .collect();
    json!({
        "name": j.name,
        "pipeline": j.pipeline,
        "runs_on": runs_on,
        "environment": j.environment.as_ref().map(|e| e.value.clone()),
        "steps": steps,
        "images": j.images.iter().map(|i| i.value.clone()).collect::<Vec<_>>(),
        "needs": j.needs,
        "manual": j.manual,
    })
}
