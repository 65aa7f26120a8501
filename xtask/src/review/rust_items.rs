//! The Rust public surface, old against new (rendered by
//! [`crate::surface`]): which item changes break code compiled against the
//! old crate, renames, and which spec change each item change follows from.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Change, Direction, RustBreak};
use crate::surface::{self, ItemChange};

/// The item changes from `old` to `new`, `origin` naming where they are
/// (`generated`, `hand-written`), with their own verdicts.
pub fn item_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    origin: &str,
) -> Vec<Change> {
    let mut changes = surface::diff(old, new);
    let mut out = Vec::new();
    // A type removed and another added that render the same but for the
    // name: a rename, said once with every item it carries (impls,
    // builders, the signatures that name it).
    let kinds = ["struct ", "enum ", "type "];
    let mut renames: Vec<(String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            ItemChange::Removed { key } if kinds.iter().any(|k| key.starts_with(k)) => {
                changes.iter().find_map(|d| match d {
                    ItemChange::Added { key: added }
                        if is_rename(key, added, &old[key], &new[added]) =>
                    {
                        Some((name_of(key).to_owned(), name_of(added).to_owned()))
                    }
                    _ => None,
                })
            }
            _ => None,
        })
        .collect();
    renames.sort();
    renames.dedup();
    for (from, to) in renames {
        let renamed = |text: &str| text.replace(from.as_str(), &to);
        let mut carried = Vec::new();
        changes.retain(|c| {
            let part = match c {
                ItemChange::Removed { key } => new
                    .get(&renamed(key))
                    .is_some_and(|n| renamed(&old[key]) == *n),
                ItemChange::Added { key } => old
                    .keys()
                    .any(|o| renamed(o) == *key && renamed(&old[o]) == new[key]),
                ItemChange::Changed { key, .. } => renamed(&old[key]) == new[key],
            };
            if part && !matches!(c, ItemChange::Added { .. }) {
                carried.push(c.key().to_owned());
            }
            !part
        });
        out.push(change(
            "rust-item-renamed",
            format!(
                "{origin} type `{from}` renamed `{to}` ({} items name it)",
                carried.len()
            ),
            format!("{from} -> {to}"),
            Some(RustBreak::Compile),
            carried
                .iter()
                .map(|key| match renamed(key) {
                    same if same == *key => format!(" {key} (its signature)\n"),
                    other => format!("-{key}\n+{other}\n"),
                })
                .collect(),
        ));
    }
    // An item that differs only in how it spells zapi-client's alias of
    // progenitor's error is the same item.
    changes.retain(|c| match c {
        ItemChange::Changed { key, .. } => unalias(&old[key]) != unalias(&new[key]),
        _ => true,
    });
    for item in changes {
        let (rule, what, rust, detail) = match &item {
            ItemChange::Added { .. } => ("rust-item-added", "added", None, String::new()),
            ItemChange::Removed { .. } => (
                "rust-item-removed",
                "removed",
                Some(RustBreak::Compile),
                String::new(),
            ),
            ItemChange::Changed { key, diff } => {
                let breaks = breaks_compile(key, &old[key], &new[key]);
                let what = match (breaks, key.starts_with("const ")) {
                    (true, _) => "changed",
                    (false, true) => "value changed",
                    (false, false) => "changed (not its signature)",
                };
                (
                    "rust-item-changed",
                    what,
                    breaks.then_some(RustBreak::Compile),
                    diff.clone(),
                )
            }
        };
        out.push(change(
            rule,
            format!("{origin} `{}` {what}", item.key()),
            item.key().to_owned(),
            rust,
            detail,
        ));
    }
    out
}

fn change(
    rule: &str,
    message: String,
    location: String,
    rust: Option<RustBreak>,
    detail: String,
) -> Change {
    Change {
        rule: rule.into(),
        direction: Direction::Rust,
        wire: false,
        rust,
        behaviour: false,
        message,
        location,
        reached: Vec::new(),
        accepted: None,
        detail,
        items: Vec::new(),
    }
}

/// `struct types::SetAccountEmailRequest` -> `SetAccountEmailRequest`.
fn name_of(key: &str) -> &str {
    let path = key.rsplit(' ').next().unwrap_or(key);
    path.rsplit("::").next().unwrap_or(path)
}

fn is_rename(old_key: &str, new_key: &str, old: &str, new: &str) -> bool {
    let kind = |k: &str| k.split(' ').next().unwrap_or("").to_owned();
    let (a, b) = (name_of(old_key), name_of(new_key));
    kind(old_key) == kind(new_key) && a != b && !a.is_empty() && old.replace(a, b) == *new
}

/// `crate::GeneratedError` is zapi-client's name for progenitor's
/// `Error<types::ErrorBody>`: the same type, spelled two ways.
fn unalias(text: &str) -> String {
    text.replace("crate::GeneratedError", "Error<types::ErrorBody>")
}

/// Whether code compiled against `old` may not compile against `new`:
/// derives kept or added, `#[serde(..)]` attributes, and lines that only
/// moved change no signature; a constant's value is not its type.
fn breaks_compile(key: &str, old: &str, new: &str) -> bool {
    if key.starts_with("const ") {
        let declaration = |r: &str| r.split(" = ").next().unwrap_or("").to_owned();
        return declaration(old) != declaration(new);
    }
    let meaningful = |text: &str| -> (BTreeSet<String>, Vec<String>) {
        let mut derives = BTreeSet::new();
        let mut lines = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(list) = line
                .strip_prefix("#[derive(")
                .and_then(|l| l.strip_suffix(")]"))
            {
                derives.extend(list.split(',').map(|d| d.trim().to_owned()));
            } else if !line.starts_with("#[serde(") {
                lines.push(line.to_owned());
            }
        }
        lines.sort();
        (derives, lines)
    };
    let (old_derives, old_lines) = meaningful(&unalias(old));
    let (new_derives, new_lines) = meaningful(&unalias(new));
    !old_derives.is_subset(&new_derives) || old_lines != new_lines
}

/// The schema names a spec change names (in its location or message, among
/// `known`), and the builder names of the operations it is about, when its
/// location is the operation's own (its body, parameters, answers, inline
/// types).
fn names_of(change: &Change, known: &BTreeSet<String>) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut schemas = BTreeSet::new();
    let first = change.location.split(['.', ' ', '[']).next().unwrap_or("");
    let words = std::iter::once(first).chain(change.message.split('`').skip(1).step_by(2));
    for word in words {
        if known.contains(word) {
            schemas.insert(word.to_owned());
        }
    }
    // A schema renamed, inlined or extracted renames the operation's types.
    let renames_types = ["-schema-renamed", "-schema-inlined", "-schema-extracted"]
        .iter()
        .any(|suffix| change.rule.ends_with(suffix));
    let operations = change
        .reached
        .iter()
        .filter(|r| renames_types || change.location.starts_with(r.operation_id.as_str()))
        .map(|r| pascal(&r.operation_id))
        .collect();
    (schemas, operations)
}

/// A rule the registry says changes what the client does and never its
/// Rust items.
fn behaviour_only(rule: &str) -> bool {
    use super::registry::{Verdict, lookup};
    lookup(rule)
        .is_some_and(|r| matches!(r.rust, Verdict::No) && matches!(r.behaviour, Verdict::Yes))
}

/// `set_account_email` -> `SetAccountEmail`.
pub fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Puts each generated item change under the spec change it follows from
/// (one naming a type the item names, else one about an operation whose
/// builder or inline types it names); returns the item changes no spec
/// change explains. `known` holds the spec's schema names. When one spec
/// change alone explains an item that breaks compiling, that change breaks
/// Rust users whatever its rule guessed: the spec line and the items under
/// it say the same.
pub fn attribute(
    spec_changes: &mut [Change],
    items: Vec<Change>,
    known: &BTreeSet<String>,
) -> Vec<Change> {
    let names: Vec<(BTreeSet<String>, BTreeSet<String>)> =
        spec_changes.iter().map(|c| names_of(c, known)).collect();
    let mut left = Vec::new();
    for item in items {
        let idents: BTreeSet<&str> = item
            .location
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|s| !s.is_empty())
            .collect();
        let mut candidates: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, (schemas, _))| {
                // Its own type, or one typify names after it (`<Schema><Property>`).
                schemas
                    .iter()
                    .any(|s| idents.iter().any(|i| i.starts_with(s.as_str())))
            })
            .map(|(i, _)| i)
            .collect();
        if candidates.is_empty() {
            candidates = names
                .iter()
                .enumerate()
                // A fact of our client only (retry safety, a repeat's
                // settling...: the registry says it changes behaviour, never
                // Rust items) explains no item of its operation: those come
                // from another change, or from the generator.
                .filter(|&(i, _)| !behaviour_only(&spec_changes[i].rule))
                .filter(|(_, (_, operations))| {
                    operations
                        .iter()
                        .any(|op| idents.iter().any(|i| i.starts_with(op.as_str())))
                })
                .map(|(i, _)| i)
                .collect();
        }
        let Some(&first) = candidates.first() else {
            left.push(item);
            continue;
        };
        let breaks = item.rust == Some(RustBreak::Compile);
        let parent = if breaks {
            candidates
                .iter()
                .copied()
                .find(|&i| spec_changes[i].rust == Some(RustBreak::Compile))
                .unwrap_or(first)
        } else {
            first
        };
        if breaks && candidates.len() == 1 && spec_changes[parent].rust != Some(RustBreak::Compile)
        {
            spec_changes[parent].rust = Some(RustBreak::Compile);
        }
        spec_changes[parent].items.push(item);
    }
    left
}
