//! `Ssl` (OpenSSL's `SSL`): one connection over BIOs.
//!
//! Each operation exists twice over the same engine: the OpenSSL name
//! returning an `i32` (`1`/`0`/`<0`, explained by [`Ssl::get_error`]), and
//! a `try_*` method returning `Result` (the `SSL_*_ex` flavour) for Rust
//! callers. Both record the outcome, so `get_error` and `want` work after
//! either.

use std::fmt;
use std::net::TcpStream;

use ferrotls_bio::{Bio, SocketBio};
use ferrotls_core::{ApiMisuse, CertificateDer, CipherSuite, Error, ProtocolVersion};
use ferrotls_handshake::Role;

use crate::context::SslContext;
use crate::engine::{Engine, Step, Stop};
use crate::error::{ErrorCode, ErrorEntry, SslError};
use crate::modes::{Mode, SslVersion, VerifyMode};
use crate::names;
use crate::transport::{Bios, Transport};
use crate::verify::{VerifyCallback, X509StoreContext};

/// What the connection is waiting for (`SSL_want`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// `SSL_NOTHING`: no I/O is pending.
    Nothing,
    /// `SSL_READING`: the last call needs the read BIO to have data.
    Reading,
    /// `SSL_WRITING`: the last call needs the write BIO to take data.
    Writing,
}

/// The outcome of a successful `try_shutdown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownResult {
    /// Our close_notify was sent; the peer's has not arrived (`0`).
    Sent,
    /// Both close_notify alerts were exchanged (`1`).
    Received,
}

/// The negotiated cipher (`SSL_get_current_cipher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SslCipher {
    suite: CipherSuite,
    version: ProtocolVersion,
}

impl SslCipher {
    /// OpenSSL's name (`SSL_CIPHER_get_name`).
    pub fn name(&self) -> &'static str {
        names::suite_name(self.suite)
    }
    /// The IANA identifier.
    pub fn id(&self) -> CipherSuite {
        self.suite
    }
    /// The protocol version the suite belongs to (`SSL_CIPHER_get_version`).
    pub fn version(&self) -> &'static str {
        if self.version == ProtocolVersion::TLSv1_3 {
            "TLSv1.3"
        } else {
            "TLSv1.2"
        }
    }
}

/// One TLS connection (`SSL`).
pub struct Ssl {
    pub(crate) engine: Engine,
    bios: Option<Bios>,
    socket: Option<TcpStream>,
}

impl fmt::Debug for Ssl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ssl")
            .field("role", &self.engine.role)
            .field("has_bio", &self.bios.is_some())
            .field("init_finished", &self.engine.is_init_finished())
            .field("last", &self.engine.last)
            .finish_non_exhaustive()
    }
}

/// Turns an engine result into OpenSSL's int for handshake-like calls.
fn handshake_ret(r: &Step<()>) -> i32 {
    match r {
        Ok(()) => 1,
        // S06: 0 = shut down in a controlled way (close_notify or clean EOF).
        Err(Stop::ZeroReturn | Stop::Eof) => 0,
        Err(_) => -1,
    }
}

impl Ssl {
    /// `SSL_new`: a connection using `ctx`'s settings.
    pub fn new(ctx: &SslContext) -> Self {
        Self {
            engine: Engine::new(ctx.clone()),
            bios: None,
            socket: None,
        }
    }

    // ---- BIOs --------------------------------------------------------

    /// `SSL_set_bio(s, rbio, wbio)` with two distinct BIOs.
    pub fn set_bio(&mut self, rbio: impl Bio + 'static, wbio: impl Bio + 'static) {
        self.bios = Some(Bios::Split {
            rbio: Box::new(rbio),
            wbio: Box::new(wbio),
        });
        self.socket = None;
    }

    /// `SSL_set_bio(s, b, b)`: one BIO for both directions (a socket, a
    /// BIO-pair end, a memory BIO handle).
    pub fn set_bio_single(&mut self, bio: impl Bio + 'static) {
        self.bios = Some(Bios::Same(Box::new(bio)));
        self.socket = None;
    }

    /// `SSL_set_fd`: a socket BIO over `stream` (blocking or not, as the
    /// stream is).
    pub fn set_fd(&mut self, stream: TcpStream) -> std::io::Result<()> {
        let keep = stream.try_clone()?;
        self.bios = Some(Bios::Same(Box::new(SocketBio::from_std(stream))));
        self.socket = Some(keep);
        Ok(())
    }

    /// `BIO_set_tcp_ndelay` on the socket given to [`set_fd`](Self::set_fd)
    /// (SPEC S07). Useful when the client writes first after a TLS 1.3
    /// handshake: its Finished and first data would otherwise wait for
    /// Nagle's algorithm.
    pub fn set_tcp_nodelay(&self, on: bool) -> std::io::Result<()> {
        match &self.socket {
            Some(s) => s.set_nodelay(on),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "no socket set with set_fd",
            )),
        }
    }

    /// `SSL_get_rbio`.
    pub fn rbio(&mut self) -> Option<&mut dyn Bio> {
        self.bios.as_mut().map(Bios::rbio)
    }

    /// `SSL_get_wbio`.
    pub fn wbio(&mut self) -> Option<&mut dyn Bio> {
        self.bios.as_mut().map(Bios::wbio)
    }

    /// Removes the BIOs (and returns them: read, write; the same one is
    /// returned once when one BIO served both directions).
    pub fn take_bios(&mut self) -> Vec<Box<dyn Bio>> {
        self.socket = None;
        match self.bios.take() {
            None => Vec::new(),
            Some(Bios::Same(b)) => vec![b],
            Some(Bios::Split { rbio, wbio }) => vec![rbio, wbio],
        }
    }

    // ---- role and settings --------------------------------------------

    /// `SSL_set_connect_state`: this side is the client.
    pub fn set_connect_state(&mut self) {
        self.engine.role = Some(Role::Client);
    }

    /// `SSL_set_accept_state`: this side is the server.
    pub fn set_accept_state(&mut self) {
        self.engine.role = Some(Role::Server);
    }

    /// `SSL_is_server`.
    pub fn is_server(&self) -> bool {
        self.engine.role == Some(Role::Server)
    }

    /// `SSL_set_tlsext_host_name`: the SNI sent by a client. It does not by
    /// itself make the certificate's name be checked — use
    /// [`set1_host`](Self::set1_host) for that, as with OpenSSL.
    pub fn set_hostname(&mut self, name: &str) -> Result<(), Error> {
        check_name(name)?;
        self.engine.sni = Some(name.to_owned());
        Ok(())
    }

    /// `SSL_set1_host`: the DNS name or IP address the server's
    /// certificate must match.
    pub fn set1_host(&mut self, name: &str) -> Result<(), Error> {
        check_name(name)?;
        self.engine.verify_host = Some(name.to_owned());
        Ok(())
    }

    /// `SSL_set_verify` (replaces any callback).
    pub fn set_verify(&mut self, mode: VerifyMode) {
        self.engine.verify.mode = mode;
        self.engine.verify.callback = None;
    }

    /// `SSL_set_verify` with a callback (see [`crate::VerifyCallback`]).
    pub fn set_verify_callback<F>(&mut self, mode: VerifyMode, cb: F)
    where
        F: Fn(bool, &X509StoreContext<'_>) -> bool + Send + Sync + 'static,
    {
        self.engine.verify.mode = mode;
        self.engine.verify.callback = Some(std::sync::Arc::new(cb) as VerifyCallback);
    }

    /// `SSL_set_verify_depth`.
    pub fn set_verify_depth(&mut self, depth: usize) {
        self.engine.verify.depth = Some(depth);
    }

    /// `SSL_get_verify_mode`.
    pub fn verify_mode(&self) -> VerifyMode {
        self.engine.verify.mode
    }

    /// `SSL_set_mode`: adds bits, returns the new mode.
    pub fn set_mode(&mut self, mode: Mode) -> Mode {
        self.engine.mode |= mode;
        self.engine.mode
    }

    /// `SSL_clear_mode`: removes bits, returns the new mode.
    pub fn clear_mode(&mut self, mode: Mode) -> Mode {
        self.engine.mode = self.engine.mode & !mode;
        self.engine.mode
    }

    /// `SSL_get_mode`.
    pub fn mode(&self) -> Mode {
        self.engine.mode
    }

    /// `SSL_set_alpn_protos` (wire format; see
    /// [`SslContextBuilder::set_alpn_protos`](crate::SslContextBuilder::set_alpn_protos)).
    pub fn set_alpn_protos(&mut self, wire: &[u8]) -> Result<(), Error> {
        self.engine.alpn = names::parse_alpn_wire(wire)?;
        Ok(())
    }

    /// `SSL_set_max_send_fragment`: the largest plaintext per record
    /// (512..=16384), which is also what a partial write returns at most.
    pub fn set_max_send_fragment(&mut self, n: usize) -> Result<(), Error> {
        if !(512..=ferrotls_record::MAX_PLAINTEXT).contains(&n) {
            return Err(ApiMisuse::BadArgument("max send fragment must be 512..=16384").into());
        }
        self.engine.max_fragment = n;
        Ok(())
    }

    // ---- the engine calls ---------------------------------------------

    fn run<T>(
        &mut self,
        location: &'static str,
        f: impl FnOnce(&mut Engine, &mut dyn Transport) -> Step<T>,
    ) -> Step<T> {
        self.engine.last_cause = None;
        let r = match self.bios.as_mut() {
            Some(bios) => f(&mut self.engine, bios),
            None => {
                // S01: no BIO, a clear error at once.
                Err(self.engine.misuse(ApiMisuse::NoBio.into(), location))
            }
        };
        self.engine.last = match &r {
            Ok(_) => ErrorCode::None,
            Err(s) => s.code(),
        };
        r
    }

    fn finish<T>(&mut self, r: Step<T>) -> Result<T, SslError> {
        r.map_err(|s| SslError::new(s.code(), self.engine.last_cause.take()))
    }

    /// `SSL_connect`: sets the client role and runs the handshake.
    pub fn connect(&mut self) -> i32 {
        self.set_connect_state();
        let r = self.run("connect", |e, t| e.do_handshake(t));
        handshake_ret(&r)
    }

    /// `SSL_accept`: sets the server role and runs the handshake.
    pub fn accept(&mut self) -> i32 {
        self.set_accept_state();
        let r = self.run("accept", |e, t| e.do_handshake(t));
        handshake_ret(&r)
    }

    /// `SSL_do_handshake`: runs the role chosen by `set_connect_state` or
    /// `set_accept_state` (S02).
    pub fn do_handshake(&mut self) -> i32 {
        let r = self.run("handshake", |e, t| e.do_handshake(t));
        handshake_ret(&r)
    }

    /// [`connect`](Self::connect) as a `Result`.
    pub fn try_connect(&mut self) -> Result<(), SslError> {
        self.set_connect_state();
        self.try_do_handshake()
    }

    /// [`accept`](Self::accept) as a `Result`.
    pub fn try_accept(&mut self) -> Result<(), SslError> {
        self.set_accept_state();
        self.try_do_handshake()
    }

    /// [`do_handshake`](Self::do_handshake) as a `Result`.
    pub fn try_do_handshake(&mut self) -> Result<(), SslError> {
        let r = self.run("handshake", |e, t| e.do_handshake(t));
        self.finish(r)
    }

    /// `SSL_read`: `> 0` bytes read, `0` closed (close_notify or EOF; see
    /// `get_error`), `-1` failure or would-block.
    pub fn read(&mut self, buf: &mut [u8]) -> i32 {
        let r = self.run("read", |e, t| e.read(t, clamp_mut(buf), false));
        read_ret(&r)
    }

    /// `SSL_peek`: like `read`, but the bytes stay readable.
    pub fn peek(&mut self, buf: &mut [u8]) -> i32 {
        let r = self.run("peek", |e, t| e.read(t, clamp_mut(buf), true));
        read_ret(&r)
    }

    /// `SSL_read_ex`: `Ok(n)` with `n > 0` (or `0` for an empty `buf`).
    pub fn try_read(&mut self, buf: &mut [u8]) -> Result<usize, SslError> {
        let r = self.run("read", |e, t| e.read(t, buf, false));
        self.finish(r)
    }

    /// `SSL_peek_ex`.
    pub fn try_peek(&mut self, buf: &mut [u8]) -> Result<usize, SslError> {
        let r = self.run("peek", |e, t| e.read(t, buf, true));
        self.finish(r)
    }

    /// `SSL_pending`: decrypted bytes readable without touching the BIO
    /// (bytes of records not yet decrypted are not counted).
    pub fn pending(&self) -> usize {
        self.engine.pending()
    }

    /// `SSL_has_pending`: whether anything is buffered, decrypted or not.
    pub fn has_pending(&self) -> bool {
        self.engine.pending() > 0 || self.engine.buffered_input() > 0
    }

    /// `SSL_write`: returns the bytes written (`buf.len()`, or one record's
    /// worth with `MODE_ENABLE_PARTIAL_WRITE`) or `-1`.
    ///
    /// S13: a zero-length write sends nothing and returns `0`, with
    /// `get_error(0)` = `SSL_ERROR_SSL` and a "bad length" queue entry —
    /// OpenSSL calls `SSL_write(num = 0)` undefined, and an explicit error
    /// is the defined choice. [`try_write`](Self::try_write) accepts an
    /// empty buffer (as `SSL_write_ex` does) and returns `Ok(0)`.
    pub fn write(&mut self, buf: &[u8]) -> i32 {
        // A failed connection reports its own error first (R05).
        if buf.is_empty() && self.engine.fatal_error().is_none() {
            self.engine.last_cause = None;
            let stop = self.engine.misuse(
                ApiMisuse::BadArgument("bad length: zero-length write").into(),
                "write",
            );
            self.engine.last = stop.code();
            return 0;
        }
        let buf = &buf[..buf.len().min(i32::MAX as usize)];
        let r = self.run("write", |e, t| e.write(t, buf));
        match r {
            Ok(n) => n as i32,
            Err(_) => -1,
        }
    }

    /// `SSL_write_ex`: `Ok(n)` bytes written. An empty `buf` runs the
    /// handshake if needed and sends no application data.
    pub fn try_write(&mut self, buf: &[u8]) -> Result<usize, SslError> {
        let r = self.run("write", |e, t| e.write(t, buf));
        self.finish(r)
    }

    /// `SSL_shutdown`: `0` after sending close_notify, `1` once the peer's
    /// close_notify was received too, `-1` on failure or would-block.
    pub fn shutdown(&mut self) -> i32 {
        let r = self.run("shutdown", |e, t| e.shutdown(t));
        match r {
            Ok(true) => 1,
            Ok(false) => 0,
            Err(_) => -1,
        }
    }

    /// [`shutdown`](Self::shutdown) as a `Result`.
    pub fn try_shutdown(&mut self) -> Result<ShutdownResult, SslError> {
        let r = self.run("shutdown", |e, t| e.shutdown(t));
        self.finish(r).map(|done| {
            if done {
                ShutdownResult::Received
            } else {
                ShutdownResult::Sent
            }
        })
    }

    /// `SSL_get_shutdown`: (close_notify sent, close_notify received).
    pub fn get_shutdown(&self) -> (bool, bool) {
        (self.engine.shutdown_sent, self.engine.shutdown_received)
    }

    /// `SSL_key_update`: sends a TLS 1.3 KeyUpdate (queued; it goes out
    /// with the next write, read or flush). `request_peer` asks the peer
    /// to update its keys as well.
    pub fn key_update(&mut self, request_peer: bool) -> Result<(), SslError> {
        if let Err(stop) = self.engine.check_alive("key_update") {
            return self.finish(Err(stop));
        }
        if let Err(e) = self.engine.key_update(request_peer) {
            let stop = self.engine.misuse(e, "key_update");
            return self.finish(Err(stop));
        }
        Ok(())
    }

    /// `SSL_renegotiate`: starts a TLS 1.2 renegotiation (RFC 5746). A
    /// client queues a new ClientHello, a server a HelloRequest; either
    /// goes out with the next `do_handshake`, `read`, `write` or `flush`,
    /// and the handshake then runs inside those calls (S11). Fails on TLS
    /// 1.3, before the first handshake, during one, and under
    /// `OP_NO_RENEGOTIATION`; the connection is unharmed by the refusal.
    pub fn renegotiate(&mut self) -> Result<(), SslError> {
        if let Err(stop) = self.engine.check_alive("renegotiate") {
            return self.finish(Err(stop));
        }
        if let Err(e) = self.engine.renegotiate() {
            let stop = self.engine.misuse(e, "renegotiate");
            return self.finish(Err(stop));
        }
        Ok(())
    }

    /// `SSL_renegotiate_pending`: a renegotiation is under way.
    pub fn renegotiate_pending(&self) -> bool {
        self.engine.is_renegotiating()
    }

    /// `SSL_set_options`: adds bits; returns the new options.
    pub fn set_options(&mut self, options: crate::modes::SslOptions) -> crate::modes::SslOptions {
        self.engine.options |= options;
        self.engine.options
    }

    /// `SSL_get_options`.
    pub fn options(&self) -> crate::modes::SslOptions {
        self.engine.options
    }

    /// Pushes queued output (a KeyUpdate, an alert) to the BIO.
    pub fn flush(&mut self) -> Result<(), SslError> {
        let r = self.run("flush", |e, t| e.flush_out(t));
        self.finish(r)
    }

    // ---- SSL_get_error and the error queue ----------------------------

    /// `SSL_get_error(ret)`: why the call that returned `ret` did so (S06).
    /// `ret > 0` is always `NONE`; otherwise the outcome recorded by the
    /// last call decides, and a would-block is never `SSL`.
    pub fn get_error(&self, ret: i32) -> ErrorCode {
        if ret > 0 {
            return ErrorCode::None;
        }
        match self.engine.last {
            ErrorCode::None if ret == 0 && self.engine.shutdown_received => ErrorCode::ZeroReturn,
            ErrorCode::None => ErrorCode::Syscall,
            code => code,
        }
    }

    /// `SSL_want`.
    pub fn want(&self) -> Want {
        match self.engine.last {
            ErrorCode::WantRead => Want::Reading,
            ErrorCode::WantWrite => Want::Writing,
            _ => Want::Nothing,
        }
    }

    /// `ERR_get_error`: removes and returns the oldest queued error.
    pub fn take_error(&mut self) -> Option<ErrorEntry> {
        self.engine.queue.get()
    }

    /// `ERR_peek_error`.
    pub fn peek_error(&self) -> Option<&ErrorEntry> {
        self.engine.queue.peek()
    }

    /// `ERR_peek_last_error`.
    pub fn peek_last_error(&self) -> Option<&ErrorEntry> {
        self.engine.queue.peek_last()
    }

    /// `ERR_clear_error`.
    pub fn clear_error(&mut self) {
        self.engine.queue.clear();
    }

    /// The error that killed the connection, if one did (R05).
    pub fn fatal_error(&self) -> Option<&Error> {
        self.engine.fatal_error()
    }

    // ---- what was negotiated ------------------------------------------

    /// `SSL_is_init_finished`.
    pub fn is_init_finished(&self) -> bool {
        self.engine.is_init_finished()
    }

    /// `SSL_version`, as a typed value, once negotiated.
    pub fn version(&self) -> Option<SslVersion> {
        match self.engine.negotiated_version()? {
            ProtocolVersion::TLSv1_3 => Some(SslVersion::Tls13),
            ProtocolVersion::TLSv1_2 => Some(SslVersion::Tls12),
            _ => None,
        }
    }

    /// `SSL_get_version`: `"TLSv1.3"`, `"TLSv1.2"`, or `"unknown"` before
    /// the handshake.
    pub fn version_str(&self) -> &'static str {
        self.version().map_or("unknown", SslVersion::name)
    }

    /// `SSL_get_current_cipher`.
    pub fn current_cipher(&self) -> Option<SslCipher> {
        let s = self.engine.summary.as_ref()?;
        Some(SslCipher {
            suite: s.suite.suite(),
            version: s.version,
        })
    }

    /// `SSL_get_peer_certificate` / `SSL_get1_peer_certificate`.
    pub fn peer_certificate(&self) -> Option<&CertificateDer> {
        self.peer_cert_chain().first()
    }

    /// `SSL_get_peer_cert_chain` (leaf first, as the peer sent it).
    pub fn peer_cert_chain(&self) -> &[CertificateDer] {
        self.engine
            .summary
            .as_ref()
            .map_or(&[], |s| s.peer_certificates.as_slice())
    }

    /// `SSL_get_verify_result`: `X509_V_OK` (0) or an `X509_V_ERR_*` code.
    pub fn verify_result(&self) -> i64 {
        self.engine.verify_result()
    }

    /// `SSL_get0_alpn_selected`.
    pub fn selected_alpn(&self) -> Option<&[u8]> {
        self.engine.summary.as_ref()?.alpn.as_deref()
    }

    /// `SSL_get_servername`: the SNI sent (client) or received (server).
    pub fn servername(&self) -> Option<&str> {
        match &self.engine.summary {
            Some(s) => s.sni.as_deref(),
            None => self.engine.sni.as_deref(),
        }
    }

    /// The key exchange group of the handshake (`SSL_get_negotiated_group`).
    pub fn negotiated_group(&self) -> Option<ferrotls_core::NamedGroup> {
        self.engine.summary.as_ref()?.group
    }

    /// `SSL_session_reused`: the handshake resumed a session.
    pub fn session_reused(&self) -> bool {
        self.engine.summary.as_ref().is_some_and(|s| s.resumed)
    }

    /// `SSL_set_session`: a session to resume, before the handshake
    /// starts (client). A TLS 1.3 ticket is offered at most once: a
    /// session already offered (by this or another connection, or any
    /// clone of it) gives a full handshake. A TLS 1.2 session (session id
    /// and/or RFC 5077 ticket) is offered while within its timeout, any
    /// number of times; the server decides (`session_reused`).
    pub fn set_session(&mut self, session: &crate::SslSession) -> Result<(), Error> {
        if self.engine.hs.is_some() {
            return Err(ApiMisuse::BadArgument("set_session after the handshake started").into());
        }
        self.engine.session = Some(session.clone());
        Ok(())
    }

    /// `SSL_get1_session`: after the handshake, the session — in TLS 1.2
    /// the connection's (resumable with an id or a ticket); on a TLS 1.3
    /// client the newest ticket's (resumable until offered), otherwise one
    /// describing the connection (not resumable).
    pub fn session(&self) -> Option<crate::SslSession> {
        if let Some(s) = self.engine.tls12_session() {
            return Some(s);
        }
        if let Some(s) = self.engine.tickets.last() {
            return Some(s.clone());
        }
        let summary = self.engine.summary.as_ref()?;
        let timeout = self.engine.ctx.inner.sessions.timeout;
        Some(crate::SslSession::from_summary(
            summary,
            self.engine.ctx.now(),
            timeout,
        ))
    }

    /// The context a servername callback switched this connection to
    /// (`SSL_get_SSL_CTX` after `SSL_set_SSL_CTX`), if it did.
    pub fn switched_context(&self) -> Option<SslContext> {
        self.engine
            .switched_ctx
            .get()?
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// TLS 1.3 session tickets received so far (client).
    pub fn session_ticket_count(&self) -> usize {
        self.engine.tickets.len()
    }

    /// `SSL_export_keying_material` (RFC 8446 section 7.5).
    pub fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<(), Error> {
        match &self.engine.hs {
            Some(hs) => hs.export_keying_material(label, context, out),
            None => Err(ApiMisuse::HandshakeNotComplete.into()),
        }
    }

    /// Protected bytes waiting for the write BIO to accept them.
    pub fn pending_output(&self) -> usize {
        self.engine.pending_output()
    }

    /// Whether record buffers are allocated (they are freed while idle
    /// under `MODE_RELEASE_BUFFERS`).
    pub fn has_buffers(&self) -> bool {
        self.engine.has_record_buffer() || self.engine.out_capacity() > 0
    }
}

fn check_name(name: &str) -> Result<(), Error> {
    ferrotls_core::ServerName::try_from_str(name)
        .map(|_| ())
        .map_err(|_| ApiMisuse::InvalidConfiguration(format!("invalid host name {name:?}")).into())
}

/// The int API cannot report more than `i32::MAX` bytes.
fn clamp_mut(buf: &mut [u8]) -> &mut [u8] {
    let n = buf.len().min(i32::MAX as usize);
    &mut buf[..n]
}

fn read_ret(r: &Step<usize>) -> i32 {
    match r {
        Ok(n) => *n as i32,
        Err(Stop::ZeroReturn | Stop::Eof) => 0,
        Err(_) => -1,
    }
}
