//! Registers an email on the WhatsApp account of a Z-API instance.
//!
//! ```sh
//! cargo run -p zapi-client --example set_account_email -- someone@example.com
//! ```
//!
//! With ZAPI_INSTANCE, ZAPI_TOKEN and ZAPI_CLIENT_TOKEN set it calls Z-API
//! (ZAPI_BASE_URL overrides the base URL); with none of them set it runs
//! against the embedded Z-API simulator. Exits 0 on success, 1 with a one-line
//! reason otherwise. Never prints a credential.

#[path = "support/mod.rs"]
mod support;

use support::{client_from_env, fail};

#[tokio::main]
async fn main() {
    let Some(email) = std::env::args().nth(1) else {
        fail("usage: set_account_email <email>");
    };
    let (client, _target) = client_from_env().await.unwrap_or_else(|e| fail(e));

    println!("Registering {email} on the WhatsApp account...");
    let answer = client
        .set_account_email()
        .body_map(|body| body.email(email.as_str()))
        .send_checked()
        .await
        .unwrap_or_else(|e| fail(e));
    match answer.message.as_deref() {
        Some("VERIFY_EMAIL") => println!(
            "Done: a verification code was emailed to {email} (VERIFY_EMAIL); finish with verify_account_email."
        ),
        Some(message) => println!("Done: the server says {message}."),
        None => println!("Done."),
    }
}
