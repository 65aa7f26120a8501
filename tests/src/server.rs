//! A small HTTP/1.1 server on 127.0.0.1 that records every request exactly as
//! it arrived (raw request target, headers, body) and answers with a reply the
//! test chooses. Connections are kept alive, as reqwest expects.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

// The HTTP/1.1 reading and writing of zapi-client's simulator, compiled here
// too: one copy of it, without making it part of zapi-client's API.
#[path = "../../zapi-client/src/simulator/http.rs"]
mod http;

use http::{head, read_request, write_response};

/// A request as the server received it.
pub use http::Request as RecordedRequest;

impl RecordedRequest {
    /// The body parsed as JSON (panics with the body if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

// Test credentials only: printed in full when an assertion fails.
impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete HTTP answer with a Content-Length.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes verbatim, then the connection is closed.
    Raw(Vec<u8>),
    /// Never answers; the connection stays open.
    Hang,
    /// A chunked body of `total` bytes, written as fast as the client reads.
    Chunked { status: u16, total: usize },
    /// A chunked answer whose body goes out one byte per chunk, each chunk
    /// in a write of its own (no Nagle delay): a body in many small reads.
    Trickle {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// `reply`, once `delay` has passed (a slow server).
    Delayed {
        delay: std::time::Duration,
        reply: Box<Reply>,
    },
}

impl Reply {
    /// A JSON answer with this status.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::text(
            status,
            "application/json",
            &serde_json::to_string(body).expect("JSON"),
        )
    }

    /// An answer with this status, Content-Type and body.
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self::Http {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header to an [`Reply::Http`] answer.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Http { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Responder = dyn Fn(&RecordedRequest) -> Reply + Send + Sync;

/// A running server; it stops when dropped.
pub struct TestServer {
    port: u16,
    state: Arc<State>,
    accept_loop: JoinHandle<()>,
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<RecordedRequest>>,
    open_connections: AtomicUsize,
    accepted_connections: AtomicUsize,
    body_bytes_written: AtomicUsize,
}

impl TestServer {
    /// Starts a server answering every request with `respond(&request)`.
    pub async fn start(
        respond: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let state = Arc::new(State::default());
        let respond: Arc<Responder> = Arc::new(respond);
        let shared = state.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.open_connections.fetch_add(1, Ordering::SeqCst);
                shared.accepted_connections.fetch_add(1, Ordering::SeqCst);
                let shared = shared.clone();
                let respond = respond.clone();
                tokio::spawn(async move {
                    serve_connection(stream, &shared, respond).await;
                    shared.open_connections.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Self {
            port,
            state,
            accept_loop,
        }
    }

    /// Always answers with `reply`.
    pub async fn replying(reply: Reply) -> Self {
        Self::start(move |_| reply.clone()).await
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests.lock().expect("lock").clone()
    }

    /// How many requests arrived so far.
    pub fn request_count(&self) -> usize {
        self.state.requests.lock().expect("lock").len()
    }

    /// Connections the client has open to this server right now.
    pub fn open_connections(&self) -> usize {
        self.state.open_connections.load(Ordering::SeqCst)
    }

    /// Connections accepted since the server started.
    pub fn accepted_connections(&self) -> usize {
        self.state.accepted_connections.load(Ordering::SeqCst)
    }

    /// Body bytes of [`Reply::Chunked`] answers the client accepted so far.
    pub fn body_bytes_written(&self) -> usize {
        self.state.body_bytes_written.load(Ordering::SeqCst)
    }

    /// The only request received; panics if there were none or several.
    pub fn single_request(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.into_iter().next().expect("one request")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn serve_connection(mut stream: TcpStream, state: &State, respond: Arc<Responder>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let mut reply = respond(&request);
        state.requests.lock().expect("lock").push(request);
        while let Reply::Delayed {
            delay,
            reply: later,
        } = reply
        {
            tokio::time::sleep(delay).await;
            reply = *later;
        }
        match reply {
            Reply::Http {
                status,
                headers,
                body,
            } => {
                if write_response(&mut stream, status, &headers, &body)
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                return;
            }
            Reply::Hang => {
                // Keep the connection open and silent until the client gives up.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Reply::Delayed { .. } => unreachable!("waited for above"),
            Reply::Trickle {
                status,
                headers,
                body,
            } => {
                let _ = stream.set_nodelay(true);
                let mut head = head(status, &headers);
                head.push_str("transfer-encoding: chunked\r\n\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for byte in body {
                    let chunk = [b'1', b'\r', b'\n', byte, b'\r', b'\n'];
                    if stream.write_all(&chunk).await.is_err() || stream.flush().await.is_err() {
                        return;
                    }
                    tokio::task::yield_now().await;
                }
                if stream.write_all(b"0\r\n\r\n").await.is_err() {
                    return;
                }
            }
            Reply::Chunked { status, total } => {
                let mut head = head(
                    status,
                    &[("content-type".into(), "application/json".into())],
                );
                head.push_str("transfer-encoding: chunked\r\n\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut written = 0;
                while written < total {
                    let n = chunk.len().min(total - written);
                    let framed = [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat();
                    if stream.write_all(&framed).await.is_err() {
                        return;
                    }
                    written += n;
                    state.body_bytes_written.fetch_add(n, Ordering::SeqCst);
                }
                if stream.write_all(b"0\r\n\r\n").await.is_err() {
                    return;
                }
            }
        }
    }
}
