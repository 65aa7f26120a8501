//! Git access: the default base, and files at a revision (`git show`).

use std::path::Path;
use std::process::Command;

use super::spec::one_line;

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

pub fn git(root: &Path, args: &[&str]) -> Result<String, String> {
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

pub fn crate_version(manifest: &str) -> Option<String> {
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
