//! Every operation end to end against a local server: what goes on the wire,
//! how the documented answers decode, and how documented errors come back.

use serde_json::json;
use zapi_client::{Client, Error, GeneratedError};
use zapi_client_tests::operation::Op;
use zapi_client_tests::server::{RecordedRequest, Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, client_for};

fn assert_wire(op: Op, request: &RecordedRequest) {
    let (method, path) = op.method_and_path();
    assert_eq!(request.method, method, "{op:?}");
    assert_eq!(
        request.target,
        format!("/instances/{INSTANCE}/token/{TOKEN}{path}"),
        "{op:?}"
    );
    assert_eq!(request.header("client-token"), Some(CLIENT_TOKEN), "{op:?}");
    assert_eq!(
        request.header("user-agent"),
        Some(zapi_client::USER_AGENT),
        "{op:?}"
    );
    match op.request_example() {
        Some(body) => {
            assert_eq!(
                request.header("content-type"),
                Some("application/json"),
                "{op:?}"
            );
            assert_eq!(request.json(), body, "{op:?}");
        }
        None => assert!(request.body.is_empty(), "{op:?} sends no body"),
    }
}

#[tokio::test]
async fn every_operation_sends_the_documented_request_and_decodes_the_documented_answer() {
    for op in Op::ALL {
        let (answer, request, _) = op.send_example().await;
        assert_eq!(answer, op.response_example(), "{op:?}");
        assert_wire(op, &request);
    }
}

#[tokio::test]
async fn documented_error_statuses_carry_status_and_server_message() {
    for op in Op::ALL {
        for status in [400u16, 405, 415] {
            let message = format!("refused with {status}");
            let server =
                TestServer::replying(Reply::json(status, &json!({"error": message}))).await;
            match op.call(&client_for(&server)).await {
                Err(Error::Api {
                    status: got,
                    message: Some(got_message),
                    ..
                }) => {
                    assert_eq!(got.as_u16(), status, "{op:?}");
                    assert_eq!(got_message, message, "{op:?} {status}");
                }
                other => panic!("{op:?} {status}: expected Error::Api, got {other:?}"),
            }
            assert_wire(op, &server.single_request());
        }
    }
}

#[tokio::test]
async fn generated_send_keeps_the_documented_error_body() {
    let server =
        TestServer::replying(Reply::json(400, &json!({"error": "null not allowed"}))).await;
    let result = client_for(&server).get_account_email().send().await;
    let Err(GeneratedError::ErrorResponse(body)) = result else {
        panic!("expected ErrorResponse, got {result:?}");
    };
    assert_eq!(body.status().as_u16(), 400);
    assert_eq!(body.error.as_deref(), Some("null not allowed"));
}

#[tokio::test]
async fn get_decodes_an_account_without_email() {
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false, "email": null}),
    ))
    .await;
    let answer = client_for(&server)
        .get_account_email()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(answer.success);
    assert!(!answer.has_email);
    assert_eq!(answer.email, None);
    assert_eq!(answer.verified, None);
}

#[tokio::test]
async fn every_operations_failure_answer_is_unsuccessful_with_the_message() {
    for op in Op::ALL {
        let server = TestServer::replying(Reply::json(
            200,
            &op.failure_answer("instance not connected"),
        ))
        .await;
        match op.call(&client_for(&server)).await {
            Err(Error::Unsuccessful { message }) => {
                assert_eq!(message.as_deref(), Some("instance not connected"), "{op:?}")
            }
            other => panic!("{op:?}: expected Unsuccessful, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn without_a_client_token_no_header_is_sent() {
    let server =
        TestServer::replying(Reply::json(200, &Op::GetAccountEmail.response_example())).await;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .build()
        .unwrap();
    client.get_account_email().send_checked().await.unwrap();
    let request = server.single_request();
    assert!(
        request
            .headers
            .iter()
            .all(|(name, _)| name != "client-token"),
        "{:?}",
        request.headers
    );
}

#[tokio::test]
async fn null_not_allowed_names_the_client_token() {
    let server =
        TestServer::replying(Reply::json(400, &json!({"error": "null not allowed"}))).await;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.server_message(), Some("null not allowed"));
    assert!(
        error.to_string().contains("ClientBuilder::client_token"),
        "{error}"
    );
}

#[tokio::test]
async fn success_false_in_a_200_is_an_error_with_the_message() {
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": false, "message": "Email inválido"}),
    ))
    .await;
    let error = client_for(&server)
        .set_account_email()
        .body_map(|b| b.email("someone@example.com"))
        .send_checked()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Unsuccessful { message: Some(m) } if m == "Email inválido"),
        "{error:?}"
    );
    // The generated `send()` hands the same answer over as it came.
    let raw = client_for(&server)
        .set_account_email()
        .body_map(|b| b.email("someone@example.com"))
        .send()
        .await
        .unwrap();
    assert!(!raw.success);
}

#[tokio::test]
async fn invalid_email_is_rejected_before_sending() {
    let server = TestServer::replying(Reply::json(200, &json!({"success": true}))).await;
    let client = client_for(&server);
    for email in ["", "no-at-sign.example.com", "two words@example.com", "a@"] {
        let result = client
            .set_account_email()
            .body_map(|b| b.email(email))
            .send_checked()
            .await;
        assert!(
            matches!(&result, Err(Error::InvalidInput { field, .. }) if field == "email"),
            "{email:?}: {result:?}"
        );
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn base_url_path_stem_is_kept_before_the_credentials() {
    let server =
        TestServer::replying(Reply::json(200, &Op::GetAccountEmail.response_example())).await;
    let client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(format!("{}/zapi/", server.base_url()))
        .build()
        .unwrap();
    client.get_account_email().send().await.unwrap();
    assert_eq!(
        server.single_request().target,
        format!("/zapi/instances/{INSTANCE}/token/{TOKEN}/security/email")
    );
}

#[test]
fn client_and_builder_debug_show_no_credential() {
    let builder = Client::builder(INSTANCE, TOKEN).client_token(CLIENT_TOKEN);
    let client = builder.clone().build().unwrap();
    let request_builder = client.get_account_email();
    for text in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{request_builder:?}"),
    ] {
        for secret in [INSTANCE, TOKEN, CLIENT_TOKEN] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
        assert!(text.contains("<redacted>"), "{text}");
    }
}

#[test]
fn unusable_credentials_are_refused_at_build_time() {
    let cases = [
        ("", TOKEN, CLIENT_TOKEN, "invalid instance id: is empty"),
        (
            "..",
            TOKEN,
            CLIENT_TOKEN,
            "invalid instance id: is '.' or '..', which would change the request path",
        ),
        (
            INSTANCE,
            ".",
            CLIENT_TOKEN,
            "invalid instance token: is '.' or '..', which would change the request path",
        ),
        (
            INSTANCE,
            "a\nb",
            CLIENT_TOKEN,
            "invalid instance token: contains a control character",
        ),
        (
            INSTANCE,
            TOKEN,
            "",
            "invalid Client-Token: is empty (leave it unset for an account whose security token is not activated)",
        ),
        (
            INSTANCE,
            TOKEN,
            "abc\r\nX-Injected: 1",
            "invalid Client-Token: must be printable ASCII without spaces or control characters",
        ),
    ];
    for (instance, token, client_token, expected) in cases {
        let error = Client::builder(instance, token)
            .client_token(client_token)
            .build()
            .unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
}
