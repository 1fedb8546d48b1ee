//! A plain loop over one scenario, for profilers (`perf record`,
//! `valgrind --tool=callgrind`), which want no criterion machinery and a
//! fixed amount of work.
//!
//! Usage: `profile LIB WHAT COUNT` where WHAT is `send`, `recv` (TLS 1.3
//! AES-128-GCM, COUNT MiB), `send-chacha`, `recv-chacha` (the same with
//! TLS 1.3 ChaCha20-Poly1305), `send12`, `recv12` (TLS 1.2
//! ECDHE-ECDSA-AES128-GCM), `handshake` (TLS 1.3 ECDSA P-256, COUNT full
//! handshakes), `handshake12` (TLS 1.2 ECDHE-ECDSA), `handshake12-rsa` (TLS
//! 1.2 ECDHE-RSA), or `resumed13`,
//! `resumed12-id`, `resumed12-ticket` (COUNT resumed handshakes, ECDSA
//! P-256). Under callgrind, count only the loop with
//! `--toggle-collect='profile::bulk_loop'` (or `profile::handshake_loop`).

use std::time::{Duration, Instant};

use ferrotls_benches::BULK_WRITE;
use ferrotls_benches::certs::Identity;
use ferrotls_benches::scenario::{
    FullHandshake, Handshaker, KeyType, Lib, Resumed, SideTimes, Suite, Transfer, Unsupported,
    Version,
};
use ferrotls_benches::transport::Pipe;
use ferrotls_benches::{ferrotls_lib, openssl_lib, rustls_lib};

/// Like the crate's `transfer`, but from one identity: generating the RSA
/// identity too would add a random amount of work (prime search) to every
/// profile.
fn transfer(lib: Lib, id: &Identity, s: Suite) -> Result<Box<dyn Transfer>, Unsupported> {
    Ok(match lib {
        Lib::Ferrotls => ferrotls_lib::transfer(id, s)?,
        Lib::Rustls => Box::new(rustls_lib::transfer(id, s)),
        Lib::Openssl => Box::new(openssl_lib::transfer(id, s)),
    })
}

fn full(lib: Lib, id: &Identity, h: FullHandshake) -> Result<Box<dyn Handshaker>, Unsupported> {
    Ok(match lib {
        Lib::Ferrotls => ferrotls_lib::full(id, h)?,
        Lib::Rustls => Box::new(rustls_lib::full(id, h)),
        Lib::Openssl => Box::new(openssl_lib::full(id, h)),
    })
}

fn resumed(lib: Lib, id: &Identity, r: Resumed) -> Result<Box<dyn Handshaker>, Unsupported> {
    Ok(match lib {
        Lib::Ferrotls => Box::new(ferrotls_lib::resumed(id, r)?),
        Lib::Rustls => Box::new(rustls_lib::resumed(id, r)),
        Lib::Openssl => Box::new(openssl_lib::resumed(id, r)),
    })
}

/// The measured bulk loop, a function of its own so that callgrind can
/// count it alone (`--toggle-collect='profile::bulk_loop'`). With `recv`,
/// the receive side is counted too.
/// The pipe's room is zero-filled once, by the caller, outside the count.
/// Prints the throughput of each side, timed apart as the criterion groups
/// time them.
#[inline(never)]
fn bulk_loop(t: &mut dyn Transfer, recv: bool, mib: usize, mut wire: Pipe) {
    let data = vec![0x42u8; BULK_WRITE];
    let mut out = vec![0u8; BULK_WRITE];
    let (mut sending, mut receiving) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..mib {
        let start = Instant::now();
        t.send(&data, &mut wire);
        sending += start.elapsed();
        if recv {
            let start = Instant::now();
            t.receive(&mut wire, &mut out);
            receiving += start.elapsed();
        }
        wire.clear();
    }
    let rate = |d: Duration| (mib * BULK_WRITE) as f64 / d.as_secs_f64().max(1e-9) / 1e6;
    match recv {
        true => println!(
            "send {:.0} MB/s, receive {:.0} MB/s",
            rate(sending),
            rate(receiving)
        ),
        false => println!("send {:.0} MB/s", rate(sending)),
    }
}

/// The measured handshake loop (`--toggle-collect='profile::handshake_loop'`).
/// Prints the mean time each side spent in its library's calls, the same
/// split the criterion groups measure, for quick before/after comparisons
/// (criterion's numbers remain the ones reported).
#[inline(never)]
fn handshake_loop(h: &mut dyn Handshaker, count: usize) {
    let mut total = SideTimes::default();
    for _ in 0..count {
        let t = h.handshake();
        total.client += t.client;
        total.server += t.server;
    }
    let n = count.max(1) as f64;
    println!(
        "client {:.3} us, server {:.3} us (mean of {count})",
        total.client.as_secs_f64() * 1e6 / n,
        total.server.as_secs_f64() * 1e6 / n
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lib, what, count] = &args[..] else {
        eprintln!("usage: profile LIB send|recv|handshake COUNT");
        std::process::exit(2);
    };
    let Some(lib) = Lib::ALL.into_iter().find(|l| l.name() == lib) else {
        eprintln!("unknown library {lib}");
        std::process::exit(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("COUNT must be a number");
        std::process::exit(2);
    };
    let key_type = match what.as_str() {
        "handshake12-rsa" => KeyType::Rsa2048,
        _ => KeyType::EcdsaP256,
    };
    let pki = Identity::generate(key_type).expect("certificates");
    let resumption = match what.as_str() {
        "resumed13" => Some(Resumed::Tls13Ticket),
        "resumed12-id" => Some(Resumed::Tls12SessionId),
        "resumed12-ticket" => Some(Resumed::Tls12Ticket),
        _ => None,
    };
    let result = match what.as_str() {
        "send" | "recv" | "send-chacha" | "recv-chacha" | "send12" | "recv12" => {
            let suite = if what.ends_with("-chacha") {
                Suite::Tls13Chacha20
            } else if what.ends_with("12") {
                Suite::Tls12EcdheEcdsaAes128Gcm
            } else {
                Suite::Tls13Aes128Gcm
            };
            let wire = Pipe::with_room(2 * BULK_WRITE);
            transfer(lib, &pki, suite)
                .map(|mut t| bulk_loop(t.as_mut(), what.starts_with("recv"), count, wire))
        }
        "handshake" | "handshake12" | "handshake12-rsa" => {
            let h = FullHandshake {
                version: match what.as_str() {
                    "handshake" => Version::Tls13,
                    _ => Version::Tls12,
                },
                key_type,
            };
            full(lib, &pki, h).map(|mut h| handshake_loop(h.as_mut(), count))
        }
        _ if resumption.is_some() => resumption
            .map_or(Err(Unsupported::not_yet("no scenario")), |r| {
                resumed(lib, &pki, r)
            })
            .map(|mut h| handshake_loop(h.as_mut(), count)),
        other => {
            eprintln!("unknown scenario {other}");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
