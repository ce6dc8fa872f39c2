//! Provenance: where a value in the model came from, when it was not written where it is used
//! (a Helm values file or `--set`, a Terraform variable, tfvars line or module argument).

use super::{SourceId, Span};

/// Where a value printed into a template came from.
#[derive(Debug, Clone)]
pub struct ValueTrace {
    /// The action in the template that printed it.
    pub source: SourceId,
    pub span: Span,
    /// The `key: value` it came from (a values file, or the `--set` list).
    pub value_source: SourceId,
    pub value_span: Span,
    /// Dotted values path: `controller.replicaCount`.
    pub path: String,
    /// The key is not set (the span is its parent's).
    pub missing: bool,
    /// A condition (`if`/`with`/`range`) that was false, rather than a printed value.
    pub condition: bool,
}
