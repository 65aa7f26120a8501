//! `cargo xtask bench`: every performance figure as a ratio against a
//! baseline measured in the same run (these machines are shared and noisy),
//! plus two absolute figures of many instances on one transport.
//!
//! - per_request, throughput, allocations: `cargo run --release -p
//!   zapi-client-bench` (xtask/bench-client: zapi-client with its default
//!   features, as a user builds it, vs the same request hand-written with
//!   reqwest).
//! - instance_bytes, instance_connections(_1ms, _10ms): the same bench
//!   binary (`FIGURE` lines): heap bytes per additional instance client, and
//!   connections opened for 10,000 instance clients making one call each, 64
//!   at a time, on loopback and over a simulated 1 ms and 10 ms round trip.
//! - instructions: callgrind instructions per request of the client thread,
//!   zapi-client / hand-written, from the same bench binary (`--only`), when
//!   valgrind is installed.
//! - consumer_build: cold debug builds of a crate calling zapi-client vs a
//!   floor crate making the same call with reqwest + serde + serde_json,
//!   fresh target directories, after `cargo fetch`, interleaved.
//! - codegen: wall time of `cargo xtask codegen` and `--check`, warm.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One measured figure: a ratio zapi-client / baseline (`RATIO` lines), or
/// an absolute count (`FIGURE` lines).
pub struct Figure {
    pub name: &'static str,
    pub value: f64,
    pub kind: Kind,
    pub detail: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ratio,
    Count,
}

/// Which way a target points.
#[derive(Clone, Copy)]
pub enum Target {
    AtMost(f64),
    AtLeast(f64),
}

impl Target {
    pub fn met(self, value: f64) -> bool {
        match self {
            Self::AtMost(limit) => value <= limit,
            Self::AtLeast(limit) => value >= limit,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AtMost(limit) => write!(f, "<= {limit}"),
            Self::AtLeast(limit) => write!(f, ">= {limit}"),
        }
    }
}

/// Every figure `cargo xtask bench` reports, in order, with its target.
pub const FIGURES: &[(&str, Kind, Target)] = &[
    ("instructions", Kind::Ratio, Target::AtMost(1.05)),
    ("per_request", Kind::Ratio, Target::AtMost(1.02)),
    ("throughput", Kind::Ratio, Target::AtLeast(0.97)),
    ("allocations", Kind::Ratio, Target::AtMost(1.05)),
    ("consumer_build", Kind::Ratio, Target::AtMost(0.75)),
    ("instance_bytes", Kind::Count, Target::AtMost(1024.0)),
    ("instance_connections", Kind::Count, Target::AtMost(64.0)),
    (
        "instance_connections_1ms",
        Kind::Count,
        Target::AtMost(64.0),
    ),
    (
        "instance_connections_10ms",
        Kind::Count,
        Target::AtMost(64.0),
    ),
];

/// The `&'static str` name and kind of a figure the bench binary printed.
fn known(name: &str, kind: Kind) -> Result<&'static str, String> {
    FIGURES
        .iter()
        .find(|(n, k, _)| *n == name && *k == kind)
        .map(|(n, _, _)| *n)
        .ok_or(format!("unknown figure {name}"))
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
    command
        .current_dir(root)
        .args(["run", "-q", "--release", "-p", BENCH_PACKAGE, "--"]);
    if quick {
        command.arg("--quick");
    }
    let output = run(&mut command)?;
    let mut figures = Vec::new();
    let mut report = String::new();
    for line in output.lines() {
        let parsed = [("RATIO ", Kind::Ratio), ("FIGURE ", Kind::Count)]
            .into_iter()
            .find_map(|(prefix, kind)| Some((line.strip_prefix(prefix)?.split_once(' ')?, kind)));
        match parsed {
            Some(((name, value), kind)) => figures.push(Figure {
                name: known(name, kind)?,
                value: value.parse().map_err(|e| format!("{line}: {e}"))?,
                kind,
                detail: String::new(),
            }),
            None => {
                report.push_str(line);
                report.push('\n');
            }
        }
    }
    Ok((figures, report))
}

/// The bench crate (xtask/bench-client): a workspace member of its own, so
/// zapi-client builds with its default features only, not with the
/// dev-dependencies' `mock` (httpmock, `tracing/log`) a bench target of
/// zapi-client would carry.
const BENCH_PACKAGE: &str = "zapi-client-bench";

/// The bench executable, built in release.
fn bench_executable(root: &Path) -> Result<PathBuf, String> {
    let output = run(cargo().current_dir(root).args([
        "build",
        "-q",
        "--release",
        "--message-format=json",
        "-p",
        BENCH_PACKAGE,
    ]))?;
    output
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact"
                && message["target"]["name"] == "bench-client"
                && message["target"]["kind"][0] == "bin"
        })
        .and_then(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or(format!(
            "cargo build -p {BENCH_PACKAGE} named no `bench-client` executable"
        ))
}

/// Whether `valgrind` runs.
pub fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Instructions the bench binary's main thread (the client: current-thread
/// runtime, so its connection tasks run there too) executes with
/// `--only <only> --requests <requests>`, under callgrind. Threads are
/// counted separately so the server's thread is left out.
fn callgrind_main_thread(
    executable: &Path,
    scratch: &Path,
    only: &str,
    requests: u64,
) -> Result<u64, String> {
    let out = scratch.join(format!("callgrind.out.{only}.{requests}"));
    for entry in std::fs::read_dir(scratch).map_err(|e| format!("{}: {e}", scratch.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.to_string_lossy().starts_with(&*out.to_string_lossy()) {
            let _ = std::fs::remove_file(path);
        }
    }
    run(Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--separate-threads=yes")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(executable)
        .args(["--only", only, "--requests", &requests.to_string()]))?;
    // With --separate-threads, thread 1 (the main thread) writes `<out>-01`.
    let main_thread = PathBuf::from(format!("{}-01", out.display()));
    let text = std::fs::read_to_string(&main_thread)
        .map_err(|e| format!("{}: {e}", main_thread.display()))?;
    text.lines()
        .find_map(|line| {
            let rest = line
                .strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .ok_or(format!("{}: no totals line", main_thread.display()))
}

/// Requests of the two `--only` runs per side; their difference cancels
/// start-up and the first request's one-time costs (connection, lazy
/// initialisation).
const CALLGRIND_REQUESTS: (u64, u64) = (500, 3_000);

/// `RATIO instructions`: callgrind instructions per request of the client
/// thread, zapi-client / hand-written, each side's per-request count being
/// `(I(3,000 requests) - I(500 requests)) / 2,500`.
pub fn instructions(root: &Path) -> Result<Figure, String> {
    let executable = bench_executable(root)?;
    let scratch = root.join("target/bench-callgrind");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let (few, many) = CALLGRIND_REQUESTS;
    let mut per_request = Vec::new();
    for only in ["zapi", "hand"] {
        let low = callgrind_main_thread(&executable, &scratch, only, few)?;
        let high = callgrind_main_thread(&executable, &scratch, only, many)?;
        per_request.push(high.saturating_sub(low) as f64 / (many - few) as f64);
    }
    let (zapi, hand) = (per_request[0], per_request[1]);
    Ok(Figure {
        name: "instructions",
        value: zapi / hand,
        kind: Kind::Ratio,
        detail: format!(
            "callgrind, client thread, per request ({many} minus {few} requests): zapi-client {zapi:.0}, hand-written reqwest {hand:.0}"
        ),
    })
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
        value: zapi.as_secs_f64() / hand.as_secs_f64(),
        kind: Kind::Ratio,
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
