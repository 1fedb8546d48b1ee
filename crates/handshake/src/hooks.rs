//! Points where the application takes part in a handshake: the key log
//! (the only way secrets leave the library), the server's certificate
//! choice by SNI, its ALPN choice, and the client's certificate choice.
//!
//! Each is a trait object in the configuration, called synchronously at
//! the one point of the state machine where its answer is needed, so the
//! handshake stays sans-IO and deterministic.

use std::sync::Arc;

use ferrotls_core::{
    AlertDescription, DistinguishedName, Error, PeerIncompatible, SignatureScheme,
};

use crate::config::{CertifiedKey, ServerConfig};
use crate::msgs::ClientHelloPayload;

/// NSS key log labels (the format Wireshark reads).
pub mod labels {
    /// TLS 1.3 client handshake traffic secret.
    pub const CLIENT_HANDSHAKE_TRAFFIC_SECRET: &str = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    /// TLS 1.3 server handshake traffic secret.
    pub const SERVER_HANDSHAKE_TRAFFIC_SECRET: &str = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    /// TLS 1.3 first client application traffic secret.
    pub const CLIENT_TRAFFIC_SECRET_0: &str = "CLIENT_TRAFFIC_SECRET_0";
    /// TLS 1.3 first server application traffic secret.
    pub const SERVER_TRAFFIC_SECRET_0: &str = "SERVER_TRAFFIC_SECRET_0";
    /// TLS 1.3 exporter master secret.
    pub const EXPORTER_SECRET: &str = "EXPORTER_SECRET";
    /// TLS 1.2 master secret.
    pub const CLIENT_RANDOM: &str = "CLIENT_RANDOM";
}

/// Receives secrets for an NSS-format key log (`SSLKEYLOGFILE`): one call
/// per secret, `label client_random secret`. Implementations decide where
/// the line goes; nothing else in the library ever exposes a secret.
pub trait KeyLog: Send + Sync {
    /// Logs one secret. `client_random` is the ClientHello's random.
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]);
}

impl core::fmt::Debug for dyn KeyLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyLog")
    }
}

/// Formats one NSS key log line (without the newline).
pub fn key_log_line(label: &str, client_random: &[u8], secret: &[u8]) -> String {
    let mut s = String::with_capacity(label.len() + 2 + 2 * (client_random.len() + secret.len()));
    s.push_str(label);
    s.push(' ');
    push_hex(&mut s, client_random);
    s.push(' ');
    push_hex(&mut s, secret);
    s
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
}

/// The outcome of the server's SNI hook, as OpenSSL's servername callback
/// (`SSL_TLSEXT_ERR_OK`, `_NOACK`, `_ALERT_FATAL`).
pub enum SniDecision {
    /// Continue, acknowledging the name; `Some` replaces the certificate.
    Ok(Option<Arc<CertifiedKey>>),
    /// Continue without acknowledging the name (no server_name in
    /// EncryptedExtensions); `Some` replaces the certificate.
    NoAck(Option<Arc<CertifiedKey>>),
    /// Abort the handshake with this alert (unrecognized_name is the usual
    /// one; other descriptions are sent as handshake_failure or
    /// internal_error, see [`SniDecision::error`]).
    Fatal(AlertDescription),
}

impl SniDecision {
    /// The handshake error for a `Fatal` decision.
    pub fn error(alert: AlertDescription) -> Error {
        match alert {
            AlertDescription::UnrecognizedName => PeerIncompatible::UnrecognizedName.into(),
            AlertDescription::HandshakeFailure => {
                PeerIncompatible::Unsupported("refused by the server name callback").into()
            }
            _ => Error::General("server name callback failed the handshake".into()),
        }
    }
}

/// Chooses the server certificate from the ClientHello's SNI, before the
/// certificate is used: the hook behind `SSL_CTX_set_tlsext_servername_callback`.
pub trait ResolvesServerCert: Send + Sync {
    /// `server_name` is the client's host_name, if it sent one.
    fn resolve(&self, server_name: Option<&str>) -> SniDecision;
}

impl core::fmt::Debug for dyn ResolvesServerCert {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ResolvesServerCert")
    }
}

/// The outcome of the server's ALPN hook (`SSL_CTX_set_alpn_select_cb`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlpnDecision {
    /// Use this protocol; it must be one the client offered.
    Select(Vec<u8>),
    /// Negotiate no protocol and go on (`SSL_TLSEXT_ERR_NOACK`).
    NoAck,
    /// Abort with no_application_protocol (`SSL_TLSEXT_ERR_ALERT_FATAL`).
    Fatal,
}

/// Chooses the ALPN protocol from the client's list, in its order.
pub trait SelectsAlpn: Send + Sync {
    /// `offered` is the client's protocol_name_list.
    fn select(&self, offered: &[&[u8]]) -> AlpnDecision;
}

impl core::fmt::Debug for dyn SelectsAlpn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SelectsAlpn")
    }
}

/// Chooses the client certificate when the server asks for one
/// (`SSL_CTX_set_client_cert_cb`): sees the CA names of the
/// CertificateRequest and the schemes the server accepts.
pub trait ResolvesClientCert: Send + Sync {
    /// `None` sends an empty Certificate (the server decides if that is fatal).
    fn resolve(
        &self,
        ca_names: &[DistinguishedName],
        schemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>>;
}

impl core::fmt::Debug for dyn ResolvesClientCert {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ResolvesClientCert")
    }
}

/// What the server decided after the ALPN hook; `Err` aborts.
fn check_alpn_choice(decision: AlpnDecision, offered: &[&[u8]]) -> Result<Option<Vec<u8>>, Error> {
    match decision {
        AlpnDecision::Select(p) if offered.contains(&p.as_slice()) => Ok(Some(p)),
        AlpnDecision::Select(_) => Err(Error::General(
            "ALPN callback chose a protocol the client did not offer".into(),
        )),
        AlpnDecision::NoAck => Ok(None),
        AlpnDecision::Fatal => Err(PeerIncompatible::NoApplicationProtocol.into()),
    }
}

/// The certificate a server presents for `ch` and whether it acknowledges
/// the client's server_name: the SNI hook's answer (OpenSSL's servername
/// callback, which may switch to another context's certificate) or the
/// configured certificate. Both TLS versions call this before anything
/// depends on the certificate — the TLS 1.3 signature scheme, the TLS 1.2
/// cipher suite (whose authentication must fit the key).
pub(crate) fn resolve_server_cert(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
) -> Result<(Arc<CertifiedKey>, bool), Error> {
    let sent = ch.sni().is_some();
    let Some(resolver) = &config.cert_resolver else {
        return Ok((config.cert.clone(), sent));
    };
    let (cert, ack) = match resolver.resolve(ch.sni()) {
        SniDecision::Ok(cert) => (cert, sent),
        SniDecision::NoAck(cert) => (cert, false),
        SniDecision::Fatal(alert) => return Err(SniDecision::error(alert)),
    };
    let cert = cert.unwrap_or_else(|| config.cert.clone());
    if cert.chain.is_empty() {
        return Err(Error::General(
            "server name callback chose an empty chain".into(),
        ));
    }
    Ok((cert, ack))
}

/// The server's ALPN choice for `ch` in both TLS versions (RFC 7301): the
/// ALPN hook's answer if there is one, else the first of our protocols
/// the client offered; offered but none in common is
/// no_application_protocol. `None` when the client sent no ALPN.
pub(crate) fn choose_server_alpn(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(offered) = ch.alpn() else {
        return Ok(None);
    };
    if let Some(selector) = &config.alpn_selector {
        let names: Vec<&[u8]> = offered.iter().map(|p| p.as_bytes()).collect();
        return check_alpn_choice(selector.select(&names), &names);
    }
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
