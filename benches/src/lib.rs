//! # ferrotls-benches — ferrotls side by side with rustls and OpenSSL
//!
//! The same scenarios for the three libraries, single-threaded over memory,
//! X25519 pinned on every side, so the numbers differ only by the library:
//!
//! - bulk: 1 MiB application writes, send and receive timed separately
//!   (TLS 1.3 AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, TLS 1.2
//!   ECDHE-ECDSA-AES128-GCM);
//! - full handshakes (TLS 1.3 and 1.2, ECDSA P-256 and RSA-2048), client and
//!   server time measured separately inside one handshake;
//! - resumed handshakes (TLS 1.3 ticket, TLS 1.2 session id and ticket);
//! - the ceilings ([`ceiling`]): raw AEAD seal/open of 16 KiB records and the
//!   public-key floor of a handshake;
//! - memory per idle connection and allocations per record (the `memory`
//!   binary, which alone installs a counting allocator so criterion timings
//!   are not distorted).
//!
//! `cargo xtask bench [--quick]` runs everything and writes
//! `target/bench/report.md` through [`report`].

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod ceiling;
pub mod certs;
pub mod ferrotls_lib;
pub mod manifest;
pub mod openssl_lib;
pub mod report;
pub mod rustls_lib;
pub mod scenario;
pub mod transport;

use certs::Pki;
use scenario::{
    FullHandshake, Handshaker, IdleFactory, Lib, Resumed, Suite, Transfer, Unsupported,
};

/// Bytes per application write in the bulk rows.
pub const BULK_WRITE: usize = 1 << 20;

/// An established pair of `lib` negotiating `suite` (ECDSA P-256 server).
pub fn transfer(lib: Lib, pki: &Pki, suite: Suite) -> Result<Box<dyn Transfer>, Unsupported> {
    let id = &pki.ecdsa;
    Ok(match lib {
        Lib::Ferrotls => return ferrotls_lib::transfer(id, suite),
        Lib::Rustls => Box::new(rustls_lib::transfer(id, suite)),
        Lib::Openssl => Box::new(openssl_lib::transfer(id, suite)),
    })
}

/// Full handshakes of `lib` for scenario `h`.
pub fn full(lib: Lib, pki: &Pki, h: FullHandshake) -> Result<Box<dyn Handshaker>, Unsupported> {
    let id = pki.get(h.key_type);
    Ok(match lib {
        Lib::Ferrotls => return ferrotls_lib::full(id, h),
        Lib::Rustls => Box::new(rustls_lib::full(id, h)),
        Lib::Openssl => Box::new(openssl_lib::full(id, h)),
    })
}

/// Resumed handshakes of `lib` for scenario `r` (ECDSA P-256 server).
pub fn resumed(lib: Lib, pki: &Pki, r: Resumed) -> Result<Box<dyn Handshaker>, Unsupported> {
    let id = &pki.ecdsa;
    Ok(match lib {
        Lib::Ferrotls => Box::new(ferrotls_lib::resumed(id, r)?),
        Lib::Rustls => Box::new(rustls_lib::resumed(id, r)),
        Lib::Openssl => Box::new(openssl_lib::resumed(id, r)),
    })
}

/// Idle TLS 1.3 pairs of `lib` (ECDSA P-256 server), with or without the
/// release-buffers mode.
pub fn idle(lib: Lib, pki: &Pki, release: bool) -> Result<Box<dyn IdleFactory>, Unsupported> {
    let id = &pki.ecdsa;
    Ok(match lib {
        Lib::Ferrotls => return ferrotls_lib::idle(id, release),
        Lib::Rustls if release => {
            return Err(Unsupported(
                "n/a: rustls has no release-buffers mode".to_string(),
            ));
        }
        Lib::Rustls => Box::new(rustls_lib::idle(id)),
        Lib::Openssl => Box::new(openssl_lib::idle(id, release)),
    })
}
