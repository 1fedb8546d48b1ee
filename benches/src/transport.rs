//! In-memory transport shared by the libraries that want a byte stream.
//!
//! A [`Duplex`] is one endpoint: it reads from one [`Pipe`] and writes to
//! another. Reading an empty pipe reports `WouldBlock`, as a non-blocking
//! socket would, so every library runs its non-blocking code path. The
//! benchmarks can swap a prepared buffer in and out of a pipe with
//! [`Pipe::swap`], so no library pays for a copy the others do not.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard};

/// A one-way byte queue.
#[derive(Debug, Default)]
pub struct Pipe {
    data: Vec<u8>,
    pos: usize,
}

impl Pipe {
    /// Bytes written and not yet read.
    pub fn len(&self) -> usize {
        self.data.len() - self.pos
    }

    /// `true` when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Exchanges the pipe's unread contents with `buf` (no copy); the read
    /// position restarts at zero.
    pub fn swap(&mut self, buf: &mut Vec<u8>) {
        if self.pos > 0 {
            self.data.drain(..self.pos);
            self.pos = 0;
        }
        std::mem::swap(&mut self.data, buf);
    }

    /// The unread bytes lent where they lie, as a memory BIO lends them
    /// (`BIO_nread0`/`BIO_nread`): `take` returns how many it consumed.
    /// `None` when nothing is unread.
    pub fn lend(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let pos = self.pos;
        if pos == self.data.len() {
            return None;
        }
        let n = take(&mut self.data[pos..]).min(self.data.len() - pos);
        self.pos += n;
        if self.pos == self.data.len() {
            self.data.clear();
            self.pos = 0;
        }
        Some(n)
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = &self.data[self.pos..];
        if avail.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        if self.pos == self.data.len() {
            // Keep the allocation: steady state must not allocate.
            self.data.clear();
            self.pos = 0;
        }
        Ok(n)
    }
}

/// A shared handle on a [`Pipe`]. A mutex rather than a `RefCell` because
/// ferrotls's `Bio` must be `Send`; uncontended, it costs every library the
/// same few nanoseconds per call.
#[derive(Debug, Clone, Default)]
pub struct SharedPipe(Arc<Mutex<Pipe>>);

impl SharedPipe {
    /// Locks the pipe (a poisoned lock is still usable: a pipe holds bytes only).
    pub fn lock(&self) -> MutexGuard<'_, Pipe> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One endpoint of an in-memory connection.
#[derive(Debug, Clone)]
pub struct Duplex {
    /// What this endpoint reads.
    pub incoming: SharedPipe,
    /// What this endpoint writes.
    pub outgoing: SharedPipe,
}

impl Duplex {
    /// Two connected endpoints `(client, server)`.
    pub fn pair() -> (Duplex, Duplex) {
        let c2s = SharedPipe::default();
        let s2c = SharedPipe::default();
        (
            Duplex {
                incoming: s2c.clone(),
                outgoing: c2s.clone(),
            },
            Duplex {
                incoming: c2s,
                outgoing: s2c,
            },
        )
    }
}

impl Read for Duplex {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.incoming.lock().read(buf)
    }
}

impl Write for Duplex {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outgoing.lock().data.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
