//! `cargo xtask review`: each rule on an edit of the real spec, the
//! reports, the accepted-breaks gate, exit codes and a run against a git repo.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use xtask::review::{
    self, Accepted, AcceptedFile, Change, Direction, FailOn, Format, Options, Review, Snapshot,
};

/// The checked-in spec as text.
fn spec_text() -> String {
    let root = xtask::codegen::workspace_root();
    std::fs::read_to_string(root.join(xtask::codegen::SPEC_PATH)).expect("the spec")
}

/// The checked-in spec, parsed, with `edit` applied, as text (JSON is YAML).
fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut spec = review::parse_spec(&spec_text()).expect("the spec parses");
    edit(&mut spec);
    serde_json::to_string_pretty(&spec).expect("JSON")
}

/// Reviews the real spec with `base` applied against it with `base` then `change`.
fn review_pair(base: impl Fn(&mut Value), change: impl FnOnce(&mut Value)) -> Review {
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

fn review_edit(change: impl FnOnce(&mut Value)) -> Review {
    review_pair(|_| {}, change)
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is in the spec"))
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    at(spec, &format!("/components/schemas/{name}"))
}

/// The one change with `rule`; panics with every rule found otherwise.
fn find<'a>(review: &'a Review, rule: &str) -> &'a Change {
    let matching: Vec<&Change> = review.changes.iter().filter(|c| c.rule == rule).collect();
    let rules: Vec<&str> = review.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(
        matching.len(),
        1,
        "one `{rule}` expected, found rules {rules:?}"
    );
    matching[0]
}

fn operations(change: &Change) -> Vec<&str> {
    change
        .reached
        .iter()
        .map(|r| r.operation_id.as_str())
        .collect()
}

/// Asserts the change with `rule`: its wire and Rust verdicts and the operations it reaches.
#[track_caller]
fn assert_rule(review: &Review, rule: &str, wire: bool, rust: bool, reached: &[&str]) -> Change {
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
fn all_operations() -> Vec<String> {
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

#[test]
fn the_same_spec_reformatted_is_no_change() {
    // The YAML file against its JSON rendering: other text, same values.
    let yaml = spec_text();
    let json = edited(|_| {});
    assert_ne!(yaml, json);
    let review = review::review(
        &Snapshot::spec(yaml),
        &Snapshot::spec(json),
        &AcceptedFile::default(),
    )
    .unwrap();
    assert!(review.changes.is_empty(), "{:?}", review.changes);
    assert!(!review.breaking());
    assert_eq!(review.semver.bump, "none");
}

#[test]
fn operation_added() {
    let review = review_edit(|spec| {
        at(spec, "/paths")["/security/phone"] = json!({
            "get": {"operationId": "get_account_phone", "responses": {"200": {"description": "ok"}}}
        });
    });
    assert_rule(
        &review,
        "operation-added",
        false,
        false,
        &["get_account_phone"],
    );
    assert_eq!(review.operations.len(), 1);
    assert_eq!(review.operations[0].status, "added");
    assert_eq!(review.operations[0].path, "/security/phone");
    assert!(!review.breaking());
}

#[test]
fn operation_removed() {
    let review = review_edit(|spec| {
        at(spec, "/paths")
            .as_object_mut()
            .unwrap()
            .remove("/security/verify-email");
    });
    assert_rule(
        &review,
        "operation-removed",
        true,
        true,
        &["verify_account_email"],
    );
    assert_eq!(review.operations[0].status, "removed");
    assert!(review.breaking());
}

#[test]
fn operation_renamed_on_the_same_method_and_path() {
    let review = review_edit(|spec| {
        *at(spec, "/paths/~1security~1email~1remove/post/operationId") =
            json!("delete_account_email");
    });
    assert_rule(
        &review,
        "operation-renamed",
        false,
        true,
        &["delete_account_email"],
    );
    assert_eq!(review.changes.len(), 1, "{:?}", review.changes);
}

#[test]
fn operation_method_changed() {
    let review = review_edit(|spec| {
        let item = at(spec, "/paths/~1security~1email~1remove")
            .as_object_mut()
            .unwrap();
        let op = item.remove("post").unwrap();
        item.insert("delete".into(), op);
    });
    let change = assert_rule(
        &review,
        "operation-method-changed",
        true,
        false,
        &["remove_account_email"],
    );
    assert!(
        change.message.contains("POST -> DELETE"),
        "{}",
        change.message
    );
}

#[test]
fn operation_path_changed() {
    let review = review_edit(|spec| {
        let paths = at(spec, "/paths").as_object_mut().unwrap();
        let item = paths.remove("/security/verify-email").unwrap();
        paths.insert("/security/email/verify".into(), item);
    });
    assert_rule(
        &review,
        "operation-path-changed",
        true,
        false,
        &["verify_account_email"],
    );
}

#[test]
fn required_request_property_added() {
    let review = review_edit(|spec| {
        let request = schema(spec, "SetAccountEmailRequest");
        request["properties"]["name"] = json!({"type": "string"});
        request["required"] = json!(["email", "name"]);
    });
    let change = assert_rule(
        &review,
        "request-property-required-added",
        true,
        true,
        &["set_account_email"],
    );
    assert_eq!(change.direction, Direction::Request);
    assert_eq!(change.reached[0].trail, "SetAccountEmailRequest.name");
    assert_eq!(review.operations[0].status, "changed");
    assert_eq!(review.operations[0].operation_id, "set_account_email");
}

/// A base spec with an optional plain-string `name` in the request of set_account_email.
fn with_optional_name(spec: &mut Value) {
    schema(spec, "SetAccountEmailRequest")["properties"]["name"] = json!({"type": "string"});
}

#[test]
fn request_property_optional_to_required() {
    let review = review_pair(with_optional_name, |spec| {
        schema(spec, "SetAccountEmailRequest")["required"] = json!(["email", "name"]);
    });
    // Option<String> -> String.
    assert_rule(
        &review,
        "request-property-became-required",
        true,
        true,
        &["set_account_email"],
    );
}

#[test]
fn request_property_required_to_optional_breaks_rust_only() {
    let review = review_edit(|spec| {
        schema(spec, "SetAccountEmailRequest")["required"] = json!([]);
    });
    assert_rule(
        &review,
        "request-property-became-optional",
        false,
        true,
        &["set_account_email"],
    );
}

#[test]
fn request_max_length_tightened_and_loosened() {
    let review = review_edit(|spec| schema(spec, "EmailAddress")["maxLength"] = json!(100));
    // EmailAddress is already a validated newtype: same Rust type.
    let change = assert_rule(
        &review,
        "request-max-length-tightened",
        true,
        false,
        &["set_account_email"],
    );
    assert_eq!(change.location, "EmailAddress");
    assert_eq!(change.reached[0].trail, "SetAccountEmailRequest.email");

    let review = review_edit(|spec| schema(spec, "EmailAddress")["maxLength"] = json!(320));
    assert_rule(
        &review,
        "request-max-length-loosened",
        false,
        false,
        &["set_account_email"],
    );
    assert!(!review.breaking());
}

#[test]
fn max_length_on_a_plain_string_makes_a_newtype() {
    let review = review_pair(with_optional_name, |spec| {
        schema(spec, "SetAccountEmailRequest")["properties"]["name"]["maxLength"] = json!(40);
    });
    assert_rule(
        &review,
        "request-max-length-tightened",
        true,
        true,
        &["set_account_email"],
    );
}

#[test]
fn request_min_length_tightened_and_loosened() {
    let review = review_edit(|spec| schema(spec, "VerificationCode")["minLength"] = json!(6));
    assert_rule(
        &review,
        "request-min-length-tightened",
        true,
        false,
        &["verify_account_email"],
    );
    let review = review_edit(|spec| {
        schema(spec, "EmailAddress")
            .as_object_mut()
            .unwrap()
            .remove("minLength");
    });
    assert_rule(
        &review,
        "request-min-length-loosened",
        false,
        false,
        &["set_account_email"],
    );
}

#[test]
fn request_pattern_changed_added_and_removed() {
    let review =
        review_edit(|spec| schema(spec, "VerificationCode")["pattern"] = json!("^[0-9]+$"));
    assert_rule(
        &review,
        "request-pattern-changed",
        true,
        false,
        &["verify_account_email"],
    );
    let review = review_edit(|spec| {
        schema(spec, "VerificationCode")
            .as_object_mut()
            .unwrap()
            .remove("pattern");
    });
    assert_rule(
        &review,
        "request-pattern-loosened",
        false,
        false,
        &["verify_account_email"],
    );
    let review = review_pair(with_optional_name, |spec| {
        schema(spec, "SetAccountEmailRequest")["properties"]["name"]["pattern"] = json!("^[a-z]+$");
    });
    assert_rule(
        &review,
        "request-pattern-tightened",
        true,
        true,
        &["set_account_email"],
    );
}

#[test]
fn request_enum_values_removed_and_added() {
    let base = |spec: &mut Value| {
        schema(spec, "SetAccountEmailRequest")["properties"]["kind"] =
            json!({"type": "string", "enum": ["personal", "work"]});
    };
    let review = review_pair(base, |spec| {
        schema(spec, "SetAccountEmailRequest")["properties"]["kind"]["enum"] = json!(["personal"]);
    });
    assert_rule(
        &review,
        "request-enum-value-removed",
        true,
        true,
        &["set_account_email"],
    );
    let review = review_pair(base, |spec| {
        schema(spec, "SetAccountEmailRequest")["properties"]["kind"]["enum"] =
            json!(["personal", "work", "other"]);
    });
    // Safe to send; a new variant breaks exhaustive matches.
    assert_rule(
        &review,
        "request-enum-value-added",
        false,
        true,
        &["set_account_email"],
    );
}

#[test]
fn request_format_tightened_and_loosened() {
    let review = review_pair(
        |spec| schema(spec, "EmailAddress")["format"] = json!("email"),
        |spec| {
            schema(spec, "EmailAddress")
                .as_object_mut()
                .unwrap()
                .remove("format");
        },
    );
    assert_rule(
        &review,
        "request-format-loosened",
        false,
        false,
        &["set_account_email"],
    );
    let review = review_edit(|spec| schema(spec, "EmailAddress")["format"] = json!("email"));
    assert_rule(
        &review,
        "request-format-tightened",
        true,
        false,
        &["set_account_email"],
    );
}

#[test]
fn marking_a_secret_changes_what_prints() {
    let review = review_pair(
        |spec| {
            schema(spec, "VerificationCode")
                .as_object_mut()
                .unwrap()
                .remove("format");
        },
        |spec| schema(spec, "VerificationCode")["format"] = json!("password"),
    );
    assert_eq!(review.changes.len(), 1, "{:?}", review.changes);
    let change = assert_rule(
        &review,
        "secret-marked",
        false,
        true,
        &["verify_account_email"],
    );
    // It compiles; what `Debug`/`Display` print changes.
    assert_eq!(change.rust, Some(review::RustBreak::Prints));
}

#[test]
fn response_property_removed() {
    let review = review_edit(|spec| {
        schema(spec, "GetAccountEmailResponse")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("verified");
    });
    let change = assert_rule(
        &review,
        "response-property-removed",
        true,
        true,
        &["get_account_email"],
    );
    assert_eq!(change.direction, Direction::Response);
    assert_eq!(change.reached[0].trail, "GetAccountEmailResponse.verified");
}

#[test]
fn response_property_required_to_optional() {
    let review = review_pair(require_verified, |spec| {
        schema(spec, "GetAccountEmailResponse")["required"] = json!(["success"]);
    });
    // A client reading `verified` finds nothing; `bool` becomes `Option<bool>`.
    assert_rule(
        &review,
        "response-property-became-optional",
        true,
        true,
        &["get_account_email"],
    );
    // With a `default`, typify keeps the plain type: a wire break only.
    let review = review_pair(require_has_email, |spec| {
        schema(spec, "GetAccountEmailResponse")["required"] = json!(["success"]);
    });
    assert_rule(
        &review,
        "response-property-became-optional",
        true,
        false,
        &["get_account_email"],
    );
}

/// A base where `GetAccountEmailResponse.verified` is required.
fn require_verified(spec: &mut Value) {
    schema(spec, "GetAccountEmailResponse")["required"] = json!(["success", "verified"]);
}

/// A base where `GetAccountEmailResponse.hasEmail` (which has a default) is required.
fn require_has_email(spec: &mut Value) {
    schema(spec, "GetAccountEmailResponse")["required"] = json!(["success", "hasEmail"]);
}

#[test]
fn nullable_property_made_required_keeps_its_rust_type() {
    let review = review_edit(|spec| {
        schema(spec, "GetAccountEmailResponse")["required"] = json!(["success", "email"]);
    });
    // `email` is nullable: Option<String> either way.
    assert_rule(
        &review,
        "response-property-became-required",
        false,
        false,
        &["get_account_email"],
    );
}

#[test]
fn optional_response_property_added_is_wire_safe_and_a_rust_break() {
    let review = review_edit(|spec| {
        schema(spec, "SetAccountEmailResponse")["properties"]["expiresIn"] =
            json!({"type": "integer"});
    });
    assert_rule(
        &review,
        "response-property-optional-added",
        false,
        true,
        &["set_account_email"],
    );
    assert_eq!(review.semver.bump, "breaking");
}

#[test]
fn response_enum_value_added_breaks_the_wire() {
    let base = |spec: &mut Value| {
        schema(spec, "SetAccountEmailResponse")["properties"]["message"]["enum"] =
            json!(["VERIFY_EMAIL", "INVALID"]);
    };
    let review = review_pair(base, |spec| {
        schema(spec, "SetAccountEmailResponse")["properties"]["message"]["enum"] =
            json!(["VERIFY_EMAIL", "INVALID", "RATE_LIMITED"]);
    });
    assert_rule(
        &review,
        "response-enum-value-added",
        true,
        true,
        &["set_account_email"],
    );
}

#[test]
fn response_type_and_format_changed() {
    let review = review_edit(|spec| {
        schema(spec, "GetAccountEmailResponse")["properties"]["verified"]["type"] = json!("string");
    });
    assert_rule(
        &review,
        "response-type-changed",
        true,
        true,
        &["get_account_email"],
    );
    // String -> chrono::DateTime: narrower on the wire, another Rust type.
    let review = review_edit(|spec| {
        schema(spec, "SetAccountEmailResponse")["properties"]["message"]["format"] =
            json!("date-time");
    });
    assert_rule(
        &review,
        "response-format-tightened",
        false,
        true,
        &["set_account_email"],
    );
}

#[test]
fn success_status_removed() {
    let review = review_edit(|spec| {
        at(spec, "/paths/~1security~1email/get/responses")
            .as_object_mut()
            .unwrap()
            .remove("200");
    });
    assert_rule(
        &review,
        "response-success-status-removed",
        true,
        true,
        &["get_account_email"],
    );
}

#[test]
fn media_type_removed() {
    // One media type replaced by another: a change of media type.
    let review = review_edit(|spec| {
        let content = at(spec, "/paths/~1security~1email/post/requestBody/content")
            .as_object_mut()
            .unwrap();
        let json = content.remove("application/json").unwrap();
        content.insert("application/x-www-form-urlencoded".into(), json);
    });
    assert_rule(
        &review,
        "request-media-type-changed",
        true,
        true,
        &["set_account_email"],
    );
    // JSON for JSON keeps the Rust types.
    let review = review_edit(|spec| {
        let content = at(spec, "/paths/~1security~1email/post/requestBody/content")
            .as_object_mut()
            .unwrap();
        let json = content.remove("application/json").unwrap();
        content.insert("application/json; charset=utf-8".into(), json);
    });
    assert_rule(
        &review,
        "request-media-type-changed",
        true,
        false,
        &["set_account_email"],
    );
    // Removed beside another JSON one: removed.
    let review = review_edit(|spec| {
        let content = at(spec, "/paths/~1security~1email/post/requestBody/content")
            .as_object_mut()
            .unwrap();
        let json = content["application/json"].clone();
        content.insert("application/merge-patch+json".into(), json);
    });
    assert_rule(
        &review,
        "request-media-type-added",
        false,
        false,
        &["set_account_email"],
    );
}

#[test]
fn security_requirement_changed() {
    // With the token required, the header moves: old clients send the wrong one.
    let required = |spec: &mut Value| *at(spec, "/security") = json!([{"clientToken": []}]);
    let review = review_pair(required, |spec| {
        *at(spec, "/components/securitySchemes/clientToken/name") = json!("X-Client-Token");
    });
    assert_rule(
        &review,
        "security-requirement-changed",
        true,
        false,
        &all_operations()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    // Dropping the requirement breaks nobody.
    let review = review_edit(|spec| {
        at(spec, "/paths/~1security~1email/get")["security"] = json!([]);
    });
    assert_rule(
        &review,
        "security-requirement-changed",
        false,
        false,
        &["get_account_email"],
    );
    // Making it optional (the real spec: `{}` beside it) breaks nobody.
    let review = review_pair(required, |spec| {
        *at(spec, "/security") = json!([{"clientToken": []}, {}]);
    });
    let change = find(&review, "security-requirement-changed");
    assert_eq!(
        (change.wire, change.rust.is_some()),
        (false, false),
        "{change:?}"
    );
    assert!(
        change.message.contains("no credential"),
        "{}",
        change.message
    );
    // A description of the scheme changes no requirement: a description change.
    let review = review_edit(|spec| {
        *at(spec, "/components/securitySchemes/clientToken/description") = json!("Other words.");
    });
    let rules: Vec<&str> = review.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(rules, ["description-changed"]);
    assert!(!review.breaking());
}

#[test]
fn server_url_changed() {
    let review = review_edit(|spec| {
        *at(spec, "/servers/0/url") =
            json!("https://api2.z-api.io/instances/{instance}/token/{token}");
    });
    let change = assert_rule(
        &review,
        "server-url-changed",
        true,
        false,
        &all_operations()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        change.message.contains("api2.z-api.io"),
        "{}",
        change.message
    );
}

#[test]
fn description_only_edits_are_reported_not_breaking() {
    let review = review_edit(|spec| {
        schema(spec, "SetAccountEmailResponse")["properties"]["success"]["description"] =
            json!("Other words.");
        *at(spec, "/paths/~1security~1email/get/summary") = json!("Read the email");
    });
    let rules: Vec<&str> = review.changes.iter().map(|c| c.rule.as_str()).collect();
    assert_eq!(rules, ["description-changed", "description-changed"]);
    assert!(!review.breaking());
    assert_eq!(review.semver.bump, "patch");
}

#[test]
fn a_shared_schema_change_is_reported_once_with_every_operation() {
    // ErrorBody is reached through components/responses by every operation.
    let review = review_edit(|spec| {
        schema(spec, "ErrorBody")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("message");
    });
    let change = assert_rule(
        &review,
        "response-property-removed",
        true,
        true,
        &all_operations()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(change.location, "ErrorBody.message");
    assert_eq!(review.changes.len(), 1);
}

#[test]
fn nested_changes_name_the_path_to_them() {
    let base = |spec: &mut Value| {
        schema(spec, "GetAccountEmailResponse")["properties"]["history"] =
            json!({"type": "array", "items": {"$ref": "#/components/schemas/EmailChange"}});
        at(spec, "/components/schemas")["EmailChange"] = json!({
            "type": "object",
            "required": ["at"],
            "properties": {"at": {"type": "string"}}
        });
    };
    let review = review_pair(base, |spec| {
        schema(spec, "EmailChange")["required"] = json!([]);
    });
    let change = assert_rule(
        &review,
        "response-property-became-optional",
        true,
        true,
        &["get_account_email"],
    );
    assert_eq!(change.location, "EmailChange.at");
    assert_eq!(
        change.reached[0].trail,
        "GetAccountEmailResponse.history[].at"
    );
}

#[test]
fn an_unknown_keyword_counts_as_breaking() {
    let review =
        review_edit(|spec| schema(spec, "EmailAddress")["not"] = json!({"type": "integer"}));
    assert_rule(
        &review,
        "request-schema-changed",
        true,
        true,
        &["set_account_email"],
    );
}

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
fn an_unparsable_spec_is_an_error() {
    let error = review::review(
        &Snapshot::spec(spec_text()),
        &Snapshot::spec("paths: [oops"),
        &AcceptedFile::default(),
    )
    .unwrap_err();
    assert!(error.starts_with("new spec:"), "{error}");
    assert!(!error.contains('\n'), "{error}");
}

#[test]
fn the_command_exits_2_with_one_line_when_it_cannot_run() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .output()
            .expect("xtask runs")
    };
    let output = run(&["review", "--base", "no-such-revision-anywhere"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("unknown revision `no-such-revision-anywhere`"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    let output = run(&["review", "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));

    let help = run(&["help"]);
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("review [--base REV|release]")
    );
}

/// A git repository in a fresh temporary directory, removed on drop.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-review-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        let repo = Repo(dir);
        repo.git(&["init", "-q"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args([
                "-c",
                "user.name=review test",
                "-c",
                "user.email=review@test",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn head(&self) -> String {
        let out = Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(self.path())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn end_to_end_against_a_git_repository() {
    let repo = Repo::new("e2e");
    repo.write("openapi/zapi.yaml", &spec_text());
    repo.commit("the spec");
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            let request = schema(spec, "SetAccountEmailRequest");
            request["properties"]["name"] = json!({"type": "string"});
            request["required"] = json!(["email", "name"]);
        }),
    );
    repo.commit("a required request property");

    let options = |format| Options {
        base: Some("HEAD~1".into()),
        format,
        fail_on: FailOn {
            breaking: true,
            ..FailOn::default()
        },
    };
    let outcome = review::run(repo.path(), &options(Format::Json)).unwrap();
    assert_eq!(outcome.failures.len(), 1, "{:?}", outcome.failures);
    let json: Value = serde_json::from_str(&outcome.report).unwrap();
    assert_eq!(json["breaking"], json!(true));
    assert_eq!(
        json["changes"][0]["rule"],
        "request-property-required-added"
    );
    assert_eq!(
        json["changes"][0]["operations"][0]["operationId"],
        "set_account_email"
    );

    // The reviewer accepts it: the gate passes, the report still shows it.
    repo.write(
        review::ACCEPTED_PATH,
        "accepted:\n  - rule: request-property-required-added\n    operation: set_account_email\n    location: SetAccountEmailRequest.name\n    reason: Z-API now requires a name\n",
    );
    let outcome = review::run(repo.path(), &options(Format::Markdown)).unwrap();
    assert!(outcome.failures.is_empty(), "{}", outcome.report);
    assert!(
        outcome
            .report
            .contains("**accepted**: Z-API now requires a name"),
        "{}",
        outcome.report
    );

    // Uncommitted edits count: against HEAD, the working tree differs by nothing.
    let head = Options {
        base: Some("HEAD".into()),
        ..options(Format::Json)
    };
    let outcome = review::run(repo.path(), &head).unwrap();
    assert!(outcome.review.changes.is_empty());

    let unknown = Options {
        base: Some("v9.9.9".into()),
        ..options(Format::Json)
    };
    assert_eq!(
        review::run(repo.path(), &unknown).unwrap_err(),
        "unknown revision `v9.9.9`"
    );
    let bad = Options {
        base: None,
        ..options(Format::Json)
    };
    // No main branch here: the default base is HEAD.
    assert_eq!(review::run(repo.path(), &bad).unwrap().base, "HEAD");
}

fn remove_verified(spec: &mut Value) {
    schema(spec, "GetAccountEmailResponse")["properties"]
        .as_object_mut()
        .unwrap()
        .remove("verified");
}

#[test]
fn the_gate_reviews_every_commit_since_the_release_and_the_version() {
    let repo = Repo::new("since-release");
    repo.write("openapi/zapi.yaml", &spec_text());
    repo.write(
        "zapi-client/Cargo.toml",
        "[package]\nname = \"zapi-client\"\nversion = \"0.2.0\"\n",
    );
    repo.commit("release 0.2.0");
    let released = repo.head();
    repo.write(
        review::ACCEPTED_PATH,
        &format!("released:\n  version: 0.2.0\n  commit: {released}\naccepted: []\n"),
    );
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            remove_verified(spec);
        }),
    );
    repo.commit("a break");
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            remove_verified(spec);
            *at(spec, "/info/description") = json!("Other words.");
        }),
    );
    repo.commit("a harmless edit on top");
    let gate = |base: &str| Options {
        base: Some(base.into()),
        format: Format::Markdown,
        fail_on: FailOn {
            breaking: true,
            behaviour: false,
            version: true,
        },
    };
    // The last commit alone breaks nothing...
    let last_commit = Options {
        fail_on: FailOn {
            breaking: true,
            ..FailOn::default()
        },
        ..gate("HEAD~1")
    };
    let last = review::run(repo.path(), &last_commit).unwrap();
    assert!(last.failures.is_empty(), "{:?}", last.failures);
    // ...but since the release there is a break, and 0.2.0 is short of 0.3.0.
    let outcome = review::run(repo.path(), &gate("release")).unwrap();
    assert_eq!(outcome.base, released);
    assert!(
        outcome
            .failures
            .iter()
            .any(|f| f.contains("response-property-removed")),
        "{:?}",
        outcome.failures
    );
    assert!(
        outcome.failures.iter().any(|f| f.contains("need 0.3.0")),
        "{:?}",
        outcome.failures
    );
    // Bumped, and the break accepted: the gate passes.
    repo.write(
        "zapi-client/Cargo.toml",
        "[package]\nname = \"zapi-client\"\nversion = \"0.3.0\"\n",
    );
    repo.write(
        review::ACCEPTED_PATH,
        &format!("released:\n  version: 0.2.0\n  commit: {released}\naccepted:\n  - rule: response-property-removed\n    operation: get_account_email\n    location: GetAccountEmailResponse.verified\n    reason: Z-API omits it on failures\n    version: 0.3.0\n"),
    );
    let outcome = review::run(repo.path(), &gate("release")).unwrap();
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    // No release recorded: `--base release` cannot run, and says why.
    repo.write(review::ACCEPTED_PATH, "accepted: []\n");
    let error = review::run(repo.path(), &gate("release")).unwrap_err();
    assert!(error.contains("records no `released`"), "{error}");
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
