//! The application callbacks of a server handshake, OpenSSL-style:
//! `SSL_CTX_set_tlsext_servername_callback` (which may switch the
//! connection to another [`SslContext`], i.e. another certificate),
//! `SSL_CTX_set_alpn_select_cb`, and the client's
//! `SSL_CTX_set_client_cert_cb`. Each is adapted to the handshake's hook
//! trait and called at the point of the handshake that needs its answer.

use std::sync::{Arc, Mutex};

use ferrotls_core::{AlertDescription, DistinguishedName, SignatureScheme};
use ferrotls_handshake::{
    AlpnDecision, CertifiedKey, ResolvesClientCert, ResolvesServerCert, SelectsAlpn, SniDecision,
};

use crate::context::SslContext;

/// What a servername callback decides (`SSL_TLSEXT_ERR_*`).
#[derive(Debug, Clone)]
pub enum SniResult {
    /// `SSL_TLSEXT_ERR_OK`, optionally switching to another context
    /// (`SSL_set_SSL_CTX`): its certificate and key are used.
    Ok(Option<SslContext>),
    /// `SSL_TLSEXT_ERR_NOACK`: go on without acknowledging the name.
    NoAck(Option<SslContext>),
    /// `SSL_TLSEXT_ERR_ALERT_FATAL` with this alert (usually
    /// unrecognized_name).
    AlertFatal(AlertDescription),
}

/// `SSL_CTX_set_tlsext_servername_callback`: sees the client's SNI.
pub type ServernameCallback = Arc<dyn Fn(Option<&str>) -> SniResult + Send + Sync>;

/// `SSL_CTX_set_alpn_select_cb`: sees the client's list, in its order.
pub type AlpnSelectCallback = Arc<dyn Fn(&[&[u8]]) -> AlpnDecision + Send + Sync>;

/// `SSL_CTX_set_client_cert_cb`: sees the CertificateRequest's CA names;
/// returns a context holding the certificate and key to send, or `None`.
pub type ClientCertCallback = Arc<dyn Fn(&[DistinguishedName]) -> Option<SslContext> + Send + Sync>;

/// The servername callback as a certificate resolver; remembers the
/// context it switched to, for `Ssl::ssl_context`.
pub(crate) struct SniAdapter {
    pub callback: ServernameCallback,
    pub switched: Arc<Mutex<Option<SslContext>>>,
}

fn certified(ctx: &SslContext) -> Option<Arc<CertifiedKey>> {
    ctx.inner.frozen.certified.clone()
}

impl SniAdapter {
    fn switch(&self, ctx: Option<SslContext>) -> Result<Option<Arc<CertifiedKey>>, ()> {
        let Some(ctx) = ctx else {
            return Ok(None);
        };
        let ck = certified(&ctx).ok_or(())?;
        *self.switched.lock().unwrap_or_else(|e| e.into_inner()) = Some(ctx);
        Ok(Some(ck))
    }
}

impl ResolvesServerCert for SniAdapter {
    fn resolve(&self, server_name: Option<&str>) -> SniDecision {
        let r = (self.callback)(server_name);
        match r {
            SniResult::Ok(ctx) => match self.switch(ctx) {
                Ok(ck) => SniDecision::Ok(ck),
                Err(()) => SniDecision::Fatal(AlertDescription::InternalError),
            },
            SniResult::NoAck(ctx) => match self.switch(ctx) {
                Ok(ck) => SniDecision::NoAck(ck),
                Err(()) => SniDecision::Fatal(AlertDescription::InternalError),
            },
            SniResult::AlertFatal(a) => SniDecision::Fatal(a),
        }
    }
}

pub(crate) struct AlpnAdapter(pub AlpnSelectCallback);

impl SelectsAlpn for AlpnAdapter {
    fn select(&self, offered: &[&[u8]]) -> AlpnDecision {
        (self.0)(offered)
    }
}

pub(crate) struct ClientCertAdapter(pub ClientCertCallback);

impl ResolvesClientCert for ClientCertAdapter {
    fn resolve(
        &self,
        ca_names: &[DistinguishedName],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        (self.0)(ca_names).as_ref().and_then(certified)
    }
}

/// The hooks of a context.
#[derive(Default, Clone)]
pub(crate) struct ContextHooks {
    pub servername: Option<ServernameCallback>,
    pub alpn_select: Option<AlpnSelectCallback>,
    pub client_cert: Option<ClientCertCallback>,
    pub key_log: Option<Arc<dyn ferrotls_handshake::KeyLog>>,
}

impl crate::SslContextBuilder {
    /// `SSL_CTX_set_tlsext_servername_callback`: called with the client's
    /// SNI before the certificate is chosen; may switch to another context
    /// (its certificate and key are then used), refuse the name, or go on.
    pub fn set_servername_callback<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(Option<&str>) -> SniResult + Send + Sync + 'static,
    {
        self.inner.hooks.servername = Some(Arc::new(f));
        self
    }

    /// `SSL_CTX_set_alpn_select_cb`: chooses the protocol from the
    /// client's list (instead of the first of our ALPN list it offered).
    pub fn set_alpn_select_callback<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&[&[u8]]) -> AlpnDecision + Send + Sync + 'static,
    {
        self.inner.hooks.alpn_select = Some(Arc::new(f));
        self
    }

    /// `SSL_CTX_set_client_cert_cb`: when the server asks for a client
    /// certificate, sees its CA names and returns a context holding the
    /// certificate and key to send (`None`: send none). Takes precedence
    /// over the context's own certificate.
    pub fn set_client_cert_callback<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&[DistinguishedName]) -> Option<SslContext> + Send + Sync + 'static,
    {
        self.inner.hooks.client_cert = Some(Arc::new(f));
        self
    }

    /// `SSL_CTX_set_keylog_callback`: each secret as one NSS key log line.
    pub fn set_keylog_callback<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&str) + Send + Sync + 'static,
    {
        self.inner.hooks.key_log = Some(Arc::new(crate::keylog::CallbackKeyLog(Arc::new(f))));
        self
    }

    /// Appends NSS key log lines to `path` (created with mode 0600).
    pub fn set_keylog_file(
        &mut self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<&mut Self, ferrotls_core::Error> {
        self.inner.hooks.key_log = Some(crate::keylog::file_key_log(path.as_ref())?);
        Ok(self)
    }

    /// Key log to the file named by `SSLKEYLOGFILE`, if the variable is
    /// set and not empty; returns whether it was.
    pub fn set_keylog_from_env(&mut self) -> Result<bool, ferrotls_core::Error> {
        match std::env::var_os("SSLKEYLOGFILE") {
            Some(p) if !p.is_empty() => {
                self.set_keylog_file(std::path::PathBuf::from(p))?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
