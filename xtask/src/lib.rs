//! Maintainer tasks for the zapi-client workspace, side by side, as a library
//! so tests can call them as ordinary code (`cargo xtask` is the command-line
//! front end):
//!
//! - [`codegen`]: `cargo xtask codegen`, progenitor over the spec and our
//!   steps, one file each (`codegen/`);
//! - [`review`]: `cargo xtask review`, what a spec change does (`review/`);
//! - [`bench`]: `cargo xtask bench`, zapi-client against hand-written reqwest;
//! - [`surface`]: the public API as text, for the snapshots and the review.

pub mod bench;
pub mod codegen;
pub mod review;
pub mod surface;

// The generator's steps under their short paths (`xtask::facts`, ...).
pub use codegen::{
    answer_types, answers, checks, constructor, docs, facts, mocks, outcomes, patterns, secrets,
    settle, test_operations,
};
