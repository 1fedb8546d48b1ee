//! Time as the protocol sees it. Core has no clock: callers pass the time in,
//! which keeps the state machines deterministic and testable.

use core::time::Duration;

/// Seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(u64);

impl UnixTime {
    /// A time `d` after the epoch.
    pub fn since_unix_epoch(d: Duration) -> Self {
        Self(d.as_secs())
    }

    /// A time in whole seconds.
    pub fn from_secs(secs: u64) -> Self {
        Self(secs)
    }

    /// Seconds since the epoch.
    pub fn as_secs(self) -> u64 {
        self.0
    }
}
