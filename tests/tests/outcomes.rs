//! Every error says what the call may have done (`Error::outcome`): for
//! every operation, every fault kind, with and without a Client-Token,
//! through `Client::builder` and through `Transport`; retries account for
//! earlier attempts; and a retry refused after a lost answer is settled by
//! reading the account back (`x-zapi-repeat-may-refuse`), so it never
//! reports a failure for a call that took effect.

use std::time::Duration;

use serde_json::json;
use zapi_client::simulator::{Fault, Instance, Simulator};
use zapi_client::{Client, Error, Outcome, RetryPolicy, Transport};
use zapi_client_tests::operation::Op;
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, spec};

#[derive(Clone, Copy, Debug)]
enum Via {
    Builder,
    Transport,
}

#[derive(Clone, Copy, Debug)]
struct Setup {
    via: Via,
    client_token: bool,
}

const SETUPS: [Setup; 4] = [
    Setup {
        via: Via::Builder,
        client_token: true,
    },
    Setup {
        via: Via::Builder,
        client_token: false,
    },
    Setup {
        via: Via::Transport,
        client_token: true,
    },
    Setup {
        via: Via::Transport,
        client_token: false,
    },
];

/// The attempt timeout of these tests, and the response cap.
// Long enough for a loaded 2-core machine to answer in time.
const TIMEOUT: Duration = Duration::from_millis(500);
const MAX_RESPONSE_BYTES: usize = 1024;

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(1))
}

fn client(base_url: &str, setup: Setup, retry: Option<RetryPolicy>) -> Client {
    match setup.via {
        Via::Builder => {
            let mut builder = Client::builder(INSTANCE, TOKEN)
                .base_url(base_url)
                .timeout(TIMEOUT)
                .max_response_bytes(MAX_RESPONSE_BYTES);
            if setup.client_token {
                builder = builder.client_token(CLIENT_TOKEN);
            }
            if let Some(policy) = retry {
                builder = builder.retry(policy);
            }
            builder.build().unwrap()
        }
        Via::Transport => {
            let mut transport = Transport::builder()
                .base_url(base_url)
                .timeout(TIMEOUT)
                .max_response_bytes(MAX_RESPONSE_BYTES);
            if let Some(policy) = retry {
                transport = transport.retry(policy);
            }
            let mut instance = transport.build().unwrap().client(INSTANCE, TOKEN);
            if setup.client_token {
                instance = instance.client_token(CLIENT_TOKEN);
            }
            instance.build().unwrap()
        }
    }
}

async fn simulator(setup: Setup) -> Simulator {
    let simulator = Simulator::start().await.unwrap();
    let instance = Instance::new(INSTANCE, TOKEN);
    simulator.add_instance(if setup.client_token {
        instance.client_token(CLIENT_TOKEN)
    } else {
        instance
    });
    simulator
}

fn big_body() -> Option<String> {
    Some(format!(
        "{{\"error\": \"{}\"}}",
        "x".repeat(MAX_RESPONSE_BYTES * 4)
    ))
}

/// Every fault the simulator can inject, and the outcome it must give.
fn faults() -> Vec<(&'static str, Fault, Outcome)> {
    let status = |status, body: Option<String>| Fault::Status {
        status,
        body,
        retry_after: None,
    };
    vec![
        (
            "connection dropped",
            Fault::DropConnection,
            Outcome::MaybeApplied,
        ),
        (
            "answer lost after the effect",
            Fault::LoseAnswer,
            Outcome::MaybeApplied,
        ),
        ("timeout", Fault::Delay(TIMEOUT * 8), Outcome::MaybeApplied),
        (
            "unsuccessful",
            Fault::unsuccessful("refused"),
            Outcome::Answered,
        ),
        (
            "400",
            status(400, Some(r#"{"error":"bad"}"#.into())),
            Outcome::Answered,
        ),
        ("401 no body", Fault::status(401), Outcome::Answered),
        ("429", Fault::status(429), Outcome::Answered),
        (
            "500",
            status(500, Some("<html>oops</html>".into())),
            Outcome::Answered,
        ),
        ("408", Fault::status(408), Outcome::MaybeApplied),
        ("502", Fault::status(502), Outcome::MaybeApplied),
        ("503", Fault::status(503), Outcome::MaybeApplied),
        ("504", Fault::status(504), Outcome::MaybeApplied),
        (
            "200 not JSON",
            status(200, Some("{\"success\": tr".into())),
            Outcome::MaybeApplied,
        ),
        (
            "200 over the cap",
            status(200, big_body()),
            Outcome::MaybeApplied,
        ),
        (
            "400 over the cap",
            status(400, big_body()),
            Outcome::Answered,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_every_operation_has_its_outcome() {
    // The setups side by side: most of the time is the timeouts' waiting.
    let mut setups = tokio::task::JoinSet::new();
    for setup in SETUPS {
        setups.spawn(every_fault_on_every_operation(setup));
    }
    while let Some(done) = setups.join_next().await {
        done.unwrap();
    }
}

async fn every_fault_on_every_operation(setup: Setup) {
    {
        let simulator = simulator(setup).await;
        let client = client(simulator.base_url(), setup, None);
        for op in Op::ALL {
            for (name, fault, expected) in faults() {
                simulator.fail_next(op.id(), 1, fault);
                let error = op
                    .call(&client)
                    .await
                    .expect_err(&format!("{op:?} {name} {setup:?}"));
                assert_eq!(
                    error.outcome(),
                    expected,
                    "{op:?}, {name}, {setup:?}: {error:?}"
                );
                simulator.clear_faults();
            }
        }
    }
}

#[tokio::test]
async fn refused_input_and_failed_connections_are_not_sent() {
    // A port nobody listens on; an HTTPS handshake with a server that
    // speaks no TLS.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let plain = TestServer::replying(Reply::Raw(b"HTTP/1.1 200 OK\r\n\r\n".to_vec())).await;
    let tls_to_plain = format!("https://127.0.0.1:{}", plain.port());
    for setup in SETUPS {
        for op in Op::ALL {
            for base_url in [&closed, &tls_to_plain] {
                let client = client(base_url, setup, Some(fast_retries(2)));
                let error = op.call(&client).await.unwrap_err();
                assert!(error.is_connect(), "{op:?} {base_url} {setup:?}: {error:?}");
                assert_eq!(
                    error.outcome(),
                    Outcome::NotSent,
                    "{op:?} {setup:?}: {error}"
                );
            }
            // Every string property of the request at each boundary the
            // spec states (tests/src/spec.rs `invalid_values`), set through
            // the typed builder: refused by name, nothing sent (the port is
            // closed: a request sent would be a connect error).
            let client = client(&closed, setup, None);
            let Some(body) = op.request_example() else {
                continue;
            };
            let invalid = spec::invalid_values(op.id());
            assert!(
                !invalid.is_empty(),
                "{op:?}: a body with no input to refuse"
            );
            for (property, value, constraint) in invalid {
                let error = op
                    .call_with_property(&client, &body, &property, &value)
                    .await
                    .unwrap_or_else(|| panic!("{op:?} has no string property {property}"))
                    .unwrap_err();
                let Error::InvalidInput { field, .. } = &error else {
                    panic!("{op:?}.{property} {constraint} {setup:?}: {error}");
                };
                assert_eq!(
                    field.replace('_', "").to_lowercase(),
                    property.to_lowercase(),
                    "the error names the property: {error}"
                );
                assert_eq!(error.outcome(), Outcome::NotSent, "{op:?}: {error}");
            }
        }
    }
}

fn retry_safe(op: Op) -> bool {
    spec::retry_safe(op.id())
}

#[tokio::test]
async fn a_retry_after_a_lost_answer_never_says_not_sent_or_refused() {
    for setup in SETUPS {
        let simulator = simulator(setup).await;
        let client = client(simulator.base_url(), setup, Some(fast_retries(2)));
        for op in Op::ALL {
            // The first attempt took effect and lost its answer; the retry
            // (made for retry-safe operations only) is refused with a 400.
            simulator.fail_next(op.id(), 1, Fault::LoseAnswer);
            simulator.fail_next(op.id(), 1, Fault::status(400));
            let calls = simulator.calls(op.id());
            let error = op.call(&client).await.unwrap_err();
            assert_eq!(
                error.outcome(),
                Outcome::MaybeApplied,
                "{op:?} {setup:?}: {error:?}"
            );
            if retry_safe(op) {
                assert_eq!(simulator.calls(op.id()) - calls, 2, "{op:?} is retried");
                let Error::EarlierAnswerLost { last } = &error else {
                    panic!("{op:?}: {error:?}");
                };
                assert_eq!(last.outcome(), Outcome::Answered);
                assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
                assert_eq!(error.attempts(), Some(2));
                assert!(
                    error.to_string().contains("may have taken effect"),
                    "{error}"
                );
            } else {
                assert_eq!(simulator.calls(op.id()) - calls, 1, "{op:?} is not retried");
                assert!(matches!(error, Error::Transport(_)), "{op:?}: {error:?}");
            }
            simulator.clear_faults();

            // Earlier attempts that did not go out (429: refused before
            // processing) leave the last answer's outcome as it is.
            simulator.fail_next(op.id(), 1, Fault::status(429));
            simulator.fail_next(op.id(), 1, Fault::status(400));
            let error = op.call(&client).await.unwrap_err();
            assert!(
                matches!(error, Error::Api { attempts: 2, .. }),
                "{op:?}: {error:?}"
            );
            assert_eq!(error.outcome(), Outcome::Answered, "{op:?}");
            simulator.clear_faults();
        }
    }
}

/// The operations whose repeat may be refused, per the spec, with what
/// prepares the account so that the operation takes effect.
fn repeat_may_refuse() -> Vec<Op> {
    let ops: Vec<Op> = Op::ALL
        .into_iter()
        .filter(|op| {
            let (method, path) = op.method_and_path();
            !spec::operation(path, &method.to_lowercase())["x-zapi-repeat-may-refuse"].is_null()
        })
        .collect();
    assert_eq!(
        ops,
        [
            Op::VerifyAccountEmail,
            Op::RemoveAccountEmail,
            Op::RemoveSecurityCode
        ],
        "a new x-zapi-repeat-may-refuse operation: prepare its account below"
    );
    ops
}

/// Prepares the account so that `op` takes effect; its input.
async fn prepare(op: Op, client: &Client, simulator: &Simulator) -> Option<serde_json::Value> {
    match op {
        Op::VerifyAccountEmail | Op::RemoveAccountEmail => {
            Op::SetAccountEmail.call(client).await.unwrap();
            let code = simulator.inbox_code(INSTANCE).unwrap();
            Some(json!({ "verificationCode": code }))
        }
        Op::RemoveSecurityCode => {
            Op::SetSecurityCode.call(client).await.unwrap();
            None
        }
        _ => unreachable!(),
    }
}

/// Whether the account shows `op` took effect.
async fn took_effect(op: Op, client: &Client) -> bool {
    match op {
        Op::VerifyAccountEmail => {
            Op::GetAccountEmail.call(client).await.unwrap()["verified"] == json!(true)
        }
        Op::RemoveAccountEmail => {
            Op::GetAccountEmail.call(client).await.unwrap()["hasEmail"] == json!(false)
        }
        Op::RemoveSecurityCode => {
            Op::GetHasSecurityCode.call(client).await.unwrap()["hasCode"] == json!(false)
        }
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn a_lost_answer_then_a_refused_retry_is_settled_by_reading_the_account() {
    for setup in SETUPS {
        for op in repeat_may_refuse() {
            let simulator = simulator(setup).await;
            let client = client(simulator.base_url(), setup, Some(fast_retries(3)));
            let input = prepare(op, &client, &simulator).await;
            // The first call takes effect and its answer is lost; the retry
            // gets the service's own refusal where it has one (the code is
            // used up, there is no PIN left), else an armed one.
            simulator.fail_next(op.id(), 1, Fault::LoseAnswer);
            if op == Op::RemoveAccountEmail {
                simulator.fail_next(op.id(), 1, Fault::unsuccessful("nothing to remove"));
            }
            let answer = op
                .call_with(&client, input.as_ref())
                .await
                .unwrap_or_else(|e| panic!("{op:?} {setup:?}: the call took effect: {e:?}"));
            assert_eq!(answer["success"], json!(true), "{op:?}");
            let note = answer["message"].as_str().unwrap_or_default();
            assert!(
                note.starts_with("settled:"),
                "{op:?}: the answer says so: {answer}"
            );
            assert!(took_effect(op, &client).await, "{op:?}");
        }
    }
}

#[tokio::test]
async fn a_refused_retry_whose_first_attempt_did_nothing_stays_a_refusal() {
    for setup in SETUPS {
        for op in repeat_may_refuse() {
            let simulator = simulator(setup).await;
            let client = client(simulator.base_url(), setup, Some(fast_retries(3)));
            let input = prepare(op, &client, &simulator).await;
            // Dropped before it took effect, then refused: the account shows
            // nothing happened, so the refusal is the truth.
            simulator.fail_next(op.id(), 1, Fault::DropConnection);
            simulator.fail_next(op.id(), 1, Fault::unsuccessful("refused"));
            let error = op.call_with(&client, input.as_ref()).await.unwrap_err();
            assert!(
                matches!(&error, Error::Unsuccessful { message: Some(m) } if m == "refused"),
                "{op:?} {setup:?}: {error:?}"
            );
            assert_eq!(error.outcome(), Outcome::Answered);
            assert!(!took_effect(op, &client).await, "{op:?}");
        }
    }
}

#[tokio::test]
async fn a_refused_retry_that_cannot_be_settled_says_it_may_have_taken_effect() {
    for setup in SETUPS {
        for op in repeat_may_refuse() {
            let simulator = simulator(setup).await;
            let client = client(simulator.base_url(), setup, Some(fast_retries(3)));
            let input = prepare(op, &client, &simulator).await;
            simulator.fail_next(op.id(), 1, Fault::LoseAnswer);
            simulator.fail_next(op.id(), 1, Fault::unsuccessful("refused"));
            // The read that would settle it fails too.
            for read in [Op::GetAccountEmail, Op::GetHasSecurityCode] {
                simulator.fail_next(read.id(), 1, Fault::status(500));
            }
            let error = op.call_with(&client, input.as_ref()).await.unwrap_err();
            let Error::EarlierAnswerLost { last } = &error else {
                panic!("{op:?} {setup:?}: {error:?}");
            };
            assert!(matches!(**last, Error::Unsuccessful { .. }), "{last:?}");
            assert_eq!(error.outcome(), Outcome::MaybeApplied);
            assert_eq!(error.server_message(), Some("refused"));
        }
    }
}

/// The operations the README says are never repeated after a failure that
/// may have reached Z-API ("Errors, timeouts, retries": "not for
/// `set_account_email`..., `forgot_security_code`... or
/// `confirm_security_code`"; "Registering a number": "only the availability
/// check is repeated"). Pinned here so that flipping `x-zapi-retry-safe` in
/// the spec also fails a test until the README says so too.
const README_NEVER_REPEATED: [&str; 7] = [
    "set_account_email",
    "forgot_security_code",
    "confirm_security_code",
    "request_registration_code",
    "respond_captcha",
    "confirm_registration_code",
    "request_unbanning",
];

#[test]
fn the_readme_names_the_operations_the_spec_never_repeats() {
    for op in Op::ALL {
        assert_eq!(
            spec::retry_safe(op.id()),
            !README_NEVER_REPEATED.contains(&op.id()),
            "{op:?}: x-zapi-retry-safe and the README disagree"
        );
    }
}

/// 408 and 502/503/504 (the request may have been acted on) are retried for
/// retry-safe operations only; 429 (refused before acting) for every one.
/// Counted on the simulator's side and in `Error::attempts()`, through
/// both builders, with and without a Client-Token.
#[tokio::test]
async fn statuses_are_retried_for_the_operations_the_readme_says() {
    for setup in SETUPS {
        let simulator = simulator(setup).await;
        let client = client(simulator.base_url(), setup, Some(fast_retries(2)));
        for op in Op::ALL {
            for status in [408, 429, 502, 503, 504] {
                simulator.fail_next(op.id(), 2, Fault::status(status));
                let before = simulator.calls(op.id());
                let error = op.call(&client).await.unwrap_err();
                let expected = if status == 429 || spec::retry_safe(op.id()) {
                    2
                } else {
                    1
                };
                assert_eq!(
                    simulator.calls(op.id()) - before,
                    expected,
                    "{op:?} {status} {setup:?}: requests Z-API got"
                );
                assert_eq!(error.attempts(), Some(expected as u32), "{op:?} {status}");
                assert!(error.is_retryable(), "{op:?} {status}: {error}");
                simulator.clear_faults();
            }
        }
    }
}

/// A connection that cannot be made is retried for every operation (nothing
/// was sent); the error says how many attempts were made and that nothing
/// was sent. A port nobody listens on, through both builders, with and
/// without a Client-Token.
#[tokio::test]
async fn connection_failures_are_retried_for_every_operation() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for setup in SETUPS {
        let client = client(&closed, setup, Some(fast_retries(3)));
        for op in Op::ALL {
            let error = op.call(&client).await.unwrap_err();
            assert!(
                error.is_connect() && error.is_retryable(),
                "{op:?}: {error:?}"
            );
            assert_eq!(error.attempts(), Some(3), "{op:?} {setup:?}: {error}");
            assert!(
                error.to_string().contains(" (after 3 attempts): "),
                "{op:?}: {error}"
            );
            assert_eq!(error.outcome(), Outcome::NotSent, "{op:?}: {error}");
        }
    }
}

/// `is_retryable()` as the README lists it: transport failures and 408, 429,
/// 502, 503, 504; no other status.
#[test]
fn is_retryable_is_true_for_the_listed_statuses_only() {
    for status in 400..600u16 {
        let error = Error::Api {
            status: zapi_client::StatusCode::from_u16(status).unwrap(),
            message: None,
            excerpt: String::new(),
            retry_after: None,
            attempts: 1,
        };
        assert_eq!(
            error.is_retryable(),
            [408, 429, 502, 503, 504].contains(&status),
            "{status}"
        );
    }
}

/// The README's defaults: 3 attempts, backoff from 200 ms up to 5 s, 30 s
/// in all.
#[test]
fn the_default_retry_policy_is_the_readmes() {
    assert_eq!(
        format!("{:?}", RetryPolicy::default()),
        "RetryPolicy { max_attempts: 3, initial_backoff: 200ms, max_backoff: 5s, max_elapsed: 30s }"
    );
}
