//! Fault switches: what the next calls of an operation do instead of
//! answering normally, for tests of a program's retry and error handling.

use std::time::Duration;

/// What a call does instead of its normal answer (see
/// [`Simulator::fail_next`](super::Simulator::fail_next)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 200 with `{"success": false, "message": <message>}`: Z-API
    /// refused; the account is left as it was. `send_checked()` returns
    /// `Error::Unsuccessful` with the message.
    Unsuccessful { message: String },
    /// This HTTP status, with `body` (sent as `application/json`, verbatim:
    /// it may be anything, malformed JSON included; `None`: an empty body)
    /// and a `Retry-After` header in seconds when `retry_after` is set. The
    /// account is left as it was.
    Status {
        status: u16,
        body: Option<String>,
        retry_after: Option<u32>,
    },
    /// The call is carried out (the account changes, an email is "sent"),
    /// but its answer leaves after this delay: a client timeout that finds
    /// the change done, as with the real service.
    Delay(Duration),
    /// The connection is closed once the request is read, without an
    /// answer; the account is left as it was.
    DropConnection,
    /// The call is carried out (the account changes), then the connection
    /// is closed without an answer: a reset after Z-API acted, the case a
    /// retry must not report as a failure.
    LoseAnswer,
}

impl Fault {
    /// `success: false` with this message.
    pub fn unsuccessful(message: impl Into<String>) -> Self {
        Self::Unsuccessful {
            message: message.into(),
        }
    }

    /// This status, without a body or `Retry-After`.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            body: None,
            retry_after: None,
        }
    }
}

/// A switch: the next `remaining` calls of `operation_id` (of one instance,
/// or of any) get `fault`.
pub(super) struct Armed {
    pub(super) operation_id: &'static str,
    pub(super) instance: Option<String>,
    pub(super) remaining: usize,
    pub(super) fault: Fault,
}

/// Armed switches, first armed first used.
#[derive(Default)]
pub(super) struct Faults {
    armed: Vec<Armed>,
}

impl Faults {
    pub(super) fn arm(&mut self, armed: Armed) {
        if armed.remaining > 0 {
            self.armed.push(armed);
        }
    }

    /// The fault this call gets, if any; it counts against its switch.
    pub(super) fn take(&mut self, operation_id: &str, instance: &str) -> Option<Fault> {
        let index = self.armed.iter().position(|armed| {
            armed.operation_id == operation_id
                && armed.instance.as_deref().is_none_or(|i| i == instance)
        })?;
        let armed = &mut self.armed[index];
        armed.remaining -= 1;
        let fault = armed.fault.clone();
        if armed.remaining == 0 {
            self.armed.remove(index);
        }
        Some(fault)
    }

    pub(super) fn clear(&mut self) {
        self.armed.clear();
    }
}
