//! The one engine under both APIs: record layer + handshake + buffers.
//!
//! Every public operation of [`Ssl`](crate::Ssl) is a method here that
//! returns a [`Step`]: `Ok(value)` or a [`Stop`] saying why the call must
//! return early. The int-returning OpenSSL names and the `Result` methods
//! are thin translations of the same `Step`, so the two can never disagree.
//!
//! Output is never produced twice: protected bytes go into `out` once and
//! stay there until the transport accepted them, so a call that stopped on
//! a would-block resumes by draining `out` (SPEC S04), and a retried write
//! never re-encrypts (S10).
//!
//! This file holds the state, the error paths and the output side; the
//! input side (records in, decrypted, dispatched) is in `read`, and what
//! the handshake asks of the connection (send, install keys, complete) is
//! in `actions`.

use std::sync::{Arc, OnceLock};

use ferrotls_bio::ByteQueue;
use ferrotls_core::{AlertDescription, AlertLevel, ContentType, Error, ProtocolVersion, UnixTime};
use ferrotls_handshake::msgs::HandshakeJoiner;
use ferrotls_handshake::{Action, Handshake, HandshakeSummary, Role};
use ferrotls_record::{
    Deframer, MAX_CIPHERTEXT_TLS12, MAX_PLAINTEXT, MessageDecrypter, MessageEncrypter,
};

use crate::context::SslContext;
use crate::error::{AlertRecord, ErrorCause, ErrorCode, ErrorEntry, ErrorQueue, Library};
use crate::modes::Mode;
use crate::transport::Transport;
use crate::verify::{VerifyResultCell, VerifySettings, X509_V_OK};

mod actions;
mod read;

/// Why a call returns before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The transport would block; `WANT_READ` or `WANT_WRITE`.
    Want(ErrorCode),
    /// The peer's close_notify was received.
    ZeroReturn,
    /// The transport ended without close_notify (queue entry made).
    Eof,
    /// A transport I/O error (queue entry made).
    Syscall,
    /// A protocol failure or API misuse (queue entry made).
    Ssl,
}

impl Stop {
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Want(c) => c,
            Self::ZeroReturn => ErrorCode::ZeroReturn,
            Self::Eof | Self::Syscall => ErrorCode::Syscall,
            Self::Ssl => ErrorCode::Ssl,
        }
    }
}

/// The result of one engine step.
pub(crate) type Step<T> = Result<T, Stop>;

/// What one incoming record turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Got {
    /// Application data (possibly empty) is ready to be read.
    AppData,
    /// Handshake messages were processed (post-handshake: ticket, KeyUpdate).
    Handshake,
    /// A ChangeCipherSpec was ignored (TLS 1.3 compatibility mode).
    Ccs,
    /// The peer's close_notify.
    CloseNotify,
    /// A warning alert that is ignored (user_canceled).
    IgnoredAlert,
}

/// A write that stopped on a would-block and must be retried (S10).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PendingWrite {
    /// Address of the caller's buffer at the first attempt.
    pub ptr: usize,
    /// Length of the caller's buffer at the first attempt.
    pub len: usize,
    /// Bytes of it already encrypted into `out` (never encrypted again).
    pub encrypted: usize,
}

/// OpenSSL's default `max_cert_list` plus the header: the largest
/// handshake message accepted.
pub(crate) const MAX_HANDSHAKE_MESSAGE: usize = 100 * 1024 + 4;

pub(crate) struct Engine {
    pub ctx: SslContext,
    pub role: Option<Role>,
    /// SNI to send (`SSL_set_tlsext_host_name`).
    pub sni: Option<String>,
    /// Name the certificate must match (`SSL_set1_host`).
    pub verify_host: Option<String>,
    pub verify: VerifySettings,
    /// `SSL_get_verify_result`'s cell, shared with the verifier. Made
    /// when a verifier is first built: a server that does not ask for a
    /// client certificate never needs one (`X509_V_OK` until then).
    pub verify_result: OnceLock<VerifyResultCell>,
    pub mode: Mode,
    /// `SSL_OP_*` bits of this connection.
    pub options: crate::modes::SslOptions,
    pub alpn: Vec<Vec<u8>>,
    /// `SSL_set_max_send_fragment`; records are cut at the smaller of
    /// this and `send_limit` (see [`Engine::fragment_len`]).
    pub max_fragment: usize,
    /// RFC 8449: the most content bytes the peer's record_size_limit
    /// lets us put in a protected record (2^14 until one is agreed).
    send_limit: usize,
    /// RFC 8449: our announced limit once agreed, given to every read key
    /// installed after it (a TLS 1.3 KeyUpdate keeps it).
    receive_limit: Option<usize>,
    pub(crate) hs: Option<Handshake>,
    joiner: HandshakeJoiner,
    deframer: Option<Deframer>,
    max_ciphertext: usize,
    decrypter: Box<dyn MessageDecrypter>,
    encrypter: Box<dyn MessageEncrypter>,
    /// Protected records not yet accepted by the transport.
    out: ByteQueue,
    needs_flush: bool,
    /// Application bytes that must outlive the deframer's buffer (data
    /// that arrived while earlier data was still unread, e.g. during a
    /// renegotiation); `app_pos` is the first unread byte.
    pub(crate) app_in: Vec<u8>,
    pub(crate) app_pos: usize,
    /// Unread application bytes of the last record, still where it was
    /// decrypted in the deframer's buffer: the common case reads them from
    /// there without another copy. Non-empty only while `app_in` is empty
    /// (so the order of the bytes is kept), and moved into `app_in` before
    /// the deframer's buffer is touched again.
    pub(crate) app_held: std::ops::Range<usize>,
    /// Bytes the read BIO lent beyond the record last taken where it lay
    /// (`read_in_place`): input as good as buffered, which the copying
    /// path would have read into the deframer. Zero once a read happens.
    pub(crate) lent_unread: usize,
    pub(crate) pending_write: Option<PendingWrite>,
    /// Shared with the handshake state, which keeps it for renegotiation
    /// and the exporter (one summary, not a copy per owner).
    pub(crate) summary: Option<Arc<HandshakeSummary>>,
    /// TLS 1.3 tickets received (client), newest last.
    pub(crate) tickets: Vec<crate::session::SslSession>,
    /// The session to resume (`SSL_set_session`).
    pub(crate) session: Option<crate::session::SslSession>,
    /// The time and timeout of the TLS 1.2 session the last handshake
    /// established (or resumed); `None` if it established none.
    pub(crate) tls12_session_life: Option<(UnixTime, u32)>,
    /// That session, built from `summary` on the first request
    /// (`SSL_get1_session`): most connections never ask, so the handshake
    /// does not pay for it.
    pub(crate) tls12_session: OnceLock<crate::session::SslSession>,
    /// The context a servername callback switched to; the cell is made
    /// only when a servername callback is installed.
    pub(crate) switched_ctx: OnceLock<Arc<std::sync::Mutex<Option<SslContext>>>>,
    fatal: Option<Error>,
    /// The code `get_error` reports for a return value <= 0.
    pub(crate) last: ErrorCode,
    /// The cause of the last failure, for the `Result` methods.
    pub(crate) last_cause: Option<ErrorCause>,
    pub(crate) shutdown_sent: bool,
    pub(crate) shutdown_received: bool,
    pub(crate) queue: ErrorQueue,
    /// The handshake's actions not yet carried out; kept, with its room,
    /// for the whole handshake.
    pub(crate) actions: Vec<Action>,
    ignored_alerts: u32,
    /// TLS 1.3 server, from its first read key until the client's first
    /// protected record: a plaintext alert is still accepted, as OpenSSL
    /// does (a client that gives up before reading the ServerHello has
    /// no key to protect its close_notify or alert with; S06).
    plain_alerts: bool,
    /// A read key was installed once (that starts `plain_alerts`).
    read_protected: bool,
}

impl Engine {
    pub fn new(ctx: SslContext) -> Self {
        let inner = &ctx.inner;
        Self {
            role: None,
            sni: None,
            verify_host: None,
            verify: inner.verify.clone(),
            verify_result: OnceLock::new(),
            mode: inner.mode,
            options: inner.options,
            alpn: inner.alpn.clone(),
            max_fragment: MAX_PLAINTEXT,
            send_limit: MAX_PLAINTEXT,
            receive_limit: None,
            hs: None,
            joiner: HandshakeJoiner::new(MAX_HANDSHAKE_MESSAGE),
            deframer: None,
            max_ciphertext: MAX_CIPHERTEXT_TLS12,
            decrypter: ferrotls_record::plaintext_decrypter(),
            encrypter: ferrotls_record::plaintext_encrypter(),
            out: ByteQueue::new(),
            needs_flush: false,
            app_in: Vec::new(),
            app_pos: 0,
            app_held: 0..0,
            lent_unread: 0,
            pending_write: None,
            summary: None,
            tickets: Vec::new(),
            session: None,
            tls12_session_life: None,
            tls12_session: OnceLock::new(),
            switched_ctx: OnceLock::new(),
            fatal: None,
            last: ErrorCode::None,
            last_cause: None,
            shutdown_sent: false,
            shutdown_received: false,
            queue: ErrorQueue::default(),
            actions: Vec::new(),
            ignored_alerts: 0,
            plain_alerts: false,
            read_protected: false,
            ctx,
        }
    }

    /// The verify result cell the verifiers write, made on first use.
    pub fn verify_result_cell(&self) -> VerifyResultCell {
        self.verify_result
            .get_or_init(|| Arc::new(std::sync::Mutex::new(X509_V_OK)))
            .clone()
    }

    /// `SSL_get_verify_result`: `X509_V_OK` while no verifier was built.
    pub fn verify_result(&self) -> i64 {
        self.verify_result
            .get()
            .map_or(X509_V_OK, |c| *c.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The TLS 1.2 session of the last handshake, built on the first call.
    pub fn tls12_session(&self) -> Option<crate::session::SslSession> {
        let summary = self.summary.as_ref()?;
        if summary.version != ProtocolVersion::TLSv1_2 {
            return None;
        }
        let (time, timeout) = self.tls12_session_life?;
        let session = self
            .tls12_session
            .get_or_init(|| crate::session::SslSession::from_summary(summary, time, timeout));
        Some(session.clone())
    }

    /// True once the handshake completed.
    pub fn is_init_finished(&self) -> bool {
        self.hs.as_ref().is_some_and(|h| !h.is_handshaking())
    }

    /// The negotiated version, once known.
    pub fn negotiated_version(&self) -> Option<ProtocolVersion> {
        self.summary.as_ref().map(|s| s.version)
    }

    /// Output bytes not yet accepted by the transport.
    pub fn pending_output(&self) -> usize {
        self.out.len()
    }

    /// Bytes received but not yet turned into records (those still in
    /// the BIO's buffer after a record taken in place count too).
    pub fn buffered_input(&self) -> usize {
        self.deframer.as_ref().map_or(0, Deframer::buffered) + self.lent_unread
    }

    /// The sticky error, if the connection failed.
    pub fn fatal_error(&self) -> Option<&Error> {
        self.fatal.as_ref()
    }

    // ---- failure bookkeeping -------------------------------------------

    fn entry(
        &mut self,
        library: Library,
        reason: Option<Error>,
        alert: Option<AlertRecord>,
        location: &'static str,
        text: String,
    ) {
        self.queue.push(ErrorEntry {
            library,
            reason,
            alert,
            location,
            text,
        });
    }

    /// A fatal protocol error: send its alert (if any) under the current
    /// write keys, record it, and make it sticky (SPEC R05).
    pub fn fail(&mut self, t: &mut dyn Transport, err: Error, location: &'static str) -> Stop {
        if self.fatal.is_some() {
            return self.refuse_dead(location);
        }
        let alert = match &err {
            Error::AlertReceived(d) => Some(AlertRecord {
                description: *d,
                sent: false,
            }),
            other => other.alert().map(|d| {
                self.queue_alert(AlertLevel::Fatal, d);
                AlertRecord {
                    description: d,
                    sent: true,
                }
            }),
        };
        let library = match err {
            Error::InvalidCertificate(_) => Library::X509,
            _ => Library::Ssl,
        };
        self.entry(library, Some(err.clone()), alert, location, err.to_string());
        self.last_cause = Some(ErrorCause::Tls(err.clone()));
        self.fatal = Some(err);
        self.pending_write = None;
        // Best effort: the alert goes out now if the transport takes it;
        // otherwise it stays queued and a later call may flush it. Nothing
        // else is ever added after it.
        let _ = self.flush_out(t);
        Stop::Ssl
    }

    /// A misuse of the API: recorded, nothing sent, connection unharmed.
    pub fn misuse(&mut self, err: Error, location: &'static str) -> Stop {
        self.entry(
            Library::Ssl,
            Some(err.clone()),
            None,
            location,
            err.to_string(),
        );
        self.last_cause = Some(ErrorCause::Tls(err));
        Stop::Ssl
    }

    /// Any call on a failed connection: the same error again.
    pub fn refuse_dead(&mut self, location: &'static str) -> Stop {
        let err = self
            .fatal
            .clone()
            .unwrap_or_else(|| ferrotls_core::ApiMisuse::ConnectionFailed.into());
        self.entry(
            Library::Ssl,
            Some(err.clone()),
            None,
            location,
            format!("connection already failed: {err}"),
        );
        self.last_cause = Some(ErrorCause::Tls(err));
        Stop::Ssl
    }

    /// Fails at once if the connection is dead.
    pub fn check_alive(&mut self, location: &'static str) -> Step<()> {
        if self.fatal.is_some() {
            return Err(self.refuse_dead(location));
        }
        Ok(())
    }

    fn io_stop(&mut self, err: ferrotls_bio::BioError, location: &'static str) -> Stop {
        use ferrotls_bio::{BioError, Retry};
        match err {
            BioError::WouldBlock(Retry::Read) => Stop::Want(ErrorCode::WantRead),
            BioError::WouldBlock(_) => Stop::Want(ErrorCode::WantWrite),
            BioError::Eof => {
                self.entry(
                    Library::Ssl,
                    None,
                    None,
                    location,
                    "unexpected eof while reading".into(),
                );
                self.last_cause = Some(ErrorCause::UnexpectedEof);
                Stop::Eof
            }
            BioError::Io(e) => {
                self.entry(Library::Sys, None, None, location, e.to_string());
                self.last_cause = Some(ErrorCause::Io(e));
                Stop::Syscall
            }
        }
    }

    // ---- output --------------------------------------------------------

    /// The most plaintext per record we send: the application's
    /// `max_send_fragment` within the peer's RFC 8449 limit (also what a
    /// partial write returns at most, S09).
    pub fn fragment_len(&self) -> usize {
        self.max_fragment.min(self.send_limit).max(1)
    }

    /// Protects `payload` as records of `content_type` into `out`, each
    /// sealed straight from `payload` into its place there. A record that
    /// fails leaves `out` as it was.
    fn send_plain(&mut self, content_type: ContentType, payload: &[u8]) -> Result<(), Error> {
        for chunk in payload.chunks(self.fragment_len()) {
            let room = self.out.reserve(chunk.len() + self.encrypter.overhead());
            let n = self.encrypter.encrypt_into(content_type, chunk, room)?;
            self.out.commit(n);
        }
        Ok(())
    }

    /// Protects one application-data record. When nothing waits in
    /// `out`, the transport is first asked for room for it
    /// (`BIO_nwrite0`): a memory BIO or BIO pair then holds the record as
    /// sealed straight from `data` into its buffer, without the copy its
    /// `write` would make. Otherwise (a socket, a full pair, bytes already
    /// waiting) the record goes through `out` as any other.
    pub fn send_app_record(&mut self, t: &mut dyn Transport, data: &[u8]) -> Result<(), Error> {
        if self.out.is_empty() && data.len() <= self.fragment_len() {
            let encrypter = &mut self.encrypter;
            let need = data.len() + encrypter.overhead();
            let mut sealed = None;
            let mut put = |room: &mut [u8]| {
                let r = encrypter.encrypt_into(ContentType::ApplicationData, data, room);
                let n = *r.as_ref().unwrap_or(&0);
                sealed = Some(r);
                n
            };
            let held = t.write_in_place(need, &mut put);
            match (held, sealed) {
                (Some(held), Some(Ok(n))) if held == n => {
                    self.needs_flush = true;
                    return Ok(());
                }
                // The BIO kept part of a sealed record, or none of it: its
                // sequence number is spent, so the stream is broken.
                (held, Some(Ok(n))) => {
                    let held = held.unwrap_or(0);
                    let why = format!("the BIO held {held} bytes of a {n}-byte record");
                    return Err(Error::General(why));
                }
                (_, Some(Err(e))) => return Err(e),
                // Nothing lent, or room lent and never written into.
                (_, None) => {}
            }
        }
        self.send_plain(ContentType::ApplicationData, data)
    }

    /// Queues an alert record; an encryption failure here has nobody left
    /// to report to, so the alert is simply not sent.
    pub fn queue_alert(&mut self, level: AlertLevel, desc: AlertDescription) {
        let _ = self.send_plain(ContentType::Alert, &[u8::from(level), u8::from(desc)]);
    }

    /// Hands `out` to the transport until it is empty, then flushes the
    /// transport (a buffering BIO holds the flight until then).
    pub fn flush_out(&mut self, t: &mut dyn Transport) -> Step<()> {
        while !self.out.is_empty() {
            match t.write(self.out.readable()) {
                Ok(0) => {
                    let e = std::io::Error::from(std::io::ErrorKind::WriteZero);
                    return Err(self.io_stop(ferrotls_bio::BioError::Io(e), "write"));
                }
                Ok(n) => {
                    self.out.consume(n);
                    self.needs_flush = true;
                }
                Err(e) => return Err(self.io_stop(e, "write")),
            }
        }
        if self.needs_flush {
            if let Err(e) = t.flush() {
                return Err(self.io_stop(e, "flush"));
            }
            self.needs_flush = false;
        }
        if self.mode.contains(Mode::RELEASE_BUFFERS) {
            self.out.release();
        }
        Ok(())
    }

    /// Frees idle buffers under `MODE_RELEASE_BUFFERS`.
    pub fn release_idle_buffers(&mut self) {
        if !self.mode.contains(Mode::RELEASE_BUFFERS) {
            return;
        }
        if self.app_held.is_empty() && self.deframer.as_ref().is_some_and(|d| d.buffered() == 0) {
            self.deframer = None;
        }
        if self.app_pos == self.app_in.len() {
            self.app_in = Vec::new();
            self.app_pos = 0;
        }
        self.out.release();
    }

    /// Frees what only the handshake needed, once it completed: the
    /// buffers sized by the handshake's flights (the record buffer, the
    /// output buffer, the message joiner) are released if empty and grow
    /// again, lazily, with the application's traffic. An idle established
    /// connection then holds only its keys and session state.
    pub fn release_handshake_buffers(&mut self) {
        if self.joiner.is_empty() {
            self.joiner = HandshakeJoiner::new(MAX_HANDSHAKE_MESSAGE);
        }
        if self.app_held.is_empty() && self.deframer.as_ref().is_some_and(|d| d.buffered() == 0) {
            self.deframer = None;
        }
        self.out.release();
        self.actions = Vec::new();
    }

    /// True if a deframer buffer currently exists (for RELEASE_BUFFERS tests).
    pub fn has_record_buffer(&self) -> bool {
        self.deframer.is_some()
    }

    /// Whether the engine holds any output capacity (RELEASE_BUFFERS).
    pub fn out_capacity(&self) -> usize {
        self.out.capacity()
    }
}
