//! SHA-2 hashes, HMAC, HKDF and the TLS 1.2 PRF on aws-lc-rs.
//!
//! Each function is a unit struct exposed as a `static`, so a cipher suite
//! can point at it with a `&'static dyn` reference.

mod hkdf;
mod hmac;
mod prf;

use aws_lc_rs::digest;
use ferrotls_core::crypto::{Digest, Hash, HashAlgorithm, HashContext};

pub use self::hkdf::{HKDF_SHA256, HKDF_SHA384, HKDF_SHA512, HkdfSha};
pub use self::hmac::{HMAC_SHA256, HMAC_SHA384, HMAC_SHA512, HmacSha};
pub use self::prf::{PRF_SHA256, PRF_SHA384, Tls12PrfSha};

/// One SHA-2 hash function.
pub struct Sha {
    algorithm: HashAlgorithm,
    digest: &'static digest::Algorithm,
}

/// SHA-256.
pub static SHA256: Sha = Sha {
    algorithm: HashAlgorithm::Sha256,
    digest: &digest::SHA256,
};

/// SHA-384.
pub static SHA384: Sha = Sha {
    algorithm: HashAlgorithm::Sha384,
    digest: &digest::SHA384,
};

/// SHA-512 (certificate signatures and fingerprints; no suite uses it).
pub static SHA512: Sha = Sha {
    algorithm: HashAlgorithm::Sha512,
    digest: &digest::SHA512,
};

impl Hash for Sha {
    fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    fn start(&self) -> Box<dyn HashContext> {
        Box::new(ShaContext(digest::Context::new(self.digest)))
    }

    fn hash(&self, data: &[u8]) -> Digest {
        Digest::new(digest::digest(self.digest, data).as_ref())
    }
}

impl core::fmt::Debug for Sha {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.algorithm)
    }
}

/// A running hash. aws-lc's context is `Clone`, which is what makes the
/// transcript forkable without re-hashing.
struct ShaContext(digest::Context);

impl HashContext for ShaContext {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn fork_finish(&self) -> Digest {
        Digest::new(self.0.clone().finish().as_ref())
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(ShaContext(self.0.clone()))
    }

    fn finish(self: Box<Self>) -> Digest {
        Digest::new(self.0.finish().as_ref())
    }
}

/// The aws-lc digest of one of our hashes.
fn digest_algorithm(alg: HashAlgorithm) -> &'static digest::Algorithm {
    match alg {
        HashAlgorithm::Sha256 => SHA256.digest,
        HashAlgorithm::Sha384 => SHA384.digest,
        HashAlgorithm::Sha512 => SHA512.digest,
    }
}

/// The aws-lc HMAC algorithm for one of our hashes.
fn hmac_algorithm(alg: HashAlgorithm) -> aws_lc_rs::hmac::Algorithm {
    match alg {
        HashAlgorithm::Sha256 => aws_lc_rs::hmac::HMAC_SHA256,
        HashAlgorithm::Sha384 => aws_lc_rs::hmac::HMAC_SHA384,
        HashAlgorithm::Sha512 => aws_lc_rs::hmac::HMAC_SHA512,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_leaves_the_context_running() {
        let mut ctx = SHA256.start();
        ctx.update(b"ab");
        let forked = ctx.fork();
        assert_eq!(ctx.fork_finish(), SHA256.hash(b"ab"));
        ctx.update(b"c");
        assert_eq!(ctx.finish(), SHA256.hash(b"abc"));
        assert_eq!(forked.finish(), SHA256.hash(b"ab"));
    }

    #[test]
    fn sha_known_answers() {
        // FIPS 180-2 "abc" examples.
        let cases: [(&Sha, &str); 3] = [
            (
                &SHA256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                &SHA384,
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7",
            ),
            (
                &SHA512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                 2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (h, want) in cases {
            let got = h.hash(b"abc");
            let hex: String = got.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, want, "{h:?}");
            assert_eq!(h.output_len(), got.as_ref().len());
        }
    }
}
