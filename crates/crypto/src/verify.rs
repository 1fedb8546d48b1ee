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

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use ferrotls_core::crypto::{HashAlgorithm, SignatureKind, SignatureVerifier, VerifyAlgorithm};
use ferrotls_core::{CertificateError, Error, NamedGroup, PeerMisbehaved};

use crate::der::{self, KeyAlgorithm};

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
        UnparsedPublicKey::new(algorithm, spki.key)
            .verify(message, signature)
            .map_err(|_| bad_signature())
    }
}
