//! TLS 1.3 record protection (RFC 8446 section 5.2 - 5.5).
//!
//! Every protected record is sent as application_data with version
//! 0x0303; the real content type travels encrypted after the content,
//! followed by optional zero padding. The nonce is the IV XOR the
//! sequence number, and the additional data is the record header.

use ferrotls_core::crypto::{AeadAlgorithm, AeadKey, NONCE_LEN, Secret, TAG_LEN, Tls13CipherSuite};
use ferrotls_core::{ContentType, Error, InvalidMessage, PeerMisbehaved, ProtocolVersion};

use crate::aead::{open_in_place, open_into, record_room, seal_record};
use crate::deframer::OpaqueRecord;
use crate::empty::EmptyRun;
use crate::header::RecordHeader;
use crate::message::{Decrypted, MessageDecrypter, MessageEncrypter, PlainRecord};
use crate::nonce::Iv;
use crate::plaintext::{check_fragment, check_outgoing_len};
use crate::seq::{ReadSeq, WriteSeq};
use crate::{HEADER_LEN, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT};

/// The write key and IV of a traffic secret (RFC 8446 section 7.3):
/// `HKDF-Expand-Label(secret, "key", "", key_length)` and
/// `HKDF-Expand-Label(secret, "iv", "", iv_length)`, both zeroized on drop.
pub fn derive_traffic_keys(
    suite: &Tls13CipherSuite,
    traffic_secret: &Secret,
) -> Result<(Secret, Secret), Error> {
    check_aead_shape(suite.aead)?;
    let mut key = Secret::zeroed(suite.aead.key_len());
    if key.len() != suite.aead.key_len() {
        return Err(Error::NotSupported("AEAD keys longer than 64 bytes"));
    }
    suite
        .hkdf
        .expand_label(traffic_secret.as_bytes(), b"key", &[], key.as_mut_bytes())?;
    let mut iv = Secret::zeroed(NONCE_LEN);
    suite
        .hkdf
        .expand_label(traffic_secret.as_bytes(), b"iv", &[], iv.as_mut_bytes())?;
    Ok((key, iv))
}

/// Protects outgoing records with keys from `traffic_secret`.
pub fn tls13_encrypter(
    suite: &'static Tls13CipherSuite,
    traffic_secret: &Secret,
) -> Result<Box<dyn MessageEncrypter>, Error> {
    let (key, iv) = keys(suite, traffic_secret)?;
    Ok(Box::new(Tls13Encrypter {
        key,
        iv,
        seq: WriteSeq::new(suite.confidentiality_limit),
    }))
}

/// Opens incoming records protected with keys from `traffic_secret`.
pub fn tls13_decrypter(
    suite: &'static Tls13CipherSuite,
    traffic_secret: &Secret,
) -> Result<Box<dyn MessageDecrypter>, Error> {
    let (key, iv) = keys(suite, traffic_secret)?;
    Ok(Box::new(Tls13Decrypter {
        key,
        iv,
        seq: ReadSeq::default(),
        empty_run: EmptyRun::default(),
        max_inner: MAX_PLAINTEXT + 1,
    }))
}

fn keys(suite: &Tls13CipherSuite, secret: &Secret) -> Result<(Box<dyn AeadKey>, Iv), Error> {
    let (key, iv_bytes) = derive_traffic_keys(suite, secret)?;
    let key = suite.aead.new_key(key.as_bytes())?;
    Ok((key, Iv::from_slice(iv_bytes.as_bytes())?))
}

/// The record code assumes RFC 5116 AEADs with 12-byte nonces and 16-byte
/// tags; anything else is refused rather than mis-framed.
pub(crate) fn check_aead_shape(aead: &dyn AeadAlgorithm) -> Result<(), Error> {
    match (aead.nonce_len(), aead.tag_len()) {
        (NONCE_LEN, TAG_LEN) => Ok(()),
        _ => Err(Error::NotSupported(
            "AEAD with a nonce other than 12 bytes or a tag other than 16 bytes",
        )),
    }
}

struct Tls13Encrypter {
    key: Box<dyn AeadKey>,
    iv: Iv,
    seq: WriteSeq,
}

impl MessageEncrypter for Tls13Encrypter {
    fn encrypt_into(
        &mut self,
        content_type: ContentType,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let length = check_outgoing_len(plaintext.len(), 1 + TAG_LEN)?;
        let record = record_room(out, HEADER_LEN + usize::from(length))?;
        let seq = self.seq.peek()?;
        let header = RecordHeader::new(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            length,
        );
        let aad = header.encode();
        record[..HEADER_LEN].copy_from_slice(&aad);
        let nonce = self.iv.nonce_for(seq);
        // The real content type is the last byte of TLSInnerPlaintext,
        // sealed right after the content without copying either.
        let inner_type = [content_type.get()];
        seal_record(
            &*self.key,
            &mut self.seq,
            &nonce,
            &aad,
            plaintext,
            &inner_type,
            record,
            HEADER_LEN,
        )
    }

    fn overhead(&self) -> usize {
        HEADER_LEN + 1 + TAG_LEN
    }

    fn needs_key_update(&self) -> bool {
        self.seq.needs_key_update()
    }
}

struct Tls13Decrypter {
    key: Box<dyn AeadKey>,
    iv: Iv,
    seq: ReadSeq,
    empty_run: EmptyRun,
    /// The largest TLSInnerPlaintext accepted: 2^14 + 1, or less after
    /// RFC 8449 record_size_limit.
    max_inner: usize,
}

impl MessageDecrypter for Tls13Decrypter {
    fn set_record_size_limit(&mut self, limit: usize) {
        self.max_inner = limit.min(MAX_PLAINTEXT + 1);
    }

    fn decrypt<'a>(&mut self, rec: OpaqueRecord<'a>) -> Result<PlainRecord<'a>, Error> {
        let rec = match outer_type(rec)? {
            Outer::Protected(rec) => rec,
            Outer::Clear(plain) => return Ok(plain),
        };
        let (nonce, aad) = self.prepare(&rec)?;
        let payload = rec.payload;
        let inner = open_in_place(&*self.key, &mut self.seq, &nonce, &aad, payload)?;
        let (content_type, len) = self.inner_type(inner)?;
        Ok(PlainRecord {
            content_type,
            payload: &inner[..len],
        })
    }

    /// Opens straight into `dest` when the whole TLSInnerPlaintext fits
    /// there. Only then is the inner content type known: anything but
    /// application data is moved back into the record buffer (where
    /// `decrypt` would have left it; the ciphertext there is spent) and
    /// `dest` is wiped, so the caller's buffer only ever receives
    /// application data.
    fn decrypt_into<'a>(
        &mut self,
        rec: OpaqueRecord<'a>,
        dest: &mut [u8],
    ) -> Result<Decrypted<'a>, Error> {
        let inner_len = rec.payload.len().checked_sub(TAG_LEN);
        let fits = inner_len.is_some_and(|n| n <= dest.len());
        if rec.header.content_type != ContentType::ApplicationData || !fits {
            return self.decrypt(rec).map(Decrypted::Record);
        }
        let (nonce, aad) = self.prepare(&rec)?;
        let payload = rec.payload;
        let dest = &mut dest[..payload.len() - TAG_LEN];
        open_into(&*self.key, &mut self.seq, &nonce, &aad, payload, dest)?;
        let (content_type, len) = match self.inner_type(dest) {
            Ok(found) => found,
            Err(e) => {
                dest.fill(0);
                return Err(e);
            }
        };
        if content_type == ContentType::ApplicationData {
            // The type byte (the padding is zeros already): the caller's
            // buffer gets nothing past the data it is told about.
            dest[len..].fill(0);
            return Ok(Decrypted::AppData(len));
        }
        let payload = &mut payload[..len];
        payload.copy_from_slice(&dest[..len]);
        dest.fill(0);
        Ok(Decrypted::Record(PlainRecord {
            content_type,
            payload,
        }))
    }
}

/// A record's outer type, before any key is used.
enum Outer<'a> {
    /// application_data: protected, to be opened.
    Protected(OpaqueRecord<'a>),
    /// A compatibility change_cipher_spec, passed through as it came.
    Clear(PlainRecord<'a>),
}

fn outer_type(rec: OpaqueRecord<'_>) -> Result<Outer<'_>, Error> {
    match rec.header.content_type {
        ContentType::ApplicationData => Ok(Outer::Protected(rec)),
        // RFC 8446 section 5: a compatibility change_cipher_spec is
        // never protected; whether one is allowed here is the
        // handshake's decision, so it passes through untouched.
        ContentType::ChangeCipherSpec => Ok(Outer::Clear(PlainRecord {
            content_type: ContentType::ChangeCipherSpec,
            payload: rec.payload,
        })),
        other => Err(Error::InappropriateMessage {
            expect_types: vec![ContentType::ApplicationData],
            got_type: other,
        }),
    }
}

/// TLSCiphertext.length bounds checked before any AEAD work.
fn check_ciphertext_len(len: usize) -> Result<(), Error> {
    if len > MAX_CIPHERTEXT_TLS13 {
        return Err(PeerMisbehaved::RecordOverflow.into());
    }
    if len < TAG_LEN {
        return Err(Error::DecryptError);
    }
    Ok(())
}

impl Tls13Decrypter {
    /// The checks made before any AEAD work, and the record's nonce and
    /// additional data (its header).
    fn prepare(
        &self,
        rec: &OpaqueRecord<'_>,
    ) -> Result<([u8; NONCE_LEN], [u8; HEADER_LEN]), Error> {
        check_ciphertext_len(rec.payload.len())?;
        let seq = self.seq.peek()?;
        Ok((self.iv.nonce_for(seq), rec.header.encode()))
    }

    /// The checks on an authenticated TLSInnerPlaintext: its size, the
    /// real content type (the last non-zero byte, after the content and
    /// before the padding) and the fragment rules. Returns the type and
    /// the content length.
    fn inner_type(&mut self, inner: &[u8]) -> Result<(ContentType, usize), Error> {
        // TLSInnerPlaintext is content + type byte + padding, at most
        // 2^14 + 1 bytes (RFC 8446 section 5.4), or our RFC 8449 limit.
        if inner.len() > self.max_inner {
            return Err(PeerMisbehaved::RecordOverflow.into());
        }
        let type_at =
            inner
                .iter()
                .rposition(|b| *b != 0)
                .ok_or(PeerMisbehaved::UnexpectedMessage(
                    "protected record without a content type (all padding)",
                ))?;
        let content_type = ContentType::from(inner[type_at]);
        if !matches!(
            content_type,
            ContentType::Handshake | ContentType::Alert | ContentType::ApplicationData
        ) {
            return Err(InvalidMessage::InvalidContentType.into());
        }
        check_fragment(content_type, type_at, &mut self.empty_run)?;
        Ok((content_type, type_at))
    }
}
