//! The core verifier traits implemented over [`verify_chain`].

use std::sync::Arc;

use ferrotls_core::crypto::{CryptoProvider, SignatureKind};
use ferrotls_core::verify::{
    ClientCertVerified, ClientCertVerifier, HandshakeSignatureValid, ServerCertVerified,
    ServerCertVerifier,
};
use ferrotls_core::{
    CertificateDer, DistinguishedName, Error, PeerMisbehaved, ServerName, SignatureScheme, UnixTime,
};

use crate::cert::KeyPurpose;
use crate::chain::{DEFAULT_MAX_DEPTH, VerifyOptions, verify_chain, with_spki};
use crate::store::RootCertStore;

/// The schemes we verify, in preference order: what the provider
/// implements for TLS, ECDSA first because it is cheapest to verify.
pub const SUPPORTED_VERIFY_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_SECP256R1_SHA256,
    SignatureScheme::ECDSA_SECP384R1_SHA384,
    SignatureScheme::ED25519,
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

/// Checks a handshake signature made with the key of `cert`.
///
/// Schemes we did not offer are illegal_parameter (RFC 8446 section
/// 4.4.3); so is RSASSA-PKCS1-v1_5 in TLS 1.3, which is forbidden there.
pub fn verify_handshake_signature(
    provider: &CryptoProvider,
    message: &[u8],
    cert: &CertificateDer,
    scheme: SignatureScheme,
    signature: &[u8],
    tls13: bool,
) -> Result<HandshakeSignatureValid, Error> {
    if !SUPPORTED_VERIFY_SCHEMES.contains(&scheme) {
        return Err(PeerMisbehaved::IllegalParameter("signature scheme not offered").into());
    }
    let alg = scheme
        .verify_algorithm(tls13)
        .ok_or(PeerMisbehaved::IllegalParameter(
            "signature scheme not offered",
        ))?;
    if tls13 && alg.kind == SignatureKind::RsaPkcs1 {
        return Err(PeerMisbehaved::IllegalParameter("RSA PKCS#1 signature in TLS 1.3").into());
    }
    with_spki(cert, |spki| {
        provider
            .signature_verifier
            .verify(alg, spki, message, signature)
    })?;
    Ok(HandshakeSignatureValid::assertion())
}

/// What both verifiers check a chain against: the trust anchors, the
/// provider that verifies signatures and the depth limit. One type, so the
/// server and client sides cannot drift apart in how they build a path or
/// check a handshake signature.
#[derive(Debug)]
struct Anchors {
    roots: Arc<RootCertStore>,
    provider: &'static CryptoProvider,
    max_depth: usize,
}

impl Anchors {
    fn new(roots: Arc<RootCertStore>, provider: &'static CryptoProvider) -> Self {
        Self {
            roots,
            provider,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    /// The path from `end_entity` to an anchor for `purpose`, leaf first.
    fn verify(
        &self,
        purpose: KeyPurpose,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        server_name: Option<&ServerName>,
        now: UnixTime,
    ) -> Result<Vec<CertificateDer>, Error> {
        let mut opts = VerifyOptions::new(purpose);
        opts.max_depth = self.max_depth;
        Ok(verify_chain(
            &self.roots,
            self.provider,
            end_entity,
            intermediates,
            server_name,
            now,
            &opts,
        )?)
    }
}

/// The signature half of [`ServerCertVerifier`] and [`ClientCertVerifier`]:
/// the same three methods in both traits, answered from `self.anchors`
/// whichever side is asking.
macro_rules! handshake_signature_methods {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer,
            scheme: SignatureScheme,
            signature: &[u8],
        ) -> Result<HandshakeSignatureValid, Error> {
            let provider = self.anchors.provider;
            verify_handshake_signature(provider, message, cert, scheme, signature, false)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer,
            scheme: SignatureScheme,
            signature: &[u8],
        ) -> Result<HandshakeSignatureValid, Error> {
            let provider = self.anchors.provider;
            verify_handshake_signature(provider, message, cert, scheme, signature, true)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            SUPPORTED_VERIFY_SCHEMES.to_vec()
        }
    };
}

/// Verifies servers against a [`RootCertStore`] (the client side).
#[derive(Debug)]
pub struct WebPkiServerVerifier {
    anchors: Anchors,
}

/// Builds a [`WebPkiServerVerifier`].
#[derive(Debug)]
pub struct ServerVerifierBuilder {
    anchors: Anchors,
}

impl ServerVerifierBuilder {
    /// The most intermediates allowed (`SSL_CTX_set_verify_depth`).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.anchors.max_depth = depth;
        self
    }

    /// The verifier.
    pub fn build(self) -> Arc<WebPkiServerVerifier> {
        Arc::new(WebPkiServerVerifier {
            anchors: self.anchors,
        })
    }
}

impl WebPkiServerVerifier {
    /// Starts a builder; signatures go through `provider`.
    pub fn builder(
        roots: Arc<RootCertStore>,
        provider: &'static CryptoProvider,
    ) -> ServerVerifierBuilder {
        ServerVerifierBuilder {
            anchors: Anchors::new(roots, provider),
        }
    }

    /// Verifies like [`ServerCertVerifier::verify_server_cert`] and returns
    /// the path built, leaf first, anchor last.
    pub fn verify_server_chain(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        server_name: &ServerName,
        now: UnixTime,
    ) -> Result<Vec<CertificateDer>, Error> {
        self.anchors.verify(
            KeyPurpose::ServerAuth,
            end_entity,
            intermediates,
            Some(server_name),
            now,
        )
    }
}

impl ServerCertVerifier for WebPkiServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        server_name: &ServerName,
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        self.verify_server_chain(end_entity, intermediates, server_name, now)?;
        Ok(ServerCertVerified::assertion())
    }

    handshake_signature_methods!();
}

/// Verifies client certificates against a [`RootCertStore`] (the server
/// side of mutual TLS).
#[derive(Debug)]
pub struct WebPkiClientVerifier {
    anchors: Anchors,
    subjects: Vec<DistinguishedName>,
    mandatory: bool,
}

/// Builds a [`WebPkiClientVerifier`].
#[derive(Debug)]
pub struct ClientVerifierBuilder {
    anchors: Anchors,
    mandatory: bool,
}

impl ClientVerifierBuilder {
    /// Accept clients that send no certificate (`SSL_VERIFY_PEER` without
    /// `SSL_VERIFY_FAIL_IF_NO_PEER_CERT`); a certificate that is sent is
    /// still verified.
    pub fn allow_unauthenticated(mut self) -> Self {
        self.mandatory = false;
        self
    }

    /// The most intermediates allowed.
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.anchors.max_depth = depth;
        self
    }

    /// The verifier.
    pub fn build(self) -> Arc<WebPkiClientVerifier> {
        Arc::new(WebPkiClientVerifier {
            subjects: self.anchors.roots.subjects(),
            anchors: self.anchors,
            mandatory: self.mandatory,
        })
    }
}

impl WebPkiClientVerifier {
    /// Starts a builder; client certificates are mandatory unless
    /// [`ClientVerifierBuilder::allow_unauthenticated`] is called.
    pub fn builder(
        roots: Arc<RootCertStore>,
        provider: &'static CryptoProvider,
    ) -> ClientVerifierBuilder {
        ClientVerifierBuilder {
            anchors: Anchors::new(roots, provider),
            mandatory: true,
        }
    }

    /// Verifies like [`ClientCertVerifier::verify_client_cert`] and returns
    /// the path built.
    pub fn verify_client_chain(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        now: UnixTime,
    ) -> Result<Vec<CertificateDer>, Error> {
        self.anchors
            .verify(KeyPurpose::ClientAuth, end_entity, intermediates, None, now)
    }
}

impl ClientCertVerifier for WebPkiClientVerifier {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.subjects
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        self.verify_client_chain(end_entity, intermediates, now)?;
        Ok(ClientCertVerified::assertion())
    }

    handshake_signature_methods!();
}
