//! Snapshots of what the generated client exposes and what it sends. A spec
//! change shows up here as a readable diff: review it with `cargo insta review`.

use serde_json::Value;
use zapi_client::types;
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{client_for, render_request, spec, surface};

/// The Rust API of the code the spec produces: operations, signatures, types,
/// fields and their serde names.
#[test]
fn public_surface() {
    let root = xtask::codegen::workspace_root();
    let generated = xtask::codegen::generate(&root.join(xtask::codegen::SPEC_PATH))
        .expect("the spec generates");
    insta::assert_snapshot!(surface::render(&generated));
}

/// Sends one operation with the spec's example input to a local server that
/// answers the spec's 200 example, and renders the request it received.
async fn wire<F, Fut>(path: &str, method: &str, call: F) -> String
where
    F: FnOnce(zapi_client::Client, Option<Value>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let server =
        TestServer::replying(Reply::json(200, &spec::response_example(path, method))).await;
    let example = (method == "post" && path != "/security/email/remove")
        .then(|| spec::request_example(path, method));
    call(client_for(&server), example).await;
    render_request(&server.single_request(), &server)
}

#[tokio::test]
async fn wire_set_account_email() {
    let request = wire("/security/email", "post", |client, example| async move {
        let body: types::SetAccountEmailRequest = serde_json::from_value(example.unwrap()).unwrap();
        client.set_account_email().body(body).send().await.unwrap();
    })
    .await;
    insta::assert_snapshot!(request);
}

#[tokio::test]
async fn wire_verify_account_email() {
    let request = wire(
        "/security/verify-email",
        "post",
        |client, example| async move {
            let body: types::VerifyAccountEmailRequest =
                serde_json::from_value(example.unwrap()).unwrap();
            client
                .verify_account_email()
                .body(body)
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    insta::assert_snapshot!(request);
}

#[tokio::test]
async fn wire_get_account_email() {
    let request = wire("/security/email", "get", |client, _| async move {
        client.get_account_email().send().await.unwrap();
    })
    .await;
    insta::assert_snapshot!(request);
}

#[tokio::test]
async fn wire_remove_account_email() {
    let request = wire("/security/email/remove", "post", |client, _| async move {
        client.remove_account_email().send().await.unwrap();
    })
    .await;
    insta::assert_snapshot!(request);
}
