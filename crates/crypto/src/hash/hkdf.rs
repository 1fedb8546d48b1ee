//! HKDF (RFC 5869). HKDF-Expand-Label is the provided method of the core
//! `Hkdf` trait; this file supplies Extract and Expand, and Expand from a
//! PRK whose HMAC key is set up once ([`Hkdf::expander`]).

use aws_lc_rs::{hkdf, hmac};
use ferrotls_core::Error;
use ferrotls_core::crypto::{HashAlgorithm, Hkdf, HkdfExpander, MAX_HASH_LEN, Secret};

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

    fn expander<'a>(&'a self, prk: &[u8]) -> Result<Box<dyn HkdfExpander + 'a>, Error> {
        if prk.len() > MAX_HASH_LEN {
            return Err(Error::General("HKDF PRK longer than 64 bytes".into()));
        }
        Ok(Box::new(PreparedPrk {
            key: hmac::Key::new(hmac_algorithm(self.algorithm), prk),
            hash_len: self.hash_len(),
        }))
    }
}

/// A PRK as an aws-lc HMAC key: the inner and outer pad states are
/// computed once, and each expansion starts from a copy of them. aws-lc
/// wipes the key state when it is freed.
struct PreparedPrk {
    key: hmac::Key,
    hash_len: usize,
}

impl HkdfExpander for PreparedPrk {
    /// `T(i) = HMAC(PRK, T(i-1) | info | i)`, the output being `T(1) | T(2) | ...`.
    fn expand(&self, info: &[&[u8]], out: &mut [u8]) -> Result<(), Error> {
        if out.len() > 255 * self.hash_len {
            return Err(Error::General(
                "HKDF-Expand output longer than 255 blocks".into(),
            ));
        }
        let mut previous: Option<hmac::Tag> = None;
        for (i, chunk) in out.chunks_mut(self.hash_len).enumerate() {
            let mut ctx = hmac::Context::with_key(&self.key);
            if let Some(t) = &previous {
                ctx.update(t.as_ref());
            }
            for part in info {
                ctx.update(part);
            }
            // At most 255 blocks (checked above), so the counter fits.
            ctx.update(&[(i + 1) as u8]);
            let t = ctx.sign();
            chunk.copy_from_slice(&t.as_ref()[..chunk.len()]);
            previous = Some(t);
        }
        Ok(())
    }

    fn hash_len(&self) -> usize {
        self.hash_len
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

    /// The prepared PRK gives what aws-lc's HKDF-Expand gives, for every
    /// hash, lengths across block boundaries and repeated use of one PRK.
    #[test]
    fn prepared_expand_matches_hkdf_expand() {
        for hkdf in [&HKDF_SHA256, &HKDF_SHA384, &HKDF_SHA512] {
            let prk = hkdf.extract(b"salt", b"input keying material");
            let prepared = hkdf.expander(prk.as_bytes()).unwrap();
            assert_eq!(prepared.hash_len(), hkdf.hash_len());
            for len in [0, 1, 12, 16, 32, 33, 48, 64, 65, 100, 200] {
                let mut a = vec![0u8; len];
                let mut b = vec![0u8; len];
                hkdf.expand(prk.as_bytes(), &[b"in", b"fo"], &mut a)
                    .unwrap();
                prepared.expand(&[b"info"], &mut b).unwrap();
                assert_eq!(a, b, "{hkdf:?} {len}");
            }
            let mut a = [0u8; 16];
            let mut b = [0u8; 16];
            hkdf.expand_label(prk.as_bytes(), b"key", b"ctx", &mut a)
                .unwrap();
            prepared.expand_label(b"key", b"ctx", &mut b).unwrap();
            assert_eq!(a, b);
            let mut too_long = vec![0u8; 255 * hkdf.hash_len() + 1];
            assert!(prepared.expand(&[], &mut too_long).is_err());
            assert!(hkdf.expander(&[0u8; 65]).is_err());
        }
    }

    /// RFC 5869 appendix A.1 (SHA-256), through the prepared PRK.
    #[test]
    fn prepared_expand_rfc5869_case1() {
        let prk = hex::decode("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
            .unwrap();
        let info = hex::decode("f0f1f2f3f4f5f6f7f8f9").unwrap();
        let mut okm = [0u8; 42];
        HKDF_SHA256
            .expander(&prk)
            .unwrap()
            .expand(&[&info], &mut okm)
            .unwrap();
        assert_eq!(
            hex::encode(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
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
