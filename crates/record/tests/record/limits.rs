//! Sequence numbers and the RFC 8446 section 5.5 usage limits, exercised
//! with suite copies whose confidentiality limit is tiny.

use ferrotls_core::crypto::{Secret, Tls12CipherSuite, Tls13CipherSuite};
use ferrotls_core::{ContentType, Error};
use ferrotls_crypto::{TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS13_AES_128_GCM_SHA256};
use ferrotls_record::{MessageEncrypter, tls12_encrypter, tls13_decrypter, tls13_encrypter};

use crate::common::deframe_all;
use crate::tls12::key_iv;

/// The suite with only its confidentiality limit changed.
fn tls13_with_limit(limit: u64) -> &'static Tls13CipherSuite {
    Box::leak(Box::new(Tls13CipherSuite {
        confidentiality_limit: limit,
        ..TLS13_AES_128_GCM_SHA256
    }))
}

/// The suite with only its confidentiality limit changed.
fn tls12_with_limit(limit: u64) -> &'static Tls12CipherSuite {
    Box::leak(Box::new(Tls12CipherSuite {
        confidentiality_limit: limit,
        ..TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    }))
}

/// Encrypts until failure; returns how many records succeeded and after
/// which of them `needs_key_update` first became true.
fn run_to_limit(enc: &mut dyn MessageEncrypter, max: u64) -> (u64, Option<u64>) {
    let mut first_warning = None;
    for sealed in 0..max {
        if enc.needs_key_update() && first_warning.is_none() {
            first_warning = Some(sealed);
        }
        let mut out = b"kept".to_vec();
        match enc.encrypt(ContentType::ApplicationData, b"x", &mut out) {
            Ok(()) => {}
            Err(e) => {
                assert_eq!(e, Error::EncryptError);
                assert_eq!(out, b"kept", "nothing written at the limit");
                // It stays refused: the counter never wraps.
                assert_eq!(
                    enc.encrypt(ContentType::ApplicationData, b"x", &mut out),
                    Err(Error::EncryptError)
                );
                return (sealed, first_warning);
            }
        }
    }
    (max, first_warning)
}

#[test]
fn tls13_confidentiality_limit_warns_then_refuses() {
    let suite = tls13_with_limit(64);
    let secret = Secret::from_slice(&[1; 32]).unwrap();
    let mut enc = tls13_encrypter(suite, &secret).unwrap();
    assert!(!enc.needs_key_update());
    // 64 records allowed; the warning comes with 1/16 (4) left.
    assert_eq!(run_to_limit(&mut *enc, 1000), (64, Some(60)));
}

#[test]
fn tls13_tiny_limit_still_warns_before_refusing() {
    let suite = tls13_with_limit(2);
    let secret = Secret::from_slice(&[1; 32]).unwrap();
    let mut enc = tls13_encrypter(suite, &secret).unwrap();
    assert_eq!(run_to_limit(&mut *enc, 10), (2, Some(1)));
    let suite = tls13_with_limit(0);
    let mut enc = tls13_encrypter(suite, &secret).unwrap();
    assert!(enc.needs_key_update());
    assert_eq!(run_to_limit(&mut *enc, 10), (0, Some(0)));
}

#[test]
fn tls12_confidentiality_limit_warns_then_refuses() {
    let suite = tls12_with_limit(32);
    let (key, iv) = key_iv(suite, 9);
    let mut enc = tls12_encrypter(suite, &key, &iv).unwrap();
    assert_eq!(run_to_limit(&mut *enc, 1000), (32, Some(30)));
}

#[test]
fn sequence_numbers_advance_per_record() {
    // Records sealed at sequence n open only at position n: check that the
    // encrypter's numbering matches the decrypter's over many records.
    let suite = &TLS13_AES_128_GCM_SHA256;
    let secret = Secret::from_slice(&[2; 32]).unwrap();
    let mut enc = tls13_encrypter(suite, &secret).unwrap();
    let mut wire = Vec::new();
    for i in 0..300u32 {
        enc.encrypt(ContentType::ApplicationData, &i.to_be_bytes(), &mut wire)
            .unwrap();
    }
    let mut dec = tls13_decrypter(suite, &secret).unwrap();
    let got = deframe_all(&wire, 777, &mut *dec).unwrap();
    assert_eq!(got.len(), 300);
    for (i, (_, p)) in got.iter().enumerate() {
        assert_eq!(p, &(i as u32).to_be_bytes());
    }
    // The real suites' limits are far away.
    assert!(!enc.needs_key_update());
}
