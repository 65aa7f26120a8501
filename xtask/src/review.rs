//! `cargo xtask review`: what a change of `openapi/zapi.yaml` does to HTTP
//! clients written against the old spec (the *wire* verdict) and to Rust code
//! compiled against the old zapi-client (the *Rust* verdict), before it merges.
//!
//! The core, [`review`], compares two [`Snapshot`]s given as text (spec,
//! generated code, hand-written modules, crate version), so tests need no git;
//! [`run`] reads the old side with `git show REV:path` and the new side from
//! the working tree. Specs are compared as parsed values, so a reformatted
//! YAML file is no change.
//!
//! # Rules
//!
//! Each change has a stable rule id. `{dir}` is `request` or `response`: the
//! direction in which the schema is reached (a schema used both ways is
//! reported once per direction). Wire: breaks an HTTP client written against
//! the old spec. Rust: breaks code compiled against the old crate, following
//! what progenitor and typify generate.
//!
//! | rule | wire | Rust | why |
//! | --- | --- | --- | --- |
//! | `operation-added` | no | no | a new `Client` method and builder |
//! | `operation-removed` | yes | yes | |
//! | `operation-renamed` (same method and path, new operationId) | no | yes | the Rust method and builder are renamed |
//! | `operation-method-changed`, `operation-path-changed` | yes | no | same Rust method, other request |
//! | `request-parameter-required-added` | yes | no | builder style: a new setter; old calls fail in `send()`, at run time |
//! | `request-parameter-optional-added` | no | no | |
//! | `request-parameter-removed` | no | yes | the setter goes |
//! | `request-parameter-became-required` | yes | no | |
//! | `request-parameter-became-optional` | no | no | |
//! | `request-body-added`, `request-body-became-required` | yes | yes | |
//! | `request-body-removed` | no | yes | |
//! | `{dir}-media-type-removed` | yes | yes | |
//! | `{dir}-media-type-added` | no | no | |
//! | `response-success-status-removed` | yes | yes | the answer's type changes |
//! | `response-success-status-added`, `response-error-status-added`, `response-error-status-removed` | no | no | |
//! | `request-property-required-added` | yes | yes | a new pub field: struct literals stop compiling |
//! | `request-property-optional-added` | no | yes | a new pub field (`Option<T>`) |
//! | `request-property-removed` | no | yes | |
//! | `request-property-became-required` | yes | if the field type changes | `Option<T>` -> `T` |
//! | `request-property-became-optional` | no | if the field type changes | `T` -> `Option<T>` |
//! | `response-property-required-added` | no | yes | a new pub field |
//! | `response-property-optional-added` | no | yes | a new pub field of an exhaustive struct: struct literals (typed mocks, tests) stop compiling |
//! | `response-property-removed` | yes | yes | |
//! | `response-property-became-optional` | yes | if the field type changes | `T` -> `Option<T>` |
//! | `response-property-became-required` | no | if the field type changes | |
//! | `{dir}-type-changed` | yes | if the Rust type changes | |
//! | `{dir}-{max-length,min-length,pattern,format,nullable,minimum,maximum,max-items,min-items}-{tightened,loosened,changed}` | request: tightened or changed; response: loosened or changed | if the Rust type changes | e.g. `maxLength` on a plain string turns `String` into a validated newtype |
//! | `{dir}-enum-value-removed` | request | yes | a variant goes |
//! | `{dir}-enum-value-added` | response | yes | a new variant: exhaustive `match`es stop compiling; a strict client rejects the value |
//! | `{dir}-schema-renamed` | no | yes | the Rust type is renamed |
//! | `{dir}-default-changed` | if a default is removed or changed | if the field type changes | an optional property with a default is its plain type, without one an `Option` |
//! | `secret-marked`, `secret-unmarked` | no | no | `format: password` added or removed: only what `Debug`/`Display` print changes |
//! | `{dir}-schema-changed` | yes | yes | any other keyword: no rule knows it, so it counts as breaking |
//! | `security-requirement-changed` | if an old credential set no longer suffices | no | the hand-written hooks send the credentials |
//! | `server-url-changed` | yes | no | the default base URL is hand-written (`DEFAULT_BASE_URL`) |
//! | `description-changed`, `example-changed`, `deprecated-changed`, `api-version-changed` | no | no | reported, never breaking |
//! | `rust-item-added` | no | no | an item of the rendered public surface ([`crate::surface`]) |
//! | `rust-item-removed`, `rust-item-changed` | no | yes | in the generated code: only when no spec change above already breaks Rust users (then the item change is how that break shows); in the hand-written code: always |
//!
//! "Tightened" means fewer values are valid (a lower `maxLength`, a pattern
//! added, a `format` added, `nullable` dropped); "loosened" the reverse;
//! "changed" both at once (a different pattern). A request that is tightened
//! rejects what old clients send; a response that is loosened sends what old
//! clients reject (progenitor's generated types validate answers on decode).
//!
//! A change is *breaking* when its wire or Rust verdict is. The semver bump
//! follows: any break needs `0.(x+1).0` (`(x+1).0.0` from 1.0 on), any other
//! change a patch under 0.x (a minor from 1.0 on).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::surface;

/// The accepted-breaks file, relative to the workspace root.
pub const ACCEPTED_PATH: &str = "openapi/accepted-breaks.yaml";
/// The crate manifest whose version the review compares.
pub const MANIFEST_PATH: &str = "zapi-client/Cargo.toml";

/// One side of a review: the files, as text.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub spec: String,
    /// `zapi-client/src/generated.rs`; `None` skips the Rust item comparison.
    pub generated: Option<String>,
    /// `(path, source)` of the hand-written modules ([`surface::HAND_WRITTEN_PATHS`]);
    /// empty skips their comparison.
    pub hand_written: Vec<(String, String)>,
    /// zapi-client's version, e.g. `0.1.0`.
    pub version: Option<String>,
}

impl Snapshot {
    /// A side with only a spec: what most tests need.
    pub fn spec(text: impl Into<String>) -> Self {
        Self {
            spec: text.into(),
            ..Self::default()
        }
    }
}

/// Where a change is reached from: request or response schemas, the
/// operation itself, or the Rust items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Request,
    Response,
    Operation,
    Rust,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
            Self::Operation => "operation",
            Self::Rust => "rust",
        }
    }
}

/// An operation a change reaches, and the path from its request or response
/// to the changed place (`SetAccountEmailRequest.email`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reach {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub direction: Direction,
    pub trail: String,
}

/// One change and its verdicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub rule: String,
    pub direction: Direction,
    /// Breaks an HTTP client written against the old spec.
    pub wire: bool,
    /// Breaks Rust code compiled against the old crate.
    pub rust: bool,
    pub message: String,
    /// The changed place: a component and property path, an operation, a Rust item.
    pub location: String,
    pub reached: Vec<Reach>,
    /// The reason from the accepted-breaks file, when a reviewer accepted this break.
    pub accepted: Option<String>,
    /// Changed lines of a Rust item's rendering (`-` old, `+` new).
    pub detail: String,
}

impl Change {
    pub fn breaking(&self) -> bool {
        self.wire || self.rust
    }
}

/// An operation and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSummary {
    /// `added`, `removed` or `changed`.
    pub status: &'static str,
    pub operation_id: String,
    pub method: String,
    pub path: String,
}

/// An entry of the accepted-breaks file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub rule: String,
    /// An operationId, a Rust item key (`struct types::X`) or `*` for any.
    pub target: String,
    pub reason: String,
}

/// What the semver of zapi-client must become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semver {
    /// `none`, `patch`, `minor` or `breaking`.
    pub bump: &'static str,
    pub base_version: Option<String>,
    pub new_version: Option<String>,
    /// The least version the new side needs, from the base version.
    pub required_version: Option<String>,
    /// Whether the new side's version is at least `required_version`.
    pub satisfied: bool,
}

/// The outcome of [`review`].
#[derive(Debug, Clone)]
pub struct Review {
    pub operations: Vec<OperationSummary>,
    pub changes: Vec<Change>,
    pub semver: Semver,
    /// Things the reader should know: skipped comparisons, unused acceptances.
    pub notes: Vec<String>,
}

impl Review {
    /// True when any change breaks HTTP clients or Rust users, accepted or not.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(Change::breaking)
    }

    /// The breaking changes nobody accepted: what `--fail-on breaking` fails on.
    pub fn unaccepted_breaks(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.breaking() && c.accepted.is_none())
    }
}

/// Compares `old` with `new`. Errs, with one line, when a spec does not parse.
pub fn review(old: &Snapshot, new: &Snapshot, accepted: &[Accepted]) -> Result<Review, String> {
    let old_spec = parse_spec(&old.spec).map_err(|e| format!("old spec: {e}"))?;
    let new_spec = parse_spec(&new.spec).map_err(|e| format!("new spec: {e}"))?;
    let mut diff = SpecDiff {
        old: &old_spec,
        new: &new_spec,
        changes: BTreeMap::new(),
    };
    let operations = diff.operations();
    diff.global();
    let mut changes: Vec<Change> = diff.changes.into_values().collect();
    let mut notes = Vec::new();

    let spec_breaks_rust = changes.iter().any(|c| c.rust);
    match (&old.generated, &new.generated) {
        (Some(a), Some(b)) => {
            let old_items = surface::items(a).map_err(|e| format!("old generated code {e}"))?;
            let new_items = surface::items(b).map_err(|e| format!("new generated code {e}"))?;
            changes.extend(item_changes(
                &old_items,
                &new_items,
                "generated",
                !spec_breaks_rust,
            ));
        }
        (None, None) => {}
        _ => notes.push("generated code missing on one side: Rust items not compared".into()),
    }
    match (old.hand_written.is_empty(), new.hand_written.is_empty()) {
        (false, false) => {
            let pairs = |files: &[(String, String)]| -> Vec<(String, String)> { files.to_vec() };
            let borrow = |files: &[(String, String)]| -> Result<BTreeMap<String, String>, String> {
                let refs: Vec<(&str, &str)> = files
                    .iter()
                    .map(|(p, s)| (p.as_str(), s.as_str()))
                    .collect();
                surface::hand_written_items(&refs)
            };
            let old_items = borrow(&pairs(&old.hand_written)).map_err(|e| format!("old {e}"))?;
            let new_items = borrow(&pairs(&new.hand_written)).map_err(|e| format!("new {e}"))?;
            changes.extend(item_changes(&old_items, &new_items, "hand-written", true));
        }
        (true, true) => {}
        _ => notes.push("hand-written modules missing on one side: not compared".into()),
    }

    // Breaking first, then by rule and place: stable output for review.
    changes.sort_by(|a, b| {
        (!a.breaking(), a.direction, &a.rule, &a.location).cmp(&(
            !b.breaking(),
            b.direction,
            &b.rule,
            &b.location,
        ))
    });
    notes.extend(apply_accepted(&mut changes, accepted));
    let semver = semver(&changes, old.version.as_deref(), new.version.as_deref());
    Ok(Review {
        operations,
        changes,
        semver,
        notes,
    })
}

fn item_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    origin: &str,
    counts: bool,
) -> Vec<Change> {
    surface::diff(old, new)
        .into_iter()
        .map(|item| {
            let (rule, what, detail, breaks) = match &item {
                surface::ItemChange::Added { .. } => {
                    ("rust-item-added", "added", String::new(), false)
                }
                surface::ItemChange::Removed { .. } => {
                    ("rust-item-removed", "removed", String::new(), true)
                }
                surface::ItemChange::Changed { key, diff } => {
                    // A constant's value is no compile break; its type is.
                    let declaration = |map: &BTreeMap<String, String>| {
                        map.get(key)
                            .map(|r| r.split(" = ").next().unwrap_or("").to_owned())
                    };
                    let value_only =
                        key.starts_with("const ") && declaration(old) == declaration(new);
                    let what = if value_only {
                        "value changed"
                    } else {
                        "changed"
                    };
                    ("rust-item-changed", what, diff.clone(), !value_only)
                }
            };
            let why = if breaks && !counts {
                " (follows from the spec changes above)"
            } else {
                ""
            };
            Change {
                rule: rule.into(),
                direction: Direction::Rust,
                wire: false,
                rust: breaks && counts,
                message: format!("{origin} `{}` {what}{why}", item.key()),
                location: item.key().to_owned(),
                reached: Vec::new(),
                accepted: None,
                detail,
            }
        })
        .collect()
}

/// Marks the changes the entries accept; returns a note per entry that
/// matched nothing, so the file does not collect stale acceptances unseen.
/// A change reaching several operations is accepted only when each is.
fn apply_accepted(changes: &mut [Change], accepted: &[Accepted]) -> Vec<String> {
    let mut used = vec![false; accepted.len()];
    for change in changes.iter_mut().filter(|c| c.breaking()) {
        let targets: Vec<&str> = if change.reached.is_empty() {
            vec![change.location.as_str()]
        } else {
            change
                .reached
                .iter()
                .map(|r| r.operation_id.as_str())
                .collect()
        };
        let mut reasons = Vec::new();
        let mut matched = Vec::new();
        for target in &targets {
            let entry = accepted
                .iter()
                .enumerate()
                .find(|(_, a)| a.rule == change.rule && (a.target == *target || a.target == "*"));
            match entry {
                Some((i, a)) => {
                    matched.push(i);
                    if !reasons.contains(&a.reason) {
                        reasons.push(a.reason.clone());
                    }
                }
                None => break,
            }
        }
        if matched.len() == targets.len() {
            change.accepted = Some(reasons.join("; "));
            for i in matched {
                used[i] = true;
            }
        }
    }
    accepted
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(a, _)| {
            format!(
                "{ACCEPTED_PATH}: `{}` for `{}` matches no breaking change here",
                a.rule, a.target
            )
        })
        .collect()
}

fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split(['.', '-', '+']).map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

fn semver(changes: &[Change], base: Option<&str>, new: Option<&str>) -> Semver {
    let breaking = changes.iter().any(Change::breaking);
    let base_parsed = base.and_then(parse_version);
    let bump = match (breaking, changes.is_empty(), base_parsed) {
        (true, _, _) => "breaking",
        (false, true, _) => "none",
        (false, false, Some((major, _, _))) if major >= 1 => "minor",
        (false, false, _) => "patch",
    };
    let required = base_parsed.map(|(major, minor, patch)| match (bump, major) {
        ("breaking", 0) => (0, minor + 1, 0),
        ("breaking", _) => (major + 1, 0, 0),
        ("minor", _) => (major, minor + 1, 0),
        ("patch", _) => (major, minor, patch + 1),
        _ => (major, minor, patch),
    });
    let satisfied = match (required, new.and_then(parse_version)) {
        (Some(required), Some(new)) => new >= required,
        _ => bump == "none",
    };
    Semver {
        bump,
        base_version: base.map(str::to_owned),
        new_version: new.map(str::to_owned),
        required_version: required.map(|(a, b, c)| format!("{a}.{b}.{c}")),
        satisfied,
    }
}

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

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn yaml_to_json(yaml: serde_norway::Value) -> Value {
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

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation of one spec.
#[derive(Debug, Clone)]
struct Operation<'a> {
    id: String,
    method: String,
    path: String,
    value: &'a Value,
    path_item: &'a Value,
}

fn operations_of(spec: &Value) -> Vec<Operation<'_>> {
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
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> (&'a Value, Option<String>) {
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

const DOC_KEYS: [&str; 5] = ["description", "title", "summary", "example", "examples"];

/// Schema keywords the walk knows; any other that differs is `{dir}-schema-changed`.
const HANDLED_SCHEMA_KEYS: [&str; 28] = [
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
    "$ref",
];

/// Where the walk is: the canonical place (for reporting a change once) and
/// the path from the operation's request or response to it.
#[derive(Debug, Clone)]
struct Place {
    location: String,
    trail: String,
}

impl Place {
    fn child(&self, segment: &str) -> Place {
        let join = |base: &str| {
            if segment.starts_with('[') {
                format!("{base}{segment}")
            } else {
                format!("{base}.{segment}")
            }
        };
        Place {
            location: join(&self.location),
            trail: join(if self.trail.is_empty() {
                "body"
            } else {
                &self.trail
            }),
        }
    }
}

/// The operation a walk starts from.
#[derive(Debug, Clone)]
struct From {
    operation_id: String,
    method: String,
    path: String,
    direction: Direction,
}

impl From {
    fn reach(&self, trail: &str) -> Reach {
        Reach {
            operation_id: self.operation_id.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            direction: self.direction,
            trail: trail.to_owned(),
        }
    }
}

struct SpecDiff<'a> {
    old: &'a Value,
    new: &'a Value,
    /// By (rule, direction, location, message): one entry per change,
    /// however many operations reach it.
    changes: BTreeMap<(String, Direction, String, String), Change>,
}

impl<'a> SpecDiff<'a> {
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        rule: impl Into<String>,
        direction: Direction,
        wire: bool,
        rust: bool,
        location: &str,
        message: String,
        reach: Option<Reach>,
    ) {
        let rule = rule.into();
        let key = (
            rule.clone(),
            direction,
            location.to_owned(),
            message.clone(),
        );
        let change = self.changes.entry(key).or_insert_with(|| Change {
            rule,
            direction,
            wire,
            rust,
            message,
            location: location.to_owned(),
            reached: Vec::new(),
            accepted: None,
            detail: String::new(),
        });
        if let Some(reach) = reach
            && !change.reached.contains(&reach)
        {
            change.reached.push(reach);
            change.reached.sort();
        }
    }

    fn operations(&mut self) -> Vec<OperationSummary> {
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

    fn from(&self, op: &Operation, direction: Direction) -> From {
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
        for key in DOC_KEYS.iter().chain(&["tags", "externalDocs"]) {
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

    fn parameters(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
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
                    if a.get("description") != b.get("description") {
                        self.emit(
                            "description-changed",
                            Direction::Request,
                            false,
                            false,
                            &location,
                            format!("{location}: description changed"),
                            Some(from.reach(&trail)),
                        );
                    }
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

    fn request_body(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
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
                    true,
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
                if !required(a) && required(b) {
                    self.emit(
                        "request-body-became-required",
                        Direction::Request,
                        true,
                        true,
                        &location,
                        format!("`{}`: request body became required", n.id),
                        reach.clone(),
                    );
                }
                if a.get("description") != b.get("description") {
                    self.emit(
                        "description-changed",
                        Direction::Request,
                        false,
                        false,
                        &location,
                        format!("{location}: description changed"),
                        reach,
                    );
                }
                self.content(a, b, &location, &from);
            }
            (None, None) => {}
        }
    }

    /// Media types of a request body or a response, and their schemas.
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
        let direction = from.direction.as_str();
        for (media, old_media) in old_content {
            let Some(new_media) = new_content.get(media) else {
                self.emit(
                    format!("{direction}-media-type-removed"),
                    from.direction,
                    true,
                    true,
                    location,
                    format!("{location}: media type {media} removed"),
                    Some(from.reach("")),
                );
                continue;
            };
            if old_media.get("example") != new_media.get("example")
                || old_media.get("examples") != new_media.get("examples")
            {
                self.emit(
                    "example-changed",
                    from.direction,
                    false,
                    false,
                    location,
                    format!("{location}: {media} example changed"),
                    Some(from.reach("")),
                );
            }
            if let (Some(a), Some(b)) = (old_media.get("schema"), new_media.get("schema")) {
                let place = Place {
                    location: location.to_owned(),
                    trail: String::new(),
                };
                self.schema(a, b, &place, from, false, &mut Vec::new());
            }
        }
        for media in new_content.keys().filter(|m| !old_content.contains_key(*m)) {
            self.emit(
                format!("{direction}-media-type-added"),
                from.direction,
                false,
                false,
                location,
                format!("{location}: media type {media} added"),
                Some(from.reach("")),
            );
        }
    }

    fn responses(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
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
        for (status, old_response) in old {
            let location = format!("{} response {status}", n.id);
            let Some(new_response) = new.get(status) else {
                let (rule, breaks) = if success(status) {
                    ("response-success-status-removed", true)
                } else {
                    ("response-error-status-removed", false)
                };
                self.emit(
                    rule,
                    Direction::Response,
                    breaks,
                    breaks,
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
            self.content(a, b, &location, &from);
        }
        for status in new.keys().filter(|s| !old.contains_key(*s)) {
            let rule = if success(status) {
                "response-success-status-added"
            } else {
                "response-error-status-added"
            };
            let location = format!("{} response {status}", n.id);
            self.emit(
                rule,
                Direction::Response,
                false,
                false,
                &location,
                format!("`{}`: response {status} added", n.id),
                Some(from.reach("")),
            );
        }
    }

    /// Compares two schemas reached the same way. `optional_field` is whether
    /// the schema is that of an optional property (already an `Option` in Rust).
    fn schema(
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

        if let (Some(a), Some(b)) = (&old_name, &new_name)
            && a != b
        {
            self.emit(
                format!("{d}-schema-renamed"),
                dir,
                false,
                true,
                &loc,
                format!("schema `{a}` is now `{b}`"),
                reach.clone(),
            );
        }
        for key in DOC_KEYS.iter().chain(&["externalDocs"]) {
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
            // The value and the wire stay the same; only what Debug and
            // Display print changes.
            self.emit(
                if secret(n) {
                    "secret-marked"
                } else {
                    "secret-unmarked"
                },
                dir,
                false,
                false,
                &loc,
                format!(
                    "`{loc}`: {} a secret (format: password)",
                    if secret(n) { "now" } else { "no longer" }
                ),
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
                _ => "loosened",
            };
            let rule = match constraint.keyword {
                "enum" if constraint.tightened => format!("{d}-enum-value-removed"),
                "enum" => format!("{d}-enum-value-added"),
                keyword => format!("{d}-{keyword}-{how}"),
            };
            // A new or removed enum value is a variant: every edit of the set breaks Rust.
            let rust = shape_changed || constraint.keyword == "enum";
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
        self.properties(o, n, &place, from, stack);
        if let (Some(a), Some(b)) = (o.get("items"), n.get("items")) {
            self.schema(a, b, &place.child("[]"), from, false, stack);
        }
        if let (Some(a), Some(b)) = (o.get("additionalProperties"), n.get("additionalProperties"))
            && a.is_object()
            && b.is_object()
        {
            self.schema(a, b, &place.child("*"), from, false, stack);
        } else if o.get("additionalProperties") != n.get("additionalProperties") {
            self.emit(
                format!("{d}-schema-changed"),
                dir,
                true,
                true,
                &loc,
                format!("`{loc}`: additionalProperties changed"),
                reach.clone(),
            );
        }
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
                    format!("`{loc}`: {key} changed"),
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
                    format!("`{loc}`: {key} changed (no rule for it: counted as breaking)"),
                    reach.clone(),
                );
            }
        }
        stack.pop();
    }

    fn properties(
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

    /// Servers and the document's info: they reach every operation.
    fn global(&mut self) {
        let all: Vec<Reach> = operations_of(self.new)
            .iter()
            .map(|op| self.from(op, Direction::Request).reach(""))
            .collect();
        let servers = |spec: &Value| -> Vec<Value> {
            spec.get("servers")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|s| json!({"url": s.get("url"), "variables": variable_defaults(s)}))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_servers, new_servers) = (servers(self.old), servers(self.new));
        if old_servers != new_servers {
            let urls = |list: &[Value]| {
                list.iter()
                    .map(|s| s["url"].as_str().unwrap_or("?").to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let message = format!("servers: {} -> {}", urls(&old_servers), urls(&new_servers));
            for reach in all.clone() {
                self.emit(
                    "server-url-changed",
                    Direction::Request,
                    true,
                    false,
                    "servers",
                    message.clone(),
                    Some(reach),
                );
            }
            if all.is_empty() {
                self.emit(
                    "server-url-changed",
                    Direction::Request,
                    true,
                    false,
                    "servers",
                    message,
                    None,
                );
            }
        }
        let info = |spec: &'a Value, key: &str| spec.get("info").and_then(|i| i.get(key)).cloned();
        for key in ["title", "description"] {
            if info(self.old, key) != info(self.new, key) {
                self.emit(
                    "description-changed",
                    Direction::Operation,
                    false,
                    false,
                    "info",
                    format!("info: {key} changed"),
                    None,
                );
            }
        }
        if info(self.old, "version") != info(self.new, "version") {
            self.emit(
                "api-version-changed",
                Direction::Operation,
                false,
                false,
                "info",
                format!(
                    "info.version: {} -> {}",
                    show(info(self.old, "version").as_ref()),
                    show(info(self.new, "version").as_ref())
                ),
                None,
            );
        }
        if self.old.get("tags") != self.new.get("tags") {
            self.emit(
                "description-changed",
                Direction::Operation,
                false,
                false,
                "tags",
                "tags changed".into(),
                None,
            );
        }
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

fn variable_defaults(server: &Value) -> Value {
    let defaults: serde_json::Map<String, Value> = server
        .get("variables")
        .and_then(Value::as_object)
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        json!({"default": v.get("default"), "enum": v.get("enum")}),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Object(defaults)
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The Rust type typify gives a (resolved) schema, one level deep: enough to
/// say whether an edit changes it. Named types are compared by name elsewhere.
fn rust_shape(schema: &Value, optional_field: bool) -> String {
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
fn field_shape(spec: &Value, schema: &Value, required: bool) -> String {
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

struct Constraint {
    keyword: &'static str,
    tightened: bool,
    loosened: bool,
    message: String,
}

/// The validation keywords that differ, each with whether fewer values
/// (tightened) or more values (loosened) are valid now.
/// No format, or `password` (the OpenAPI mark of a secret, which validates nothing).
fn is_secret_mark(format: Option<&Value>) -> bool {
    format.is_none_or(|f| f == "password")
}

fn constraints(o: &Value, n: &Value) -> Vec<Constraint> {
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

/// Reads the accepted-breaks file: a YAML list under `accepted:` of
/// `{rule, operation | item, reason}`. A missing reason is an error: the
/// reason is what the next reviewer reads.
pub fn parse_accepted(text: &str) -> Result<Vec<Accepted>, String> {
    let value = yaml_to_json(
        serde_norway::from_str(text).map_err(|e| one_line(&format!("invalid YAML: {e}")))?,
    );
    let entries = match value.get("accepted") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(entries)) => entries.clone(),
        Some(_) => return Err("`accepted` must be a list".into()),
    };
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_owned);
            let missing = |k: &str| format!("entry {}: `{k}` missing", i + 1);
            Ok(Accepted {
                rule: field("rule").ok_or_else(|| missing("rule"))?,
                target: field("operation")
                    .or_else(|| field("item"))
                    .ok_or_else(|| missing("operation"))?,
                reason: field("reason")
                    .filter(|r| !r.trim().is_empty())
                    .ok_or_else(|| missing("reason"))?,
            })
        })
        .collect()
}

/// The JSON report: `breaking`, `semver`, `operations`, `changes`, `notes`.
pub fn to_json(review: &Review, base: &str) -> Value {
    let changes: Vec<Value> = review
        .changes
        .iter()
        .map(|c| {
            json!({
                "rule": c.rule,
                "direction": c.direction.as_str(),
                "breaking": c.breaking(),
                "wire_breaking": c.wire,
                "rust_breaking": c.rust,
                "accepted": c.accepted.is_some(),
                "accepted_reason": c.accepted,
                "message": c.message,
                "location": c.location,
                "operations": c.reached.iter().map(|r| json!({
                    "operationId": r.operation_id,
                    "method": r.method,
                    "path": r.path,
                    "direction": r.direction.as_str(),
                    "trail": r.trail,
                })).collect::<Vec<_>>(),
                "detail": c.detail,
            })
        })
        .collect();
    json!({
        "base": base,
        "breaking": review.breaking(),
        "unaccepted_breaking": review.unaccepted_breaks().count() > 0,
        "semver": {
            "bump": review.semver.bump,
            "base_version": review.semver.base_version,
            "new_version": review.semver.new_version,
            "required_version": review.semver.required_version,
            "satisfied": review.semver.satisfied,
        },
        "operations": review.operations.iter().map(|o| json!({
            "status": o.status,
            "operationId": o.operation_id,
            "method": o.method,
            "path": o.path,
        })).collect::<Vec<_>>(),
        "changes": changes,
        "notes": review.notes,
    })
}

/// The Markdown report, ready to paste in a pull request: verdict, semver,
/// operations, breaking changes, other changes, Rust items.
pub fn to_markdown(review: &Review, base: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## API review: `openapi/zapi.yaml` since `{base}`\n");
    let spec_changes: Vec<&Change> = review
        .changes
        .iter()
        .filter(|c| c.direction != Direction::Rust)
        .collect();
    let breaking = review.changes.iter().filter(|c| c.breaking()).count();
    let accepted = review
        .changes
        .iter()
        .filter(|c| c.breaking() && c.accepted.is_some())
        .count();
    let wire = review.changes.iter().filter(|c| c.wire).count();
    let rust = review.changes.iter().filter(|c| c.rust).count();
    if review.changes.is_empty() {
        let _ = writeln!(out, "**No API change.**");
    } else if breaking > 0 {
        let _ = writeln!(
            out,
            "**Breaking**: {breaking} breaking change(s) ({wire} for HTTP clients, {rust} for Rust users; {accepted} accepted), {} other.",
            review.changes.len() - breaking
        );
    } else {
        let _ = writeln!(
            out,
            "**Not breaking**: {} change(s), none breaks HTTP clients or Rust users.",
            review.changes.len()
        );
    }
    let s = &review.semver;
    let version = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
    let needs = match s.bump {
        "breaking" => "a breaking release",
        "minor" => "a minor release",
        "patch" => "a patch release",
        _ => "no release",
    };
    let _ = write!(
        out,
        "\nSemver: this needs {needs}; zapi-client is {} at the base and {} now",
        version(&s.base_version),
        version(&s.new_version)
    );
    match (&s.required_version, s.satisfied) {
        (Some(required), false) => {
            let _ = writeln!(out, ": **needs {required}** (`{MANIFEST_PATH}`).");
        }
        (Some(required), true) if s.bump != "none" => {
            let _ = writeln!(out, ": needs {required}, which it has.");
        }
        _ => {
            let _ = writeln!(out, ".");
        }
    }

    if !review.operations.is_empty() {
        let _ = writeln!(
            out,
            "\n### Operations\n\n| | operation | method | path |\n| --- | --- | --- | --- |"
        );
        for o in &review.operations {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | `{}` |",
                o.status, o.operation_id, o.method, o.path
            );
        }
    }
    let section = |out: &mut String, title: &str, changes: &[&&Change]| {
        if changes.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for c in changes {
            let verdict = |breaks: bool| if breaks { "**breaks**" } else { "ok" };
            let _ = write!(
                out,
                "- `{}` ({}): {} — wire {}, Rust {}",
                c.rule,
                c.direction.as_str(),
                c.message,
                verdict(c.wire),
                verdict(c.rust)
            );
            if let Some(reason) = &c.accepted {
                let _ = write!(out, " — **accepted**: {reason}");
            }
            out.push('\n');
            for r in &c.reached {
                let trail = if r.trail.is_empty() {
                    String::new()
                } else {
                    format!(" └─ {}", r.trail)
                };
                let _ = writeln!(
                    out,
                    "  - used by `{}` ({} {}, {}){trail}",
                    r.operation_id,
                    r.method,
                    r.path,
                    r.direction.as_str()
                );
            }
        }
    };
    let (breaks, others): (Vec<&&Change>, Vec<&&Change>) =
        spec_changes.iter().partition(|c| c.breaking());
    section(&mut out, "Breaking changes", &breaks);
    section(&mut out, "Other changes", &others);

    let items: Vec<&Change> = review
        .changes
        .iter()
        .filter(|c| c.direction == Direction::Rust)
        .collect();
    if !items.is_empty() {
        let _ = writeln!(out, "\n### Rust items (rendered public surface)\n");
        for c in items {
            let verdict = if c.rust { " — Rust **breaks**" } else { "" };
            let accepted = c
                .accepted
                .as_ref()
                .map(|r| format!(" — **accepted**: {r}"))
                .unwrap_or_default();
            let _ = writeln!(out, "- `{}`: {}{verdict}{accepted}", c.rule, c.message);
            if !c.detail.is_empty() {
                let _ = writeln!(out, "\n  ```diff");
                for line in c.detail.lines() {
                    let _ = writeln!(out, "  {line}");
                }
                let _ = writeln!(out, "  ```\n");
            }
        }
    }
    if !review.notes.is_empty() {
        let _ = writeln!(out, "\n### Notes\n");
        for note in &review.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}

/// Report formats of `cargo xtask review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
}

/// What `cargo xtask review` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// A git revision; `None` for [`default_base`].
    pub base: Option<String>,
    pub format: Format,
    /// `--fail-on breaking`.
    pub fail_on_breaking: bool,
}

/// What `cargo xtask review` prints, and whether its gate failed.
#[derive(Debug)]
pub struct Outcome {
    pub report: String,
    pub review: Review,
    /// The base revision, as given or chosen.
    pub base: String,
    /// `--fail-on breaking` and an unaccepted break: the command exits 1.
    pub gate_failed: bool,
}

/// The default base: where the branch left `main` (`git merge-base HEAD
/// origin/main`, else `main`), so the review covers the whole branch plus
/// uncommitted edits; on `main` itself that is `HEAD`, the uncommitted edits.
/// Without a `main`, `HEAD`.
pub fn default_base(root: &Path) -> String {
    for candidate in ["origin/main", "main"] {
        if let Ok(base) = git(root, &["merge-base", "HEAD", candidate]) {
            return base.trim().to_owned();
        }
    }
    "HEAD".to_owned()
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|_| "git printed non-UTF-8".into())
    } else {
        Err(one_line(&String::from_utf8_lossy(&output.stderr)))
    }
}

fn crate_version(manifest: &str) -> Option<String> {
    // The first `version = "..."` of [package]: enough for our own manifest.
    let package = manifest.split("[package]").nth(1)?;
    let package = package.split("\n[").next()?;
    package.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix("version")?
            .trim()
            .strip_prefix('=')?;
        Some(rest.trim().trim_matches('"').to_owned())
    })
}

/// `cargo xtask review` in the workspace at `root`: the old side from git at
/// the base, the new side from the working tree. Errs, with one line, when it
/// cannot run (unknown revision, unreadable spec, bad accepted-breaks file).
pub fn run(root: &Path, options: &Options) -> Result<Outcome, String> {
    let base = options.base.clone().unwrap_or_else(|| default_base(root));
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision `{base}`"))?;
    let commit = commit.trim();
    let old_file = |path: &str| git(root, &["show", &format!("{commit}:./{path}")]).ok();
    let new_file = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let spec_path = crate::codegen::SPEC_PATH;
    let old_spec = old_file(spec_path).ok_or_else(|| format!("{spec_path} is not in `{base}`"))?;
    let new_spec = new_file(spec_path).ok_or_else(|| format!("cannot read {spec_path}"))?;
    let side = |read: &dyn Fn(&str) -> Option<String>, spec: String| {
        let hand_written: Option<Vec<(String, String)>> = surface::HAND_WRITTEN_PATHS
            .iter()
            .map(|p| read(p).map(|s| (p.to_string(), s)))
            .collect();
        Snapshot {
            spec,
            generated: read(crate::codegen::OUTPUT_PATH),
            hand_written: hand_written.unwrap_or_default(),
            version: read(MANIFEST_PATH).as_deref().and_then(crate_version),
        }
    };
    let old = side(&old_file, old_spec);
    let new = side(&new_file, new_spec);
    let accepted = match new_file(ACCEPTED_PATH) {
        Some(text) => parse_accepted(&text).map_err(|e| format!("{ACCEPTED_PATH}: {e}"))?,
        None => Vec::new(),
    };
    let review = review(&old, &new, &accepted)?;
    let report = match options.format {
        Format::Markdown => to_markdown(&review, &base),
        Format::Json => {
            serde_json::to_string_pretty(&to_json(&review, &base)).expect("JSON values print")
                + "\n"
        }
    };
    let gate_failed = options.fail_on_breaking && review.unaccepted_breaks().next().is_some();
    Ok(Outcome {
        report,
        review,
        base,
        gate_failed,
    })
}
