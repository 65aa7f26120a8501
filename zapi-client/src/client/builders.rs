//! The builders of a client: on a shared [`Transport`] (`InstanceBuilder`)
//! or with a transport of its own (`ClientBuilder`).

use std::fmt;
use std::time::Duration;

use crate::Client;
use crate::base_url::refuse_credentials_in_base_url;
use crate::redact::REDACTED;
use crate::retry::RetryPolicy;

use super::context::check_label;
use super::*;

/// Credentials of one instance on a [`Transport`]; see [`Transport::client`].
#[must_use]
pub struct InstanceBuilder {
    pub(super) transport: Transport,
    pub(super) instance: String,
    pub(super) token: String,
    pub(super) client_token: Option<String>,
    pub(super) label: Option<String>,
}

impl fmt::Debug for InstanceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("InstanceBuilder");
        debug.field("transport", &self.transport);
        instance_fields(&mut debug, self.client_token.as_ref(), &self.label).finish()
    }
}

/// Both builders' instance part in `Debug`: the credentials redacted,
/// whether a Client-Token is set, the label (not a secret).
fn instance_fields<'d, 'a, 'b>(
    debug: &'d mut fmt::DebugStruct<'a, 'b>,
    client_token: Option<&String>,
    label: &Option<String>,
) -> &'d mut fmt::DebugStruct<'a, 'b> {
    debug
        .field("instance", &format_args!("{REDACTED}"))
        .field("token", &format_args!("{REDACTED}"))
        .field("client_token", &client_token.map(|_| REDACTED))
        .field("label", label)
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
        let mut debug = f.debug_struct("ClientBuilder");
        instance_fields(&mut debug, self.client_token.as_ref(), &self.label)
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
