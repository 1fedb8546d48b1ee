//! Private keys that sign handshakes: ECDSA P-256/P-384, RSA (PSS and
//! PKCS#1 v1.5) and Ed25519, loaded from PKCS#8, SEC1 or PKCS#1 DER.
//!
//! The key material lives inside aws-lc (freed with cleansing); these types
//! only hold handles, and their `Debug` names the key type, never bytes.

use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use aws_lc_rs::signature::{self, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair};
use ferrotls_core::crypto::{KeyProvider, SignatureKind, SigningKey};
use ferrotls_core::{Error, PrivateKeyDer, PrivateKeyFormat, SignatureScheme};

use crate::der::{self, KeyAlgorithm};

/// Loads private keys for the default provider.
#[derive(Debug)]
pub struct AwsLcKeyProvider;

/// The one instance the default provider uses.
pub static KEY_PROVIDER: AwsLcKeyProvider = AwsLcKeyProvider;

impl KeyProvider for AwsLcKeyProvider {
    fn load_private_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, Error> {
        let der = key.secret_der();
        match key.format() {
            PrivateKeyFormat::Pkcs8 => {
                let alg = der::pkcs8_algorithm(der)
                    .map_err(|_| Error::InvalidKey("PKCS#8 key does not parse"))?;
                match alg {
                    KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => {
                        Ok(Arc::new(EcdsaSigningKey::from_pkcs8(alg, der)?))
                    }
                    KeyAlgorithm::Rsa => Ok(Arc::new(RsaSigningKey::new(
                        RsaKeyPair::from_pkcs8(der)
                            .map_err(|_| Error::InvalidKey("RSA PKCS#8 key rejected"))?,
                    ))),
                    KeyAlgorithm::Ed25519 => Ok(Arc::new(Ed25519SigningKey {
                        key: Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                            .map_err(|_| Error::InvalidKey("Ed25519 PKCS#8 key rejected"))?,
                    })),
                    KeyAlgorithm::EcOtherCurve => Err(Error::NotSupported(
                        "ECDSA private key on a curve other than P-256 or P-384",
                    )),
                    KeyAlgorithm::Other => Err(Error::NotSupported(
                        "private key algorithm other than ECDSA, RSA or Ed25519",
                    )),
                }
            }
            PrivateKeyFormat::Sec1 => {
                let curve = der::sec1_curve(der)
                    .map_err(|_| Error::InvalidKey("SEC1 key does not parse"))?;
                match curve {
                    Some(alg @ (KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384)) => {
                        Ok(Arc::new(EcdsaSigningKey::from_sec1(alg, der)?))
                    }
                    Some(_) => Err(Error::NotSupported(
                        "ECDSA private key on a curve other than P-256 or P-384",
                    )),
                    None => Err(Error::InvalidKey("SEC1 key names no known curve")),
                }
            }
            PrivateKeyFormat::Pkcs1 => Ok(Arc::new(RsaSigningKey::new(
                RsaKeyPair::from_der(der)
                    .map_err(|_| Error::InvalidKey("RSA PKCS#1 key rejected"))?,
            ))),
        }
    }
}

/// The signing algorithm and TLS scheme of an ECDSA key on `curve`. The
/// scheme fixes the hash to the curve (RFC 8446 4.2.3), so each key has
/// exactly one.
fn ecdsa_params(
    curve: KeyAlgorithm,
) -> Result<(&'static EcdsaSigningAlgorithm, SignatureScheme), Error> {
    match curve {
        KeyAlgorithm::EcP256 => Ok((
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            SignatureScheme::ECDSA_SECP256R1_SHA256,
        )),
        KeyAlgorithm::EcP384 => Ok((
            &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
            SignatureScheme::ECDSA_SECP384R1_SHA384,
        )),
        _ => Err(Error::NotSupported("ECDSA curve")),
    }
}

/// An ECDSA key on P-256 or P-384; signatures are DER `Ecdsa-Sig-Value`.
pub struct EcdsaSigningKey {
    key: EcdsaKeyPair,
    scheme: [SignatureScheme; 1],
}

impl EcdsaSigningKey {
    fn from_pkcs8(curve: KeyAlgorithm, der: &[u8]) -> Result<Self, Error> {
        let (alg, scheme) = ecdsa_params(curve)?;
        let key = EcdsaKeyPair::from_pkcs8(alg, der)
            .map_err(|_| Error::InvalidKey("ECDSA PKCS#8 key rejected"))?;
        Ok(Self {
            key,
            scheme: [scheme],
        })
    }

    fn from_sec1(curve: KeyAlgorithm, der: &[u8]) -> Result<Self, Error> {
        let (alg, scheme) = ecdsa_params(curve)?;
        let key = EcdsaKeyPair::from_private_key_der(alg, der)
            .map_err(|_| Error::InvalidKey("ECDSA SEC1 key rejected"))?;
        Ok(Self {
            key,
            scheme: [scheme],
        })
    }
}

impl SigningKey for EcdsaSigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        &self.scheme
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        if scheme != self.scheme[0] {
            return Err(Error::InvalidKey(
                "signature scheme does not fit this ECDSA key",
            ));
        }
        self.key
            .sign(&SystemRandom::new(), message)
            .map(|sig| sig.as_ref().to_vec())
            .map_err(|_| Error::General("ECDSA signing failed".into()))
    }

    fn kind(&self) -> SignatureKind {
        SignatureKind::Ecdsa
    }
}

impl core::fmt::Debug for EcdsaSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "EcdsaSigningKey({:?}, <redacted>)", self.scheme[0])
    }
}

/// RSA-PSS first: TLS 1.3 allows only PSS, and the handshake drops the
/// PKCS#1 schemes there.
const RSA_SCHEMES: [SignatureScheme; 6] = [
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

/// An RSA key (2048 to 8192 bits, as aws-lc accepts).
pub struct RsaSigningKey {
    key: RsaKeyPair,
}

impl RsaSigningKey {
    fn new(key: RsaKeyPair) -> Self {
        Self { key }
    }
}

impl SigningKey for RsaSigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        &RSA_SCHEMES
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        let encoding: &'static dyn signature::RsaEncoding = match scheme {
            SignatureScheme::RSA_PSS_RSAE_SHA256 => &signature::RSA_PSS_SHA256,
            SignatureScheme::RSA_PSS_RSAE_SHA384 => &signature::RSA_PSS_SHA384,
            SignatureScheme::RSA_PSS_RSAE_SHA512 => &signature::RSA_PSS_SHA512,
            SignatureScheme::RSA_PKCS1_SHA256 => &signature::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PKCS1_SHA384 => &signature::RSA_PKCS1_SHA384,
            SignatureScheme::RSA_PKCS1_SHA512 => &signature::RSA_PKCS1_SHA512,
            _ => {
                return Err(Error::InvalidKey(
                    "signature scheme does not fit this RSA key",
                ));
            }
        };
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(encoding, &SystemRandom::new(), message, &mut sig)
            .map_err(|_| Error::General("RSA signing failed".into()))?;
        Ok(sig)
    }

    /// `RsaPkcs1` stands for "an RSA key" here, matching the `sign` field
    /// of the ECDHE_RSA suites; the key signs both PSS and PKCS#1.
    fn kind(&self) -> SignatureKind {
        SignatureKind::RsaPkcs1
    }
}

impl core::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "RsaSigningKey({} bits, <redacted>)",
            self.key.public_modulus_len() * 8
        )
    }
}

/// An Ed25519 key (RFC 8032, pure).
pub struct Ed25519SigningKey {
    key: Ed25519KeyPair,
}

impl SigningKey for Ed25519SigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        &[SignatureScheme::ED25519]
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        if scheme != SignatureScheme::ED25519 {
            return Err(Error::InvalidKey(
                "signature scheme does not fit this Ed25519 key",
            ));
        }
        self.key
            .try_sign(message)
            .map(|sig| sig.as_ref().to_vec())
            .map_err(|_| Error::General("Ed25519 signing failed".into()))
    }

    fn kind(&self) -> SignatureKind {
        SignatureKind::Ed25519
    }
}

impl core::fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Ed25519SigningKey(<redacted>)")
    }
}
