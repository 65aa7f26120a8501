//! The accepted-breaks file: one change per entry, stale entries, parsing.

use serde_json::{Value, json};
use xtask::review::{self, Accepted, AcceptedFile, FailOn, Snapshot};

use super::*;

fn accept(rule: &str, operation: Option<&str>, location: &str) -> Accepted {
    Accepted {
        rule: rule.into(),
        operation: operation.map(str::to_owned),
        location: location.into(),
        reason: "agreed with the API owner".into(),
        version: None,
    }
}

fn accepting(entries: Vec<Accepted>) -> AcceptedFile {
    AcceptedFile {
        released: None,
        accepted: entries,
    }
}

#[test]
fn accepted_breaks_are_shown_and_do_not_gate() {
    let old = Snapshot::spec(edited(require_verified));
    let new = Snapshot::spec(edited(|spec| {
        schema(spec, "GetAccountEmailResponse")["required"] = json!(["success"]);
        schema(spec, "ErrorBody")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("message");
    }));
    let review = review::review(&old, &new, &AcceptedFile::default()).unwrap();
    assert_eq!(review.unaccepted_breaks().count(), 2);

    // ErrorBody reaches several operations; accepting one of them is not enough.
    let accepted = accepting(vec![
        accept(
            "response-property-became-optional",
            Some("get_account_email"),
            "GetAccountEmailResponse.verified",
        ),
        accept(
            "response-property-removed",
            Some("get_account_email"),
            "ErrorBody.message",
        ),
        accept(
            "request-property-removed",
            Some("set_account_email"),
            "SetAccountEmailRequest.email",
        ),
    ]);
    let review = review::review(&old, &new, &accepted).unwrap();
    let open: Vec<&str> = review
        .unaccepted_breaks()
        .map(|c| c.rule.as_str())
        .collect();
    assert_eq!(open, ["response-property-removed"]);
    let accepted_change = find(&review, "response-property-became-optional");
    assert_eq!(
        accepted_change.accepted.as_deref(),
        Some("agreed with the API owner")
    );
    assert!(review.breaking(), "an accepted break is still a break");
    assert_eq!(
        review.unused_accepted,
        ["request-property-removed at `SetAccountEmailRequest.email` for set_account_email"],
        "unused entries listed once each"
    );
    let markdown = review::report::markdown::render(&review, "main");
    assert!(markdown.contains("**accepted**: agreed"));
    assert_eq!(
        markdown.matches("match nothing here").count(),
        1,
        "unused entries are said in one line:\n{markdown}"
    );

    let accepted = accepting(vec![
        accept(
            "response-property-became-optional",
            Some("get_account_email"),
            "GetAccountEmailResponse.verified",
        ),
        accept("response-property-removed", Some("*"), "ErrorBody.message"),
    ]);
    let review = review::review(&old, &new, &accepted).unwrap();
    assert_eq!(review.unaccepted_breaks().count(), 0);
}

#[test]
fn an_accepted_break_accepts_that_change_only() {
    // The 0.2.0 hole: an entry for `hasEmail` accepted any property of the
    // same answer becoming optional, and any later optional property.
    let both = |spec: &mut Value| {
        schema(spec, "GetAccountEmailResponse")["required"] =
            json!(["success", "hasEmail", "verified"]);
    };
    let old = Snapshot::spec(edited(both));
    let accepted = accepting(vec![
        accept(
            "response-property-became-optional",
            Some("get_account_email"),
            "GetAccountEmailResponse.hasEmail",
        ),
        accept(
            "response-property-optional-added",
            Some("get_account_email"),
            "GetAccountEmailResponse.message",
        ),
    ]);
    let sibling = Snapshot::spec(edited(|spec| {
        both(spec);
        let required = schema(spec, "GetAccountEmailResponse")["required"]
            .as_array_mut()
            .unwrap();
        required.retain(|r| r != "verified");
    }));
    let review = review::review(&old, &sibling, &accepted).unwrap();
    let open: Vec<(&str, &str)> = review
        .unaccepted_breaks()
        .map(|c| (c.rule.as_str(), c.location.as_str()))
        .collect();
    assert_eq!(
        open,
        [(
            "response-property-became-optional",
            "GetAccountEmailResponse.verified"
        )],
        "the entry for hasEmail accepted its sibling"
    );
    let added = Snapshot::spec(edited(|spec| {
        both(spec);
        schema(spec, "GetAccountEmailResponse")["properties"]["verifiedAt"] =
            json!({"type": "string"});
    }));
    let review = review::review(&old, &added, &accepted).unwrap();
    assert_eq!(
        review.unaccepted_breaks().count(),
        1,
        "the entry for message accepted another optional property"
    );
    // Both entries match nothing in these reviews: one line lists them.
    assert_eq!(review.unused_accepted.len(), 2);
}

#[test]
fn an_entry_of_a_released_version_is_stale_and_fails_the_gate() {
    let mut entry = accept(
        "response-property-became-optional",
        Some("get_account_email"),
        "GetAccountEmailResponse.hasEmail",
    );
    entry.version = Some("0.2.0".into());
    let file = AcceptedFile {
        released: Some(review::Release {
            version: "0.2.0".into(),
            commit: "abc".into(),
        }),
        accepted: vec![entry],
    };
    let spec = Snapshot::spec(spec_text());
    let review = review::review(&spec, &spec, &file).unwrap();
    assert_eq!(review.stale_accepted.len(), 1);
    let on = FailOn {
        breaking: true,
        ..FailOn::default()
    };
    let failures = review::failures(&review, on, "release");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("delete the entry response-property-became-optional at `GetAccountEmailResponse.hasEmail`"),
        "{failures:?}"
    );
}

#[test]
fn accepted_breaks_file_parses_and_needs_location_and_reason() {
    let file = review::accepted::parse(
        "released:\n  version: 0.1.0\n  commit: e8002fe\naccepted:\n  - rule: operation-removed\n    operation: verify_account_email\n    location: verify_account_email\n    reason: gone upstream\n",
    )
    .unwrap();
    assert_eq!(
        file.accepted,
        [Accepted {
            rule: "operation-removed".into(),
            operation: Some("verify_account_email".into()),
            location: "verify_account_email".into(),
            reason: "gone upstream".into(),
            version: None,
        }]
    );
    assert_eq!(file.released.unwrap().version, "0.1.0");
    assert_eq!(
        review::accepted::parse("accepted: []\n").unwrap(),
        AcceptedFile::default()
    );
    for (text, missing) in [
        (
            "accepted:\n  - rule: x\n    operation: y\n    location: z\n",
            "reason",
        ),
        (
            "accepted:\n  - rule: x\n    operation: y\n    reason: r\n",
            "location",
        ),
        (
            "accepted:\n  - rule: x\n    location: z\n    reason: r\n    operatoin: y\n",
            "operatoin",
        ),
    ] {
        let error = review::accepted::parse(text).unwrap_err();
        assert!(error.contains(missing), "{error}");
    }
    // The checked-in file parses and records the last release.
    let root = xtask::codegen::workspace_root();
    let text = std::fs::read_to_string(root.join(review::ACCEPTED_PATH)).unwrap();
    assert!(review::accepted::parse(&text).unwrap().released.is_some());
}

#[test]
fn behaviour_changes_are_gated_only_when_asked_and_accepted_like_breaks() {
    let old = Snapshot::spec(spec_text());
    let new = Snapshot::spec(edited(|spec| {
        *at(
            spec,
            "/paths/~1security~1verify-email/post/x-zapi-retry-safe",
        ) = json!(false);
    }));
    let review = review::review(&old, &new, &AcceptedFile::default()).unwrap();
    assert!(!review.breaking());
    let breaking_only = FailOn {
        breaking: true,
        ..FailOn::default()
    };
    assert!(review::failures(&review, breaking_only, "main").is_empty());
    let behaviour = FailOn {
        behaviour: true,
        ..FailOn::default()
    };
    let failures = review::failures(&review, behaviour, "main");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("retry-safety-changed"), "{failures:?}");
    let accepted = accepting(vec![accept(
        "retry-safety-changed",
        Some("verify_account_email"),
        "verify_account_email",
    )]);
    let review = review::review(&old, &new, &accepted).unwrap();
    assert!(review::failures(&review, behaviour, "main").is_empty());
}
