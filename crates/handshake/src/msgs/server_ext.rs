//! The extensions of ServerHello, HelloRetryRequest and
//! EncryptedExtensions. They share one enum because their bodies share
//! forms, but each message decodes them in its own context: a key_share is
//! a `KeyShareEntry` in ServerHello and a bare group in HelloRetryRequest,
//! and an extension we know that RFC 8446 section 4.2 does not allow in
//! the message is illegal_parameter.

use ferrotls_core::codec::{Codec, ListLength, encode_nested, encode_opaque, encode_vec};
use ferrotls_core::enums::{EcPointFormat, ExtensionType, NamedGroup, ProtocolVersion};
use ferrotls_core::error::InvalidMessage;

use super::base::{Payload, codec, u16_};
use super::ext_codec::{
    Extension, UnknownExtension, body, cookie, ec_point_formats, empty, encode_u16_list,
    named_groups, protocol_name_list, record_size_limit, renegotiation_info,
};
use super::types::{KeyShareEntry, ProtocolName};

/// Which message an extension block belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerExtContext {
    /// ServerHello (TLS 1.2 or 1.3).
    ServerHello,
    /// HelloRetryRequest.
    HelloRetryRequest,
    /// EncryptedExtensions.
    EncryptedExtensions,
}

/// One extension of ServerHello, HelloRetryRequest or EncryptedExtensions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerExtension {
    /// server_name acknowledgement (empty).
    ServerNameAck,
    /// supported_versions, `selected_version`.
    SupportedVersions(ProtocolVersion),
    /// key_share of ServerHello: `server_share`.
    KeyShare(KeyShareEntry),
    /// key_share of HelloRetryRequest: `selected_group`.
    HelloRetryKeyShare(NamedGroup),
    /// pre_shared_key of ServerHello: `selected_identity`.
    PreSharedKey(u16),
    /// cookie of HelloRetryRequest.
    Cookie(Payload),
    /// supported_groups in EncryptedExtensions (informational).
    SupportedGroups(Vec<NamedGroup>),
    /// ALPN: exactly one protocol (RFC 7301 section 3.1).
    Alpn(ProtocolName),
    /// early_data acceptance in EncryptedExtensions (empty).
    EarlyData,
    /// record_size_limit (at least 64).
    RecordSizeLimit(u16),
    /// extended_master_secret (empty).
    ExtendedMasterSecret,
    /// renegotiation_info: client and server verify_data, or empty.
    RenegotiationInfo(Payload),
    /// session_ticket acknowledgement (empty).
    SessionTicketAck,
    /// ec_point_formats.
    EcPointFormats(Vec<EcPointFormat>),
    /// status_request, carried unparsed.
    StatusRequest(Payload),
    /// Anything else.
    Unknown(UnknownExtension),
}

impl Extension for ServerExtension {
    fn ext_type(&self) -> ExtensionType {
        use ExtensionType as T;
        match self {
            Self::ServerNameAck => T::ServerName,
            Self::SupportedVersions(_) => T::SupportedVersions,
            Self::KeyShare(_) | Self::HelloRetryKeyShare(_) => T::KeyShare,
            Self::PreSharedKey(_) => T::PreSharedKey,
            Self::Cookie(_) => T::Cookie,
            Self::SupportedGroups(_) => T::SupportedGroups,
            Self::Alpn(_) => T::ApplicationLayerProtocolNegotiation,
            Self::EarlyData => T::EarlyData,
            Self::RecordSizeLimit(_) => T::RecordSizeLimit,
            Self::ExtendedMasterSecret => T::ExtendedMasterSecret,
            Self::RenegotiationInfo(_) => T::RenegotiationInfo,
            Self::SessionTicketAck => T::SessionTicket,
            Self::EcPointFormats(_) => T::EcPointFormats,
            Self::StatusRequest(_) => T::StatusRequest,
            Self::Unknown(u) => u.typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::ServerNameAck | Self::EarlyData | Self::ExtendedMasterSecret => {}
            Self::SessionTicketAck => {}
            Self::SupportedVersions(v) => v.encode(out),
            Self::KeyShare(k) => k.encode(out),
            Self::HelloRetryKeyShare(g) => g.encode(out),
            Self::PreSharedKey(i) => i.encode(out),
            Self::Cookie(c) => encode_opaque(out, ListLength::U16, &c.0),
            Self::SupportedGroups(v) => encode_u16_list(out, v),
            Self::Alpn(p) => encode_nested(out, ListLength::U16, |o| p.encode(o)),
            Self::RecordSizeLimit(v) => v.encode(out),
            Self::RenegotiationInfo(p) => encode_opaque(out, ListLength::U8, &p.0),
            Self::EcPointFormats(v) => encode_vec(out, ListLength::U8, v),
            Self::StatusRequest(p) => out.extend_from_slice(&p.0),
            Self::Unknown(u) => out.extend_from_slice(&u.payload.0),
        }
    }
}

impl ServerExtension {
    /// Decodes the body `data` of an extension of type `typ` found in the
    /// message `ctx`.
    pub fn decode(
        ctx: ServerExtContext,
        typ: ExtensionType,
        data: &[u8],
    ) -> Result<Self, InvalidMessage> {
        use ExtensionType as T;
        use ServerExtContext as C;
        let ext = match (typ, ctx) {
            (T::ServerName, C::ServerHello | C::EncryptedExtensions) => {
                empty(data, "server_name").map(|()| Self::ServerNameAck)?
            }
            (T::SupportedVersions, C::ServerHello | C::HelloRetryRequest) => {
                Self::SupportedVersions(body(data, "supported_versions", codec::<ProtocolVersion>)?)
            }
            (T::KeyShare, C::ServerHello) => {
                Self::KeyShare(body(data, "key_share", codec::<KeyShareEntry>)?)
            }
            (T::KeyShare, C::HelloRetryRequest) => {
                Self::HelloRetryKeyShare(body(data, "key_share", codec::<NamedGroup>)?)
            }
            (T::PreSharedKey, C::ServerHello) => {
                Self::PreSharedKey(body(data, "pre_shared_key", u16_("selected_identity"))?)
            }
            (T::Cookie, C::HelloRetryRequest) => Self::Cookie(cookie(data)?),
            (T::SupportedGroups, C::EncryptedExtensions) => {
                Self::SupportedGroups(body(data, "supported_groups", named_groups)?)
            }
            (T::ApplicationLayerProtocolNegotiation, C::ServerHello | C::EncryptedExtensions) => {
                let mut names = body(data, "alpn", protocol_name_list)?;
                match (names.pop(), names.is_empty()) {
                    (Some(p), true) => Self::Alpn(p),
                    _ => return Err(InvalidMessage::InvalidLength("alpn: not one protocol")),
                }
            }
            (T::EarlyData, C::EncryptedExtensions) => {
                empty(data, "early_data").map(|()| Self::EarlyData)?
            }
            (T::RecordSizeLimit, C::ServerHello | C::EncryptedExtensions) => {
                Self::RecordSizeLimit(record_size_limit(data)?)
            }
            (T::ExtendedMasterSecret, C::ServerHello) => {
                empty(data, "extended_master_secret").map(|()| Self::ExtendedMasterSecret)?
            }
            (T::RenegotiationInfo, C::ServerHello) => {
                Self::RenegotiationInfo(renegotiation_info(data)?)
            }
            (T::SessionTicket, C::ServerHello) => {
                empty(data, "session_ticket").map(|()| Self::SessionTicketAck)?
            }
            (T::EcPointFormats, C::ServerHello) => Self::EcPointFormats(ec_point_formats(data)?),
            (T::StatusRequest, C::ServerHello) => Self::StatusRequest(Payload::new(data)),
            (typ, ctx) if is_modelled(typ) => {
                return Err(InvalidMessage::IllegalValue(match ctx {
                    C::ServerHello => "extension not allowed in ServerHello",
                    C::HelloRetryRequest => "extension not allowed in HelloRetryRequest",
                    C::EncryptedExtensions => "extension not allowed in EncryptedExtensions",
                }));
            }
            (typ, _) => Self::Unknown(UnknownExtension {
                typ,
                payload: Payload::new(data),
            }),
        };
        Ok(ext)
    }
}

/// Types this module interprets somewhere (plus the client-only ones we
/// know): seeing one in a message where it has no meaning is a protocol
/// violation, not something to ignore.
fn is_modelled(typ: ExtensionType) -> bool {
    use ExtensionType as T;
    matches!(
        typ,
        T::ServerName
            | T::SupportedVersions
            | T::KeyShare
            | T::PreSharedKey
            | T::Cookie
            | T::SupportedGroups
            | T::ApplicationLayerProtocolNegotiation
            | T::EarlyData
            | T::RecordSizeLimit
            | T::ExtendedMasterSecret
            | T::RenegotiationInfo
            | T::SessionTicket
            | T::EcPointFormats
            | T::StatusRequest
            | T::SignatureAlgorithms
            | T::SignatureAlgorithmsCert
            | T::PskKeyExchangeModes
            | T::Padding
            | T::CertificateAuthorities
            | T::PostHandshakeAuth
            | T::OidFilters
    )
}
