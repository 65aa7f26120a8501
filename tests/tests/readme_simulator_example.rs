//! The README's simulator example, verbatim, run as a real test: a user's
//! program and its test, through zapi-client's public API and its
//! `simulator` feature only. `readme_shows_this_file` fails when the README's
//! copy differs.

use zapi_client::simulator::{Fault, Instance, Simulator};
use zapi_client::{Client, Error, RetryPolicy};

/// The program under test: whether the account's email is verified.
async fn email_verified(client: &Client) -> Result<bool, Error> {
    let answer = client.get_account_email().send_checked().await?;
    Ok(answer.verified == Some(true))
}

#[tokio::test]
async fn gets_through_an_outage_and_reports_a_refusal() {
    let simulator = Simulator::start().await.unwrap();
    simulator
        .add_instance(Instance::new("my-instance", "my-token").client_token("my-client-token"));
    let client = Client::builder("my-instance", "my-token")
        .client_token("my-client-token")
        .base_url(simulator.base_url())
        .retry(RetryPolicy::default())
        .build()
        .unwrap();

    // Register and verify an email, as the account owner would.
    client
        .set_account_email()
        .body_map(|body| body.email("someone@example.com"))
        .send_checked()
        .await
        .unwrap();
    let code = simulator.inbox_code("my-instance").unwrap();
    client
        .verify_account_email()
        .body_map(|body| body.verification_code(code))
        .send_checked()
        .await
        .unwrap();

    // Z-API answers 503 twice, then recovers: the retries get through.
    simulator.fail_next("get_account_email", 2, Fault::status(503));
    assert!(email_verified(&client).await.unwrap());
    assert_eq!(simulator.calls("get_account_email"), 3);

    // A refusal is not retried: the program gets Z-API's message.
    simulator.fail_next(
        "get_account_email",
        1,
        Fault::unsuccessful("instance not connected"),
    );
    let error = email_verified(&client).await.unwrap_err();
    assert_eq!(error.server_message(), Some("instance not connected"));
    assert_eq!(simulator.calls("get_account_email"), 4);
}

#[test]
fn readme_shows_this_file() {
    zapi_client_tests::assert_readme_shows(
        include_str!("readme_simulator_example.rs"),
        "readme_simulator_example.rs",
    );
}
