//! Certificate signatures that have passed, remembered so that meeting the
//! same chain again costs a comparison instead of a public-key operation.
//!
//! A client that connects to the same servers again and again verifies
//! the same issuer signatures over the same certificates each time: the
//! signature over a leaf does not change between handshakes, only the
//! handshake's own CertificateVerify does. Browsers keep verification
//! results for the same reason. What is kept here is narrower than a
//! verification result: the fact that `signature` over `tbs` verified
//! under `issuer_spki` with `alg`, which is a property of those bytes
//! alone. Entries are compared by their exact bytes (no digest to
//! collide), only successes are stored, and everything around the
//! signature (trust, names, validity, constraints) is checked by the
//! chain validation every time.
//!
//! Public data only. The memo is bounded both in entries and in the size
//! of one entry; a longer certificate is simply verified every time.

use ferrotls_core::crypto::VerifyAlgorithm;

use super::Recent;

/// How many signatures are remembered: the chains of the servers a client
/// is busy with (one to three signatures each).
pub const MEMO_SIZE: usize = 32;

/// The largest entry (key, signature and TBSCertificate together) that is
/// remembered; it bounds the memo to `MEMO_SIZE * MAX_ENTRY_BYTES` bytes.
pub const MAX_ENTRY_BYTES: usize = 4096;

/// One verified signature: `bytes` is the issuer's SPKI, the signature and
/// the TBSCertificate, one after the other.
struct Verified {
    alg: VerifyAlgorithm,
    spki_len: usize,
    signature_len: usize,
    bytes: Box<[u8]>,
}

impl Verified {
    fn matches(&self, alg: VerifyAlgorithm, spki: &[u8], tbs: &[u8], signature: &[u8]) -> bool {
        if self.alg != alg
            || self.spki_len != spki.len()
            || self.signature_len != signature.len()
            || self.bytes.len() != spki.len() + signature.len() + tbs.len()
        {
            return false;
        }
        let (key, rest) = self.bytes.split_at(self.spki_len);
        let (sig, body) = rest.split_at(self.signature_len);
        // The signature differs first between two certificates of one issuer.
        sig == signature && key == spki && body == tbs
    }
}

/// Recently verified signatures, most recently used first.
static MEMO: Recent<Verified> = Recent::new(MEMO_SIZE);

/// Whether exactly this signature has verified before (and is still
/// remembered).
pub(super) fn seen(alg: VerifyAlgorithm, spki: &[u8], tbs: &[u8], signature: &[u8]) -> bool {
    MEMO.find(|v| v.matches(alg, spki, tbs, signature), |_| ())
        .is_some()
}

/// Remembers a signature that has just verified.
pub(super) fn remember(alg: VerifyAlgorithm, spki: &[u8], tbs: &[u8], signature: &[u8]) {
    let len = spki.len() + signature.len() + tbs.len();
    if len > MAX_ENTRY_BYTES {
        return;
    }
    let mut bytes = Vec::with_capacity(len);
    bytes.extend_from_slice(spki);
    bytes.extend_from_slice(signature);
    bytes.extend_from_slice(tbs);
    let entry = Verified {
        alg,
        spki_len: spki.len(),
        signature_len: signature.len(),
        bytes: bytes.into_boxed_slice(),
    };
    MEMO.insert(entry, |v| v.matches(alg, spki, tbs, signature));
}

#[cfg(test)]
pub(super) fn len() -> usize {
    MEMO.len()
}
