//! AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 (RFC 5116, RFC 8439) as
//! the core `AeadAlgorithm`/`AeadKey` traits.
//!
//! Both directions work through aws-lc's `LessSafeKey` (the record layer
//! builds each nonce itself, so the nonce-sequence wrappers would only get
//! in the way), in place or from one buffer into another, so that a record
//! costs one pass over its bytes and no allocation.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ferrotls_core::Error;
use ferrotls_core::crypto::{
    AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN, check_seal_out_len, open_out_len,
};

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

    /// One pass: aws-lc reads the plaintext where it lies and writes the
    /// ciphertext, the extra bytes' ciphertext and the tag into `out`.
    fn seal_out_of_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        extra_in: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        check_seal_out_len(plaintext.len() + extra_in.len(), out.len())?;
        let (ciphertext, extra_and_tag) = out.split_at_mut(plaintext.len());
        self.key
            .seal_out_of_place_scatter(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                plaintext,
                ciphertext,
                extra_in,
                extra_and_tag,
            )
            .map_err(|_| Error::EncryptError)
    }

    /// One pass: aws-lc reads the ciphertext where it lies (leaving it
    /// untouched) and writes the plaintext into `out`.
    fn open_out_of_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_ciphertext_and_tag: &mut [u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let len = open_out_len(in_ciphertext_and_tag.len(), out.len())?;
        let dest = &mut out[..len];
        let (ciphertext, tag) = in_ciphertext_and_tag.split_at(len);
        let opened = self.key.open_separate_gather(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(aad),
            ciphertext,
            tag,
            dest,
        );
        match opened {
            Ok(()) => Ok(len),
            Err(_) => {
                // GCM decrypts before it checks the tag: what it wrote is
                // unauthenticated and must not reach the application.
                dest.fill(0);
                Err(Error::DecryptError)
            }
        }
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

    const ALL: [&Aead; 3] = [&AES_128_GCM, &AES_256_GCM, &CHACHA20_POLY1305];

    fn key_for(aead: &Aead) -> Box<dyn AeadKey> {
        aead.new_key(&vec![0x11; aead.key_len()]).unwrap()
    }

    #[test]
    fn seal_out_of_place_matches_in_place() {
        let plaintext: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        for aead in ALL {
            let key = key_for(aead);
            for (len, extra) in [
                (0, &[][..]),
                (1, &[0x17][..]),
                (1000, &[0x16][..]),
                (999, &[]),
            ] {
                let nonce = [7u8; NONCE_LEN];
                let mut in_place = plaintext[..len].to_vec();
                in_place.extend_from_slice(extra);
                let tag = key.seal_in_place(&nonce, b"aad", &mut in_place).unwrap();
                in_place.extend_from_slice(&tag);
                let mut out = vec![0xee; len + extra.len() + TAG_LEN];
                key.seal_out_of_place(&nonce, b"aad", &plaintext[..len], extra, &mut out)
                    .unwrap();
                assert_eq!(out, in_place, "{aead:?} len {len}");
                // The provided (copying) method agrees too.
                let mut fallback = vec![0u8; out.len()];
                Fallback(&*key)
                    .seal_out_of_place(&nonce, b"aad", &plaintext[..len], extra, &mut fallback)
                    .unwrap();
                assert_eq!(fallback, in_place, "{aead:?} len {len}");
            }
        }
    }

    #[test]
    fn seal_out_of_place_refuses_a_mis_sized_output() {
        for aead in ALL {
            let key = key_for(aead);
            for out_len in [0, 16, 20, 22] {
                let mut out = vec![0u8; out_len];
                let r = key.seal_out_of_place(&[0; 12], b"", b"abcd", b"x", &mut out);
                assert!(matches!(r, Err(Error::ApiMisuse(_))), "{aead:?} {out_len}");
                let r = Fallback(&*key).seal_out_of_place(&[0; 12], b"", b"abcd", b"x", &mut out);
                assert!(matches!(r, Err(Error::ApiMisuse(_))), "{aead:?} {out_len}");
            }
        }
    }

    #[test]
    fn open_out_of_place_matches_in_place_and_leaves_input() {
        for aead in ALL {
            let key = key_for(aead);
            let nonce = [3u8; NONCE_LEN];
            let mut sealed = b"some application data".to_vec();
            let tag = key.seal_in_place(&nonce, b"hdr", &mut sealed).unwrap();
            sealed.extend_from_slice(&tag);
            let original = sealed.clone();
            let mut out = [0u8; 64];
            let n = key
                .open_out_of_place(&nonce, b"hdr", &mut sealed, &mut out)
                .unwrap();
            assert_eq!(&out[..n], b"some application data", "{aead:?}");
            assert_eq!(sealed, original, "{aead:?}: input untouched");
            let mut out2 = [0u8; 21];
            let n = Fallback(&*key)
                .open_out_of_place(&nonce, b"hdr", &mut sealed, &mut out2)
                .unwrap();
            assert_eq!(&out2[..n], b"some application data", "{aead:?}");
        }
    }

    #[test]
    fn open_out_of_place_failure_leaves_no_plaintext() {
        for aead in ALL {
            let key = key_for(aead);
            let nonce = [3u8; NONCE_LEN];
            let secret = [0x41u8; 300];
            let mut sealed = secret.to_vec();
            let tag = key.seal_in_place(&nonce, b"", &mut sealed).unwrap();
            sealed.extend_from_slice(&tag);
            let last = sealed.len() - 1;
            sealed[last] ^= 1;
            let mut out = [0x55u8; 400];
            assert_eq!(
                key.open_out_of_place(&nonce, b"", &mut sealed, &mut out),
                Err(Error::DecryptError)
            );
            assert!(out[..300].iter().all(|b| *b == 0), "{aead:?}: wiped");
            assert!(out[300..].iter().all(|b| *b == 0x55), "{aead:?}: rest kept");
            let mut short = [0u8; 299];
            sealed[last] ^= 1;
            assert!(matches!(
                key.open_out_of_place(&nonce, b"", &mut sealed, &mut short),
                Err(Error::ApiMisuse(_))
            ));
            let mut tiny = [0u8; 15];
            assert_eq!(
                key.open_out_of_place(&nonce, b"", &mut tiny, &mut out),
                Err(Error::DecryptError)
            );
        }
    }

    /// A key that only has the in-place methods, to test the provided
    /// out-of-place ones against the overrides.
    struct Fallback<'a>(&'a dyn AeadKey);

    impl AeadKey for Fallback<'_> {
        fn seal_in_place(
            &self,
            nonce: &[u8; NONCE_LEN],
            aad: &[u8],
            in_out: &mut [u8],
        ) -> Result<[u8; TAG_LEN], Error> {
            self.0.seal_in_place(nonce, aad, in_out)
        }

        fn open_in_place(
            &self,
            nonce: &[u8; NONCE_LEN],
            aad: &[u8],
            in_out: &mut [u8],
        ) -> Result<usize, Error> {
            self.0.open_in_place(nonce, aad, in_out)
        }
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
