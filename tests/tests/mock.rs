//! The typed httpmock helpers (feature `mock`) match what the client really
//! sends, for every operation, and answer with the spec's types.

use zapi_client::mock::MockServerExt;
use zapi_client::mock::httpmock::MockServer;
use zapi_client::types;
use zapi_client_tests::operation::Op;
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

fn client(server: &MockServer, instance: &str) -> zapi_client::Client {
    zapi_client::Client::builder(instance, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_operation_is_matched_by_its_typed_mock() {
    // Hostile-looking instance ids are percent-encoded into one segment,
    // which the mocks' credential-prefix matcher accepts.
    for instance in [INSTANCE, "a+b", "a%b/c"] {
        let server = MockServer::start_async().await;
        // One typed mock per operation, generated from the spec
        // (tests/src/generated_operations.rs).
        let mocks: Vec<_> = Op::ALL.iter().map(|op| op.mock_example(&server)).collect();
        let client = client(&server, instance);
        for op in Op::ALL {
            let answer = op
                .call(&client)
                .await
                .unwrap_or_else(|e| panic!("{op:?} {instance:?}: {e}"));
            assert_eq!(answer, op.response_example(), "{op:?}");
        }
        for mock in &mocks {
            mock.assert_async().await;
        }
    }
}

#[tokio::test]
async fn typed_error_answers_come_back_as_errors() {
    let server = MockServer::start_async().await;
    server.get_account_email(|_, then| {
        then.bad_request(&types::ErrorBody {
            error: Some("null not allowed".into()),
            message: None,
        });
    });
    let error = client(&server, INSTANCE)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.server_message(), Some("null not allowed"));
}

/// Clients for `instance` on `server`: through `Client::builder` and through
/// a shared `Transport`, each with and without a Client-Token.
fn clients(
    server: &MockServer,
    instance: &str,
    timeout_ms: u64,
) -> Vec<(bool, zapi_client::Client)> {
    let timeout = std::time::Duration::from_millis(timeout_ms);
    let transport = zapi_client::Transport::builder()
        .base_url(server.base_url())
        .timeout(timeout)
        .build()
        .unwrap();
    let mut clients = Vec::new();
    for with_token in [false, true] {
        let mut own = zapi_client::Client::builder(instance, TOKEN)
            .base_url(server.base_url())
            .timeout(timeout);
        let mut shared = transport.client(instance, TOKEN);
        if with_token {
            own = own.client_token(CLIENT_TOKEN);
            shared = shared.client_token(CLIENT_TOKEN);
        }
        clients.push((with_token, own.build().unwrap()));
        clients.push((with_token, shared.build().unwrap()));
    }
    clients
}

#[tokio::test]
async fn then_answers_a_failure_any_status_retry_after_and_a_delay() {
    let server = MockServer::start_async().await;
    let failure = server.get_account_email(|when, then| {
        when.instance("store-a");
        then.failure("not a mobile instance");
    });
    let limited = server.get_has_security_code(|when, then| {
        when.instance("store-a");
        then.json(
            429,
            &types::ErrorBody {
                error: Some("slow down".into()),
                message: None,
            },
        )
        .retry_after(7);
    });
    let unavailable = server.remove_security_code(|when, then| {
        when.instance("store-a");
        then.status(503);
    });
    let slow = server.forgot_security_code(|when, then| {
        when.instance("store-a");
        then.delay(std::time::Duration::from_millis(400))
            .ok(&types::ForgotSecurityCodeResponse {
                success: true,
                ..Default::default()
            });
    });
    for (_, client) in clients(&server, "store-a", 150) {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert!(
            matches!(&error, zapi_client::Error::Unsuccessful { message: Some(m) } if m == "not a mobile instance"),
            "{error:?}"
        );
        let error = client
            .get_has_security_code()
            .send_checked()
            .await
            .unwrap_err();
        let zapi_client::Error::Api {
            status,
            message,
            retry_after,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*status, zapi_client::StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(message.as_deref(), Some("slow down"));
        assert_eq!(*retry_after, Some(std::time::Duration::from_secs(7)));
        let error = client
            .remove_security_code()
            .send_checked()
            .await
            .unwrap_err();
        assert_eq!(
            error.status(),
            Some(zapi_client::StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(error.server_message(), None);
        let error = client
            .forgot_security_code()
            .send_checked()
            .await
            .unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
    }
    // Another instance's requests match none of them (httpmock answers 404).
    for (_, client) in clients(&server, "store-b", 150) {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert_eq!(error.status(), Some(zapi_client::StatusCode::NOT_FOUND));
    }
    failure.assert_calls_async(4).await;
    limited.assert_calls_async(4).await;
    unavailable.assert_calls_async(4).await;
    slow.assert_calls_async(4).await;
}

#[tokio::test]
async fn when_matches_the_token_and_the_client_token() {
    let server = MockServer::start_async().await;
    let with = server.get_account_email(|when, then| {
        when.token(TOKEN).client_token(CLIENT_TOKEN);
        then.ok(&types::GetAccountEmailResponse {
            success: true,
            has_email: true,
            ..Default::default()
        });
    });
    let without = server.get_account_email(|when, then| {
        when.token(TOKEN).no_client_token();
        then.ok(&types::GetAccountEmailResponse {
            success: true,
            ..Default::default()
        });
    });
    for (with_token, client) in clients(&server, "a%b/c", 2_000) {
        let answer = client.get_account_email().send_checked().await.unwrap();
        assert_eq!(answer.has_email, with_token);
    }
    with.assert_calls_async(2).await;
    without.assert_calls_async(2).await;
    // Another token matches neither.
    let other = zapi_client::Client::builder(INSTANCE, "another-token")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = other.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status(), Some(zapi_client::StatusCode::NOT_FOUND));
}

#[test]
fn answer_types_have_a_default_and_a_failure_constructor() {
    let failure = types::SetAccountEmailResponse::failure("email already in use");
    assert_eq!(
        serde_json::to_value(&failure).unwrap(),
        serde_json::json!({"success": false, "message": "email already in use"})
    );
    let pin = types::GetHasSecurityCodeResponse {
        success: true,
        has_code: true,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&pin).unwrap(),
        serde_json::json!({"success": true, "hasCode": true})
    );
}

/// Every answer type's `Default` is the README's: its success property
/// (`success`, or `available` for the availability check) false, nothing
/// else set (other flags false, optional values absent).
#[test]
fn every_answer_default_says_failure_and_nothing_else() {
    for op in Op::ALL {
        let default = op.default_answer();
        let fields = default.as_object().expect("an object");
        assert_eq!(
            fields.get(op.success_field()),
            Some(&serde_json::json!(false)),
            "{op:?}"
        );
        for (name, value) in fields {
            assert!(
                value == &serde_json::json!(false) || value.is_null(),
                "{op:?}: {name} is {value} by default"
            );
        }
    }
}
