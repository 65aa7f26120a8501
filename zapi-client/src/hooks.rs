//! The hooks every generated operation runs: credentials onto the request,
//! retries, a bounded and scrubbed answer, errors that keep their status.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
// tokio's clock, as the timeouts and waits use: one time for all of a call.
use tokio::time::Instant;

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use crate::Client;
use crate::client::ClientContext;
use crate::generated::operation_facts;
use crate::outcome::Settled;
use crate::redact::{Echoes, scrub, scrub_headers};
use crate::retry::{self, Failure};
use crate::trace;
use progenitor_client::Error;

const CLIENT_TOKEN: HeaderName = HeaderName::from_static("client-token");

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // The URL already holds the credentials: the generated operations
        // build it with `ClientContext::url`.
        let credentials = &self.inner().credentials;
        crate::trace::label(self.inner().label.as_deref());
        let bodiless_post = request.method() == reqwest::Method::POST && request.body().is_none();
        let headers = request.headers_mut();
        if let Some(client_token) = &credentials.client_token {
            headers.insert(CLIENT_TOKEN, client_token.clone());
        }
        if bodiless_post {
            // The spec's `x-zapi-bodiless-content-type`: the vendor's examples
            // send a Content-Type with some bodiless POSTs, and Z-API answers
            // 415 without it.
            if let Some(content_type) = operation_facts::bodiless_content_type(info.operation_id) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            }
            // Some front ends answer a POST without a length with 411; hyper
            // sends none for a missing body.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        Ok(())
    }

    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let context = self.inner();
        let idempotent = operation_facts::retry_safe(info.operation_id);
        let secrets = request_secrets(&request, info.operation_id);
        let echoes = Echoes::new(&context.credentials.echoes, &secrets);
        let started = Instant::now();
        let in_flight = InFlight::enter(&context.shared.in_flight);
        // The policy's `max_elapsed` bounds the whole call: each attempt may
        // take the transport's timeout, or what is left if that is less.
        let deadline = context
            .shared
            .retry
            .and_then(|policy| policy.deadline(started));
        let mut attempt = 1;
        // An attempt that went out and lost its answer (see `Error::outcome`).
        let mut lost_earlier = false;
        loop {
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                *request.timeout_mut() = Some(context.shared.timeout.min(left));
            }
            // Bodies here are in memory, so a copy for the next attempt is cheap.
            let next = context.shared.retry.and_then(|_| request.try_clone());
            // The transport's own HTTP client (redirects off), never the
            // generated `Client`'s, which `Client::new_with_client` could set.
            let result = match context.shared.http.execute(request).await {
                Ok(response) => {
                    let read =
                        read_bounded(response, context.shared.max_response_bytes, echoes).await;
                    in_flight.let_the_connection_return().await;
                    read
                }
                Err(error) => Err(error),
            }
            // reqwest errors print their URL, which holds the instance and token.
            .map_err(reqwest::Error::without_url);
            match &result {
                Ok(response) => trace::attempt(attempt, Some(response.status().as_u16()), None),
                Err(error) => trace::attempt(attempt, None, Some(trace::transport_kind(error))),
            }

            let failure = match &result {
                Err(error) => Failure::of_transport(error),
                Ok(response) if response.status().is_success() => {
                    if !lost_earlier {
                        return result;
                    }
                    return Ok(self.settle(info.operation_id, result?).await);
                }
                Ok(response) => Failure::Status(response.status()),
            };
            let (Some(policy), Some(next)) = (context.shared.retry, next) else {
                return result;
            };
            if !failure.is_retryable(idempotent) {
                return result;
            }
            let retry_after = result
                .as_ref()
                .ok()
                .and_then(|r| retry::retry_after(r.headers()));
            let Some(delay) = policy.next_delay(attempt, started.elapsed(), retry_after) else {
                return result;
            };
            let reason = match &result {
                Ok(response) => response.status().as_str().to_owned(),
                Err(error) => trace::transport_kind(error).to_owned(),
            };
            if failure.may_have_taken_effect() && !lost_earlier {
                lost_earlier = true;
                crate::attempts::record_lost_earlier(true);
            }
            trace::retrying(attempt, delay, &reason);
            drop(result);
            tokio::time::sleep(delay).await;
            request = next;
            attempt += 1;
        }
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // A documented error status whose body is not Z-API's error JSON
        // (plain text, HTML, empty) would otherwise fail to decode into
        // `InvalidResponsePayload`, which has no status. As an unexpected
        // response it keeps its status and body.
        let Ok(response) = result else { return Ok(()) };
        if response.status().is_success() {
            return Ok(());
        }
        let Some(BufferedBody(body)) = response.extensions().get::<BufferedBody>() else {
            return Ok(());
        };
        if crate::error::server_message(body).is_some() {
            return Ok(());
        }
        Err(Error::UnexpectedResponse(rebuild(
            response.status(),
            response.version(),
            response.headers().clone(),
            reqwest::Body::from(body.clone()),
            Some(body.clone()),
        )))
    }
}

impl Client {
    /// A retry's success-status answer after an earlier attempt lost its
    /// answer: a refusal settled by reading the account back (`outcome.rs`).
    async fn settle(&self, operation_id: &str, response: reqwest::Response) -> reqwest::Response {
        let (response, settled) = crate::outcome::settle(self, operation_id, response).await;
        match settled {
            Settled::Applied | Settled::NotApplied => crate::attempts::record_lost_earlier(false),
            Settled::NotRefused | Settled::Unknown => {}
        }
        trace::settled(settled);
        response
    }
}

/// This call counted among its transport's calls in flight while it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count)
    }

    /// Once the answer is read: with other calls in flight, yields once so
    /// the answer's connection is back in the pool before the caller's next
    /// call looks for one. hyper-util returns it from a task of its own, and
    /// a call that finds the pool empty starts a connection which is opened
    /// even when a pooled one comes back first: 64 tasks calling back to back
    /// opened up to 120 connections, not 64 (BENCHMARKS.md,
    /// instance_connections). A yield costs about 3,000 instructions, so a
    /// call alone on its transport skips it.
    async fn let_the_connection_return(&self) {
        if self.0.load(Ordering::Relaxed) > 1 {
            tokio::task::yield_now().await;
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The whole body of an answer, kept beside it for the `post` hook.
#[derive(Clone)]
struct BufferedBody(Bytes);

/// Reads the whole answer, at most `max_response_bytes`, and rebuilds it: no
/// URL (reqwest would print it), and any credential the server echoed back,
/// in the body or a header, replaced by `<redacted>`.
async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
    echoes: Echoes<'_>,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    scrub_headers(&mut headers, echoes);
    let too_large = |headers| {
        let body =
            reqwest::Body::wrap_stream(FailingBody(Some(ResponseTooLarge { status, limit })));
        Ok(rebuild(status, version, headers, body, None))
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return too_large(headers);
    }
    // Most answers arrive in one chunk: keep it as is, copy only when more come.
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    let mut read = 0;
    while let Some(chunk) = response.chunk().await? {
        read += chunk.len();
        if read > limit {
            return too_large(headers);
        }
        match &first {
            None => first = Some(chunk),
            Some(head) => {
                if rest.is_empty() {
                    rest.extend_from_slice(head);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    let body = if rest.is_empty() {
        first.unwrap_or_default()
    } else {
        rest.freeze()
    };
    let body = scrub(body, echoes);
    // Only the post hook reads the buffered body, and only of error answers.
    let buffered = (!status.is_success()).then(|| body.clone());
    Ok(rebuild(
        status,
        version,
        headers,
        reqwest::Body::from(body),
        buffered,
    ))
}

pub(crate) fn rebuild(
    status: StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    body: reqwest::Body,
    buffered: Option<Bytes>,
) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    // A reqwest::Response made from an http::Response carries this
    // placeholder instead of the real URL (which holds the credentials).
    // Given as a clone, it spares reqwest parsing one for every answer.
    static PLACEHOLDER: std::sync::LazyLock<reqwest::Url> = std::sync::LazyLock::new(|| {
        reqwest::Url::parse("http://redacted.invalid/").expect("a valid URL")
    });
    let mut response = http::Response::builder()
        .url(PLACEHOLDER.clone())
        .body(body)
        .expect("a builder with only a URL extension cannot fail");
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    if let Some(bytes) = buffered {
        response.extensions_mut().insert(BufferedBody(bytes));
    }
    reqwest::Response::from(response)
}

/// The values of the request's secret body properties, to redact from the
/// answer (short ones as whole words: see `redact`).
fn request_secrets(request: &reqwest::Request, operation_id: &str) -> Vec<String> {
    let names = operation_facts::secret_properties(operation_id);
    if names.is_empty() {
        return Vec::new();
    }
    let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) else {
        return Vec::new();
    };
    names
        .iter()
        .filter_map(|name| fields.get(*name)?.as_str())
        .map(str::to_owned)
        .collect()
}

/// The answer's body is over the configured limit. Travels as the source of
/// the reqwest body error that reading such an answer gives.
#[derive(Debug)]
pub(crate) struct ResponseTooLarge {
    pub(crate) status: StatusCode,
    pub(crate) limit: usize,
}

impl std::fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "response body over the {}-byte limit", self.limit)
    }
}

impl std::error::Error for ResponseTooLarge {}

/// A body that fails at once with [`ResponseTooLarge`].
struct FailingBody(Option<ResponseTooLarge>);

impl futures_core::Stream for FailingBody {
    type Item = Result<Bytes, ResponseTooLarge>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.take().map(Err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_TOKEN_VALUE: &str = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S";

    /// The request every operation sends (after the `pre` hook) carries the
    /// Client-Token flagged sensitive: out of HTTP/2 compression tables, and
    /// reqwest's and http's `Debug` of the request print `Sensitive`.
    #[tokio::test]
    async fn the_client_token_goes_out_flagged_sensitive_on_every_operation() {
        let base = "http://127.0.0.1:9";
        let transport = crate::Transport::builder().base_url(base).build().unwrap();
        let clients = [
            Client::builder("instance", "token")
                .client_token(CLIENT_TOKEN_VALUE)
                .base_url(base)
                .build()
                .unwrap(),
            transport
                .client("instance", "token")
                .client_token(CLIENT_TOKEN_VALUE)
                .build()
                .unwrap(),
        ];
        let operations: Vec<&str> = crate::simulator::Simulator::operation_ids().collect();
        assert!(operations.len() >= 9);
        for client in &clients {
            for operation_id in &operations {
                let (method, _) = operation_facts::method_and_template(operation_id);
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                let mut request = reqwest::Request::new(method, base.parse().unwrap());
                let info = OperationInfo { operation_id };
                client.pre::<()>(&mut request, &info).await.unwrap();
                let sent = request.headers().get(CLIENT_TOKEN).expect("sent");
                assert_eq!(sent, CLIENT_TOKEN_VALUE, "{operation_id}");
                assert!(sent.is_sensitive(), "{operation_id}");
                for printed in [format!("{request:?}"), format!("{:?}", request.headers())] {
                    assert!(
                        !printed.contains(CLIENT_TOKEN_VALUE),
                        "{operation_id}: {printed}"
                    );
                    assert!(printed.contains("Sensitive"), "{operation_id}: {printed}");
                }
            }
        }
    }
}
