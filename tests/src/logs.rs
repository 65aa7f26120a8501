//! Every line every tracing subscriber and `log` logger writes, captured in
//! memory, for the tests that check what never reaches a log line.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything written, as bytes.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// What was written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the process-wide subscriber at TRACE for every target, with
/// `log` records bridged into it; call once per test binary.
pub fn capture_everything() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        // No timestamps: their microseconds (`.583920Z`) could read as a
        // digits-only secret the tests look for.
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    tracing_log::LogTracer::builder()
        .with_max_level(tracing_log::log::LevelFilter::Trace)
        .init()
        .expect("the only logger");
    captured
}

/// The server the log-level tests call: the PIN read answers 503 (`busy`)
/// every time, the email read succeeds.
pub async fn pin_busy_email_ok() -> zapi_client::mock::httpmock::MockServer {
    use zapi_client::mock::MockServerExt;
    use zapi_client::types;
    let server = zapi_client::mock::httpmock::MockServer::start_async().await;
    server.get_has_security_code(|_, then| {
        then.json(
            503,
            &types::ErrorBody {
                error: Some("busy".into()),
                message: None,
            },
        );
    });
    server.get_account_email(|_, then| {
        then.ok(&types::GetAccountEmailResponse {
            success: true,
            ..Default::default()
        });
    });
    server
}
