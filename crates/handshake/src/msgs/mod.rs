//! Handshake message types and their wire codecs (RFC 8446 section 4,
//! RFC 5246 section 7.4, RFC 8422 section 5.4).
//!
//! Decoding is strict, as RFC 8446 asks: a vector outside its bounds or
//! bytes left over is decode_error; a repeated extension, or a value or an
//! extension the RFC forbids in that place, is illegal_parameter. Every
//! error is a core [`InvalidMessage`](ferrotls_core::InvalidMessage), which
//! knows its alert. Transcript hashes must be taken over the bytes as
//! received, never over a re-encoding (an absent and an empty extension
//! block decode alike).

mod base;
mod certificate;
mod client_ext;
mod ext_codec;
mod hello;
mod joiner;
mod message;
mod other_ext;
mod server_ext;
mod tls12;
mod types;

pub use base::{DecodeErr, PResult, Payload, Random, SessionId};
pub use certificate::{
    CertificateEntry, CertificatePayload, CertificatePayloadTls13, CertificateRequestPayload,
    CertificateRequestPayloadTls13,
};
pub use client_ext::{ClientExtension, PresharedKeyOffer};
pub use ext_codec::{Extension, UnknownExtension};
pub use hello::{ClientHelloPayload, EncryptedExtensions, ServerHelloPayload};
pub use joiner::{DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN, HandshakeJoiner};
pub use message::{HANDSHAKE_HEADER_LEN, HandshakeMessage};
pub use other_ext::{CertReqExtension, CertificateExtension, NewSessionTicketExtension};
pub use server_ext::{ServerExtContext, ServerExtension};
pub use tls12::{
    ClientKeyExchangePayload, NewSessionTicketPayload, NewSessionTicketPayloadTls13,
    ServerEcdhParams, ServerKeyExchangePayload,
};
pub use types::{
    ClientCertificateType, DigitallySignedStruct, KeyShareEntry, ProtocolName, PskBinder,
    PskIdentity,
};

/// The `random` of a HelloRetryRequest: SHA-256 of "HelloRetryRequest"
/// (RFC 8446 section 4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2
/// (RFC 8446 section 4.1.3): "DOWNGRD" then 0x01.
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";

/// The same sentinel for TLS 1.1 and below: "DOWNGRD" then 0x00.
pub const DOWNGRADE_TLS11: [u8; 8] = *b"DOWNGRD\x00";
