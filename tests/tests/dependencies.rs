//! A crate that depends on zapi-client compiles the checked-in client, never
//! the generator; the `tracing` feature adds no crate to its build.

use std::collections::BTreeSet;
use std::process::Command;

/// `cargo tree` of zapi-client's normal dependencies with `features`, as
/// one `name version` per line.
fn tree(features: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--package",
            "zapi-client",
            "--edges",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "--locked"])
        .args(features)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn crates(tree: &str) -> BTreeSet<&str> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

/// README, "Logs and traces": the `tracing` feature "adds nothing to a
/// depending crate's build, tracing is already under hyper-util".
#[test]
fn the_tracing_feature_adds_no_crate() {
    let without = tree(&["--no-default-features", "--features", "rustls-ring"]);
    let with = tree(&["--no-default-features", "--features", "rustls-ring,tracing"]);
    assert!(crates(&without).contains("tracing"), "{without}");
    let added: Vec<_> = crates(&with)
        .difference(&crates(&without))
        .copied()
        .collect();
    assert!(added.is_empty(), "the tracing feature adds {added:?}");
}

#[test]
fn zapi_client_does_not_depend_on_the_generator() {
    let tree = tree(&[]);
    let crates = crates(&tree);
    assert!(crates.contains("progenitor-client"), "{tree}");
    // No regex engine either: the spec's patterns are compiled to Rust
    // (xtask/src/codegen/patterns.rs; regress only checks them in tests).
    assert!(!crates.contains("regress"), "{tree}");
    for generator in [
        "progenitor",
        "progenitor-impl",
        "typify",
        "openapiv3",
        "prettyplease",
    ] {
        assert!(
            !crates.contains(generator),
            "zapi-client depends on {generator}:\n{tree}"
        );
    }
}
