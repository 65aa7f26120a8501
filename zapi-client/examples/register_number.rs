//! Registers a WhatsApp number on a mobile instance: availability, code
//! request, captcha (when Z-API asks), code confirmation, PIN (when the
//! account has one); a banned number can file an appeal instead.
//!
//! ```sh
//! cargo run -p zapi-client --example register_number -- 55 4499999999
//! cargo run -p zapi-client --example register_number -- 55 4499999999 --method voice
//! cargo run -p zapi-client --example register_number -- --help
//! ```
//!
//! Same environment as the other examples: ZAPI_INSTANCE and ZAPI_TOKEN (and
//! ZAPI_CLIENT_TOKEN once activated) call Z-API; none of them runs against
//! the embedded simulator, and then the example prints the code, captcha text
//! and PIN the simulator expects and its test numbers. The code, the captcha
//! text, the PIN and the appeal's description are read from standard input,
//! one line each, when asked; the code, the PIN and the appeal token are
//! never printed. Exit 0 when the number is registered or its appeal is
//! filed, 1 with a one-line reason otherwise.

#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;

use support::{Target, client_from_env, fail};
use tokio::io::{AsyncBufReadExt, BufReader, Lines, Stdin};
use zapi_client::Client;
use zapi_client::simulator::registration;
use zapi_client::types::{
    AppealToken, CheckRegistrationAvailabilityOutcome as Availability,
    CheckRegistrationAvailabilityResponse, ConfirmRegistrationCodeOutcome as Confirmation,
    RegistrationCodeMethod, RequestRegistrationCodeOutcome as CodeRequest, WaitSeconds,
};

const USAGE: &str = "usage: register_number <ddi> <phone> [--method sms|voice|wa_old]";

const HELP: &str = "\
Registers a WhatsApp number on a Z-API mobile instance.

  <ddi>      the country calling code, digits only: 55, not +55
  <phone>    the national number, digits only: 4499999999, not (44) 99999-9999
  --method   how WhatsApp sends the code: sms (default), voice or wa_old

Standard input: the code, and when Z-API asks, the captcha's text (its image is
saved to a file), the two-step PIN, or an appeal's description (a banned number).
Environment: ZAPI_INSTANCE, ZAPI_TOKEN (ZAPI_CLIENT_TOKEN, ZAPI_BASE_URL) to call
Z-API; none of them to run against the embedded simulator.";

struct Args {
    ddi: String,
    phone: String,
    method: RegistrationCodeMethod,
}

#[tokio::main]
async fn main() {
    let args = parse_args(std::env::args().skip(1).collect());
    let (client, target) = client_from_env().await.unwrap_or_else(|e| fail(e));
    if let Target::Mock(_) = target {
        print_simulator_expectations();
    }
    let mut input = BufReader::new(tokio::io::stdin()).lines();

    println!(
        "1. Checking whether {} {} can be registered...",
        args.ddi, args.phone
    );
    let available = match client
        .check_registration_availability()
        .body_map(|b| b.ddi(args.ddi.as_str()).phone(args.phone.as_str()))
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e))
    {
        Availability::Available(answer) => answer,
        Availability::Banned(answer) => {
            return appeal(&client, answer.appeal_token, &mut input).await;
        }
        other => fail(format!("unexpected availability answer: {}", other.name())),
    };
    check_wait(&available, &args.method);

    println!("2. Requesting the code by {}...", args.method);
    let requested = client
        .request_registration_code()
        .body_map(|b| {
            b.ddi(args.ddi.as_str())
                .phone(args.phone.as_str())
                .method(args.method)
        })
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    match requested {
        CodeRequest::CodeRequested(answer) => {
            let method = answer
                .method
                .map_or(args.method.to_string(), |m| m.to_string());
            println!("   The code is on its way by {method}.");
            if let Some(retry_after) = answer.retry_after {
                println!(
                    "   If it does not arrive, Z-API allows another request in {} s (retryAfter).",
                    retry_after.duration().as_secs()
                );
            }
        }
        CodeRequest::CaptchaRequired(answer) => {
            let Some(image) = answer.captcha else {
                fail("Z-API asked for a captcha without an image")
            };
            let image = image
                .decode()
                .unwrap_or_else(|e| fail(format!("the captcha image does not decode: {e}")));
            let file = captcha_file(&args, image.extension());
            std::fs::write(&file, &image.bytes).unwrap_or_else(|e| {
                fail(format!(
                    "cannot save the captcha to {}: {e}",
                    file.display()
                ))
            });
            println!(
                "   Z-API asks for a captcha: its image ({}) is saved at {}",
                image.media_type,
                file.display()
            );
            let text = read_line(&mut input, "   Type the captcha's text:").await;
            client
                .respond_captcha()
                .body_map(|b| b.captcha(text.trim()))
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
            println!(
                "   Captcha accepted; the code is on its way by {}.",
                args.method
            );
        }
        CodeRequest::Banned(_) => fail(
            "the number is banned (code request answered blocked); run again for the appeal if Z-API offers one",
        ),
        other => fail(format!("unexpected code request answer: {}", other.name())),
    }

    // The code and the PIN are secrets: read, sent, never echoed.
    let code = read_line(&mut input, "3. Enter the code WhatsApp sent:").await;
    let confirmed = client
        .confirm_registration_code()
        .body_map(|b| b.code(code.trim()))
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    match confirmed {
        Confirmation::Connected(_) => {}
        Confirmation::SecurityCodeRequired(_) => {
            let pin = read_line(
                &mut input,
                "4. The account has a two-step verification PIN; enter it:",
            )
            .await;
            client
                .confirm_security_code()
                .body_map(|b| b.code(pin.trim()))
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
        }
        other => fail(format!("unexpected confirmation answer: {}", other.name())),
    }
    println!(
        "Registered: {} {} is connected to the instance.",
        args.ddi, args.phone
    );
}

/// `<ddi> <phone> [--method m]` in any order of the option; `--help` anywhere.
fn parse_args(args: Vec<String>) -> Args {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}\n\n{HELP}");
        std::process::exit(0);
    }
    let mut positional = Vec::new();
    let mut method = RegistrationCodeMethod::Sms;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--method" {
            let Some(value) = args.next() else {
                fail(format!("--method needs a value; {USAGE}"))
            };
            method = value.parse().unwrap_or_else(|_| {
                fail(format!(
                    "--method must be sms, voice or wa_old, not {value:?}"
                ))
            });
        } else if arg.starts_with("--") {
            fail(format!("unknown option {arg}; {USAGE}"));
        } else {
            positional.push(arg);
        }
    }
    // ddi and phone are checked by the client itself (InvalidInput, nothing sent).
    match <[String; 2]>::try_from(positional) {
        Ok([ddi, phone]) => Args { ddi, phone, method },
        Err(_) => fail(USAGE),
    }
}

/// Z-API gives a wait per method: a code requested before it is over is
/// refused, so say how long and stop.
fn check_wait(answer: &CheckRegistrationAvailabilityResponse, method: &RegistrationCodeMethod) {
    let seconds = |wait: &Option<WaitSeconds>| wait.as_ref().map_or(0, |w| w.duration().as_secs());
    let waits = [
        (
            RegistrationCodeMethod::Sms,
            seconds(&answer.sms_wait_seconds),
        ),
        (
            RegistrationCodeMethod::Voice,
            seconds(&answer.voice_wait_seconds),
        ),
        (
            RegistrationCodeMethod::WaOld,
            seconds(&answer.wa_old_wait_seconds),
        ),
    ];
    let listed: Vec<String> = waits.iter().map(|(m, s)| format!("{m} {s} s")).collect();
    println!("   Available. Wait before a code: {}.", listed.join(", "));
    if *method == RegistrationCodeMethod::WaOld && answer.wa_old_eligible == Some(false) {
        fail(
            "the number cannot get the code by wa_old (waOldEligible is false): use --method sms or voice",
        );
    }
    if let Some((_, left)) = waits.iter().find(|(m, s)| m == method && *s > 0) {
        fail(format!(
            "Z-API asks to wait {left} s before another code by {method}: run again then, or use another --method"
        ));
    }
}

/// A banned number: offers the appeal, with a description from stdin.
async fn appeal(client: &Client, token: Option<AppealToken>, input: &mut Lines<BufReader<Stdin>>) {
    let Some(token) = token else {
        fail("the number is banned and Z-API gave no appeal token")
    };
    println!("   The number is banned. Z-API accepts an appeal to WhatsApp's reviewers.");
    let description = read_line(
        input,
        "   Describe why the ban is a mistake (one line; an empty line files no appeal):",
    )
    .await;
    if description.trim().is_empty() {
        fail("the number is banned; no appeal filed");
    }
    let filed = client
        .request_unbanning()
        .body_map(|b| b.appeal_token(token).description(description.trim()))
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    match filed.status {
        Some(status) => println!("Appeal filed: status {status}."),
        None => println!("Appeal filed."),
    }
}

/// Where the captcha image goes: the temporary directory, never the
/// current one (a repository checkout, say).
fn captcha_file(args: &Args, extension: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "zapi-captcha-{}{}.{extension}",
        args.ddi, args.phone
    ))
}

/// What the embedded simulator expects: its public test values, not secrets.
fn print_simulator_expectations() {
    println!(
        "The simulator expects the code {}, the captcha text {} and the PIN {}.",
        registration::CODE,
        registration::CAPTCHA_TEXT,
        registration::PIN
    );
    println!(
        "Its test numbers (any DDI): {} asks for a captcha, {} has a PIN, {} is banned (appeal), {} is banned at the code request; any other is registered with the code.",
        registration::CAPTCHA_PHONE,
        registration::PIN_PHONE,
        registration::BANNED_PHONE,
        registration::BLOCKED_AT_REQUEST_PHONE
    );
}

/// One line of standard input, without its line break; its end is a failure.
async fn read_line(input: &mut Lines<BufReader<Stdin>>, prompt: &str) -> String {
    println!("{prompt}");
    match input.next_line().await {
        Ok(Some(line)) => line,
        Ok(None) => fail("standard input ended before the answer"),
        Err(e) => fail(format!("cannot read standard input: {e}")),
    }
}
