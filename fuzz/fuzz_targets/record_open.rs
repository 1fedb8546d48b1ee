//! Record decryption under a fixed key, for every suite of both versions.
//! Must never panic; in sealed mode (see `ferrotls_fuzz::record::OpenInput`)
//! whatever opens must be what was sealed.

#![no_main]

use ferrotls_core::ContentType;
use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_fuzz::record::{OpenInput, decrypter, encrypter, seal_tls13_inner, sealed_items};
use ferrotls_record::{Deframer, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT};
use libfuzzer_sys::fuzz_target;

/// Deframes and opens `wire`; returns the (type, plaintext) of each record
/// until the first error.
fn open_all(suite: SupportedCipherSuite, wire: &[u8]) -> Vec<(ContentType, Vec<u8>)> {
    let mut d = Deframer::new();
    if matches!(suite, SupportedCipherSuite::Tls13(_)) {
        d.set_max_ciphertext_len(MAX_CIPHERTEXT_TLS13);
    }
    let mut dec = decrypter(suite);
    let mut out = Vec::new();
    let mut rest = wire;
    loop {
        let n = d.push(rest);
        rest = &rest[n..];
        loop {
            match d.next_record() {
                Ok(Some(rec)) => match dec.decrypt(rec) {
                    Ok(plain) => {
                        assert!(plain.payload.len() <= MAX_PLAINTEXT);
                        out.push((plain.content_type, plain.payload.to_vec()));
                    }
                    Err(e) => {
                        assert!(e.alert().is_some());
                        return out;
                    }
                },
                Ok(None) => break,
                Err(e) => {
                    assert!(e.alert().is_some());
                    return out;
                }
            }
        }
        if n == 0 || rest.is_empty() {
            return out;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = OpenInput::parse(data) else {
        return;
    };
    if !input.sealed {
        open_all(input.suite, input.body);
        return;
    }
    let items = sealed_items(input.body);
    let mut wire = Vec::new();
    let mut enc = encrypter(input.suite);
    for (seq, (ty, body)) in items.iter().enumerate() {
        match input.suite {
            SupportedCipherSuite::Tls13(s) => seal_tls13_inner(s, seq as u64, body, &mut wire),
            SupportedCipherSuite::Tls12(_) => {
                let body = &body[..body.len().min(MAX_PLAINTEXT)];
                enc.encrypt(ContentType::from(*ty), body, &mut wire)
                    .expect("encrypt within limits");
            }
        }
    }
    let opened = open_all(input.suite, &wire);
    assert!(opened.len() <= items.len());
    for ((ty, body), (got_type, got)) in items.iter().zip(&opened) {
        match input.suite {
            SupportedCipherSuite::Tls13(_) => {
                // The content is everything before the last non-zero byte,
                // which is the type.
                let at = body
                    .iter()
                    .rposition(|b| *b != 0)
                    .expect("opened ⇒ has a type");
                assert_eq!(got_type.get(), body[at]);
                assert_eq!(got.as_slice(), &body[..at]);
            }
            SupportedCipherSuite::Tls12(_) => {
                assert_eq!(got_type.get(), *ty);
                assert_eq!(got.as_slice(), &body[..body.len().min(MAX_PLAINTEXT)]);
            }
        }
    }
});
