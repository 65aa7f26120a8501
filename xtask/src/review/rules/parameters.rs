//! Parameters (path, query, header): added, removed, required or not, and
//! their schemas.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::review::model::Direction;
use crate::review::spec::{Operation, resolve};
use crate::review::walk::{Place, SpecDiff};

/// The parameter keywords the walk reads; any other that differs is `keyword-changed`.
const PARAMETER_KEYS: [&str; 8] = [
    "name",
    "in",
    "required",
    "schema",
    "description",
    "deprecated",
    "example",
    "examples",
];

impl<'a> SpecDiff<'a> {
    fn parameters_of(spec: &'a Value, op: &Operation<'a>) -> BTreeMap<(String, String), &'a Value> {
        let mut out = BTreeMap::new();
        for list in [op.path_item.get("parameters"), op.value.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
        {
            for parameter in list {
                let parameter = resolve(spec, parameter).0;
                let field = |k: &str| {
                    parameter
                        .get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                };
                out.insert((field("in"), field("name")), parameter);
            }
        }
        out
    }

    pub fn parameters(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
        let old = Self::parameters_of(self.old, o);
        let new = Self::parameters_of(self.new, n);
        let from = self.from(n, Direction::Request);
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (place_in, name) = key;
            let location = format!("{} {place_in} parameter `{name}`", n.id);
            let trail = format!("{place_in} parameter {name}");
            let reach = Some(from.reach(&trail));
            match (old.get(key), new.get(key)) {
                (None, Some(p)) => {
                    let (rule, wire) = if required(p) {
                        ("request-parameter-required-added", true)
                    } else {
                        ("request-parameter-optional-added", false)
                    };
                    self.emit(
                        rule,
                        Direction::Request,
                        wire,
                        false,
                        &location,
                        format!("{location} added"),
                        reach,
                    );
                }
                (Some(_), None) => {
                    self.emit(
                        "request-parameter-removed",
                        Direction::Request,
                        false,
                        true,
                        &location,
                        format!("{location} removed"),
                        reach,
                    );
                }
                (Some(a), Some(b)) => {
                    match (required(a), required(b)) {
                        (false, true) => self.emit(
                            "request-parameter-became-required",
                            Direction::Request,
                            true,
                            false,
                            &location,
                            format!("{location} became required"),
                            reach,
                        ),
                        (true, false) => self.emit(
                            "request-parameter-became-optional",
                            Direction::Request,
                            false,
                            false,
                            &location,
                            format!("{location} became optional"),
                            reach,
                        ),
                        _ => {}
                    }
                    for (key, rule) in [
                        ("description", "description-changed"),
                        ("example", "example-changed"),
                        ("examples", "example-changed"),
                        ("deprecated", "deprecated-changed"),
                    ] {
                        if a.get(key) != b.get(key) {
                            self.emit(
                                rule,
                                Direction::Request,
                                false,
                                false,
                                &location,
                                format!("{location}: {key} changed"),
                                Some(from.reach(&trail)),
                            );
                        }
                    }
                    self.unknown_keys(
                        a,
                        b,
                        &PARAMETER_KEYS,
                        &location,
                        &location,
                        Direction::Request,
                        Some(from.reach(&trail)),
                    );
                    if let (Some(sa), Some(sb)) = (a.get("schema"), b.get("schema")) {
                        let place = Place {
                            location: location.clone(),
                            trail: trail.clone(),
                        };
                        self.schema(sa, sb, &place, &from, !required(b), &mut Vec::new());
                    }
                }
                (None, None) => {}
            }
        }
    }
}
