//! zapi-client against the same request written by hand with reqwest, side by
//! side in one process: per-request latency, throughput and allocations; and
//! what many instances on one `Transport` cost (heap bytes per client,
//! connections). Run through `cargo xtask bench`, which also measures build
//! times and instructions (callgrind); prints `RATIO <name> <x>` and
//! `FIGURE <name> <n>` lines for it.
//!
//! Both clients talk to one keep-alive HTTP/1.1 server on 127.0.0.1, run on
//! its own thread and runtime so its work and allocations are not counted.
//! The connection figures also run over a simulated network with a
//! round-trip time (see [`Network`]).
//!
//! A crate of its own so zapi-client is built as a user builds it: default
//! features, none of the workspace's test features.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const EMAIL: &str = "someone@example.com";
const ANSWER: &str = r#"{"success":true,"message":"VERIFY_EMAIL"}"#;
const INSTANCE: &str = "3C0FFEE1A2B3C4D5E6F7";
const TOKEN: &str = "F00DBABE0123456789ABCDEF";
const CLIENT_TOKEN: &str = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S";

// ------------------------------------------------------------- allocations

/// Counts allocations made on threads that opted in (the client's thread),
/// and, while `BYTES_ON` is set, the live heap bytes of the whole process
/// (`Layout::size()` of what is allocated minus what is freed; the
/// allocator's own overhead is not included).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES_ON: AtomicBool = AtomicBool::new(false);
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);
thread_local!(static COUNTING: Cell<bool> = const { Cell::new(false) });

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        let ptr = unsafe { System.alloc(layout) };
        if BYTES_ON.load(Ordering::Relaxed) && !ptr.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if BYTES_ON.load(Ordering::Relaxed) {
            LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if BYTES_ON.load(Ordering::Relaxed) && !new.is_null() {
            LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// ------------------------------------------------------------------ server

/// The server: its base URL and how many connections it has accepted.
struct Server {
    url: String,
    accepted: Arc<AtomicU64>,
}

/// What the client and the server are apart: a round-trip time (RTT), zero
/// for plain loopback.
///
/// - Each answer is written one RTT after its request was read (the request
///   travels half of it, the answer the other half): by the server.
/// - Each new connection takes one RTT before it can carry a request (TCP's
///   handshake; a TLS handshake would add one more): by the client's
///   resolver, which answers one RTT late. The server cannot delay it: on
///   loopback the kernel completes the handshake before `accept` returns.
///   The resolver runs once per new connection (hyper resolves on every
///   connect), so a connection started to race a pooled one is delayed too.
#[derive(Clone, Copy)]
struct Network {
    rtt: Duration,
}

/// A resolver for `localhost` that answers 127.0.0.1 one RTT late.
struct SlowResolver {
    rtt: Duration,
}

impl reqwest::dns::Resolve for SlowResolver {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let rtt = self.rtt;
        Box::pin(async move {
            tokio::time::sleep(rtt).await;
            // Port 0: reqwest uses the URL's port.
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            Ok(Box::new(std::iter::once(addr)) as reqwest::dns::Addrs)
        })
    }
}

impl Network {
    const LOOPBACK: Network = Network {
        rtt: Duration::ZERO,
    };

    /// A transport to `server` over this network. Plain loopback: the IP
    /// address, no resolver at all.
    fn transport(self, server: &Server) -> zapi_client::Transport {
        let builder = zapi_client::Transport::builder();
        if self.rtt.is_zero() {
            return builder.base_url(&server.url).build().unwrap();
        }
        let resolver = Arc::new(SlowResolver { rtt: self.rtt });
        builder
            .base_url(server.url.replace("127.0.0.1", "localhost"))
            .configure_reqwest(move |b| b.dns_resolver(resolver.clone()))
            .build()
            .unwrap()
    }
}

/// Starts the server on its own thread.
fn start_server() -> Server {
    start_server_over(Network::LOOPBACK)
}

/// Starts the server on its own thread, answering over `network`.
fn start_server_over(network: Network) -> Server {
    let accepted = Arc::new(AtomicU64::new(0));
    let counter = accepted.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                stream.set_nodelay(true).unwrap();
                tokio::spawn(serve(stream, network.rtt));
            }
        });
    });
    Server {
        url: format!("http://127.0.0.1:{}", rx.recv().unwrap()),
        accepted,
    }
}

async fn serve(mut stream: tokio::net::TcpStream, rtt: Duration) {
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ANSWER}",
        ANSWER.len()
    );
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // One request: head, then Content-Length bytes of body.
        let request_len = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut request = httparse::Request::new(&mut headers);
            if let Ok(httparse::Status::Complete(head)) = request.parse(&buffer) {
                let body = request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.parse::<usize>().ok())
                    .unwrap_or(0);
                if buffer.len() >= head + body {
                    break head + body;
                }
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..request_len);
        if !rtt.is_zero() {
            tokio::time::sleep(rtt).await;
        }
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

// ----------------------------------------------------------------- clients

/// The two clients, built with identical reqwest settings.
struct Clients {
    zapi: zapi_client::Client,
    hand: reqwest::Client,
    hand_url: String,
}

fn clients(base_url: &str) -> Clients {
    let zapi = zapi_client::Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(base_url)
        .build()
        .unwrap();
    // What zapi-client's builder sets.
    let hand = reqwest::Client::builder()
        .user_agent(zapi_client::USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(zapi_client::DEFAULT_TIMEOUT)
        .connect_timeout(zapi_client::DEFAULT_CONNECT_TIMEOUT)
        .tls_backend_preconfigured(
            rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth(),
        )
        .build()
        .unwrap();
    Clients {
        zapi,
        hand,
        hand_url: format!("{base_url}/instances/{INSTANCE}/token/{TOKEN}/security/email"),
    }
}

#[derive(serde::Deserialize)]
struct Answer {
    success: bool,
    #[allow(dead_code)]
    message: Option<String>,
}

#[derive(serde::Serialize)]
struct Body<'a> {
    email: &'a str,
}

/// The measured call: `set_account_email` through `send_checked`.
async fn zapi_call(client: &zapi_client::Client) {
    let answer = client
        .set_account_email()
        .body_map(|b| b.email(EMAIL))
        .send_checked()
        .await
        .expect("zapi-client call");
    assert_eq!(answer.message.as_deref(), Some("VERIFY_EMAIL"));
}

impl Clients {
    async fn zapi_call(&self) {
        zapi_call(&self.zapi).await
    }

    /// The same request by hand: URL with credentials, Client-Token, JSON body,
    /// the answer decoded and its success checked.
    async fn hand_call(&self) {
        let answer: Answer = self
            .hand
            .post(&self.hand_url)
            .header("client-token", CLIENT_TOKEN)
            .header("accept", "application/json")
            .json(&Body { email: EMAIL })
            .send()
            .await
            .expect("hand-written call")
            .error_for_status()
            .expect("200")
            .json()
            .await
            .expect("JSON answer");
        assert!(answer.success);
    }
}

// ------------------------------------------------------------- measurements

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Sequential requests, interleaved in rounds: median latency of each client.
async fn per_request(clients: &Clients, rounds: usize, per_round: usize) -> (Duration, Duration) {
    let (mut zapi, mut hand) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which client goes first, so neither always follows the other.
        for zapi_turn in [round % 2 == 0, round % 2 == 1] {
            for _ in 0..per_round {
                let started = Instant::now();
                if zapi_turn {
                    clients.zapi_call().await;
                    zapi.push(started.elapsed());
                } else {
                    clients.hand_call().await;
                    hand.push(started.elapsed());
                }
            }
        }
    }
    (median(zapi), median(hand))
}

/// `total` requests from 64 tasks; requests per second.
async fn throughput(clients: &std::sync::Arc<Clients>, zapi: bool, total: usize) -> f64 {
    const TASKS: usize = 64;
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let clients = clients.clone();
        set.spawn(async move {
            for _ in (task..total).step_by(TASKS) {
                if zapi {
                    clients.zapi_call().await;
                } else {
                    clients.hand_call().await;
                }
            }
        });
    }
    while let Some(joined) = set.join_next().await {
        joined.expect("no request may fail");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// Allocations per request on the client's thread.
async fn allocations(clients: &Clients, zapi: bool, requests: u64) -> f64 {
    // Warm the connection first; count only steady-state requests.
    if zapi {
        clients.zapi_call().await
    } else {
        clients.hand_call().await
    }
    ALLOCATIONS.store(0, Ordering::SeqCst);
    COUNTING.with(|c| c.set(true));
    for _ in 0..requests {
        if zapi {
            clients.zapi_call().await
        } else {
            clients.hand_call().await
        }
    }
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.load(Ordering::SeqCst) as f64 / requests as f64
}

// ---------------------------------------------------------- many instances

/// How many instance clients the two instance figures make.
const INSTANCES: usize = 10_000;

/// Distinct, realistic credentials for instance `i`: a 20-character instance
/// id and a 24-character token (upper-case hex, as Z-API's), a 32-character
/// Client-Token.
fn instance_credentials(i: usize) -> (String, String, String) {
    // splitmix64: a stream of well-mixed values from the index.
    let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut text = |len: usize, alphabet: &[u8]| -> String {
        (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
            .collect()
    };
    let hex = b"0123456789ABCDEF";
    let alnum = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (text(20, hex), text(24, hex), text(32, alnum))
}

fn instance_client(
    transport: &zapi_client::Transport,
    (instance, token, client_token): &(String, String, String),
) -> zapi_client::Client {
    transport
        .client(instance.as_str(), token.as_str())
        .client_token(client_token.as_str())
        .build()
        .unwrap()
}

/// Heap bytes per additional instance client: live bytes after making
/// `INSTANCES` clients from one transport minus before, divided by
/// `INSTANCES`, rounded up. The credentials (the caller's strings) and the
/// `Vec` holding the clients (reserved beforehand, so `size_of::<Client>()`
/// per client is not counted, nor is any growth) exist before the first
/// reading. Run while no other thread allocates.
fn instance_bytes() -> u64 {
    let transport = zapi_client::Transport::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let credentials: Vec<_> = (0..INSTANCES).map(instance_credentials).collect();
    let mut clients = Vec::with_capacity(INSTANCES);
    // One client first: any lazy one-time set-up is not per instance.
    drop(instance_client(&transport, &credentials[0]));
    BYTES_ON.store(true, Ordering::SeqCst);
    let before = LIVE_BYTES.load(Ordering::SeqCst);
    for credentials in &credentials {
        clients.push(instance_client(&transport, credentials));
    }
    let after = LIVE_BYTES.load(Ordering::SeqCst);
    BYTES_ON.store(false, Ordering::SeqCst);
    assert_eq!(clients.capacity(), INSTANCES, "the Vec must not grow");
    drop(clients);
    u64::try_from(after - before)
        .unwrap()
        .div_ceil(INSTANCES as u64)
}

/// Connections a server accepts while `INSTANCES` clients of one transport
/// each make one `set_account_email` call, 64 at a time (64 tasks pulling
/// the next client from a shared counter) on a two-thread runtime, over
/// `network`. Racy (a connection back in the pool a moment too late makes
/// hyper open another), so the median of three trials, each with a new
/// transport and server, and all three.
fn instance_connections(network: Network) -> (u64, [u64; 3]) {
    let mut trials = [0; 3];
    for trial in &mut trials {
        *trial = instance_connections_trial(network);
    }
    let mut sorted = trials;
    sorted.sort_unstable();
    (sorted[1], trials)
}

fn instance_connections_trial(network: Network) -> u64 {
    const TASKS: usize = 64;
    let server = start_server_over(network);
    let transport = network.transport(&server);
    let clients: Arc<Vec<_>> = Arc::new(
        (0..INSTANCES)
            .map(|i| instance_client(&transport, &instance_credentials(i)))
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..TASKS {
            let (clients, next) = (clients.clone(), next.clone());
            set.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(client) = clients.get(i) else { break };
                    zapi_call(client).await;
                }
            });
        }
        while let Some(joined) = set.join_next().await {
            joined.expect("no request may fail");
        }
    });
    server.accepted.load(Ordering::SeqCst)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `--only zapi|hand|none [--requests N]`: N (default 3,000) sequential
    // requests of one client and nothing else, to profile it (valgrind
    // --tool=callgrind counts instructions); `none` starts the server, the
    // runtime and both clients and makes no request (the fixed cost).
    // `--only connections`: the instance_connections figures alone.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    if only.is_some_and(|only| only == "connections") {
        for (suffix, rtt) in CONNECTION_NETWORKS {
            let (median, trials) = instance_connections(Network { rtt });
            println!("trials {trials:?}");
            println!("FIGURE instance_connections{suffix} {median}");
        }
        return;
    }
    if let Some(only) = only {
        let requests: usize = args
            .iter()
            .position(|a| a == "--requests")
            .and_then(|i| args.get(i + 1))
            .map_or(3_000, |n| n.parse().expect("--requests N"));
        let (zapi, requests) = match only.as_str() {
            "zapi" => (true, requests),
            "hand" => (false, requests),
            "none" => (false, 0),
            other => panic!("--only zapi|hand|none, not {other}"),
        };
        let base_url = start_server().url;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let clients = clients(&base_url);
        runtime.block_on(async {
            for _ in 0..requests {
                if zapi {
                    clients.zapi_call().await
                } else {
                    clients.hand_call().await
                }
            }
        });
        return;
    }
    // The many-instances figures first, while this is the only thread.
    let instance_bytes = instance_bytes();
    let connections: Vec<_> = CONNECTION_NETWORKS
        .iter()
        .map(|&(suffix, rtt)| (suffix, instance_connections(Network { rtt })))
        .collect();

    // `--quick`: a smaller run, to try the bench out.
    let quick = args.iter().any(|a| a == "--quick");
    let (rounds, per_round, total) = if quick {
        (4, 250, 4_000)
    } else {
        (20, 1_000, 20_000)
    };
    let base_url = start_server().url;

    // Sequential work on one thread (and allocation counting) ...
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let clients = clients(&base_url);
    let (zapi_median, hand_median, zapi_allocs, hand_allocs) = current.block_on(async {
        for _ in 0..200 {
            clients.zapi_call().await;
            clients.hand_call().await;
        }
        let (z, h) = per_request(&clients, rounds, per_round).await;
        let za = allocations(&clients, true, 1_000).await;
        let ha = allocations(&clients, false, 1_000).await;
        (z, h, za, ha)
    });
    drop(clients);

    // ... concurrent work on two.
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let clients = std::sync::Arc::new(self::clients(&base_url));
    let (zapi_rps, hand_rps) = multi.block_on(async {
        throughput(&clients, true, 2_000).await;
        throughput(&clients, false, 2_000).await;
        // Four rounds of a quarter each, alternating which client goes first.
        let (mut z, mut h) = (0.0, 0.0);
        for round in 0..4 {
            for zapi_turn in [round % 2 == 0, round % 2 == 1] {
                let rps = throughput(&clients, zapi_turn, total / 4).await;
                if zapi_turn { z += rps } else { h += rps }
            }
        }
        (z / 4.0, h / 4.0)
    });

    let requests = rounds * per_round;
    println!("per_request: {requests} sequential requests each, interleaved in {rounds} rounds");
    println!("  zapi-client median {zapi_median:?}, hand-written reqwest median {hand_median:?}");
    println!("throughput: {total} requests each from 64 tasks, 4 rounds interleaved");
    println!("  zapi-client {zapi_rps:.0} req/s, hand-written reqwest {hand_rps:.0} req/s");
    println!(
        "allocations per request: zapi-client {zapi_allocs:.1}, hand-written reqwest {hand_allocs:.1}"
    );
    println!(
        "RATIO per_request {:.3}",
        zapi_median.as_secs_f64() / hand_median.as_secs_f64()
    );
    println!("RATIO throughput {:.3}", zapi_rps / hand_rps);
    println!("RATIO allocations {:.3}", zapi_allocs / hand_allocs);
    println!(
        "instance clients: {INSTANCES} from one Transport; size_of::<Client>() = {} bytes (inline, not counted below)",
        std::mem::size_of::<zapi_client::Client>()
    );
    println!("  instance_bytes: heap bytes per additional instance client, rounded up");
    println!(
        "  instance_connections: connections accepted for one call from each client, 64 at a time, median of 3 trials"
    );
    for (suffix, (_, trials)) in &connections {
        let network = if suffix.is_empty() {
            "loopback".to_owned()
        } else {
            format!("RTT {}", &suffix[1..])
        };
        println!("    {network}: trials {trials:?}");
    }
    println!("FIGURE instance_bytes {instance_bytes}");
    for (suffix, (median, _)) in &connections {
        println!("FIGURE instance_connections{suffix} {median}");
    }
}

/// The networks of the `instance_connections` figures: the figure's name
/// suffix and the round-trip time.
const CONNECTION_NETWORKS: [(&str, Duration); 3] = [
    ("", Duration::ZERO),
    ("_1ms", Duration::from_millis(1)),
    ("_10ms", Duration::from_millis(10)),
];
