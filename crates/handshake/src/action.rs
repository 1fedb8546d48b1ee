//! What the state machines ask the record layer to do.
//!
//! The handshake is sans-IO: it never sends or installs anything itself.
//! Each call appends [`Action`]s to a list, and the facade performs them in
//! order — the order matters, because a `Send` is protected with the write
//! keys in force at its place in the list.

use core::fmt;

use ferrotls_core::crypto::{Secret, SupportedCipherSuite, Tls12CipherSuite, Tls13CipherSuite};
use ferrotls_core::{
    CertificateDer, CipherSuite, ContentType, NamedGroup, ProtocolVersion, SignatureScheme,
    UnixTime,
};

/// Which end of the connection a handshake is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The side that sends ClientHello.
    Client,
    /// The side that answers it.
    Server,
}

/// What the facade must do, in order.
#[derive(Debug)]
pub enum Action {
    /// Frame `payload` as records of `content_type` (Handshake, Alert or
    /// ChangeCipherSpec) and protect them with the write keys in force at
    /// this point of the action list. A Handshake payload may hold several
    /// whole messages.
    Send {
        /// The record content type.
        content_type: ContentType,
        /// The bytes.
        payload: Vec<u8>,
    },
    /// From now on, decrypt incoming records with these keys. The facade
    /// must first check that its `HandshakeJoiner` holds no partial message
    /// (`is_empty()`), and fail with `PeerMisbehaved::KeyChangeWithPendingData`
    /// otherwise: bytes received under the old keys must not be completed
    /// by bytes under the new ones (RFC 8446 section 5.1).
    SetReadKeys(RecordKeys),
    /// From now on, encrypt outgoing records with these keys.
    SetWriteKeys(RecordKeys),
    /// RFC 8449 record_size_limit, from this point of the list on (`None`:
    /// that direction is unchanged). It is placed where the limit starts
    /// to apply: in TLS 1.3 once both values are known, in TLS 1.2 just
    /// before the `SetWriteKeys` (send) or `SetReadKeys` (receive) of the
    /// handshake that agreed it; every TLS 1.2 handshake sends both, so a
    /// renegotiation without the extension restores 2^14. A limit outlives
    /// later key changes (a TLS 1.3 KeyUpdate keeps it). Only protected
    /// records are bound by it; records in the clear never are.
    SetRecordSizeLimit {
        /// The most content bytes per protected record we send (the TLS
        /// 1.3 content type byte already taken off), at most 2^14. The
        /// record layer cuts records at the smaller of this and its own
        /// maximum fragment length.
        send: Option<usize>,
        /// Our announced limit in the RFC's terms, which the peer's
        /// protected records must respect: TLSInnerPlaintext (content,
        /// type byte and padding) in TLS 1.3, the fragment in TLS 1.2. A
        /// larger record gets a record_overflow alert.
        receive: Option<usize>,
    },
    /// The handshake finished. The summary is shared with the state that
    /// keeps it for the connection (renegotiation, tickets, the exporter)
    /// rather than copied for the caller.
    HandshakeComplete(std::sync::Arc<HandshakeSummary>),
    /// A TLS 1.3 NewSessionTicket arrived (client side).
    SessionTicket(Box<Tls13SessionTicket>),
}

/// Keys for one direction.
pub enum RecordKeys {
    /// TLS 1.3: the record layer derives key and IV with
    /// HKDF-Expand-Label(secret, "key" / "iv", "", len) (RFC 8446 section 7.3).
    Tls13 {
        /// The suite.
        suite: &'static Tls13CipherSuite,
        /// The traffic secret.
        traffic_secret: Secret,
    },
    /// TLS 1.2: key and fixed IV from the key block.
    Tls12 {
        /// The suite.
        suite: &'static Tls12CipherSuite,
        /// The write key.
        key: Secret,
        /// The fixed IV (`fixed_iv_len` bytes).
        iv: Secret,
    },
}

impl fmt::Debug for RecordKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secret's own Debug already hides the bytes; this keeps it short.
        match self {
            Self::Tls13 { suite, .. } => write!(f, "RecordKeys::Tls13({suite:?})"),
            Self::Tls12 { suite, .. } => write!(f, "RecordKeys::Tls12({suite:?})"),
        }
    }
}

/// The negotiated parameters, for the application.
#[derive(Debug, Clone)]
pub struct HandshakeSummary {
    /// The protocol version.
    pub version: ProtocolVersion,
    /// The cipher suite.
    pub suite: SupportedCipherSuite,
    /// The key exchange group.
    pub group: Option<NamedGroup>,
    /// The ALPN protocol agreed, if any.
    pub alpn: Option<Vec<u8>>,
    /// The server name: sent (client) or received (server).
    pub sni: Option<String>,
    /// The peer's chain, leaf first (empty if it sent none).
    pub peer_certificates: Vec<CertificateDer>,
    /// The scheme of the peer's CertificateVerify.
    pub signature_scheme: Option<SignatureScheme>,
    /// Whether a ticket (PSK) resumed an earlier session.
    pub resumed: bool,
    /// Whether a HelloRetryRequest was part of this handshake.
    pub hello_retry_request: bool,
    /// The peer's RFC 8449 record_size_limit, when both sides sent one: the
    /// largest protected plaintext (content + type byte in TLS 1.3) we may
    /// send it from now on.
    pub peer_record_size_limit: Option<u16>,
    /// TLS 1.2 only: the session this handshake established, with its
    /// master secret (what a session cache or ticket stores).
    pub tls12_session: Option<Tls12Session>,
}

/// A TLS 1.2 session (RFC 5246 section 8.1): the master secret and what
/// resuming it must match. `Secret` zeroizes on drop and hides itself
/// from `Debug`.
#[derive(Debug, Clone)]
pub struct Tls12Session {
    /// The session id the server assigned (empty: the server keeps no
    /// session cache, e.g. because it issued a ticket instead).
    pub session_id: Vec<u8>,
    /// The 48-byte master secret.
    pub master_secret: Secret,
    /// Whether it was derived with the extended master secret (RFC 7627);
    /// a session without it must not be resumed by an EMS handshake.
    pub extended_master_secret: bool,
    /// The cipher suite, which a resumption must use again.
    pub suite: CipherSuite,
    /// Client side: the RFC 5077 ticket the server issued, if any (the
    /// server's own state, sealed; opaque here).
    pub ticket: Option<Vec<u8>>,
    /// The ticket's `ticket_lifetime_hint` in seconds (0: unspecified).
    pub ticket_lifetime_hint: u32,
}

impl Tls12Session {
    /// Whether a client can offer it: the server gave it an id or a ticket.
    pub fn is_resumable(&self) -> bool {
        !self.session_id.is_empty() || self.ticket.as_ref().is_some_and(|t| !t.is_empty())
    }
}

/// A TLS 1.2 session a client offers to resume, with what the handshake
/// needs beyond the session itself.
#[derive(Debug, Clone)]
pub struct Tls12Resumption {
    /// The session (id and/or ticket, master secret).
    pub session: Tls12Session,
    /// The SNI of the connection that made it: it is offered only to the
    /// same name (RFC 6066 section 3).
    pub server_name: Option<String>,
    /// The server's chain on that connection, reported again when the
    /// server resumes (an abbreviated handshake carries no Certificate).
    pub peer_certificates: Vec<CertificateDer>,
}

/// A TLS 1.3 NewSessionTicket with the PSK it stands for (RFC 8446 4.6.1).
#[derive(Debug, Clone)]
pub struct Tls13SessionTicket {
    /// The suite of the connection that received it (its hash binds the PSK).
    pub suite: &'static Tls13CipherSuite,
    /// The opaque ticket (the PSK identity).
    pub ticket: Vec<u8>,
    /// The ticket nonce.
    pub nonce: Vec<u8>,
    /// Lifetime in seconds (at most 604800).
    pub lifetime: u32,
    /// The obfuscation added to the ticket age.
    pub age_add: u32,
    /// max_early_data_size from the early_data extension, if present.
    pub max_early_data_size: Option<u32>,
    /// HKDF-Expand-Label(resumption_master_secret, "resumption", nonce).
    pub psk: Secret,
    /// The server name the connection was made to.
    pub server_name: Option<String>,
    /// ALPN protocol of the connection.
    pub alpn: Option<Vec<u8>>,
    /// When the ticket arrived (its age counts from here).
    pub received_at: UnixTime,
    /// The server's chain on the connection that received it (leaf
    /// first), restored as the peer's chain when the ticket is used.
    pub peer_certificates: Vec<CertificateDer>,
}
