//! What a client or a server is willing to negotiate.
//!
//! Configurations are plain data shared behind an `Arc` by every handshake
//! made from them. Lists are in preference order; names the provider does
//! not implement are skipped at negotiation time (so one configuration can
//! be used with several providers), and a configuration left with nothing
//! usable fails when a handshake is started, not in the middle of it.

use std::sync::Arc;

use ferrotls_core::crypto::{CryptoProvider, SigningKey, SupportedCipherSuite, Tls13CipherSuite};
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

/// The TLS 1.3 suites of `provider`, in its order.
fn default_suites(provider: &CryptoProvider) -> Vec<CipherSuite> {
    provider
        .cipher_suites
        .iter()
        .filter(|s| matches!(s, SupportedCipherSuite::Tls13(_)))
        .map(|s| s.suite())
        .collect()
}

/// The configured TLS 1.3 suites the provider implements, in config order.
pub(crate) fn tls13_suites(
    provider: &CryptoProvider,
    ids: &[CipherSuite],
) -> Vec<&'static Tls13CipherSuite> {
    ids.iter()
        .filter_map(|id| match provider.suite(*id) {
            Some(SupportedCipherSuite::Tls13(s)) => Some(s),
            _ => None,
        })
        .collect()
}

/// Client configuration.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The cryptography.
    pub provider: &'static CryptoProvider,
    /// Versions to offer, most preferred first. Only TLS 1.3 is
    /// implemented; TLS 1.2 may be listed (it is then offered, and a server
    /// choosing it fails the handshake with `NotSupported("TLS 1.2")`).
    pub versions: Vec<ProtocolVersion>,
    /// Cipher suites, most preferred first.
    pub cipher_suites: Vec<CipherSuite>,
    /// Groups for supported_groups, most preferred first.
    pub groups: Vec<NamedGroup>,
    /// How many of the first usable `groups` get a key share in the first
    /// ClientHello (each costs a key generation and bytes on the wire).
    pub key_share_count: usize,
    /// Schemes for signature_algorithms.
    pub signature_schemes: Vec<SignatureScheme>,
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
}

impl ClientConfig {
    /// Defaults: TLS 1.3, every TLS 1.3 suite of `provider`, the default
    /// groups with two key shares, the default schemes, SNI and
    /// compatibility mode on, no ALPN, no client certificate.
    pub fn new(provider: &'static CryptoProvider, verifier: Arc<dyn ServerCertVerifier>) -> Self {
        Self {
            provider,
            versions: vec![ProtocolVersion::TLSv1_3],
            cipher_suites: default_suites(provider),
            groups: DEFAULT_GROUPS.to_vec(),
            key_share_count: 2,
            signature_schemes: DEFAULT_SIGNATURE_SCHEMES.to_vec(),
            verifier,
            alpn_protocols: Vec::new(),
            client_auth_cert: None,
            enable_sni: true,
            record_size_limit: None,
            compatibility_mode: true,
            key_log: None,
            client_cert_resolver: None,
        }
    }

    /// Checks that a handshake can be attempted at all.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if !self.versions.contains(&ProtocolVersion::TLSv1_3) {
            return Err(match self.versions.contains(&ProtocolVersion::TLSv1_2) {
                true => Error::NotSupported("TLS 1.2"),
                false => invalid("no supported protocol version (TLS 1.3 or 1.2)"),
            });
        }
        if tls13_suites(self.provider, &self.cipher_suites).is_empty() {
            return Err(invalid("no TLS 1.3 cipher suite usable with this provider"));
        }
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
    /// Versions to accept. Only TLS 1.3 is implemented.
    pub versions: Vec<ProtocolVersion>,
    /// Cipher suites in server preference order (the server's order wins).
    pub cipher_suites: Vec<CipherSuite>,
    /// Groups in server preference order.
    pub groups: Vec<NamedGroup>,
    /// Schemes the server accepts for client CertificateVerify.
    pub signature_schemes: Vec<SignatureScheme>,
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
}

impl ServerConfig {
    /// Defaults: TLS 1.3, every TLS 1.3 suite of `provider`, the default
    /// groups and schemes, no client authentication, no ALPN.
    pub fn new(provider: &'static CryptoProvider, cert: Arc<CertifiedKey>) -> Self {
        Self {
            provider,
            versions: vec![ProtocolVersion::TLSv1_3],
            cipher_suites: default_suites(provider),
            groups: DEFAULT_GROUPS.to_vec(),
            signature_schemes: DEFAULT_SIGNATURE_SCHEMES.to_vec(),
            cert,
            client_verifier: None,
            alpn_protocols: Vec::new(),
            record_size_limit: None,
            send_supported_groups: false,
            key_log: None,
            cert_resolver: None,
            alpn_selector: None,
            tickets: crate::session::TicketPolicy::default(),
        }
    }

    /// Checks that a handshake can be attempted at all.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if !self.versions.contains(&ProtocolVersion::TLSv1_3) {
            return Err(match self.versions.contains(&ProtocolVersion::TLSv1_2) {
                true => Error::NotSupported("TLS 1.2"),
                false => invalid("no supported protocol version (TLS 1.3 or 1.2)"),
            });
        }
        if tls13_suites(self.provider, &self.cipher_suites).is_empty() {
            return Err(invalid("no TLS 1.3 cipher suite usable with this provider"));
        }
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
