//! Records sealed where the write BIO will hold them (`Bio::write_in_place`,
//! OpenSSL's `BIO_nwrite0`/`BIO_nwrite`): a BIO that lends room in its
//! buffer, as memory BIOs and BIO pairs do, saves copying every record out
//! of the engine's own output buffer. These tests check that the path is
//! taken, that it gives way to the copying write whenever the BIO has no
//! room or bytes already wait, that every byte still arrives once and in
//! order, and that a BIO breaking the contract stops the connection loudly.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

use std::sync::{Arc, Mutex};

use ferrotls::bio::{Bio, BioError, BioPair, MemBio, RetryFlags};
use ferrotls::{ErrorCode, Mode};
use util::*;

#[derive(Default)]
struct Counts {
    /// Calls of `write` (bytes copied in).
    writes: usize,
    /// Calls of `write_in_place` that lent room.
    lends: usize,
    /// Subtracted from what `put` wrote before it is held (a broken BIO).
    short: usize,
}

/// A write BIO over a [`MemBio`] that counts how it was written to, and
/// can be told to keep less of a record than was sealed into its room.
#[derive(Clone)]
struct CountingBio {
    mem: MemBio,
    counts: Arc<Mutex<Counts>>,
}

impl CountingBio {
    fn new(mem: MemBio) -> Self {
        CountingBio {
            mem,
            counts: Arc::default(),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap()
    }
}

impl Bio for CountingBio {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        self.mem.read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        self.counts().writes += 1;
        self.mem.write(buf)
    }
    fn flush(&mut self) -> Result<(), BioError> {
        self.mem.flush()
    }
    fn pending(&self) -> usize {
        self.mem.pending()
    }
    fn wpending(&self) -> usize {
        0
    }
    fn retry_flags(&self) -> RetryFlags {
        self.mem.retry_flags()
    }
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        let short = self.counts().short;
        let held = self
            .mem
            .write_in_place(len, &mut |room: &mut [u8]| put(room).saturating_sub(short));
        self.counts().lends += held.is_some() as usize;
        held
    }
}

/// An established pair whose client now writes through a [`CountingBio`]
/// into the same memory BIO the server reads.
fn counting_pair() -> (MemPair, CountingBio) {
    let mut p = connected();
    let counting = CountingBio::new(p.c2s.clone());
    p.client.set_bio(p.s2c.clone(), counting.clone());
    (p, counting)
}

#[test]
fn s05_records_are_sealed_where_the_bio_will_hold_them() {
    let (mut p, counting) = counting_pair();
    let data = pattern(100_000, 7);
    assert_eq!(p.client.write(&data), data.len() as i32);
    let c = counting.counts();
    assert_eq!(c.writes, 0, "no record was copied in");
    assert_eq!(c.lends, data.len().div_ceil(16384), "one lend a record");
    drop(c);
    assert_eq!(read_exact(&mut p.server, data.len()), data);
}

#[test]
fn s05_a_key_update_waiting_in_the_output_goes_first_and_by_copy() {
    let (mut p, counting) = counting_pair();
    // A KeyUpdate is queued in the engine's output before the data: the
    // data must not overtake it, so it is copied in behind it.
    p.client.key_update(false).unwrap();
    let data = pattern(40_000, 7);
    assert_eq!(p.client.write(&data), data.len() as i32);
    assert!(counting.counts().writes > 0, "the queued bytes were copied");
    assert_eq!(read_exact(&mut p.server, data.len()), data);
    // Nothing waits now: the next records are lent room again.
    let lends = counting.counts().lends;
    assert_eq!(p.client.write(&data), data.len() as i32);
    assert_eq!(counting.counts().lends, lends + 3);
    assert_eq!(read_exact(&mut p.server, data.len()), data);
}

#[test]
fn s04_a_bio_pair_without_room_takes_the_copying_write_and_wants_write() {
    let mut p = connected();
    let (client_end, mut server_end) = BioPair::new(20_000, 0);
    p.client.set_bio(p.s2c.clone(), client_end);
    let data = pattern(70_000, 7);
    // The first record fits the pair's room and is sealed there; the next
    // does not, so it is sealed into the engine's buffer and its write to
    // the pair is short: WANT_WRITE, and the retry with the same buffer
    // goes on where it stopped (S04, S10).
    let mut wire = Vec::new();
    let mut buf = vec![0u8; 65536];
    let mut rounds = 0;
    loop {
        let r = p.client.write(&data);
        if r > 0 {
            assert_eq!(r, data.len() as i32);
            break;
        }
        assert_code(&p.client, r, ErrorCode::WantWrite);
        while let Ok(n) = server_end.read(&mut buf) {
            wire.extend_from_slice(&buf[..n]);
        }
        rounds += 1;
        assert!(rounds < 100, "the write made no progress");
    }
    while let Ok(n) = server_end.read(&mut buf) {
        wire.extend_from_slice(&buf[..n]);
    }
    assert!(rounds >= 3, "the pair filled up");
    p.c2s.write(&wire).unwrap();
    assert_eq!(read_exact(&mut p.server, data.len()), data);
}

#[test]
fn s09_partial_writes_through_lent_room_return_one_record() {
    let (mut p, counting) = counting_pair();
    p.client.set_mode(Mode::ENABLE_PARTIAL_WRITE);
    let data = pattern(50_000, 7);
    let mut off = 0;
    while off < data.len() {
        let r = p.client.write(&data[off..]);
        assert!(r > 0 && r as usize <= 16384, "partial write of {r}");
        off += r as usize;
    }
    assert_eq!(counting.counts().writes, 0);
    assert_eq!(read_exact(&mut p.server, data.len()), data);
}

#[test]
fn r01_a_bio_that_keeps_part_of_a_sealed_record_fails_loudly() {
    let (mut p, counting) = counting_pair();
    counting.counts().short = 1;
    let r = p.client.write(b"a record the BIO will cut short");
    assert_code(&p.client, r, ErrorCode::Ssl);
    let e = p.client.peek_error().expect("an error queued");
    assert!(e.text.contains("BIO held"), "{e}");
    // The connection is dead, as after any fatal error.
    assert!(p.client.write(b"more") <= 0);
}

/// A write BIO over a [`MemBio`] that, by a fixed pseudo-random pattern,
/// refuses to lend room, takes only part of a copying write, or reports
/// would-block: records must still reach the reader once and in order
/// whichever path each of them took.
struct FickleBio {
    mem: MemBio,
    state: u64,
    /// The flags of the last call.
    flags: RetryFlags,
}

impl FickleBio {
    fn roll(&mut self, bound: u64) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state % bound
    }
}

impl Bio for FickleBio {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        self.mem.read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        let r = if self.roll(4) == 0 {
            Err(BioError::WouldBlock(ferrotls::bio::Retry::Write))
        } else {
            let n = 1 + self.roll(buf.len().max(1) as u64) as usize;
            self.mem.write(&buf[..n.min(buf.len())])
        };
        self.flags = RetryFlags::from_result(&r);
        r
    }
    fn flush(&mut self) -> Result<(), BioError> {
        Ok(())
    }
    fn pending(&self) -> usize {
        self.mem.pending()
    }
    fn wpending(&self) -> usize {
        0
    }
    fn retry_flags(&self) -> RetryFlags {
        self.flags
    }
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        self.flags = RetryFlags::NONE;
        if self.roll(2) == 0 {
            return None;
        }
        self.mem.write_in_place(len, put)
    }
}

#[test]
fn s04_records_mixed_between_lent_room_and_short_copying_writes_arrive_in_order() {
    let mut p = connected();
    p.client.set_bio(
        p.s2c.clone(),
        FickleBio {
            mem: p.c2s.clone(),
            state: 0x2545_f491_4f6c_dd1d,
            flags: RetryFlags::NONE,
        },
    );
    let data = pattern(300_000, 11);
    let mut sent = 0;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 65536];
    let mut rounds = 0;
    while sent < data.len() {
        // Writes of varying size, each retried with the same buffer until
        // it is taken whole (S10).
        let end = (sent + 1 + (sent * 7919) % 40_000).min(data.len());
        loop {
            let r = p.client.write(&data[sent..end]);
            if r > 0 {
                assert_eq!(r as usize, end - sent);
                break;
            }
            assert_code(&p.client, r, ErrorCode::WantWrite);
            rounds += 1;
        }
        sent = end;
        // The reader drains what arrived so far.
        loop {
            let n = p.server.read(&mut buf);
            if n <= 0 {
                assert_code(&p.server, n, ErrorCode::WantRead);
                break;
            }
            got.extend_from_slice(&buf[..n as usize]);
        }
    }
    got.extend(read_exact(&mut p.server, data.len() - got.len()));
    assert!(rounds > 10, "the BIO blocked now and then ({rounds})");
    assert_eq!(got, data);
}
