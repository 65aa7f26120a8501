//! `cargo xtask review`, one test binary: the corpus of spec edits (each with
//! its expected rules and verdicts), scenarios that need more than one edit,
//! git or the accepted-breaks file, and the compile check of the Rust verdicts.

mod cases;
mod compile;
mod corpus;
mod reports;
mod scenarios;
mod witness;
