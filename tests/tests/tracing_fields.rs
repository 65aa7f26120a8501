//! Each `zapi.call` span field is recorded once, however many retries (a fmt
//! subscriber prints every recording, so a repeat shows as
//! `resend_count=0 resend_count=1 resend_count=2`); a client's label is on
//! its spans, through `Client::builder` and `Transport`, with and without a
//! Client-Token; the error after retries says how many attempts were made.
//! Its own binary: the subscriber is process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zapi_client::{BuildError, Client, RetryPolicy, Transport};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn retry() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

#[tokio::test]
async fn fields_once_per_span_labels_and_attempts() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let server = zapi_client_tests::logs::pin_busy_email_ok().await;
    let transport = Transport::builder()
        .base_url(server.base_url())
        .retry(retry())
        .build()
        .unwrap();
    let mut clients = Vec::new();
    for with_token in [false, true] {
        let mut own = Client::builder("instance-1", "token-1")
            .base_url(server.base_url())
            .retry(retry())
            .label("store-own");
        let mut shared = transport
            .client("instance-1", "token-1")
            .label("store-shared");
        if with_token {
            own = own.client_token("client-token-1");
            shared = shared.client_token("client-token-1");
        }
        clients.push(("store-own", own.build().unwrap()));
        clients.push(("store-shared", shared.build().unwrap()));
    }

    for (label, client) in &clients {
        captured.0.lock().unwrap().clear();
        let error = client
            .get_has_security_code()
            .send_checked()
            .await
            .unwrap_err();
        assert_eq!(error.attempts(), Some(3), "{error:?}");
        assert!(error.to_string().ends_with("(after 3 attempts)"), "{error}");
        client.get_account_email().send_checked().await.unwrap();

        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        for line in text.lines() {
            for field in [
                "http.request.resend_count=",
                "http.response.status_code=",
                "error.type=",
                "zapi.client.label=",
                "zapi.elapsed_ms=",
            ] {
                assert!(
                    line.matches(field).count() <= 1,
                    "{field} more than once in: {line}"
                );
            }
            if line.contains("zapi.call{") {
                assert!(
                    line.contains(&format!("zapi.client.label=\"{label}\"")),
                    "no label in: {line}"
                );
            }
        }
        let failed = text
            .lines()
            .find(|l| l.contains("Z-API call failed"))
            .expect("the failure's end");
        for expected in [
            "http.request.resend_count=2",
            "http.response.status_code=503",
            "error.type=\"api\"",
        ] {
            assert!(failed.contains(expected), "no {expected} in: {failed}");
        }
        let succeeded = text
            .lines()
            .find(|l| l.contains("Z-API call succeeded"))
            .expect("the success's end");
        for expected in [
            "http.request.resend_count=0",
            "http.response.status_code=200",
        ] {
            assert!(
                succeeded.contains(expected),
                "no {expected} in: {succeeded}"
            );
        }
    }

    // Without retries: one attempt, and Display says nothing of attempts.
    let once = Client::builder("instance-1", "token-1")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = once
        .get_has_security_code()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), Some(1));
    assert!(!error.to_string().contains("attempt"), "{error}");
}

#[test]
fn labels_are_checked() {
    let too_long = "x".repeat(65);
    for (label, reason) in [
        ("", "is empty"),
        (too_long.as_str(), "is over 64 characters"),
        ("store\n42", "contains a control character"),
        ("instance-1", "is one of the credentials"),
        ("token-1", "is one of the credentials"),
        ("client-token-1", "is one of the credentials"),
    ] {
        let own = Client::builder("instance-1", "token-1")
            .client_token("client-token-1")
            .label(label)
            .build();
        let shared = Transport::builder()
            .build()
            .unwrap()
            .client("instance-1", "token-1")
            .client_token("client-token-1")
            .label(label)
            .build();
        for built in [own, shared] {
            let error = built.unwrap_err();
            assert!(
                matches!(&error, BuildError::InvalidLabel { reason: r } if r.starts_with(reason)),
                "{label:?}: {error:?}"
            );
        }
    }
    let longest = "é".repeat(64);
    assert!(
        Client::builder("instance-1", "token-1")
            .label(longest)
            .build()
            .is_ok()
    );
}
