//! The README's typed-mock example, verbatim, run as a real test: a doctest
//! would wrap it in `fn main` and never run the `#[tokio::test]` inside.
//! `readme_shows_this_file` fails when the README's copy differs.

use zapi_client::mock::{MockServerExt, httpmock::MockServer};
use zapi_client::{Client, Error, types};

#[tokio::test]
async fn registers_the_email() {
    let server = MockServer::start_async().await;
    let mock = server.set_account_email(|when, then| {
        when.body(&types::SetAccountEmailRequest {
            email: "someone@example.com".parse().unwrap(),
        });
        then.ok(&types::SetAccountEmailResponse {
            success: true,
            message: Some("VERIFY_EMAIL".into()),
        });
    });
    let client = Client::builder("instance", "token")
        .client_token("client-token")
        .base_url(server.base_url())
        .build()
        .unwrap();

    let answer = client
        .set_account_email()
        .body_map(|body| body.email("someone@example.com"))
        .send_checked()
        .await
        .unwrap();
    assert_eq!(answer.message.as_deref(), Some("VERIFY_EMAIL"));
    mock.assert_async().await;
}

#[tokio::test]
async fn reports_that_z_api_refused() {
    let server = MockServer::start_async().await;
    server.set_account_email(|when, then| {
        when.instance("instance"); // this instance's requests only
        then.failure("email already in use"); // HTTP 200, "success": false
    });
    server.get_has_security_code(|_, then| {
        then.status(503).retry_after(2); // any status, with or without a body
    });
    let client = Client::builder("instance", "token")
        .base_url(server.base_url())
        .build()
        .unwrap();

    let error = client
        .set_account_email()
        .body_map(|body| body.email("someone@example.com"))
        .send_checked()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Unsuccessful { message: Some(m) } if m == "email already in use")
    );
    let error = client
        .get_has_security_code()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(zapi_client::StatusCode::SERVICE_UNAVAILABLE)
    );
}

#[test]
fn readme_shows_this_file() {
    zapi_client_tests::assert_readme_shows(
        include_str!("readme_mock_example.rs"),
        "readme_mock_example.rs",
    );
}
