//! The JSON and Markdown reports and the semver bump.

use serde_json::{Value, json};
use xtask::review::{self, AcceptedFile, Snapshot};

use super::*;

#[test]
fn json_report_has_the_documented_keys() {
    let review = review_edit(|spec| {
        at(spec, "/paths")
            .as_object_mut()
            .unwrap()
            .remove("/security/verify-email");
    });
    let json = review::report::json::render(&review, "HEAD~1");
    assert_eq!(json["breaking"], json!(true));
    assert_eq!(
        json["semver"]["required_version"],
        Value::Null,
        "no version given"
    );
    let change = &json["changes"][0];
    for key in [
        "rule",
        "breaking",
        "message",
        "operations",
        "direction",
        "wire_breaking",
        "rust_breaking",
    ] {
        assert!(change.get(key).is_some(), "{key} missing from {change}");
    }
    assert_eq!(change["rule"], "operation-removed");
    assert_eq!(change["breaking"], json!(true));
    assert_eq!(
        change["operations"][0]["operationId"],
        "verify_account_email"
    );
    assert_eq!(change["operations"][0]["method"], "POST");
}

#[test]
fn markdown_report_lists_breaking_changes_first() {
    let review = review_edit(|spec| {
        schema(spec, "EmailAddress")["maxLength"] = json!(100);
        *at(spec, "/info/description") = json!("Other words.");
    });
    let markdown = review::report::markdown::render(&review, "main");
    let breaking = markdown.find("### Breaking changes").expect(&markdown);
    let other = markdown.find("### Other changes").expect(&markdown);
    assert!(breaking < other, "{markdown}");
    assert!(
        markdown.contains("└─ SetAccountEmailRequest.email"),
        "{markdown}"
    );
    assert!(markdown.contains("**Breaking**"), "{markdown}");
}

fn versioned(spec: String, version: &str) -> Snapshot {
    Snapshot {
        version: Some(version.into()),
        ..Snapshot::spec(spec)
    }
}

#[test]
fn semver_needs_the_next_minor_for_a_break_under_0_x() {
    let old = edited(require_verified);
    let new = edited(|spec| {
        require_verified(spec);
        schema(spec, "GetAccountEmailResponse")["required"] = json!(["success"]);
    });
    let review = review::review(
        &versioned(old.clone(), "0.1.3"),
        &versioned(new.clone(), "0.1.3"),
        &AcceptedFile::default(),
    )
    .unwrap();
    assert_eq!(review.semver.required_version.as_deref(), Some("0.2.0"));
    assert!(!review.semver.satisfied);
    let review = review::review(
        &versioned(old.clone(), "0.1.3"),
        &versioned(new, "0.2.0"),
        &AcceptedFile::default(),
    )
    .unwrap();
    assert!(review.semver.satisfied);

    let docs = edited(|spec| {
        require_verified(spec);
        *at(spec, "/info/description") = json!("Other words.");
    });
    let review = review::review(
        &versioned(old, "0.1.3"),
        &versioned(docs, "0.1.3"),
        &AcceptedFile::default(),
    )
    .unwrap();
    assert_eq!(review.semver.bump, "patch");
    assert_eq!(review.semver.required_version.as_deref(), Some("0.1.4"));
    assert!(!review.semver.satisfied);
}
