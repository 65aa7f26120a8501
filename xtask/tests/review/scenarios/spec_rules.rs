//! Each spec rule on an edit of the live spec.

use serde_json::{Value, json};
use xtask::review::{self, AcceptedFile, Direction, Snapshot};

use super::*;

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
    // One media type replaced by another: a change of media type; progenitor
    // types a form body as it types a JSON one (the compile check agrees).
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
        false,
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
