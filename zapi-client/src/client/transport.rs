//! What the clients of many instances share: one pool, TLS setup, limits
//! and retry policy.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::base_url::{normalize_base_url, printable_base_url};
use crate::retry::RetryPolicy;

use super::*;

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
    pub(super) shared: Arc<Shared>,
}

impl Transport {
    /// Starts configuring a transport; the defaults are
    /// [`Client::builder`](crate::Client::builder)'s.
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

/// Configures a [`Transport`]; see [`Transport::builder`].
#[derive(Clone)]
#[must_use]
pub struct TransportBuilder {
    pub(super) base_url: String,
    pub(super) timeout: Duration,
    pub(super) connect_timeout: Duration,
    pub(super) max_response_bytes: usize,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) extra_roots: Vec<Vec<u8>>,
    pub(super) configure_reqwest: Option<ConfigureReqwest>,
    pub(super) allow_insecure_http: bool,
    pub(super) use_env_proxy: bool,
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
