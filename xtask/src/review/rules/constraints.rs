//! Validation keywords (lengths, bounds, patterns, formats, nullable, enum
//! values) and the Rust type typify gives a schema.

use serde_json::Value;

use crate::review::spec::{resolve, show};

pub fn rust_shape(schema: &Value, optional_field: bool) -> String {
    let get = |k: &str| schema.get(k);
    let base = if let Some(values) = get("enum") {
        format!("enum {values}")
    } else {
        match get("type").and_then(Value::as_str) {
            Some("string") => {
                if ["maxLength", "minLength", "pattern"]
                    .iter()
                    .any(|k| get(k).is_some())
                {
                    "validated String newtype".to_owned()
                } else {
                    match get("format").and_then(Value::as_str) {
                        Some("date-time") => "chrono::DateTime<Utc>".into(),
                        Some("date") => "chrono::NaiveDate".into(),
                        Some("uuid") => "uuid::Uuid".into(),
                        _ => "String".into(),
                    }
                }
            }
            Some("integer") => {
                let unsigned = get("minimum")
                    .and_then(Value::as_f64)
                    .is_some_and(|m| m >= 0.0);
                let bits = match get("format").and_then(Value::as_str) {
                    Some("int8") => 8,
                    Some("int16") => 16,
                    Some("int32") => 32,
                    _ => 64,
                };
                format!("{}{bits}", if unsigned { "u" } else { "i" })
            }
            Some("number") => match get("format").and_then(Value::as_str) {
                Some("float") => "f32".into(),
                _ => "f64".into(),
            },
            Some("boolean") => "bool".into(),
            Some("array") => "Vec".into(),
            Some("object") => "struct".into(),
            Some(other) => other.to_owned(),
            None => "serde_json::Value".into(),
        }
    };
    let nullable = get("nullable").and_then(Value::as_bool).unwrap_or(false);
    // typify does not nest options: an optional nullable field is one Option.
    if nullable && !optional_field {
        format!("Option<{base}>")
    } else {
        base
    }
}

/// The Rust type of a struct field: the referenced type's name or its shape,
/// in an `Option` when the property is optional without a default, or nullable.
pub fn field_shape(spec: &Value, schema: &Value, required: bool) -> String {
    let (resolved, name) = resolve(spec, schema);
    let nullable = resolved
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let inner = name.unwrap_or_else(|| rust_shape(resolved, true));
    // typify gives an optional property with a `default` its plain type,
    // filled by serde when absent.
    let defaulted = resolved.get("default").is_some();
    if (!required && !defaulted) || nullable {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

pub struct Constraint {
    pub keyword: &'static str,
    pub tightened: bool,
    pub loosened: bool,
    pub message: String,
}

/// The validation keywords that differ, each with whether fewer values
/// (tightened) or more values (loosened) are valid now.
/// No format, or `password` (the OpenAPI mark of a secret, which validates nothing).
pub fn is_secret_mark(format: Option<&Value>) -> bool {
    format.is_none_or(|f| f == "password")
}

pub fn constraints(o: &Value, n: &Value) -> Vec<Constraint> {
    let mut out = Vec::new();
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    let mut push = |keyword, tightened, loosened, message: String| {
        out.push(Constraint {
            keyword,
            tightened,
            loosened,
            message,
        })
    };
    // Upper bounds: lower or new is tighter. Lower bounds: higher or new is tighter.
    for (key, keyword, upper) in [
        ("maxLength", "max-length", true),
        ("minLength", "min-length", false),
        ("maximum", "maximum", true),
        ("minimum", "minimum", false),
        ("maxItems", "max-items", true),
        ("minItems", "min-items", false),
    ] {
        let (a, b) = (num(o, key), num(n, key));
        if a == b {
            continue;
        }
        let tightened = match (a, b) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => {
                if upper {
                    b < a
                } else {
                    b > a
                }
            }
            (None, None) => false,
        };
        push(
            keyword,
            tightened,
            !tightened,
            format!("{key} {} -> {}", show(o.get(key)), show(n.get(key))),
        );
    }
    for (key, keyword) in [
        ("exclusiveMaximum", "maximum"),
        ("exclusiveMinimum", "minimum"),
    ] {
        let on = |v: &Value| v.get(key).and_then(Value::as_bool).unwrap_or(false);
        if on(o) != on(n) {
            push(
                keyword,
                on(n),
                on(o),
                format!("{key} {} -> {}", on(o), on(n)),
            );
        }
    }
    for (key, keyword) in [("pattern", "pattern"), ("format", "format")] {
        let (a, b) = (o.get(key), n.get(key));
        // `format: password` only marks a secret: `secret-marked` reports it.
        if key == "format" && is_secret_mark(a) && is_secret_mark(b) {
            continue;
        }
        if a != b {
            let (tightened, loosened) = match (a, b) {
                (None, Some(_)) => (true, false),
                (Some(_), None) => (false, true),
                _ => (true, true),
            };
            push(
                keyword,
                tightened,
                loosened,
                format!("{key} {} -> {}", show(a), show(b)),
            );
        }
    }
    let nullable = |v: &Value| v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if nullable(o) != nullable(n) {
        push(
            "nullable",
            !nullable(n),
            nullable(n),
            format!("nullable {} -> {}", nullable(o), nullable(n)),
        );
    }
    let values =
        |v: &Value| -> Option<Vec<Value>> { v.get("enum").and_then(Value::as_array).cloned() };
    match (values(o), values(n)) {
        (Some(a), Some(b)) => {
            let removed: Vec<String> = a
                .iter()
                .filter(|v| !b.contains(v))
                .map(|v| show(Some(v)))
                .collect();
            let added: Vec<String> = b
                .iter()
                .filter(|v| !a.contains(v))
                .map(|v| show(Some(v)))
                .collect();
            if removed.is_empty() && added.is_empty() && a != b {
                push(
                    "enum",
                    false,
                    false,
                    format!("enum values reordered: {}", Value::Array(b.clone())),
                );
            }
            if !removed.is_empty() {
                push(
                    "enum",
                    true,
                    false,
                    format!("enum value(s) {} removed", removed.join(", ")),
                );
            }
            if !added.is_empty() {
                push(
                    "enum",
                    false,
                    true,
                    format!("enum value(s) {} added", added.join(", ")),
                );
            }
        }
        (None, Some(b)) => push(
            "enum",
            true,
            false,
            format!("restricted to the enum values {}", Value::Array(b)),
        ),
        (Some(a), None) => push(
            "enum",
            false,
            true,
            format!("enum {} lifted", Value::Array(a)),
        ),
        (None, None) => {}
    }
    out
}
