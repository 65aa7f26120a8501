//! Tracing (feature `tracing`, on by default): one span per `send_checked`
//! call, named `zapi.call`, at INFO, with OpenTelemetry's HTTP client field
//! names where they fit:
//!
//! | field | value |
//! | --- | --- |
//! | `otel.name` | `POST /security/email` (method and spec path) |
//! | `otel.kind` | `client` |
//! | `zapi.operation_id` | the spec's operationId |
//! | `zapi.client.label` | the client's label (`ClientBuilder::label`), when it has one |
//! | `http.request.method` | `POST`, `GET` |
//! | `url.template` | the spec path, never the real one (it has the credentials) |
//! | `http.request.resend_count` | attempts after the first (recorded at the end) |
//! | `http.response.status_code` | the last answer's status (recorded at the end) |
//! | `error.type` | the failure's kind (`timeout`, `api`, `unsuccessful`...) |
//! | `zapi.elapsed_ms` | the whole call, retries included |
//!
//! Events inside it: each attempt's outcome (DEBUG), each retry with its
//! delay (INFO), the call's end (DEBUG on success, INFO on failure). Each
//! span field is recorded once (fmt subscribers print every recording), so
//! the attempt count and status are recorded when the call ends. Never
//! recorded: URLs, headers, bodies, credentials, secrets, server messages.

#[cfg(feature = "tracing")]
mod enabled {
    use std::time::{Duration, Instant};

    use tracing::Instrument;
    use tracing::field::Empty;

    use crate::Error;
    use crate::attempts::Attempts;
    use crate::generated::operation_facts;

    pub(crate) struct Call {
        span: tracing::Span,
        started: Instant,
    }

    impl Call {
        pub(crate) fn start(operation_id: &'static str) -> Self {
            let (method, template) = operation_facts::method_and_template(operation_id);
            let span = tracing::info_span!(
                target: "zapi_client",
                "zapi.call",
                otel.name = format_args!("{method} {template}"),
                otel.kind = "client",
                zapi.operation_id = operation_id,
                zapi.client.label = Empty,
                http.request.method = method,
                url.template = template,
                http.request.resend_count = Empty,
                http.response.status_code = Empty,
                "error.type" = Empty,
                zapi.elapsed_ms = Empty,
            );
            Self {
                span,
                started: Instant::now(),
            }
        }

        /// `work` inside the call's span (a wrapper, not another async
        /// layer: the send future is large, and every layer copies it).
        pub(crate) fn within<F: Future>(&self, work: F) -> tracing::instrument::Instrumented<F> {
            work.instrument(self.span.clone())
        }

        pub(crate) fn finish(&self, error: Option<&Error>, attempts: Attempts) {
            // Nothing listens: skip the clock, the span and the events.
            if !tracing::level_enabled!(tracing::Level::INFO) {
                return;
            }
            // Milliseconds to 0.1.
            let elapsed = (self.started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
            let _entered = self.span.enter();
            self.span.record("zapi.elapsed_ms", elapsed);
            if attempts.count > 0 {
                self.span
                    .record("http.request.resend_count", attempts.count - 1);
            }
            if let Some(status) = attempts.status {
                self.span.record("http.response.status_code", status);
            }
            // The events repeat no span field: a fmt line shows both.
            match error {
                None => tracing::debug!(target: "zapi_client", "Z-API call succeeded"),
                Some(error) => {
                    self.span.record("error.type", error.kind());
                    tracing::info!(target: "zapi_client", "Z-API call failed");
                }
            }
        }
    }

    /// An attempt's outcome, in the current call span.
    pub(crate) fn attempt(
        attempt: u32,
        status: Option<u16>,
        transport_error: Option<&'static str>,
    ) {
        crate::attempts::record(attempt, status);
        match (status, transport_error) {
            (Some(status), _) => {
                tracing::debug!(
                    target: "zapi_client",
                    attempt,
                    http.response.status_code = status,
                    "attempt answered"
                );
            }
            (None, kind) => {
                tracing::debug!(target: "zapi_client", attempt, error.r#type = kind.unwrap_or("transport"), "attempt failed")
            }
        }
    }

    pub(crate) fn retrying(attempt: u32, delay: Duration, reason: &str) {
        tracing::info!(
            target: "zapi_client",
            attempt,
            delay_ms = (delay.as_secs_f64() * 1e4).round() / 10.0,
            reason,
            "retrying Z-API call"
        );
    }

    /// A retry's refusal settled by reading the account back (INFO), or
    /// left unsettled because the read failed (WARN).
    pub(crate) fn settled(settled: crate::outcome::Settled) {
        use crate::outcome::Settled;
        match settled {
            Settled::NotRefused => {}
            Settled::Applied | Settled::NotApplied => tracing::info!(
                target: "zapi_client",
                took_effect = settled == Settled::Applied,
                "retry refused after a lost answer: settled by reading the account"
            ),
            Settled::Unknown => tracing::warn!(
                target: "zapi_client",
                "retry refused after a lost answer: the account could not be read; the call may have taken effect"
            ),
        }
    }

    /// The client's label on the current call span (the `pre` hook).
    pub(crate) fn label(label: Option<&str>) {
        if let Some(label) = label {
            tracing::Span::current().record("zapi.client.label", label);
        }
    }
}

#[cfg(feature = "tracing")]
pub(crate) use enabled::{Call, attempt, label, retrying, settled};

/// Without the `tracing` feature: the same calls, doing nothing.
#[cfg(not(feature = "tracing"))]
pub(crate) struct Call;

#[cfg(not(feature = "tracing"))]
impl Call {
    pub(crate) fn start(_operation_id: &'static str) -> Self {
        Self
    }

    pub(crate) fn within<F: Future>(&self, work: F) -> F {
        work
    }

    pub(crate) fn finish(
        &self,
        _error: Option<&crate::Error>,
        _attempts: crate::attempts::Attempts,
    ) {
    }
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn attempt(attempt: u32, status: Option<u16>, _transport_error: Option<&'static str>) {
    crate::attempts::record(attempt, status);
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn label(_label: Option<&str>) {}

#[cfg(not(feature = "tracing"))]
pub(crate) fn settled(_settled: crate::outcome::Settled) {}

#[cfg(not(feature = "tracing"))]
pub(crate) fn retrying(_attempt: u32, _delay: std::time::Duration, _reason: &str) {}

/// Why a retry happens, for the trace.
pub(crate) fn transport_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "transport"
    }
}
