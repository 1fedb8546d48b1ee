//! Sequence numbers and the per-key usage limit (RFC 8446 sections 5.3
//! and 5.5). The counter is never allowed to wrap: reuse of a sequence
//! number would reuse an AEAD nonce.

use ferrotls_core::Error;

/// A write sequence number bounded by the suite's confidentiality limit.
#[derive(Debug, Clone)]
pub(crate) struct WriteSeq {
    next: u64,
    /// Records this key may protect: sequence numbers `0..limit`.
    limit: u64,
    /// From here on `needs_key_update` is true.
    soft_limit: u64,
}

impl WriteSeq {
    /// A counter for a key allowed `limit` records. The warning comes when
    /// 1/16 of the allowance is left (at least one record), early enough
    /// for a KeyUpdate to be sent under the old key.
    pub(crate) fn new(limit: u64) -> Self {
        let margin = (limit / 16).max(1);
        Self {
            next: 0,
            limit,
            soft_limit: limit.saturating_sub(margin),
        }
    }

    /// The sequence number for the next record, if the key may still be
    /// used. The counter advances only through [`WriteSeq::advance`], after
    /// the record was sealed.
    pub(crate) fn peek(&self) -> Result<u64, Error> {
        match self.next < self.limit {
            true => Ok(self.next),
            false => Err(Error::EncryptError),
        }
    }

    /// Marks the number returned by `peek` as used.
    pub(crate) fn advance(&mut self) {
        // `peek` succeeded, so `next < limit <= u64::MAX`: no overflow.
        self.next = self.next.saturating_add(1);
    }

    pub(crate) fn needs_key_update(&self) -> bool {
        self.next >= self.soft_limit
    }
}

/// A read sequence number. It cannot reach 2^64 in practice, but if it did
/// the next record could not be authenticated, so that is what is reported.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadSeq {
    next: u64,
}

impl ReadSeq {
    pub(crate) fn peek(&self) -> Result<u64, Error> {
        match self.next {
            u64::MAX => Err(Error::DecryptError),
            n => Ok(n),
        }
    }

    pub(crate) fn advance(&mut self) {
        self.next = self.next.saturating_add(1);
    }
}
