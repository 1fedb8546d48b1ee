//! TLS 1.2 AEAD record protection (RFC 5246 section 6.2.3.3).
//!
//! * AES-GCM (RFC 5288): nonce = 4-byte fixed IV || 8-byte explicit nonce,
//!   and the explicit nonce is sent in front of the ciphertext. We use the
//!   sequence number as explicit nonce, which is unique per key by
//!   construction.
//! * ChaCha20-Poly1305 (RFC 7905): nonce = 12-byte IV XOR sequence number,
//!   nothing explicit.
//!
//! The additional data is seq_num(8) || type(1) || version(2) ||
//! plaintext length(2).

use ferrotls_core::crypto::{AeadKey, NONCE_LEN, TAG_LEN, Tls12AeadKind, Tls12CipherSuite};
use ferrotls_core::{ContentType, Error, PeerMisbehaved, ProtocolVersion};

use crate::aead::{open_in_place, open_into, record_room, seal_record};
use crate::deframer::OpaqueRecord;
use crate::empty::EmptyRun;
use crate::header::RecordHeader;
use crate::message::{Decrypted, MessageDecrypter, MessageEncrypter, PlainRecord};
use crate::nonce::Iv;
use crate::plaintext::{check_fragment, check_outgoing_len};
use crate::seq::{ReadSeq, WriteSeq};
use crate::tls13::check_aead_shape;
use crate::{HEADER_LEN, MAX_CIPHERTEXT_TLS12, MAX_PLAINTEXT};

/// Length of the TLS 1.2 AEAD additional data.
const AAD_LEN: usize = 13;

/// Protects outgoing records. `key` and `iv` are this direction's
/// client_write_key / client_write_IV (or the server's) from the key block:
/// `iv` is 4 bytes for GCM and 12 for ChaCha20-Poly1305.
pub fn tls12_encrypter(
    suite: &'static Tls12CipherSuite,
    key: &[u8],
    iv: &[u8],
) -> Result<Box<dyn MessageEncrypter>, Error> {
    let keys = Tls12Keys::new(suite, key, iv)?;
    Ok(Box::new(Tls12Encrypter {
        keys,
        seq: WriteSeq::new(suite.confidentiality_limit),
    }))
}

/// Opens incoming records; `key` and `iv` as for [`tls12_encrypter`].
pub fn tls12_decrypter(
    suite: &'static Tls12CipherSuite,
    key: &[u8],
    iv: &[u8],
) -> Result<Box<dyn MessageDecrypter>, Error> {
    let keys = Tls12Keys::new(suite, key, iv)?;
    Ok(Box::new(Tls12Decrypter {
        keys,
        seq: ReadSeq::default(),
        empty_run: EmptyRun::default(),
        max_plaintext: MAX_PLAINTEXT,
    }))
}

/// What both directions hold.
struct Tls12Keys {
    key: Box<dyn AeadKey>,
    iv: Iv,
    kind: Tls12AeadKind,
}

impl Tls12Keys {
    fn new(suite: &Tls12CipherSuite, key: &[u8], iv: &[u8]) -> Result<Self, Error> {
        check_aead_shape(suite.aead)?;
        if key.len() != suite.aead.key_len() {
            return Err(Error::InvalidKey("TLS 1.2 write key length"));
        }
        let iv = match suite.aead_kind {
            Tls12AeadKind::Gcm => Iv::from_salt(iv)?,
            Tls12AeadKind::ChaCha20Poly1305 => Iv::from_slice(iv)?,
        };
        Ok(Self {
            key: suite.aead.new_key(key)?,
            iv,
            kind: suite.aead_kind,
        })
    }

    fn explicit_nonce_len(&self) -> usize {
        self.kind.explicit_nonce_len()
    }
}

/// seq_num || TLSCompressed.type || version || length.
fn additional_data(seq: u64, header: &RecordHeader, plaintext_len: u16) -> [u8; AAD_LEN] {
    let mut aad = [0u8; AAD_LEN];
    aad[..8].copy_from_slice(&seq.to_be_bytes());
    aad[8] = header.content_type.get();
    aad[9..11].copy_from_slice(&header.version.get().to_be_bytes());
    aad[11..].copy_from_slice(&plaintext_len.to_be_bytes());
    aad
}

struct Tls12Encrypter {
    keys: Tls12Keys,
    seq: WriteSeq,
}

impl MessageEncrypter for Tls12Encrypter {
    fn encrypt_into(
        &mut self,
        content_type: ContentType,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let explicit_len = self.keys.explicit_nonce_len();
        let length = check_outgoing_len(plaintext.len(), explicit_len + TAG_LEN)?;
        let plaintext_len = check_outgoing_len(plaintext.len(), 0)?;
        let record = record_room(out, HEADER_LEN + usize::from(length))?;
        let seq = self.seq.peek()?;
        // GCM: the IV holds the salt and zeros, so this is salt || seq and
        // its last 8 bytes are the explicit nonce. ChaCha: IV XOR seq.
        let nonce = self.keys.iv.nonce_for(seq);
        let header = RecordHeader::new(content_type, ProtocolVersion::TLSv1_2, length);
        let aad = additional_data(seq, &header, plaintext_len);
        let body_at = HEADER_LEN + explicit_len;
        record[..HEADER_LEN].copy_from_slice(&header.encode());
        record[HEADER_LEN..body_at].copy_from_slice(&nonce[NONCE_LEN - explicit_len..]);
        seal_record(
            &*self.keys.key,
            &mut self.seq,
            &nonce,
            &aad,
            plaintext,
            &[],
            record,
            body_at,
        )
    }

    fn overhead(&self) -> usize {
        HEADER_LEN + self.keys.explicit_nonce_len() + TAG_LEN
    }

    fn needs_key_update(&self) -> bool {
        self.seq.needs_key_update()
    }
}

struct Tls12Decrypter {
    keys: Tls12Keys,
    seq: ReadSeq,
    empty_run: EmptyRun,
    /// The largest fragment accepted: 2^14, or less after RFC 8449
    /// record_size_limit.
    max_plaintext: usize,
}

impl MessageDecrypter for Tls12Decrypter {
    fn set_record_size_limit(&mut self, limit: usize) {
        self.max_plaintext = limit.min(MAX_PLAINTEXT);
    }

    fn decrypt<'a>(&mut self, rec: OpaqueRecord<'a>) -> Result<PlainRecord<'a>, Error> {
        let (nonce, aad) = self.prepare(&rec)?;
        let body = &mut rec.payload[self.keys.explicit_nonce_len()..];
        let plain = open_in_place(&*self.keys.key, &mut self.seq, &nonce, &aad, body)?;
        check_fragment(rec.header.content_type, plain.len(), &mut self.empty_run)?;
        Ok(PlainRecord {
            content_type: rec.header.content_type,
            payload: plain,
        })
    }

    /// The type is in the clear, so only application data whose
    /// plaintext fits goes to `dest`; everything else as `decrypt`.
    fn decrypt_into<'a>(
        &mut self,
        rec: OpaqueRecord<'a>,
        dest: &mut [u8],
    ) -> Result<Decrypted<'a>, Error> {
        let explicit_len = self.keys.explicit_nonce_len();
        let plaintext_len = rec.payload.len().checked_sub(explicit_len + TAG_LEN);
        let fits = plaintext_len.is_some_and(|n| n <= dest.len());
        if rec.header.content_type != ContentType::ApplicationData || !fits {
            return self.decrypt(rec).map(Decrypted::Record);
        }
        let (nonce, aad) = self.prepare(&rec)?;
        let body = &mut rec.payload[explicit_len..];
        let dest = &mut dest[..body.len() - TAG_LEN];
        let len = open_into(&*self.keys.key, &mut self.seq, &nonce, &aad, body, dest)?;
        if let Err(e) = check_fragment(ContentType::ApplicationData, len, &mut self.empty_run) {
            dest.fill(0);
            return Err(e);
        }
        Ok(Decrypted::AppData(len))
    }
}

impl Tls12Decrypter {
    /// The checks made before any AEAD work, and the record's nonce and
    /// additional data.
    fn prepare(&self, rec: &OpaqueRecord<'_>) -> Result<([u8; NONCE_LEN], [u8; AAD_LEN]), Error> {
        let payload = &*rec.payload;
        if payload.len() > MAX_CIPHERTEXT_TLS12 {
            return Err(PeerMisbehaved::RecordOverflow.into());
        }
        let explicit_len = self.keys.explicit_nonce_len();
        let plaintext_len = payload
            .len()
            .checked_sub(explicit_len + TAG_LEN)
            .ok_or(Error::DecryptError)?;
        // Known before decrypting, so an oversized record costs no AEAD
        // work; the bound is 2^14 or our RFC 8449 limit.
        if plaintext_len > self.max_plaintext {
            return Err(PeerMisbehaved::RecordOverflow.into());
        }
        let seq = self.seq.peek()?;
        let nonce = match self.keys.kind {
            Tls12AeadKind::Gcm => {
                let mut e = [0u8; 8];
                e.copy_from_slice(&payload[..explicit_len]);
                self.keys.iv.nonce_for(u64::from_be_bytes(e))
            }
            Tls12AeadKind::ChaCha20Poly1305 => self.keys.iv.nonce_for(seq),
        };
        // plaintext_len <= 2^14, so it fits in 16 bits.
        let aad = additional_data(seq, &rec.header, plaintext_len as u16);
        Ok((nonce, aad))
    }
}
