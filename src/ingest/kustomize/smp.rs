//! Strategic merge patches, as kustomize applies them (kyaml's merge2 with the merge keys of
//! the built-in Kubernetes types).

use super::value::Node;

/// Applies the strategic merge patch `patch` to `target`.
pub fn apply(target: &mut Node, patch: &Node) -> Result<(), String> {
    let _ = (target, patch);
    Err("strategic merge patches are not supported yet".to_string())
}
