//! The two-step verification PIN: set, read whether there is one, remove,
//! confirm, and ask for a reset link (to the verified email).

use serde_json::{Value, json};

use super::routes::Route;
use super::state::{Account, Reply};

#[derive(Default)]
pub(super) struct PinState {
    pin: Option<String>,
    /// PIN reset emails "sent" by forgot_security_code.
    reset_emails: u32,
}

impl PinState {
    /// The account's PIN from now on (registration.rs: the PIN number's account).
    pub(super) fn set_pin(&mut self, pin: &str) {
        self.pin = Some(pin.to_owned());
    }

    pub(super) fn reset_emails(&self) -> u32 {
        self.reset_emails
    }
}

pub(super) const ROUTES: [Route; 5] = [
    Route {
        operation_id: "set_security_code",
        method: "POST",
        path: "/security/two-fa-code",
        answer: set,
    },
    Route {
        operation_id: "get_has_security_code",
        method: "GET",
        path: "/security/two-fa-code",
        answer: has,
    },
    Route {
        operation_id: "remove_security_code",
        method: "POST",
        path: "/security/two-fa-code/remove",
        answer: remove,
    },
    Route {
        operation_id: "confirm_security_code",
        method: "POST",
        path: "/mobile/confirm-pin-code",
        answer: confirm,
    },
    Route {
        operation_id: "forgot_security_code",
        method: "POST",
        path: "/mobile/recovery-pin-code",
        answer: forgot,
    },
];

/// The body's `code`, when it is a PIN: at least 6 ASCII digits, as the
/// vendor's newest page requires. Anything else is a 400, like any invalid body.
fn pin_in(body: &Value) -> Result<&str, Reply> {
    body["code"]
        .as_str()
        .filter(|code| code.len() >= 6 && code.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Reply::error(400, "code must be at least 6 digits"))
}

fn set(account: &mut Account, body: &Value) -> Reply {
    match pin_in(body) {
        Ok(pin) => {
            account.pin.pin = Some(pin.to_owned());
            Reply::ok(json!({ "success": true }))
        }
        Err(refused) => refused,
    }
}

fn has(account: &mut Account, _: &Value) -> Reply {
    Reply::ok(json!({ "success": true, "hasCode": account.pin.pin.is_some() }))
}

fn remove(account: &mut Account, _: &Value) -> Reply {
    match account.pin.pin.take() {
        Some(_) => Reply::ok(json!({ "success": true })),
        None => Reply::unsuccessful("the account has no PIN"),
    }
}

fn confirm(account: &mut Account, body: &Value) -> Reply {
    match pin_in(body) {
        Ok(pin) if account.pin.pin.as_deref() == Some(pin) => Reply::ok(json!({ "success": true })),
        Ok(_) => Reply::unsuccessful("wrong PIN"),
        Err(refused) => refused,
    }
}

fn forgot(account: &mut Account, _: &Value) -> Reply {
    if account.pin.pin.is_none() {
        Reply::unsuccessful("the account has no PIN")
    } else if !account.email.is_verified() {
        Reply::unsuccessful("the account has no verified email")
    } else {
        account.pin.reset_emails += 1;
        Reply::ok(json!({ "success": true }))
    }
}
