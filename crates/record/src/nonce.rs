//! Per-record nonces (RFC 8446 section 5.3, RFC 7905 section 2).

use core::fmt;

use ferrotls_core::Error;
use ferrotls_core::crypto::NONCE_LEN;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A write or read IV: secret key material, so wiped on drop and hidden
/// from `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Iv([u8; NONCE_LEN]);

impl Iv {
    /// Copies a 12-byte IV; any other length is a key schedule bug.
    pub(crate) fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let mut iv = Self([0u8; NONCE_LEN]);
        if bytes.len() != NONCE_LEN {
            return Err(Error::InvalidKey("IV length"));
        }
        iv.0.copy_from_slice(bytes);
        Ok(iv)
    }

    /// Builds an IV from a 4-byte TLS 1.2 GCM salt; the other 8 bytes are
    /// zero so that [`Iv::nonce_for`] fills them with the explicit nonce.
    pub(crate) fn from_salt(salt: &[u8]) -> Result<Self, Error> {
        let mut iv = Self([0u8; NONCE_LEN]);
        if salt.len() != 4 {
            return Err(Error::InvalidKey("GCM fixed IV length"));
        }
        iv.0[..4].copy_from_slice(salt);
        Ok(iv)
    }

    /// The IV XOR the sequence number left-padded to the IV length.
    pub(crate) fn nonce_for(&self, seq: u64) -> [u8; NONCE_LEN] {
        let mut nonce = self.0;
        for (n, s) in nonce[NONCE_LEN - 8..].iter_mut().zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        nonce
    }
}

impl fmt::Debug for Iv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Iv(<redacted>)")
    }
}
