//! `cargo xtask bench`: every performance figure as a ratio against a
//! baseline measured in the same run (these machines are shared and noisy).
//!
//! - per_request, throughput, allocations: `cargo bench -p zapi-client --bench
//!   client` (zapi-client vs the same request hand-written with reqwest).
//! - consumer_build: cold debug builds of a crate calling zapi-client vs a
//!   floor crate making the same call with reqwest + serde + serde_json,
//!   fresh target directories, after `cargo fetch`, interleaved.
//! - codegen: wall time of `cargo xtask codegen` and `--check`, warm.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One measured figure.
pub struct Figure {
    pub name: &'static str,
    pub ratio: f64,
    pub detail: String,
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Runs the in-process client benchmark; its RATIO lines and report.
pub fn client_bench(root: &Path, quick: bool) -> Result<(Vec<Figure>, String), String> {
    let mut command = cargo();
    command.current_dir(root).args([
        "bench",
        "-q",
        "-p",
        "zapi-client",
        "--bench",
        "client",
        "--",
    ]);
    if quick {
        command.arg("--quick");
    }
    let output = run(&mut command)?;
    let mut figures = Vec::new();
    let mut report = String::new();
    for line in output.lines() {
        match line.strip_prefix("RATIO ").and_then(|r| r.split_once(' ')) {
            Some((name, ratio)) => {
                let name = match name {
                    "per_request" => "per_request",
                    "throughput" => "throughput",
                    "allocations" => "allocations",
                    other => return Err(format!("unknown ratio {other}")),
                };
                let ratio = ratio.parse().map_err(|e| format!("{line}: {e}"))?;
                figures.push(Figure {
                    name,
                    ratio,
                    detail: String::new(),
                });
            }
            None => {
                report.push_str(line);
                report.push('\n');
            }
        }
    }
    Ok((figures, report))
}

const CONSUMER_MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = zapi_client::Client::builder("instance", "token")
        .client_token("client-token")
        .build()
        .expect("client");
    let answer = client
        .set_account_email()
        .body_map(|body| body.email("someone@example.com"))
        .send_checked()
        .await;
    println!("{}", answer.is_ok());
}
"#;

const FLOOR_MAIN: &str = r#"#[derive(serde::Serialize)]
struct Body<'a> {
    email: &'a str,
}

#[derive(serde::Deserialize)]
struct Answer {
    success: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = reqwest::Client::builder().build().expect("client");
    let answer = client
        .post("https://api.z-api.io/instances/instance/token/token/security/email")
        .header("client-token", "client-token")
        .json(&Body { email: "someone@example.com" })
        .send()
        .await;
    let success = match answer {
        Ok(response) => response.json::<Answer>().await.map(|a| a.success).unwrap_or(false),
        Err(_) => false,
    };
    println!("{}", serde_json::to_string(&success).unwrap());
}
"#;

fn write_crate(dir: &Path, dependencies: &str, main: &str) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{dependencies}",
        dir.file_name().unwrap().to_string_lossy()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(io)
}

/// Cold debug build of `dir` in a fresh target directory.
fn cold_build(dir: &Path, target: &Path) -> Result<Duration, String> {
    let _ = std::fs::remove_dir_all(target);
    let started = Instant::now();
    run(cargo()
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "-q", "--offline"]))?;
    Ok(started.elapsed())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// A crate depending on zapi-client (default features) vs the hand-written floor.
pub fn consumer_build(root: &Path, rounds: usize) -> Result<Figure, String> {
    let scratch = root.join("target/bench-consumer-build");
    let consumer = scratch.join("zapi-consumer");
    let floor = scratch.join("reqwest-floor");
    let tokio = "tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n";
    write_crate(
        &consumer,
        &format!(
            "zapi-client = {{ path = {:?} }}\n{tokio}",
            root.join("zapi-client").display().to_string()
        ),
        CONSUMER_MAIN,
    )?;
    write_crate(
        &floor,
        &format!(
            "reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"rustls\"] }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{tokio}"
        ),
        FLOOR_MAIN,
    )?;
    for dir in [&consumer, &floor] {
        run(cargo().current_dir(dir).arg("fetch"))?;
    }
    let (mut zapi, mut hand) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which goes first.
        for zapi_turn in [round % 2 == 0, round % 2 == 1] {
            if zapi_turn {
                zapi.push(cold_build(&consumer, &scratch.join("target-zapi"))?);
            } else {
                hand.push(cold_build(&floor, &scratch.join("target-floor"))?);
            }
        }
    }
    let (zapi, hand) = (median(zapi), median(hand));
    Ok(Figure {
        name: "consumer_build",
        ratio: zapi.as_secs_f64() / hand.as_secs_f64(),
        detail: format!(
            "cold debug build, median of {rounds}: zapi-client consumer {:.1} s, reqwest floor {:.1} s",
            zapi.as_secs_f64(),
            hand.as_secs_f64()
        ),
    })
}

/// Warm wall time of `cargo xtask codegen` and `cargo xtask codegen --check`.
pub fn codegen_times(root: &Path) -> Result<(Duration, Duration), String> {
    let time = |args: &[&str]| -> Result<Duration, String> {
        let mut samples = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            run(cargo().current_dir(root).args(["xtask"]).args(args))?;
            samples.push(started.elapsed());
        }
        Ok(median(samples))
    };
    // The first run builds xtask if needed; not counted.
    time(&["codegen", "--check"])?;
    Ok((time(&["codegen"])?, time(&["codegen", "--check"])?))
}
