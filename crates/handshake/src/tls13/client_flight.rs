//! The server's authenticated flight as the TLS 1.3 client reads it (RFC
//! 8446 section 4.4): `[CertificateRequest,] Certificate, CertificateVerify,
//! Finished`, then the client's second flight (`[Certificate,
//! CertificateVerify,] Finished`) and the application traffic keys. The
//! states up to EncryptedExtensions, which agree the keys, are in
//! `client.rs`.

use std::sync::Arc;

use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_core::{
    CertificateDer, Codec, ContentType, Error, HandshakeType, InvalidMessage, PeerMisbehaved,
    ProtocolVersion, SignatureScheme, UnixTime,
};

use super::client::{ClientState, Handshaking, illegal};
use super::common::{self, CLIENT_VERIFY_CONTEXT, SERVER_VERIFY_CONTEXT};
use super::decode;
use super::traffic::Traffic;
use crate::action::{Action, HandshakeSummary, RecordKeys, Role};
use crate::config::ClientConfig;
use crate::handshake::{Message, encode_message};
use crate::key_schedule;
use crate::msgs::{CertificatePayloadTls13, CertificateRequestPayloadTls13, DigitallySignedStruct};
use crate::transcript::HandshakeHash;

pub(crate) struct ExpectCertificate {
    pub(super) hs: Handshaking,
    pub(super) cert_request: Option<CertificateRequestPayloadTls13>,
}

impl ExpectCertificate {
    pub(super) fn handle(
        mut self,
        msg: &Message<'_>,
        now: UnixTime,
        request_allowed: bool,
    ) -> Result<ClientState, Error> {
        match msg.typ {
            HandshakeType::CertificateRequest if request_allowed => {
                let req = decode(
                    msg.body,
                    "CertificateRequest",
                    CertificateRequestPayloadTls13::parse,
                )?;
                if !req.context.bytes().is_empty() {
                    return Err(illegal(
                        "certificate_request_context not empty in handshake",
                    ));
                }
                if req.sigschemes().is_none() {
                    return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
                }
                self.hs.transcript.add(msg.encoded);
                self.cert_request = Some(req);
                Ok(ClientState::ExpectCertificate(Box::new(self)))
            }
            HandshakeType::Certificate => {
                let chain =
                    common::read_certificate(msg, "server certificate_request_context not empty")?;
                if chain.is_empty() {
                    // RFC 8446 4.4.2.4: an empty server Certificate is decode_error.
                    return Err(InvalidMessage::InvalidLength("empty server Certificate").into());
                }
                self.hs.shared.config.verifier.verify_server_cert(
                    &chain[0],
                    &chain[1..],
                    &self.hs.shared.server_name,
                    now,
                )?;
                self.hs.transcript.add(msg.encoded);
                Ok(ClientState::ExpectCertificateVerify(Box::new(
                    ExpectCertificateVerify {
                        hs: self.hs,
                        cert_request: self.cert_request,
                        chain,
                    },
                )))
            }
            _ if request_allowed => Err(msg.unexpected(&[
                HandshakeType::Certificate,
                HandshakeType::CertificateRequest,
            ])),
            _ => Err(msg.unexpected(&[HandshakeType::Certificate])),
        }
    }
}

pub(crate) struct ExpectCertificateVerify {
    hs: Handshaking,
    cert_request: Option<CertificateRequestPayloadTls13>,
    chain: Vec<CertificateDer>,
}

impl ExpectCertificateVerify {
    pub(super) fn handle(mut self, msg: &Message<'_>) -> Result<ClientState, Error> {
        let config = &self.hs.shared.config;
        let cv = common::read_certificate_verify(msg, &config.signature_schemes)?;
        let signed =
            common::verify_message(SERVER_VERIFY_CONTEXT, &self.hs.transcript.current_hash());
        config.verifier.verify_tls13_signature(
            &signed,
            &self.chain[0],
            cv.scheme,
            cv.signature.bytes(),
        )?;
        self.hs.transcript.add(msg.encoded);
        Ok(ClientState::ExpectFinished(Box::new(ExpectFinished {
            hs: self.hs,
            cert_request: self.cert_request,
            chain: self.chain,
            scheme: Some(cv.scheme),
        })))
    }
}

pub(crate) struct ExpectFinished {
    pub(super) hs: Handshaking,
    pub(super) cert_request: Option<CertificateRequestPayloadTls13>,
    pub(super) chain: Vec<CertificateDer>,
    pub(super) scheme: Option<SignatureScheme>,
}

impl ExpectFinished {
    pub(super) fn handle(
        self,
        msg: &Message<'_>,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        msg.require(HandshakeType::Finished)?;
        let Self {
            hs:
                Handshaking {
                    shared,
                    sni,
                    suite,
                    group,
                    mut transcript,
                    key_schedule,
                    client_hs,
                    server_hs,
                    alpn,
                    record_size_limit,
                    client_random,
                    resumed,
                },
            cert_request,
            chain,
            scheme,
        } = self;
        common::check_finished(suite, &server_hs, &transcript.current_hash(), msg.body)?;
        transcript.add(msg.encoded);

        let common::ApplicationSecrets {
            master,
            client: client_ap,
            server: server_ap,
            exporter,
        } = common::application_secrets(
            key_schedule,
            &transcript.current_hash(),
            shared.config.key_log.as_deref(),
            &client_random,
        )?;

        // Our second flight, under the client handshake traffic secret
        // installed when the ServerHello was processed.
        let mut flight = Vec::new();
        if let Some(req) = &cert_request {
            client_auth(&shared.config, req, &mut transcript, &mut flight)?;
        }
        let verify_data =
            key_schedule::finished_verify_data(suite, &client_hs, &transcript.current_hash())?;
        let finished = encode_message(HandshakeType::Finished, verify_data.as_ref())?;
        transcript.add(&finished);
        flight.extend_from_slice(&finished);
        out.push(Action::Send {
            content_type: ContentType::Handshake,
            payload: flight,
        });
        out.push(Action::SetWriteKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: client_ap.clone(),
        }));
        out.push(Action::SetReadKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: server_ap.clone(),
        }));
        let resumption = master.resumption_master_secret(&transcript.current_hash())?;

        let summary = HandshakeSummary {
            version: ProtocolVersion::TLSv1_3,
            suite: SupportedCipherSuite::Tls13(suite),
            group: Some(group),
            alpn,
            sni,
            peer_certificates: chain,
            signature_scheme: scheme,
            resumed: resumed.is_some(),
            hello_retry_request: shared.hello_retry_request,
            peer_record_size_limit: record_size_limit,
            tls12_session: None,
        };
        let summary = Arc::new(summary);
        out.push(Action::HandshakeComplete(summary.clone()));
        Ok(ClientState::Traffic(Box::new(Traffic {
            role: Role::Client,
            suite,
            read_secret: server_ap,
            write_secret: client_ap,
            exporter_master_secret: exporter,
            resumption_master_secret: resumption,
            summary,
        })))
    }
}

/// The client's Certificate and (with a usable certificate) CertificateVerify
/// (RFC 8446 4.4.2, 4.4.3). Without a certificate whose key can sign one of
/// the requested schemes, an empty Certificate says so; the server decides
/// whether that is fatal.
fn client_auth(
    config: &ClientConfig,
    req: &CertificateRequestPayloadTls13,
    transcript: &mut HandshakeHash,
    flight: &mut Vec<u8>,
) -> Result<(), Error> {
    let offered: Vec<SignatureScheme> = req
        .sigschemes()
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(|s| common::usable_in_tls13_certificate_verify(*s))
        .collect();
    // A resolver (SSL_CTX_set_client_cert_cb) sees the CA names first.
    let resolved = config
        .client_cert_resolver
        .as_ref()
        .and_then(|r| r.resolve(req.authorities().unwrap_or(&[]), &offered));
    let chosen = resolved
        .as_ref()
        .or(config.client_auth_cert.as_ref())
        .and_then(|ck| ck.key.choose_scheme(&offered).map(|s| (ck, s)));
    let chain = chosen
        .as_ref()
        .map(|(ck, _)| ck.chain.clone())
        .unwrap_or_default();
    let mut body = Vec::new();
    CertificatePayloadTls13::new(req.context.bytes().to_vec(), chain).encode(&mut body);
    let cert = encode_message(HandshakeType::Certificate, &body)?;
    transcript.add(&cert);
    flight.extend_from_slice(&cert);

    if let Some((ck, scheme)) = chosen {
        let signed = common::verify_message(CLIENT_VERIFY_CONTEXT, &transcript.current_hash());
        let signature = ck.key.sign(scheme, &signed)?;
        let mut body = Vec::new();
        DigitallySignedStruct::new(scheme, signature).encode(&mut body);
        let cv = encode_message(HandshakeType::CertificateVerify, &body)?;
        transcript.add(&cv);
        flight.extend_from_slice(&cv);
    }
    Ok(())
}
