//! Adapters between `std::io` streams and [`Bio`]s.

use std::fmt;
use std::io::{self, Read, Write};

use crate::{Bio, BioError, Retry, RetryFlags, flagged_transfers};

/// A [`Bio`] over any `std::io::Read + Write` stream.
///
/// * `ErrorKind::WouldBlock` → `WouldBlock` in the direction of the call
///   (`Retry::Read` for `read`, `Retry::Write` for `write`/`flush`);
/// * `ErrorKind::Interrupted` → retried transparently (the default,
///   blocking semantics), or reported as would-block when created with
///   [`IoBio::new_nonblocking`];
/// * `Ok(0)` from `read` with a non-empty buffer → [`BioError::Eof`];
/// * `Ok(0)` from `write` with a non-empty buffer, or `ErrorKind::WriteZero`
///   → [`BioError::Io`] (`WriteZero`);
/// * everything else → [`BioError::Io`].
pub struct IoBio<T: Read + Write + Send> {
    inner: T,
    nonblocking: bool,
    flags: RetryFlags,
}

impl<T: Read + Write + Send + fmt::Debug> fmt::Debug for IoBio<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoBio")
            .field("inner", &self.inner)
            .field("nonblocking", &self.nonblocking)
            .field("flags", &self.flags)
            .finish()
    }
}

impl<T: Read + Write + Send> IoBio<T> {
    /// Wrap a stream with blocking semantics (`Interrupted` is retried).
    pub fn new(inner: T) -> Self {
        IoBio {
            inner,
            nonblocking: false,
            flags: RetryFlags::NONE,
        }
    }

    /// Wrap a stream with non-blocking semantics: `Interrupted` is reported
    /// as would-block instead of being retried.
    pub fn new_nonblocking(inner: T) -> Self {
        IoBio {
            inner,
            nonblocking: true,
            flags: RetryFlags::NONE,
        }
    }

    /// `true` if created with [`new_nonblocking`](Self::new_nonblocking).
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwrap.
    pub fn into_inner(self) -> T {
        self.inner
    }

    fn map_err(&self, e: io::Error, dir: Retry) -> Option<BioError> {
        match e.kind() {
            io::ErrorKind::Interrupted if !self.nonblocking => None,
            io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => {
                Some(BioError::WouldBlock(dir))
            }
            _ => Some(BioError::Io(e)),
        }
    }

    fn do_read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Ok(0) => return Err(BioError::Eof),
                Ok(n) => return Ok(n),
                Err(e) => {
                    if let Some(err) = self.map_err(e, Retry::Read) {
                        return Err(err);
                    }
                }
            }
        }
    }

    fn do_write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.inner.write(buf) {
                Ok(0) => {
                    return Err(BioError::Io(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "stream accepted no bytes",
                    )));
                }
                Ok(n) => return Ok(n),
                Err(e) => {
                    if let Some(err) = self.map_err(e, Retry::Write) {
                        return Err(err);
                    }
                }
            }
        }
    }

    fn do_flush(&mut self) -> Result<(), BioError> {
        loop {
            match self.inner.flush() {
                Ok(()) => return Ok(()),
                Err(e) => {
                    if let Some(err) = self.map_err(e, Retry::Write) {
                        return Err(err);
                    }
                }
            }
        }
    }
}

impl<T: Read + Write + Send> Bio for IoBio<T> {
    flagged_transfers!();

    fn flush(&mut self) -> Result<(), BioError> {
        let r = self.do_flush();
        self.flags = RetryFlags::from_result(&r);
        r
    }

    /// Unknown for a generic stream: 0.
    fn pending(&self) -> usize {
        0
    }

    /// Unknown for a generic stream: 0.
    fn wpending(&self) -> usize {
        0
    }
}

/// The reverse adapter: any [`Bio`] as a `std::io::Read + Write` stream.
///
/// `Eof` reads as `Ok(0)`; would-block becomes `ErrorKind::WouldBlock`; I/O
/// errors pass through. The Bio's retry flags remain readable through
/// [`get_ref`](Self::get_ref).
#[derive(Debug)]
pub struct BioStream<B: Bio> {
    bio: B,
}

impl<B: Bio> BioStream<B> {
    /// Wrap a Bio.
    pub fn new(bio: B) -> Self {
        BioStream { bio }
    }

    /// The wrapped Bio.
    pub fn get_ref(&self) -> &B {
        &self.bio
    }

    /// The wrapped Bio, mutably.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.bio
    }

    /// Unwrap.
    pub fn into_inner(self) -> B {
        self.bio
    }
}

impl<B: Bio> Read for BioStream<B> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.bio.read(buf) {
            Ok(n) => Ok(n),
            Err(BioError::Eof) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }
}

impl<B: Bio> Write for BioStream<B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bio.write(buf).map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.bio.flush().map_err(io::Error::from)
    }
}
