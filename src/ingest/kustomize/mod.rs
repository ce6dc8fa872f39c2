//! Kustomize, built in-process: no `kustomize` binary, nothing fetched, nothing executed.

pub mod generate;
pub mod json6902;
pub mod smp;
pub mod value;
