//! The package a user downloads (`cargo package -p zapi-client`): what it
//! ships, what its manifest says, and the minimum Rust version it claims.
//! .ci/run also unpacks the package and builds it with its examples, offline.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

fn cargo(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// `cargo metadata` (with dependencies, from the lock file).
fn metadata() -> Value {
    let text = cargo(&["metadata", "--format-version", "1", "--locked", "--offline"]);
    serde_json::from_str(&text).expect("cargo metadata is JSON")
}

fn zapi_client(metadata: &Value) -> &Value {
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "zapi-client" && p["source"].is_null())
        .expect("the workspace's zapi-client")
}

#[test]
fn the_package_ships_readme_licenses_and_only_what_builds_from_it() {
    // --allow-dirty: listing only, so the test also runs before a commit.
    let list = cargo(&[
        "package",
        "--list",
        "--allow-dirty",
        "--offline",
        "--locked",
        "--package",
        "zapi-client",
    ]);
    let files: Vec<&str> = list.lines().collect();
    for expected in [
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "Cargo.toml",
        "Cargo.lock",
        "src/lib.rs",
        "src/simulator/mod.rs",
        "examples/simulator.rs",
        "examples/support/mod.rs",
    ] {
        assert!(files.contains(&expected), "{expected} not in:\n{list}");
    }
    let shipped = |file: &&str| {
        ["src/", "examples/", "LICENSE-"]
            .iter()
            .any(|prefix| file.starts_with(prefix))
            || [
                "README.md",
                "Cargo.toml",
                "Cargo.toml.orig",
                "Cargo.lock",
                ".cargo_vcs_info.json",
            ]
            .contains(file)
    };
    let unexpected: Vec<&&str> = files.iter().filter(|f| !shipped(f)).collect();
    assert!(
        unexpected.is_empty(),
        "the package ships {unexpected:?} (benches and MUTANTS.md cannot build or mean nothing there)"
    );
}

#[test]
fn the_manifest_says_what_the_crate_is_and_names_no_repository() {
    let metadata = metadata();
    let package = zapi_client(&metadata);
    assert!(package["repository"].is_null(), "no repository exists yet");
    assert!(package["homepage"].is_null(), "no homepage exists yet");
    assert_eq!(package["license"], "MIT OR Apache-2.0");
    assert!(package["readme"].as_str().unwrap().ends_with("README.md"));
    let description = package["description"].as_str().unwrap();
    for topic in ["Z-API", "registering a number", "email", "PIN", "simulator"] {
        assert!(description.contains(topic), "{description}");
    }
    assert!(package["keywords"].as_array().unwrap().len() <= 5);
    assert!(package["categories"].as_array().unwrap().len() <= 5);

    // docs.rs documents every feature a user needs, and each exists.
    let docs_rs = &package["metadata"]["docs"]["rs"];
    let features: Vec<&str> = docs_rs["features"]
        .as_array()
        .expect("[package.metadata.docs.rs] features")
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(features, ["mock", "schemars", "tracing", "simulator"]);
    for feature in features {
        assert!(package["features"][feature].is_array(), "{feature}");
    }
    assert_eq!(
        docs_rs["rustdoc-args"],
        serde_json::json!(["--cfg", "docsrs"])
    );
}

/// The registry page shows the README without a repository to resolve
/// relative links against: every link is absolute or an anchor.
#[test]
fn the_readme_has_no_relative_links() {
    let readme = include_str!("../../README.md");
    let relative: Vec<&str> = readme
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|target| !(target.starts_with("https://") || target.starts_with('#')))
        .collect();
    assert!(relative.is_empty(), "relative links: {relative:?}");
}

/// The README's build-time figure is BENCHMARKS.md's latest
/// `consumer_build`, rounded to two places: no hand-copied number left behind
/// when the benchmark is rerun.
#[test]
fn the_readmes_build_time_ratio_is_the_latest_benchmarks() {
    let readme = include_str!("../../README.md");
    let benchmarks = include_str!("../../BENCHMARKS.md");
    let latest = benchmarks
        .split("## Latest run")
        .nth(1)
        .expect("BENCHMARKS.md has a \"Latest run\" section");
    let measured: f64 = latest
        .lines()
        .find_map(|line| line.strip_prefix("| consumer_build | "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .expect("a consumer_build row with its value");
    let quoted = readme
        .split("a depending crate builds in ")
        .nth(1)
        .and_then(|rest| rest.split("x the time").next())
        .expect("the README quotes the ratio");
    assert_eq!(quoted, format!("{measured:.2}"), "README vs BENCHMARKS.md");
}

/// `rust-version` is the highest `rust-version` among the dependencies the
/// lock file resolves for zapi-client with every user feature: no older
/// toolchain can build it (README, "Minimum Rust version"). zapi-client's own
/// code is held to it by clippy's `incompatible_msrv` lint, which CI runs
/// with warnings denied.
#[test]
fn rust_version_is_the_floor_the_dependencies_set() {
    let tree = cargo(&[
        "tree",
        "--package",
        "zapi-client",
        "--edges",
        "normal",
        "--features",
        "rustls-ring,rustls-aws-lc,native-tls,tracing,mock,schemars,simulator",
        "--prefix",
        "none",
        "--format",
        "{p}",
        "--locked",
        "--offline",
    ]);
    let in_tree: Vec<(&str, &str)> = tree
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?.trim_start_matches('v')))
        })
        .collect();
    let metadata = metadata();
    let declared: BTreeMap<(&str, &str), &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            Some((
                (p["name"].as_str()?, p["version"].as_str()?),
                p["rust_version"].as_str()?,
            ))
        })
        .collect();
    // "1.88" and "1.88.0" are the same version.
    let version = |v: &str| -> [u32; 3] {
        let mut parts = v.split('.').map(|n| n.parse::<u32>().unwrap());
        [0; 3].map(|_| parts.next().unwrap_or(0))
    };
    let (floor, set_by) = in_tree
        .iter()
        .filter(|(name, _)| *name != "zapi-client")
        .filter_map(|key| Some((version(declared.get(key)?), key.0)))
        .max()
        .expect("dependencies declare rust-version");
    let claimed = version(zapi_client(&metadata)["rust_version"].as_str().unwrap());
    assert_eq!(
        claimed, floor,
        "zapi-client's rust-version is not the floor set by {set_by}"
    );
}
