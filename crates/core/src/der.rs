//! Owned DER blobs with types that say what they hold.
//!
//! Private keys are deliberately not `Clone` (a copy is a second secret to
//! wipe), are zeroized on drop, and never show their bytes in `Debug`.

use core::fmt;

use zeroize::Zeroize;

/// One X.509 certificate, DER encoded.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CertificateDer(Vec<u8>);

impl CertificateDer {
    /// Wraps DER bytes (not checked here; the verifier parses them).
    pub fn from_vec(der: Vec<u8>) -> Self {
        Self(der)
    }

    /// The DER bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for CertificateDer {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl AsRef<[u8]> for CertificateDer {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for CertificateDer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateDer({} bytes)", self.0.len())
    }
}

/// A DER SubjectPublicKeyInfo.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SubjectPublicKeyInfoDer(pub Vec<u8>);

/// A DER-encoded X.500 distinguished name (as sent in certificate_authorities
/// and CertificateRequest).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DistinguishedName(pub Vec<u8>);

/// Which encoding a private key's DER is in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrivateKeyFormat {
    /// PKCS#8 `PrivateKeyInfo` (RFC 5208/5958), any algorithm.
    Pkcs8,
    /// SEC1 `ECPrivateKey` (RFC 5915).
    Sec1,
    /// PKCS#1 `RSAPrivateKey` (RFC 8017).
    Pkcs1,
}

/// A private key in DER. Not `Clone`; zeroized on drop; `Debug` hides it.
pub struct PrivateKeyDer {
    format: PrivateKeyFormat,
    der: Vec<u8>,
}

impl PrivateKeyDer {
    /// Wraps key bytes of the given format.
    pub fn new(format: PrivateKeyFormat, der: Vec<u8>) -> Self {
        Self { format, der }
    }

    /// The encoding.
    pub fn format(&self) -> PrivateKeyFormat {
        self.format
    }

    /// The secret DER bytes.
    pub fn secret_der(&self) -> &[u8] {
        &self.der
    }

    /// An explicit copy, for the rare caller that must hold two.
    pub fn clone_key(&self) -> Self {
        Self::new(self.format, self.der.clone())
    }
}

impl Drop for PrivateKeyDer {
    fn drop(&mut self) {
        self.der.zeroize();
    }
}

impl fmt::Debug for PrivateKeyDer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKeyDer({:?}, <redacted>)", self.format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r03_private_key_debug_hides_bytes() {
        let k = PrivateKeyDer::new(PrivateKeyFormat::Pkcs8, vec![0x5a; 4]);
        let s = format!("{k:?}");
        assert!(!s.contains("90") && !s.to_lowercase().contains("5a"), "{s}");
        assert!(s.contains("redacted"));
    }
}
