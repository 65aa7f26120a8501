//! The version zapi-client needs for a set of changes (Cargo's 0.x rule: a
//! break needs the next minor).

use super::model::{Change, Semver};

pub fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split(['.', '-', '+']).map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

pub fn semver(changes: &[Change], base: Option<&str>, new: Option<&str>) -> Semver {
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
        unreleased_base: None,
        new_version: new.map(str::to_owned),
        required_version: required.map(|(a, b, c)| format!("{a}.{b}.{c}")),
        satisfied,
    }
}
