//! The hello messages TLS 1.2 makes itself: the client's renegotiation
//! ClientHello (the first ClientHello is shared with TLS 1.3 and built in
//! `tls13/client_hello.rs`) and the server's ServerHello.

use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_core::enums::{Compression, EcPointFormat};
use ferrotls_core::{CipherSuite, Error, HandshakeType, NamedGroup, ProtocolVersion};

use super::is_tls12_group;
use crate::config::ClientConfig;
use crate::handshake::push_message;
use crate::msgs::{
    ClientExtension, ClientHelloPayload, Payload, ProtocolName, Random, ServerExtension,
    ServerHelloPayload, SessionId,
};

/// The TLS 1.2 extensions every ClientHello offering TLS 1.2 carries:
/// uncompressed points (RFC 8422 5.1.2), extended master secret (RFC
/// 7627), and renegotiation_info with the previous client verify_data
/// (empty on the first handshake, RFC 5746 3.4 and 3.5).
pub(crate) fn tls12_client_extensions(renegotiated_connection: &[u8]) -> Vec<ClientExtension> {
    vec![
        ClientExtension::EcPointFormats(vec![EcPointFormat::Uncompressed]),
        ClientExtension::ExtendedMasterSecret,
        ClientExtension::RenegotiationInfo(Payload::new(renegotiated_connection)),
    ]
}

/// A renegotiation ClientHello: TLS 1.2 only (the version cannot change
/// on renegotiation), so no supported_versions and no key shares; the
/// other offers are those of the configuration. With tickets on, an empty
/// session_ticket asks for a ticket for the new session (RFC 5077 3.2;
/// OpenSSL's client does the same): a renegotiation never resumes, but
/// servers that issued a ticket on the first handshake may send another
/// one on every renegotiation, and GnuTLS (3.7) sends it whether or not
/// this ClientHello asked — asking makes that NewSessionTicket expected.
pub(crate) fn renegotiation_hello(
    config: &ClientConfig,
    sni: Option<&str>,
    client_verify_data: &[u8],
) -> Result<(ClientHelloPayload, Vec<u8>), Error> {
    let provider = config.provider;
    let mut random = [0u8; 32];
    provider.random.fill(&mut random)?;
    let cipher_suites: Vec<CipherSuite> = config
        .cipher_suites
        .iter()
        .copied()
        .filter(|id| matches!(provider.suite(*id), Some(SupportedCipherSuite::Tls12(_))))
        .collect();
    let groups: Vec<NamedGroup> = config
        .groups
        .iter()
        .copied()
        .filter(|g| is_tls12_group(*g) && provider.kx_group(*g).is_some())
        .collect();
    let mut exts = Vec::new();
    if let Some(name) = sni {
        exts.push(ClientExtension::ServerName(name.to_owned()));
    }
    exts.push(ClientExtension::SupportedGroups(groups));
    exts.push(ClientExtension::SignatureAlgorithms(
        config.signature_schemes.to_vec(),
    ));
    if !config.alpn_protocols.is_empty() {
        exts.push(ClientExtension::Alpn(
            config
                .alpn_protocols
                .iter()
                .map(|p| ProtocolName(p.clone()))
                .collect(),
        ));
    }
    if let Some(limit) = config.record_size_limit {
        // Renegotiated like everything else (RFC 8449 section 4).
        exts.push(ClientExtension::RecordSizeLimit(
            limit.min(crate::record_limit::TLS12_MAX),
        ));
    }
    exts.extend(tls12_client_extensions(client_verify_data));
    if config.enable_tickets {
        exts.push(ClientExtension::SessionTicket(Payload::new(&[][..])));
    }
    let hello = ClientHelloPayload {
        client_version: ProtocolVersion::TLSv1_2,
        random: Random(random),
        session_id: SessionId::EMPTY,
        cipher_suites,
        compression_methods: vec![Compression::Null],
        extensions: exts,
    };
    let mut encoded = Vec::with_capacity(256);
    push_message(&mut encoded, HandshakeType::ClientHello, |o| {
        hello.encode(o)
    })?;
    Ok((hello, encoded))
}

/// A TLS 1.2 ServerHello, encoded.
pub(crate) fn server_hello(
    random: [u8; 32],
    session_id: SessionId,
    suite: CipherSuite,
    extensions: Vec<ServerExtension>,
) -> Result<Vec<u8>, Error> {
    let sh = ServerHelloPayload {
        legacy_version: ProtocolVersion::TLSv1_2,
        random: Random(random),
        session_id,
        cipher_suite: suite,
        compression_method: Compression::Null,
        extensions,
    };
    let mut encoded = Vec::with_capacity(128);
    push_message(&mut encoded, HandshakeType::ServerHello, |o| sh.encode(o))?;
    Ok(encoded)
}
