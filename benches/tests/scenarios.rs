//! The scenarios really do what the report says they measure: every
//! library completes them, resumption really resumes (again and again, as
//! the benchmark loop does), and bulk transfer delivers every byte.

use ferrotls_benches::certs::Pki;
use ferrotls_benches::scenario::{FullHandshake, Lib, Resumed, Suite};
use ferrotls_benches::transport::Pipe;
use ferrotls_benches::{
    BULK_WRITE, ferrotls_lib, full, openssl_lib, resumed, rustls_lib, transfer,
};

fn pki() -> Pki {
    Pki::generate().expect("certificates")
}

#[test]
fn openssl_resumes_on_every_handshake() {
    let pki = pki();
    for r in Resumed::ALL {
        let mut h = openssl_lib::resumed(&pki.ecdsa, r);
        for i in 0..4 {
            assert!(h.resumed_once(), "{} handshake {i} resumed", r.name());
        }
    }
}

#[test]
fn rustls_resumes_on_every_handshake() {
    let pki = pki();
    for r in Resumed::ALL {
        let mut h = rustls_lib::resumed(&pki.ecdsa, r);
        for i in 0..4 {
            assert!(h.resumed_once(), "{} handshake {i} resumed", r.name());
        }
    }
}

#[test]
fn ferrotls_resumes_whenever_it_claims_to() {
    let pki = pki();
    for r in Resumed::ALL {
        match ferrotls_lib::resumed(&pki.ecdsa, r) {
            Ok(mut h) => {
                for i in 0..4 {
                    assert!(h.resumed_once(), "{} handshake {i} resumed", r.name());
                }
            }
            Err(e) => assert!(e.0.starts_with("not supported yet"), "{e}"),
        }
    }
}

#[test]
fn every_library_runs_or_says_why() {
    let pki = pki();
    for lib in Lib::ALL {
        for h in FullHandshake::all() {
            match full(lib, &pki, h) {
                Ok(mut hs) => {
                    let t = hs.handshake();
                    assert!(t.client > std::time::Duration::ZERO, "{}", h.name());
                    assert!(t.server > std::time::Duration::ZERO, "{}", h.name());
                }
                Err(e) => assert_eq!(lib, Lib::Ferrotls, "{}: {e}", h.name()),
            }
        }
        for r in Resumed::ALL {
            if let Err(e) = resumed(lib, &pki, r) {
                assert_eq!(lib, Lib::Ferrotls, "{}: {e}", r.name());
                assert!(e.0.starts_with("not supported yet"), "{e}");
            }
        }
    }
}

#[test]
fn bulk_delivers_every_byte_in_order() {
    let pki = pki();
    let data: Vec<u8> = (0..BULK_WRITE).map(|i| (i * 7 + i / 251) as u8).collect();
    for lib in Lib::ALL {
        for s in Suite::ALL {
            let Ok(mut t) = transfer(lib, &pki, s) else {
                assert_eq!(lib, Lib::Ferrotls);
                continue;
            };
            for _ in 0..2 {
                let mut wire = Pipe::default();
                let mut out = vec![0u8; BULK_WRITE];
                t.send(&data, &mut wire);
                assert!(
                    wire.len() > BULK_WRITE,
                    "{} {}: records carry overhead",
                    lib.name(),
                    s.name()
                );
                assert_eq!(t.receive(&mut wire, &mut out), BULK_WRITE);
                assert!(
                    out == data,
                    "{} {}: plaintext round-trips",
                    lib.name(),
                    s.name()
                );
            }
        }
    }
}
