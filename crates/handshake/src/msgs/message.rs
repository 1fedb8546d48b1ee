//! `Handshake` framing (RFC 8446 section 4): one enum over every message,
//! with the 4-byte header (`msg_type`, `uint24 length`).

use ferrotls_core::codec::{Codec, ListLength, encode_nested};
use ferrotls_core::enums::{HandshakeType, KeyUpdateRequest, ProtocolVersion};
use ferrotls_core::error::InvalidMessage;

use super::base::{PResult, Payload, bytes, codec, fail, finish, u8_};
use super::certificate::{
    CertificatePayload, CertificatePayloadTls13, CertificateRequestPayload,
    CertificateRequestPayloadTls13,
};
use super::hello::{ClientHelloPayload, EncryptedExtensions, ServerHelloPayload};
use super::tls12::{
    ClientKeyExchangePayload, NewSessionTicketPayload, NewSessionTicketPayloadTls13,
    ServerKeyExchangePayload,
};
use super::types::DigitallySignedStruct;

/// The length of the handshake header.
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// A handshake message. Certificate, CertificateRequest and
/// NewSessionTicket have one variant per protocol version because their
/// layouts differ; which one is decoded is chosen by the caller's version.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandshakeMessage {
    /// hello_request (TLS 1.2): the server asks for renegotiation.
    HelloRequest,
    /// client_hello.
    ClientHello(ClientHelloPayload),
    /// server_hello, and hello_retry_request (see
    /// [`ServerHelloPayload::is_hello_retry_request`]).
    ServerHello(ServerHelloPayload),
    /// TLS 1.2 new_session_ticket.
    NewSessionTicket(NewSessionTicketPayload),
    /// TLS 1.3 new_session_ticket.
    NewSessionTicketTls13(NewSessionTicketPayloadTls13),
    /// end_of_early_data.
    EndOfEarlyData,
    /// encrypted_extensions.
    EncryptedExtensions(EncryptedExtensions),
    /// TLS 1.2 certificate.
    Certificate(CertificatePayload),
    /// TLS 1.3 certificate.
    CertificateTls13(CertificatePayloadTls13),
    /// TLS 1.2 server_key_exchange (ECDHE).
    ServerKeyExchange(ServerKeyExchangePayload),
    /// TLS 1.2 certificate_request.
    CertificateRequest(CertificateRequestPayload),
    /// TLS 1.3 certificate_request.
    CertificateRequestTls13(CertificateRequestPayloadTls13),
    /// server_hello_done (TLS 1.2).
    ServerHelloDone,
    /// certificate_verify.
    CertificateVerify(DigitallySignedStruct),
    /// TLS 1.2 client_key_exchange (ECDHE).
    ClientKeyExchange(ClientKeyExchangePayload),
    /// finished: `verify_data`, whose length the state machine checks.
    Finished(Payload),
    /// key_update.
    KeyUpdate(KeyUpdateRequest),
    /// The synthetic message_hash that replaces ClientHello1 in the
    /// transcript after a HelloRetryRequest: the hash of ClientHello1.
    MessageHash(Payload),
    /// A message type this library does not handle (the state machine
    /// answers unexpected_message).
    Unknown {
        /// `msg_type`.
        typ: HandshakeType,
        /// The body.
        body: Payload,
    },
}

impl HandshakeMessage {
    /// `msg_type`.
    pub fn handshake_type(&self) -> HandshakeType {
        use HandshakeType as T;
        match self {
            Self::HelloRequest => T::HelloRequest,
            Self::ClientHello(_) => T::ClientHello,
            Self::ServerHello(_) => T::ServerHello,
            Self::NewSessionTicket(_) | Self::NewSessionTicketTls13(_) => T::NewSessionTicket,
            Self::EndOfEarlyData => T::EndOfEarlyData,
            Self::EncryptedExtensions(_) => T::EncryptedExtensions,
            Self::Certificate(_) | Self::CertificateTls13(_) => T::Certificate,
            Self::ServerKeyExchange(_) => T::ServerKeyExchange,
            Self::CertificateRequest(_) | Self::CertificateRequestTls13(_) => T::CertificateRequest,
            Self::ServerHelloDone => T::ServerHelloDone,
            Self::CertificateVerify(_) => T::CertificateVerify,
            Self::ClientKeyExchange(_) => T::ClientKeyExchange,
            Self::Finished(_) => T::Finished,
            Self::KeyUpdate(_) => T::KeyUpdate,
            Self::MessageHash(_) => T::MessageHash,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    /// True for a HelloRetryRequest.
    pub fn is_hello_retry_request(&self) -> bool {
        matches!(self, Self::ServerHello(sh) if sh.is_hello_retry_request())
    }

    /// Appends the message: header, then body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_with_header(out, self.handshake_type(), |o| self.encode_body(o));
    }

    /// The encoded message, header included.
    pub fn get_encoding(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::HelloRequest | Self::EndOfEarlyData | Self::ServerHelloDone => {}
            Self::ClientHello(m) => m.encode(out),
            Self::ServerHello(m) => m.encode(out),
            Self::NewSessionTicket(m) => m.encode(out),
            Self::NewSessionTicketTls13(m) => m.encode(out),
            Self::EncryptedExtensions(m) => m.encode(out),
            Self::Certificate(m) => m.encode(out),
            Self::CertificateTls13(m) => m.encode(out),
            Self::ServerKeyExchange(m) => m.encode(out),
            Self::CertificateRequest(m) => m.encode(out),
            Self::CertificateRequestTls13(m) => m.encode(out),
            Self::CertificateVerify(m) => m.encode(out),
            Self::ClientKeyExchange(m) => m.encode(out),
            Self::KeyUpdate(m) => m.encode(out),
            Self::Finished(p) | Self::MessageHash(p) | Self::Unknown { body: p, .. } => {
                out.extend_from_slice(&p.0)
            }
        }
    }

    /// Decodes one whole message, header included, as sent under
    /// `version` (anything but TLS 1.3 selects the TLS 1.2 layouts). The
    /// header's length must match the body exactly.
    pub fn decode(msg: &[u8], version: ProtocolVersion) -> Result<Self, InvalidMessage> {
        finish(msg, "handshake message", |i| parse(i, version))
    }
}

/// Appends `msg_type`, the 24-bit length, and the body `body` writes.
pub(crate) fn encode_with_header(
    out: &mut Vec<u8>,
    typ: HandshakeType,
    body: impl FnOnce(&mut Vec<u8>),
) {
    typ.encode(out);
    encode_nested(out, ListLength::U24, body);
}

/// The message parser: header, then a body that must fill its length.
fn parse(i: &[u8], version: ProtocolVersion) -> PResult<'_, HandshakeMessage> {
    let (i, typ) = u8_("msg_type")(i)?;
    let (i, len) = codec::<ferrotls_core::U24>(i)?;
    let (rest, body) = bytes(len.0 as usize, "handshake body")(i)?;
    let typ = HandshakeType::from(typ);
    let msg = finish(body, "handshake body", |b| parse_body(b, typ, version));
    match msg {
        Ok(m) => Ok((rest, m)),
        Err(e) => fail(e),
    }
}

fn parse_body(
    i: &[u8],
    typ: HandshakeType,
    version: ProtocolVersion,
) -> PResult<'_, HandshakeMessage> {
    use HandshakeMessage as M;
    use HandshakeType as T;
    let tls13 = version == ProtocolVersion::TLSv1_3;
    match typ {
        T::HelloRequest => Ok((i, M::HelloRequest)),
        T::EndOfEarlyData => Ok((i, M::EndOfEarlyData)),
        T::ServerHelloDone => Ok((i, M::ServerHelloDone)),
        T::ClientHello => ClientHelloPayload::parse(i).map(|(r, v)| (r, M::ClientHello(v))),
        T::ServerHello => ServerHelloPayload::parse(i).map(|(r, v)| (r, M::ServerHello(v))),
        T::NewSessionTicket if tls13 => {
            NewSessionTicketPayloadTls13::parse(i).map(|(r, v)| (r, M::NewSessionTicketTls13(v)))
        }
        T::NewSessionTicket => {
            NewSessionTicketPayload::parse(i).map(|(r, v)| (r, M::NewSessionTicket(v)))
        }
        T::EncryptedExtensions => {
            EncryptedExtensions::parse(i).map(|(r, v)| (r, M::EncryptedExtensions(v)))
        }
        T::Certificate if tls13 => {
            CertificatePayloadTls13::parse(i).map(|(r, v)| (r, M::CertificateTls13(v)))
        }
        T::Certificate => CertificatePayload::parse(i).map(|(r, v)| (r, M::Certificate(v))),
        T::ServerKeyExchange => {
            ServerKeyExchangePayload::parse(i).map(|(r, v)| (r, M::ServerKeyExchange(v)))
        }
        T::CertificateRequest if tls13 => CertificateRequestPayloadTls13::parse(i)
            .map(|(r, v)| (r, M::CertificateRequestTls13(v))),
        T::CertificateRequest => {
            CertificateRequestPayload::parse(i).map(|(r, v)| (r, M::CertificateRequest(v)))
        }
        T::CertificateVerify => {
            codec::<DigitallySignedStruct>(i).map(|(r, v)| (r, M::CertificateVerify(v)))
        }
        T::ClientKeyExchange => {
            ClientKeyExchangePayload::parse(i).map(|(r, v)| (r, M::ClientKeyExchange(v)))
        }
        T::Finished => Ok((&[], M::Finished(Payload::new(i)))),
        T::KeyUpdate => {
            let (r, req) = codec::<KeyUpdateRequest>(i)?;
            match req {
                KeyUpdateRequest::UpdateNotRequested | KeyUpdateRequest::UpdateRequested => {
                    Ok((r, M::KeyUpdate(req)))
                }
                _ => fail(InvalidMessage::IllegalValue("KeyUpdateRequest")),
            }
        }
        T::MessageHash => Ok((&[], M::MessageHash(Payload::new(i)))),
        typ => Ok((
            &[],
            M::Unknown {
                typ,
                body: Payload::new(i),
            },
        )),
    }
}
