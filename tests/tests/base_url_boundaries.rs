//! Where the base URL checks draw their lines, through `Client::builder`
//! and through `Transport` (`transport.client(..)`): a path segment holding
//! this instance's id or token of 8 characters or more is refused, a shorter
//! one only when it is the whole segment; and what `Debug` of an unbuilt
//! builder shows of the base URL.

use zapi_client::{BuildError, Client, Transport};

/// Whether building a client for `instance`/`token` against `base_url` is
/// refused for its base URL, the same through both paths.
fn refused(base_url: &str, instance: &str, token: &str) -> bool {
    let from_builder = Client::builder(instance, token).base_url(base_url).build();
    let from_transport = Transport::builder()
        .base_url(base_url)
        .build()
        .expect("not hex-like, no instances/token segment: the transport accepts it")
        .client(instance, token)
        .build();
    let verdicts = [from_builder, from_transport].map(|built| match built {
        Ok(_) => false,
        Err(BuildError::InvalidBaseUrl { .. }) => true,
        Err(other) => panic!("{base_url}: {other:?}"),
    });
    assert_eq!(verdicts[0], verdicts[1], "{base_url}: the two paths differ");
    verdicts[0]
}

#[test]
fn credentials_of_8_characters_or_more_are_refused_inside_a_segment() {
    // Instance id, then token, of exactly 8 characters inside a longer segment.
    assert!(refused(
        "https://proxy.example/x-abcdefgh-y",
        "abcdefgh",
        "other-token"
    ));
    assert!(refused(
        "https://proxy.example/x-abcdefgh-y",
        "other-id",
        "abcdefgh"
    ));
    // 7 characters: a substring of a segment is not taken for the credential.
    assert!(!refused(
        "https://proxy.example/x-abcdefg-y",
        "abcdefg",
        "other-token"
    ));
    assert!(!refused(
        "https://proxy.example/x-abcdefg-y",
        "other-id",
        "abcdefg"
    ));
    // ... unless it is the whole segment.
    assert!(refused(
        "https://proxy.example/abcdefg",
        "abcdefg",
        "other-token"
    ));
    assert!(refused(
        "https://proxy.example/abcdefg",
        "other-id",
        "abcdefg"
    ));
    // Other instances on the same base URL are fine.
    assert!(!refused(
        "https://proxy.example/x-abcdefgh-y",
        "other-id",
        "other-token"
    ));
}

#[test]
fn an_unbuilt_builder_shows_the_base_url_and_hides_a_credential_like_path() {
    let plain = "https://proxy.example:8443/zapi";
    let shown = [
        format!("{:?}", Client::builder("i", "t").base_url(plain)),
        format!("{:?}", Transport::builder().base_url(plain)),
    ];
    for text in shown {
        assert!(
            text.contains("\"https://proxy.example:8443/zapi\""),
            "{text}"
        );
    }
    // Each of these alone hides the path: user info, a query, a fragment,
    // a credential-like path.
    let hidden = [
        "https://user@proxy.example:8443/zapi",
        "https://:pw@proxy.example:8443/zapi",
        "https://proxy.example:8443/zapi?instances=x",
        "https://proxy.example:8443/zapi#x",
        "https://proxy.example:8443/instances/x/token/y",
    ];
    for base_url in hidden {
        for text in [
            format!("{:?}", Client::builder("i", "t").base_url(base_url)),
            format!("{:?}", Transport::builder().base_url(base_url)),
        ] {
            assert!(
                text.contains("\"https://proxy.example:8443/<redacted>\""),
                "{text}"
            );
            assert!(!text.contains("instances/x"), "{text}");
        }
    }
}

/// A path segment of 16 or more hex digits looks like a credential (Z-API's
/// ids and tokens are such) and is refused, by `Client::builder` and by
/// `Transport::builder`; 15 are accepted.
#[test]
fn a_segment_of_16_hex_digits_is_refused_and_15_accepted() {
    let verdicts = |base_url: &str| {
        let via_builder = Client::builder("other-id", "other-token")
            .base_url(base_url)
            .build();
        let via_transport = Transport::builder().base_url(base_url).build();
        [
            matches!(via_builder, Err(BuildError::InvalidBaseUrl { .. })),
            matches!(via_transport, Err(BuildError::InvalidBaseUrl { .. })),
        ]
    };
    let fifteen = "0123456789abcde";
    let sixteen = "0123456789abcdef";
    for (segment, refused) in [
        (fifteen, false),
        (sixteen, true),
        ("0123456789ABCDEF", true),
        ("0123456789abcdeg", false),
    ] {
        for url in [
            format!("https://proxy.example/{segment}"),
            format!("https://proxy.example/zapi/{segment}/"),
        ] {
            assert_eq!(verdicts(&url), [refused, refused], "{url}");
        }
    }
}
