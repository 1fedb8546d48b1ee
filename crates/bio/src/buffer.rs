//! `BIO_f_buffer`.

use std::fmt;

use crate::{Bio, BioError, RetryFlags, flagged_transfers};

/// Default buffer size of [`BufferBio`] (OpenSSL's `DEFAULT_BUFFER_SIZE`).
pub const DEFAULT_BUFFER_SIZE: usize = 4096;

/// Buffering filter (`BIO_f_buffer()`) on top of another [`Bio`].
///
/// **Writes** are coalesced in an output buffer and only passed to the inner
/// Bio on [`flush`](Bio::flush) or when the buffer fills up, so that e.g. a
/// whole handshake flight leaves in one inner `write` (one TCP segment when
/// it fits). Writes that are at least as large as the buffer go straight
/// through once the buffer has been emptied. If the inner Bio would block
/// while the buffer is being emptied, bytes stay buffered in order — nothing
/// is lost or duplicated — and the call reports either the number of bytes it
/// accepted or the inner would-block (with the inner retry direction).
///
/// **Reads** are buffered too by default (one large inner read serves several
/// small reads); [`set_read_buffering(false)`](Self::set_read_buffering)
/// makes them pass straight through.
///
/// Reading does *not* flush pending output; callers (like the SSL state
/// machine) flush after writing a flight.
pub struct BufferBio<B: Bio> {
    inner: B,
    /// Output buffer: `obuf[opos..]` is pending, capacity `size`.
    obuf: Vec<u8>,
    opos: usize,
    /// Input buffer: `ibuf[ipos..]` is readable.
    ibuf: Vec<u8>,
    ipos: usize,
    size: usize,
    read_buffering: bool,
    flags: RetryFlags,
}

impl<B: Bio + fmt::Debug> fmt::Debug for BufferBio<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferBio")
            .field("inner", &self.inner)
            .field("size", &self.size)
            .field("write_buffered", &self.out_len())
            .field("read_buffered", &self.in_len())
            .field("flags", &self.flags)
            .finish()
    }
}

impl<B: Bio> BufferBio<B> {
    /// Wrap `inner` with [`DEFAULT_BUFFER_SIZE`]-byte buffers
    /// (`BIO_push(BIO_new(BIO_f_buffer()), inner)`).
    pub fn new(inner: B) -> Self {
        Self::with_capacity(DEFAULT_BUFFER_SIZE, inner)
    }

    /// Wrap `inner` with `size`-byte buffers (`BIO_set_buffer_size()`);
    /// a `size` of 0 is treated as 1.
    pub fn with_capacity(size: usize, inner: B) -> Self {
        let size = size.max(1);
        BufferBio {
            inner,
            obuf: Vec::with_capacity(size),
            opos: 0,
            ibuf: Vec::new(),
            ipos: 0,
            size,
            read_buffering: true,
            flags: RetryFlags::NONE,
        }
    }

    /// Buffer capacity in bytes.
    pub fn capacity(&self) -> usize {
        self.size
    }

    /// Enable (default) or disable input buffering. Bytes already buffered
    /// are still delivered first.
    pub fn set_read_buffering(&mut self, on: bool) {
        self.read_buffering = on;
    }

    /// Bytes written to this filter and not yet passed to the inner Bio.
    pub fn buffered_output(&self) -> &[u8] {
        &self.obuf[self.opos..]
    }

    /// Bytes read from the inner Bio and not yet returned to the caller.
    pub fn buffered_input(&self) -> &[u8] {
        &self.ibuf[self.ipos..]
    }

    /// The inner Bio.
    pub fn get_ref(&self) -> &B {
        &self.inner
    }

    /// The inner Bio, mutably. Writing to it directly bypasses (and may
    /// reorder against) buffered output.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// Unwrap, returning the inner Bio and the unsent output bytes (try
    /// [`flush`](Bio::flush) first to avoid the latter). Buffered input is
    /// discarded.
    pub fn into_parts(mut self) -> (B, Vec<u8>) {
        let unsent = self.obuf.split_off(self.opos);
        (self.inner, unsent)
    }

    fn out_len(&self) -> usize {
        self.obuf.len() - self.opos
    }

    fn in_len(&self) -> usize {
        self.ibuf.len() - self.ipos
    }

    /// Free space in the output buffer (compacting it first if useful).
    fn out_space(&mut self) -> usize {
        if self.opos > 0 && self.opos == self.obuf.len() {
            self.obuf.clear();
            self.opos = 0;
        } else if self.opos > 0 && self.obuf.len() == self.size {
            self.obuf.drain(..self.opos);
            self.opos = 0;
        }
        self.size - self.obuf.len()
    }

    /// Push all buffered output to the inner Bio.
    fn drain_out(&mut self) -> Result<(), BioError> {
        while self.opos < self.obuf.len() {
            let n = self.inner.write(&self.obuf[self.opos..])?;
            if n == 0 {
                // Contract violation by inner; avoid spinning forever.
                return Err(BioError::Io(std::io::Error::new(
                    std::io::ErrorKind::WriteZero,
                    "inner bio accepted no bytes",
                )));
            }
            self.opos += n;
        }
        self.obuf.clear();
        self.opos = 0;
        Ok(())
    }

    fn do_write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        let space = self.out_space();
        if buf.len() <= space {
            self.obuf.extend_from_slice(buf);
            return Ok(buf.len());
        }
        // Fill the buffer up, then empty it into the inner Bio.
        let mut accepted = 0;
        if self.out_len() > 0 {
            self.obuf.extend_from_slice(&buf[..space]);
            accepted = space;
            if let Err(e) = self.drain_out() {
                return if accepted > 0 { Ok(accepted) } else { Err(e) };
            }
        }
        // Buffer is empty: large remainders go straight through.
        while buf.len() - accepted >= self.size {
            match self.inner.write(&buf[accepted..]) {
                Ok(0) => {
                    let e = BioError::Io(std::io::Error::new(
                        std::io::ErrorKind::WriteZero,
                        "inner bio accepted no bytes",
                    ));
                    return if accepted > 0 { Ok(accepted) } else { Err(e) };
                }
                Ok(n) => accepted += n,
                Err(e) => return if accepted > 0 { Ok(accepted) } else { Err(e) },
            }
        }
        // Small remainder fits into the (now empty) buffer.
        self.obuf.extend_from_slice(&buf[accepted..]);
        Ok(buf.len())
    }

    fn do_read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.in_len() > 0 {
            let n = self.in_len().min(buf.len());
            buf[..n].copy_from_slice(&self.ibuf[self.ipos..self.ipos + n]);
            self.ipos += n;
            if self.ipos == self.ibuf.len() {
                self.ibuf.clear();
                self.ipos = 0;
            }
            return Ok(n);
        }
        if !self.read_buffering || buf.len() >= self.size {
            return self.inner.read(buf);
        }
        self.ibuf.resize(self.size, 0);
        match self.inner.read(&mut self.ibuf) {
            Ok(got) => {
                self.ibuf.truncate(got);
                let n = got.min(buf.len());
                buf[..n].copy_from_slice(&self.ibuf[..n]);
                self.ipos = n;
                if self.ipos == self.ibuf.len() {
                    self.ibuf.clear();
                    self.ipos = 0;
                }
                Ok(n)
            }
            Err(e) => {
                self.ibuf.clear();
                self.ipos = 0;
                Err(e)
            }
        }
    }
}

impl<B: Bio> Bio for BufferBio<B> {
    flagged_transfers!();

    /// Write all buffered output to the inner Bio in order, then flush the
    /// inner Bio. On would-block the unsent bytes stay buffered and the
    /// retry flags say so.
    fn flush(&mut self) -> Result<(), BioError> {
        let r = self.drain_out().and_then(|()| self.inner.flush());
        self.flags = RetryFlags::from_result(&r);
        r
    }

    /// Buffered input plus what the inner Bio has pending.
    fn pending(&self) -> usize {
        self.in_len() + self.inner.pending()
    }

    /// Buffered output plus what the inner Bio has pending for writing.
    fn wpending(&self) -> usize {
        self.out_len() + self.inner.wpending()
    }
}
