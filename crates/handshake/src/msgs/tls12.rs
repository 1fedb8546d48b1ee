//! The TLS 1.2 ECDHE key exchange messages (RFC 8422 sections 5.4 and 5.7)
//! and both forms of NewSessionTicket (RFC 5077 section 3.3, RFC 8446
//! section 4.6.1).

use ferrotls_core::codec::{Codec, ListLength, encode_opaque};
use ferrotls_core::enums::{EcCurveType, ExtensionType, NamedGroup};
use ferrotls_core::error::InvalidMessage;

use super::base::{PResult, Payload, codec, fail, opaque, u32_};
use super::ext_codec::{Extension, encode_extensions, extensions};
use super::other_ext::NewSessionTicketExtension;
use super::types::DigitallySignedStruct;

/// `ServerECDHParams`: `named_curve`, the group, and the public point
/// `<1..2^8-1>`. Its encoding is what the server signs, after the randoms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerEcdhParams {
    /// `namedcurve`.
    pub group: NamedGroup,
    /// `point<1..2^8-1>`.
    pub public: Payload,
}

impl ServerEcdhParams {
    /// Appends `curve_params` and `public`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        EcCurveType::NamedCurve.encode(out);
        self.group.encode(out);
        encode_opaque(out, ListLength::U8, &self.public.0);
    }

    /// Explicit curves are deprecated (RFC 8422 section 5.4) and refused as
    /// illegal_parameter.
    fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, curve_type) = codec::<EcCurveType>(i)?;
        if curve_type != EcCurveType::NamedCurve {
            return fail(InvalidMessage::IllegalValue(
                "ECCurveType is not named_curve",
            ));
        }
        let (i, group) = codec::<NamedGroup>(i)?;
        let (i, public) = opaque(ListLength::U8, 1, 255, "ECPoint")(i)?;
        Ok((
            i,
            Self {
                group,
                public: Payload::new(public),
            },
        ))
    }
}

/// TLS 1.2 `ServerKeyExchange` for ECDHE suites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKeyExchangePayload {
    /// The ephemeral parameters.
    pub params: ServerEcdhParams,
    /// The signature over `client_random + server_random + params`.
    pub dss: DigitallySignedStruct,
}

impl ServerKeyExchangePayload {
    /// The signed content: `client_random + server_random + params`.
    pub fn signed_data(&self, client_random: &[u8; 32], server_random: &[u8; 32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 4 + self.params.public.0.len());
        out.extend_from_slice(client_random);
        out.extend_from_slice(server_random);
        self.params.encode(&mut out);
        out
    }

    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.params.encode(out);
        self.dss.encode(out);
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, params) = ServerEcdhParams::parse(i)?;
        let (i, dss) = codec::<DigitallySignedStruct>(i)?;
        Ok((i, Self { params, dss }))
    }
}

/// TLS 1.2 `ClientKeyExchange` for ECDHE suites: `ecdh_Yc<1..2^8-1>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientKeyExchangePayload {
    /// The client's public point.
    pub public: Payload,
}

impl ClientKeyExchangePayload {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U8, &self.public.0);
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        opaque(ListLength::U8, 1, 255, "ClientECDiffieHellmanPublic")(i).map(|(r, p)| {
            (
                r,
                Self {
                    public: Payload::new(p),
                },
            )
        })
    }
}

/// TLS 1.2 `NewSessionTicket` (RFC 5077 section 3.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSessionTicketPayload {
    /// `ticket_lifetime_hint` in seconds; 0 means unspecified.
    pub lifetime_hint: u32,
    /// `ticket<0..2^16-1>`; empty when the server will not issue one.
    pub ticket: Payload,
}

impl NewSessionTicketPayload {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.lifetime_hint.encode(out);
        encode_opaque(out, ListLength::U16, &self.ticket.0);
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, lifetime_hint) = u32_("ticket_lifetime_hint")(i)?;
        let (i, ticket) = opaque(ListLength::U16, 0, 0xffff, "ticket")(i)?;
        Ok((
            i,
            Self {
                lifetime_hint,
                ticket: Payload::new(ticket),
            },
        ))
    }
}

/// TLS 1.3 `NewSessionTicket` (RFC 8446 section 4.6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSessionTicketPayloadTls13 {
    /// `ticket_lifetime` in seconds, at most 7 days (checked by the client).
    pub lifetime: u32,
    /// `ticket_age_add`.
    pub age_add: u32,
    /// `ticket_nonce<0..255>`.
    pub nonce: Payload,
    /// `ticket<1..2^16-1>`.
    pub ticket: Payload,
    /// `extensions<0..2^16-2>`.
    pub extensions: Vec<NewSessionTicketExtension>,
}

impl NewSessionTicketPayloadTls13 {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.lifetime.encode(out);
        self.age_add.encode(out);
        encode_opaque(out, ListLength::U8, &self.nonce.0);
        encode_opaque(out, ListLength::U16, &self.ticket.0);
        encode_extensions(out, &self.extensions);
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, lifetime) = u32_("ticket_lifetime")(i)?;
        let (i, age_add) = u32_("ticket_age_add")(i)?;
        let (i, nonce) = opaque(ListLength::U8, 0, 255, "ticket_nonce")(i)?;
        let (i, ticket) = opaque(ListLength::U16, 1, 0xffff, "ticket")(i)?;
        let (i, exts) = extensions(
            0,
            0xfffe,
            "NewSessionTicket extensions",
            NewSessionTicketExtension::decode,
        )(i)?;
        Ok((
            i,
            Self {
                lifetime,
                age_add,
                nonce: Payload::new(nonce),
                ticket: Payload::new(ticket),
                extensions: exts,
            },
        ))
    }

    /// The first extension of type `typ`.
    pub fn find_extension(&self, typ: ExtensionType) -> Option<&NewSessionTicketExtension> {
        self.extensions.iter().find(|e| e.ext_type() == typ)
    }

    /// early_data's `max_early_data_size`, when the ticket allows 0-RTT.
    pub fn max_early_data_size(&self) -> Option<u32> {
        self.extensions.iter().find_map(|e| match e {
            NewSessionTicketExtension::EarlyData(v) => Some(*v),
            _ => None,
        })
    }
}
