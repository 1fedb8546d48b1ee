//! Building the client's ClientHello, and rebuilding it after a
//! HelloRetryRequest (RFC 8446 section 4.1.2: the second ClientHello is the
//! first with the key share replaced and the cookie added).

use ferrotls_core::crypto::{ActiveKeyExchange, SupportedCipherSuite};
use ferrotls_core::enums::{Compression, PskKeyExchangeMode};
use ferrotls_core::{CipherSuite, Error, HandshakeType, NamedGroup, ProtocolVersion, ServerName};

use super::psk::{self, OfferedPsk};
use crate::config::ClientConfig;
use crate::handshake::push_message;
use crate::msgs::{
    ClientExtension, ClientHelloPayload, KeyShareEntry, Payload, ProtocolName, Random, SessionId,
};
use crate::transcript::HandshakeHash;

/// What the client offered, kept to check the server's answers against.
pub(crate) struct Offer {
    /// The ClientHello as last sent (for the retry).
    pub hello: ClientHelloPayload,
    /// Groups in supported_groups: usable with the provider, config order.
    pub groups: Vec<NamedGroup>,
    /// Our key exchanges in progress, one per key share sent.
    pub key_shares: Vec<Box<dyn ActiveKeyExchange>>,
    /// The SNI value sent, if any.
    pub sni: Option<String>,
    /// Whether TLS 1.3 was offered.
    pub offered_tls13: bool,
    /// Whether TLS 1.2 was offered.
    pub offered_tls12: bool,
    /// The ticket offered for resumption, if any.
    pub psk: Option<OfferedPsk>,
    /// The TLS 1.2 session offered for resumption, if any (boxed: it is
    /// carried into the TLS 1.2 states, and a resumed client's state
    /// stays under a KiB, within the allocator's cache of small blocks).
    pub tls12_resume: Option<Box<crate::action::Tls12Resumption>>,
}

impl Offer {
    /// The TLS 1.3 suite `id`, if we offered it.
    pub fn suite(
        &self,
        config: &ClientConfig,
        id: CipherSuite,
    ) -> Option<&'static ferrotls_core::crypto::Tls13CipherSuite> {
        if !self.hello.cipher_suites.contains(&id) {
            return None;
        }
        match config.provider.suite(id) {
            Some(SupportedCipherSuite::Tls13(s)) => Some(s),
            _ => None,
        }
    }
}

/// Makes the first ClientHello; returns the offer and the encoded message.
pub(crate) fn first_hello(
    config: &ClientConfig,
    server_name: &ServerName,
    resume: Option<(OfferedPsk, u32)>,
    tls12_resume: Option<crate::action::Tls12Resumption>,
) -> Result<(Offer, Vec<u8>), Error> {
    let provider = config.provider;
    let offered_tls13 = config.versions.contains(&ProtocolVersion::TLSv1_3);
    // The random and, when one may be needed (compatibility mode, or a
    // TLS 1.2 ticket offered without an id, below), a random session id
    // come from one draw: each call on the provider's generator costs far
    // more than the bytes it returns (aws-lc reseeds from RDRAND per call).
    let id_wanted = (config.compatibility_mode && offered_tls13) || tls12_resume.is_some();
    let mut fresh = [0u8; 64];
    let drawn = if id_wanted { 64 } else { 32 };
    provider.random.fill(&mut fresh[..drawn])?;
    let mut random = [0u8; 32];
    random.copy_from_slice(&fresh[..32]);
    let random_session_id = || {
        SessionId::new(&fresh[32..])
            .filter(|_| id_wanted)
            .ok_or_else(|| Error::General("session id".into()))
    };
    // Compatibility mode: a fresh random session id makes the handshake
    // look like a TLS 1.2 resumption to middleboxes (Appendix D.4).
    let mut session_id = if config.compatibility_mode && offered_tls13 {
        random_session_id()?
    } else {
        SessionId::EMPTY
    };

    let mut groups: Vec<NamedGroup> = Vec::with_capacity(config.groups.len());
    for g in config.groups.iter() {
        if provider.kx_group(*g).is_some() && !groups.contains(g) {
            groups.push(*g);
        }
    }
    let mut key_shares = Vec::with_capacity(2);
    let share_count = match offered_tls13 {
        true => config.key_share_count.max(1),
        false => 0,
    };
    for g in groups.iter().take(share_count) {
        if let Some(kx) = provider.kx_group(*g) {
            key_shares.push(kx.start()?);
        }
    }

    let offered_tls12 = config.versions.contains(&ProtocolVersion::TLSv1_2);
    let cipher_suites: Vec<CipherSuite> = config
        .cipher_suites
        .iter()
        .copied()
        .filter(|id| match provider.suite(*id) {
            Some(SupportedCipherSuite::Tls13(_)) => offered_tls13,
            Some(SupportedCipherSuite::Tls12(_)) => offered_tls12,
            None => false,
        })
        .collect();

    let sni = match (config.enable_sni, server_name.sni()) {
        (true, Some(name)) => Some(name.to_owned()),
        _ => None,
    };

    // A TLS 1.2 session goes only to the name it was made with, with its
    // suite still offered. Its id is sent as legacy_session_id; with a
    // ticket and no id a random one lets the server say it accepted the
    // ticket by echoing it (RFC 5077 3.4).
    let tls12_resume = tls12_resume
        .filter(|r| {
            offered_tls12
                && r.server_name == sni
                && r.session.is_resumable()
                && cipher_suites.contains(&r.session.suite)
                && (config.enable_tickets || !r.session.session_id.is_empty())
        })
        .map(Box::new);
    let mut ticket = None;
    if let Some(r) = &tls12_resume {
        if config.enable_tickets {
            ticket = r.session.ticket.as_deref().filter(|t| !t.is_empty());
        }
        if let Some(id) = SessionId::new(&r.session.session_id).filter(|id| !id.is_empty()) {
            session_id = id;
        } else if session_id.is_empty() {
            session_id = random_session_id()?;
        }
    }

    let mut versions = Vec::with_capacity(2);
    if offered_tls13 {
        versions.push(ProtocolVersion::TLSv1_3);
    }
    if offered_tls12 {
        versions.push(ProtocolVersion::TLSv1_2);
    }

    // Room for everything a hello may carry, so pushing never regrows.
    let mut exts = Vec::with_capacity(16);
    if let Some(name) = &sni {
        exts.push(ClientExtension::ServerName(name.clone()));
    }
    exts.push(ClientExtension::SupportedGroups(groups.clone()));
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
        // RFC 8449 section 4: never above what the versions offered allow.
        let max = match offered_tls13 {
            true => crate::record_limit::TLS13_MAX,
            false => crate::record_limit::TLS12_MAX,
        };
        exts.push(ClientExtension::RecordSizeLimit(limit.min(max)));
    }
    if offered_tls12 {
        exts.extend(crate::tls12::client_hello_extensions());
        if config.enable_tickets {
            exts.push(ClientExtension::SessionTicket(Payload::new(
                ticket.unwrap_or(&[]),
            )));
        }
    }
    if offered_tls13 {
        exts.push(ClientExtension::SupportedVersions(versions));
        // psk_dhe_ke lets the server send tickets (RFC 8446 4.2.9); no PSK
        // is offered yet.
        exts.push(ClientExtension::PskKeyExchangeModes(vec![
            PskKeyExchangeMode::PskDheKe,
        ]));
        exts.push(ClientExtension::KeyShare(share_entries(&key_shares)));
    }

    // A ticket is offered only to the name it was issued for, and only
    // with a suite we offer now (RFC 8446 4.6.1).
    let resume = resume
        .filter(|(p, _)| p.ticket.server_name == sni && cipher_suites.contains(&p.suite.suite));
    let mut hello = ClientHelloPayload {
        client_version: ProtocolVersion::TLSv1_2,
        random: Random(random),
        session_id,
        cipher_suites,
        compression_methods: vec![Compression::Null],
        extensions: exts,
    };
    let psk = match resume {
        Some((offered, age)) => {
            psk::add_psk_extension(&mut hello, &offered, age);
            psk::fill_binder(&mut hello, &offered, None)?;
            Some(offered)
        }
        None => None,
    };
    let encoded = encode_hello(&hello)?;
    Ok((
        Offer {
            hello,
            groups,
            key_shares,
            sni,
            offered_tls13,
            offered_tls12,
            psk,
            tls12_resume,
        },
        encoded,
    ))
}

/// Rewrites the offer for a HelloRetryRequest: a new share for `group`
/// (when asked) and the `cookie` (when given). Returns the encoded message.
pub(crate) fn retry_hello(
    config: &ClientConfig,
    offer: &mut Offer,
    group: Option<NamedGroup>,
    cookie: Option<&[u8]>,
    transcript: &HandshakeHash,
) -> Result<Vec<u8>, Error> {
    if let Some(group) = group {
        let kx = config
            .provider
            .kx_group(group)
            .ok_or_else(|| Error::General("offered group vanished".into()))?;
        offer.key_shares = vec![kx.start()?];
        let entries = share_entries(&offer.key_shares);
        for e in &mut offer.hello.extensions {
            if let ClientExtension::KeyShare(v) = e {
                *v = entries.clone();
            }
        }
    }
    if let Some(cookie) = cookie {
        // pre_shared_key must stay last (RFC 8446 4.2.11).
        let at = offer
            .hello
            .extensions
            .iter()
            .position(|e| matches!(e, ClientExtension::PreSharedKey(_)))
            .unwrap_or(offer.hello.extensions.len());
        offer
            .hello
            .extensions
            .insert(at, ClientExtension::Cookie(Payload::new(cookie)));
    }
    // The ticket stays only if its hash is the retry suite's (4.1.4); its
    // binder now covers ClientHello1 and the HelloRetryRequest too.
    let hash = transcript.algorithm().output_len();
    if offer
        .psk
        .as_ref()
        .is_some_and(|p| p.suite.hash.output_len() != hash)
    {
        offer.psk = None;
        offer
            .hello
            .extensions
            .retain(|e| !matches!(e, ClientExtension::PreSharedKey(_)));
    }
    if let Some(offered) = &offer.psk {
        psk::fill_binder(&mut offer.hello, offered, Some(transcript))?;
    }
    encode_hello(&offer.hello)
}

fn share_entries(shares: &[Box<dyn ActiveKeyExchange>]) -> Vec<KeyShareEntry> {
    shares
        .iter()
        .map(|kx| KeyShareEntry::new(kx.group(), kx.pub_key()))
        .collect()
}

fn encode_hello(hello: &ClientHelloPayload) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(512);
    push_message(&mut out, HandshakeType::ClientHello, |o| hello.encode(o))?;
    Ok(out)
}
