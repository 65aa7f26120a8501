//! The instance's credentials, checked and encoded once, and the context
//! every request of a client reads (`ClientContext`).

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::redact::REDACTED;

use super::*;

/// Path segments: everything but RFC 3986 unreserved characters is
/// percent-encoded, so no credential can add a segment, a query or a fragment.
pub(crate) const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The instance id, instance token and Client-Token, checked and ready to go
/// on the wire. `Debug` shows none of them.
#[derive(Clone)]
pub(crate) struct Credentials {
    /// `<base URL>/instances/<instance>/token/<token>`, each credential
    /// percent-encoded: every operation's path is appended to it, so no
    /// request URL is rewritten.
    pub(crate) request_base: String,
    /// `None` for accounts whose security token is not activated: then no
    /// Client-Token header is sent at all (never an empty one).
    pub(crate) client_token: Option<HeaderValue>,
    /// The credentials' values, redacted from answers in every form they
    /// could come back in (see `redact`).
    pub(crate) echoes: Vec<String>,
}

impl Credentials {
    /// Checks the values. Empty values, `.` and `..` (which would rewrite the
    /// request path), control characters, whitespace and invisible or
    /// direction-changing characters (a paste error: no Z-API credential has
    /// one) are refused; the Client-Token must be printable ASCII without
    /// spaces, as a header value.
    pub(crate) fn new(
        base_url: &str,
        instance: &str,
        token: &str,
        client_token: Option<&str>,
    ) -> Result<Self, BuildError> {
        let encoded_instance = path_segment(Credential::Instance, instance)?;
        let encoded_token = path_segment(Credential::Token, token)?;
        let client_token = client_token.map(header_value).transpose()?;
        let mut echoes: Vec<String> = [instance, token]
            .into_iter()
            .chain(client_token.as_ref().and_then(|v| v.to_str().ok()))
            .map(str::to_owned)
            .collect();
        echoes.dedup();
        Ok(Self {
            request_base: format!("{base_url}/instances/{encoded_instance}/token/{encoded_token}"),
            client_token,
            echoes,
        })
    }
}

fn header_value(client_token: &str) -> Result<HeaderValue, BuildError> {
    let invalid = |reason| BuildError::InvalidCredential {
        credential: Credential::ClientToken,
        reason,
    };
    if client_token.is_empty() {
        return Err(invalid(
            "is empty (leave it unset for an account whose security token is not activated)",
        ));
    }
    if !client_token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "must be printable ASCII without spaces or control characters",
        ));
    }
    let mut value =
        HeaderValue::from_str(client_token).map_err(|_| invalid("is not a valid header value"))?;
    // Keeps the value out of HTTP/2 header compression tables and out of
    // reqwest's Debug output.
    value.set_sensitive(true);
    Ok(value)
}

fn path_segment(credential: Credential, value: &str) -> Result<String, BuildError> {
    let invalid = |reason| BuildError::InvalidCredential { credential, reason };
    if value.is_empty() {
        return Err(invalid("is empty"));
    }
    if value == "." || value == ".." {
        return Err(invalid(
            "is '.' or '..', which would change the request path",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid("contains a control character"));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(invalid(
            "contains whitespace (a paste error? Z-API credentials have none)",
        ));
    }
    if value.chars().any(crate::sanitize::is_invisible) {
        return Err(invalid(
            "contains an invisible or text-direction character (zero-width, bidi control: a paste error?)",
        ));
    }
    Ok(percent_encoding::utf8_percent_encode(value, SEGMENT).to_string())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("instance", &format_args!("{REDACTED}"))
            .field("token", &format_args!("{REDACTED}"))
            .field("client_token", &format_args!("{REDACTED}"))
            .finish_non_exhaustive()
    }
}

/// What the hooks need, held as the generated [`Client`](crate::Client)'s inner value: the
/// shared transport and this instance's credentials. The generated client's
/// own base URL holds no credential, so its derived `Debug` shows none; the
/// generated operations build their URL with `ClientContext::url` (crate
/// private) instead (a step of `cargo xtask codegen`). `Debug` shows no
/// credential.
#[derive(Clone)]
pub struct ClientContext {
    pub(crate) shared: Arc<Shared>,
    pub(crate) credentials: Credentials,
    /// Not a secret: on every call's trace span (`zapi.client.label`).
    pub(crate) label: Option<Box<str>>,
}

impl ClientContext {
    /// The URL of an operation without path parameters: `request_base` +
    /// `path`, parsed once (the generated operations call it). Joined in a
    /// stack buffer when it fits, so the only allocation is the URL's own.
    /// `Err` never holds the URL (it has the credentials).
    pub(crate) fn url(&self, path: &str) -> Result<reqwest::Url, String> {
        const STACK: usize = 256;
        // url's ParseError names the problem, never the input.
        let parse = |url: &str| {
            reqwest::Url::parse(url).map_err(|e| format!("cannot build the request URL: {e}"))
        };
        let base = self.credentials.request_base.as_bytes();
        let len = base.len() + path.len();
        if len > STACK {
            return parse(&[self.credentials.request_base.as_str(), path].concat());
        }
        let mut joined = [0u8; STACK];
        joined[..base.len()].copy_from_slice(base);
        joined[base.len()..len].copy_from_slice(path.as_bytes());
        // Two str joined are UTF-8: the check cannot fail.
        std::str::from_utf8(&joined[..len])
            .map_err(|e| e.to_string())
            .and_then(parse)
    }
}

impl ClientContext {
    /// The transport's HTTP client, for the generated `Client::new`.
    pub(crate) fn http_client(&self) -> reqwest::Client {
        self.shared.http.clone()
    }
}

impl fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientContext")
            .field("transport", &self.shared)
            .field("credentials", &self.credentials)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Longest label, in characters.
const MAX_LABEL_CHARS: usize = 64;

pub(super) fn check_label(
    label: &str,
    credentials: [Option<&String>; 2],
    client_token: Option<&String>,
) -> Result<(), BuildError> {
    let invalid = |reason| Err(BuildError::InvalidLabel { reason });
    if label.is_empty() {
        return invalid("is empty");
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return invalid("is over 64 characters");
    }
    if label.chars().any(char::is_control) {
        return invalid("contains a control character");
    }
    if credentials
        .into_iter()
        .chain([client_token])
        .any(|credential| credential.is_some_and(|c| c == label))
    {
        return invalid("is one of the credentials, which are never printed");
    }
    Ok(())
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn credentials_are_encoded_into_one_segment_each() {
        let c = Credentials::new("http://h/stem", "a/b?c#d", "t%2e+ü", Some("ct")).unwrap();
        assert_eq!(
            c.request_base,
            "http://h/stem/instances/a%2Fb%3Fc%23d/token/t%252e%2B%C3%BC"
        );
    }

    #[test]
    fn the_client_token_header_is_sensitive() {
        // Sensitive values stay out of HTTP/2 header compression tables and
        // print as `Sensitive` in reqwest's and http's Debug.
        let c = Credentials::new("", "instance", "token", Some("client-token")).unwrap();
        let value = c.client_token.expect("a Client-Token");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("client-token"));
        let without = Credentials::new("", "instance", "token", None).unwrap();
        assert!(without.client_token.is_none());
    }

    #[test]
    fn build_errors_chain_their_cause() {
        use std::error::Error as _;
        let answer = http::Response::builder().status(500).body("").unwrap();
        let cause = reqwest::Response::from(answer)
            .error_for_status()
            .unwrap_err();
        let error = BuildError::HttpClient(cause);
        let source = error.source().expect("the reqwest error is the source");
        assert!(
            source.downcast_ref::<reqwest::Error>().is_some(),
            "{source:?}"
        );
        let invalid = BuildError::InvalidBaseUrl {
            reason: "x".to_owned(),
        };
        assert!(invalid.source().is_none());
    }
}
