//! Schemas: names, docs, secret marks, types, constraints, enums,
//! readOnly/writeOnly, additionalProperties, composition, and any keyword no
//! rule knows. Properties are in `properties.rs`, constraints in
//! `constraints.rs`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::constraints::{constraints, is_secret_mark, rust_shape};
use crate::review::model::{Direction, RustBreak};
use crate::review::spec::{resolve, show};
use crate::review::walk::{From, Place, SpecDiff, Verdicts};

/// Schema keywords the walk knows; any other that differs is `{dir}-schema-changed`.
const HANDLED_SCHEMA_KEYS: [&str; 30] = [
    "default",
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
    "type",
    "format",
    "nullable",
    "maxLength",
    "minLength",
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "maxItems",
    "minItems",
    "properties",
    "required",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "additionalProperties",
    "readOnly",
    "writeOnly",
    "$ref",
];

/// Whether `additionalProperties` lets any extra property through, and
/// whether it constrains their values.
fn extra_allowed(value: Option<&Value>) -> bool {
    value != Some(&Value::Bool(false))
}

fn extra_constrained(value: Option<&Value>) -> bool {
    value.is_some_and(|v| v.as_object().is_some_and(|m| !m.is_empty()))
}

impl<'a> SpecDiff<'a> {
    /// Compares two schemas reached the same way. `optional_field` is whether
    /// the schema is that of an optional property (already an `Option` in Rust).
    pub fn schema(
        &mut self,
        old: &Value,
        new: &Value,
        place: &Place,
        from: &From,
        optional_field: bool,
        stack: &mut Vec<(Option<String>, Option<String>)>,
    ) {
        let (o, old_name) = resolve(self.old, old);
        let (n, new_name) = resolve(self.new, new);
        let mut place = place.clone();
        if let Some(name) = new_name.as_ref().or(old_name.as_ref()) {
            place.location = name.clone();
            if place.trail.is_empty() {
                place.trail = name.clone();
            }
        }
        let pair = (old_name.clone(), new_name.clone());
        if pair.0.is_some() && stack.contains(&pair) {
            return; // a recursive type, already being compared
        }
        stack.push(pair);
        let dir = from.direction;
        let d = dir.as_str();
        let reach = Some(from.reach(&place.trail));
        let loc = place.location.clone();

        match (&old_name, &new_name) {
            (Some(a), Some(b)) if a != b => self.emit(
                format!("{d}-schema-renamed"),
                dir,
                false,
                true,
                &loc,
                format!("schema `{a}` is now `{b}`"),
                reach.clone(),
            ),
            (Some(a), None) => self.emit(
                format!("{d}-schema-inlined"),
                dir,
                false,
                true,
                &loc,
                format!("schema `{a}` inlined (its Rust type takes another name)"),
                reach.clone(),
            ),
            (None, Some(b)) => self.emit(
                format!("{d}-schema-extracted"),
                dir,
                false,
                true,
                &loc,
                format!("inline schema moved to component `{b}` (its Rust type is renamed `{b}`)"),
                reach.clone(),
            ),
            _ => {}
        }
        for key in [
            "description",
            "title",
            "example",
            "examples",
            "externalDocs",
        ] {
            if o.get(key) != n.get(key) {
                let rule = if key.starts_with("example") {
                    "example-changed"
                } else {
                    "description-changed"
                };
                self.emit(
                    rule,
                    dir,
                    false,
                    false,
                    &loc,
                    format!("`{loc}`: {key} changed"),
                    reach.clone(),
                );
            }
        }
        let secret = |v: &Value| v.get("format").and_then(Value::as_str) == Some("password");
        if secret(o) != secret(n)
            && is_secret_mark(o.get("format"))
            && is_secret_mark(n.get("format"))
        {
            // The wire stays the same. Marked: a hand-written `Debug` and a
            // `Display` that print `<redacted>`. Unmarked: typify's derived
            // `Debug`, and no `Display` (code using it stops compiling).
            let (rule, what, rust) = if secret(n) {
                (
                    "secret-marked",
                    "now a secret: `Debug`/`Display` print `<redacted>`",
                    RustBreak::Prints,
                )
            } else {
                (
                    "secret-unmarked",
                    "no longer a secret: `Debug` prints the value, and it has no `Display`",
                    RustBreak::Compile,
                )
            };
            self.emit_with(
                rule,
                dir,
                Verdicts {
                    wire: false,
                    rust: Some(rust),
                    behaviour: false,
                },
                &loc,
                format!("`{loc}`: {what} (format: password)"),
                reach.clone(),
            );
        }
        if o.get("deprecated") != n.get("deprecated") {
            self.emit(
                "deprecated-changed",
                dir,
                false,
                false,
                &loc,
                format!("`{loc}`: deprecated changed"),
                reach.clone(),
            );
        }
        self.schema_extensions(o, n, &loc, dir, reach.clone());
        let shape_changed = rust_shape(o, optional_field) != rust_shape(n, optional_field);
        if o.get("type") != n.get("type") {
            self.emit(
                format!("{d}-type-changed"),
                dir,
                true,
                shape_changed,
                &loc,
                format!(
                    "`{loc}`: type {} -> {}",
                    show(o.get("type")),
                    show(n.get("type"))
                ),
                reach,
            );
            stack.pop();
            return; // what is below a changed type is not comparable
        }
        for constraint in constraints(o, n) {
            let wire = match dir {
                Direction::Request => constraint.tightened,
                _ => constraint.loosened,
            };
            let how = match (constraint.tightened, constraint.loosened) {
                (true, true) => "changed",
                (true, false) => "tightened",
                (false, true) => "loosened",
                (false, false) => "reordered",
            };
            let rule = match (constraint.keyword, how) {
                ("enum", "reordered") => format!("{d}-enum-values-reordered"),
                ("enum", "tightened") => format!("{d}-enum-value-removed"),
                ("enum", _) => format!("{d}-enum-value-added"),
                (keyword, _) => format!("{d}-{keyword}-{how}"),
            };
            // A new or removed enum value is a variant: every edit of the set breaks Rust.
            let rust = if constraint.keyword == "enum" {
                how != "reordered"
            } else {
                shape_changed
            };
            self.emit(
                rule,
                dir,
                wire,
                rust,
                &loc,
                format!("`{loc}`: {}", constraint.message),
                reach.clone(),
            );
        }
        for (key, rule) in [("readOnly", "read-only"), ("writeOnly", "write-only")] {
            let on = |v: &Value| v.get(key).and_then(Value::as_bool).unwrap_or(false);
            if on(o) != on(n) {
                // Narrowing what a server sends breaks no HTTP client; what a
                // client may send, or a required answer field, does.
                let wire = on(n)
                    && match (key, dir) {
                        ("readOnly", Direction::Request) => true,
                        ("writeOnly", Direction::Response) => !optional_field,
                        _ => false,
                    };
                self.emit(
                    format!("{d}-{rule}-changed"),
                    dir,
                    wire,
                    false,
                    &loc,
                    format!("`{loc}`: {key} {} -> {}", on(o), on(n)),
                    reach.clone(),
                );
            }
        }
        self.properties(o, n, &place, from, stack);
        if let (Some(a), Some(b)) = (o.get("items"), n.get("items")) {
            self.schema(a, b, &place.child("[]"), from, false, stack);
        }
        self.additional_properties(o, n, &place, from, stack);
        for key in ["allOf", "oneOf", "anyOf"] {
            let a = o.get(key).and_then(Value::as_array);
            let b = n.get(key).and_then(Value::as_array);
            match (a, b) {
                (Some(a), Some(b)) if a.len() == b.len() => {
                    for (x, y) in a.iter().zip(b) {
                        self.schema(x, y, &place, from, optional_field, stack);
                    }
                }
                (None, None) => {}
                _ => self.emit(
                    format!("{d}-schema-changed"),
                    dir,
                    true,
                    true,
                    &loc,
                    format!("`{loc}`: {key} changed (no rule for it: counted as breaking)"),
                    reach.clone(),
                ),
            }
        }
        let keys: BTreeSet<&String> = o
            .as_object()
            .into_iter()
            .chain(n.as_object())
            .flat_map(|m| m.keys())
            .filter(|k| !HANDLED_SCHEMA_KEYS.contains(&k.as_str()) && !k.starts_with("x-"))
            .collect();
        for key in keys {
            if o.get(key) != n.get(key) {
                self.emit(
                    format!("{d}-schema-changed"),
                    dir,
                    true,
                    true,
                    &loc,
                    format!(
                        "`{loc}`: `{key}` {} -> {} (no rule for it: counted as breaking)",
                        show(o.get(key)),
                        show(n.get(key))
                    ),
                    reach.clone(),
                );
            }
        }
        stack.pop();
    }

    /// `additionalProperties`: schemas compared as schemas; otherwise judged by
    /// direction: fewer extra properties allowed breaks a request, more
    /// breaks a response (strict clients reject them).
    fn additional_properties(
        &mut self,
        o: &Value,
        n: &Value,
        place: &Place,
        from: &From,
        stack: &mut Vec<(Option<String>, Option<String>)>,
    ) {
        let (a, b) = (o.get("additionalProperties"), n.get("additionalProperties"));
        if a == b {
            return;
        }
        if let (Some(x), Some(y)) = (a, b)
            && x.is_object()
            && y.is_object()
        {
            self.schema(x, y, &place.child("*"), from, false, stack);
            return;
        }
        let before = (extra_allowed(a), extra_constrained(a));
        let after = (extra_allowed(b), extra_constrained(b));
        if before == after {
            return; // `true`, absent and `{}` all mean any extra property
        }
        // Fewer values valid: an allowance withdrawn, or a constraint added.
        let tightened = (before.0 && !after.0) || (after.0 && !before.1 && after.1);
        let dir = from.direction;
        let d = dir.as_str();
        let how = if tightened { "tightened" } else { "loosened" };
        let wire = match dir {
            Direction::Request => tightened,
            _ => !tightened,
        };
        self.emit(
            format!("{d}-additional-properties-{how}"),
            dir,
            wire,
            false,
            &place.location,
            format!(
                "`{}`: additionalProperties {} -> {}",
                place.location,
                show(a),
                show(b)
            ),
            Some(from.reach(&place.trail)),
        );
    }
}
