//! What a failed call may have done to the account ([`Error::outcome`]), and
//! the settling of a retry's refusal by reading the account back
//! (`x-zapi-repeat-may-refuse` in the spec).

use std::pin::Pin;

use bytes::Bytes;
use reqwest::header::CONTENT_LENGTH;

use crate::error::Error;
use crate::generated::operation_facts;
use crate::{Client, retry};

/// What a failed call may have done, from what the client saw: whether its
/// request reached Z-API and whether an answer says what became of it.
/// [`Error::outcome`] gives it for every error; the README's "When a call
/// fails" table says, per operation, what to do for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Nothing reached Z-API: the input was refused, or no connection (TCP
    /// or TLS) was established. The account is as it was; calling again is
    /// safe.
    NotSent,
    /// Z-API answered and its answer says the call did not take effect: an
    /// error status, `success: false`, a 429. The account is as it was.
    Answered,
    /// The request went out and no answer says what became of it: a
    /// timeout or a reset after sending, a gateway's 408, 502, 503 or 504, a
    /// success status whose body cannot be read, or an earlier attempt of
    /// the call that lost its answer. The call may have taken effect: read
    /// the account (`get_account_email`, `get_has_security_code`) before
    /// calling again.
    MaybeApplied,
}

impl Error {
    /// What the failed call may have done: see [`Outcome`].
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::InvalidInput { .. } => Outcome::NotSent,
            Self::Transport(e) if e.is_connect() => Outcome::NotSent,
            Self::Transport(_) => Outcome::MaybeApplied,
            Self::Api { status, .. } => of_status(*status),
            Self::Unsuccessful { .. } => Outcome::Answered,
            Self::Undecodable { status, .. } | Self::ResponseTooLarge { status, .. } => {
                if status.is_success() {
                    Outcome::MaybeApplied
                } else {
                    of_status(*status)
                }
            }
            Self::EarlierAnswerLost { .. } => Outcome::MaybeApplied,
        }
    }
}

/// An error status: the gateway's "no answer in time / from upstream"
/// statuses may follow a request that took effect (the retry policy treats
/// them the same way); any other says Z-API refused it.
fn of_status(status: reqwest::StatusCode) -> Outcome {
    if retry::may_have_been_processed(status) {
        Outcome::MaybeApplied
    } else {
        Outcome::Answered
    }
}

/// The call's final error, once its attempts are known: when an earlier
/// attempt lost its answer after sending, an error that would otherwise say
/// "not sent" or "refused" says "may have taken effect".
pub(crate) fn after_attempts(error: Error, lost_earlier: bool) -> Error {
    if lost_earlier && error.outcome() != Outcome::MaybeApplied {
        Error::EarlierAnswerLost {
            last: Box::new(error),
        }
    } else {
        error
    }
}

/// An operation's `x-zapi-repeat-may-refuse`: `read`'s `field` equals
/// `expect` once the operation took effect.
pub(crate) struct ReadBack {
    pub(crate) read: &'static str,
    pub(crate) field: &'static str,
    pub(crate) expect: bool,
    /// Where the settled answer says it was settled.
    pub(crate) note_field: &'static str,
}

/// A read operation's checked answer as JSON (generated `read_back`).
pub(crate) type Reading<'a> =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, Error>> + Send + 'a>>;

/// What the account read back said about a refused repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settled {
    /// Not a refusal (or not readable): nothing to settle.
    NotRefused,
    /// The account shows the call took effect: the answer is a success.
    Applied,
    /// The account shows it did not: the refusal is the truth.
    NotApplied,
    /// The read failed: the call may have taken effect.
    Unknown,
}

/// A retry's 2xx answer to `operation_id` after an earlier attempt lost
/// its answer: a `success: false` is settled by the spec's read. An
/// account that shows the effect turns the answer into `success: true` with
/// a note in its failure-message property; the `bool` is whether the
/// call may still have taken effect unknown to the caller.
pub(crate) async fn settle(
    client: &Client,
    operation_id: &str,
    response: reqwest::Response,
) -> (reqwest::Response, Settled) {
    let Some(fact) = operation_facts::repeat_may_refuse(operation_id) else {
        return (response, Settled::NotRefused);
    };
    // An in-memory body (hooks::read_bounded) has a length; the one that
    // reports an oversized answer has none and is left to fail as it does.
    if response.content_length().is_none() {
        return (response, Settled::NotRefused);
    }
    let (status, version) = (response.status(), response.version());
    let mut headers = response.headers().clone();
    let Ok(body) = response.bytes().await else {
        return (
            crate::hooks::rebuild(status, version, headers, Bytes::new().into(), None),
            Settled::NotRefused,
        );
    };
    let refused = serde_json::from_slice::<serde_json::Value>(&body)
        .is_ok_and(|answer| answer.get("success") == Some(&serde_json::Value::Bool(false)));
    let settled = if !refused {
        Settled::NotRefused
    } else {
        match operation_facts::read_back(client, fact.read) {
            None => Settled::Unknown,
            Some(reading) => match reading.await {
                Ok(state) => {
                    let value = state.get(fact.field).and_then(serde_json::Value::as_bool);
                    if value.unwrap_or(false) == fact.expect {
                        Settled::Applied
                    } else {
                        Settled::NotApplied
                    }
                }
                Err(_) => Settled::Unknown,
            },
        }
    };
    let body = if settled == Settled::Applied {
        headers.remove(CONTENT_LENGTH);
        let note = format!(
            "settled: an earlier attempt's answer was lost and the repeat was refused; \
             {} reads {}: {}, so the call took effect",
            fact.read, fact.field, fact.expect
        );
        let mut answer = serde_json::Map::new();
        answer.insert("success".into(), true.into());
        answer.insert(fact.note_field.into(), note.into());
        Bytes::from(serde_json::Value::Object(answer).to_string())
    } else {
        body
    };
    (
        crate::hooks::rebuild(status, version, headers, body.into(), None),
        settled,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn api(status: u16) -> Error {
        Error::Api {
            status: StatusCode::from_u16(status).unwrap(),
            message: None,
            excerpt: String::new(),
            retry_after: None,
            attempts: 1,
        }
    }

    #[test]
    fn each_variant_has_its_outcome() {
        for (status, outcome) in [
            (400, Outcome::Answered),
            (401, Outcome::Answered),
            (404, Outcome::Answered),
            (429, Outcome::Answered),
            (500, Outcome::Answered),
            (408, Outcome::MaybeApplied),
            (502, Outcome::MaybeApplied),
            (503, Outcome::MaybeApplied),
            (504, Outcome::MaybeApplied),
        ] {
            assert_eq!(api(status).outcome(), outcome, "{status}");
            let too_large = Error::ResponseTooLarge {
                status: StatusCode::from_u16(status).unwrap(),
                limit: 1,
            };
            assert_eq!(too_large.outcome(), outcome, "{status} over the limit");
        }
        let undecodable = Error::Undecodable {
            status: StatusCode::OK,
            reason: String::new(),
            excerpt: String::new(),
        };
        assert_eq!(undecodable.outcome(), Outcome::MaybeApplied);
        let too_large = Error::ResponseTooLarge {
            status: StatusCode::OK,
            limit: 1,
        };
        assert_eq!(too_large.outcome(), Outcome::MaybeApplied);
        assert_eq!(
            Error::Unsuccessful { message: None }.outcome(),
            Outcome::Answered
        );
        let invalid = Error::InvalidInput {
            field: "email".into(),
            reason: "is empty".into(),
        };
        assert_eq!(invalid.outcome(), Outcome::NotSent);
    }

    #[tokio::test]
    async fn a_connect_failure_after_a_lost_answer_may_have_taken_effect() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = Client::builder("instance", "token")
            .base_url(format!("http://127.0.0.1:{port}"))
            .build()
            .unwrap();
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert_eq!(error.outcome(), Outcome::NotSent);
        let after = after_attempts(error, true);
        assert_eq!(after.outcome(), Outcome::MaybeApplied);
        let Error::EarlierAnswerLost { last } = &after else {
            panic!("{after:?}")
        };
        assert!(last.is_connect());
        // Nothing lost earlier: unchanged.
        assert!(matches!(after_attempts(api(400), false), Error::Api { .. }));
        // Already MaybeApplied: not wrapped.
        assert!(matches!(after_attempts(api(503), true), Error::Api { .. }));
    }
}
