//! The Markdown report, ready to paste in a pull request, and the CHANGELOG
//! section (`--format changelog`).

use std::fmt::Write as _;

use crate::review::model::{Change, Direction, Review, RustBreak};
use crate::review::registry;
use crate::review::{ACCEPTED_PATH, MANIFEST_PATH};

const LEGEND: &str = "Verdicts: **wire** = an HTTP client written against the old spec; \
**Rust** = code compiled against the old crate (*compile*: it stops compiling; *prints*: \
`Debug`/`Display` print something else); **behaviour** = what zapi-client itself does at run \
time. In messages `A -> B` is old -> new, `A | B` reads \"A or B\" (credential alternatives) \
and `A + B` \"A and B\".";

fn verdicts(c: &Change) -> String {
    let mut parts = vec![
        if c.wire {
            "wire **breaks**".to_owned()
        } else {
            "wire ok".to_owned()
        },
        match c.rust {
            Some(RustBreak::Compile) => "Rust **breaks** (compile)".to_owned(),
            Some(RustBreak::Prints) => "Rust **breaks** (prints)".to_owned(),
            None => "Rust ok".to_owned(),
        },
    ];
    if c.behaviour {
        parts.push("**behaviour**".to_owned());
    }
    parts.join(", ")
}

fn entry_hint(c: &Change) -> String {
    let ops = c.operation_ids();
    let operation = match ops.as_slice() {
        [] => String::new(),
        [one] => format!("operation: {one}, "),
        _ => "operation: <each of the operations above>, ".to_owned(),
    };
    format!(
        "{{rule: {}, {operation}location: \"{}\", reason: ...}}",
        c.rule, c.location
    )
}

fn write_change(out: &mut String, c: &Change, indent: &str) {
    let _ = write!(
        out,
        "{indent}- `{}` ({}): {} — {}",
        c.rule,
        c.direction.as_str(),
        c.message,
        verdicts(c)
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
            "{indent}  - used by `{}` ({} {}, {}){trail}",
            r.operation_id,
            r.method,
            r.path,
            r.direction.as_str()
        );
    }
    if c.rust.is_some()
        && c.direction != Direction::Rust
        && let Some(rule) = registry::lookup(&c.rule)
        && !rule.why.is_empty()
    {
        let _ = writeln!(out, "{indent}  - Rust: {}", rule.why);
    }
    if !c.detail.is_empty() {
        let _ = writeln!(out, "\n{indent}  ```diff");
        for line in c.detail.lines() {
            let _ = writeln!(out, "{indent}  {line}");
        }
        let _ = writeln!(out, "{indent}  ```\n");
    }
    // Added items break nobody: one line for them, the rest one by one.
    let (added, others): (Vec<&Change>, Vec<&Change>) = c
        .items
        .iter()
        .partition(|item| item.rule == "rust-item-added");
    for item in others {
        write_change(out, item, &format!("{indent}  "));
    }
    if !added.is_empty() {
        let names: Vec<String> = added
            .iter()
            .take(6)
            .map(|item| format!("`{}`", item.location))
            .collect();
        let more = added.len().saturating_sub(names.len());
        let _ = writeln!(
            out,
            "{indent}  - Rust items added ({}): {}{}",
            added.len(),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more (`--format json` lists them)")
            } else {
                String::new()
            }
        );
    }
    if (c.breaking() || c.behaviour) && c.accepted.is_none() && indent.is_empty() {
        let _ = writeln!(
            out,
            "{indent}  - to accept, in `{ACCEPTED_PATH}`: `{}`",
            entry_hint(c)
        );
    }
}

/// The report: verdict, semver, operations, breaking changes (Rust item
/// diffs nested under the spec change that causes them), behaviour
/// changes, other changes, notes.
pub fn render(review: &Review, base: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## API review: `openapi/zapi.yaml` since `{base}`\n");
    let total = review.changes.len();
    let breaking: Vec<&Change> = review.changes.iter().filter(|c| c.breaking()).collect();
    let behaviour: Vec<&Change> = review
        .changes
        .iter()
        .filter(|c| !c.breaking() && c.behaviour)
        .collect();
    let others: Vec<&Change> = review
        .changes
        .iter()
        .filter(|c| !c.breaking() && !c.behaviour)
        .collect();
    if total == 0 {
        let _ = writeln!(out, "**No API change.**");
    } else if !breaking.is_empty() {
        let wire = breaking.iter().filter(|c| c.wire).count();
        let rust = breaking.iter().filter(|c| c.rust.is_some()).count();
        let accepted = breaking.iter().filter(|c| c.accepted.is_some()).count();
        let _ = writeln!(
            out,
            "**Breaking**: {} of {total} change(s) ({wire} for HTTP clients, {rust} for Rust users; {accepted} accepted).",
            breaking.len()
        );
    } else {
        let _ = writeln!(
            out,
            "**Not breaking**: {total} change(s), none breaks HTTP clients or Rust users."
        );
    }
    let behaviour_all = review.changes.iter().filter(|c| c.behaviour).count();
    if behaviour_all > 0 {
        let _ = writeln!(
            out,
            "**Behaviour**: {behaviour_all} change(s) to what zapi-client does at run time."
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
    let _ = match &s.unreleased_base {
        // Main between releases: what users have is the last release.
        Some(unreleased) => write!(
            out,
            "\nSemver: this needs {needs}; zapi-client is {} now, {unreleased} at the base \
             (unreleased), and its last release is {}",
            version(&s.new_version),
            version(&s.base_version)
        ),
        None => write!(
            out,
            "\nSemver: this needs {needs}; zapi-client is {} at the base and {} now",
            version(&s.base_version),
            version(&s.new_version)
        ),
    };
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
    if total > 0 {
        let _ = writeln!(out, "\n{LEGEND}");
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
    for (title, changes) in [
        ("Breaking changes", &breaking),
        ("Behaviour changes", &behaviour),
        ("Other changes", &others),
    ] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        // Items added that no spec change names break nobody: one line.
        let (added, rest): (Vec<&Change>, Vec<&Change>) =
            changes.iter().partition(|c| c.rule == "rust-item-added");
        for c in rest {
            write_change(&mut out, c, "");
        }
        if !added.is_empty() {
            let names: Vec<String> = added
                .iter()
                .take(8)
                .map(|c| format!("`{}`", c.location))
                .collect();
            let more = added.len() - names.len();
            let _ = writeln!(
                out,
                "- `rust-item-added` ({}): {}{} — wire ok, Rust ok",
                added.len(),
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more (`--format json` lists them)")
                } else {
                    String::new()
                }
            );
        }
    }
    let mut notes: Vec<String> = review.notes.clone();
    if !review.unused_accepted.is_empty() {
        notes.push(format!(
            "{ACCEPTED_PATH}: {} entr{} match nothing here: {}",
            review.unused_accepted.len(),
            if review.unused_accepted.len() == 1 {
                "y"
            } else {
                "ies"
            },
            review.unused_accepted.join("; ")
        ));
    }
    for stale in &review.stale_accepted {
        notes.push(format!(
            "{ACCEPTED_PATH}: delete the entry {stale}: its version is released"
        ));
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\n### Notes\n");
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}

/// A CHANGELOG section for the release: the changes, breaking ones with
/// the reason they were accepted.
pub fn changelog(review: &Review, base: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### API changes (`cargo xtask review --base {base}`)\n"
    );
    let group = |c: &Change| match (c.breaking(), c.behaviour) {
        (true, _) => "Breaking",
        (false, true) => "Behaviour",
        (false, false) => "Other",
    };
    for title in ["Breaking", "Behaviour", "Other"] {
        let (added, changes): (Vec<&Change>, Vec<&Change>) = review
            .changes
            .iter()
            .filter(|c| group(c) == title)
            .partition(|c| c.rule == "rust-item-added");
        if changes.is_empty() && added.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for c in changes {
            let why = c
                .accepted
                .as_ref()
                .map(|r| format!(" {r}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} (`{}`; {}).{why}",
                c.message,
                c.rule,
                verdicts(c).replace("**", "")
            );
        }
        if !added.is_empty() {
            let _ = writeln!(
                out,
                "- {} Rust items added (`cargo xtask review --format json` lists them).",
                added.len()
            );
        }
        out.push('\n');
    }
    if review.changes.is_empty() {
        let _ = writeln!(out, "No API change.");
    }
    out
}
