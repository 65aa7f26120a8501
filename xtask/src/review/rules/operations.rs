//! Operations: added, removed, renamed, moved; what each operation's own
//! keywords say; its security requirement.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::review::model::{Direction, OperationSummary};
use crate::review::spec::{Operation, operations_of, resolve, show};
use crate::review::walk::{From, SpecDiff};

/// The operation keywords the walk reads; any other that differs is `keyword-changed`.
const OPERATION_KEYS: [&str; 11] = [
    "operationId",
    "summary",
    "description",
    "tags",
    "externalDocs",
    "deprecated",
    "security",
    "parameters",
    "requestBody",
    "responses",
    "servers",
];

impl<'a> SpecDiff<'a> {
    pub fn operations(&mut self) -> Vec<OperationSummary> {
        let old_ops = operations_of(self.old);
        let new_ops = operations_of(self.new);
        let mut pairs: Vec<(Operation<'a>, Operation<'a>)> = Vec::new();
        let mut old_left: Vec<Operation<'a>> = Vec::new();
        let mut new_left: Vec<Operation<'a>> = new_ops.clone();
        // By operationId first (catches a moved path), then by method and
        // path (catches a renamed operation).
        for o in old_ops {
            if let Some(i) = new_left.iter().position(|n| n.id == o.id) {
                pairs.push((o, new_left.remove(i)));
            } else {
                old_left.push(o);
            }
        }
        old_left.retain(|o| {
            match new_left
                .iter()
                .position(|n| n.method == o.method && n.path == o.path)
            {
                Some(i) => {
                    pairs.push((o.clone(), new_left.remove(i)));
                    false
                }
                None => true,
            }
        });

        let mut summaries = Vec::new();
        let summary = |status, op: &Operation| OperationSummary {
            status,
            operation_id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
        };
        // A removed operation breaks everyone who calls it; an added one nobody.
        let gone_and_new = old_left
            .iter()
            .map(|op| (op, "removed", true))
            .chain(new_left.iter().map(|op| (op, "added", false)));
        for (op, what, breaking) in gone_and_new {
            let from = self.from(op, Direction::Operation);
            self.emit(
                format!("operation-{what}"),
                Direction::Operation,
                breaking,
                breaking,
                &op.id,
                format!("operation `{}` ({} {}) {what}", op.id, op.method, op.path),
                Some(from.reach("")),
            );
            summaries.push(summary(what, op));
        }
        for (o, n) in &pairs {
            let before = self.changes.len();
            let reached_before = self.reach_count(&n.id);
            self.operation(o, n);
            if self.changes.len() != before || self.reach_count(&n.id) != reached_before {
                summaries.push(summary("changed", n));
            }
        }
        summaries.sort_by(|a, b| (a.status, &a.operation_id).cmp(&(b.status, &b.operation_id)));
        summaries
    }

    fn reach_count(&self, operation_id: &str) -> usize {
        self.changes
            .values()
            .flat_map(|c| &c.reached)
            .filter(|r| r.operation_id == operation_id)
            .count()
    }

    pub fn from(&self, op: &Operation, direction: Direction) -> From {
        From {
            operation_id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            direction,
        }
    }

    fn operation(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
        let op = self.from(n, Direction::Operation);
        let here = Some(op.reach(""));
        if o.id != n.id {
            self.emit(
                "operation-renamed",
                Direction::Operation,
                false,
                true,
                &n.id,
                format!("operation `{}` renamed to `{}`", o.id, n.id),
                here.clone(),
            );
        }
        if o.method != n.method {
            self.emit(
                "operation-method-changed",
                Direction::Operation,
                true,
                false,
                &n.id,
                format!("`{}`: method {} -> {}", n.id, o.method, n.method),
                here.clone(),
            );
        }
        if o.path != n.path {
            self.emit(
                "operation-path-changed",
                Direction::Operation,
                true,
                false,
                &n.id,
                format!("`{}`: path {} -> {}", n.id, o.path, n.path),
                here.clone(),
            );
        }
        for key in ["summary", "description", "externalDocs"] {
            if o.value.get(key) != n.value.get(key) {
                self.emit(
                    "description-changed",
                    Direction::Operation,
                    false,
                    false,
                    &n.id,
                    format!("`{}`: {key} changed", n.id),
                    here.clone(),
                );
            }
        }
        if o.value.get("tags") != n.value.get("tags") {
            self.emit(
                "tags-changed",
                Direction::Operation,
                false,
                false,
                &n.id,
                format!(
                    "`{}`: tags {} -> {}",
                    n.id,
                    show(o.value.get("tags")),
                    show(n.value.get("tags"))
                ),
                here.clone(),
            );
        }
        if o.value.get("deprecated") != n.value.get("deprecated") {
            self.emit(
                "deprecated-changed",
                Direction::Operation,
                false,
                false,
                &n.id,
                format!(
                    "`{}`: deprecated is now {}",
                    n.id,
                    n.value.get("deprecated").unwrap_or(&Value::Bool(false))
                ),
                here.clone(),
            );
        }
        if o.value.get("servers") != n.value.get("servers") {
            self.servers(o.value, n.value, &format!("`{}`", n.id), vec![op.reach("")]);
        }
        self.unknown_keys(
            o.value,
            n.value,
            &OPERATION_KEYS,
            &format!("`{}`", n.id),
            &n.id,
            Direction::Operation,
            here,
        );
        let mut path_keys: Vec<&str> = crate::review::spec::METHODS.to_vec();
        path_keys.extend(["parameters", "summary", "description", "$ref", "servers"]);
        self.unknown_keys(
            o.path_item,
            n.path_item,
            &path_keys,
            &format!("path `{}`", n.path),
            &n.id,
            Direction::Operation,
            Some(op.reach("")),
        );
        self.extensions(o, n);
        self.security(o, n);
        self.parameters(o, n);
        self.request_body(o, n);
        self.responses(o, n);
    }
    /// The operation's credential alternatives, each a set of scheme
    /// definitions (so renaming a scheme is no change, moving its header is).
    fn security_of(spec: &Value, op: &Value) -> BTreeSet<BTreeSet<String>> {
        let requirements = op
            .get("security")
            .or_else(|| spec.get("security"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        requirements
            .iter()
            .filter_map(Value::as_object)
            .map(|alternative| {
                alternative
                    .iter()
                    .map(|(name, scopes)| {
                        let scheme = spec
                            .pointer(&format!("/components/securitySchemes/{name}"))
                            .map(|s| describe_scheme(resolve(spec, s).0))
                            .unwrap_or_else(|| name.clone());
                        match scopes.as_array().filter(|s| !s.is_empty()) {
                            Some(scopes) => format!("{scheme} {}", Value::Array(scopes.clone())),
                            None => scheme,
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn security(&mut self, o: &Operation, n: &Operation) {
        let old = Self::security_of(self.old, o.value);
        let new = Self::security_of(self.new, n.value);
        if old == new {
            return;
        }
        // Breaks when a credential set that satisfied some old alternative
        // satisfies no new one. No security at all is satisfied by anything.
        let satisfied = |have: &BTreeSet<String>| {
            new.is_empty() || new.iter().any(|alternative| alternative.is_subset(have))
        };
        let wire = if old.is_empty() {
            true
        } else {
            !old.iter().all(satisfied)
        };
        let describe = |set: &BTreeSet<BTreeSet<String>>| {
            let names: Vec<String> = set
                .iter()
                .map(|alt| match alt.is_empty() {
                    true => "no credential".to_owned(),
                    false => alt.iter().cloned().collect::<Vec<_>>().join(" + "),
                })
                .collect();
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(" | ")
            }
        };
        let from = self.from(n, Direction::Request);
        self.emit(
            "security-requirement-changed",
            Direction::Request,
            wire,
            false,
            "security",
            format!("security {} -> {}", describe(&old), describe(&new)),
            Some(from.reach("")),
        );
    }
}

/// `apiKey in header Client-Token`: what a client must send, without the
/// scheme's name or description (renaming either changes nothing on the wire).
fn describe_scheme(scheme: &Value) -> String {
    let mut scheme = scheme.clone();
    if let Some(map) = scheme.as_object_mut() {
        map.remove("description");
    }
    let field = |k: &str| scheme.get(k).and_then(Value::as_str);
    match (field("type"), field("in"), field("name"), field("scheme")) {
        (Some("apiKey"), Some(place), Some(name), _) => format!("apiKey in {place} {name}"),
        (Some("http"), _, _, Some(kind)) => format!("http {kind}"),
        _ => scheme.to_string(),
    }
}
