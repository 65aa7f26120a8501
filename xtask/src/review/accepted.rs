//! `openapi/accepted-breaks.yaml`: the breaks (and behaviour changes) a
//! reviewer accepted, one change per entry, and the last release, which is
//! where CI's review starts.
//!
//! ```yaml
//! released:            # the last release: `--base release` reviews from here
//!   version: 0.1.0
//!   commit: e8002fe587f95fd1982aa4b66ad834b78952e72a
//! accepted:
//!   - rule: response-property-optional-added
//!     operation: get_account_email          # as the JSON prints it; omitted for Rust items
//!     location: GetAccountEmailResponse.message
//!     reason: The failure message of every operation.
//!     version: 0.2.0                        # optional: the release that ships it
//! ```
//!
//! An entry accepts the change with that rule at that location, reaching
//! that operation (a change reaching several operations needs an entry for
//! each, or `operation: "*"`), and nothing else. An entry whose `version` is
//! already released is stale: `--fail-on breaking` says to delete it.

use serde_json::Value;

use super::model::Change;
use super::semver::parse_version;
use super::spec::{one_line, yaml_to_json};

/// An entry of the accepted-breaks file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub rule: String,
    /// An operationId, `*` for any, or `None` for a change that reaches no
    /// operation (a Rust item, the document).
    pub operation: Option<String>,
    pub location: String,
    pub reason: String,
    /// The release that ships the change, when the entry says.
    pub version: Option<String>,
}

impl Accepted {
    /// How the entry prints in one line.
    pub fn label(&self) -> String {
        match &self.operation {
            Some(op) => format!("{} at `{}` for {op}", self.rule, self.location),
            None => format!("{} at `{}`", self.rule, self.location),
        }
    }

    fn matches(&self, change: &Change, operation: Option<&str>) -> bool {
        self.rule == change.rule
            && self.location == change.location
            && match (&self.operation, operation) {
                (Some(entry), Some(op)) => entry == "*" || entry == op,
                (None, None) => true,
                _ => false,
            }
    }
}

/// The last release, as the file records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    pub commit: String,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcceptedFile {
    pub released: Option<Release>,
    pub accepted: Vec<Accepted>,
}

/// Reads the file. A missing `rule`, `location` or `reason` is an error:
/// the location is what makes an entry accept one change, and the reason is
/// what the next reviewer reads.
pub fn parse(text: &str) -> Result<AcceptedFile, String> {
    let value = yaml_to_json(
        serde_norway::from_str(text).map_err(|e| one_line(&format!("invalid YAML: {e}")))?,
    );
    let released = match value.get("released") {
        None | Some(Value::Null) => None,
        Some(r) => {
            let field = |k: &str| {
                r.get(k)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .ok_or_else(|| format!("`released.{k}` missing"))
            };
            Some(Release {
                version: field("version")?,
                commit: field("commit")?,
            })
        }
    };
    let entries = match value.get("accepted") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(entries)) => entries.clone(),
        Some(_) => return Err("`accepted` must be a list".into()),
    };
    let accepted = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_owned);
            let missing = |k: &str| format!("entry {}: `{k}` missing", i + 1);
            if let Some(key) = entry.as_object().and_then(|m| {
                m.keys().find(|k| {
                    !["rule", "operation", "location", "reason", "version"].contains(&k.as_str())
                })
            }) {
                return Err(format!("entry {}: unknown key `{key}`", i + 1));
            }
            Ok(Accepted {
                rule: field("rule").ok_or_else(|| missing("rule"))?,
                operation: field("operation"),
                location: field("location").ok_or_else(|| missing("location"))?,
                reason: field("reason")
                    .filter(|r| !r.trim().is_empty())
                    .ok_or_else(|| missing("reason"))?,
                version: entry
                    .get("version")
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(AcceptedFile { released, accepted })
}

/// Marks the changes the entries accept (a change is accepted when every
/// operation it reaches is); returns the entries that matched nothing.
pub fn apply(changes: &mut [Change], accepted: &[Accepted]) -> Vec<Accepted> {
    let mut used = vec![false; accepted.len()];
    for change in changes.iter_mut().filter(|c| c.breaking() || c.behaviour) {
        let operations: Vec<Option<String>> = if change.reached.is_empty() {
            vec![None]
        } else {
            change
                .operation_ids()
                .into_iter()
                .map(|op| Some(op.to_owned()))
                .collect()
        };
        let mut reasons: Vec<String> = Vec::new();
        let mut all = true;
        for operation in &operations {
            match accepted
                .iter()
                .position(|a| a.matches(change, operation.as_deref()))
            {
                Some(i) => {
                    // Used, even where the change needs more entries.
                    used[i] = true;
                    if !reasons.contains(&accepted[i].reason) {
                        reasons.push(accepted[i].reason.clone());
                    }
                }
                None => all = false,
            }
        }
        if all {
            change.accepted = Some(reasons.join("; "));
        }
    }
    accepted
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(a, _)| a.clone())
        .collect()
}

/// The entries for a version already released (at or below `released`).
pub fn stale<'e>(accepted: &'e [Accepted], released: Option<&Release>) -> Vec<&'e Accepted> {
    let Some(released) = released.and_then(|r| parse_version(&r.version)) else {
        return Vec::new();
    };
    accepted
        .iter()
        .filter(|a| {
            a.version
                .as_deref()
                .and_then(parse_version)
                .is_some_and(|v| v <= released)
        })
        .collect()
}
