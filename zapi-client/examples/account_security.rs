//! The WhatsApp account's security settings: its email and its two-step PIN.
//!
//! ```sh
//! cargo run -p zapi-client --example account_security               # status
//! cargo run -p zapi-client --example account_security -- set-pin    # PIN on stdin
//! cargo run -p zapi-client --example account_security -- remove-pin
//! cargo run -p zapi-client --example account_security -- forgot-pin # reset link by email
//! cargo run -p zapi-client --example account_security -- set-email someone@example.com
//! cargo run -p zapi-client --example account_security -- remove-email
//! ```
//!
//! Same environment as the other examples: ZAPI_INSTANCE and ZAPI_TOKEN (and
//! ZAPI_CLIENT_TOKEN once activated) call Z-API; none of them runs against
//! the embedded Z-API simulator. The PIN is read from standard input, never from the
//! command line (where other users' `ps` would see it), and never printed.
//! Each command ends with the account's status.

#[path = "support/mod.rs"]
mod support;

use support::{client_from_env, fail};
use tokio::io::{AsyncBufReadExt, BufReader};
use zapi_client::Client;

const USAGE: &str = "usage: account_security [status | set-pin | remove-pin | forgot-pin | set-email <address> | remove-email]";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (client, _target) = client_from_env().await.unwrap_or_else(|e| fail(e));
    match args.as_slice() {
        [] | ["status"] => {}
        ["set-pin"] => {
            let pin = read_line("Enter the new PIN (6 or more digits):").await;
            client
                .set_security_code()
                .body_map(|body| body.code(pin))
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
            println!("PIN set.");
        }
        ["remove-pin"] => {
            client
                .remove_security_code()
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
            println!("PIN removed.");
        }
        ["forgot-pin"] => {
            client
                .forgot_security_code()
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
            println!("WhatsApp is emailing a PIN reset link to the account's address.");
        }
        ["set-email", address] => {
            let answer = client
                .set_account_email()
                .body_map(|body| body.email(*address))
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
            match answer.message.as_deref() {
                Some("VERIFY_EMAIL") => println!(
                    "Email registered; verify it with the emailed code (see the email_flow example)."
                ),
                _ => println!("Email registered."),
            }
        }
        ["remove-email"] => {
            client
                .remove_account_email()
                .send_checked()
                .await
                .unwrap_or_else(|e| fail(e));
            println!("Email removed.");
        }
        _ => fail(USAGE),
    }
    print_status(&client).await;
}

/// The account's email and PIN status; the PIN itself is never readable.
async fn print_status(client: &Client) {
    let email = client
        .get_account_email()
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    let pin = client
        .get_has_security_code()
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    match (email.has_email, email.email.as_deref()) {
        (true, Some(address)) => println!(
            "Email: {address} ({})",
            if email.verified == Some(true) {
                "verified"
            } else {
                "not verified"
            }
        ),
        (true, None) => println!("Email: set"),
        (false, _) => println!("Email: none"),
    }
    println!("Two-step PIN: {}", if pin.has_code { "on" } else { "off" });
}

/// One line from standard input, without its line break.
async fn read_line(prompt: &str) -> String {
    println!("{prompt}");
    let mut line = String::new();
    BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .unwrap_or_else(|e| fail(format!("cannot read standard input: {e}")));
    line.trim_end_matches(['\r', '\n']).to_owned()
}
