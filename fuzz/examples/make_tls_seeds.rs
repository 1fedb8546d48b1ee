//! Writes the seed corpora of the state-machine targets (`client`,
//! `server`, `client_det`, `server_det`) by recording real in-memory
//! handshakes: for every scenario of `ferrotls_fuzz::tls`, a client and a
//! server talk over memory BIOs (handshake, application data both ways, a
//! KeyUpdate, close_notify) and each side's bytes become a seed of the
//! target that plays the other side.
//!
//! The `_det` seeds are recorded with the deterministic provider, so they
//! replay to the end in the fuzz targets; the others with the real one,
//! where only the first flight means anything to the target.
//!
//! Run from fuzz/: `cargo run --example make_tls_seeds` (or `cargo xtask
//! fuzz seed`). Prints one line per recording and whether a replay through
//! the fuzz target's driver completed the handshake.

use std::fs;
use std::path::Path;

use ferrotls::Ssl;
use ferrotls::bio::MemBio;
use ferrotls_core::crypto::CryptoProvider;
use ferrotls_fuzz::tls::{SCENARIOS, Scenario, Side, drive};

/// One side's `Ssl` and the BIOs we move bytes through.
struct End {
    ssl: Ssl,
    rbio: MemBio,
    wbio: MemBio,
    /// Everything this side wrote.
    sent: Vec<u8>,
}

impl End {
    fn new(scenario: &Scenario, side: Side, provider: &'static CryptoProvider) -> Self {
        let ctx = scenario.context(side, provider);
        let (ssl, rbio, wbio) = scenario.ssl(&ctx, side);
        Self {
            ssl,
            rbio,
            wbio,
            sent: Vec::new(),
        }
    }
}

/// Moves what `from` wrote to `to`; returns how many bytes moved.
fn pump(from: &mut End, to: &mut End) -> usize {
    let bytes = from.wbio.take();
    to.rbio.push(&bytes).expect("a writable memory BIO");
    from.sent.extend_from_slice(&bytes);
    bytes.len()
}

fn pump_both(c: &mut End, s: &mut End) -> usize {
    pump(c, s) + pump(s, c)
}

/// Reads whatever application data `end` has.
fn drain(end: &mut End) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = end.ssl.read(&mut buf);
        if n <= 0 {
            return got;
        }
        got.extend_from_slice(&buf[..n as usize]);
    }
}

/// A whole connection; returns (client's bytes, server's bytes), or why
/// it failed.
fn record(
    scenario: &Scenario,
    provider: &'static CryptoProvider,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut c = End::new(scenario, Side::Client, provider);
    let mut s = End::new(scenario, Side::Server, provider);
    for _ in 0..32 {
        if !c.ssl.is_init_finished() {
            c.ssl.do_handshake();
        }
        if !s.ssl.is_init_finished() {
            s.ssl.do_handshake();
        }
        let moved = pump_both(&mut c, &mut s);
        if moved == 0 && c.ssl.is_init_finished() && s.ssl.is_init_finished() {
            break;
        }
    }
    if !(c.ssl.is_init_finished() && s.ssl.is_init_finished()) {
        return Err(format!(
            "handshake did not complete: client {:?}, server {:?}",
            c.ssl.fatal_error(),
            s.ssl.fatal_error()
        ));
    }
    let want = scenario.max_version.name();
    if c.ssl.version_str() != want {
        return Err(format!("negotiated {}, not {want}", c.ssl.version_str()));
    }
    let request = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    c.ssl.write(request);
    pump_both(&mut c, &mut s);
    if drain(&mut s) != request {
        return Err("request lost".into());
    }
    s.ssl.write(response);
    pump_both(&mut c, &mut s);
    if drain(&mut c) != response {
        return Err("response lost".into());
    }
    // A KeyUpdate that asks the peer to update too (TLS 1.3 only).
    if c.ssl.key_update(true).is_ok() {
        c.ssl.write(b"after key update");
        pump_both(&mut c, &mut s);
        drain(&mut s);
        s.ssl.write(b"updated too");
        pump_both(&mut c, &mut s);
        drain(&mut c);
    }
    c.ssl.shutdown();
    pump_both(&mut c, &mut s);
    drain(&mut s);
    s.ssl.shutdown();
    pump_both(&mut c, &mut s);
    Ok((c.sent, s.sent))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).expect("create corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}

/// Replays `peer` into a fresh `side` the way the fuzz target does.
fn replays(
    scenario: &Scenario,
    side: Side,
    provider: &'static CryptoProvider,
    peer: &[u8],
) -> bool {
    let ctx = scenario.context(side, provider);
    let (mut ssl, rbio, wbio) = scenario.ssl(&ctx, side);
    drive(&mut ssl, &rbio, &wbio, peer, 0).finished
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let providers: [(&str, &'static CryptoProvider); 2] = [
        ("", ferrotls_crypto::default_provider()),
        ("_det", ferrotls_crypto::fuzzing::provider()),
    ];
    let mut failed = false;
    for (index, scenario) in SCENARIOS.iter().enumerate() {
        for (suffix, provider) in providers {
            let (client_bytes, server_bytes) = match record(scenario, provider) {
                Ok(bytes) => bytes,
                Err(why) => {
                    println!("{}{suffix}: not recorded: {why}", scenario.name);
                    failed = true;
                    continue;
                }
            };
            for (side, target, peer) in [
                (Side::Client, "client", &server_bytes),
                (Side::Server, "server", &client_bytes),
            ] {
                let mut seed = vec![index as u8, 0];
                seed.extend_from_slice(peer);
                write(
                    &root.join(format!("{target}{suffix}")),
                    scenario.name,
                    &seed,
                );
                let finished = replays(scenario, side, provider, peer);
                println!(
                    "{target}{suffix}/{}: {} bytes, replay completes the handshake: {finished}",
                    scenario.name,
                    seed.len()
                );
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
