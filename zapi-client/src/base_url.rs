//! The base URL: checked once per transport, so no configuration sends the
//! credentials in clear or already holds them, and printable before then.

use crate::client::BuildError;

/// Parses and re-serializes the base URL without a trailing slash, so the
/// generated `format!("{baseurl}/security/email")` is exactly what is sent.
/// Refuses what would send the credentials in clear or hold them already.
pub(crate) fn normalize_base_url(
    base_url: &str,
    allow_insecure_http: bool,
) -> Result<String, BuildError> {
    let invalid = |reason: String| BuildError::InvalidBaseUrl { reason };
    let url = reqwest::Url::parse(base_url).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme must be http or https, not {}",
            url.scheme()
        )));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("has no host".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment".to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not carry user info".to_owned()));
    }
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(&url) {
        return Err(invalid(
            "http:// would send the instance id, token and Client-Token in clear; use \
             https://, or call allow_insecure_http() on the builder if this network is \
             trusted (http:// is accepted for 127.0.0.0/8, ::1 and localhost)"
                .to_owned(),
        ));
    }
    if has_credential_like_path(&url) {
        return Err(invalid(
            "its path looks like it holds credentials (an instances or token segment, or \
             16+ hex digits): give the API's root (e.g. https://api.z-api.io) and the \
             instance id and token to Client::builder"
                .to_owned(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `127.0.0.0/8`, `::1` (also IPv4-mapped) and `localhost`: traffic that
/// never leaves the machine.
fn is_loopback(url: &reqwest::Url) -> bool {
    // `host_str` is normalized: IPv4 in dotted decimal, IPv6 in brackets,
    // domains in lower case.
    let host = url.host_str().unwrap_or_default();
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        });
    }
    host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A path segment (percent-decoded, any case) `instances` or `token`, or of
/// 16 or more hex digits: Z-API's instance ids and tokens are such.
fn has_credential_like_path(url: &reqwest::Url) -> bool {
    url.path().split('/').any(|segment| {
        let segment = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        segment.eq_ignore_ascii_case("instances")
            || segment.eq_ignore_ascii_case("token")
            || (segment.len() >= 16 && segment.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// A checked base URL must not hold this instance's id or token either (a
/// path stem that is not hex-like, say): no path segment, percent-decoded,
/// is one, or contains one of 8 characters or more.
pub(crate) fn refuse_credentials_in_base_url(
    base_url: &str,
    instance: &str,
    token: &str,
) -> Result<(), BuildError> {
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return Ok(());
    };
    let holds = |segment: &str, value: &str| {
        !value.is_empty()
            && (segment == value || (value.chars().count() >= 8 && segment.contains(value)))
    };
    let found = url.path().split('/').any(|segment| {
        let segment = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        holds(&segment, instance) || holds(&segment, token)
    });
    if found {
        return Err(BuildError::InvalidBaseUrl {
            reason: "holds this instance's id or token: give the API's root and the \
                     credentials to the builder"
                .to_owned(),
        });
    }
    Ok(())
}

/// The base URL as `Debug` may show it before it is checked: scheme, host,
/// port, and the path only when it cannot hold credentials.
pub(crate) fn printable_base_url(base_url: &str) -> String {
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return "<not a URL>".to_owned();
    };
    let host = url.host_str().unwrap_or_default();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let hidden = !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
        || has_credential_like_path(&url);
    let path = if hidden { "/<redacted>" } else { url.path() };
    format!("{}://{host}{port}{path}", url.scheme())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_is_normalized_and_checked() {
        assert_eq!(
            normalize_base_url("HTTP://Example.COM:80/x/", true).unwrap(),
            "http://example.com/x"
        );
        for bad in [
            "ftp://h",
            "no-scheme",
            "https://h/?q",
            "https://h/#f",
            "https://u:p@h",
            "https://u@h",
            "https://:p@h",
        ] {
            assert!(normalize_base_url(bad, true).is_err(), "{bad}");
        }
    }
}
