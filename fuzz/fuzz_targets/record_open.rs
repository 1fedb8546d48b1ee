//! Record decryption under a fixed key, for every suite of both versions.
//! Must never panic; in sealed mode (see `ferrotls_fuzz::record::OpenInput`)
//! whatever opens must be what was sealed. Every input is also opened a
//! second time through `decrypt_into` (the path `SSL_read` takes into the
//! caller's buffer), with a destination size picked by the input, and
//! must give the same records and the same first error.

#![no_main]

use ferrotls_core::ContentType;
use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_fuzz::record::{OpenInput, decrypter, encrypter, seal_tls13_inner, sealed_items};
use ferrotls_record::{Decrypted, Deframer, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT};
use libfuzzer_sys::fuzz_target;

/// What opening a stream of records gave: each record's (type, plaintext)
/// and the alert of the error that stopped it, if one did.
type Opened = (Vec<(ContentType, Vec<u8>)>, Option<u8>);

/// Destination sizes for `decrypt_into`: none fits, some fit, all fit.
const DEST_LENS: [usize; 4] = [0, 100, 4096, MAX_PLAINTEXT + 256];

/// Deframes and opens `wire` until the first error; with `dest`, through
/// `decrypt_into` that buffer.
fn open_all(suite: SupportedCipherSuite, wire: &[u8], mut dest: Option<&mut [u8]>) -> Opened {
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
            let rec = match d.next_record() {
                Ok(Some(rec)) => rec,
                Ok(None) => break,
                Err(e) => return (out, Some(alert_of(&e))),
            };
            let opened = match dest.as_deref_mut() {
                None => dec.decrypt(rec).map(Some),
                Some(buf) => dec.decrypt_into(rec, buf).map(|got| match got {
                    Decrypted::AppData(n) => {
                        assert!(n <= buf.len());
                        out.push((ContentType::ApplicationData, buf[..n].to_vec()));
                        None
                    }
                    Decrypted::Record(plain) => Some(plain),
                }),
            };
            match opened {
                Ok(Some(plain)) => out.push((plain.content_type, plain.payload.to_vec())),
                Ok(None) => {}
                Err(e) => return (out, Some(alert_of(&e))),
            }
            if let Some((_, body)) = out.last() {
                assert!(body.len() <= MAX_PLAINTEXT);
            }
        }
        if n == 0 || rest.is_empty() {
            return (out, None);
        }
    }
}

/// Every error of the record layer names its alert.
fn alert_of(e: &ferrotls_core::Error) -> u8 {
    u8::from(e.alert().expect("every record error has an alert"))
}

/// Opens `wire` both ways and checks they agree.
fn open_both(suite: SupportedCipherSuite, wire: &[u8], pick: usize) -> Opened {
    let plain = open_all(suite, wire, None);
    let mut dest = vec![0u8; DEST_LENS[pick % DEST_LENS.len()]];
    let into = open_all(suite, wire, Some(&mut dest));
    assert_eq!(plain, into, "decrypt and decrypt_into disagree");
    plain
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = OpenInput::parse(data) else {
        return;
    };
    let pick = data.len();
    if !input.sealed {
        open_both(input.suite, input.body, pick);
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
    let (opened, _) = open_both(input.suite, &wire, pick);
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
