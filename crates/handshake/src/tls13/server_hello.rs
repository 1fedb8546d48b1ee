//! What a TLS 1.3 server picks from a ClientHello: version, suite (server
//! preference), group (a fitting key share, else a HelloRetryRequest),
//! signature scheme for its certificate, ALPN protocol.

use ferrotls_core::crypto::{SupportedCipherSuite, Tls13CipherSuite};
use ferrotls_core::enums::Compression;
use ferrotls_core::{
    Error, NamedGroup, PeerIncompatible, PeerMisbehaved, ProtocolVersion, SignatureScheme,
};

use std::sync::Arc;

use super::common;
use crate::config::{CertifiedKey, ServerConfig};
use crate::hooks;
use crate::msgs::{ClientHelloPayload, KeyShareEntry, SessionId};

/// The outcome of negotiation.
pub(crate) struct Negotiated {
    pub suite: &'static Tls13CipherSuite,
    pub group: NamedGroup,
    /// The client's share for `group`; `None` asks for a HelloRetryRequest.
    pub share: Option<KeyShareEntry>,
    /// The scheme our CertificateVerify will use.
    pub scheme: SignatureScheme,
    pub alpn: Option<Vec<u8>>,
    /// True for the ClientHello that answers our HelloRetryRequest.
    pub after_retry: bool,
    /// The certificate to present: the SNI hook's choice or the default.
    pub cert: Arc<CertifiedKey>,
    /// Whether to acknowledge the client's server_name.
    pub sni_ack: bool,
}

/// Negotiates from `ch`; `retry` holds what our HelloRetryRequest fixed
/// (suite, group, session id) when `ch` is the second ClientHello.
pub(crate) fn negotiate(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
    retry: Option<(&'static Tls13CipherSuite, NamedGroup, SessionId)>,
) -> Result<Negotiated, Error> {
    check_version(config, ch)?;
    if ch.compression_methods != [Compression::Null] {
        return Err(illegal("TLS 1.3 legacy_compression_methods must be [null]"));
    }

    let suite = match retry {
        Some((suite, _, _)) if ch.cipher_suites.contains(&suite.suite) => suite,
        Some(_) => return Err(illegal("second ClientHello dropped the chosen suite")),
        None => choose_suite(config, ch)?,
    };

    let Some(client_schemes) = ch.signature_algorithms() else {
        return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
    };
    let Some(client_groups) = ch.named_groups() else {
        return Err(PeerMisbehaved::MissingExtension("supported_groups").into());
    };
    let Some(shares) = ch.key_shares() else {
        return Err(PeerMisbehaved::MissingExtension("key_share").into());
    };
    // RFC 8446 4.2.8: shares only for offered groups, at most one each.
    for (i, share) in shares.iter().enumerate() {
        if !client_groups.contains(&share.group) {
            return Err(illegal("key_share for a group not in supported_groups"));
        }
        if shares[..i].iter().any(|s| s.group == share.group) {
            return Err(illegal("two key shares for one group"));
        }
    }

    let usable: Vec<SignatureScheme> = client_schemes
        .iter()
        .copied()
        .filter(|s| common::usable_in_tls13_certificate_verify(*s))
        .collect();
    let (cert, sni_ack) = hooks::resolve_server_cert(config, ch)?;
    let Some(scheme) = cert.key.choose_scheme(&usable) else {
        return Err(PeerIncompatible::NoCommonSignatureScheme.into());
    };

    let alpn = hooks::choose_server_alpn(config, ch)?;

    let (group, share) = match retry {
        Some((_, group, session_id)) => {
            if ch.session_id != session_id {
                return Err(illegal("second ClientHello changed legacy_session_id"));
            }
            match shares {
                [share] if share.group == group => (group, Some(share.clone())),
                _ => return Err(illegal("second ClientHello lacks the requested key share")),
            }
        }
        None => choose_group(config, client_groups, shares)?,
    };

    Ok(Negotiated {
        suite,
        group,
        share,
        scheme,
        alpn,
        after_retry: retry.is_some(),
        cert,
        sni_ack,
    })
}

/// TLS 1.3 in common, or nothing: a ClientHello that can get TLS 1.2 was
/// handed to `tls12` before this (except after a HelloRetryRequest, where
/// changing the version is illegal). A client with neither gets
/// protocol_version (SPEC S16 for TLS 1.1 and below).
fn check_version(config: &ServerConfig, ch: &ClientHelloPayload) -> Result<(), Error> {
    let offered = ch.supported_versions();
    let we_do_13 = config.versions.contains(&ProtocolVersion::TLSv1_3);
    if we_do_13 && offered.is_some_and(|v| v.contains(&ProtocolVersion::TLSv1_3)) {
        return Ok(());
    }
    let offers_12 = match offered {
        Some(v) => v.contains(&ProtocolVersion::TLSv1_2),
        None => ch.client_version.get() >= ProtocolVersion::TLSv1_2.get(),
    };
    if offers_12 && config.versions.contains(&ProtocolVersion::TLSv1_2) {
        return Err(illegal("second ClientHello dropped TLS 1.3"));
    }
    Err(PeerIncompatible::NoCommonVersion.into())
}

/// The first of our suites the client offered (server preference).
fn choose_suite(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
) -> Result<&'static Tls13CipherSuite, Error> {
    config
        .cipher_suites
        .iter()
        .filter(|id| ch.cipher_suites.contains(id))
        .find_map(|id| match config.provider.suite(*id) {
            Some(SupportedCipherSuite::Tls13(s)) => Some(s),
            _ => None,
        })
        .ok_or_else(|| PeerIncompatible::NoCommonCipherSuite.into())
}

/// Our most preferred group the client sent a share for; failing that,
/// our most preferred group the client supports (HelloRetryRequest).
fn choose_group(
    config: &ServerConfig,
    client_groups: &[NamedGroup],
    shares: &[KeyShareEntry],
) -> Result<(NamedGroup, Option<KeyShareEntry>), Error> {
    let ours = config
        .groups
        .iter()
        .copied()
        .filter(|g| config.provider.kx_group(*g).is_some());
    for g in ours.clone() {
        if let Some(share) = shares.iter().find(|s| s.group == g) {
            return Ok((g, Some(share.clone())));
        }
    }
    for g in ours {
        if client_groups.contains(&g) {
            return Ok((g, None));
        }
    }
    Err(PeerIncompatible::NoCommonGroup.into())
}

fn illegal(why: &'static str) -> Error {
    PeerMisbehaved::IllegalParameter(why).into()
}
