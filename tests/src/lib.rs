//! Helpers for the workspace's tests: a capturing HTTP server on 127.0.0.1
//! and the spec's examples. The public-surface rendering is `xtask::surface`,
//! shared with `cargo xtask review`.

#[rustfmt::skip]
mod generated_operations;
pub mod logs;
pub mod operation;
pub mod server;
pub mod spec;

use server::{RecordedRequest, TestServer};

/// Test credentials: distinct, so a placeholder can stand for each in snapshots.
pub const INSTANCE: &str = "3C0FFEE1A2B3C4D5E6F7";
pub const TOKEN: &str = "F00DBABE0123456789ABCDEF";
pub const CLIENT_TOKEN: &str = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S";

/// A client with the test credentials, talking to `server`.
pub fn client_for(server: &TestServer) -> zapi_client::Client {
    zapi_client::Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .build()
        .expect("test credentials are valid")
}

/// A client whose base URL is a local port nobody listens on.
pub fn client_for_closed_port() -> zapi_client::Client {
    // Bind, take the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    zapi_client::Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("test credentials are valid")
}

/// A request as text for a snapshot: request line, headers sorted by name,
/// then the body (pretty JSON when it is JSON). Credentials, the port and the
/// crate version become placeholders.
pub fn render_request(request: &RecordedRequest, server: &TestServer) -> String {
    let scrub = |s: &str| {
        s.replace(INSTANCE, "{instance}")
            .replace(TOKEN, "{token}")
            .replace(CLIENT_TOKEN, "{client_token}")
            .replace(&format!(":{}", server.port()), ":{port}")
            .replace(zapi_client::USER_AGENT, "zapi-client/{version}")
    };
    let mut out = format!("{} {}\n", request.method, scrub(&request.target));
    let mut headers = request.headers.clone();
    headers.sort();
    for (name, value) in headers {
        out.push_str(&format!("{name}: {}\n", scrub(&value)));
    }
    if !request.body.is_empty() {
        out.push('\n');
        match serde_json::from_slice::<serde_json::Value>(&request.body) {
            Ok(json) => out.push_str(&serde_json::to_string_pretty(&json).expect("JSON")),
            Err(_) => out.push_str(&scrub(&String::from_utf8_lossy(&request.body))),
        }
        out.push('\n');
    }
    out
}

/// Asserts that the README holds, as a ```rust block, the code of a test
/// file (`this`, its text; `name`, its file name) between its first blank
/// line and its `readme_shows_this_file` test.
pub fn assert_readme_shows(this: &str, name: &str) {
    let readme = include_str!("../../README.md");
    let code = this.split("\n\n").skip(1).collect::<Vec<_>>().join("\n\n");
    let example = code
        .split("\n#[test]\nfn readme_shows_this_file()")
        .next()
        .unwrap_or_default();
    assert!(
        readme.contains(&format!("```rust\n{example}```\n")),
        "the README's example differs from tests/tests/{name}: copy one to the other"
    );
}

// The README's Rust example compiles as a doctest of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExample;
