//! RFC 8449 record_size_limit on the receiving side: a protected record
//! whose plaintext (TLSInnerPlaintext in TLS 1.3, the fragment in TLS
//! 1.2) is larger than the limit we announced is record_overflow; one at
//! the limit passes; records in the clear are not bound by it.

use ferrotls_core::crypto::Secret;
use ferrotls_core::{AlertDescription, ContentType};
use ferrotls_crypto::{TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS13_AES_128_GCM_SHA256};
use ferrotls_record::{
    MessageEncrypter, plaintext_decrypter, tls12_decrypter, tls12_encrypter, tls13_decrypter,
    tls13_encrypter,
};

use crate::common::{alert_of, deframe_all, record};
use crate::tls12::key_iv;

fn seal(enc: &mut dyn MessageEncrypter, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    enc.encrypt(ContentType::ApplicationData, &vec![0x5a; len], &mut out)
        .unwrap();
    out
}

#[test]
fn tls13_limit_counts_the_content_type_byte() {
    let secret = Secret::from_slice(&[7; 32]).unwrap();
    for limit in [64, 512, 16385] {
        let mut enc = tls13_encrypter(&TLS13_AES_128_GCM_SHA256, &secret).unwrap();
        let mut dec = tls13_decrypter(&TLS13_AES_128_GCM_SHA256, &secret).unwrap();
        dec.set_record_size_limit(limit);
        // limit - 1 content bytes + the type byte: exactly the limit.
        let fits = seal(&mut *enc, limit - 1);
        let got = deframe_all(&fits, 4096, &mut *dec).unwrap();
        assert_eq!(got[0].1.len(), limit - 1);
        if limit <= 16384 {
            let over = seal(&mut *enc, limit);
            assert_eq!(
                alert_of(deframe_all(&over, 4096, &mut *dec)),
                AlertDescription::RecordOverflow
            );
        }
    }
}

#[test]
fn tls12_limit_is_the_fragment_length() {
    let suite = &TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    let (key, iv) = key_iv(suite, 3);
    for limit in [64, 512, 16384] {
        let mut enc = tls12_encrypter(suite, &key, &iv).unwrap();
        let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
        dec.set_record_size_limit(limit);
        let fits = seal(&mut *enc, limit);
        assert_eq!(
            deframe_all(&fits, 4096, &mut *dec).unwrap()[0].1.len(),
            limit
        );
        if limit < 16384 {
            let over = seal(&mut *enc, limit + 1);
            assert_eq!(
                alert_of(deframe_all(&over, 4096, &mut *dec)),
                AlertDescription::RecordOverflow
            );
        }
    }
}

#[test]
fn records_in_the_clear_are_not_bound() {
    let mut dec = plaintext_decrypter();
    dec.set_record_size_limit(64);
    let wire = record(ContentType::Handshake, 0x0303, &[1; 1000]);
    assert_eq!(
        deframe_all(&wire, 4096, &mut *dec).unwrap()[0].1.len(),
        1000
    );
}
