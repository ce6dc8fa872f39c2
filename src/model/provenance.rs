//! Provenance: where a value in the model came from, when it was not written where it is used:
//! a Terraform variable's tfvars line, default or module argument, a local; a Helm chart value
//! from a values file, a parent chart or `--set`. Ingest records each use; after the rules,
//! every finding whose label lies on a used value gets a second label on its origin, the same
//! way for every input format.

use super::{Label, ResourceId, SourceId, Span};

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
    /// The resource whose value it is, when one span serves several resources that may get
    /// their values from different places (a module's resource in each module instance).
    pub resource: Option<ResourceId>,
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

/// Uses of one origin at one span: by the resources listed, or by any when none is.
#[derive(Debug)]
struct Group {
    span: Span,
    origin: Origin,
    /// In recording order (increasing ids, as Terraform instances are recorded).
    resources: Vec<ResourceId>,
}

/// Every recorded use: values by where their use ends, false conditions in the order
/// recorded.
#[derive(Debug, Default)]
pub struct Provenance {
    /// Hashed with foldhash: one lookup per label of every finding, one insert per use.
    by_end: super::FastMap<(SourceId, usize), Vec<Group>>,
    conditions: Vec<Use>,
}

impl Provenance {
    pub fn record(&mut self, u: Use) {
        if u.withheld.is_some() {
            self.conditions.push(u);
            return;
        }
        self.record_value(u.source, u.span, u.resource, &u.origin);
    }

    /// Records that the value used at `span` of `source` (by `resource`, if only by it) was
    /// set at `origin`; cheaper than [`Self::record`] when many resources share one origin.
    pub fn record_value(
        &mut self,
        source: SourceId,
        span: Span,
        resource: Option<ResourceId>,
        origin: &Origin,
    ) {
        let groups = self.by_end.entry((source, span.end)).or_default();
        // The instances of one module call are recorded one after the other: only the last
        // group is compared (an equal group further back is harmless, just not shared).
        match groups
            .last_mut()
            .filter(|g| g.span == span && g.origin == *origin)
        {
            Some(g) => g.resources.extend(resource),
            None => groups.push(Group {
                span,
                origin: origin.clone(),
                resources: resource.into_iter().collect(),
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_end.is_empty() && self.conditions.is_empty()
    }

    /// Where the value used at `label` was set: the narrowest use that ends where the label
    /// ends and lies within it (a template action that printed the labelled value, an
    /// attribute). Where one span serves several resources with different origins (a module's
    /// resource in each module instance), the origin of `resource`'s value; without it, none
    /// (never a guess).
    pub fn at(&self, label: &Label, resource: Option<ResourceId>) -> Option<&Origin> {
        let groups = self.by_end.get(&(label.source, label.span.end))?;
        let inside = |g: &&Group| g.span.start >= label.span.start && g.span.end > g.span.start;
        let narrowest = groups.iter().filter(inside).map(|g| g.span.start).max()?;
        let mut at_span = groups
            .iter()
            .filter(|g| g.span.start == narrowest && g.span.end > g.span.start);
        let first = at_span.clone().next()?;
        if let Some(id) = resource
            && let Some(own) = at_span
                .clone()
                .find(|g| g.resources.binary_search(&id).is_ok())
        {
            return Some(&own.origin);
        }
        // Only one origin for this span (whoever uses it).
        at_span
            .all(|g| g.origin == first.origin)
            .then_some(&first.origin)
    }

    /// False conditions, in the order recorded.
    pub fn conditions(&self) -> impl Iterator<Item = (&Use, &Withheld)> {
        self.conditions
            .iter()
            .filter_map(|u| u.withheld.as_ref().map(|w| (u, w)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(start: usize, end: usize, resource: Option<u32>, from: usize) -> Use {
        Use {
            source: SourceId(0),
            span: Span::new(start, end),
            resource: resource.map(ResourceId),
            origin: Origin::reference(SourceId(1), Span::new(from, from + 1), "var.x"),
            withheld: None,
        }
    }

    #[test]
    fn the_narrowest_use_of_the_resource_or_a_shared_origin() {
        let mut p = Provenance::default();
        p.record(used(10, 20, None, 0));
        p.record(used(14, 20, None, 5));
        let label = Label::new(SourceId(0), Span::new(10, 20), "");
        assert_eq!(p.at(&label, None).unwrap().span.start, 5);
        // A label that ends elsewhere, or starts inside the use, has none.
        assert!(
            p.at(&Label::new(SourceId(0), Span::new(10, 21), ""), None)
                .is_none()
        );
        assert!(
            p.at(&Label::new(SourceId(0), Span::new(16, 20), ""), None)
                .is_none()
        );

        // One span, two module instances, two origins.
        let mut p = Provenance::default();
        p.record(used(30, 40, Some(1), 100));
        p.record(used(30, 40, Some(2), 200));
        let label = Label::new(SourceId(0), Span::new(30, 40), "");
        assert_eq!(p.at(&label, Some(ResourceId(2))).unwrap().span.start, 200);
        assert_eq!(p.at(&label, Some(ResourceId(1))).unwrap().span.start, 100);
        assert!(p.at(&label, None).is_none(), "instances disagree: no guess");
        p.record(used(50, 60, Some(1), 300));
        p.record(used(50, 60, Some(2), 300));
        let shared = Label::new(SourceId(0), Span::new(50, 60), "");
        assert_eq!(p.at(&shared, None).unwrap().span.start, 300);
        assert_eq!(p.at(&shared, Some(ResourceId(9))).unwrap().span.start, 300);
    }
}
