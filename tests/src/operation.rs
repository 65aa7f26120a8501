//! The spec's operations, each called the way a user would with the spec's
//! example input, so every test exercises all of them the same way.

use serde_json::Value;
use zapi_client::{Client, Error, types};

use crate::server::{RecordedRequest, Reply, TestServer};
use crate::{client_for, spec};

#[derive(Clone, Copy, Debug)]
pub enum Op {
    Set,
    Verify,
    Get,
    Remove,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Set, Op::Verify, Op::Get, Op::Remove];

    /// The spec's operationId.
    pub fn id(self) -> &'static str {
        match self {
            Op::Set => "set_account_email",
            Op::Verify => "verify_account_email",
            Op::Get => "get_account_email",
            Op::Remove => "remove_account_email",
        }
    }

    pub fn method_and_path(self) -> (&'static str, &'static str) {
        match self {
            Op::Set => ("POST", "/security/email"),
            Op::Verify => ("POST", "/security/verify-email"),
            Op::Get => ("GET", "/security/email"),
            Op::Remove => ("POST", "/security/email/remove"),
        }
    }

    /// The spec's example of the 200 answer.
    pub fn response_example(self) -> Value {
        let (method, path) = self.method_and_path();
        spec::response_example(path, &method.to_lowercase())
    }

    /// The spec's example request body, for operations that have one.
    pub fn request_example(self) -> Option<Value> {
        let (method, path) = self.method_and_path();
        matches!(self, Op::Set | Op::Verify)
            .then(|| spec::request_example(path, &method.to_lowercase()))
    }

    /// Calls the operation with the spec's example input through
    /// `send_checked`; the decoded answer as JSON.
    pub async fn call(self, client: &Client) -> Result<Value, Error> {
        fn json<T: serde::Serialize>(answer: Result<T, Error>) -> Result<Value, Error> {
            answer.map(|v| serde_json::to_value(v).expect("serializes"))
        }
        let example = self.request_example();
        let body = |_: ()| example.clone().expect("a request example");
        match self {
            Op::Set => {
                let body: types::SetAccountEmailRequest =
                    serde_json::from_value(body(())).expect("the spec's example decodes");
                json(client.set_account_email().body(body).send_checked().await)
            }
            Op::Verify => {
                let body: types::VerifyAccountEmailRequest =
                    serde_json::from_value(body(())).expect("the spec's example decodes");
                json(
                    client
                        .verify_account_email()
                        .body(body)
                        .send_checked()
                        .await,
                )
            }
            Op::Get => json(client.get_account_email().send_checked().await),
            Op::Remove => json(client.remove_account_email().send_checked().await),
        }
    }

    /// Calls the operation with the spec's example input against a fresh
    /// local server that answers the spec's 200 example. Returns the decoded
    /// answer, the request the server received, and the server (for
    /// placeholders such as its port).
    pub async fn send_example(self) -> (Value, RecordedRequest, TestServer) {
        let server = TestServer::replying(Reply::json(200, &self.response_example())).await;
        let answer = self
            .call(&client_for(&server))
            .await
            .unwrap_or_else(|e| panic!("{self:?}: the spec's example fails: {e}"));
        let request = server.single_request();
        (answer, request, server)
    }
}
