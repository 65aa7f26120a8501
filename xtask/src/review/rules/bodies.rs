//! Request bodies, responses and their media types.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::review::model::Direction;
use crate::review::spec::{Operation, is_json, resolve};
use crate::review::walk::{From, Place, SpecDiff, Verdicts};

const BODY_KEYS: [&str; 4] = ["description", "required", "content", "$ref"];
const MEDIA_KEYS: [&str; 3] = ["schema", "example", "examples"];
const RESPONSE_KEYS: [&str; 3] = ["description", "content", "$ref"];

impl<'a> SpecDiff<'a> {
    pub fn request_body(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
        let from = self.from(n, Direction::Request);
        let old = o.value.get("requestBody").map(|b| resolve(self.old, b).0);
        let new = n.value.get("requestBody").map(|b| resolve(self.new, b).0);
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        let location = format!("{} request body", n.id);
        let reach = Some(from.reach(""));
        match (old, new) {
            (None, Some(b)) => {
                let wire = required(b);
                self.emit(
                    "request-body-added",
                    Direction::Request,
                    wire,
                    false,
                    &location,
                    format!(
                        "`{}`: request body added{}",
                        n.id,
                        if wire { ", required" } else { "" }
                    ),
                    reach,
                );
            }
            (Some(_), None) => {
                self.emit(
                    "request-body-removed",
                    Direction::Request,
                    false,
                    true,
                    &location,
                    format!("`{}`: request body removed", n.id),
                    reach,
                );
            }
            (Some(a), Some(b)) => {
                match (required(a), required(b)) {
                    (false, true) => self.emit(
                        "request-body-became-required",
                        Direction::Request,
                        true,
                        false,
                        &location,
                        format!("`{}`: request body became required", n.id),
                        reach.clone(),
                    ),
                    (true, false) => self.emit(
                        "request-body-became-optional",
                        Direction::Request,
                        false,
                        false,
                        &location,
                        format!("`{}`: request body became optional", n.id),
                        reach.clone(),
                    ),
                    _ => {}
                }
                if a.get("description") != b.get("description") {
                    self.emit(
                        "description-changed",
                        Direction::Request,
                        false,
                        false,
                        &location,
                        format!("{location}: description changed"),
                        reach.clone(),
                    );
                }
                self.unknown_keys(
                    a,
                    b,
                    &BODY_KEYS,
                    &location,
                    &location,
                    Direction::Request,
                    reach,
                );
                self.content(a, b, &location, &from);
            }
            (None, None) => {}
        }
    }

    /// Media types of a request body or a response, and their schemas. One
    /// media type replaced by one other is a change of media type, whose
    /// schemas are then compared.
    fn content(&mut self, old: &Value, new: &Value, location: &str, from: &From) {
        let empty = serde_json::Map::new();
        let old_content = old
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_content = new
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let direction = from.direction;
        let d = direction.as_str();
        let reach = Some(from.reach(""));
        let removed: Vec<&String> = old_content
            .keys()
            .filter(|m| !new_content.contains_key(*m))
            .collect();
        let added: Vec<&String> = new_content
            .keys()
            .filter(|m| !old_content.contains_key(*m))
            .collect();
        let mut pairs: Vec<(&String, &String)> = old_content
            .keys()
            .filter(|m| new_content.contains_key(*m))
            .map(|m| (m, m))
            .collect();
        if let ([gone], [came]) = (removed.as_slice(), added.as_slice()) {
            self.emit(
                format!("{d}-media-type-changed"),
                direction,
                true,
                // progenitor types a JSON and a form body alike.
                false,
                location,
                format!("{location}: media type {gone} -> {came}"),
                reach.clone(),
            );
            pairs.push((gone, came));
        } else {
            let json_left = new_content.keys().any(|m| is_json(m));
            for media in removed {
                self.emit(
                    format!("{d}-media-type-removed"),
                    direction,
                    true,
                    is_json(media) && !json_left,
                    location,
                    format!("{location}: media type {media} removed"),
                    reach.clone(),
                );
            }
            for media in added {
                self.emit(
                    format!("{d}-media-type-added"),
                    direction,
                    false,
                    false,
                    location,
                    format!("{location}: media type {media} added"),
                    reach.clone(),
                );
            }
        }
        for (old_key, new_key) in pairs {
            let (old_media, new_media) = (&old_content[old_key], &new_content[new_key]);
            for key in ["example", "examples"] {
                if old_media.get(key) != new_media.get(key) {
                    self.emit(
                        "example-changed",
                        direction,
                        false,
                        false,
                        location,
                        format!("{location}: {new_key} {key} changed"),
                        reach.clone(),
                    );
                }
            }
            self.unknown_keys(
                old_media,
                new_media,
                &MEDIA_KEYS,
                &format!("{location} {new_key}"),
                location,
                direction,
                reach.clone(),
            );
            match (old_media.get("schema"), new_media.get("schema")) {
                (Some(a), Some(b)) => {
                    let place = Place {
                        location: location.to_owned(),
                        trail: String::new(),
                    };
                    self.schema(a, b, &place, from, false, &mut Vec::new());
                }
                (None, None) => {}
                (a, _) => self.emit_with(
                    format!("{d}-schema-changed"),
                    direction,
                    Verdicts::of(true, true),
                    location,
                    format!(
                        "{location}: schema {}",
                        if a.is_none() { "added" } else { "removed" }
                    ),
                    reach.clone(),
                ),
            }
        }
    }

    /// The distinct JSON schemas of an operation's success answers: what
    /// progenitor types the answer by.
    fn success_schemas(
        spec: &Value,
        responses: &serde_json::Map<String, Value>,
    ) -> BTreeSet<String> {
        responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(_, response)| {
                let response = resolve(spec, response).0;
                let schema = response
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.iter().find(|(m, _)| is_json(m)))
                    .and_then(|(_, media)| media.get("schema"));
                match schema {
                    None => "(no body)".to_owned(),
                    Some(schema) => match resolve(spec, schema) {
                        (_, Some(name)) => name,
                        (value, None) => value.to_string(),
                    },
                }
            })
            .collect()
    }

    pub fn responses(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
        let from = self.from(n, Direction::Response);
        let empty = serde_json::Map::new();
        let old = o
            .value
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new = n
            .value
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let success = |status: &str| status.starts_with('2');
        // The answer's Rust type follows the set of success schemas.
        let answer_type_changed =
            Self::success_schemas(self.old, old) != Self::success_schemas(self.new, new);
        for (status, old_response) in old {
            let location = format!("{} response {status}", n.id);
            let Some(new_response) = new.get(status) else {
                let (rule, wire, rust) = if success(status) {
                    ("response-success-status-removed", true, answer_type_changed)
                } else {
                    ("response-error-status-removed", false, false)
                };
                self.emit(
                    rule,
                    Direction::Response,
                    wire,
                    rust,
                    &location,
                    format!("`{}`: response {status} removed", n.id),
                    Some(from.reach("")),
                );
                continue;
            };
            let a = resolve(self.old, old_response).0;
            let b = resolve(self.new, new_response).0;
            if a.get("description") != b.get("description") {
                self.emit(
                    "description-changed",
                    Direction::Response,
                    false,
                    false,
                    &location,
                    format!("{location}: description changed"),
                    Some(from.reach("")),
                );
            }
            self.unknown_keys(
                a,
                b,
                &RESPONSE_KEYS,
                &location,
                &location,
                Direction::Response,
                Some(from.reach("")),
            );
            self.content(a, b, &location, &from);
        }
        for status in new.keys().filter(|s| !old.contains_key(*s)) {
            let (rule, rust) = if success(status) {
                ("response-success-status-added", answer_type_changed)
            } else {
                ("response-error-status-added", false)
            };
            let location = format!("{} response {status}", n.id);
            self.emit(
                rule,
                Direction::Response,
                false,
                rust,
                &location,
                format!("`{}`: response {status} added", n.id),
                Some(from.reach("")),
            );
        }
    }
}
