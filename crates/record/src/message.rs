//! The record protection interface: what the connection calls to seal an
//! outgoing record and to open an incoming one, whichever version and keys
//! are in force.

use ferrotls_core::{ContentType, Error};

use crate::deframer::OpaqueRecord;
use crate::plaintext::check_outgoing_len;

/// A record after protection is removed. `payload` points into the
/// deframer's buffer, where it was decrypted.
#[derive(Debug, PartialEq, Eq)]
pub struct PlainRecord<'a> {
    /// The real content type (the inner one for TLS 1.3).
    pub content_type: ContentType,
    /// The plaintext fragment, padding removed.
    pub payload: &'a [u8],
}

/// What [`MessageDecrypter::decrypt_into`] did with a record.
#[derive(Debug, PartialEq, Eq)]
pub enum Decrypted<'a> {
    /// Application data: this many bytes were placed at the front of the
    /// destination buffer (possibly none, for an empty record).
    AppData(usize),
    /// Any other record, or one that did not go to the destination: as
    /// returned by [`MessageDecrypter::decrypt`], in the record buffer.
    Record(PlainRecord<'a>),
}

/// Removes record protection.
pub trait MessageDecrypter: Send + Sync {
    /// Opens `rec` in place. Fails with [`Error::DecryptError`]
    /// (bad_record_mac) when authentication fails, record_overflow for a
    /// plaintext over the limit, unexpected_message for framing the
    /// protocol forbids. A failed record does not advance the sequence
    /// number.
    fn decrypt<'a>(&mut self, rec: OpaqueRecord<'a>) -> Result<PlainRecord<'a>, Error>;

    /// Like [`MessageDecrypter::decrypt`], but an application_data record
    /// may be decrypted straight into `dest` (the application's read
    /// buffer), saving the copy out of the record buffer. Whatever the
    /// path, the checks, errors and sequence number are those of
    /// `decrypt`, and on failure `dest` holds no unauthenticated byte.
    ///
    /// This default always takes the in-place path and returns
    /// [`Decrypted::Record`].
    fn decrypt_into<'a>(
        &mut self,
        rec: OpaqueRecord<'a>,
        dest: &mut [u8],
    ) -> Result<Decrypted<'a>, Error> {
        let _ = dest;
        self.decrypt(rec).map(Decrypted::Record)
    }

    /// RFC 8449: the record_size_limit we announced, in the RFC's terms
    /// (TLSInnerPlaintext — content, type byte and padding — in TLS 1.3;
    /// the fragment in TLS 1.2). A protected record whose plaintext is
    /// larger then fails with record_overflow. Values above the protocol's
    /// own maximum change nothing. Records in the clear are not bound by
    /// it (RFC 8449 section 4), so the plaintext decrypter ignores it.
    fn set_record_size_limit(&mut self, limit: usize);
}

/// Applies record protection.
pub trait MessageEncrypter: Send + Sync {
    /// Writes one protected record (header, explicit nonce if any,
    /// ciphertext, tag) for `plaintext` (at most the maximum fragment
    /// length) at the front of `out` and returns its length, which is
    /// `plaintext.len() + overhead()`. The plaintext is read where it lies
    /// and never copied first. An `out` too short is refused (ApiMisuse)
    /// before anything is written; on any failure the sequence number does
    /// not advance and no plaintext is left in `out`.
    /// [`Error::EncryptError`] means the key may not be used any more (RFC
    /// 8446 section 5.5); the sequence number never wraps.
    fn encrypt_into(
        &mut self,
        content_type: ContentType,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error>;

    /// Appends one protected record for `plaintext` to `out`, as
    /// [`MessageEncrypter::encrypt_into`]. No allocation happens if `out`
    /// has room for `plaintext.len() + overhead()` more bytes. On failure
    /// `out` is left as it was.
    fn encrypt(
        &mut self,
        content_type: ContentType,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        // Refused before `out` grows for it.
        check_outgoing_len(plaintext.len(), 0)?;
        let start = out.len();
        out.resize(start + plaintext.len() + self.overhead(), 0);
        match self.encrypt_into(content_type, plaintext, &mut out[start..]) {
            Ok(n) => {
                out.truncate(start + n);
                Ok(())
            }
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    /// Bytes a record adds to its plaintext, header included.
    fn overhead(&self) -> usize;

    /// True once the key is close to its usage limit: the caller should
    /// send a KeyUpdate (TLS 1.3) or renegotiate (TLS 1.2) before
    /// [`MessageEncrypter::encrypt`] starts failing.
    fn needs_key_update(&self) -> bool;
}
