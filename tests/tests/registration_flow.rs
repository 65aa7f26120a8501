//! Registering a number against the simulator, every branch, through the
//! typed outcomes of `send_checked`: code, captcha, PIN, ban (with and
//! without an appeal token), a wait not over, a step out of order; through
//! `Client::builder` and `Transport`, with and without a Client-Token.

use zapi_client::simulator::{Instance, Simulator, registration};
use zapi_client::types::{
    CheckRegistrationAvailabilityOutcome as Availability,
    ConfirmRegistrationCodeOutcome as Confirmation, RegistrationCodeMethod,
    RequestRegistrationCodeOutcome as CodeRequest, UnbanningStatus,
};
use zapi_client::{Client, Error};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

/// Clients for a fresh simulator instance each: own builder and shared
/// transport, with and without a Client-Token.
async fn clients() -> Vec<(Simulator, Client)> {
    let mut out = Vec::new();
    for with_token in [false, true] {
        for shared in [false, true] {
            let simulator = Simulator::start().await.unwrap();
            let mut instance = Instance::new(INSTANCE, TOKEN);
            if with_token {
                instance = instance.client_token(CLIENT_TOKEN);
            }
            simulator.add_instance(instance);
            let client = if shared {
                let transport = zapi_client::Transport::builder()
                    .base_url(simulator.base_url())
                    .build()
                    .unwrap();
                let mut builder = transport.client(INSTANCE, TOKEN);
                if with_token {
                    builder = builder.client_token(CLIENT_TOKEN);
                }
                builder.build().unwrap()
            } else {
                let mut builder = Client::builder(INSTANCE, TOKEN).base_url(simulator.base_url());
                if with_token {
                    builder = builder.client_token(CLIENT_TOKEN);
                }
                builder.build().unwrap()
            };
            out.push((simulator, client));
        }
    }
    out
}

async fn check(client: &Client, phone: &str) -> Result<Availability, Error> {
    client
        .check_registration_availability()
        .body_map(|b| b.ddi("55").phone(phone))
        .send_checked()
        .await
}

async fn request(client: &Client, phone: &str) -> Result<CodeRequest, Error> {
    client
        .request_registration_code()
        .body_map(|b| b.ddi("55").phone(phone).method(RegistrationCodeMethod::Sms))
        .send_checked()
        .await
}

async fn confirm(client: &Client, code: &str) -> Result<Confirmation, Error> {
    client
        .confirm_registration_code()
        .body_map(|b| b.code(code))
        .send_checked()
        .await
}

#[tokio::test]
async fn the_plain_number_is_connected_with_the_code() {
    for (simulator, client) in clients().await {
        let Ok(Availability::Available(answer)) = check(&client, "4400000001").await else {
            panic!("available")
        };
        assert_eq!(
            answer.sms_wait_seconds.map(|w| w.duration().as_secs()),
            Some(0)
        );
        let Ok(CodeRequest::CodeRequested(sent)) = request(&client, "4400000001").await else {
            panic!("code requested")
        };
        // The simulator sends retryAfter as a string, as the newer pages show.
        assert_eq!(sent.retry_after.map(|r| r.duration().as_secs()), Some(120));
        assert_eq!(sent.method.map(|m| m.to_string()).as_deref(), Some("sms"));
        // Asking again before the wait is over is refused with why.
        let early = request(&client, "4400000001").await.unwrap_err();
        assert!(
            matches!(&early, Error::Unsuccessful { message: Some(m) } if m.contains("wait")),
            "{early:?}"
        );
        let wrong = confirm(&client, "000000").await.unwrap_err();
        assert!(matches!(wrong, Error::Unsuccessful { .. }), "{wrong:?}");
        assert!(matches!(
            confirm(&client, registration::CODE).await,
            Ok(Confirmation::Connected(_))
        ));
        assert_eq!(simulator.calls("confirm_registration_code"), 2);
    }
}

#[tokio::test]
async fn a_code_request_without_the_availability_check_is_refused() {
    for (_simulator, client) in clients().await {
        let error = request(&client, "4400000001").await.unwrap_err();
        assert!(matches!(error, Error::Unsuccessful { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn the_captcha_number_answers_an_image_then_sends_the_code() {
    for (_simulator, client) in clients().await {
        check(&client, registration::CAPTCHA_PHONE).await.unwrap();
        let Ok(CodeRequest::CaptchaRequired(answer)) =
            request(&client, registration::CAPTCHA_PHONE).await
        else {
            panic!("captcha")
        };
        let image = answer.captcha.expect("an image").decode().unwrap();
        assert_eq!(image.media_type, "image/png");
        assert_eq!(image.extension(), "png");
        let wrong = client
            .respond_captcha()
            .body_map(|b| b.captcha("nope"))
            .send_checked()
            .await
            .unwrap_err();
        assert!(matches!(wrong, Error::Unsuccessful { .. }), "{wrong:?}");
        client
            .respond_captcha()
            .body_map(|b| b.captcha(registration::CAPTCHA_TEXT))
            .send_checked()
            .await
            .unwrap();
        assert!(matches!(
            confirm(&client, registration::CODE).await,
            Ok(Confirmation::Connected(_))
        ));
    }
}

#[tokio::test]
async fn the_pin_number_asks_for_the_pin_and_confirm_security_code_completes_it() {
    for (_simulator, client) in clients().await {
        check(&client, registration::PIN_PHONE).await.unwrap();
        request(&client, registration::PIN_PHONE).await.unwrap();
        let outcome = confirm(&client, registration::CODE).await.unwrap();
        assert_eq!(outcome.name(), "security_code_required");
        assert!(matches!(outcome, Confirmation::SecurityCodeRequired(_)));
        client
            .confirm_security_code()
            .body_map(|b| b.code(registration::PIN))
            .send_checked()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_banned_number_gets_a_redacted_token_and_an_appeal_in_review() {
    for (_simulator, client) in clients().await {
        let outcome = check(&client, registration::BANNED_PHONE).await.unwrap();
        let printed = format!("{outcome:?}");
        assert!(!printed.contains(registration::APPEAL_TOKEN), "{printed}");
        let Availability::Banned(answer) = outcome else {
            panic!("banned")
        };
        let token = answer.appeal_token.expect("a token");
        assert_eq!(&*token, registration::APPEAL_TOKEN);
        let appeal = client
            .request_unbanning()
            .body_map(|b| {
                b.appeal_token(token.as_str())
                    .description("Fui banido por engano")
            })
            .send_checked()
            .await
            .unwrap();
        assert_eq!(appeal.status, Some(UnbanningStatus::InReview));
        assert!(!format!("{appeal:?}").contains(registration::APPEAL_TOKEN));
    }
}

#[tokio::test]
async fn a_number_blocked_at_the_code_request_is_banned_without_a_token() {
    for (_simulator, client) in clients().await {
        check(&client, registration::BLOCKED_AT_REQUEST_PHONE)
            .await
            .unwrap();
        let Ok(CodeRequest::Banned(answer)) =
            request(&client, registration::BLOCKED_AT_REQUEST_PHONE).await
        else {
            panic!("banned")
        };
        assert_eq!(answer.blocked, Some(true));
    }
}
