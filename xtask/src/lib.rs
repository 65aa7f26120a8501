//! Maintainer tasks for the zapi-client workspace, as a library so tests can
//! call them as ordinary code (`cargo xtask` is the command-line front end).

pub mod answer_types;
pub mod answers;
pub mod bench;
pub mod checks;
pub mod codegen;
pub mod constructor;
pub mod docs;
pub mod facts;
pub mod mocks;
pub mod outcomes;
pub mod review;
pub mod secrets;
pub mod settle;
pub mod surface;
pub mod test_operations;
