//! The format-independent resource model.

pub mod labels;
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
