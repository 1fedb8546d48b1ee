//! [`ByteQueue`]: the byte queue memory BIOs, BIO pairs and the SSL
//! engine's output keep their bytes in.
//!
//! Its memory stays initialised (by the bytes copied in, or zero-filled
//! once where room is lent beyond them, and never again), so it can lend
//! room to write into as a plain `&mut [u8]` in safe Rust: a record layer seals a record straight into the
//! room ([`ByteQueue::reserve`], then [`ByteQueue::commit`]) instead of
//! sealing it elsewhere and copying it in. The readable bytes are always
//! one contiguous slice, so they can be lent whole as well
//! ([`ByteQueue::readable_mut`], then [`ByteQueue::consume`]).
//! `start..end` are the readable bytes; they stay put until consumed, so a
//! write that stopped on a would-block resumes with exactly the same bytes.

/// The least the queue grows to: a few small handshake records, and still
/// within the allocator's cache of small blocks.
const MIN_GROWTH: usize = 512;

/// See the module docs.
#[derive(Default)]
pub struct ByteQueue {
    /// Initialised; its length only grows (until [`ByteQueue::release`]),
    /// except that a growing [`ByteQueue::push`] drops the room after the
    /// readable bytes before appending.
    buf: Vec<u8>,
    /// First readable byte.
    start: usize,
    /// One past the last byte committed.
    end: usize,
}

impl std::fmt::Debug for ByteQueue {
    /// Sizes only: the bytes may be anything the owner holds.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteQueue")
            .field("len", &self.len())
            .field("capacity", &self.buf.len())
            .finish()
    }
}

impl ByteQueue {
    /// An empty queue; it allocates on the first write.
    pub fn new() -> Self {
        Self::default()
    }

    /// `n` bytes of room after the readable bytes, to write into and then
    /// [`ByteQueue::commit`]. Consumed room is reclaimed first, when that
    /// frees at least as much as it copies; the queue grows only when that
    /// is not enough, zero-filling what it adds. Growth doubles, so a stream of
    /// records grows it a few times rather than once a record.
    pub fn reserve(&mut self, n: usize) -> &mut [u8] {
        if !self.room_for(n) {
            let len = (self.end + n).max(2 * self.buf.len()).max(MIN_GROWTH);
            self.buf.resize(len, 0);
        }
        &mut self.buf[self.end..self.end + n]
    }

    /// Whether `n` bytes of initialised room follow the readable bytes,
    /// after reclaiming consumed room where that pays: the readable bytes
    /// move to the front when that frees at least as much room as it
    /// copies (so a reader that takes a byte at a time never makes every
    /// write copy the whole queue), or when the queue must grow anyway.
    fn room_for(&mut self, n: usize) -> bool {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.buf.len() - self.end >= n {
            return true;
        }
        let readable = self.end - self.start;
        let grows = self.buf.len() - readable < n;
        if self.start > 0 && (self.start >= readable || grows) {
            self.buf.copy_within(self.start..self.end, 0);
            self.start = 0;
            self.end = readable;
        }
        self.buf.len() - self.end >= n
    }

    /// Makes the first `n` bytes of the room [`ByteQueue::reserve`] gave
    /// readable. A count beyond the room is a caller bug; it is clamped so
    /// that no byte that was not written is ever read.
    pub fn commit(&mut self, n: usize) {
        let room = self.buf.len() - self.end;
        debug_assert!(n <= room, "commit({n}) beyond the room {room}");
        self.end += n.min(room);
    }

    /// Appends a copy of `bytes`. A copy needs no zero-filled room: when
    /// the queue must grow, the bytes are appended as `Vec` appends them,
    /// so a queue that is only ever copied into (a fresh connection's
    /// handshake flights) costs what a `Vec<u8>` would.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.room_for(bytes.len()) {
            self.buf[self.end..self.end + bytes.len()].copy_from_slice(bytes);
        } else {
            self.buf.truncate(self.end);
            self.buf.extend_from_slice(bytes);
        }
        self.end += bytes.len();
    }

    /// The readable bytes.
    pub fn readable(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The readable bytes, to be worked on where they lie (a record opened
    /// in place) and then [`ByteQueue::consume`]d.
    pub fn readable_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.start..self.end]
    }

    /// The readable bytes lent to `take`, which may overwrite them and
    /// returns how many it consumed (clamped to what was lent): the
    /// provider's half of [`Bio::read_in_place`](crate::Bio::read_in_place).
    /// `None`, without calling `take`, when nothing is readable.
    pub fn lend(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let readable = self.readable_mut();
        if readable.is_empty() {
            return None;
        }
        let n = take(readable).min(readable.len());
        self.consume(n);
        Some(n)
    }

    /// `len` bytes of room lent to `put`, which returns how many it wrote
    /// (clamped to the room); those become readable: the provider's half
    /// of [`Bio::write_in_place`](crate::Bio::write_in_place).
    pub fn lend_room(&mut self, len: usize, put: &mut dyn FnMut(&mut [u8]) -> usize) -> usize {
        let n = put(self.reserve(len)).min(len);
        self.commit(n);
        n
    }

    /// Moves up to `out.len()` readable bytes into `out`; returns how many.
    pub fn pop_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len());
        out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.consume(n);
        n
    }

    /// Bytes readable.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when nothing is readable.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Drops the first `n` readable bytes (clamped to what is readable).
    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.clear();
        }
    }

    /// Forgets every readable byte, keeping the allocation.
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    /// Frees the allocation if nothing is readable (`MODE_RELEASE_BUFFERS`,
    /// or an idle connection after the handshake); the next write
    /// allocates again.
    pub fn release(&mut self) {
        if self.is_empty() {
            *self = Self::default();
        }
    }

    /// Bytes allocated.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_out_in_order_across_partial_reads() {
        let mut b = ByteQueue::new();
        b.push(b"hello ");
        b.push(b"world");
        assert_eq!(b.readable(), b"hello world");
        b.consume(3);
        assert_eq!(b.readable(), b"lo world");
        // Room beyond the current length forces the readable bytes
        // forward (or a growth); they must survive either way.
        let len = b.buf.len();
        b.push(&vec![7u8; len - 5]);
        assert_eq!(&b.readable()[..8], b"lo world");
        assert_eq!(b.len(), 8 + len - 5);
        let mut out = vec![0u8; 4];
        assert_eq!(b.pop_into(&mut out), 4);
        assert_eq!(out, b"lo w");
        b.consume(b.len());
        assert!(b.is_empty());
        assert_eq!((b.start, b.end), (0, 0));
    }

    #[test]
    fn reserve_compacts_before_growing_and_reuses_consumed_room() {
        let mut b = ByteQueue::new();
        b.push(&[1u8; 1000]);
        let len = b.buf.len();
        b.consume(990);
        // 10 readable at the end; room for len - 10 only after compacting.
        let room = b.reserve(len - 10);
        assert_eq!(room.len(), len - 10);
        assert_eq!(b.buf.len(), len, "no growth");
        assert_eq!(b.readable(), &[1u8; 10]);
        // Consumed completely: the next write starts at the front again.
        b.consume(10);
        b.push(b"abc");
        assert_eq!(b.start, 0);
        assert_eq!(b.readable(), b"abc");
    }

    #[test]
    fn a_reader_taking_little_at_a_time_does_not_make_writes_copy_the_queue() {
        let mut b = ByteQueue::new();
        b.push(&[1u8; 1000]);
        assert_eq!(b.buf.len(), 1000, "full");
        // One byte consumed frees one byte: moving 999 bytes for it would
        // make every such write quadratic, so the queue grows instead.
        b.consume(1);
        b.push(b"x");
        assert_eq!(b.start, 1, "not compacted");
        assert!(b.buf.len() > 1000, "grew instead");
        assert_eq!(b.len(), 1000);
        assert_eq!(b.readable()[999], b'x');
    }

    #[test]
    fn consume_and_commit_beyond_the_bytes_are_clamped() {
        let mut b = ByteQueue::new();
        b.push(b"abcd");
        b.consume(100);
        assert!(b.is_empty());
        let room = b.reserve(3).len();
        assert_eq!(room, 3);
    }

    #[test]
    fn release_frees_only_an_empty_queue() {
        let mut b = ByteQueue::new();
        assert_eq!(b.capacity(), 0);
        b.push(b"pending");
        b.release();
        assert_eq!(b.readable(), b"pending");
        assert!(b.capacity() > 0);
        b.consume(7);
        b.release();
        assert_eq!(b.capacity(), 0);
    }

    /// Random pushes, lent room, partial reads and lends against a
    /// `VecDeque` model: the queue must hold exactly the model's bytes
    /// after every step, whatever compaction and growth did.
    #[test]
    fn random_operations_match_a_deque_model() {
        use std::collections::VecDeque;
        // xorshift64*: deterministic, no dependency.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |bound: usize| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound
        };
        let mut q = ByteQueue::new();
        let mut model = VecDeque::new();
        let mut byte = 0u8;
        let mut most = 0;
        let mut fresh = |n: usize| -> Vec<u8> {
            (0..n)
                .map(|_| {
                    byte = byte.wrapping_add(1);
                    byte
                })
                .collect()
        };
        for step in 0..20_000 {
            match next(6) {
                0 => {
                    let bytes = fresh(next(3000));
                    q.push(&bytes);
                    model.extend(&bytes);
                }
                1 => {
                    let len = next(3000);
                    let bytes = fresh(next(len + 1));
                    let n = q.lend_room(len, &mut |room: &mut [u8]| {
                        assert_eq!(room.len(), len);
                        room[..bytes.len()].copy_from_slice(&bytes);
                        bytes.len()
                    });
                    assert_eq!(n, bytes.len());
                    model.extend(&bytes);
                }
                2 => {
                    let mut out = vec![0u8; next(4000)];
                    let n = q.pop_into(&mut out);
                    let want: Vec<u8> = model.drain(..n).collect();
                    assert_eq!(&out[..n], &want[..], "step {step}");
                }
                3 => {
                    let take = next(4000);
                    let lent = q.lend(&mut |b: &mut [u8]| {
                        assert!(b.iter().eq(model.iter()), "step {step}: lent bytes");
                        take
                    });
                    let n = take.min(model.len());
                    assert_eq!(lent, (!model.is_empty()).then_some(n));
                    model.drain(..n);
                }
                4 => {
                    let n = next(500);
                    q.consume(n);
                    model.drain(..n.min(model.len()));
                }
                _ => {
                    if next(20) == 0 {
                        q.clear();
                        model.clear();
                    }
                }
            }
            assert!(q.readable().iter().eq(model.iter()), "step {step}");
            // Growth is by what was held at once, never by what went
            // through: consumed room is reclaimed before the queue doubles
            // again.
            most = most.max(model.len());
            assert!(q.capacity() <= 4 * (most + 4096), "step {step}: bounded");
        }
    }

    #[test]
    fn debug_shows_sizes_not_bytes() {
        let mut b = ByteQueue::new();
        b.push(b"secret");
        let s = format!("{b:?}");
        assert!(s.contains("len: 6"), "{s}");
        assert!(!s.contains("115"), "{s}");
    }
}
