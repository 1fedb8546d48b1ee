//! Containers for secret and non-secret fixed-size crypto outputs.

use core::fmt;

use zeroize::Zeroize;

/// The longest hash output we handle (SHA-512).
pub const MAX_HASH_LEN: usize = 64;

/// Compares two byte strings in time that depends only on their lengths,
/// never on where they differ: Finished values, binders and RFC 5746
/// verify_data must not leak through an early exit.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A secret of at most 64 bytes (a PRK, a traffic secret, a master secret,
/// a shared key). Zeroized on drop; `Debug` hides it.
#[derive(Clone)]
pub struct Secret {
    buf: [u8; MAX_HASH_LEN],
    len: usize,
}

impl Secret {
    /// Copies `bytes` into a new secret. Longer input is an error of the
    /// caller's own making, so it is reported rather than truncated.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::Error> {
        if bytes.len() > MAX_HASH_LEN {
            return Err(crate::Error::General("secret longer than 64 bytes".into()));
        }
        let mut buf = [0u8; MAX_HASH_LEN];
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(Self {
            buf,
            len: bytes.len(),
        })
    }

    /// A secret of `len` zero bytes to be filled through [`Secret::as_mut_bytes`].
    pub fn zeroed(len: usize) -> Self {
        Self {
            buf: [0u8; MAX_HASH_LEN],
            len: len.min(MAX_HASH_LEN),
        }
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The secret bytes, writable.
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a zero-length secret.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes, <redacted>)", self.len)
    }
}

impl PartialEq for Secret {
    /// Constant-time in the content, as secrets deserve.
    fn eq(&self, other: &Self) -> bool {
        ct_eq(self.as_bytes(), other.as_bytes())
    }
}

/// The output of a key exchange or KEM: zeroized on drop, hidden from `Debug`.
pub struct SharedSecret(Vec<u8>);

impl SharedSecret {
    /// Takes ownership of the secret bytes.
    pub fn from_vec(v: Vec<u8>) -> Self {
        Self(v)
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedSecret({} bytes, <redacted>)", self.0.len())
    }
}

/// A hash or MAC output: not secret (it is sent on the wire or compared).
#[derive(Clone, Copy)]
pub struct Digest {
    buf: [u8; MAX_HASH_LEN],
    len: usize,
}

impl Digest {
    /// Copies at most 64 bytes of `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        let len = bytes.len().min(MAX_HASH_LEN);
        let mut buf = [0u8; MAX_HASH_LEN];
        buf[..len].copy_from_slice(&bytes[..len]);
        Self { buf, len }
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl PartialEq for Digest {
    /// Constant-time, because Finished and binder values are compared with it.
    fn eq(&self, other: &Self) -> bool {
        ct_eq(self.as_ref(), other.as_ref())
    }
}

impl Eq for Digest {}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest(")?;
        for b in self.as_ref() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// An HKDF PRK made ready for HKDF-Expand (RFC 5869 section 2.3): a
/// provider sets up the HMAC key once (for SHA-256, one compression
/// each for the inner and outer pad) and every expansion from the same
/// secret reuses it. The TLS 1.3 key schedule derives three or four
/// secrets from each of its stages, so this saves two compressions per
/// derivation after the first. Get one from `Hkdf::expander`.
pub trait HkdfExpander: Send + Sync {
    /// HKDF-Expand(prk, info, out.len()), where `info` is the
    /// concatenation of the slices. Fails if `out` is longer than 255 blocks.
    fn expand(&self, info: &[&[u8]], out: &mut [u8]) -> Result<(), crate::Error>;

    /// The hash output length.
    fn hash_len(&self) -> usize;

    /// HKDF-Expand-Label (RFC 8446 section 7.1) from this PRK: `label`
    /// without the "tls13 " prefix, which is added here.
    fn expand_label(
        &self,
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), crate::Error> {
        const PREFIX: &[u8] = b"tls13 ";
        if out.len() > u16::MAX as usize || PREFIX.len() + label.len() > 255 || context.len() > 255
        {
            return Err(crate::Error::General("HKDF label out of range".into()));
        }
        let len = (out.len() as u16).to_be_bytes();
        let label_len = [(PREFIX.len() + label.len()) as u8];
        let context_len = [context.len() as u8];
        self.expand(
            &[&len, &label_len, PREFIX, label, &context_len, context],
            out,
        )
    }

    /// HKDF-Expand-Label into a new [`Secret`] of the hash length.
    fn expand_label_secret(&self, label: &[u8], context: &[u8]) -> Result<Secret, crate::Error> {
        let mut out = Secret::zeroed(self.hash_len());
        self.expand_label(label, context, out.as_mut_bytes())?;
        Ok(out)
    }
}

/// The `Hkdf::expander` of a provider without a prepared form: keeps a
/// copy of the PRK (wiped on drop) and expands from it each time.
pub(crate) struct UnpreparedPrk<'a, H: ?Sized> {
    pub(crate) hkdf: &'a H,
    pub(crate) prk: Secret,
}

impl<H: super::Hkdf + ?Sized> HkdfExpander for UnpreparedPrk<'_, H> {
    fn expand(&self, info: &[&[u8]], out: &mut [u8]) -> Result<(), crate::Error> {
        self.hkdf.expand(self.prk.as_bytes(), info, out)
    }

    fn hash_len(&self) -> usize {
        self.hkdf.hash_len()
    }
}

/// A TLS 1.2 PRF secret made ready for several PRF calls: the HMAC key
/// is set up once. Get one from `Tls12Prf::prepare`.
pub trait Tls12PrfKey: Send + Sync {
    /// Fills `out` with PRF(secret, label, seed).
    fn prf(&self, out: &mut [u8], label: &[u8], seed: &[u8]) -> Result<(), crate::Error>;
}

/// The `Tls12Prf::prepare` of a provider without a prepared form: keeps a
/// copy of the secret (wiped on drop) and runs the whole PRF each time.
pub(crate) struct UnpreparedPrfKey<'a, P: ?Sized> {
    pub(crate) prf: &'a P,
    pub(crate) secret: Secret,
}

impl<P: super::Tls12Prf + ?Sized> Tls12PrfKey for UnpreparedPrfKey<'_, P> {
    fn prf(&self, out: &mut [u8], label: &[u8], seed: &[u8]) -> Result<(), crate::Error> {
        self.prf.prf(out, self.secret.as_bytes(), label, seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r03_secrets_hidden_from_debug() {
        let s = Secret::from_slice(&[0x41; 32]).unwrap();
        assert!(!format!("{s:?}").contains("41"));
        let ss = SharedSecret::from_vec(vec![0x41; 32]);
        assert!(!format!("{ss:?}").contains("41"));
    }

    /// A stand-in HKDF whose "expansion" writes the PRK's first byte
    /// plus the info length, so the test sees what the default expander
    /// passed through.
    struct FakeHkdf;

    impl crate::crypto::Hkdf for FakeHkdf {
        fn extract(&self, _salt: &[u8], ikm: &[u8]) -> Secret {
            Secret::from_slice(ikm).unwrap()
        }
        fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), crate::Error> {
            let info_len: usize = info.iter().map(|p| p.len()).sum();
            out.fill(prk[0].wrapping_add(info_len as u8));
            Ok(())
        }
        fn hash_len(&self) -> usize {
            4
        }
    }

    #[test]
    fn default_expander_expands_from_its_copy_of_the_prk() {
        use crate::crypto::Hkdf;
        let hkdf = FakeHkdf;
        let prk = vec![7u8; 4];
        let expander = hkdf.expander(&prk).unwrap();
        drop(prk); // the expander keeps its own copy
        let mut direct = [0u8; 3];
        let mut via = [0u8; 3];
        hkdf.expand_label(&[7u8; 4], b"key", b"", &mut direct)
            .unwrap();
        expander.expand_label(b"key", b"", &mut via).unwrap();
        assert_eq!(direct, via);
        assert_eq!(via, [7 + 2 + 1 + 6 + 3 + 1; 3]);
        assert_eq!(expander.expand_label_secret(b"x", b"").unwrap().len(), 4);
        assert!(expander.expand_label(&[b'a'; 250], b"", &mut via).is_err());
    }

    #[test]
    fn digest_compares_by_content() {
        assert_eq!(Digest::new(&[1, 2]), Digest::new(&[1, 2]));
        assert_ne!(Digest::new(&[1, 2]), Digest::new(&[1, 3]));
        assert_ne!(Digest::new(&[1]), Digest::new(&[1, 0]));
    }
}
