//! HTTPS setup per TLS feature: `rustls-ring` (default) hands reqwest a rustls
//! configuration on the ring provider with the platform's verifier;
//! `rustls-aws-lc` and `native-tls` use reqwest's own setup. Applied after
//! `configure_reqwest`, so nothing set there weakens it.

use crate::client::BuildError;

#[cfg(all(
    feature = "rustls-ring",
    not(any(feature = "rustls-aws-lc", feature = "native-tls"))
))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, BuildError> {
    use std::sync::{Arc, OnceLock};

    use rustls::pki_types::CertificateDer;

    let failed = |e: &dyn std::fmt::Display| BuildError::Tls {
        reason: e.to_string(),
    };
    let extra_roots: Vec<_> = extra_roots
        .iter()
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    // A root that does not parse is the caller's mistake: report it now,
    // not at the first HTTPS request.
    let mut check = rustls::RootCertStore::empty();
    for root in &extra_roots {
        check.add(root.clone()).map_err(|e| failed(&e))?;
    }
    // Passed explicitly rather than installed process-wide, so an
    // application's own rustls default stays its own.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = LazyPlatformVerifier {
        provider: provider.clone(),
        extra_roots,
        platform: OnceLock::new(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest is built without HTTP/2 here.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// The platform's verifier (system roots plus the extra roots), made at
/// the first certificate to verify rather than at `build()`.
///
/// Why: on Linux `Verifier::new` reads the system CA store and fails when
/// it holds nothing (a container without ca-certificates). Made eagerly,
/// that failed every `build()`, even for an `http://` base URL that never
/// sees a certificate. Made here, a missing store is an error on the
/// HTTPS request that needed it, saying what to do. Given extra roots,
/// the platform verifier accepts an empty system store, so those roots
/// alone still work.
#[cfg(all(
    feature = "rustls-ring",
    not(any(feature = "rustls-aws-lc", feature = "native-tls"))
))]
#[derive(Debug)]
struct LazyPlatformVerifier {
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// Only a success is kept: after a failure the next request reads
    /// the store again (it may have been installed since).
    platform: std::sync::OnceLock<rustls_platform_verifier::Verifier>,
}

#[cfg(all(
    feature = "rustls-ring",
    not(any(feature = "rustls-aws-lc", feature = "native-tls"))
))]
impl LazyPlatformVerifier {
    fn platform(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        use rustls_platform_verifier::Verifier;

        if let Some(verifier) = self.platform.get() {
            return Ok(verifier);
        }
        let made = if self.extra_roots.is_empty() {
            Verifier::new(self.provider.clone())
        } else {
            Verifier::new_with_extra_roots(self.extra_roots.clone(), self.provider.clone())
        }
        .map_err(|e| {
            let e = match e {
                rustls::Error::General(reason) => reason,
                other => other.to_string(),
            };
            rustls::Error::General(format!(
                "no system CA certificates to verify the server with ({e}); install \
                 ca-certificates (or set SSL_CERT_FILE to a PEM bundle), or trust a root \
                 with ClientBuilder::add_root_certificate_der"
            ))
        })?;
        // Two first handshakes at once may both make one; either will do.
        Ok(self.platform.get_or_init(|| made))
    }
}

#[cfg(all(
    feature = "rustls-ring",
    not(any(feature = "rustls-aws-lc", feature = "native-tls"))
))]
impl rustls::client::danger::ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        self.platform()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    // The handshake signatures and schemes need no roots: these are what
    // the platform verifier does on every platform, with the provider's
    // algorithms.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(any(feature = "rustls-aws-lc", feature = "native-tls"))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, BuildError> {
    // Applied after `configure_reqwest`: whatever it set, reqwest's own
    // backend (not one preconfigured in the closure), with certificate and
    // host name verification, SNI, TLS 1.2 or later and no key log.
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(not(feature = "native-tls"))]
    let builder = builder.tls_backend_rustls().tls_sslkeylogfile(false);
    let builder = builder
        .tls_danger_accept_invalid_certs(false)
        .tls_danger_accept_invalid_hostnames(false)
        .tls_sni(true)
        .tls_version_min(reqwest::tls::Version::TLS_1_2);
    let roots = extra_roots
        .iter()
        .map(|der| reqwest::Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BuildError::Tls {
            reason: e.to_string(),
        })?;
    Ok(builder.tls_certs_merge(roots))
}

#[cfg(not(any(
    feature = "rustls-ring",
    feature = "rustls-aws-lc",
    feature = "native-tls"
)))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, BuildError> {
    if extra_roots.is_empty() {
        Ok(builder)
    } else {
        Err(BuildError::Tls {
            reason: "no TLS feature is enabled (rustls-ring, rustls-aws-lc or native-tls)"
                .to_owned(),
        })
    }
}
