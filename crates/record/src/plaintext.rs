//! Records before keys are in use (the hellos, and TLS 1.2 up to
//! ChangeCipherSpec): nothing to protect, but the plaintext limits and
//! zero-length rules still hold.

use ferrotls_core::{
    ApiMisuse, ContentType, Error, InvalidMessage, PeerMisbehaved, ProtocolVersion,
};

use crate::aead::record_room;
use crate::deframer::OpaqueRecord;
use crate::empty::EmptyRun;
use crate::header::RecordHeader;
use crate::message::{MessageDecrypter, MessageEncrypter, PlainRecord};
use crate::{HEADER_LEN, MAX_PLAINTEXT};

/// Writes records in the clear.
pub fn plaintext_encrypter() -> Box<dyn MessageEncrypter> {
    Box::new(PlaintextEncrypter)
}

/// Reads records in the clear.
pub fn plaintext_decrypter() -> Box<dyn MessageDecrypter> {
    Box::new(PlaintextDecrypter::default())
}

#[derive(Debug)]
struct PlaintextEncrypter;

impl MessageEncrypter for PlaintextEncrypter {
    fn encrypt_into(
        &mut self,
        content_type: ContentType,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let length = check_outgoing_len(plaintext.len(), 0)?;
        let total = HEADER_LEN + plaintext.len();
        let record = record_room(out, total)?;
        // RFC 8446 section 5.1: 0x0303 in every record but (optionally)
        // the first ClientHello, so 0x0303 is always correct.
        let header = RecordHeader::new(content_type, ProtocolVersion::TLSv1_2, length);
        record[..HEADER_LEN].copy_from_slice(&header.encode());
        record[HEADER_LEN..].copy_from_slice(plaintext);
        Ok(total)
    }

    fn overhead(&self) -> usize {
        HEADER_LEN
    }

    fn needs_key_update(&self) -> bool {
        false
    }
}

#[derive(Debug, Default)]
struct PlaintextDecrypter {
    empty_run: EmptyRun,
}

impl MessageDecrypter for PlaintextDecrypter {
    fn decrypt<'a>(&mut self, rec: OpaqueRecord<'a>) -> Result<PlainRecord<'a>, Error> {
        let payload: &'a [u8] = rec.payload;
        check_fragment(rec.header.content_type, payload.len(), &mut self.empty_run)?;
        Ok(PlainRecord {
            content_type: rec.header.content_type,
            payload,
        })
    }

    /// Unprotected records are not subject to the limit (RFC 8449 section
    /// 4): the 2^14 of `check_fragment` stays the only bound.
    fn set_record_size_limit(&mut self, _limit: usize) {}
}

/// The checks on a fragment once protection is removed: at most 2^14
/// bytes (record_overflow), never empty for handshake or alert
/// (unexpected_message), and no endless run of empty records.
pub(crate) fn check_fragment(
    content_type: ContentType,
    len: usize,
    empty_run: &mut EmptyRun,
) -> Result<(), Error> {
    if len > MAX_PLAINTEXT {
        return Err(PeerMisbehaved::RecordOverflow.into());
    }
    if len == 0 && matches!(content_type, ContentType::Handshake | ContentType::Alert) {
        return Err(InvalidMessage::InvalidEmptyPayload.into());
    }
    empty_run.observe(len)
}

/// The record length for a fragment of `plaintext_len` bytes growing by
/// `expansion`, or an error if the caller passed more than a fragment.
pub(crate) fn check_outgoing_len(plaintext_len: usize, expansion: usize) -> Result<u16, Error> {
    if plaintext_len > MAX_PLAINTEXT {
        return Err(ApiMisuse::BadArgument("plaintext longer than the maximum fragment").into());
    }
    // At most 2^14 + 2048, so it fits.
    u16::try_from(plaintext_len + expansion)
        .map_err(|_| ApiMisuse::BadArgument("record longer than 2^16 - 1").into())
}
