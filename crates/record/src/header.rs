//! The record header (RFC 8446 section 5.1, RFC 5246 section 6.2.1):
//! parsing with nom, encoding, and the checks every record passes before
//! its body is buffered or decrypted.

use ferrotls_core::{ContentType, Error, InvalidMessage, PeerMisbehaved, ProtocolVersion};
use nom::IResult;
use nom::Parser;
use nom::number::streaming::{be_u8, be_u16};

use crate::HEADER_LEN;

/// The five bytes in front of every record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    /// ContentType (the outer, "opaque" type for protected TLS 1.3 records).
    pub content_type: ContentType,
    /// legacy_record_version.
    pub version: ProtocolVersion,
    /// Length of the fragment that follows.
    pub length: u16,
}

/// Parses a record header from the front of `input`.
///
/// Streaming: fewer than five bytes give `Err(nom::Err::Incomplete)`, so a
/// deframer can tell "wait for more" from "bad". Parsing never fails
/// otherwise; what the values may be is [`check_header`]'s business, which
/// keeps the parser a pure inverse of [`RecordHeader::encode`].
pub fn parse_header(input: &[u8]) -> IResult<&[u8], RecordHeader> {
    let (rest, (content_type, version, length)) = (be_u8, be_u16, be_u16).parse(input)?;
    Ok((
        rest,
        RecordHeader {
            content_type: ContentType::from(content_type),
            version: ProtocolVersion::from(version),
            length,
        },
    ))
}

impl RecordHeader {
    /// Builds a header. `length` is the caller's own and must fit in 16 bits.
    pub fn new(content_type: ContentType, version: ProtocolVersion, length: u16) -> Self {
        Self {
            content_type,
            version,
            length,
        }
    }

    /// The wire form. It is also the TLS 1.3 additional data (RFC 8446
    /// section 5.2), which is why it is a fixed array and not a `Vec`.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let v = self.version.get().to_be_bytes();
        let l = self.length.to_be_bytes();
        [self.content_type.get(), v[0], v[1], l[0], l[1]]
    }
}

/// The checks RFC 8446 section 5 and RFC 5246 section 6.2 put on a header
/// before the record body is read:
///
/// * a content type other than change_cipher_spec, alert, handshake and
///   application_data → unexpected_message
///   ([`InvalidMessage::InvalidContentType`]); heartbeat is never accepted;
/// * a version whose major byte is not 3 → decode_error
///   ([`InvalidMessage::UnknownProtocolVersion`]); the minor byte is not
///   checked because a ClientHello may come in a 0x0301 record;
/// * a length over `max_len` → record_overflow;
/// * a zero length for handshake or alert → unexpected_message
///   ([`InvalidMessage::InvalidEmptyPayload`]).
pub fn check_header(header: &RecordHeader, max_len: usize) -> Result<(), Error> {
    match header.content_type {
        ContentType::ChangeCipherSpec
        | ContentType::Alert
        | ContentType::Handshake
        | ContentType::ApplicationData => {}
        _ => return Err(InvalidMessage::InvalidContentType.into()),
    }
    if header.version.get() >> 8 != 0x03 {
        return Err(InvalidMessage::UnknownProtocolVersion.into());
    }
    if usize::from(header.length) > max_len {
        return Err(PeerMisbehaved::RecordOverflow.into());
    }
    if header.length == 0
        && matches!(
            header.content_type,
            ContentType::Handshake | ContentType::Alert
        )
    {
        return Err(InvalidMessage::InvalidEmptyPayload.into());
    }
    Ok(())
}
