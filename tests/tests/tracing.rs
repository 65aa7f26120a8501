//! No secret in any trace line at any level, the dependencies' included:
//! every call of this binary runs under a subscriber that records everything
//! at TRACE for every target (and `log` records, which reqwest uses, through
//! tracing-log), through the safety scenarios: every kind of server fault,
//! hostile credentials, retries, secrets in request bodies echoed back. The
//! captured text must show the calls (so the capture works) and no instance
//! id, token, Client-Token, PIN or verification code, raw or percent-encoded.

use std::time::Duration;

use serde_json::json;
use zapi_client::{Client, RetryPolicy};
use zapi_client_tests::operation::Op;
use zapi_client_tests::server::{Reply, TestServer};

use zapi_client_tests::logs::capture_everything;

/// Hostile but valid credentials: characters that get percent-encoded.
const INSTANCE: &str = "3C0FFEE1/A2B3+C4D5?E6F7";
const TOKEN: &str = "F00DBABE#0123%456789ABCDEF";
const CLIENT_TOKEN: &str = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S";
const PIN: &str = "583920";
const FORGED: &str = "\u{1b}[2K\u{1b}[1G2030-01-01T00:00:00Z  INFO zapi_client: forged\r\n2030-01-01T00:00:01Z  INFO forged";
const CODE: &str = "Q7XK29";

fn encoded(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('/', "%2F")
        .replace('+', "%2B")
        .replace('?', "%3F")
        .replace('#', "%23")
}

/// A client of `server` as one of the four ways to have one (`setup` 0-3):
/// `Client::builder` or a shared `Transport`, with or without a
/// Client-Token.
fn client(server: &TestServer, retry: bool, setup: usize) -> Client {
    let policy = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20));
    let with_token = setup.is_multiple_of(2);
    if setup < 2 {
        let mut builder = Client::builder(INSTANCE, TOKEN)
            .base_url(server.base_url())
            .timeout(Duration::from_millis(300))
            .max_response_bytes(64 * 1024);
        if with_token {
            builder = builder.client_token(CLIENT_TOKEN);
        }
        if retry {
            builder = builder.retry(policy);
        }
        builder.build().unwrap()
    } else {
        let mut transport = zapi_client::Transport::builder()
            .base_url(server.base_url())
            .timeout(Duration::from_millis(300))
            .max_response_bytes(64 * 1024);
        if retry {
            transport = transport.retry(policy);
        }
        let mut instance = transport.build().unwrap().client(INSTANCE, TOKEN);
        if with_token {
            instance = instance.client_token(CLIENT_TOKEN);
        }
        instance.build().unwrap()
    }
}

/// The request body of `op` with the secrets in it.
fn body_with_secrets(op: Op) -> Option<serde_json::Value> {
    let mut body = op.request_example()?;
    if let Some(fields) = body.as_object_mut() {
        for (name, value) in fields.iter_mut() {
            *value = json!(match name.as_str() {
                "code" => PIN,
                "verificationCode" => CODE,
                _ => continue,
            });
        }
    }
    Some(body)
}

fn echo_everything() -> String {
    format!(
        "{INSTANCE} {TOKEN} {CLIENT_TOKEN} {PIN} {CODE} {} {}",
        encoded(INSTANCE),
        encoded(TOKEN)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_trace_line_at_any_level() {
    let captured = capture_everything();
    let echo = echo_everything();
    let faults = [
        Reply::json(200, &json!({"success": true, "message": echo})),
        Reply::json(200, &json!({"success": false, "message": echo})),
        Reply::json(400, &json!({"error": echo})),
        Reply::text(404, "text/html", &format!("<pre>Cannot POST {echo}</pre>")),
        Reply::text(500, "text/plain", &echo).with_header("x-echo", CLIENT_TOKEN),
        Reply::text(200, "text/html", &echo),
        Reply::text(307, "text/plain", "").with_header("location", "http://127.0.0.1:9/x"),
        Reply::Raw(format!("HTTP/1.1 200 OK\r\ncontent-length: 999\r\n\r\n{echo}").into_bytes()),
        Reply::Raw(Vec::new()),
        Reply::Hang,
        Reply::Chunked {
            status: 200,
            total: 1 << 20,
        },
        Reply::text(503, "text/plain", &echo),
        Reply::text(429, "text/plain", &echo).with_header("retry-after", "0"),
        // Hostile text: ANSI escapes, CR/LF and a forged log line.
        Reply::json(400, &json!({"error": FORGED})),
        Reply::json(200, &json!({"success": false, "message": FORGED})),
        Reply::text(503, "text/plain", FORGED),
    ];
    // Each operation through one of the four client set-ups in turn (all
    // four for every fault, without multiplying the calls), by
    // `send_checked` and, for two operations that carry secrets, `.send()`.
    for fault in faults {
        let server = TestServer::replying(fault).await;
        for (index, op) in Op::ALL.into_iter().enumerate() {
            for retry in [false, true] {
                let client = client(&server, retry, index % 4);
                let _ = op.call_with(&client, body_with_secrets(op).as_ref()).await;
            }
        }
        for setup in 0..4 {
            let client = client(&server, true, setup);
            let _ = client
                .set_security_code()
                .body_map(|b| b.code(PIN))
                .send()
                .await;
            let _ = client
                .verify_account_email()
                .body_map(|b| b.verification_code(CODE))
                .send()
                .await;
        }
    }
    // A transport asked for reqwest's byte-level connection logging.
    let server = TestServer::replying(Reply::json(200, &json!({"success": true}))).await;
    let verbose = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .configure_reqwest(|b| b.connection_verbose(true))
        .build()
        .unwrap();
    for op in Op::ALL {
        let _ = op.call_with(&verbose, body_with_secrets(op).as_ref()).await;
    }
    // Input refused before sending, with the secret in it.
    let server = TestServer::replying(Reply::json(200, &json!({"success": true}))).await;
    let _ = client(&server, false, 0)
        .set_security_code()
        .body_map(|b| b.code(format!("{PIN} ")))
        .send_checked()
        .await;

    let text = captured.text();
    // The capture saw the calls, their operations, statuses and retries...
    for expected in [
        "Z-API call succeeded",
        "Z-API call failed",
        "attempt answered",
        "http.request.resend_count=0",
        "http.request.resend_count=2",
        "reason=\"timeout\"",
        "reason=\"503\"",
        "zapi.call",
        "zapi.operation_id=\"confirm_security_code\"",
        "url.template=\"/security/two-fa-code\"",
        "http.response.status_code=503",
        "error.type=\"timeout\"",
        "retrying Z-API call",
        "hyper_util",
        "reqwest::connect",
    ] {
        assert!(text.contains(expected), "no {expected:?} in the capture");
    }
    assert!(
        text.lines()
            .any(|l| l.contains("attempt failed") && l.contains("error.type=\"timeout\"")),
        "no timed-out attempt in the capture"
    );
    // ... no raw escape sequence and no forged line...
    assert!(!text.contains('\u{1b}'), "an ANSI escape reached the log");
    assert!(
        !text.lines().any(|l| l.contains("2030-01-01")),
        "a forged log line"
    );
    // ... and no secret, raw or encoded.
    for secret in [
        INSTANCE.to_owned(),
        TOKEN.to_owned(),
        CLIENT_TOKEN.to_owned(),
        PIN.to_owned(),
        CODE.to_owned(),
        encoded(INSTANCE),
        encoded(TOKEN),
        "3C0FFEE1".to_owned(),
        "F00DBABE".to_owned(),
    ] {
        assert!(
            !text.contains(&secret),
            "{secret:?} leaked into a trace line:\n{}",
            text.lines()
                .find(|l| l.contains(&secret))
                .unwrap_or_default()
        );
    }
}
