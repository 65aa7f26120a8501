//! A local Z-API for the account-security operations, faithful to the
//! vendor's documented behaviour: it enforces Client-Token (missing or wrong:
//! `{"error": "null not allowed"}`), the method (405), `Content-Type:
//! application/json` on POST (415) and body validity (400), and keeps each
//! instance's email and PIN so set -> verify -> get -> remove behaves like the
//! service.
//!
//! Where the vendor is silent, assumed here:
//! - confirm_security_code answers `success: true` only for the account's PIN
//!   (the vendor describes it as a registration step that checks the PIN),
//!   and `{"success": false, "message": ...}` otherwise.
//! - forgot_security_code succeeds only when the account has a verified email
//!   (the reset link goes to it) and a PIN; otherwise `success: false` with a
//!   message.
//! - A PIN that is not 6+ ASCII digits is a 400, like any invalid body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::server::{RecordedRequest, Reply, TestServer};

/// The email state of one instance's WhatsApp account.
#[derive(Clone, Debug, Default)]
struct Account {
    email: Option<String>,
    verified: bool,
    /// The code "emailed" by the last set, until verified.
    pending_code: Option<String>,
    /// The two-step verification PIN.
    pin: Option<String>,
    /// PIN reset emails "sent" by forgot_security_code.
    pin_reset_emails: u32,
}

#[derive(Default)]
struct Accounts {
    by_instance: HashMap<String, Account>,
    codes_sent: u32,
}

/// A running simulator; it stops when dropped.
pub struct Simulator {
    server: TestServer,
    accounts: Arc<Mutex<Accounts>>,
}

impl Simulator {
    /// Starts a simulator that accepts `client_token` (any instance and token).
    pub async fn start(client_token: &str) -> Self {
        let accounts = Arc::new(Mutex::new(Accounts::default()));
        let state = accounts.clone();
        let client_token = client_token.to_owned();
        let server = TestServer::start(move |request| {
            answer(request, &client_token, &mut state.lock().expect("lock"))
        })
        .await;
        Self { server, accounts }
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The verification code last "emailed" for `instance`, as the account
    /// owner would read it in their inbox.
    pub fn inbox_code(&self, instance: &str) -> Option<String> {
        let accounts = self.accounts.lock().expect("lock");
        accounts.by_instance.get(instance)?.pending_code.clone()
    }

    /// How many PIN reset emails `instance`'s account was "sent".
    pub fn pin_reset_emails(&self, instance: &str) -> u32 {
        let accounts = self.accounts.lock().expect("lock");
        accounts
            .by_instance
            .get(instance)
            .map_or(0, |a| a.pin_reset_emails)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }
}

fn json_reply(status: u16, body: Value) -> Reply {
    Reply::json(status, &body)
}

fn error(status: u16, message: &str) -> Reply {
    json_reply(status, json!({ "error": message }))
}

fn answer(request: &RecordedRequest, client_token: &str, accounts: &mut Accounts) -> Reply {
    // /instances/<instance>/token/<token>/security/<operation>
    let path = request.target.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let (instance, operation) = match segments.as_slice() {
        ["", "instances", instance, "token", token, rest @ ..]
            if !instance.is_empty() && !token.is_empty() =>
        {
            (instance.to_string(), format!("/{}", rest.join("/")))
        }
        _ => return error(404, "Not Found"),
    };
    let allowed = match operation.as_str() {
        "/security/email" => &["GET", "POST"][..],
        "/security/two-fa-code" => &["GET", "POST"][..],
        "/security/verify-email"
        | "/security/email/remove"
        | "/security/two-fa-code/remove"
        | "/mobile/confirm-pin-code"
        | "/mobile/recovery-pin-code" => &["POST"][..],
        _ => return error(404, "Not Found"),
    };
    if request.header("client-token") != Some(client_token) {
        return error(400, "null not allowed");
    }
    if !allowed.contains(&request.method.as_str()) {
        return error(405, "Method Not Allowed");
    }
    let body = if request.method == "POST" {
        let json_content = request
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json"));
        if !json_content {
            return error(415, "Unsupported Media Type");
        }
        if request.body.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice::<Value>(&request.body) {
                Ok(body) => body,
                Err(_) => return error(400, "invalid JSON body"),
            }
        }
    } else {
        Value::Null
    };
    if (request.method.as_str(), operation.as_str()) == ("POST", "/security/email") {
        let Some(email) = body["email"].as_str().filter(|e| e.contains('@')) else {
            return error(400, "email is required");
        };
        accounts.codes_sent += 1;
        let code = format!("{:06}", 100_000 + accounts.codes_sent);
        // A new address replaces the old one, verified or not; the PIN stays.
        let account = accounts.by_instance.entry(instance).or_default();
        account.email = Some(email.to_owned());
        account.verified = false;
        account.pending_code = Some(code);
        return json_reply(200, json!({"success": true, "message": "VERIFY_EMAIL"}));
    }
    let account = accounts.by_instance.entry(instance).or_default();
    match (request.method.as_str(), operation.as_str()) {
        ("POST", "/security/verify-email") => {
            let Some(code) = body["verificationCode"].as_str() else {
                return error(400, "verificationCode is required");
            };
            if account.pending_code.as_deref() == Some(code) {
                account.verified = true;
                account.pending_code = None;
                json_reply(200, json!({"success": true}))
            } else {
                json_reply(200, json!({"success": false}))
            }
        }
        ("GET", "/security/email") => match &account.email {
            Some(email) => json_reply(
                200,
                json!({"success": true, "hasEmail": true, "email": email, "verified": account.verified}),
            ),
            None => json_reply(200, json!({"success": true, "hasEmail": false})),
        },
        ("POST", "/security/email/remove") => {
            account.email = None;
            account.verified = false;
            account.pending_code = None;
            json_reply(200, json!({"success": true, "message": "REMOVED"}))
        }
        ("POST", "/security/two-fa-code") => {
            let Some(pin) = body["code"].as_str().filter(|c| is_pin(c)) else {
                return error(400, "code must be at least 6 digits");
            };
            account.pin = Some(pin.to_owned());
            json_reply(200, json!({"success": true}))
        }
        ("GET", "/security/two-fa-code") => json_reply(
            200,
            json!({"success": true, "hasCode": account.pin.is_some()}),
        ),
        ("POST", "/security/two-fa-code/remove") => match account.pin.take() {
            Some(_) => json_reply(200, json!({"success": true})),
            None => json_reply(
                200,
                json!({"success": false, "message": "the account has no PIN"}),
            ),
        },
        ("POST", "/mobile/confirm-pin-code") => {
            let Some(code) = body["code"].as_str().filter(|c| is_pin(c)) else {
                return error(400, "code must be at least 6 digits");
            };
            if account.pin.as_deref() == Some(code) {
                json_reply(200, json!({"success": true}))
            } else {
                json_reply(200, json!({"success": false, "message": "wrong PIN"}))
            }
        }
        ("POST", "/mobile/recovery-pin-code") => {
            if account.pin.is_none() {
                json_reply(
                    200,
                    json!({"success": false, "message": "the account has no PIN"}),
                )
            } else if !(account.email.is_some() && account.verified) {
                json_reply(
                    200,
                    json!({"success": false, "message": "the account has no verified email"}),
                )
            } else {
                account.pin_reset_emails += 1;
                json_reply(200, json!({"success": true}))
            }
        }
        _ => error(405, "Method Not Allowed"),
    }
}

/// At least 6 ASCII digits, as the vendor's newest page requires of a PIN.
fn is_pin(code: &str) -> bool {
    code.len() >= 6 && code.bytes().all(|b| b.is_ascii_digit())
}
