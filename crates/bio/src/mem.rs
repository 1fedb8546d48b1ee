//! `BIO_s_mem` / `BIO_new_mem_buf`.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};

use crate::{Bio, BioError, ByteQueue, Retry, RetryFlags, flagged_transfers, lock};

enum Storage {
    /// Writable growable buffer (`BIO_s_mem`).
    ReadWrite(ByteQueue),
    /// Read-only buffer (`BIO_new_mem_buf`), with a read cursor.
    ReadOnly {
        data: Cow<'static, [u8]>,
        pos: usize,
    },
}

struct MemState {
    storage: Storage,
    /// `true`: an empty buffer reads as EOF (`BIO_set_mem_eof_return(0)`).
    /// `false`: an empty buffer reads as "retry read" (the default, -1).
    eof: bool,
}

impl MemState {
    fn len(&self) -> usize {
        match &self.storage {
            Storage::ReadWrite(d) => d.len(),
            Storage::ReadOnly { data, pos } => data.len() - pos,
        }
    }
}

/// In-memory BIO (`BIO_s_mem()`), and its read-only variant
/// (`BIO_new_mem_buf()`).
///
/// A `MemBio` is a cheap **shared handle**: [`Clone`] is the analogue of
/// `BIO_up_ref()` — all clones see the same bytes — so a caller can keep one
/// clone while handing another one to an `Ssl`, and move bytes in and out
/// between calls. Retry flags are kept per handle (each handle reports the
/// outcome of its own last call).
///
/// Reading from an empty writable `MemBio` returns
/// `WouldBlock(Retry::Read)` (OpenSSL's default mem EOF return of `-1`)
/// unless [`set_eof(true)`](MemBio::set_eof) was called, in which case it
/// returns [`BioError::Eof`]. A read-only buffer reads as EOF at its end, and
/// its writes fail with an I/O error (`PermissionDenied`).
pub struct MemBio {
    shared: Arc<Mutex<MemState>>,
    flags: RetryFlags,
}

impl Clone for MemBio {
    /// `BIO_up_ref`: another handle to the same buffer (retry flags start
    /// cleared on the new handle).
    fn clone(&self) -> Self {
        MemBio {
            shared: Arc::clone(&self.shared),
            flags: RetryFlags::NONE,
        }
    }
}

impl Default for MemBio {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemBio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = lock(&self.shared);
        f.debug_struct("MemBio")
            .field("len", &st.len())
            .field("read_only", &matches!(st.storage, Storage::ReadOnly { .. }))
            .field("eof", &st.eof)
            .field("flags", &self.flags)
            .finish()
    }
}

impl MemBio {
    fn from_state(storage: Storage, eof: bool) -> Self {
        MemBio {
            shared: Arc::new(Mutex::new(MemState { storage, eof })),
            flags: RetryFlags::NONE,
        }
    }

    /// Empty writable memory BIO (`BIO_new(BIO_s_mem())`).
    pub fn new() -> Self {
        Self::from_state(Storage::ReadWrite(ByteQueue::new()), false)
    }

    /// Writable memory BIO pre-filled with `data`.
    pub fn with_data(data: &[u8]) -> Self {
        let mut q = ByteQueue::new();
        q.push(data);
        Self::from_state(Storage::ReadWrite(q), false)
    }

    /// Read-only memory BIO over static data, without copying
    /// (`BIO_new_mem_buf()`). Reads EOF at the end; writes fail.
    pub fn from_static(data: &'static [u8]) -> Self {
        Self::from_state(
            Storage::ReadOnly {
                data: Cow::Borrowed(data),
                pos: 0,
            },
            true,
        )
    }

    /// Read-only memory BIO over a copy of (or the given owned) `data`
    /// (`BIO_new_mem_buf()`). Reads EOF at the end; writes fail.
    pub fn new_mem_buf(data: impl Into<Vec<u8>>) -> Self {
        Self::from_state(
            Storage::ReadOnly {
                data: Cow::Owned(data.into()),
                pos: 0,
            },
            true,
        )
    }

    /// Choose what reading an empty buffer reports:
    /// `true` → [`BioError::Eof`] (`BIO_set_mem_eof_return(bio, 0)`),
    /// `false` → `WouldBlock(Retry::Read)` (the default, eof return `-1`).
    /// Shared by all clones.
    pub fn set_eof(&self, eof: bool) {
        lock(&self.shared).eof = eof;
    }

    /// Whether an empty buffer reads as EOF (see [`set_eof`](Self::set_eof)).
    pub fn is_eof_mode(&self) -> bool {
        lock(&self.shared).eof
    }

    /// `true` for the read-only `BIO_new_mem_buf` variant.
    pub fn is_read_only(&self) -> bool {
        matches!(lock(&self.shared).storage, Storage::ReadOnly { .. })
    }

    /// Bytes currently stored (readable).
    pub fn len(&self) -> usize {
        lock(&self.shared).len()
    }

    /// `true` if no bytes are stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copy of the readable bytes, without consuming them
    /// (`BIO_get_mem_data`).
    pub fn contents(&self) -> Vec<u8> {
        let st = lock(&self.shared);
        match &st.storage {
            Storage::ReadWrite(d) => d.readable().to_vec(),
            Storage::ReadOnly { data, pos } => data[*pos..].to_vec(),
        }
    }

    /// Remove and return all readable bytes.
    pub fn take(&self) -> Vec<u8> {
        let mut st = lock(&self.shared);
        match &mut st.storage {
            Storage::ReadWrite(d) => {
                let out = d.readable().to_vec();
                d.clear();
                out
            }
            Storage::ReadOnly { data, pos } => {
                let out = data[*pos..].to_vec();
                *pos = data.len();
                out
            }
        }
    }

    /// Append all of `data` (infallible for writable BIOs). Returns an error
    /// for a read-only BIO. Does not touch this handle's retry flags.
    pub fn push(&self, data: &[u8]) -> Result<(), BioError> {
        let mut st = lock(&self.shared);
        match &mut st.storage {
            Storage::ReadWrite(d) => {
                d.push(data);
                Ok(())
            }
            Storage::ReadOnly { .. } => Err(read_only_error()),
        }
    }

    /// `BIO_reset`: a writable BIO is emptied; a read-only BIO is rewound to
    /// the start of its data.
    pub fn reset(&self) {
        let mut st = lock(&self.shared);
        match &mut st.storage {
            Storage::ReadWrite(d) => d.clear(),
            Storage::ReadOnly { pos, .. } => *pos = 0,
        }
    }

    /// `true` if both handles refer to the same buffer.
    pub fn ptr_eq(a: &MemBio, b: &MemBio) -> bool {
        Arc::ptr_eq(&a.shared, &b.shared)
    }

    fn do_read(&self, buf: &mut [u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut st = lock(&self.shared);
        let eof = st.eof;
        let n = match &mut st.storage {
            Storage::ReadWrite(d) => d.pop_into(buf),
            Storage::ReadOnly { data, pos } => {
                let n = (data.len() - *pos).min(buf.len());
                buf[..n].copy_from_slice(&data[*pos..*pos + n]);
                *pos += n;
                n
            }
        };
        if n > 0 {
            Ok(n)
        } else if eof {
            Err(BioError::Eof)
        } else {
            Err(BioError::WouldBlock(Retry::Read))
        }
    }

    fn do_write(&self, buf: &[u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            // Still refuse on read-only, like OpenSSL (mem_write errors first).
            if self.is_read_only() {
                return Err(read_only_error());
            }
            return Ok(0);
        }
        self.push(buf).map(|()| buf.len())
    }
}

fn read_only_error() -> BioError {
    BioError::Io(io::Error::new(
        io::ErrorKind::PermissionDenied,
        "write to read-only memory BIO",
    ))
}

impl Bio for MemBio {
    flagged_transfers!();

    fn flush(&mut self) -> Result<(), BioError> {
        Ok(())
    }

    fn pending(&self) -> usize {
        self.len()
    }

    fn wpending(&self) -> usize {
        0
    }

    /// Lends every readable byte. A read-only buffer lends nothing,
    /// because its bytes may be shared.
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let mut st = lock(&self.shared);
        let Storage::ReadWrite(d) = &mut st.storage else {
            return None;
        };
        let n = d.lend(take)?;
        self.flags = RetryFlags::NONE;
        Some(n)
    }

    /// Lends room at the end of the buffer, which grows as a write would
    /// grow it. A read-only buffer lends none (its writes fail).
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        let mut st = lock(&self.shared);
        let Storage::ReadWrite(d) = &mut st.storage else {
            return None;
        };
        let n = d.lend_room(len, put);
        self.flags = RetryFlags::NONE;
        Some(n)
    }
}
