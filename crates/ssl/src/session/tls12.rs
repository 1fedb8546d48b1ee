//! TLS 1.2 sessions in the facade: their part of the byte form, what a
//! client offers from one (`SSL_set_session`), and the server session
//! cache seen from the handshake (session IDs, `SSL_SESS_CACHE_SERVER`).

use std::sync::{Arc, Mutex};

use ferrotls_core::codec::Reader;
use ferrotls_core::crypto::{Secret, SupportedCipherSuite};
use ferrotls_core::{CipherSuite, InvalidMessage, ProtocolVersion, UnixTime};
use ferrotls_handshake::session::{
    get_u8, get_u8_bytes, get_u16_bytes, get_u32, put_u8_bytes, put_u16_bytes,
};
use ferrotls_handshake::{ServerSessionCache, Tls12Resumption, Tls12ServerSession, Tls12Session};

use super::{SessionCache, SessionData, SslSession};

/// The TLS 1.2 master secret length.
const MASTER_SECRET_LEN: usize = 48;

/// Appends the TLS 1.2 block: id, master secret, EMS flag, ticket, hint.
pub(super) fn encode(out: &mut Vec<u8>, s: &Tls12Session) {
    put_u8_bytes(out, &s.session_id[..s.session_id.len().min(32)]);
    put_u8_bytes(out, s.master_secret.as_bytes());
    out.push(u8::from(s.extended_master_secret));
    match &s.ticket {
        Some(t) if !t.is_empty() && t.len() <= 0xffff => {
            out.push(1);
            put_u16_bytes(out, t);
        }
        _ => out.push(0),
    }
    out.extend_from_slice(&s.ticket_lifetime_hint.to_be_bytes());
}

/// Strict decoding of [`encode`]'s block for a session of `version` and
/// `suite`, which must be TLS 1.2.
pub(super) fn decode(
    r: &mut Reader<'_>,
    version: ProtocolVersion,
    suite: CipherSuite,
) -> Result<Tls12Session, InvalidMessage> {
    if version != ProtocolVersion::TLSv1_2 {
        return Err(InvalidMessage::IllegalValue(
            "TLS 1.2 state in a non-TLS 1.2 session",
        ));
    }
    if !matches!(
        ferrotls_crypto::default_provider().suite(suite),
        Some(SupportedCipherSuite::Tls12(_))
    ) {
        return Err(InvalidMessage::IllegalValue("session suite"));
    }
    let session_id = get_u8_bytes(r, 0, "session id")?;
    if session_id.len() > 32 {
        return Err(InvalidMessage::InvalidLength("session id"));
    }
    let master = get_u8_bytes(r, MASTER_SECRET_LEN, "session master secret")?;
    if master.len() != MASTER_SECRET_LEN {
        return Err(InvalidMessage::InvalidLength("session master secret"));
    }
    let extended_master_secret = match get_u8(r)? {
        0 => false,
        1 => true,
        _ => return Err(InvalidMessage::IllegalValue("session ems flag")),
    };
    let ticket = match get_u8(r)? {
        0 => None,
        1 => Some(get_u16_bytes(r, 1, "session ticket")?.to_vec()),
        _ => return Err(InvalidMessage::IllegalValue("session ticket flag")),
    };
    let ticket_lifetime_hint = get_u32(r)?;
    Ok(Tls12Session {
        session_id: session_id.to_vec(),
        master_secret: Secret::from_slice(master)
            .map_err(|_| InvalidMessage::InvalidLength("session master secret"))?,
        extended_master_secret,
        suite,
        ticket,
        ticket_lifetime_hint,
    })
}

impl SslSession {
    /// What a client offers from this session: `None` unless it is a
    /// resumable TLS 1.2 session within its timeout at `now`.
    pub(crate) fn tls12_resumption(&self, now: UnixTime) -> Option<Tls12Resumption> {
        let s = self.data.tls12.as_ref()?;
        if !s.is_resumable() || self.is_expired(now) {
            return None;
        }
        Some(Tls12Resumption {
            session: s.clone(),
            server_name: self.data.server_name.clone(),
            peer_certificates: self.data.peer_certificates.clone(),
        })
    }

    /// The time and timeout of the TLS 1.2 session a completed handshake
    /// established. A resumption keeps those of the session it resumed
    /// (`resumed_from`), as OpenSSL does: resuming does not extend a
    /// session's life. The session itself is built only when asked for.
    pub(crate) fn tls12_life(
        summary: &ferrotls_handshake::HandshakeSummary,
        resumed_from: Option<&SslSession>,
        now: UnixTime,
        timeout: u32,
    ) -> (UnixTime, u32) {
        match resumed_from.filter(|_| summary.resumed) {
            Some(old) => (old.time(), old.timeout()),
            None => (now, timeout),
        }
    }
}

/// The facade's [`SessionCache`] as the handshake's session store: the
/// server's TLS 1.2 sessions are kept as [`SslSession`]s under their ids,
/// bounded and expiring like every cache entry.
pub(crate) struct ServerCacheAdapter(pub Arc<Mutex<SessionCache>>);

impl ServerCacheAdapter {
    fn lock(&self) -> std::sync::MutexGuard<'_, SessionCache> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ServerSessionCache for ServerCacheAdapter {
    fn put(&self, id: &[u8], s: &Tls12ServerSession) {
        let session = SslSession::new(SessionData {
            version: ProtocolVersion::TLSv1_2,
            suite: s.suite,
            time: s.created,
            timeout: s.lifetime,
            server_name: s.sni.clone(),
            alpn: None,
            peer_certificates: s.peer_certificates.clone(),
            ticket: None,
            tls12: Some(Tls12Session {
                session_id: id.to_vec(),
                master_secret: s.master_secret.clone(),
                extended_master_secret: s.extended_master_secret,
                suite: s.suite,
                ticket: None,
                ticket_lifetime_hint: 0,
            }),
        });
        self.lock().insert(id, session);
    }

    fn get(&self, id: &[u8], now: UnixTime) -> Option<Tls12ServerSession> {
        let session = self.lock().get(id, now)?;
        let d = &session.data;
        let t = d.tls12.as_ref()?;
        Some(Tls12ServerSession {
            suite: d.suite,
            master_secret: t.master_secret.clone(),
            extended_master_secret: t.extended_master_secret,
            created: d.time,
            lifetime: d.timeout,
            sni: d.server_name.clone(),
            peer_certificates: d.peer_certificates.clone(),
        })
    }
}
