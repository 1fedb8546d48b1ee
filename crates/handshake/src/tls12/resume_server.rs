//! The TLS 1.2 server's side of session resumption: finding a session to
//! resume (an RFC 5077 ticket first, then a cached session id), the
//! abbreviated handshake (RFC 5246 section 7.3, figure 2), and the
//! NewSessionTicket of RFC 5077 section 3.3.
//!
//! ```text
//! ClientHello --> ServerHello, [NewSessionTicket,] ChangeCipherSpec, Finished
//!                 ExpectChangeCipherSpec
//!                 ExpectFinished --> Traffic
//! ```
//!
//! Anything wrong with an offered session (unknown id, forged or expired
//! ticket, another suite, another server name) gives a full handshake,
//! never an error — except RFC 7627 section 5.3's one case: a session made
//! with the extended master secret offered by a ClientHello without it.

use std::sync::Arc;

use ferrotls_core::crypto::{SupportedCipherSuite, Tls12CipherSuite};
use ferrotls_core::enums::EcPointFormat;
use ferrotls_core::{
    CipherSuite, Error, HandshakeType, PeerIncompatible, ProtocolVersion, UnixTime,
};

use super::keys::MasterSecret;
use super::negotiate::Negotiated;
use super::server::{ServerState, ServerTraffic, server_random};
use super::traffic::Traffic;
use super::transcript::Transcript;
use super::{ccs_expected, ccs_unexpected, client::lost, hello, send_ccs, send_handshake};
use crate::action::{Action, HandshakeSummary, RecordKeys, Tls12Session};
use crate::config::{ServerConfig, tls12_suites};
use crate::handshake::{Message, encode_message};
use crate::msgs::{
    ClientHelloPayload, NewSessionTicketPayload, Payload, ServerExtension, SessionId,
};
use crate::record_limit::{RecordSizeLimits, tls12_read_keys, tls12_write_keys};
use crate::session::{MAX_TICKET_LIFETIME, Tls12ServerSession};
use crate::transcript::HandshakeHashBuffer;

/// Whether a full handshake answering `ch` sends a NewSessionTicket: the
/// client asked (session_ticket extension) and tickets are on.
pub(super) fn will_issue_ticket(config: &ServerConfig, ch: &ClientHelloPayload) -> bool {
    config.tickets.tls12 && config.tickets.keys.is_some() && ch.session_ticket().is_some()
}

/// A random 32-byte session id for the cache.
pub(super) fn new_session_id(config: &ServerConfig) -> Result<SessionId, Error> {
    let mut id = [0u8; 32];
    config.provider.random.fill(&mut id)?;
    SessionId::new(&id).ok_or_else(|| Error::General("session id".into()))
}

/// The session `ch` offers, if it can be resumed.
pub(super) fn find_session(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
    now: UnixTime,
) -> Result<Option<Tls12ServerSession>, Error> {
    let from_ticket = match (ch.session_ticket(), &config.tickets.keys) {
        (Some(ticket), Some(keys)) if !ticket.is_empty() && config.tickets.tls12 => keys
            .open(ticket, now)
            .and_then(|plain| Tls12ServerSession::decode(&plain).ok()),
        _ => None,
    };
    let found = match from_ticket {
        Some(s) => Some(s),
        None => match (&config.session_cache, ch.session_id.is_empty()) {
            (Some(cache), false) => cache.get(ch.session_id.as_bytes(), now),
            _ => None,
        },
    };
    let Some(session) = found else {
        return Ok(None);
    };
    if !session.is_valid_at(now) || session.sni.as_deref() != ch.sni() {
        return Ok(None);
    }
    if resumable_suite(config, ch, session.suite).is_none() {
        return Ok(None);
    }
    // RFC 7627 5.3: a session with the extended master secret must not be
    // resumed without it (abort); one without it is not resumed by a
    // ClientHello that offers it (full handshake).
    match (session.extended_master_secret, ch.ems_offered()) {
        (true, false) => Err(PeerIncompatible::ExtendedMasterSecretRequired.into()),
        (false, true) => Ok(None),
        _ => Ok(Some(session)),
    }
}

/// The session's suite, if we still enable it and the client offers it
/// (RFC 5246 7.4.1.2: the resumed session's suite must be in the list).
fn resumable_suite(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
    suite: CipherSuite,
) -> Option<&'static Tls12CipherSuite> {
    if !ch.cipher_suites.contains(&suite) {
        return None;
    }
    tls12_suites(config.provider, &config.cipher_suites).find(|s| s.suite == suite)
}

/// A session to resume, and whether a new ticket goes with it.
pub(super) struct Found {
    pub session: Tls12ServerSession,
    pub issue_ticket: bool,
}

/// The abbreviated handshake's first flight: ServerHello (echoing the
/// client's session id, which tells it the session was resumed — RFC
/// 5077 3.4 for tickets), `[NewSessionTicket]`, ChangeCipherSpec, Finished.
pub(super) fn start(
    config: Arc<ServerConfig>,
    msg: &Message<'_>,
    ch: &ClientHelloPayload,
    neg: Negotiated,
    found: Found,
    now: UnixTime,
    out: &mut Vec<Action>,
) -> Result<ServerState, Error> {
    let Found {
        session,
        issue_ticket,
    } = found;
    let suite = match config.provider.suite(session.suite) {
        Some(SupportedCipherSuite::Tls12(s)) => s,
        _ => return Err(lost()),
    };
    let server_random = server_random(&config, true)?;
    // No server_name acknowledgement on resumption (RFC 6066 section 3).
    // Room for every extension below, so the list is allocated once.
    let mut exts = Vec::with_capacity(6);
    exts.push(ServerExtension::RenegotiationInfo(Payload::new(&[][..])));
    if session.extended_master_secret {
        exts.push(ServerExtension::ExtendedMasterSecret);
    }
    if ch.ec_point_formats().is_some() {
        exts.push(ServerExtension::EcPointFormats(vec![
            EcPointFormat::Uncompressed,
        ]));
    }
    if let Some(p) = &neg.alpn {
        exts.push(ServerExtension::Alpn(crate::msgs::ProtocolName(p.clone())));
    }
    // Negotiated again on resumption (RFC 8449 section 4).
    if let Some(l) = neg.record_size_limit {
        exts.push(ServerExtension::RecordSizeLimit(l.ours));
    }
    if issue_ticket {
        exts.push(ServerExtension::SessionTicketAck);
    }
    let sh = hello::server_hello(server_random, ch.session_id, suite.suite, exts)?;
    let mut buffer = HandshakeHashBuffer::new();
    buffer.add(msg.encoded);
    let mut transcript = Transcript::new(buffer, suite.hash, false);
    transcript.add(&sh);
    let mut flight = sh;
    if issue_ticket {
        let nst = new_session_ticket(&config, &session, now)?;
        transcript.add(&nst);
        flight.extend_from_slice(&nst);
    }
    send_handshake(out, flight);

    let client_random = ch.random.0;
    let master = MasterSecret::resumed(suite, session.master_secret.clone())?;
    master.log(config.key_log.as_deref(), &client_random);
    let (client_keys, server_keys) = master.record_keys(&client_random, &server_random)?;
    send_ccs(out);
    tls12_write_keys(out, server_keys, neg.record_size_limit);
    let server_verify_data = master.verify_data(false, &transcript.current_hash())?;
    let finished = encode_message(HandshakeType::Finished, &server_verify_data)?;
    transcript.add(&finished);
    send_handshake(out, finished);

    let summary = HandshakeSummary {
        version: ProtocolVersion::TLSv1_2,
        suite: SupportedCipherSuite::Tls12(suite),
        group: None,
        alpn: neg.alpn,
        sni: session.sni.clone(),
        peer_certificates: session.peer_certificates.clone(),
        signature_scheme: None,
        resumed: true,
        hello_retry_request: false,
        peer_record_size_limit: neg.record_size_limit.map(|l| l.peer),
        tls12_session: Some(Tls12Session {
            session_id: ch.session_id.as_bytes().to_vec(),
            master_secret: session.master_secret.clone(),
            extended_master_secret: session.extended_master_secret,
            suite: suite.suite,
            ticket: None,
            ticket_lifetime_hint: 0,
        }),
    };
    Ok(ServerState::Resumed(Box::new(ExpectFinished {
        config,
        master,
        transcript,
        client_random,
        server_random,
        server_verify_data,
        client_keys: Some(client_keys),
        record_size_limit: neg.record_size_limit,
        summary,
    })))
}

/// An RFC 5077 NewSessionTicket holding `session` sealed with the ticket
/// keys; the lifetime hint is what is left of the session's lifetime.
pub(super) fn new_session_ticket(
    config: &ServerConfig,
    session: &Tls12ServerSession,
    now: UnixTime,
) -> Result<Vec<u8>, Error> {
    let Some(keys) = &config.tickets.keys else {
        return Err(lost());
    };
    let ticket = keys.seal(&session.encode(), now)?;
    let age = now.as_secs().saturating_sub(session.created.as_secs());
    let left = u64::from(session.lifetime.min(MAX_TICKET_LIFETIME)).saturating_sub(age);
    let nst = NewSessionTicketPayload {
        lifetime_hint: u32::try_from(left).unwrap_or(0),
        ticket: Payload::new(ticket.as_slice()),
    };
    let mut body = Vec::new();
    nst.encode(&mut body);
    encode_message(HandshakeType::NewSessionTicket, &body)
}

/// The server after its Finished, waiting for the client's.
pub(crate) struct ExpectFinished {
    config: Arc<ServerConfig>,
    master: MasterSecret,
    transcript: Transcript,
    client_random: [u8; 32],
    server_random: [u8; 32],
    server_verify_data: [u8; super::keys::VERIFY_DATA_LEN],
    /// Installed when the client's ChangeCipherSpec arrives (then `None`).
    client_keys: Option<RecordKeys>,
    record_size_limit: Option<RecordSizeLimits>,
    summary: HandshakeSummary,
}

impl ExpectFinished {
    pub fn accepts_ccs(&self) -> bool {
        self.client_keys.is_some()
    }

    pub fn name(&self) -> &'static str {
        match self.client_keys {
            Some(_) => "Tls12ResumedExpectChangeCipherSpec",
            None => "Tls12ResumedExpectFinished",
        }
    }

    pub fn handle_ccs(mut self: Box<Self>, out: &mut Vec<Action>) -> Result<Box<Self>, Error> {
        match self.client_keys.take() {
            Some(keys) => {
                tls12_read_keys(out, keys, self.record_size_limit);
                Ok(self)
            }
            None => Err(ccs_unexpected()),
        }
    }

    pub fn handle(
        self: Box<Self>,
        msg: &Message<'_>,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        if self.client_keys.is_some() {
            return Err(ccs_expected());
        }
        msg.require(HandshakeType::Finished)?;
        let this = *self;
        let client_verify_data =
            this.master
                .check_finished(true, &this.transcript.current_hash(), msg.body)?;
        let summary = Arc::new(this.summary);
        out.push(Action::HandshakeComplete(summary.clone()));
        Ok(ServerState::Traffic(Box::new(ServerTraffic {
            t: Traffic {
                master: this.master,
                client_random: this.client_random,
                server_random: this.server_random,
                client_verify_data,
                server_verify_data: this.server_verify_data,
                ems: summary
                    .tls12_session
                    .as_ref()
                    .is_some_and(|s| s.extended_master_secret),
                summary,
                limiter: Default::default(),
                hello_request_sent: false,
            },
            config: this.config,
        })))
    }
}
