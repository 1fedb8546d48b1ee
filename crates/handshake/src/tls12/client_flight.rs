//! The TLS 1.2 client's key exchange flight and the server's answer to it
//! (RFC 5246 section 7.3): after ServerHelloDone (and any
//! CertificateRequest), `[Certificate,] ClientKeyExchange,
//! [CertificateVerify,] ChangeCipherSpec, Finished`; then the server's
//! ChangeCipherSpec and Finished, which establish the connection. The
//! states before it, which read the server's first flight, are in
//! `client.rs`.

use std::sync::Arc;

use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_core::{
    CertificateDer, Codec, Error, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};

use super::client::{ClientState, ClientTraffic, Handshaking, Hello, lost};
use super::keys::{MasterSecret, MasterSecretInput, VERIFY_DATA_LEN};
use super::traffic::Traffic;
use super::{expect_empty, push_message, send_ccs, send_handshake};
use crate::action::{Action, HandshakeSummary, RecordKeys, Tls12Session};
use crate::config::{CertifiedKey, ClientConfig};
use crate::handshake::{Message, encode_message};
use crate::msgs::{
    CertificatePayload, CertificateRequestPayload, ClientCertificateType, ClientKeyExchangePayload,
    DigitallySignedStruct, Payload,
};
use crate::record_limit::tls12_write_keys;
use crate::tls13::decode;

pub(crate) struct ExpectServerHelloDone {
    pub(super) hs: Handshaking,
    pub(super) chain: Vec<CertificateDer>,
    pub(super) group: NamedGroup,
    pub(super) server_public: Vec<u8>,
    pub(super) scheme: SignatureScheme,
    pub(super) cert_request: Option<CertificateRequestPayload>,
}

impl ExpectServerHelloDone {
    pub(super) fn handle(
        mut self,
        msg: &Message<'_>,
        request_allowed: bool,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        match msg.typ {
            HandshakeType::CertificateRequest if request_allowed => {
                let req = decode(
                    msg.body,
                    "CertificateRequest",
                    CertificateRequestPayload::parse,
                )?;
                self.hs.transcript.add(msg.encoded);
                self.cert_request = Some(req);
                Ok(ClientState::ExpectServerHelloDone(Box::new(self)))
            }
            HandshakeType::ServerHelloDone => {
                expect_empty(msg, "ServerHelloDone")?;
                self.hs.transcript.add(msg.encoded);
                self.send_flight(out)
            }
            _ if request_allowed => Err(msg.unexpected(&[
                HandshakeType::CertificateRequest,
                HandshakeType::ServerHelloDone,
            ])),
            _ => Err(msg.unexpected(&[HandshakeType::ServerHelloDone])),
        }
    }

    /// `[Certificate,] ClientKeyExchange, [CertificateVerify,]
    /// ChangeCipherSpec, Finished`.
    fn send_flight(self, out: &mut Vec<Action>) -> Result<ClientState, Error> {
        let Self {
            mut hs,
            chain,
            group,
            server_public,
            scheme,
            cert_request,
        } = self;
        let config = hs.hello.config.clone();
        let mut flight = Vec::new();
        let chosen = cert_request
            .as_ref()
            .and_then(|req| choose_client_cert(&config, req));
        if cert_request.is_some() {
            let certs = chosen.as_ref().map_or(&[][..], |(ck, _)| &ck.chain[..]);
            push_message(
                &mut hs.transcript,
                &mut flight,
                HandshakeType::Certificate,
                |o| CertificatePayload::encode_chain(o, certs),
            )?;
        }

        let kx = config
            .provider
            .kx_group(group)
            .ok_or_else(|| Error::General("offered group vanished".into()))?
            .start()?;
        let cke = ClientKeyExchangePayload {
            public: Payload::new(kx.pub_key()),
        };
        let pre_master_secret = kx.complete(&server_public)?;
        push_message(
            &mut hs.transcript,
            &mut flight,
            HandshakeType::ClientKeyExchange,
            |o| cke.encode(o),
        )?;

        let session_hash = hs.transcript.current_hash();
        let input = match hs.ems {
            true => MasterSecretInput::Extended(&session_hash),
            false => MasterSecretInput::Legacy {
                client_random: &hs.hello.client_random,
                server_random: &hs.server_random,
            },
        };
        let master = MasterSecret::derive(hs.suite, pre_master_secret.as_bytes(), input)?;
        drop(pre_master_secret);
        master.log(config.key_log.as_deref(), &hs.hello.client_random);

        if let Some((ck, cv_scheme)) = &chosen {
            let Some(messages) = hs.transcript.raw() else {
                return Err(lost());
            };
            let signature = ck.key.sign(*cv_scheme, messages)?;
            let cv = DigitallySignedStruct::new(*cv_scheme, signature);
            push_message(
                &mut hs.transcript,
                &mut flight,
                HandshakeType::CertificateVerify,
                |o| cv.encode(o),
            )?;
        }
        hs.transcript.drop_raw();
        send_handshake(out, flight);

        let (client_keys, server_keys) =
            master.record_keys(&hs.hello.client_random, &hs.server_random)?;
        send_ccs(out);
        tls12_write_keys(out, client_keys, hs.record_size_limit);
        let client_verify_data = master.verify_data(true, &hs.transcript.current_hash())?;
        let finished = encode_message(HandshakeType::Finished, &client_verify_data)?;
        hs.transcript.add(&finished);
        send_handshake(out, finished);

        Ok(ClientState::ExpectChangeCipherSpec(Box::new(
            ExpectFinished {
                ticket_expected: hs.ticket_expected,
                hs,
                chain,
                group,
                scheme,
                master,
                server_keys: Some(server_keys),
                client_verify_data,
                new_ticket: None,
            },
        )))
    }
}

/// Our certificate, if one fits the request: its key type among
/// `certificate_types` and a scheme it can make among the offered ones.
/// Without one, an empty Certificate lets the server decide.
fn choose_client_cert(
    config: &ClientConfig,
    req: &CertificateRequestPayload,
) -> Option<(Arc<CertifiedKey>, SignatureScheme)> {
    use ferrotls_core::crypto::SignatureKind;
    let offered: Vec<SignatureScheme> = req
        .sigschemes
        .iter()
        .copied()
        .filter(|s| s.verify_algorithm(false).is_some())
        .collect();
    // A resolver (SSL_CTX_set_client_cert_cb) sees the CA names first;
    // without an answer the context's certificate is used, as in TLS 1.3.
    let resolved = config
        .client_cert_resolver
        .as_ref()
        .and_then(|r| r.resolve(&req.canames, &offered));
    let ck = resolved.as_ref().or(config.client_auth_cert.as_ref())?;
    let wanted = match ck.key.kind() {
        SignatureKind::Ecdsa | SignatureKind::Ed25519 => ClientCertificateType::ECDSA_SIGN,
        SignatureKind::RsaPkcs1 | SignatureKind::RsaPss => ClientCertificateType::RSA_SIGN,
    };
    if !req.certificate_types.contains(&wanted) {
        return None;
    }
    ck.key.choose_scheme(&offered).map(|s| (ck.clone(), s))
}

pub(crate) struct ExpectFinished {
    pub(super) hs: Handshaking,
    chain: Vec<CertificateDer>,
    group: NamedGroup,
    scheme: SignatureScheme,
    master: MasterSecret,
    /// Installed when the server's ChangeCipherSpec arrives.
    pub(super) server_keys: Option<RecordKeys>,
    client_verify_data: [u8; VERIFY_DATA_LEN],
    /// The server acknowledged session_ticket and its NewSessionTicket
    /// has not arrived yet.
    pub(super) ticket_expected: bool,
    /// The ticket and its lifetime hint, once received (and not empty).
    pub(super) new_ticket: Option<(Vec<u8>, u32)>,
}

impl ExpectFinished {
    pub(super) fn handle(
        self,
        msg: &Message<'_>,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        msg.require(HandshakeType::Finished)?;
        let Self {
            hs,
            chain,
            group,
            scheme,
            master,
            client_verify_data,
            new_ticket,
            ..
        } = self;
        let server_verify_data =
            master.check_finished(false, &hs.transcript.current_hash(), msg.body)?;
        let Hello {
            config,
            server_name,
            sni,
            client_random,
            prior,
            ..
        } = hs.hello;
        let summary = HandshakeSummary {
            version: ProtocolVersion::TLSv1_2,
            suite: SupportedCipherSuite::Tls12(hs.suite),
            group: Some(group),
            alpn: hs.alpn,
            sni: sni.clone(),
            peer_certificates: chain,
            signature_scheme: Some(scheme),
            resumed: false,
            hello_retry_request: false,
            peer_record_size_limit: hs.record_size_limit.map(|l| l.peer),
            tls12_session: Some(Tls12Session {
                session_id: hs.session_id.as_bytes().to_vec(),
                master_secret: master.secret().clone(),
                extended_master_secret: hs.ems,
                suite: hs.suite.suite,
                ticket_lifetime_hint: new_ticket.as_ref().map_or(0, |t| t.1),
                ticket: new_ticket.map(|t| t.0),
            }),
        };
        let summary = Arc::new(summary);
        out.push(Action::HandshakeComplete(summary.clone()));
        Ok(ClientState::Traffic(Box::new(ClientTraffic {
            t: Traffic {
                master,
                client_random,
                server_random: hs.server_random,
                client_verify_data,
                server_verify_data,
                ems: hs.ems,
                summary,
                limiter: prior.map(|p| p.t.limiter).unwrap_or_default(),
                hello_request_sent: false,
            },
            config,
            server_name,
            sni,
        })))
    }
}
