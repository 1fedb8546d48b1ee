//! Writes the seed corpora of `record_parser` and `record_open`: a few
//! valid records per target, in each target's input layout.
//!
//! Run from fuzz/: `cargo run --example make_record_seeds`.

use std::fs;
use std::path::Path;

use ferrotls_core::ContentType;
use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_fuzz::record::{OpenInput, encrypter, seal_tls13_inner, suites};

fn plain(ct: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut r = vec![ct];
    r.extend(version.to_be_bytes());
    r.extend((body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).expect("create corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");

    // record_parser: [control, split_seed, wire...]
    let dir = root.join("record_parser");
    let hello = plain(0x16, 0x0301, b"\x01\x00\x00\x04\x03\x03\x00\x00");
    let mut flight = hello.clone();
    flight.extend(plain(0x14, 0x0303, &[1]));
    flight.extend(plain(0x17, 0x0303, b""));
    flight.extend(plain(0x17, 0x0303, b"GET / HTTP/1.1\r\n\r\n"));
    flight.extend(plain(0x15, 0x0303, &[1, 0]));
    for (name, control, seed, wire) in [
        ("client_hello", 0u8, 1u8, &hello),
        ("flight_push", 0, 7, &flight),
        ("flight_spare_tls13", 3, 200, &flight),
    ] {
        let mut input = vec![control, seed];
        input.extend_from_slice(wire);
        write(&dir, name, &input);
    }

    // record_open: [selector, ...] per suite, raw and sealed.
    let dir = root.join("record_open");
    for (i, suite) in suites().iter().enumerate() {
        let name = format!("{:?}", suite.suite()).to_lowercase();
        let mut raw = vec![OpenInput::selector(i, false)];
        let mut enc = encrypter(*suite);
        enc.encrypt(ContentType::Handshake, b"\x14\x00\x00\x04abcd", &mut raw)
            .expect("encrypt");
        enc.encrypt(ContentType::ApplicationData, b"hello", &mut raw)
            .expect("encrypt");
        write(&dir, &format!("raw_{name}"), &raw);

        let mut sealed = vec![OpenInput::selector(i, true)];
        let inner: &[u8] = match suite {
            SupportedCipherSuite::Tls13(_) => b"data\x17\x00\x00",
            SupportedCipherSuite::Tls12(_) => b"data",
        };
        sealed.push(0x17);
        sealed.extend((inner.len() as u16).to_be_bytes());
        sealed.extend_from_slice(inner);
        write(&dir, &format!("sealed_{name}"), &sealed);
        // Check the layout round-trips through the helper the target uses.
        if let SupportedCipherSuite::Tls13(s) = suite {
            let mut probe = Vec::new();
            seal_tls13_inner(s, 0, inner, &mut probe);
            assert_eq!(probe.len(), 5 + inner.len() + 16);
        }
    }
    println!("seeds written under {}", root.display());
}
