//! `SslStream<S>`: a TLS connection as a `std::io::Read + Write` stream,
//! over any `Read + Write` transport, for callers who do not want the
//! OpenSSL calling convention. It drives the same engine as [`Ssl`].

use std::fmt;
use std::io::{self, Read, Write};

use crate::context::SslContext;
use crate::engine::Stop;
use crate::error::{ErrorCode, SslError};
use crate::ssl::Ssl;
use crate::transport::StreamTransport;

/// A TLS stream over `S`.
///
/// `read` returns `Ok(0)` after the peer's close_notify, and an
/// `UnexpectedEof` error when the transport ends without one (a
/// truncation attack looks exactly like that). Would-blocks of a
/// non-blocking `S` come back as `ErrorKind::WouldBlock`; repeat the call.
pub struct SslStream<S: Read + Write> {
    ssl: Ssl,
    stream: S,
}

impl<S: Read + Write + fmt::Debug> fmt::Debug for SslStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslStream")
            .field("ssl", &self.ssl)
            .field("stream", &self.stream)
            .finish()
    }
}

impl<S: Read + Write> SslStream<S> {
    /// Wraps `stream`; `ssl` must have its role set (or use
    /// [`connect`](Self::connect) / [`accept`](Self::accept)). BIOs set on
    /// `ssl` are not used.
    pub fn new(ssl: Ssl, stream: S) -> Self {
        Self { ssl, stream }
    }

    /// A client connection to `host` (sent as SNI and checked against the
    /// certificate, like `SSL_set_tlsext_host_name` + `SSL_set1_host`),
    /// with the handshake run to completion on a blocking `stream`.
    pub fn connect(ctx: &SslContext, host: &str, stream: S) -> Result<Self, SslError> {
        let mut ssl = Ssl::new(ctx);
        let bad_name = |e| SslError::new(ErrorCode::Ssl, Some(crate::ErrorCause::Tls(e)));
        ssl.set_hostname(host).map_err(bad_name)?;
        ssl.set1_host(host).map_err(bad_name)?;
        ssl.set_connect_state();
        let mut s = Self::new(ssl, stream);
        s.do_handshake()?;
        Ok(s)
    }

    /// A server connection with the handshake run to completion on a
    /// blocking `stream`.
    pub fn accept(ctx: &SslContext, stream: S) -> Result<Self, SslError> {
        let mut ssl = Ssl::new(ctx);
        ssl.set_accept_state();
        let mut s = Self::new(ssl, stream);
        s.do_handshake()?;
        Ok(s)
    }

    fn run<T>(
        &mut self,
        f: impl FnOnce(
            &mut crate::engine::Engine,
            &mut dyn crate::transport::Transport,
        ) -> Result<T, Stop>,
    ) -> Result<T, SslError> {
        let engine = &mut self.ssl.engine;
        engine.last_cause = None;
        let mut t = StreamTransport(&mut self.stream);
        let r = f(engine, &mut t);
        engine.last = match &r {
            Ok(_) => ErrorCode::None,
            Err(s) => s.code(),
        };
        r.map_err(|s| SslError::new(s.code(), engine.last_cause.take()))
    }

    /// Runs (or continues) the handshake.
    pub fn do_handshake(&mut self) -> Result<(), SslError> {
        self.run(|e, t| e.do_handshake(t))
    }

    /// `SSL_read_ex` over the stream.
    pub fn ssl_read(&mut self, buf: &mut [u8]) -> Result<usize, SslError> {
        self.run(|e, t| e.read(t, buf, false))
    }

    /// `SSL_write_ex` over the stream.
    pub fn ssl_write(&mut self, buf: &[u8]) -> Result<usize, SslError> {
        self.run(|e, t| e.write(t, buf))
    }

    /// `SSL_shutdown` over the stream: `Ok(true)` once both close_notify
    /// alerts were exchanged.
    pub fn shutdown(&mut self) -> Result<bool, SslError> {
        self.run(|e, t| e.shutdown(t))
    }

    /// The connection, for the getters (version, cipher, peer certificate).
    pub fn ssl(&self) -> &Ssl {
        &self.ssl
    }

    /// The connection, mutably.
    pub fn ssl_mut(&mut self) -> &mut Ssl {
        &mut self.ssl
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The transport, mutably (writing to it directly corrupts the TLS
    /// stream).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// Both halves back.
    pub fn into_parts(self) -> (Ssl, S) {
        (self.ssl, self.stream)
    }
}

impl<S: Read + Write> Read for SslStream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.ssl_read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.code() == ErrorCode::ZeroReturn => Ok(0),
            Err(e) => Err(e.into()),
        }
    }
}

impl<S: Read + Write> Write for SslStream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.ssl_write(buf).map_err(Into::into)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.run(|e, t| e.flush_out(t)).map_err(io::Error::from)?;
        self.stream.flush()
    }
}
