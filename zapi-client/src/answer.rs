//! Decoding an answer into the generated types.

use progenitor_client::{Error, ResponseValue};

/// progenitor's `ResponseValue::from_response`, the same errors, without its
/// clone of the headers: they are moved into the value (two allocations
/// fewer per call). The generated operations call it (a step of `cargo xtask
/// codegen`).
pub(crate) async fn decode<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}
