//! The listening socket and its connections: each request is read, answered
//! as `routes::answer` says (now, late, or not at all), with the
//! `X-Zapi-Simulator` header; connections are kept alive, as reqwest expects.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::http::{read_request, write_response};
use super::routes::{self, Answer, Response};
use super::state::State;

/// The header on every answer, so a program can tell it reached the simulator.
pub(super) const HEADER: &str = "x-zapi-simulator";

/// Serves until aborted; the connections go with it (a dropped simulator
/// answers nothing more, kept-alive connections included).
pub(super) async fn accept(listener: TcpListener, state: Arc<Mutex<State>>) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        while connections.try_join_next().is_some() {}
        connections.spawn(serve(stream, state.clone()));
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await {
        let answer = {
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            routes::answer(&request, &mut state)
        };
        let response = match answer {
            Answer::Now(response) => response,
            Answer::Late(delay, response) => {
                tokio::time::sleep(delay).await;
                response
            }
            Answer::Drop => return,
        };
        if write(&mut stream, response).await.is_err() {
            return;
        }
    }
}

async fn write(stream: &mut TcpStream, response: Response) -> std::io::Result<()> {
    let Response {
        status,
        mut headers,
        body,
    } = response;
    headers.push((HEADER.into(), env!("CARGO_PKG_VERSION").into()));
    write_response(stream, status, &headers, &body).await
}
