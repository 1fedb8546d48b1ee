//! What a TLS 1.2 server picks from a ClientHello: the certificate (the
//! SNI hook's choice, as in TLS 1.3), a suite whose authentication fits
//! its key (server preference), an ECDHE group, the ServerKeyExchange
//! signature scheme, ALPN (the ALPN hook's choice, as in TLS 1.3), and
//! whether the extended master secret is used.

use std::sync::Arc;

use ferrotls_core::crypto::Tls12CipherSuite;
use ferrotls_core::enums::EcPointFormat;
use ferrotls_core::{Error, NamedGroup, PeerIncompatible, ProtocolVersion, SignatureScheme};

use super::{illegal, is_tls12_group, scheme_fits, suite_kind_of_key};
use crate::config::{CertifiedKey, ServerConfig, tls12_suites};
use crate::hooks;
use crate::msgs::ClientHelloPayload;
use crate::record_limit::{RecordSizeLimits, TLS12_MAX};

pub(crate) struct Negotiated {
    pub suite: &'static Tls12CipherSuite,
    pub group: NamedGroup,
    pub scheme: SignatureScheme,
    pub alpn: Option<Vec<u8>>,
    pub ems: bool,
    /// The certificate to present: the SNI hook's choice or the default.
    pub cert: Arc<CertifiedKey>,
    /// Whether to acknowledge the client's server_name.
    pub sni_ack: bool,
    /// RFC 8449, when both sides have a record_size_limit (ours capped at
    /// 2^14, the most TLS 1.2 may announce).
    pub record_size_limit: Option<RecordSizeLimits>,
}

/// Whether this ClientHello can do TLS 1.2 at all.
pub(crate) fn offers_tls12(ch: &ClientHelloPayload) -> bool {
    match ch.supported_versions() {
        Some(v) => v.contains(&ProtocolVersion::TLSv1_2),
        None => ch.client_version.get() >= ProtocolVersion::TLSv1_2.get(),
    }
}

/// Negotiates from `ch`. `ems_required` is the configuration's
/// requirement, or that of the connection being renegotiated.
pub(crate) fn negotiate(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
    ems_required: bool,
) -> Result<Negotiated, Error> {
    let ems = ch.ems_offered();
    if !ems && ems_required {
        return Err(PeerIncompatible::ExtendedMasterSecretRequired.into());
    }
    // RFC 8422 5.1.2: uncompressed points must be supported.
    if let Some(formats) = ch.ec_point_formats() {
        if !formats.contains(&EcPointFormat::Uncompressed) {
            return Err(illegal("ec_point_formats without uncompressed"));
        }
    }

    // The SNI hook first: the certificate it picks decides which suites
    // can authenticate.
    let (cert, sni_ack) = hooks::resolve_server_cert(config, ch)?;
    let key_kind = suite_kind_of_key(cert.key.kind());
    let suite = tls12_suites(config.provider, &config.cipher_suites)
        .find(|s| s.sign == key_kind && ch.cipher_suites.contains(&s.suite))
        .ok_or(PeerIncompatible::NoCommonCipherSuite)?;

    // RFC 8422 5.1.1: without supported_groups the client is taken to
    // support nothing we could pick safely.
    let client_groups = ch.named_groups().unwrap_or(&[]);
    let group = config
        .groups
        .iter()
        .copied()
        .filter(|g| is_tls12_group(*g) && config.provider.kx_group(*g).is_some())
        .find(|g| client_groups.contains(g))
        .ok_or(PeerIncompatible::NoCommonGroup)?;

    // RFC 5246 7.4.1.4.1: without signature_algorithms the client would
    // accept only SHA-1, which is not implemented.
    let offered: Vec<SignatureScheme> = ch
        .signature_algorithms()
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(|s| scheme_fits(*s, suite.sign))
        .collect();
    let scheme = cert
        .key
        .choose_scheme(&offered)
        .ok_or(PeerIncompatible::NoCommonSignatureScheme)?;

    Ok(Negotiated {
        suite,
        group,
        scheme,
        alpn: hooks::choose_server_alpn(config, ch)?,
        ems,
        cert,
        sni_ack,
        record_size_limit: RecordSizeLimits::agreed(
            config.record_size_limit.map(|v| v.min(TLS12_MAX)),
            ch.record_size_limit(),
        ),
    })
}
