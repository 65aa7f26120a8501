//! Property tests of the spec's input rules: what the vendor may accept, the
//! client accepts; only what cannot be valid is refused, before sending.
//!
//! Email (RFC 5321 with RFC 6531's internationalized addresses): generated
//! addresses with plain, quoted and non-ASCII local parts, host names and
//! address literals pass; the same addresses broken in ways no address can be
//! (a control character, no `@`, whitespace outside quotes, over-long) fail.
//!
//! A number to register (`ddi`, `phone`; E.164): generated country codes and
//! national numbers reach the simulator through every kind of client; the
//! same with `+`, spaces, dashes, letters or other digits, a leading 0 in the
//! country code, too few or too many digits, are `InvalidInput` naming the
//! field, and nothing is sent.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use zapi_client::simulator::{Instance, Simulator};
use zapi_client::types::{EmailAddress, RegistrationCodeMethod, VerificationCode};
use zapi_client::{Client, Error};

/// RFC 5322 `atext`, plus non-ASCII letters (RFC 6531 UTF8-non-ascii).
fn atext() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
        proptest::sample::select("!#$%&'*+-/=?^_`{|}~".chars().collect::<Vec<_>>()),
        proptest::sample::select(vec!['é', 'ü', 'ç', 'ñ', 'ø', 'д', 'ж', '日', '本', 'ß']),
    ]
}

fn dot_atom() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::collection::vec(atext(), 1..8).prop_map(|c| c.into_iter().collect::<String>()),
        1..4,
    )
    .prop_map(|atoms| atoms.join("."))
    .prop_filter("a local part has at most 64 characters", |s| {
        s.chars().count() <= 64
    })
}

/// A quoted local part: spaces, `@` and escaped quotes allowed inside.
fn quoted() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            atext().prop_map(String::from),
            Just(" ".to_owned()),
            Just("@".to_owned()),
            Just("\\\"".to_owned()),
            Just("\\\\".to_owned()),
        ],
        1..12,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn domain() -> impl Strategy<Value = String> {
    let label = proptest::collection::vec(
        prop_oneof![
            proptest::char::ranges(vec!['a'..='z', '0'..='9'].into()),
            proptest::sample::select(vec!['á', 'ç', 'ü', 'ö', '中']),
        ],
        1..10,
    )
    .prop_map(|c| c.into_iter().collect::<String>());
    prop_oneof![
        proptest::collection::vec(label, 1..4).prop_map(|l| l.join(".")),
        any::<[u8; 4]>().prop_map(|o| format!("[{}.{}.{}.{}]", o[0], o[1], o[2], o[3])),
        any::<[u16; 8]>().prop_map(|g| {
            let groups: Vec<String> = g.iter().map(|x| format!("{x:x}")).collect();
            format!("[IPv6:{}]", groups.join(":"))
        }),
        Just("[IPv6:2001:db8::1]".to_owned()),
    ]
}

fn valid_address() -> impl Strategy<Value = String> {
    (prop_oneof![dot_atom(), quoted()], domain())
        .prop_map(|(local, domain)| format!("{local}@{domain}"))
}

/// A plain (unquoted) valid address, where an inserted space cannot be quoted.
fn plain_address() -> impl Strategy<Value = String> {
    (dot_atom(), domain()).prop_map(|(local, domain)| format!("{local}@{domain}"))
}

fn accepted(address: &str) -> bool {
    address.parse::<EmailAddress>().is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_addresses_pass(address in valid_address()) {
        prop_assert!(accepted(&address), "{address:?} was refused");
    }

    #[test]
    fn a_control_character_anywhere_is_refused(
        address in valid_address(),
        at in any::<proptest::sample::Index>(),
        control in proptest::char::ranges(vec!['\0'..='\u{1f}', '\u{7f}'..='\u{7f}'].into()),
    ) {
        let chars: Vec<char> = address.chars().collect();
        let at = at.index(chars.len() + 1);
        let broken: String = chars[..at].iter().chain([&control]).chain(&chars[at..]).collect();
        prop_assert!(!accepted(&broken), "{broken:?} was accepted");
    }

    #[test]
    fn without_an_at_sign_it_is_refused(address in plain_address()) {
        let broken = address.replace('@', "");
        prop_assert!(!accepted(&broken), "{broken:?} was accepted");
    }

    #[test]
    fn whitespace_outside_quotes_is_refused(
        address in plain_address(),
        at in any::<proptest::sample::Index>(),
        space in proptest::sample::select(vec![' ', '\u{a0}', '\u{2003}']),
    ) {
        let chars: Vec<char> = address.chars().collect();
        let at = at.index(chars.len() + 1);
        let broken: String = chars[..at].iter().chain([&space]).chain(&chars[at..]).collect();
        prop_assert!(!accepted(&broken), "{broken:?} was accepted");
    }

    #[test]
    fn over_254_characters_is_refused(address in valid_address()) {
        let domain_padding = "a".repeat(255usize.saturating_sub(address.chars().count()));
        let long = format!("{address}{domain_padding}");
        prop_assume!(long.chars().count() > 254);
        prop_assert!(!accepted(&long));
    }

    #[test]
    fn codes_without_whitespace_pass_and_surrounding_whitespace_is_refused(
        code in "[0-9A-Za-z]{1,64}",
        space in proptest::sample::select(vec![" ", "\n", "\r\n", "\t"]),
    ) {
        let trailing = format!("{code}{space}");
        let leading = format!("{space}{code}");
        prop_assert!(code.parse::<VerificationCode>().is_ok(), "{} refused", code);
        prop_assert!(trailing.parse::<VerificationCode>().is_err(), "{:?} accepted", trailing);
        prop_assert!(leading.parse::<VerificationCode>().is_err(), "{:?} accepted", leading);
    }
}

/// The examples the vendor's audit named, each way.
#[test]
fn named_examples() {
    for valid in [
        "\"john doe\"@example.com",
        "user@[IPv6:2001:db8::1]",
        "josé@exemplo.com.br",
        "\"a@b\"@example.com",
        "user@localhost",
        "example@email.com",
    ] {
        assert!(accepted(valid), "{valid:?}");
    }
    for invalid in [
        "",
        "@example.com",
        "someone@",
        "no-at-sign",
        "a@b@example.com",
        "john doe@example.com",
        "\"unclosed@example.com",
        "user@[2001:db8::1",
        "user@exa mple.com",
        "someone@example.com\n",
    ] {
        assert!(!accepted(invalid), "{invalid:?}");
    }
}

/// A client of each kind (its own transport, a shared one; with and without
/// a Client-Token) whose base URL is a port nobody listens on: a request that
/// went out would fail as `Error::Transport`, not `InvalidInput`.
fn clients_sending_nowhere() -> Vec<zapi_client::Client> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base_url = format!("http://127.0.0.1:{port}");
    let transport = zapi_client::Transport::builder()
        .base_url(&base_url)
        .build()
        .unwrap();
    vec![
        zapi_client::Client::builder("instance", "token")
            .base_url(&base_url)
            .build()
            .unwrap(),
        zapi_client::Client::builder("instance", "token")
            .client_token("client-token")
            .base_url(&base_url)
            .build()
            .unwrap(),
        transport.client("instance", "token").build().unwrap(),
        transport
            .client("instance", "token")
            .client_token("client-token")
            .build()
            .unwrap(),
    ]
}

/// Each rule of the README's `InvalidInput` row, at its boundaries: the
/// error names the field and the rule that failed, says nothing was sent,
/// and never shows a secret's value (the PIN, the verification code).
#[tokio::test]
async fn each_input_rule_names_what_failed() {
    let long_local = format!("{}@example.com", "a".repeat(65));
    let long_address = format!("someone@{}", "a".repeat(247));
    let email = [
        ("not-an-email", "has no @"),
        (
            "john doe@x.com",
            "has whitespace outside a quoted local part",
        ),
        (long_local.as_str(), "the local part is over 64 characters"),
        (long_address.as_str(), "is over 254 characters"),
        ("@example.com", "the local part before @ is empty"),
        ("someone@", "the domain after @ is empty"),
        ("a@", "is under 3 characters"),
        ("someone@example.com\n", "has a control character"),
        ("a@b@example.com", "has more than one @"),
        (
            "\"unclosed@example.com",
            "the quoted local part has no closing \"",
        ),
        (
            "user@[2001:db8::1",
            "the address literal after @ has no closing ]",
        ),
        ("user@exa mple.com", "the domain has whitespace"),
        (
            "a\"b@example.com",
            "has a \" in a local part that is not quoted",
        ),
    ];
    let code = [
        ("", "is empty"),
        ("123456\n", "has whitespace or a control character"),
        (" 123456", "has whitespace or a control character"),
        (&"9".repeat(65), "is over 64 characters"),
    ];
    let pin = [
        ("12a456", "must be digits only (0-9)"),
        ("1234567 ", "must be digits only (0-9)"),
        ("١٢٣٤٥٦", "must be digits only (0-9)"),
        ("12345", "must be at least 6 digits"),
        ("", "must be at least 6 digits"),
        (&"9".repeat(65), "must be at most 64 digits"),
    ];
    // The accepted boundaries, for contrast: these would be sent.
    assert!(
        format!("{}@x", "a".repeat(64))
            .parse::<EmailAddress>()
            .is_ok()
    );
    assert!("1".parse::<VerificationCode>().is_ok());
    assert!("123456".parse::<zapi_client::types::SecurityCode>().is_ok());
    assert!(
        "9".repeat(64)
            .parse::<zapi_client::types::SecurityCode>()
            .is_ok()
    );

    for client in clients_sending_nowhere() {
        for (value, reason) in email {
            let error = client
                .set_account_email()
                .body_map(|b| b.email(value))
                .send_checked()
                .await
                .unwrap_err();
            expect_reason(&error, "email", reason, None);
        }
        for (value, reason) in code {
            let error = client
                .verify_account_email()
                .body_map(|b| b.verification_code(value))
                .send_checked()
                .await
                .unwrap_err();
            expect_reason(&error, "verification_code", reason, Some(value));
        }
        for (value, reason) in pin {
            let set = client.set_security_code().body_map(|b| b.code(value));
            let error = set.send_checked().await.unwrap_err();
            expect_reason(&error, "code", reason, Some(value));
            let confirm = client.confirm_security_code().body_map(|b| b.code(value));
            let error = confirm.send_checked().await.unwrap_err();
            expect_reason(&error, "code", reason, Some(value));
        }
    }
}

fn expect_reason(error: &zapi_client::Error, field: &str, reason: &str, secret: Option<&str>) {
    let zapi_client::Error::InvalidInput {
        field: f,
        reason: r,
    } = error
    else {
        panic!("{field} {reason:?}: not InvalidInput but {error:?}");
    };
    assert_eq!(f, field);
    assert!(
        r.starts_with(reason),
        "{field}: {r:?} does not say {reason:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains(reason) && shown.contains("nothing was sent"),
        "{shown}"
    );
    if let Some(secret) = secret.filter(|s| s.trim().len() >= 3) {
        assert!(!shown.contains(secret.trim()), "{shown} shows the secret");
    }
}

/// What can be valid: a country code of 1 to 3 digits not starting with 0
/// (E.164), a national number of 4 to 15 digits, leading 0 allowed.
const VALID_DDI: &str = "[1-9][0-9]{0,2}";
const VALID_PHONE: &str = "[0-9]{4,15}";

/// Characters no digits-only number has: what users paste (`+55`,
/// `(44) 99999-9999`, `44.9999`), letters, whitespace, other scripts' digits.
fn not_a_digit() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::sample::select(vec![
            '+', ' ', '-', '(', ')', '.', '/', '\t', '\n', '\u{a0}'
        ]),
        proptest::char::ranges(vec!['a'..='z', 'A'..='Z'].into()),
        proptest::sample::select(vec!['٥', '५', '５', 'é']),
    ]
}

/// `valid` with a character that is not a digit inserted anywhere.
fn with_a_non_digit(valid: &'static str) -> impl Strategy<Value = String> {
    (valid, any::<proptest::sample::Index>(), not_a_digit()).prop_map(|(value, at, c)| {
        let mut value = value;
        value.insert(at.index(value.len() + 1), c);
        value
    })
}

fn invalid_ddi() -> impl Strategy<Value = String> {
    prop_oneof![
        with_a_non_digit(VALID_DDI),
        VALID_DDI.prop_map(|ddi| format!("+{ddi}")),
        "0[0-9]{0,2}",     // a leading 0 (an international prefix's, `055`)
        "[1-9][0-9]{3,8}", // over 3 digits
        Just(String::new()),
    ]
}

fn invalid_phone() -> impl Strategy<Value = String> {
    prop_oneof![
        with_a_non_digit(VALID_PHONE),
        "[0-9]{0,3}",   // under 4 digits
        "[0-9]{16,30}", // over 15 digits
    ]
}

/// A simulator and clients of each kind for it (their own transport, a
/// shared one; with and without a Client-Token), on a runtime the property
/// cases block on: set up once, not per case.
struct Registration {
    runtime: tokio::runtime::Runtime,
    simulator: Simulator,
    clients: Vec<Client>,
}

impl Registration {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let simulator = runtime.block_on(Simulator::start()).unwrap();
        simulator.add_instance(Instance::new("with-token", "token").client_token("client-token"));
        simulator.add_instance(Instance::new("without-token", "token"));
        let transport = zapi_client::Transport::builder()
            .base_url(simulator.base_url())
            .build()
            .unwrap();
        let own = |id: &str| Client::builder(id, "token").base_url(simulator.base_url());
        let clients = vec![
            own("with-token")
                .client_token("client-token")
                .build()
                .unwrap(),
            own("without-token").build().unwrap(),
            transport
                .client("with-token", "token")
                .client_token("client-token")
                .build()
                .unwrap(),
            transport.client("without-token", "token").build().unwrap(),
        ];
        Self {
            runtime,
            simulator,
            clients,
        }
    }

    fn sent(&self) -> usize {
        self.simulator.calls("check_registration_availability")
            + self.simulator.calls("request_registration_code")
    }

    /// Both operations that take a number, by each client: the answers.
    fn send(&self, ddi: &str, phone: &str) -> Vec<Result<&'static str, Error>> {
        self.runtime.block_on(async {
            let mut answers = Vec::new();
            for client in &self.clients {
                let availability = client
                    .check_registration_availability()
                    .body_map(|b| b.ddi(ddi).phone(phone))
                    .send_checked()
                    .await;
                answers.push(availability.map(|outcome| outcome.name()));
                let code = client
                    .request_registration_code()
                    .body_map(|b| b.ddi(ddi).phone(phone).method(RegistrationCodeMethod::Sms))
                    .send_checked()
                    .await;
                answers.push(code.map(|outcome| outcome.name()));
            }
            answers
        })
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config::with_cases(cases))
}

#[test]
fn every_number_that_can_be_valid_is_sent() {
    let registration = Registration::start();
    let numbers = (VALID_DDI, VALID_PHONE);
    runner(64)
        .run(&numbers, |(ddi, phone)| {
            let before = registration.sent();
            for answer in registration.send(&ddi, &phone) {
                // Answered by the simulator: an outcome, or a refusal of
                // the step (a wait not over, the availability not checked).
                prop_assert!(
                    matches!(answer, Ok(_) | Err(Error::Unsuccessful { .. })),
                    "{ddi} {phone}: {answer:?}"
                );
            }
            prop_assert_eq!(registration.sent() - before, 8, "{} {}", ddi, phone);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_country_code_that_cannot_be_valid_is_refused_and_nothing_sent() {
    let registration = Registration::start();
    runner(256)
        .run(&(invalid_ddi(), VALID_PHONE), |(ddi, phone)| {
            for answer in registration.send(&ddi, &phone) {
                prop_assert!(
                    matches!(&answer, Err(Error::InvalidInput { field, .. }) if field == "ddi"),
                    "{ddi:?}: {answer:?}"
                );
            }
            prop_assert_eq!(registration.sent(), 0);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_national_number_that_cannot_be_valid_is_refused_and_nothing_sent() {
    let registration = Registration::start();
    runner(256)
        .run(&(VALID_DDI, invalid_phone()), |(ddi, phone)| {
            for answer in registration.send(&ddi, &phone) {
                prop_assert!(
                    matches!(&answer, Err(Error::InvalidInput { field, .. }) if field == "phone"),
                    "{phone:?}: {answer:?}"
                );
            }
            prop_assert_eq!(registration.sent(), 0);
            Ok(())
        })
        .unwrap();
}

/// The boundaries, each way: what the vendor's pages show and E.164's limits.
#[test]
fn number_boundaries() {
    let registration = Registration::start();
    let fifteen = "9".repeat(15);
    for (ddi, phone) in [
        ("55", "4499999999"),
        ("1", "0000"),
        ("999", fifteen.as_str()),
        ("39", "0612345678"),
    ] {
        let before = registration.sent();
        let answers = registration.send(ddi, phone);
        assert!(
            answers
                .iter()
                .all(|a| matches!(a, Ok(_) | Err(Error::Unsuccessful { .. }))),
            "{ddi} {phone}: {answers:?}"
        );
        assert_eq!(registration.sent() - before, 8, "{ddi} {phone}");
    }
    let sixteen = "9".repeat(16);
    for (ddi, phone, field) in [
        ("+55", "4499999999", "ddi"),
        ("055", "4499999999", "ddi"),
        ("0", "4499999999", "ddi"),
        ("1234", "4499999999", "ddi"),
        ("", "4499999999", "ddi"),
        ("55", "(44) 99999-9999", "phone"),
        ("55", "44 9999 9999", "phone"),
        ("55", "999", "phone"),
        ("55", sixteen.as_str(), "phone"),
        ("55", "", "phone"),
    ] {
        let before = registration.sent();
        for answer in registration.send(ddi, phone) {
            assert!(
                matches!(&answer, Err(Error::InvalidInput { field: f, .. }) if f == field),
                "{ddi:?} {phone:?}: {answer:?}"
            );
        }
        assert_eq!(registration.sent(), before, "{ddi:?} {phone:?} was sent");
    }
}

/// The README's email limits at their values, through both builders with and
/// without a Client-Token: a 64-character local part and a 254-character
/// address are sent (the simulator takes the address), a 65-character local
/// part and a 255-character address are refused and nothing is sent.
#[test]
fn email_lengths_at_the_readmes_limits() {
    let registration = Registration::start();
    let local = "l".repeat(64);
    // 64 + 1 + 189 = 254: labels of at most 63 characters.
    let domain = format!(
        "{}.{}.{}.com",
        "a".repeat(62),
        "b".repeat(62),
        "c".repeat(59)
    );
    let longest = format!("{local}@{domain}");
    assert_eq!(longest.len(), 254);
    let too_long = format!("{local}@x{domain}");
    let local_too_long = format!("{local}l@example.com");
    let sent = || registration.simulator.calls("set_account_email");
    registration.runtime.block_on(async {
        for client in &registration.clients {
            let before = sent();
            client
                .set_account_email()
                .body_map(|b| b.email(longest.as_str()))
                .send_checked()
                .await
                .expect("a 254-character address is sent");
            assert_eq!(sent(), before + 1);
            for refused in [&too_long, &local_too_long] {
                let error = client
                    .set_account_email()
                    .body_map(|b| b.email(refused.as_str()))
                    .send_checked()
                    .await
                    .unwrap_err();
                assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
            }
            assert_eq!(sent(), before + 1, "nothing sent for the refused ones");
        }
    });
}
