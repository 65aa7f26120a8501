//! Safe by construction: secrets never leak, hostile input never changes the
//! request, every server answer becomes a typed result.

use std::time::Duration;

use serde_json::json;
use zapi_client::{Client, Error, GeneratedError, RetryPolicy};
use zapi_client_tests::operation::Op;
use zapi_client_tests::server::{RecordedRequest, Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, client_for, client_for_closed_port};

const SECRETS: [&str; 3] = [INSTANCE, TOKEN, CLIENT_TOKEN];

/// Every way an error can be printed holds none of the credentials.
fn assert_no_secret(what: &str, printed: &[String]) {
    for text in printed {
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{what}: a credential leaked in: {text}"
            );
        }
    }
}

fn printed(error: &Error) -> Vec<String> {
    vec![
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
        format!("{error:#?}"),
    ]
}

fn printed_generated(error: &GeneratedError) -> Vec<String> {
    vec![
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
    ]
}

// ---------------------------------------------------------------- credentials

#[tokio::test]
async fn hostile_credentials_are_encoded_into_exactly_one_path_segment() {
    // (value, its encoding) written out by hand: everything but ASCII letters,
    // digits and - . _ ~ is percent-encoded, so no value adds a segment, a
    // query or a fragment, and none is a dot segment.
    let long = "x".repeat(10 * 1024);
    let cases: Vec<(&str, &str)> = vec![
        ("/", "%2F"),
        ("?", "%3F"),
        ("#", "%23"),
        ("%", "%25"),
        ("%2e%2e", "%252e%252e"),
        ("%2F", "%252F"),
        ("...", "..."),
        ("a/../b", "a%2F..%2Fb"),
        ("\\", "%5C"),
        ("ü", "%C3%BC"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("🦀", "%F0%9F%A6%80"),
        (";x=1", "%3Bx%3D1"),
        ("a+b", "a%2Bb"),
        ("&", "%26"),
        ("@:", "%40%3A"),
        ("'\"", "%27%22"),
        ("<>{}|^`", "%3C%3E%7B%7D%7C%5E%60"),
        ("-._~", "-._~"),
        ("ABCdef0123456789", "ABCdef0123456789"),
        (&long, &long),
    ];
    assert!(cases.len() >= 20);
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false}),
    ))
    .await;
    for (instance, encoded_instance) in &cases {
        for (token, encoded_token) in [(*instance, *encoded_instance), ("t", "t")] {
            let client = Client::builder(*instance, token)
                .client_token(CLIENT_TOKEN)
                .base_url(server.base_url())
                .build()
                .unwrap_or_else(|e| panic!("{instance:?} is usable: {e}"));
            client.get_account_email().send_checked().await.unwrap();
            let request = server.requests().pop().unwrap();
            assert_eq!(
                request.target,
                format!("/instances/{encoded_instance}/token/{encoded_token}/security/email"),
                "instance {instance:?}, token {token:?}"
            );
        }
    }
    assert_eq!(server.request_count(), cases.len() * 2);
}

#[test]
fn unusable_credentials_are_refused_without_echoing_them() {
    let rejected = [
        ("", "is empty"),
        (".", "is '.' or '..', which would change the request path"),
        ("..", "is '.' or '..', which would change the request path"),
        ("a\0b", "contains a control character"),
        ("a\nb", "contains a control character"),
        ("a\rb", "contains a control character"),
        ("\t", "contains a control character"),
        ("a\u{7f}", "contains a control character"),
        ("a\u{85}", "contains a control character"),
    ];
    for (value, reason) in rejected {
        for (instance, token, which) in [
            (value, TOKEN, "instance id"),
            (INSTANCE, value, "instance token"),
        ] {
            let error = Client::builder(instance, token)
                .client_token(CLIENT_TOKEN)
                .build()
                .unwrap_err();
            assert_eq!(error.to_string(), format!("invalid {which}: {reason}"));
            assert_no_secret("build error", &[format!("{error:?}")]);
        }
    }
    for client_token in [
        "",
        "abc\r\nX-Injected: 1",
        "abc\n",
        "with space",
        "ünicode",
        "tab\t",
    ] {
        let error = Client::builder(INSTANCE, TOKEN)
            .client_token(client_token)
            .build()
            .unwrap_err();
        assert!(
            error.to_string().starts_with("invalid Client-Token: "),
            "{error}"
        );
        if !client_token.is_empty() {
            assert!(!format!("{error} {error:?}").contains(client_token));
        }
    }
}

// --------------------------------------------------------------------- input

/// `sent` is the rejected-before-sending error for `field`.
fn assert_refused<T: std::fmt::Debug>(sent: Result<T, Error>, field: &str, input: &str) {
    let error = sent.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { field: f, .. } if f == field),
        "{input:?}: {error:?}"
    );
    assert!(error.to_string().ends_with("nothing was sent"), "{error}");
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = TestServer::replying(Reply::json(200, &json!({"success": true}))).await;
    let client = client_for(&server);
    let too_long = format!("{}@example.com", "a".repeat(250));
    let emails = [
        "",
        "no-at-sign.example.com",
        "@example.com",
        "someone@",
        "a@b@example.com",
        "\"unclosed@example.com",
        "someone@[2001:db8::1",
        "two words@example.com",
        &format!("{}@example.com", "a".repeat(65)),
        " someone@example.com",
        "someone@example.com\n",
        "some\tone@example.com",
        "some\0one@example.com",
        "a@@example.com",
        &too_long,
    ];
    for email in emails {
        let sent = client
            .set_account_email()
            .body_map(|b| b.email(email))
            .send_checked()
            .await;
        assert_refused(sent, "email", email);
    }
    // No email at all.
    let error = client.set_account_email().send_checked().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid email: is required; nothing was sent"
    );

    let codes = [
        "",
        " ",
        "12 34",
        "\t",
        "123456\n",
        &"9".repeat(65),
        &"9".repeat(10 * 1024),
    ];
    for code in codes {
        let sent = client
            .verify_account_email()
            .body_map(|b| b.verification_code(code))
            .send_checked()
            .await;
        assert_refused(sent, "verification_code", code);
    }
    assert_eq!(server.request_count(), 0, "nothing may be sent");
}

// ------------------------------------------------------------------- answers

/// What a case expects of the error.
struct Expect {
    variant: &'static str,
    status: Option<u16>,
    message: Option<&'static str>,
}

fn variant(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput { .. } => "InvalidInput",
        Error::Transport(_) => "Transport",
        Error::Api { .. } => "Api",
        Error::Unsuccessful { .. } => "Unsuccessful",
        Error::Undecodable { .. } => "Undecodable",
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        _ => "unknown",
    }
}

fn http(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::text(status, content_type, body)
}

/// A server page that echoes the request path, as many frameworks' 404s do.
fn echo_path(request: &RecordedRequest) -> Reply {
    http(
        404,
        "text/html",
        &format!("<pre>Cannot GET {}</pre>", request.target),
    )
}

#[tokio::test]
async fn every_server_answer_becomes_a_typed_result_without_secrets() {
    type Respond = Box<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;
    let fixed = |reply: Reply| -> Respond { Box::new(move |_| reply.clone()) };
    let null_not_allowed = json!({"error": "null not allowed"});
    let cases: Vec<(&str, Respond, Expect)> = vec![
        (
            "400 JSON",
            fixed(Reply::json(400, &json!({"error": "email inválido"}))),
            Expect {
                variant: "Api",
                status: Some(400),
                message: Some("email inválido"),
            },
        ),
        (
            "400 plain text",
            fixed(http(400, "text/plain", "Bad Request")),
            Expect {
                variant: "Api",
                status: Some(400),
                message: None,
            },
        ),
        (
            "401 null not allowed",
            fixed(Reply::json(401, &null_not_allowed)),
            Expect {
                variant: "Api",
                status: Some(401),
                message: Some("null not allowed"),
            },
        ),
        (
            "403 null not allowed",
            fixed(Reply::json(403, &null_not_allowed)),
            Expect {
                variant: "Api",
                status: Some(403),
                message: Some("null not allowed"),
            },
        ),
        (
            "404 echoing the path",
            Box::new(echo_path),
            Expect {
                variant: "Api",
                status: Some(404),
                message: None,
            },
        ),
        (
            "405 empty",
            fixed(http(405, "text/plain", "")),
            Expect {
                variant: "Api",
                status: Some(405),
                message: None,
            },
        ),
        (
            "415 with message",
            fixed(Reply::json(
                415,
                &json!({"message": "Unsupported Media Type"}),
            )),
            Expect {
                variant: "Api",
                status: Some(415),
                message: Some("Unsupported Media Type"),
            },
        ),
        (
            "429 Retry-After",
            fixed(Reply::json(429, &json!({"error": "slow down"})).with_header("retry-after", "7")),
            Expect {
                variant: "Api",
                status: Some(429),
                message: Some("slow down"),
            },
        ),
        (
            "500 HTML echoing the Client-Token",
            Box::new(|r: &RecordedRequest| {
                let token = r.header("client-token").unwrap_or_default();
                http(
                    500,
                    "text/html",
                    &format!("<h1>Internal error</h1><p>token {token}</p>"),
                )
            }),
            Expect {
                variant: "Api",
                status: Some(500),
                message: None,
            },
        ),
        (
            "502",
            fixed(http(502, "text/html", "<h1>Bad Gateway</h1>")),
            Expect {
                variant: "Api",
                status: Some(502),
                message: None,
            },
        ),
        (
            "503",
            fixed(http(503, "text/plain", "")),
            Expect {
                variant: "Api",
                status: Some(503),
                message: None,
            },
        ),
        (
            "504",
            fixed(http(504, "text/html", "timeout")),
            Expect {
                variant: "Api",
                status: Some(504),
                message: None,
            },
        ),
        (
            "200 success false",
            fixed(Reply::json(
                200,
                &json!({"success": false, "hasEmail": false}),
            )),
            Expect {
                variant: "Unsuccessful",
                status: Some(200),
                message: None,
            },
        ),
        (
            "200 not JSON",
            fixed(http(200, "text/html", "<html>OK</html>")),
            Expect {
                variant: "Undecodable",
                status: Some(200),
                message: None,
            },
        ),
        (
            "200 truncated JSON",
            fixed(http(200, "application/json", r#"{"success": true, "hasEm"#)),
            Expect {
                variant: "Undecodable",
                status: Some(200),
                message: None,
            },
        ),
        (
            "200 missing fields",
            fixed(Reply::json(200, &json!({"email": "a@b.c"}))),
            Expect {
                variant: "Undecodable",
                status: Some(200),
                message: None,
            },
        ),
        (
            "200 empty",
            fixed(http(200, "application/json", "")),
            Expect {
                variant: "Undecodable",
                status: Some(200),
                message: None,
            },
        ),
        (
            "201 undocumented success",
            fixed(Reply::json(201, &json!({"success": true}))),
            Expect {
                variant: "Undecodable",
                status: Some(201),
                message: None,
            },
        ),
        (
            "reset mid-body",
            fixed(Reply::Raw(
                b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"success\": tr".to_vec(),
            )),
            Expect {
                variant: "Transport",
                status: None,
                message: None,
            },
        ),
        (
            "closed before answering",
            fixed(Reply::Raw(Vec::new())),
            Expect {
                variant: "Transport",
                status: None,
                message: None,
            },
        ),
        (
            "50 MiB declared",
            fixed(Reply::Raw(
                b"HTTP/1.1 200 OK\r\ncontent-length: 52428800\r\n\r\n{".to_vec(),
            )),
            Expect {
                variant: "ResponseTooLarge",
                status: Some(200),
                message: None,
            },
        ),
    ];
    let mut messages = String::new();
    for (name, respond, expect) in cases {
        let server = TestServer::start(respond).await;
        let client = client_for(&server);
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert_eq!(variant(&error), expect.variant, "{name}: {error:?}");
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            expect.status,
            "{name}: {error:?}"
        );
        assert_eq!(error.server_message(), expect.message, "{name}: {error:?}");
        assert_no_secret(name, &printed(&error));
        messages.push_str(&format!("{name}: {error}\n"));
        // The generated `send()` path prints nothing secret either.
        if let Err(raw) = client.get_account_email().send().await {
            assert_no_secret(name, &printed_generated(&raw));
        }
    }
    // What a user reads for each answer; reviewed as a snapshot.
    insta::assert_snapshot!(messages);
}

#[tokio::test]
async fn error_details_are_kept_and_bounded() {
    let server = TestServer::replying(
        Reply::json(429, &json!({"error": "slow down"})).with_header("retry-after", "7"),
    )
    .await;
    let error = client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    let Error::Api { retry_after, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(7)));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "Z-API answered 429 Too Many Requests: slow down"
    );

    let page = format!("<html>{}</html>", "x".repeat(10_000));
    let server = TestServer::replying(http(500, "text/html", &page)).await;
    let error = client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    let Error::Api {
        excerpt,
        message: None,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(excerpt.starts_with("<html>xxx"), "{excerpt}");
    assert!(
        excerpt.len() < zapi_client::EXCERPT_BYTES + 40,
        "bounded: {}",
        excerpt.len()
    );
    assert!(excerpt.ends_with("(10013 bytes in all)"), "{excerpt}");
    assert!(!error.is_retryable(), "500 is not retryable");

    // An echoed path is shown redacted, not dropped.
    let server = TestServer::start(echo_path).await;
    let error = client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    let Error::Api { excerpt, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        excerpt,
        "<pre>Cannot GET /instances/<redacted>/token/<redacted>/security/email</pre>"
    );
}

#[tokio::test]
async fn unknown_extra_fields_are_accepted() {
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": true, "email": "a@b.co", "verified": false, "new": {"x": 1}}),
    ))
    .await;
    let answer = client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap();
    assert_eq!(answer.email.as_deref(), Some("a@b.co"));
    assert_eq!(answer.verified, Some(false));
}

#[tokio::test]
async fn a_huge_body_is_refused_and_reading_stops_at_the_limit() {
    const FIFTY_MIB: usize = 50 * 1024 * 1024;
    let server = TestServer::replying(Reply::Chunked {
        status: 200,
        total: FIFTY_MIB,
    })
    .await;
    let error = client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                limit: zapi_client::DEFAULT_MAX_RESPONSE_BYTES,
                ..
            }
        ),
        "{error:?}"
    );
    // The client stopped reading: the server could not push the 50 MiB
    // (socket buffers hold a few MiB at most).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = server.body_bytes_written();
    assert!(
        written < FIFTY_MIB / 2,
        "the client read on: {written} bytes written"
    );

    // The limit is configurable.
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false, "pad": "x".repeat(200)}),
    ))
    .await;
    let client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .max_response_bytes(100)
        .build()
        .unwrap();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 100, .. }),
        "{error:?}"
    );
}

/// A client with the test credentials and this response size limit.
fn limited_client(server: &TestServer, limit: usize) -> Client {
    Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .max_response_bytes(limit)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_response_limit_is_exact_and_applies_without_a_content_length() {
    // An answer of exactly the limit is read; one byte over is refused.
    let body = json!({"success": true, "hasEmail": false}).to_string();
    let server = TestServer::replying(http(200, "application/json", &body)).await;
    let answer = limited_client(&server, body.len())
        .get_account_email()
        .send_checked()
        .await;
    assert!(answer.is_ok(), "{answer:?}");
    let error = limited_client(&server, body.len() - 1)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit, .. } if limit == body.len() - 1),
        "{error:?}"
    );

    // Chunked, without a Content-Length: counted as it is read.
    let server = TestServer::replying(Reply::Chunked {
        status: 200,
        total: 1000,
    })
    .await;
    let client = limited_client(&server, 101);
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 101, .. }),
        "{error:?}"
    );
    // The generated `send()` reports it as a body error whose cause says why.
    let raw = client.get_account_email().send().await.unwrap_err();
    assert!(
        matches!(raw, GeneratedError::ResponseBodyError(_)),
        "{raw:?}"
    );
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&raw);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    assert!(
        causes
            .iter()
            .any(|c| c == "response body over the 101-byte limit"),
        "{causes:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = TestServer::replying(Reply::Hang).await;
    let client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        !error.is_connect(),
        "connected; the answer never came: {error:?}"
    );
    assert!(error.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_no_secret("timeout", &printed(&error));
    assert_eq!(
        zapi_client::DEFAULT_TIMEOUT,
        Duration::from_secs(30),
        "documented default"
    );
}

/// The builder's default timeout is applied: in paused (virtual) time, a
/// server that never answers is given up on after exactly 30 s.
#[tokio::test(start_paused = true)]
async fn the_default_timeout_applies() {
    let server = TestServer::replying(Reply::Hang).await;
    let client = client_for(&server);
    let started = tokio::time::Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(120),
        client.get_account_email().send_checked(),
    )
    .await
    .expect("the client's own timeout fires first");
    let error = result.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    let waited = started.elapsed();
    assert!(
        waited >= zapi_client::DEFAULT_TIMEOUT
            && waited < zapi_client::DEFAULT_TIMEOUT + Duration::from_secs(1),
        "{waited:?}"
    );
}

/// A listener whose accept queue is full and never drained: the kernel drops
/// further SYNs, so a connection attempt hangs until the connect timeout.
fn unconnectable_listener() -> (tokio::net::TcpListener, Vec<std::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    // Fill the queue (a backlog of 0 still admits one or two on Linux).
    let mut fillers = Vec::new();
    for _ in 0..4 {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => fillers.push(stream),
            Err(_) => break,
        }
    }
    (listener, fillers)
}

#[tokio::test]
async fn the_connect_timeout_applies() {
    let (listener, _fillers) = unconnectable_listener();
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(format!("http://{}", listener.local_addr().unwrap()))
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(error.is_connect() && error.is_timeout(), "{error:?}");
    assert_eq!(error.outcome(), zapi_client::Outcome::NotSent, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_no_secret("connect timeout", &printed(&error));
}

/// The README's defaults, through both builders: a connection that cannot
/// be made is given up on after 10 s (paused, virtual time), and nothing
/// was sent.
#[tokio::test(start_paused = true)]
async fn the_default_connect_timeout_is_10_s() {
    let (listener, _fillers) = unconnectable_listener();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let transport = zapi_client::Transport::builder()
        .base_url(&base_url)
        .build()
        .unwrap();
    let clients = [
        Client::builder(INSTANCE, TOKEN)
            .base_url(&base_url)
            .build()
            .unwrap(),
        transport.client(INSTANCE, TOKEN).build().unwrap(),
    ];
    for client in clients {
        let started = tokio::time::Instant::now();
        let error = client.get_account_email().send_checked().await.unwrap_err();
        let waited = started.elapsed();
        assert!(error.is_connect() && error.is_timeout(), "{error:?}");
        assert_eq!(error.outcome(), zapi_client::Outcome::NotSent);
        assert!(
            waited >= Duration::from_secs(10) && waited < Duration::from_secs(11),
            "{waited:?}"
        );
    }
}

/// Without `.base_url(..)`, both builders call Z-API itself.
#[test]
fn the_default_base_url_is_z_apis() {
    use zapi_client::ClientInfo as _;
    let transport = zapi_client::Transport::builder().build().unwrap();
    let via_builder = Client::builder(INSTANCE, TOKEN).build().unwrap();
    let via_transport = transport.client(INSTANCE, TOKEN).build().unwrap();
    for shown in [
        format!("{transport:?}"),
        format!("{:?}", zapi_client::Transport::builder()),
        via_builder.baseurl().to_owned(),
        via_transport.baseurl().to_owned(),
    ] {
        assert!(shown.contains("https://api.z-api.io"), "{shown}");
    }
}

#[tokio::test]
async fn credentials_echoed_in_answer_headers_are_redacted() {
    let echo = format!("/instances/{INSTANCE}/token/{TOKEN}?t={CLIENT_TOKEN}");
    let server = TestServer::replying(
        Reply::json(200, &json!({"success": true, "hasEmail": false}))
            .with_header("x-echo", &echo)
            .with_header("x-client-token", CLIENT_TOKEN)
            .with_header("x-instance", INSTANCE),
    )
    .await;
    let answer = client_for(&server)
        .get_account_email()
        .send()
        .await
        .unwrap();
    let headers = format!("{:?}", answer.headers());
    assert_no_secret("answer headers", std::slice::from_ref(&headers));
    assert_eq!(
        answer.headers()["x-echo"],
        "/instances/<redacted>/token/<redacted>?t=<redacted>"
    );
    assert_eq!(answer.headers()["x-client-token"], "<redacted>");
    // A value that is exactly the shortest credential, the longer ones not fitting in it.
    assert_eq!(answer.headers()["x-instance"], "<redacted>");
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let client = client_for_closed_port();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(error.is_connect() && error.is_retryable(), "{error:?}");
    assert!(
        !error.is_timeout(),
        "refused at once, not timed out: {error:?}"
    );
    assert!(error.to_string().starts_with("request failed: "), "{error}");
    // Error chains (anyhow, tracing) reach the reqwest error.
    let source = std::error::Error::source(&error).expect("the transport error is the source");
    assert!(
        source
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_connect),
        "{source:?}"
    );
    assert_no_secret("connection refused", &printed(&error));
    let raw = client.get_account_email().send().await.unwrap_err();
    assert!(
        matches!(raw, GeneratedError::CommunicationError(_)),
        "{raw:?}"
    );
    assert_no_secret(
        "connection refused, generated send",
        &printed_generated(&raw),
    );
}

#[tokio::test]
async fn redirects_are_not_followed_so_client_token_stays_with_z_api() {
    let elsewhere = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false}),
    ))
    .await;
    let location = format!("{}/collect", elsewhere.base_url());
    let server =
        TestServer::replying(http(307, "text/plain", "").with_header("location", &location)).await;
    let error = client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error:?}");
    assert_eq!(
        elsewhere.request_count(),
        0,
        "nothing may reach the redirect target"
    );
}

// ------------------------------------------------------------------- retries

fn retrying_client(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .retry(policy)
        .build()
        .unwrap()
}

/// The status of a `get_account_email` that must fail.
async fn failed_get_status(client: &Client) -> Option<u16> {
    let error = client.get_account_email().send_checked().await.unwrap_err();
    error.status().map(|s| s.as_u16())
}

/// A `set_account_email` of the usual address.
async fn set_email(client: &Client) -> Result<zapi_client::types::SetAccountEmailResponse, Error> {
    client
        .set_account_email()
        .body_map(|b| b.email("someone@example.com"))
        .send_checked()
        .await
}

fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(50))
}

/// Answers `failures` times with `failure`, then with a success.
async fn flaky(failures: usize, failure: Reply) -> TestServer {
    let ok = Reply::json(
        200,
        &json!({"success": true, "hasEmail": false, "message": "VERIFY_EMAIL"}),
    );
    flaky_then(failures, failure, ok).await
}

/// Like `flaky`, then answering `ok`.
async fn flaky_then(failures: usize, failure: Reply, ok: Reply) -> TestServer {
    let count = std::sync::atomic::AtomicUsize::new(0);
    TestServer::start(move |_| {
        if count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < failures {
            failure.clone()
        } else {
            ok.clone()
        }
    })
    .await
}

#[tokio::test]
async fn idempotent_operations_are_retried_on_transient_failures() {
    let server = flaky(2, http(503, "text/plain", "busy")).await;
    let answer = retrying_client(&server, quick())
        .get_account_email()
        .send_checked()
        .await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(server.request_count(), 3);
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.target == requests[0].target
                && r.header("client-token") == Some(CLIENT_TOKEN))
    );
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = flaky(usize::MAX, http(502, "text/plain", "")).await;
    let status = failed_get_status(&retrying_client(&server, quick().max_attempts(4))).await;
    assert_eq!(status, Some(502));
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn set_account_email_is_not_repeated_after_a_failure_that_may_have_reached_z_api() {
    let server = flaky(1, http(503, "text/plain", "")).await;
    let error = set_email(&retrying_client(&server, quick()))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.request_count(),
        1,
        "another attempt would send another verification email"
    );
}

/// A client with `policy` and a 300 ms timeout, talking to `server`.
fn impatient_client(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .retry(policy)
        .build()
        .unwrap()
}

/// A connection closed before any answer may have reached Z-API: like a
/// timeout (see `after_a_timeout_only_retry_safe_operations_are_repeated`),
/// set_account_email is sent once, an operation safe to repeat twice.
#[tokio::test]
async fn after_a_reset_set_account_email_is_not_repeated() {
    let server = flaky(1, Reply::Raw(Vec::new())).await;
    let error = set_email(&impatient_client(&server, quick().max_attempts(5)))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.request_count(), 1, "sent again");
    let server = flaky(1, Reply::Raw(Vec::new())).await;
    let answer = impatient_client(&server, quick())
        .get_account_email()
        .send_checked()
        .await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn rate_limited_requests_are_retried_after_retry_after_for_every_operation() {
    let server = flaky(
        1,
        http(429, "text/plain", "").with_header("retry-after", "0"),
    )
    .await;
    let answer = set_email(&retrying_client(&server, quick())).await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        server.requests()[0].body,
        server.requests()[1].body,
        "same body resent"
    );

    // A Retry-After beyond the policy's longest wait is not waited for.
    let server = flaky(
        1,
        http(429, "text/plain", "").with_header("retry-after", "3600"),
    )
    .await;
    let status = failed_get_status(&retrying_client(&server, quick())).await;
    assert_eq!(status, Some(429));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn without_a_policy_nothing_is_retried() {
    let server = flaky(1, http(503, "text/plain", "")).await;
    assert_eq!(failed_get_status(&client_for(&server)).await, Some(503));
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------- load

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_64_at_a_time_all_answered_nothing_leaked() {
    const REQUESTS: usize = 10_000;
    const CONCURRENCY: usize = 64;
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": true, "email": "a@b.co", "verified": true}),
    ))
    .await;
    let metrics = tokio::runtime::Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();
    let client = client_for(&server);
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..CONCURRENCY {
        let client = client.clone();
        workers.spawn(async move {
            let mut errors = 0;
            for _ in (worker..REQUESTS).step_by(CONCURRENCY) {
                if client.get_account_email().send_checked().await.is_err() {
                    errors += 1;
                }
            }
            errors
        });
    }
    let mut errors = 0;
    while let Some(joined) = workers.join_next().await {
        errors += joined.unwrap();
    }
    assert_eq!(errors, 0);
    assert_eq!(server.request_count(), REQUESTS, "every request answered");
    // Keep-alive: connections are reused, not opened per request.
    let accepted = server.accepted_connections();
    assert!(
        accepted <= 2 * CONCURRENCY,
        "{accepted} connections for {REQUESTS} requests"
    );

    // Dropping the client closes its pooled connections; their server tasks end.
    drop(client);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while (server.open_connections() > 0 || metrics.num_alive_tasks() > tasks_before)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.open_connections(), 0, "connections leaked");
    assert_eq!(metrics.num_alive_tasks(), tasks_before, "tasks leaked");
}

// ------------------------------------------------------------------- secrets

/// Secrets marked `format: password` in the spec (the email verification
/// code; the PIN) print as `<redacted>` in every type, builder and error, and
/// an answer that echoes one has it redacted.
#[tokio::test]
async fn request_secrets_never_print_and_are_redacted_from_answers() {
    const CODE: &str = "837261";
    let code: zapi_client::types::VerificationCode = CODE.parse().unwrap();
    assert_eq!(format!("{code:?}"), "<redacted>");
    assert_eq!(format!("{code}"), "<redacted>");
    assert_eq!(code.as_str(), CODE, "the value itself stays usable");

    let server = TestServer::replying(Reply::json(
        400,
        &json!({"error": format!("code {CODE} is wrong"), "echo": CODE}),
    ))
    .await;
    let client = client_for(&server);
    let builder = client
        .verify_account_email()
        .body_map(|b| b.verification_code(CODE));
    let body = zapi_client::types::VerifyAccountEmailRequest {
        verification_code: code.clone(),
    };
    let mut printed_values = vec![
        format!("{builder:?}"),
        format!("{builder:#?}"),
        format!("{body:?}"),
    ];
    let error = builder.send_checked().await.unwrap_err();
    assert_eq!(
        error.server_message(),
        Some("code <redacted> is wrong"),
        "{error:?}"
    );
    printed_values.extend(printed(&error));
    let raw = client
        .verify_account_email()
        .body(body.clone())
        .send()
        .await
        .unwrap_err();
    printed_values.extend(printed_generated(&raw));
    for text in &printed_values {
        assert!(!text.contains(CODE), "the code leaked in {text}");
    }
    assert_eq!(
        server.requests()[0].json()["verificationCode"],
        CODE,
        "the code itself is sent"
    );

    // A malformed code is refused without quoting it.
    let bad = "12 34 56";
    let error = client
        .verify_account_email()
        .body_map(|b| b.verification_code(bad))
        .send_checked()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert!(!format!("{error} {error:?}").contains(bad), "{error:?}");
}

/// Every operation whose body holds a secret: the secret is sent, never
/// printed by the builder or any error, and redacted from an answer that
/// echoes it.
#[tokio::test]
async fn every_operations_secrets_are_sent_and_never_printed() {
    const SECRET: &str = "583920";
    let mut covered = Vec::new();
    for op in Op::ALL {
        let secrets = zapi_client_tests::spec::secret_properties(op.id());
        let Some(mut body) = op.request_example() else {
            continue;
        };
        for name in &secrets {
            body[name] = json!(SECRET);
        }
        if secrets.is_empty() {
            continue;
        }
        covered.push(op.id());
        let server = TestServer::replying(Reply::json(
            200,
            &json!({"success": false, "message": format!("{SECRET} refused"), "echo": SECRET}),
        ))
        .await;
        let error = op
            .call_with(&client_for(&server), Some(&body))
            .await
            .unwrap_err();
        assert_eq!(error.server_message(), Some("<redacted> refused"), "{op:?}");
        for text in printed(&error) {
            assert!(!text.contains(SECRET), "{op:?}: {text}");
        }
        let sent = server.single_request().json();
        for name in &secrets {
            assert_eq!(sent[name], SECRET, "{op:?} sends {name}");
        }
    }
    // The spec's secrets are found (a subset, so a new operation with a
    // secret needs no edit here).
    for known in [
        "verify_account_email",
        "set_security_code",
        "confirm_security_code",
    ] {
        assert!(covered.contains(&known), "{known}: {covered:?}");
    }
}

#[tokio::test]
async fn a_malformed_pin_is_refused_unsent_and_unquoted() {
    let server = TestServer::replying(Reply::json(200, &json!({"success": true}))).await;
    let client = client_for(&server);
    for pin in [
        "12345",
        "12 3456",
        "123456\n",
        "abcdef",
        "１２３４５６",
        &"1".repeat(65),
    ] {
        for sent in [
            client
                .set_security_code()
                .body_map(|b| b.code(pin))
                .send_checked()
                .await
                .map(|_| ()),
            client
                .confirm_security_code()
                .body_map(|b| b.code(pin))
                .send_checked()
                .await
                .map(|_| ()),
        ] {
            let error = sent.unwrap_err();
            assert!(
                matches!(&error, Error::InvalidInput { field, .. } if field == "code"),
                "{pin:?}: {error:?}"
            );
            assert!(!format!("{error} {error:?}").contains(pin), "{error:?}");
        }
    }
    assert_eq!(server.request_count(), 0, "nothing may be sent");
}

/// A timeout is retried exactly for the operations the spec marks
/// `x-zapi-retry-safe: true`; the others (set_account_email,
/// confirm_security_code, forgot_security_code) are sent once.
#[tokio::test]
async fn after_a_timeout_only_retry_safe_operations_are_repeated() {
    for op in Op::ALL {
        let ok = Reply::json(200, &op.response_example());
        let server = flaky_then(1, Reply::Hang, ok).await;
        let result = op.call(&impatient_client(&server, quick())).await;
        let safe = zapi_client_tests::spec::retry_safe(op.id());
        assert_eq!(result.is_ok(), safe, "{op:?}: {result:?}");
        assert_eq!(server.request_count(), if safe { 2 } else { 1 }, "{op:?}");
    }
}
