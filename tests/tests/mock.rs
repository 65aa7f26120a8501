//! The typed httpmock helpers (feature `mock`) match what the client really
//! sends, for every operation, and answer with the spec's types.

use zapi_client::mock::MockServerExt;
use zapi_client::mock::httpmock::MockServer;
use zapi_client::types;
use zapi_client_tests::operation::Op;
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

/// The spec's 200 example of `op`, as its typed answer.
fn example<T: serde::de::DeserializeOwned>(op: Op) -> T {
    serde_json::from_value(op.response_example()).unwrap()
}

/// The spec's request example of `op`, as its typed request.
fn request<T: serde::de::DeserializeOwned>(op: Op) -> T {
    serde_json::from_value(op.request_example().unwrap()).unwrap()
}

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
        let mocks = [
            server.set_account_email(|when, then| {
                let body: types::SetAccountEmailRequest =
                    serde_json::from_value(Op::Set.request_example().unwrap()).unwrap();
                when.body(&body);
                then.ok(&example(Op::Set));
            }),
            server.verify_account_email(|when, then| {
                let body: types::VerifyAccountEmailRequest =
                    serde_json::from_value(Op::Verify.request_example().unwrap()).unwrap();
                when.body(&body);
                then.ok(&example(Op::Verify));
            }),
            server.get_account_email(|_, then| {
                then.ok(&example(Op::Get));
            }),
            server.remove_account_email(|_, then| {
                then.ok(&example(Op::Remove));
            }),
            server.set_security_code(|when, then| {
                when.body(&request(Op::SetPin));
                then.ok(&example(Op::SetPin));
            }),
            server.get_has_security_code(|_, then| {
                then.ok(&example(Op::GetHasPin));
            }),
            server.remove_security_code(|_, then| {
                then.ok(&example(Op::RemovePin));
            }),
            server.confirm_security_code(|when, then| {
                when.body(&request(Op::ConfirmPin));
                then.ok(&example(Op::ConfirmPin));
            }),
            server.forgot_security_code(|_, then| {
                then.ok(&example(Op::ForgotPin));
            }),
        ];
        assert_eq!(mocks.len(), Op::ALL.len(), "a mock per operation");
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
