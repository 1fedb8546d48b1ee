//! OpenSSL's verify policy (`SSL_set_verify`, `SSL_get_verify_result`, the
//! verify callback) layered over the pki verifiers.
//!
//! The handshake only knows "the chain is acceptable or it is not". OpenSSL
//! adds three things on top, which live here: the verify *mode* (with
//! `VERIFY_NONE` a client still checks the chain and records the result,
//! but continues), the *callback* that may override a failure (or reject a
//! chain the library accepted), and the *result code* the application reads
//! after the handshake. The wrappers are made per connection so each `Ssl`
//! has its own result.

use std::fmt;
use std::sync::{Arc, Mutex};

use ferrotls_core::crypto::CryptoProvider;
use ferrotls_core::verify::{
    ClientCertVerified, ClientCertVerifier, HandshakeSignatureValid, ServerCertVerified,
    ServerCertVerifier,
};
use ferrotls_core::{
    CertificateDer, CertificateError, DistinguishedName, Error, ServerName, SignatureScheme,
    UnixTime,
};

use ferrotls_pki::{KeyPurpose, RootCertStore, VerifyOptions};

use crate::modes::VerifyMode;

/// `X509_V_OK`.
pub const X509_V_OK: i64 = 0;

/// What the verify callback sees (a slice of OpenSSL's `X509_STORE_CTX`).
#[derive(Debug)]
pub struct X509StoreContext<'a> {
    /// The `X509_V_ERR_*` code of this step (0 when `preverify_ok`).
    pub error: i64,
    /// Depth of `current_cert` in the chain (0 = the peer's leaf).
    pub error_depth: usize,
    /// The certificate being judged.
    pub current_cert: &'a CertificateDer,
    /// The chain as the peer sent it, leaf first.
    pub chain: &'a [CertificateDer],
}

/// The verify callback: `(preverify_ok, ctx) -> ok`. It is called once per
/// handshake, for the leaf (depth 0), with the outcome of the whole chain:
/// the pki verifier judges the chain as one unit and does not report a
/// per-depth verdict, so the per-certificate calls OpenSSL makes are folded
/// into this one. Returning `true` accepts the chain whatever
/// `preverify_ok` says; returning `false` rejects it (and the result code
/// becomes `X509_V_ERR_APPLICATION_VERIFICATION` if it was OK).
pub type VerifyCallback = Arc<dyn Fn(bool, &X509StoreContext<'_>) -> bool + Send + Sync>;

/// The verify settings an `Ssl` inherits from its context and may override.
#[derive(Clone)]
pub(crate) struct VerifySettings {
    pub mode: VerifyMode,
    pub depth: Option<usize>,
    pub callback: Option<VerifyCallback>,
}

impl Default for VerifySettings {
    fn default() -> Self {
        Self {
            mode: VerifyMode::NONE,
            depth: None,
            callback: None,
        }
    }
}

impl fmt::Debug for VerifySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifySettings")
            .field("mode", &self.mode)
            .field("depth", &self.depth)
            .field("callback", &self.callback.is_some())
            .finish()
    }
}

/// The verify result code, written by the verifier during the handshake
/// and read by `Ssl::verify_result`.
pub(crate) type VerifyResultCell = Arc<Mutex<i64>>;

fn store(cell: &VerifyResultCell, code: i64) {
    *cell.lock().unwrap_or_else(|e| e.into_inner()) = code;
}

/// Applies depth, callback and result recording to one chain verdict.
/// Returns the verdict the handshake should act on.
fn judge(
    settings: &VerifySettings,
    cell: &VerifyResultCell,
    end_entity: &CertificateDer,
    intermediates: &[CertificateDer],
    verdict: Result<(), CertificateError>,
) -> Result<(), Error> {
    let code = match &verdict {
        Ok(()) => X509_V_OK,
        Err(c) => c.verify_result_code(),
    };
    let final_code = match &settings.callback {
        None => code,
        Some(cb) => {
            // The chain as the callback sees it; copied only for it.
            let mut chain = Vec::with_capacity(1 + intermediates.len());
            chain.push(end_entity.clone());
            chain.extend(intermediates.iter().cloned());
            let ctx = X509StoreContext {
                error: code,
                error_depth: 0,
                current_cert: end_entity,
                chain: &chain,
            };
            match (cb(code == X509_V_OK, &ctx), code) {
                (true, _) => {
                    // The callback overrides; OpenSSL keeps the original
                    // code readable, which lets an application that accepts
                    // everything still see what was wrong.
                    store(cell, code);
                    return Ok(());
                }
                (false, X509_V_OK) => {
                    CertificateError::ApplicationVerificationFailure.verify_result_code()
                }
                (false, c) => c,
            }
        }
    };
    store(cell, final_code);
    if final_code == X509_V_OK {
        return Ok(());
    }
    match verdict {
        Err(e) => Err(e.into()),
        Ok(()) => Err(CertificateError::ApplicationVerificationFailure.into()),
    }
}

/// Builds the chain through the pki crate with OpenSSL's options (depth,
/// purpose, name only when asked for).
fn build_chain(
    pki: &PkiContext,
    settings: &VerifySettings,
    purpose: KeyPurpose,
    end_entity: &CertificateDer,
    intermediates: &[CertificateDer],
    name: Option<&ServerName>,
    now: UnixTime,
) -> Result<(), CertificateError> {
    let mut opts = VerifyOptions::new(purpose);
    if let Some(depth) = settings.depth {
        opts.max_depth = depth;
    }
    ferrotls_pki::check_chain(
        &pki.roots,
        pki.provider,
        end_entity,
        intermediates,
        name,
        now,
        &opts,
    )
}

/// What chain building needs from the context.
#[derive(Debug, Clone)]
pub(crate) struct PkiContext {
    pub roots: Arc<RootCertStore>,
    pub provider: &'static CryptoProvider,
}

/// The handshake-signature methods shared by both verifier traits. OpenSSL's
/// verify policy is about chains only, so both policy verifiers hand
/// signatures to the wrapped pki verifier unchanged.
macro_rules! delegate_signature_checks {
    ($inner:ident) => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer,
            scheme: SignatureScheme,
            signature: &[u8],
        ) -> Result<HandshakeSignatureValid, Error> {
            self.$inner
                .verify_tls12_signature(message, cert, scheme, signature)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer,
            scheme: SignatureScheme,
            signature: &[u8],
        ) -> Result<HandshakeSignatureValid, Error> {
            self.$inner
                .verify_tls13_signature(message, cert, scheme, signature)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.$inner.supported_verify_schemes()
        }
    };
}

/// The client side: chain and name checks under OpenSSL's policy;
/// handshake signatures through the pki server verifier.
#[derive(Debug)]
pub(crate) struct PolicyServerVerifier {
    pub pki: PkiContext,
    pub signatures: Arc<dyn ServerCertVerifier>,
    pub settings: VerifySettings,
    pub result: VerifyResultCell,
    /// The name to check (`SSL_set1_host`); without it only the chain is
    /// checked, as in OpenSSL, where SNI alone implies no name check.
    pub host: Option<ServerName>,
}

impl ServerCertVerifier for PolicyServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        _server_name: &ServerName,
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let verdict = build_chain(
            &self.pki,
            &self.settings,
            KeyPurpose::ServerAuth,
            end_entity,
            intermediates,
            self.host.as_ref(),
            now,
        );
        let judged = judge(
            &self.settings,
            &self.result,
            end_entity,
            intermediates,
            verdict,
        );
        match judged {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            // VERIFY_NONE: the result is recorded, the handshake goes on.
            Err(_) if !self.settings.mode.contains(VerifyMode::PEER) => {
                Ok(ServerCertVerified::assertion())
            }
            Err(e) => Err(e),
        }
    }

    delegate_signature_checks!(signatures);
}

/// The server side: wraps the pki client verifier. Only built when the
/// mode has `VERIFY_PEER` (otherwise no certificate is requested).
#[derive(Debug)]
pub(crate) struct PolicyClientVerifier {
    pub pki: PkiContext,
    pub inner: Arc<dyn ClientCertVerifier>,
    pub settings: VerifySettings,
    pub result: VerifyResultCell,
}

impl ClientCertVerifier for PolicyClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.settings.mode.contains(VerifyMode::PEER)
    }

    fn client_auth_mandatory(&self) -> bool {
        self.settings
            .mode
            .contains(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT)
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer,
        intermediates: &[CertificateDer],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        let verdict = build_chain(
            &self.pki,
            &self.settings,
            KeyPurpose::ClientAuth,
            end_entity,
            intermediates,
            None,
            now,
        );
        judge(
            &self.settings,
            &self.result,
            end_entity,
            intermediates,
            verdict,
        )
        .map(|()| ClientCertVerified::assertion())
    }

    delegate_signature_checks!(inner);
}
