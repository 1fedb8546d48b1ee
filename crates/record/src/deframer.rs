//! The deframer: transport bytes in, whole records out.
//!
//! One buffer of at most one maximal record plus its header holds
//! everything that has been received but not yet handed out, so a peer can
//! never make it grow past that, whatever lengths it announces. The buffer
//! starts small and grows only as far as the records actually received
//! need: a handshake's records fit in a few KiB, and only bulk data brings
//! it to the full size. Bytes may arrive split in any
//! way (one at a time, or many records at once); a record is returned only
//! when it is complete, and its header is checked first so that an
//! oversized or malformed record is refused before its body is awaited.

use core::fmt;

use ferrotls_core::{Error, InvalidMessage};
use zeroize::Zeroize;

use crate::empty::EmptyRun;
use crate::header::{RecordHeader, check_header, parse_header};
use crate::{HEADER_LEN, MAX_CIPHERTEXT_TLS12};

/// The largest buffer: the largest record of either version, with its header.
const BUF_LEN: usize = HEADER_LEN + MAX_CIPHERTEXT_TLS12;
/// The first allocation: room for a hello or a few small records. An idle
/// connection that exchanged little keeps no more than this; larger records
/// grow it (by powers of two) when they arrive.
const MIN_BUF_LEN: usize = 512;

/// A record as it came off the wire: header checked, body still protected.
/// The body is borrowed mutably so it can be decrypted where it lies.
#[derive(Debug)]
pub struct OpaqueRecord<'a> {
    /// The checked header.
    pub header: RecordHeader,
    /// The fragment (`header.length` bytes).
    pub payload: &'a mut [u8],
}

/// Reassembles records from a byte stream. See the module docs.
pub struct Deframer {
    /// Every byte of it may have held plaintext (it is wiped on drop); its
    /// length only grows, up to [`BUF_LEN`].
    buf: Vec<u8>,
    /// First byte not yet handed out as part of a record.
    start: usize,
    /// One past the last byte committed.
    end: usize,
    /// One past the last byte ever committed: nothing beyond it was ever
    /// written, so the wipe on drop stops there.
    high: usize,
    framing: Framing,
}

/// What framing checks and remembers from record to record, whichever
/// buffer the record lies in.
struct Framing {
    max_len: usize,
    empty_run: EmptyRun,
    /// A framing error is fatal: once seen it is returned for every call,
    /// because the stream can no longer be resynchronised.
    error: Option<Error>,
}

impl Deframer {
    /// An empty deframer accepting records up to the TLS 1.2 ciphertext
    /// limit, the largest any version allows, because the version is not
    /// known before the hellos; [`Deframer::set_max_ciphertext_len`]
    /// tightens it. Nothing is allocated until the first byte arrives.
    pub fn new() -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            end: 0,
            high: 0,
            framing: Framing {
                max_len: MAX_CIPHERTEXT_TLS12,
                empty_run: EmptyRun::default(),
                error: None,
            },
        }
    }

    /// Room to read transport bytes into; report how many were written
    /// with [`Deframer::commit`].
    ///
    /// Non-empty unless a whole record is already buffered (then call
    /// [`Deframer::next_record`] first). Unconsumed bytes are moved to the
    /// front only when the record in progress would not otherwise fit, so
    /// that coalesced records cost no copying; the buffer grows (to at most
    /// one maximal record) only when moving is not enough.
    pub fn spare(&mut self) -> &mut [u8] {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        let need = self.end + self.missing();
        if need > self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            let need = self.end + self.missing();
            if need > self.buf.len() {
                self.grow(need);
            }
        }
        &mut self.buf[self.end..]
    }

    /// Reallocates the buffer to hold at least `need` bytes (capped at
    /// [`BUF_LEN`]; `missing` never asks beyond it, because headers are
    /// checked against the limit before their body is awaited). The old
    /// allocation is wiped before it is freed, as it may hold plaintext.
    fn grow(&mut self, need: usize) {
        let len = need.next_power_of_two().clamp(MIN_BUF_LEN, BUF_LEN);
        let mut buf = vec![0u8; len];
        buf[..self.end].copy_from_slice(&self.buf[..self.end]);
        self.wipe();
        self.buf = buf;
        self.high = self.end;
    }

    /// Notes that `n` bytes were written at the front of [`Deframer::spare`].
    /// A count beyond the spare room is the caller's bug; it is clamped so
    /// that no byte outside what was written is ever treated as received.
    pub fn commit(&mut self, n: usize) {
        let room = self.buf.len() - self.end;
        debug_assert!(n <= room, "commit({n}) beyond spare room {room}");
        self.end += n.min(room);
        self.high = self.high.max(self.end);
    }

    /// Copies as much of `bytes` as fits and returns how many were taken.
    /// Fewer than `bytes.len()` means a whole record is waiting: call
    /// [`Deframer::next_record`] and push the rest afterwards.
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        let mut taken = 0;
        while taken < bytes.len() {
            let spare = self.spare();
            let n = spare.len().min(bytes.len() - taken);
            if n == 0 {
                break;
            }
            spare[..n].copy_from_slice(&bytes[taken..taken + n]);
            self.commit(n);
            taken += n;
        }
        taken
    }

    /// The next whole record, or `None` until more bytes arrive.
    ///
    /// The header is checked with [`check_header`] against the current
    /// limit, and a run of more than
    /// [`MAX_CONSECUTIVE_EMPTY_RECORDS`](crate::MAX_CONSECUTIVE_EMPTY_RECORDS)
    /// empty records is refused. The record returned by the previous call
    /// is gone once this is called.
    pub fn next_record(&mut self) -> Result<Option<OpaqueRecord<'_>>, Error> {
        let Some((header, total)) = self.framing.frame(&self.buf[self.start..self.end])? else {
            return Ok(None);
        };
        let body = self.start + HEADER_LEN..self.start + total;
        // The bytes stay where they are until the borrow handed out here
        // ends; only then can `spare` reuse them.
        self.start += total;
        Ok(Some(OpaqueRecord {
            header,
            payload: &mut self.buf[body],
        }))
    }

    /// The whole record at the front of `bytes`, a buffer the caller owns
    /// (a BIO's, lent in place), and its length there: the checks of
    /// [`Deframer::next_record`], which also counts it for the
    /// empty-record limit. `None` when `bytes` holds no whole record, or
    /// when this deframer still holds bytes of its own (they come first);
    /// the bytes then go through [`Deframer::spare`] as usual. An error is
    /// as fatal as one from `next_record`.
    pub fn record_in<'a>(
        &mut self,
        bytes: &'a mut [u8],
    ) -> Result<Option<(OpaqueRecord<'a>, usize)>, Error> {
        if self.buffered() > 0 {
            return Ok(None);
        }
        let Some((header, total)) = self.framing.frame(bytes)? else {
            return Ok(None);
        };
        let payload = &mut bytes[HEADER_LEN..total];
        Ok(Some((OpaqueRecord { header, payload }, total)))
    }

    /// Sets the largest record body accepted (TLSCiphertext.length, or
    /// TLSPlaintext.length before keys are in use). Values beyond the TLS
    /// 1.2 ciphertext limit are capped to it, which is also the largest
    /// buffer size.
    pub fn set_max_ciphertext_len(&mut self, n: usize) {
        self.framing.max_len = n.min(MAX_CIPHERTEXT_TLS12);
    }

    /// The current limit.
    pub fn max_ciphertext_len(&self) -> usize {
        self.framing.max_len
    }

    /// Bytes received but not yet handed out as a record.
    pub fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// Where `part` (a slice of the record last returned by
    /// [`Deframer::next_record`], given as its address and length) lies in
    /// the buffer, so that a caller can keep reading decrypted bytes in
    /// place after the borrow ended. `None` if it is not inside the buffer.
    /// The range stays valid until the next call to
    /// [`Deframer::spare`], [`Deframer::push`] or [`Deframer::next_record`].
    pub fn locate(&self, addr: usize, len: usize) -> Option<core::ops::Range<usize>> {
        let from = addr.checked_sub(self.buf.as_ptr() as usize)?;
        let to = from.checked_add(len)?;
        (to <= self.start).then_some(from..to)
    }

    /// Bytes of the buffer, for a range from [`Deframer::locate`]; empty if
    /// the range is not inside the buffer.
    pub fn bytes(&self, range: core::ops::Range<usize>) -> &[u8] {
        self.buf.get(range).unwrap_or_default()
    }

    /// Bytes of memory the buffer holds (for memory accounting and tests).
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Bytes still needed to complete the record at the front (the header
    /// first). Zero when a whole record is buffered.
    fn missing(&self) -> usize {
        let have = self.end - self.start;
        if have < HEADER_LEN {
            return HEADER_LEN - have;
        }
        let len = u16::from_be_bytes([self.buf[self.start + 3], self.buf[self.start + 4]]);
        // A header over the limit is refused by `next_record`; asking for
        // its body would only grow the buffer for nothing.
        let len = usize::from(len).min(self.framing.max_len);
        (HEADER_LEN + len).saturating_sub(have)
    }

    /// Wipes every byte that was ever received (and possibly decrypted).
    fn wipe(&mut self) {
        let high = self.high.min(self.buf.len());
        self.buf[..high].zeroize();
    }
}

impl Framing {
    /// The header and whole length of the record at the front of `bytes`
    /// once the header passed [`check_header`], `None` while the record is
    /// incomplete. A whole record counts for the empty-record limit.
    fn frame(&mut self, bytes: &[u8]) -> Result<Option<(RecordHeader, usize)>, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let header = match parse_header(bytes) {
            Ok((_, header)) => header,
            Err(nom::Err::Incomplete(_)) => return Ok(None),
            Err(_) => return Err(self.fail(InvalidMessage::MissingData("record header").into())),
        };
        if let Err(e) = check_header(&header, self.max_len) {
            return Err(self.fail(e));
        }
        let total = HEADER_LEN + usize::from(header.length);
        if bytes.len() < total {
            return Ok(None);
        }
        if let Err(e) = self.empty_run.observe(usize::from(header.length)) {
            return Err(self.fail(e));
        }
        Ok(Some((header, total)))
    }

    fn fail(&mut self, e: Error) -> Error {
        self.error = Some(e.clone());
        e
    }
}

impl Default for Deframer {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Deframer {
    /// The buffer held decrypted plaintext; it is wiped like a secret, as
    /// far as it was ever written.
    fn drop(&mut self) {
        self.wipe();
    }
}

impl fmt::Debug for Deframer {
    /// The buffer's contents (possibly decrypted plaintext) stay private.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deframer")
            .field("buffered", &self.buffered())
            .field("max_len", &self.framing.max_len)
            .field("error", &self.framing.error)
            .finish_non_exhaustive()
    }
}
