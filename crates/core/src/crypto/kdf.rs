//! Key derivation: HKDF (RFC 5869) with TLS 1.3's HKDF-Expand-Label, and
//! the TLS 1.2 PRF (RFC 5246 section 5).
//!
//! Both are HMAC under a secret. A TLS 1.2 master secret gives the key
//! block, both Finished values and exports, so the PRF can also be keyed
//! once ([`Tls12Prf::keyed`]): an implementation may then hash the
//! secret's HMAC pads once for all of them. (TLS 1.3 stage secrets are
//! expanded two to four times each, but there keying once measured no
//! faster: an HKDF-Expand-Label is one short HMAC, and aws-lc's
//! `HKDF_expand` is already cheaper than the copies a keyed HMAC makes.)

use crate::error::Error;

use super::Secret;

/// HKDF (RFC 5869) over one hash function.
pub trait Hkdf: Send + Sync {
    /// HKDF-Extract(salt, ikm); an empty salt means a string of zeros.
    fn extract(&self, salt: &[u8], ikm: &[u8]) -> Secret;
    /// HKDF-Expand(prk, info, out.len()), where `info` is the
    /// concatenation of the slices. Fails if `out` is longer than 255 blocks.
    fn expand(&self, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<(), Error>;
    /// The hash output length.
    fn hash_len(&self) -> usize;

    /// HKDF-Expand-Label (RFC 8446 section 7.1): `label` without the
    /// "tls13 " prefix, which is added here.
    fn expand_label(
        &self,
        secret: &[u8],
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        const PREFIX: &[u8] = b"tls13 ";
        if out.len() > u16::MAX as usize || PREFIX.len() + label.len() > 255 || context.len() > 255
        {
            return Err(Error::General("HKDF label out of range".into()));
        }
        let len = (out.len() as u16).to_be_bytes();
        let label_len = [(PREFIX.len() + label.len()) as u8];
        let context_len = [context.len() as u8];
        self.expand(
            secret,
            &[&len, &label_len, PREFIX, label, &context_len, context],
            out,
        )
    }

    /// HKDF-Expand-Label into a new [`Secret`] of the hash length.
    fn expand_label_secret(
        &self,
        secret: &[u8],
        label: &[u8],
        context: &[u8],
    ) -> Result<Secret, Error> {
        let mut out = Secret::zeroed(self.hash_len());
        self.expand_label(secret, label, context, out.as_mut_bytes())?;
        Ok(out)
    }
}

/// The TLS 1.2 PRF (RFC 5246 section 5) over one hash function.
pub trait Tls12Prf: Send + Sync {
    /// Fills `out` with PRF(secret, label, seed).
    fn prf(&self, out: &mut [u8], secret: &[u8], label: &[u8], seed: &[u8]) -> Result<(), Error>;

    /// The PRF under `secret`, set up once for several derivations. The
    /// default keeps a copy of the secret and calls [`Tls12Prf::prf`]
    /// each time.
    fn keyed<'a>(&'a self, secret: &[u8]) -> Box<dyn KeyedPrf + 'a> {
        Box::new(CopiedSecretPrf {
            prf: self,
            secret: zeroize::Zeroizing::new(secret.to_vec()),
        })
    }
}

/// The TLS 1.2 PRF under a secret fixed by [`Tls12Prf::keyed`].
pub trait KeyedPrf: Send + Sync {
    /// Fills `out` with PRF(secret, label, seed).
    fn prf(&self, out: &mut [u8], label: &[u8], seed: &[u8]) -> Result<(), Error>;
}

/// [`Tls12Prf::keyed`]'s default: the secret kept, the work redone.
struct CopiedSecretPrf<'a, P: ?Sized> {
    prf: &'a P,
    secret: zeroize::Zeroizing<Vec<u8>>,
}

impl<P: Tls12Prf + ?Sized> KeyedPrf for CopiedSecretPrf<'_, P> {
    fn prf(&self, out: &mut [u8], label: &[u8], seed: &[u8]) -> Result<(), Error> {
        self.prf.prf(out, &self.secret, label, seed)
    }
}
