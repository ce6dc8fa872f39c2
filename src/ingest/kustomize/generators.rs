//! Runs a kustomization's `configMapGenerator` and `secretGenerator` (with [`super::generate`])
//! and, at the root, names generated objects with their content hash.

use std::cell::RefCell;

use super::build::{Builder, Kustomization, Obj};
use super::generate::{self, Kind};
use super::value::Loc;
use crate::discover::normalize;

/// Adds the objects `k`'s generators make to `objects` (merged into or replacing objects of
/// the same name for `behavior: merge|replace`).
pub fn run(b: &mut Builder<'_>, k: &Kustomization, objects: &mut Vec<Obj>) {
    let options = k.node.get("generatorOptions");
    for (key, kind) in [
        ("configMapGenerator", Kind::ConfigMap),
        ("secretGenerator", Kind::Secret),
    ] {
        for entry in k.list(key).to_vec() {
            let at = entry
                .get("name")
                .and_then(|n| n.at)
                .or(entry.at)
                .unwrap_or(k.file_loc());
            let cell = RefCell::new(&mut *b);
            let read = |path: &str| {
                let full = normalize(&k.dir.join(path));
                let mut b = cell.borrow_mut();
                let shown = crate::discover::display_path(&full);
                b.content(&full, at)
                    .ok_or_else(|| format!("cannot read `{shown}`"))
            };
            let made = generate::generate_with(kind, &entry, options, &read);
            let b = cell.into_inner();
            let generated = match made {
                Ok(g) => g,
                Err(e) => {
                    b.fail(at, e);
                    continue;
                }
            };
            let name = generated
                .object
                .str_at(&["metadata", "name"])
                .unwrap_or("")
                .to_string();
            let namespace = generated
                .object
                .str_at(&["metadata", "namespace"])
                .unwrap_or("")
                .to_string();
            let existing = objects.iter().position(|o| {
                o.any_id(|id| {
                    id.kind == kind.name()
                        && id.name == name
                        && (namespace.is_empty() || id.namespace == namespace)
                })
            });
            let combined = generate::combine(
                existing.map(|i| (&objects[i].node, objects[i].hash)),
                generated,
            )
            .map(|c| (existing, c));
            match combined {
                Ok((Some(i), (node, hash))) => {
                    objects[i].node = node;
                    objects[i].hash = hash;
                }
                Ok((None, (node, hash))) => {
                    let obj = Obj {
                        node,
                        prev: Vec::new(),
                        hash,
                        at: Some(at),
                        removed: Vec::new(),
                    };
                    b.add(objects, obj, at);
                }
                Err(e) => b.fail(at, e),
            }
        }
    }
}

/// Appends kustomize's content hash to every generated object's name (remembering the name
/// before, so references follow).
pub fn add_hashes(b: &mut Builder<'_>, objects: &mut [Obj]) {
    for obj in objects.iter_mut().filter(|o| o.hash) {
        obj.remember();
        if let Err(e) = generate::add_name_hash(&mut obj.node) {
            let at = obj.at.unwrap_or(Loc::at(
                crate::model::SourceId(super::LOCAL_BASE),
                crate::model::Span::default(),
            ));
            b.fail(at, e);
        }
    }
}

/// `helmCharts`: each chart inflated with spoflint's Helm engine from a local chart directory
/// (`helmGlobals.chartHome`, default `charts/`, then `<name>` or `<name>-<version>/<name>`);
/// a chart that is not there is not fetched (INPUT005).
pub fn helm_charts(b: &mut Builder<'_>, k: &Kustomization, objects: &mut Vec<Obj>) {
    use crate::ingest::helm;
    let entries = k.list("helmCharts").to_vec();
    if entries.is_empty() {
        return;
    }
    let home = k
        .node
        .path(&["helmGlobals", "chartHome"])
        .and_then(super::value::Node::as_str)
        .unwrap_or("charts")
        .to_string();
    for entry in entries {
        let at = entry.at.unwrap_or(k.file_loc());
        let text = |key: &str| entry.str_at(&[key]).map(str::to_string);
        let Some(name) = text("name") else {
            b.fail(at, "a helmCharts entry needs a `name`".into());
            continue;
        };
        let home_dir = normalize(&k.dir.join(&home));
        let mut candidates = vec![home_dir.join(&name)];
        if let Some(v) = text("version") {
            candidates.insert(0, home_dir.join(format!("{name}-{v}")).join(&name));
        }
        let Some(chart) = candidates
            .iter()
            .map(|c| normalize(c))
            .find(|c| b.files.chart_dirs.contains(c))
        else {
            let what = match text("repo") {
                Some(repo) => format!("chart `{name}` from `{repo}`"),
                None => format!("chart `{name}`"),
            };
            b.remote_or_missing(
                at,
                &format!(
                    "helmCharts: {what} is not in `{}` (charts are never downloaded); what it renders is not checked",
                    crate::discover::display_path(&home_dir.join(&name))
                ),
            );
            continue;
        };
        // Values: the chart's own, then `valuesFile`, `additionalValuesFiles`, `valuesInline`.
        let mut user = helm::UserValues::default();
        let mut files: Vec<String> = text("valuesFile").into_iter().collect();
        files.extend(
            entry
                .get("additionalValuesFiles")
                .map(|l| {
                    l.items()
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        );
        for f in files {
            let path = normalize(&k.dir.join(&f));
            if let Some(loaded) = b.load(&path, at) {
                user.docs
                    .extend(loaded.docs.into_iter().take(1).map(|d| (loaded.source, d)));
            }
        }
        if let Some(inline) = entry.get("valuesInline").filter(|v| v.is_map()) {
            let text = super::value::to_yaml(inline);
            let file = crate::model::SourceFile::new(
                format!(
                    "{} (helmCharts {name} valuesInline)",
                    crate::discover::display_path(&k.dir.join("kustomization.yaml"))
                ),
                std::sync::Arc::from(text),
            );
            let parsed = crate::ingest::yaml::parse_yaml11(&file);
            b.extra.push(file);
            let id = crate::model::SourceId(super::LOCAL_BASE + b.extra.len() as u32 - 1);
            // Its values are shown where the kustomization writes them.
            let mut moves = Vec::new();
            if let Some(d) = parsed.documents.first() {
                super::collect_moves(&d.tree.val(d.root), inline, at, &mut moves);
            }
            b.written.push((id, moves));
            user.docs
                .extend(parsed.documents.into_iter().take(1).map(|d| (id, d)));
        }
        let options = helm::HelmOptions {
            release_name: text("releaseName").unwrap_or_else(|| "release-name".into()),
            namespace: text("namespace").unwrap_or_default(),
            kube_version: text("kubeVersion").unwrap_or_default(),
            api_versions: entry
                .get("apiVersions")
                .map(|l| {
                    l.items()
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            ..helm::HelmOptions::default()
        };
        let scan = helm::exec::ScanBudget::default();
        let out = helm::render_chart(&chart, &user, &options, &scan);
        // Chart files become the build's own; user values keep their ids.
        let offset = b.extra.len() as u32;
        let map = |id: crate::model::SourceId| {
            if id.0 >= helm::render::USER_SOURCE_BASE {
                crate::model::SourceId(id.0 - helm::render::USER_SOURCE_BASE)
            } else {
                crate::model::SourceId(super::LOCAL_BASE + offset + id.0)
            }
        };
        b.read.insert(chart.clone());
        b.extra.extend(out.files);
        for mut t in out.traces {
            t.source = map(t.source);
            t.origin.source = map(t.origin.source);
            b.traces.push(t);
        }
        for (source, rule, span, message, help) in out.issues {
            b.issue(Loc::at(map(source), span), rule, message, &help);
        }
        let include_crds = entry
            .get("includeCRDs")
            .is_some_and(|v| matches!(v.v, super::value::V::Bool(true)));
        for r in out.resources {
            if r.kind == "CustomResourceDefinition" && !include_crds {
                continue;
            }
            let mut budget = super::value::MAX_OBJECT_NODES;
            let Some(node) = super::value::Node::from_val(&r.root(), map(r.source), &mut budget)
            else {
                continue;
            };
            let obj_at = node.get("kind").and_then(|k| k.at).or(Some(at));
            let obj = Obj {
                node,
                prev: Vec::new(),
                hash: false,
                at: obj_at,
                removed: Vec::new(),
            };
            b.add(objects, obj, at);
        }
    }
}
