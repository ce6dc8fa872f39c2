//! The format-independent resource model.

pub mod built;
pub mod labels;
pub mod pipeline;
pub mod provenance;
pub mod resource;
pub mod source;
pub mod terraform;
pub mod tree;

pub use labels::Labels;
pub use resource::{Entry, Model, Resource, ResourceId};
pub use source::{Label, LineCol, SourceFile, SourceId, Sources, Span};
pub use terraform::TfResource;
pub use tree::{NodeId, NodeKind, Tree, Val};

/// A hash map for keys looked up once per resource or per finding: foldhash with a fixed
/// seed (SipHash cost a few percent of a scan on these small keys). Never iterated in an
/// order that could reach the output.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
