//! The spec's own examples, so tests send and expect what openapi/zapi.yaml documents.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

fn text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/zapi.yaml");
    std::fs::read_to_string(&path).expect("read openapi/zapi.yaml")
}

/// The spec, parsed once per test binary: parsing it per call made each
/// example-driven call allocate most of a megabyte (which the hostile-answer
/// test measures as the call's memory).
fn parsed() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_norway::from_str(&text()).expect("openapi/zapi.yaml is YAML"))
}

/// The spec as YAML values, which keep the document's key order.
fn parsed_in_order() -> &'static serde_norway::Value {
    static SPEC: OnceLock<serde_norway::Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_norway::from_str(&text()).expect("YAML"))
}

/// `openapi/zapi.yaml`, parsed into JSON values.
pub fn spec() -> Value {
    parsed().clone()
}

/// The method (lowercase) and path of the operation with `operation_id`.
pub fn method_and_path(operation_id: &str) -> (String, String) {
    let spec = parsed();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if operation["operationId"] == operation_id {
                return (method.clone(), path.clone());
            }
        }
    }
    panic!("no operation {operation_id} in the spec")
}

/// Every operationId of the spec.
pub fn operation_ids() -> Vec<String> {
    let spec = parsed();
    let paths = spec["paths"].as_object().expect("paths");
    paths
        .values()
        .flat_map(|item| item.as_object().expect("a path item").values())
        .filter_map(|operation| operation["operationId"].as_str().map(str::to_owned))
        .collect()
}

/// `paths.<path>.<method>` of the spec.
pub fn operation(path: &str, method: &str) -> Value {
    let op = parsed()["paths"][path][method].clone();
    assert!(op.is_object(), "no {method} {path} in the spec");
    op
}

/// A media type's `example`, or the value of the first of its named
/// `examples` in the spec's order (OpenAPI allows one or the other): the one
/// tests send and expect. `keys` lead from the operation to the media type.
fn first_example(path: &str, method: &str, keys: &[&str]) -> Value {
    // serde_norway keeps the YAML's key order (serde_json's map sorts).
    let mut media = &parsed_in_order()["paths"][path][method];
    for key in keys {
        media = &media[*key];
    }
    let example = match media["examples"]
        .as_mapping()
        .and_then(|named| named.values().next())
    {
        Some(first) => &first["value"],
        None => &media["example"],
    };
    serde_json::to_value(example).expect("an example is JSON")
}

/// Every named example of a media type (`examples`), or its single
/// `example` under the name `example`.
pub fn named_examples(media: &Value) -> Vec<(String, Value)> {
    match media["examples"].as_object() {
        Some(named) => named
            .iter()
            .map(|(name, example)| (name.clone(), example["value"].clone()))
            .collect(),
        None => vec![("example".to_owned(), media["example"].clone())],
    }
}

/// The example request body of an operation.
pub fn request_example(path: &str, method: &str) -> Value {
    let example = first_example(
        path,
        method,
        &["requestBody", "content", "application/json"],
    );
    assert!(!example.is_null(), "no request example for {method} {path}");
    example
}

/// The example of an operation's 200 answer.
pub fn response_example(path: &str, method: &str) -> Value {
    let example = first_example(
        path,
        method,
        &["responses", "200", "content", "application/json"],
    );
    assert!(!example.is_null(), "no 200 example for {method} {path}");
    example
}

/// `x-zapi-retry-safe` of the operation with `operation_id`.
pub fn retry_safe(operation_id: &str) -> bool {
    let (method, path) = method_and_path(operation_id);
    operation(&path, &method)["x-zapi-retry-safe"]
        .as_bool()
        .expect("x-zapi-retry-safe is a bool")
}

/// `schema`, or the component schema its `$ref` names.
fn resolve(schema: &Value) -> &Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            &parsed()["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The request body's properties of `operation_id` (none without a body),
/// each with its schema resolved, in the spec's order.
fn request_properties(operation_id: &str) -> Vec<(&'static String, &'static Value)> {
    let (method, path) = method_and_path(operation_id);
    let op = &parsed()["paths"][&path][&method];
    let body = resolve(&op["requestBody"]["content"]["application/json"]["schema"]);
    body["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name, resolve(schema)))
        .collect()
}

/// The request body properties of `operation_id` whose schema is marked
/// `format: password` (a secret).
pub fn secret_properties(operation_id: &str) -> Vec<String> {
    request_properties(operation_id)
        .into_iter()
        .filter(|(_, schema)| schema["format"] == "password")
        .map(|(name, _)| name.clone())
        .collect()
}

/// Values the spec's constraints refuse, for each string property of the
/// request body of `operation_id`, at the boundaries the spec states: one
/// character under `minLength` (from the property's example), one over
/// `maxLength` (the example repeated), a value outside `enum`. Each as
/// (JSON property name, value, the constraint it breaks).
pub fn invalid_values(operation_id: &str) -> Vec<(String, String, &'static str)> {
    let mut values = Vec::new();
    for (name, schema) in request_properties(operation_id) {
        if schema["type"] != "string" {
            continue;
        }
        let example: Vec<char> = schema["example"].as_str().unwrap_or("x").chars().collect();
        let repeated = |n: u64| -> String { example.iter().cycle().take(n as usize).collect() };
        if let Some(min) = schema["minLength"].as_u64().filter(|&min| min > 0) {
            values.push((name.clone(), repeated(min - 1), "minLength"));
        }
        if let Some(max) = schema["maxLength"].as_u64() {
            values.push((name.clone(), repeated(max + 1), "maxLength"));
        }
        if let Some(allowed) = schema["enum"].as_array() {
            let outside = format!("not-{}", allowed[0].as_str().unwrap_or("any"));
            values.push((name.clone(), outside, "enum"));
        }
    }
    values
}
