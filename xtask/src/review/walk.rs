//! The walk over two specs: where it is ([`Place`], [`From`]), how a change
//! is recorded once however many operations reach it ([`SpecDiff::emit`]),
//! and the order of the walk. The rules are `impl SpecDiff` blocks in
//! `rules/`, one file per family.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{Change, Direction, Reach, RustBreak};
use super::registry;
use super::spec::show;

/// Where the walk is: the canonical place (for reporting a change once) and
/// the path from the operation's request or response to it.
#[derive(Debug, Clone)]
pub struct Place {
    pub location: String,
    pub trail: String,
}

impl Place {
    pub fn child(&self, segment: &str) -> Place {
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
pub struct From {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub direction: Direction,
}

impl From {
    pub fn reach(&self, trail: &str) -> Reach {
        Reach {
            operation_id: self.operation_id.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            direction: self.direction,
            trail: trail.to_owned(),
        }
    }
}

/// The three verdicts of one change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verdicts {
    pub wire: bool,
    pub rust: Option<RustBreak>,
    pub behaviour: bool,
}

impl Verdicts {
    /// Wire and compile verdicts, no behaviour change.
    pub fn of(wire: bool, compile: bool) -> Self {
        Self {
            wire,
            rust: compile.then_some(RustBreak::Compile),
            behaviour: false,
        }
    }
}

pub struct SpecDiff<'a> {
    pub old: &'a Value,
    pub new: &'a Value,
    /// By (rule, direction, location, message): one entry per change,
    /// however many operations reach it.
    pub changes: BTreeMap<(String, Direction, String, String), Change>,
}

impl<'a> SpecDiff<'a> {
    pub fn new(old: &'a Value, new: &'a Value) -> Self {
        Self {
            old,
            new,
            changes: BTreeMap::new(),
        }
    }

    /// Records a change with wire and compile verdicts.
    #[allow(clippy::too_many_arguments)]
    pub fn emit(
        &mut self,
        rule: impl Into<String>,
        direction: Direction,
        wire: bool,
        rust: bool,
        location: &str,
        message: String,
        reach: Option<Reach>,
    ) {
        self.emit_with(
            rule,
            direction,
            Verdicts::of(wire, rust),
            location,
            message,
            reach,
        );
    }

    /// Records a change; the same change reached again adds the operation.
    pub fn emit_with(
        &mut self,
        rule: impl Into<String>,
        direction: Direction,
        verdicts: Verdicts,
        location: &str,
        message: String,
        reach: Option<Reach>,
    ) {
        let rule = rule.into();
        debug_assert!(
            registry::lookup(&rule).is_some_and(|r| r.wire.allows(verdicts.wire)
                && r.rust.allows(verdicts.rust.is_some())
                && r.behaviour.allows(verdicts.behaviour)),
            "`{rule}` emitted with verdicts its registry entry does not allow: {verdicts:?}"
        );
        let key = (
            rule.clone(),
            direction,
            location.to_owned(),
            message.clone(),
        );
        let change = self.changes.entry(key).or_insert_with(|| Change {
            rule,
            direction,
            wire: verdicts.wire,
            rust: verdicts.rust,
            behaviour: verdicts.behaviour,
            message,
            location: location.to_owned(),
            reached: Vec::new(),
            accepted: None,
            detail: String::new(),
            items: Vec::new(),
        });
        if let Some(reach) = reach
            && !change.reached.contains(&reach)
        {
            change.reached.push(reach);
            change.reached.sort();
        }
    }

    /// `keyword-changed` for each key of `old`/`new` outside `known` (and
    /// not an `x-` extension, which `rules/extensions.rs` reads) that differs.
    #[allow(clippy::too_many_arguments)]
    pub fn unknown_keys(
        &mut self,
        old: &Value,
        new: &Value,
        known: &[&str],
        what: &str,
        location: &str,
        direction: Direction,
        reach: Option<Reach>,
    ) {
        let keys: std::collections::BTreeSet<&String> = old
            .as_object()
            .into_iter()
            .chain(new.as_object())
            .flat_map(|m| m.keys())
            .filter(|k| !known.contains(&k.as_str()) && !k.starts_with("x-"))
            .collect();
        for key in keys {
            if old.get(key) != new.get(key) {
                self.emit(
                    "keyword-changed",
                    direction,
                    true,
                    true,
                    location,
                    format!(
                        "{what}: `{key}` {} -> {} (no rule for it: counted as breaking)",
                        show(old.get(key)),
                        show(new.get(key))
                    ),
                    reach.clone(),
                );
            }
        }
    }
}
