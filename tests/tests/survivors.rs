//! Promises a hand-mutation audit (issue 18) found no test for, each tested
//! on every path that reaches it: instance clients refuse exactly what
//! `Client::builder` refuses; echoed secrets at the redaction's length
//! boundary; the bodiless POSTs' Content-Type and `Content-Length: 0`
//! without a Client-Token; bodies delivered one byte per read.

use serde_json::json;
use zapi_client::{BuildError, Client, Credential, Error, Transport};
use zapi_client_tests::operation::Op;
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, spec};

#[derive(Clone, Copy, Debug)]
enum Via {
    Builder,
    Transport,
}

/// A client through `via`, with `client_token` when given.
fn build(
    via: Via,
    base_url: &str,
    instance: &str,
    token: &str,
    client_token: Option<&str>,
    label: Option<&str>,
) -> Result<Client, BuildError> {
    match via {
        Via::Builder => {
            let mut builder = Client::builder(instance, token).base_url(base_url);
            if let Some(client_token) = client_token {
                builder = builder.client_token(client_token);
            }
            if let Some(label) = label {
                builder = builder.label(label);
            }
            builder.build()
        }
        Via::Transport => {
            let transport = Transport::builder().base_url(base_url).build()?;
            let mut instance = transport.client(instance, token);
            if let Some(client_token) = client_token {
                instance = instance.client_token(client_token);
            }
            if let Some(label) = label {
                instance = instance.label(label);
            }
            instance.build()
        }
    }
}

/// Values no credential may have, and values every credential may have.
const REFUSED: [&str; 12] = [
    "",
    " ",
    ".",
    "..",
    " abc",
    "abc ",
    "a b",
    "a\tb",
    "a\nb",
    "a\u{0}b",
    "a\u{7f}b",
    "a\u{200b}b",
];
const ACCEPTED_IN_PATHS: [&str; 5] = ["a", "...", "a/b?c#d%e", "ü", "A1-._~"];

fn verdict(result: Result<Client, BuildError>) -> Result<(), String> {
    result.map(drop).map_err(|e| {
        let BuildError::InvalidCredential { credential, .. } = &e else {
            return format!("not a credential error: {e}");
        };
        format!("{credential:?}: {e}")
    })
}

#[test]
fn instance_clients_refuse_exactly_what_client_builder_refuses() {
    let base = "http://127.0.0.1:9";
    let mut refusals = 0;
    for value in REFUSED.iter().chain(&ACCEPTED_IN_PATHS) {
        let cases = [
            (Credential::Instance, (*value, TOKEN, Some(CLIENT_TOKEN))),
            (Credential::Token, (INSTANCE, *value, Some(CLIENT_TOKEN))),
            (Credential::ClientToken, (INSTANCE, TOKEN, Some(*value))),
        ];
        for (credential, (instance, token, client_token)) in cases {
            let through_builder = verdict(build(
                Via::Builder,
                base,
                instance,
                token,
                client_token,
                None,
            ));
            let through_transport = verdict(build(
                Via::Transport,
                base,
                instance,
                token,
                client_token,
                None,
            ));
            assert_eq!(
                through_builder, through_transport,
                "{credential:?} = {value:?}: both paths decide alike"
            );
            // A header value: printable ASCII, no space; a path segment:
            // the REFUSED values.
            let refused = if credential == Credential::ClientToken {
                value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic())
            } else {
                REFUSED.contains(value)
            };
            assert_eq!(
                through_builder.is_err(),
                refused,
                "{credential:?} = {value:?}: {through_builder:?}"
            );
            if let Err(message) = &through_builder {
                refusals += 1;
                assert!(
                    message.starts_with(&format!("{credential:?}:")),
                    "{message}"
                );
                // (Values the reason's own words hold, such as `.`, aside.)
                if value.trim().chars().count() >= 3 {
                    assert!(
                        !message.contains(value),
                        "the value is not printed: {message}"
                    );
                }
            }
        }
    }
    assert_eq!(
        refusals,
        2 * REFUSED.len() + 11,
        "the table refuses what it says"
    );
    // The audit's survivor, by name: an empty Client-Token on an instance
    // client is refused, never built into a client that sends no header.
    let empty = build(Via::Transport, base, INSTANCE, TOKEN, Some(""), None);
    assert!(
        matches!(
            empty,
            Err(BuildError::InvalidCredential {
                credential: Credential::ClientToken,
                ..
            })
        ),
        "{:?}",
        empty.map(drop)
    );
}

#[test]
fn instance_clients_refuse_the_labels_client_builder_refuses() {
    let base = "http://127.0.0.1:9";
    let long = "x".repeat(65);
    let longest = "x".repeat(64);
    for (label, refused) in [
        ("", true),
        (long.as_str(), true),
        (longest.as_str(), false),
        ("a\nb", true),
        (INSTANCE, true),
        (TOKEN, true),
        (CLIENT_TOKEN, true),
        ("shop-42", false),
    ] {
        let decide = |via| {
            build(via, base, INSTANCE, TOKEN, Some(CLIENT_TOKEN), Some(label))
                .map(drop)
                .map_err(|e| e.to_string())
        };
        let (builder, transport) = (decide(Via::Builder), decide(Via::Transport));
        assert_eq!(builder, transport, "{label:?}");
        assert_eq!(builder.is_err(), refused, "{label:?}: {builder:?}");
    }
}

/// Both paths, with and without a Client-Token.
fn clients(server: &TestServer) -> Vec<(String, Client)> {
    let base = server.base_url();
    let mut clients = Vec::new();
    for via in [Via::Builder, Via::Transport] {
        for client_token in [Some(CLIENT_TOKEN), None] {
            let name = format!("{via:?}, Client-Token {}", client_token.is_some());
            clients.push((
                name,
                build(via, &base, INSTANCE, TOKEN, client_token, None).unwrap(),
            ));
        }
    }
    clients
}

/// `verify_account_email` with `code`, answered by a failure whose message
/// echoes `echo`; the error's Display and Debug.
async fn echoed(code: &str, echo: &str) -> Vec<(String, String)> {
    let message = format!("code {echo} is wrong");
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": false, "message": message}),
    ))
    .await;
    let mut seen = Vec::new();
    for (name, client) in clients(&server) {
        let error = client
            .verify_account_email()
            .body_map(|b| b.verification_code(code))
            .send_checked()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Unsuccessful { .. }),
            "{name}: {error:?}"
        );
        seen.push((name, format!("{error} {error:?}")));
    }
    seen
}

#[tokio::test]
async fn secrets_at_the_redaction_boundary() {
    // 4 characters, the shortest redacted wherever it appears: inside a
    // word too.
    for (name, text) in echoed("K4Z9", "xK4Z9y").await {
        assert!(!text.contains("K4Z9"), "{name}: {text}");
        assert!(text.contains("x<redacted>y"), "{name}: {text}");
    }
    // 3 characters, the longest redacted only as a whole word: inside a
    // word it stays (redacting it there would mangle unrelated text)...
    for (name, text) in echoed("K4Z", "xK4Zy").await {
        assert!(text.contains("xK4Zy"), "{name}: {text}");
    }
    // ...and as a word of its own it goes.
    for (name, text) in echoed("K4Z", "K4Z").await {
        assert!(!text.contains("K4Z"), "{name}: {text}");
        assert!(text.contains("code <redacted> is wrong"), "{name}: {text}");
    }
    // 1 character, the shortest code there is, as a word.
    for (name, text) in echoed("7", "7").await {
        assert!(text.contains("code <redacted> is wrong"), "{name}: {text}");
    }
}

#[tokio::test]
async fn every_bodiless_post_sends_its_content_type_and_a_zero_length() {
    let bodiless_posts: Vec<Op> = Op::ALL
        .into_iter()
        .filter(|op| op.method_and_path().0 == "POST" && op.request_example().is_none())
        .collect();
    assert_eq!(
        bodiless_posts,
        [
            Op::RemoveAccountEmail,
            Op::RemoveSecurityCode,
            Op::ForgotSecurityCode
        ]
    );
    for op in bodiless_posts {
        let (method, path) = op.method_and_path();
        let expected =
            spec::operation(path, &method.to_lowercase())["x-zapi-bodiless-content-type"]
                .as_str()
                .unwrap_or_else(|| panic!("{op:?}: the spec names its Content-Type"))
                .to_owned();
        let server = TestServer::replying(Reply::json(200, &op.response_example())).await;
        for (name, client) in clients(&server) {
            let before = server.request_count();
            op.call(&client).await.unwrap();
            let request = &server.requests()[before];
            assert_eq!(
                request.header("content-type"),
                Some(expected.as_str()),
                "{op:?}, {name}"
            );
            assert_eq!(
                request.header("content-length"),
                Some("0"),
                "{op:?}, {name}"
            );
            // The sensitive flag changes nothing on the wire: the value goes out.
            let sent = name.ends_with("true").then_some(CLIENT_TOKEN);
            assert_eq!(request.header("client-token"), sent, "{op:?}, {name}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_in_one_byte_reads_decode_whole() {
    for op in Op::ALL {
        let example = op.response_example();
        let body = serde_json::to_vec(&example).unwrap();
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        let server = TestServer::replying(Reply::Trickle {
            status: 200,
            headers: headers.clone(),
            body,
        })
        .await;
        for (name, client) in clients(&server) {
            let answer = op
                .call(&client)
                .await
                .unwrap_or_else(|e| panic!("{op:?}, {name}: {e}"));
            assert_eq!(answer, example, "{op:?}, {name}");
        }
        // An error answer too: its message survives the trickle.
        let message = "é".repeat(20) + " whole message";
        let server = TestServer::replying(Reply::Trickle {
            status: 400,
            headers,
            body: serde_json::to_vec(&json!({"error": message})).unwrap(),
        })
        .await;
        for (name, client) in clients(&server) {
            let error = op.call(&client).await.unwrap_err();
            assert_eq!(
                error.server_message(),
                Some(message.as_str()),
                "{op:?}, {name}"
            );
        }
    }
}
