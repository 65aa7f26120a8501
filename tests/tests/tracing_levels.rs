//! The README's "Logs and traces", level by level: at INFO a failed call is
//! one line, the `zapi.call` span with its OpenTelemetry fields, and each
//! retry is a line; a success and each attempt's outcome (DEBUG) are not
//! there. `.send()` gets the attempt and retry events without the span.
//! Each test sets its own subscriber for its thread (current-thread runtime:
//! the client's events are emitted on it).

use std::time::Duration;

use zapi_client::mock::httpmock::MockServer;
use zapi_client::{Client, RetryPolicy};
use zapi_client_tests::logs::Captured;

fn subscriber(level: tracing::Level, captured: &Captured) -> impl tracing::Subscriber {
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
}

/// A server whose PIN read answers 503 and whose email read succeeds, and a
/// client retrying 3 times.
async fn server_and_client() -> (MockServer, Client) {
    let server = zapi_client_tests::logs::pin_busy_email_ok().await;
    let client = Client::builder("instance-1", "token-1")
        .base_url(server.base_url())
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn at_info_a_failed_call_is_its_span_and_retries_and_a_success_is_silent() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(tracing::Level::INFO, &captured));
    let (_server, client) = server_and_client().await;

    client.get_account_email().send_checked().await.unwrap();
    assert_eq!(captured.text(), "", "a success at INFO prints nothing");

    client
        .get_has_security_code()
        .send_checked()
        .await
        .unwrap_err();
    let text = captured.text();
    let failed = text
        .lines()
        .find(|l| l.contains("Z-API call failed"))
        .unwrap_or_else(|| panic!("no failure line at INFO: {text}"));
    for expected in [
        " INFO ",
        "zapi.call{",
        "otel.name=GET /security/two-fa-code",
        "otel.kind=\"client\"",
        "zapi.operation_id=\"get_has_security_code\"",
        "http.request.method=\"GET\"",
        "url.template=\"/security/two-fa-code\"",
        "http.request.resend_count=2",
        "http.response.status_code=503",
        "error.type=\"api\"",
        "zapi.elapsed_ms=",
    ] {
        assert!(failed.contains(expected), "no {expected} in: {failed}");
    }
    let retries: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("retrying Z-API call"))
        .collect();
    assert_eq!(retries.len(), 2, "{text}");
    assert!(
        retries
            .iter()
            .all(|l| l.contains(" INFO ") && l.contains("zapi.call{"))
    );
    for debug_only in ["attempt answered", "Z-API call succeeded", "DEBUG"] {
        assert!(!text.contains(debug_only), "{debug_only} at INFO: {text}");
    }
}

#[tokio::test]
async fn at_debug_each_attempt_and_the_success_are_there() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(tracing::Level::DEBUG, &captured));
    let (_server, client) = server_and_client().await;
    client.get_account_email().send_checked().await.unwrap();
    client
        .get_has_security_code()
        .send_checked()
        .await
        .unwrap_err();
    let text = captured.text();
    let succeeded = text
        .lines()
        .find(|l| l.contains("Z-API call succeeded"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(succeeded.contains("DEBUG") && succeeded.contains("zapi.call{"));
    let attempts = text
        .lines()
        .filter(|l| l.contains("attempt answered"))
        .filter(|l| l.contains("DEBUG") && l.contains("http.response.status_code=503"))
        .count();
    assert_eq!(attempts, 3, "{text}");
}

#[tokio::test]
async fn send_gets_attempt_and_retry_events_without_the_span() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(tracing::Level::DEBUG, &captured));
    let (_server, client) = server_and_client().await;
    client.get_has_security_code().send().await.unwrap_err();
    let text = captured.text();
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("attempt answered"))
            .count(),
        3,
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("retrying Z-API call"))
            .count(),
        2,
        "{text}"
    );
    assert!(!text.contains("zapi.call"), "a span for send(): {text}");
}
