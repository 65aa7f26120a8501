//! zapi-client's simulator (feature `simulator`) behaves like the service
//! its module docs describe: state per instance, per-instance credentials
//! with and without a Client-Token, the gateway's refusals, and the fault
//! switches; through `Client::builder` and through `Transport`.

use std::collections::BTreeSet;
use std::time::Duration;

use zapi_client::simulator::{Fault, Instance, Simulator};
use zapi_client::{Client, Error, RetryPolicy, Transport};
use zapi_client_tests::operation::Op;
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, spec};

/// A simulator serving `INSTANCE` with `CLIENT_TOKEN` activated.
async fn simulator() -> Simulator {
    let simulator = Simulator::start().await.unwrap();
    simulator.add_instance(Instance::new(INSTANCE, TOKEN).client_token(CLIENT_TOKEN));
    simulator
}

fn client(simulator: &Simulator, client_token: Option<&str>) -> Client {
    let mut builder = Client::builder(INSTANCE, TOKEN).base_url(simulator.base_url());
    if let Some(client_token) = client_token {
        builder = builder.client_token(client_token);
    }
    builder.build().unwrap()
}

async fn has_email(client: &Client) -> bool {
    client
        .get_account_email()
        .send_checked()
        .await
        .unwrap()
        .has_email
}

async fn set_email(client: &Client) -> Result<(), Error> {
    client
        .set_account_email()
        .body_map(|b| b.email("someone@example.com"))
        .send_checked()
        .await
        .map(drop)
}

#[tokio::test]
async fn set_verify_get_remove_behaves_like_the_service() {
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));

    assert!(!has_email(&client).await);
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
    assert_eq!(simulator.inbox_code(INSTANCE), None, "the code is used up");
    let verified = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(verified.verified, Some(true));

    let removed = client.remove_account_email().send_checked().await.unwrap();
    assert_eq!(removed.message.as_deref(), Some("REMOVED"));
    let gone = client.get_account_email().send_checked().await.unwrap();
    assert!(!gone.has_email);
    assert_eq!(gone.email, None);
}

#[tokio::test]
async fn the_pin_flow_behaves_like_the_service() {
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));
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
    set_email(&client).await.unwrap();
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

/// Each instance has its own token, Client-Token (or none) and account.
#[tokio::test]
async fn instances_have_their_own_credentials_and_accounts() {
    let simulator = simulator().await;
    simulator.add_instance(Instance::new("NEW-ACCOUNT", "NEW-TOKEN"));
    let first = client(&simulator, Some(CLIENT_TOKEN));
    let new_account = Client::builder("NEW-ACCOUNT", "NEW-TOKEN")
        .base_url(simulator.base_url())
        .build()
        .unwrap();

    set_email(&first).await.unwrap();
    assert!(has_email(&first).await);
    assert!(!has_email(&new_account).await, "instances are kept apart");
    assert_eq!(simulator.inbox_code("NEW-ACCOUNT"), None);

    // Another instance's token, or an instance nobody added: 404.
    for (instance, token) in [(INSTANCE, "NEW-TOKEN"), ("NOBODY", TOKEN)] {
        let stranger = Client::builder(instance, token)
            .client_token(CLIENT_TOKEN)
            .base_url(simulator.base_url())
            .build()
            .unwrap();
        let error = stranger
            .get_account_email()
            .send_checked()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
        assert_eq!(error.server_message(), Some("Instance not found"));
    }

    // Re-adding an instance changes its credentials, not its account.
    simulator.add_instance(Instance::new(INSTANCE, TOKEN));
    assert!(has_email(&client(&simulator, None)).await);
}

#[tokio::test]
async fn an_activated_client_token_is_enforced_like_the_service_does() {
    let simulator = simulator().await;
    let missing = client(&simulator, None)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(missing.server_message(), Some("null not allowed"));

    let wrong = client(&simulator, Some("not-the-client-token"))
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(wrong.status().map(|s| s.as_u16()), Some(401), "{wrong:?}");
    assert_eq!(simulator.inbox_code(INSTANCE), None);
}

/// A new account has no Client-Token: requests without the header work,
/// through `Client::builder` and through a shared `Transport`; one sent
/// anyway is ignored.
#[tokio::test]
async fn an_instance_without_client_token_needs_no_header() {
    let simulator = Simulator::start().await.unwrap();
    simulator.add_instance(Instance::new(INSTANCE, TOKEN));
    let transport = Transport::builder()
        .base_url(simulator.base_url())
        .build()
        .unwrap();
    let clients = [
        client(&simulator, None),
        client(&simulator, Some(CLIENT_TOKEN)),
        transport.client(INSTANCE, TOKEN).build().unwrap(),
        transport
            .client(INSTANCE, TOKEN)
            .client_token(CLIENT_TOKEN)
            .build()
            .unwrap(),
    ];
    for client in &clients {
        set_email(client).await.unwrap();
        assert!(has_email(client).await);
        client.remove_account_email().send_checked().await.unwrap();
    }
    assert_eq!(simulator.calls("set_account_email"), clients.len());
}

/// Every operation of the spec, at its method and path, is served under its
/// operationId, and the simulator serves nothing else.
#[tokio::test]
async fn the_simulator_serves_exactly_the_spec_operations() {
    let served: BTreeSet<&str> = Simulator::operation_ids().collect();
    let in_spec = spec::operation_ids();
    let in_spec: BTreeSet<&str> = in_spec.iter().map(String::as_str).collect();
    assert_eq!(served, in_spec);
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));
    for op in Op::ALL {
        // The spec's example input; the answer may be `success: false`
        // (confirming a PIN the account does not have), never an error status.
        let answer = op.call(&client).await;
        assert!(
            matches!(answer, Ok(_) | Err(Error::Unsuccessful { .. })),
            "{op:?}: {answer:?}"
        );
        assert_eq!(simulator.calls(op.id()), 1, "{op:?}");
    }
}

/// Raw requests the client would never send: the gateway's checks, and the
/// simulator's header on every answer.
#[tokio::test]
async fn method_content_type_and_body_are_enforced() {
    let simulator = simulator().await;
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
            http.get(url("no-such-operation"))
                .header("client-token", CLIENT_TOKEN),
            404,
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
        (
            http.get(url("email")).header("client-token", CLIENT_TOKEN),
            200,
        ),
    ];
    for (request, status) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(
            // The README's name, not the constant: renaming it must fail here.
            response.headers()["X-Zapi-Simulator"],
            zapi_client::USER_AGENT
                .strip_prefix("zapi-client/")
                .unwrap(),
            "the simulator says who answered, and its version"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        if status != 200 {
            assert!(body["error"].is_string(), "{body}");
        }
    }
}

#[tokio::test]
async fn unsuccessful_fault_answers_success_false_and_changes_nothing() {
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));
    simulator.fail_next(
        "set_account_email",
        2,
        Fault::unsuccessful("email already in use"),
    );
    for _ in 0..2 {
        let error = set_email(&client).await.unwrap_err();
        assert!(
            matches!(&error, Error::Unsuccessful { message: Some(m) } if m == "email already in use"),
            "{error:?}"
        );
    }
    assert!(!has_email(&client).await);
    set_email(&client)
        .await
        .expect("the third call is answered");
    assert!(has_email(&client).await);
    assert_eq!(simulator.calls("set_account_email"), 3);
}

#[tokio::test]
async fn status_fault_with_body_and_retry_after() {
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));
    simulator.fail_next(
        "get_account_email",
        1,
        Fault::Status {
            status: 429,
            body: Some(r#"{"error": "slow down"}"#.into()),
            retry_after: Some(7),
        },
    );
    let error = client.get_account_email().send_checked().await.unwrap_err();
    match &error {
        Error::Api {
            status,
            message,
            retry_after,
            ..
        } => {
            assert_eq!(status.as_u16(), 429);
            assert_eq!(message.as_deref(), Some("slow down"));
            assert_eq!(*retry_after, Some(Duration::from_secs(7)));
        }
        other => panic!("{other:?}"),
    }

    // Without a body: the status alone.
    simulator.fail_next("get_account_email", 1, Fault::status(500));
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error:?}");
    assert_eq!(error.server_message(), None);
    assert!(!has_email(&client).await, "then it answers again");
}

/// A retrying client gets through N failures of a retry-safe operation;
/// `calls` shows each attempt.
#[tokio::test]
async fn a_retrying_client_gets_through_the_armed_failures() {
    let simulator = simulator().await;
    let client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(simulator.base_url())
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    simulator.fail_next("get_account_email", 2, Fault::status(503));
    assert!(!has_email(&client).await);
    assert_eq!(simulator.calls("get_account_email"), 3);

    simulator.fail_next("get_account_email", 3, Fault::status(503));
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(simulator.calls("get_account_email"), 6);
}

#[tokio::test]
async fn delay_fault_answers_late_and_the_call_is_done() {
    let simulator = simulator().await;
    let impatient = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(simulator.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    simulator.fail_next("set_account_email", 1, Fault::Delay(Duration::from_secs(2)));
    let error = set_email(&impatient).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        has_email(&impatient).await,
        "the call timed out, but the account changed, as with the real service"
    );

    // Under the client's timeout: answered, late.
    simulator.fail_next(
        "get_account_email",
        1,
        Fault::Delay(Duration::from_millis(50)),
    );
    assert!(has_email(&impatient).await);
}

#[tokio::test]
async fn drop_fault_closes_the_connection_and_changes_nothing() {
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));
    simulator.fail_next("set_account_email", 1, Fault::DropConnection);
    let error = set_email(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!has_email(&client).await);
    assert_eq!(simulator.calls("set_account_email"), 1);
}

#[tokio::test]
async fn faults_for_one_instance_leave_the_others_alone_and_can_be_cleared() {
    let simulator = simulator().await;
    simulator.add_instance(Instance::new("OTHER", "OTHER-TOKEN"));
    let other = Client::builder("OTHER", "OTHER-TOKEN")
        .base_url(simulator.base_url())
        .build()
        .unwrap();
    let client = client(&simulator, Some(CLIENT_TOKEN));
    simulator.fail_next_for("OTHER", "get_account_email", 5, Fault::status(503));
    assert!(!has_email(&client).await);
    let error = other.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));

    simulator.clear_faults();
    assert!(!has_email(&other).await);
}

#[tokio::test]
#[should_panic(expected = "the simulator has no operation \"set_acount_email\"")]
async fn a_fault_for_an_unknown_operation_is_refused() {
    let simulator = simulator().await;
    simulator.fail_next("set_acount_email", 1, Fault::status(500));
}

#[tokio::test]
async fn no_credential_in_debug() {
    let simulator = simulator().await;
    let instance = Instance::new(INSTANCE, TOKEN).client_token(CLIENT_TOKEN);
    let shown = format!("{simulator:?} {instance:?} {instance:#?}");
    for secret in [INSTANCE, TOKEN, CLIENT_TOKEN] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains(simulator.base_url()), "{shown}");
}

/// Dropped, it answers nothing more, on kept-alive connections too.
#[tokio::test]
async fn a_dropped_simulator_answers_nothing() {
    let simulator = simulator().await;
    let client = client(&simulator, Some(CLIENT_TOKEN));
    assert!(!has_email(&client).await, "a kept-alive connection is open");
    drop(simulator);
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}
