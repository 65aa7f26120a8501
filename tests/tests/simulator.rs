//! The local Z-API simulator behaves like the service, and the client walks
//! the whole email flow against it.

use zapi_client::{Client, Error};
use zapi_client_tests::simulator::Simulator;
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

fn client(simulator: &Simulator, client_token: &str) -> Client {
    Client::builder(INSTANCE, TOKEN)
        .client_token(client_token)
        .base_url(simulator.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn set_verify_get_remove_behaves_like_the_service() {
    let simulator = Simulator::start(CLIENT_TOKEN).await;
    let client = client(&simulator, CLIENT_TOKEN);

    let none = client.get_account_email().send_checked().await.unwrap();
    assert!(!none.has_email);

    let set = client
        .set_account_email()
        .body_map(|b| b.email("someone@example.com"))
        .send_checked()
        .await
        .unwrap();
    assert_eq!(set.message.as_deref(), Some("VERIFY_EMAIL"));
    let pending = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(pending.email.as_deref(), Some("someone@example.com"));
    assert_eq!(pending.verified, Some(false));

    let code = simulator.inbox_code(INSTANCE).expect("a code was emailed");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = client
        .verify_account_email()
        .body_map(|b| b.verification_code(wrong))
        .send_checked()
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Unsuccessful { .. }), "{refused:?}");
    let still = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(still.verified, Some(false), "a wrong code verifies nothing");

    client
        .verify_account_email()
        .body_map(|b| b.verification_code(code.as_str()))
        .send_checked()
        .await
        .unwrap();
    let verified = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(verified.verified, Some(true));

    let removed = client.remove_account_email().send_checked().await.unwrap();
    assert_eq!(removed.message.as_deref(), Some("REMOVED"));
    let gone = client.get_account_email().send_checked().await.unwrap();
    assert!(!gone.has_email);
    assert_eq!(gone.email, None);
}

#[tokio::test]
async fn instances_are_kept_apart() {
    let simulator = Simulator::start(CLIENT_TOKEN).await;
    client(&simulator, CLIENT_TOKEN)
        .set_account_email()
        .body_map(|b| b.email("someone@example.com"))
        .send_checked()
        .await
        .unwrap();
    let other = Client::builder("OTHER-INSTANCE", TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(simulator.base_url())
        .build()
        .unwrap();
    assert!(
        !other
            .get_account_email()
            .send_checked()
            .await
            .unwrap()
            .has_email
    );
}

#[tokio::test]
async fn a_wrong_client_token_is_refused_like_the_service_does() {
    let simulator = Simulator::start(CLIENT_TOKEN).await;
    let error = client(&simulator, "not-the-token")
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(
        error.server_message(),
        Some("null not allowed"),
        "{error:?}"
    );
}

/// Raw requests the client would never send: the simulator's own checks.
#[tokio::test]
async fn method_content_type_and_body_are_enforced() {
    let simulator = Simulator::start(CLIENT_TOKEN).await;
    let url = |op: &str| {
        format!(
            "{}/instances/{INSTANCE}/token/{TOKEN}/security/{op}",
            simulator.base_url()
        )
    };
    // zapi-client turns on reqwest's rustls-no-provider: a plain reqwest
    // client then needs a process-wide crypto provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Plain HTTP only: no roots, so reqwest does not read the system CA
    // store (CI runs the tests without one).
    let http = reqwest::Client::builder()
        .tls_certs_only([])
        .build()
        .unwrap();
    let cases = [
        (
            http.get(url("verify-email"))
                .header("client-token", CLIENT_TOKEN),
            405,
        ),
        (
            http.delete(url("email"))
                .header("client-token", CLIENT_TOKEN),
            405,
        ),
        (
            http.post(url("email"))
                .header("client-token", CLIENT_TOKEN)
                .body(r#"{"email":"a@b.co"}"#),
            415,
        ),
        (
            http.post(url("email"))
                .header("client-token", CLIENT_TOKEN)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
        ),
        (
            http.post(url("email"))
                .header("client-token", CLIENT_TOKEN)
                .header("content-type", "application/json")
                .body(r#"{"mail":"a@b.co"}"#),
            400,
        ),
        (http.get(url("email")), 400),
    ];
    for (request, status) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn the_pin_flow_behaves_like_the_service() {
    let simulator = Simulator::start(CLIENT_TOKEN).await;
    let client = client(&simulator, CLIENT_TOKEN);
    let has_pin = || async {
        client
            .get_has_security_code()
            .send_checked()
            .await
            .unwrap()
            .has_code
    };

    assert!(!has_pin().await);
    client
        .set_security_code()
        .body_map(|b| b.code("246810"))
        .send_checked()
        .await
        .unwrap();
    assert!(has_pin().await);

    // Confirming checks the PIN.
    let confirm = |code: &'static str| {
        client
            .confirm_security_code()
            .body_map(move |b| b.code(code))
            .send_checked()
    };
    assert!(confirm("246810").await.is_ok());
    let wrong = confirm("999999").await.unwrap_err();
    assert!(
        matches!(&wrong, Error::Unsuccessful { message: Some(m) } if m == "wrong PIN"),
        "{wrong:?}"
    );

    // The reset link needs a verified email.
    let forgot = || client.forgot_security_code().send_checked();
    let refused = forgot().await.unwrap_err();
    assert_eq!(
        refused.server_message(),
        Some("the account has no verified email")
    );
    assert_eq!(simulator.pin_reset_emails(INSTANCE), 0);
    client
        .set_account_email()
        .body_map(|b| b.email("owner@example.com"))
        .send_checked()
        .await
        .unwrap();
    let code = simulator.inbox_code(INSTANCE).unwrap();
    client
        .verify_account_email()
        .body_map(|b| b.verification_code(code))
        .send_checked()
        .await
        .unwrap();
    forgot().await.unwrap();
    assert_eq!(simulator.pin_reset_emails(INSTANCE), 1);

    client.remove_security_code().send_checked().await.unwrap();
    assert!(!has_pin().await);
    let again = client
        .remove_security_code()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(again.server_message(), Some("the account has no PIN"));
}
