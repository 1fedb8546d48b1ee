//! The guard against runs of empty records.
//!
//! RFC 8446 section 5.1 allows zero-length application data, but each one
//! costs the receiver a parse (and a decryption) while delivering nothing,
//! so a peer could keep a connection spinning forever. Like OpenSSL
//! (`MAX_EMPTY_RECORDS`), a run longer than
//! [`MAX_CONSECUTIVE_EMPTY_RECORDS`] ends the connection.

use ferrotls_core::{Error, PeerMisbehaved};

/// How many empty records in a row are tolerated (OpenSSL's value).
pub const MAX_CONSECUTIVE_EMPTY_RECORDS: u32 = 32;

/// Counts consecutive empty records.
#[derive(Debug, Default, Clone)]
pub(crate) struct EmptyRun {
    count: u32,
}

impl EmptyRun {
    /// Notes one record of `len` bytes; fails once the run is too long.
    pub(crate) fn observe(&mut self, len: usize) -> Result<(), Error> {
        if len != 0 {
            self.count = 0;
            return Ok(());
        }
        self.count = self.count.saturating_add(1);
        if self.count > MAX_CONSECUTIVE_EMPTY_RECORDS {
            return Err(PeerMisbehaved::TooManyConsecutiveIgnoredRecords.into());
        }
        Ok(())
    }
}
