//! The Rust verdicts, checked by the compiler: for each corpus case, a
//! witness crate written against the base's generated code
//! (`witness.rs`) is compiled against the case's generated code. It fails
//! to compile exactly when the review says a change breaks compiling.
//!
//! Slow (one `cargo check` of a copy of zapi-client per changed case, in one
//! batch): `#[ignore]`d, run by `.ci/run` with
//! `cargo test -p xtask --test review -- --ignored`. Offline: it needs only
//! what `cargo fetch` put in the registry cache.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xtask::review::{self, AcceptedFile, Direction, Review, RustBreak, Snapshot};

use crate::cases;
use crate::witness;

/// A corpus case, reviewed.
struct Reviewed {
    case: cases::Case,
    review: Review,
    /// Its index among the compiled pairs, when its code differs from the old side's.
    generated: Option<usize>,
}

/// What the compiler says of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compiler {
    /// The generated code is the base's: nothing to compile.
    SameCode,
    Compiles,
    Breaks,
    /// The copy of zapi-client with the case's generated code fails.
    ClientFails,
}

#[test]
#[ignore = "slow: compiles every changed corpus case; CI runs it"]
fn rust_verdicts_agree_with_the_compiler() {
    let started = Instant::now();
    let root = xtask::codegen::workspace_root();
    let work = root.join("target/review-compile");
    let side = |spec: &str, code: &str| Snapshot {
        generated: Some(code.to_owned()),
        ..Snapshot::spec(spec)
    };
    // The old side's code and witness, by old spec (most cases share the
    // base; a case with `base` edits has its own).
    let mut old_sides: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut old_side = |name: &str, spec: &str| -> (String, String) {
        old_sides
            .entry(spec.to_owned())
            .or_insert_with(|| {
                let code = generate(&work, &format!("{name}-old"), spec)
                    .unwrap_or_else(|e| panic!("{name}: the old spec does not generate: {e}"));
                let witness =
                    witness::witness(&code).unwrap_or_else(|e| panic!("{name}: no witness: {e}"));
                (code, witness)
            })
            .clone()
    };
    let base = old_side("base", &cases::load_corpus()[0].old_spec_text);
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut reviewed = Vec::new();
    let mut pairs = vec![(base.1.clone(), base.0.clone())];
    for case in cases::load_corpus() {
        let (old_code, old_witness) = old_side(&case.name, &case.old_spec_text);
        let code = match generate(&work, &case.name, &case.edited_spec_text) {
            Ok(code) => code,
            Err(e) => {
                // progenitor cannot generate it (two media types, two
                // success schemas): `cargo xtask codegen` would refuse the
                // change, so there is no crate to hold the verdict to.
                skipped.push(format!("{}: {}", case.name, e.lines().next().unwrap_or("")));
                continue;
            }
        };
        let review = review::review(
            &side(&case.old_spec_text, &old_code),
            &side(&case.edited_spec_text, &code),
            &AcceptedFile::default(),
        )
        .unwrap_or_else(|e| panic!("{}: the review fails: {e}", case.name));
        let generated = if code == old_code {
            None
        } else {
            pairs.push((old_witness, code));
            Some(pairs.len() - 1)
        };
        reviewed.push(Reviewed {
            case,
            review,
            generated,
        });
    }

    let errors = check(&root, &work, &pairs);
    if let Some(error) = errors
        .get(&Crate::Client(0))
        .or(errors.get(&Crate::Witness(0)))
    {
        panic!("the witness does not compile against the base's own code:\n{error}");
    }

    eprintln!("case | compiler | review");
    for Reviewed {
        case,
        review,
        generated,
    } in &reviewed
    {
        let (compiler, error) = match generated {
            None => (Compiler::SameCode, None),
            Some(n) => match (
                errors.get(&Crate::Client(*n)),
                errors.get(&Crate::Witness(*n)),
            ) {
                (Some(error), _) => (Compiler::ClientFails, Some(error)),
                (None, Some(error)) => (Compiler::Breaks, Some(error)),
                (None, None) => (Compiler::Compiles, None),
            },
        };
        eprintln!("{} | {compiler:?} | {}", case.name, verdicts(review));
        let breaks = compiler == Compiler::Breaks;
        let error = error.map(String::as_str).unwrap_or_default();
        if compiler == Compiler::ClientFails {
            failures.push(format!(
                "{}: the generator's output does not compile:\n{error}",
                case.name
            ));
        } else if breaks_compiling(review) != breaks {
            failures.push(format!(
                "{}: the compiler says {compiler:?}, the review: {}\n{error}",
                case.name,
                verdicts(review)
            ));
        } else if case.expect.iter().any(|e| e.rust == "compile") != breaks
            // Without the generated code an unknown keyword counts as a
            // Rust break; corpus.yaml holds that spec-only verdict.
            && !case
                .expect
                .iter()
                .any(|e| e.rule == "keyword-changed" || e.rule.ends_with("-schema-changed"))
        {
            failures.push(format!(
                "{}: the compiler says {compiler:?}, corpus.yaml expects: {}",
                case.name,
                case.expect
                    .iter()
                    .map(|e| format!("{} (rust: {})", e.rule, e.rust))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    eprintln!(
        "{} cases, {} compiled, in {:.0?}",
        reviewed.len(),
        pairs.len() - 1,
        started.elapsed()
    );
    eprintln!(
        "not generated, so not compiled ({}):\n  {}",
        skipped.len(),
        skipped.join("\n  ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The check means something only over many compiled cases.
    assert!(pairs.len() > 40, "only {} cases compiled", pairs.len() - 1);
}

fn breaks_compiling(review: &Review) -> bool {
    review
        .changes
        .iter()
        .any(|c| c.rust == Some(RustBreak::Compile))
}

/// `rule (wire, rust, behaviour)` for each top-level change, with the
/// Rust item changes under it that break compiling.
fn verdicts(review: &Review) -> String {
    let list: Vec<String> = review
        .changes
        .iter()
        .map(|c| {
            let items: Vec<&str> = c
                .items
                .iter()
                .filter(|i| i.rust == Some(RustBreak::Compile))
                .map(|i| i.location.as_str())
                .collect();
            // A Rust item change no spec change explains: which item.
            let rule = if c.direction == Direction::Rust {
                format!("{} `{}`", c.rule, c.location)
            } else {
                c.rule.clone()
            };
            format!(
                "{rule} (wire: {}, rust: {}, behaviour: {}{})",
                c.wire,
                c.rust.map_or("none", RustBreak::as_str),
                c.behaviour,
                if items.is_empty() {
                    String::new()
                } else {
                    format!("; items breaking compiling: {}", items.join(", "))
                }
            )
        })
        .collect();
    if list.is_empty() {
        "no change".into()
    } else {
        list.join("; ")
    }
}

/// The generated client module for `spec`, written to `work/specs/<name>.json`.
fn generate(work: &Path, name: &str, spec: &str) -> Result<String, String> {
    let dir = work.join("specs");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, spec).map_err(|e| e.to_string())?;
    // Patterns the client could not compile keep typify's regress check:
    // the verdicts are about the Rust API (each case crate has regress).
    xtask::codegen::generate_keeping_regex(&path).map_err(|e| e.to_string())
}

/// A crate of the check workspace: copy `n` of zapi-client or its witness
/// (0 holds the base's code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Crate {
    Client(usize),
    Witness(usize),
}

/// Checks, in one `cargo check` of a workspace under `work`, for each
/// `(witness, generated)` pair (the base's own first) a copy of zapi-client
/// with that generated module and the witness against it. Returns the first
/// error of each crate that fails.
fn check(root: &Path, work: &Path, pairs: &[(String, String)]) -> BTreeMap<Crate, String> {
    let workspace = work.join("workspace");
    // Leftover copies from an earlier, larger corpus would be checked too.
    let _ = std::fs::remove_dir_all(&workspace);
    let mut members = Vec::new();
    for (n, (witness, code)) in pairs.iter().enumerate() {
        let case = workspace.join(format!("case-{n}"));
        copy_client(root, &case.join("zapi-client"), n, code);
        write(
            &case.join("witness/Cargo.toml"),
            &format!(
                "[package]\nname = \"witness-case-{n}\"\nversion = \"0.0.0\"\n\
                 edition.workspace = true\npublish = false\n\n[dependencies]\n\
                 zapi_client = {{ package = \"zapi-client-case-{n}\", path = \"../zapi-client\" }}\n\
                 # What the generated code's signatures name.\n\
                 progenitor-client.workspace = true\nreqwest.workspace = true\n\
                 serde.workspace = true\nschemars.workspace = true\n"
            ),
        );
        write(&case.join("witness/src/lib.rs"), witness);
        members.push(format!("\"case-{n}/zapi-client\", \"case-{n}/witness\""));
    }
    // The root manifest's shared package fields, dependencies and profiles.
    let manifest = read(&root.join("Cargo.toml"));
    let shared = &manifest[manifest
        .find("[workspace.package]")
        .expect("Cargo.toml has [workspace.package]")..];
    write(
        &workspace.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\n    {}\n]\n\n{shared}",
            members.join(",\n    ")
        ),
    );
    // The workspace's versions: the check resolves nothing new.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("Cargo.lock");

    let started = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--workspace", "--keep-going"])
        .arg("--message-format=json")
        .current_dir(&workspace)
        // Its own target dir: `cargo test` holds the workspace's.
        .env("CARGO_TARGET_DIR", work.join("target"))
        // Each copy is checked once: incremental state would be gigabytes.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("cargo runs");
    eprintln!(
        "cargo check of {} copies of zapi-client and their witnesses: {:.0?}",
        pairs.len(),
        started.elapsed()
    );
    let mut errors = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let manifest = PathBuf::from(message["manifest_path"].as_str().unwrap_or_default());
        let Some(krate) = crate_of(&manifest) else {
            continue;
        };
        let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
        errors.entry(krate).or_insert_with(|| rendered.to_owned());
    }
    assert!(
        output.status.success() || !errors.is_empty(),
        "cargo check failed before compiling:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    errors
}

/// `.../case-<n>/{zapi-client,witness}/Cargo.toml` -> its crate.
fn crate_of(manifest: &Path) -> Option<Crate> {
    let dir = manifest.parent()?;
    let n = dir
        .parent()?
        .file_name()?
        .to_str()?
        .strip_prefix("case-")?
        .parse()
        .ok()?;
    match dir.file_name()?.to_str()? {
        "zapi-client" => Some(Crate::Client(n)),
        "witness" => Some(Crate::Witness(n)),
        _ => None,
    }
}

/// zapi-client's library with `generated` as its generated module, as
/// package `zapi-client-case-<n>` whose library is still `zapi_client`.
fn copy_client(root: &Path, to: &Path, n: usize, generated: &str) {
    let from = root.join("zapi-client");
    copy_dir(&from.join("src"), &to.join("src"));
    write(&to.join("src/generated.rs"), generated);
    // Sections by header; the tests, benches and examples and their
    // dependencies stay behind.
    let manifest = read(&from.join("Cargo.toml"));
    let mut out = String::new();
    let mut keep = true;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = ![
                "[dev-dependencies]",
                "[[bench]]",
                "[[example]]",
                "[[test]]",
                "[lib]",
            ]
            .contains(&line.trim());
        }
        if !keep {
            continue;
        }
        if line.trim() == "[dependencies]" {
            out.push_str("[dependencies]\n# Patterns the generator leaves to regress (see `generate`).\nregress.workspace = true\n");
            continue;
        }
        if line.trim() == "name = \"zapi-client\"" {
            out.push_str(&format!("name = \"zapi-client-case-{n}\"\n"));
        } else if line.starts_with("default = ") {
            // No TLS stack (the generated code does not depend on it, and
            // ring's C build is the slowest part); `schemars` for the
            // `JsonSchema` derives it gates.
            out.push_str("default = [\"tracing\", \"schemars\"]\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("\n[lib]\nname = \"zapi_client\"\n");
    assert!(
        out.contains(&format!("zapi-client-case-{n}")),
        "zapi-client/Cargo.toml: no name line"
    );
    write(&to.join("Cargo.toml"), &out);
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("a directory entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            write(&target, &read(&path));
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
