//! The account's email: set (a code is "emailed"), verify with the code,
//! read, remove.

use serde_json::{Value, json};

use super::routes::Route;
use super::state::{Account, Reply};

#[derive(Default)]
pub(super) struct EmailState {
    address: Option<String>,
    verified: bool,
    /// The code "emailed" by the last set, until verified.
    pending_code: Option<String>,
    codes_sent: u32,
}

impl EmailState {
    /// The code the account owner would read in their inbox.
    pub(super) fn inbox_code(&self) -> Option<&str> {
        self.pending_code.as_deref()
    }

    /// Whether the account has an email, and it is verified.
    pub(super) fn is_verified(&self) -> bool {
        self.address.is_some() && self.verified
    }
}

pub(super) const ROUTES: [Route; 4] = [
    Route {
        operation_id: "set_account_email",
        method: "POST",
        path: "/security/email",
        answer: set,
    },
    Route {
        operation_id: "verify_account_email",
        method: "POST",
        path: "/security/verify-email",
        answer: verify,
    },
    Route {
        operation_id: "get_account_email",
        method: "GET",
        path: "/security/email",
        answer: get,
    },
    Route {
        operation_id: "remove_account_email",
        method: "POST",
        path: "/security/email/remove",
        answer: remove,
    },
];

fn set(account: &mut Account, body: &Value) -> Reply {
    let Some(address) = body["email"].as_str().filter(|e| e.contains('@')) else {
        return Reply::error(400, "email is required");
    };
    let email = &mut account.email;
    email.codes_sent += 1;
    // A new address replaces the old one, verified or not; the PIN stays.
    email.address = Some(address.to_owned());
    email.verified = false;
    email.pending_code = Some(format!("{:06}", 100_000 + email.codes_sent));
    Reply::ok(json!({ "success": true, "message": "VERIFY_EMAIL" }))
}

fn verify(account: &mut Account, body: &Value) -> Reply {
    let Some(code) = body["verificationCode"].as_str() else {
        return Reply::error(400, "verificationCode is required");
    };
    let email = &mut account.email;
    if email.pending_code.as_deref() == Some(code) {
        email.verified = true;
        email.pending_code = None;
        Reply::ok(json!({ "success": true }))
    } else {
        Reply::ok(json!({ "success": false }))
    }
}

fn get(account: &mut Account, _: &Value) -> Reply {
    let email = &account.email;
    match &email.address {
        Some(address) => Reply::ok(json!({
            "success": true,
            "hasEmail": true,
            "email": address,
            "verified": email.verified,
        })),
        None => Reply::ok(json!({ "success": true, "hasEmail": false })),
    }
}

fn remove(account: &mut Account, _: &Value) -> Reply {
    let email = &mut account.email;
    email.address = None;
    email.verified = false;
    email.pending_code = None;
    Reply::ok(json!({ "success": true, "message": "REMOVED" }))
}
