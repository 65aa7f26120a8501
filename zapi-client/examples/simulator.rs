//! Runs the Z-API simulator (`zapi_client::simulator`) until interrupted, and
//! prints its base URL and two instances' credentials: one whose Client-Token
//! is activated, one without (a new account's).
//!
//! ```sh
//! cargo run -p zapi-client --example simulator            # a free port
//! cargo run -p zapi-client --example simulator -- 8080    # this port
//! ```
//!
//! Then point any program at it, the examples included:
//! `ZAPI_BASE_URL=<url> ZAPI_INSTANCE=... ZAPI_TOKEN=... cargo run -p
//! zapi-client --example account_security`. The credentials are made up for
//! the simulator: printing them is the point.

use std::net::SocketAddr;

use zapi_client::simulator::{Instance, Simulator};

#[tokio::main]
async fn main() {
    let port = match std::env::args().nth(1).map(|arg| arg.parse::<u16>()) {
        None => 0,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("error: usage: simulator [port]");
            std::process::exit(1)
        }
    };
    let simulator = match Simulator::start_at(SocketAddr::from(([127, 0, 0, 1], port))).await {
        Ok(simulator) => simulator,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            std::process::exit(1)
        }
    };
    let with_client_token = ("sim-instance-1", "sim-token-1", "sim-client-token-1");
    let without_client_token = ("sim-instance-2", "sim-token-2");
    simulator.add_instance(
        Instance::new(with_client_token.0, with_client_token.1).client_token(with_client_token.2),
    );
    simulator.add_instance(Instance::new(
        without_client_token.0,
        without_client_token.1,
    ));

    println!("Z-API simulator at {}", simulator.base_url());
    println!(
        "ZAPI_BASE_URL={} ZAPI_INSTANCE={} ZAPI_TOKEN={} ZAPI_CLIENT_TOKEN={}",
        simulator.base_url(),
        with_client_token.0,
        with_client_token.1,
        with_client_token.2
    );
    println!(
        "ZAPI_BASE_URL={} ZAPI_INSTANCE={} ZAPI_TOKEN={}   (no Client-Token)",
        simulator.base_url(),
        without_client_token.0,
        without_client_token.1
    );
    println!("Ctrl-C stops it.");
    std::future::pending::<()>().await;
}
