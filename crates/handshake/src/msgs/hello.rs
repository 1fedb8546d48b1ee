//! ClientHello, ServerHello (and HelloRetryRequest, which is a ServerHello
//! with a special random) and EncryptedExtensions.

use ferrotls_core::codec::{Codec, ListLength, encode_vec};
use ferrotls_core::der::DistinguishedName;
use ferrotls_core::enums::{
    CipherSuite, Compression, EcPointFormat, ExtensionType, HandshakeType, NamedGroup,
    ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};
use ferrotls_core::error::InvalidMessage;

use super::base::{PResult, Random, SessionId, codec, fail, list};
use super::client_ext::{ClientExtension, PresharedKeyOffer};
use super::ext_codec::{Extension, encode_extensions, extensions};
use super::server_ext::{ServerExtContext, ServerExtension};
use super::types::{KeyShareEntry, ProtocolName};
use super::{DOWNGRADE_TLS11, DOWNGRADE_TLS12, HELLO_RETRY_REQUEST_RANDOM};

/// `ClientHello` (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHelloPayload {
    /// `legacy_version` (0x0303 from a TLS 1.3 client).
    pub client_version: ProtocolVersion,
    /// `random`.
    pub random: Random,
    /// `legacy_session_id<0..32>`.
    pub session_id: SessionId,
    /// `cipher_suites<2..2^16-2>`.
    pub cipher_suites: Vec<CipherSuite>,
    /// `legacy_compression_methods<1..2^8-1>`; always contains null.
    pub compression_methods: Vec<Compression>,
    /// `extensions`; an empty list is encoded as an absent field.
    pub extensions: Vec<ClientExtension>,
}

impl ClientHelloPayload {
    /// Appends the body (no handshake header).
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.client_version.encode(out);
        self.random.encode(out);
        self.session_id.encode(out);
        encode_vec(out, ListLength::U16, &self.cipher_suites);
        encode_vec(out, ListLength::U8, &self.compression_methods);
        if !self.extensions.is_empty() {
            encode_extensions(out, &self.extensions);
        }
    }

    /// Decodes a body (no handshake header) that must span all of `i`.
    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, client_version) = codec::<ProtocolVersion>(i)?;
        let (i, random) = codec::<Random>(i)?;
        let (i, session_id) = codec::<SessionId>(i)?;
        if i.len() >= 2 && i[1] % 2 != 0 {
            return fail(InvalidMessage::InvalidLength("cipher_suites"));
        }
        let (i, cipher_suites) = list(
            ListLength::U16,
            2,
            0xfffe,
            "cipher_suites",
            codec::<CipherSuite>,
        )(i)?;
        let (i, compression_methods) = list(
            ListLength::U8,
            1,
            255,
            "legacy_compression_methods",
            codec::<Compression>,
        )(i)?;
        if !compression_methods.contains(&Compression::Null) {
            return fail(InvalidMessage::IllegalValue(
                "legacy_compression_methods without null",
            ));
        }
        // RFC 5246 lets a ClientHello end here; RFC 8446 does not, and
        // bounds its extensions at <8..2^16-1>, which is checked below once
        // supported_versions says this is a TLS 1.3 ClientHello.
        let block_len = i.len().saturating_sub(2);
        let (i, exts) = match i.is_empty() {
            true => (i, Vec::new()),
            false => extensions(0, 0xffff, "ClientHello extensions", ClientExtension::decode)(i)?,
        };
        let tls13 = exts
            .iter()
            .any(|e| matches!(e, ClientExtension::SupportedVersions(_)));
        if tls13 && block_len < 8 {
            return fail(InvalidMessage::InvalidLength("ClientHello extensions"));
        }
        let psk_at = exts
            .iter()
            .position(|e| matches!(e, ClientExtension::PreSharedKey(_)));
        if psk_at.is_some_and(|at| at + 1 != exts.len()) {
            return fail(InvalidMessage::IllegalValue(
                "pre_shared_key is not the last extension",
            ));
        }
        Ok((
            i,
            Self {
                client_version,
                random,
                session_id,
                cipher_suites,
                compression_methods,
                extensions: exts,
            },
        ))
    }

    /// The whole handshake message (header included) cut before the PSK
    /// binders list: `Truncate(ClientHello1)` of RFC 8446 section 4.2.11.2,
    /// over which the client computes its binders. Lengths in it are those
    /// of the complete message. Without a pre_shared_key, the whole message.
    pub fn encode_for_binders(&self) -> Vec<u8> {
        let mut out = Vec::new();
        super::message::encode_with_header(&mut out, HandshakeType::ClientHello, |o| {
            self.encode(o)
        });
        let cut = self
            .psk()
            .map_or(0, PresharedKeyOffer::binders_encoding_len);
        out.truncate(out.len() - cut);
        out
    }

    /// The first extension of type `typ`.
    pub fn find_extension(&self, typ: ExtensionType) -> Option<&ClientExtension> {
        self.extensions.iter().find(|e| e.ext_type() == typ)
    }

    fn find<'a, T>(&'a self, f: impl Fn(&'a ClientExtension) -> Option<T>) -> Option<T> {
        self.extensions.iter().find_map(f)
    }

    /// The SNI host name.
    pub fn sni(&self) -> Option<&str> {
        self.find(|e| match e {
            ClientExtension::ServerName(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// supported_versions.
    pub fn supported_versions(&self) -> Option<&[ProtocolVersion]> {
        self.find(|e| match e {
            ClientExtension::SupportedVersions(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// key_share's `client_shares`.
    pub fn key_shares(&self) -> Option<&[KeyShareEntry]> {
        self.find(|e| match e {
            ClientExtension::KeyShare(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// supported_groups.
    pub fn named_groups(&self) -> Option<&[NamedGroup]> {
        self.find(|e| match e {
            ClientExtension::SupportedGroups(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// signature_algorithms.
    pub fn signature_algorithms(&self) -> Option<&[SignatureScheme]> {
        self.find(|e| match e {
            ClientExtension::SignatureAlgorithms(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// signature_algorithms_cert.
    pub fn signature_algorithms_cert(&self) -> Option<&[SignatureScheme]> {
        self.find(|e| match e {
            ClientExtension::SignatureAlgorithmsCert(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// The ALPN protocol list.
    pub fn alpn(&self) -> Option<&[ProtocolName]> {
        self.find(|e| match e {
            ClientExtension::Alpn(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// psk_key_exchange_modes.
    pub fn psk_modes(&self) -> Option<&[PskKeyExchangeMode]> {
        self.find(|e| match e {
            ClientExtension::PskKeyExchangeModes(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// The pre_shared_key offer.
    pub fn psk(&self) -> Option<&PresharedKeyOffer> {
        self.find(|e| match e {
            ClientExtension::PreSharedKey(p) => Some(p),
            _ => None,
        })
    }

    /// The pre_shared_key offer, to fill in binders once computed.
    pub fn psk_mut(&mut self) -> Option<&mut PresharedKeyOffer> {
        self.extensions.iter_mut().find_map(|e| match e {
            ClientExtension::PreSharedKey(p) => Some(p),
            _ => None,
        })
    }

    /// The cookie echoed from a HelloRetryRequest.
    pub fn cookie(&self) -> Option<&[u8]> {
        self.find(|e| match e {
            ClientExtension::Cookie(c) => Some(c.bytes()),
            _ => None,
        })
    }

    /// record_size_limit.
    pub fn record_size_limit(&self) -> Option<u16> {
        self.find(|e| match e {
            ClientExtension::RecordSizeLimit(v) => Some(*v),
            _ => None,
        })
    }

    /// True when early_data is offered.
    pub fn early_data_offered(&self) -> bool {
        self.find_extension(ExtensionType::EarlyData).is_some()
    }

    /// True when extended_master_secret is offered.
    pub fn ems_offered(&self) -> bool {
        self.find_extension(ExtensionType::ExtendedMasterSecret)
            .is_some()
    }

    /// renegotiation_info's `renegotiated_connection`.
    pub fn renegotiation_info(&self) -> Option<&[u8]> {
        self.find(|e| match e {
            ClientExtension::RenegotiationInfo(p) => Some(p.bytes()),
            _ => None,
        })
    }

    /// The session_ticket extension's ticket (empty: asks for a new one).
    pub fn session_ticket(&self) -> Option<&[u8]> {
        self.find(|e| match e {
            ClientExtension::SessionTicket(p) => Some(p.bytes()),
            _ => None,
        })
    }

    /// ec_point_formats.
    pub fn ec_point_formats(&self) -> Option<&[EcPointFormat]> {
        self.find(|e| match e {
            ClientExtension::EcPointFormats(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// certificate_authorities.
    pub fn certificate_authorities(&self) -> Option<&[DistinguishedName]> {
        self.find(|e| match e {
            ClientExtension::CertificateAuthorities(v) => Some(v.as_slice()),
            _ => None,
        })
    }
}

/// `ServerHello` (RFC 8446 section 4.1.3, RFC 5246 section 7.4.1.3), and
/// `HelloRetryRequest` when `random` is [`HELLO_RETRY_REQUEST_RANDOM`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHelloPayload {
    /// `legacy_version` (0x0303 from a TLS 1.3 server).
    pub legacy_version: ProtocolVersion,
    /// `random`.
    pub random: Random,
    /// `legacy_session_id_echo<0..32>`.
    pub session_id: SessionId,
    /// `cipher_suite`.
    pub cipher_suite: CipherSuite,
    /// `legacy_compression_method`: decoding refuses anything but null.
    pub compression_method: Compression,
    /// `extensions`; an empty list is encoded as an absent field.
    pub extensions: Vec<ServerExtension>,
}

impl ServerHelloPayload {
    /// True when this is a HelloRetryRequest (RFC 8446 section 4.1.3).
    pub fn is_hello_retry_request(&self) -> bool {
        self.random.0 == HELLO_RETRY_REQUEST_RANDOM
    }

    /// True when the last 8 bytes of `random` are a TLS 1.3 downgrade
    /// sentinel (RFC 8446 section 4.1.3).
    pub fn has_downgrade_sentinel(&self) -> bool {
        let tail = &self.random.0[24..];
        tail == DOWNGRADE_TLS12 || tail == DOWNGRADE_TLS11
    }

    /// Appends the body (no handshake header).
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.legacy_version.encode(out);
        self.random.encode(out);
        self.session_id.encode(out);
        self.cipher_suite.encode(out);
        self.compression_method.encode(out);
        if !self.extensions.is_empty() {
            encode_extensions(out, &self.extensions);
        }
    }

    /// Decodes a body; the extensions are read in the HelloRetryRequest
    /// context when the random says so.
    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, legacy_version) = codec::<ProtocolVersion>(i)?;
        let (i, random) = codec::<Random>(i)?;
        let (i, session_id) = codec::<SessionId>(i)?;
        let (i, cipher_suite) = codec::<CipherSuite>(i)?;
        let (i, compression_method) = codec::<Compression>(i)?;
        if compression_method != Compression::Null {
            return fail(InvalidMessage::IllegalValue(
                "legacy_compression_method is not null",
            ));
        }
        let ctx = match random.0 == HELLO_RETRY_REQUEST_RANDOM {
            true => ServerExtContext::HelloRetryRequest,
            false => ServerExtContext::ServerHello,
        };
        let (i, exts) = match i.is_empty() {
            true => (i, Vec::new()),
            false => extensions(0, 0xffff, "ServerHello extensions", |t, d| {
                ServerExtension::decode(ctx, t, d)
            })(i)?,
        };
        Ok((
            i,
            Self {
                legacy_version,
                random,
                session_id,
                cipher_suite,
                compression_method,
                extensions: exts,
            },
        ))
    }

    /// The first extension of type `typ`.
    pub fn find_extension(&self, typ: ExtensionType) -> Option<&ServerExtension> {
        self.extensions.iter().find(|e| e.ext_type() == typ)
    }

    fn find<'a, T>(&'a self, f: impl Fn(&'a ServerExtension) -> Option<T>) -> Option<T> {
        self.extensions.iter().find_map(f)
    }

    /// supported_versions' `selected_version`.
    pub fn supported_versions(&self) -> Option<ProtocolVersion> {
        self.find(|e| match e {
            ServerExtension::SupportedVersions(v) => Some(*v),
            _ => None,
        })
    }

    /// key_share's `server_share` (ServerHello).
    pub fn key_share(&self) -> Option<&KeyShareEntry> {
        self.find(|e| match e {
            ServerExtension::KeyShare(k) => Some(k),
            _ => None,
        })
    }

    /// key_share's `selected_group` (HelloRetryRequest).
    pub fn requested_group(&self) -> Option<NamedGroup> {
        self.find(|e| match e {
            ServerExtension::HelloRetryKeyShare(g) => Some(*g),
            _ => None,
        })
    }

    /// The HelloRetryRequest cookie.
    pub fn cookie(&self) -> Option<&[u8]> {
        self.find(|e| match e {
            ServerExtension::Cookie(c) => Some(c.bytes()),
            _ => None,
        })
    }

    /// pre_shared_key's `selected_identity`.
    pub fn psk_index(&self) -> Option<u16> {
        self.find(|e| match e {
            ServerExtension::PreSharedKey(i) => Some(*i),
            _ => None,
        })
    }

    /// The selected ALPN protocol (TLS 1.2).
    pub fn alpn(&self) -> Option<&ProtocolName> {
        self.find(|e| match e {
            ServerExtension::Alpn(p) => Some(p),
            _ => None,
        })
    }

    /// True when extended_master_secret is acknowledged.
    pub fn ems_ack(&self) -> bool {
        self.find_extension(ExtensionType::ExtendedMasterSecret)
            .is_some()
    }

    /// renegotiation_info's `renegotiated_connection`.
    pub fn renegotiation_info(&self) -> Option<&[u8]> {
        self.find(|e| match e {
            ServerExtension::RenegotiationInfo(p) => Some(p.bytes()),
            _ => None,
        })
    }

    /// True when session_ticket is acknowledged (a NewSessionTicket follows).
    pub fn session_ticket_ack(&self) -> bool {
        self.find_extension(ExtensionType::SessionTicket).is_some()
    }

    /// ec_point_formats.
    pub fn ec_point_formats(&self) -> Option<&[EcPointFormat]> {
        self.find(|e| match e {
            ServerExtension::EcPointFormats(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// record_size_limit (TLS 1.2).
    pub fn record_size_limit(&self) -> Option<u16> {
        self.find(|e| match e {
            ServerExtension::RecordSizeLimit(v) => Some(*v),
            _ => None,
        })
    }
}

/// `EncryptedExtensions` (RFC 8446 section 4.3.1).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EncryptedExtensions(pub Vec<ServerExtension>);

impl EncryptedExtensions {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_extensions(out, &self.0);
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        extensions(0, 0xffff, "EncryptedExtensions", |t, d| {
            ServerExtension::decode(ServerExtContext::EncryptedExtensions, t, d)
        })(i)
        .map(|(r, v)| (r, Self(v)))
    }

    /// The first extension of type `typ`.
    pub fn find_extension(&self, typ: ExtensionType) -> Option<&ServerExtension> {
        self.0.iter().find(|e| e.ext_type() == typ)
    }

    /// The selected ALPN protocol.
    pub fn alpn(&self) -> Option<&ProtocolName> {
        self.0.iter().find_map(|e| match e {
            ServerExtension::Alpn(p) => Some(p),
            _ => None,
        })
    }

    /// True when the server accepted early data.
    pub fn early_data_accepted(&self) -> bool {
        self.find_extension(ExtensionType::EarlyData).is_some()
    }

    /// True when the server acknowledged SNI.
    pub fn server_name_ack(&self) -> bool {
        self.find_extension(ExtensionType::ServerName).is_some()
    }

    /// record_size_limit.
    pub fn record_size_limit(&self) -> Option<u16> {
        self.0.iter().find_map(|e| match e {
            ServerExtension::RecordSizeLimit(v) => Some(*v),
            _ => None,
        })
    }
}
