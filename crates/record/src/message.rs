//! The record protection interface: what the connection calls to seal an
//! outgoing record and to open an incoming one, whichever version and keys
//! are in force.

use ferrotls_core::{ContentType, Error};

use crate::deframer::OpaqueRecord;

/// A record after protection is removed. `payload` points into the
/// deframer's buffer, where it was decrypted.
#[derive(Debug, PartialEq, Eq)]
pub struct PlainRecord<'a> {
    /// The real content type (the inner one for TLS 1.3).
    pub content_type: ContentType,
    /// The plaintext fragment, padding removed.
    pub payload: &'a [u8],
}

/// Removes record protection.
pub trait MessageDecrypter: Send + Sync {
    /// Opens `rec` in place. Fails with [`Error::DecryptError`]
    /// (bad_record_mac) when authentication fails, record_overflow for a
    /// plaintext over the limit, unexpected_message for framing the
    /// protocol forbids. A failed record does not advance the sequence
    /// number.
    fn decrypt<'a>(&mut self, rec: OpaqueRecord<'a>) -> Result<PlainRecord<'a>, Error>;

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
    /// Appends one protected record (header + ciphertext + tag) for
    /// `plaintext` (at most the maximum fragment length) to `out`. No
    /// allocation happens if `out` has room for
    /// `plaintext.len() + overhead()` more bytes. On failure `out` is left
    /// as it was. [`Error::EncryptError`] means the key may not be used
    /// any more (RFC 8446 section 5.5); the sequence number never wraps.
    fn encrypt(
        &mut self,
        content_type: ContentType,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error>;

    /// Bytes a record adds to its plaintext, header included.
    fn overhead(&self) -> usize;

    /// True once the key is close to its usage limit: the caller should
    /// send a KeyUpdate (TLS 1.3) or renegotiate (TLS 1.2) before
    /// [`MessageEncrypter::encrypt`] starts failing.
    fn needs_key_update(&self) -> bool;
}
