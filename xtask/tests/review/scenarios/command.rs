//! The command: errors, exit codes, runs against a git repository, the gate.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use xtask::review::{self, AcceptedFile, FailOn, Format, Options, Snapshot};

use super::*;

#[test]
fn an_unparsable_spec_is_an_error() {
    let error = review::review(
        &Snapshot::spec(spec_text()),
        &Snapshot::spec("paths: [oops"),
        &AcceptedFile::default(),
    )
    .unwrap_err();
    assert!(error.starts_with("new spec:"), "{error}");
    assert!(!error.contains('\n'), "{error}");
}

#[test]
fn the_command_exits_2_with_one_line_when_it_cannot_run() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .output()
            .expect("xtask runs")
    };
    let output = run(&["review", "--base", "no-such-revision-anywhere"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("unknown revision `no-such-revision-anywhere`"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    let output = run(&["review", "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));

    let help = run(&["help"]);
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("review [--base REV|release]")
    );

    // `--help` is the review's own help, exit 0 (it used to be an unknown argument).
    for flag in ["--help", "-h"] {
        let help = run(&["review", flag]);
        assert_eq!(help.status.code(), Some(0), "{flag}");
        let text = String::from_utf8(help.stdout).unwrap();
        for option in ["--base", "--format", "--fail-on", "--rules", "release"] {
            assert!(
                text.contains(option),
                "{flag} does not mention {option}:\n{text}"
            );
        }
    }
    let output = run(&["review", "--fail-on", "everything"]);
    assert_eq!(output.status.code(), Some(2));
    let rules = run(&["review", "--rules"]);
    assert_eq!(rules.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(rules.stdout).unwrap(),
        xtask::review::registry::table()
    );
}

/// A git repository in a fresh temporary directory, removed on drop.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-review-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        let repo = Repo(dir);
        repo.git(&["init", "-q"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args([
                "-c",
                "user.name=review test",
                "-c",
                "user.email=review@test",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn head(&self) -> String {
        let out = Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(self.path())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn end_to_end_against_a_git_repository() {
    let repo = Repo::new("e2e");
    repo.write("openapi/zapi.yaml", &spec_text());
    repo.commit("the spec");
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            let request = schema(spec, "SetAccountEmailRequest");
            request["properties"]["name"] = json!({"type": "string"});
            request["required"] = json!(["email", "name"]);
        }),
    );
    repo.commit("a required request property");

    let options = |format| Options {
        base: Some("HEAD~1".into()),
        format,
        fail_on: FailOn {
            breaking: true,
            ..FailOn::default()
        },
    };
    let outcome = review::run(repo.path(), &options(Format::Json)).unwrap();
    assert_eq!(outcome.failures.len(), 1, "{:?}", outcome.failures);
    let json: Value = serde_json::from_str(&outcome.report).unwrap();
    assert_eq!(json["breaking"], json!(true));
    assert_eq!(
        json["changes"][0]["rule"],
        "request-property-required-added"
    );
    assert_eq!(
        json["changes"][0]["operations"][0]["operationId"],
        "set_account_email"
    );

    // The reviewer accepts it: the gate passes, the report still shows it.
    repo.write(
        review::ACCEPTED_PATH,
        "accepted:\n  - rule: request-property-required-added\n    operation: set_account_email\n    location: SetAccountEmailRequest.name\n    reason: Z-API now requires a name\n",
    );
    let outcome = review::run(repo.path(), &options(Format::Markdown)).unwrap();
    assert!(outcome.failures.is_empty(), "{}", outcome.report);
    assert!(
        outcome
            .report
            .contains("**accepted**: Z-API now requires a name"),
        "{}",
        outcome.report
    );

    // Uncommitted edits count: against HEAD, the working tree differs by nothing.
    let head = Options {
        base: Some("HEAD".into()),
        ..options(Format::Json)
    };
    let outcome = review::run(repo.path(), &head).unwrap();
    assert!(outcome.review.changes.is_empty());

    let unknown = Options {
        base: Some("v9.9.9".into()),
        ..options(Format::Json)
    };
    assert_eq!(
        review::run(repo.path(), &unknown).unwrap_err(),
        "unknown revision `v9.9.9`"
    );
    let bad = Options {
        base: None,
        ..options(Format::Json)
    };
    // No main branch here: the default base is HEAD.
    assert_eq!(review::run(repo.path(), &bad).unwrap().base, "HEAD");
}

fn remove_verified(spec: &mut Value) {
    schema(spec, "GetAccountEmailResponse")["properties"]
        .as_object_mut()
        .unwrap()
        .remove("verified");
}

#[test]
fn the_gate_reviews_every_commit_since_the_release_and_the_version() {
    let repo = Repo::new("since-release");
    repo.write("openapi/zapi.yaml", &spec_text());
    repo.write(
        "zapi-client/Cargo.toml",
        "[package]\nname = \"zapi-client\"\nversion = \"0.2.0\"\n",
    );
    repo.commit("release 0.2.0");
    let released = repo.head();
    repo.write(
        review::ACCEPTED_PATH,
        &format!("released:\n  version: 0.2.0\n  commit: {released}\naccepted: []\n"),
    );
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            remove_verified(spec);
        }),
    );
    repo.commit("a break");
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            remove_verified(spec);
            *at(spec, "/info/description") = json!("Other words.");
        }),
    );
    repo.commit("a harmless edit on top");
    let gate = |base: &str| Options {
        base: Some(base.into()),
        format: Format::Markdown,
        fail_on: FailOn {
            breaking: true,
            behaviour: false,
            version: true,
        },
    };
    // The last commit alone breaks nothing...
    let last_commit = Options {
        fail_on: FailOn {
            breaking: true,
            ..FailOn::default()
        },
        ..gate("HEAD~1")
    };
    let last = review::run(repo.path(), &last_commit).unwrap();
    assert!(last.failures.is_empty(), "{:?}", last.failures);
    // ...but since the release there is a break, and 0.2.0 is short of 0.3.0.
    let outcome = review::run(repo.path(), &gate("release")).unwrap();
    assert_eq!(outcome.base, released);
    assert!(
        outcome
            .failures
            .iter()
            .any(|f| f.contains("response-property-removed")),
        "{:?}",
        outcome.failures
    );
    assert!(
        outcome.failures.iter().any(|f| f.contains("need 0.3.0")),
        "{:?}",
        outcome.failures
    );
    // Bumped, and the break accepted: the gate passes.
    repo.write(
        "zapi-client/Cargo.toml",
        "[package]\nname = \"zapi-client\"\nversion = \"0.3.0\"\n",
    );
    repo.write(
        review::ACCEPTED_PATH,
        &format!("released:\n  version: 0.2.0\n  commit: {released}\naccepted:\n  - rule: response-property-removed\n    operation: get_account_email\n    location: GetAccountEmailResponse.verified\n    reason: Z-API omits it on failures\n    version: 0.3.0\n"),
    );
    let outcome = review::run(repo.path(), &gate("release")).unwrap();
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    // No release recorded: `--base release` cannot run, and says why.
    repo.write(review::ACCEPTED_PATH, "accepted: []\n");
    let error = review::run(repo.path(), &gate("release")).unwrap_err();
    assert!(error.contains("records no `released`"), "{error}");
}

#[test]
fn a_base_between_releases_is_bumped_from_the_last_release() {
    let repo = Repo::new("between-releases");
    repo.write("openapi/zapi.yaml", &spec_text());
    repo.write(
        "zapi-client/Cargo.toml",
        "[package]\nname = \"zapi-client\"\nversion = \"0.1.0\"\n",
    );
    repo.commit("release 0.1.0");
    let released = repo.head();
    repo.write(
        review::ACCEPTED_PATH,
        &format!("released:\n  version: 0.1.0\n  commit: {released}\naccepted: []\n"),
    );
    repo.write(
        "zapi-client/Cargo.toml",
        "[package]\nname = \"zapi-client\"\nversion = \"0.2.0\"\n",
    );
    repo.commit("0.2.0 begins, unreleased");
    repo.write(
        "openapi/zapi.yaml",
        &edited(|spec| {
            *at(spec, "/info/description") = json!("Other words.");
        }),
    );
    let options = Options {
        base: Some("HEAD".into()),
        format: Format::Markdown,
        fail_on: FailOn {
            version: true,
            ..FailOn::default()
        },
    };
    let outcome = review::run(repo.path(), &options).unwrap();
    // Against 0.2.0 (never released) a patch would "need" 0.2.1; against the
    // release users have, 0.1.0, the unreleased 0.2.0 already is one.
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(outcome.review.semver.base_version.as_deref(), Some("0.1.0"));
    assert_eq!(
        outcome.review.semver.unreleased_base.as_deref(),
        Some("0.2.0")
    );
    assert!(
        outcome.report.contains(
            "zapi-client is 0.2.0 now, 0.2.0 at the base (unreleased), and its last release is 0.1.0: needs 0.1.1, which it has."
        ),
        "{}",
        outcome.report
    );
}
