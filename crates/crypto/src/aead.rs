//! AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 (RFC 5116, RFC 8439) as
//! the core `AeadAlgorithm`/`AeadKey` traits.
//!
//! Both directions work in place on the caller's buffer through aws-lc's
//! `LessSafeKey` (the record layer builds each nonce itself, so the
//! nonce-sequence wrappers would only get in the way): nothing is
//! allocated per record.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ferrotls_core::Error;
use ferrotls_core::crypto::{AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN};

/// One AEAD algorithm.
pub struct Aead {
    name: &'static str,
    algorithm: &'static aead::Algorithm,
}

/// AES-128-GCM (RFC 5116 AEAD_AES_128_GCM).
pub static AES_128_GCM: Aead = Aead {
    name: "AES-128-GCM",
    algorithm: &aead::AES_128_GCM,
};

/// AES-256-GCM (RFC 5116 AEAD_AES_256_GCM).
pub static AES_256_GCM: Aead = Aead {
    name: "AES-256-GCM",
    algorithm: &aead::AES_256_GCM,
};

/// ChaCha20-Poly1305 (RFC 8439).
pub static CHACHA20_POLY1305: Aead = Aead {
    name: "ChaCha20-Poly1305",
    algorithm: &aead::CHACHA20_POLY1305,
};

impl AeadAlgorithm for Aead {
    fn key_len(&self) -> usize {
        self.algorithm.key_len()
    }

    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, Error> {
        if key.len() != self.key_len() {
            return Err(Error::InvalidKey("AEAD key has the wrong length"));
        }
        let key = UnboundKey::new(self.algorithm, key)
            .map_err(|_| Error::InvalidKey("AEAD key rejected"))?;
        Ok(Box::new(Key {
            name: self.name,
            key: LessSafeKey::new(key),
        }))
    }
}

impl core::fmt::Debug for Aead {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

/// A keyed AEAD. The key schedule lives inside aws-lc, which cleanses it
/// when the key is dropped.
struct Key {
    name: &'static str,
    key: LessSafeKey,
}

impl AeadKey for Key {
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error> {
        let tag = self
            .key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                in_out,
            )
            .map_err(|_| Error::EncryptError)?;
        let mut out = [0u8; TAG_LEN];
        let tag = tag.as_ref();
        if tag.len() != TAG_LEN {
            return Err(Error::EncryptError);
        }
        out.copy_from_slice(tag);
        Ok(out)
    }

    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, Error> {
        // A record too short to hold a tag is as unauthentic as a bad tag.
        if in_out.len() < TAG_LEN {
            return Err(Error::DecryptError);
        }
        self.key
            .open_in_place(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), in_out)
            .map(|plain| plain.len())
            .map_err(|_| Error::DecryptError)
    }
}

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "AeadKey({}, <redacted>)", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_key_length_is_refused() {
        assert!(AES_128_GCM.new_key(&[0; 32]).is_err());
        assert!(AES_256_GCM.new_key(&[0; 16]).is_err());
        assert!(CHACHA20_POLY1305.new_key(&[0; 31]).is_err());
        assert_eq!(AES_128_GCM.key_len(), 16);
        assert_eq!(CHACHA20_POLY1305.tag_len(), 16);
        assert_eq!(AES_256_GCM.nonce_len(), 12);
    }

    #[test]
    fn short_input_is_a_decrypt_error() {
        let key = AES_128_GCM.new_key(&[1; 16]).unwrap();
        let mut buf = [0u8; 15];
        assert_eq!(
            key.open_in_place(&[0; 12], b"", &mut buf),
            Err(Error::DecryptError)
        );
        let mut empty = [];
        assert_eq!(
            key.open_in_place(&[0; 12], b"", &mut empty),
            Err(Error::DecryptError)
        );
    }

    #[test]
    fn r03_key_debug_is_redacted() {
        let key = Key {
            name: "AES-128-GCM",
            key: LessSafeKey::new(UnboundKey::new(&aead::AES_128_GCM, &[0x5a; 16]).unwrap()),
        };
        let s = format!("{key:?}");
        assert!(
            s.contains("redacted") && !s.to_lowercase().contains("5a"),
            "{s}"
        );
    }
}
