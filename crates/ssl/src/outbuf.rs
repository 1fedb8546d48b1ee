//! The output buffer: protected records waiting for the transport.
//!
//! Records are sealed straight into it (the record layer writes header,
//! ciphertext and tag in one pass from the application's plaintext), so it
//! hands out initialised room rather than growing a `Vec` per record: the
//! bytes are zero-filled once, when the buffer grows, and never again.
//! `start..end` are the bytes the transport has not taken yet; they stay
//! put until it has, so a write that stopped on a would-block resumes
//! with exactly the same bytes (SPEC S04, S10).

/// The least the buffer grows to: a few small handshake records, and
/// still within the allocator's cache of small blocks.
const MIN_GROWTH: usize = 512;

/// See the module docs.
#[derive(Default)]
pub(crate) struct OutBuf {
    /// Initialised; its length only grows (until [`OutBuf::release`]).
    buf: Vec<u8>,
    /// First byte not yet accepted by the transport.
    start: usize,
    /// One past the last byte committed.
    end: usize,
}

impl OutBuf {
    /// `n` bytes of room after the unsent bytes, to write one record into
    /// and then [`OutBuf::commit`]. Sent bytes are reclaimed first (moving
    /// the unsent ones to the front only when the room would not otherwise
    /// be there); the buffer grows only when that is not enough.
    pub fn reserve(&mut self, n: usize) -> &mut [u8] {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.buf.len() - self.end < n {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            let need = self.end + n;
            if need > self.buf.len() {
                // Doubling keeps a stream of records from growing it one
                // record at a time; the floor lets a short flight
                // (ServerHello, ChangeCipherSpec, Finished) grow it once
                // rather than once a record.
                let len = need.max(2 * self.buf.len()).max(MIN_GROWTH);
                self.buf.resize(len, 0);
            }
        }
        &mut self.buf[self.end..self.end + n]
    }

    /// Notes that `n` bytes were written at the front of the room
    /// [`OutBuf::reserve`] gave. A count beyond the buffer is a caller bug;
    /// it is clamped so that no byte that was not written is ever sent.
    pub fn commit(&mut self, n: usize) {
        let room = self.buf.len() - self.end;
        debug_assert!(n <= room, "commit({n}) beyond the room {room}");
        self.end += n.min(room);
    }

    /// The bytes the transport has not accepted yet.
    pub fn unsent(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// True when nothing waits for the transport.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Notes that the transport accepted `n` bytes of [`OutBuf::unsent`].
    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.clear();
        }
    }

    /// Forgets every unsent byte, keeping the allocation.
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    /// Frees the allocation if nothing waits for the transport
    /// (`MODE_RELEASE_BUFFERS`, or an idle connection after the
    /// handshake); the next record allocates again.
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

    fn put(b: &mut OutBuf, bytes: &[u8]) {
        b.reserve(bytes.len()).copy_from_slice(bytes);
        b.commit(bytes.len());
    }

    #[test]
    fn bytes_come_out_in_order_across_partial_sends() {
        let mut b = OutBuf::default();
        put(&mut b, b"hello ");
        put(&mut b, b"world");
        assert_eq!(b.unsent(), b"hello world");
        b.consume(3);
        assert_eq!(b.unsent(), b"lo world");
        // Room beyond the current length forces the unsent bytes forward
        // (or a growth); they must survive either way.
        let len = b.buf.len();
        put(&mut b, &vec![7u8; len - 5]);
        assert_eq!(&b.unsent()[..8], b"lo world");
        assert_eq!(b.unsent().len(), 8 + len - 5);
        b.consume(b.unsent().len());
        assert!(b.is_empty());
        assert_eq!((b.start, b.end), (0, 0));
    }

    #[test]
    fn reserve_compacts_before_growing_and_reuses_sent_room() {
        let mut b = OutBuf::default();
        put(&mut b, &[1u8; 1000]);
        let len = b.buf.len();
        b.consume(990);
        // 10 unsent at the end; room for len - 10 only after compacting.
        let room = b.reserve(len - 10);
        assert_eq!(room.len(), len - 10);
        assert_eq!(b.buf.len(), len, "no growth");
        assert_eq!(b.unsent(), &[1u8; 10]);
        // Sent completely: the next record starts at the front again.
        b.consume(10);
        put(&mut b, b"abc");
        assert_eq!(b.start, 0);
        assert_eq!(b.unsent(), b"abc");
    }

    #[test]
    fn consume_beyond_the_unsent_bytes_is_clamped() {
        let mut b = OutBuf::default();
        b.reserve(4).copy_from_slice(b"abcd");
        b.commit(4);
        assert_eq!(b.unsent(), b"abcd");
        b.consume(100);
        assert!(b.is_empty());
    }

    #[test]
    fn release_frees_only_an_empty_buffer() {
        let mut b = OutBuf::default();
        assert_eq!(b.capacity(), 0);
        put(&mut b, b"pending");
        b.release();
        assert_eq!(b.unsent(), b"pending");
        assert!(b.capacity() > 0);
        b.consume(7);
        b.release();
        assert_eq!(b.capacity(), 0);
    }
}
