//! Pieces both TLS 1.3 sides share: the CertificateVerify input, Finished
//! computation and checking, and the ServerHello.random sentinels.

use ferrotls_core::crypto::{Digest, Secret, Tls13CipherSuite};
use ferrotls_core::{Error, PeerMisbehaved, SignatureScheme};

use crate::key_schedule;

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
