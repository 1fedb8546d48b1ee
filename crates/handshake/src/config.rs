//! What a client or a server is willing to negotiate.
//!
//! Configurations are plain data shared behind an `Arc` by every handshake
//! made from them. Lists are in preference order; names the provider does
//! not implement are skipped at negotiation time (so one configuration can
//! be used with several providers), and a configuration left with nothing
//! usable fails when a handshake is started, not in the middle of it.

use std::sync::Arc;

use ferrotls_core::crypto::{
    CryptoProvider, SigningKey, SupportedCipherSuite, Tls12CipherSuite, Tls13CipherSuite,
};
use ferrotls_core::verify::{ClientCertVerifier, ServerCertVerifier};
use ferrotls_core::{
    ApiMisuse, CertificateDer, CipherSuite, Error, NamedGroup, ProtocolVersion, SignatureScheme,
};

/// A certificate chain with the private key of its leaf.
#[derive(Debug)]
pub struct CertifiedKey {
    /// The chain, leaf first.
    pub chain: Vec<CertificateDer>,
    /// The leaf's private key.
    pub key: Arc<dyn SigningKey>,
}

impl CertifiedKey {
    /// Pairs a chain (leaf first) with its key.
    pub fn new(chain: Vec<CertificateDer>, key: Arc<dyn SigningKey>) -> Self {
        Self { chain, key }
    }

    /// The leaf certificate.
    pub fn end_entity(&self) -> Option<&CertificateDer> {
        self.chain.first()
    }
}

/// The groups offered by default (SPEC P03): the post-quantum hybrid first.
pub const DEFAULT_GROUPS: &[NamedGroup] = &[
    NamedGroup::X25519MLKEM768,
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

/// The signature schemes offered by default (SPEC P04). PKCS#1 stays in the
/// list because signature_algorithms also governs certificate signatures
/// (RFC 8446 section 4.2.3); it is never accepted in a TLS 1.3
/// CertificateVerify.
pub const DEFAULT_SIGNATURE_SCHEMES: &[SignatureScheme] = &[
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

/// Every suite of `provider`, in its order; each version picks its own
/// from the list at negotiation time.
fn default_suites(provider: &CryptoProvider) -> Arc<[CipherSuite]> {
    provider.cipher_suites.iter().map(|s| s.suite()).collect()
}

/// What a configuration offers and accepts: versions, suites, groups and
/// signature schemes, each in preference order. Shared slices: a caller
/// that makes one configuration per connection from fixed settings (a
/// context) hands out the same lists without copying them each time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Protocol versions, most preferred first.
    pub versions: Arc<[ProtocolVersion]>,
    /// Cipher suites (each version uses its own).
    pub cipher_suites: Arc<[CipherSuite]>,
    /// Key exchange groups.
    pub groups: Arc<[NamedGroup]>,
    /// Signature schemes.
    pub signature_schemes: Arc<[SignatureScheme]>,
}

impl Offer {
    /// The defaults of [`ClientConfig::new`] and [`ServerConfig::new`]:
    /// TLS 1.3, every suite of `provider`, the default groups and schemes.
    pub fn defaults(provider: &CryptoProvider) -> Self {
        Self {
            versions: Arc::from([ProtocolVersion::TLSv1_3]),
            cipher_suites: default_suites(provider),
            groups: Arc::from(DEFAULT_GROUPS),
            signature_schemes: Arc::from(DEFAULT_SIGNATURE_SCHEMES),
        }
    }
}

/// The configured TLS 1.2 suites the provider implements, in config order
/// (an iterator: callers look for one, nothing is collected per handshake).
pub(crate) fn tls12_suites<'a>(
    provider: &'a CryptoProvider,
    ids: &'a [CipherSuite],
) -> impl Iterator<Item = &'static Tls12CipherSuite> + 'a {
    ids.iter().filter_map(|id| match provider.suite(*id) {
        Some(SupportedCipherSuite::Tls12(s)) => Some(s),
        _ => None,
    })
}

/// TLS 1.2 renegotiation (RFC 5746) policy. Only secure renegotiation is
/// ever done; these settings decide whether and how often a peer may ask
/// for one, because each renegotiation costs the server a full handshake
/// (the reason OpenSSL 3 refuses client-initiated ones by default; a rate
/// limit keeps the feature without the denial of service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenegotiationPolicy {
    /// Whether renegotiation requested by the peer (a HelloRequest to a
    /// client, a ClientHello to a server) is done. When false, or over the
    /// limit, the request is declined with a no_renegotiation warning and
    /// the connection carries on (OpenSSL's `SSL_OP_NO_RENEGOTIATION`).
    pub accept_peer_requests: bool,
    /// At most this many peer-requested renegotiations per `window_secs`.
    pub max_per_window: u32,
    /// The window of `max_per_window`, in seconds.
    pub window_secs: u64,
    /// Whether the peer's certificate may change on renegotiation. When
    /// false (the default) a different leaf is refused, which closes the
    /// identity-switch attacks on renegotiation.
    pub allow_cert_change: bool,
}

impl Default for RenegotiationPolicy {
    /// Accepted, at most 4 per minute, same peer certificate.
    fn default() -> Self {
        Self {
            accept_peer_requests: true,
            max_per_window: 4,
            window_secs: 60,
            allow_cert_change: false,
        }
    }
}

/// The configured TLS 1.3 suites the provider implements, in config order.
pub(crate) fn tls13_suites<'a>(
    provider: &'a CryptoProvider,
    ids: &'a [CipherSuite],
) -> impl Iterator<Item = &'static Tls13CipherSuite> + 'a {
    ids.iter().filter_map(|id| match provider.suite(*id) {
        Some(SupportedCipherSuite::Tls13(s)) => Some(s),
        _ => None,
    })
}

/// Client configuration.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The cryptography.
    pub provider: &'static CryptoProvider,
    /// Versions to offer (TLS 1.3 and/or TLS 1.2). With both, the
    /// ClientHello offers both and the server picks.
    pub versions: Arc<[ProtocolVersion]>,
    /// Cipher suites, most preferred first.
    pub cipher_suites: Arc<[CipherSuite]>,
    /// Groups for supported_groups, most preferred first.
    pub groups: Arc<[NamedGroup]>,
    /// How many of the first usable `groups` get a key share in the first
    /// ClientHello (each costs a key generation and bytes on the wire).
    pub key_share_count: usize,
    /// Schemes for signature_algorithms.
    pub signature_schemes: Arc<[SignatureScheme]>,
    /// Judges the server's certificate chain and CertificateVerify.
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// ALPN protocols to offer, most preferred first (empty: no ALPN).
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Certificate and key for client authentication, if the server asks.
    pub client_auth_cert: Option<Arc<CertifiedKey>>,
    /// Send the server name as SNI (DNS names only, RFC 6066 section 3).
    pub enable_sni: bool,
    /// RFC 8449 record_size_limit to announce (64..=16385), if any.
    pub record_size_limit: Option<u16>,
    /// RFC 8446 Appendix D.4 middlebox compatibility mode: a random legacy
    /// session id and a fake ChangeCipherSpec before the second flight.
    pub compatibility_mode: bool,
    /// Receives the handshake secrets for an NSS key log, if set.
    pub key_log: Option<Arc<dyn crate::hooks::KeyLog>>,
    /// Chooses the client certificate when the server asks (takes
    /// precedence over `client_auth_cert`).
    pub client_cert_resolver: Option<Arc<dyn crate::hooks::ResolvesClientCert>>,
    /// TLS 1.2: refuse a server without extended_master_secret (RFC 7627),
    /// whose master secret is not bound to the handshake.
    pub require_ems: bool,
    /// TLS 1.2 renegotiation policy.
    pub renegotiation: RenegotiationPolicy,
    /// TLS 1.2: send the session_ticket extension (RFC 5077), asking for
    /// a ticket or offering one; off is OpenSSL's `SSL_OP_NO_TICKET`.
    pub enable_tickets: bool,
}

impl ClientConfig {
    /// Defaults: TLS 1.3, every suite of `provider` (each version uses its
    /// own), the default groups with two key shares, the default schemes,
    /// SNI and compatibility mode on, no ALPN, no client certificate;
    /// for TLS 1.2 when enabled: extended master secret required, the
    /// default renegotiation policy.
    pub fn new(provider: &'static CryptoProvider, verifier: Arc<dyn ServerCertVerifier>) -> Self {
        Self::with_offer(provider, verifier, Offer::defaults(provider))
    }

    /// [`new`](Self::new) with `offer` in place of the default versions,
    /// suites, groups and schemes (which a caller setting its own would
    /// otherwise have allocated and dropped on every connection).
    pub fn with_offer(
        provider: &'static CryptoProvider,
        verifier: Arc<dyn ServerCertVerifier>,
        offer: Offer,
    ) -> Self {
        Self {
            provider,
            versions: offer.versions,
            cipher_suites: offer.cipher_suites,
            groups: offer.groups,
            key_share_count: 2,
            signature_schemes: offer.signature_schemes,
            verifier,
            alpn_protocols: Vec::new(),
            client_auth_cert: None,
            enable_sni: true,
            record_size_limit: None,
            compatibility_mode: true,
            key_log: None,
            client_cert_resolver: None,
            require_ems: true,
            renegotiation: RenegotiationPolicy::default(),
            enable_tickets: true,
        }
    }

    /// Checks that a handshake can be attempted at all.
    pub(crate) fn check(&self) -> Result<(), Error> {
        check_versions(self.provider, &self.versions, &self.cipher_suites)?;
        if !self
            .groups
            .iter()
            .any(|g| self.provider.kx_group(*g).is_some())
        {
            return Err(invalid("no key exchange group usable with this provider"));
        }
        if self.signature_schemes.is_empty() {
            return Err(invalid("no signature schemes"));
        }
        check_alpn(&self.alpn_protocols)?;
        if let Some(limit) = self.record_size_limit {
            if !(64..=16385).contains(&limit) {
                return Err(invalid("record_size_limit must be in 64..=16385"));
            }
        }
        Ok(())
    }
}

/// Server configuration.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The cryptography.
    pub provider: &'static CryptoProvider,
    /// Versions to accept (TLS 1.3 and/or TLS 1.2); TLS 1.3 wins when both
    /// sides have it.
    pub versions: Arc<[ProtocolVersion]>,
    /// Cipher suites in server preference order (the server's order wins).
    pub cipher_suites: Arc<[CipherSuite]>,
    /// Groups in server preference order.
    pub groups: Arc<[NamedGroup]>,
    /// Schemes the server accepts for client CertificateVerify.
    pub signature_schemes: Arc<[SignatureScheme]>,
    /// The server's certificate chain and key.
    pub cert: Arc<CertifiedKey>,
    /// Set to ask for (and judge) client certificates.
    pub client_verifier: Option<Arc<dyn ClientCertVerifier>>,
    /// ALPN protocols in server preference order (empty: ignore ALPN).
    pub alpn_protocols: Vec<Vec<u8>>,
    /// RFC 8449 record_size_limit to announce when the client sends one.
    pub record_size_limit: Option<u16>,
    /// List `groups` in EncryptedExtensions (RFC 8446 section 4.2.7 lets
    /// a server tell the client which groups to share next time).
    pub send_supported_groups: bool,
    /// Receives the handshake secrets for an NSS key log, if set.
    pub key_log: Option<Arc<dyn crate::hooks::KeyLog>>,
    /// Chooses the certificate by SNI before it is used (and may refuse
    /// the name); `cert` is the default.
    pub cert_resolver: Option<Arc<dyn crate::hooks::ResolvesServerCert>>,
    /// Chooses the ALPN protocol instead of `alpn_protocols`.
    pub alpn_selector: Option<Arc<dyn crate::hooks::SelectsAlpn>>,
    /// TLS 1.3 session tickets to issue (none without keys).
    pub tickets: crate::session::TicketPolicy,
    /// TLS 1.2: refuse a client without extended_master_secret (RFC 7627).
    pub require_ems: bool,
    /// TLS 1.2 renegotiation policy.
    pub renegotiation: RenegotiationPolicy,
    /// TLS 1.2 session IDs: with a cache, a full handshake that issues no
    /// ticket assigns a random 32-byte id and stores the session under it,
    /// and a ClientHello offering a cached id is resumed.
    pub session_cache: Option<Arc<dyn crate::session::ServerSessionCache>>,
}

impl ServerConfig {
    /// Defaults: TLS 1.3, every suite of `provider` (each version uses its
    /// own), the default groups and schemes, no client authentication, no
    /// ALPN; for TLS 1.2 when enabled: extended master secret required,
    /// the default renegotiation policy.
    pub fn new(provider: &'static CryptoProvider, cert: Arc<CertifiedKey>) -> Self {
        Self::with_offer(provider, cert, Offer::defaults(provider))
    }

    /// [`new`](Self::new) with `offer` in place of the default versions,
    /// suites, groups and schemes.
    pub fn with_offer(
        provider: &'static CryptoProvider,
        cert: Arc<CertifiedKey>,
        offer: Offer,
    ) -> Self {
        Self {
            provider,
            versions: offer.versions,
            cipher_suites: offer.cipher_suites,
            groups: offer.groups,
            signature_schemes: offer.signature_schemes,
            cert,
            client_verifier: None,
            alpn_protocols: Vec::new(),
            record_size_limit: None,
            send_supported_groups: false,
            key_log: None,
            cert_resolver: None,
            alpn_selector: None,
            tickets: crate::session::TicketPolicy::default(),
            require_ems: true,
            renegotiation: RenegotiationPolicy::default(),
            session_cache: None,
        }
    }

    /// Checks that a handshake can be attempted at all.
    pub(crate) fn check(&self) -> Result<(), Error> {
        check_versions(self.provider, &self.versions, &self.cipher_suites)?;
        if self.cert.chain.is_empty() {
            return Err(invalid("empty certificate chain"));
        }
        check_alpn(&self.alpn_protocols)?;
        if let Some(limit) = self.record_size_limit {
            if !(64..=16385).contains(&limit) {
                return Err(invalid("record_size_limit must be in 64..=16385"));
            }
        }
        Ok(())
    }
}

/// At least one of TLS 1.3 and TLS 1.2, each enabled one with a suite.
fn check_versions(
    provider: &CryptoProvider,
    versions: &[ProtocolVersion],
    suites: &[CipherSuite],
) -> Result<(), Error> {
    let tls13 = versions.contains(&ProtocolVersion::TLSv1_3);
    let tls12 = versions.contains(&ProtocolVersion::TLSv1_2);
    if !tls13 && !tls12 {
        return Err(invalid("no supported protocol version (TLS 1.3 or 1.2)"));
    }
    if tls13 && tls13_suites(provider, suites).next().is_none() {
        return Err(invalid("no TLS 1.3 cipher suite usable with this provider"));
    }
    if tls12 && !tls13 && tls12_suites(provider, suites).next().is_none() {
        return Err(invalid("no TLS 1.2 cipher suite usable with this provider"));
    }
    Ok(())
}

fn invalid(why: &str) -> Error {
    ApiMisuse::InvalidConfiguration(why.into()).into()
}

/// RFC 7301: each protocol name is 1..=255 bytes.
fn check_alpn(protocols: &[Vec<u8>]) -> Result<(), Error> {
    if protocols.iter().any(|p| p.is_empty() || p.len() > 255) {
        return Err(invalid("ALPN protocol names must be 1..=255 bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotls_core::CertificateDer;
    use ferrotls_core::verify::{HandshakeSignatureValid, ServerCertVerified};

    #[derive(Debug)]
    struct NoVerifier;

    impl ServerCertVerifier for NoVerifier {
        fn verify_server_cert(
            &self,
            _: &CertificateDer,
            _: &[CertificateDer],
            _: &ferrotls_core::ServerName,
            _: ferrotls_core::UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            Err(Error::General("test verifier".into()))
        }
        fn verify_tls12_signature(
            &self,
            _: &[u8],
            _: &CertificateDer,
            _: SignatureScheme,
            _: &[u8],
        ) -> Result<HandshakeSignatureValid, Error> {
            Err(Error::General("test verifier".into()))
        }
        fn verify_tls13_signature(
            &self,
            _: &[u8],
            _: &CertificateDer,
            _: SignatureScheme,
            _: &[u8],
        ) -> Result<HandshakeSignatureValid, Error> {
            Err(Error::General("test verifier".into()))
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            Vec::new()
        }
    }

    /// `new` is `with_offer` of the defaults, and `with_offer` takes the
    /// offer as given.
    #[test]
    fn with_offer_sets_the_offer_and_new_uses_the_defaults() {
        let provider = ferrotls_crypto::default_provider();
        let d = Offer::defaults(provider);
        let c = ClientConfig::new(provider, Arc::new(NoVerifier));
        assert_eq!(c.versions, d.versions);
        assert_eq!(c.cipher_suites, d.cipher_suites);
        assert_eq!(*c.groups, *DEFAULT_GROUPS);
        assert_eq!(*c.signature_schemes, *DEFAULT_SIGNATURE_SCHEMES);
        let mine = Offer {
            versions: Arc::from([ProtocolVersion::TLSv1_2]),
            cipher_suites: Arc::from(&d.cipher_suites[..1]),
            groups: Arc::from([NamedGroup::X25519]),
            signature_schemes: Arc::from([SignatureScheme::ED25519]),
        };
        let c = ClientConfig::with_offer(provider, Arc::new(NoVerifier), mine.clone());
        assert_eq!(c.versions, mine.versions);
        assert_eq!(c.cipher_suites, mine.cipher_suites);
        assert_eq!(c.groups, mine.groups);
        assert_eq!(c.signature_schemes, mine.signature_schemes);
        assert_eq!(c.key_share_count, 2);
        assert!(c.require_ems);
    }
}
