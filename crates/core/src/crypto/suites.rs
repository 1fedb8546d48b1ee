//! Cipher suite descriptors: which AEAD, hash and key derivation a suite
//! uses, and the per-key usage limits of RFC 8446 section 5.5.

use core::fmt;

use super::{AeadAlgorithm, Hash, Hkdf, Hmac, SignatureKind, Tls12Prf};
use crate::enums::{CipherSuite, ProtocolVersion};

/// A TLS 1.3 suite: AEAD + HKDF hash.
pub struct Tls13CipherSuite {
    /// The identifier.
    pub suite: CipherSuite,
    /// The transcript and HKDF hash.
    pub hash: &'static dyn Hash,
    /// HMAC over that hash (Finished, binders).
    pub hmac: &'static dyn Hmac,
    /// HKDF over that hash (key schedule).
    pub hkdf: &'static dyn Hkdf,
    /// The record protection.
    pub aead: &'static dyn AeadAlgorithm,
    /// Records one key may encrypt before a KeyUpdate is due (RFC 8446 5.5).
    pub confidentiality_limit: u64,
    /// Failed decryptions one key may see before the connection must end.
    pub integrity_limit: u64,
}

/// How a TLS 1.2 suite forms its per-record nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls12AeadKind {
    /// AES-GCM (RFC 5288): 4-byte implicit salt + 8-byte explicit nonce sent
    /// in each record.
    Gcm,
    /// ChaCha20-Poly1305 (RFC 7905): 12-byte IV XOR sequence number, no
    /// explicit nonce.
    ChaCha20Poly1305,
}

impl Tls12AeadKind {
    /// Bytes of implicit IV derived from the key block.
    pub fn fixed_iv_len(self) -> usize {
        match self {
            Self::Gcm => 4,
            Self::ChaCha20Poly1305 => 12,
        }
    }

    /// Bytes of explicit nonce carried in each record.
    pub fn explicit_nonce_len(self) -> usize {
        match self {
            Self::Gcm => 8,
            Self::ChaCha20Poly1305 => 0,
        }
    }
}

/// A TLS 1.2 ECDHE + AEAD suite.
pub struct Tls12CipherSuite {
    /// The identifier.
    pub suite: CipherSuite,
    /// The PRF hash.
    pub hash: &'static dyn Hash,
    /// HMAC over that hash.
    pub hmac: &'static dyn Hmac,
    /// The PRF.
    pub prf: &'static dyn Tls12Prf,
    /// The record protection.
    pub aead: &'static dyn AeadAlgorithm,
    /// The nonce construction.
    pub aead_kind: Tls12AeadKind,
    /// The server's signature family (ECDSA or RSA).
    pub sign: SignatureKind,
    /// Records one key may encrypt (RFC 8446 5.5 applied to 1.2 as well).
    pub confidentiality_limit: u64,
}

/// Either version's suite.
#[derive(Clone, Copy)]
pub enum SupportedCipherSuite {
    /// A TLS 1.3 suite.
    Tls13(&'static Tls13CipherSuite),
    /// A TLS 1.2 suite.
    Tls12(&'static Tls12CipherSuite),
}

impl SupportedCipherSuite {
    /// The identifier.
    pub fn suite(&self) -> CipherSuite {
        match self {
            Self::Tls13(s) => s.suite,
            Self::Tls12(s) => s.suite,
        }
    }

    /// The protocol version the suite belongs to.
    pub fn version(&self) -> ProtocolVersion {
        match self {
            Self::Tls13(_) => ProtocolVersion::TLSv1_3,
            Self::Tls12(_) => ProtocolVersion::TLSv1_2,
        }
    }

    /// The suite's hash.
    pub fn hash(&self) -> &'static dyn Hash {
        match self {
            Self::Tls13(s) => s.hash,
            Self::Tls12(s) => s.hash,
        }
    }
}

impl fmt::Debug for SupportedCipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.suite())
    }
}

impl fmt::Debug for Tls13CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.suite)
    }
}

impl fmt::Debug for Tls12CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.suite)
    }
}
