//! The spec's operations, each called the way a user would with the spec's
//! example input, so every test exercises all of them the same way. Method,
//! path and examples come from openapi/zapi.yaml by operationId; the typed
//! call and mock of each operation are generated from the spec
//! (tests/src/generated_operations.rs, `cargo xtask codegen`).

use serde_json::Value;
use zapi_client::mock::httpmock::{Mock, MockServer};
use zapi_client::{Client, Error};

use crate::server::{RecordedRequest, Reply, TestServer};
use crate::{client_for, spec};

pub use crate::generated_operations::Op;

impl Op {
    /// `("POST", "/security/email")`, from the spec.
    pub fn method_and_path(self) -> (&'static str, &'static str) {
        let (method, path) = spec::method_and_path(self.id());
        let method = match method.as_str() {
            "get" => "GET",
            "post" => "POST",
            other => panic!("{self:?}: method {other} not used by this spec"),
        };
        // A test helper: leaking a few bytes per call keeps call sites simple.
        (method, path.leak())
    }

    fn spec_operation(self) -> Value {
        let (method, path) = self.method_and_path();
        spec::operation(path, &method.to_lowercase())
    }

    /// The spec's example of the 200 answer.
    pub fn response_example(self) -> Value {
        let (method, path) = self.method_and_path();
        spec::response_example(path, &method.to_lowercase())
    }

    /// Z-API's failure answer for the operation with `message`: its success
    /// field (`x-zapi-success-field`, else `success`) false and its failure
    /// message property (`x-zapi-failure-message`, else `message`).
    pub fn failure_answer(self, message: &str) -> Value {
        let operation = self.spec_operation();
        let success = operation["x-zapi-success-field"]
            .as_str()
            .unwrap_or("success");
        let property = operation["x-zapi-failure-message"]
            .as_str()
            .unwrap_or("message");
        serde_json::json!({ success: false, property: message })
    }

    /// The spec's example request body, for operations that have a body.
    pub fn request_example(self) -> Option<Value> {
        let (method, path) = self.method_and_path();
        self.spec_operation()["requestBody"]
            .is_object()
            .then(|| spec::request_example(path, &method.to_lowercase()))
    }

    /// Calls the operation through `send_checked` with the spec's example
    /// input; the decoded answer as JSON.
    pub async fn call(self, client: &Client) -> Result<Value, Error> {
        let body = self.request_example();
        self.call_with(client, body.as_ref()).await
    }

    /// Calls the operation through `send_checked` with `body` (JSON, decoded
    /// into the operation's typed request); the decoded answer as JSON.
    pub async fn call_with(self, client: &Client, body: Option<&Value>) -> Result<Value, Error> {
        self.call_outcome_with(client, body)
            .await
            .map(|(_, answer)| answer)
    }

    /// A typed mock of the operation on `server` that expects the spec's
    /// example request and answers the spec's 200 example.
    pub fn mock_example(self, server: &MockServer) -> Mock<'_> {
        self.mock(
            server,
            self.request_example().as_ref(),
            &self.response_example(),
        )
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
