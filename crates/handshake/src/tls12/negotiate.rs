//! What a TLS 1.2 server picks from a ClientHello: a suite whose
//! authentication fits its certificate key (server preference), an ECDHE
//! group, the ServerKeyExchange signature scheme, ALPN, and whether the
//! extended master secret is used.

use ferrotls_core::crypto::Tls12CipherSuite;
use ferrotls_core::enums::EcPointFormat;
use ferrotls_core::{Error, NamedGroup, PeerIncompatible, ProtocolVersion, SignatureScheme};

use super::{illegal, is_tls12_group, scheme_fits, suite_kind_of_key};
use crate::config::{ServerConfig, tls12_suites};
use crate::msgs::ClientHelloPayload;

pub(crate) struct Negotiated {
    pub suite: &'static Tls12CipherSuite,
    pub group: NamedGroup,
    pub scheme: SignatureScheme,
    pub alpn: Option<Vec<u8>>,
    pub ems: bool,
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

    let key_kind = suite_kind_of_key(config.cert.key.kind());
    let suite = tls12_suites(config.provider, &config.cipher_suites)
        .into_iter()
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
    let scheme = config
        .cert
        .key
        .choose_scheme(&offered)
        .ok_or(PeerIncompatible::NoCommonSignatureScheme)?;

    Ok(Negotiated {
        suite,
        group,
        scheme,
        alpn: choose_alpn(config, ch)?,
        ems,
    })
}

/// RFC 7301: the first of our protocols the client offered; offered but
/// none in common is no_application_protocol.
fn choose_alpn(config: &ServerConfig, ch: &ClientHelloPayload) -> Result<Option<Vec<u8>>, Error> {
    let Some(offered) = ch.alpn() else {
        return Ok(None);
    };
    if config.alpn_protocols.is_empty() {
        return Ok(None);
    }
    config
        .alpn_protocols
        .iter()
        .find(|ours| offered.iter().any(|p| p.as_bytes() == ours.as_slice()))
        .cloned()
        .map(Some)
        .ok_or_else(|| PeerIncompatible::NoApplicationProtocol.into())
}
