//! Registering a number on a mobile instance: check availability, request
//! the code, answer a captcha, confirm the code (then the PIN), appeal a ban.
//!
//! # Assumptions (the vendor's pages are silent on these)
//!
//! - A code request for a number the instance has not checked with
//!   `check_registration_availability` (or another number than the last one
//!   checked) is `{"success": false, "message": ...}`.
//! - A request before a method's wait is over is `{"success": false,
//!   "message": ..., "retryAfter": <seconds left>}`; a successful request
//!   answers `retryAfter` and the per-method waits of [`WAITS`], which start
//!   again (the pages show `retryAfter` 165 beside waits of 125, unexplained).
//! - A wrong captcha text or code is `{"success": false, "message": ...}`,
//!   and the same captcha or code stands; a captcha answered right has the
//!   code sent by the method already chosen.
//! - The PIN number's account gets the PIN [`PIN`] when its code is
//!   confirmed, so `confirm_security_code` with it completes the
//!   registration (pin.rs).
//! - An appeal with the banned number's token is `IN_REVIEW`; any other
//!   token is `{"success": false, "message": ...}`.
//!
//! # Test numbers (DDI `55`)
//!
//! | phone | behaviour |
//! | --- | --- |
//! | [`CAPTCHA_PHONE`] `4400000002` | the code request answers a captcha; its text is [`CAPTCHA_TEXT`] |
//! | [`PIN_PHONE`] `4400000003` | the code confirmation answers `confirmSecurityCode`; the PIN is [`PIN`] |
//! | [`BANNED_PHONE`] `4400000004` | banned: availability gives `blocked` and [`APPEAL_TOKEN`] |
//! | [`BLOCKED_AT_REQUEST_PHONE`] `4400000005` | available, but the code request answers `blocked` (no token) |
//! | any other | available; the code is sent |
//!
//! The code is always [`CODE`].

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::routes::Route;
use super::state::{Account, Reply};

/// The registration code every number receives.
pub const CODE: &str = "123456";
/// The captcha's text for [`CAPTCHA_PHONE`].
pub const CAPTCHA_TEXT: &str = "W4RD5";
/// The PIN of [`PIN_PHONE`]'s account.
pub const PIN: &str = "654321";
/// A number whose code request needs a captcha.
pub const CAPTCHA_PHONE: &str = "4400000002";
/// A number whose account has a PIN.
pub const PIN_PHONE: &str = "4400000003";
/// A banned number, with an appeal token.
pub const BANNED_PHONE: &str = "4400000004";
/// A number reported blocked only when its code is requested.
pub const BLOCKED_AT_REQUEST_PHONE: &str = "4400000005";
/// The appeal token of [`BANNED_PHONE`].
pub const APPEAL_TOKEN: &str = "SIMULATED_APPEAL_TOKEN_4400000004";
/// Seconds before another code by `sms`, `voice`, `wa_old`, after one was
/// sent; `retryAfter` is the longest.
pub const WAITS: [(&str, u64); 3] = [("sms", 60), ("voice", 120), ("wa_old", 60)];

/// A 1x1 PNG, as a data URI: the captcha image.
const CAPTCHA_IMAGE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[derive(Default)]
pub(super) struct RegistrationState {
    /// `ddi + phone` of the last availability check that found it available.
    checked: Option<(String, String)>,
    /// When each method may be used again.
    next_request: Vec<(String, Instant)>,
    captcha_pending: bool,
    code_sent: bool,
}

pub(super) const ROUTES: [Route; 5] = [
    Route {
        operation_id: "check_registration_availability",
        method: "POST",
        path: "/mobile/registration-available",
        answer: availability,
    },
    Route {
        operation_id: "request_registration_code",
        method: "POST",
        path: "/mobile/request-registration-code",
        answer: request_code,
    },
    Route {
        operation_id: "respond_captcha",
        method: "POST",
        path: "/mobile/respond-captcha",
        answer: respond_captcha,
    },
    Route {
        operation_id: "confirm_registration_code",
        method: "POST",
        path: "/mobile/confirm-registration-code",
        answer: confirm_code,
    },
    Route {
        operation_id: "request_unbanning",
        method: "POST",
        path: "/mobile/request-unbanning",
        answer: unbanning,
    },
];

fn text<'a>(body: &'a Value, name: &str) -> Result<&'a str, Reply> {
    body[name]
        .as_str()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Reply::error(400, &format!("{name} is required")))
}

fn waits(state: &RegistrationState, now: Instant) -> Value {
    let left = |method: &str| {
        state
            .next_request
            .iter()
            .find(|(m, _)| m == method)
            .map_or(0, |(_, at)| at.saturating_duration_since(now).as_secs())
    };
    json!({
        "smsWaitSeconds": left("sms"),
        "voiceWaitSeconds": left("voice"),
        "waOldWaitSeconds": left("wa_old"),
    })
}

fn availability(account: &mut Account, body: &Value) -> Reply {
    let (ddi, phone) = match (text(body, "ddi"), text(body, "phone")) {
        (Ok(ddi), Ok(phone)) => (ddi.to_owned(), phone.to_owned()),
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    let state = &mut account.registration;
    if phone == BANNED_PHONE {
        state.checked = None;
        return Reply::ok(json!({
            "available": false,
            "blocked": true,
            "appealToken": APPEAL_TOKEN,
        }));
    }
    state.checked = Some((ddi, phone));
    let mut answer = waits(state, Instant::now());
    answer["available"] = json!(true);
    answer["waOldEligible"] = json!(true);
    Reply::ok(answer)
}

fn request_code(account: &mut Account, body: &Value) -> Reply {
    let (ddi, phone, method) = match (text(body, "ddi"), text(body, "phone"), text(body, "method"))
    {
        (Ok(d), Ok(p), Ok(m)) => (d, p, m),
        (Err(refused), _, _) | (_, Err(refused), _) | (_, _, Err(refused)) => return refused,
    };
    let Some(&(_, wait)) = WAITS.iter().find(|(m, _)| *m == method) else {
        return Reply::error(400, "method must be sms, voice or wa_old");
    };
    let state = &mut account.registration;
    if state.checked.as_ref() != Some(&(ddi.to_owned(), phone.to_owned())) {
        return Reply::unsuccessful("check the number's availability first");
    }
    if phone == BLOCKED_AT_REQUEST_PHONE {
        return Reply::ok(json!({ "success": false, "blocked": true }));
    }
    let now = Instant::now();
    let left = waits(state, now);
    let key = match method {
        "sms" => "smsWaitSeconds",
        "voice" => "voiceWaitSeconds",
        _ => "waOldWaitSeconds",
    };
    if let Some(seconds) = left[key].as_u64().filter(|s| *s > 0) {
        return Reply::ok(json!({
            "success": false,
            "message": format!("wait {seconds} seconds before another code by {method}"),
            "retryAfter": seconds,
        }));
    }
    if phone == CAPTCHA_PHONE && !state.captcha_pending && !state.code_sent {
        state.captcha_pending = true;
        return Reply::ok(json!({ "success": false, "captcha": CAPTCHA_IMAGE }));
    }
    for (m, seconds) in WAITS {
        let seconds = if m == method { wait } else { seconds.min(wait) };
        let at = now + Duration::from_secs(seconds);
        state.next_request.retain(|(known, _)| known != m);
        state.next_request.push((m.to_owned(), at));
    }
    state.code_sent = true;
    let retry_after = WAITS.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let mut answer = waits(state, now);
    answer["success"] = json!(true);
    answer["retryAfter"] = json!(retry_after.to_string());
    answer["method"] = json!(method);
    Reply::ok(answer)
}

fn respond_captcha(account: &mut Account, body: &Value) -> Reply {
    let captcha = match text(body, "captcha") {
        Ok(captcha) => captcha,
        Err(refused) => return refused,
    };
    let state = &mut account.registration;
    if !state.captcha_pending {
        return Reply::unsuccessful("no captcha to answer");
    }
    if captcha != CAPTCHA_TEXT {
        return Reply::unsuccessful("wrong captcha");
    }
    state.captcha_pending = false;
    state.code_sent = true;
    Reply::ok(json!({ "success": true }))
}

fn confirm_code(account: &mut Account, body: &Value) -> Reply {
    let code = match text(body, "code") {
        Ok(code) => code,
        Err(refused) => return refused,
    };
    let state = &mut account.registration;
    if !state.code_sent {
        return Reply::unsuccessful("no code was sent");
    }
    if code != CODE {
        return Reply::unsuccessful("wrong code");
    }
    let pin_account = state
        .checked
        .as_ref()
        .is_some_and(|(_, phone)| phone == PIN_PHONE);
    *state = RegistrationState::default();
    if pin_account {
        account.pin.set_pin(PIN);
        return Reply::ok(json!({ "success": false, "confirmSecurityCode": true }));
    }
    Reply::ok(json!({ "success": true }))
}

fn unbanning(_: &mut Account, body: &Value) -> Reply {
    let token = match (text(body, "appealToken"), text(body, "description")) {
        (Ok(token), Ok(_)) => token,
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    if token != APPEAL_TOKEN {
        return Reply::unsuccessful("unknown appeal token");
    }
    Reply::ok(json!({ "success": true, "status": "IN_REVIEW" }))
}
