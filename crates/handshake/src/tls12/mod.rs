//! The TLS 1.2 state machines (RFC 5246 with ECDHE and AEAD suites only,
//! RFC 8422, RFC 7627 extended master secret, RFC 5746 secure
//! renegotiation).
//!
//! A TLS 1.2 handshake starts inside the TLS 1.3 code, which owns the
//! first ClientHello on both sides: the client hands over when the
//! ServerHello selects TLS 1.2 ([`client::start`]), the server when the
//! ClientHello cannot do TLS 1.3 ([`server::start`]). From there
//! `client.rs` and `server.rs` are the full handshake of RFC 5246 section
//! 7.3, and `traffic.rs` the established connection, from which either
//! side may renegotiate: each new handshake carries the previous one
//! (`prior`) for its RFC 5746 `renegotiation_info` and goes back to it if
//! the peer declines.
//!
//! Session resumption (abbreviated handshake) branches at two points:
//! the client's ServerHello handling (a session id or ticket accepted by
//! the server) and the server's ClientHello handling (after negotiation,
//! before the full flight is built). Every completed handshake reports its
//! [`Tls12Session`](crate::Tls12Session), master secret included.

pub(crate) mod client;
mod client_flight;
mod hello;
mod keys;
mod negotiate;
mod resume_client;
mod resume_server;
pub(crate) mod server;
mod traffic;
mod transcript;

use ferrotls_core::crypto::SignatureKind;
use ferrotls_core::{
    AlertDescription, AlertLevel, ContentType, Error, HandshakeType, NamedGroup, PeerMisbehaved,
    SignatureScheme, UnixTime,
};

use crate::action::{Action, HandshakeSummary};
use crate::handshake::Message;

pub(crate) use traffic::Traffic;

/// The TLS 1.2 extensions of a first ClientHello that offers TLS 1.2.
pub(crate) fn client_hello_extensions() -> Vec<crate::msgs::ClientExtension> {
    hello::tls12_client_extensions(&[])
}

/// A TLS 1.2 connection of either role, handshaking or established.
pub(crate) enum Tls12 {
    Client(client::ClientState),
    Server(server::ServerState),
}

impl Tls12 {
    pub fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        match self {
            Self::Client(s) => s.handle(msg, now, out).map(Self::Client),
            Self::Server(s) => s.handle(msg, now, out).map(Self::Server),
        }
    }

    /// A ChangeCipherSpec record: the peer's next records use the new keys.
    pub fn handle_change_cipher_spec(self, out: &mut Vec<Action>) -> Result<Self, Error> {
        match self {
            Self::Client(s) => s.handle_ccs(out).map(Self::Client),
            Self::Server(s) => s.handle_ccs(out).map(Self::Server),
        }
    }

    pub fn accepts_change_cipher_spec(&self) -> bool {
        match self {
            Self::Client(s) => s.accepts_ccs(),
            Self::Server(s) => s.accepts_ccs(),
        }
    }

    /// Application data may arrive on an established connection, and
    /// during a renegotiation until the peer's ChangeCipherSpec (data the
    /// peer sent before it saw our hello is still in flight).
    pub fn accepts_application_data(&self) -> bool {
        match self {
            Self::Client(s) => s.accepts_app_data(),
            Self::Server(s) => s.accepts_app_data(),
        }
    }

    pub fn traffic(&self) -> Option<&Traffic> {
        match self {
            Self::Client(s) => s.traffic(),
            Self::Server(s) => s.traffic(),
        }
    }

    /// The established connection: the current one, or the one being
    /// renegotiated.
    pub fn established(&self) -> Option<&Traffic> {
        match self {
            Self::Client(s) => s.established(),
            Self::Server(s) => s.established(),
        }
    }

    /// The negotiated parameters of the established connection.
    pub fn summary(&self) -> Option<&HandshakeSummary> {
        self.established().map(|t| &*t.summary)
    }

    /// Starts a renegotiation: a client sends ClientHello, a server sends
    /// HelloRequest. Only on an established connection.
    pub fn renegotiate(self, out: &mut Vec<Action>) -> Result<Self, Error> {
        match self {
            Self::Client(s) => s.renegotiate(out).map(Self::Client),
            Self::Server(s) => s.renegotiate(out).map(Self::Server),
        }
    }

    /// The peer answered our renegotiation request with a no_renegotiation
    /// warning: a client waiting for the ServerHello goes back to the
    /// established connection. Returns whether anything changed.
    pub fn peer_declined_renegotiation(self) -> (Self, bool) {
        match self {
            Self::Client(s) => {
                let (s, changed) = s.peer_declined_renegotiation();
                (Self::Client(s), changed)
            }
            Self::Server(s) => (Self::Server(s), false),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Client(s) => s.name(),
            Self::Server(s) => s.name(),
        }
    }
}

/// The groups usable for TLS 1.2 ECDHE (RFC 8422); hybrid KEMs are TLS 1.3
/// only.
pub(crate) fn is_tls12_group(group: NamedGroup) -> bool {
    matches!(
        group,
        NamedGroup::X25519 | NamedGroup::SECP256R1 | NamedGroup::SECP384R1
    )
}

/// Whether a signature scheme can sign for a suite's authentication
/// (ECDHE_ECDSA: ECDSA, and Ed25519 per RFC 8422; ECDHE_RSA: PKCS#1 and
/// PSS), and is implemented (SHA-1 schemes are not).
pub(crate) fn scheme_fits(scheme: SignatureScheme, sign: SignatureKind) -> bool {
    let Some(alg) = scheme.verify_algorithm(false) else {
        return false;
    };
    match sign {
        SignatureKind::Ecdsa | SignatureKind::Ed25519 => {
            matches!(alg.kind, SignatureKind::Ecdsa | SignatureKind::Ed25519)
        }
        SignatureKind::RsaPkcs1 | SignatureKind::RsaPss => {
            matches!(alg.kind, SignatureKind::RsaPkcs1 | SignatureKind::RsaPss)
        }
    }
}

/// The suite signature family a key can authenticate.
pub(crate) fn suite_kind_of_key(key: SignatureKind) -> SignatureKind {
    match key {
        SignatureKind::Ecdsa | SignatureKind::Ed25519 => SignatureKind::Ecdsa,
        SignatureKind::RsaPkcs1 | SignatureKind::RsaPss => SignatureKind::RsaPkcs1,
    }
}

/// Appends one handshake message to a flight, its body written in place
/// by `body`, and adds it to the transcript from there.
pub(crate) fn push_message(
    transcript: &mut transcript::Transcript,
    flight: &mut Vec<u8>,
    typ: HandshakeType,
    body: impl FnOnce(&mut Vec<u8>),
) -> Result<(), Error> {
    let start = flight.len();
    crate::handshake::push_message(flight, typ, body)?;
    transcript.add(&flight[start..]);
    Ok(())
}

/// Sends `payload` as one Handshake record payload.
pub(crate) fn send_handshake(out: &mut Vec<Action>, payload: Vec<u8>) {
    out.push(Action::Send {
        content_type: ContentType::Handshake,
        payload,
    });
}

/// Sends ChangeCipherSpec.
pub(crate) fn send_ccs(out: &mut Vec<Action>) {
    out.push(Action::Send {
        content_type: ContentType::ChangeCipherSpec,
        payload: vec![1],
    });
}

/// Declines a renegotiation request with a no_renegotiation warning (RFC
/// 5746 section 4.2 and 4.4); the connection carries on.
pub(crate) fn send_no_renegotiation(out: &mut Vec<Action>) {
    out.push(Action::Send {
        content_type: ContentType::Alert,
        payload: vec![
            u8::from(AlertLevel::Warning),
            u8::from(AlertDescription::NoRenegotiation),
        ],
    });
}

/// A handshake message where the peer's ChangeCipherSpec must come
/// (RFC 5246 7.1): unexpected_message.
pub(crate) fn ccs_expected() -> Error {
    Error::InappropriateMessage {
        expect_types: vec![ContentType::ChangeCipherSpec],
        got_type: ContentType::Handshake,
    }
}

/// A ChangeCipherSpec before the handshake has reached it (keys not yet
/// computed, or already switched): unexpected_message.
pub(crate) fn ccs_unexpected() -> Error {
    Error::InappropriateMessage {
        expect_types: vec![ContentType::Handshake],
        got_type: ContentType::ChangeCipherSpec,
    }
}

pub(crate) fn illegal(why: &'static str) -> Error {
    PeerMisbehaved::IllegalParameter(why).into()
}

/// An empty message body (HelloRequest, ServerHelloDone).
pub(crate) fn expect_empty(msg: &Message<'_>, what: &'static str) -> Result<(), Error> {
    if msg.body.is_empty() {
        Ok(())
    } else {
        Err(ferrotls_core::InvalidMessage::TrailingData(what).into())
    }
}

/// Constant-time comparison (verify_data are secrets of the connection).
pub(crate) use ferrotls_core::crypto::ct_eq;
