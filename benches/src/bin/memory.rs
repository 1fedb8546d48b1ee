//! Memory per idle connection and allocations per record.
//!
//! This binary alone installs a counting global allocator (criterion's
//! timings stay free of it). It measures, for each library:
//!
//! - heap bytes retained by an established, idle TLS 1.3 connection, client
//!   and server apart, with and without the release-buffers mode (counting
//!   allocator; ferrotls and rustls, whose allocations go through Rust's
//!   allocator — OpenSSL's go through C `malloc` and are not seen);
//! - the same cross-checked for all three from the outside: a child process
//!   holds N idle pairs and the growth of its peak RSS over a child holding
//!   none is divided by N;
//! - allocator calls per 16 KiB record in steady-state bulk transfer.
//!
//! Results go to `target/bench/memory.tsv` for the report.
//!
//! Usage: `memory [--quick]`; `memory heap` prints only the in-process heap
//! rows (a quick check while working on memory use); `memory rss-child LIB
//! N RELEASE` is the child mode used internally.

use std::alloc::System;
use std::process::Command;

use ferrotls_benches::certs::Pki;
use ferrotls_benches::manifest::{Metric, write_metrics};
use ferrotls_benches::scenario::{IdlePair, Lib, Suite};
use ferrotls_benches::transport::Pipe;
use ferrotls_benches::{BULK_WRITE, idle, transfer};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Pairs measured in-process (the average smooths allocator rounding).
const HEAP_PAIRS: usize = 64;

fn live(s: &stats_alloc::Stats) -> f64 {
    s.bytes_allocated as f64 - s.bytes_deallocated as f64 + s.bytes_reallocated as f64
}

/// Heap bytes per idle client and per idle server.
fn heap(lib: Lib, pki: &Pki, release: bool) -> Result<(f64, f64), String> {
    let mut factory = idle(lib, pki, release).map_err(|e| e.0)?;
    // One pair first so lazily initialised globals are not charged.
    drop(factory.pair());
    let mut clients = Vec::with_capacity(HEAP_PAIRS);
    let mut servers = Vec::with_capacity(HEAP_PAIRS);
    let region = Region::new(GLOBAL);
    for _ in 0..HEAP_PAIRS {
        let IdlePair { client, server } = factory.pair();
        clients.push(client);
        servers.push(server);
    }
    let both = live(&region.change());
    servers.clear();
    let client_only = live(&region.change());
    drop(clients);
    let n = HEAP_PAIRS as f64;
    Ok((client_only / n, (both - client_only) / n))
}

/// Allocator calls per record, sending and receiving.
fn allocs_per_record(lib: Lib, pki: &Pki, mib: usize) -> Result<(f64, f64), String> {
    let mut t = transfer(lib, pki, Suite::Tls13Aes128Gcm).map_err(|e| e.0)?;
    let data = vec![0x42u8; BULK_WRITE];
    let mut wire = Pipe::with_room(BULK_WRITE + BULK_WRITE / 8);
    let mut out = vec![0u8; BULK_WRITE];
    for _ in 0..4 {
        t.send(&data, &mut wire);
        t.receive(&mut wire, &mut out);
    }
    let (mut send, mut recv) = (0usize, 0usize);
    for _ in 0..mib {
        let before = GLOBAL.stats();
        t.send(&data, &mut wire);
        let mid = GLOBAL.stats();
        let got = t.receive(&mut wire, &mut out);
        let after = GLOBAL.stats();
        assert_eq!(got, BULK_WRITE);
        let s = mid - before;
        let r = after - mid;
        send += s.allocations + s.reallocations;
        recv += r.allocations + r.reallocations;
    }
    let records = (mib * BULK_WRITE / ferrotls_benches::ceiling::RECORD) as f64;
    Ok((send as f64 / records, recv as f64 / records))
}

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn lib_from(name: &str) -> Option<Lib> {
    Lib::ALL.into_iter().find(|l| l.name() == name)
}

/// Child mode: hold `n` idle pairs, print the peak RSS in KiB.
fn rss_child(args: &[String]) -> Result<(), String> {
    let [lib, n, release] = args else {
        return Err("usage: memory rss-child LIB N RELEASE(0|1)".into());
    };
    let lib = lib_from(lib).ok_or(format!("unknown library {lib}"))?;
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let pki = Pki::generate().map_err(|e| e.to_string())?;
    let mut factory = idle(lib, &pki, release == "1").map_err(|e| e.0)?;
    drop(factory.pair());
    let pairs: Vec<IdlePair> = (0..n).map(|_| factory.pair()).collect();
    println!("{}", status_kib("VmHWM:"));
    drop(pairs);
    Ok(())
}

/// Bytes of peak RSS per idle pair, from two child processes.
fn rss(lib: Lib, release: bool, n: usize) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let run = |count: usize| -> Result<u64, String> {
        let out = Command::new(&exe)
            .args(["rss-child", lib.name(), &count.to_string()])
            .arg(if release { "1" } else { "0" })
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(err.lines().last().unwrap_or("child failed").to_string());
        }
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|e| format!("child output: {e}"))
    };
    let base = run(0)?;
    let full = run(n)?;
    Ok(full.saturating_sub(base) as f64 * 1024.0 / n as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("rss-child") {
        if let Err(e) = rss_child(&args[1..]) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    if args.first().map(String::as_str) == Some("heap") {
        let pki = Pki::generate().expect("test certificates");
        for lib in [Lib::Ferrotls, Lib::Rustls] {
            for release in [false, true] {
                match heap(lib, &pki, release) {
                    Ok((c, s)) => println!(
                        "{:<9} release_buffers={release:<5} client {c:.0} server {s:.0}",
                        lib.name()
                    ),
                    Err(e) => println!("{:<9} {e}", lib.name()),
                }
            }
        }
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let (rss_pairs, mib) = if quick { (256, 16) } else { (1024, 64) };

    let pki = Pki::generate().expect("test certificates");
    let mut metrics = Vec::new();
    let mut push = |name: &str, lib: Lib, value: Result<f64, String>| {
        match &value {
            Ok(v) => println!("{name:<22} {:<9} {v:.1}", lib.name()),
            Err(e) => println!("{name:<22} {:<9} {e}", lib.name()),
        }
        metrics.push(Metric {
            name: name.to_string(),
            lib: lib.name().to_string(),
            value,
        });
    };
    let c_alloc = "n/a: C allocator, not counted in-process".to_string();

    for lib in Lib::ALL {
        for release in [false, true] {
            let sfx = if release { "_release" } else { "" };
            let (c, s) = match lib {
                Lib::Openssl => (Err(c_alloc.clone()), Err(c_alloc.clone())),
                _ => match heap(lib, &pki, release) {
                    Ok((c, s)) => (Ok(c), Ok(s)),
                    Err(e) => (Err(e.clone()), Err(e)),
                },
            };
            push(&format!("heap_client{sfx}"), lib, c);
            push(&format!("heap_server{sfx}"), lib, s);
            let r = match idle(lib, &pki, release) {
                Ok(_) => rss(lib, release, rss_pairs),
                Err(e) => Err(e.0),
            };
            push(&format!("rss_pair{sfx}"), lib, r);
        }
        let (s, r) = match lib {
            Lib::Openssl => (Err(c_alloc.clone()), Err(c_alloc.clone())),
            _ => match allocs_per_record(lib, &pki, mib) {
                Ok((s, r)) => (Ok(s), Ok(r)),
                Err(e) => (Err(e.clone()), Err(e)),
            },
        };
        push("allocs_per_record_send", lib, s);
        push("allocs_per_record_recv", lib, r);
    }
    match write_metrics("memory.tsv", &metrics) {
        Ok(p) => println!("wrote {}", p.display()),
        Err(e) => {
            eprintln!("cannot write results: {e}");
            std::process::exit(1);
        }
    }
}
