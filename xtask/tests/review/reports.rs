//! The reports a reviewer reads, as snapshots: a handful of corpus cases in
//! Markdown (one with the generated code, so Rust items show under their
//! spec change), one in JSON, and the CHANGELOG section.

use xtask::review::{self, AcceptedFile, Snapshot};

use super::cases;

fn case(name: &str) -> cases::Case {
    cases::load_corpus()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case `{name}`"))
}

fn spec_only(name: &str) -> review::Review {
    let case = case(name);
    review::review(
        &Snapshot::spec(case.old_spec_text),
        &Snapshot::spec(case.edited_spec_text),
        &AcceptedFile::default(),
    )
    .unwrap()
}

/// Generates the client from `spec` (as the codegen does) into a side.
fn with_code(spec: String) -> Snapshot {
    let dir = std::env::temp_dir().join(format!("zapi-review-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "{:x}.yaml",
        spec.len() * 31 + spec.bytes().map(usize::from).sum::<usize>()
    ));
    std::fs::write(&path, &spec).unwrap();
    let generated = xtask::codegen::generate(&path).expect("the case generates");
    let _ = std::fs::remove_file(&path);
    Snapshot {
        generated: Some(generated),
        ..Snapshot::spec(spec)
    }
}

#[test]
fn markdown_reports() {
    for name in [
        "response-property-optional-added",
        "retry-safety-changed",
        "security-requirement-required",
        "server-variable-default-changed",
        "enum-values-reordered",
        "reformatted-no-change",
    ] {
        let markdown = review::report::markdown::render(&spec_only(name), "BASE");
        insta::assert_snapshot!(format!("markdown__{name}"), markdown);
    }
}

#[test]
fn a_renamed_type_reads_as_a_rename_under_its_spec_change() {
    let case = case("request-schema-inlined");
    let review = review::review(
        &with_code(case.old_spec_text),
        &with_code(case.edited_spec_text),
        &AcceptedFile::default(),
    )
    .unwrap();
    let markdown = review::report::markdown::render(&review, "BASE");
    assert!(
        markdown.contains("`rust-item-renamed`"),
        "the inlined type is said as a rename:\n{markdown}"
    );
    insta::assert_snapshot!("markdown__request-schema-inlined-with-code", markdown);
}

#[test]
fn json_and_changelog_reports() {
    let review = spec_only("response-property-optional-added");
    insta::assert_snapshot!(
        "json__response-property-optional-added",
        serde_json::to_string_pretty(&review::report::json::render(&review, "BASE")).unwrap()
    );
    insta::assert_snapshot!(
        "changelog__response-property-optional-added",
        review::report::markdown::changelog(&review, "BASE")
    );
}

#[test]
fn the_readme_shows_real_output() {
    // README "Reviewing an API change": `verifiedAt` added to the email
    // answer and `verify_account_email`'s retries turned off, against the
    // frozen base, with the generated code on both sides.
    let base = cases::base_spec_text();
    let mut spec = review::parse_spec(&base).unwrap();
    let answer = spec
        .pointer_mut("/components/schemas/GetAccountEmailResponse/properties")
        .unwrap();
    answer["verifiedAt"] =
        serde_json::json!({"type": "string", "description": "When the address was verified."});
    *spec
        .pointer_mut("/paths/~1security~1verify-email/post/x-zapi-retry-safe")
        .unwrap() = serde_json::json!(false);
    let versioned = |side: Snapshot| Snapshot {
        version: Some("0.2.0".into()),
        ..side
    };
    let review = review::review(
        &versioned(with_code(base)),
        &versioned(with_code(serde_json::to_string_pretty(&spec).unwrap())),
        &AcceptedFile::default(),
    )
    .unwrap();
    let markdown = review::report::markdown::render(&review, "HEAD");
    let readme =
        std::fs::read_to_string(xtask::codegen::workspace_root().join("README.md")).unwrap();
    let shown = readme
        .split("```markdown\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```\n").next())
        .expect("README shows a review in a ```markdown block");
    assert_eq!(
        shown.trim_end(),
        markdown.trim_end(),
        "README's review output is stale"
    );
}
