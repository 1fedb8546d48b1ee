//! Test aids: [`TestBio`], a wrapper that makes any [`Bio`] awkward on
//! purpose.
//!
//! This module is public so that crates built on ferrotls-bio (such as the
//! SSL facade) can test "every byte delivered one at a time", "every write
//! accepted one byte at a time", "would-block before every byte" and
//! similar adversarial I/O patterns. It is not meant for production I/O.
//!
//! ```
//! use ferrotls_bio::{Bio, BioError, MemBio, Retry};
//! use ferrotls_bio::testing::{Schedule, TestBio};
//!
//! let mem = MemBio::with_data(b"abc");
//! let mut bio = TestBio::new(mem).max_read(1).read_schedule(Schedule::Alternate);
//! let handle = bio.handle(); // keeps working after `bio` is boxed away
//! let mut got = Vec::new();
//! let mut buf = [0u8; 8];
//! loop {
//!     match bio.read(&mut buf) {
//!         Ok(n) => got.extend_from_slice(&buf[..n]),
//!         Err(BioError::WouldBlock(Retry::Read)) if got.len() == 3 => break,
//!         Err(BioError::WouldBlock(Retry::Read)) => continue,
//!         Err(e) => panic!("{e}"),
//!     }
//! }
//! assert_eq!(got, b"abc");
//! let stats = handle.stats();
//! assert_eq!(stats.read_sizes, vec![1, 1, 1]);
//! assert!(stats.injected_read_blocks >= 3);
//! ```

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::{Bio, BioError, Retry, RetryFlags, flagged_transfers, lock};

/// When a [`TestBio`] injects a would-block.
///
/// Calls are numbered from 0 per direction (reads, writes and flushes have
/// separate counters); only calls with a non-empty buffer are counted (calls
/// with an empty buffer pass straight through).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Schedule {
    /// Never inject a would-block (default).
    #[default]
    Never,
    /// Every call would-block (the Bio never makes progress).
    Always,
    /// Every k-th call would-block (calls k-1, 2k-1, …). `EveryNth(0)`
    /// never blocks; `EveryNth(1)` always blocks.
    EveryNth(usize),
    /// Calls 0, 2, 4, … would-block and the others go through: combined with
    /// a per-call limit of 1 this is "would-block before every byte".
    Alternate,
    /// `script[i]` says whether call `i` would-blocks; after the script ends
    /// nothing is blocked.
    Script(Vec<bool>),
    /// Like [`Script`](Schedule::Script) but repeated forever (an empty
    /// cycle never blocks).
    Cycle(Vec<bool>),
}

impl Schedule {
    /// Whether call number `idx` (0-based) would-blocks.
    pub fn blocks(&self, idx: u64) -> bool {
        match self {
            Schedule::Never => false,
            Schedule::Always => true,
            Schedule::EveryNth(0) => false,
            Schedule::EveryNth(k) => (idx + 1) % (*k as u64) == 0,
            Schedule::Alternate => idx % 2 == 0,
            Schedule::Script(s) => usize::try_from(idx)
                .ok()
                .and_then(|i| s.get(i).copied())
                .unwrap_or(false),
            Schedule::Cycle(s) => {
                if s.is_empty() {
                    false
                } else {
                    s[(idx % s.len() as u64) as usize]
                }
            }
        }
    }
}

/// Counters kept by a [`TestBio`] (snapshot via [`TestBio::stats`] or
/// [`TestBioHandle::stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestStats {
    /// `read` calls with a non-empty buffer.
    pub read_calls: u64,
    /// `write` calls with a non-empty buffer.
    pub write_calls: u64,
    /// `flush` calls.
    pub flush_calls: u64,
    /// Reads answered with an injected would-block.
    pub injected_read_blocks: u64,
    /// Writes answered with an injected would-block.
    pub injected_write_blocks: u64,
    /// Flushes answered with an injected would-block.
    pub injected_flush_blocks: u64,
    /// Would-blocks reported by the inner Bio (reads and writes).
    pub inner_would_blocks: u64,
    /// Total bytes delivered by successful reads.
    pub bytes_read: u64,
    /// Total bytes accepted by successful writes.
    pub bytes_written: u64,
    /// Size of each successful read, in order.
    pub read_sizes: Vec<usize>,
    /// Size of each successful write, in order (e.g. to check that a flight
    /// left in a single write).
    pub write_sizes: Vec<usize>,
}

#[derive(Debug, Default)]
struct Control {
    max_read: Option<usize>,
    max_write: Option<usize>,
    read_schedule: Schedule,
    write_schedule: Schedule,
    flush_schedule: Schedule,
    stats: TestStats,
}

/// Test aid: wraps any [`Bio`] and can limit how many bytes each call moves
/// and inject would-blocks on a [`Schedule`], while counting calls and bytes.
///
/// Injected read blocks report `WouldBlock(Retry::Read)`, injected write and
/// flush blocks `WouldBlock(Retry::Write)`; the inner Bio is not called in
/// that case. `pending`/`wpending` are passed through unchanged.
///
/// Configuration and counters live behind a shared [`TestBioHandle`], so a
/// test can keep observing and re-configuring the Bio after it was moved
/// into, say, an `Ssl` as a `Box<dyn Bio>`.
pub struct TestBio<B: Bio> {
    inner: B,
    ctl: Arc<Mutex<Control>>,
    flags: RetryFlags,
}

impl<B: Bio + fmt::Debug> fmt::Debug for TestBio<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestBio")
            .field("inner", &self.inner)
            .field("control", &*lock(&self.ctl))
            .field("flags", &self.flags)
            .finish()
    }
}

impl<B: Bio> TestBio<B> {
    /// Wrap `inner` with no limits and no injected would-blocks.
    pub fn new(inner: B) -> Self {
        TestBio {
            inner,
            ctl: Arc::new(Mutex::new(Control::default())),
            flags: RetryFlags::NONE,
        }
    }

    /// Deliver at most `n` bytes per `read` call (`n` ≥ 1).
    pub fn max_read(self, n: usize) -> Self {
        self.handle().set_max_read(Some(n));
        self
    }

    /// Accept at most `n` bytes per `write` call (`n` ≥ 1).
    pub fn max_write(self, n: usize) -> Self {
        self.handle().set_max_write(Some(n));
        self
    }

    /// Inject read would-blocks on `s`.
    pub fn read_schedule(self, s: Schedule) -> Self {
        self.handle().set_read_schedule(s);
        self
    }

    /// Inject write would-blocks on `s`.
    pub fn write_schedule(self, s: Schedule) -> Self {
        self.handle().set_write_schedule(s);
        self
    }

    /// Inject flush would-blocks on `s`.
    pub fn flush_schedule(self, s: Schedule) -> Self {
        self.handle().set_flush_schedule(s);
        self
    }

    /// Every read delivers one byte and every write accepts one byte.
    pub fn one_byte_at_a_time(self) -> Self {
        self.max_read(1).max_write(1)
    }

    /// One byte per call, with a would-block before every byte in both
    /// directions.
    pub fn would_block_before_every_byte(self) -> Self {
        self.one_byte_at_a_time()
            .read_schedule(Schedule::Alternate)
            .write_schedule(Schedule::Alternate)
    }

    /// A handle to the shared configuration and counters.
    pub fn handle(&self) -> TestBioHandle {
        TestBioHandle {
            ctl: Arc::clone(&self.ctl),
        }
    }

    /// Snapshot of the counters.
    pub fn stats(&self) -> TestStats {
        lock(&self.ctl).stats.clone()
    }

    /// The wrapped Bio.
    pub fn get_ref(&self) -> &B {
        &self.inner
    }

    /// The wrapped Bio, mutably.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// Unwrap.
    pub fn into_inner(self) -> B {
        self.inner
    }

    fn do_read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return self.inner.read(buf);
        }
        let limit = {
            let mut c = lock(&self.ctl);
            let idx = c.stats.read_calls;
            c.stats.read_calls += 1;
            if c.read_schedule.blocks(idx) {
                c.stats.injected_read_blocks += 1;
                return Err(BioError::WouldBlock(Retry::Read));
            }
            c.max_read.unwrap_or(usize::MAX).max(1)
        };
        let n = buf.len().min(limit);
        let r = self.inner.read(&mut buf[..n]);
        let mut c = lock(&self.ctl);
        match &r {
            Ok(n) => {
                c.stats.bytes_read += *n as u64;
                c.stats.read_sizes.push(*n);
            }
            Err(BioError::WouldBlock(_)) => c.stats.inner_would_blocks += 1,
            Err(_) => {}
        }
        r
    }

    fn do_write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return self.inner.write(buf);
        }
        let limit = {
            let mut c = lock(&self.ctl);
            let idx = c.stats.write_calls;
            c.stats.write_calls += 1;
            if c.write_schedule.blocks(idx) {
                c.stats.injected_write_blocks += 1;
                return Err(BioError::WouldBlock(Retry::Write));
            }
            c.max_write.unwrap_or(usize::MAX).max(1)
        };
        let n = buf.len().min(limit);
        let r = self.inner.write(&buf[..n]);
        let mut c = lock(&self.ctl);
        match &r {
            Ok(n) => {
                c.stats.bytes_written += *n as u64;
                c.stats.write_sizes.push(*n);
            }
            Err(BioError::WouldBlock(_)) => c.stats.inner_would_blocks += 1,
            Err(_) => {}
        }
        r
    }

    fn do_flush(&mut self) -> Result<(), BioError> {
        {
            let mut c = lock(&self.ctl);
            let idx = c.stats.flush_calls;
            c.stats.flush_calls += 1;
            if c.flush_schedule.blocks(idx) {
                c.stats.injected_flush_blocks += 1;
                return Err(BioError::WouldBlock(Retry::Write));
            }
        }
        self.inner.flush()
    }
}

impl<B: Bio> Bio for TestBio<B> {
    flagged_transfers!();

    fn flush(&mut self) -> Result<(), BioError> {
        let r = self.do_flush();
        self.flags = RetryFlags::from_result(&r);
        r
    }

    fn pending(&self) -> usize {
        self.inner.pending()
    }

    fn wpending(&self) -> usize {
        self.inner.wpending()
    }
}

/// Shared handle to a [`TestBio`]'s configuration and counters.
#[derive(Clone, Debug)]
pub struct TestBioHandle {
    ctl: Arc<Mutex<Control>>,
}

impl TestBioHandle {
    /// Snapshot of the counters.
    pub fn stats(&self) -> TestStats {
        lock(&self.ctl).stats.clone()
    }

    /// Zero the counters (schedules restart from call 0).
    pub fn reset_stats(&self) {
        lock(&self.ctl).stats = TestStats::default();
    }

    /// Per-call read limit (`None` = unlimited).
    pub fn set_max_read(&self, n: Option<usize>) {
        lock(&self.ctl).max_read = n;
    }

    /// Per-call write limit (`None` = unlimited).
    pub fn set_max_write(&self, n: Option<usize>) {
        lock(&self.ctl).max_write = n;
    }

    /// Replace the read schedule (call numbering is not reset).
    pub fn set_read_schedule(&self, s: Schedule) {
        lock(&self.ctl).read_schedule = s;
    }

    /// Replace the write schedule (call numbering is not reset).
    pub fn set_write_schedule(&self, s: Schedule) {
        lock(&self.ctl).write_schedule = s;
    }

    /// Replace the flush schedule (call numbering is not reset).
    pub fn set_flush_schedule(&self, s: Schedule) {
        lock(&self.ctl).flush_schedule = s;
    }
}
