//! CI facts: self-hosted runner pools (their capacity and the jobs they take), and what the
//! pipelines show: the CI systems, the jobs that deploy (and where to), the registry of every
//! container image, and the mirrors in front of registries.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use super::{Facts, Role, image_name, image_repository, pair_nearest};
use crate::finding::{Label, count};
use crate::model::pipeline::{At, CiSystem, Job, Step, action_name};
use crate::model::{Model, Resource, ResourceId, Span};

/// Actions Runner Controller (summerwind) API group.
const ARC_LEGACY: &str = "actions.summerwind.dev";
/// GitHub's Actions Runner Controller (runner scale sets) API group.
const ARC: &str = "actions.github.com";

/// A pool of self-hosted CI runners whose capacity is known.
#[derive(Clone, Debug)]
pub struct RunnerPool {
    pub res: ResourceId,
    /// How many runners it can run at once.
    pub capacity: i64,
    /// Where that number is set (or, when it is a default, the resource).
    pub label: Label,
    /// Which jobs it runs.
    pub select: PoolSelect,
}

/// How jobs choose a runner pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolSelect {
    /// GitHub Actions runners carrying these labels, besides `self-hosted` and the OS and
    /// architecture labels every self-hosted runner has.
    GitHubLabels(Vec<String>),
    /// A GitHub runner scale set, chosen by its name in `runs-on`.
    ScaleSet(String),
    /// GitLab runners with these tags (`RUNNER_TAG_LIST`), and whether they take untagged
    /// jobs (`RUNNER_RUN_UNTAGGED`).
    GitLabTags { tags: Vec<String>, untagged: bool },
    /// Runners of this CI system whose labels or tags are not known statically.
    Unknown(CiSystem),
}

/// Labels every self-hosted GitHub runner carries (OS and architecture), lower case.
const IMPLICIT_LABELS: &[&str] = &[
    "self-hosted",
    "linux",
    "windows",
    "macos",
    "x64",
    "arm",
    "arm64",
];

impl PoolSelect {
    /// Whether a job asking for `labels` (GitHub `runs-on`, GitLab `tags`) can run here:
    /// `None` when the pool's labels are not known.
    pub fn accepts(&self, system: CiSystem, labels: &[String]) -> Option<bool> {
        let lower: Vec<String> = labels.iter().map(|l| l.to_ascii_lowercase()).collect();
        match (self, system) {
            (PoolSelect::GitHubLabels(own), CiSystem::GitHubActions) => {
                let own: Vec<String> = own.iter().map(|l| l.to_ascii_lowercase()).collect();
                Some(
                    lower
                        .iter()
                        .all(|l| IMPLICIT_LABELS.contains(&l.as_str()) || own.contains(l)),
                )
            }
            (PoolSelect::ScaleSet(name), CiSystem::GitHubActions) => {
                let rest: Vec<&String> = lower.iter().filter(|l| *l != "self-hosted").collect();
                Some(rest.len() == 1 && rest[0].eq_ignore_ascii_case(name))
            }
            (PoolSelect::GitLabTags { tags, untagged }, CiSystem::GitLabCi) => {
                Some(if lower.is_empty() {
                    *untagged
                } else {
                    lower
                        .iter()
                        .all(|l| tags.iter().any(|t| t.eq_ignore_ascii_case(l)))
                })
            }
            (PoolSelect::Unknown(of), _) if *of == system => None,
            _ => Some(false),
        }
    }
}

/// The capacity of a pool with no limit.
pub const UNBOUNDED: i64 = i64::MAX;

/// The tags a GitLab runner workload registers with: its containers' `RUNNER_TAG_LIST` and
/// `RUNNER_RUN_UNTAGGED` environment variables (what the gitlab-runner chart's `runners.tags`
/// and `runners.runUntagged` become); unknown when neither is set (tags chosen in GitLab).
fn gitlab_tags(r: &Resource) -> PoolSelect {
    let mut tags = None;
    let mut untagged = None;
    let spec = r.root().path(&["spec", "template", "spec"]);
    for c in spec
        .and_then(|s| s.get("containers"))
        .into_iter()
        .flat_map(|l| l.items())
    {
        for e in c.get("env").into_iter().flat_map(|l| l.items()) {
            let value = e.get("value").and_then(|v| v.scalar_text());
            match e.get("name").and_then(|n| n.as_str()) {
                Some("RUNNER_TAG_LIST") => tags = value,
                Some("RUNNER_RUN_UNTAGGED") => untagged = value,
                _ => {}
            }
        }
    }
    if tags.is_none() && untagged.is_none() {
        return PoolSelect::Unknown(CiSystem::GitLabCi);
    }
    PoolSelect::GitLabTags {
        tags: tags
            .unwrap_or_default()
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        untagged: untagged.is_some_and(|u| u.eq_ignore_ascii_case("true")),
    }
}

/// Runner pools, in model order, then GitLab runner workloads: ARC RunnerDeployments and
/// RunnerSets (the `maxReplicas` of the HorizontalRunnerAutoscaler that targets them, nearest
/// copy in the file tree as for HPAs, else `spec.replicas`, absent meaning 1),
/// AutoscalingRunnerSets (`spec.maxRunners`; absent means unbounded: [`UNBOUNDED`]), and workloads of role [`Role::RunnerPool`] (their effective replicas). Pools
/// whose capacity is not an integer are left out.
pub fn runner_pools(model: &Model, facts: &Facts) -> Vec<RunnerPool> {
    let autoscalers: Vec<(ResourceId, &Resource)> = model
        .iter()
        .filter(|(_, r)| r.group() == ARC_LEGACY && r.kind == "HorizontalRunnerAutoscaler")
        .collect();
    let targets: Vec<(ResourceId, Vec<&str>, &str)> = autoscalers
        .iter()
        .map(|(id, h)| {
            let target = |k: &str| h.root().path(&["spec", "scaleTargetRef", k]);
            let kinds = match target("kind").and_then(|k| k.as_str()) {
                Some(k) => vec![k],
                None => vec!["RunnerDeployment", "RunnerSet"],
            };
            (
                *id,
                kinds,
                target("name").and_then(|n| n.as_str()).unwrap_or(""),
            )
        })
        .collect();
    let is_runner_set = |r: &Resource| {
        r.group() == ARC_LEGACY && matches!(r.kind.as_str(), "RunnerDeployment" | "RunnerSet")
    };
    let autoscaler_of = pair_nearest(model, is_runner_set, &targets);

    let mut pools = Vec::new();
    for (id, r) in model.iter() {
        let root = r.root();
        let capacity = if is_runner_set(r) {
            match autoscaler_of.get(&id).map(|&i| autoscalers[i].1) {
                Some(h) => h.root().path(&["spec", "maxReplicas"]).and_then(|max| {
                    let n = max.as_i64()?;
                    let at = format!("autoscaler allows at most {}", count(n, "runner"));
                    Some((n, Label::new(h.source, max.field_span(), at)))
                }),
                None => match root.path(&["spec", "replicas"]) {
                    Some(v) => v
                        .as_i64()
                        .map(|n| (n, Label::new(r.source, v.field_span(), count(n, "runner")))),
                    None => Some((1, r.header_label("spec.replicas is not set: 1 runner"))),
                },
            }
        } else if r.group() == ARC && r.kind == "AutoscalingRunnerSet" {
            match root.path(&["spec", "maxRunners"]) {
                Some(max) => max.as_i64().map(|n| {
                    let at = format!("at most {}", count(n, "runner"));
                    (n, Label::new(r.source, max.field_span(), at))
                }),
                None => Some((
                    UNBOUNDED,
                    r.header_label("spec.maxRunners is not set: no limit"),
                )),
            }
        } else {
            None
        };
        if let Some((capacity, label)) = capacity {
            let select = if r.kind == "AutoscalingRunnerSet" {
                let name = root
                    .path(&["spec", "runnerScaleSetName"])
                    .and_then(|n| n.as_str())
                    .unwrap_or(&r.name);
                PoolSelect::ScaleSet(name.to_string())
            } else {
                let labels = root
                    .path(&["spec", "template", "spec", "labels"])
                    .or_else(|| root.path(&["spec", "labels"]));
                match labels {
                    Some(l) => match l.items().map(|i| i.as_str().map(str::to_string)).collect() {
                        Some(list) => PoolSelect::GitHubLabels(list),
                        None => PoolSelect::Unknown(CiSystem::GitHubActions),
                    },
                    None => PoolSelect::GitHubLabels(Vec::new()),
                }
            };
            pools.push(RunnerPool {
                res: id,
                capacity,
                label,
                select,
            });
        }
    }
    for w in &facts.workloads {
        if w.role == Role::RunnerPool
            && w.kind.is_replicated()
            && let Some(n) = w.replicas
        {
            pools.push(RunnerPool {
                res: w.res,
                capacity: n,
                label: facts.replicas_label(model, w),
                select: gitlab_tags(model.resource(w.res)),
            });
        }
    }
    pools
}

// ---------------------------------------------------------------------------------------
// Pipelines: CI systems, deploy jobs, runner selection, registries.

/// How jobs are classified and registries judged: `cicd:` in `.spoflint.yaml` extends the
/// built-in lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CiSettings {
    /// Extra regular expressions: a script line or `run:` step matching one deploys.
    pub deploy_commands: Vec<String>,
    /// Extra GitHub actions (`owner/repo` or `owner/repo/path`, before `@`, lower case) that
    /// deploy.
    pub deploy_actions: Vec<String>,
    /// Environment names that do not make a job a deploy job (`test`, `package/*`: `*` stands
    /// for any characters).
    pub not_deploy_environments: Vec<String>,
    /// Registry hosts with a mirror configured outside the scan (`docker.io`, `ghcr.io`; `*`
    /// for all).
    pub mirrored_registries: Vec<String>,
}

/// Commands that deploy, as regular expressions over one script line (or `run:` text).
pub const DEPLOY_COMMANDS: &[&str] = &[
    r"\bkubectl\b.*\s(apply|create|replace|patch|scale|set\s+image|rollout\s+(restart|undo|resume))\b",
    r"\bhelm\s+(upgrade|install|rollback|uninstall)\b",
    r"\bhelmfile\b.*\s(apply|sync|deploy)\b",
    r"\b(terraform|tofu|terragrunt)\b.*\sapply\b",
    r"\bterragrunt\s+run-all\s+apply\b",
    r"\bpulumi\s+up\b",
    r"\bcdk\s+deploy\b",
    r"\bargocd\s+app\s+(sync|rollback|set)\b",
    r"\bflux\s+reconcile\b",
    r"\bkustomize\s+build\b.*\|\s*kubectl\s+apply\b",
    r"\bskaffold\s+(run|deploy)\b",
    r"\baws\s+ecs\s+update-service\b",
    r"\baws\s+lambda\s+update-function-code\b",
    r"\baws\s+cloudformation\s+(deploy|update-stack|create-stack)\b",
    r"\baws\s+deploy\s+create-deployment\b",
    r"\b(sam|serverless|sls)\s+deploy\b",
    r"\bgcloud\s+(run|app|functions)\s+deploy\b",
    r"\bgcloud\s+run\s+services\s+update\b",
    r"\baz\s+(webapp|functionapp)\s+deploy\b",
    r"\baz\s+containerapp\s+update\b",
    r"\baz\s+deployment\s+group\s+create\b",
    r"\b(fly|flyctl)\s+deploy\b",
    r"\bkamal\s+deploy\b",
    r"\bdocker\s+stack\s+deploy\b",
];

/// GitHub actions that deploy (matched on `owner/repo[/path]`, before `@`).
pub const DEPLOY_ACTIONS: &[&str] = &[
    "azure/k8s-deploy",
    "azure/webapps-deploy",
    "azure/functions-action",
    "azure/arm-deploy",
    "azure/aci-deploy",
    "azure/container-apps-deploy-action",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "aws-actions/aws-cloudformation-github-deploy",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/deploy-appengine",
    "google-github-actions/deploy-cloud-functions",
    "actions/deploy-pages",
    "peaceiris/actions-gh-pages",
    "jamesives/github-pages-deploy-action",
    "cloudflare/wrangler-action",
    "amondnet/vercel-action",
    "akhileshns/heroku-deploy",
    "deliverybot/helm",
];

/// Actions that create a throwaway Kubernetes cluster inside the job (matched like
/// [`DEPLOY_ACTIONS`]).
pub const EPHEMERAL_CLUSTER_ACTIONS: &[&str] = &[
    "helm/kind-action",
    "engineerd/setup-kind",
    "container-tools/kind-action",
    "absaoss/k3d-action",
    "nolar/setup-k3d-k3s",
    "medyagh/setup-minikube",
    "manusa/actions-setup-minikube",
    "jupyterhub/action-k3s-helm",
    "debianmaintainers/setup-k3s",
];

/// Commands that create a throwaway Kubernetes cluster inside the job.
pub const EPHEMERAL_CLUSTER_COMMANDS: &str = r"\b(kind\s+create\s+cluster|k3d\s+cluster\s+create|minikube\s+start|ctlptl\s+create\s+cluster)\b";

/// Why a job deploys.
#[derive(Clone, Debug)]
pub struct DeployJob {
    pub res: crate::model::ResourceId,
    /// Where the evidence is: the `environment:`, the command line, the action.
    pub why: Label,
    /// What it deploys to, where it says: the environment, clusters named in its commands.
    pub targets: Vec<String>,
}

/// A container image some resource or job uses.
#[derive(Clone, Debug)]
pub struct ImageUse {
    pub res: crate::model::ResourceId,
    pub image: String,
    /// The registry host it is pulled from (`docker.io` for short names).
    pub host: String,
    pub label: Label,
}

/// What the scan's pipelines and images show.
#[derive(Clone, Debug, Default)]
pub struct CiFacts {
    /// Jobs of each CI system found, in model order.
    pub systems: BTreeMap<CiSystem, Vec<crate::model::ResourceId>>,
    /// Jobs that deploy, in model order.
    pub deploy_jobs: Vec<DeployJob>,
    /// Every image reference known statically (Kubernetes pod specs, CI jobs), in model order.
    pub images: Vec<ImageUse>,
    /// Image references not known statically (a variable, an expression, a job extending a
    /// job spoflint does not see): where, and as written.
    pub unknown_images: Vec<(crate::model::ResourceId, Label)>,
    /// Registry hosts with a mirror that serves their images when they fail (a node-level
    /// mirror such as Spegel or kube-image-keeper, for every host: `*`): where it is configured
    /// (`None` for the configuration's `cicd.mirrored_registries`).
    pub mirrored: BTreeMap<String, Option<Label>>,
}

impl CiFacts {
    /// The mirror of `host`, if any (`Some(None)`: declared in the configuration).
    pub fn mirror_of(&self, host: &str) -> Option<&Option<Label>> {
        self.mirrored.get(host).or_else(|| self.mirrored.get("*"))
    }

    /// The git hosts the scan's pipelines run from, as far as their CI system names one.
    pub fn git_hosts(&self) -> BTreeSet<&'static str> {
        self.systems.keys().filter_map(|s| s.git_host()).collect()
    }

    /// The git hosts of the CI systems that have deploy jobs.
    pub fn deploy_git_hosts(&self, model: &Model) -> BTreeSet<&'static str> {
        self.deploy_jobs
            .iter()
            .filter_map(|d| model.job(d.res).system.git_host())
            .collect()
    }
}

/// The registry host of an image reference (Docker's rules: the first path component is a
/// host when it has a `.` or `:` or is `localhost`; else Docker Hub). `None` for references
/// holding a variable or template (not known statically).
pub fn registry_host(image: &str) -> Option<String> {
    let image = image.trim();
    if image.is_empty() || image.contains('$') || image.contains("{{") {
        return None;
    }
    let host = match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first.to_ascii_lowercase()
        }
        _ => "docker.io".to_string(),
    };
    Some(match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_string()
        }
        _ => host,
    })
}

/// Image names the scan's build tools replace before the manifests are applied: a
/// kustomization's `images:` entry (its `newName`, when every kustomization naming the image
/// gives the same one; `None` when they differ), and a Skaffold artifact (its repository is
/// chosen when Skaffold runs: `None`).
fn image_rewrites(model: &Model) -> BTreeMap<String, Option<String>> {
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (_, r) in model.iter() {
        let root = r.root();
        if r.kind == "Kustomization" && r.group() == "kustomize.config.k8s.io" {
            for entry in root.get("images").into_iter().flat_map(|l| l.items()) {
                let Some(name) = entry.get("name").and_then(|n| n.as_str()) else {
                    continue;
                };
                let Some(new_name) = entry.get("newName").and_then(|n| n.as_str()) else {
                    continue;
                };
                out.entry(name.to_string())
                    .and_modify(|seen| {
                        if seen.as_deref() != Some(new_name) {
                            *seen = None;
                        }
                    })
                    .or_insert_with(|| Some(new_name.to_string()));
            }
        } else if r.kind == "Config" && r.api_version.starts_with("skaffold/") {
            let profiles = root.get("profiles").into_iter().flat_map(|p| p.items());
            for build in root
                .get("build")
                .into_iter()
                .chain(profiles.filter_map(|p| p.get("build")))
            {
                for a in build.get("artifacts").into_iter().flat_map(|l| l.items()) {
                    if let Some(image) = a.get("image").and_then(|i| i.as_str()) {
                        out.insert(image.to_string(), None);
                    }
                }
            }
        }
    }
    out
}

/// Pod specs of a Kubernetes object, by kind.
fn pod_spec_paths(r: &Resource) -> Option<&'static [&'static str]> {
    let core_or_apps = matches!(r.group(), "" | "apps" | "extensions" | "batch");
    if !core_or_apps {
        return None;
    }
    Some(match r.kind.as_str() {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "Deployment"
        | "StatefulSet"
        | "ReplicaSet"
        | "DaemonSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        _ => return None,
    })
}

/// [`DEPLOY_COMMANDS`] compiled, once per process: compiling them took longer than deriving
/// the facts of a small repository.
static BUILTIN_COMMANDS: LazyLock<Vec<regex::Regex>> = LazyLock::new(|| {
    DEPLOY_COMMANDS
        .iter()
        .filter_map(|c| regex::Regex::new(c).ok())
        .collect()
});

/// [`EPHEMERAL_CLUSTER_COMMANDS`] compiled, once per process.
static EPHEMERAL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(EPHEMERAL_CLUSTER_COMMANDS).expect("a valid pattern"));

/// Where a command names the cluster it deploys to.
static TARGETS: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?:--context[= ]|update-kubeconfig\b.*--name[= ]|clusters\s+get-credentials\s+|aks\s+get-credentials\b.*--name[= ])([A-Za-z0-9_.:/@-]+)",
    )
    .expect("a valid pattern")
});

/// Derives the CI facts of the scan.
pub fn derive(model: &Model, settings: &CiSettings) -> CiFacts {
    let mut ci = CiFacts::default();
    // Cloning a compiled pattern shares it.
    let commands: Vec<regex::Regex> = BUILTIN_COMMANDS
        .iter()
        .cloned()
        .chain(
            settings
                .deploy_commands
                .iter()
                .filter_map(|c| regex::Regex::new(c).ok()),
        )
        .collect();
    let rewrites = image_rewrites(model);
    let ephemeral = &*EPHEMERAL;
    let targets_re = &*TARGETS;
    for (id, entry) in model.entries() {
        match entry {
            crate::model::Entry::Kubernetes(r) => {
                let Some(path) = pod_spec_paths(r) else {
                    continue;
                };
                let Some(spec) = r.root().path(path) else {
                    continue;
                };
                for key in ["initContainers", "containers"] {
                    for c in spec.get(key).into_iter().flat_map(|l| l.items()) {
                        let Some(image) = c.get("image") else {
                            continue;
                        };
                        let Some(text) = image.as_str() else { continue };
                        let label = Label::new(r.source, image.field_span(), "");
                        // What is pulled: the name a build tool gives it, if it renames it.
                        let pulled = match rewrites.get(image_repository(text)) {
                            Some(Some(new_name)) => Some(new_name.as_str()),
                            Some(None) => None,
                            None => Some(text),
                        };
                        match pulled.and_then(|p| registry_host(p).map(|h| (p, h))) {
                            Some((pulled, host)) => ci.images.push(ImageUse {
                                res: id,
                                image: pulled.to_string(),
                                host,
                                label,
                            }),
                            None if !text.trim().is_empty() => ci.unknown_images.push((id, label)),
                            None => {}
                        }
                        if image_name(text) == "spegel" || image_name(text) == "kube-image-keeper" {
                            ci.mirrored.entry("*".to_string()).or_insert_with(|| {
                                Some(r.header_label("a registry mirror for every node"))
                            });
                        }
                    }
                }
            }
            crate::model::Entry::Terraform(_) => {}
            crate::model::Entry::Job(job) => {
                ci.systems.entry(job.system).or_default().push(id);
                for image in &job.images {
                    match registry_host(&image.value) {
                        Some(host) => ci.images.push(ImageUse {
                            res: id,
                            image: image.value.clone(),
                            host,
                            label: image.label(""),
                        }),
                        None => ci.unknown_images.push((id, image.label(""))),
                    }
                }
                if let Some(parent) = job.incomplete.as_ref().filter(|_| job.images.is_empty()) {
                    ci.unknown_images.push((id, parent.label("")));
                }
                if let Some(why) = deploy_evidence(model, job, (&commands, ephemeral), settings) {
                    let mut targets: Vec<String> =
                        job.environment.iter().map(|e| e.value.clone()).collect();
                    for step in &job.steps {
                        if let Step::Run(run) = step {
                            for c in targets_re.captures_iter(&run.value) {
                                targets.push(c[1].to_string());
                            }
                        }
                    }
                    targets.sort();
                    targets.dedup();
                    ci.deploy_jobs.push(DeployJob {
                        res: id,
                        why,
                        targets,
                    });
                }
            }
        }
    }
    for host in &settings.mirrored_registries {
        ci.mirrored.insert(host.to_ascii_lowercase(), None);
    }
    ci
}

/// Why `job` deploys: its environment, a deploy command or a deploy action (first found).
fn deploy_evidence(
    model: &Model,
    job: &Job,
    (commands, ephemeral): (&[regex::Regex], &regex::Regex),
    settings: &CiSettings,
) -> Option<Label> {
    if let Some(env) = &job.environment
        && !settings
            .not_deploy_environments
            .iter()
            .any(|n| wildcard_match(n, &env.value))
    {
        return Some(env.label(format!("deploys to environment `{}`", env.value)));
    }
    if creates_ephemeral_cluster(job, ephemeral) {
        // What it applies goes to a cluster that lives as long as the job: a test.
        return None;
    }
    for step in &job.steps {
        match step {
            Step::Run(run) => {
                for line in run.value.lines() {
                    let line = line.trim();
                    if line.starts_with('#') {
                        continue;
                    }
                    if let Some(m) = commands.iter().find_map(|c| c.find(line)) {
                        let cmd = line[m.start()..].trim_end();
                        return Some(Label::new(
                            run.source,
                            sub_span(&model.sources.get(run.source).text, run, line),
                            format!("runs `{}`", shorten(cmd)),
                        ));
                    }
                }
            }
            Step::Action(uses) => {
                let name = action_name(&uses.value);
                let known = DEPLOY_ACTIONS.iter().any(|a| is_action(&name, a))
                    || settings.deploy_actions.iter().any(|a| is_action(&name, a));
                if known {
                    return Some(uses.label(format!("uses the deploy action `{name}`")));
                }
            }
        }
    }
    None
}

/// Whether the action `name` is `action` (lower case) or an action under it
/// (`owner/repo/path`).
fn is_action(name: &str, action: &str) -> bool {
    name.strip_prefix(action)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether the job creates a throwaway cluster (kind, k3d, minikube) to apply things to.
fn creates_ephemeral_cluster(job: &Job, command: &regex::Regex) -> bool {
    job.steps.iter().any(|step| match step {
        Step::Run(run) => command.is_match(&run.value),
        Step::Action(uses) => {
            let name = action_name(&uses.value);
            EPHEMERAL_CLUSTER_ACTIONS
                .iter()
                .any(|a| is_action(&name, a))
        }
    })
}

/// The span of `line` inside `text` (the file `run` is written in), within the value's span
/// (a line of a block scalar is found there as is); else the whole value.
fn sub_span(text: &str, run: &At<String>, line: &str) -> Span {
    text.get(run.span.start..run.span.end)
        .and_then(|region| region.find(line))
        .map_or(run.span, |at| {
            Span::new(run.span.start + at, run.span.start + at + line.len())
        })
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters (ASCII case
/// ignored): `package/*` matches `package/deb/main`.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.to_ascii_lowercase(), name.to_ascii_lowercase());
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == n;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !n.starts_with(first) || n.len() < first.len() + last.len() || !n.ends_with(last) {
        return false;
    }
    let mut rest = &n[first.len()..n.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_hosts() {
        let h = |i: &str| registry_host(i);
        assert_eq!(h("nginx"), Some("docker.io".into()));
        assert_eq!(h("bitnami/redis:7"), Some("docker.io".into()));
        assert_eq!(h("index.docker.io/library/nginx"), Some("docker.io".into()));
        assert_eq!(h("ghcr.io/org/app:1"), Some("ghcr.io".into()));
        assert_eq!(h("localhost/app"), Some("localhost".into()));
        assert_eq!(h("registry:5000/app"), Some("registry:5000".into()));
        assert_eq!(h("$CI_REGISTRY_IMAGE/app"), None);
        assert_eq!(h("${{ env.IMAGE }}"), None);
    }

    #[test]
    fn pools_accept_jobs_of_their_system() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let gh = CiSystem::GitHubActions;
        let gl = CiSystem::GitLabCi;
        let arc = PoolSelect::GitHubLabels(l(&["prod"]));
        assert_eq!(
            arc.accepts(gh, &l(&["self-hosted", "Linux", "prod"])),
            Some(true)
        );
        assert_eq!(arc.accepts(gh, &l(&["self-hosted", "gpu"])), Some(false));
        assert_eq!(arc.accepts(gl, &l(&["prod"])), Some(false));
        let set = PoolSelect::ScaleSet("arc-prod".into());
        assert_eq!(set.accepts(gh, &l(&["arc-prod"])), Some(true));
        assert_eq!(
            set.accepts(gh, &l(&["self-hosted", "arc-prod"])),
            Some(true)
        );
        assert_eq!(set.accepts(gh, &l(&["arc-prod", "gpu"])), Some(false));
        let tags = PoolSelect::GitLabTags {
            tags: l(&["docker", "deploy"]),
            untagged: false,
        };
        assert_eq!(tags.accepts(gl, &l(&["deploy"])), Some(true));
        assert_eq!(tags.accepts(gl, &[]), Some(false));
        // An unknown GitLab pool says nothing of GitHub jobs.
        assert_eq!(PoolSelect::Unknown(gl).accepts(gl, &l(&["x"])), None);
        assert_eq!(PoolSelect::Unknown(gl).accepts(gh, &l(&["x"])), Some(false));
    }

    #[test]
    fn repositories() {
        assert_eq!(image_repository("ghcr.io/org/app:1.2"), "ghcr.io/org/app");
        assert_eq!(image_repository("registry:5000/app"), "registry:5000/app");
        assert_eq!(image_repository("app@sha256:abc"), "app");
        assert_eq!(image_repository("controller:latest"), "controller");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("package/*", "package/deb64/main"));
        assert!(wildcard_match("Test", "test"));
        assert!(wildcard_match("*-preview", "pr-1-preview"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxc"));
        assert!(!wildcard_match("package/*", "production"));
    }
}
