//! Provenance: where a value in the model came from, when it was not written where it is used:
//! a Terraform variable's tfvars line, default or module argument, a local; a Helm chart value
//! from a values file, a parent chart or `--set`. Ingest records each use; after the rules,
//! every finding whose label lies on a used value gets a second label on its origin, the same
//! way for every input format.

use std::collections::HashMap;

use super::{Label, SourceId, Span};

/// Where a value was set, and how it reached its use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub source: SourceId,
    pub span: Span,
    pub via: Via,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A Terraform reference the value came through (`var.multi_az`, `local.azs`); empty when
    /// the origin is where the reference's own value is written (a default, a module
    /// argument).
    Reference(String),
    /// A Helm chart value, by its dotted path (`controller.replicaCount`); `missing` when the
    /// key is not set (the span is then its parent's).
    ChartValue { path: String, missing: bool },
}

impl Origin {
    /// A Terraform origin.
    pub fn reference(source: SourceId, span: Span, via: impl Into<String>) -> Origin {
        Origin {
            source,
            span,
            via: Via::Reference(via.into()),
        }
    }

    /// The reference it came through, for messages (`var.multi_az`), if any.
    pub fn reference_name(&self) -> Option<&str> {
        match &self.via {
            Via::Reference(r) if !r.is_empty() => Some(r),
            _ => None,
        }
    }

    /// The second label findings get on it.
    pub fn label(&self) -> Label {
        let text = match &self.via {
            Via::Reference(r) if r.is_empty() => "value set here".to_string(),
            Via::Reference(r) => format!("{r} set here"),
            Via::ChartValue {
                path,
                missing: true,
            } => format!("`{path}` is not set"),
            Via::ChartValue { path, .. } => format!("value `{path}` set here"),
        };
        Label::new(self.source, self.span, text)
    }
}

/// One use of a value: the span where it is used (an evaluated attribute, a template action
/// that printed it) and its origin.
#[derive(Clone, Debug)]
pub struct Use {
    pub source: SourceId,
    pub span: Span,
    pub origin: Origin,
    /// Set for a condition (`if`, `with`, `range`) that was false, rather than a printed
    /// value: what the template left out because of it.
    pub withheld: Option<Withheld>,
}

/// What a false condition left out of a template.
#[derive(Clone, Debug, Default)]
pub struct Withheld {
    /// The kinds the template declares (`kind: PodDisruptionBudget`), rendered or not.
    pub kinds: Vec<String>,
}

/// Every recorded use, by the source it is in.
#[derive(Debug, Default)]
pub struct Provenance {
    by_source: HashMap<SourceId, Vec<Use>>,
}

impl Provenance {
    pub fn record(&mut self, u: Use) {
        self.by_source.entry(u.source).or_default().push(u);
    }

    pub fn is_empty(&self) -> bool {
        self.by_source.is_empty()
    }

    /// The value used where `label` points: the narrowest use that ends where the label ends
    /// and lies within it (a template action that printed the labelled value, an attribute).
    pub fn at(&self, label: &Label) -> Option<&Use> {
        self.by_source
            .get(&label.source)?
            .iter()
            .filter(|u| {
                u.withheld.is_none()
                    && u.span.end == label.span.end
                    && u.span.start >= label.span.start
                    && u.span.end > u.span.start
            })
            .min_by_key(|u| u.span.end - u.span.start)
    }

    /// False conditions, in the order recorded.
    pub fn conditions(&self) -> impl Iterator<Item = (&Use, &Withheld)> {
        let mut sources: Vec<&SourceId> = self.by_source.keys().collect();
        sources.sort();
        sources
            .into_iter()
            .flat_map(|s| &self.by_source[s])
            .filter_map(|u| u.withheld.as_ref().map(|w| (u, w)))
    }
}
