//! Signature verification with a public key given as a DER
//! SubjectPublicKeyInfo.
//!
//! The SPKI is parsed here with the strict reader in `der`, so the key type
//! and curve are known before aws-lc is asked anything: a key of the wrong
//! type for the algorithm, or (TLS 1.3) an ECDSA key on a curve other than
//! the scheme's, fails without a verification attempt.
//!
//! RSA keys are accepted from 2048 to 8192 bits, aws-lc's range; a smaller
//! key fails as a bad signature.
//!
//! Parsing a key into aws-lc's form is a real part of a verification (for
//! RSA, the Montgomery constants of the modulus are computed on the first
//! use of a parsed key and kept with it), and a client sees the same few
//! keys again and again: its trust anchors and the servers it talks to.
//! So the last [`KEY_CACHE_SIZE`] parsed keys are kept, found by their
//! algorithm and exact key bytes. Only parsing is remembered: every
//! signature is verified, and a failure is never cached.
//!
//! Certificate signatures are the exception: a signature an issuer made over
//! a certificate is the same bytes every time that certificate comes back,
//! so the ones that passed are remembered ([`verified`]).

use std::sync::Arc;

use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};
use ferrotls_core::crypto::{HashAlgorithm, SignatureKind, SignatureVerifier, VerifyAlgorithm};
use ferrotls_core::{CertificateError, Error, NamedGroup, PeerMisbehaved};

use crate::der::{self, KeyAlgorithm};

mod recent;
pub mod verified;

use recent::Recent;

/// Verifies ECDSA, RSA (PSS, PKCS#1 v1.5) and Ed25519 signatures.
#[derive(Debug)]
pub struct AwsLcVerifier;

/// The one instance the default provider uses.
pub static VERIFIER: AwsLcVerifier = AwsLcVerifier;

fn bad_signature() -> Error {
    PeerMisbehaved::BadSignature.into()
}

/// The aws-lc algorithm for `alg` with a key of type `key`, or why not.
fn select(
    alg: VerifyAlgorithm,
    key: KeyAlgorithm,
) -> Result<&'static dyn VerificationAlgorithm, Error> {
    use HashAlgorithm::*;
    use KeyAlgorithm::*;
    Ok(match (alg.kind, key, alg.hash) {
        (SignatureKind::Ecdsa, EcP256 | EcP384, Some(hash)) => {
            let curve = if key == EcP256 {
                NamedGroup::SECP256R1
            } else {
                NamedGroup::SECP384R1
            };
            // TLS 1.3 binds the curve to the scheme (RFC 8446 4.2.3).
            if alg.curve.is_some_and(|want| want != curve) {
                return Err(bad_signature());
            }
            match (key, hash) {
                (EcP256, Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
                (EcP256, Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
                (EcP256, Sha512) => &signature::ECDSA_P256_SHA512_ASN1,
                (_, Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
                (_, Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
                (_, Sha512) => &signature::ECDSA_P384_SHA512_ASN1,
            }
        }
        (SignatureKind::RsaPkcs1, Rsa, Some(hash)) => match hash {
            Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        },
        (SignatureKind::RsaPss, Rsa, Some(hash)) => match hash {
            Sha256 => &signature::RSA_PSS_2048_8192_SHA256,
            Sha384 => &signature::RSA_PSS_2048_8192_SHA384,
            Sha512 => &signature::RSA_PSS_2048_8192_SHA512,
        },
        (SignatureKind::Ed25519, Ed25519, None) => &signature::ED25519,
        (_, EcOtherCurve, _) | (_, Other, _) => {
            return Err(CertificateError::UnsupportedSignatureAlgorithm.into());
        }
        // The key is of another type than the algorithm needs.
        _ => return Err(bad_signature()),
    })
}

impl SignatureVerifier for AwsLcVerifier {
    fn verify(
        &self,
        alg: VerifyAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let spki = der::subject_public_key_info(spki)
            .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let algorithm = select(alg, spki.algorithm)?;
        let id = AlgorithmId(alg.kind, spki.algorithm, alg.hash);
        parsed_key(id, algorithm, spki.key)?
            .verify_sig(message, signature)
            .map_err(|_| bad_signature())
    }

    fn verify_certificate_signature(
        &self,
        alg: VerifyAlgorithm,
        issuer_spki: &[u8],
        tbs: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        if verified::seen(alg, issuer_spki, tbs, signature) {
            return Ok(());
        }
        self.verify(alg, issuer_spki, tbs, signature)?;
        verified::remember(alg, issuer_spki, tbs, signature);
        Ok(())
    }
}

/// How many parsed public keys the verifier's key cache keeps: enough for
/// a client's anchors and the leaves of the servers it is busy with,
/// small enough that a linear scan is cheaper than hashing the key bytes.
pub const KEY_CACHE_SIZE: usize = 16;

/// What [`select`] chose an aws-lc algorithm from, which determines it: a
/// key is parsed for one algorithm (padding and hash included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AlgorithmId(SignatureKind, KeyAlgorithm, Option<HashAlgorithm>);

/// A parsed key and what it was parsed from.
struct CachedKey {
    algorithm: AlgorithmId,
    bytes: Box<[u8]>,
    key: Arc<ParsedPublicKey>,
}

/// Recently parsed keys, most recently used first. Public data only.
static KEY_CACHE: Recent<CachedKey> = Recent::new(KEY_CACHE_SIZE);

/// The parsed form of `key` for `algorithm`, from the cache or parsed now.
/// A key aws-lc refuses is a bad signature, as it was when parsed per call.
fn parsed_key(
    id: AlgorithmId,
    algorithm: &'static dyn VerificationAlgorithm,
    key: &[u8],
) -> Result<Arc<ParsedPublicKey>, Error> {
    let same = |c: &CachedKey| c.algorithm == id && *c.bytes == *key;
    if let Some(parsed) = KEY_CACHE.find(same, |c| c.key.clone()) {
        return Ok(parsed);
    }
    // Parsed outside the lock: other threads' verifications do not wait
    // for this one's key setup.
    let parsed = Arc::new(ParsedPublicKey::new(algorithm, key).map_err(|_| bad_signature())?);
    let entry = CachedKey {
        algorithm: id,
        bytes: key.into(),
        key: parsed.clone(),
    };
    KEY_CACHE.insert(entry, same);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use std::sync::{Mutex, PoisonError};

    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

    const P256_SHA256: AlgorithmId = AlgorithmId(
        SignatureKind::Ecdsa,
        KeyAlgorithm::EcP256,
        Some(HashAlgorithm::Sha256),
    );

    fn p256_key() -> EcdsaKeyPair {
        let rng = SystemRandom::new();
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("keygen");
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref()).expect("key")
    }

    fn lookup(id: AlgorithmId, key: &[u8]) -> Result<Arc<ParsedPublicKey>, Error> {
        let alg = select(
            VerifyAlgorithm {
                kind: id.0,
                hash: id.2,
                curve: None,
            },
            id.1,
        )?;
        parsed_key(id, alg, key)
    }

    fn cached(key: &[u8]) -> bool {
        KEY_CACHE
            .find(|c| c.algorithm == P256_SHA256 && *c.bytes == *key, |_| ())
            .is_some()
    }

    /// A cached key still checks every signature: a good one passes each
    /// time, a bad one fails each time, with the same key object.
    #[test]
    fn cached_key_verifies_every_signature() {
        let kp = p256_key();
        let public = kp.public_key().as_ref();
        let good = kp.sign(&SystemRandom::new(), b"message").expect("sign");
        for _ in 0..3 {
            let key = lookup(P256_SHA256, public).expect("parse");
            assert!(key.verify_sig(b"message", good.as_ref()).is_ok());
            assert!(key.verify_sig(b"massage", good.as_ref()).is_err());
        }
        let a = lookup(P256_SHA256, public).expect("parse");
        let b = lookup(P256_SHA256, public).expect("parse");
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second lookup reuses the parsed key"
        );
    }

    /// Keys that do not parse are refused every time and never stored;
    /// the cache stays bounded however many keys pass through it.
    #[test]
    fn refused_keys_are_not_cached_and_size_is_bounded() {
        let garbage = [4u8; 65];
        assert!(lookup(P256_SHA256, &garbage).is_err());
        assert!(lookup(P256_SHA256, &garbage).is_err());
        assert!(!cached(&garbage));
        let keys: Vec<Vec<u8>> = (0..KEY_CACHE_SIZE + 4)
            .map(|_| p256_key().public_key().as_ref().to_vec())
            .collect();
        for k in &keys {
            lookup(P256_SHA256, k).expect("parse");
        }
        assert!(KEY_CACHE.len() <= KEY_CACHE_SIZE);
        assert!(cached(&keys[keys.len() - 1]), "the newest key is kept");
    }

    /// The same bytes under another hash are another entry: a key parsed
    /// for one algorithm is not used with another.
    #[test]
    fn entries_are_per_algorithm() {
        let kp = p256_key();
        let public = kp.public_key().as_ref();
        let sha384 = AlgorithmId(P256_SHA256.0, P256_SHA256.1, Some(HashAlgorithm::Sha384));
        let a = lookup(P256_SHA256, public).expect("parse");
        let b = lookup(sha384, public).expect("parse");
        assert!(!Arc::ptr_eq(&a, &b));
        let sig = kp.sign(&SystemRandom::new(), b"m").expect("sign");
        assert!(a.verify_sig(b"m", sig.as_ref()).is_ok());
        assert!(
            b.verify_sig(b"m", sig.as_ref()).is_err(),
            "SHA-384 over a SHA-256 signature"
        );
    }

    /// Through the provider's entry point: one key, a good and a bad
    /// signature, repeatedly (the second round is served from the cache).
    #[test]
    fn verifier_checks_each_call() {
        let kp = p256_key();
        let spki = p256_spki(&kp);
        let sig = kp.sign(&SystemRandom::new(), b"tbs").expect("sign");
        for _ in 0..2 {
            assert!(
                VERIFIER
                    .verify(ECDSA_SHA256, &spki, b"tbs", sig.as_ref())
                    .is_ok()
            );
            assert!(
                VERIFIER
                    .verify(ECDSA_SHA256, &spki, b"tbS", sig.as_ref())
                    .is_err()
            );
        }
    }

    /// Serialises the tests that fill the signature memo, which is global.
    static MEMO_TESTS: Mutex<()> = Mutex::new(());

    fn p256_spki(kp: &EcdsaKeyPair) -> Vec<u8> {
        let mut spki = vec![
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        spki.extend_from_slice(kp.public_key().as_ref());
        spki
    }

    const ECDSA_SHA256: VerifyAlgorithm = VerifyAlgorithm {
        kind: SignatureKind::Ecdsa,
        hash: Some(HashAlgorithm::Sha256),
        curve: None,
    };

    /// A certificate signature that verified is answered from memory the
    /// next time, and only for exactly the same algorithm, key, body and
    /// signature; a bad one fails every time and is never remembered.
    #[test]
    fn certificate_signatures_are_remembered_exactly() {
        let _serial = MEMO_TESTS.lock().unwrap_or_else(PoisonError::into_inner);
        let kp = p256_key();
        let spki = p256_spki(&kp);
        let tbs = b"a certificate body".to_vec();
        let sig = kp.sign(&SystemRandom::new(), &tbs).expect("sign");
        let sig = sig.as_ref();
        assert!(!verified::seen(ECDSA_SHA256, &spki, &tbs, sig));
        for _ in 0..2 {
            assert!(
                VERIFIER
                    .verify_certificate_signature(ECDSA_SHA256, &spki, &tbs, sig)
                    .is_ok()
            );
            assert!(verified::seen(ECDSA_SHA256, &spki, &tbs, sig));
        }
        // Each part of the entry counts: a change to any is a fresh check.
        let mut other_tbs = tbs.clone();
        other_tbs[0] ^= 1;
        let mut other_sig = sig.to_vec();
        let last = other_sig.len() - 1;
        other_sig[last] ^= 1;
        let other_key = p256_spki(&p256_key());
        let sha384 = VerifyAlgorithm {
            hash: Some(HashAlgorithm::Sha384),
            ..ECDSA_SHA256
        };
        assert!(!verified::seen(ECDSA_SHA256, &spki, &other_tbs, sig));
        assert!(!verified::seen(ECDSA_SHA256, &spki, &tbs, &other_sig));
        assert!(!verified::seen(ECDSA_SHA256, &other_key, &tbs, sig));
        assert!(!verified::seen(sha384, &spki, &tbs, sig));
        for _ in 0..2 {
            let bad = [
                VERIFIER.verify_certificate_signature(ECDSA_SHA256, &spki, &other_tbs, sig),
                VERIFIER.verify_certificate_signature(ECDSA_SHA256, &spki, &tbs, &other_sig),
                VERIFIER.verify_certificate_signature(ECDSA_SHA256, &other_key, &tbs, sig),
                VERIFIER.verify_certificate_signature(sha384, &spki, &tbs, sig),
            ];
            assert!(bad.iter().all(|r| r.is_err()), "{bad:?}");
        }
        assert!(!verified::seen(ECDSA_SHA256, &spki, &other_tbs, sig));
        assert!(!verified::seen(ECDSA_SHA256, &spki, &tbs, &other_sig));
        assert!(!verified::seen(ECDSA_SHA256, &other_key, &tbs, sig));
        assert!(!verified::seen(sha384, &spki, &tbs, sig));
    }

    /// The memo holds at most `MEMO_SIZE` entries, keeps the newest, and
    /// does not keep an entry larger than `MAX_ENTRY_BYTES` (which still
    /// verifies).
    #[test]
    fn certificate_signature_memo_is_bounded() {
        let _serial = MEMO_TESTS.lock().unwrap_or_else(PoisonError::into_inner);
        let kp = p256_key();
        let spki = p256_spki(&kp);
        let rng = SystemRandom::new();
        let bodies: Vec<Vec<u8>> = (0..verified::MEMO_SIZE + 3)
            .map(|i| format!("certificate {i}").into_bytes())
            .collect();
        let sigs: Vec<_> = bodies
            .iter()
            .map(|b| kp.sign(&rng, b).expect("sign"))
            .collect();
        for (b, s) in bodies.iter().zip(&sigs) {
            VERIFIER
                .verify_certificate_signature(ECDSA_SHA256, &spki, b, s.as_ref())
                .expect("good signature");
        }
        assert_eq!(verified::len(), verified::MEMO_SIZE);
        let newest = bodies.len() - 1;
        assert!(verified::seen(
            ECDSA_SHA256,
            &spki,
            &bodies[newest],
            sigs[newest].as_ref()
        ));
        assert!(!verified::seen(
            ECDSA_SHA256,
            &spki,
            &bodies[0],
            sigs[0].as_ref()
        ));

        let big = vec![0x30; verified::MAX_ENTRY_BYTES];
        let big_sig = kp.sign(&rng, &big).expect("sign");
        for _ in 0..2 {
            VERIFIER
                .verify_certificate_signature(ECDSA_SHA256, &spki, &big, big_sig.as_ref())
                .expect("good signature");
            assert!(!verified::seen(ECDSA_SHA256, &spki, &big, big_sig.as_ref()));
        }
    }
}
