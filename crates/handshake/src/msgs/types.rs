//! Small wire structures that extensions and messages are built from. Each
//! implements core's [`Codec`], so its encode and read live side by side.

use ferrotls_core::codec::{Codec, ListLength, Reader, encode_opaque, read_opaque};
use ferrotls_core::enums::{NamedGroup, SignatureScheme};
use ferrotls_core::error::InvalidMessage;

use super::base::Payload;

/// `KeyShareEntry` (RFC 8446 section 4.2.8): a group and the public value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyShareEntry {
    /// The group of the key.
    pub group: NamedGroup,
    /// `key_exchange<1..2^16-1>`: a point, a public key or an encapsulation.
    pub payload: Payload,
}

impl KeyShareEntry {
    /// A share of `group` holding `key_exchange`.
    pub fn new(group: NamedGroup, key_exchange: impl Into<Vec<u8>>) -> Self {
        Self {
            group,
            payload: Payload(key_exchange.into()),
        }
    }
}

impl Codec<'_> for KeyShareEntry {
    fn encode(&self, out: &mut Vec<u8>) {
        self.group.encode(out);
        encode_opaque(out, ListLength::U16, &self.payload.0);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let group = NamedGroup::read(r)?;
        let kx = read_opaque(r, ListLength::U16, 1, 0xffff, "key_exchange")?;
        Ok(Self::new(group, kx))
    }
}

/// `PskIdentity` (RFC 8446 section 4.2.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PskIdentity {
    /// `identity<1..2^16-1>`: a ticket or an external PSK label.
    pub identity: Payload,
    /// The ticket age plus `ticket_age_add`, mod 2^32.
    pub obfuscated_ticket_age: u32,
}

impl Codec<'_> for PskIdentity {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U16, &self.identity.0);
        self.obfuscated_ticket_age.encode(out);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let identity = Payload::new(read_opaque(r, ListLength::U16, 1, 0xffff, "identity")?);
        let obfuscated_ticket_age = u32::read(r)?;
        Ok(Self {
            identity,
            obfuscated_ticket_age,
        })
    }
}

/// `PskBinderEntry<32..255>`: an HMAC over the truncated ClientHello.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PskBinder(pub Payload);

impl Codec<'_> for PskBinder {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U8, &self.0.0);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = read_opaque(r, ListLength::U8, 32, 255, "PskBinderEntry")?;
        Ok(Self(Payload::new(b)))
    }
}

/// `ProtocolName<1..2^8-1>` of ALPN (RFC 7301): never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolName(pub Vec<u8>);

impl ProtocolName {
    /// The name's bytes (e.g. `b"h2"`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Codec<'_> for ProtocolName {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U8, &self.0);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = read_opaque(r, ListLength::U8, 1, 255, "ProtocolName")?;
        Ok(Self(b.to_vec()))
    }
}

/// A signature and the scheme that made it: TLS 1.2 `DigitallySigned`
/// and the body of TLS 1.3 `CertificateVerify`, which share a layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitallySignedStruct {
    /// The signature scheme.
    pub scheme: SignatureScheme,
    /// `signature<0..2^16-1>`.
    pub signature: Payload,
}

impl DigitallySignedStruct {
    /// A signature of `scheme`.
    pub fn new(scheme: SignatureScheme, signature: Vec<u8>) -> Self {
        Self {
            scheme,
            signature: Payload(signature),
        }
    }
}

impl Codec<'_> for DigitallySignedStruct {
    fn encode(&self, out: &mut Vec<u8>) {
        self.scheme.encode(out);
        encode_opaque(out, ListLength::U16, &self.signature.0);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let scheme = SignatureScheme::read(r)?;
        let sig = read_opaque(r, ListLength::U16, 0, 0xffff, "signature")?;
        Ok(Self::new(scheme, sig.to_vec()))
    }
}

/// `ClientCertificateType` of the TLS 1.2 CertificateRequest (RFC 5246
/// section 7.4.4, RFC 8422 section 5.5). A plain newtype: values we do not
/// know must be kept and ignored, never rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientCertificateType(pub u8);

impl ClientCertificateType {
    /// rsa_sign
    pub const RSA_SIGN: Self = Self(1);
    /// ecdsa_sign
    pub const ECDSA_SIGN: Self = Self(64);
}

impl Codec<'_> for ClientCertificateType {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.0);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        u8::read(r).map(Self)
    }
}
