//! What the simulator remembers: each instance's credentials and account,
//! the armed faults, and how many calls each operation received.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::email::EmailState;
use super::faults::Faults;
use super::pin::PinState;
use super::registration::RegistrationState;

/// The WhatsApp account behind one instance: one field per area of the API.
#[derive(Default)]
pub(super) struct Account {
    pub(super) email: EmailState,
    pub(super) pin: PinState,
    pub(super) registration: RegistrationState,
}

pub(super) struct InstanceState {
    pub(super) token: String,
    pub(super) client_token: Option<String>,
    pub(super) account: Account,
}

#[derive(Default)]
pub(super) struct State {
    /// By instance id.
    pub(super) instances: HashMap<String, InstanceState>,
    pub(super) faults: Faults,
    /// By operation id: every request routed to it, faults and refusals included.
    pub(super) calls: HashMap<&'static str, usize>,
}

/// An answer with a JSON body, as an operation gives it.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) body: Value,
}

impl Reply {
    /// HTTP 200 with this body.
    pub(super) fn ok(body: Value) -> Self {
        Self { status: 200, body }
    }

    /// HTTP 200 with `{"success": false, "message": <message>}`.
    pub(super) fn unsuccessful(message: &str) -> Self {
        Self::ok(json!({ "success": false, "message": message }))
    }

    /// This status with `{"error": <message>}`, Z-API's error body.
    pub(super) fn error(status: u16, message: &str) -> Self {
        Self {
            status,
            body: json!({ "error": message }),
        }
    }
}
