//! The extensions of ClientHello (RFC 8446 section 4.2 and the TLS 1.2
//! extension RFCs), decoded strictly.

use std::collections::HashSet;

use ferrotls_core::codec::{Codec, ListLength, encode_nested, encode_opaque, encode_vec};
use ferrotls_core::der::DistinguishedName;
use ferrotls_core::enums::{
    EcPointFormat, ExtensionType, NamedGroup, ProtocolVersion, PskKeyExchangeMode, ServerNameType,
    SignatureScheme,
};
use ferrotls_core::error::InvalidMessage;

use super::base::{PResult, Payload, codec, fail, list, opaque, u8_};
use super::ext_codec::{
    Extension, UnknownExtension, body, cookie, distinguished_names, ec_point_formats, empty,
    encode_distinguished_names, encode_u16_list, extension_codec, named_groups, protocol_name_list,
    record_size_limit, renegotiation_info, signature_schemes,
};
use super::types::{KeyShareEntry, ProtocolName, PskBinder, PskIdentity};

/// The longest host_name we accept (OpenSSL's `TLSEXT_MAXLEN_host_name`).
const MAX_HOST_NAME: usize = 255;

/// The `pre_shared_key` offer of a ClientHello (RFC 8446 section 4.2.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresharedKeyOffer {
    /// `PskIdentity identities<7..2^16-1>`.
    pub identities: Vec<PskIdentity>,
    /// `PskBinderEntry binders<33..2^16-1>`, one per identity.
    pub binders: Vec<PskBinder>,
}

impl PresharedKeyOffer {
    /// The length of the encoded binders list, length prefix included: what
    /// `Truncate(ClientHello)` removes from the end of the message for the
    /// binder computation (the server cuts it from the bytes it received).
    pub fn binders_encoding_len(&self) -> usize {
        2 + self.binders.iter().map(|b| 1 + b.0.0.len()).sum::<usize>()
    }

    fn encode(&self, out: &mut Vec<u8>) {
        encode_vec(out, ListLength::U16, &self.identities);
        encode_vec(out, ListLength::U16, &self.binders);
    }

    fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, identities) = list(
            ListLength::U16,
            7,
            0xffff,
            "identities",
            codec::<PskIdentity>,
        )(i)?;
        let (i, binders) = list(ListLength::U16, 33, 0xffff, "binders", codec::<PskBinder>)(i)?;
        if identities.len() != binders.len() {
            return fail(InvalidMessage::IllegalValue(
                "pre_shared_key binder count differs from identity count",
            ));
        }
        Ok((
            i,
            Self {
                identities,
                binders,
            },
        ))
    }
}

/// One extension of a ClientHello.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientExtension {
    /// server_name: exactly one host_name (RFC 6066 section 3).
    ServerName(String),
    /// supported_versions, list form.
    SupportedVersions(Vec<ProtocolVersion>),
    /// key_share: `client_shares`.
    KeyShare(Vec<KeyShareEntry>),
    /// supported_groups.
    SupportedGroups(Vec<NamedGroup>),
    /// signature_algorithms.
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// signature_algorithms_cert.
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// application_layer_protocol_negotiation.
    Alpn(Vec<ProtocolName>),
    /// psk_key_exchange_modes.
    PskKeyExchangeModes(Vec<PskKeyExchangeMode>),
    /// pre_shared_key; must be the last extension.
    PreSharedKey(PresharedKeyOffer),
    /// cookie, echoed from a HelloRetryRequest.
    Cookie(Payload),
    /// record_size_limit (at least 64).
    RecordSizeLimit(u16),
    /// early_data (empty).
    EarlyData,
    /// extended_master_secret (empty).
    ExtendedMasterSecret,
    /// renegotiation_info: `renegotiated_connection<0..255>`.
    RenegotiationInfo(Payload),
    /// session_ticket: a ticket, or empty to ask for one.
    SessionTicket(Payload),
    /// ec_point_formats.
    EcPointFormats(Vec<EcPointFormat>),
    /// status_request, carried unparsed.
    StatusRequest(Payload),
    /// padding (RFC 7685).
    Padding(Payload),
    /// certificate_authorities.
    CertificateAuthorities(Vec<DistinguishedName>),
    /// Anything else.
    Unknown(UnknownExtension),
}

impl Extension for ClientExtension {
    fn ext_type(&self) -> ExtensionType {
        use ExtensionType as T;
        match self {
            Self::ServerName(_) => T::ServerName,
            Self::SupportedVersions(_) => T::SupportedVersions,
            Self::KeyShare(_) => T::KeyShare,
            Self::SupportedGroups(_) => T::SupportedGroups,
            Self::SignatureAlgorithms(_) => T::SignatureAlgorithms,
            Self::SignatureAlgorithmsCert(_) => T::SignatureAlgorithmsCert,
            Self::Alpn(_) => T::ApplicationLayerProtocolNegotiation,
            Self::PskKeyExchangeModes(_) => T::PskKeyExchangeModes,
            Self::PreSharedKey(_) => T::PreSharedKey,
            Self::Cookie(_) => T::Cookie,
            Self::RecordSizeLimit(_) => T::RecordSizeLimit,
            Self::EarlyData => T::EarlyData,
            Self::ExtendedMasterSecret => T::ExtendedMasterSecret,
            Self::RenegotiationInfo(_) => T::RenegotiationInfo,
            Self::SessionTicket(_) => T::SessionTicket,
            Self::EcPointFormats(_) => T::EcPointFormats,
            Self::StatusRequest(_) => T::StatusRequest,
            Self::Padding(_) => T::Padding,
            Self::CertificateAuthorities(_) => T::CertificateAuthorities,
            Self::Unknown(u) => u.typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::ServerName(name) => encode_nested(out, ListLength::U16, |o| {
                ServerNameType::HostName.encode(o);
                encode_opaque(o, ListLength::U16, name.as_bytes());
            }),
            Self::SupportedVersions(v) => encode_vec(out, ListLength::U8, v),
            Self::KeyShare(v) => encode_vec(out, ListLength::U16, v),
            Self::SupportedGroups(v) => encode_u16_list(out, v),
            Self::SignatureAlgorithms(v) | Self::SignatureAlgorithmsCert(v) => {
                encode_u16_list(out, v)
            }
            Self::Alpn(v) => encode_vec(out, ListLength::U16, v),
            Self::PskKeyExchangeModes(v) => encode_vec(out, ListLength::U8, v),
            Self::PreSharedKey(offer) => offer.encode(out),
            Self::Cookie(c) => encode_opaque(out, ListLength::U16, &c.0),
            Self::RecordSizeLimit(v) => v.encode(out),
            Self::EarlyData | Self::ExtendedMasterSecret => {}
            Self::RenegotiationInfo(p) => encode_opaque(out, ListLength::U8, &p.0),
            Self::EcPointFormats(v) => encode_vec(out, ListLength::U8, v),
            Self::SessionTicket(p) | Self::StatusRequest(p) | Self::Padding(p) => {
                out.extend_from_slice(&p.0)
            }
            Self::CertificateAuthorities(v) => encode_distinguished_names(out, v),
            Self::Unknown(u) => out.extend_from_slice(&u.payload.0),
        }
    }
}

impl ClientExtension {
    /// Decodes the body `data` of an extension of type `typ`.
    pub fn decode(typ: ExtensionType, data: &[u8]) -> Result<Self, InvalidMessage> {
        use ExtensionType as T;
        Ok(match typ {
            T::ServerName => Self::ServerName(body(data, "server_name", server_name_list)?),
            T::SupportedVersions => {
                Self::SupportedVersions(body(data, "supported_versions", supported_versions)?)
            }
            T::KeyShare => Self::KeyShare(body(data, "key_share", client_shares)?),
            T::SupportedGroups => {
                Self::SupportedGroups(body(data, "supported_groups", named_groups)?)
            }
            T::SignatureAlgorithms => {
                Self::SignatureAlgorithms(body(data, "signature_algorithms", signature_schemes)?)
            }
            T::SignatureAlgorithmsCert => Self::SignatureAlgorithmsCert(body(
                data,
                "signature_algorithms_cert",
                signature_schemes,
            )?),
            T::ApplicationLayerProtocolNegotiation => Self::Alpn(body(
                data,
                "application_layer_protocol_negotiation",
                protocol_name_list,
            )?),
            T::PskKeyExchangeModes => Self::PskKeyExchangeModes(body(
                data,
                "psk_key_exchange_modes",
                list(
                    ListLength::U8,
                    1,
                    255,
                    "ke_modes",
                    codec::<PskKeyExchangeMode>,
                ),
            )?),
            T::PreSharedKey => {
                Self::PreSharedKey(body(data, "pre_shared_key", PresharedKeyOffer::parse)?)
            }
            T::Cookie => Self::Cookie(cookie(data)?),
            T::RecordSizeLimit => Self::RecordSizeLimit(record_size_limit(data)?),
            T::EarlyData => empty(data, "early_data").map(|()| Self::EarlyData)?,
            T::ExtendedMasterSecret => {
                empty(data, "extended_master_secret").map(|()| Self::ExtendedMasterSecret)?
            }
            T::RenegotiationInfo => Self::RenegotiationInfo(renegotiation_info(data)?),
            T::SessionTicket => Self::SessionTicket(Payload::new(data)),
            T::EcPointFormats => Self::EcPointFormats(ec_point_formats(data)?),
            T::StatusRequest => Self::StatusRequest(Payload::new(data)),
            T::Padding => Self::Padding(Payload::new(data)),
            T::CertificateAuthorities => Self::CertificateAuthorities(body(
                data,
                "certificate_authorities",
                distinguished_names(3),
            )?),
            typ => Self::Unknown(UnknownExtension {
                typ,
                payload: Payload::new(data),
            }),
        })
    }
}

/// `ServerNameList<1..2^16-1>` holding exactly one host_name of 1 to 255
/// printable, non-NUL ASCII bytes. Like OpenSSL, anything else (a second
/// entry, another name type, an empty or binary name) is decode_error: a
/// server must never match a certificate against a name it misread.
fn server_name_list(i: &[u8]) -> PResult<'_, String> {
    let (rest, list_body) = opaque(ListLength::U16, 1, 0xffff, "server_name_list")(i)?;
    let (after, typ) = u8_("name_type")(list_body)?;
    if ServerNameType::from(typ) != ServerNameType::HostName {
        return fail(InvalidMessage::InvalidLength("server_name name_type"));
    }
    let (after, name) = opaque(ListLength::U16, 1, 0xffff, "host_name")(after)?;
    if !after.is_empty() {
        return fail(InvalidMessage::TrailingData("server_name_list"));
    }
    if name.len() > MAX_HOST_NAME || !name.iter().all(|b| b.is_ascii_graphic()) {
        return fail(InvalidMessage::InvalidLength("host_name"));
    }
    // All bytes are ASCII, so this conversion is lossless.
    let name = name.iter().map(|&b| char::from(b)).collect();
    Ok((rest, name))
}

/// `ProtocolVersion versions<2..254>`.
fn supported_versions(i: &[u8]) -> PResult<'_, Vec<ProtocolVersion>> {
    if i.first().is_some_and(|l| l % 2 != 0) {
        return fail(InvalidMessage::InvalidLength("supported_versions"));
    }
    list(
        ListLength::U8,
        2,
        254,
        "supported_versions",
        codec::<ProtocolVersion>,
    )(i)
}

/// `KeyShareEntry client_shares<0..2^16-1>`; a group offered twice is
/// illegal_parameter (RFC 8446 section 4.2.8).
fn client_shares(i: &[u8]) -> PResult<'_, Vec<KeyShareEntry>> {
    let (rest, shares) = list(
        ListLength::U16,
        0,
        0xffff,
        "client_shares",
        codec::<KeyShareEntry>,
    )(i)?;
    let mut groups = HashSet::new();
    if !shares.iter().all(|s| groups.insert(s.group.get())) {
        return fail(InvalidMessage::IllegalValue(
            "key_share group offered twice",
        ));
    }
    Ok((rest, shares))
}

extension_codec!(ClientExtension);
