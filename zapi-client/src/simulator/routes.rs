//! From a request to an answer, in the order Z-API checks: the path (404),
//! the method (405), then an armed fault, the instance and its token (404),
//! the Client-Token (400 missing, 401 wrong), the Content-Type of a POST
//! (415) and its JSON (400); then the operation runs on the account.

use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::faults::Fault;
use super::http::Request;
use super::state::{Account, Reply, State};
use super::{email, pin, registration};

/// One operation: the spec's operationId, method and path (after
/// `/instances/<id>/token/<token>`), and what it does to the account.
pub(super) struct Route {
    pub(super) operation_id: &'static str,
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) answer: fn(&mut Account, &Value) -> Reply,
}

/// Every operation served, area by area; a new area is a file and a line here.
const AREAS: [&[Route]; 3] = [&email::ROUTES, &pin::ROUTES, &registration::ROUTES];

pub(super) fn routes() -> impl Iterator<Item = &'static Route> {
    AREAS.iter().flat_map(|area| area.iter())
}

/// An HTTP answer, before the simulator's own header is added.
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Response {
    fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

impl From<Reply> for Response {
    fn from(reply: Reply) -> Self {
        Self::json(reply.status, &reply.body.to_string())
    }
}

/// What the connection does with a request.
pub(super) enum Answer {
    Now(Response),
    Late(Duration, Response),
    /// Close the connection without answering.
    Drop,
}

pub(super) fn answer(request: &Request, state: &mut State) -> Answer {
    let Some((instance, token, path)) = split_target(&request.target) else {
        return Answer::Now(Reply::error(404, "Not Found").into());
    };
    let mut on_path = routes().filter(|route| route.path == path).peekable();
    if on_path.peek().is_none() {
        return Answer::Now(Reply::error(404, "Not Found").into());
    }
    let Some(route) = on_path.find(|route| route.method == request.method) else {
        return Answer::Now(Reply::error(405, "Method Not Allowed").into());
    };
    *state.calls.entry(route.operation_id).or_default() += 1;
    let mut lose_answer = false;
    let delay = match state.faults.take(route.operation_id, &instance) {
        None => None,
        Some(Fault::Delay(delay)) => Some(delay),
        Some(Fault::LoseAnswer) => {
            lose_answer = true;
            None
        }
        Some(Fault::DropConnection) => return Answer::Drop,
        Some(Fault::Unsuccessful { message }) => {
            // The operation's own refusal (the availability check has no
            // `success`: `available: false` with a `reason`).
            let (success, why) =
                crate::generated::operation_facts::failure_shape(route.operation_id);
            return Answer::Now(Reply::ok(json!({ success: false, why: message })).into());
        }
        Some(Fault::Status {
            status,
            body,
            retry_after,
        }) => {
            let mut response = Response::json(status, body.as_deref().unwrap_or_default());
            if body.is_none() {
                response.headers.clear();
            }
            if let Some(seconds) = retry_after {
                response
                    .headers
                    .push(("retry-after".into(), seconds.to_string()));
            }
            return Answer::Now(response);
        }
    };
    let response: Response = run(route, request, state, &instance, &token).into();
    if lose_answer {
        return Answer::Drop;
    }
    match delay {
        Some(delay) => Answer::Late(delay, response),
        None => Answer::Now(response),
    }
}

/// The checks of the credentials and the body, then the operation.
fn run(route: &Route, request: &Request, state: &mut State, instance: &str, token: &str) -> Reply {
    let Some(known) = state
        .instances
        .get_mut(instance)
        .filter(|known| known.token == token)
    else {
        return Reply::error(404, "Instance not found");
    };
    if let Some(expected) = &known.client_token {
        match request
            .header("client-token")
            .filter(|sent| !sent.is_empty())
        {
            None => return Reply::error(400, "null not allowed"),
            Some(sent) if sent != expected => {
                return Reply::error(401, "Client-Token not allowed");
            }
            Some(_) => {}
        }
    }
    let body = if request.method == "POST" {
        let json_content = request
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json"));
        if !json_content {
            return Reply::error(415, "Unsupported Media Type");
        }
        if request.body.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice::<Value>(&request.body) {
                Ok(body) => body,
                Err(_) => return Reply::error(400, "invalid JSON body"),
            }
        }
    } else {
        Value::Null
    };
    (route.answer)(&mut known.account, &body)
}

/// `/instances/<instance>/token/<token><path>?<query>` -> instance, token
/// (percent-decoded) and path.
fn split_target(target: &str) -> Option<(String, String, &str)> {
    let path = target.split('?').next()?;
    let rest = path.strip_prefix("/instances/")?;
    let (instance, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("token/")?;
    let (token, path) = rest.split_at(rest.find('/')?);
    let decode = |s: &str| Some(percent_decode_str(s).decode_utf8().ok()?.into_owned());
    let (instance, token) = (decode(instance)?, decode(token)?);
    (!instance.is_empty() && !token.is_empty() && !path.is_empty())
        .then_some((instance, token, path))
}
