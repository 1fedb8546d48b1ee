//! The extensions of the TLS 1.3 CertificateRequest, NewSessionTicket and
//! CertificateEntry: few and small, so each message gets its own enum and
//! the state machines can match exhaustively on what matters to them.

use ferrotls_core::codec::Codec;
use ferrotls_core::der::DistinguishedName;
use ferrotls_core::enums::{ExtensionType, SignatureScheme};
use ferrotls_core::error::InvalidMessage;

use super::base::{Payload, u32_};
use super::ext_codec::{
    Extension, UnknownExtension, body, distinguished_names, encode_distinguished_names,
    encode_u16_list, extension_codec, signature_schemes,
};

/// One extension of a TLS 1.3 CertificateRequest (RFC 8446 section 4.3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertReqExtension {
    /// signature_algorithms (required).
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// signature_algorithms_cert.
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// certificate_authorities.
    CertificateAuthorities(Vec<DistinguishedName>),
    /// Anything else (oid_filters, status_request, ...), ignored.
    Unknown(UnknownExtension),
}

impl Extension for CertReqExtension {
    fn ext_type(&self) -> ExtensionType {
        match self {
            Self::SignatureAlgorithms(_) => ExtensionType::SignatureAlgorithms,
            Self::SignatureAlgorithmsCert(_) => ExtensionType::SignatureAlgorithmsCert,
            Self::CertificateAuthorities(_) => ExtensionType::CertificateAuthorities,
            Self::Unknown(u) => u.typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::SignatureAlgorithms(v) | Self::SignatureAlgorithmsCert(v) => {
                encode_u16_list(out, v)
            }
            Self::CertificateAuthorities(v) => encode_distinguished_names(out, v),
            Self::Unknown(u) => out.extend_from_slice(&u.payload.0),
        }
    }
}

impl CertReqExtension {
    /// Decodes the body `data` of an extension of type `typ`.
    pub fn decode(typ: ExtensionType, data: &[u8]) -> Result<Self, InvalidMessage> {
        use ExtensionType as T;
        Ok(match typ {
            T::SignatureAlgorithms => {
                Self::SignatureAlgorithms(body(data, "signature_algorithms", signature_schemes)?)
            }
            T::SignatureAlgorithmsCert => Self::SignatureAlgorithmsCert(body(
                data,
                "signature_algorithms_cert",
                signature_schemes,
            )?),
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

/// One extension of a TLS 1.3 NewSessionTicket (RFC 8446 section 4.6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NewSessionTicketExtension {
    /// early_data: `max_early_data_size`.
    EarlyData(u32),
    /// Anything else, ignored.
    Unknown(UnknownExtension),
}

impl Extension for NewSessionTicketExtension {
    fn ext_type(&self) -> ExtensionType {
        match self {
            Self::EarlyData(_) => ExtensionType::EarlyData,
            Self::Unknown(u) => u.typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::EarlyData(v) => v.encode(out),
            Self::Unknown(u) => out.extend_from_slice(&u.payload.0),
        }
    }
}

impl NewSessionTicketExtension {
    /// Decodes the body `data` of an extension of type `typ`.
    pub fn decode(typ: ExtensionType, data: &[u8]) -> Result<Self, InvalidMessage> {
        Ok(match typ {
            ExtensionType::EarlyData => {
                Self::EarlyData(body(data, "early_data", u32_("max_early_data_size"))?)
            }
            typ => Self::Unknown(UnknownExtension {
                typ,
                payload: Payload::new(data),
            }),
        })
    }
}

/// One extension of a TLS 1.3 CertificateEntry (RFC 8446 section 4.4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateExtension {
    /// status_request: a `CertificateStatus` (OCSP response), unparsed.
    CertificateStatus(Payload),
    /// Anything else (signed_certificate_timestamp, ...), ignored.
    Unknown(UnknownExtension),
}

impl Extension for CertificateExtension {
    fn ext_type(&self) -> ExtensionType {
        match self {
            Self::CertificateStatus(_) => ExtensionType::StatusRequest,
            Self::Unknown(u) => u.typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::CertificateStatus(p) => out.extend_from_slice(&p.0),
            Self::Unknown(u) => out.extend_from_slice(&u.payload.0),
        }
    }
}

impl CertificateExtension {
    /// Decodes the body `data` of an extension of type `typ`.
    pub fn decode(typ: ExtensionType, data: &[u8]) -> Result<Self, InvalidMessage> {
        Ok(match typ {
            ExtensionType::StatusRequest => Self::CertificateStatus(Payload::new(data)),
            typ => Self::Unknown(UnknownExtension {
                typ,
                payload: Payload::new(data),
            }),
        })
    }
}

extension_codec!(CertReqExtension);
extension_codec!(NewSessionTicketExtension);
extension_codec!(CertificateExtension);
