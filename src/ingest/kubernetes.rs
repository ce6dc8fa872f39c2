//! Kubernetes objects out of parsed YAML documents (multi-document streams and `List` kinds).

use std::sync::Arc;

use super::yaml::Document;
use crate::model::{Resource, SourceId, Tree, Val};

/// Every Kubernetes object in `docs`. Documents that are not Kubernetes objects (no string
/// `apiVersion` and `kind`) are skipped quietly: values files, CI configs and the like.
pub fn resources(docs: &[Document], source: SourceId) -> Vec<Resource> {
    let mut out = Vec::new();
    for doc in docs {
        let root = doc.tree.val(doc.root);
        let Some((_, kind)) = type_of(&root) else {
            continue;
        };
        let items = root.get("items").filter(|_| kind.ends_with("List"));
        match items {
            Some(items) => {
                for item in items.items() {
                    push(&mut out, &doc.tree, item, source);
                }
            }
            None => push(&mut out, &doc.tree, root, source),
        }
    }
    out
}

fn type_of<'a>(v: &Val<'a>) -> Option<(&'a str, &'a str)> {
    let api_version = v.get("apiVersion")?.as_str()?;
    let kind = v.get("kind")?.as_str()?;
    (!api_version.is_empty() && !kind.is_empty()).then_some((api_version, kind))
}

fn push(out: &mut Vec<Resource>, tree: &Arc<Tree>, v: Val<'_>, source: SourceId) {
    let Some((api_version, kind)) = type_of(&v) else {
        return;
    };
    let meta = v.get("metadata");
    let text = |key: &str| meta.and_then(|m| m.get(key)).and_then(|x| x.scalar_text());
    let name = text("name")
        .filter(|n| !n.is_empty())
        .or_else(|| text("generateName").map(|g| format!("{g}*")))
        .unwrap_or_else(|| "(unnamed)".to_string());
    let namespace = text("namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string());
    let labels = meta
        .and_then(|m| m.get("labels"))
        .map(|l| l.string_map())
        .unwrap_or_default();
    let header = v.get("kind").map_or(v.span(), |k| k.field_span());
    out.push(Resource {
        source,
        tree: Arc::clone(tree),
        node: v.id(),
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name,
        namespace,
        labels,
        header,
        built_by: None,
    });
}

/// The patch files a `kustomization.yaml` names (`patches[].path`, `patchesStrategicMerge[]`,
/// `patchesJson6902[].path`); inline patches are skipped.
pub fn kustomize_patches(root: Val<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        for item in root.get(key).into_iter().flat_map(|v| v.items()) {
            let path = match item.as_str() {
                // patchesStrategicMerge entries may be inline YAML: only single-line ones are paths.
                Some(p) if !p.contains('\n') => Some(p.to_string()),
                Some(_) => None,
                None => item
                    .get("path")
                    .and_then(|p| p.as_str())
                    .map(str::to_string),
            };
            out.extend(path);
        }
    }
    out
}
