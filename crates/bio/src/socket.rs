//! `BIO_s_socket` / `BIO_new_socket`.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};

use crate::{Bio, BioError, Retry, RetryFlags, flagged_transfers};

/// What happens to the socket when the [`SocketBio`] is dropped
/// (`BIO_CLOSE` / `BIO_NOCLOSE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BioClose {
    /// `BIO_CLOSE`: the socket is closed when the Bio is dropped (default).
    #[default]
    Close,
    /// `BIO_NOCLOSE`: the file descriptor is left open when the Bio is
    /// dropped (the socket object is leaked, so its descriptor stays valid
    /// for whoever else knows it, e.g. through its raw fd number).
    NoClose,
}

/// A stream socket usable by [`SocketBio`].
///
/// Implemented for [`TcpStream`] and (on Unix) `UnixStream`; implement it for
/// your own socket types (anything `Read + Write` that can toggle
/// non-blocking mode).
pub trait Socket: Read + Write + Send {
    /// Switch the socket's `O_NONBLOCK` mode.
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()>;

    /// Set `TCP_NODELAY`. Non-TCP sockets report `Unsupported`.
    fn set_nodelay(&self, _on: bool) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "TCP_NODELAY is not supported on this socket",
        ))
    }

    /// Read `TCP_NODELAY` (`getsockopt`). Non-TCP sockets report
    /// `Unsupported`.
    fn nodelay(&self) -> io::Result<bool> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "TCP_NODELAY is not supported on this socket",
        ))
    }

    /// Shut down one or both halves of the connection.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
}

impl Socket for TcpStream {
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        TcpStream::set_nonblocking(self, nonblocking)
    }
    fn set_nodelay(&self, on: bool) -> io::Result<()> {
        TcpStream::set_nodelay(self, on)
    }
    fn nodelay(&self) -> io::Result<bool> {
        TcpStream::nodelay(self)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        TcpStream::shutdown(self, how)
    }
}

#[cfg(unix)]
impl Socket for std::os::unix::net::UnixStream {
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_nonblocking(self, nonblocking)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        std::os::unix::net::UnixStream::shutdown(self, how)
    }
}

/// Socket BIO (`BIO_s_socket()`, `BIO_new_socket()`), generic over the
/// socket type (default [`TcpStream`]).
///
/// Blocking behaviour is a property of the Bio: use
/// [`set_nonblocking`](SocketBio::set_nonblocking) to switch both the socket
/// and the Bio's idea of it.
///
/// * `EAGAIN`/`EWOULDBLOCK` → `WouldBlock(Retry::Read)` on `read`,
///   `WouldBlock(Retry::Write)` on `write`.
/// * `EINTR` is retried transparently on a blocking Bio and reported as
///   would-block (retry in the same direction) on a non-blocking one, like
///   `BIO_sock_should_retry()`.
/// * A 0-byte `recv` is [`BioError::Eof`].
/// * Anything else is [`BioError::Io`].
///
/// Dropping the Bio closes the socket unless it was created with
/// [`BioClose::NoClose`].
pub struct SocketBio<S: Socket = TcpStream> {
    /// Always `Some` until drop / `into_inner`.
    sock: Option<S>,
    nonblocking: bool,
    close: BioClose,
    flags: RetryFlags,
}

impl<S: Socket> fmt::Debug for SocketBio<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketBio")
            .field("nonblocking", &self.nonblocking)
            .field("close", &self.close)
            .field("flags", &self.flags)
            .finish_non_exhaustive()
    }
}

impl SocketBio<TcpStream> {
    /// Wrap a connected [`TcpStream`] with [`BioClose::Close`].
    ///
    /// The Bio assumes the stream is in blocking mode (the std default); call
    /// [`set_nonblocking`](SocketBio::set_nonblocking) to change it.
    pub fn from_std(stream: TcpStream) -> Self {
        Self::new(stream, BioClose::Close)
    }

    /// `BIO_set_tcp_ndelay()`: set `TCP_NODELAY` on the socket.
    pub fn set_tcp_nodelay(&self, on: bool) -> io::Result<()> {
        self.get_ref().set_nodelay(on)
    }

    /// Read back `TCP_NODELAY` (`getsockopt`).
    pub fn tcp_nodelay(&self) -> io::Result<bool> {
        self.get_ref().nodelay()
    }
}

impl<S: Socket> SocketBio<S> {
    /// `BIO_new_socket(sock, close_flag)`. The Bio assumes `sock` is in
    /// blocking mode; call [`set_nonblocking`](Self::set_nonblocking) to
    /// change it.
    pub fn new(sock: S, close: BioClose) -> Self {
        SocketBio {
            sock: Some(sock),
            nonblocking: false,
            close,
            flags: RetryFlags::NONE,
        }
    }

    /// Wrap a socket that is already in non-blocking mode (the mode is set
    /// again to be sure).
    pub fn new_nonblocking(sock: S, close: BioClose) -> io::Result<Self> {
        let mut b = Self::new(sock, close);
        b.set_nonblocking(true)?;
        Ok(b)
    }

    /// Switch the socket (and this Bio) between blocking and non-blocking
    /// mode (`BIO_set_nbio()`).
    pub fn set_nonblocking(&mut self, nonblocking: bool) -> io::Result<()> {
        self.get_ref().set_nonblocking(nonblocking)?;
        self.nonblocking = nonblocking;
        Ok(())
    }

    /// `true` if the Bio is in non-blocking mode.
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// `TCP_NODELAY` via the [`Socket`] trait (`Unsupported` for non-TCP).
    pub fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.get_ref().set_nodelay(on)
    }

    /// Read `TCP_NODELAY` via the [`Socket`] trait.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.get_ref().nodelay()
    }

    /// Current close flag (`BIO_get_close()`).
    pub fn close_flag(&self) -> BioClose {
        self.close
    }

    /// Change the close flag (`BIO_set_close()`).
    pub fn set_close(&mut self, close: BioClose) {
        self.close = close;
    }

    /// Shut down one or both directions of the connection.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.get_ref().shutdown(how)
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &S {
        self.sock.as_ref().expect("socket present until drop")
    }

    /// The wrapped socket, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        self.sock.as_mut().expect("socket present until drop")
    }

    /// Give the socket back to the caller regardless of the close flag.
    pub fn into_inner(mut self) -> S {
        self.sock.take().expect("socket present until drop")
    }

    /// Raw file descriptor of the socket.
    #[cfg(unix)]
    pub fn raw_fd(&self) -> std::os::fd::RawFd
    where
        S: std::os::fd::AsRawFd,
    {
        self.get_ref().as_raw_fd()
    }

    fn do_read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        let nonblocking = self.nonblocking;
        let sock = self.get_mut();
        loop {
            match sock.read(buf) {
                Ok(0) => return Err(BioError::Eof),
                Ok(n) => return Ok(n),
                Err(e) => match e.kind() {
                    io::ErrorKind::Interrupted if !nonblocking => continue,
                    io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => {
                        return Err(BioError::WouldBlock(Retry::Read));
                    }
                    _ => return Err(BioError::Io(e)),
                },
            }
        }
    }

    fn do_write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        if buf.is_empty() {
            return Ok(0);
        }
        let nonblocking = self.nonblocking;
        let sock = self.get_mut();
        loop {
            match sock.write(buf) {
                Ok(0) => {
                    return Err(BioError::Io(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "socket accepted no bytes",
                    )));
                }
                Ok(n) => return Ok(n),
                Err(e) => match e.kind() {
                    io::ErrorKind::Interrupted if !nonblocking => continue,
                    io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => {
                        return Err(BioError::WouldBlock(Retry::Write));
                    }
                    _ => return Err(BioError::Io(e)),
                },
            }
        }
    }
}

impl<S: Socket> Bio for SocketBio<S> {
    flagged_transfers!();

    /// Sockets have no user-space buffer: flushing is a no-op.
    fn flush(&mut self) -> Result<(), BioError> {
        Ok(())
    }

    /// Always 0, like OpenSSL's socket BIO (the kernel buffer is not
    /// inspected).
    fn pending(&self) -> usize {
        0
    }

    fn wpending(&self) -> usize {
        0
    }
}

impl<S: Socket> Drop for SocketBio<S> {
    fn drop(&mut self) {
        if let Some(sock) = self.sock.take() {
            match self.close {
                BioClose::Close => drop(sock),
                // BIO_NOCLOSE: leak the socket object so that its descriptor
                // is never closed by us.
                BioClose::NoClose => std::mem::forget(sock),
            }
        }
    }
}
