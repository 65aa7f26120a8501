//! HTTP/1.1 over one TCP connection: read a request (httparse), write an
//! answer with a Content-Length. The workspace tests' capture server
//! (`tests/src/server.rs`) compiles this file too (`#[path]`), so it uses
//! nothing else of this crate.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request as it arrived.
#[derive(Clone)]
pub struct Request {
    pub method: String,
    /// The raw request target, e.g. `/instances/ID/token/TOKEN/security/email`.
    pub target: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request; `None` on EOF or a malformed request. `buffer` keeps
/// what was read past it (the next request on a kept-alive connection).
pub async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(buffer) {
            Ok(httparse::Status::Complete(head_len)) => {
                let method = parsed.method?.to_owned();
                let target = parsed.path?.to_owned();
                let headers: Vec<(String, String)> = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                let body_len = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .map_or(Some(0), |(_, v)| v.trim().parse::<usize>().ok())?;
                while buffer.len() < head_len + body_len {
                    read_more(stream, buffer).await?;
                }
                let body = buffer[head_len..head_len + body_len].to_vec();
                buffer.drain(..head_len + body_len);
                return Some(Request {
                    method,
                    target,
                    headers,
                    body,
                });
            }
            Ok(httparse::Status::Partial) => read_more(stream, buffer).await?,
            Err(_) => return None,
        }
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

/// Writes a complete answer: status line, `headers`, Content-Length, body.
pub async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut bytes = head(status, headers);
    bytes.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await
}

/// The status line and `headers`, without the blank line that ends them.
pub fn head(status: u16, headers: &[(String, String)]) -> String {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out
}

/// The reason phrase of `status` (any text is valid HTTP; clients ignore it).
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
