//! The spec's own examples, so tests send and expect what openapi/zapi.yaml documents.

use std::path::PathBuf;

use serde_json::Value;

/// `openapi/zapi.yaml`, parsed into JSON values.
pub fn spec() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/zapi.yaml");
    let text = std::fs::read_to_string(&path).expect("read openapi/zapi.yaml");
    serde_norway::from_str(&text).expect("openapi/zapi.yaml is YAML")
}

/// `paths.<path>.<method>` of the spec.
pub fn operation(path: &str, method: &str) -> Value {
    let op = spec()["paths"][path][method].clone();
    assert!(op.is_object(), "no {method} {path} in the spec");
    op
}

/// The example request body of an operation.
pub fn request_example(path: &str, method: &str) -> Value {
    let example =
        operation(path, method)["requestBody"]["content"]["application/json"]["example"].clone();
    assert!(!example.is_null(), "no request example for {method} {path}");
    example
}

/// The example of an operation's 200 answer.
pub fn response_example(path: &str, method: &str) -> Value {
    let example =
        operation(path, method)["responses"]["200"]["content"]["application/json"]["example"]
            .clone();
    assert!(!example.is_null(), "no 200 example for {method} {path}");
    example
}
