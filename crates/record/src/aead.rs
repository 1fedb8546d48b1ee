//! The AEAD step both protected record versions share: seal or open one
//! record under the current sequence number. What [`MessageEncrypter`] and
//! [`MessageDecrypter`] promise is kept here once: the sequence number
//! advances only for a record that was sealed or authenticated, a record
//! that fails to seal leaves no plaintext in the output, and a record that
//! fails to open leaves no unauthenticated plaintext anywhere it could be
//! read.
//!
//! [`MessageEncrypter`]: crate::MessageEncrypter
//! [`MessageDecrypter`]: crate::MessageDecrypter

use ferrotls_core::crypto::{AeadKey, NONCE_LEN};
use ferrotls_core::{ApiMisuse, Error};

use crate::seq::{ReadSeq, WriteSeq};

/// The front `total` bytes of `out`, where one record is written, or an
/// error if `out` is too short: the caller sized it wrong, and nothing is
/// written.
pub(crate) fn record_room(out: &mut [u8], total: usize) -> Result<&mut [u8], Error> {
    out.get_mut(..total)
        .ok_or_else(|| ApiMisuse::BadArgument("output buffer too short for the record").into())
}

/// Seals `plaintext || extra` into `record[body_at..]` (ciphertext, then
/// the tag; the header before it is already written) and returns the
/// record's length. The sequence number advances only on success; on
/// failure the whole record is wiped, so no plaintext or half-made record
/// is left behind.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_record(
    key: &dyn AeadKey,
    seq: &mut WriteSeq,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
    extra: &[u8],
    record: &mut [u8],
    body_at: usize,
) -> Result<usize, Error> {
    let sealed = match record.get_mut(body_at..) {
        Some(body) => key.seal_out_of_place(nonce, aad, plaintext, extra, body),
        None => Err(Error::EncryptError),
    };
    match sealed {
        Ok(()) => {
            seq.advance();
            Ok(record.len())
        }
        Err(e) => {
            record.fill(0);
            Err(e)
        }
    }
}

/// Decrypts `body` (ciphertext and tag) in place and returns the
/// plaintext. Any failure is bad_record_mac: the peer learns nothing about
/// why the record did not open.
pub(crate) fn open_in_place<'a>(
    key: &dyn AeadKey,
    seq: &mut ReadSeq,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    body: &'a mut [u8],
) -> Result<&'a [u8], Error> {
    let len = key
        .open_in_place(nonce, aad, body)
        .map_err(|_| Error::DecryptError)?;
    seq.advance();
    let body: &'a [u8] = body;
    body.get(..len).ok_or(Error::DecryptError)
}

/// Decrypts `body` (ciphertext and tag) into `dest`, which must be exactly
/// the ciphertext's length, and returns the plaintext length. `body` may
/// be used as scratch. On failure `dest` holds no unauthenticated byte and
/// the error is bad_record_mac, as for [`open_in_place`].
pub(crate) fn open_into(
    key: &dyn AeadKey,
    seq: &mut ReadSeq,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    body: &mut [u8],
    dest: &mut [u8],
) -> Result<usize, Error> {
    match key.open_out_of_place(nonce, aad, body, dest) {
        Ok(len) if len == dest.len() => {
            seq.advance();
            Ok(len)
        }
        _ => {
            // The provider wipes what it wrote; this also covers one that
            // does not, or that reported a length it should not have.
            dest.fill(0);
            Err(Error::DecryptError)
        }
    }
}
