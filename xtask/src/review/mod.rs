//! `cargo xtask review`: what a change of `openapi/zapi.yaml` does to HTTP
//! clients written against the old spec (the *wire* verdict), to Rust code
//! compiled against the old zapi-client (the *Rust* verdict: it stops
//! compiling, or prints something else) and to what zapi-client itself does
//! at run time (the *behaviour* verdict, from the `x-zapi-*` facts), before
//! it merges.
//!
//! Start here. The pieces, in the order a review runs:
//!
//! - [`spec`]: YAML to JSON values, operations, `$ref`s;
//! - [`walk`] and `rules/`: the walk over both specs, one file per rule
//!   family; every rule id and its verdicts are in [`registry`] (the table
//!   below is rendered from it);
//! - [`rust_items`]: the rendered public surface ([`crate::surface`]) old
//!   against new, each item change nested under the spec change it follows
//!   from;
//! - [`accepted`]: `openapi/accepted-breaks.yaml`, one accepted change per
//!   entry, and the last release;
//! - [`semver`]: the version the change needs;
//! - [`report`]: Markdown, CHANGELOG and JSON;
//! - [`git`]: the base revision and its files.
//!
//! [`review`] compares two [`Snapshot`]s given as text, so tests need no
//! git; [`run`] reads the old side with `git show REV:path` and the new side
//! from the working tree. Specs are compared as parsed values: a reformatted
//! YAML file is no change.
//!
//! A change is *breaking* when its wire or Rust verdict is. The semver bump
//! follows: any break needs `0.(x+1).0` (`(x+1).0.0` from 1.0 on), any other
//! change a patch under 0.x (a minor from 1.0 on).
//!
//! # Rules
//!
#![doc = include_str!("rules.md")]
//!
//! # Adding a rule
//!
//! 1. An entry in [`registry::RULES`]: id, verdicts, why.
//! 2. The code that emits it, in the family's file under `rules/` (an
//!    `impl SpecDiff` block); a debug assertion checks each emitted change
//!    against its entry.
//! 3. `cargo xtask review --rules > xtask/src/review/rules.md` (a test
//!    compares them).
//! 4. A case in `xtask/tests/review/corpus.yaml` with the rule id and its
//!    verdicts (a test fails for a rule without one); the compile check
//!    (`xtask/tests/review/compile.rs`) confirms its Rust verdict.
//! 5. A row in the README's table if it is one of the main rules.

pub mod accepted;
pub mod git;
pub mod model;
pub mod registry;
pub mod report;
pub mod rust_items;
pub mod semver;
pub mod spec;
pub mod walk;

mod rules;

use std::collections::BTreeMap;
use std::path::Path;

pub use accepted::{Accepted, AcceptedFile, Release};
pub use model::{
    Change, Direction, FailOn, OperationSummary, Reach, Review, RustBreak, Semver, Snapshot,
};
pub use spec::parse_spec;

use crate::surface;

/// The accepted-breaks file, relative to the workspace root.
pub const ACCEPTED_PATH: &str = "openapi/accepted-breaks.yaml";
/// The crate manifest whose version the review compares.
pub const MANIFEST_PATH: &str = "zapi-client/Cargo.toml";

/// Compares `old` with `new`. Errs, with one line, when a spec does not parse.
pub fn review(old: &Snapshot, new: &Snapshot, accepted: &AcceptedFile) -> Result<Review, String> {
    let old_spec = parse_spec(&old.spec).map_err(|e| format!("old spec: {e}"))?;
    let new_spec = parse_spec(&new.spec).map_err(|e| format!("new spec: {e}"))?;
    let mut diff = walk::SpecDiff::new(&old_spec, &new_spec);
    let operations = diff.operations();
    diff.document();
    let mut changes: Vec<Change> = diff.changes.into_values().collect();
    if changes.is_empty() && old_spec != new_spec {
        changes.push(first_difference(&old_spec, &new_spec));
    }
    let mut notes = Vec::new();

    let mut items = Vec::new();
    match (&old.generated, &new.generated) {
        (Some(a), Some(b)) => {
            let old_items = surface::items(a).map_err(|e| format!("old generated code {e}"))?;
            let new_items = surface::items(b).map_err(|e| format!("new generated code {e}"))?;
            items = rust_items::item_changes(&old_items, &new_items, "generated");
        }
        (None, None) => {}
        _ => notes.push("generated code missing on one side: Rust items not compared".into()),
    }
    sort(&mut changes);
    let known: std::collections::BTreeSet<String> = [&old_spec, &new_spec]
        .iter()
        .filter_map(|spec| {
            spec.pointer("/components/schemas")
                .and_then(|s| s.as_object())
        })
        .flat_map(|schemas| schemas.keys().cloned())
        .collect();
    // A keyword no rule knows is counted as breaking Rust users without the
    // generated code; with it, only if the generated API breaks.
    if old.generated.is_some() && new.generated.is_some() {
        let api_breaks = items.iter().any(|i| i.rust == Some(RustBreak::Compile));
        for change in changes
            .iter_mut()
            .filter(|c| c.rule == "keyword-changed" || c.rule.ends_with("-schema-changed"))
        {
            if !api_breaks {
                change.rust = None;
            }
        }
    }
    let mut unexplained = rust_items::attribute(&mut changes, items, &known);
    match (old.hand_written.is_empty(), new.hand_written.is_empty()) {
        (false, false) => {
            let read = |files: &[(String, String)]| -> Result<BTreeMap<String, String>, String> {
                let refs: Vec<(&str, &str)> = files
                    .iter()
                    .map(|(p, s)| (p.as_str(), s.as_str()))
                    .collect();
                surface::hand_written_items(&refs)
            };
            let old_items = read(&old.hand_written).map_err(|e| format!("old {e}"))?;
            let new_items = read(&new.hand_written).map_err(|e| format!("new {e}"))?;
            unexplained.extend(rust_items::item_changes(
                &old_items,
                &new_items,
                "hand-written",
            ));
        }
        (true, true) => {}
        _ => notes.push("hand-written modules missing on one side: not compared".into()),
    }
    changes.extend(unexplained);
    sort(&mut changes);
    let unused = accepted::apply(&mut changes, &accepted.accepted);
    let stale = accepted::stale(&accepted.accepted, accepted.released.as_ref());
    let semver = semver::semver(&changes, old.version.as_deref(), new.version.as_deref());
    Ok(Review {
        operations,
        changes,
        semver,
        unused_accepted: unused.iter().map(Accepted::label).collect(),
        stale_accepted: stale.iter().map(|a| a.label()).collect(),
        notes,
    })
}

/// Breaking first, then by direction, rule and place: stable output.
fn sort(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (
            !a.breaking(),
            !a.behaviour,
            a.direction,
            &a.rule,
            &a.location,
        )
            .cmp(&(
                !b.breaking(),
                !b.behaviour,
                b.direction,
                &b.rule,
                &b.location,
            ))
    });
}

/// The safety net: the specs differ where no rule looked. Counted as breaking.
fn first_difference(old: &serde_json::Value, new: &serde_json::Value) -> Change {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, at: String) -> String {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    if x.get(key) != y.get(key) {
                        let escaped = key.replace('~', "~0").replace('/', "~1");
                        return match (x.get(key), y.get(key)) {
                            (Some(p), Some(q)) => walk(p, q, format!("{at}/{escaped}")),
                            _ => format!("{at}/{escaped}"),
                        };
                    }
                }
                at
            }
            _ => at,
        }
    }
    let pointer = walk(old, new, String::new());
    Change {
        rule: "keyword-changed".into(),
        direction: Direction::Operation,
        wire: true,
        rust: Some(RustBreak::Compile),
        behaviour: false,
        message: format!("`{pointer}` changed where no rule looks: counted as breaking"),
        location: pointer,
        reached: Vec::new(),
        accepted: None,
        detail: String::new(),
        items: Vec::new(),
    }
}

/// Report formats of `cargo xtask review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    /// The CHANGELOG section for a release.
    Changelog,
}

/// What `cargo xtask review` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// A git revision, `release` for the last release the accepted-breaks
    /// file records, or `None` for [`git::default_base`].
    pub base: Option<String>,
    pub format: Format,
    pub fail_on: FailOn,
}

/// What `cargo xtask review` prints, and why its gate failed.
#[derive(Debug)]
pub struct Outcome {
    pub report: String,
    pub review: Review,
    /// The base revision, as given or chosen.
    pub base: String,
    /// One line per reason the gate fails; empty when it passes.
    pub failures: Vec<String>,
}

/// `cargo xtask review` in the workspace at `root`: the old side from git at
/// the base, the new side from the working tree. Errs, with one line, when it
/// cannot run (unknown revision, unreadable spec, bad accepted-breaks file).
pub fn run(root: &Path, options: &Options) -> Result<Outcome, String> {
    let new_file = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let accepted = match new_file(ACCEPTED_PATH) {
        Some(text) => accepted::parse(&text).map_err(|e| format!("{ACCEPTED_PATH}: {e}"))?,
        None => AcceptedFile::default(),
    };
    let base = match options.base.as_deref() {
        Some("release") => accepted
            .released
            .as_ref()
            .map(|r| r.commit.clone())
            .ok_or_else(|| format!("`--base release`: {ACCEPTED_PATH} records no `released`"))?,
        Some(rev) => rev.to_owned(),
        None => git::default_base(root),
    };
    let commit = git::git(
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
    let old_file = |path: &str| git::git(root, &["show", &format!("{commit}:./{path}")]).ok();
    let spec_path = crate::codegen::SPEC_PATH;
    let old_spec = old_file(spec_path).ok_or_else(|| format!("{spec_path} is not in `{base}`"))?;
    let new_spec = new_file(spec_path).ok_or_else(|| format!("cannot read {spec_path}"))?;
    let side = |read: &dyn Fn(&str) -> Option<String>, spec: String| {
        // Each file that exists on this side: items are compared by name,
        // so one that moved to another file (client.rs -> client/) or a new
        // module is no change of its own.
        let hand_written: Vec<(String, String)> = surface::HAND_WRITTEN_PATHS
            .iter()
            .chain(&surface::FORMER_HAND_WRITTEN_PATHS)
            .filter_map(|p| read(p).map(|s| (p.to_string(), s)))
            .collect();
        Snapshot {
            spec,
            generated: read(crate::codegen::OUTPUT_PATH),
            hand_written,
            version: read(MANIFEST_PATH).as_deref().and_then(git::crate_version),
        }
    };
    let mut old = side(&old_file, old_spec);
    let new = side(&new_file, new_spec);
    // A base whose version was never released (main between releases):
    // the bump is counted from the last release, which users have.
    let mut unreleased_base = None;
    if let (Some(released), Some(base_version)) = (&accepted.released, &old.version)
        && let (Some(r), Some(b)) = (
            semver::parse_version(&released.version),
            semver::parse_version(base_version),
        )
        && b > r
    {
        unreleased_base = Some(base_version.clone());
        old.version = Some(released.version.clone());
    }
    let mut review = review(&old, &new, &accepted)?;
    review.semver.unreleased_base = unreleased_base;
    // Entries matching nothing mean something only against the release they
    // were written for; against another base they are for earlier changes.
    let from_release = accepted.released.as_ref().is_some_and(|r| {
        git::git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{}^{{commit}}", r.commit),
            ],
        )
        .is_ok_and(|c| c.trim() == commit)
    });
    if !from_release {
        review.unused_accepted.clear();
    }
    let report = match options.format {
        Format::Markdown => report::markdown::render(&review, &base),
        Format::Changelog => report::markdown::changelog(&review, &base),
        Format::Json => {
            serde_json::to_string_pretty(&report::json::render(&review, &base))
                .expect("JSON values print")
                + "\n"
        }
    };
    let failures = failures(&review, options.fail_on, &base);
    Ok(Outcome {
        report,
        review,
        base,
        failures,
    })
}

/// Why `--fail-on` fails, one line each: changes nobody accepted, a
/// version short of the bump, accepted entries already released.
pub fn failures(review: &Review, on: FailOn, base: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in review.unaccepted(on) {
        let kind = if c.breaking() {
            "breaking"
        } else {
            "behaviour"
        };
        out.push(format!(
            "{kind} change since {base} not accepted in {ACCEPTED_PATH}: `{}` at `{}`",
            c.rule, c.location
        ));
    }
    if on.version && !review.semver.satisfied {
        out.push(format!(
            "{MANIFEST_PATH} says {}, the changes since {base} need {}",
            review.semver.new_version.as_deref().unwrap_or("?"),
            review.semver.required_version.as_deref().unwrap_or("?")
        ));
    }
    if on.breaking {
        for stale in &review.stale_accepted {
            out.push(format!(
                "{ACCEPTED_PATH}: delete the entry {stale}: its version is released"
            ));
        }
    }
    out
}
