//! Resources: one object of infrastructure, whatever format it came from.

use std::collections::BTreeMap;
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
    pub labels: BTreeMap<String, String>,
    /// Span to point at when a finding concerns the resource as a whole (its `kind:` line).
    pub header: Span,
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
        format!("{} {}/{}", self.kind, self.namespace, self.name)
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

/// Everything ingested by one scan.
#[derive(Debug, Default)]
pub struct Model {
    pub sources: Sources,
    /// Kubernetes objects.
    pub resources: Vec<Resource>,
    /// Terraform resource instances (managed resources; data sources are not infrastructure).
    pub terraform: Vec<super::TfResource>,
    /// Where values used in resources came from (Terraform variables, Helm values).
    pub provenance: super::provenance::Provenance,
    /// Sources that are options rather than scanned files (`--var-file`, `--values`, `--set`).
    pub option_sources: usize,
}

impl Model {
    pub fn tf(&self, id: super::TfId) -> &super::TfResource {
        &self.terraform[id.0 as usize]
    }

    /// Terraform resource instances with their ids.
    pub fn tf_iter(&self) -> impl Iterator<Item = (super::TfId, &super::TfResource)> {
        self.terraform
            .iter()
            .enumerate()
            .map(|(i, r)| (super::TfId(i as u32), r))
    }

    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .map(|(i, r)| (ResourceId(i as u32), r))
    }
}
