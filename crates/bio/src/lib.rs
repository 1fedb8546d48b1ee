//! # ferrotls-bio — OpenSSL-style BIOs in Rust types
//!
//! This crate is the I/O edge that the ferrotls SSL facade drives, and it can
//! be used on its own. It models the semantics described in OpenSSL's
//! `bio(7)` man page with ordinary Rust types. It depends on no other ferrotls
//! crate and contains no `unsafe` code (the workspace forbids it).
//!
//! ## The [`Bio`] trait
//!
//! A [`Bio`] is a byte source/sink whose calls never lie about what happened:
//!
//! | outcome                          | Rust                                  | OpenSSL                                      |
//! |----------------------------------|---------------------------------------|----------------------------------------------|
//! | bytes moved                      | `Ok(n)`, `n > 0`                      | `BIO_read`/`BIO_write` return `n > 0`        |
//! | would block, retry reading       | `Err(BioError::WouldBlock(Retry::Read))`    | `-1` + `BIO_should_retry` + `BIO_should_read`  |
//! | would block, retry writing       | `Err(BioError::WouldBlock(Retry::Write))`   | `-1` + `BIO_should_retry` + `BIO_should_write` |
//! | would block, special I/O case    | `Err(BioError::WouldBlock(Retry::Special))` | `-1` + `BIO_should_io_special`                 |
//! | clean end of stream              | `Err(BioError::Eof)`                  | `0` without retry flags                      |
//! | I/O failure                      | `Err(BioError::Io(_))`                | `-1` without retry flags                     |
//!
//! After every `read`/`write` (and, for buffering Bios, `flush`) the retry
//! flags of that call can be inspected with [`Bio::retry_flags`] and the
//! `should_*` helpers, exactly like `BIO_should_retry()` and friends.
//! Whether a Bio blocks is a property of the Bio (e.g. of the socket it
//! wraps), never of the caller.
//!
//! ## Provided Bios
//!
//! | type                 | OpenSSL analogue                    | what it is |
//! |----------------------|-------------------------------------|------------|
//! | [`MemBio`]           | `BIO_s_mem()`, `BIO_new_mem_buf()`  | growable in-memory buffer; a cheap shared handle (`Clone` ≈ `BIO_up_ref`) |
//! | [`BioPair`]/[`PairEnd`] | `BIO_new_bio_pair()`, `BIO_s_bio()` | two connected ends with bounded buffers |
//! | [`SocketBio`]        | `BIO_s_socket()`, `BIO_new_socket()` | a TCP (or Unix) socket, blocking or non-blocking |
//! | [`BufferBio`]        | `BIO_f_buffer()`                    | filter that coalesces small writes until flushed |
//! | [`IoBio`]            | (none; adapter)                     | any `std::io::Read + Write` stream |
//! | [`testing::TestBio`] | (none; test aid)                    | wraps a Bio to throttle it and inject would-blocks |
//!
//! [`BioStream`] goes the other way and exposes any [`Bio`] as a
//! `std::io::Read + Write` stream.
//!
//! ## Lending instead of copying
//!
//! [`MemBio`] and [`PairEnd`] keep their bytes in a [`ByteQueue`], whose
//! memory is initialised, and lend it: [`Bio::read_in_place`]
//! (`BIO_nread0`/`BIO_nread`) hands a reader the readable bytes where they
//! lie, and [`Bio::write_in_place`] (`BIO_nwrite0`/`BIO_nwrite`) hands a
//! writer room after them. The SSL engine opens records in the first and
//! seals them into the second, so a TLS connection over a memory BIO or a
//! BIO pair moves no byte between its buffers and the BIO's. A Bio that
//! lends nothing (a socket, the defaults) is read and written by copying,
//! as before.
//!
//! ## Example
//!
//! ```
//! use ferrotls_bio::{Bio, BioError, MemBio, Retry};
//!
//! let mut bio = MemBio::new();
//! let mut buf = [0u8; 16];
//! // Empty memory BIO: "retry read", just like OpenSSL's default mem BIO.
//! assert!(matches!(bio.read(&mut buf), Err(BioError::WouldBlock(Retry::Read))));
//! assert!(bio.should_retry() && bio.should_read());
//!
//! // Keep a clone, hand the other one away, move bytes in between calls.
//! let mut other = bio.clone();
//! other.write(b"hello").unwrap();
//! assert_eq!(bio.read(&mut buf).unwrap(), 5);
//! assert_eq!(&buf[..5], b"hello");
//!
//! // With EOF marked (BIO_set_mem_eof_return(0)) an empty buffer reads as EOF.
//! bio.set_eof(true);
//! assert!(matches!(bio.read(&mut buf), Err(BioError::Eof)));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::io;

mod buffer;
mod iobio;
mod mem;
mod pair;
mod queue;
mod socket;
pub mod testing;

pub use buffer::{BufferBio, DEFAULT_BUFFER_SIZE};
pub use iobio::{BioStream, IoBio};
pub use mem::MemBio;
pub use pair::{BioPair, DEFAULT_PAIR_BUFFER_SIZE, PairEnd};
pub use queue::ByteQueue;
pub use socket::{BioClose, Socket, SocketBio};

/// Which operation should be retried after a would-block.
///
/// Analogue of `BIO_should_read()` / `BIO_should_write()` /
/// `BIO_should_io_special()` (see also [`BIO_get_retry_reason`] in OpenSSL).
///
/// [`BIO_get_retry_reason`]: https://www.openssl.org/docs/man3.0/man3/BIO_get_retry_reason.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retry {
    /// Retry when the Bio becomes readable (`BIO_should_read`).
    Read,
    /// Retry when the Bio becomes writable (`BIO_should_write`).
    Write,
    /// The underlying I/O has a special condition, e.g. a connect in
    /// progress (`BIO_should_io_special`).
    Special,
}

impl fmt::Display for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Retry::Read => "read",
            Retry::Write => "write",
            Retry::Special => "io-special",
        })
    }
}

/// Error type of every [`Bio`] operation.
#[derive(Debug)]
pub enum BioError {
    /// The operation could not make progress without blocking; retry the
    /// indicated direction later (`BIO_should_retry()` is true).
    WouldBlock(Retry),
    /// Clean end of stream: the peer finished sending and nothing is left.
    Eof,
    /// A real I/O failure (`BIO_should_retry()` is false).
    Io(io::Error),
}

impl BioError {
    /// `true` for [`BioError::WouldBlock`].
    pub fn is_would_block(&self) -> bool {
        matches!(self, BioError::WouldBlock(_))
    }

    /// `true` for [`BioError::Eof`].
    pub fn is_eof(&self) -> bool {
        matches!(self, BioError::Eof)
    }

    /// The retry direction, if this is a would-block.
    pub fn retry(&self) -> Option<Retry> {
        match self {
            BioError::WouldBlock(r) => Some(*r),
            _ => None,
        }
    }

    /// The retry flags that a Bio reporting this error should expose.
    pub fn retry_flags(&self) -> RetryFlags {
        RetryFlags::from_error(self)
    }

    /// Classify a `std::io::Error` produced by an operation in direction
    /// `dir`: `WouldBlock` (and `Interrupted`, which a caller reports only
    /// for non-blocking I/O) become [`BioError::WouldBlock`]`(dir)`, anything
    /// else [`BioError::Io`].
    pub fn from_io(err: io::Error, dir: Retry) -> BioError {
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => BioError::WouldBlock(dir),
            _ => BioError::Io(err),
        }
    }
}

impl fmt::Display for BioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BioError::WouldBlock(r) => write!(f, "operation would block (retry {r})"),
            BioError::Eof => f.write_str("end of stream"),
            BioError::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl std::error::Error for BioError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BioError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for BioError {
    /// Direction-less conversion: `WouldBlock` becomes
    /// `WouldBlock(Retry::Special)` (the direction is unknown here; prefer
    /// [`BioError::from_io`]), `UnexpectedEof` becomes [`BioError::Eof`],
    /// everything else [`BioError::Io`].
    fn from(err: io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::WouldBlock => BioError::WouldBlock(Retry::Special),
            io::ErrorKind::UnexpectedEof => BioError::Eof,
            _ => BioError::Io(err),
        }
    }
}

impl From<BioError> for io::Error {
    /// `WouldBlock` → `ErrorKind::WouldBlock`, `Eof` →
    /// `ErrorKind::UnexpectedEof`, `Io(e)` → `e`.
    fn from(err: BioError) -> Self {
        match err {
            BioError::WouldBlock(r) => io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("bio would block (retry {r})"),
            ),
            BioError::Eof => io::Error::new(io::ErrorKind::UnexpectedEof, "bio end of stream"),
            BioError::Io(e) => e,
        }
    }
}

/// Retry flags left by the last operation on a [`Bio`]
/// (`BIO_FLAGS_SHOULD_RETRY`, `BIO_FLAGS_READ`, `BIO_FLAGS_WRITE`,
/// `BIO_FLAGS_IO_SPECIAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RetryFlags(u8);

impl RetryFlags {
    /// No flags: the last call succeeded, hit EOF or failed hard.
    pub const NONE: RetryFlags = RetryFlags(0);
    /// `BIO_FLAGS_READ`.
    pub const READ: RetryFlags = RetryFlags(0x01);
    /// `BIO_FLAGS_WRITE`.
    pub const WRITE: RetryFlags = RetryFlags(0x02);
    /// `BIO_FLAGS_IO_SPECIAL`.
    pub const IO_SPECIAL: RetryFlags = RetryFlags(0x04);
    /// `BIO_FLAGS_SHOULD_RETRY`.
    pub const SHOULD_RETRY: RetryFlags = RetryFlags(0x08);

    /// Flags describing "retry in direction `r`" (`BIO_set_retry_read` etc.).
    pub const fn retry(r: Retry) -> RetryFlags {
        let dir = match r {
            Retry::Read => Self::READ.0,
            Retry::Write => Self::WRITE.0,
            Retry::Special => Self::IO_SPECIAL.0,
        };
        RetryFlags(dir | Self::SHOULD_RETRY.0)
    }

    /// Flags a Bio should expose after returning `err`.
    pub fn from_error(err: &BioError) -> RetryFlags {
        match err {
            BioError::WouldBlock(r) => Self::retry(*r),
            _ => Self::NONE,
        }
    }

    /// Flags a Bio should expose after returning `res`.
    pub fn from_result<T>(res: &Result<T, BioError>) -> RetryFlags {
        match res {
            Ok(_) => Self::NONE,
            Err(e) => Self::from_error(e),
        }
    }

    /// Raw bit value (OpenSSL-compatible layout is not promised).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// `true` if all flags in `other` are set.
    pub const fn contains(self, other: RetryFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// `true` if no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `BIO_should_retry`.
    pub const fn should_retry(self) -> bool {
        self.contains(Self::SHOULD_RETRY)
    }

    /// `BIO_should_read`.
    pub const fn should_read(self) -> bool {
        self.should_retry() && self.contains(Self::READ)
    }

    /// `BIO_should_write`.
    pub const fn should_write(self) -> bool {
        self.should_retry() && self.contains(Self::WRITE)
    }

    /// `BIO_should_io_special`.
    pub const fn should_io_special(self) -> bool {
        self.should_retry() && self.contains(Self::IO_SPECIAL)
    }

    /// The retry direction, if [`should_retry`](Self::should_retry).
    pub const fn reason(self) -> Option<Retry> {
        if !self.should_retry() {
            None
        } else if self.contains(Self::READ) {
            Some(Retry::Read)
        } else if self.contains(Self::WRITE) {
            Some(Retry::Write)
        } else {
            Some(Retry::Special)
        }
    }
}

impl std::ops::BitOr for RetryFlags {
    type Output = RetryFlags;
    fn bitor(self, rhs: RetryFlags) -> RetryFlags {
        RetryFlags(self.0 | rhs.0)
    }
}

/// An OpenSSL-style BIO: a source/sink of bytes.
///
/// See the [crate docs](crate) for the mapping of outcomes to OpenSSL return
/// values and retry flags.
pub trait Bio: Send {
    /// Read into `buf`.
    ///
    /// Returns `Ok(n)` with `n > 0` (or `0` only when `buf` is empty). Clean
    /// EOF is `Err(BioError::Eof)`; "nothing yet" is
    /// `Err(BioError::WouldBlock(_))`.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError>;

    /// Write from `buf`.
    ///
    /// Returns `Ok(n)` with `n > 0`, possibly `n < buf.len()` (short write),
    /// or `Ok(0)` only when `buf` is empty.
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError>;

    /// Push buffered output towards the underlying sink (`BIO_flush`).
    fn flush(&mut self) -> Result<(), BioError>;

    /// Bytes readable now without blocking (`BIO_ctrl_pending`).
    fn pending(&self) -> usize;

    /// Bytes buffered for writing and not yet written (`BIO_ctrl_wpending`).
    fn wpending(&self) -> usize;

    /// Retry flags left by the last `read`/`write` call (cleared at the start
    /// of each call).
    fn retry_flags(&self) -> RetryFlags;

    /// `BIO_should_retry`: the last call failed only because it would block.
    fn should_retry(&self) -> bool {
        self.retry_flags().should_retry()
    }

    /// `BIO_should_read`: retry when readable.
    fn should_read(&self) -> bool {
        self.retry_flags().should_read()
    }

    /// `BIO_should_write`: retry when writable.
    fn should_write(&self) -> bool {
        self.retry_flags().should_write()
    }

    /// `BIO_should_io_special`: the underlying I/O needs special attention.
    fn should_io_special(&self) -> bool {
        self.retry_flags().should_io_special()
    }

    /// `BIO_nread0` and `BIO_nread` in one call: lends the bytes readable
    /// now, where this Bio holds them, to `take`, which returns how many of
    /// them it consumed (`0` to leave them all; more than it was lent
    /// counts as all of them). A reader that needs whole units, such as a
    /// TLS record layer, can then use them without first copying them into
    /// a buffer of its own.
    ///
    /// `take` may overwrite the bytes it consumes (to decrypt them where
    /// they lie, say) and must leave the rest as it found them.
    ///
    /// `None` means nothing was lent: this Bio keeps no buffer to lend
    /// (the default), or holds nothing readable right now. The caller then
    /// uses [`Bio::read`], which reports would-block and EOF as usual. On
    /// `Some`, the retry flags are cleared, as after a successful read.
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let _ = take;
        None
    }

    /// `BIO_nwrite0` and `BIO_nwrite` in one call: lends `len` bytes of
    /// room after the bytes this Bio holds to `put`, which writes the
    /// front of it and returns how many bytes it wrote (more than it was
    /// lent counts as all of them). Those bytes are then held as if
    /// [`Bio::write`] had taken them. A writer that produces whole units
    /// in one pass, such as a TLS record layer sealing a record, can then
    /// produce them where they will be read instead of copying them in.
    ///
    /// `None` means nothing was lent and `put` was not called: this Bio
    /// keeps no buffer to lend (the default), or cannot take `len` bytes
    /// right now (a full BIO pair, a shut-down end). The caller then uses
    /// [`Bio::write`], which reports would-block, short writes and errors
    /// as usual. On `Some`, the retry flags are cleared, as after a
    /// successful write.
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        let _ = (len, put);
        None
    }
}

/// A Bio behind a box or a borrow is the same Bio: every call goes to it,
/// so a caller can hold `Box<dyn Bio>` or lend `&mut bio` to a function
/// taking `impl Bio` without a wrapper type.
macro_rules! forward_bio {
    ($($target:ty),+) => {$(
        impl<B: Bio + ?Sized> Bio for $target {
            fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
                (**self).read(buf)
            }
            fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
                (**self).write(buf)
            }
            fn flush(&mut self) -> Result<(), BioError> {
                (**self).flush()
            }
            fn pending(&self) -> usize {
                (**self).pending()
            }
            fn wpending(&self) -> usize {
                (**self).wpending()
            }
            fn retry_flags(&self) -> RetryFlags {
                (**self).retry_flags()
            }
            fn read_in_place(
                &mut self,
                take: &mut dyn FnMut(&mut [u8]) -> usize,
            ) -> Option<usize> {
                (**self).read_in_place(take)
            }
            fn write_in_place(
                &mut self,
                len: usize,
                put: &mut dyn FnMut(&mut [u8]) -> usize,
            ) -> Option<usize> {
                (**self).write_in_place(len, put)
            }
        }
    )+};
}

forward_bio!(Box<B>, &mut B);

/// The `read`, `write` and `retry_flags` of a Bio that keeps its
/// [`RetryFlags`] in a `flags` field and does the transfer in `do_read` /
/// `do_write`. `BIO_should_retry` and friends answer for the last call, so
/// the flags must be set from the outcome of every call, success included;
/// writing that once here keeps a Bio from forgetting it on one path.
macro_rules! flagged_transfers {
    () => {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
            let r = self.do_read(buf);
            self.flags = RetryFlags::from_result(&r);
            r
        }

        fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
            let r = self.do_write(buf);
            self.flags = RetryFlags::from_result(&r);
            r
        }

        fn retry_flags(&self) -> RetryFlags {
            self.flags
        }
    };
}
pub(crate) use flagged_transfers;

/// Lock a mutex, ignoring poisoning (Bio state stays consistent because no
/// method panics while holding the lock in a way that breaks invariants).
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
