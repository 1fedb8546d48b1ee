//! `SSL_SESSION`: what a client keeps to resume a connection, its byte
//! form (`i2d_SSL_SESSION` / `d2i_SSL_SESSION`), and the server-side
//! session cache settings.
//!
//! In TLS 1.3 a session is resumable only once a NewSessionTicket has
//! arrived, and each ticket is used at most once by the client (RFC 8446
//! Appendix C.4; OpenSSL 3 servers issue single-use tickets): the
//! [`SslSession`] clones share a "used" mark that offering sets.
//!
//! A TLS 1.2 session (`tls12.rs`) is resumable when the server gave it a
//! session id or an RFC 5077 ticket, and may be offered again and again,
//! as OpenSSL clients do with TLS 1.2 sessions.
//!
//! The byte format is versioned, bounded and strict — it is read from
//! files and caches an attacker may have touched, so decoding never
//! panics, bounds every length and refuses trailing bytes. It holds the
//! resumption PSK, as OpenSSL's holds the master key: store it like a key.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ferrotls_core::codec::Reader;
use ferrotls_core::crypto::{Secret, SupportedCipherSuite};
use ferrotls_core::{
    ApiMisuse, CertificateDer, CipherSuite, Error, InvalidMessage, ProtocolVersion, UnixTime,
};
use ferrotls_handshake::session::{
    get_u8, get_u8_bytes, get_u16, get_u16_bytes, get_u24_bytes, get_u32, get_u64, put_u8_bytes,
    put_u16_bytes, put_u24_bytes,
};
use ferrotls_handshake::{
    HandshakeSummary, TicketKeys, TicketPolicy, Tls12Session, Tls13SessionTicket,
};

mod tls12;
pub(crate) use tls12::ServerCacheAdapter;

const MAGIC: &[u8; 4] = b"FTSS";
const FORMAT_VERSION: u8 = 1;
/// Largest encoded session accepted.
const MAX_ENCODED_LEN: usize = 256 * 1024;
/// Most peer certificates kept in a session.
const MAX_CHAIN_LEN: usize = 10;

/// A TLS session (`SSL_SESSION`). Clones share the single-use mark.
#[derive(Clone)]
pub struct SslSession {
    data: Arc<SessionData>,
    used: Arc<AtomicBool>,
}

struct SessionData {
    version: ProtocolVersion,
    suite: CipherSuite,
    time: UnixTime,
    timeout: u32,
    server_name: Option<String>,
    alpn: Option<Vec<u8>>,
    peer_certificates: Vec<CertificateDer>,
    ticket: Option<Tls13SessionTicket>,
    /// TLS 1.2: the master secret, session id and/or ticket.
    tls12: Option<Tls12Session>,
}

impl fmt::Debug for SslSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The PSK never appears here.
        f.debug_struct("SslSession")
            .field("version", &self.data.version)
            .field("suite", &self.data.suite)
            .field("server_name", &self.data.server_name)
            .field("has_ticket", &self.has_ticket())
            .field("used", &self.used.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SslSession {
    /// The session of a completed handshake: in TLS 1.3 without a ticket
    /// (a server's view, or a client's before any ticket arrived), so not
    /// resumable; in TLS 1.2 with its master secret, resumable when the
    /// server gave it an id or a ticket.
    pub(crate) fn from_summary(summary: &HandshakeSummary, now: UnixTime, timeout: u32) -> Self {
        Self::new(SessionData {
            tls12: summary.tls12_session.clone(),
            version: summary.version,
            suite: summary.suite.suite(),
            time: now,
            timeout,
            server_name: summary.sni.clone(),
            alpn: summary.alpn.clone(),
            peer_certificates: summary.peer_certificates.clone(),
            ticket: None,
        })
    }

    /// A resumable TLS 1.3 session made of a ticket.
    pub(crate) fn from_ticket(ticket: Tls13SessionTicket) -> Self {
        Self::new(SessionData {
            version: ProtocolVersion::TLSv1_3,
            suite: ticket.suite.suite,
            time: ticket.received_at,
            timeout: ticket.lifetime,
            server_name: ticket.server_name.clone(),
            alpn: ticket.alpn.clone(),
            peer_certificates: ticket.peer_certificates.clone(),
            ticket: Some(ticket),
            tls12: None,
        })
    }

    fn new(data: SessionData) -> Self {
        Self {
            data: Arc::new(data),
            used: Arc::new(AtomicBool::new(false)),
        }
    }

    /// `SSL_SESSION_is_resumable`: a TLS 1.3 ticket not yet offered, or a
    /// TLS 1.2 session with an id or a ticket.
    pub fn is_resumable(&self) -> bool {
        if let Some(s) = &self.data.tls12 {
            return s.is_resumable();
        }
        self.data.ticket.is_some() && !self.used.load(Ordering::Acquire)
    }

    /// Takes the ticket for one offer: `None` if there is none or it was
    /// already offered (the mark is set by the first taker).
    pub(crate) fn take_ticket(&self) -> Option<&Tls13SessionTicket> {
        let ticket = self.data.ticket.as_ref()?;
        (!self.used.swap(true, Ordering::AcqRel)).then_some(ticket)
    }

    /// `SSL_SESSION_get_protocol_version`.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.data.version
    }

    /// The cipher suite (`SSL_SESSION_get0_cipher`).
    pub fn cipher_suite(&self) -> CipherSuite {
        self.data.suite
    }

    /// `SSL_SESSION_get_time`: when the session (or its ticket) was made.
    pub fn time(&self) -> UnixTime {
        self.data.time
    }

    /// `SSL_SESSION_get_timeout` in seconds (the ticket lifetime in 1.3).
    pub fn timeout(&self) -> u32 {
        self.data.timeout
    }

    /// `SSL_SESSION_get0_hostname`: the SNI of the connection.
    pub fn hostname(&self) -> Option<&str> {
        self.data.server_name.as_deref()
    }

    /// `SSL_SESSION_get0_alpn_selected`.
    pub fn alpn_selected(&self) -> Option<&[u8]> {
        self.data.alpn.as_deref()
    }

    /// The peer's chain when the session was made (`SSL_SESSION_get0_peer`).
    pub fn peer_certificates(&self) -> &[CertificateDer] {
        &self.data.peer_certificates
    }

    /// `SSL_SESSION_has_ticket`.
    pub fn has_ticket(&self) -> bool {
        self.data.ticket.is_some() || self.data.tls12.as_ref().is_some_and(|s| s.ticket.is_some())
    }

    /// `SSL_SESSION_get_ticket_lifetime_hint`.
    pub fn ticket_lifetime_hint(&self) -> u32 {
        match &self.data.tls12 {
            Some(s) => s.ticket_lifetime_hint,
            None => self.data.ticket.as_ref().map_or(0, |t| t.lifetime),
        }
    }

    /// `SSL_SESSION_get_id`: the TLS 1.2 session id the server assigned
    /// (empty for TLS 1.3 and for sessions resumed by ticket only).
    pub fn id(&self) -> &[u8] {
        self.data
            .tls12
            .as_ref()
            .map_or(&[], |s| s.session_id.as_slice())
    }

    /// Whether the session has outlived its timeout at `now`.
    pub fn is_expired(&self, now: UnixTime) -> bool {
        match now.as_secs().checked_sub(self.data.time.as_secs()) {
            Some(age) => age >= u64::from(self.data.timeout),
            None => true,
        }
    }

    /// `i2d_SSL_SESSION`: the session as bytes (including the resumption
    /// secret). The single-use mark is not part of it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let d = &self.data;
        let mut out = MAGIC.to_vec();
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&d.version.get().to_be_bytes());
        out.extend_from_slice(&d.suite.get().to_be_bytes());
        out.extend_from_slice(&d.time.as_secs().to_be_bytes());
        out.extend_from_slice(&d.timeout.to_be_bytes());
        put_u8_bytes(&mut out, d.server_name.as_deref().unwrap_or("").as_bytes());
        put_u8_bytes(&mut out, d.alpn.as_deref().unwrap_or(&[]));
        let chain: Vec<&CertificateDer> = d
            .peer_certificates
            .iter()
            .take(MAX_CHAIN_LEN)
            .filter(|c| !c.as_ref().is_empty() && c.as_ref().len() < 0x00ff_ffff)
            .collect();
        out.push(chain.len() as u8);
        for c in chain {
            put_u24_bytes(&mut out, c.as_ref());
        }
        match (&d.ticket, &d.tls12) {
            (_, Some(s)) => {
                out.push(2);
                tls12::encode(&mut out, s);
            }
            (None, None) => out.push(0),
            (Some(t), None) => {
                out.push(1);
                put_u16_bytes(&mut out, &t.ticket);
                put_u8_bytes(&mut out, &t.nonce);
                out.extend_from_slice(&t.lifetime.to_be_bytes());
                out.extend_from_slice(&t.age_add.to_be_bytes());
                match t.max_early_data_size {
                    None => out.push(0),
                    Some(n) => {
                        out.push(1);
                        out.extend_from_slice(&n.to_be_bytes());
                    }
                }
                put_u8_bytes(&mut out, t.psk.as_bytes());
            }
        }
        out
    }

    /// `d2i_SSL_SESSION`: strict decoding of [`to_bytes`](Self::to_bytes).
    /// The result is a fresh session (not marked used).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        decode(bytes).map_err(Error::InvalidMessage)
    }
}

fn decode(bytes: &[u8]) -> Result<SslSession, InvalidMessage> {
    if bytes.len() > MAX_ENCODED_LEN {
        return Err(InvalidMessage::InvalidLength("session too long"));
    }
    let mut r = Reader::new(bytes);
    if r.take_or(4, "session magic")? != MAGIC {
        return Err(InvalidMessage::IllegalValue("not a ferrotls session"));
    }
    if get_u8(&mut r)? != FORMAT_VERSION {
        return Err(InvalidMessage::IllegalValue("session format version"));
    }
    let version = ProtocolVersion::from(get_u16(&mut r)?);
    if !matches!(version, ProtocolVersion::TLSv1_2 | ProtocolVersion::TLSv1_3) {
        return Err(InvalidMessage::IllegalValue("session protocol version"));
    }
    let suite = CipherSuite::from(get_u16(&mut r)?);
    let time = UnixTime::from_secs(get_u64(&mut r)?);
    let timeout = get_u32(&mut r)?;
    let server_name = match get_u8_bytes(&mut r, 0, "session host name")? {
        [] => None,
        b => Some(
            std::str::from_utf8(b)
                .map_err(|_| InvalidMessage::IllegalValue("session host name"))?
                .to_owned(),
        ),
    };
    let alpn = match get_u8_bytes(&mut r, 0, "session alpn")? {
        [] => None,
        b => Some(b.to_vec()),
    };
    let n = get_u8(&mut r)? as usize;
    if n > MAX_CHAIN_LEN {
        return Err(InvalidMessage::IllegalValue("session chain length"));
    }
    let mut peer_certificates = Vec::with_capacity(n);
    for _ in 0..n {
        peer_certificates.push(CertificateDer::from_vec(get_u24_bytes(&mut r)?.to_vec()));
    }
    let mut tls12 = None;
    let ticket = match get_u8(&mut r)? {
        0 => None,
        2 => {
            tls12 = Some(tls12::decode(&mut r, version, suite)?);
            None
        }
        1 => Some(decode_ticket(
            &mut r,
            version,
            suite,
            time,
            &server_name,
            &alpn,
            &peer_certificates,
        )?),
        _ => return Err(InvalidMessage::IllegalValue("session ticket flag")),
    };
    r.expect_empty("session")?;
    Ok(SslSession::new(SessionData {
        version,
        suite,
        time,
        timeout,
        server_name,
        alpn,
        peer_certificates,
        ticket,
        tls12,
    }))
}

fn decode_ticket(
    r: &mut Reader<'_>,
    version: ProtocolVersion,
    suite: CipherSuite,
    received_at: UnixTime,
    server_name: &Option<String>,
    alpn: &Option<Vec<u8>>,
    peer_certificates: &[CertificateDer],
) -> Result<Tls13SessionTicket, InvalidMessage> {
    if version != ProtocolVersion::TLSv1_3 {
        return Err(InvalidMessage::IllegalValue(
            "ticket in a non-TLS 1.3 session",
        ));
    }
    let Some(SupportedCipherSuite::Tls13(suite)) = ferrotls_crypto::default_provider().suite(suite)
    else {
        return Err(InvalidMessage::IllegalValue("session suite"));
    };
    let ticket = get_u16_bytes(r, 1, "session ticket")?.to_vec();
    let nonce = get_u8_bytes(r, 0, "session ticket nonce")?.to_vec();
    let lifetime = get_u32(r)?;
    let age_add = get_u32(r)?;
    let max_early_data_size = match get_u8(r)? {
        0 => None,
        1 => Some(get_u32(r)?),
        _ => return Err(InvalidMessage::IllegalValue("session early data flag")),
    };
    let psk = get_u8_bytes(r, 1, "session psk")?;
    if psk.len() != suite.hash.output_len() {
        return Err(InvalidMessage::IllegalValue("session psk length"));
    }
    let psk =
        Secret::from_slice(psk).map_err(|_| InvalidMessage::IllegalValue("session psk length"))?;
    Ok(Tls13SessionTicket {
        suite,
        ticket,
        nonce,
        lifetime,
        age_add,
        max_early_data_size,
        psk,
        server_name: server_name.clone(),
        alpn: alpn.clone(),
        received_at,
        peer_certificates: peer_certificates.to_vec(),
    })
}

/// `SSL_CTX_set_session_cache_mode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCacheMode {
    /// `SSL_SESS_CACHE_OFF`: no session cache.
    Off,
    /// `SSL_SESS_CACHE_CLIENT`.
    Client,
    /// `SSL_SESS_CACHE_SERVER` (OpenSSL's default).
    Server,
    /// `SSL_SESS_CACHE_BOTH`.
    Both,
}

impl SessionCacheMode {
    /// Whether the server side caches sessions.
    pub fn caches_server(self) -> bool {
        matches!(self, Self::Server | Self::Both)
    }
}

/// OpenSSL's default session cache size (`SSL_SESSION_CACHE_MAX_SIZE_DEFAULT`).
pub const DEFAULT_SESSION_CACHE_SIZE: usize = 1024 * 20;

/// A bounded server session cache (least recently stored evicted first,
/// entries expire after their timeout), keyed by session id. TLS 1.3
/// tickets are stateless and do not use it; it serves TLS 1.2 session IDs.
pub struct SessionCache {
    size: usize,
    map: HashMap<Vec<u8>, SslSession>,
    order: VecDeque<Vec<u8>>,
}

impl fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCache")
            .field("size", &self.size)
            .field("len", &self.map.len())
            .finish()
    }
}

impl SessionCache {
    /// A cache of at most `size` sessions (0: unbounded as in OpenSSL is
    /// refused here; use a number).
    pub fn new(size: usize) -> Result<Self, Error> {
        if size == 0 {
            return Err(ApiMisuse::BadArgument("session cache size must be at least 1").into());
        }
        Ok(Self {
            size,
            map: HashMap::new(),
            order: VecDeque::new(),
        })
    }

    /// Stores `session` under `id` (1..=32 bytes), evicting the oldest
    /// entry when full.
    pub fn insert(&mut self, id: &[u8], session: SslSession) {
        if id.is_empty() || id.len() > 32 {
            return;
        }
        if self.map.insert(id.to_vec(), session).is_none() {
            self.order.push_back(id.to_vec());
        }
        while self.map.len() > self.size {
            match self.order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
    }

    /// The session stored under `id` if it has not timed out at `now`
    /// (a timed-out one is removed).
    pub fn get(&mut self, id: &[u8], now: UnixTime) -> Option<SslSession> {
        let s = self.map.get(id)?;
        let age = now.as_secs().saturating_sub(s.time().as_secs());
        if age >= u64::from(s.timeout()) || now < s.time() {
            self.remove(id);
            return None;
        }
        Some(s.clone())
    }

    /// Removes `id` (`SSL_CTX_remove_session`).
    pub fn remove(&mut self, id: &[u8]) {
        if self.map.remove(id).is_some() {
            self.order.retain(|k| k != id);
        }
    }

    /// Sessions stored.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The session settings of a context.
pub(crate) struct SessionSettings {
    /// `SSL_CTX_set_num_tickets`.
    pub num_tickets: usize,
    /// `SSL_CTX_set_timeout`: session timeout and TLS 1.3 ticket lifetime.
    pub timeout: u32,
    /// `SSL_CTX_set_tlsext_ticket_keys` (or keys made at `build`).
    pub ticket_keys: Option<Arc<TicketKeys>>,
    /// How often generated ticket keys rotate, in seconds.
    pub ticket_key_rotation: u64,
    /// `SSL_CTX_set_session_cache_mode`.
    pub cache_mode: SessionCacheMode,
    /// The server cache (TLS 1.2 session IDs), made at `build`.
    pub cache: Option<Arc<std::sync::Mutex<SessionCache>>>,
    /// `SSL_CTX_sess_set_cache_size`.
    pub cache_size: usize,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            num_tickets: ferrotls_handshake::session::DEFAULT_NUM_TICKETS,
            timeout: ferrotls_handshake::session::DEFAULT_TICKET_LIFETIME,
            ticket_keys: None,
            ticket_key_rotation: DEFAULT_TICKET_KEY_ROTATION,
            cache_mode: SessionCacheMode::Server,
            cache: None,
            cache_size: DEFAULT_SESSION_CACHE_SIZE,
        }
    }
}

/// Generated ticket keys rotate after this many seconds (the previous key
/// keeps working for as long again): tickets stay usable for their 7200 s
/// default lifetime.
pub const DEFAULT_TICKET_KEY_ROTATION: u64 = 7200;

impl SessionSettings {
    /// At `build`: ticket keys for a server context that has none, and
    /// the cache if the mode asks for one.
    pub fn finish(
        &mut self,
        method: crate::SslMethod,
        provider: &'static ferrotls_core::crypto::CryptoProvider,
        now: UnixTime,
    ) -> Result<(), Error> {
        if method != crate::SslMethod::TlsClient && self.ticket_keys.is_none() {
            self.ticket_keys = Some(Arc::new(TicketKeys::new(
                provider,
                self.ticket_key_rotation,
                now,
            )?));
        }
        if self.cache_mode.caches_server() {
            self.cache = Some(Arc::new(std::sync::Mutex::new(SessionCache::new(
                self.cache_size.max(1),
            )?)));
        }
        Ok(())
    }

    /// The ticket policy of a server handshake.
    pub fn ticket_policy(&self) -> TicketPolicy {
        TicketPolicy {
            keys: self.ticket_keys.clone(),
            count: self.num_tickets,
            lifetime: self.timeout,
            tls12: true,
        }
    }
}

impl crate::SslContextBuilder {
    /// `SSL_CTX_set_num_tickets`: TLS 1.3 tickets sent after a full
    /// handshake (default 2; after a resumption one). 0 sends none.
    pub fn set_num_tickets(&mut self, n: usize) -> &mut Self {
        self.inner.sessions.num_tickets = n.min(usize::from(u8::MAX));
        self
    }

    /// `SSL_CTX_set_timeout`: the session timeout in seconds, which is
    /// also the TLS 1.3 ticket lifetime (default 7200, OpenSSL 3's;
    /// capped at RFC 8446's seven days).
    pub fn set_timeout(&mut self, secs: u32) -> &mut Self {
        self.inner.sessions.timeout = secs.min(ferrotls_handshake::session::MAX_TICKET_LIFETIME);
        self
    }

    /// `SSL_CTX_set_tlsext_ticket_keys`: the keys tickets are sealed with.
    /// Give several servers the same `Arc` (or keys made with
    /// [`TicketKeys::from_key`]) so they accept each other's tickets.
    pub fn set_ticket_keys(&mut self, keys: Arc<TicketKeys>) -> &mut Self {
        self.inner.sessions.ticket_keys = Some(keys);
        self
    }

    /// How often the generated ticket keys rotate (default 7200 s).
    pub fn set_ticket_key_rotation(&mut self, secs: u64) -> &mut Self {
        self.inner.sessions.ticket_key_rotation = secs.max(1);
        self
    }

    /// `SSL_CTX_set_session_cache_mode` (default `Server`).
    pub fn set_session_cache_mode(&mut self, mode: SessionCacheMode) -> &mut Self {
        self.inner.sessions.cache_mode = mode;
        self
    }

    /// `SSL_CTX_sess_set_cache_size` (default 20480; at least 1).
    pub fn set_session_cache_size(&mut self, n: usize) -> &mut Self {
        self.inner.sessions.cache_size = n.max(1);
        self
    }
}

impl crate::SslContext {
    /// `SSL_CTX_get_timeout`.
    pub fn timeout(&self) -> u32 {
        self.inner.sessions.timeout
    }

    /// `SSL_CTX_get_num_tickets`.
    pub fn num_tickets(&self) -> usize {
        self.inner.sessions.num_tickets
    }

    /// `SSL_CTX_get_session_cache_mode`.
    pub fn session_cache_mode(&self) -> SessionCacheMode {
        self.inner.sessions.cache_mode
    }

    /// The server session cache (TLS 1.2 session IDs), if the mode has one.
    pub fn session_cache(&self) -> Option<Arc<std::sync::Mutex<SessionCache>>> {
        self.inner.sessions.cache.clone()
    }
}
