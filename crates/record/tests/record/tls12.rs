use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ferrotls_core::crypto::{Tls12AeadKind, Tls12CipherSuite};
use ferrotls_core::{AlertDescription, ContentType, Error, PeerMisbehaved};
use ferrotls_crypto::{
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};
use ferrotls_record::{
    MAX_CONSECUTIVE_EMPTY_RECORDS, MAX_PLAINTEXT, tls12_decrypter, tls12_encrypter,
};

use crate::common::{alert_of, deframe_all};

pub fn suites() -> [(&'static Tls12CipherSuite, &'static aead::Algorithm); 6] {
    [
        (&TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &aead::AES_128_GCM),
        (&TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, &aead::AES_256_GCM),
        (
            &TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            &aead::CHACHA20_POLY1305,
        ),
        (&TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, &aead::AES_128_GCM),
        (&TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, &aead::AES_256_GCM),
        (
            &TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            &aead::CHACHA20_POLY1305,
        ),
    ]
}

pub fn key_iv(suite: &Tls12CipherSuite, seed: u8) -> (Vec<u8>, Vec<u8>) {
    let key = (0..suite.aead.key_len() as u8).map(|i| i ^ seed).collect();
    let iv = (0..suite.aead_kind.fixed_iv_len() as u8)
        .map(|i| i.wrapping_mul(37) ^ seed)
        .collect();
    (key, iv)
}

/// seq_num || type || version || length, built independently here.
fn aad(seq: u64, ct: u8, len: usize) -> Vec<u8> {
    let mut a = seq.to_be_bytes().to_vec();
    a.extend([ct, 0x03, 0x03]);
    a.extend((len as u16).to_be_bytes());
    a
}

/// The nonce the RFCs prescribe: GCM salt || explicit, ChaCha iv ^ seq.
fn nonce(kind: Tls12AeadKind, iv: &[u8], seq: u64, explicit: &[u8]) -> [u8; 12] {
    let mut n = [0u8; 12];
    match kind {
        Tls12AeadKind::Gcm => {
            n[..4].copy_from_slice(iv);
            n[4..].copy_from_slice(explicit);
        }
        Tls12AeadKind::ChaCha20Poly1305 => {
            n.copy_from_slice(iv);
            for (b, s) in n[4..].iter_mut().zip(seq.to_be_bytes()) {
                *b ^= s;
            }
        }
    }
    n
}

/// Opens a record with aws-lc-rs directly; returns the plaintext.
fn independent_open(
    suite: &Tls12CipherSuite,
    alg: &'static aead::Algorithm,
    key: &[u8],
    iv: &[u8],
    seq: u64,
    rec: &[u8],
) -> Vec<u8> {
    let k = LessSafeKey::new(UnboundKey::new(alg, key).unwrap());
    let explicit_len = suite.aead_kind.explicit_nonce_len();
    let (explicit, body) = rec[5..].split_at(explicit_len);
    let pt_len = body.len() - 16;
    let n = nonce(suite.aead_kind, iv, seq, explicit);
    let mut buf = body.to_vec();
    let plain = k
        .open_in_place(
            Nonce::assume_unique_for_key(n),
            Aad::from(aad(seq, rec[0], pt_len)),
            &mut buf,
        )
        .expect("independent open");
    plain.to_vec()
}

/// Seals a record with aws-lc-rs directly, with a chosen explicit nonce.
#[allow(clippy::too_many_arguments)]
fn independent_seal(
    suite: &Tls12CipherSuite,
    alg: &'static aead::Algorithm,
    key: &[u8],
    iv: &[u8],
    seq: u64,
    explicit: [u8; 8],
    ct: ContentType,
    plaintext: &[u8],
) -> Vec<u8> {
    let k = LessSafeKey::new(UnboundKey::new(alg, key).unwrap());
    let explicit = &explicit[..suite.aead_kind.explicit_nonce_len()];
    let n = nonce(suite.aead_kind, iv, seq, explicit);
    let mut body = plaintext.to_vec();
    k.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(n),
        Aad::from(aad(seq, ct.get(), plaintext.len())),
        &mut body,
    )
    .unwrap();
    let len = (explicit.len() + body.len()) as u16;
    let mut rec = vec![ct.get(), 0x03, 0x03];
    rec.extend(len.to_be_bytes());
    rec.extend_from_slice(explicit);
    rec.extend(body);
    rec
}

#[test]
fn tls12_round_trip_and_independent_check_every_suite() {
    for (suite, alg) in suites() {
        let (key, iv) = key_iv(suite, 0x11);
        let mut enc = tls12_encrypter(suite, &key, &iv).unwrap();
        let explicit_len = suite.aead_kind.explicit_nonce_len();
        assert_eq!(enc.overhead(), 5 + explicit_len + 16);
        let msgs: Vec<(ContentType, Vec<u8>)> = vec![
            (ContentType::Handshake, b"finished".to_vec()),
            (ContentType::ApplicationData, vec![0xc3; MAX_PLAINTEXT]),
            (ContentType::ApplicationData, vec![]),
            (ContentType::Alert, vec![1, 0]),
        ];
        let mut wire = Vec::new();
        for (seq, (ct, body)) in msgs.iter().enumerate() {
            let start = wire.len();
            enc.encrypt(*ct, body, &mut wire).unwrap();
            let rec = &wire[start..];
            assert_eq!(rec[0], ct.get(), "TLS 1.2 sends the real type");
            assert_eq!(&rec[1..3], &[0x03, 0x03]);
            assert_eq!(rec.len(), body.len() + enc.overhead());
            if suite.aead_kind == Tls12AeadKind::Gcm {
                // The explicit nonce is the sequence number.
                assert_eq!(&rec[5..13], &(seq as u64).to_be_bytes());
            }
            assert_eq!(
                &independent_open(suite, alg, &key, &iv, seq as u64, rec),
                body,
                "{suite:?} record {seq}"
            );
        }
        for chunk in [1, 5, 999, wire.len()] {
            let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
            assert_eq!(deframe_all(&wire, chunk, &mut *dec).unwrap(), msgs);
        }
    }
}

#[test]
fn tls12_decrypter_uses_the_explicit_nonce_from_the_record() {
    for (suite, alg) in suites() {
        let (key, iv) = key_iv(suite, 0x22);
        let mut wire = Vec::new();
        for seq in 0..3u64 {
            // A peer may pick any unique explicit nonce, not only seq.
            let explicit = [0xa5, 0x5a, 0, 0, 0, 0, 0x10, seq as u8 * 3 + 1];
            wire.extend(independent_seal(
                suite,
                alg,
                &key,
                &iv,
                seq,
                explicit,
                ContentType::ApplicationData,
                format!("record {seq}").as_bytes(),
            ));
        }
        let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
        let got = deframe_all(&wire, 4, &mut *dec).unwrap();
        let texts: Vec<&[u8]> = got.iter().map(|(_, p)| p.as_slice()).collect();
        assert_eq!(texts, [&b"record 0"[..], b"record 1", b"record 2"]);
    }
}

#[test]
fn r01_tls12_tampering_and_wrong_sequence_are_bad_record_mac() {
    for (suite, alg) in suites() {
        let (key, iv) = key_iv(suite, 0x33);
        let mut enc = tls12_encrypter(suite, &key, &iv).unwrap();
        let mut rec = Vec::new();
        enc.encrypt(ContentType::ApplicationData, b"attack at dawn", &mut rec)
            .unwrap();
        // Ciphertext, tag, explicit nonce and minor version (in the AAD).
        for i in (2..rec.len()).filter(|i| !(3..5).contains(i)) {
            let mut bad = rec.clone();
            bad[i] ^= 0x40;
            let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
            assert_eq!(
                deframe_all(&bad, 9, &mut *dec).unwrap_err(),
                Error::DecryptError,
                "{suite:?} byte {i}"
            );
        }
        // The type is in the additional data too.
        let mut bad = rec.clone();
        bad[0] = ContentType::Handshake.get();
        let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
        assert_eq!(
            alert_of(deframe_all(&bad, 9, &mut *dec)),
            AlertDescription::BadRecordMac
        );
        // Sealed for sequence 1, opened as sequence 0.
        let other = independent_seal(
            suite,
            alg,
            &key,
            &iv,
            1,
            0u64.to_be_bytes(),
            ContentType::ApplicationData,
            b"x",
        );
        let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
        assert_eq!(
            deframe_all(&other, 9, &mut *dec).unwrap_err(),
            Error::DecryptError
        );
        // Too short to hold explicit nonce and tag.
        let short = [0x17, 0x03, 0x03, 0x00, 0x03, 1, 2, 3];
        let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
        assert_eq!(
            deframe_all(&short, 9, &mut *dec).unwrap_err(),
            Error::DecryptError
        );
    }
}

#[test]
fn r01_tls12_plaintext_limits_and_empty_rules() {
    let (suite, alg) = suites()[0];
    let (key, iv) = key_iv(suite, 0x44);
    let seal = |seq: u64, ct: ContentType, pt: &[u8]| {
        independent_seal(suite, alg, &key, &iv, seq, seq.to_be_bytes(), ct, pt)
    };
    // Over 2^14 of plaintext: record_overflow (refused before decrypting).
    let big = seal(0, ContentType::ApplicationData, &vec![0; MAX_PLAINTEXT + 1]);
    let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
    assert_eq!(
        deframe_all(&big, 4096, &mut *dec).unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::RecordOverflow)
    );
    // An empty handshake fragment under encryption: unexpected_message.
    let empty_hs = seal(0, ContentType::Handshake, b"");
    let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
    assert_eq!(
        alert_of(deframe_all(&empty_hs, 4096, &mut *dec)),
        AlertDescription::UnexpectedMessage
    );
    // A run of empty application data records: refused past the limit.
    let mut wire = Vec::new();
    for seq in 0..=u64::from(MAX_CONSECUTIVE_EMPTY_RECORDS) {
        wire.extend(seal(seq, ContentType::ApplicationData, b""));
    }
    let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
    assert_eq!(
        deframe_all(&wire, 4096, &mut *dec).unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::TooManyConsecutiveIgnoredRecords)
    );
}

#[test]
fn tls12_key_and_iv_lengths_are_checked() {
    for (suite, _) in suites() {
        let (key, iv) = key_iv(suite, 0x55);
        assert!(matches!(
            tls12_encrypter(suite, &key[1..], &iv).err(),
            Some(Error::InvalidKey(_))
        ));
        assert!(matches!(
            tls12_decrypter(suite, &key, &[0; 8]).err(),
            Some(Error::InvalidKey(_))
        ));
    }
}
