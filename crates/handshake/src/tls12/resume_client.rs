//! The TLS 1.2 client's side of session resumption: the abbreviated
//! handshake after a ServerHello that echoed the session id we offered
//! (RFC 5246 section 7.3, figure 2; RFC 5077 section 3.4 for tickets), and
//! reading RFC 5077 NewSessionTickets in either handshake.
//!
//! ```text
//! ServerHello (resumed) --> [ExpectNewSessionTicket]
//!                           ExpectChangeCipherSpec
//!                           ExpectFinished --> ChangeCipherSpec, Finished
//!                           Traffic
//! ```

use ferrotls_core::crypto::{SupportedCipherSuite, Tls12CipherSuite};
use ferrotls_core::{Error, HandshakeType, PeerIncompatible, ProtocolVersion};

use super::client::{ClientState, ClientTraffic, Handshaking, lost};
use super::keys::MasterSecret;
use super::traffic::Traffic;
use super::transcript::Transcript;
use super::{ccs_expected, ccs_unexpected, illegal, send_ccs, send_handshake};
use crate::action::{Action, HandshakeSummary, RecordKeys, Tls12Resumption, Tls12Session};
use crate::handshake::{Message, encode_message};
use crate::msgs::NewSessionTicketPayload;
use crate::record_limit::{tls12_read_keys, tls12_write_keys};
use crate::tls13::decode;

/// Reads a NewSessionTicket into the transcript; an empty ticket (the
/// server decided not to issue one after all) is `None`.
pub(super) fn read_ticket(
    msg: &Message<'_>,
    transcript: &mut Transcript,
) -> Result<Option<(Vec<u8>, u32)>, Error> {
    msg.require(HandshakeType::NewSessionTicket)?;
    let nst = decode(msg.body, "NewSessionTicket", NewSessionTicketPayload::parse)?;
    transcript.add(msg.encoded);
    let ticket = nst.ticket.bytes();
    Ok((!ticket.is_empty()).then(|| (ticket.to_vec(), nst.lifetime_hint)))
}

/// The server resumed the session offered in `hs.hello.resume`: its suite
/// and extended master secret use must be the session's (RFC 5246
/// 7.4.1.3, RFC 7627 5.3).
pub(super) fn start(mut hs: Handshaking) -> Result<ClientState, Error> {
    let resume = hs.hello.resume.take().ok_or_else(lost)?;
    if hs.suite.suite != resume.session.suite {
        return Err(illegal("resumed session with another cipher suite"));
    }
    match (resume.session.extended_master_secret, hs.ems) {
        (true, false) => return Err(PeerIncompatible::ExtendedMasterSecretRequired.into()),
        (false, true) => return Err(illegal("extended_master_secret on a session without it")),
        _ => {}
    }
    let master = MasterSecret::resumed(hs.suite, resume.session.master_secret.clone())?;
    master.log(hs.hello.config.key_log.as_deref(), &hs.hello.client_random);
    let (client_keys, server_keys) =
        master.record_keys(&hs.hello.client_random, &hs.server_random)?;
    Ok(ClientState::Resumed(Box::new(Resumed {
        hs,
        resume,
        master,
        client_keys: Some(client_keys),
        server_keys: Some(server_keys),
        new_ticket: None,
    })))
}

/// The abbreviated handshake until the server's Finished.
pub(crate) struct Resumed {
    hs: Handshaking,
    resume: Box<Tls12Resumption>,
    master: MasterSecret,
    /// Installed after the server's Finished, when we send our CCS.
    client_keys: Option<RecordKeys>,
    /// Installed when the server's ChangeCipherSpec arrives (then `None`).
    server_keys: Option<RecordKeys>,
    new_ticket: Option<(Vec<u8>, u32)>,
}

impl Resumed {
    pub fn accepts_ccs(&self) -> bool {
        self.server_keys.is_some() && !self.hs.ticket_expected
    }

    pub fn name(&self) -> &'static str {
        match (self.hs.ticket_expected, self.server_keys.is_some()) {
            (true, _) => "Tls12ResumedExpectNewSessionTicket",
            (false, true) => "Tls12ResumedExpectChangeCipherSpec",
            (false, false) => "Tls12ResumedExpectFinished",
        }
    }

    /// The server's ChangeCipherSpec (after any acknowledged ticket).
    pub fn handle_ccs(mut self: Box<Self>, out: &mut Vec<Action>) -> Result<Box<Self>, Error> {
        match self.server_keys.take() {
            Some(keys) if !self.hs.ticket_expected => {
                tls12_read_keys(out, keys, self.hs.record_size_limit);
                Ok(self)
            }
            _ => Err(ccs_unexpected()),
        }
    }

    pub fn handle(
        mut self: Box<Self>,
        msg: &Message<'_>,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        if self.hs.ticket_expected {
            self.new_ticket = read_ticket(msg, &mut self.hs.transcript)?;
            self.hs.ticket_expected = false;
            return Ok(ClientState::Resumed(self));
        }
        if self.server_keys.is_some() {
            return Err(ccs_expected());
        }
        msg.require(HandshakeType::Finished)?;
        self.finish(msg, out)
    }

    /// Checks the server's Finished, then sends ChangeCipherSpec and ours.
    fn finish(
        self: Box<Self>,
        msg: &Message<'_>,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        let Self {
            mut hs,
            resume,
            master,
            client_keys,
            new_ticket,
            ..
        } = *self;
        let server_verify_data =
            master.check_finished(false, &hs.transcript.current_hash(), msg.body)?;
        hs.transcript.add(msg.encoded);
        send_ccs(out);
        let client_keys = client_keys.ok_or_else(lost)?;
        tls12_write_keys(out, client_keys, hs.record_size_limit);
        let client_verify_data = master.verify_data(true, &hs.transcript.current_hash())?;
        send_handshake(
            out,
            encode_message(HandshakeType::Finished, &client_verify_data)?,
        );
        let summary = summary(&hs, hs.suite, *resume, new_ticket);
        let summary = std::sync::Arc::new(summary);
        out.push(Action::HandshakeComplete(summary.clone()));
        let hello = hs.hello;
        Ok(ClientState::Traffic(Box::new(ClientTraffic {
            t: Traffic {
                master,
                client_random: hello.client_random,
                server_random: hs.server_random,
                client_verify_data,
                server_verify_data,
                ems: hs.ems,
                summary,
                limiter: Default::default(),
                hello_request_sent: false,
            },
            config: hello.config,
            server_name: hello.server_name,
            sni: hello.sni,
        })))
    }
}

/// The resumed connection's parameters: the session's peer chain, and
/// the session itself with a ticket renewed if the server sent one.
fn summary(
    hs: &Handshaking,
    suite: &'static Tls12CipherSuite,
    resume: Tls12Resumption,
    new_ticket: Option<(Vec<u8>, u32)>,
) -> HandshakeSummary {
    let Tls12Resumption {
        session,
        peer_certificates,
        ..
    } = resume;
    let (ticket, ticket_lifetime_hint) = match new_ticket {
        Some((t, hint)) => (Some(t), hint),
        None => (session.ticket, session.ticket_lifetime_hint),
    };
    HandshakeSummary {
        version: ProtocolVersion::TLSv1_2,
        suite: SupportedCipherSuite::Tls12(suite),
        group: None,
        alpn: hs.alpn.clone(),
        sni: hs.hello.sni.clone(),
        peer_certificates,
        signature_scheme: None,
        resumed: true,
        hello_retry_request: false,
        peer_record_size_limit: hs.record_size_limit.map(|l| l.peer),
        tls12_session: Some(Tls12Session {
            session_id: session.session_id,
            master_secret: session.master_secret,
            extended_master_secret: session.extended_master_secret,
            suite: suite.suite,
            ticket,
            ticket_lifetime_hint,
        }),
    }
}
