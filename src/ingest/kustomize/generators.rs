//! Runs a kustomization's `configMapGenerator` and `secretGenerator` (with [`super::generate`])
//! and, at the root, names generated objects with their content hash.

use super::build::{Builder, Kustomization, Obj};

/// Adds the objects `k`'s generators make to `objects` (merged into or replacing objects of
/// the same name for `behavior: merge|replace`).
pub fn run(b: &mut Builder<'_>, k: &Kustomization, objects: &mut Vec<Obj>) {
    let _ = (b, k, objects);
}

/// Appends kustomize's content hash to every generated object's name.
pub fn add_hashes(b: &mut Builder<'_>, objects: &mut [Obj]) {
    let _ = (b, objects);
}
