//! Snapshots of what the generated client exposes and what it sends. A spec
//! change shows up here as a readable diff: review it with `cargo insta review`.

use xtask::surface;
use zapi_client_tests::operation::Op;
use zapi_client_tests::render_request;

/// The Rust API of the code the spec produces: operations, signatures, types,
/// fields and their serde names.
#[test]
fn public_surface() {
    let root = xtask::codegen::workspace_root();
    let generated = xtask::codegen::generate(&root.join(xtask::codegen::SPEC_PATH))
        .expect("the spec generates");
    insta::assert_snapshot!(surface::render(&generated));
}

/// The Rust API of the httpmock helpers (feature `mock`) the spec produces,
/// path matchers included.
#[test]
fn public_surface_mock() {
    let root = xtask::codegen::workspace_root();
    let generated = xtask::codegen::generate_mock(&root.join(xtask::codegen::SPEC_PATH))
        .expect("the spec generates");
    let mut surface = surface::render(&generated);
    surface.push_str("\n// Path matchers\n");
    for line in generated.lines().filter(|l| l.contains("path_matches(")) {
        surface.push_str(&format!("// {}\n", line.trim()));
    }
    insta::assert_snapshot!(surface);
}

/// The Rust API of the hand-written layer: the `pub` items of the files
/// `surface::HAND_WRITTEN_PATHS` lists (client/, error.rs, outcome.rs,
/// answer_values.rs, retry.rs) and the re-exports of lib.rs, so a change to
/// `ClientBuilder`, `Error` or `RetryPolicy` shows in review like a spec change.
#[test]
fn public_surface_hand_written() {
    insta::assert_snapshot!(hand_written_surface(&surface::HAND_WRITTEN_PATHS));
}

/// The public items of these hand-written files (paths from the workspace root).
fn hand_written_surface(paths: &[&str]) -> String {
    let root = xtask::codegen::workspace_root();
    let files: Vec<(&str, String)> = paths
        .iter()
        .map(|path| {
            let source = std::fs::read_to_string(root.join(path)).expect("a hand-written module");
            (*path, source)
        })
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, s)| (*p, s.as_str())).collect();
    surface::render_hand_written(&files).expect("the hand-written modules parse")
}

/// Each operation, sent with the spec's example input to a local server that
/// answers the spec's 200 example: the request it received.
#[tokio::test]
async fn wire() {
    for op in Op::ALL {
        let (_, request, server) = op.send_example().await;
        let request = render_request(&request, &server);
        insta::assert_snapshot!(format!("wire_{}", op.id()), request);
    }
}

/// The Rust API of the simulator (feature `simulator`), so a change to it
/// shows in review. Not in `surface::HAND_WRITTEN_PATHS`: `cargo xtask
/// review` reads those at the base revision too, where these files may not
/// exist yet.
#[test]
fn public_surface_simulator() {
    insta::assert_snapshot!(hand_written_surface(&[
        "zapi-client/src/simulator/mod.rs",
        "zapi-client/src/simulator/faults.rs",
    ]));
}
