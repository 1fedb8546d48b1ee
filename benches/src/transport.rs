//! In-memory transport shared by the libraries that want a byte stream.
//!
//! A [`Duplex`] is one endpoint: it reads from one [`Pipe`] and writes to
//! another. Reading an empty pipe reports `WouldBlock`, as a non-blocking
//! socket would, so every library runs its non-blocking code path. The
//! benchmarks can swap a prepared pipe in and out of a connection with
//! [`Pipe::swap`], so no library pays for a copy the others do not.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use ferrotls::bio::ByteQueue;

/// A one-way byte queue, kept in the initialised [`ByteQueue`] ferrotls's
/// memory BIOs use: every library's writes copy into it and its reads copy
/// out of it, while a BIO that can seal or open records where the bytes
/// lie is lent room or bytes ([`Pipe::lend_room`], [`Pipe::lend`]).
#[derive(Debug, Default)]
pub struct Pipe(ByteQueue);

impl Pipe {
    /// An empty pipe that takes `n` bytes before it must grow.
    pub fn with_room(n: usize) -> Self {
        let mut q = ByteQueue::new();
        q.reserve(n);
        Pipe(q)
    }

    /// Bytes written and not yet read.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The unread bytes.
    pub fn readable(&self) -> &[u8] {
        self.0.readable()
    }

    /// Forgets the unread bytes, keeping the allocation.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Exchanges the contents (and buffers) of two pipes, without a copy.
    pub fn swap(&mut self, other: &mut Pipe) {
        std::mem::swap(self, other);
    }

    /// The unread bytes lent where they lie, as a memory BIO lends them
    /// (`BIO_nread0`/`BIO_nread`): `take` returns how many it consumed.
    /// `None` when nothing is unread.
    pub fn lend(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        self.0.lend(take)
    }

    /// `len` bytes of room lent after the unread bytes, as a memory BIO
    /// lends it (`BIO_nwrite0`/`BIO_nwrite`): `put` returns how many it
    /// wrote, which become unread bytes.
    pub fn lend_room(&mut self, len: usize, put: &mut dyn FnMut(&mut [u8]) -> usize) -> usize {
        self.0.lend_room(len, put)
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(self.0.pop_into(buf))
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.push(buf);
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let mut len = 0;
        for b in bufs {
            self.0.push(b);
            len += b.len();
        }
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
        self.outgoing.lock().write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.outgoing.lock().write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
