//! What a hostile server writes back cannot reach the caller's screen or
//! log as is: an echoed secret is redacted in every form JSON and
//! percent-encoding allow, at every length the spec allows, and server text
//! in an error has its control, bidi and zero-width characters escaped.

use serde_json::json;
use zapi_client::{Client, Error, Transport};
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

/// Every way an error prints, and its fields.
fn printed(error: &Error) -> Vec<String> {
    let mut printed = vec![
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    printed.extend(error.server_message().map(str::to_owned));
    if let Error::Api { excerpt, .. } | Error::Undecodable { excerpt, .. } = error {
        printed.push(excerpt.clone());
    }
    printed
}

/// Clients of `server` through `Client::builder` and through a shared
/// `Transport`, with and without a Client-Token.
fn clients(server: &TestServer) -> Vec<Client> {
    clients_and_tokens(server)
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

/// The same, each with whether it has the Client-Token.
fn clients_and_tokens(server: &TestServer) -> Vec<(Client, bool)> {
    let transport = Transport::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    vec![
        (
            Client::builder(INSTANCE, TOKEN)
                .client_token(CLIENT_TOKEN)
                .base_url(server.base_url())
                .build()
                .unwrap(),
            true,
        ),
        (
            Client::builder(INSTANCE, TOKEN)
                .base_url(server.base_url())
                .build()
                .unwrap(),
            false,
        ),
        (
            transport
                .client(INSTANCE, TOKEN)
                .client_token(CLIENT_TOKEN)
                .build()
                .unwrap(),
            true,
        ),
        (transport.client(INSTANCE, TOKEN).build().unwrap(), false),
    ]
}

/// A JSON answer written by hand, so its escapes are exactly these.
fn raw_json(status: u16, body: &str) -> Reply {
    Reply::text(status, "application/json", body)
}

async fn verify(client: &Client, code: &str) -> Error {
    client
        .verify_account_email()
        .body_map(|b| b.verification_code(code))
        .send_checked()
        .await
        .unwrap_err()
}

// ---------------------------------------------------------------- 3. echoes

/// A verification code with every character JSON may escape, a non-ASCII
/// one and one outside the BMP, echoed in each form JSON (and percent-
/// encoding) allows: the caller sees `<redacted>`, in the decoded message
/// and in the excerpt, never the code decoded or escaped.
#[tokio::test]
async fn an_echoed_secret_is_redacted_in_every_escaped_form() {
    const CODE: &str = "VC\"Secret\\42/ó🦀";
    let forms = [
        ("raw", r#"VC\"Secret\\42/ó🦀"#),
        ("solidus escaped", r#"VC\"Secret\\42\/ó🦀"#),
        (
            "\\u lower case",
            r#"VC\u0022Secret\u005c42\u002f\u00f3\ud83e\udd80"#,
        ),
        (
            "\\u upper case",
            r#"VC\u0022Secret\u005C42\u002F\u00F3\uD83E\uDD80"#,
        ),
        (
            "\\u mixed case",
            r#"VC\u0022Secret\u005c42\u002F\u00f3\uD83e\udD80"#,
        ),
        (
            "every letter escaped",
            r#"\u0056\u0043\"\u0053\u0065\u0063\u0072\u0065\u0074\\\u0034\u0032/\u00f3\ud83e\udd80"#,
        ),
        ("percent-encoded", "VC%22Secret%5C42%2F%C3%B3%F0%9F%A6%80"),
        (
            "percent, lower case",
            "VC%22Secret%5c42%2f%c3%b3%f0%9f%a6%80",
        ),
        ("mixed", r#"VC\"Secret%5c42\/%C3%b3\ud83e\uDD80"#),
        ("HTML, named", r#"VC&quot;Secret\\42/ó🦀"#),
        ("HTML, numeric", "VC&#34;Secret&#92;42&#x2F;&#xf3;&#x1F980;"),
    ];
    let decoded_forms = [CODE, "VC\\\"Secret", "Secret\\42", "Secret%5C42"];
    for (name, form) in forms {
        let replies = [
            raw_json(
                400,
                &format!(r#"{{"error":"code {form} is wrong","echo":"{form}"}}"#),
            ),
            raw_json(
                200,
                &format!(r#"{{"success":false,"message":"code {form} is wrong"}}"#),
            ),
            Reply::text(404, "text/html", &format!("<p>code {form} is wrong</p>")),
        ];
        for reply in replies {
            let server = TestServer::replying(reply).await;
            for client in clients(&server) {
                let error = verify(&client, CODE).await;
                if let Some(message) = error.server_message() {
                    assert_eq!(message, "code <redacted> is wrong", "{name}: {error:?}");
                }
                for text in printed(&error) {
                    for leaked in decoded_forms.iter().chain([&form]) {
                        assert!(!text.contains(leaked), "{name}: {leaked} in {text}");
                    }
                }
            }
        }
    }
}

/// The spec allows a 1-character verification code: codes of 1 to 3
/// characters are redacted where they stand as a word of the answer's text
/// (never inside other words or JSON numbers, which would mangle them).
#[tokio::test]
async fn short_secrets_are_redacted_as_whole_words() {
    for code in ["7", "ab", "x1y", "é"] {
        let escaped: String = code
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        for form in [code.to_owned(), escaped] {
            let body = format!(
                r#"{{"success":false,"message":"code {form} is wrong (17 tries, ab7)","echo":"{form}","n":7}}"#
            );
            let server = TestServer::replying(raw_json(200, &body)).await;
            for client in clients(&server) {
                let error = verify(&client, code).await;
                assert_eq!(
                    error.server_message(),
                    Some("code <redacted> is wrong (17 tries, ab7)"),
                    "{code:?} as {form}: {error:?}"
                );
            }
        }
    }
}

/// The credentials too, escaped or percent-encoded (an echoed URL).
#[tokio::test]
async fn escaped_credentials_are_redacted() {
    let escape =
        |s: &str| -> String { s.chars().map(|c| format!("\\u{:04X}", c as u32)).collect() };
    let percent = |s: &str| -> String { s.bytes().map(|b| format!("%{b:02x}")).collect() };
    let body = format!(
        r#"{{"error":"{} {} {} {}","path":"/instances/{}/token/{}"}}"#,
        escape(INSTANCE),
        escape(TOKEN),
        escape(CLIENT_TOKEN),
        percent(CLIENT_TOKEN),
        percent(INSTANCE),
        escape(TOKEN),
    );
    let server = TestServer::replying(raw_json(401, &body)).await;
    for (client, has_client_token) in clients_and_tokens(&server) {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        let message = error.server_message().unwrap_or_default();
        assert!(message.starts_with("<redacted> <redacted> "), "{error:?}");
        let mut secrets = vec![INSTANCE, TOKEN, &INSTANCE[..8], &TOKEN[..8]];
        if has_client_token {
            // A client without one cannot know it: nothing of it to redact.
            assert_eq!(message, "<redacted> <redacted> <redacted> <redacted>");
            secrets.extend([CLIENT_TOKEN, &CLIENT_TOKEN[..8]]);
        }
        for text in printed(&error) {
            for secret in &secrets {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
}

/// A PIN that appears inside a JSON number of the answer (a reference
/// number, or the PIN echoed as a number) is redacted by turning that number
/// into the string `"<redacted>"`: the answer stays JSON, so a success still
/// decodes, and an error's excerpt shows `<redacted>`. Both builders, with
/// and without a Client-Token.
#[tokio::test]
async fn a_secret_inside_a_json_number_is_redacted_and_the_answer_still_decodes() {
    const PIN: &str = "654321";
    let success = TestServer::replying(raw_json(
        200,
        r#"{"success":true,"message":"ok","reference":99654321000}"#,
    ))
    .await;
    for client in clients(&success) {
        let answer = client
            .set_security_code()
            .body_map(|b| b.code(PIN))
            .send_checked()
            .await
            .expect("the answer still decodes");
        assert_eq!(answer.message.as_deref(), Some("ok"));
    }
    // A refusal echoing it in its message and as a number: still decoded
    // (a refusal, not an undecodable answer), neither echo shown.
    let refusal = TestServer::replying(raw_json(
        200,
        r#"{"success":false,"message":"pin 654321 is weak","pin":654321}"#,
    ))
    .await;
    for client in clients(&refusal) {
        let error = client
            .set_security_code()
            .body_map(|b| b.code(PIN))
            .send_checked()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Unsuccessful { .. }), "{error:?}");
        assert_eq!(error.server_message(), Some("pin <redacted> is weak"));
        for text in printed(&error) {
            assert!(!text.contains(PIN), "{text}");
        }
    }
}

// ------------------------------------------------------------ 4. server text

const FORGED: &str = "\u{1b}[2K\u{1b}[1G\u{1b}[32m2030-01-01T00:00:00Z  INFO zapi_client: Z-API call succeeded\u{1b}[0m\r\nreal \u{202e}txt.exe\u{200b} \u{85}end";

/// Hostile text in every place an error takes server text from: the error
/// message, the `success: false` message, a text body's excerpt, a serde
/// decoding reason. No raw control, bidi or zero-width character comes out
/// of any way the error prints, and no line of it starts a forged log line.
#[tokio::test]
async fn server_text_in_errors_has_its_control_characters_escaped() {
    let replies = [
        Reply::json(400, &json!({"error": FORGED})),
        Reply::json(200, &json!({"success": false, "message": FORGED})),
        Reply::text(500, "text/plain", FORGED),
        Reply::json(200, &json!({"success": FORGED})),
        Reply::json(200, &json!({"success": true, "hasEmail": FORGED})),
    ];
    for reply in replies {
        let server = TestServer::replying(reply.clone()).await;
        for client in clients(&server) {
            let error = client.get_account_email().send_checked().await.unwrap_err();
            let texts = printed(&error);
            assert!(
                texts.iter().any(|t| t.contains("\\u{1b}[32m2030")),
                "the text is kept, escaped: {error:?}"
            );
            for text in texts {
                assert!(
                    !text.chars().any(
                        |c| c.is_control() && c != '\n' || matches!(c, '\u{202e}' | '\u{200b}')
                    ),
                    "{reply:?}: a raw invisible character in {text:?}"
                );
                assert!(
                    !text
                        .lines()
                        .any(|l| l.trim_start().starts_with("2030-01-01")),
                    "a forged log line: {text}"
                );
            }
            let display = error.to_string();
            assert!(
                !display.contains('\n') && !display.contains('\r'),
                "{display:?}"
            );
        }
    }
}

/// Server text an error keeps is bounded: a message of exactly
/// `MESSAGE_BYTES` is kept whole, a longer one (in any place an error takes
/// server text from) is cut there and says how much was left out, so a
/// hostile megabyte never reaches a log line.
#[tokio::test]
async fn server_text_in_errors_is_kept_whole_up_to_message_bytes_then_cut() {
    let limit = zapi_client::MESSAGE_BYTES;
    let exact = "é".repeat(limit / 2);
    let long = "é".repeat(50_000);
    for client in clients(&TestServer::replying(Reply::json(400, &json!({"error": exact}))).await) {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert_eq!(error.server_message(), Some(exact.as_str()), "kept whole");
    }
    let replies = [
        Reply::json(400, &json!({"error": long})),
        Reply::json(200, &json!({"success": false, "message": long})),
        Reply::json(200, &json!({"success": long})),
        Reply::json(200, &json!({"success": true, "hasEmail": long})),
    ];
    for reply in replies {
        let server = TestServer::replying(reply.clone()).await;
        for client in clients(&server) {
            let error = client.get_account_email().send_checked().await.unwrap_err();
            if let Some(message) = error.server_message() {
                let kept = message
                    .strip_suffix(" more bytes]")
                    .expect("says it was cut");
                let (text, cut) = kept.rsplit_once("…[").unwrap();
                assert!(text.len() <= limit, "{} bytes kept", text.len());
                assert_eq!(text.len() + cut.parse::<usize>().unwrap(), long.len());
            }
            let display = error.to_string();
            assert!(
                display.contains("more bytes]")
                    && display.len() < limit + zapi_client::EXCERPT_BYTES + 200,
                "{} bytes of Display: {}",
                display.len(),
                display.chars().take(120).collect::<String>()
            );
            assert!(format!("{error:?}").len() < 2 * limit, "Debug: {error:?}");
        }
    }
}
