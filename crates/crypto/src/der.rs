//! A small, strict DER reader: just enough to find the algorithm and key
//! bytes in a SubjectPublicKeyInfo or a private key's AlgorithmIdentifier.
//!
//! It is strict because its input comes from peers' certificates: only
//! single-byte tags, definite lengths in their shortest form, no trailing
//! bytes where a structure must end. Anything else is an error, never a
//! panic, and nothing is allocated.

/// The input is not the DER this reader expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError;

/// Universal tags used here.
pub(crate) mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const SEQUENCE: u8 = 0x30;
    /// `[0]` constructed, context-specific (ECPrivateKey parameters).
    pub const CONTEXT_0: u8 = 0xa0;
}

/// Object identifiers, as the content bytes of their DER encoding.
pub(crate) mod oid {
    /// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480)
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// secp256r1 / prime256v1, 1.2.840.10045.3.1.7
    pub const SECP256R1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1, 1.3.132.0.34
    pub const SECP384R1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017)
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-Ed25519, 1.3.101.112 (RFC 8410)
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
}

/// A cursor over DER bytes.
pub(crate) struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    /// Starts reading `input`.
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { rest: input }
    }

    /// True when all input has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next tag, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads one element and returns its tag and content.
    pub(crate) fn read_any(&mut self) -> Result<(u8, &'a [u8]), DerError> {
        let (&tag, after_tag) = self.rest.split_first().ok_or(DerError)?;
        // High-tag-number form (low five bits all set) never occurs in the
        // structures read here.
        if tag & 0x1f == 0x1f {
            return Err(DerError);
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(DerError)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            // 0x80 would be BER's indefinite length; more than three length
            // bytes would describe more than 16 MiB, which no key needs.
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 3 || after_len.len() < n {
                return Err(DerError);
            }
            let mut len = 0usize;
            for &b in &after_len[..n] {
                len = (len << 8) | usize::from(b);
            }
            // Shortest form only: no leading zero byte, no long form for < 128.
            if after_len[0] == 0 || len < 0x80 {
                return Err(DerError);
            }
            after_len = &after_len[n..];
            len
        };
        if after_len.len() < len {
            return Err(DerError);
        }
        let (content, rest) = after_len.split_at(len);
        self.rest = rest;
        Ok((tag, content))
    }

    /// Reads one element that must carry `tag`.
    pub(crate) fn read(&mut self, tag: u8) -> Result<&'a [u8], DerError> {
        match self.read_any()? {
            (t, content) if t == tag => Ok(content),
            _ => Err(DerError),
        }
    }

    /// Reads an element with `tag` and fails unless it was the last one.
    pub(crate) fn read_last(mut self, tag: u8) -> Result<&'a [u8], DerError> {
        let content = self.read(tag)?;
        self.finish()?;
        Ok(content)
    }

    /// Fails if input is left over.
    pub(crate) fn finish(self) -> Result<(), DerError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DerError)
        }
    }
}

/// The key algorithm named by an AlgorithmIdentifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyAlgorithm {
    /// id-ecPublicKey on secp256r1.
    EcP256,
    /// id-ecPublicKey on secp384r1.
    EcP384,
    /// id-ecPublicKey on a curve this library does not support.
    EcOtherCurve,
    /// rsaEncryption.
    Rsa,
    /// id-Ed25519.
    Ed25519,
    /// Any other algorithm.
    Other,
}

/// Parses the content of an AlgorithmIdentifier SEQUENCE (RFC 5280 4.1.1.2).
pub(crate) fn algorithm_identifier(content: &[u8]) -> Result<KeyAlgorithm, DerError> {
    let mut d = Der::new(content);
    let alg = d.read(tag::OID)?;
    let found = if alg == oid::EC_PUBLIC_KEY {
        // RFC 5480: parameters are a namedCurve OID (implicitCurve and
        // specifiedCurve are not allowed in PKIX).
        let curve = d.read(tag::OID)?;
        if curve == oid::SECP256R1 {
            KeyAlgorithm::EcP256
        } else if curve == oid::SECP384R1 {
            KeyAlgorithm::EcP384
        } else {
            KeyAlgorithm::EcOtherCurve
        }
    } else if alg == oid::RSA_ENCRYPTION {
        // RFC 8017 says NULL; some encoders omit it, which is harmless.
        if !d.is_empty() && !d.read(tag::NULL)?.is_empty() {
            return Err(DerError);
        }
        KeyAlgorithm::Rsa
    } else if alg == oid::ED25519 {
        // RFC 8410 section 3: parameters MUST be absent.
        KeyAlgorithm::Ed25519
    } else {
        return Ok(KeyAlgorithm::Other);
    };
    d.finish()?;
    Ok(found)
}

/// A parsed SubjectPublicKeyInfo (RFC 5280 4.1.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SubjectPublicKeyInfo<'a> {
    /// The key's algorithm (and curve).
    pub(crate) algorithm: KeyAlgorithm,
    /// The subjectPublicKey bits: an EC point, an RSAPublicKey, or the
    /// 32 bytes of an Ed25519 key.
    pub(crate) key: &'a [u8],
}

/// Parses a DER SubjectPublicKeyInfo, rejecting trailing data.
pub(crate) fn subject_public_key_info(spki: &[u8]) -> Result<SubjectPublicKeyInfo<'_>, DerError> {
    let mut d = Der::new(Der::new(spki).read_last(tag::SEQUENCE)?);
    let algorithm = algorithm_identifier(d.read(tag::SEQUENCE)?)?;
    let bits = d.read_last(tag::BIT_STRING)?;
    // Key bits are whole bytes: the unused-bits count must be zero.
    let (&unused, key) = bits.split_first().ok_or(DerError)?;
    if unused != 0 {
        return Err(DerError);
    }
    Ok(SubjectPublicKeyInfo { algorithm, key })
}

/// The key algorithm of a PKCS#8 PrivateKeyInfo / OneAsymmetricKey
/// (RFC 5208, RFC 5958). Only the header is read; the key library parses
/// the rest.
pub(crate) fn pkcs8_algorithm(pkcs8: &[u8]) -> Result<KeyAlgorithm, DerError> {
    let mut d = Der::new(Der::new(pkcs8).read_last(tag::SEQUENCE)?);
    let version = d.read(tag::INTEGER)?;
    if version != [0] && version != [1] {
        return Err(DerError);
    }
    algorithm_identifier(d.read(tag::SEQUENCE)?)
}

/// The curve named in a SEC1 ECPrivateKey (RFC 5915), if its optional
/// parameters are present.
pub(crate) fn sec1_curve(sec1: &[u8]) -> Result<Option<KeyAlgorithm>, DerError> {
    let mut d = Der::new(Der::new(sec1).read_last(tag::SEQUENCE)?);
    if d.read(tag::INTEGER)? != [1] {
        return Err(DerError);
    }
    let private_key = d.read(tag::OCTET_STRING)?;
    if d.peek_tag() == Some(tag::CONTEXT_0) {
        let curve = Der::new(d.read(tag::CONTEXT_0)?).read_last(tag::OID)?;
        return Ok(Some(if curve == oid::SECP256R1 {
            KeyAlgorithm::EcP256
        } else if curve == oid::SECP384R1 {
            KeyAlgorithm::EcP384
        } else {
            KeyAlgorithm::EcOtherCurve
        }));
    }
    // Without parameters the private scalar's length tells the curve.
    Ok(match private_key.len() {
        32 => Some(KeyAlgorithm::EcP256),
        48 => Some(KeyAlgorithm::EcP384),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_must_be_minimal_and_definite() {
        assert_eq!(
            Der::new(&[0x04, 0x01, 0xaa]).read(tag::OCTET_STRING),
            Ok(&[0xaa][..])
        );
        // Indefinite length.
        assert!(Der::new(&[0x30, 0x80, 0x00, 0x00]).read_any().is_err());
        // Long form for a short length.
        assert!(Der::new(&[0x04, 0x81, 0x01, 0xaa]).read_any().is_err());
        // Leading zero in a long form length.
        let mut v = vec![0x04, 0x82, 0x00, 0x80];
        v.extend([0u8; 0x80]);
        assert!(Der::new(&v).read_any().is_err());
        // Length past the end.
        assert!(Der::new(&[0x04, 0x05, 0x01]).read_any().is_err());
        // High tag number form.
        assert!(Der::new(&[0x1f, 0x01, 0x00]).read_any().is_err());
        // Empty input.
        assert!(Der::new(&[]).read_any().is_err());
    }

    #[test]
    fn long_form_lengths_read() {
        let mut v = vec![0x04, 0x81, 0x80];
        v.extend([7u8; 0x80]);
        let (t, c) = Der::new(&v).read_any().unwrap();
        assert_eq!((t, c.len()), (tag::OCTET_STRING, 0x80));
    }

    #[test]
    fn spki_rejects_trailing_bytes_and_unused_bits() {
        // SEQUENCE { SEQUENCE { OID Ed25519 } BIT STRING (0 unused) 32 bytes }
        let mut good = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        good.extend([0x11; 32]);
        let parsed = subject_public_key_info(&good).unwrap();
        assert_eq!(parsed.algorithm, KeyAlgorithm::Ed25519);
        assert_eq!(parsed.key, &[0x11; 32]);

        let mut trailing = good.clone();
        trailing.push(0);
        assert!(subject_public_key_info(&trailing).is_err());

        let mut unused = good.clone();
        unused[11] = 1;
        assert!(subject_public_key_info(&unused).is_err());
    }
}
