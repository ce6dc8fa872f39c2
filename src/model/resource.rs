//! Resources: one object of infrastructure, whatever format it came from.

use std::sync::Arc;

use super::source::{SourceId, Sources, Span};
use super::tree::{NodeId, Tree, Val};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u32);

/// One Kubernetes object.
#[derive(Debug)]
pub struct Resource {
    pub source: SourceId,
    /// The document tree the resource lives in, and its root node there.
    pub tree: Arc<Tree>,
    pub node: NodeId,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Effective namespace: `metadata.namespace`, or `default` when absent.
    pub namespace: String,
    pub labels: super::Labels,
    /// Span to point at when a finding concerns the resource as a whole (its `kind:` line).
    pub header: Span,
    /// The kustomization root that built it (`overlays/prod`), when one did.
    pub built_by: Option<Arc<str>>,
}

impl Resource {
    pub fn root(&self) -> Val<'_> {
        self.tree.val(self.node)
    }

    /// API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    /// `Kind namespace/name`, as findings name a resource.
    pub fn display(&self) -> String {
        match &self.built_by {
            Some(root) => format!(
                "{} {}/{} (built by {root})",
                self.kind, self.namespace, self.name
            ),
            None => format!("{} {}/{}", self.kind, self.namespace, self.name),
        }
    }

    /// A label on the resource as a whole (its `kind:` line).
    pub fn header_label(&self, text: impl Into<String>) -> super::Label {
        super::Label::new(self.source, self.header, text)
    }

    /// A label on the field at `path`, or on the resource header when the field is absent.
    pub fn field_label(&self, path: &[&str], text: impl Into<String>) -> super::Label {
        let span = self
            .root()
            .path(path)
            .map_or(self.header, |v| v.field_span());
        super::Label::new(self.source, span, text)
    }
}

/// One resource of any input family, with the family's own data behind it. A new family (CI
/// pipelines, say) is a new variant and its arms in the few methods below; the model, the
/// finding types and every report handle it through them.
#[derive(Debug)]
pub enum Entry {
    /// A Kubernetes object (from YAML, a rendered Helm chart, ...).
    Kubernetes(Resource),
    /// A Terraform resource instance (evaluated, or from a plan).
    Terraform(Box<super::TfResource>),
    /// A CI pipeline job (GitHub Actions, GitLab CI).
    Job(Box<super::pipeline::Job>),
}

impl Entry {
    pub fn source(&self) -> SourceId {
        match self {
            Entry::Kubernetes(r) => r.source,
            Entry::Terraform(r) => r.source,
            Entry::Job(j) => j.source,
        }
    }

    /// The span a finding about the whole resource points at.
    pub fn header(&self) -> Span {
        match self {
            Entry::Kubernetes(r) => r.header,
            Entry::Terraform(r) => r.header,
            Entry::Job(j) => j.header,
        }
    }

    /// Where the resource's text starts in its file (a suppression comment above it applies).
    pub fn start(&self) -> usize {
        match self {
            Entry::Kubernetes(r) => r.root().span().start.min(r.header.start),
            Entry::Terraform(r) => r.header.start,
            Entry::Job(j) => j.header.start,
        }
    }

    /// How findings name it: `Deployment shop/web`, `aws_lb.web`.
    pub fn display(&self) -> String {
        match self {
            Entry::Kubernetes(r) => r.display(),
            Entry::Terraform(r) => r.address.clone(),
            Entry::Job(j) => j.display(),
        }
    }

    /// What `spoflint resources` shows after the name: a Kubernetes object's API version, a
    /// Terraform instance's provider and region.
    pub fn detail(&self) -> String {
        match self {
            Entry::Kubernetes(r) => r.api_version.clone(),
            Entry::Terraform(r) => format!(
                "{}  {}",
                r.provider,
                r.region_name().unwrap_or("(region unknown)")
            ),
            Entry::Job(j) => format!("{}  {}", j.system.name(), j.pipeline),
        }
    }

    /// A stable identity for baselines and fingerprints (no line numbers).
    pub fn identity(&self) -> String {
        match self {
            Entry::Kubernetes(r) => {
                format!(
                    "k8s:{}/{}/{}/{}",
                    r.api_version, r.kind, r.namespace, r.name
                )
            }
            Entry::Terraform(r) => format!("tf:{}", r.address),
            Entry::Job(j) => format!("ci:{}:{}", j.system.key(), j.name),
        }
    }

    /// The fields machine-readable reports show for it, in order (`None`: unknown).
    pub fn descriptor(&self) -> Vec<(&'static str, Option<&str>)> {
        match self {
            Entry::Kubernetes(r) => vec![
                ("apiVersion", Some(&r.api_version)),
                ("kind", Some(&r.kind)),
                ("name", Some(&r.name)),
                ("namespace", Some(&r.namespace)),
            ],
            Entry::Terraform(r) => vec![
                ("address", Some(&r.address)),
                ("type", Some(&r.rtype)),
                ("provider", Some(&r.provider)),
                ("region", r.region_name()),
            ],
            Entry::Job(j) => vec![
                ("system", Some(j.system.key())),
                ("pipeline", Some(&j.pipeline)),
                ("job", Some(&j.name)),
            ],
        }
    }

    pub fn as_kubernetes(&self) -> Option<&Resource> {
        match self {
            Entry::Kubernetes(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_terraform(&self) -> Option<&super::TfResource> {
        match self {
            Entry::Terraform(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_job(&self) -> Option<&super::pipeline::Job> {
        match self {
            Entry::Job(j) => Some(j),
            _ => None,
        }
    }
}

/// Everything ingested by one scan.
#[derive(Debug, Default)]
pub struct Model {
    pub sources: Sources,
    /// Every resource of every family; a [`ResourceId`] is an index here.
    pub entries: Vec<Entry>,
    /// Where values used in resources came from (Terraform variables, Helm values).
    pub provenance: super::provenance::Provenance,
    /// The outputs of Kustomize builds, and where their values were written.
    pub built: super::built::Built,
    /// Sources that are options rather than scanned files (`--var-file`, `--values`, `--set`).
    pub option_sources: usize,
}

impl Model {
    pub fn get(&self, id: ResourceId) -> &Entry {
        &self.entries[id.0 as usize]
    }

    /// Every resource, of every family, with its id.
    pub fn entries(&self) -> impl Iterator<Item = (ResourceId, &Entry)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (ResourceId(i as u32), e))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a resource; its id.
    pub fn push(&mut self, entry: Entry) -> ResourceId {
        self.entries.push(entry);
        ResourceId(self.entries.len() as u32 - 1)
    }

    /// A Terraform resource instance. Panics when `id` is of another family: ids of Terraform
    /// instances come from Terraform facts.
    pub fn tf(&self, id: ResourceId) -> &super::TfResource {
        self.get(id)
            .as_terraform()
            .expect("a Terraform resource id")
    }

    /// Terraform resource instances with their ids.
    pub fn tf_iter(&self) -> impl Iterator<Item = (ResourceId, &super::TfResource)> {
        self.entries()
            .filter_map(|(id, e)| e.as_terraform().map(|r| (id, r)))
    }

    /// A Kubernetes object. Panics when `id` is of another family: ids of Kubernetes objects
    /// come from Kubernetes facts.
    pub fn resource(&self, id: ResourceId) -> &Resource {
        self.get(id)
            .as_kubernetes()
            .expect("a Kubernetes resource id")
    }

    /// CI pipeline jobs with their ids.
    pub fn jobs(&self) -> impl Iterator<Item = (ResourceId, &super::pipeline::Job)> {
        self.entries()
            .filter_map(|(id, e)| e.as_job().map(|j| (id, j)))
    }

    /// A CI job. Panics when `id` is of another family: ids of jobs come from CI facts.
    pub fn job(&self, id: ResourceId) -> &super::pipeline::Job {
        self.get(id).as_job().expect("a CI job id")
    }

    /// Kubernetes objects with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.entries()
            .filter_map(|(id, e)| e.as_kubernetes().map(|r| (id, r)))
    }

    /// [`Model::iter`] on every core; collected, the order is kept.
    pub fn par_iter(&self) -> impl rayon::iter::ParallelIterator<Item = (ResourceId, &Resource)> {
        use rayon::prelude::*;
        self.entries
            .par_iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_kubernetes().map(|r| (ResourceId(i as u32), r)))
    }
}
