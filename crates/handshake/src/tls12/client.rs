//! The TLS 1.2 client (RFC 5246 section 7.3, ECDHE per RFC 8422):
//!
//! ```text
//! ClientHello  --> (renegotiation: ExpectServerHello)
//!                  ExpectCertificate
//!                  ExpectServerKeyExchange
//!                  ExpectCertificateRequestOrDone
//!                  ExpectServerHelloDone (after CertificateRequest)
//! [Certificate,] ClientKeyExchange, [CertificateVerify,]
//! ChangeCipherSpec, Finished  --> ExpectChangeCipherSpec
//!                                 ExpectFinished
//!                                 Traffic (HelloRequest or renegotiate():
//!                                 a new ClientHello, back to the top)
//! ```
//!
//! The key exchange flight and the states from ExpectServerHelloDone to
//! ExpectFinished are in `client_flight.rs`; an abbreviated handshake (the
//! server resumed our session) is in `resume_client.rs`.

use std::sync::Arc;

use ferrotls_core::crypto::{SupportedCipherSuite, Tls12CipherSuite};
use ferrotls_core::enums::EcPointFormat;
use ferrotls_core::{
    ApiMisuse, CertificateDer, CipherSuite, Error, HandshakeType, InvalidMessage, NamedGroup,
    PeerIncompatible, PeerMisbehaved, ProtocolVersion, ServerName, UnixTime,
};

use super::client_flight::{ExpectFinished, ExpectServerHelloDone};
use super::traffic::Traffic;
use super::transcript::Transcript;
use super::{
    ccs_expected, ccs_unexpected, ct_eq, expect_empty, hello, illegal, is_tls12_group, scheme_fits,
    send_handshake, send_no_renegotiation,
};
use crate::action::{Action, Tls12Resumption};
use crate::config::ClientConfig;
use crate::handshake::Message;
use crate::msgs::{
    CertificatePayload, ServerExtension, ServerHelloPayload, ServerKeyExchangePayload, SessionId,
};
use crate::record_limit::{RecordSizeLimits, tls12_read_keys};
use crate::tls13::decode;
use crate::transcript::HandshakeHashBuffer;

/// The client's states.
pub(crate) enum ClientState {
    /// An abbreviated handshake: the server resumed our session.
    Resumed(Box<super::resume_client::Resumed>),
    ExpectServerHello(Box<ExpectServerHello>),
    ExpectCertificate(Box<ExpectCertificate>),
    ExpectServerKeyExchange(Box<ExpectServerKeyExchange>),
    ExpectCertificateRequestOrDone(Box<ExpectServerHelloDone>),
    ExpectServerHelloDone(Box<ExpectServerHelloDone>),
    ExpectChangeCipherSpec(Box<ExpectFinished>),
    ExpectFinished(Box<ExpectFinished>),
    Traffic(Box<ClientTraffic>),
}

impl ClientState {
    pub fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        if msg.typ == HandshakeType::HelloRequest && !matches!(self, Self::Traffic(_)) {
            // RFC 5246 7.4.1.1: ignored while negotiating.
            expect_empty(msg, "HelloRequest")?;
            return Ok(self);
        }
        match self {
            Self::Resumed(s) => s.handle(msg, out),
            Self::ExpectServerHello(s) => s.handle(msg),
            Self::ExpectCertificate(s) => s.handle(msg, now),
            Self::ExpectServerKeyExchange(s) => s.handle(msg),
            Self::ExpectCertificateRequestOrDone(s) => s.handle(msg, true, out),
            Self::ExpectServerHelloDone(s) => s.handle(msg, false, out),
            Self::ExpectChangeCipherSpec(mut s) if s.ticket_expected => {
                s.new_ticket = super::resume_client::read_ticket(msg, &mut s.hs.transcript)?;
                s.ticket_expected = false;
                Ok(Self::ExpectChangeCipherSpec(s))
            }
            Self::ExpectChangeCipherSpec(_) => Err(ccs_expected()),
            Self::ExpectFinished(s) => s.handle(msg, out),
            Self::Traffic(t) => t.handle(msg, now, out),
        }
    }

    /// The server's ChangeCipherSpec: its Finished comes under new keys.
    pub fn handle_ccs(self, out: &mut Vec<Action>) -> Result<Self, Error> {
        match self {
            Self::Resumed(s) => s.handle_ccs(out).map(Self::Resumed),
            // RFC 5077 3.3: an acknowledged ticket comes before the CCS.
            Self::ExpectChangeCipherSpec(mut s) if !s.ticket_expected => {
                let keys = s.server_keys.take().ok_or_else(lost)?;
                tls12_read_keys(out, keys, s.hs.record_size_limit);
                Ok(Self::ExpectFinished(s))
            }
            _ => Err(ccs_unexpected()),
        }
    }

    pub fn accepts_ccs(&self) -> bool {
        match self {
            Self::Resumed(s) => s.accepts_ccs(),
            Self::ExpectChangeCipherSpec(s) => !s.ticket_expected,
            _ => false,
        }
    }

    pub fn accepts_app_data(&self) -> bool {
        match self {
            Self::Traffic(_) => true,
            Self::ExpectFinished(_) | Self::Resumed(_) => false,
            _ => self.established().is_some(),
        }
    }

    pub fn traffic(&self) -> Option<&Traffic> {
        match self {
            Self::Traffic(t) => Some(&t.t),
            _ => None,
        }
    }

    pub fn established(&self) -> Option<&Traffic> {
        let hello = match self {
            Self::Traffic(t) => return Some(&t.t),
            Self::Resumed(_) => return None,
            Self::ExpectServerHello(s) => &s.hello,
            Self::ExpectCertificate(s) => &s.hs.hello,
            Self::ExpectServerKeyExchange(s) => &s.hs.hello,
            Self::ExpectCertificateRequestOrDone(s) | Self::ExpectServerHelloDone(s) => &s.hs.hello,
            Self::ExpectChangeCipherSpec(s) | Self::ExpectFinished(s) => &s.hs.hello,
        };
        hello.prior.as_ref().map(|p| &p.t)
    }

    pub fn renegotiate(self, out: &mut Vec<Action>) -> Result<Self, Error> {
        match self {
            Self::Traffic(t) => start_renegotiation(t, out),
            _ => Err(ApiMisuse::HandshakeNotComplete.into()),
        }
    }

    pub fn peer_declined_renegotiation(self) -> (Self, bool) {
        match self {
            Self::ExpectServerHello(s) => match s.hello.prior {
                Some(prior) => (Self::Traffic(prior), true),
                None => (Self::ExpectServerHello(s), false),
            },
            other => (other, false),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Resumed(s) => s.name(),
            Self::ExpectServerHello(_) => "Tls12ExpectServerHello",
            Self::ExpectCertificate(_) => "Tls12ExpectCertificate",
            Self::ExpectServerKeyExchange(_) => "Tls12ExpectServerKeyExchange",
            Self::ExpectCertificateRequestOrDone(_) => "Tls12ExpectCertificateRequestOrDone",
            Self::ExpectServerHelloDone(_) => "Tls12ExpectServerHelloDone",
            Self::ExpectChangeCipherSpec(_) => "Tls12ExpectChangeCipherSpec",
            Self::ExpectFinished(_) => "Tls12ExpectFinished",
            Self::Traffic(_) => "Tls12Traffic",
        }
    }
}

/// True when `sh` selects TLS 1.2 and we offered it. A TLS 1.3 client
/// first checks the downgrade sentinel (RFC 8446 4.1.3): a server that
/// can do TLS 1.3 but answered TLS 1.2 was tampered with.
pub(crate) fn is_tls12_server_hello(
    sh: &ServerHelloPayload,
    offered_tls13: bool,
    offered_tls12: bool,
) -> Result<bool, Error> {
    if sh.supported_versions().is_some()
        || sh.legacy_version != ProtocolVersion::TLSv1_2
        || !offered_tls12
    {
        return Ok(false);
    }
    if offered_tls13 && sh.has_downgrade_sentinel() {
        return Err(PeerMisbehaved::DowngradeDetected.into());
    }
    Ok(true)
}

/// Takes over from the TLS 1.3 client when the server chose TLS 1.2:
/// `offer` is what the ClientHello offered, `buffer` holds it as sent.
pub(crate) fn start(
    config: Arc<ClientConfig>,
    server_name: ServerName,
    offer: crate::tls13::client_hello::Offer,
    buffer: HandshakeHashBuffer,
    sh: &ServerHelloPayload,
    msg: &Message<'_>,
) -> Result<ClientState, Error> {
    let ch = &offer.hello;
    let hello = Hello {
        offered_ticket: ch.session_ticket().is_some(),
        resume: offer.tls12_resume,
        config,
        server_name,
        sni: offer.sni,
        client_random: ch.random.0,
        offered_suites: ch.cipher_suites.clone(),
        offered_groups: ch
            .named_groups()
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|g| is_tls12_group(*g))
            .collect(),
        session_id: ch.session_id,
        prior: None,
    };
    process_server_hello(hello, buffer, sh, msg)
}

/// A renegotiation: a new ClientHello on the established connection.
fn start_renegotiation(
    prior: Box<ClientTraffic>,
    out: &mut Vec<Action>,
) -> Result<ClientState, Error> {
    let (ch, encoded) = hello::renegotiation_hello(
        &prior.config,
        prior.sni.as_deref(),
        &prior.t.client_verify_data,
    )?;
    let mut buffer = HandshakeHashBuffer::new();
    buffer.add(&encoded);
    send_handshake(out, encoded);
    let offered_ticket = ch.session_ticket().is_some();
    let hello = Hello {
        config: prior.config.clone(),
        server_name: prior.server_name.clone(),
        sni: prior.sni.clone(),
        client_random: ch.random.0,
        offered_suites: ch.cipher_suites,
        offered_groups: ch
            .extensions
            .iter()
            .find_map(|e| match e {
                crate::msgs::ClientExtension::SupportedGroups(g) => Some(g.clone()),
                _ => None,
            })
            .unwrap_or_default(),
        session_id: SessionId::EMPTY,
        offered_ticket,
        resume: None,
        prior: Some(prior),
    };
    Ok(ClientState::ExpectServerHello(Box::new(
        ExpectServerHello { hello, buffer },
    )))
}

/// What we offered, and the connection being renegotiated if any.
pub(super) struct Hello {
    pub config: Arc<ClientConfig>,
    pub server_name: ServerName,
    pub sni: Option<String>,
    pub client_random: [u8; 32],
    pub offered_suites: Vec<CipherSuite>,
    pub offered_groups: Vec<NamedGroup>,
    pub session_id: SessionId,
    /// Whether the ClientHello carried session_ticket (RFC 5077).
    pub offered_ticket: bool,
    /// The session offered for resumption (by its id or ticket).
    pub resume: Option<Box<Tls12Resumption>>,
    pub prior: Option<Box<ClientTraffic>>,
}

/// The handshake once the ServerHello fixed the parameters.
pub(super) struct Handshaking {
    pub hello: Hello,
    pub suite: &'static Tls12CipherSuite,
    pub server_random: [u8; 32],
    pub session_id: SessionId,
    pub ems: bool,
    pub alpn: Option<Vec<u8>>,
    /// RFC 8449, when the server acknowledged our record_size_limit.
    pub record_size_limit: Option<RecordSizeLimits>,
    /// The server acknowledged session_ticket: a NewSessionTicket comes
    /// before its ChangeCipherSpec.
    pub ticket_expected: bool,
    pub transcript: Transcript,
}

pub(crate) struct ExpectServerHello {
    hello: Hello,
    buffer: HandshakeHashBuffer,
}

impl ExpectServerHello {
    fn handle(self, msg: &Message<'_>) -> Result<ClientState, Error> {
        msg.require(HandshakeType::ServerHello)?;
        let sh = decode(msg.body, "ServerHello", ServerHelloPayload::parse)?;
        if sh.legacy_version != ProtocolVersion::TLSv1_2 || sh.supported_versions().is_some() {
            // A renegotiation cannot change the version (RFC 5246 7.4.1.2).
            return Err(illegal("renegotiation ServerHello changed the version"));
        }
        process_server_hello(self.hello, self.buffer, &sh, msg)
    }
}

/// ServerHello checks of both the first handshake and renegotiations.
fn process_server_hello(
    hello: Hello,
    buffer: HandshakeHashBuffer,
    sh: &ServerHelloPayload,
    msg: &Message<'_>,
) -> Result<ClientState, Error> {
    if sh.is_hello_retry_request() {
        return Err(illegal("HelloRetryRequest in TLS 1.2"));
    }
    let config = &hello.config;
    let suite = match config.provider.suite(sh.cipher_suite) {
        Some(SupportedCipherSuite::Tls12(s)) if hello.offered_suites.contains(&s.suite) => s,
        _ => return Err(illegal("server chose a cipher suite we did not offer")),
    };
    // The server echoing our session id resumes the session offered (by
    // its id, or by ticket: RFC 5077 3.4); without an offer an echo is a
    // protocol error.
    let resumed = !sh.session_id.is_empty() && sh.session_id == hello.session_id;
    if resumed && hello.resume.is_none() {
        return Err(illegal("server resumed a session we did not offer"));
    }
    let mut ticket_expected = false;
    let mut ems = false;
    let mut alpn = None;
    let mut record_size_limit = None;
    let mut renegotiation_info = None;
    for ext in &sh.extensions {
        match ext {
            ServerExtension::RenegotiationInfo(p) => renegotiation_info = Some(p.bytes()),
            ServerExtension::ExtendedMasterSecret => ems = true,
            ServerExtension::EcPointFormats(f) => {
                if !f.contains(&EcPointFormat::Uncompressed) {
                    return Err(illegal("ec_point_formats without uncompressed"));
                }
            }
            ServerExtension::Alpn(p) if !config.alpn_protocols.is_empty() => {
                if !config.alpn_protocols.iter().any(|o| o == p.as_bytes()) {
                    return Err(illegal("server chose an ALPN protocol we did not offer"));
                }
                alpn = Some(p.as_bytes().to_vec());
            }
            ServerExtension::ServerNameAck if hello.sni.is_some() => {}
            ServerExtension::SessionTicketAck if hello.offered_ticket => ticket_expected = true,
            ServerExtension::RecordSizeLimit(l) if config.record_size_limit.is_some() => {
                record_size_limit = Some(*l);
            }
            other => {
                use crate::msgs::Extension;
                return Err(PeerMisbehaved::UnsolicitedExtension(other.ext_type()).into());
            }
        }
    }
    // RFC 5746 3.4 and 3.5: secure renegotiation only, checked strictly.
    let expected = hello
        .prior
        .as_ref()
        .map(|p| p.t.both_verify_data())
        .unwrap_or_default();
    match renegotiation_info {
        Some(got) if ct_eq(got, &expected) => {}
        _ => return Err(PeerIncompatible::SecureRenegotiationRequired.into()),
    }
    let ems_required = config.require_ems || hello.prior.as_ref().is_some_and(|p| p.t.ems);
    if !ems && ems_required {
        return Err(PeerIncompatible::ExtendedMasterSecretRequired.into());
    }
    let keep_raw = config.client_auth_cert.is_some() || config.client_cert_resolver.is_some();
    let mut transcript = Transcript::new(buffer, suite.hash, keep_raw && !resumed);
    transcript.add(msg.encoded);
    let record_size_limit = RecordSizeLimits::agreed(config.record_size_limit, record_size_limit);
    let hs = Handshaking {
        hello,
        suite,
        server_random: sh.random.0,
        session_id: sh.session_id,
        ems,
        alpn,
        record_size_limit,
        ticket_expected,
        transcript,
    };
    if resumed {
        return super::resume_client::start(hs);
    }
    Ok(ClientState::ExpectCertificate(Box::new(
        ExpectCertificate { hs },
    )))
}

pub(crate) struct ExpectCertificate {
    hs: Handshaking,
}

impl ExpectCertificate {
    fn handle(mut self, msg: &Message<'_>, now: UnixTime) -> Result<ClientState, Error> {
        msg.require(HandshakeType::Certificate)?;
        let chain = decode(msg.body, "Certificate", CertificatePayload::parse)?.0;
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Err(InvalidMessage::InvalidLength("empty server Certificate").into());
        };
        let hello = &self.hs.hello;
        hello
            .config
            .verifier
            .verify_server_cert(leaf, intermediates, &hello.server_name, now)?;
        if let Some(prior) = &hello.prior {
            prior
                .t
                .check_same_peer(&hello.config.renegotiation, Some(leaf))?;
        }
        self.hs.transcript.add(msg.encoded);
        Ok(ClientState::ExpectServerKeyExchange(Box::new(
            ExpectServerKeyExchange { hs: self.hs, chain },
        )))
    }
}

pub(crate) struct ExpectServerKeyExchange {
    hs: Handshaking,
    chain: Vec<CertificateDer>,
}

impl ExpectServerKeyExchange {
    fn handle(mut self, msg: &Message<'_>) -> Result<ClientState, Error> {
        msg.require(HandshakeType::ServerKeyExchange)?;
        let ske = decode(
            msg.body,
            "ServerKeyExchange",
            ServerKeyExchangePayload::parse,
        )?;
        let hs = &self.hs;
        let config = &hs.hello.config;
        let group = ske.params.group;
        if !hs.hello.offered_groups.contains(&group) || config.provider.kx_group(group).is_none() {
            return Err(illegal("ServerKeyExchange group we did not offer"));
        }
        let scheme = ske.dss.scheme;
        if !config.signature_schemes.contains(&scheme) || !scheme_fits(scheme, hs.suite.sign) {
            return Err(illegal("ServerKeyExchange scheme we did not offer"));
        }
        let signed = ske.signed_data(&hs.hello.client_random, &hs.server_random);
        config.verifier.verify_tls12_signature(
            &signed,
            &self.chain[0],
            scheme,
            ske.dss.signature.bytes(),
        )?;
        self.hs.transcript.add(msg.encoded);
        Ok(ClientState::ExpectCertificateRequestOrDone(Box::new(
            ExpectServerHelloDone {
                hs: self.hs,
                chain: self.chain,
                group,
                server_public: ske.params.public.0,
                scheme,
                cert_request: None,
            },
        )))
    }
}

/// The established client connection.
pub(crate) struct ClientTraffic {
    pub(super) t: Traffic,
    pub(super) config: Arc<ClientConfig>,
    pub(super) server_name: ServerName,
    pub(super) sni: Option<String>,
}

impl ClientTraffic {
    /// Only HelloRequest is a valid post-handshake message in TLS 1.2.
    fn handle(
        mut self: Box<Self>,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        msg.require(HandshakeType::HelloRequest)?;
        expect_empty(msg, "HelloRequest")?;
        if !self.t.limiter.allow(&self.config.renegotiation, now) {
            send_no_renegotiation(out);
            return Ok(ClientState::Traffic(self));
        }
        start_renegotiation(self, out)
    }
}

pub(crate) fn lost() -> Error {
    Error::General("TLS 1.2 handshake state lost".into())
}
