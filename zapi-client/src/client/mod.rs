//! Building a [`Client`]: credentials, base URL, timeouts, limits, retries.
//!
//! - `transport.rs`: [`Transport`] and [`TransportBuilder`], what many
//!   instances' clients share (pool, TLS, limits, retries);
//! - `builders.rs`: [`InstanceBuilder`] (a client on a transport) and
//!   [`ClientBuilder`] (a client with a transport of its own);
//! - `context.rs`: the checked credentials and [`ClientContext`], what the
//!   hooks read on every request;
//! - here: the defaults and the build errors.

use std::fmt;
use std::time::Duration;

mod builders;
mod context;
mod transport;

pub use builders::{ClientBuilder, InstanceBuilder};
pub use context::ClientContext;
pub(crate) use context::Credentials;
// The typed mocks encode credentials as the client does.
#[cfg(feature = "mock")]
pub(crate) use context::SEGMENT;
pub(crate) use transport::Shared;
pub use transport::{Transport, TransportBuilder};

/// Z-API's public endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.z-api.io";
/// Default limit for a whole request, connect to last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body; Z-API's answers are well under 1 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// The largest [`TransportBuilder::max_response_bytes`] takes: a larger
/// value is clamped to it, so no setting removes the cap.
pub const MAX_RESPONSE_BYTES_CEILING: usize = 64 * 1024 * 1024;
#[doc = concat!("Sent on every request: `", env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), "`.")]
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Which credential a [`BuildError::InvalidCredential`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The instance id (in the URL path).
    Instance,
    /// The instance token (in the URL path).
    Token,
    /// The account security token (the `Client-Token` header).
    ClientToken,
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Instance => "instance id",
            Self::Token => "instance token",
            Self::ClientToken => "Client-Token",
        })
    }
}

/// Why [`ClientBuilder::build`] refused. Never contains a credential's value.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// A credential is unusable; `reason` says why, without its value.
    InvalidCredential {
        credential: Credential,
        reason: &'static str,
    },
    /// The base URL is unusable.
    InvalidBaseUrl { reason: String },
    /// reqwest could not build its HTTP client (e.g. the TLS backend failed to start).
    HttpClient(reqwest::Error),
    /// The TLS setup failed: a root certificate is not valid DER, or the
    /// platform's certificate verifier could not start.
    Tls { reason: String },
    /// The label ([`ClientBuilder::label`]) is unusable; `reason` says why.
    InvalidLabel { reason: &'static str },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCredential { credential, reason } => {
                write!(f, "invalid {credential}: {reason}")
            }
            Self::InvalidBaseUrl { reason } => write!(f, "invalid base URL: {reason}"),
            Self::HttpClient(e) => write!(f, "cannot build the HTTP client: {e}"),
            Self::Tls { reason } => write!(f, "cannot set up TLS: {reason}"),
            Self::InvalidLabel { reason } => write!(f, "invalid label: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}
