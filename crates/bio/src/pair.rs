//! `BIO_new_bio_pair` / `BIO_s_bio`.

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};

use crate::{Bio, BioError, ByteQueue, Retry, RetryFlags, flagged_transfers, lock};

/// Buffer size used when `0` is passed to [`BioPair::new`] (OpenSSL's
/// default of 17 KiB).
pub const DEFAULT_PAIR_BUFFER_SIZE: usize = 17 * 1024;

/// One direction of the pair: bytes written by end `i`, read by end `1 - i`.
struct Half {
    buf: ByteQueue,
    size: usize,
    /// The writer did `shutdown_wr` (OpenSSL `closed`).
    closed: bool,
    /// The writer end was dropped.
    dropped: bool,
    /// How many bytes the reader's last failed read wanted (capped at
    /// `size`); OpenSSL keeps this on the writing BIO as `request`.
    request: usize,
}

impl Half {
    fn new(size: usize) -> Self {
        Half {
            buf: ByteQueue::new(),
            size,
            closed: false,
            dropped: false,
            request: 0,
        }
    }
}

struct PairState {
    halves: [Half; 2],
}

/// Constructor of connected BIO pairs (`BIO_new_bio_pair()`).
///
/// Each end has a bounded write buffer whose size is chosen at creation.
/// Pair ends never block the thread: a full buffer makes `write` return
/// `WouldBlock(Retry::Write)` (or a short write when it is partially full),
/// and an empty buffer makes `read` return `WouldBlock(Retry::Read)`, unless
/// the peer called [`PairEnd::shutdown_wr`] or was dropped, in which case the
/// reader drains what is left and then gets [`BioError::Eof`].
#[derive(Debug, Clone, Copy)]
pub struct BioPair;

impl BioPair {
    /// Create two connected ends. `bufsize1` bounds the bytes the first end
    /// can have in flight (its write buffer, read by the second end), and
    /// `bufsize2` likewise for the second end. `0` selects
    /// [`DEFAULT_PAIR_BUFFER_SIZE`], as in OpenSSL.
    #[allow(clippy::new_ret_no_self)]
    pub fn new(bufsize1: usize, bufsize2: usize) -> (PairEnd, PairEnd) {
        let size = |n: usize| if n == 0 { DEFAULT_PAIR_BUFFER_SIZE } else { n };
        let shared = Arc::new(Mutex::new(PairState {
            halves: [Half::new(size(bufsize1)), Half::new(size(bufsize2))],
        }));
        (
            PairEnd {
                shared: Arc::clone(&shared),
                idx: 0,
                flags: RetryFlags::NONE,
            },
            PairEnd {
                shared,
                idx: 1,
                flags: RetryFlags::NONE,
            },
        )
    }
}

/// One end of a [`BioPair`] (a `BIO_s_bio()` BIO).
///
/// Ends are `Send`; each end can be used while the other is owned elsewhere
/// (the state is shared behind a mutex). Dropping an end is the analogue of
/// `BIO_destroy_bio_pair()`: the peer can still read what was already
/// written, then sees EOF; the peer's writes then fail with `BrokenPipe`.
pub struct PairEnd {
    shared: Arc<Mutex<PairState>>,
    idx: usize,
    flags: RetryFlags,
}

impl fmt::Debug for PairEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = lock(&self.shared);
        let mine = &st.halves[self.idx];
        let theirs = &st.halves[1 - self.idx];
        f.debug_struct("PairEnd")
            .field("end", &self.idx)
            .field("write_buffered", &mine.buf.len())
            .field("write_size", &mine.size)
            .field("readable", &theirs.buf.len())
            .field("shutdown_wr", &mine.closed)
            .field("peer_closed", &(theirs.closed || theirs.dropped))
            .field("flags", &self.flags)
            .finish()
    }
}

fn broken_pipe(msg: &'static str) -> BioError {
    BioError::Io(io::Error::new(io::ErrorKind::BrokenPipe, msg))
}

impl PairEnd {
    fn me(&self) -> usize {
        self.idx
    }
    fn peer(&self) -> usize {
        1 - self.idx
    }

    /// Bytes that can be written right now without blocking
    /// (`BIO_ctrl_get_write_guarantee()`); `0` after `shutdown_wr` or once
    /// the peer is gone.
    pub fn ctrl_get_write_guarantee(&self) -> usize {
        let st = lock(&self.shared);
        let h = &st.halves[self.me()];
        if h.closed || st.halves[self.peer()].dropped {
            0
        } else {
            h.size - h.buf.len()
        }
    }

    /// Bytes readable on this end (`BIO_ctrl_pending()`).
    pub fn ctrl_pending(&self) -> usize {
        lock(&self.shared).halves[self.peer()].buf.len()
    }

    /// Bytes this end wrote that the peer has not read yet
    /// (`BIO_ctrl_wpending()`).
    pub fn ctrl_wpending(&self) -> usize {
        lock(&self.shared).halves[self.me()].buf.len()
    }

    /// `BIO_ctrl_get_read_request()`: how many bytes the **peer's** last
    /// read wanted when it failed on an empty buffer (capped at this end's
    /// buffer size), i.e. how much should be written into this end so that
    /// the peer's next read succeeds. `0` if the peer's last read did not
    /// fail. Reset, as in OpenSSL, by every `write` on this end, by every
    /// `read` on the peer, and by [`ctrl_reset_read_request`].
    ///
    /// [`ctrl_reset_read_request`]: PairEnd::ctrl_reset_read_request
    pub fn ctrl_get_read_request(&self) -> usize {
        lock(&self.shared).halves[self.me()].request
    }

    /// `BIO_ctrl_reset_read_request()`.
    pub fn ctrl_reset_read_request(&self) {
        lock(&self.shared).halves[self.me()].request = 0;
    }

    /// Capacity of this end's write buffer (`BIO_get_write_buf_size()`).
    pub fn write_buf_size(&self) -> usize {
        lock(&self.shared).halves[self.me()].size
    }

    /// `BIO_shutdown_wr()`: no more writes from this end. Once the peer has
    /// drained what is buffered, its reads report EOF. Writes on this end
    /// then fail with `BrokenPipe`.
    pub fn shutdown_wr(&self) {
        lock(&self.shared).halves[self.me()].closed = true;
    }

    /// `true` once the peer end has been dropped (the pair is destroyed).
    pub fn is_peer_dropped(&self) -> bool {
        lock(&self.shared).halves[self.peer()].dropped
    }

    /// `true` if the peer did `shutdown_wr` or was dropped: once
    /// [`ctrl_pending`](Self::ctrl_pending) is 0, reads report EOF.
    pub fn is_peer_closed(&self) -> bool {
        let st = lock(&self.shared);
        let h = &st.halves[self.peer()];
        h.closed || h.dropped
    }

    fn do_read(&self, buf: &mut [u8]) -> Result<usize, BioError> {
        let mut st = lock(&self.shared);
        let src = &mut st.halves[self.peer()];
        // Will be set again in the "retry read" situation.
        src.request = 0;
        if buf.is_empty() {
            return Ok(0);
        }
        if src.buf.is_empty() {
            if src.closed || src.dropped {
                return Err(BioError::Eof);
            }
            // Don't ask for more than the peer can deliver in one write.
            src.request = buf.len().min(src.size);
            return Err(BioError::WouldBlock(Retry::Read));
        }
        Ok(src.buf.pop_into(buf))
    }

    fn do_write(&self, buf: &[u8]) -> Result<usize, BioError> {
        let mut st = lock(&self.shared);
        let peer_dropped = st.halves[self.peer()].dropped;
        let dst = &mut st.halves[self.me()];
        dst.request = 0;
        if dst.closed {
            return Err(broken_pipe("write after shutdown_wr on BIO pair"));
        }
        if peer_dropped {
            return Err(broken_pipe("BIO pair peer has been destroyed"));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let space = dst.size - dst.buf.len();
        if space == 0 {
            return Err(BioError::WouldBlock(Retry::Write));
        }
        let n = space.min(buf.len());
        dst.buf.push(&buf[..n]);
        Ok(n)
    }
}

impl Bio for PairEnd {
    flagged_transfers!();

    fn flush(&mut self) -> Result<(), BioError> {
        Ok(())
    }

    fn pending(&self) -> usize {
        self.ctrl_pending()
    }

    fn wpending(&self) -> usize {
        self.ctrl_wpending()
    }

    /// Lends what the peer wrote, as `BIO_nread0`/`BIO_nread` on a pair do.
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let mut st = lock(&self.shared);
        let src = &mut st.halves[self.peer()];
        let n = src.buf.lend(take)?;
        src.request = 0;
        self.flags = RetryFlags::NONE;
        Some(n)
    }

    /// Lends room for `len` bytes when this end's buffer has that much
    /// free, as `BIO_nwrite0`/`BIO_nwrite` on a pair do; `None` when it
    /// has not, or when a write would fail (shut down, peer gone), so
    /// that [`Bio::write`] reports it.
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        let mut st = lock(&self.shared);
        let peer_dropped = st.halves[self.peer()].dropped;
        let dst = &mut st.halves[self.me()];
        if dst.closed || peer_dropped || dst.size - dst.buf.len() < len {
            return None;
        }
        dst.request = 0;
        let n = dst.buf.lend_room(len, put);
        self.flags = RetryFlags::NONE;
        Some(n)
    }
}

impl Drop for PairEnd {
    fn drop(&mut self) {
        let mut st = lock(&self.shared);
        let me = self.me();
        st.halves[me].dropped = true;
        st.halves[me].request = 0;
        // Nobody will read what the peer wrote to us any more.
        let peer = self.peer();
        st.halves[peer].buf.clear();
    }
}
