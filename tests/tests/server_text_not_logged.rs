//! "Server messages are never logged": whatever an answer holds (a message,
//! an error, an excerpt, a header, a reason phrase, text that echoes the
//! request's secrets or forges a log line), none of it reaches a trace or
//! `log` line at any level, of any target, for every operation, through
//! `Client::builder` and `Transport`, with and without a Client-Token, with
//! retries and the settling read of a refused retry. Its own binary: it
//! installs the global subscriber.

use std::time::Duration;

use serde_json::json;
use zapi_client::simulator::{Fault, Instance, Simulator};
use zapi_client::{Client, RetryPolicy, Transport};
use zapi_client_tests::operation::Op;
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

use zapi_client_tests::logs::capture_everything;

/// In every piece of server text below; never in a log line.
const MARK: &str = "SRVTXT7Q";

fn answers() -> Vec<Reply> {
    let text = format!("{MARK} echo {CLIENT_TOKEN} \n2030-01-01T00:00:00Z INFO forged");
    vec![
        Reply::json(400, &json!({"error": text})),
        Reply::json(401, &json!({"message": text})),
        Reply::json(200, &json!({"success": false, "message": text})),
        Reply::text(
            200,
            "application/json",
            &format!("{{\"success\": \"{MARK}\""),
        ),
        Reply::text(500, "text/html", &format!("<h1>{MARK}</h1>")),
        Reply::text(503, "text/plain", MARK).with_header("retry-after", "0"),
        Reply::json(200, &json!({"success": true, "message": text})).with_header("x-echo", MARK),
        Reply::Raw(format!("HTTP/1.1 418 {MARK}\r\ncontent-length: 0\r\n\r\n").into_bytes()),
        Reply::Raw(
            format!("HTTP/1.1 200 OK\r\ncontent-length: 90\r\n\r\n{{\"{MARK}\"").into_bytes(),
        ),
        Reply::Trickle {
            status: 400,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(&json!({"error": text})).unwrap(),
        },
    ]
}

fn clients(base_url: &str) -> Vec<Client> {
    let policy = RetryPolicy::default()
        .max_attempts(2)
        .initial_backoff(Duration::from_millis(1));
    let transport = Transport::builder()
        .base_url(base_url)
        .retry(policy)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    vec![
        Client::builder(INSTANCE, TOKEN)
            .client_token(CLIENT_TOKEN)
            .base_url(base_url)
            .retry(policy)
            .build()
            .unwrap(),
        Client::builder(INSTANCE, TOKEN)
            .base_url(base_url)
            .retry(policy)
            .build()
            .unwrap(),
        transport
            .client(INSTANCE, TOKEN)
            .client_token(CLIENT_TOKEN)
            .build()
            .unwrap(),
        transport.client(INSTANCE, TOKEN).build().unwrap(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_server_text_reaches_a_log_line_at_any_level() {
    let captured = capture_everything();
    let mut answered = tokio::task::JoinSet::new();
    for answer in answers() {
        answered.spawn(async move {
            let server = TestServer::replying(answer).await;
            let mut calls = 0;
            for client in clients(&server.base_url()) {
                for op in Op::ALL {
                    let _ = op.call(&client).await;
                    calls += 1;
                }
            }
            calls
        });
    }
    let mut calls = 0;
    while let Some(done) = answered.join_next().await {
        calls += done.unwrap();
    }
    // The settling read after a lost answer and a refused retry, with a
    // refusal message that carries the mark.
    let simulator = Simulator::start().await.unwrap();
    simulator.add_instance(Instance::new(INSTANCE, TOKEN));
    let client = &clients(simulator.base_url())[1];
    Op::SetSecurityCode.call(client).await.unwrap();
    simulator.fail_next(Op::RemoveSecurityCode.id(), 1, Fault::LoseAnswer);
    simulator.fail_next(Op::RemoveSecurityCode.id(), 1, Fault::unsuccessful(MARK));
    simulator.fail_next(Op::GetHasSecurityCode.id(), 2, Fault::unsuccessful(MARK));
    let _ = Op::RemoveSecurityCode.call(client).await;

    let text = captured.text();
    // The capture works: every level the calls log at is there.
    for expected in ["zapi.call", "DEBUG", "INFO", "TRACE", "retrying Z-API call"] {
        assert!(text.contains(expected), "{expected} not captured");
    }
    assert!(
        text.contains("the account could not be read"),
        "the settling read logged"
    );
    assert!(calls >= 10 * 4 * 9);
    for secret in [MARK, CLIENT_TOKEN, "forged"] {
        if let Some(at) = text.find(secret) {
            let line = text[..at].rsplit('\n').next().unwrap_or_default();
            panic!("{secret:?} in a log line: {line}{secret}...");
        }
    }
}
