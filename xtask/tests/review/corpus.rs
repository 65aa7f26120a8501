//! The corpus: every case's changes are exactly the expected ones; every
//! rule of the registry has a case; the rules table in the docs is the
//! registry's.

use xtask::review::{self, AcceptedFile, Snapshot, registry};

use super::cases::{self, Expected};

fn review_case(case: &cases::Case) -> review::Review {
    review::review(
        &Snapshot::spec(case.old_spec_text.clone()),
        &Snapshot::spec(case.edited_spec_text.clone()),
        &AcceptedFile::default(),
    )
    .unwrap_or_else(|e| panic!("case `{}`: {e}", case.name))
}

#[test]
fn every_case_finds_exactly_its_expected_changes() {
    let corpus = cases::load_corpus();
    assert!(corpus.len() >= 80, "the corpus has {} cases", corpus.len());
    let mut wrong = Vec::new();
    for case in &corpus {
        let found = cases::found(&review_case(case));
        if found != case.expect {
            let show = |list: &[Expected]| {
                list.iter()
                    .map(|e| {
                        format!(
                            "{{rule: {}, wire: {}, rust: {}, behaviour: {}}}",
                            e.rule, e.wire, e.rust, e.behaviour
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n      - ")
            };
            wrong.push(format!(
                "{}:\n    expected:\n      - {}\n    found:\n      - {}",
                case.name,
                show(&case.expect),
                show(&found)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} case(s) differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_rule_has_a_case_and_every_case_names_known_rules() {
    let corpus = cases::load_corpus();
    let expected: Vec<&Expected> = corpus.iter().flat_map(|c| &c.expect).collect();
    for e in &expected {
        assert!(
            registry::lookup(&e.rule).is_some(),
            "`{}` is not in the registry",
            e.rule
        );
    }
    // Rust item rules need generated code; scenarios.rs covers them.
    let missing: Vec<&str> = registry::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !id.starts_with("rust-item-"))
        .filter(|id| !expected.iter().any(|e| registry::matches(id, &e.rule)))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a corpus case: {missing:?}"
    );
    let names: std::collections::BTreeSet<&str> = corpus.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), corpus.len(), "case names are unique");
}

#[test]
fn a_case_without_a_change_in_meaning_is_not_breaking() {
    for case in cases::load_corpus() {
        let review = review_case(&case);
        let meaningful = review.changes.iter().any(|c| c.breaking() || c.behaviour);
        if case
            .expect
            .iter()
            .all(|e| !e.wire && e.rust == "none" && !e.behaviour)
        {
            assert!(!meaningful, "`{}`: {:?}", case.name, review.changes);
        }
    }
}

#[test]
fn the_base_and_the_live_spec_compared_with_themselves_change_nothing() {
    let live =
        std::fs::read_to_string(xtask::codegen::workspace_root().join(xtask::codegen::SPEC_PATH))
            .unwrap();
    for text in [cases::base_spec_text(), live] {
        let side = Snapshot::spec(text);
        let review = review::review(&side, &side, &AcceptedFile::default()).unwrap();
        assert!(review.changes.is_empty(), "{:?}", review.changes);
    }
}

#[test]
fn the_rules_table_in_the_docs_is_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/review/rules.md");
    let table = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        table,
        registry::table(),
        "run `cargo xtask review --rules > xtask/src/review/rules.md`"
    );
    // The README's table names registered rules only.
    let readme =
        std::fs::read_to_string(xtask::codegen::workspace_root().join("README.md")).unwrap();
    let section = readme
        .split("## Reviewing an API change")
        .nth(1)
        .expect("README has the section");
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let id = line.split('`').nth(1).unwrap();
        assert!(
            registry::RULES.iter().any(|r| r.id == id),
            "README names `{id}`, which the registry does not have"
        );
    }
}
