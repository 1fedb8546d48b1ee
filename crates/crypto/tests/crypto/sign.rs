//! Signing keys from PKCS#8, SEC1 and PKCS#1, and verification against
//! SubjectPublicKeyInfo, with keys generated at test time.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use ferrotls_core::crypto::{
    HashAlgorithm, KeyProvider, SignatureKind, SignatureVerifier, SigningKey, VerifyAlgorithm,
};
use ferrotls_core::{
    CertificateError, Error, NamedGroup, PeerMisbehaved, PrivateKeyDer, PrivateKeyFormat,
    SignatureScheme,
};
use ferrotls_crypto::sign::KEY_PROVIDER;
use ferrotls_crypto::verify::VERIFIER;

const MESSAGE: &[u8] = b"TLS 1.3, server CertificateVerify\0 transcript hash";

fn bad_signature() -> Error {
    PeerMisbehaved::BadSignature.into()
}

/// A generated key: its private DER and its SubjectPublicKeyInfo.
struct TestKey {
    private: PrivateKeyDer,
    spki: Vec<u8>,
}

fn ecdsa(alg: &'static signature::EcdsaSigningAlgorithm) -> TestKey {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref()).unwrap();
    TestKey {
        private: PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, pkcs8.as_ref().to_vec()),
        spki: pair.public_key().as_der().unwrap().as_ref().to_vec(),
    }
}

fn ecdsa_sec1(alg: &'static signature::EcdsaSigningAlgorithm) -> TestKey {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref()).unwrap();
    TestKey {
        private: PrivateKeyDer::new(
            PrivateKeyFormat::Sec1,
            pair.private_key().as_der().unwrap().as_ref().to_vec(),
        ),
        spki: pair.public_key().as_der().unwrap().as_ref().to_vec(),
    }
}

fn ed25519() -> TestKey {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    TestKey {
        private: PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, pkcs8.as_ref().to_vec()),
        spki: pair.public_key().as_der().unwrap().as_ref().to_vec(),
    }
}

/// One RSA-2048 key for the whole run: generation is the slow part.
fn rsa_pair() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| RsaKeyPair::generate(KeySize::Rsa2048).unwrap())
}

fn rsa_spki() -> Vec<u8> {
    rsa_pair().public_key().as_der().unwrap().as_ref().to_vec()
}

fn rsa_pkcs8() -> Vec<u8> {
    AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(rsa_pair())
        .unwrap()
        .as_ref()
        .to_vec()
}

/// Reads one DER element: (tag, content, rest). Test-only, trusts input.
fn tlv(der: &[u8]) -> (u8, &[u8], &[u8]) {
    let (len, start) = match der[1] {
        n if n < 0x80 => (n as usize, 2),
        0x81 => (der[2] as usize, 3),
        0x82 => (((der[2] as usize) << 8) | der[3] as usize, 4),
        _ => panic!("test helper: length form not handled"),
    };
    (der[0], &der[start..start + len], &der[start + len..])
}

/// The RSAPrivateKey (PKCS#1) inside a PKCS#8 PrivateKeyInfo: the content
/// of its privateKey OCTET STRING (RFC 5208).
fn pkcs1_from_pkcs8(pkcs8: &[u8]) -> Vec<u8> {
    let (_, info, _) = tlv(pkcs8);
    let (_, _version, rest) = tlv(info);
    let (_, _alg, rest) = tlv(rest);
    let (tag, key, _) = tlv(rest);
    assert_eq!(tag, 0x04);
    key.to_vec()
}

fn load(key: &PrivateKeyDer) -> Arc<dyn SigningKey> {
    KEY_PROVIDER.load_private_key(key).unwrap()
}

/// Signs with every scheme of `key`, verifies in TLS 1.3 and 1.2 mode, and
/// checks that a modified message or signature fails.
fn sign_and_verify(key: &dyn SigningKey, spki: &[u8], want: &[SignatureScheme]) {
    assert_eq!(key.schemes(), want);
    for &scheme in want {
        let sig = key.sign(scheme, MESSAGE).unwrap();
        for tls13 in [true, false] {
            let alg = scheme.verify_algorithm(tls13).unwrap();
            VERIFIER.verify(alg, spki, MESSAGE, &sig).unwrap();
            let mut other = MESSAGE.to_vec();
            other[0] ^= 1;
            assert_eq!(
                VERIFIER.verify(alg, spki, &other, &sig),
                Err(bad_signature()),
                "{scheme:?}"
            );
            let mut bad_sig = sig.clone();
            let last = bad_sig.len() - 1;
            bad_sig[last] ^= 1;
            assert_eq!(
                VERIFIER.verify(alg, spki, MESSAGE, &bad_sig),
                Err(bad_signature())
            );
            assert_eq!(
                VERIFIER.verify(alg, spki, MESSAGE, &[]),
                Err(bad_signature())
            );
        }
    }
}

#[test]
fn p04_ecdsa_p256_pkcs8() {
    let k = ecdsa(&signature::ECDSA_P256_SHA256_ASN1_SIGNING);
    let key = load(&k.private);
    assert_eq!(key.kind(), SignatureKind::Ecdsa);
    sign_and_verify(&*key, &k.spki, &[SignatureScheme::ECDSA_SECP256R1_SHA256]);
    assert_eq!(
        key.choose_scheme(&[
            SignatureScheme::RSA_PSS_RSAE_SHA256,
            SignatureScheme::ECDSA_SECP256R1_SHA256
        ]),
        Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
    assert!(
        key.sign(SignatureScheme::ECDSA_SECP384R1_SHA384, MESSAGE)
            .is_err()
    );
}

#[test]
fn p04_ecdsa_p384_pkcs8() {
    let k = ecdsa(&signature::ECDSA_P384_SHA384_ASN1_SIGNING);
    sign_and_verify(
        &*load(&k.private),
        &k.spki,
        &[SignatureScheme::ECDSA_SECP384R1_SHA384],
    );
}

#[test]
fn p04_ecdsa_sec1_both_curves() {
    let k = ecdsa_sec1(&signature::ECDSA_P256_SHA256_ASN1_SIGNING);
    sign_and_verify(
        &*load(&k.private),
        &k.spki,
        &[SignatureScheme::ECDSA_SECP256R1_SHA256],
    );
    let k = ecdsa_sec1(&signature::ECDSA_P384_SHA384_ASN1_SIGNING);
    sign_and_verify(
        &*load(&k.private),
        &k.spki,
        &[SignatureScheme::ECDSA_SECP384R1_SHA384],
    );
}

#[test]
fn p04_ed25519_pkcs8() {
    let k = ed25519();
    let key = load(&k.private);
    assert_eq!(key.kind(), SignatureKind::Ed25519);
    sign_and_verify(&*key, &k.spki, &[SignatureScheme::ED25519]);
}

const RSA_SCHEMES: [SignatureScheme; 6] = [
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

#[test]
fn p04_rsa_pkcs8_and_pkcs1() {
    let spki = rsa_spki();
    let pkcs8 = rsa_pkcs8();
    let key = load(&PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, pkcs8.clone()));
    assert_eq!(key.kind(), SignatureKind::RsaPkcs1);
    sign_and_verify(&*key, &spki, &RSA_SCHEMES);

    let pkcs1 = PrivateKeyDer::new(PrivateKeyFormat::Pkcs1, pkcs1_from_pkcs8(&pkcs8));
    sign_and_verify(&*load(&pkcs1), &spki, &RSA_SCHEMES);
    assert!(key.sign(SignatureScheme::ED25519, MESSAGE).is_err());
}

#[test]
fn rsa_pss_and_pkcs1_signatures_are_not_interchangeable() {
    let spki = rsa_spki();
    let key = load(&PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, rsa_pkcs8()));
    let pss = key
        .sign(SignatureScheme::RSA_PSS_RSAE_SHA256, MESSAGE)
        .unwrap();
    let alg = SignatureScheme::RSA_PKCS1_SHA256
        .verify_algorithm(false)
        .unwrap();
    assert_eq!(
        VERIFIER.verify(alg, &spki, MESSAGE, &pss),
        Err(bad_signature())
    );
    let alg = SignatureScheme::RSA_PSS_RSAE_SHA384
        .verify_algorithm(true)
        .unwrap();
    assert_eq!(
        VERIFIER.verify(alg, &spki, MESSAGE, &pss),
        Err(bad_signature())
    );
}

#[test]
fn tls13_binds_the_ecdsa_curve() {
    // A valid P-256/SHA-256 signature, checked as "ECDSA with SHA-256 on
    // P-384": TLS 1.2 semantics (curve None) accept it, TLS 1.3's curve
    // binding does not.
    let k = ecdsa(&signature::ECDSA_P256_SHA256_ASN1_SIGNING);
    let sig = load(&k.private)
        .sign(SignatureScheme::ECDSA_SECP256R1_SHA256, MESSAGE)
        .unwrap();
    let mut alg = VerifyAlgorithm {
        kind: SignatureKind::Ecdsa,
        hash: Some(HashAlgorithm::Sha256),
        curve: None,
    };
    VERIFIER.verify(alg, &k.spki, MESSAGE, &sig).unwrap();
    alg.curve = Some(NamedGroup::SECP384R1);
    assert_eq!(
        VERIFIER.verify(alg, &k.spki, MESSAGE, &sig),
        Err(bad_signature())
    );

    // The same through the scheme table: a P-384 key's signature offered
    // as ecdsa_secp256r1_sha256 in TLS 1.3.
    let k = ecdsa(&signature::ECDSA_P384_SHA384_ASN1_SIGNING);
    let sig = load(&k.private)
        .sign(SignatureScheme::ECDSA_SECP384R1_SHA384, MESSAGE)
        .unwrap();
    let alg = SignatureScheme::ECDSA_SECP256R1_SHA256
        .verify_algorithm(true)
        .unwrap();
    assert_eq!(
        VERIFIER.verify(alg, &k.spki, MESSAGE, &sig),
        Err(bad_signature())
    );
}

#[test]
fn key_type_mismatch_is_a_bad_signature() {
    let ec = ecdsa(&signature::ECDSA_P256_SHA256_ASN1_SIGNING);
    let ed = ed25519();
    let rsa = rsa_spki();
    let ec_sig = load(&ec.private)
        .sign(SignatureScheme::ECDSA_SECP256R1_SHA256, MESSAGE)
        .unwrap();
    let ed_sig = load(&ed.private)
        .sign(SignatureScheme::ED25519, MESSAGE)
        .unwrap();

    let cases: [(SignatureScheme, &[u8], &[u8]); 5] = [
        (SignatureScheme::RSA_PSS_RSAE_SHA256, &ec.spki, &ec_sig),
        (SignatureScheme::ED25519, &ec.spki, &ec_sig),
        (SignatureScheme::ECDSA_SECP256R1_SHA256, &ed.spki, &ed_sig),
        (SignatureScheme::RSA_PKCS1_SHA256, &ed.spki, &ed_sig),
        (SignatureScheme::ECDSA_SECP256R1_SHA256, &rsa, &ec_sig),
    ];
    for (scheme, spki, sig) in cases {
        for tls13 in [true, false] {
            let alg = scheme.verify_algorithm(tls13).unwrap();
            assert_eq!(
                VERIFIER.verify(alg, spki, MESSAGE, sig),
                Err(bad_signature()),
                "{scheme:?}"
            );
        }
    }
}

#[test]
fn r01_garbage_spki_is_bad_encoding_and_never_panics() {
    let bad_encoding = Error::InvalidCertificate(CertificateError::BadEncoding);
    let alg = SignatureScheme::ECDSA_SECP256R1_SHA256
        .verify_algorithm(true)
        .unwrap();
    for garbage in [
        &[][..],
        &[0x30],
        &[0x30, 0x80, 0, 0],
        &[0xff; 64],
        b"not DER at all",
    ] {
        assert_eq!(
            VERIFIER.verify(alg, garbage, MESSAGE, &[0; 64]),
            Err(bad_encoding.clone())
        );
    }

    let k = ecdsa(&signature::ECDSA_P256_SHA256_ASN1_SIGNING);
    let sig = load(&k.private)
        .sign(SignatureScheme::ECDSA_SECP256R1_SHA256, MESSAGE)
        .unwrap();
    let mut trailing = k.spki.clone();
    trailing.push(0);
    assert_eq!(
        VERIFIER.verify(alg, &trailing, MESSAGE, &sig),
        Err(bad_encoding.clone())
    );

    // Every truncation is refused; every single-byte corruption is refused
    // or fails as a signature, and none panics.
    let rsa = rsa_spki();
    let ed = ed25519();
    let schemes = [
        SignatureScheme::ECDSA_SECP256R1_SHA256,
        SignatureScheme::RSA_PSS_RSAE_SHA256,
        SignatureScheme::ED25519,
    ];
    for (spki, scheme) in [
        (&k.spki, schemes[0]),
        (&rsa, schemes[1]),
        (&ed.spki, schemes[2]),
    ] {
        let alg = scheme.verify_algorithm(true).unwrap();
        for n in 0..spki.len() {
            assert!(VERIFIER.verify(alg, &spki[..n], MESSAGE, &sig).is_err());
        }
        for i in 0..spki.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = spki.to_vec();
                bad[i] ^= flip;
                assert!(VERIFIER.verify(alg, &bad, MESSAGE, &sig).is_err());
            }
        }
    }
}

#[test]
fn unsupported_keys_fail_loudly() {
    // An SPKI for an algorithm we do not know (id-X25519, 1.3.101.110).
    let mut x25519_spki = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
    ];
    x25519_spki.extend([7u8; 32]);
    let alg = SignatureScheme::ED25519.verify_algorithm(true).unwrap();
    assert_eq!(
        VERIFIER.verify(alg, &x25519_spki, MESSAGE, &[0; 64]),
        Err(Error::InvalidCertificate(
            CertificateError::UnsupportedSignatureAlgorithm
        ))
    );

    // A P-521 key: neither verification nor signing supports the curve.
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(
        &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
        &SystemRandom::new(),
    )
    .unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P521_SHA512_ASN1_SIGNING, pkcs8.as_ref())
        .unwrap();
    let spki = pair.public_key().as_der().unwrap();
    let alg = SignatureScheme::ECDSA_SECP256R1_SHA256
        .verify_algorithm(false)
        .unwrap();
    assert_eq!(
        VERIFIER.verify(alg, spki.as_ref(), MESSAGE, &[0; 64]),
        Err(Error::InvalidCertificate(
            CertificateError::UnsupportedSignatureAlgorithm
        ))
    );
    let der = PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, pkcs8.as_ref().to_vec());
    assert!(matches!(
        KEY_PROVIDER.load_private_key(&der).unwrap_err(),
        Error::NotSupported(_)
    ));

    // Garbage in each private key format is an InvalidKey, not a panic.
    for format in [
        PrivateKeyFormat::Pkcs8,
        PrivateKeyFormat::Sec1,
        PrivateKeyFormat::Pkcs1,
    ] {
        for der in [vec![], vec![0x30, 0x00], vec![0xff; 40]] {
            let err = KEY_PROVIDER
                .load_private_key(&PrivateKeyDer::new(format, der))
                .unwrap_err();
            assert!(matches!(err, Error::InvalidKey(_)), "{format:?}: {err:?}");
        }
    }
    // A PKCS#1 key handed in as SEC1 is refused.
    let pkcs1 = pkcs1_from_pkcs8(&rsa_pkcs8());
    assert!(
        KEY_PROVIDER
            .load_private_key(&PrivateKeyDer::new(PrivateKeyFormat::Sec1, pkcs1))
            .is_err()
    );
}

#[test]
fn r03_signing_key_debug_shows_no_key_bytes() {
    let pkcs8 = rsa_pkcs8();
    let keys = [
        (
            ecdsa(&signature::ECDSA_P256_SHA256_ASN1_SIGNING).private,
            "Ecdsa",
        ),
        (ed25519().private, "Ed25519"),
        (PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, pkcs8), "Rsa"),
    ];
    for (der, name) in keys {
        let key = load(&der);
        let shown = format!("{key:?}");
        assert!(
            shown.contains(name) && shown.contains("redacted"),
            "{shown}"
        );
        // No run of the DER (which holds the private key) appears in hex.
        let hex = hex::encode(der.secret_der());
        for window in hex.as_bytes().chunks(8) {
            let w = std::str::from_utf8(window).unwrap();
            assert!(w.len() < 8 || !shown.contains(w), "{shown}");
        }
    }
}
