//! The TLS 1.2 PRF (RFC 5246 section 5):
//!
//! ```text
//! PRF(secret, label, seed) = P_<hash>(secret, label + seed)
//! P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
//! A(0) = seed, A(i) = HMAC(secret, A(i-1))
//! ```
//!
//! aws-lc's own `CRYPTO_tls1_prf` does a single derivation (it shares one
//! HMAC key setup across the whole output and computes no `A(i)` it will
//! not use). Several derivations under one secret (a master secret gives
//! the key block, both Finished values and exported keys) go through
//! [`Tls12Prf::keyed`], the same construction written over HMAC with the
//! secret's pads hashed once for all of them; so does an empty secret,
//! which aws-lc refuses and the PRF is defined for. aws-lc's digest
//! output is a `Copy` stack value that cannot be wiped through its API;
//! the output of the aws-lc path is an aws-lc-rs `Secret`, wiped on drop.

use aws_lc_rs::tls_prf;
use ferrotls_core::Error;
use ferrotls_core::crypto::{HashAlgorithm, KeyedPrf, Tls12Prf};

use super::hmac::HmacPads;

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
        if out.is_empty() {
            return Ok(());
        }
        if secret.is_empty() {
            return self.keyed_sha(secret).prf(out, label, seed);
        }
        let algorithm = match self.algorithm {
            HashAlgorithm::Sha256 => &tls_prf::P_SHA256,
            HashAlgorithm::Sha384 => &tls_prf::P_SHA384,
            HashAlgorithm::Sha512 => &tls_prf::P_SHA512,
        };
        let derived = tls_prf::Secret::new(algorithm, secret)
            .and_then(|s| s.derive(label, seed, out.len()))
            .map_err(|_| Error::General("TLS 1.2 PRF failed".into()))?;
        let derived = derived.as_ref();
        if derived.len() != out.len() {
            return Err(Error::General(
                "TLS 1.2 PRF output of the wrong length".into(),
            ));
        }
        out.copy_from_slice(derived);
        Ok(())
    }

    fn keyed<'a>(&'a self, secret: &[u8]) -> Box<dyn KeyedPrf + 'a> {
        Box::new(self.keyed_sha(secret))
    }
}

impl Tls12PrfSha {
    /// The PRF over `secret`'s hashed HMAC pads: [`Tls12Prf::keyed`], and
    /// the one-shot path for the empty secret aws-lc refuses.
    fn keyed_sha(&self, secret: &[u8]) -> KeyedPrfSha {
        KeyedPrfSha {
            pads: HmacPads::new(self.algorithm, secret),
        }
    }
}

/// P_hash under one secret's HMAC pads.
struct KeyedPrfSha {
    pads: HmacPads,
}

impl KeyedPrf for KeyedPrfSha {
    fn prf(&self, out: &mut [u8], label: &[u8], seed: &[u8]) -> Result<(), Error> {
        if out.is_empty() {
            return Ok(());
        }
        // A(1) = HMAC(secret, label + seed)
        let mut a = self.pads.sign(&[label, seed]);
        let mut chunks = out.chunks_mut(a.as_ref().len()).peekable();
        while let Some(chunk) = chunks.next() {
            let block = self.pads.sign(&[a.as_ref(), label, seed]);
            chunk.copy_from_slice(&block.as_ref()[..chunk.len()]);
            // A(i + 1) only if another chunk needs it.
            if chunks.peek().is_some() {
                a = self.pads.sign(&[a.as_ref()]);
            }
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

    #[test]
    fn aws_lc_path_matches_the_keyed_construction() {
        // Secrets shorter than, equal to and longer than the HMAC block
        // (a finite-field DHE premaster secret is longer).
        let secret: Vec<u8> = (0..=255u8).collect();
        for prf in [&PRF_SHA256, &PRF_SHA384] {
            for secret_len in [1, 48, 64, 128, 256] {
                let keyed = prf.keyed(&secret[..secret_len]);
                for len in [1, 12, 32, 40, 48, 88, 100] {
                    let mut native = vec![0u8; len];
                    let mut generic = vec![0u8; len];
                    prf.prf(
                        &mut native,
                        &secret[..secret_len],
                        b"key expansion",
                        b"seed",
                    )
                    .unwrap();
                    keyed.prf(&mut generic, b"key expansion", b"seed").unwrap();
                    assert_eq!(native, generic, "{prf:?} secret {secret_len} out {len}");
                }
            }
        }
    }

    #[test]
    fn rfc5246_p_sha256_test_vector() {
        // The widely used P_SHA256 vector (secret 9b be 43 6b ..., label
        // "test label"), first 16 bytes of its 100-byte output.
        let secret = [
            0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17, 0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71,
            0xdb, 0x35,
        ];
        let seed = [
            0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18, 0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5,
            0x19, 0x8c,
        ];
        let mut out = [0u8; 100];
        PRF_SHA256
            .prf(&mut out, &secret, b"test label", &seed)
            .unwrap();
        assert_eq!(
            out[..16],
            [
                0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b, 0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c,
                0xd4, 0x53
            ]
        );
    }
}
