//! The names a user meets at the crate root are the ones the README and the
//! rendered docs describe: `zapi_client::Error` is our error (not
//! progenitor's, which a glob re-export once put there), progenitor's is
//! `GeneratedError`, and an error's status needs no reqwest or http
//! dependency. CI also checks the rendered page (`.ci/run`, "cargo doc").

#[test]
fn the_crate_root_error_is_ours() {
    assert_eq!(
        std::any::type_name::<zapi_client::Error>(),
        "zapi_client::error::Error"
    );
    let generated = std::any::type_name::<zapi_client::GeneratedError>();
    assert!(
        generated.starts_with("progenitor_client::") && generated.contains("::Error<"),
        "{generated}"
    );
}

#[test]
fn the_status_type_is_reachable_from_the_crate() {
    let error = zapi_client::Error::Unsuccessful { message: None };
    let status: Option<zapi_client::StatusCode> = error.status();
    assert_eq!(status, Some(zapi_client::StatusCode::OK));
    assert_eq!(zapi_client::StatusCode::TOO_MANY_REQUESTS.as_u16(), 429);
}
