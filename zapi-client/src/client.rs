//! Building a [`Client`]: credentials, base URL, timeouts, limits, retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Client;
use crate::base_url::{normalize_base_url, printable_base_url, refuse_credentials_in_base_url};
use crate::retry::RetryPolicy;

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

use crate::redact::REDACTED;

/// Path segments: everything but RFC 3986 unreserved characters is
/// percent-encoded, so no credential can add a segment, a query or a fragment.
pub(crate) const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
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

/// What the hooks need, held as the generated [`Client`]'s inner value: the
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

/// What every client of a [`Transport`] shares.
pub(crate) struct Shared {
    /// Built by [`TransportBuilder::build`], redirects off: the only HTTP
    /// client requests go through (see the `exec` hook).
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: Option<RetryPolicy>,
    /// The whole-request limit, which each attempt of a retried call also
    /// gets, capped by what is left of the policy's `max_elapsed`.
    pub(crate) timeout: Duration,
    /// Calls of this transport in flight (see the `exec` hook).
    pub(crate) in_flight: std::sync::atomic::AtomicUsize,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// One connection pool, TLS setup and configuration shared by the clients of
/// many instances: for partners running hundreds or thousands of instances
/// from one process. Build it once; each [`Transport::client`] is then a few
/// hundred bytes and opens no pool of its own. Cloning is cheap.
///
/// ```no_run
/// use zapi_client::Transport;
///
/// # fn run(accounts: Vec<(String, String, String)>) -> Result<(), zapi_client::BuildError> {
/// let transport = Transport::builder()
///     .timeout(std::time::Duration::from_secs(20))
///     .build()?;
/// let clients = accounts
///     .iter()
///     .map(|(instance, token, client_token)| {
///         transport.client(instance, token).client_token(client_token).build()
///     })
///     .collect::<Result<Vec<_>, _>>()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Transport {
    shared: Arc<Shared>,
}

impl Transport {
    /// Starts configuring a transport; the defaults are
    /// [`Client::builder`]'s.
    pub fn builder() -> TransportBuilder {
        TransportBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: None,
            extra_roots: Vec::new(),
            configure_reqwest: None,
            allow_insecure_http: false,
            use_env_proxy: false,
        }
    }

    /// A client for one instance on this transport:
    /// `transport.client(instance, token).client_token(client_token).build()?`.
    pub fn client(&self, instance: impl Into<String>, token: impl Into<String>) -> InstanceBuilder {
        InstanceBuilder {
            transport: self.clone(),
            instance: instance.into(),
            token: token.into(),
            client_token: None,
            label: None,
        }
    }
}

/// Credentials of one instance on a [`Transport`]; see [`Transport::client`].
#[must_use]
pub struct InstanceBuilder {
    transport: Transport,
    instance: String,
    token: String,
    client_token: Option<String>,
    label: Option<String>,
}

impl fmt::Debug for InstanceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceBuilder")
            .field("transport", &self.transport)
            .field("instance", &format_args!("{REDACTED}"))
            .field("token", &format_args!("{REDACTED}"))
            .field(
                "client_token",
                &self.client_token.as_ref().map(|_| REDACTED),
            )
            .field("label", &self.label)
            .finish()
    }
}

impl InstanceBuilder {
    /// See [`ClientBuilder::label`].
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The account security token; see [`ClientBuilder::client_token`].
    pub fn client_token(mut self, client_token: impl Into<String>) -> Self {
        self.client_token = Some(client_token.into());
        self
    }

    /// Checks the credentials and makes the client: no new pool, TLS setup
    /// or verifier.
    pub fn build(self) -> Result<Client, BuildError> {
        let shared = self.transport.shared;
        refuse_credentials_in_base_url(&shared.base_url, &self.instance, &self.token)?;
        let credentials = Credentials::new(
            &shared.base_url,
            &self.instance,
            &self.token,
            self.client_token.as_deref(),
        )?;
        let label = match self.label {
            Some(label) => {
                let credentials = [Some(&self.instance), Some(&self.token)];
                check_label(&label, credentials, self.client_token.as_ref())?;
                Some(label.into_boxed_str())
            }
            None => None,
        };
        let http = shared.http.clone();
        let base_url = shared.base_url.clone();
        let context = ClientContext {
            shared,
            credentials,
            label,
        };
        Ok(Client::new_with_client(&base_url, http, context))
    }
}

/// Configures a [`Transport`]; see [`Transport::builder`].
#[derive(Clone)]
#[must_use]
pub struct TransportBuilder {
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: Option<RetryPolicy>,
    extra_roots: Vec<Vec<u8>>,
    configure_reqwest: Option<ConfigureReqwest>,
    allow_insecure_http: bool,
    use_env_proxy: bool,
}

type ConfigureReqwest = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            // Not yet checked: it may hold credentials (a pasted instance URL).
            .field("base_url", &printable_base_url(&self.base_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("extra_roots", &self.extra_roots.len())
            .field(
                "configure_reqwest",
                &self.configure_reqwest.as_ref().map(|_| "custom"),
            )
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("use_env_proxy", &self.use_env_proxy)
            .finish()
    }
}

impl TransportBuilder {
    /// Where requests go instead of [`DEFAULT_BASE_URL`]: a local server in
    /// tests, a proxy. `https`, or `http` for a loopback host (`127.0.0.0/8`,
    /// `::1`, `localhost`; elsewhere only with
    /// [`allow_insecure_http`](Self::allow_insecure_http)), a host, optionally
    /// a port and a path stem; no query, fragment or user info, and no
    /// credentials: a path with an `instances` or `token` segment or a
    /// segment of 16 or more hex digits (the panel's instance URL, pasted) is
    /// refused. The client adds `/instances/<id>/token/<token>` itself.
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
    /// stops there. Default [`DEFAULT_MAX_RESPONSE_BYTES`]; values over
    /// [`MAX_RESPONSE_BYTES_CEILING`] are clamped to it. Answers are never
    /// decompressed, so this counts the bytes on the wire.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit.min(MAX_RESPONSE_BYTES_CEILING);
        self
    }

    /// Accepts an `http://` base URL whose host is not a loopback address:
    /// **the instance id and token (in the path), the Client-Token and every
    /// request body then cross the network in clear.** Only for a trusted
    /// network (a TLS-terminating sidecar on another host, say). Without it,
    /// `http://` works for `127.0.0.0/8`, `::1` and `localhost` only.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Sends requests through the proxy the environment names (off by
    /// default): `HTTPS_PROXY`/`https_proxy` for an `https://` base URL,
    /// `HTTP_PROXY`/`http_proxy` for `http://` (ignored when
    /// `REQUEST_METHOD` is set, as under CGI), `ALL_PROXY`/`all_proxy` for
    /// both, minus the hosts in `NO_PROXY`/`no_proxy`; with reqwest's
    /// `system-proxy` feature also the system settings on macOS and Windows.
    /// Through a proxy, an `https://` request is tunnelled (CONNECT): the
    /// proxy sees the host and port only. An `http://` request goes to the
    /// proxy whole, credentials included. Without this call the environment
    /// is not read; a proxy you set with
    /// [`configure_reqwest`](Self::configure_reqwest)`(|b| b.proxy(..))` is
    /// used either way.
    pub fn use_env_proxy(mut self) -> Self {
        self.use_env_proxy = true;
        self
    }

    /// Retries retryable failures with this policy (off by default). See
    /// [`RetryPolicy`] for what is retried for which operation.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Also trusts this root certificate (DER), beside the platform's: a
    /// corporate TLS proxy, a local test server.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Adjusts the reqwest client this transport builds (a proxy, pool
    /// sizes, local address...), after this builder's timeouts and
    /// User-Agent, which it may override. It cannot weaken what the
    /// transport promises: applied after it are this transport's TLS setup
    /// (certificate verification, roots, protocol versions: reqwest's TLS
    /// settings made in the closure are replaced), no redirects (reqwest
    /// would resend the Client-Token to whatever host one names), no
    /// reqwest-level retries (they would repeat what the spec says not to
    /// repeat: [`RetryPolicy`] decides), no decompression (the response cap
    /// counts bytes on the wire) and no verbose connection logging (it would
    /// log the Client-Token with every byte sent).
    pub fn configure_reqwest(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_reqwest = Some(Arc::new(configure));
        self
    }

    /// Checks the base URL and builds the HTTP client, its pool and TLS
    /// setup, once for every client made from it.
    pub fn build(self) -> Result<Transport, BuildError> {
        let base_url = normalize_base_url(&self.base_url, self.allow_insecure_http)?;
        let builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout);
        // Before the closure, so a proxy it sets is kept.
        let builder = if self.use_env_proxy {
            builder
        } else {
            builder.no_proxy()
        };
        let builder = match &self.configure_reqwest {
            Some(configure) => configure(builder),
            None => builder,
        };
        // Last, so no configuration undoes them: our TLS setup replaces any
        // the closure made (a verifier that accepts anything, a backend
        // needing a process-wide rustls provider, which panics in reqwest's
        // `build` when there is none). Redirects: reqwest would resend the
        // Client-Token to wherever one points; Z-API does not redirect, so a
        // 3xx is an error. Retries: only the spec knows what is safe to
        // repeat. Decompression: the size cap must count wire bytes, whatever
        // reqwest features the application turned on. Verbose connections:
        // reqwest would log every byte sent, path and Client-Token included.
        let builder = crate::tls::configure(builder, &self.extra_roots)?
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .connection_verbose(false);
        let http = builder.build().map_err(BuildError::HttpClient)?;
        Ok(Transport {
            shared: Arc::new(Shared {
                http,
                base_url,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                timeout: self.timeout,
                in_flight: std::sync::atomic::AtomicUsize::new(0),
            }),
        })
    }
}

impl Client {
    /// Starts building a client for one Z-API instance: its id and token
    /// (Z-API panel). Add the account's security token with
    /// [`ClientBuilder::client_token`] once it is activated (Security tab);
    /// nothing is checked until [`ClientBuilder::build`]. For many instances
    /// in one process, share a [`Transport`] instead.
    pub fn builder(instance: impl Into<String>, token: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            instance: instance.into(),
            token: token.into(),
            client_token: None,
            label: None,
            transport: Transport::builder(),
        }
    }
}

/// Configures a [`Client`] for one instance with a transport of its own; see
/// [`Client::builder`]. The transport settings are [`TransportBuilder`]'s.
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    instance: String,
    token: String,
    client_token: Option<String>,
    label: Option<String>,
    transport: TransportBuilder,
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
            .field("label", &self.label)
            .field("transport", &self.transport)
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

    /// A name for this client in traces, not a secret: every call's span
    /// carries it as `zapi.client.label` (`"store-42"`), to tell instances
    /// apart. 1 to 64 characters, no control characters, and none of the
    /// credentials (a label is printed; they never are).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// See [`TransportBuilder::base_url`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.transport = self.transport.base_url(base_url);
        self
    }

    /// See [`TransportBuilder::timeout`]; default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.timeout(timeout);
        self
    }

    /// See [`TransportBuilder::connect_timeout`]; default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// See [`TransportBuilder::max_response_bytes`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.transport = self.transport.max_response_bytes(limit);
        self
    }

    /// See [`TransportBuilder::retry`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry(policy);
        self
    }

    /// See [`TransportBuilder::allow_insecure_http`]: credentials in clear
    /// over a non-loopback `http://` base URL.
    pub fn allow_insecure_http(mut self) -> Self {
        self.transport = self.transport.allow_insecure_http();
        self
    }

    /// See [`TransportBuilder::use_env_proxy`]: the environment's proxy
    /// (off by default).
    pub fn use_env_proxy(mut self) -> Self {
        self.transport = self.transport.use_env_proxy();
        self
    }

    /// See [`TransportBuilder::add_root_certificate_der`].
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.transport = self.transport.add_root_certificate_der(der);
        self
    }

    /// See [`TransportBuilder::configure_reqwest`]: a proxy, pool settings;
    /// TLS verification, no redirects, no reqwest retries and no
    /// decompression stay.
    pub fn configure_reqwest(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.transport = self.transport.configure_reqwest(configure);
        self
    }

    /// Checks the credentials and the base URL and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        // The credentials first: their errors are the likelier ones.
        Credentials::new(
            "",
            &self.instance,
            &self.token,
            self.client_token.as_deref(),
        )?;
        let mut instance = self.transport.build()?.client(self.instance, self.token);
        instance.client_token = self.client_token;
        instance.label = self.label;
        instance.build()
    }
}

/// Longest label, in characters.
const MAX_LABEL_CHARS: usize = 64;

fn check_label(
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
