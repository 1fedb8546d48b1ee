//! The cryptography ferrotls needs, as traits, and [`CryptoProvider`]: a
//! plain struct of `&'static dyn` trait objects naming one implementation
//! of each. `ferrotls-crypto` provides the default one on aws-lc-rs; the
//! protocol crates see only these traits, so a provider can be swapped
//! (for example a deterministic one for fuzzing) without touching them.

mod kdf;
mod secret;
mod suites;

use core::fmt::Debug;
use std::sync::Arc;

pub use kdf::{Hkdf, KeyedPrf, Tls12Prf};
pub use secret::{Digest, MAX_HASH_LEN, Secret, SharedSecret, ct_eq};
pub use suites::{SupportedCipherSuite, Tls12AeadKind, Tls12CipherSuite, Tls13CipherSuite};

use crate::der::PrivateKeyDer;
use crate::enums::{NamedGroup, SignatureScheme};
use crate::error::Error;

/// Hash functions used by TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256
    Sha256,
    /// SHA-384
    Sha384,
    /// SHA-512
    Sha512,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

/// A hash function.
pub trait Hash: Send + Sync {
    /// Which one.
    fn algorithm(&self) -> HashAlgorithm;
    /// Starts an incremental hash.
    fn start(&self) -> Box<dyn HashContext>;
    /// Hashes `data` in one go.
    fn hash(&self, data: &[u8]) -> Digest;
    /// Output length in bytes.
    fn output_len(&self) -> usize {
        self.algorithm().output_len()
    }
}

/// An incremental hash, forkable because the transcript hash is read at
/// many points while it keeps growing.
pub trait HashContext: Send + Sync {
    /// Adds `data`.
    fn update(&mut self, data: &[u8]);
    /// The hash of everything so far, leaving `self` usable.
    fn fork_finish(&self) -> Digest;
    /// A copy of the running state.
    fn fork(&self) -> Box<dyn HashContext>;
    /// The final hash.
    fn finish(self: Box<Self>) -> Digest;
}

/// HMAC over one hash function.
pub trait Hmac: Send + Sync {
    /// HMAC of the concatenation of `data` under `key`.
    fn sign(&self, key: &[u8], data: &[&[u8]]) -> Digest;
    /// Tag length in bytes (the hash output length).
    fn tag_len(&self) -> usize;
}

/// An AEAD algorithm (RFC 5116) with a 12-byte nonce and 16-byte tag.
pub trait AeadAlgorithm: Send + Sync {
    /// Key length in bytes.
    fn key_len(&self) -> usize;
    /// Makes a key. `key` must be `key_len()` bytes.
    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, Error>;
    /// Tag length in bytes.
    fn tag_len(&self) -> usize {
        16
    }
    /// Nonce length in bytes.
    fn nonce_len(&self) -> usize {
        12
    }
}

/// The length of every AEAD nonce used here.
pub const NONCE_LEN: usize = 12;
/// The length of every AEAD tag used here.
pub const TAG_LEN: usize = 16;

/// A keyed AEAD. Both directions work in place so that the record layer
/// allocates nothing per record.
pub trait AeadKey: Send + Sync {
    /// Encrypts `in_out` in place and returns the tag.
    fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error>;
    /// Decrypts `in_out` (ciphertext followed by the tag) in place and
    /// returns the plaintext length; fails with [`Error::DecryptError`].
    fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, Error>;

    /// Encrypts `plaintext` followed by `extra_in` into `out`, tag last,
    /// leaving the input untouched; `out` must be exactly
    /// `plaintext.len() + extra_in.len() + TAG_LEN` bytes. `extra_in` is
    /// for a few bytes that belong after the plaintext but live elsewhere
    /// (TLS 1.3's inner content type), so the record layer never has to
    /// copy the application's data before sealing it.
    ///
    /// This default copies the input into `out` and seals it there; a
    /// provider that can read and write different buffers overrides it to
    /// save that pass over the data. On failure `out` holds no plaintext.
    fn seal_out_of_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        extra_in: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        check_seal_out_len(plaintext.len() + extra_in.len(), out.len())?;
        let body_len = plaintext.len() + extra_in.len();
        let (body, tag_out) = out.split_at_mut(body_len);
        let (main, extra) = body.split_at_mut(plaintext.len());
        main.copy_from_slice(plaintext);
        extra.copy_from_slice(extra_in);
        match self.seal_in_place(nonce, aad, body) {
            Ok(tag) => {
                tag_out.copy_from_slice(&tag);
                Ok(())
            }
            Err(e) => {
                body.fill(0);
                Err(e)
            }
        }
    }

    /// Decrypts `in_ciphertext_and_tag` into the front of `out` and returns
    /// the plaintext length (the input length minus `TAG_LEN`); `out` must
    /// hold at least that many bytes. Lets the record layer decrypt
    /// straight into the application's buffer instead of decrypting in
    /// place and copying.
    ///
    /// The input may be used as scratch space (this default opens it in
    /// place and copies the plaintext out). Fails with
    /// [`Error::DecryptError`] when authentication fails, and then no
    /// unauthenticated byte is left in `out`.
    fn open_out_of_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_ciphertext_and_tag: &mut [u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let len = open_out_len(in_ciphertext_and_tag.len(), out.len())?;
        let opened = self.open_in_place(nonce, aad, in_ciphertext_and_tag)?;
        match (in_ciphertext_and_tag.get(..opened), out.get_mut(..opened)) {
            (Some(plain), Some(dest)) if opened == len => {
                dest.copy_from_slice(plain);
                Ok(opened)
            }
            // A provider reporting another length is broken; its output is
            // not trusted.
            _ => Err(Error::DecryptError),
        }
    }
}

/// The argument rule of [`AeadKey::seal_out_of_place`], for every
/// provider: `out` is exactly the sealed bytes (`body_len`) plus the tag.
/// A mis-sized `out` is a record layer bug: reported, never sealed.
pub fn check_seal_out_len(body_len: usize, out_len: usize) -> Result<(), Error> {
    if out_len != body_len + TAG_LEN {
        return Err(crate::error::ApiMisuse::BadArgument(
            "AEAD output is not plaintext + extra + tag long",
        )
        .into());
    }
    Ok(())
}

/// The argument rule of [`AeadKey::open_out_of_place`], for every
/// provider: the plaintext length (input minus the tag). Input too short
/// for a tag is as unauthentic as a bad tag; an output too small for the
/// plaintext is the caller's bug.
pub fn open_out_len(in_len: usize, out_len: usize) -> Result<usize, Error> {
    let len = in_len.checked_sub(TAG_LEN).ok_or(Error::DecryptError)?;
    if out_len < len {
        return Err(
            crate::error::ApiMisuse::BadArgument("AEAD output shorter than the plaintext").into(),
        );
    }
    Ok(len)
}

/// A key exchange group the provider implements.
pub trait SupportedKxGroup: Send + Sync {
    /// The group.
    fn name(&self) -> NamedGroup;
    /// Client side (and TLS 1.2 server side): makes a key pair whose public
    /// part goes in key_share / ServerKeyExchange / ClientKeyExchange.
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error>;
    /// TLS 1.3 server side: answers the client's share in one step. For a
    /// KEM this encapsulates to the client's encapsulation key; for (EC)DH
    /// it makes a key pair and completes at once.
    fn start_and_complete(&self, peer_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        let kx = self.start()?;
        let pub_key = kx.pub_key().to_vec();
        let secret = kx.complete(peer_share)?;
        Ok(CompletedKeyExchange {
            group: self.name(),
            pub_key,
            secret,
        })
    }
}

/// A key exchange in progress: our key pair, waiting for the peer's share.
pub trait ActiveKeyExchange: Send + Sync {
    /// Completes with the peer's share. A share that is not a valid point or
    /// ciphertext fails with `PeerMisbehaved::InvalidKeyShare`.
    fn complete(self: Box<Self>, peer_share: &[u8]) -> Result<SharedSecret, Error>;
    /// Our public share, as it goes on the wire.
    fn pub_key(&self) -> &[u8];
    /// The group.
    fn group(&self) -> NamedGroup;
}

/// The result of [`SupportedKxGroup::start_and_complete`].
#[derive(Debug)]
pub struct CompletedKeyExchange {
    /// The group.
    pub group: NamedGroup,
    /// Our share for the peer.
    pub pub_key: Vec<u8>,
    /// The shared secret.
    pub secret: SharedSecret,
}

/// The family of a signature algorithm, independent of hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureKind {
    /// ECDSA (the curve comes from the key)
    Ecdsa,
    /// RSASSA-PKCS1-v1_5
    RsaPkcs1,
    /// RSASSA-PSS with MGF1 of the same hash and salt length = hash length
    RsaPss,
    /// Ed25519 (pure)
    Ed25519,
}

/// What a signature verification needs to know about the algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyAlgorithm {
    /// The signature family.
    pub kind: SignatureKind,
    /// The hash (None for Ed25519).
    pub hash: Option<HashAlgorithm>,
    /// For ECDSA in TLS 1.3 the scheme binds the curve: the key's curve must
    /// be this one. None accepts any supported curve (TLS 1.2, X.509).
    pub curve: Option<NamedGroup>,
}

impl SignatureScheme {
    /// The verification parameters of a scheme, or None if unsupported.
    /// `tls13` makes ECDSA schemes bind their curve.
    pub fn verify_algorithm(self, tls13: bool) -> Option<VerifyAlgorithm> {
        use HashAlgorithm::*;
        use SignatureKind::*;
        let (kind, hash, curve) = match self {
            Self::RSA_PKCS1_SHA256 => (RsaPkcs1, Some(Sha256), None),
            Self::RSA_PKCS1_SHA384 => (RsaPkcs1, Some(Sha384), None),
            Self::RSA_PKCS1_SHA512 => (RsaPkcs1, Some(Sha512), None),
            Self::ECDSA_SECP256R1_SHA256 => (Ecdsa, Some(Sha256), Some(NamedGroup::SECP256R1)),
            Self::ECDSA_SECP384R1_SHA384 => (Ecdsa, Some(Sha384), Some(NamedGroup::SECP384R1)),
            Self::RSA_PSS_RSAE_SHA256 => (RsaPss, Some(Sha256), None),
            Self::RSA_PSS_RSAE_SHA384 => (RsaPss, Some(Sha384), None),
            Self::RSA_PSS_RSAE_SHA512 => (RsaPss, Some(Sha512), None),
            Self::ED25519 => (Ed25519, None, None),
            _ => return None,
        };
        Some(VerifyAlgorithm {
            kind,
            hash,
            curve: if tls13 { curve } else { None },
        })
    }
}

/// Verifies signatures made with a public key given as a DER
/// SubjectPublicKeyInfo.
pub trait SignatureVerifier: Send + Sync {
    /// Checks `signature` over `message`. A key of the wrong type for `alg`,
    /// a curve other than `alg.curve`, or a bad signature all fail with
    /// `PeerMisbehaved::BadSignature` (or `InvalidCertificate` for a key that
    /// does not parse).
    fn verify(
        &self,
        alg: VerifyAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error>;

    /// Checks the signature an issuer made over a certificate (`tbs` is the
    /// TBSCertificate), with the same results as [`SignatureVerifier::verify`].
    ///
    /// Unlike a handshake signature, which covers a fresh transcript, this
    /// check comes back with the very same bytes each time a client meets
    /// the same server, so an implementation may remember the signatures
    /// that passed and answer those from memory. The default verifies.
    fn verify_certificate_signature(
        &self,
        alg: VerifyAlgorithm,
        issuer_spki: &[u8],
        tbs: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        self.verify(alg, issuer_spki, tbs, signature)
    }
}

/// A private key able to sign handshakes.
pub trait SigningKey: Send + Sync + Debug {
    /// The schemes this key can make, in our order of preference.
    fn schemes(&self) -> &[SignatureScheme];
    /// The first of our schemes that the peer offered.
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<SignatureScheme> {
        self.schemes().iter().copied().find(|s| offered.contains(s))
    }
    /// Signs `message` with `scheme` (one of `schemes()`).
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error>;
    /// The key family.
    fn kind(&self) -> SignatureKind;
}

/// Turns private key DER into signing keys.
pub trait KeyProvider: Send + Sync {
    /// Loads a PKCS#8, SEC1 or PKCS#1 key.
    fn load_private_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, Error>;
}

/// A cryptographically secure random source.
pub trait SecureRandom: Send + Sync {
    /// Fills `buf`.
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error>;
}

/// One implementation of everything above.
#[derive(Clone, Copy)]
pub struct CryptoProvider {
    /// Cipher suites in preference order.
    pub cipher_suites: &'static [SupportedCipherSuite],
    /// Key exchange groups in preference order (the first is the default share).
    pub kx_groups: &'static [&'static dyn SupportedKxGroup],
    /// Signature verification.
    pub signature_verifier: &'static dyn SignatureVerifier,
    /// Private key loading.
    pub key_provider: &'static dyn KeyProvider,
    /// Randomness.
    pub random: &'static dyn SecureRandom,
    /// Hash functions by algorithm (for transcripts outside a suite, tickets,
    /// certificate fingerprints).
    pub hashes: &'static [&'static dyn Hash],
}

impl CryptoProvider {
    /// The suite with this identifier, if provided.
    pub fn suite(&self, id: crate::enums::CipherSuite) -> Option<SupportedCipherSuite> {
        self.cipher_suites.iter().copied().find(|s| s.suite() == id)
    }

    /// The group with this name, if provided.
    pub fn kx_group(&self, name: NamedGroup) -> Option<&'static dyn SupportedKxGroup> {
        self.kx_groups.iter().copied().find(|g| g.name() == name)
    }

    /// The hash function for `alg`, if provided.
    pub fn hash(&self, alg: HashAlgorithm) -> Option<&'static dyn Hash> {
        self.hashes.iter().copied().find(|h| h.algorithm() == alg)
    }
}

impl Debug for CryptoProvider {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CryptoProvider")
            .field("cipher_suites", &self.cipher_suites)
            .field(
                "kx_groups",
                &self.kx_groups.iter().map(|g| g.name()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
