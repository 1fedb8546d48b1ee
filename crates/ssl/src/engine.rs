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

use std::sync::{Arc, OnceLock};

use ferrotls_core::{
    AlertDescription, AlertLevel, ContentType, Error, InvalidMessage, PeerMisbehaved,
    ProtocolVersion, UnixTime,
};
use ferrotls_handshake::msgs::HandshakeJoiner;
use ferrotls_handshake::{Action, Handshake, HandshakeSummary, RecordKeys, Role};
use ferrotls_record::{
    Decrypted, Deframer, MAX_CIPHERTEXT_TLS12, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT,
    MessageDecrypter, MessageEncrypter, OpaqueRecord, PlainRecord,
};

use crate::context::SslContext;
use crate::error::{AlertRecord, ErrorCause, ErrorCode, ErrorEntry, ErrorQueue, Library};
use crate::modes::Mode;
use crate::outbuf::OutBuf;
use crate::transport::Transport;
use crate::verify::{VerifyResultCell, VerifySettings, X509_V_OK};

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

/// The record as classified while the deframer's buffer is borrowed.
enum Incoming {
    Handshake,
    AppData,
    Ccs,
    Alert(AlertLevel, AlertDescription),
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

/// Largest number of session tickets kept: a server sending many must not
/// grow a client without bound.
const MAX_TICKETS: usize = 8;
/// Consecutive ignored alerts tolerated (a peer flooding warnings is
/// wasting our time; RFC 8446 section 6 leaves the limit to us).
const MAX_IGNORED_ALERTS: u32 = 16;
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
    out: OutBuf,
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
    actions: Vec<Action>,
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
            out: OutBuf::default(),
            needs_flush: false,
            app_in: Vec::new(),
            app_pos: 0,
            app_held: 0..0,
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
        self.out.unsent().len()
    }

    /// Bytes received but not yet turned into records.
    pub fn buffered_input(&self) -> usize {
        self.deframer.as_ref().map_or(0, Deframer::buffered)
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

    /// Protects one application-data record.
    pub fn send_app_record(&mut self, data: &[u8]) -> Result<(), Error> {
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
            match t.write(self.out.unsent()) {
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

    // ---- input ---------------------------------------------------------

    /// Unread application bytes, in order (see `app_held`).
    pub fn app_data(&self) -> &[u8] {
        if self.app_held.is_empty() {
            return &self.app_in[self.app_pos..];
        }
        self.deframer
            .as_ref()
            .map_or(&[][..], |d| d.bytes(self.app_held.clone()))
    }

    /// Marks `n` bytes of [`Engine::app_data`] as read.
    pub fn consume_app(&mut self, n: usize) {
        if !self.app_held.is_empty() {
            self.app_held.start = (self.app_held.start + n).min(self.app_held.end);
            if self.app_held.is_empty() {
                self.app_held = 0..0;
            }
            return;
        }
        self.app_pos = (self.app_pos + n).min(self.app_in.len());
        if self.app_pos == self.app_in.len() {
            self.app_in.clear();
            self.app_pos = 0;
        }
    }

    /// Moves unread bytes held in the deframer's buffer into `app_in`,
    /// before anything may overwrite that buffer.
    fn spill_held(&mut self) {
        if self.app_held.is_empty() {
            return;
        }
        if let Some(d) = self.deframer.as_ref() {
            self.app_in
                .extend_from_slice(d.bytes(self.app_held.clone()));
        }
        self.app_held = 0..0;
    }

    /// Reads, decrypts and dispatches one record.
    pub fn read_record(&mut self, t: &mut dyn Transport, location: &'static str) -> Step<Got> {
        self.read_record_into(t, location, None).map(|(got, _)| got)
    }

    /// [`Engine::read_record`], with the application's read buffer: an
    /// application_data record that fits in `dest` is decrypted straight
    /// into it, which saves copying it out of the record buffer, and the
    /// count of bytes placed there comes back with [`Got::AppData`]. Only
    /// when no unread application bytes are buffered (they would come
    /// first); otherwise, and for every other record, this is
    /// `read_record`. `dest` never keeps bytes that failed authentication
    /// or a check, nor bytes that are discarded.
    pub fn read_record_into(
        &mut self,
        t: &mut dyn Transport,
        location: &'static str,
        mut dest: Option<&mut [u8]>,
    ) -> Step<(Got, usize)> {
        self.spill_held();
        if self.app_pos < self.app_in.len() {
            dest = None;
        }
        loop {
            let max = self.max_ciphertext;
            let deframer = self.deframer.get_or_insert_with(|| {
                let mut d = Deframer::new();
                d.set_max_ciphertext_len(max);
                d
            });
            // During a TLS 1.2 renegotiation application data still flows
            // (until the peer's ChangeCipherSpec); the handshake says when.
            let handshaking = self.hs.as_ref().is_none_or(|h| {
                !h.acceptable_content_types()
                    .contains(&ContentType::ApplicationData)
            });
            let discard_app = self.shutdown_sent;
            // Application data left where it was decrypted: its address
            // and length, turned into a buffer range once the borrow ends.
            let mut held = None;
            // Application data decrypted into `dest`.
            let mut placed = 0;
            let classified: Result<Option<Incoming>, Error> = match deframer.next_record() {
                Err(e) => Err(e),
                Ok(None) => Ok(None),
                Ok(Some(rec)) => {
                    let opened = open(
                        &mut *self.decrypter,
                        &mut self.plain_alerts,
                        rec,
                        dest.as_deref_mut(),
                    );
                    match opened {
                        Err(e) => Err(e),
                        Ok(Decrypted::AppData(n)) => {
                            let r = check_app_data(handshaking, &self.joiner);
                            // After we sent close_notify, data the peer
                            // still sends is discarded (as in `classify`).
                            if r.is_ok() && !discard_app {
                                placed = n;
                            } else if let Some(d) = dest.as_deref_mut() {
                                d[..n].fill(0);
                            }
                            r.map(|()| Some(Incoming::AppData))
                        }
                        Ok(Decrypted::Record(plain)) => {
                            let r = classify(
                                plain.content_type,
                                plain.payload,
                                handshaking,
                                &mut self.joiner,
                            );
                            // After we sent close_notify, data the peer
                            // still sends is discarded (as OpenSSL does
                            // while waiting for its close_notify).
                            if matches!(r, Ok(Incoming::AppData)) && !discard_app {
                                if self.app_pos < self.app_in.len() {
                                    self.app_in.extend_from_slice(plain.payload);
                                } else if !plain.payload.is_empty() {
                                    held = Some((
                                        plain.payload.as_ptr() as usize,
                                        plain.payload.len(),
                                    ));
                                }
                            }
                            r.map(Some)
                        }
                    }
                }
            };
            if let Some((addr, len)) = held {
                let range = self.deframer.as_ref().and_then(|d| d.locate(addr, len));
                let Some(range) = range else {
                    let e = Error::General("decrypted record outside the record buffer".into());
                    return Err(self.fail(t, e, location));
                };
                self.app_held = range;
            }
            match classified {
                Err(e) => return Err(self.fail(t, e, location)),
                Ok(Some(inc)) => return self.dispatch(t, inc, location).map(|got| (got, placed)),
                Ok(None) => self.fill(t, location)?,
            }
        }
    }

    /// Reads transport bytes into the deframer.
    fn fill(&mut self, t: &mut dyn Transport, location: &'static str) -> Step<()> {
        let Some(deframer) = self.deframer.as_mut() else {
            return Ok(());
        };
        let spare = deframer.spare();
        if spare.is_empty() {
            let e = Error::General("record buffer full without a whole record".into());
            return Err(self.fail(t, e, location));
        }
        match t.read(spare) {
            Ok(n) => {
                deframer.commit(n);
                Ok(())
            }
            Err(e) => Err(self.io_stop(e, location)),
        }
    }

    fn dispatch(
        &mut self,
        t: &mut dyn Transport,
        inc: Incoming,
        location: &'static str,
    ) -> Step<Got> {
        match inc {
            Incoming::AppData => {
                self.ignored_alerts = 0;
                Ok(Got::AppData)
            }
            Incoming::Handshake => {
                self.ignored_alerts = 0;
                let now = self.ctx.now();
                // Each message is borrowed from the joiner while the
                // handshake reads it, then the actions run.
                while let Some(msg) = self.joiner.next_message() {
                    let Some(hs) = self.hs.as_mut() else {
                        let e = Error::General("handshake record before the handshake".into());
                        return Err(self.fail(t, e, location));
                    };
                    let r = hs.handle_handshake(msg, now, &mut self.actions);
                    if let Err(e) = r.and_then(|()| self.apply_actions()) {
                        return Err(self.fail(t, e, location));
                    }
                }
                Ok(Got::Handshake)
            }
            Incoming::Ccs => {
                let r = match self.hs.as_mut() {
                    Some(hs) => hs.handle_change_cipher_spec(&mut self.actions),
                    None => Err(unexpected(ContentType::ChangeCipherSpec)),
                };
                if let Err(e) = r.and_then(|()| self.apply_actions()) {
                    return Err(self.fail(t, e, location));
                }
                Ok(Got::Ccs)
            }
            Incoming::Alert(level, desc) => {
                if desc == AlertDescription::CloseNotify {
                    self.shutdown_received = true;
                    return Ok(Got::CloseNotify);
                }
                let tls12 = self.negotiated_version() == Some(ProtocolVersion::TLSv1_2);
                // RFC 8446 6.2: in TLS 1.3 every alert but close_notify and
                // user_canceled is fatal whatever its level.
                if level == AlertLevel::Warning && desc == AlertDescription::NoRenegotiation {
                    // RFC 5746: the peer declined our renegotiation; a
                    // client waiting for its ServerHello carries on with
                    // the connection it has.
                    if let Some(hs) = self.hs.as_mut() {
                        hs.peer_declined_renegotiation();
                    }
                }
                let ignorable = level == AlertLevel::Warning
                    && (desc == AlertDescription::UserCanceled || tls12);
                if ignorable {
                    self.ignored_alerts += 1;
                    if self.ignored_alerts > MAX_IGNORED_ALERTS {
                        let e = PeerMisbehaved::TooManyConsecutiveIgnoredRecords.into();
                        return Err(self.fail(t, e, location));
                    }
                    return Ok(Got::IgnoredAlert);
                }
                Err(self.fail(t, Error::AlertReceived(desc), location))
            }
        }
    }

    /// Adds actions produced outside `self.actions` (handshake start).
    pub fn push_actions(&mut self, actions: Vec<Action>) {
        self.actions.extend(actions);
    }

    /// Performs the handshake's actions in order.
    pub fn apply_actions(&mut self) -> Result<(), Error> {
        let mut actions = std::mem::take(&mut self.actions);
        let mut result = Ok(());
        for action in actions.drain(..) {
            result = self.apply(action);
            if result.is_err() {
                break;
            }
        }
        actions.clear();
        self.actions = actions;
        result
    }

    fn apply(&mut self, action: Action) -> Result<(), Error> {
        match action {
            Action::Send {
                content_type,
                payload,
            } => self.send_plain(content_type, &payload),
            Action::SetReadKeys(keys) => {
                if !self.joiner.is_empty() {
                    return Err(PeerMisbehaved::KeyChangeWithPendingData.into());
                }
                let (mut dec, max) = match keys {
                    RecordKeys::Tls13 {
                        suite,
                        traffic_secret,
                    } => (
                        ferrotls_record::tls13_decrypter(suite, &traffic_secret)?,
                        MAX_CIPHERTEXT_TLS13,
                    ),
                    RecordKeys::Tls12 { suite, key, iv } => (
                        ferrotls_record::tls12_decrypter(suite, key.as_bytes(), iv.as_bytes())?,
                        MAX_CIPHERTEXT_TLS12,
                    ),
                };
                if let Some(limit) = self.receive_limit {
                    dec.set_record_size_limit(limit);
                }
                self.decrypter = dec;
                self.plain_alerts = !self.read_protected
                    && self.role == Some(Role::Server)
                    && max == MAX_CIPHERTEXT_TLS13;
                self.read_protected = true;
                self.max_ciphertext = max;
                if let Some(d) = self.deframer.as_mut() {
                    d.set_max_ciphertext_len(max);
                }
                Ok(())
            }
            Action::SetWriteKeys(keys) => {
                self.encrypter = match keys {
                    RecordKeys::Tls13 {
                        suite,
                        traffic_secret,
                    } => ferrotls_record::tls13_encrypter(suite, &traffic_secret)?,
                    RecordKeys::Tls12 { suite, key, iv } => {
                        ferrotls_record::tls12_encrypter(suite, key.as_bytes(), iv.as_bytes())?
                    }
                };
                Ok(())
            }
            Action::SetRecordSizeLimit { send, receive } => {
                // The handshake placed it where it starts to apply: the
                // next record we protect, the next record we open.
                if let Some(n) = send {
                    self.send_limit = n.clamp(1, MAX_PLAINTEXT);
                }
                if let Some(n) = receive {
                    self.receive_limit = Some(n);
                    self.decrypter.set_record_size_limit(n);
                }
                Ok(())
            }
            Action::HandshakeComplete(summary) => {
                self.tls12_session_life = summary.tls12_session.as_ref().map(|_| {
                    crate::session::SslSession::tls12_life(
                        &summary,
                        self.session.as_ref(),
                        self.ctx.now(),
                        self.ctx.inner.sessions.timeout,
                    )
                });
                self.tls12_session = OnceLock::new();
                self.summary = Some(summary);
                Ok(())
            }
            Action::SessionTicket(ticket) => {
                if self.tickets.len() == MAX_TICKETS {
                    self.tickets.remove(0);
                }
                self.tickets
                    .push(crate::session::SslSession::from_ticket(*ticket));
                Ok(())
            }
        }
    }

    /// Starts a KeyUpdate when the write key nears its usage limit
    /// (RFC 8446 section 5.5), before the next record is protected.
    pub fn key_update_if_due(&mut self) -> Result<(), Error> {
        if !self.encrypter.needs_key_update() {
            return Ok(());
        }
        self.key_update(false)
    }

    /// `SSL_key_update`: sends a KeyUpdate now (queued in `out`).
    pub fn key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        let Some(hs) = self.hs.as_mut() else {
            return Err(ferrotls_core::ApiMisuse::HandshakeNotComplete.into());
        };
        hs.send_key_update(request_peer, &mut self.actions)?;
        self.apply_actions()
    }

    /// True while a TLS 1.2 renegotiation runs on an established
    /// connection.
    pub fn is_renegotiating(&self) -> bool {
        self.hs.as_ref().is_some_and(Handshake::is_renegotiating)
    }

    /// `SSL_renegotiate`: queues a ClientHello (client) or HelloRequest
    /// (server); it goes out with the next call that writes.
    pub fn renegotiate(&mut self) -> Result<(), Error> {
        if self
            .options
            .contains(crate::modes::SslOptions::NO_RENEGOTIATION)
        {
            return Err(ferrotls_core::ApiMisuse::BadArgument(
                "renegotiation disabled (OP_NO_RENEGOTIATION)",
            )
            .into());
        }
        let Some(hs) = self.hs.as_mut() else {
            return Err(ferrotls_core::ApiMisuse::HandshakeNotComplete.into());
        };
        hs.renegotiate(&mut self.actions)?;
        self.apply_actions()
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

/// Removes a record's protection; see `Engine::plain_alerts` for the
/// one window in which an alert may come unprotected. With `dest`,
/// application data may be decrypted straight into it.
fn open<'a>(
    decrypter: &mut dyn MessageDecrypter,
    plain_alerts: &mut bool,
    rec: OpaqueRecord<'a>,
    dest: Option<&mut [u8]>,
) -> Result<Decrypted<'a>, Error> {
    if *plain_alerts {
        if rec.header.content_type == ContentType::Alert {
            return Ok(Decrypted::Record(PlainRecord {
                content_type: ContentType::Alert,
                payload: rec.payload,
            }));
        }
        *plain_alerts = rec.header.content_type != ContentType::ApplicationData;
    }
    match dest {
        Some(dest) => decrypter.decrypt_into(rec, dest),
        None => decrypter.decrypt(rec).map(Decrypted::Record),
    }
}

/// Whether application data may arrive now: not during a handshake, and
/// not inside a fragmented handshake message (RFC 8446 section 5.1).
fn check_app_data(handshaking: bool, joiner: &HandshakeJoiner) -> Result<(), Error> {
    if handshaking {
        return Err(unexpected(ContentType::ApplicationData));
    }
    if !joiner.is_empty() {
        return Err(PeerMisbehaved::UnexpectedMessage(
            "application data inside a fragmented handshake message",
        )
        .into());
    }
    Ok(())
}

fn unexpected(got: ContentType) -> Error {
    Error::InappropriateMessage {
        expect_types: vec![ContentType::Handshake],
        got_type: got,
    }
}

/// Checks a decrypted record's type and copies handshake bytes into the
/// joiner (they must outlive the deframer's buffer). Application data is
/// left where it is for the caller.
fn classify(
    content_type: ContentType,
    payload: &[u8],
    handshaking: bool,
    joiner: &mut HandshakeJoiner,
) -> Result<Incoming, Error> {
    match content_type {
        ContentType::Handshake => {
            joiner.push(payload)?;
            Ok(Incoming::Handshake)
        }
        ContentType::ApplicationData => {
            check_app_data(handshaking, joiner)?;
            Ok(Incoming::AppData)
        }
        ContentType::Alert => {
            let [level, desc] = payload else {
                return Err(InvalidMessage::MalformedAlert.into());
            };
            let level = AlertLevel::from(*level);
            if !matches!(level, AlertLevel::Warning | AlertLevel::Fatal) {
                return Err(InvalidMessage::MalformedAlert.into());
            }
            Ok(Incoming::Alert(level, AlertDescription::from(*desc)))
        }
        ContentType::ChangeCipherSpec => {
            if payload != [1] {
                return Err(InvalidMessage::InvalidCcs.into());
            }
            Ok(Incoming::Ccs)
        }
        other => Err(unexpected(other)),
    }
}
