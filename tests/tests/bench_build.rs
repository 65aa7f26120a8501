//! `cargo xtask bench` measures zapi-client as a user builds it: the bench
//! crate (xtask/bench-client) gets zapi-client with its default features
//! only, none of the workspace's test features (`mock` brings httpmock and
//! turns on tracing's `log` feature; a bench target inside zapi-client
//! carried them through its dev-dependencies).

use std::process::Command;

/// `cargo tree` of the bench crate's build: `name [features]` per line.
fn bench_tree() -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--package",
            "zapi-client-bench",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p} [{f}]",
            "--locked",
            "--offline",
        ])
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

/// The features of crate `name` in `tree`, one entry per distinct line.
fn features_of<'a>(tree: &'a str, name: &str) -> Vec<&'a str> {
    let mut found: Vec<&str> = tree
        .lines()
        .filter(|line| line.split_whitespace().next() == Some(name))
        .filter_map(|line| line.split_once('[')?.1.split_once(']').map(|(f, _)| f))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[test]
fn the_bench_builds_zapi_client_with_its_default_features_only() {
    let tree = bench_tree();
    assert_eq!(
        features_of(&tree, "zapi-client"),
        ["default,rustls-ring,tracing"],
        "{tree}"
    );
    assert!(features_of(&tree, "httpmock").is_empty(), "{tree}");
    assert!(features_of(&tree, "schemars").is_empty(), "{tree}");
    let tracing = features_of(&tree, "tracing");
    assert!(!tracing.is_empty(), "{tree}");
    for features in tracing {
        assert!(
            !features.split(',').any(|f| f == "log"),
            "tracing with `log` in the bench build: {features}"
        );
    }
}
