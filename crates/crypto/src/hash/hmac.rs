//! HMAC (RFC 2104) over SHA-256/384/512.

use aws_lc_rs::{digest, hmac};
use ferrotls_core::crypto::{Digest, HashAlgorithm, Hmac};
use zeroize::Zeroizing;

/// HMAC over one hash.
pub struct HmacSha {
    algorithm: HashAlgorithm,
}

/// HMAC-SHA256.
pub static HMAC_SHA256: HmacSha = HmacSha {
    algorithm: HashAlgorithm::Sha256,
};
/// HMAC-SHA384.
pub static HMAC_SHA384: HmacSha = HmacSha {
    algorithm: HashAlgorithm::Sha384,
};
/// HMAC-SHA512.
pub static HMAC_SHA512: HmacSha = HmacSha {
    algorithm: HashAlgorithm::Sha512,
};

impl Hmac for HmacSha {
    fn sign(&self, key: &[u8], data: &[&[u8]]) -> Digest {
        let key = hmac::Key::new(super::hmac_algorithm(self.algorithm), key);
        let mut ctx = hmac::Context::with_key(&key);
        for d in data {
            ctx.update(d);
        }
        Digest::new(ctx.sign().as_ref())
    }

    fn tag_len(&self) -> usize {
        self.algorithm.output_len()
    }
}

/// The longest hash block (SHA-384 and SHA-512).
const MAX_BLOCK_LEN: usize = 128;

/// HMAC under one key whose pads are hashed once (RFC 2104 section 4
/// suggests precomputing them): every MAC starts from copies of the two
/// keyed states, two compressions and a key setup fewer than keying
/// afresh, which is most of the cost of the short MACs a TLS 1.2 PRF is
/// made of. The states are secret; aws-lc wipes each when it is freed.
pub(crate) struct HmacPads {
    inner: digest::Context,
    outer: digest::Context,
}

impl HmacPads {
    /// `K XOR ipad` and `K XOR opad` hashed, where `K` is the key padded
    /// with zeros to the hash's block, or its hash if it is longer.
    pub(crate) fn new(algorithm: HashAlgorithm, key: &[u8]) -> Self {
        let alg = super::digest_algorithm(algorithm);
        let block_len = alg.block_len();
        let mut block = Zeroizing::new([0u8; MAX_BLOCK_LEN]);
        if key.len() > block_len {
            let mut ctx = digest::Context::new(alg);
            ctx.update(key);
            let hashed = ctx.finish();
            block[..hashed.as_ref().len()].copy_from_slice(hashed.as_ref());
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let keyed = |pad: u8| {
            let mut padded = Zeroizing::new([0u8; MAX_BLOCK_LEN]);
            for (p, k) in padded.iter_mut().zip(block.iter()) {
                *p = k ^ pad;
            }
            let mut ctx = digest::Context::new(alg);
            ctx.update(&padded[..block_len]);
            ctx
        };
        Self {
            inner: keyed(0x36),
            outer: keyed(0x5c),
        }
    }

    /// HMAC of the concatenation of `data`.
    pub(crate) fn sign(&self, data: &[&[u8]]) -> digest::Digest {
        let mut inner = self.inner.clone();
        for d in data {
            inner.update(d);
        }
        let inner = inner.finish();
        let mut outer = self.outer.clone();
        outer.update(inner.as_ref());
        outer.finish()
    }
}

impl core::fmt::Debug for HmacSha {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Hmac({:?})", self.algorithm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2_split_input() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let tag = HMAC_SHA256.sign(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(HMAC_SHA384.tag_len(), 48);
    }

    #[test]
    fn precomputed_pads_give_aws_lc_hmac() {
        // Keys around each block length (64 for SHA-256, 128 for the
        // others): padded, exactly a block, and hashed first.
        let key: Vec<u8> = (0..=255u8).collect();
        for hmac in [&HMAC_SHA256, &HMAC_SHA384, &HMAC_SHA512] {
            for key_len in [0, 1, 32, 48, 63, 64, 65, 127, 128, 129, 256] {
                let pads = HmacPads::new(hmac.algorithm, &key[..key_len]);
                for data in [&[][..], &[&b"a"[..]], &[&b"label"[..], &[7u8; 100][..]]] {
                    let want = hmac.sign(&key[..key_len], data);
                    let got = pads.sign(data);
                    assert_eq!(got.as_ref(), want.as_ref(), "{hmac:?} key {key_len}");
                }
            }
        }
    }
}
