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

    #[test]
    fn digest_compares_by_content() {
        assert_eq!(Digest::new(&[1, 2]), Digest::new(&[1, 2]));
        assert_ne!(Digest::new(&[1, 2]), Digest::new(&[1, 3]));
        assert_ne!(Digest::new(&[1]), Digest::new(&[1, 0]));
    }
}
