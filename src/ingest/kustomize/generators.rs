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
                b.text(&full, at)
                    .ok_or_else(|| format!("cannot read `{shown}`"))
            };
            let made = generate::generate(kind, &entry, options, &read);
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
