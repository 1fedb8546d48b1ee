//! HMAC (RFC 2104) over SHA-256/384/512.

use aws_lc_rs::hmac;
use ferrotls_core::crypto::{Digest, HashAlgorithm, Hmac};

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
}
