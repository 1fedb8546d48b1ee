//! The AEAD step both protected record versions share: seal or open one
//! record under the current sequence number. What [`MessageEncrypter`] and
//! [`MessageDecrypter`] promise is kept here once: the sequence number
//! advances only for a record that was sealed or authenticated, and a
//! record that fails to seal leaves the output as it was.
//!
//! [`MessageEncrypter`]: crate::MessageEncrypter
//! [`MessageDecrypter`]: crate::MessageDecrypter

use ferrotls_core::Error;
use ferrotls_core::crypto::{AeadKey, NONCE_LEN};

use crate::seq::{ReadSeq, WriteSeq};

/// Where the record being sealed lies in the output buffer.
pub(crate) struct Appended {
    /// Where the record (its header) starts: `out` is cut back to here on
    /// failure.
    pub start: usize,
    /// Where the bytes to encrypt start (after the header and any explicit
    /// nonce); they run to the end of `out`.
    pub body: usize,
}

/// Encrypts the tail of `out` in place and appends the tag.
pub(crate) fn seal_appended(
    key: &dyn AeadKey,
    seq: &mut WriteSeq,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    out: &mut Vec<u8>,
    at: Appended,
) -> Result<(), Error> {
    match key.seal_in_place(nonce, aad, &mut out[at.body..]) {
        Ok(tag) => {
            out.extend_from_slice(&tag);
            seq.advance();
            Ok(())
        }
        Err(e) => {
            out.truncate(at.start);
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
