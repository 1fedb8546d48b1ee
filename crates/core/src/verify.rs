//! The certificate-verifier traits. `ferrotls-pki` implements them; the
//! handshake calls them through `Arc<dyn ...>` so that it never depends on
//! an X.509 parser, and applications can plug in their own policy.

use core::fmt::Debug;

use crate::der::{CertificateDer, DistinguishedName};
use crate::enums::SignatureScheme;
use crate::error::Error;
use crate::server_name::ServerName;
use crate::time::UnixTime;

/// Proof that a server chain was verified; only verifiers make one.
#[derive(Debug)]
pub struct ServerCertVerified(());

impl ServerCertVerified {
    /// Made by a verifier that accepted the chain.
    pub fn assertion() -> Self {
        Self(())
    }
}

/// Proof that a client chain was verified.
#[derive(Debug)]
pub struct ClientCertVerified(());

impl ClientCertVerified {
    /// Made by a verifier that accepted the chain.
    pub fn assertion() -> Self {
        Self(())
    }
}

/// Proof that a handshake signature verified.
#[derive(Debug)]
pub struct HandshakeSignatureValid(());

impl HandshakeSignatureValid {
    /// Made by a verifier that accepted the signature.
    pub fn assertion() -> Self {
        Self(())
    }
}

/// Verifies the certificate chain and signatures a server presents.
pub trait ServerCertVerifier: Send + Sync + Debug {
    /// Checks the chain (leaf first, then what the server sent, in any
    /// order) against the trust store for `server_name` at `now`.
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        server_name: &ServerName,
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error>;

    /// Checks a TLS 1.2 ServerKeyExchange / CertificateVerify signature.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer,
        scheme: SignatureScheme,
        signature: &[u8],
    ) -> Result<HandshakeSignatureValid, Error>;

    /// Checks a TLS 1.3 CertificateVerify signature (ECDSA curve bound to
    /// the scheme, no PKCS#1).
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer,
        scheme: SignatureScheme,
        signature: &[u8],
    ) -> Result<HandshakeSignatureValid, Error>;

    /// The schemes to offer in signature_algorithms.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme>;
}

/// Verifies the certificate chain and signatures a client presents.
pub trait ClientCertVerifier: Send + Sync + Debug {
    /// Whether to send CertificateRequest at all.
    fn offer_client_auth(&self) -> bool {
        true
    }

    /// Whether a client without a certificate is refused.
    fn client_auth_mandatory(&self) -> bool;

    /// CA names for certificate_authorities / CertificateRequest.
    fn root_hint_subjects(&self) -> &[DistinguishedName];

    /// Checks the client's chain at `now`.
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error>;

    /// Checks a TLS 1.2 CertificateVerify signature.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer,
        scheme: SignatureScheme,
        signature: &[u8],
    ) -> Result<HandshakeSignatureValid, Error>;

    /// Checks a TLS 1.3 CertificateVerify signature.
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer,
        scheme: SignatureScheme,
        signature: &[u8],
    ) -> Result<HandshakeSignatureValid, Error>;

    /// The schemes to offer in CertificateRequest.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme>;
}
