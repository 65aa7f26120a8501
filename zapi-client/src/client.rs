//! Building a [`Client`]: credentials, base URL, timeouts, limits, retries.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Client;
use crate::retry::RetryPolicy;

/// Z-API's public endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.z-api.io";
/// Default limit for a whole request, connect to last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body; Z-API's answers are well under 1 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// Sent on every request, e.g. `zapi-client/0.1.0`.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

pub(crate) const REDACTED: &str = "<redacted>";
/// Credentials shorter than this are not scrubbed from answers: doing so would
/// mangle ordinary text, and Z-API's real ids and tokens are far longer.
pub(crate) const MIN_SCRUBBED_LEN: usize = 4;

/// Path segments: everything but RFC 3986 unreserved characters is
/// percent-encoded, so no credential can add a segment, a query or a fragment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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

/// The instance id, instance token and Client-Token, checked and ready to go
/// on the wire. `Debug` shows none of them.
#[derive(Clone)]
pub(crate) struct Credentials {
    /// `/instances/<instance>/token/<token>`, each percent-encoded.
    pub(crate) path_prefix: String,
    /// `None` for accounts whose security token is not activated: then no
    /// Client-Token header is sent at all (never an empty one).
    pub(crate) client_token: Option<HeaderValue>,
    /// Every form in which a credential could come back in an answer (raw
    /// and percent-encoded), longest first; replaced by `<redacted>`.
    pub(crate) echoes: Vec<Vec<u8>>,
}

impl Credentials {
    /// Checks the values. Empty values, `.` and `..` (which would rewrite the
    /// request path) and control characters are refused; the Client-Token
    /// must be printable ASCII without spaces, as a header value.
    pub(crate) fn new(
        instance: &str,
        token: &str,
        client_token: Option<&str>,
    ) -> Result<Self, BuildError> {
        let encoded_instance = path_segment(Credential::Instance, instance)?;
        let encoded_token = path_segment(Credential::Token, token)?;
        let client_token = client_token.map(header_value).transpose()?;
        let mut echoes: Vec<Vec<u8>> = [instance, &encoded_instance, token, &encoded_token]
            .into_iter()
            .chain(client_token.as_ref().and_then(|v| v.to_str().ok()))
            .filter(|s| s.len() >= MIN_SCRUBBED_LEN)
            .map(|s| s.as_bytes().to_vec())
            .collect();
        echoes.sort_by_key(|e| std::cmp::Reverse(e.len()));
        echoes.dedup();
        Ok(Self {
            path_prefix: format!("/instances/{encoded_instance}/token/{encoded_token}"),
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

/// What the hooks need besides the base URL, held as the generated
/// [`Client`]'s inner value (so the client never keeps a credential in its base
/// URL). `Debug` shows no credential.
#[derive(Clone, Debug)]
pub struct ClientContext {
    pub(crate) credentials: Credentials,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: Option<RetryPolicy>,
}

impl Client {
    /// Starts building a client for one Z-API instance: its id and token
    /// (Z-API panel). Add the account's security token with
    /// [`ClientBuilder::client_token`] once it is activated (Security tab);
    /// nothing is checked until [`ClientBuilder::build`].
    pub fn builder(instance: impl Into<String>, token: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            instance: instance.into(),
            token: token.into(),
            client_token: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: None,
            extra_roots: Vec::new(),
            http_client: None,
        }
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    instance: String,
    token: String,
    client_token: Option<String>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: Option<RetryPolicy>,
    extra_roots: Vec<Vec<u8>>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("instance", &format_args!("{REDACTED}"))
            .field("token", &format_args!("{REDACTED}"))
            .field(
                "client_token",
                &self.client_token.as_ref().map(|_| REDACTED),
            )
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("extra_roots", &self.extra_roots.len())
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl ClientBuilder {
    /// The account security token, sent as the `Client-Token` header on
    /// every request. Z-API generates it disabled; once the account owner
    /// activates it (panel, Security tab), requests without it are refused
    /// with `{"error": "null not allowed"}`. Without this call no
    /// `Client-Token` header is sent.
    pub fn client_token(mut self, client_token: impl Into<String>) -> Self {
        self.client_token = Some(client_token.into());
        self
    }

    /// Where requests go instead of [`DEFAULT_BASE_URL`]: a local server in
    /// tests, a proxy. `http` or `https`, a host, optionally a port and a path
    /// stem; no query, fragment or user info.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Limit for a whole request; default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection; default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body read, in bytes; a larger answer is
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) and reading
    /// stops there. Default [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Retries retryable failures with this policy (off by default). See
    /// [`RetryPolicy`] for what is retried for which operation.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Also trusts this root certificate (DER), beside the platform's: a
    /// corporate TLS proxy, a local test server. With the default
    /// `rustls-ring` feature, such roots work even where the system has no
    /// CA certificates; that store is read only at the first HTTPS request.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Uses this reqwest client (shared pool, proxy, custom TLS). Its own
    /// timeouts, User-Agent and redirect policy then apply instead of this
    /// builder's; keep redirects off, or Client-Token follows them.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the credentials and the base URL and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let credentials =
            Credentials::new(&self.instance, &self.token, self.client_token.as_deref())?;
        let base_url = normalize_base_url(&self.base_url)?;
        let http = match self.http_client {
            Some(client) => client,
            None => tls::configure(
                reqwest::Client::builder()
                    .user_agent(USER_AGENT)
                    // reqwest would resend Client-Token to wherever a redirect
                    // points; Z-API does not redirect, so a 3xx is an error.
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout),
                &self.extra_roots,
            )?
            .build()
            .map_err(BuildError::HttpClient)?,
        };
        let context = ClientContext {
            credentials,
            max_response_bytes: self.max_response_bytes,
            retry: self.retry,
        };
        Ok(Client::new_with_client(&base_url, http, context))
    }
}

/// HTTPS setup per TLS feature: `rustls-ring` (default) hands reqwest a rustls
/// configuration on the ring provider with the platform's verifier;
/// `rustls-aws-lc` and `native-tls` use reqwest's own setup.
mod tls {
    use super::BuildError;

    #[cfg(all(
        feature = "rustls-ring",
        not(any(feature = "rustls-aws-lc", feature = "native-tls"))
    ))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        extra_roots: &[Vec<u8>],
    ) -> Result<reqwest::ClientBuilder, BuildError> {
        use std::sync::{Arc, OnceLock};

        use rustls::pki_types::CertificateDer;

        let failed = |e: &dyn std::fmt::Display| BuildError::Tls {
            reason: e.to_string(),
        };
        let extra_roots: Vec<_> = extra_roots
            .iter()
            .map(|der| CertificateDer::from(der.clone()))
            .collect();
        // A root that does not parse is the caller's mistake: report it now,
        // not at the first HTTPS request.
        let mut check = rustls::RootCertStore::empty();
        for root in &extra_roots {
            check.add(root.clone()).map_err(|e| failed(&e))?;
        }
        // Passed explicitly rather than installed process-wide, so an
        // application's own rustls default stays its own.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = LazyPlatformVerifier {
            provider: provider.clone(),
            extra_roots,
            platform: OnceLock::new(),
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| failed(&e))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        // reqwest is built without HTTP/2 here.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(builder.tls_backend_preconfigured(config))
    }

    /// The platform's verifier (system roots plus the extra roots), made at
    /// the first certificate to verify rather than at `build()`.
    ///
    /// Why: on Linux `Verifier::new` reads the system CA store and fails when
    /// it holds nothing (a container without ca-certificates). Made eagerly,
    /// that failed every `build()`, even for an `http://` base URL that never
    /// sees a certificate. Made here, a missing store is an error on the
    /// HTTPS request that needed it, saying what to do. Given extra roots,
    /// the platform verifier accepts an empty system store, so those roots
    /// alone still work.
    #[cfg(all(
        feature = "rustls-ring",
        not(any(feature = "rustls-aws-lc", feature = "native-tls"))
    ))]
    #[derive(Debug)]
    struct LazyPlatformVerifier {
        provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
        extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
        /// Only a success is kept: after a failure the next request reads
        /// the store again (it may have been installed since).
        platform: std::sync::OnceLock<rustls_platform_verifier::Verifier>,
    }

    #[cfg(all(
        feature = "rustls-ring",
        not(any(feature = "rustls-aws-lc", feature = "native-tls"))
    ))]
    impl LazyPlatformVerifier {
        fn platform(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
            use rustls_platform_verifier::Verifier;

            if let Some(verifier) = self.platform.get() {
                return Ok(verifier);
            }
            let made = if self.extra_roots.is_empty() {
                Verifier::new(self.provider.clone())
            } else {
                Verifier::new_with_extra_roots(self.extra_roots.clone(), self.provider.clone())
            }
            .map_err(|e| {
                let e = match e {
                    rustls::Error::General(reason) => reason,
                    other => other.to_string(),
                };
                rustls::Error::General(format!(
                    "no system CA certificates to verify the server with ({e}); install \
                     ca-certificates (or set SSL_CERT_FILE to a PEM bundle), or trust a root \
                     with ClientBuilder::add_root_certificate_der"
                ))
            })?;
            // Two first handshakes at once may both make one; either will do.
            Ok(self.platform.get_or_init(|| made))
        }
    }

    #[cfg(all(
        feature = "rustls-ring",
        not(any(feature = "rustls-aws-lc", feature = "native-tls"))
    ))]
    impl rustls::client::danger::ServerCertVerifier for LazyPlatformVerifier {
        fn verify_server_cert(
            &self,
            end_entity: &rustls::pki_types::CertificateDer<'_>,
            intermediates: &[rustls::pki_types::CertificateDer<'_>],
            server_name: &rustls::pki_types::ServerName<'_>,
            ocsp_response: &[u8],
            now: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            self.platform()?.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            )
        }

        // The handshake signatures and schemes need no roots: these are what
        // the platform verifier does on every platform, with the provider's
        // algorithms.
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    }

    #[cfg(any(feature = "rustls-aws-lc", feature = "native-tls"))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        extra_roots: &[Vec<u8>],
    ) -> Result<reqwest::ClientBuilder, BuildError> {
        #[cfg(feature = "native-tls")]
        let builder = builder.tls_backend_native();
        let roots = extra_roots
            .iter()
            .map(|der| reqwest::Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| BuildError::Tls {
                reason: e.to_string(),
            })?;
        Ok(builder.tls_certs_merge(roots))
    }

    #[cfg(not(any(
        feature = "rustls-ring",
        feature = "rustls-aws-lc",
        feature = "native-tls"
    )))]
    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        extra_roots: &[Vec<u8>],
    ) -> Result<reqwest::ClientBuilder, BuildError> {
        if extra_roots.is_empty() {
            Ok(builder)
        } else {
            Err(BuildError::Tls {
                reason: "no TLS feature is enabled (rustls-ring, rustls-aws-lc or native-tls)"
                    .to_owned(),
            })
        }
    }
}

/// Parses and re-serializes the base URL without a trailing slash, so the
/// generated `format!("{baseurl}/security/email")` is exactly what is sent.
fn normalize_base_url(base_url: &str) -> Result<String, BuildError> {
    let invalid = |reason: String| BuildError::InvalidBaseUrl { reason };
    let url = reqwest::Url::parse(base_url).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme must be http or https, not {}",
            url.scheme()
        )));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("has no host".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment".to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not carry user info".to_owned()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The path part of a normalized base URL (`""` for `https://api.z-api.io`).
pub(crate) fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    base_url[after_scheme..]
        .find('/')
        .map_or("", |i| &base_url[after_scheme + i..])
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn base_path_of_normalized_urls() {
        assert_eq!(base_path("https://api.z-api.io"), "");
        assert_eq!(base_path("http://127.0.0.1:8080/stem/z"), "/stem/z");
        assert_eq!(base_path("http://h/stem"), "/stem");
    }

    #[test]
    fn credentials_are_encoded_into_one_segment_each() {
        let c = Credentials::new("a/b?c#d", "t%2e ü", Some("ct")).unwrap();
        assert_eq!(
            c.path_prefix,
            "/instances/a%2Fb%3Fc%23d/token/t%252e%20%C3%BC"
        );
    }

    #[test]
    fn the_client_token_header_is_sensitive() {
        // Sensitive values stay out of HTTP/2 header compression tables and
        // print as `Sensitive` in reqwest's and http's Debug.
        let c = Credentials::new("instance", "token", Some("client-token")).unwrap();
        let value = c.client_token.expect("a Client-Token");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("client-token"));
        let without = Credentials::new("instance", "token", None).unwrap();
        assert!(without.client_token.is_none());
    }

    #[test]
    fn base_url_is_normalized_and_checked() {
        assert_eq!(
            normalize_base_url("HTTP://Example.COM:80/x/").unwrap(),
            "http://example.com/x"
        );
        for bad in [
            "ftp://h",
            "no-scheme",
            "https://h/?q",
            "https://h/#f",
            "https://u:p@h",
            "https://u@h",
            "https://:p@h",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
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
