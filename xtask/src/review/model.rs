//! The review's data: what it compares and what it finds. Data only.

/// One side of a review: the files, as text.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub spec: String,
    /// `zapi-client/src/generated.rs`; `None` skips the Rust item comparison.
    pub generated: Option<String>,
    /// `(path, source)` of the hand-written modules ([`crate::surface::HAND_WRITTEN_PATHS`]);
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

/// How code compiled against the old crate is broken, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RustBreak {
    /// It stops compiling.
    Compile,
    /// It compiles, and `Debug`/`Display` print something else.
    Prints,
}

impl RustBreak {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compile => "compile",
            Self::Prints => "prints",
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
    /// Breaks Rust code compiled against the old crate, and how.
    pub rust: Option<RustBreak>,
    /// zapi-client does something else at run time (retries, failure field,
    /// Content-Type, input check): see [`crate::review::registry`].
    pub behaviour: bool,
    pub message: String,
    /// The changed place: a component and property path, an operation, a Rust item.
    pub location: String,
    pub reached: Vec<Reach>,
    /// The reason from the accepted-breaks file, when a reviewer accepted this break.
    pub accepted: Option<String>,
    /// Changed lines of a Rust item's rendering (`-` old, `+` new).
    pub detail: String,
    /// For a spec change: the Rust item changes it causes (nested in the
    /// report). Empty for Rust item changes themselves.
    pub items: Vec<Change>,
}

impl Change {
    pub fn breaking(&self) -> bool {
        self.wire || self.rust.is_some()
    }

    /// Whether `--fail-on` with these kinds would fail on it (accepted or not).
    pub fn gated(&self, on: FailOn) -> bool {
        (on.breaking && self.breaking()) || (on.behaviour && self.behaviour)
    }

    /// The operations it reaches, or none.
    pub fn operation_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .reached
            .iter()
            .map(|r| r.operation_id.as_str())
            .collect();
        ids.dedup();
        ids
    }
}

/// What `--fail-on` fails on: unaccepted breaks, behaviour changes, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailOn {
    pub breaking: bool,
    pub behaviour: bool,
    /// A version that does not satisfy the required bump.
    pub version: bool,
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

/// What the semver of zapi-client must become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semver {
    /// `none`, `patch`, `minor` or `breaking`.
    pub bump: &'static str,
    /// The version the bump is counted from: the base's, or the last
    /// release's when the base's was never released.
    pub base_version: Option<String>,
    /// The base's own version when it was never released (main between
    /// releases): `base_version` is then the last release's.
    pub unreleased_base: Option<String>,
    pub new_version: Option<String>,
    /// The least version the new side needs, from the base version.
    pub required_version: Option<String>,
    /// Whether the new side's version is at least `required_version`.
    pub satisfied: bool,
}

/// The outcome of [`crate::review::review`].
#[derive(Debug, Clone)]
pub struct Review {
    pub operations: Vec<OperationSummary>,
    /// Spec changes, each with the Rust item changes it causes, then the
    /// Rust item changes no spec change explains.
    pub changes: Vec<Change>,
    pub semver: Semver,
    /// Accepted-breaks entries that match nothing here, one line each.
    pub unused_accepted: Vec<String>,
    /// Accepted-breaks entries for a version already released: delete them.
    pub stale_accepted: Vec<String>,
    /// Things the reader should know: skipped comparisons.
    pub notes: Vec<String>,
}

impl Review {
    /// True when any change breaks HTTP clients or Rust users, accepted or not.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(Change::breaking)
    }

    /// The changes `--fail-on` fails on that nobody accepted.
    pub fn unaccepted(&self, on: FailOn) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |c| c.gated(on) && c.accepted.is_none())
    }

    /// The breaking changes nobody accepted.
    pub fn unaccepted_breaks(&self) -> impl Iterator<Item = &Change> {
        self.unaccepted(FailOn {
            breaking: true,
            ..FailOn::default()
        })
    }
}
