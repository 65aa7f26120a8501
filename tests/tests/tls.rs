//! HTTPS in the default configuration (rustls on ring, the platform's
//! verifier): a local TLS server whose test CA the client is told to trust.

mod tls_server;

use tls_server::{CA, SERVER_CERT, client_over_https, client_trusting_the_test_ca, tls_server};
use zapi_client::{Client, Error};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

#[tokio::test]
async fn https_works_with_a_trusted_root() {
    let port = tls_server().await;
    let client = client_trusting_the_test_ca(port);
    let answer = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(answer.email.as_deref(), Some("a@b.co"));
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let port = tls_server().await;
    let client = client_over_https(port);
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        format!("{error}").to_lowercase().contains("certificate"),
        "{error}"
    );
}

#[test]
fn a_root_that_is_not_der_is_a_build_error() {
    let error = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .add_root_certificate_der(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert!(
        error.to_string().starts_with("cannot set up TLS: "),
        "{error}"
    );
}

/// A runner whose clock lags (by hours, or a wrong date) still accepts the
/// test certificates: their validity starts long before they were made.
#[test]
fn the_test_certificates_were_valid_long_before_today() {
    const YEAR: u64 = 365 * 24 * 60 * 60;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (name, der) in [("ca.der", CA), ("server.der", SERVER_CERT)] {
        let (not_before, not_after) = validity(der);
        assert!(
            not_before + YEAR <= now,
            "{name}: notBefore {not_before} is less than a year before now ({now})"
        );
        assert!(
            not_after >= now + 50 * YEAR,
            "{name}: notAfter {not_after} is within 50 years"
        );
    }
}

/// notBefore and notAfter of a DER certificate, in Unix seconds: a minimal
/// walk of Certificate -> TBSCertificate -> Validity (RFC 5280 4.1).
fn validity(der: &[u8]) -> (u64, u64) {
    let (_, certificate, _) = tlv(der);
    let (_, mut tbs, _) = tlv(certificate);
    // Skip the optional [0] version, serialNumber, signature and issuer.
    if tbs[0] == 0xa0 {
        tbs = tlv(tbs).2;
    }
    for _ in 0..3 {
        tbs = tlv(tbs).2;
    }
    let (tag, validity, _) = tlv(tbs);
    assert_eq!(tag, 0x30, "Validity is a SEQUENCE");
    let (before_tag, before, rest) = tlv(validity);
    let (after_tag, after, _) = tlv(rest);
    (time(before_tag, before), time(after_tag, after))
}

/// One DER element: its tag, its contents, what follows it.
fn tlv(input: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = input[0];
    let (len, header) = match input[1] {
        short @ 0..=0x7f => (usize::from(short), 2),
        long => {
            let n = usize::from(long & 0x7f);
            let len = input[2..2 + n]
                .iter()
                .fold(0, |len, &b| (len << 8) | usize::from(b));
            (len, 2 + n)
        }
    };
    (tag, &input[header..header + len], &input[header + len..])
}

/// UTCTime (YYMMDDHHMMSSZ, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ)
/// in Unix seconds.
fn time(tag: u8, text: &[u8]) -> u64 {
    let text = std::str::from_utf8(text).unwrap();
    let digits = |s: &str| s.parse::<u64>().unwrap();
    let (year, rest) = match tag {
        0x17 => {
            let yy = digits(&text[..2]);
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        0x18 => (digits(&text[..4]), &text[4..]),
        other => panic!("tag {other:#x} is not a time"),
    };
    assert_eq!(rest.len(), 11, "seconds and Z: {text}");
    let (month, day) = (digits(&rest[..2]), digits(&rest[2..4]));
    let (hour, minute, second) = (
        digits(&rest[4..6]),
        digits(&rest[6..8]),
        digits(&rest[8..10]),
    );
    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
    // days_from_civil, for years from 1970 on).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + hour * 3600 + minute * 60 + second
}

/// The host name is verified, whatever `configure_reqwest` asks: a server
/// whose certificate (from a trusted CA) is for `localhost` is refused when
/// reached as `wrong.test`, through both builders, also when the closure
/// asks reqwest to accept invalid host names. The same set-up reached as
/// `localhost` works, so the refusal is the name's.
#[tokio::test]
async fn the_host_name_is_verified_even_when_configure_reqwest_says_not_to() {
    use zapi_client::Transport;
    let port = tls_server().await;
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    type Configure = Box<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;
    let closures = |host: &'static str| -> [Configure; 2] {
        [
            Box::new(move |b| b.resolve(host, address)),
            Box::new(move |b| {
                b.resolve(host, address)
                    .tls_danger_accept_invalid_hostnames(true)
            }),
        ]
    };
    for (host, accepted) in [("wrong.test", false), ("localhost", true)] {
        for configure in closures(host) {
            let configure = std::sync::Arc::new(configure);
            let base_url = format!("https://{host}:{port}");
            let own = {
                let configure = configure.clone();
                Client::builder(INSTANCE, TOKEN)
                    .client_token(CLIENT_TOKEN)
                    .base_url(&base_url)
                    .add_root_certificate_der(CA)
                    .configure_reqwest(move |b| configure(b))
                    .build()
                    .unwrap()
            };
            let shared = {
                let configure = configure.clone();
                Transport::builder()
                    .base_url(&base_url)
                    .add_root_certificate_der(CA)
                    .configure_reqwest(move |b| configure(b))
                    .build()
                    .unwrap()
                    .client(INSTANCE, TOKEN)
                    .client_token(CLIENT_TOKEN)
                    .build()
                    .unwrap()
            };
            for client in [own, shared] {
                let answer = client.get_account_email().send_checked().await;
                match (answer, accepted) {
                    (Ok(_), true) => {}
                    (Err(error), false) => {
                        let text = error.to_string().to_lowercase();
                        assert!(
                            matches!(error, Error::Transport(_))
                                && text.contains("certificate")
                                && text.contains("name"),
                            "{host}: {error}"
                        );
                    }
                    (answer, _) => panic!("{host}: {:?}", answer.map(drop)),
                }
            }
        }
    }
}
