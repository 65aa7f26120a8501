//! Rust items of the generated and hand-written code.

use serde_json::json;
use xtask::review::{self, AcceptedFile, Direction, Snapshot};

use super::*;

const OLD_CODE: &str = "pub mod types { pub struct Answer { pub success: bool } }\n";
const NEW_CODE: &str = "pub mod types { pub struct Answer { pub success: bool, pub message: Option<String> } pub struct Extra; }\n";

#[test]
fn rust_items_of_the_generated_code_are_compared() {
    let code = |spec: String, generated: &str| Snapshot {
        generated: Some(generated.into()),
        ..Snapshot::spec(spec)
    };
    // No spec change explains it: the changed item is a Rust break of its own.
    let review = review::review(
        &code(spec_text(), OLD_CODE),
        &code(spec_text(), NEW_CODE),
        &AcceptedFile::default(),
    )
    .unwrap();
    let changed = find(&review, "rust-item-changed");
    assert_eq!(changed.location, "struct types::Answer");
    assert!(changed.rust.is_some());
    assert!(
        changed.detail.contains("+    pub message: Option<String>,"),
        "{}",
        changed.detail
    );
    let added = find(&review, "rust-item-added");
    assert_eq!(added.location, "struct types::Extra");
    assert!(!added.breaking());

    // Under the spec change that causes it: nested there, not a break of its own.
    let new_spec = edited(|spec| {
        schema(spec, "SetAccountEmailResponse")["properties"]["expiresIn"] =
            json!({"type": "integer"});
    });
    let old_code = "pub mod types { pub struct SetAccountEmailResponse { pub success: bool } }\n";
    let new_code = "pub mod types { pub struct SetAccountEmailResponse { pub success: bool, pub expires_in: Option<i64> } }\n";
    let review = review::review(
        &code(spec_text(), old_code),
        &code(new_spec, new_code),
        &AcceptedFile::default(),
    )
    .unwrap();
    assert!(
        review
            .changes
            .iter()
            .all(|c| c.direction != Direction::Rust),
        "{:?}",
        review.changes
    );
    let spec_change = find(&review, "response-property-optional-added");
    assert_eq!(spec_change.items.len(), 1, "{spec_change:?}");
    assert_eq!(
        spec_change.items[0].location,
        "struct types::SetAccountEmailResponse"
    );
    let markdown = review::report::markdown::render(&review, "main");
    assert!(
        markdown.contains("  - `rust-item-changed` (rust): generated `struct types::SetAccountEmailResponse` changed"),
        "nested under the spec change:\n{markdown}"
    );
}

#[test]
fn hand_written_items_are_compared() {
    let side = |source: &str| Snapshot {
        hand_written: vec![("zapi-client/src/retry.rs".into(), source.into())],
        ..Snapshot::spec(spec_text())
    };
    let old = "pub struct RetryPolicy { attempts: u32 }\nimpl RetryPolicy { pub fn max_attempts(self, n: u32) -> Self { self } pub(crate) fn next(&self) {} }\n";
    let new = "pub struct RetryPolicy { attempts: u32 }\nimpl RetryPolicy { pub fn max_attempts(self, n: u64) -> Self { self } }\n";
    let review = review::review(&side(old), &side(new), &AcceptedFile::default()).unwrap();
    // `next` was pub(crate): its removal is no change.
    let rules: Vec<(&str, &str)> = review
        .changes
        .iter()
        .map(|c| (c.rule.as_str(), c.location.as_str()))
        .collect();
    assert_eq!(
        rules,
        [("rust-item-changed", "fn RetryPolicy::max_attempts")]
    );
    assert!(review.changes[0].rust.is_some());
}

#[test]
fn a_changed_constant_value_is_shown_but_no_rust_break() {
    let side = |source: &str| Snapshot {
        hand_written: vec![("zapi-client/src/client.rs".into(), source.into())],
        ..Snapshot::spec(spec_text())
    };
    let old = "pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);\n";
    let value = "pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);\n";
    let review = review::review(&side(old), &side(value), &AcceptedFile::default()).unwrap();
    let change = find(&review, "rust-item-changed");
    assert!(
        change.rust.is_none() && change.message.contains("value changed"),
        "{change:?}"
    );

    let retyped = "pub const DEFAULT_TIMEOUT: u64 = 30;\n";
    let review = review::review(&side(old), &side(retyped), &AcceptedFile::default()).unwrap();
    assert!(find(&review, "rust-item-changed").rust.is_some());
}

#[test]
fn default_added_to_an_optional_property_changes_its_rust_type() {
    let review = review_edit(|spec| {
        schema(spec, "GetAccountEmailResponse")["properties"]["verified"]["default"] = json!(false);
    });
    // `Option<bool>` becomes `bool`; an absent value already read as absent.
    assert_rule(
        &review,
        "response-default-changed",
        false,
        true,
        &["get_account_email"],
    );
    let review = review_pair(
        |spec| {
            schema(spec, "GetAccountEmailResponse")["properties"]["verified"]["default"] =
                json!(false)
        },
        |spec| {
            schema(spec, "GetAccountEmailResponse")["properties"]["verified"]["default"] =
                json!(true)
        },
    );
    // An absent value now reads as true: a wire break, the same Rust type.
    assert_rule(
        &review,
        "response-default-changed",
        true,
        false,
        &["get_account_email"],
    );
}

#[test]
fn rust_items_compare_what_users_can_use() {
    use xtask::surface::{ItemChange, diff, hand_written_items};
    let old = "#[derive(Clone, Debug)]\npub struct Context { pub(crate) a: u8 }\n\
               pub use client::{Builder, Error};\n";
    let new = "#[derive(Clone)]\npub struct Context { pub(crate) a: u8 }\n\
               impl std::fmt::Debug for Context { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }\n\
               pub use client::{Builder, Error, Transport};\n";
    let items = |source| hand_written_items(&[("src/lib.rs", source)]).unwrap();
    let changes = diff(&items(old), &items(new));
    // A derived Debug written out by hand is the same API; a re-export
    // list that grows adds a name and removes none.
    assert_eq!(
        changes,
        [ItemChange::Added {
            key: "use client::Transport".to_owned()
        }],
        "{changes:?}"
    );
    // Dropping a derived trait is a removal, of that trait only.
    let fewer = "#[derive(Debug)]\npub struct Context { pub(crate) a: u8 }\n\
                 pub use client::{Builder, Error};\n";
    assert_eq!(
        diff(&items(old), &items(fewer)),
        [ItemChange::Removed {
            key: "impl Clone for Context".to_owned()
        }]
    );
}

/// A fact the registry says changes only what the client does (here
/// `x-zapi-retry-safe`) explains no Rust item of its operation: an item the
/// generator added to that operation's answer type in the same range is
/// listed on its own, not under the fact (the review of 0.2.0 put
/// `VerifyAccountEmailResponse::failure` under `x-zapi-repeat-may-refuse`).
#[test]
fn a_behaviour_only_fact_explains_no_item_of_its_operation() {
    let code = |spec: String, generated: &str| Snapshot {
        generated: Some(generated.into()),
        ..Snapshot::spec(spec)
    };
    let new_spec = edited(|spec| {
        *at(
            spec,
            "/paths/~1security~1verify-email/post/x-zapi-retry-safe",
        ) = json!(false);
    });
    let old_code =
        "pub mod types { pub struct VerifyAccountEmailResponse { pub success: bool } }\n";
    let new_code = "pub mod types { pub struct VerifyAccountEmailResponse { pub success: bool } impl VerifyAccountEmailResponse { pub fn failure(message: &str) -> Self { todo!() } } }\n";
    let review = review::review(
        &code(spec_text(), old_code),
        &code(new_spec, new_code),
        &AcceptedFile::default(),
    )
    .unwrap();
    let fact = find(&review, "retry-safety-changed");
    assert!(fact.items.is_empty(), "{:?}", fact.items);
    let added = find(&review, "rust-item-added");
    assert!(
        added
            .location
            .contains("VerifyAccountEmailResponse::failure"),
        "{}",
        added.location
    );
}
