//! What `cargo xtask review` prints: Markdown (and a CHANGELOG section) or JSON.

pub mod json;
pub mod markdown;
