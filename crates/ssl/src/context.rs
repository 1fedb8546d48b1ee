//! `SslContext` (OpenSSL's `SSL_CTX`): the settings many connections share.
//!
//! OpenSSL lets an `SSL_CTX` be changed while connections use it, which
//! makes every setting a data race to reason about. Here a
//! [`SslContextBuilder`] collects the settings and [`build`](SslContextBuilder::build)
//! freezes them into a cheap, clonable [`SslContext`] (an `Arc`); each
//! [`Ssl`](crate::Ssl) copies what it may override per connection (mode,
//! verify settings, ALPN) when it is made.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use ferrotls_core::crypto::{CryptoProvider, SigningKey};
use ferrotls_core::verify::{ClientCertVerifier, ServerCertVerifier};
use ferrotls_core::{
    ApiMisuse, CertificateDer, CipherSuite, Error, NamedGroup, ProtocolVersion, SignatureScheme,
    UnixTime,
};
use ferrotls_handshake::CertifiedKey;
use ferrotls_pki::RootCertStore;

use crate::modes::{Mode, SslVersion, VerifyMode};
use crate::names;
use crate::verify::{VerifyCallback, VerifySettings, X509StoreContext};

/// Which roles a context may be used for (`TLS_method`,
/// `TLS_client_method`, `TLS_server_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMethod {
    /// Client or server (`TLS_method`).
    Tls,
    /// Client only (`TLS_client_method`).
    TlsClient,
    /// Server only (`TLS_server_method`).
    TlsServer,
}

impl SslMethod {
    /// `TLS_method()`.
    pub fn tls() -> Self {
        Self::Tls
    }
    /// `TLS_client_method()`.
    pub fn tls_client() -> Self {
        Self::TlsClient
    }
    /// `TLS_server_method()`.
    pub fn tls_server() -> Self {
        Self::TlsServer
    }
}

/// A clock: the handshake needs the time to judge certificate validity.
pub type TimeSource = Arc<dyn Fn() -> UnixTime + Send + Sync>;

/// The format of a certificate or key file (`SSL_FILETYPE_PEM` / `_ASN1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// PEM (base64 with BEGIN/END lines).
    Pem,
    /// Raw DER.
    Asn1,
}

pub(crate) struct ContextInner {
    pub method: SslMethod,
    pub provider: &'static CryptoProvider,
    pub min_version: SslVersion,
    pub max_version: SslVersion,
    pub tls13_suites: Option<Vec<CipherSuite>>,
    pub tls12_suites: Option<Vec<CipherSuite>>,
    pub groups: Option<Vec<NamedGroup>>,
    pub sigalgs: Option<Vec<SignatureScheme>>,
    pub chain: Vec<CertificateDer>,
    pub key: Option<Arc<dyn SigningKey>>,
    pub roots: Arc<RootCertStore>,
    pub verify: VerifySettings,
    pub mode: Mode,
    pub options: crate::modes::SslOptions,
    pub renegotiation: ferrotls_handshake::RenegotiationPolicy,
    pub alpn: Vec<Vec<u8>>,
    /// RFC 8449 record_size_limit to announce (64..=16385), if any.
    pub record_size_limit: Option<u16>,
    pub time: TimeSource,
    /// Tickets, session timeout and cache (session.rs).
    pub sessions: crate::session::SessionSettings,
    /// Servername, ALPN, client certificate and key log hooks (callbacks.rs).
    pub hooks: crate::callbacks::ContextHooks,
    /// What `build` derives once from the frozen settings, so that a
    /// connection takes `Arc`s instead of copying the certificate chain
    /// and building verifiers.
    pub frozen: Frozen,
}

/// The parts of every connection's handshake configuration that depend on
/// the context alone.
#[derive(Default)]
pub(crate) struct Frozen {
    /// The versions to offer, most preferred first. This and the next
    /// three lists are shared with every connection's handshake
    /// configuration, not copied into each.
    pub versions: Arc<[ProtocolVersion]>,
    /// The suites to offer: the TLS 1.3 ones, then the TLS 1.2 ones when
    /// TLS 1.2 is among `versions`; each list the one set, else the
    /// provider's, in its order.
    pub suites: Arc<[CipherSuite]>,
    /// The groups set, else the handshake's defaults.
    pub groups: Arc<[NamedGroup]>,
    /// The signature schemes set, else the handshake's defaults.
    pub signature_schemes: Arc<[SignatureScheme]>,
    /// `chain` and `key` together, when both are set.
    pub certified: Option<Arc<CertifiedKey>>,
    /// The pki verifier of server chains and signatures over `roots`.
    pub server_verifier: Option<Arc<dyn ServerCertVerifier>>,
    /// The pki verifier of client chains and signatures over `roots`.
    pub client_verifier: Option<Arc<dyn ClientCertVerifier>>,
}

/// A frozen, shareable context (`SSL_CTX`). Cloning is an `Arc` clone.
#[derive(Clone)]
pub struct SslContext {
    pub(crate) inner: Arc<ContextInner>,
}

impl fmt::Debug for SslContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("SslContext")
            .field("method", &i.method)
            .field("versions", &(i.min_version, i.max_version))
            .field("has_certificate", &!i.chain.is_empty())
            .field("roots", &i.roots.len())
            .field("verify", &i.verify)
            .field("mode", &i.mode)
            .finish_non_exhaustive()
    }
}

impl SslContext {
    /// Starts a builder (`SSL_CTX_new`).
    pub fn builder(method: SslMethod) -> SslContextBuilder {
        SslContextBuilder::new(method)
    }

    /// The method the context was made for.
    pub fn method(&self) -> SslMethod {
        self.inner.method
    }

    /// The default mode of new connections (`SSL_CTX_get_mode`).
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// The default verify mode (`SSL_CTX_get_verify_mode`).
    pub fn verify_mode(&self) -> VerifyMode {
        self.inner.verify.mode
    }

    /// The current time from the context's clock.
    pub fn now(&self) -> UnixTime {
        (self.inner.time)()
    }
}

/// Collects the settings of an [`SslContext`].
pub struct SslContextBuilder {
    pub(crate) inner: ContextInner,
    roots: RootCertStore,
}

impl fmt::Debug for SslContextBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslContextBuilder")
            .field("method", &self.inner.method)
            .finish_non_exhaustive()
    }
}

fn system_time() -> UnixTime {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    UnixTime::since_unix_epoch(d)
}

impl SslContextBuilder {
    /// A context with OpenSSL 3's defaults: TLS 1.2 and 1.3 allowed (only
    /// what the handshake implements is offered), `VERIFY_NONE`,
    /// `MODE_AUTO_RETRY`, an empty trust store, the default provider and
    /// the system clock.
    pub fn new(method: SslMethod) -> Self {
        Self {
            inner: ContextInner {
                method,
                provider: ferrotls_crypto::default_provider(),
                min_version: SslVersion::Tls12,
                max_version: SslVersion::Tls13,
                tls13_suites: None,
                tls12_suites: None,
                groups: None,
                sigalgs: None,
                chain: Vec::new(),
                key: None,
                roots: Arc::new(RootCertStore::new()),
                verify: VerifySettings::default(),
                mode: Mode::AUTO_RETRY,
                options: crate::modes::SslOptions::EMPTY,
                renegotiation: ferrotls_handshake::RenegotiationPolicy::default(),
                alpn: Vec::new(),
                record_size_limit: None,
                time: Arc::new(system_time),
                sessions: Default::default(),
                hooks: Default::default(),
                frozen: Frozen::default(),
            },
            roots: RootCertStore::new(),
        }
    }

    /// Uses another cryptography provider.
    pub fn set_provider(&mut self, provider: &'static CryptoProvider) -> &mut Self {
        self.inner.provider = provider;
        self
    }

    /// `SSL_CTX_set_min_proto_version`. `None` means the lowest supported
    /// (TLS 1.2); versions below TLS 1.2 are refused (SPEC S16).
    pub fn set_min_proto_version(&mut self, v: Option<SslVersion>) -> Result<&mut Self, Error> {
        self.inner.min_version = v.unwrap_or(SslVersion::Tls12);
        Ok(self)
    }

    /// `SSL_CTX_set_max_proto_version`. `None` means the highest (TLS 1.3).
    pub fn set_max_proto_version(&mut self, v: Option<SslVersion>) -> Result<&mut Self, Error> {
        self.inner.max_version = v.unwrap_or(SslVersion::Tls13);
        Ok(self)
    }

    /// `SSL_CTX_set_ciphersuites`: the TLS 1.3 suites, colon separated
    /// (`"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"`).
    pub fn set_ciphersuites(&mut self, list: &str) -> Result<&mut Self, Error> {
        self.inner.tls13_suites = Some(names::parse_list(list, names::tls13_suite)?);
        Ok(self)
    }

    /// `SSL_CTX_set_cipher_list`: the TLS 1.2 suites, colon separated, by
    /// their OpenSSL names (`"ECDHE-ECDSA-AES128-GCM-SHA256:..."`).
    pub fn set_cipher_list(&mut self, list: &str) -> Result<&mut Self, Error> {
        self.inner.tls12_suites = Some(names::parse_list(list, names::tls12_suite)?);
        Ok(self)
    }

    /// `SSL_CTX_set1_groups_list`: `"X25519MLKEM768:X25519:P-256:P-384"`.
    pub fn set_groups_list(&mut self, list: &str) -> Result<&mut Self, Error> {
        self.inner.groups = Some(names::parse_list(list, names::group)?);
        Ok(self)
    }

    /// `SSL_CTX_set1_sigalgs_list`: `"ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256"`
    /// (the RFC 8446 names; OpenSSL's `ECDSA+SHA256` forms also parse).
    pub fn set_sigalgs_list(&mut self, list: &str) -> Result<&mut Self, Error> {
        self.inner.sigalgs = Some(names::parse_list(list, names::sigalg)?);
        Ok(self)
    }

    /// `SSL_CTX_use_certificate_chain_file`: a PEM file, leaf first.
    pub fn set_certificate_chain_file(
        &mut self,
        path: impl AsRef<Path>,
    ) -> Result<&mut Self, Error> {
        let chain = ferrotls_pki::load_certs_file(path)?;
        self.set_certificate_chain(chain)
    }

    /// `SSL_CTX_use_certificate_file`: the leaf only, PEM or DER.
    pub fn set_certificate_file(
        &mut self,
        path: impl AsRef<Path>,
        ty: FileType,
    ) -> Result<&mut Self, Error> {
        let leaf = match ty {
            FileType::Pem => ferrotls_pki::load_certs_file(path)?
                .into_iter()
                .next()
                .ok_or_else(|| invalid("no certificate in PEM file"))?,
            FileType::Asn1 => CertificateDer::from_vec(read_file(path)?),
        };
        self.set_certificate(leaf)
    }

    /// `SSL_CTX_use_certificate`: the leaf (replaces the chain's leaf).
    pub fn set_certificate(&mut self, leaf: CertificateDer) -> Result<&mut Self, Error> {
        if self.inner.chain.is_empty() {
            self.inner.chain.push(leaf);
        } else {
            self.inner.chain[0] = leaf;
        }
        Ok(self)
    }

    /// The whole chain, leaf first.
    pub fn set_certificate_chain(
        &mut self,
        chain: Vec<CertificateDer>,
    ) -> Result<&mut Self, Error> {
        if chain.is_empty() {
            return Err(invalid("empty certificate chain"));
        }
        self.inner.chain = chain;
        Ok(self)
    }

    /// `SSL_CTX_add_extra_chain_cert`: an intermediate after the leaf.
    pub fn add_extra_chain_cert(&mut self, cert: CertificateDer) -> Result<&mut Self, Error> {
        if self.inner.chain.is_empty() {
            return Err(invalid(
                "set the leaf certificate before extra chain certificates",
            ));
        }
        self.inner.chain.push(cert);
        Ok(self)
    }

    /// `SSL_CTX_use_PrivateKey_file`, PEM or DER (PKCS#8, SEC1 or PKCS#1).
    pub fn set_private_key_file(
        &mut self,
        path: impl AsRef<Path>,
        ty: FileType,
    ) -> Result<&mut Self, Error> {
        let key = match ty {
            FileType::Pem => ferrotls_pki::load_private_key_file(path)?,
            FileType::Asn1 => ferrotls_pki::load_private_key_der(read_file(path)?)?,
        };
        self.set_private_key(&key)
    }

    /// `SSL_CTX_use_PrivateKey` from PEM text in memory.
    pub fn set_private_key_pem(&mut self, pem: &[u8]) -> Result<&mut Self, Error> {
        let key = ferrotls_pki::load_private_key_from_pem(pem)?;
        self.set_private_key(&key)
    }

    /// `SSL_CTX_use_certificate_chain` from PEM text in memory (leaf first).
    pub fn set_certificate_chain_pem(&mut self, pem: &[u8]) -> Result<&mut Self, Error> {
        let chain = ferrotls_pki::load_certs_from_pem(pem)?;
        self.set_certificate_chain(chain)
    }

    /// `SSL_CTX_use_PrivateKey` from DER.
    pub fn set_private_key(
        &mut self,
        key: &ferrotls_core::PrivateKeyDer,
    ) -> Result<&mut Self, Error> {
        self.inner.key = Some(self.inner.provider.key_provider.load_private_key(key)?);
        Ok(self)
    }

    /// `SSL_CTX_load_verify_locations`: trust anchors from a PEM file
    /// and/or every certificate file in a directory.
    pub fn load_verify_locations(
        &mut self,
        ca_file: Option<&Path>,
        ca_dir: Option<&Path>,
    ) -> Result<&mut Self, Error> {
        if ca_file.is_none() && ca_dir.is_none() {
            return Err(ApiMisuse::BadArgument("neither a CA file nor a CA directory").into());
        }
        if let Some(f) = ca_file {
            self.roots.add_pem_file(f)?;
        }
        if let Some(d) = ca_dir {
            self.roots.add_dir(d)?;
        }
        Ok(self)
    }

    /// `SSL_CTX_set_default_verify_paths`: the system trust store.
    pub fn set_default_verify_paths(&mut self) -> Result<&mut Self, Error> {
        let (system, _stats) = RootCertStore::system()?;
        for anchor in system.anchors() {
            // A certificate the store already holds is not an error.
            let _ = self.roots.add(anchor.cert());
        }
        Ok(self)
    }

    /// Adds one trust anchor (`X509_STORE_add_cert`).
    pub fn add_trust_anchor(&mut self, cert: &CertificateDer) -> Result<&mut Self, Error> {
        self.roots.add(cert).map_err(Error::InvalidCertificate)?;
        Ok(self)
    }

    /// `SSL_CTX_set_verify`: the mode and an optional callback.
    pub fn set_verify(&mut self, mode: VerifyMode) -> &mut Self {
        self.inner.verify.mode = mode;
        self.inner.verify.callback = None;
        self
    }

    /// `SSL_CTX_set_verify` with a callback (see [`VerifyCallback`]).
    pub fn set_verify_callback<F>(&mut self, mode: VerifyMode, cb: F) -> &mut Self
    where
        F: Fn(bool, &X509StoreContext<'_>) -> bool + Send + Sync + 'static,
    {
        self.inner.verify.mode = mode;
        self.inner.verify.callback = Some(Arc::new(cb) as VerifyCallback);
        self
    }

    /// `SSL_CTX_set_verify_depth`: how many intermediates may follow the
    /// leaf.
    pub fn set_verify_depth(&mut self, depth: usize) -> &mut Self {
        self.inner.verify.depth = Some(depth);
        self
    }

    /// `SSL_CTX_set_mode`: adds bits; returns the new mode.
    pub fn set_mode(&mut self, mode: Mode) -> Mode {
        self.inner.mode |= mode;
        self.inner.mode
    }

    /// `SSL_CTX_clear_mode`: removes bits; returns the new mode.
    pub fn clear_mode(&mut self, mode: Mode) -> Mode {
        self.inner.mode = self.inner.mode & !mode;
        self.inner.mode
    }

    /// `SSL_CTX_set_options`: adds bits; returns the new options.
    pub fn set_options(&mut self, options: crate::modes::SslOptions) -> crate::modes::SslOptions {
        self.inner.options |= options;
        self.inner.options
    }

    /// `SSL_CTX_clear_options`: removes bits; returns the new options.
    pub fn clear_options(&mut self, options: crate::modes::SslOptions) -> crate::modes::SslOptions {
        self.inner.options = self.inner.options & !options;
        self.inner.options
    }

    /// Limits TLS 1.2 renegotiations the peer may ask for to `max` per
    /// `window_secs` seconds (default 4 per 60); over the limit they are
    /// declined with a no_renegotiation warning. Renegotiations we start
    /// (or asked for with a HelloRequest) are not counted.
    pub fn set_renegotiation_limit(&mut self, max: u32, window_secs: u64) -> &mut Self {
        self.inner.renegotiation.max_per_window = max;
        self.inner.renegotiation.window_secs = window_secs;
        self
    }

    /// Whether the peer may present a different certificate when it
    /// renegotiates (default: refused).
    pub fn set_renegotiation_allow_cert_change(&mut self, allow: bool) -> &mut Self {
        self.inner.renegotiation.allow_cert_change = allow;
        self
    }

    /// `SSL_CTX_set_alpn_protos`: the ALPN list in wire format (each name
    /// prefixed by its length). A client offers it; a server accepts the
    /// first of its own list that the client offered (server preference,
    /// which is what most `alpn_select_cb`s implement).
    pub fn set_alpn_protos(&mut self, wire: &[u8]) -> Result<&mut Self, Error> {
        self.inner.alpn = names::parse_alpn_wire(wire)?;
        Ok(self)
    }

    /// The ALPN list as separate names.
    pub fn set_alpn_protocols(&mut self, protocols: &[&[u8]]) -> Result<&mut Self, Error> {
        if protocols.iter().any(|p| p.is_empty() || p.len() > 255) {
            return Err(invalid("ALPN protocol names must be 1..=255 bytes"));
        }
        self.inner.alpn = protocols.iter().map(|p| p.to_vec()).collect();
        Ok(self)
    }

    /// RFC 8449 record_size_limit: the largest protected record this end
    /// accepts, in the RFC's terms (plaintext plus, in TLS 1.3, the
    /// content type byte), for peers with little memory. 64..=16385; a
    /// TLS 1.2 handshake announces at most 16384. It binds the peer only
    /// if it sends its own value too; then both sides cut their records
    /// at the other's limit and a larger record from the peer is a
    /// record_overflow alert. With `MODE_ENABLE_PARTIAL_WRITE` a write
    /// then returns after each record of the smaller size (S09).
    pub fn set_record_size_limit(&mut self, limit: usize) -> Result<&mut Self, Error> {
        let limit = u16::try_from(limit)
            .ok()
            .filter(|l| (64..=16385).contains(l))
            .ok_or_else(|| invalid("record_size_limit must be in 64..=16385"))?;
        self.inner.record_size_limit = Some(limit);
        Ok(self)
    }

    /// Replaces the clock (tests use a fixed time).
    pub fn set_time_source<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> UnixTime + Send + Sync + 'static,
    {
        self.inner.time = Arc::new(f);
        self
    }

    /// Freezes the settings. Fails if the version range is empty or if a
    /// certificate was given without its key (or the other way round).
    pub fn build(mut self) -> Result<SslContext, Error> {
        if self.inner.min_version > self.inner.max_version {
            return Err(invalid("min protocol version above max"));
        }
        if self.inner.chain.is_empty() != self.inner.key.is_none() {
            return Err(invalid(
                "a certificate needs its private key and vice versa",
            ));
        }
        self.inner.roots = Arc::new(self.roots);
        self.inner
            .sessions
            .finish(self.inner.method, self.inner.provider, (self.inner.time)())?;
        let inner = &self.inner;
        let versions = inner.versions();
        let mut suites = match &inner.tls13_suites {
            Some(s) => s.clone(),
            None => provider_suites(inner.provider, false),
        };
        if versions.contains(&ProtocolVersion::TLSv1_2) {
            match &inner.tls12_suites {
                Some(s) => suites.extend_from_slice(s),
                None => suites.extend(provider_suites(inner.provider, true)),
            }
        }
        self.inner.frozen = Frozen {
            versions: versions.into(),
            suites: suites.into(),
            groups: match &inner.groups {
                Some(g) => g.as_slice().into(),
                None => ferrotls_handshake::DEFAULT_GROUPS.into(),
            },
            signature_schemes: match &inner.sigalgs {
                Some(s) => s.as_slice().into(),
                None => ferrotls_handshake::DEFAULT_SIGNATURE_SCHEMES.into(),
            },
            certified: inner
                .key
                .clone()
                .filter(|_| !inner.chain.is_empty())
                .map(|key| Arc::new(CertifiedKey::new(inner.chain.clone(), key))),
            server_verifier: Some(inner.pki_server_verifier()),
            client_verifier: Some(inner.pki_client_verifier()),
        };
        Ok(SslContext {
            inner: Arc::new(self.inner),
        })
    }
}

impl ContextInner {
    /// The versions to offer, most preferred first.
    pub(crate) fn versions(&self) -> Vec<ProtocolVersion> {
        let mut v = Vec::new();
        if self.max_version >= SslVersion::Tls13 && self.min_version <= SslVersion::Tls13 {
            v.push(ProtocolVersion::TLSv1_3);
        }
        if self.min_version <= SslVersion::Tls12 && self.max_version >= SslVersion::Tls12 {
            v.push(ProtocolVersion::TLSv1_2);
        }
        v
    }

    /// The pki verifier of server chains and signatures over `roots`
    /// (`build` makes it once, into `frozen`).
    pub(crate) fn pki_server_verifier(&self) -> Arc<dyn ServerCertVerifier> {
        ferrotls_pki::WebPkiServerVerifier::builder(self.roots.clone(), self.provider).build()
    }

    /// The pki verifier of client chains and signatures over `roots`
    /// (`build` makes it once, into `frozen`).
    pub(crate) fn pki_client_verifier(&self) -> Arc<dyn ClientCertVerifier> {
        ferrotls_pki::WebPkiClientVerifier::builder(self.roots.clone(), self.provider).build()
    }
}

/// The provider's suites of one version, in its order.
fn provider_suites(provider: &CryptoProvider, tls12: bool) -> Vec<CipherSuite> {
    use ferrotls_core::crypto::SupportedCipherSuite as S;
    provider
        .cipher_suites
        .iter()
        .filter(|s| matches!(s, S::Tls12(_)) == tls12)
        .map(|s| s.suite())
        .collect()
}

fn invalid(why: &str) -> Error {
    ApiMisuse::InvalidConfiguration(why.into()).into()
}

fn read_file(path: impl AsRef<Path>) -> Result<Vec<u8>, Error> {
    let path = path.as_ref();
    std::fs::read(path).map_err(|e| Error::General(format!("cannot read {}: {e}", path.display())))
}
