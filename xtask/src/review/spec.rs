//! Reading a spec: YAML to JSON values, its operations, `$ref`s.

use serde_json::Value;

/// Parses YAML into a JSON value (mapping keys become strings: `200:` and
/// `'200':` mean the same status).
pub fn parse_spec(text: &str) -> Result<Value, String> {
    let yaml: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| one_line(&format!("invalid YAML: {e}")))?;
    let value = yaml_to_json(yaml);
    if !value.get("paths").is_some_and(Value::is_object) {
        return Err("not an OpenAPI document: no `paths` mapping".into());
    }
    Ok(value)
}

pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn yaml_to_json(yaml: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation of one spec.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    pub id: String,
    pub method: String,
    pub path: String,
    pub value: &'a Value,
    pub path_item: &'a Value,
}

pub fn operations_of(spec: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item = resolve(spec, item).0;
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let method = method.to_uppercase();
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("{method} {path}"), str::to_owned);
                out.push(Operation {
                    id,
                    method,
                    path: path.clone(),
                    value: op,
                    path_item: item,
                });
            }
        }
    }
    out
}

/// Follows `$ref`s within the document; returns the target and the name of
/// the last component followed.
pub fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> (&'a Value, Option<String>) {
    let mut name = None;
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
        else {
            break;
        };
        name = reference.rsplit('/').next().map(str::to_owned);
        value = target;
    }
    (value, name)
}

/// A value as the report prints it: strings bare, anything else as JSON.
pub fn show(value: Option<&Value>) -> String {
    match value {
        None => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Whether a media type carries JSON (what progenitor generates types for).
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}
