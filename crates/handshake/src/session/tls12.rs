//! What a TLS 1.2 server keeps to resume a session (RFC 5246 section
//! 7.4.1.2 session IDs, RFC 5077 tickets): the same value is a session
//! cache entry and, sealed with [`TicketKeys`](super::TicketKeys), the
//! contents of a ticket.
//!
//! Its encoding starts with a state version of its own (2), distinct from
//! the TLS 1.3 [`ServerSessionValue`](super::ServerSessionValue)'s, so a
//! TLS 1.3 ticket presented in a TLS 1.2 session_ticket extension (or the
//! reverse) never decodes as the other. Decoding is strict and bounds
//! every length, like the TLS 1.3 state.

use ferrotls_core::codec::Reader;
use ferrotls_core::crypto::Secret;
use ferrotls_core::{CertificateDer, CipherSuite, InvalidMessage, UnixTime};

use super::{get_chain, get_u8, get_u8_bytes, get_u16, get_u32, get_u64, put_chain, put_u8_bytes};

/// Format version of [`Tls12ServerSession`].
const STATE_VERSION_TLS12: u8 = 2;
/// The TLS 1.2 master secret length (RFC 5246 section 8.1).
const MASTER_SECRET_LEN: usize = 48;

/// A resumable TLS 1.2 session as the server sees it.
#[derive(Clone)]
pub struct Tls12ServerSession {
    /// The suite of the original connection: a resumption must use it
    /// again (RFC 5246 7.4.1.3).
    pub suite: CipherSuite,
    /// The 48-byte master secret.
    pub master_secret: Secret,
    /// Whether the master secret is an extended one (RFC 7627 section
    /// 5.3 decides what a resumption may do with it).
    pub extended_master_secret: bool,
    /// When the session was made (a resumption does not renew it).
    pub created: UnixTime,
    /// Seconds after `created` during which it may be resumed.
    pub lifetime: u32,
    /// The SNI of the original connection (RFC 6066 section 3: another
    /// name is not resumed).
    pub sni: Option<String>,
    /// The client's chain (mutual TLS), possibly cut to the leaf, which a
    /// resumption reports as the peer's again.
    pub peer_certificates: Vec<CertificateDer>,
}

impl core::fmt::Debug for Tls12ServerSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The master secret never appears here.
        f.debug_struct("Tls12ServerSession")
            .field("suite", &self.suite)
            .field("extended_master_secret", &self.extended_master_secret)
            .field("created", &self.created)
            .field("lifetime", &self.lifetime)
            .field("sni", &self.sni)
            .finish_non_exhaustive()
    }
}

impl Tls12ServerSession {
    /// Whether it may still be resumed at `now` (a creation time in the
    /// future means a clock went back: not resumed either).
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        match now.as_secs().checked_sub(self.created.as_secs()) {
            Some(age) => age < u64::from(self.lifetime),
            None => false,
        }
    }

    /// The bytes to seal in a ticket (or to store).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![STATE_VERSION_TLS12];
        out.extend_from_slice(&self.suite.get().to_be_bytes());
        put_u8_bytes(&mut out, self.master_secret.as_bytes());
        out.push(u8::from(self.extended_master_secret));
        out.extend_from_slice(&self.created.as_secs().to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        put_u8_bytes(&mut out, self.sni.as_deref().unwrap_or("").as_bytes());
        put_chain(&mut out, &self.peer_certificates);
        out
    }

    /// Strict decoding: every length bounded, nothing left over.
    pub fn decode(bytes: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(bytes);
        if get_u8(&mut r)? != STATE_VERSION_TLS12 {
            return Err(InvalidMessage::IllegalValue(
                "TLS 1.2 session state version",
            ));
        }
        let suite = CipherSuite::from(get_u16(&mut r)?);
        let secret = get_u8_bytes(&mut r, MASTER_SECRET_LEN, "session master secret")?;
        if secret.len() != MASTER_SECRET_LEN {
            return Err(InvalidMessage::InvalidLength("session master secret"));
        }
        let extended_master_secret = match get_u8(&mut r)? {
            0 => false,
            1 => true,
            _ => return Err(InvalidMessage::IllegalValue("session ems flag")),
        };
        let created = UnixTime::from_secs(get_u64(&mut r)?);
        let lifetime = get_u32(&mut r)?;
        let sni = match get_u8_bytes(&mut r, 0, "session sni")? {
            [] => None,
            b => Some(
                std::str::from_utf8(b)
                    .map_err(|_| InvalidMessage::IllegalValue("session sni"))?
                    .to_owned(),
            ),
        };
        let peer_certificates = get_chain(&mut r)?;
        r.expect_empty("TLS 1.2 session state")?;
        Ok(Self {
            suite,
            master_secret: Secret::from_slice(secret)
                .map_err(|_| InvalidMessage::InvalidLength("session master secret"))?,
            extended_master_secret,
            created,
            lifetime,
            sni,
            peer_certificates,
        })
    }
}

/// A server-side session cache for TLS 1.2 session IDs (what
/// `SSL_CTX_set_session_cache_mode(SSL_SESS_CACHE_SERVER)` turns on). The
/// implementation bounds its size and expires entries; the handshake
/// stores each full handshake's session under the id it assigned and looks
/// up the id a ClientHello offers.
pub trait ServerSessionCache: Send + Sync {
    /// Stores `session` under `id` (1..=32 bytes).
    fn put(&self, id: &[u8], session: &Tls12ServerSession);
    /// The session stored under `id`, if it is still valid at `now`.
    fn get(&self, id: &[u8], now: UnixTime) -> Option<Tls12ServerSession>;
}

impl core::fmt::Debug for dyn ServerSessionCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ServerSessionCache")
    }
}
