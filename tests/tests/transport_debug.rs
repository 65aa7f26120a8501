//! What `Debug` shows of a `Transport`, the builder of an instance on it and
//! its clients: the settings, never a credential. (The secret-free half is
//! in transport.rs and hardening.rs; this is the half that says something:
//! an empty `Debug` would pass those.)

use zapi_client::{RetryPolicy, Transport};

const INSTANCE: &str = "3C0FFEE1A2B3C4D5E6F7";
const TOKEN: &str = "F00DBABE0123456789ABCDEF";
const CLIENT_TOKEN: &str = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S";

fn assert_no_secret(text: &str) {
    for secret in [INSTANCE, TOKEN, CLIENT_TOKEN] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn a_transport_shows_its_base_url_limit_and_retry_policy() {
    let plain = Transport::builder()
        .base_url("http://127.0.0.1:9")
        .max_response_bytes(4096)
        .build()
        .unwrap();
    let text = format!("{plain:?}");
    for shown in [
        "base_url: \"http://127.0.0.1:9\"",
        "max_response_bytes: 4096",
        "retry: None",
    ] {
        assert!(text.contains(shown), "{shown} not in {text}");
    }
    let retrying = Transport::builder()
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::default().max_attempts(3))
        .build()
        .unwrap();
    let text = format!("{retrying:?}");
    assert!(text.contains("retry: Some("), "{text}");
    assert!(text.contains("max_attempts: 3"), "{text}");
}

#[test]
fn an_instance_builder_shows_its_transport_and_which_credentials_it_has() {
    let transport = Transport::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let with_token = transport
        .client(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .label("shop-7");
    let text = format!("{with_token:?}");
    assert_no_secret(&text);
    for shown in [
        "InstanceBuilder",
        "transport: Transport",
        "base_url: \"http://127.0.0.1:9\"",
        "instance: <redacted>",
        "token: <redacted>",
        "client_token: Some(\"<redacted>\")",
        "label: Some(\"shop-7\")",
    ] {
        assert!(text.contains(shown), "{shown} not in {text}");
    }
    let without = transport.client(INSTANCE, TOKEN);
    let text = format!("{without:?}");
    assert_no_secret(&text);
    for shown in ["client_token: None", "label: None"] {
        assert!(text.contains(shown), "{shown} not in {text}");
    }
}

#[test]
fn a_client_on_a_transport_shows_the_transport() {
    let transport = Transport::builder()
        .base_url("http://127.0.0.1:9")
        .max_response_bytes(4096)
        .build()
        .unwrap();
    let client = transport
        .client(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .build()
        .unwrap();
    let text = format!("{client:?}");
    assert_no_secret(&text);
    assert!(text.contains("max_response_bytes: 4096"), "{text}");
}
