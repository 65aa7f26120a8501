//! Properties of object schemas: added, removed, required or not, defaults.

use std::collections::BTreeSet;

use serde_json::Value;

use super::constraints::field_shape;
use crate::review::model::Direction;
use crate::review::spec::resolve;
use crate::review::walk::{From, Place, SpecDiff};

impl<'a> SpecDiff<'a> {
    pub fn properties(
        &mut self,
        o: &Value,
        n: &Value,
        place: &Place,
        from: &From,
        stack: &mut Vec<(Option<String>, Option<String>)>,
    ) {
        let empty = serde_json::Map::new();
        let old_props = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = n
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required = |schema: &Value| -> BTreeSet<String> {
            schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_required, new_required) = (required(o), required(n));
        let dir = from.direction;
        let d = dir.as_str();
        let request = dir == Direction::Request;
        let names: BTreeSet<&String> = old_props.keys().chain(new_props.keys()).collect();
        for name in names {
            let child = place.child(name);
            let reach = Some(from.reach(&child.trail));
            let loc = child.location.clone();
            match (old_props.get(name), new_props.get(name)) {
                (None, Some(_)) => {
                    let is_required = new_required.contains(name);
                    let (rule, what) = if is_required {
                        (format!("{d}-property-required-added"), "required")
                    } else {
                        (format!("{d}-property-optional-added"), "optional")
                    };
                    self.emit(
                        rule,
                        dir,
                        request && is_required,
                        true,
                        &loc,
                        format!("property `{loc}` added ({what})"),
                        reach,
                    );
                }
                (Some(_), None) => {
                    self.emit(
                        format!("{d}-property-removed"),
                        dir,
                        !request,
                        true,
                        &loc,
                        format!("property `{loc}` removed"),
                        reach,
                    );
                }
                (Some(a), Some(b)) => {
                    let (was, is) = (old_required.contains(name), new_required.contains(name));
                    let rust = field_shape(self.old, a, was) != field_shape(self.new, b, is);
                    if !was && is {
                        self.emit(
                            format!("{d}-property-became-required"),
                            dir,
                            request,
                            rust,
                            &loc,
                            format!("property `{loc}` became required"),
                            reach.clone(),
                        );
                    } else if was && !is {
                        self.emit(
                            format!("{d}-property-became-optional"),
                            dir,
                            !request,
                            rust,
                            &loc,
                            format!("property `{loc}` became optional"),
                            reach.clone(),
                        );
                    }
                    let (da, db) = (
                        resolve(self.old, a).0.get("default"),
                        resolve(self.new, b).0.get("default"),
                    );
                    if da != db {
                        let show =
                            |v: Option<&Value>| v.map_or("(none)".to_owned(), Value::to_string);
                        // Added: only says how an absent value reads. Removed
                        // or changed: an absent value now means something
                        // else. The Rust type (typify: an optional property
                        // with a default is plain, without one an Option) is
                        // what `field_shape` says.
                        self.emit(
                            format!("{d}-default-changed"),
                            dir,
                            da.is_some(),
                            was == is && rust,
                            &loc,
                            format!("`{loc}`: default {} -> {}", show(da), show(db)),
                            reach.clone(),
                        );
                    }
                    self.schema(a, b, &child, from, !is, stack);
                }
                (None, None) => {}
            }
        }
    }
}
