//! The spec's operations, each called the way a user would with the spec's
//! example input, so every test exercises all of them the same way. Method,
//! path and examples come from openapi/zapi.yaml by operationId; only the
//! typed call is written per operation.

use serde_json::Value;
use zapi_client::{Client, Error};

use crate::server::{RecordedRequest, Reply, TestServer};
use crate::{client_for, spec};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Set,
    Verify,
    Get,
    Remove,
    SetPin,
    GetHasPin,
    RemovePin,
    ConfirmPin,
    ForgotPin,
}

impl Op {
    pub const ALL: [Op; 9] = [
        Op::Set,
        Op::Verify,
        Op::Get,
        Op::Remove,
        Op::SetPin,
        Op::GetHasPin,
        Op::RemovePin,
        Op::ConfirmPin,
        Op::ForgotPin,
    ];

    /// The spec's operationId.
    pub fn id(self) -> &'static str {
        match self {
            Op::Set => "set_account_email",
            Op::Verify => "verify_account_email",
            Op::Get => "get_account_email",
            Op::Remove => "remove_account_email",
            Op::SetPin => "set_security_code",
            Op::GetHasPin => "get_has_security_code",
            Op::RemovePin => "remove_security_code",
            Op::ConfirmPin => "confirm_security_code",
            Op::ForgotPin => "forgot_security_code",
        }
    }

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
        fn json<T: serde::Serialize>(answer: Result<T, Error>) -> Result<Value, Error> {
            answer.map(|v| serde_json::to_value(v).expect("serializes"))
        }
        fn typed<T: serde::de::DeserializeOwned>(op: Op, body: Option<&Value>) -> T {
            let body = body.unwrap_or_else(|| panic!("{op:?} needs a body"));
            serde_json::from_value(body.clone()).expect("the body decodes")
        }
        match self {
            Op::Set => json(
                client
                    .set_account_email()
                    .body(typed::<zapi_client::types::SetAccountEmailRequest>(
                        self, body,
                    ))
                    .send_checked()
                    .await,
            ),
            Op::Verify => json(
                client
                    .verify_account_email()
                    .body(typed::<zapi_client::types::VerifyAccountEmailRequest>(
                        self, body,
                    ))
                    .send_checked()
                    .await,
            ),
            Op::Get => json(client.get_account_email().send_checked().await),
            Op::Remove => json(client.remove_account_email().send_checked().await),
            Op::SetPin => json(
                client
                    .set_security_code()
                    .body(typed::<zapi_client::types::SetSecurityCodeRequest>(
                        self, body,
                    ))
                    .send_checked()
                    .await,
            ),
            Op::GetHasPin => json(client.get_has_security_code().send_checked().await),
            Op::RemovePin => json(client.remove_security_code().send_checked().await),
            Op::ConfirmPin => json(
                client
                    .confirm_security_code()
                    .body(typed::<zapi_client::types::ConfirmSecurityCodeRequest>(
                        self, body,
                    ))
                    .send_checked()
                    .await,
            ),
            Op::ForgotPin => json(client.forgot_security_code().send_checked().await),
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
