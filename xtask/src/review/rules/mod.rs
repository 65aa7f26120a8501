//! The rules, one file per family, each an `impl SpecDiff` block; their ids
//! and verdicts are in [`super::registry`].

mod bodies;
mod constraints;
mod document;
mod extensions;
mod operations;
mod parameters;
mod properties;
mod schema;
