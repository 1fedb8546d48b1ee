//! The TLS 1.2 PRF (RFC 5246 section 5):
//!
//! ```text
//! PRF(secret, label, seed) = P_<hash>(secret, label + seed)
//! P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
//! A(0) = seed, A(i) = HMAC(secret, A(i-1))
//! ```
//!
//! Written over HMAC rather than aws-lc's `tls_prf` so that it writes
//! straight into the caller's buffer and accepts any secret (aws-lc's
//! refuses an empty one). aws-lc's HMAC `Tag` is a `Copy` stack value that
//! cannot be wiped through its API; the output itself lands only in `out`.

use aws_lc_rs::hmac;
use ferrotls_core::Error;
use ferrotls_core::crypto::{HashAlgorithm, Tls12Prf};

use super::hmac_algorithm;

/// The PRF over one hash.
pub struct Tls12PrfSha {
    algorithm: HashAlgorithm,
}

/// P_SHA256, the PRF of every TLS 1.2 suite with SHA256 in its name.
pub static PRF_SHA256: Tls12PrfSha = Tls12PrfSha {
    algorithm: HashAlgorithm::Sha256,
};
/// P_SHA384.
pub static PRF_SHA384: Tls12PrfSha = Tls12PrfSha {
    algorithm: HashAlgorithm::Sha384,
};

impl Tls12Prf for Tls12PrfSha {
    fn prf(&self, out: &mut [u8], secret: &[u8], label: &[u8], seed: &[u8]) -> Result<(), Error> {
        let key = hmac::Key::new(hmac_algorithm(self.algorithm), secret);
        let hash_len = self.algorithm.output_len();

        // A(1) = HMAC(secret, label + seed)
        let mut a = {
            let mut ctx = hmac::Context::with_key(&key);
            ctx.update(label);
            ctx.update(seed);
            ctx.sign()
        };
        for chunk in out.chunks_mut(hash_len) {
            let mut ctx = hmac::Context::with_key(&key);
            ctx.update(a.as_ref());
            ctx.update(label);
            ctx.update(seed);
            let block = ctx.sign();
            chunk.copy_from_slice(&block.as_ref()[..chunk.len()]);
            a = hmac::sign(&key, a.as_ref());
        }
        Ok(())
    }
}

impl core::fmt::Debug for Tls12PrfSha {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Tls12Prf({:?})", self.algorithm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_a_stream() {
        let mut long = [0u8; 100];
        let mut short = [0u8; 12];
        PRF_SHA256.prf(&mut long, b"s", b"l", b"seed").unwrap();
        PRF_SHA256.prf(&mut short, b"s", b"l", b"seed").unwrap();
        assert_eq!(long[..12], short);
        // An empty secret is allowed (the PRF is defined for it).
        PRF_SHA384.prf(&mut short, b"", b"l", b"seed").unwrap();
    }
}
