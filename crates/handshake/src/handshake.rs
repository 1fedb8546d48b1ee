//! [`Handshake`]: the public face of the state machines.
//!
//! It owns the current state, dispatches each message to it, and makes a
//! failure final: once a call has failed, every later call returns the same
//! error (SPEC R05), so a caller cannot accidentally carry on with a
//! half-negotiated connection.

use std::sync::Arc;

use ferrotls_core::{
    ApiMisuse, ContentType, Error, HandshakeType, InvalidMessage, PeerMisbehaved, ServerName,
    UnixTime,
};

use crate::action::{Action, HandshakeSummary, Role, Tls12Resumption, Tls13SessionTicket};
use crate::config::{ClientConfig, ServerConfig};
use crate::tls12::Tls12;
use crate::tls13::client::{self, ClientState};
use crate::tls13::server::{self, ServerState};
use crate::tls13::traffic::Traffic;

/// The handshake header: `msg_type` (1 byte) and `length` (3 bytes).
pub(crate) const HEADER_LEN: usize = 4;

/// Stray ChangeCipherSpec records tolerated in one handshake (RFC 8446
/// Appendix D.4 needs one per side; more is a peer wasting our time).
const MAX_CCS_IN_HANDSHAKE: u8 = 8;

/// One handshake message as received: its type, its body, and all of its
/// bytes (the transcript is hashed over exactly these).
pub(crate) struct Message<'a> {
    /// `msg_type`.
    pub typ: HandshakeType,
    /// The body after the 4-byte header.
    pub body: &'a [u8],
    /// Header and body.
    pub encoded: &'a [u8],
}

impl<'a> Message<'a> {
    /// Splits a complete message; the header's length must match exactly.
    fn parse(encoded: &'a [u8]) -> Result<Self, Error> {
        let Some((header, body)) = encoded.split_at_checked(HEADER_LEN) else {
            return Err(InvalidMessage::MissingData("handshake header").into());
        };
        let len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as usize;
        if len != body.len() {
            return Err(InvalidMessage::InvalidLength("handshake message length").into());
        }
        Ok(Self {
            typ: HandshakeType::from(header[0]),
            body,
            encoded,
        })
    }

    /// Fails unless this is a `typ` message: the one check every state
    /// makes first, with the error (unexpected_message) the peer gets.
    pub fn require(&self, typ: HandshakeType) -> Result<(), Error> {
        match self.typ == typ {
            true => Ok(()),
            false => Err(self.unexpected(&[typ])),
        }
    }

    /// The error for a message that is not one of `expect`.
    pub fn unexpected(&self, expect: &[HandshakeType]) -> Error {
        Error::InappropriateHandshakeMessage {
            expect_types: expect.to_vec(),
            got_type: self.typ,
        }
    }
}

/// Encodes a handshake message: header plus `body`.
pub(crate) fn encode_message(typ: HandshakeType, body: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    push_message(&mut out, typ, |o| o.extend_from_slice(body))?;
    Ok(out)
}

/// Appends a handshake message to `out`, the body written in place by
/// `body` after a header whose length is filled in afterwards: no
/// separate body buffer to grow and copy. On error `out` is left as it was.
pub(crate) fn push_message(
    out: &mut Vec<u8>,
    typ: HandshakeType,
    body: impl FnOnce(&mut Vec<u8>),
) -> Result<(), Error> {
    let start = out.len();
    out.extend_from_slice(&[typ.get(), 0, 0, 0]);
    body(out);
    let len = out.len() - start - HEADER_LEN;
    if len > 0x00ff_ffff {
        out.truncate(start);
        return Err(Error::General("handshake message over 2^24 bytes".into()));
    }
    let len = (len as u32).to_be_bytes();
    out[start + 1..start + HEADER_LEN].copy_from_slice(&len[1..]);
    Ok(())
}

enum State {
    Client(ClientState),
    Server(ServerState),
    /// A TLS 1.2 connection, either role (handed over by the TLS 1.3
    /// states once the hellos chose TLS 1.2).
    Tls12(Tls12),
    /// A call failed; the error is kept to be returned again.
    Failed(Error),
    /// Only seen while a state is being moved out of `self`.
    Poisoned,
}

/// A TLS handshake in progress or completed (then it handles the
/// post-handshake messages: KeyUpdate, NewSessionTicket).
pub struct Handshake {
    role: Role,
    state: State,
    ccs_seen: u8,
}

impl Handshake {
    /// Starts a client: appends the ClientHello to `out`. `server_name` is
    /// sent as SNI (DNS names, when enabled) and given to the certificate
    /// verifier; without one the handshake cannot verify the server and
    /// fails here with `ApiMisuse::InvalidConfiguration`.
    pub fn new_client(
        config: Arc<ClientConfig>,
        server_name: Option<ServerName>,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        let Some(server_name) = server_name else {
            return Err(ApiMisuse::InvalidConfiguration(
                "a server name is needed to verify the server certificate".into(),
            )
            .into());
        };
        let state = client::start(config, server_name, out)?;
        Ok(Self {
            role: Role::Client,
            state: State::Client(state),
            ccs_seen: 0,
        })
    }

    /// Starts a client that offers `ticket` for TLS 1.3 resumption
    /// (psk_dhe_ke). The ticket is offered only if at `now` it is within
    /// its lifetime, was issued for this server name, and its suite is
    /// offered; otherwise the ClientHello is that of a full handshake.
    /// Callers must not offer one ticket twice (RFC 8446 Appendix C.4).
    pub fn new_client_resuming(
        config: Arc<ClientConfig>,
        server_name: ServerName,
        ticket: &Tls13SessionTicket,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        let state = client::start_resuming(config, server_name, ticket, now, out)?;
        Ok(Self {
            role: Role::Client,
            state: State::Client(state),
            ccs_seen: 0,
        })
    }

    /// Starts a client that offers the TLS 1.2 session `resume` (its
    /// session id and/or RFC 5077 ticket). It is offered only to the name
    /// it was made with and with its suite enabled; the server decides
    /// whether it resumes (`HandshakeSummary::resumed`) or runs a full
    /// handshake. The caller checks the session's own timeout. TLS 1.3 is
    /// still offered when configured.
    pub fn new_client_resuming_tls12(
        config: Arc<ClientConfig>,
        server_name: ServerName,
        resume: Tls12Resumption,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        let state = client::start_resuming_tls12(config, server_name, resume, out)?;
        Ok(Self {
            role: Role::Client,
            state: State::Client(state),
            ccs_seen: 0,
        })
    }

    /// Starts a server, waiting for a ClientHello. A configuration that
    /// cannot work fails at the first message, with that error kept.
    pub fn new_server(config: Arc<ServerConfig>) -> Self {
        let state = match config.check() {
            Ok(()) => State::Server(server::start(config)),
            Err(e) => State::Failed(e),
        };
        Self {
            role: Role::Server,
            state,
            ccs_seen: 0,
        }
    }

    /// Handles one complete handshake message (4-byte header and body), as
    /// reassembled by [`crate::msgs::HandshakeJoiner`].
    pub fn handle_handshake(
        &mut self,
        message: &[u8],
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<(), Error> {
        self.step(out, |state, out| {
            let msg = Message::parse(message)?;
            match state {
                State::Client(s) => s.handle(&msg, now, out).map(hoist_client),
                State::Server(s) => s.handle(&msg, now, out).map(hoist_server),
                State::Tls12(s) => s.handle(&msg, now, out).map(State::Tls12),
                State::Failed(_) | State::Poisoned => Err(internal()),
            }
        })
    }

    /// A ChangeCipherSpec record (payload already checked to be `[1]`).
    /// TLS 1.3 drops it between the first ClientHello and the peer's
    /// Finished (RFC 8446 section 5); anywhere else it is unexpected_message.
    ///
    /// In TLS 1.2 it is part of the handshake: in the one state that
    /// expects it, it installs the peer's new read keys.
    pub fn handle_change_cipher_spec(&mut self, out: &mut Vec<Action>) -> Result<(), Error> {
        if matches!(self.state, State::Tls12(_)) {
            return self.step(out, |state, out| match state {
                State::Tls12(s) => s.handle_change_cipher_spec(out).map(State::Tls12),
                _ => Err(internal()),
            });
        }
        let allowed = match &self.state {
            State::Client(s) => s.accepts_change_cipher_spec(),
            State::Server(s) => s.accepts_change_cipher_spec(),
            State::Tls12(_) | State::Poisoned => return Err(internal()),
            State::Failed(e) => return Err(e.clone()),
        };
        let ccs_seen = self.ccs_seen.saturating_add(1);
        self.step(out, |state, _| {
            if !allowed {
                return Err(Error::InappropriateMessage {
                    expect_types: vec![ContentType::Handshake],
                    got_type: ContentType::ChangeCipherSpec,
                });
            }
            if ccs_seen > MAX_CCS_IN_HANDSHAKE {
                return Err(PeerMisbehaved::TooManyConsecutiveIgnoredRecords.into());
            }
            Ok(state)
        })?;
        self.ccs_seen = ccs_seen;
        Ok(())
    }

    /// True until the handshake is complete (and after a failure), and
    /// during a TLS 1.2 renegotiation.
    pub fn is_handshaking(&self) -> bool {
        match &self.state {
            State::Tls12(s) => s.traffic().is_none(),
            _ => self.traffic().is_none(),
        }
    }

    /// True while a TLS 1.2 renegotiation runs on an established
    /// connection (application data still flows until the peer's
    /// ChangeCipherSpec).
    pub fn is_renegotiating(&self) -> bool {
        matches!(&self.state, State::Tls12(s) if s.traffic().is_none() && s.established().is_some())
    }

    /// TLS 1.2 renegotiation (RFC 5746): a client sends a new ClientHello,
    /// a server a HelloRequest (the client answers with a ClientHello,
    /// which [`handle_handshake`](Self::handle_handshake) then processes).
    /// Only on an established TLS 1.2 connection; TLS 1.3 has no
    /// renegotiation. A misuse leaves the connection as it was.
    pub fn renegotiate(&mut self, out: &mut Vec<Action>) -> Result<(), Error> {
        match &self.state {
            State::Failed(e) => return Err(e.clone()),
            State::Tls12(s) if s.traffic().is_some() => {}
            State::Tls12(_) => return Err(ApiMisuse::HandshakeNotComplete.into()),
            _ if self.traffic().is_some() => {
                return Err(Error::NotSupported("renegotiation in TLS 1.3"));
            }
            _ => return Err(ApiMisuse::HandshakeNotComplete.into()),
        }
        self.step(out, |state, out| match state {
            State::Tls12(s) => s.renegotiate(out).map(State::Tls12),
            _ => Err(internal()),
        })
    }

    /// The peer sent a no_renegotiation warning. A TLS 1.2 client whose
    /// renegotiation ClientHello it answers goes back to the established
    /// connection (returns true); anywhere else the warning changes
    /// nothing (returns false) and the caller may ignore it.
    pub fn peer_declined_renegotiation(&mut self) -> bool {
        let state = core::mem::replace(&mut self.state, State::Poisoned);
        let (state, changed) = match state {
            State::Tls12(s) => {
                let (s, changed) = s.peer_declined_renegotiation();
                (State::Tls12(s), changed)
            }
            other => (other, false),
        };
        self.state = state;
        changed
    }

    /// Client or server.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The error that ended this handshake, if one did.
    pub fn error(&self) -> Option<&Error> {
        match &self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The record content types acceptable now; anything else is
    /// unexpected_message. Alerts are always acceptable.
    pub fn acceptable_content_types(&self) -> &'static [ContentType] {
        use ContentType::*;
        match &self.state {
            _ if self.traffic().is_some() => &[Handshake, ApplicationData, Alert],
            State::Tls12(s) => match (s.accepts_change_cipher_spec(), s.accepts_application_data())
            {
                (_, true) if s.traffic().is_some() => &[Handshake, ApplicationData, Alert],
                (true, true) => &[Handshake, ChangeCipherSpec, ApplicationData, Alert],
                (true, false) => &[Handshake, ChangeCipherSpec, Alert],
                (false, true) => &[Handshake, ApplicationData, Alert],
                (false, false) => &[Handshake, Alert],
            },
            State::Client(s) if s.accepts_change_cipher_spec() => {
                &[Handshake, ChangeCipherSpec, Alert]
            }
            State::Server(s) if s.accepts_change_cipher_spec() => {
                &[Handshake, ChangeCipherSpec, Alert]
            }
            State::Client(_) | State::Server(_) => &[Handshake, Alert],
            State::Failed(_) | State::Poisoned => &[],
        }
    }

    /// After the handshake: sends a KeyUpdate and switches to the next
    /// write secret; `request_peer` asks the peer to update too.
    pub fn send_key_update(
        &mut self,
        request_peer: bool,
        out: &mut Vec<Action>,
    ) -> Result<(), Error> {
        match &mut self.state {
            State::Failed(e) => Err(e.clone()),
            State::Client(ClientState::Traffic(t)) | State::Server(ServerState::Traffic(t)) => {
                if let Err(e) = t.send_key_update(request_peer, out) {
                    self.state = State::Failed(e.clone());
                    return Err(e);
                }
                Ok(())
            }
            State::Tls12(s) if s.traffic().is_some() => {
                Err(Error::NotSupported("KeyUpdate in TLS 1.2"))
            }
            _ => Err(ApiMisuse::HandshakeNotComplete.into()),
        }
    }

    /// RFC 8446 section 7.5 exporter (RFC 5705 interface): fills `out` with
    /// keying material for `label` and optional `context`.
    pub fn export_keying_material(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<(), Error> {
        match (&self.state, self.traffic()) {
            (State::Failed(e), _) => Err(e.clone()),
            (State::Tls12(s), _) => match s.established() {
                Some(t) => t.export_keying_material(label, context, out),
                None => Err(ApiMisuse::HandshakeNotComplete.into()),
            },
            (_, Some(t)) => t.export_keying_material(label, context, out),
            _ => Err(ApiMisuse::HandshakeNotComplete.into()),
        }
    }

    /// The negotiated parameters, once the handshake is complete (during
    /// a TLS 1.2 renegotiation, those of the connection in use).
    pub fn summary(&self) -> Option<&HandshakeSummary> {
        match &self.state {
            State::Tls12(s) => s.summary(),
            _ => self.traffic().map(|t| t.summary()),
        }
    }

    fn traffic(&self) -> Option<&Traffic> {
        match &self.state {
            State::Client(ClientState::Traffic(t)) | State::Server(ServerState::Traffic(t)) => {
                Some(t.as_ref())
            }
            _ => None,
        }
    }

    /// Runs `f` on the state taken by value; on error records it, drops
    /// what `f` appended to `out` (nothing may be sent after a fatal error
    /// but the alert), and poisons every later call with it.
    fn step(
        &mut self,
        out: &mut Vec<Action>,
        f: impl FnOnce(State, &mut Vec<Action>) -> Result<State, Error>,
    ) -> Result<(), Error> {
        let state = core::mem::replace(&mut self.state, State::Poisoned);
        if let State::Failed(e) = state {
            self.state = State::Failed(e.clone());
            return Err(e);
        }
        let mark = out.len();
        match f(state, out) {
            Ok(next) => {
                self.state = next;
                Ok(())
            }
            Err(e) => {
                out.truncate(mark);
                self.state = State::Failed(e.clone());
                Err(e)
            }
        }
    }
}

impl core::fmt::Debug for Handshake {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let state = match &self.state {
            State::Client(s) => s.name(),
            State::Server(s) => s.name(),
            State::Tls12(s) => s.name(),
            State::Failed(_) => "Failed",
            State::Poisoned => "Poisoned",
        };
        f.debug_struct("Handshake")
            .field("role", &self.role)
            .field("state", &state)
            .finish()
    }
}

/// A TLS 1.3 state that handed over to TLS 1.2 becomes a TLS 1.2 state.
fn hoist_client(s: ClientState) -> State {
    match s {
        ClientState::Tls12(t) => State::Tls12(*t),
        other => State::Client(other),
    }
}

fn hoist_server(s: ServerState) -> State {
    match s {
        ServerState::Tls12(t) => State::Tls12(*t),
        other => State::Server(other),
    }
}

fn internal() -> Error {
    Error::General("handshake state lost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_message_appends_header_and_body_like_encode_message() {
        let mut out = vec![9];
        push_message(&mut out, HandshakeType::Finished, |o| {
            o.extend_from_slice(&[1, 2, 3])
        })
        .unwrap();
        let alone = encode_message(HandshakeType::Finished, &[1, 2, 3]).unwrap();
        assert_eq!(out[0], 9);
        assert_eq!(out[1..], alone[..]);
        assert_eq!(alone, [20, 0, 0, 3, 1, 2, 3]);
    }

    #[test]
    fn push_message_refuses_a_body_over_2_pow_24_and_leaves_out_unchanged() {
        let mut out = vec![9];
        let e = push_message(&mut out, HandshakeType::Certificate, |o| {
            o.resize(o.len() + 0x0100_0000, 0)
        });
        assert!(e.is_err());
        assert_eq!(out, [9]);
    }
}
