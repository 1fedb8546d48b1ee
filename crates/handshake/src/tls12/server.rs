//! The TLS 1.2 server (RFC 5246 section 7.3, ECDHE per RFC 8422):
//!
//! ```text
//! ClientHello --> ServerHello, Certificate, ServerKeyExchange,
//!                 [CertificateRequest,] ServerHelloDone
//!                 ExpectCertificate (client authentication only)
//!                 ExpectClientKeyExchange
//!                 ExpectCertificateVerify (a client certificate was sent)
//!                 ExpectChangeCipherSpec
//!                 ExpectFinished --> ChangeCipherSpec, Finished
//!                 Traffic (a renegotiating ClientHello: back to the top;
//!                 renegotiate(): HelloRequest)
//! ```

use std::sync::Arc;

use ferrotls_core::crypto::{ActiveKeyExchange, SupportedCipherSuite, Tls12CipherSuite};
use ferrotls_core::enums::EcPointFormat;
use ferrotls_core::{
    ApiMisuse, CertificateDer, CipherSuite, Codec, Error, HandshakeType, NamedGroup,
    PeerIncompatible, ProtocolVersion, SignatureScheme, UnixTime,
};

use super::keys::{MasterSecret, MasterSecretInput};
use super::negotiate::{self, Negotiated};
use super::traffic::Traffic;
use super::transcript::Transcript;
use super::{
    ccs_expected, ccs_unexpected, client::lost, ct_eq, hello, illegal, push_message, resume_server,
    send_ccs, send_handshake, send_no_renegotiation,
};
use crate::action::{Action, HandshakeSummary, RecordKeys, Tls12Session};
use crate::config::ServerConfig;
use crate::handshake::{Message, encode_message};
use crate::msgs::{
    CertificatePayload, CertificateRequestPayload, ClientCertificateType, ClientHelloPayload,
    ClientKeyExchangePayload, DOWNGRADE_TLS12, DigitallySignedStruct, Payload, ServerEcdhParams,
    ServerExtension, ServerKeyExchangePayload, SessionId,
};
use crate::record_limit::{RecordSizeLimits, tls12_read_keys, tls12_write_keys};
use crate::session::Tls12ServerSession;
use crate::tls13::decode;
use crate::transcript::HandshakeHashBuffer;

/// The server's states.
pub(crate) enum ServerState {
    /// An abbreviated handshake (resumption), waiting for the client's
    /// ChangeCipherSpec and Finished.
    Resumed(Box<super::resume_server::ExpectFinished>),
    ExpectCertificate(Box<Handshaking>),
    ExpectClientKeyExchange(Box<Handshaking>),
    ExpectCertificateVerify(Box<ExpectCertificateVerify>),
    ExpectChangeCipherSpec(Box<ExpectFinished>),
    ExpectFinished(Box<ExpectFinished>),
    Traffic(Box<ServerTraffic>),
}

impl ServerState {
    pub fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        match self {
            Self::Resumed(s) => s.handle(msg, out),
            Self::ExpectCertificate(s) => s.handle_certificate(msg, now),
            Self::ExpectClientKeyExchange(s) => s.handle_client_key_exchange(msg),
            Self::ExpectCertificateVerify(s) => s.handle(msg),
            Self::ExpectChangeCipherSpec(_) => Err(ccs_expected()),
            Self::ExpectFinished(s) => s.handle(msg, now, out),
            Self::Traffic(t) => t.handle(msg, now, out),
        }
    }

    /// The client's ChangeCipherSpec: its Finished comes under new keys.
    pub fn handle_ccs(self, out: &mut Vec<Action>) -> Result<Self, Error> {
        match self {
            Self::Resumed(s) => s.handle_ccs(out).map(Self::Resumed),
            Self::ExpectChangeCipherSpec(mut s) => {
                let keys = s.client_keys.take().ok_or_else(lost)?;
                tls12_read_keys(out, keys, s.hs.record_size_limit);
                Ok(Self::ExpectFinished(s))
            }
            _ => Err(ccs_unexpected()),
        }
    }

    pub fn accepts_ccs(&self) -> bool {
        match self {
            Self::Resumed(s) => s.accepts_ccs(),
            other => matches!(other, Self::ExpectChangeCipherSpec(_)),
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
        let prior = match self {
            Self::Traffic(t) => return Some(&t.t),
            Self::Resumed(_) => return None,
            Self::ExpectCertificate(s) | Self::ExpectClientKeyExchange(s) => &s.prior,
            Self::ExpectCertificateVerify(s) => &s.hs.prior,
            Self::ExpectChangeCipherSpec(s) | Self::ExpectFinished(s) => &s.hs.prior,
        };
        prior.as_ref().map(|p| &p.t)
    }

    /// RFC 5246 7.4.1.1: HelloRequest, which is no part of any transcript.
    pub fn renegotiate(self, out: &mut Vec<Action>) -> Result<Self, Error> {
        match self {
            Self::Traffic(mut t) => {
                send_handshake(out, encode_message(HandshakeType::HelloRequest, &[])?);
                t.t.hello_request_sent = true;
                Ok(Self::Traffic(t))
            }
            _ => Err(ApiMisuse::HandshakeNotComplete.into()),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Resumed(s) => s.name(),
            Self::ExpectCertificate(_) => "Tls12ExpectCertificate",
            Self::ExpectClientKeyExchange(_) => "Tls12ExpectClientKeyExchange",
            Self::ExpectCertificateVerify(_) => "Tls12ExpectCertificateVerify",
            Self::ExpectChangeCipherSpec(_) => "Tls12ExpectChangeCipherSpec",
            Self::ExpectFinished(_) => "Tls12ExpectFinished",
            Self::Traffic(_) => "Tls12Traffic",
        }
    }
}

/// Whether the server answers `ch` with TLS 1.2: TLS 1.3 is not common to
/// both, TLS 1.2 is.
pub(crate) fn use_tls12(config: &ServerConfig, ch: &ClientHelloPayload) -> bool {
    let tls13 = config.versions.contains(&ProtocolVersion::TLSv1_3)
        && ch
            .supported_versions()
            .is_some_and(|v| v.contains(&ProtocolVersion::TLSv1_3));
    !tls13 && config.versions.contains(&ProtocolVersion::TLSv1_2) && negotiate::offers_tls12(ch)
}

/// Takes over from the TLS 1.3 server for a first ClientHello that gets
/// TLS 1.2.
pub(crate) fn start(
    config: Arc<ServerConfig>,
    msg: &Message<'_>,
    ch: &ClientHelloPayload,
    now: UnixTime,
    out: &mut Vec<Action>,
) -> Result<ServerState, Error> {
    process_client_hello(config, None, msg, ch, now, out)
}

/// RFC 5746 3.6 (first handshake) and 3.7 (renegotiation).
fn check_renegotiation_info(
    ch: &ClientHelloPayload,
    prior: Option<&ServerTraffic>,
) -> Result<(), Error> {
    let scsv = ch
        .cipher_suites
        .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    let ok = match (prior, ch.renegotiation_info()) {
        (None, Some(info)) => info.is_empty(),
        (None, None) => scsv,
        (Some(_), _) if scsv => false,
        (Some(p), Some(info)) => ct_eq(info, &p.t.client_verify_data),
        (Some(_), None) => false,
    };
    match ok {
        true => Ok(()),
        false => Err(PeerIncompatible::SecureRenegotiationRequired.into()),
    }
}

/// The server's answer to a ClientHello, first or renegotiating.
fn process_client_hello(
    config: Arc<ServerConfig>,
    prior: Option<Box<ServerTraffic>>,
    msg: &Message<'_>,
    ch: &ClientHelloPayload,
    now: UnixTime,
    out: &mut Vec<Action>,
) -> Result<ServerState, Error> {
    if !negotiate::offers_tls12(ch) {
        return Err(PeerIncompatible::NoCommonVersion.into());
    }
    check_renegotiation_info(ch, prior.as_deref())?;
    let ems_required = config.require_ems || prior.as_ref().is_some_and(|p| p.t.ems);
    let neg = negotiate::negotiate(&config, ch, ems_required)?;
    // Session resumption (first handshakes only; a renegotiation is
    // always a full handshake): a valid ticket or cached session id leads
    // to the abbreviated handshake instead of the full flight below.
    // A client asking for a ticket gets one on renegotiations too (for the
    // new session), as OpenSSL's server does: GnuTLS (3.7) clients that
    // got a ticket on the first handshake wait for a NewSessionTicket on
    // every renegotiation, acknowledged or not.
    let issue_ticket = resume_server::will_issue_ticket(&config, ch);
    if prior.is_none() {
        if let Some(session) = resume_server::find_session(&config, ch, now)? {
            let found = resume_server::Found {
                session,
                issue_ticket,
            };
            return resume_server::start(config, msg, ch, neg, found, now, out);
        }
    }
    // A session id only when the session is kept in the cache; with a
    // ticket the client holds the state and the id stays empty, as
    // OpenSSL does.
    let session_id = match (&config.session_cache, issue_ticket, &prior) {
        (Some(_), false, None) => resume_server::new_session_id(&config)?,
        _ => SessionId::EMPTY,
    };

    let server_random = server_random(&config, prior.is_none())?;
    // Room for every extension below, so the list is allocated once.
    let mut exts = Vec::with_capacity(7);
    exts.push(ServerExtension::RenegotiationInfo(Payload::new(
        prior
            .as_ref()
            .map(|p| p.t.both_verify_data())
            .unwrap_or_default(),
    )));
    if neg.ems {
        exts.push(ServerExtension::ExtendedMasterSecret);
    }
    if ch.ec_point_formats().is_some() {
        exts.push(ServerExtension::EcPointFormats(vec![
            EcPointFormat::Uncompressed,
        ]));
    }
    if neg.sni_ack {
        exts.push(ServerExtension::ServerNameAck);
    }
    if let Some(p) = &neg.alpn {
        exts.push(ServerExtension::Alpn(crate::msgs::ProtocolName(p.clone())));
    }
    if let Some(l) = neg.record_size_limit {
        exts.push(ServerExtension::RecordSizeLimit(l.ours));
    }
    if issue_ticket {
        exts.push(ServerExtension::SessionTicketAck);
    }
    let sh = hello::server_hello(server_random, session_id, neg.suite.suite, exts)?;

    let client_auth = config
        .client_verifier
        .as_ref()
        .filter(|v| v.offer_client_auth())
        .cloned();
    let mut buffer = HandshakeHashBuffer::new();
    buffer.add(msg.encoded);
    let mut transcript = Transcript::new(buffer, neg.suite.hash, client_auth.is_some());
    transcript.add(&sh);
    let mut flight = sh;

    push_message(
        &mut transcript,
        &mut flight,
        HandshakeType::Certificate,
        |o| CertificatePayload::encode_chain(o, &neg.cert.chain),
    )?;

    let client_random = ch.random.0;
    let kx = config
        .provider
        .kx_group(neg.group)
        .ok_or_else(|| Error::General("negotiated group vanished".into()))?
        .start()?;
    let mut ske = ServerKeyExchangePayload {
        params: ServerEcdhParams {
            group: neg.group,
            public: Payload::new(kx.pub_key()),
        },
        dss: DigitallySignedStruct::new(neg.scheme, Vec::new()),
    };
    let signature = neg
        .cert
        .key
        .sign(neg.scheme, &ske.signed_data(&client_random, &server_random))?;
    ske.dss = DigitallySignedStruct::new(neg.scheme, signature);
    push_message(
        &mut transcript,
        &mut flight,
        HandshakeType::ServerKeyExchange,
        |o| ske.encode(o),
    )?;

    let client_schemes = match &client_auth {
        Some(v) => {
            let schemes: Vec<SignatureScheme> = v
                .supported_verify_schemes()
                .into_iter()
                .filter(|s| s.verify_algorithm(false).is_some())
                .collect();
            let req = CertificateRequestPayload {
                certificate_types: vec![
                    ClientCertificateType::ECDSA_SIGN,
                    ClientCertificateType::RSA_SIGN,
                ],
                sigschemes: schemes.clone(),
                canames: v.root_hint_subjects().to_vec(),
            };
            push_message(
                &mut transcript,
                &mut flight,
                HandshakeType::CertificateRequest,
                |o| req.encode(o),
            )?;
            schemes
        }
        None => Vec::new(),
    };
    push_message(
        &mut transcript,
        &mut flight,
        HandshakeType::ServerHelloDone,
        |_| {},
    )?;
    send_handshake(out, flight);

    let Negotiated {
        suite,
        group,
        alpn,
        ems,
        record_size_limit,
        ..
    } = neg;
    let hs = Handshaking {
        config,
        prior,
        suite,
        group,
        alpn,
        ems,
        sni: ch.sni().map(str::to_owned),
        client_random,
        server_random,
        session_id,
        issue_ticket,
        transcript,
        kx: Some(kx),
        client_schemes,
        peer_chain: Vec::new(),
        peer_scheme: None,
        record_size_limit,
    };
    Ok(match client_auth {
        Some(_) => ServerState::ExpectCertificate(Box::new(hs)),
        None => ServerState::ExpectClientKeyExchange(Box::new(hs)),
    })
}

/// The handshake after the server's flight.
pub(crate) struct Handshaking {
    config: Arc<ServerConfig>,
    prior: Option<Box<ServerTraffic>>,
    suite: &'static Tls12CipherSuite,
    group: NamedGroup,
    alpn: Option<Vec<u8>>,
    ems: bool,
    sni: Option<String>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    session_id: SessionId,
    /// An RFC 5077 NewSessionTicket goes before our ChangeCipherSpec.
    issue_ticket: bool,
    transcript: Transcript,
    kx: Option<Box<dyn ActiveKeyExchange>>,
    /// What our CertificateRequest allowed (empty: none was sent).
    client_schemes: Vec<SignatureScheme>,
    peer_chain: Vec<CertificateDer>,
    peer_scheme: Option<SignatureScheme>,
    record_size_limit: Option<RecordSizeLimits>,
}

impl Handshaking {
    fn handle_certificate(
        mut self: Box<Self>,
        msg: &Message<'_>,
        now: UnixTime,
    ) -> Result<ServerState, Error> {
        msg.require(HandshakeType::Certificate)?;
        let chain = decode(msg.body, "Certificate", CertificatePayload::parse)?.0;
        let Some(verifier) = self.config.client_verifier.clone() else {
            return Err(lost());
        };
        self.transcript.add(msg.encoded);
        match chain.split_first() {
            None => {
                if verifier.client_auth_mandatory() {
                    // handshake_failure, as OpenSSL sends in TLS 1.2
                    // (certificate_required is a TLS 1.3 alert).
                    return Err(PeerIncompatible::ClientCertificateRequired.into());
                }
                self.transcript.drop_raw();
            }
            Some((leaf, intermediates)) => {
                verifier.verify_client_cert(leaf, intermediates, now)?;
                if let Some(prior) = &self.prior {
                    prior
                        .t
                        .check_same_peer(&self.config.renegotiation, Some(leaf))?;
                }
            }
        }
        self.peer_chain = chain;
        Ok(ServerState::ExpectClientKeyExchange(self))
    }

    fn handle_client_key_exchange(
        mut self: Box<Self>,
        msg: &Message<'_>,
    ) -> Result<ServerState, Error> {
        msg.require(HandshakeType::ClientKeyExchange)?;
        let cke = decode(
            msg.body,
            "ClientKeyExchange",
            ClientKeyExchangePayload::parse,
        )?;
        let kx = self.kx.take().ok_or_else(lost)?;
        let pre_master_secret = kx.complete(cke.public.bytes())?;
        self.transcript.add(msg.encoded);
        let session_hash = self.transcript.current_hash();
        let input = match self.ems {
            true => MasterSecretInput::Extended(&session_hash),
            false => MasterSecretInput::Legacy {
                client_random: &self.client_random,
                server_random: &self.server_random,
            },
        };
        let master = MasterSecret::derive(self.suite, pre_master_secret.as_bytes(), input)?;
        drop(pre_master_secret);
        master.log(self.config.key_log.as_deref(), &self.client_random);
        if self.peer_chain.is_empty() {
            return expect_ccs(*self, master);
        }
        Ok(ServerState::ExpectCertificateVerify(Box::new(
            ExpectCertificateVerify { hs: *self, master },
        )))
    }
}

fn expect_ccs(hs: Handshaking, master: MasterSecret) -> Result<ServerState, Error> {
    let (client_keys, server_keys) = master.record_keys(&hs.client_random, &hs.server_random)?;
    Ok(ServerState::ExpectChangeCipherSpec(Box::new(
        ExpectFinished {
            hs,
            master,
            client_keys: Some(client_keys),
            server_keys,
        },
    )))
}

pub(crate) struct ExpectCertificateVerify {
    hs: Handshaking,
    master: MasterSecret,
}

impl ExpectCertificateVerify {
    /// RFC 5246 7.4.8: the signature covers every handshake message so far.
    fn handle(mut self, msg: &Message<'_>) -> Result<ServerState, Error> {
        msg.require(HandshakeType::CertificateVerify)?;
        let cv = DigitallySignedStruct::read_bytes(msg.body)?;
        if !self.hs.client_schemes.contains(&cv.scheme) {
            return Err(illegal("CertificateVerify scheme we did not offer"));
        }
        let Some(verifier) = self.hs.config.client_verifier.clone() else {
            return Err(lost());
        };
        let Some(messages) = self.hs.transcript.raw() else {
            return Err(lost());
        };
        verifier.verify_tls12_signature(
            messages,
            &self.hs.peer_chain[0],
            cv.scheme,
            cv.signature.bytes(),
        )?;
        self.hs.transcript.add(msg.encoded);
        self.hs.transcript.drop_raw();
        self.hs.peer_scheme = Some(cv.scheme);
        expect_ccs(self.hs, self.master)
    }
}

pub(crate) struct ExpectFinished {
    hs: Handshaking,
    master: MasterSecret,
    /// Installed when the client's ChangeCipherSpec arrives.
    client_keys: Option<RecordKeys>,
    server_keys: RecordKeys,
}

impl ExpectFinished {
    fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        msg.require(HandshakeType::Finished)?;
        let Self {
            mut hs,
            master,
            server_keys,
            ..
        } = self;
        let client_verify_data =
            master.check_finished(true, &hs.transcript.current_hash(), msg.body)?;
        hs.transcript.add(msg.encoded);
        let state = Tls12ServerSession {
            suite: hs.suite.suite,
            master_secret: master.secret().clone(),
            extended_master_secret: hs.ems,
            created: now,
            lifetime: hs.config.tickets.lifetime,
            sni: hs.sni.clone(),
            peer_certificates: hs.peer_chain.clone(),
        };
        if hs.issue_ticket {
            // RFC 5077 3.3: NewSessionTicket before our ChangeCipherSpec.
            let nst = resume_server::new_session_ticket(&hs.config, &state, now)?;
            hs.transcript.add(&nst);
            send_handshake(out, nst);
        }
        if let (Some(cache), false) = (&hs.config.session_cache, hs.session_id.is_empty()) {
            cache.put(hs.session_id.as_bytes(), &state);
        }
        send_ccs(out);
        tls12_write_keys(out, server_keys, hs.record_size_limit);
        let server_verify_data = master.verify_data(false, &hs.transcript.current_hash())?;
        send_handshake(
            out,
            encode_message(HandshakeType::Finished, &server_verify_data)?,
        );
        let summary = HandshakeSummary {
            version: ProtocolVersion::TLSv1_2,
            suite: SupportedCipherSuite::Tls12(hs.suite),
            group: Some(hs.group),
            alpn: hs.alpn,
            sni: hs.sni,
            peer_certificates: hs.peer_chain,
            signature_scheme: hs.peer_scheme,
            resumed: false,
            hello_retry_request: false,
            peer_record_size_limit: hs.record_size_limit.map(|l| l.peer),
            tls12_session: Some(Tls12Session {
                session_id: hs.session_id.as_bytes().to_vec(),
                master_secret: master.secret().clone(),
                extended_master_secret: hs.ems,
                suite: hs.suite.suite,
                ticket: None,
                ticket_lifetime_hint: 0,
            }),
        };
        let summary = Arc::new(summary);
        out.push(Action::HandshakeComplete(summary.clone()));
        Ok(ServerState::Traffic(Box::new(ServerTraffic {
            t: Traffic {
                master,
                client_random: hs.client_random,
                server_random: hs.server_random,
                client_verify_data,
                server_verify_data,
                ems: hs.ems,
                summary,
                limiter: hs.prior.map(|p| p.t.limiter).unwrap_or_default(),
                hello_request_sent: false,
            },
            config: hs.config,
        })))
    }
}

/// The established server connection.
pub(crate) struct ServerTraffic {
    pub(super) t: Traffic,
    pub(super) config: Arc<ServerConfig>,
}

/// ServerHello.random: fresh, with the RFC 8446 4.1.3 downgrade sentinel
/// when a TLS 1.3 server negotiates TLS 1.2 on a first handshake.
pub(super) fn server_random(config: &ServerConfig, first: bool) -> Result<[u8; 32], Error> {
    let mut random = [0u8; 32];
    config.provider.random.fill(&mut random)?;
    if first && config.versions.contains(&ProtocolVersion::TLSv1_3) {
        random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    }
    Ok(random)
}

impl ServerTraffic {
    /// A ClientHello starts a renegotiation: accepted when we asked for it
    /// (HelloRequest), otherwise when the policy and its rate allow.
    fn handle(
        mut self: Box<Self>,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        msg.require(HandshakeType::ClientHello)?;
        let ch = decode(msg.body, "ClientHello", ClientHelloPayload::parse)?;
        let requested = core::mem::replace(&mut self.t.hello_request_sent, false);
        if !requested && !self.t.limiter.allow(&self.config.renegotiation, now) {
            send_no_renegotiation(out);
            return Ok(ServerState::Traffic(self));
        }
        let config = self.config.clone();
        process_client_hello(config, Some(self), msg, &ch, now, out)
    }
}
