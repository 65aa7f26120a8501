//! The whole account-email flow: set, verify with the emailed code, get,
//! remove.
//!
//! ```sh
//! cargo run -p zapi-client --example email_flow -- someone@example.com
//! ```
//!
//! Same environment as the `set_account_email` example. Against Z-API it asks
//! for the code on standard input; against the embedded simulator it reads the
//! simulator's "inbox".

#[path = "support/mod.rs"]
mod support;

use support::{client_from_env, fail};
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::main]
async fn main() {
    let Some(email) = std::env::args().nth(1) else {
        fail("usage: email_flow <email>");
    };
    let (client, target) = client_from_env().await.unwrap_or_else(|e| fail(e));

    println!("1. Registering {email}...");
    let set = client
        .set_account_email()
        .body_map(|body| body.email(email.as_str()))
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    println!(
        "   Z-API answered {}.",
        set.message.as_deref().unwrap_or("success")
    );

    let code = match target.mock_inbox_code() {
        Some(code) => {
            println!("2. The simulator emailed code {code}; verifying...");
            code
        }
        None => {
            println!("2. Enter the code Z-API emailed to {email}:");
            let mut line = String::new();
            BufReader::new(tokio::io::stdin())
                .read_line(&mut line)
                .await
                .unwrap_or_else(|e| fail(format!("cannot read the code: {e}")));
            line.trim().to_owned()
        }
    };
    client
        .verify_account_email()
        .body_map(|body| body.verification_code(code.as_str()))
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    println!("   Verified.");

    let account = client
        .get_account_email()
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    println!(
        "3. The account's email: {} (verified: {}).",
        account.email.as_deref().unwrap_or("none"),
        account.verified.unwrap_or(false)
    );

    client
        .remove_account_email()
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    let after = client
        .get_account_email()
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    println!("4. Removed; the account has an email: {}.", after.has_email);
}
