//! Stateless TLS 1.3 session tickets (RFC 8446 section 4.6.1, RFC 5077
//! section 4 for the layout): what the server keeps about a connection
//! ([`ServerSessionValue`]), sealed with a rotating [`TicketKeys`] so that
//! the ticket itself is the state and the server stores nothing.
//!
//! A ticket is `key_name (16) || nonce (12) || AEAD(state) || tag (16)`,
//! with the key name as additional data. The key name says which key
//! sealed it, so tickets made before a rotation still open with the
//! previous key, and a ticket of an unknown key is simply not resumed.
//! Decoding the sealed state is strict and bounds every length: a forged
//! ticket never gets this far (the tag fails), but a ticket sealed by a
//! server with another format version must not panic either.

use std::sync::Mutex;

mod tls12;
pub use tls12::{ServerSessionCache, Tls12ServerSession};

use ferrotls_core::codec::Reader;
use ferrotls_core::crypto::{
    AeadKey, CryptoProvider, NONCE_LEN, Secret, SecureRandom, SupportedCipherSuite, TAG_LEN,
    Tls13CipherSuite,
};
use ferrotls_core::{
    CertificateDer, CipherSuite, Error, InvalidMessage, ProtocolVersion, UnixTime,
};

/// Length of a ticket key name.
pub const TICKET_KEY_NAME_LEN: usize = 16;
/// Length of a ticket key (AES-256-GCM, or ChaCha20-Poly1305 when the
/// provider has no AES-256).
pub const TICKET_KEY_LEN: usize = 32;
/// Format version of [`ServerSessionValue`] inside a ticket.
const STATE_VERSION: u8 = 1;
/// The peer chain kept in a ticket is cut to stay under this many bytes
/// (the whole ticket must fit a 16-bit PSK identity, and every ClientHello
/// carries it): the leaf is always kept when it fits, like OpenSSL keeps
/// the peer certificate.
const MAX_TICKET_CHAIN_BYTES: usize = 16 * 1024;
/// Most certificates kept or accepted in a ticket.
pub(crate) const MAX_TICKET_CHAIN_LEN: usize = 10;

/// OpenSSL's default ticket count for a full handshake (`SSL_CTX_set_num_tickets`).
pub const DEFAULT_NUM_TICKETS: usize = 2;
/// Default ticket lifetime in seconds: OpenSSL 3's session timeout for
/// TLS 1.3, which is also its ticket_lifetime hint.
pub const DEFAULT_TICKET_LIFETIME: u32 = 7200;
/// RFC 8446 4.6.1: a ticket lifetime may not exceed seven days.
pub const MAX_TICKET_LIFETIME: u32 = 604_800;

/// Which TLS 1.3 tickets a server issues.
#[derive(Clone, Debug)]
pub struct TicketPolicy {
    /// The keys that seal tickets; `None` issues no tickets.
    pub keys: Option<std::sync::Arc<TicketKeys>>,
    /// Tickets sent after a full handshake; after a resumption at most one
    /// (as OpenSSL does), and none when zero.
    pub count: usize,
    /// `ticket_lifetime` in seconds (capped at seven days), which is also
    /// how long the server accepts the ticket; in TLS 1.2 the session
    /// timeout of tickets and cached sessions alike.
    pub lifetime: u32,
    /// TLS 1.2: issue RFC 5077 tickets (with `keys`) to clients that send
    /// the session_ticket extension; off is OpenSSL's `SSL_OP_NO_TICKET`.
    pub tls12: bool,
}

impl Default for TicketPolicy {
    fn default() -> Self {
        Self {
            keys: None,
            count: DEFAULT_NUM_TICKETS,
            lifetime: DEFAULT_TICKET_LIFETIME,
            tls12: true,
        }
    }
}

struct TicketKey {
    name: [u8; TICKET_KEY_NAME_LEN],
    key: Box<dyn AeadKey>,
    created: u64,
}

struct Ring {
    current: TicketKey,
    previous: Option<TicketKey>,
}

/// The keys tickets are sealed with: the current one and the one before
/// (so tickets survive one rotation). One `Arc<TicketKeys>` may be set on
/// several contexts, and [`TicketKeys::from_key`] lets servers in different
/// processes share a key (`SSL_CTX_set_tlsext_ticket_keys`).
pub struct TicketKeys {
    aead: &'static dyn ferrotls_core::crypto::AeadAlgorithm,
    random: &'static dyn SecureRandom,
    /// Seconds after which a fresh key replaces the current one; `None`
    /// for keys set by hand (a random rotation would split servers that
    /// share them).
    rotate_after: Option<u64>,
    ring: Mutex<Ring>,
}

impl core::fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TicketKeys")
            .field("rotate_after", &self.rotate_after)
            .finish_non_exhaustive()
    }
}

/// The AEAD for tickets: AES-256-GCM if the provider has it, otherwise
/// any 32-byte-key AEAD of its TLS 1.3 suites.
fn ticket_aead(
    provider: &CryptoProvider,
) -> Result<&'static dyn ferrotls_core::crypto::AeadAlgorithm, Error> {
    if let Some(SupportedCipherSuite::Tls13(s)) =
        provider.suite(CipherSuite::TLS13_AES_256_GCM_SHA384)
    {
        return Ok(s.aead);
    }
    provider
        .cipher_suites
        .iter()
        .find_map(|s| match s {
            SupportedCipherSuite::Tls13(s) if s.aead.key_len() == TICKET_KEY_LEN => Some(s.aead),
            _ => None,
        })
        .ok_or(Error::NotSupported(
            "session tickets: no 32-byte-key AEAD in the provider",
        ))
}

impl TicketKeys {
    /// Random keys, replaced every `rotate_after_secs` seconds (the
    /// previous key keeps opening tickets for one more period).
    pub fn new(
        provider: &'static CryptoProvider,
        rotate_after_secs: u64,
        now: UnixTime,
    ) -> Result<Self, Error> {
        let aead = ticket_aead(provider)?;
        let current = Self::random_key(aead, provider.random, now.as_secs())?;
        Ok(Self {
            aead,
            random: provider.random,
            rotate_after: Some(rotate_after_secs.max(1)),
            ring: Mutex::new(Ring {
                current,
                previous: None,
            }),
        })
    }

    /// A fixed key (never rotated automatically): servers given the same
    /// name and key accept each other's tickets.
    pub fn from_key(
        provider: &'static CryptoProvider,
        name: [u8; TICKET_KEY_NAME_LEN],
        key: &[u8; TICKET_KEY_LEN],
    ) -> Result<Self, Error> {
        let aead = ticket_aead(provider)?;
        Ok(Self {
            aead,
            random: provider.random,
            rotate_after: None,
            ring: Mutex::new(Ring {
                current: TicketKey {
                    name,
                    key: aead.new_key(key)?,
                    created: 0,
                },
                previous: None,
            }),
        })
    }

    /// Makes `name`/`key` current; the current key becomes the previous
    /// one (rotation by hand, for keys shared between servers).
    pub fn rotate_to(
        &self,
        name: [u8; TICKET_KEY_NAME_LEN],
        key: &[u8; TICKET_KEY_LEN],
    ) -> Result<(), Error> {
        let new = TicketKey {
            name,
            key: self.aead.new_key(key)?,
            created: 0,
        };
        let mut ring = self.lock();
        let old = core::mem::replace(&mut ring.current, new);
        ring.previous = Some(old);
        Ok(())
    }

    fn random_key(
        aead: &'static dyn ferrotls_core::crypto::AeadAlgorithm,
        random: &dyn SecureRandom,
        now: u64,
    ) -> Result<TicketKey, Error> {
        let mut name = [0u8; TICKET_KEY_NAME_LEN];
        random.fill(&mut name)?;
        let mut key = Secret::zeroed(TICKET_KEY_LEN);
        random.fill(key.as_mut_bytes())?;
        Ok(TicketKey {
            name,
            key: aead.new_key(key.as_bytes())?,
            created: now,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        // A panic elsewhere while holding the lock leaves a usable ring.
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Rotates if the current key is older than the interval.
    fn maybe_rotate(&self, ring: &mut Ring, now: u64) -> Result<(), Error> {
        let Some(period) = self.rotate_after else {
            return Ok(());
        };
        if now.saturating_sub(ring.current.created) < period {
            return Ok(());
        }
        let fresh = Self::random_key(self.aead, self.random, now)?;
        let old = core::mem::replace(&mut ring.current, fresh);
        // A previous key older than two periods is dropped outright.
        ring.previous = (now.saturating_sub(old.created) < 2 * period).then_some(old);
        Ok(())
    }

    /// Seals `plain` with the current key.
    pub fn seal(&self, plain: &[u8], now: UnixTime) -> Result<Vec<u8>, Error> {
        let mut ring = self.lock();
        self.maybe_rotate(&mut ring, now.as_secs())?;
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut nonce)?;
        let mut out = Vec::with_capacity(TICKET_KEY_NAME_LEN + NONCE_LEN + plain.len() + TAG_LEN);
        out.extend_from_slice(&ring.current.name);
        out.extend_from_slice(&nonce);
        let start = out.len();
        out.extend_from_slice(plain);
        let tag = ring
            .current
            .key
            .seal_in_place(&nonce, &ring.current.name, &mut out[start..])?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Opens a ticket sealed by the current or the previous key; `None`
    /// for anything else (unknown key, forged or damaged bytes).
    pub fn open(&self, ticket: &[u8], now: UnixTime) -> Option<Vec<u8>> {
        let (name, rest) = ticket.split_at_checked(TICKET_KEY_NAME_LEN)?;
        let (nonce, sealed) = rest.split_at_checked(NONCE_LEN)?;
        if sealed.len() < TAG_LEN {
            return None;
        }
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let mut ring = self.lock();
        // A failed rotation (no randomness) keeps the old keys working.
        let _ = self.maybe_rotate(&mut ring, now.as_secs());
        let key = [Some(&ring.current), ring.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|k| k.name == name)?;
        let mut buf = sealed.to_vec();
        let n = key.key.open_in_place(&nonce, name, &mut buf).ok()?;
        buf.truncate(n);
        Some(buf)
    }
}

/// What a TLS 1.3 server needs to resume a session, sealed in the ticket.
pub struct ServerSessionValue {
    /// Always TLS 1.3 here (kept so a TLS 1.2 ticket is never taken for one).
    pub version: ProtocolVersion,
    /// The suite of the original connection (its hash must match).
    pub suite: CipherSuite,
    /// The resumption PSK of this ticket.
    pub psk: Secret,
    /// When the ticket was issued.
    pub created: UnixTime,
    /// `ticket_age_add` sent with it.
    pub age_add: u32,
    /// `ticket_lifetime` sent with it, in seconds.
    pub lifetime: u32,
    /// The ALPN protocol of the original connection.
    pub alpn: Option<Vec<u8>>,
    /// The SNI of the original connection.
    pub sni: Option<String>,
    /// The client's chain (mutual TLS), possibly cut to the leaf.
    pub peer_certificates: Vec<CertificateDer>,
}

impl core::fmt::Debug for ServerSessionValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerSessionValue")
            .field("suite", &self.suite)
            .field("created", &self.created)
            .field("lifetime", &self.lifetime)
            .field("sni", &self.sni)
            .finish_non_exhaustive()
    }
}

impl ServerSessionValue {
    /// The bytes to seal.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![STATE_VERSION];
        out.extend_from_slice(&self.version.get().to_be_bytes());
        out.extend_from_slice(&self.suite.get().to_be_bytes());
        put_u8_bytes(&mut out, self.psk.as_bytes());
        out.extend_from_slice(&self.created.as_secs().to_be_bytes());
        out.extend_from_slice(&self.age_add.to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        put_u8_bytes(&mut out, self.alpn.as_deref().unwrap_or(&[]));
        put_u8_bytes(&mut out, self.sni.as_deref().unwrap_or("").as_bytes());
        put_chain(&mut out, &self.peer_certificates);
        out
    }

    /// Strict decoding: every length bounded, nothing left over.
    pub fn decode(bytes: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(bytes);
        if get_u8(&mut r)? != STATE_VERSION {
            return Err(InvalidMessage::IllegalValue("ticket state version"));
        }
        let version = ProtocolVersion::from(get_u16(&mut r)?);
        let suite = CipherSuite::from(get_u16(&mut r)?);
        let psk = get_u8_bytes(&mut r, 1, "ticket psk")?;
        let created = UnixTime::from_secs(get_u64(&mut r)?);
        let age_add = get_u32(&mut r)?;
        let lifetime = get_u32(&mut r)?;
        let alpn = get_u8_bytes(&mut r, 0, "ticket alpn")?;
        let sni = get_u8_bytes(&mut r, 0, "ticket sni")?;
        let sni = match sni.is_empty() {
            true => None,
            false => Some(
                String::from_utf8(sni.to_vec())
                    .map_err(|_| InvalidMessage::IllegalValue("ticket sni"))?,
            ),
        };
        let peer_certificates = get_chain(&mut r)?;
        r.expect_empty("ticket state")?;
        Ok(Self {
            version,
            suite,
            psk: Secret::from_slice(psk)
                .map_err(|_| InvalidMessage::IllegalValue("ticket psk length"))?,
            created,
            age_add,
            lifetime,
            alpn: (!alpn.is_empty()).then(|| alpn.to_vec()),
            sni,
            peer_certificates,
        })
    }

    /// Whether `suite` may resume this session: RFC 8446 4.2.11 binds a
    /// PSK to its hash, not to the exact suite.
    pub fn usable_with(&self, suite: &Tls13CipherSuite) -> bool {
        self.version == ProtocolVersion::TLSv1_3
            && self.psk.len() == suite.hash.output_len()
            && hash_of(self.suite) == Some(suite.hash.output_len())
    }
}

/// The hash output length of a TLS 1.3 suite, by identifier.
fn hash_of(suite: CipherSuite) -> Option<usize> {
    match suite {
        CipherSuite::TLS13_AES_128_GCM_SHA256 | CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => {
            Some(32)
        }
        CipherSuite::TLS13_AES_256_GCM_SHA384 => Some(48),
        _ => None,
    }
}

/// Appends the bounded prefix of `chain`: a count, then each certificate
/// with a 3-byte length.
pub(crate) fn put_chain(out: &mut Vec<u8>, chain: &[CertificateDer]) {
    let chain = bounded_chain(chain);
    out.push(chain.len() as u8);
    for c in chain {
        put_u24_bytes(out, c.as_ref());
    }
}

/// Reads what [`put_chain`] wrote, refusing more than the bound.
pub(crate) fn get_chain(r: &mut Reader<'_>) -> Result<Vec<CertificateDer>, InvalidMessage> {
    let n = get_u8(r)? as usize;
    if n > MAX_TICKET_CHAIN_LEN {
        return Err(InvalidMessage::IllegalValue("ticket chain length"));
    }
    let mut chain = Vec::with_capacity(n);
    for _ in 0..n {
        chain.push(CertificateDer::from_vec(get_u24_bytes(r)?.to_vec()));
    }
    Ok(chain)
}

/// The leaf-first prefix of `chain` that fits the ticket bounds.
pub(crate) fn bounded_chain(chain: &[CertificateDer]) -> &[CertificateDer] {
    let mut total = 0usize;
    let mut n = 0usize;
    for c in chain.iter().take(MAX_TICKET_CHAIN_LEN) {
        total += c.as_ref().len();
        if total > MAX_TICKET_CHAIN_BYTES {
            break;
        }
        n += 1;
    }
    &chain[..n]
}

// ---- small strict codec helpers (shared with the facade's session format) --

/// Appends `data` with a 1-byte length (callers keep it under 256 bytes).
pub fn put_u8_bytes(out: &mut Vec<u8>, data: &[u8]) {
    let data = &data[..data.len().min(255)];
    out.push(data.len() as u8);
    out.extend_from_slice(data);
}

/// Appends `data` with a 3-byte length (callers keep it under 2^24).
pub fn put_u24_bytes(out: &mut Vec<u8>, data: &[u8]) {
    let data = &data[..data.len().min(0x00ff_ffff)];
    out.extend_from_slice(&(data.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(data);
}

/// Appends `data` with a 2-byte length (callers keep it under 2^16).
pub fn put_u16_bytes(out: &mut Vec<u8>, data: &[u8]) {
    let data = &data[..data.len().min(0xffff)];
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
}

/// Reads one byte.
pub fn get_u8(r: &mut Reader<'_>) -> Result<u8, InvalidMessage> {
    Ok(r.take_or(1, "u8")?[0])
}

/// Reads a big-endian u16.
pub fn get_u16(r: &mut Reader<'_>) -> Result<u16, InvalidMessage> {
    let b = r.take_or(2, "u16")?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

/// Reads a big-endian u32.
pub fn get_u32(r: &mut Reader<'_>) -> Result<u32, InvalidMessage> {
    let b = r.take_or(4, "u32")?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads a big-endian u64.
pub fn get_u64(r: &mut Reader<'_>) -> Result<u64, InvalidMessage> {
    let b = r.take_or(8, "u64")?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(u64::from_be_bytes(a))
}

/// Reads bytes with a 1-byte length of at least `min`.
pub fn get_u8_bytes<'a>(
    r: &mut Reader<'a>,
    min: usize,
    what: &'static str,
) -> Result<&'a [u8], InvalidMessage> {
    let n = get_u8(r)? as usize;
    if n < min {
        return Err(InvalidMessage::InvalidLength(what));
    }
    r.take_or(n, what)
}

/// Reads bytes with a 2-byte length of at least `min`.
pub fn get_u16_bytes<'a>(
    r: &mut Reader<'a>,
    min: usize,
    what: &'static str,
) -> Result<&'a [u8], InvalidMessage> {
    let n = get_u16(r)? as usize;
    if n < min {
        return Err(InvalidMessage::InvalidLength(what));
    }
    r.take_or(n, what)
}

/// Reads bytes with a 3-byte length (at least one byte: an empty
/// certificate is not one).
pub fn get_u24_bytes<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], InvalidMessage> {
    let b = r.take_or(3, "u24")?;
    let n = u32::from_be_bytes([0, b[0], b[1], b[2]]) as usize;
    if n == 0 {
        return Err(InvalidMessage::InvalidLength("certificate"));
    }
    r.take_or(n, "certificate")
}
