//! `cargo xtask review` scenarios: each rule on an edit of the real spec,
//! the reports, the accepted-breaks gate, Rust items, exit codes and runs
//! against a git repository. The helpers here edit the live spec.

mod accepted;
mod command;
mod reports;
mod rust_items;
mod spec_rules;

use serde_json::{Value, json};
use xtask::review::{self, AcceptedFile, Change, Review, Snapshot};

pub fn spec_text() -> String {
    let root = xtask::codegen::workspace_root();
    std::fs::read_to_string(root.join(xtask::codegen::SPEC_PATH)).expect("the spec")
}

/// The checked-in spec, parsed, with `edit` applied, as text (JSON is YAML).
pub fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut spec = review::parse_spec(&spec_text()).expect("the spec parses");
    edit(&mut spec);
    serde_json::to_string_pretty(&spec).expect("JSON")
}

/// Reviews the real spec with `base` applied against it with `base` then `change`.
pub fn review_pair(base: impl Fn(&mut Value), change: impl FnOnce(&mut Value)) -> Review {
    let old = edited(&base);
    let new = edited(|spec| {
        base(spec);
        change(spec);
    });
    review::review(
        &Snapshot::spec(old),
        &Snapshot::spec(new),
        &AcceptedFile::default(),
    )
    .expect("the review runs")
}

pub fn review_edit(change: impl FnOnce(&mut Value)) -> Review {
    review_pair(|_| {}, change)
}

pub fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is in the spec"))
}

pub fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    at(spec, &format!("/components/schemas/{name}"))
}

/// The one change with `rule`; panics with every rule found otherwise.
pub fn find<'a>(review: &'a Review, rule: &str) -> &'a Change {
    let matching: Vec<&Change> = review.changes.iter().filter(|c| c.rule == rule).collect();
    let rules: Vec<&str> = review.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(
        matching.len(),
        1,
        "one `{rule}` expected, found rules {rules:?}"
    );
    matching[0]
}

pub fn operations(change: &Change) -> Vec<&str> {
    change
        .reached
        .iter()
        .map(|r| r.operation_id.as_str())
        .collect()
}

/// Asserts the change with `rule`: its wire and Rust verdicts and the operations it reaches.
#[track_caller]
pub fn assert_rule(
    review: &Review,
    rule: &str,
    wire: bool,
    rust: bool,
    reached: &[&str],
) -> Change {
    let change = find(review, rule);
    assert_eq!(
        (change.wire, change.rust.is_some()),
        (wire, rust),
        "verdicts (wire, rust) of {change:?}"
    );
    assert_eq!(
        operations(change),
        reached,
        "operations reached by {change:?}"
    );
    change.clone()
}

/// Every operationId of the real spec, sorted as the review reports them.
pub fn all_operations() -> Vec<String> {
    let spec = review::parse_spec(&spec_text()).expect("the spec parses");
    let mut ids: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

/// A base where `GetAccountEmailResponse.verified` is required.
pub fn require_verified(spec: &mut Value) {
    schema(spec, "GetAccountEmailResponse")["required"] = json!(["success", "verified"]);
}

/// A base where `GetAccountEmailResponse.hasEmail` (which has a default) is required.
pub fn require_has_email(spec: &mut Value) {
    schema(spec, "GetAccountEmailResponse")["required"] = json!(["success", "hasEmail"]);
}
