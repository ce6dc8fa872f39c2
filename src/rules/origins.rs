//! Origins on findings, the same for every input format: after the rules, a finding whose
//! labels lie on values that came from elsewhere (a Terraform variable's tfvars line,
//! a Helm value) gets a second label there, and a Helm value's fix text names the value; a
//! finding about something absent that a false Helm condition left out names that condition's
//! value. Rules only say what they want (`Want`) or miss (`Missing`).

use crate::finding::{Finding, Missing};
use crate::model::provenance::{Use, Via};
use crate::model::source::{COMMAND_LINE_SOURCE, CONFIG_SET_SOURCE};
use crate::model::{Model, SourceId};

/// Moves the labels findings put on a Kustomize build's output to the lines that produced
/// their values (the overlay's `replicas` entry, the patch line, the base field), with a
/// label on the base value an overlay changed.
pub fn locate_built(findings: &mut [Finding], model: &Model) {
    if model.built.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        let mut changed = Vec::new();
        // What a finding says is missing, a patch may have removed.
        if let Some(crate::finding::Missing::Field(name)) = f.absent {
            for place in model.built.removed(&f.primary, name) {
                changed.push(crate::finding::Label::new(
                    place.source,
                    place.field,
                    format!("`{name}` removed by this patch"),
                ));
            }
        }
        if let Some((moved, was)) = model.built.locate(&f.primary) {
            f.primary = moved;
            changed.extend(was);
        }
        let secondary = std::mem::take(&mut f.secondary);
        for l in secondary {
            match model.built.locate(&l) {
                Some((moved, was)) => {
                    f.also(moved);
                    changed.extend(was);
                }
                None => {
                    f.also(l);
                }
            }
        }
        for l in changed {
            f.also(l);
        }
    }
}

/// Adds origin labels (and Helm fix texts) to `findings`.
pub fn annotate(findings: &mut [Finding], model: &Model) {
    if model.provenance.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        // Values under the secondary labels the rule gave: their origins too.
        let secondary: Vec<_> = f
            .secondary
            .iter()
            .filter_map(|l| model.provenance.at(l, f.resource))
            .map(|o| o.label())
            .collect();
        for l in secondary {
            f.also(l);
        }
        if let Some(origin) = model.provenance.at(&f.primary, f.resource) {
            // The primary value's origin comes first, next to it.
            f.also_first(origin.label());
            if let Via::ChartValue { path, .. } = &origin.via {
                let place = place(model, origin.source);
                let fix = match f.want {
                    Some(w) => format!(
                        "set `{path}` {w} {place} (e.g. `--set {path}={}`), the value this field is rendered from",
                        w.example()
                    ),
                    None => {
                        format!("change `{path}` {place}, the value this field is rendered from")
                    }
                };
                f.help = format!("{fix}; {}", f.help);
            }
        } else if let Some(what) = f.absent
            && let Some(u) = withheld_by(model, f.primary.source, what)
            && let Via::ChartValue { path, .. } = &u.origin.via
        {
            let source_path = &model.sources.get(u.source).path;
            let template = source_path.rsplit('/').next().unwrap_or(source_path);
            let name = what.name();
            f.also(crate::finding::Label::new(
                u.origin.source,
                u.origin.span,
                format!("`{path}` is off, so {template} renders no {name}"),
            ));
            f.help = format!(
                "turn on `{path}` {} (the chart renders the {name} only when it is set); {}",
                place(model, u.origin.source),
                f.help
            );
        }
    }
}

/// Where a value was set, as fix texts say it.
fn place(model: &Model, source: SourceId) -> String {
    let file = &model.sources.get(source).path;
    if file == COMMAND_LINE_SOURCE {
        "on the command line".to_string()
    } else if file == CONFIG_SET_SOURCE {
        "in the configuration's helm.charts set".to_string()
    } else {
        format!("in {file}")
    }
}

/// A false condition that left `what` out of the chart that rendered `source`: for a field,
/// one in the same template whose value path names the field; for a kind, one in a sibling
/// template that declares that kind.
fn withheld_by(model: &Model, source: SourceId, what: Missing) -> Option<&Use> {
    let dir = |id: SourceId| {
        let p = &model.sources.get(id).path;
        p.rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string())
    };
    let here = dir(source);
    model.provenance.conditions().find_map(|(u, withheld)| {
        let Via::ChartValue { path, .. } = &u.origin.via else {
            return None;
        };
        let found = match what {
            Missing::Field(field) => {
                let last = path.rsplit('.').next().unwrap_or(path);
                u.source == source
                    && last
                        .to_ascii_lowercase()
                        .contains(&field.to_ascii_lowercase())
            }
            Missing::Kind(kind) => {
                u.source != source
                    && dir(u.source) == here
                    && withheld.kinds.iter().any(|k| k == kind)
            }
        };
        found.then_some(u)
    })
}
