//! What a careless configuration or a hostile server cannot do: send the
//! credentials in clear, hold them in the base URL, pass invisible characters
//! off as credentials, make a call outlast its retry bound, panic the client
//! with a server value, lift the response cap or have answers inflated.
//!
//! No test here installs a process-wide rustls provider: the generated
//! `Client::new` must work without one.

use std::time::Duration;

use serde_json::json;
use zapi_client::{BuildError, Client, ClientInfo, Error, RetryPolicy, Transport};
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, client_for};

/// The base URL error of `base_url`, through `Client::builder` and through
/// `Transport::builder`: both say the same.
fn base_url_refusal(base_url: &str, insecure: bool) -> Option<String> {
    let mut client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(base_url);
    let mut transport = Transport::builder().base_url(base_url);
    if insecure {
        client = client.allow_insecure_http();
        transport = transport.allow_insecure_http();
    }
    let from_client = client.build().err();
    let from_transport = transport.build().err();
    assert_eq!(
        from_client.as_ref().map(ToString::to_string),
        from_transport.as_ref().map(ToString::to_string),
        "{base_url}"
    );
    for error in from_client.iter().chain(&from_transport) {
        assert!(
            matches!(error, BuildError::InvalidBaseUrl { .. }),
            "{error:?}"
        );
    }
    from_client.map(|e| e.to_string())
}

// ------------------------------------------------------------------ 1. http

#[test]
fn plain_http_is_refused_for_a_host_that_is_not_loopback() {
    for base_url in [
        "http://api.z-api.io",
        "HTTP://API.Z-API.IO/",
        "http://10.0.0.1:8080",
        "http://192.168.0.10",
        "http://[2001:db8::1]",
        "http://0.0.0.0",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://[::ffff:10.0.0.1]",
    ] {
        let reason =
            base_url_refusal(base_url, false).unwrap_or_else(|| panic!("{base_url} was accepted"));
        assert!(reason.contains("in clear"), "{reason}");
        assert!(reason.contains("allow_insecure_http()"), "{reason}");
        assert_eq!(base_url_refusal(base_url, true), None, "{base_url}");
    }
    for base_url in [
        "http://127.0.0.1:1",
        "http://127.5.6.7",
        "http://[::1]:8080",
        "http://[::ffff:127.0.0.1]",
        "http://localhost:3000",
        "http://LOCALHOST",
        "https://api.z-api.io",
        "https://10.0.0.1:8443/zapi",
    ] {
        assert_eq!(base_url_refusal(base_url, false), None, "{base_url}");
    }
}

#[tokio::test]
async fn plain_http_to_loopback_works_through_both_builders() {
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false}),
    ))
    .await;
    let localhost = format!("http://localhost:{}", server.port());
    client_for(&server)
        .get_account_email()
        .send_checked()
        .await
        .unwrap();
    let transport = Transport::builder().base_url(&localhost).build().unwrap();
    let client = transport.client(INSTANCE, TOKEN).build().unwrap();
    client.get_account_email().send_checked().await.unwrap();
    assert_eq!(server.request_count(), 2);
}

// -------------------------------------------------------- 8. credentials in the base URL

#[test]
fn a_base_url_holding_credentials_is_refused_and_never_printed() {
    let pasted = format!("https://api.z-api.io/instances/{INSTANCE}/token/{TOKEN}");
    for base_url in [
        pasted.as_str(),
        &format!("{pasted}/"),
        &format!("{pasted}/security/email"),
        "https://proxy.example/instances",
        "https://proxy.example/zapi/Token/x",
        "https://proxy.example/%69nstances/x",
        &format!("https://proxy.example/{INSTANCE}"),
        &format!("https://proxy.example/zapi/{}", TOKEN.to_lowercase()),
    ] {
        let reason =
            base_url_refusal(base_url, false).unwrap_or_else(|| panic!("{base_url} was accepted"));
        assert!(reason.contains("holds credentials"), "{reason}");
        let builder = Client::builder("i", "t").base_url(base_url);
        let transport = Transport::builder().base_url(base_url);
        for text in [
            reason,
            format!("{builder:?}"),
            format!("{builder:#?}"),
            format!("{transport:?}"),
        ] {
            for secret in [INSTANCE, TOKEN, &TOKEN.to_lowercase(), "instances/", "x/"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
    for stem in [
        "https://proxy.example/zapi",
        "https://proxy.example/v1/zapi-proxy/",
        "https://proxy.example/tokens",
        "https://proxy.example/abcdef0123",
    ] {
        assert_eq!(base_url_refusal(stem, false), None, "{stem}");
    }
}

#[test]
fn a_base_url_holding_this_instances_credentials_is_refused_for_that_instance() {
    // Not hex-like, so the transport accepts it; the instance's own
    // credentials in it are refused when its client is built.
    let instance = "my-instance-7";
    let transport = Transport::builder()
        .base_url(format!("https://proxy.example/zapi/{instance}"))
        .build()
        .unwrap();
    let error = transport.client(instance, TOKEN).build().unwrap_err();
    assert!(
        matches!(error, BuildError::InvalidBaseUrl { .. }),
        "{error:?}"
    );
    assert!(
        !format!("{error} {error:?}").contains(instance),
        "{error:?}"
    );
    let error = Client::builder("other", "my-token-xyz")
        .base_url("https://proxy.example/my-token-xyz")
        .build()
        .unwrap_err();
    assert!(
        matches!(error, BuildError::InvalidBaseUrl { .. }),
        "{error:?}"
    );
    transport.client("other", TOKEN).build().unwrap();
}

// ----------------------------------------------------------- 9. credentials

#[test]
fn credentials_with_whitespace_or_invisible_characters_are_refused() {
    let whitespace = "contains whitespace (a paste error? Z-API credentials have none)";
    let invisible = "contains an invisible or text-direction character (zero-width, bidi control: a paste error?)";
    let cases = [
        (" 3C0FFEE1", whitespace),
        ("3C0FFEE1 ", whitespace),
        ("3C0F FEE1", whitespace),
        ("3C0F\u{a0}FEE1", whitespace),
        ("3C0F\u{3000}FEE1", whitespace),
        ("3C0F\u{2028}FEE1", whitespace),
        ("3C0F\u{200b}FEE1", invisible),
        ("3C0F\u{200d}FEE1", invisible),
        ("\u{feff}3C0FFEE1", invisible),
        ("3C0F\u{2060}FEE1", invisible),
        ("3C0F\u{202e}FEE1", invisible),
        ("3C0F\u{2066}FEE1\u{2069}", invisible),
        ("3C0F\u{200f}FEE1", invisible),
        ("3C0F\u{61c}FEE1", invisible),
        ("3C0F\u{ad}FEE1", invisible),
    ];
    let transport = Transport::builder().build().unwrap();
    for (value, reason) in cases {
        for (instance, token, which) in [
            (value, TOKEN, "instance id"),
            (INSTANCE, value, "instance token"),
        ] {
            let errors = [
                Client::builder(instance, token)
                    .client_token(CLIENT_TOKEN)
                    .build()
                    .unwrap_err(),
                transport.client(instance, token).build().unwrap_err(),
            ];
            for error in errors {
                assert_eq!(
                    error.to_string(),
                    format!("invalid {which}: {reason}"),
                    "{value:?}"
                );
                assert!(!format!("{error:?}").contains(value), "{error:?}");
            }
        }
    }
    for client_token in ["\u{200b}Fa1b2c3d", "Fa1b2c3d\u{202e}", "Fa1b\u{a0}2c3d"] {
        let error = Client::builder(INSTANCE, TOKEN)
            .client_token(client_token)
            .build()
            .unwrap_err();
        assert!(
            error.to_string().starts_with("invalid Client-Token: "),
            "{error}"
        );
    }
    // What a credential could be is accepted: Z-API's uppercase hex, and
    // anything else printable without whitespace.
    for value in [
        INSTANCE,
        TOKEN,
        "3c0ffee1a2b3c4d5e6f7",
        "A",
        "ü",
        "日本",
        "🦀",
        "-._~",
        "a/b?c#d%",
    ] {
        Client::builder(value, value)
            .client_token(CLIENT_TOKEN)
            .build()
            .unwrap_or_else(|e| panic!("{value:?}: {e}"));
        transport.client(value, value).build().unwrap();
    }
}

// ------------------------------------------------- 9. response cap, decompression

#[tokio::test]
async fn the_response_cap_cannot_be_lifted() {
    assert_eq!(zapi_client::MAX_RESPONSE_BYTES_CEILING, 64 * 1024 * 1024);
    let server = TestServer::replying(Reply::Raw(
        b"HTTP/1.1 200 OK\r\ncontent-length: 104857600\r\n\r\n{".to_vec(),
    ))
    .await;
    let ceiling = zapi_client::MAX_RESPONSE_BYTES_CEILING;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .max_response_bytes(usize::MAX)
        .build()
        .unwrap();
    let transport = Transport::builder()
        .base_url(server.base_url())
        .max_response_bytes(ceiling + 1);
    assert!(format!("{transport:?}").contains(&format!("max_response_bytes: {ceiling}")));
    let shared = transport
        .build()
        .unwrap()
        .client(INSTANCE, TOKEN)
        .build()
        .unwrap();
    for client in [client, shared] {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert!(
            matches!(error, Error::ResponseTooLarge { limit, .. } if limit == ceiling),
            "{error:?}"
        );
    }
}

/// `{"success":true,"hasEmail":false}`, gzipped (Python's gzip, mtime 0).
const GZIPPED_ANSWER: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0x2a, 0x2e, 0x4d, 0x4e,
    0x4e, 0x2d, 0x2e, 0x56, 0xb2, 0x2a, 0x29, 0x2a, 0x4d, 0xd5, 0x51, 0xca, 0x48, 0x2c, 0x76, 0xcd,
    0x4d, 0xcc, 0xcc, 0x51, 0xb2, 0x4a, 0x4b, 0xcc, 0x29, 0x4e, 0xad, 0x05, 0x00, 0xe2, 0x31, 0xb6,
    0xf5, 0x21, 0x00, 0x00, 0x00,
];

/// This test binary is built with reqwest's `gzip` feature (tests/Cargo.toml),
/// as an application enabling it would: the transport still asks for no
/// compression and inflates nothing, so the cap counts wire bytes.
#[tokio::test]
async fn answers_are_never_decompressed_whatever_reqwests_features() {
    let server = TestServer::replying(Reply::Http {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("content-encoding".into(), "gzip".into()),
        ],
        body: GZIPPED_ANSWER.to_vec(),
    })
    .await;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .configure_reqwest(|b| b.gzip(true))
        .build()
        .unwrap();
    let transport = Transport::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let shared = transport.client(INSTANCE, TOKEN).build().unwrap();
    for client in [client, shared] {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert!(matches!(error, Error::Undecodable { .. }), "{error:?}");
    }
    for request in server.requests() {
        assert_eq!(request.header("accept-encoding"), None, "{request:?}");
    }
}

// ------------------------------------------------ 9. the generated constructor

#[tokio::test]
async fn the_generated_constructor_cannot_panic_and_uses_the_transport() {
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false}),
    ))
    .await;
    let client = client_for(&server);
    // No process-wide rustls provider in this binary: progenitor's own
    // constructor built a reqwest client here and panicked.
    let rebuilt = Client::new("https://elsewhere.invalid", client.inner().clone());
    rebuilt.get_account_email().send_checked().await.unwrap();
    assert_eq!(server.request_count(), 1);
}

// ------------------------------------------------------- 6. the retry bound

/// A server that answers 503 after `delay`.
async fn slow_503(delay: Duration) -> TestServer {
    TestServer::replying(Reply::Delayed {
        delay,
        reply: Box::new(Reply::text(503, "text/plain", "busy")),
    })
    .await
}

#[tokio::test]
async fn max_elapsed_bounds_the_whole_call_attempts_included() {
    let server = slow_503(Duration::from_millis(500)).await;
    let policy = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .max_elapsed(Duration::from_millis(700));
    let timeout = Duration::from_millis(700);
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .timeout(timeout)
        .retry(policy)
        .build()
        .unwrap();
    let shared = Transport::builder()
        .base_url(server.base_url())
        .timeout(timeout)
        .retry(policy)
        .build()
        .unwrap()
        .client(INSTANCE, TOKEN)
        .build()
        .unwrap();
    for client in [client, shared] {
        let started = std::time::Instant::now();
        let error = client.get_account_email().send_checked().await.unwrap_err();
        let took = started.elapsed();
        // The second attempt had ~200 ms left and timed out there; before,
        // it got a whole timeout and the call lasted ~1 s.
        assert!(error.is_timeout(), "{error:?}");
        assert!(took < Duration::from_millis(900), "{took:?}");
    }
    assert_eq!(server.request_count(), 4);
}

/// The README's numbers: with the default timeout and policy a call ends
/// within 30 s, whatever the server does (virtual time).
#[tokio::test(start_paused = true)]
async fn with_the_defaults_a_retried_call_ends_within_30_s() {
    let server = slow_503(Duration::from_secs(29)).await;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    let took = started.elapsed();
    assert!(error.is_timeout(), "{error:?} after {took:?}");
    assert!(took <= Duration::from_secs(30), "{took:?}");
    assert_eq!(server.request_count(), 2);
}

// ------------------------------------------------ 7. server values at extremes

/// The case: `Retry-After: u64::MAX` with an unbounded backoff,
/// after more than a second (the sum of the two then overflowed).
#[tokio::test]
async fn the_largest_retry_after_after_a_slow_answer_does_not_panic() {
    let server = TestServer::replying(Reply::Delayed {
        delay: Duration::from_millis(1100),
        reply: Box::new(
            Reply::json(429, &json!({"error": "slow down"}))
                .with_header("retry-after", "18446744073709551615"),
        ),
    })
    .await;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .retry(RetryPolicy::default().max_backoff(Duration::MAX))
        .build()
        .unwrap();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn extreme_retry_after_values_never_panic() {
    for retry_after in [
        "18446744073709551615",
        "18446744073709551614",
        "18446744073709551616",
        "99999999999999999999999999",
        "-1",
        "1e300",
        "0x10",
    ] {
        for max_backoff in [Duration::MAX, Duration::from_secs(u64::MAX), Duration::ZERO] {
            let server = TestServer::replying(
                Reply::json(429, &json!({"error": "slow down"}))
                    .with_header("retry-after", retry_after),
            )
            .await;
            let policy = RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(max_backoff)
                .max_elapsed(Duration::from_millis(300));
            let client = Client::builder(INSTANCE, TOKEN)
                .base_url(server.base_url())
                .retry(policy)
                .build()
                .unwrap();
            let error = client.get_account_email().send_checked().await.unwrap_err();
            assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error:?}");
        }
    }
}
