//! Pieces both TLS 1.3 sides share: the handshake and application traffic
//! secrets (with their key log lines), reading a peer's Certificate and
//! CertificateVerify, the CertificateVerify input, and Finished checking.
//! Both sides derive and check the same values from the same transcript,
//! so one copy keeps them from drifting apart.

use ferrotls_core::crypto::{Digest, Secret, Tls13CipherSuite};
use ferrotls_core::{CertificateDer, Codec, Error, HandshakeType, PeerMisbehaved, SignatureScheme};

use super::decode;
use crate::handshake::Message;
use crate::hooks::{KeyLog, labels};
use crate::key_schedule::{self, KeyScheduleEarly, KeyScheduleHandshake, KeyScheduleMaster};
use crate::msgs::{CertificatePayloadTls13, DigitallySignedStruct, Extension};

/// The context string of a server's CertificateVerify (RFC 8446 4.4.3).
pub(crate) const SERVER_VERIFY_CONTEXT: &[u8] = b"TLS 1.3, server CertificateVerify";
/// The context string of a client's CertificateVerify.
pub(crate) const CLIENT_VERIFY_CONTEXT: &[u8] = b"TLS 1.3, client CertificateVerify";

/// What a CertificateVerify signs: 64 spaces, the context string, a zero
/// byte, and the transcript hash up to (not including) the
/// CertificateVerify. The padding keeps a TLS 1.3 signature from ever
/// being a valid TLS 1.2 ServerKeyExchange signature, whose input starts
/// with the client random.
pub(crate) fn verify_message(context: &[u8], transcript_hash: &Digest) -> Vec<u8> {
    let hash = transcript_hash.as_ref();
    let mut m = Vec::with_capacity(64 + context.len() + 1 + hash.len());
    m.extend_from_slice(&[0x20; 64]);
    m.extend_from_slice(context);
    m.push(0);
    m.extend_from_slice(hash);
    m
}

/// Schemes that TLS 1.3 forbids in CertificateVerify even when the peer
/// lists them (RFC 8446 4.2.3: RSASSA-PKCS1-v1_5 and SHA-1 appear only for
/// certificates).
pub(crate) fn usable_in_tls13_certificate_verify(scheme: SignatureScheme) -> bool {
    !matches!(
        scheme,
        SignatureScheme::RSA_PKCS1_SHA1
            | SignatureScheme::ECDSA_SHA1_LEGACY
            | SignatureScheme::RSA_PKCS1_SHA256
            | SignatureScheme::RSA_PKCS1_SHA384
            | SignatureScheme::RSA_PKCS1_SHA512
    ) && scheme.verify_algorithm(true).is_some()
}

/// Checks a peer's Finished against the expected verify_data. `Digest`
/// equality is constant-time.
pub(crate) fn check_finished(
    suite: &Tls13CipherSuite,
    base_key: &Secret,
    transcript_hash: &Digest,
    received: &[u8],
) -> Result<(), Error> {
    let expected = key_schedule::finished_verify_data(suite, base_key, transcript_hash)?;
    if received.len() != expected.as_ref().len() || Digest::new(received) != expected {
        return Err(PeerMisbehaved::BadFinished.into());
    }
    Ok(())
}

/// The handshake stage of the key schedule (RFC 8446 7.1): what protects
/// EncryptedExtensions through the Finished messages.
pub(crate) struct HandshakeSecrets {
    pub key_schedule: KeyScheduleHandshake,
    /// client_handshake_traffic_secret.
    pub client: Secret,
    /// server_handshake_traffic_secret.
    pub server: Secret,
}

/// Derives the handshake traffic secrets over the transcript up to the
/// ServerHello, and writes their NSS key log lines (SSLKEYLOGFILE).
pub(crate) fn handshake_secrets(
    suite: &'static Tls13CipherSuite,
    psk: Option<&[u8]>,
    shared_secret: &[u8],
    hello_hash: &Digest,
    key_log: Option<&dyn KeyLog>,
    client_random: &[u8],
) -> Result<HandshakeSecrets, Error> {
    let key_schedule = KeyScheduleEarly::new(suite, psk).into_handshake(shared_secret)?;
    let client = key_schedule.client_handshake_traffic_secret(hello_hash)?;
    let server = key_schedule.server_handshake_traffic_secret(hello_hash)?;
    if let Some(log) = key_log {
        log.log(
            labels::CLIENT_HANDSHAKE_TRAFFIC_SECRET,
            client_random,
            client.as_bytes(),
        );
        log.log(
            labels::SERVER_HANDSHAKE_TRAFFIC_SECRET,
            client_random,
            server.as_bytes(),
        );
    }
    Ok(HandshakeSecrets {
        key_schedule,
        client,
        server,
    })
}

/// The master stage of the key schedule: the first application traffic
/// secrets and the exporter secret.
pub(crate) struct ApplicationSecrets {
    /// Kept for resumption_master_secret, which also covers the client's
    /// Finished.
    pub master: KeyScheduleMaster,
    /// client_application_traffic_secret_0.
    pub client: Secret,
    /// server_application_traffic_secret_0.
    pub server: Secret,
    /// exporter_master_secret.
    pub exporter: Secret,
}

/// Derives the application secrets over the transcript up to the server's
/// Finished, and writes their key log lines.
pub(crate) fn application_secrets(
    key_schedule: KeyScheduleHandshake,
    server_finished_hash: &Digest,
    key_log: Option<&dyn KeyLog>,
    client_random: &[u8],
) -> Result<ApplicationSecrets, Error> {
    let master = key_schedule.into_master()?;
    let hash = server_finished_hash;
    let client = master.client_application_traffic_secret_0(hash)?;
    let server = master.server_application_traffic_secret_0(hash)?;
    let exporter = master.exporter_master_secret(hash)?;
    if let Some(log) = key_log {
        log.log(
            labels::CLIENT_TRAFFIC_SECRET_0,
            client_random,
            client.as_bytes(),
        );
        log.log(
            labels::SERVER_TRAFFIC_SECRET_0,
            client_random,
            server.as_bytes(),
        );
        log.log(labels::EXPORTER_SECRET, client_random, exporter.as_bytes());
    }
    Ok(ApplicationSecrets {
        master,
        client,
        server,
        exporter,
    })
}

/// Reads a peer's Certificate (RFC 8446 4.4.2): the context must be the
/// empty one of the main handshake (`context_error` says whose), and no
/// entry may carry an extension, since we request none (OCSP stapling and
/// SCTs are not supported).
pub(crate) fn read_certificate(
    msg: &Message<'_>,
    context_error: &'static str,
) -> Result<Vec<CertificateDer>, Error> {
    msg.require(HandshakeType::Certificate)?;
    let cert = decode(msg.body, "Certificate", CertificatePayloadTls13::parse)?;
    if !cert.context.bytes().is_empty() {
        return Err(PeerMisbehaved::IllegalParameter(context_error).into());
    }
    if let Some(ext) = cert.entries.iter().flat_map(|e| &e.extensions).next() {
        return Err(PeerMisbehaved::UnsolicitedExtension(ext.ext_type()).into());
    }
    Ok(cert.chain())
}

/// Reads a peer's CertificateVerify (RFC 8446 4.4.3): its scheme must be
/// one we offered and one TLS 1.3 allows there. The caller verifies the
/// signature with its own verifier (server or client certificates).
pub(crate) fn read_certificate_verify(
    msg: &Message<'_>,
    offered: &[SignatureScheme],
) -> Result<DigitallySignedStruct, Error> {
    msg.require(HandshakeType::CertificateVerify)?;
    let cv = DigitallySignedStruct::read_bytes(msg.body)?;
    if !offered.contains(&cv.scheme) || !usable_in_tls13_certificate_verify(cv.scheme) {
        return Err(
            PeerMisbehaved::IllegalParameter("CertificateVerify scheme we did not offer").into(),
        );
    }
    Ok(cv)
}
