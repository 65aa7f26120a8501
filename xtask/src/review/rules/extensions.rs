//! zapi-client's own facts, `x-zapi-*` extensions (see the head of
//! `openapi/zapi.yaml`): they change what our client does at run time, not
//! the wire, so their verdict is *behaviour*. Other `x-` extensions are
//! reported too, never breaking.

use serde_json::Value;

use crate::review::model::{Direction, Reach, RustBreak};
use crate::review::spec::{Operation, show};
use crate::review::walk::{SpecDiff, Verdicts};

/// The rule and what the client does differently, per known fact.
fn fact(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "x-zapi-retry-safe" => (
            "retry-safety-changed",
            "whether the retry policy repeats the call after a timeout, a reset or a 502/503/504",
        ),
        "x-zapi-failure-message" => (
            "failure-message-changed",
            "which answer field `Error::Unsuccessful` carries",
        ),
        "x-zapi-bodiless-content-type" => (
            "bodiless-content-type-changed",
            "the Content-Type sent without a body",
        ),
        "x-zapi-check" => (
            "check-changed",
            "the hand-written function that checks the value",
        ),
        "x-zapi-reasons" => (
            "input-reasons-changed",
            "what an input error says when a constraint fails",
        ),
        "x-zapi-success-field" => (
            "success-field-changed",
            "which answer boolean `send_checked` reads as success",
        ),
        "x-zapi-outcomes" => (
            "outcomes-changed",
            "which answers `send_checked` returns as outcome variants",
        ),
        "x-zapi-open-enum" => (
            "open-enum-changed",
            "whether an unknown answer value decodes as `Unknown`",
        ),
        "x-zapi-integer-or-digits" => (
            "integer-or-digits-changed",
            "whether a string of digits decodes as the integer",
        ),
        "x-zapi-duration" => ("duration-changed", "the unit of `.duration()`"),
        "x-zapi-image" => ("image-changed", "whether the value decodes into an image"),
        "x-zapi-repeat-may-refuse" => (
            "repeat-may-refuse-changed",
            "whether, and by which read, a retry refused after a lost answer is settled",
        ),
        _ => return None,
    })
}

/// Whether a fact's change breaks code compiled against the old crate: the
/// generator turns some facts into API (checked by the compile check).
fn api_break(key: &str, old: Option<&Value>, new: Option<&Value>) -> bool {
    let on = |v: Option<&Value>| v.is_some_and(|v| v != &Value::Bool(false) && !v.is_null());
    match key {
        // The outcome enum and `send_checked`'s return type follow the signals.
        "x-zapi-outcomes" => true,
        // An `Unknown(String)` variant comes or goes: exhaustive matches.
        "x-zapi-open-enum" => on(old) != on(new),
        // `.duration()` / `.decode()` go away.
        "x-zapi-duration" | "x-zapi-image" => on(old) && !on(new),
        _ => false,
    }
}

impl<'a> SpecDiff<'a> {
    pub fn extension_keys(
        &mut self,
        old: &Value,
        new: &Value,
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
            .filter(|k| k.starts_with("x-"))
            .collect();
        for key in keys {
            let (a, b) = (old.get(key), new.get(key));
            if a == b {
                continue;
            }
            let (rule, does, behaviour) = match fact(key) {
                Some((rule, does)) => (rule, does, true),
                None => ("extension-changed", "", key.starts_with("x-zapi-")),
            };
            let rust = api_break(key, a, b).then_some(RustBreak::Compile);
            let message = if does.is_empty() {
                format!("{what}: `{key}` {} -> {}", show(a), show(b))
            } else {
                format!("{what}: `{key}` {} -> {} ({does})", show(a), show(b))
            };
            self.emit_with(
                rule,
                direction,
                Verdicts {
                    wire: false,
                    rust,
                    behaviour,
                },
                location,
                message,
                reach.clone(),
            );
        }
    }

    /// The operation's facts.
    pub fn extensions(&mut self, o: &Operation<'a>, n: &Operation<'a>) {
        let reach = Some(self.from(n, Direction::Operation).reach(""));
        self.extension_keys(
            o.value,
            n.value,
            &format!("`{}`", n.id),
            &n.id,
            Direction::Operation,
            reach,
        );
    }

    /// A schema's facts (`x-zapi-check`).
    pub fn schema_extensions(
        &mut self,
        o: &Value,
        n: &Value,
        location: &str,
        direction: Direction,
        reach: Option<Reach>,
    ) {
        self.extension_keys(o, n, &format!("`{location}`"), location, direction, reach);
    }
}
