//! A plain loop over one scenario, for profilers (`perf record`,
//! `valgrind --tool=callgrind`), which want no criterion machinery and a
//! fixed amount of work.
//!
//! Usage: `profile LIB WHAT COUNT` where WHAT is `send`, `recv` (TLS 1.3
//! AES-128-GCM, COUNT MiB) or `handshake` (TLS 1.3 ECDSA P-256, COUNT full
//! handshakes).

use ferrotls_benches::certs::Pki;
use ferrotls_benches::scenario::{FullHandshake, KeyType, Lib, Suite, Version};
use ferrotls_benches::{BULK_WRITE, full, transfer};

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
    let pki = Pki::generate().expect("certificates");
    let result = match what.as_str() {
        "send" | "recv" => transfer(lib, &pki, Suite::Tls13Aes128Gcm).map(|mut t| {
            let data = vec![0x42u8; BULK_WRITE];
            let mut wire = Vec::with_capacity(BULK_WRITE * 2);
            let mut out = vec![0u8; BULK_WRITE];
            for _ in 0..count {
                t.send(&data, &mut wire);
                if what == "recv" {
                    t.receive(&mut wire, &mut out);
                }
                wire.clear();
            }
        }),
        "handshake" => {
            let h = FullHandshake {
                version: Version::Tls13,
                key_type: KeyType::EcdsaP256,
            };
            full(lib, &pki, h).map(|mut h| {
                for _ in 0..count {
                    h.handshake();
                }
            })
        }
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
