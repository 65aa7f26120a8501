//! Shared by the examples: a client for the real Z-API when ZAPI_INSTANCE and
//! ZAPI_TOKEN are set (ZAPI_CLIENT_TOKEN too once the account's security token
//! is activated; ZAPI_BASE_URL overrides the base URL), or for an embedded
//! Z-API simulator (`zapi_client::simulator`, feature `simulator`) when none
//! of them is.

// Each example uses part of this module.
#![allow(dead_code)]

use zapi_client::Client;
use zapi_client::simulator::{Instance, Simulator};

const REQUIRED: [&str; 2] = ["ZAPI_INSTANCE", "ZAPI_TOKEN"];

/// Where the example's requests go.
pub enum Target {
    Zapi,
    /// Kept alive for as long as the example runs.
    Mock(Simulator),
}

/// The mock's instance id, token and Client-Token: not secrets.
const MOCK_CREDENTIALS: [&str; 3] = ["mock-instance", "mock-token", "mock-client-token"];

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Logs to standard error as `RUST_LOG` says (e.g. `RUST_LOG=debug`, or
/// `RUST_LOG=zapi_client=debug`); nothing when it is unset. zapi-client's
/// traces hold no credential or secret at any level.
pub fn init_logging() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
}

/// Builds the client from the environment; `Err` is a one-line reason.
pub async fn client_from_env() -> Result<(Client, Target), String> {
    init_logging();
    let client_token = env("ZAPI_CLIENT_TOKEN");
    match REQUIRED.map(env) {
        [Some(instance), Some(token)] => {
            let mut builder = Client::builder(instance, token);
            if let Some(client_token) = client_token {
                builder = builder.client_token(client_token);
            }
            if let Some(base_url) = env("ZAPI_BASE_URL") {
                builder = builder.base_url(base_url);
            }
            let client = builder.build().map_err(|e| e.to_string())?;
            Ok((client, Target::Zapi))
        }
        [None, None] if client_token.is_none() => {
            let [instance, token, client_token] = MOCK_CREDENTIALS;
            let mock = Simulator::start().await.map_err(|e| e.to_string())?;
            mock.add_instance(Instance::new(instance, token).client_token(client_token));
            println!(
                "ZAPI_INSTANCE and ZAPI_TOKEN are not set: using the embedded Z-API simulator (zapi_client::simulator) at {}; nothing is sent to Z-API.",
                mock.base_url()
            );
            let client = Client::builder(instance, token)
                .client_token(client_token)
                .base_url(mock.base_url())
                .build()
                .map_err(|e| e.to_string())?;
            Ok((client, Target::Mock(mock)))
        }
        values => {
            let missing: Vec<&str> = REQUIRED
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(name, _)| *name)
                .collect();
            Err(format!(
                "set ZAPI_INSTANCE and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN once activated), or none to use the embedded simulator; missing: {}",
                missing.join(", ")
            ))
        }
    }
}

impl Target {
    /// The code the mock "emailed"; the real one is in the account owner's inbox.
    pub fn mock_inbox_code(&self) -> Option<String> {
        match self {
            Target::Mock(mock) => mock.inbox_code(MOCK_CREDENTIALS[0]),
            Target::Zapi => None,
        }
    }
}

/// Prints `error: <reason>` on one line and exits 1.
pub fn fail(reason: impl std::fmt::Display) -> ! {
    eprintln!("error: {reason}");
    std::process::exit(1)
}
