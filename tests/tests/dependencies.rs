//! A crate that depends on zapi-client compiles the checked-in client, never
//! the generator.

use std::process::Command;

#[test]
fn zapi_client_does_not_depend_on_the_generator() {
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
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).expect("UTF-8");
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"progenitor-client"), "{tree}");
    for generator in [
        "progenitor",
        "progenitor-impl",
        "typify",
        "openapiv3",
        "prettyplease",
    ] {
        assert!(
            !crates.contains(&generator),
            "zapi-client depends on {generator}:\n{tree}"
        );
    }
}
