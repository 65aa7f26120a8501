//! The one error type of every checked call, and `send_checked` on each
//! generated request builder.

use std::fmt;
use std::time::Duration;

use crate::attempts::Attempts;

use reqwest::StatusCode;

use crate::hooks::ResponseTooLarge;
use crate::sanitize::{escape_invisible, escape_invisible_owned, server_text};
use crate::{ResponseValue, retry, types};

/// What the generated `send()` returns; `send_checked()` turns it into [`Error`].
pub type GeneratedError = progenitor_client::Error<types::ErrorBody>;

/// Z-API's answer to a request without the activated Client-Token.
const CLIENT_TOKEN_MISSING: &str = "null not allowed";

/// Longest body excerpt kept in an error, in bytes.
pub const EXCERPT_BYTES: usize = 256;

/// Longest server text an error keeps, in bytes: a message
/// ([`Error::server_message`]) or a decoding reason, escaped, then cut
/// between characters and ended with `…[N more bytes]`. Z-API's messages are
/// a few words; a longer one is a broken or hostile server.
pub const MESSAGE_BYTES: usize = 1024;

/// Why a call failed. No variant, and neither `Display` nor `Debug`, ever
/// holds the instance id, the instance token or the Client-Token: they are
/// never put in, URLs are dropped, and an answer that echoes one has it
/// replaced by `<redacted>` before anything reads it. Server text (messages,
/// excerpts, decoding reasons) has its control, bidi and zero-width
/// characters escaped as `\u{..}`, `\n`, `\r`, `\t`: printed, it cannot
/// move a terminal's cursor, recolour it or start a forged log line.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Refused before sending: nothing went on the wire.
    /// [Outcome](crate::Outcome): `NotSent`.
    InvalidInput {
        /// Which input: `email`, `verification_code`, `body`...
        field: String,
        /// Why, without the value.
        reason: String,
    },
    /// No complete answer: connection refused, timeout, connection reset.
    /// [Outcome](crate::Outcome): `NotSent` when no connection (TCP or TLS)
    /// was established (`is_connect()`), else `MaybeApplied`.
    Transport(TransportError),
    /// Z-API answered with an error status.
    /// [Outcome](crate::Outcome): `Answered`; `MaybeApplied` for 408, 502,
    /// 503 and 504 (a gateway that got no answer in time).
    Api {
        status: StatusCode,
        /// From an `{"error": ...}` or `{"message": ...}` body.
        message: Option<String>,
        /// The start of the body, at most [`EXCERPT_BYTES`].
        excerpt: String,
        /// The `Retry-After` the server asked for: its delta-seconds, or the
        /// wait until its HTTP date (zero for a date past).
        retry_after: Option<Duration>,
        /// Attempts made, the first included (more than 1 after retries).
        attempts: u32,
    },
    /// HTTP 200 with `"success": false`.
    /// [Outcome](crate::Outcome): `Answered`.
    Unsuccessful {
        /// The answer's `message`, when it has one.
        message: Option<String>,
    },
    /// An answer that does not decode as documented (not JSON, truncated,
    /// fields missing, an undocumented success status).
    /// [Outcome](crate::Outcome): `MaybeApplied` for a success status (Z-API
    /// took the request; whether it succeeded cannot be read), else as `Api`.
    Undecodable {
        status: StatusCode,
        reason: String,
        /// The start of the body, at most [`EXCERPT_BYTES`].
        excerpt: String,
    },
    /// The answer's body is over
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes);
    /// reading stopped at the limit.
    /// [Outcome](crate::Outcome): as `Undecodable`.
    ResponseTooLarge { status: StatusCode, limit: usize },
    /// The last attempt of a retried call failed with `last`, and an earlier
    /// attempt went out and lost its answer (a timeout, a reset, a 502...):
    /// the call may have taken effect whatever `last` says. `status()`,
    /// `server_message()` and `attempts()` are `last`'s.
    /// [Outcome](crate::Outcome): `MaybeApplied`.
    EarlierAnswerLost { last: Box<Error> },
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::Undecodable { status, .. }
            | Self::ResponseTooLarge { status, .. } => Some(*status),
            Self::Unsuccessful { .. } => Some(StatusCode::OK),
            Self::InvalidInput { .. } | Self::Transport(_) => None,
            Self::EarlierAnswerLost { last } => last.status(),
        }
    }

    /// What the server said: its `error` or `message`.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::Api { message, .. } | Self::Unsuccessful { message } => message.as_deref(),
            Self::EarlierAnswerLost { last } => last.server_message(),
            _ => None,
        }
    }

    /// How many attempts the call made, for the errors retries end with
    /// (`Transport`, `Api`); `None` for the others.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::Transport(e) => Some(e.attempts),
            Self::Api { attempts, .. } => Some(*attempts),
            Self::EarlierAnswerLost { last } => last.attempts(),
            _ => None,
        }
    }

    /// The request timed out (connect or whole request).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport(e) if e.is_timeout())
    }

    /// No connection could be established; nothing was sent.
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Transport(e) if e.is_connect())
    }

    /// Whether the same call may succeed later: transport failures and
    /// statuses 408, 429, 502, 503, 504. Whether repeating is *harmless*
    /// depends on the operation: see [`RetryPolicy`](crate::RetryPolicy).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) => true,
            Self::Api { status, .. } => retry::is_transient(*status),
            Self::EarlierAnswerLost { last } => last.is_retryable(),
            _ => false,
        }
    }

    /// Turns what a generated `send()` returned into an [`Error`], reading
    /// the (already buffered and scrubbed) body of an unexpected answer.
    pub async fn from_generated(error: GeneratedError) -> Self {
        use progenitor_client::Error as G;
        match error {
            G::InvalidRequest(message) | G::Custom(message) => invalid_input(&message),
            G::CommunicationError(e) | G::InvalidUpgrade(e) => {
                Self::Transport(TransportError::new(e.without_url()))
            }
            G::ResponseBodyError(e) => body_error(e),
            G::ErrorResponse(answer) => {
                let status = answer.status();
                let retry_after = retry::retry_after(answer.headers());
                let body = answer.into_inner();
                let excerpt = serde_json::to_string(&body).unwrap_or_default();
                Self::Api {
                    status,
                    message: body.error.or(body.message).map(server_text),
                    excerpt: excerpt_of(excerpt.as_bytes()),
                    retry_after,
                    attempts: 1,
                }
            }
            // Error statuses never get here without a status (see the post
            // hook), so an undecodable payload is a 200's.
            G::InvalidResponsePayload(body, e) => Self::Undecodable {
                status: StatusCode::OK,
                // serde_json's reasons quote the server's strings.
                reason: server_text(e.to_string()),
                excerpt: excerpt_of(&body),
            },
            G::UnexpectedResponse(response) => {
                let status = response.status();
                let retry_after = retry::retry_after(response.headers());
                let body = match response.bytes().await {
                    Ok(body) => body,
                    Err(e) => return body_error(e),
                };
                if status.is_success() {
                    Self::Undecodable {
                        status,
                        reason: format!("undocumented success status {status}"),
                        excerpt: excerpt_of(&body),
                    }
                } else {
                    Self::Api {
                        status,
                        message: server_message(&body).map(server_text),
                        excerpt: excerpt_of(&body),
                        retry_after,
                        attempts: 1,
                    }
                }
            }
        }
    }
}

/// progenitor says "error converting supplied value for email: <why>" or
/// "no value supplied for email"; keep the field and the reason apart.
fn invalid_input(message: &str) -> Error {
    let (field, reason) = if let Some(rest) = message.split_once("supplied value for ") {
        rest.1.split_once(": ").unwrap_or((rest.1, "is invalid"))
    } else if let Some(field) = message.strip_prefix("no value supplied for ") {
        (field, "is required")
    } else if let Some((_, reason)) = message.split_once(" for body failed: ") {
        ("body", reason)
    } else {
        ("request", message)
    };
    Error::InvalidInput {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

fn body_error(error: reqwest::Error) -> Error {
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        if let Some(too_large) = cause.downcast_ref::<ResponseTooLarge>() {
            return Error::ResponseTooLarge {
                status: too_large.status,
                limit: too_large.limit,
            };
        }
        source = cause.source();
    }
    Error::Transport(TransportError::new(error.without_url()))
}

/// A transport failure: reqwest's error (its methods through `Deref`:
/// `is_timeout()`, `is_connect()`...) and how many attempts were made.
#[derive(Debug)]
pub struct TransportError {
    error: reqwest::Error,
    attempts: u32,
}

impl TransportError {
    fn new(error: reqwest::Error) -> Self {
        Self { error, attempts: 1 }
    }

    /// Attempts made, the first included (more than 1 after retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub fn into_inner(self) -> reqwest::Error {
        self.error
    }
}

impl std::ops::Deref for TransportError {
    type Target = reqwest::Error;

    fn deref(&self) -> &reqwest::Error {
        &self.error
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// ` (after 3 attempts)` when retries were made.
fn after(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    f.write_str(&attempts_note(attempts))
}

/// ` (after 3 attempts)`, or nothing for one attempt.
fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// The `error` (or else `message`) string of a JSON error body.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Message {
        error: Option<String>,
        message: Option<String>,
    }
    let parsed: Message = serde_json::from_slice(body).ok()?;
    parsed.error.or(parsed.message)
}

/// At most [`EXCERPT_BYTES`] of `body`, cut at a character boundary,
/// invisible characters escaped.
fn excerpt_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    let mut excerpt = text.into_owned();
    if body.len() > EXCERPT_BYTES {
        // A multi-byte character cut in half decodes as U+FFFD; drop it.
        if excerpt.ends_with('\u{FFFD}') {
            excerpt.pop();
        }
        excerpt.push_str(&format!("… ({} bytes in all)", body.len()));
    }
    // A secret the answer carries (the appeal token) never reaches an error.
    escape_invisible_owned(crate::answer_values::hide_answer_secrets(excerpt))
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput { field, reason } => {
                write!(f, "invalid {field}: {reason}; nothing was sent")
            }
            Self::Transport(e) => {
                // The chain may quote the server (a certificate's names, say).
                let mut chain = format!("request failed{}: {e}", attempts_note(e.attempts));
                let mut source = std::error::Error::source(e);
                while let Some(cause) = source {
                    chain.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                f.write_str(&escape_invisible(&chain))
            }
            Self::Api {
                status,
                message,
                excerpt,
                attempts,
                ..
            } => {
                match message {
                    Some(message) if message == CLIENT_TOKEN_MISSING => write!(
                        f,
                        "Z-API answered {status}: {message} (the account's security token is \
                         activated and the request had none or another: set it with \
                         ClientBuilder::client_token, or InstanceBuilder::client_token for a \
                         Transport's client)"
                    ),
                    // Escaped again: the fields are public, so a value may not
                    // come from `from_generated`.
                    Some(message) => {
                        write!(f, "Z-API answered {status}: {}", escape_invisible(message))
                    }
                    None if excerpt.is_empty() => write!(f, "Z-API answered {status} with no body"),
                    None => write!(f, "Z-API answered {status}: {excerpt:?}"),
                }?;
                after(f, *attempts)
            }
            Self::Unsuccessful { message } => match message {
                Some(message) => write!(f, "Z-API reported failure: {}", escape_invisible(message)),
                None => write!(f, "Z-API reported failure without a message"),
            },
            Self::Undecodable {
                status,
                reason,
                excerpt,
            } => write!(
                f,
                "cannot decode Z-API's answer ({status}): {}; body: {excerpt:?}",
                escape_invisible(reason)
            ),
            Self::ResponseTooLarge { status, limit } => write!(
                f,
                "Z-API's answer ({status}) is over the {limit}-byte limit; not read further"
            ),
            Self::EarlierAnswerLost { last } => write!(
                f,
                "{last}; an earlier attempt lost its answer, so the call may have taken effect"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(&e.error),
            Self::EarlierAnswerLost { last } => Some(last.as_ref()),
            _ => None,
        }
    }
}

/// What every generated `send_checked` does once `send()` has answered
/// (inside `call`, its trace span): the answer when Z-API reports success,
/// else an [`Error`]. `failure` is `None` for an answer with `success: true`,
/// else the answer's message, for operations whose spec names one
/// (`x-zapi-failure-message`). The send future is awaited by the caller, not
/// here: moved through more async layers it costs a large copy per call.
pub(crate) async fn checked<T>(
    call: crate::trace::Call,
    sent: Result<ResponseValue<T>, GeneratedError>,
    attempts: Attempts,
    failure: impl FnOnce(&mut T) -> Option<Option<String>>,
) -> Result<T, Error> {
    let checked = match sent {
        Ok(answer) => {
            let mut answer = answer.into_inner();
            match failure(&mut answer) {
                None => Ok(answer),
                Some(message) => Err(Error::Unsuccessful {
                    message: message.map(server_text),
                }),
            }
        }
        Err(error) => {
            let mut error = call.within(Error::from_generated(error)).await;
            match &mut error {
                Error::Transport(TransportError { attempts: n, .. })
                | Error::Api { attempts: n, .. } => *n = attempts.count.max(1),
                _ => {}
            }
            Err(error)
        }
    };
    let checked = checked.map_err(|e| crate::outcome::after_attempts(e, attempts.lost_earlier));
    call.finish(checked.as_ref().err(), attempts);
    checked
}

impl Error {
    /// A short, stable name of the kind of failure (`error.type` in traces).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "invalid_input",
            Self::Transport(e) if e.is_timeout() => "timeout",
            Self::Transport(e) if e.is_connect() => "connect",
            Self::Transport(_) => "transport",
            Self::Api { .. } => "api",
            Self::Unsuccessful { .. } => "unsuccessful",
            Self::Undecodable { .. } => "undecodable",
            Self::ResponseTooLarge { .. } => "response_too_large",
            Self::EarlierAnswerLost { .. } => "earlier_answer_lost",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_names_the_field() {
        let cases = [
            (
                "error converting supplied value for email: shorter than 5 characters",
                ("email", "shorter than 5 characters"),
            ),
            ("no value supplied for email", ("email", "is required")),
            (
                "error converting supplied value for code: must be digits only (0-9)",
                ("code", "must be digits only (0-9)"),
            ),
        ];
        for (message, (field, reason)) in cases {
            let Error::InvalidInput {
                field: f,
                reason: r,
            } = invalid_input(message)
            else {
                panic!()
            };
            assert_eq!((f.as_str(), r.as_str()), (field, reason));
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn the_schemars_feature_derives_json_schemas() {
        let schema =
            serde_json::to_value(schemars::schema_for!(types::VerifyAccountEmailRequest)).unwrap();
        assert!(
            schema["properties"]["verificationCode"].is_object(),
            "{schema}"
        );
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt_of(b"short"), "short");
        let exact = "x".repeat(EXCERPT_BYTES);
        assert_eq!(
            excerpt_of(exact.as_bytes()),
            exact,
            "exactly the limit: whole"
        );
        let long = "é".repeat(1000);
        let excerpt = excerpt_of(long.as_bytes());
        assert!(excerpt.starts_with(&"é".repeat(128)));
        assert!(excerpt.ends_with("… (2000 bytes in all)"), "{excerpt}");
    }
}
