//! HKDF (RFC 5869). HKDF-Expand-Label is the provided method of the core
//! `Hkdf` trait; this file supplies Extract and Expand.

use aws_lc_rs::hkdf;
use ferrotls_core::Error;
use ferrotls_core::crypto::{HashAlgorithm, Hkdf, MAX_HASH_LEN, Secret};

use super::hmac_algorithm;

/// HKDF over one hash.
pub struct HkdfSha {
    algorithm: HashAlgorithm,
}

/// HKDF-SHA256.
pub static HKDF_SHA256: HkdfSha = HkdfSha {
    algorithm: HashAlgorithm::Sha256,
};
/// HKDF-SHA384.
pub static HKDF_SHA384: HkdfSha = HkdfSha {
    algorithm: HashAlgorithm::Sha384,
};
/// HKDF-SHA512.
pub static HKDF_SHA512: HkdfSha = HkdfSha {
    algorithm: HashAlgorithm::Sha512,
};

impl HkdfSha {
    fn hkdf_algorithm(&self) -> hkdf::Algorithm {
        match self.algorithm {
            HashAlgorithm::Sha256 => hkdf::HKDF_SHA256,
            HashAlgorithm::Sha384 => hkdf::HKDF_SHA384,
            HashAlgorithm::Sha512 => hkdf::HKDF_SHA512,
        }
    }
}

/// The output length handed to aws-lc's `Okm`.
struct OutLen(usize);

impl hkdf::KeyType for OutLen {
    fn len(&self) -> usize {
        self.0
    }
}

impl Hkdf for HkdfSha {
    /// PRK = HMAC-Hash(salt, IKM). Computed as the HMAC itself because
    /// aws-lc's `Salt::extract` keeps the PRK opaque, and TLS needs its
    /// bytes (they are the next stage's secret).
    fn extract(&self, salt: &[u8], ikm: &[u8]) -> Secret {
        let zeros = [0u8; MAX_HASH_LEN];
        let salt = if salt.is_empty() {
            &zeros[..self.hash_len()]
        } else {
            salt
        };
        let key = aws_lc_rs::hmac::Key::new(hmac_algorithm(self.algorithm), salt);
        let tag = aws_lc_rs::hmac::sign(&key, ikm);
        let mut prk = Secret::zeroed(self.hash_len());
        prk.as_mut_bytes().copy_from_slice(tag.as_ref());
        prk
    }

    fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), Error> {
        if out.len() > 255 * self.hash_len() {
            return Err(Error::General(
                "HKDF-Expand output longer than 255 blocks".into(),
            ));
        }
        // aws-lc panics on a PRK longer than its buffer; no TLS secret is.
        if prk.len() > MAX_HASH_LEN {
            return Err(Error::General("HKDF PRK longer than 64 bytes".into()));
        }
        hkdf::Prk::new_less_safe(self.hkdf_algorithm(), prk)
            .expand(info, OutLen(out.len()))
            .and_then(|okm| okm.fill(out))
            .map_err(|_| Error::General("HKDF-Expand failed".into()))
    }

    fn hash_len(&self) -> usize {
        self.algorithm.output_len()
    }
}

impl core::fmt::Debug for HkdfSha {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Hkdf({:?})", self.algorithm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_refuses_more_than_255_blocks() {
        let prk = [7u8; 32];
        let mut ok = vec![0u8; 255 * 32];
        assert!(HKDF_SHA256.expand(&prk, &[b"x"], &mut ok).is_ok());
        let mut too_long = vec![0u8; 255 * 32 + 1];
        assert!(HKDF_SHA256.expand(&prk, &[b"x"], &mut too_long).is_err());
        let mut out = [0u8; 32];
        assert!(HKDF_SHA256.expand(&[0u8; 65], &[], &mut out).is_err());
    }

    #[test]
    fn expand_label_rejects_oversized_labels() {
        let mut out = [0u8; 32];
        let label = [b'a'; 250];
        assert!(
            HKDF_SHA256
                .expand_label(&[1; 32], &label, &[], &mut out)
                .is_err()
        );
    }

    #[test]
    fn extract_with_empty_salt_equals_zero_salt() {
        let a = HKDF_SHA384.extract(&[], b"ikm");
        let b = HKDF_SHA384.extract(&[0u8; 48], b"ikm");
        assert_eq!(a, b);
        assert_eq!(a.len(), 48);
    }
}
