//! The TLS 1.3 server (RFC 8446 section 2):
//!
//! ```text
//! ExpectClientHello  --> (HelloRetryRequest, back to ExpectClientHello once)
//!                    --> ServerHello, {EncryptedExtensions, [CertificateRequest,]
//!                        Certificate, CertificateVerify, Finished}
//! ExpectCertificate, ExpectCertificateVerify (client authentication only)
//! ExpectFinished     --> Traffic
//! ```
//!
//! Negotiation (version, suite, group, signature scheme, ALPN) lives in
//! `server_hello.rs`; this file is the sequence of states.

use std::sync::Arc;

use ferrotls_core::crypto::{Secret, SupportedCipherSuite, Tls13CipherSuite};
use ferrotls_core::enums::Compression;
use ferrotls_core::{
    CertificateDer, Codec, ContentType, Error, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme, UnixTime,
};

use super::common::{self, CLIENT_VERIFY_CONTEXT, SERVER_VERIFY_CONTEXT};
use super::psk;
use super::server_hello::{self, Negotiated};
use super::traffic::Traffic;
use super::{decode, send_fake_ccs};
use crate::action::{Action, HandshakeSummary, RecordKeys, Role};
use crate::config::ServerConfig;
use crate::handshake::{Message, encode_message, push_message};
use crate::key_schedule;
use crate::msgs::{
    CertReqExtension, CertificatePayloadTls13, CertificateRequestPayloadTls13, ClientHelloPayload,
    DigitallySignedStruct, EncryptedExtensions, HELLO_RETRY_REQUEST_RANDOM, KeyShareEntry,
    ProtocolName, Random, ServerExtension, ServerHelloPayload, SessionId,
};
use crate::record_limit::RecordSizeLimits;
use crate::transcript::{HandshakeHash, HandshakeHashBuffer};

/// The server's states.
pub(crate) enum ServerState {
    ExpectClientHello(Box<ExpectClientHello>),
    ExpectCertificate(Box<ExpectCertificate>),
    ExpectCertificateVerify(Box<ExpectCertificateVerify>),
    ExpectFinished(Box<ExpectFinished>),
    Traffic(Box<Traffic>),
    /// The client gets TLS 1.2; `Handshake` moves this out at once.
    Tls12(Box<crate::tls12::Tls12>),
}

impl ServerState {
    pub fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        match self {
            Self::ExpectClientHello(s) => s.handle(msg, now, out),
            Self::ExpectCertificate(s) => s.handle(msg, now),
            Self::ExpectCertificateVerify(s) => s.handle(msg),
            Self::ExpectFinished(s) => s.handle(msg, now, out),
            Self::Traffic(mut t) => {
                t.handle(msg, now, out)?;
                Ok(Self::Traffic(t))
            }
            Self::Tls12(t) => t.handle(msg, now, out).map(|t| Self::Tls12(Box::new(t))),
        }
    }

    /// A stray ChangeCipherSpec is dropped after the first ClientHello and
    /// until the client's Finished (RFC 8446 section 5).
    pub fn accepts_change_cipher_spec(&self) -> bool {
        match self {
            Self::ExpectClientHello(s) => s.retry.is_some(),
            Self::Traffic(_) | Self::Tls12(_) => false,
            _ => true,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::ExpectClientHello(_) => "ExpectClientHello",
            Self::ExpectCertificate(_) => "ExpectCertificate",
            Self::ExpectCertificateVerify(_) => "ExpectCertificateVerify",
            Self::ExpectFinished(_) => "ExpectFinished",
            Self::Traffic(_) => "Traffic",
            Self::Tls12(t) => t.name(),
        }
    }
}

/// A server waiting for the first ClientHello.
pub(crate) fn start(config: Arc<ServerConfig>) -> ServerState {
    ServerState::ExpectClientHello(Box::new(ExpectClientHello {
        config,
        retry: None,
    }))
}

/// What a HelloRetryRequest fixed for the second ClientHello.
struct Retry {
    suite: &'static Tls13CipherSuite,
    group: NamedGroup,
    session_id: SessionId,
    transcript: HandshakeHash,
    sent_ccs: bool,
}

pub(crate) struct ExpectClientHello {
    config: Arc<ServerConfig>,
    retry: Option<Retry>,
}

impl ExpectClientHello {
    fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        msg.require(HandshakeType::ClientHello)?;
        let ch = decode(msg.body, "ClientHello", ClientHelloPayload::parse)?;
        if self.retry.is_none() && crate::tls12::server::use_tls12(&self.config, &ch) {
            return crate::tls12::server::start(self.config, msg, &ch, now, out)
                .map(|t| ServerState::Tls12(Box::new(crate::tls12::Tls12::Server(t))));
        }
        let retry = self
            .retry
            .as_ref()
            .map(|r| (r.suite, r.group, r.session_id));
        let mut neg = server_hello::negotiate(&self.config, &ch, retry)?;
        match neg.share.take() {
            Some(share) => self.complete_hello(msg, &ch, neg, share, now, out),
            None => self.send_hello_retry_request(msg, &ch, neg, out),
        }
    }

    fn send_hello_retry_request(
        self,
        msg: &Message<'_>,
        ch: &ClientHelloPayload,
        neg: Negotiated,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        let mut transcript = HandshakeHashBuffer::new();
        transcript.add(msg.encoded);
        let mut transcript = transcript.start_hash(neg.suite.hash);
        transcript.rollup_for_hrr();
        let hrr = ServerHelloPayload {
            legacy_version: ProtocolVersion::TLSv1_2,
            random: Random(HELLO_RETRY_REQUEST_RANDOM),
            session_id: ch.session_id,
            cipher_suite: neg.suite.suite,
            compression_method: Compression::Null,
            extensions: vec![
                ServerExtension::HelloRetryKeyShare(neg.group),
                ServerExtension::SupportedVersions(ProtocolVersion::TLSv1_3),
            ],
        };
        let mut body = Vec::new();
        hrr.encode(&mut body);
        let encoded = encode_message(HandshakeType::ServerHello, &body)?;
        transcript.add(&encoded);
        out.push(Action::Send {
            content_type: ContentType::Handshake,
            payload: encoded,
        });
        let sent_ccs = !ch.session_id.is_empty();
        if sent_ccs {
            send_fake_ccs(out);
        }
        Ok(ServerState::ExpectClientHello(Box::new(Self {
            config: self.config,
            retry: Some(Retry {
                suite: neg.suite,
                group: neg.group,
                session_id: ch.session_id,
                transcript,
                sent_ccs,
            }),
        })))
    }

    fn complete_hello(
        self,
        msg: &Message<'_>,
        ch: &ClientHelloPayload,
        neg: Negotiated,
        share: KeyShareEntry,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        let config = self.config;
        let suite = neg.suite;
        let prior = self.retry.as_ref().map(|r| &r.transcript);
        let resumed = psk::accept(&config, ch, msg.encoded, suite, prior, now)?;
        let kx = config
            .provider
            .kx_group(neg.group)
            .ok_or_else(|| Error::General("negotiated group vanished".into()))?
            .start_and_complete(share.payload.bytes())?;

        let mut random = [0u8; 32];
        config.provider.random.fill(&mut random)?;
        let mut sh = ServerHelloPayload {
            legacy_version: ProtocolVersion::TLSv1_2,
            random: Random(random),
            session_id: ch.session_id,
            cipher_suite: suite.suite,
            compression_method: Compression::Null,
            extensions: vec![
                ServerExtension::KeyShare(KeyShareEntry::new(neg.group, kx.pub_key.clone())),
                ServerExtension::SupportedVersions(ProtocolVersion::TLSv1_3),
            ],
        };
        if let Some(r) = &resumed {
            sh.extensions.push(ServerExtension::PreSharedKey(r.index));
        }
        let mut sh_encoded = Vec::with_capacity(128);
        push_message(&mut sh_encoded, HandshakeType::ServerHello, |o| {
            sh.encode(o)
        })?;

        let (mut transcript, sent_ccs) = match self.retry {
            Some(r) => (r.transcript, r.sent_ccs),
            None => (HandshakeHashBuffer::new().start_hash(suite.hash), false),
        };
        transcript.add(msg.encoded);
        transcript.add(&sh_encoded);
        let client_random = ch.random.0;
        let common::HandshakeSecrets {
            key_schedule,
            client: client_hs,
            server: server_hs,
        } = common::handshake_secrets(
            suite,
            resumed.as_ref().map(|r| r.value.psk.as_bytes()),
            kx.secret.as_bytes(),
            &transcript.current_hash(),
            config.key_log.as_deref(),
            &client_random,
        )?;

        out.push(Action::Send {
            content_type: ContentType::Handshake,
            payload: sh_encoded,
        });
        if !ch.session_id.is_empty() && !sent_ccs {
            send_fake_ccs(out);
        }
        out.push(Action::SetWriteKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: server_hs.clone(),
        }));
        // RFC 8449 section 4: our encrypted flight already obeys the
        // client's limit, and the client's protected records obey ours.
        let limits = RecordSizeLimits::agreed(config.record_size_limit, ch.record_size_limit());
        if let Some(l) = limits {
            out.push(l.tls13_action());
        }

        // Each message is written once, into the flight, and hashed from there.
        let chain_len: usize = neg.cert.chain.iter().map(|c| c.as_bytes().len() + 5).sum();
        let mut flight = Vec::with_capacity(512 + chain_len);
        let mut add = |transcript: &mut HandshakeHash,
                       typ,
                       body: &mut dyn FnMut(&mut Vec<u8>)|
         -> Result<(), Error> {
            let start = flight.len();
            push_message(&mut flight, typ, body)?;
            transcript.add(&flight[start..]);
            Ok(())
        };

        let ee = encrypted_extensions(&config, ch, &neg);
        add(
            &mut transcript,
            HandshakeType::EncryptedExtensions,
            &mut |o| ee.encode(o),
        )?;

        // A resumed session keeps its authentication: no CertificateRequest,
        // Certificate or CertificateVerify (RFC 8446 section 2.2).
        let client_schemes = match &config.client_verifier {
            _ if resumed.is_some() => None,
            Some(v) if v.offer_client_auth() => {
                let schemes = v.supported_verify_schemes();
                let mut exts = vec![CertReqExtension::SignatureAlgorithms(schemes.clone())];
                let roots = v.root_hint_subjects();
                if !roots.is_empty() {
                    exts.push(CertReqExtension::CertificateAuthorities(roots.to_vec()));
                }
                let req = CertificateRequestPayloadTls13 {
                    context: Default::default(),
                    extensions: exts,
                };
                add(
                    &mut transcript,
                    HandshakeType::CertificateRequest,
                    &mut |o| req.encode(o),
                )?;
                Some(schemes)
            }
            _ => None,
        };

        if resumed.is_none() {
            add(&mut transcript, HandshakeType::Certificate, &mut |o| {
                CertificatePayloadTls13::encode_chain(o, &[], &neg.cert.chain)
            })?;

            let signed = common::verify_message(SERVER_VERIFY_CONTEXT, &transcript.current_hash());
            let signature = neg.cert.key.sign(neg.scheme, &signed)?;
            let cv = DigitallySignedStruct::new(neg.scheme, signature);
            add(
                &mut transcript,
                HandshakeType::CertificateVerify,
                &mut |o| cv.encode(o),
            )?;
        }

        let verify_data =
            key_schedule::finished_verify_data(suite, &server_hs, &transcript.current_hash())?;
        add(&mut transcript, HandshakeType::Finished, &mut |o| {
            o.extend_from_slice(verify_data.as_ref())
        })?;
        out.push(Action::Send {
            content_type: ContentType::Handshake,
            payload: flight,
        });

        let common::ApplicationSecrets {
            master,
            client: client_ap,
            server: server_ap,
            exporter,
        } = common::application_secrets(
            key_schedule,
            &transcript.current_hash(),
            config.key_log.as_deref(),
            &client_random,
        )?;
        out.push(Action::SetWriteKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: server_ap.clone(),
        }));
        out.push(Action::SetReadKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: client_hs.clone(),
        }));

        let hs = Handshaking {
            config,
            suite,
            transcript,
            master,
            client_hs,
            client_ap,
            server_ap,
            exporter,
            summary: HandshakeSummary {
                version: ProtocolVersion::TLSv1_3,
                suite: SupportedCipherSuite::Tls13(suite),
                group: Some(neg.group),
                alpn: neg.alpn,
                sni: ch.sni().map(str::to_owned),
                peer_certificates: resumed
                    .as_ref()
                    .map(|r| r.value.peer_certificates.clone())
                    .unwrap_or_default(),
                signature_scheme: None,
                resumed: resumed.is_some(),
                hello_retry_request: neg.after_retry,
                peer_record_size_limit: limits.map(|l| l.peer),
                tls12_session: None,
            },
        };
        Ok(match client_schemes {
            Some(schemes) => {
                ServerState::ExpectCertificate(Box::new(ExpectCertificate { hs, schemes }))
            }
            None => ServerState::ExpectFinished(Box::new(ExpectFinished { hs })),
        })
    }
}

/// EncryptedExtensions: supported_groups (if configured), record_size_limit
/// (if both sides have one), the SNI acknowledgement (RFC 6066 section 3),
/// ALPN.
fn encrypted_extensions(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
    neg: &Negotiated,
) -> EncryptedExtensions {
    let mut exts = Vec::new();
    if config.send_supported_groups {
        exts.push(ServerExtension::SupportedGroups(config.groups.to_vec()));
    }
    if let (Some(_), Some(limit)) = (ch.record_size_limit(), config.record_size_limit) {
        exts.push(ServerExtension::RecordSizeLimit(limit));
    }
    if neg.sni_ack {
        exts.push(ServerExtension::ServerNameAck);
    }
    if let Some(p) = &neg.alpn {
        exts.push(ServerExtension::Alpn(ProtocolName(p.clone())));
    }
    EncryptedExtensions(exts)
}

/// The handshake after the server's flight.
struct Handshaking {
    config: Arc<ServerConfig>,
    suite: &'static Tls13CipherSuite,
    transcript: HandshakeHash,
    master: key_schedule::KeyScheduleMaster,
    client_hs: Secret,
    client_ap: Secret,
    server_ap: Secret,
    exporter: Secret,
    summary: HandshakeSummary,
}

pub(crate) struct ExpectCertificate {
    hs: Handshaking,
    /// What our CertificateRequest allowed.
    schemes: Vec<SignatureScheme>,
}

impl ExpectCertificate {
    fn handle(mut self, msg: &Message<'_>, now: UnixTime) -> Result<ServerState, Error> {
        let chain = common::read_certificate(msg, "certificate_request_context differs from ours")?;
        let Some(verifier) = self.hs.config.client_verifier.clone() else {
            return Err(Error::General("client verifier vanished".into()));
        };
        self.hs.transcript.add(msg.encoded);
        let Some((end_entity, intermediates)) = chain.split_first() else {
            if verifier.client_auth_mandatory() {
                return Err(Error::NoCertificatesPresented);
            }
            return Ok(ServerState::ExpectFinished(Box::new(ExpectFinished {
                hs: self.hs,
            })));
        };
        verifier.verify_client_cert(end_entity, intermediates, now)?;
        Ok(ServerState::ExpectCertificateVerify(Box::new(
            ExpectCertificateVerify {
                hs: self.hs,
                schemes: self.schemes,
                chain,
            },
        )))
    }
}

pub(crate) struct ExpectCertificateVerify {
    hs: Handshaking,
    schemes: Vec<SignatureScheme>,
    chain: Vec<CertificateDer>,
}

impl ExpectCertificateVerify {
    fn handle(mut self, msg: &Message<'_>) -> Result<ServerState, Error> {
        let cv = common::read_certificate_verify(msg, &self.schemes)?;
        let Some(verifier) = self.hs.config.client_verifier.clone() else {
            return Err(Error::General("client verifier vanished".into()));
        };
        let signed =
            common::verify_message(CLIENT_VERIFY_CONTEXT, &self.hs.transcript.current_hash());
        verifier.verify_tls13_signature(
            &signed,
            &self.chain[0],
            cv.scheme,
            cv.signature.bytes(),
        )?;
        self.hs.transcript.add(msg.encoded);
        self.hs.summary.peer_certificates = self.chain;
        self.hs.summary.signature_scheme = Some(cv.scheme);
        Ok(ServerState::ExpectFinished(Box::new(ExpectFinished {
            hs: self.hs,
        })))
    }
}

pub(crate) struct ExpectFinished {
    hs: Handshaking,
}

impl ExpectFinished {
    fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<ServerState, Error> {
        msg.require(HandshakeType::Finished)?;
        let Handshaking {
            config,
            suite,
            mut transcript,
            master,
            client_hs,
            client_ap,
            server_ap,
            exporter,
            summary,
            ..
        } = self.hs;
        common::check_finished(suite, &client_hs, &transcript.current_hash(), msg.body)?;
        transcript.add(msg.encoded);
        let resumption = master.resumption_master_secret(&transcript.current_hash())?;
        out.push(Action::SetReadKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: client_ap.clone(),
        }));
        let summary = Arc::new(summary);
        out.push(Action::HandshakeComplete(summary.clone()));
        psk::issue_tickets(&config, suite, &resumption, &summary, now, out)?;
        Ok(ServerState::Traffic(Box::new(Traffic {
            role: Role::Server,
            suite,
            read_secret: client_ap,
            write_secret: server_ap,
            exporter_master_secret: exporter,
            resumption_master_secret: resumption,
            summary,
        })))
    }
}
