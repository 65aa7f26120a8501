//! The JSON report: what `--format json` prints.

use serde_json::{Value, json};

use crate::review::model::{Change, Review};

fn change(c: &Change) -> Value {
    json!({
        "rule": c.rule,
        "direction": c.direction.as_str(),
        "breaking": c.breaking(),
        "wire_breaking": c.wire,
        "rust_breaking": c.rust.is_some(),
        "rust_break": c.rust.map(|r| r.as_str()),
        "behaviour": c.behaviour,
        "accepted": c.accepted.is_some(),
        "accepted_reason": c.accepted,
        "message": c.message,
        "location": c.location,
        "operations": c.reached.iter().map(|r| json!({
            "operationId": r.operation_id,
            "method": r.method,
            "path": r.path,
            "direction": r.direction.as_str(),
            "trail": r.trail,
        })).collect::<Vec<_>>(),
        "detail": c.detail,
        "rust_items": c.items.iter().map(change).collect::<Vec<_>>(),
    })
}

/// `breaking`, `semver`, `operations`, `changes` (each with its Rust items),
/// the accepted-breaks entries unused or stale, and notes.
pub fn render(review: &Review, base: &str) -> Value {
    json!({
        "base": base,
        "breaking": review.breaking(),
        "unaccepted_breaking": review.unaccepted_breaks().count() > 0,
        "semver": {
            "bump": review.semver.bump,
            "base_version": review.semver.base_version,
            "unreleased_base": review.semver.unreleased_base,
            "new_version": review.semver.new_version,
            "required_version": review.semver.required_version,
            "satisfied": review.semver.satisfied,
        },
        "operations": review.operations.iter().map(|o| json!({
            "status": o.status,
            "operationId": o.operation_id,
            "method": o.method,
            "path": o.path,
        })).collect::<Vec<_>>(),
        "changes": review.changes.iter().map(change).collect::<Vec<_>>(),
        "unused_accepted": review.unused_accepted,
        "stale_accepted": review.stale_accepted,
        "notes": review.notes,
    })
}
