//! Cutting outgoing data into record-sized fragments.

use crate::MAX_PLAINTEXT;

/// Splits a payload into fragments of at most `max_fragment_len` bytes:
/// 2^14 by default, less after RFC 6066 max_fragment_length or RFC 8449
/// record_size_limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragmenter {
    max_fragment_len: usize,
}

impl Fragmenter {
    /// A fragmenter for `max_fragment_len`, clamped to 1..=2^14 because no
    /// record may carry more than 2^14 bytes and an empty limit would never
    /// make progress.
    pub fn new(max_fragment_len: usize) -> Self {
        Self {
            max_fragment_len: max_fragment_len.clamp(1, MAX_PLAINTEXT),
        }
    }

    /// The effective limit.
    pub fn max_fragment_len(&self) -> usize {
        self.max_fragment_len
    }

    /// Changes the limit (clamped as in [`Fragmenter::new`]).
    pub fn set_max_fragment_len(&mut self, max_fragment_len: usize) {
        *self = Self::new(max_fragment_len);
    }

    /// The fragments of `payload`, in order; all but the last are full.
    /// An empty payload yields no fragment: an empty record is never made
    /// by accident.
    pub fn fragments<'a>(&self, payload: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        payload.chunks(self.max_fragment_len)
    }
}

impl Default for Fragmenter {
    fn default() -> Self {
        Self::new(MAX_PLAINTEXT)
    }
}
