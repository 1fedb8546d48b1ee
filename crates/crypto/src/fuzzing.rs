//! A deterministic, **insecure** [`CryptoProvider`] for fuzzing the state
//! machines. Compiled only with the `fuzzing` cargo feature, which nothing
//! but the fuzz targets enable.
//!
//! A fuzzer feeding random bytes to a TLS client or server never gets past
//! the first encrypted record: it cannot guess a key share, an AEAD tag or
//! a signature. This provider makes each of those satisfiable, so inputs
//! recorded from a real in-memory handshake replay exactly and mutations
//! of them reach the deep states (Finished, post-handshake messages):
//!
//! * randomness is a fixed stream: every [`SecureRandom::fill`] restarts
//!   it from a seed derived from the request length, so the bytes one
//!   connection draws do not depend on what other connections in the same
//!   process drew (a recorder running both peers and a fuzz target running
//!   one see the same client and server randoms);
//! * key exchange shares are fixed byte patterns of the group's real
//!   length, and every exchange yields the same [`SHARED_SECRET`]; a peer
//!   share of the wrong length or form still fails as it would for real;
//! * the AEADs are the identity with an all-zero tag ([`TAG`]): sealing
//!   leaves the plaintext as it is and appends the tag, opening checks the
//!   tag and strips it, so a fuzzer-written record decrypts;
//! * signatures are a hash of the message (deterministic, so transcripts
//!   repeat) and verification accepts any non-empty signature;
//! * HMAC ignores key and data and returns a fixed tag, and the TLS 1.2
//!   PRF output depends only on its label: Finished and PSK binder values
//!   are then the same whatever the transcript, so a fuzzer that changes
//!   an earlier handshake message still gets through Finished into the
//!   states after it (negotiated parameters it chose, application data,
//!   post-handshake messages).
//!
//! Hashes and HKDF are the real ones, so transcripts and the TLS 1.3 key
//! schedule run unchanged; the real provider's fuzz targets cover the
//! real Finished computations.
//!
//! Never use this provider for anything but fuzzing: it gives no
//! confidentiality, integrity or authentication at all.

use std::sync::Arc;

use ferrotls_core::crypto::{
    ActiveKeyExchange, AeadAlgorithm, AeadKey, CompletedKeyExchange, CryptoProvider, Digest, Hash,
    Hmac, KeyProvider, NONCE_LEN, SecureRandom, SharedSecret, SignatureKind, SignatureVerifier,
    SigningKey, SupportedCipherSuite, SupportedKxGroup, TAG_LEN, Tls12AeadKind, Tls12CipherSuite,
    Tls12Prf, Tls13CipherSuite, VerifyAlgorithm,
};
use ferrotls_core::{
    CipherSuite, Error, NamedGroup, PeerMisbehaved, PrivateKeyDer, SignatureScheme,
};

use crate::hash::{HKDF_SHA256, HKDF_SHA384, SHA256, SHA384};
use crate::suites::{
    AEAD_INTEGRITY_LIMIT, AES_GCM_CONFIDENTIALITY_LIMIT, CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT,
};

/// The tag every sealed record carries and every opened record must carry.
pub const TAG: [u8; TAG_LEN] = [0; TAG_LEN];

/// The shared secret of every key exchange (64 bytes for the hybrid group,
/// whose real secret is that long too).
pub const SHARED_SECRET: [u8; 64] = [0x5e; 64];

// ---- randomness ----------------------------------------------------------

/// Fixed "randomness": a splitmix64 stream seeded by the request length.
#[derive(Debug)]
pub struct FixedRandom;

/// The one instance the provider uses.
pub static FIXED_RANDOM: FixedRandom = FixedRandom;

impl SecureRandom for FixedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        fill_pattern(0xfe77_0000 ^ buf.len() as u64, buf);
        Ok(())
    }
}

/// Fills `buf` from a splitmix64 stream seeded with `seed`.
fn fill_pattern(seed: u64, buf: &mut [u8]) {
    let mut state = seed;
    for chunk in buf.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_be_bytes()[..chunk.len()]);
    }
}

// ---- AEAD ----------------------------------------------------------------

/// An AEAD with a real algorithm's key length that does not encrypt.
pub struct TransparentAead {
    name: &'static str,
    key_len: usize,
}

/// Stands in for AES-128-GCM.
pub static TRANSPARENT_AES_128_GCM: TransparentAead = TransparentAead {
    name: "transparent AES-128-GCM",
    key_len: 16,
};

/// Stands in for AES-256-GCM.
pub static TRANSPARENT_AES_256_GCM: TransparentAead = TransparentAead {
    name: "transparent AES-256-GCM",
    key_len: 32,
};

/// Stands in for ChaCha20-Poly1305.
pub static TRANSPARENT_CHACHA20_POLY1305: TransparentAead = TransparentAead {
    name: "transparent ChaCha20-Poly1305",
    key_len: 32,
};

impl core::fmt::Debug for TransparentAead {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

impl AeadAlgorithm for TransparentAead {
    fn key_len(&self) -> usize {
        self.key_len
    }

    fn new_key(&self, key: &[u8]) -> Result<Box<dyn AeadKey>, Error> {
        // The length check stays so key derivation bugs still show.
        if key.len() != self.key_len {
            return Err(Error::InvalidKey("AEAD key has the wrong length"));
        }
        Ok(Box::new(TransparentKey))
    }
}

/// A key of [`TransparentAead`]: holds nothing.
#[derive(Debug)]
struct TransparentKey;

impl AeadKey for TransparentKey {
    fn seal_in_place(
        &self,
        _nonce: &[u8; NONCE_LEN],
        _aad: &[u8],
        _in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error> {
        Ok(TAG)
    }

    fn open_in_place(
        &self,
        _nonce: &[u8; NONCE_LEN],
        _aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, Error> {
        let Some(plain_len) = in_out.len().checked_sub(TAG_LEN) else {
            return Err(Error::DecryptError);
        };
        match in_out[plain_len..] == TAG {
            true => Ok(plain_len),
            false => Err(Error::DecryptError),
        }
    }
}

// ---- HMAC and PRF --------------------------------------------------------

/// The byte every [`FixedHmac`] tag is made of.
pub const HMAC_TAG_BYTE: u8 = 0x46;

/// "HMAC" whose tag is [`HMAC_TAG_BYTE`] repeated, for any key and data.
#[derive(Debug)]
pub struct FixedHmac {
    tag_len: usize,
}

/// Stands in for HMAC-SHA256.
pub static HMAC_SHA256: FixedHmac = FixedHmac { tag_len: 32 };

/// Stands in for HMAC-SHA384.
pub static HMAC_SHA384: FixedHmac = FixedHmac { tag_len: 48 };

impl Hmac for FixedHmac {
    fn sign(&self, _key: &[u8], _data: &[&[u8]]) -> Digest {
        Digest::new(&[HMAC_TAG_BYTE; 64][..self.tag_len])
    }

    fn tag_len(&self) -> usize {
        self.tag_len
    }
}

/// A TLS 1.2 "PRF" whose output depends only on the label (so master
/// secret, key block and each side's Finished differ from each other but
/// not with the handshake).
#[derive(Debug)]
pub struct LabelPrf;

/// Stands in for the PRF of every TLS 1.2 suite.
pub static LABEL_PRF: LabelPrf = LabelPrf;

impl Tls12Prf for LabelPrf {
    fn prf(&self, out: &mut [u8], _secret: &[u8], label: &[u8], _seed: &[u8]) -> Result<(), Error> {
        let seed = label.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        fill_pattern(seed, out);
        Ok(())
    }
}

// ---- suites --------------------------------------------------------------

/// TLS_AES_128_GCM_SHA256 with the transparent AEAD.
pub static TLS13_AES_128_GCM_SHA256: Tls13CipherSuite = Tls13CipherSuite {
    suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
    hash: &SHA256,
    hmac: &HMAC_SHA256,
    hkdf: &HKDF_SHA256,
    aead: &TRANSPARENT_AES_128_GCM,
    confidentiality_limit: AES_GCM_CONFIDENTIALITY_LIMIT,
    integrity_limit: AEAD_INTEGRITY_LIMIT,
};

/// TLS_AES_256_GCM_SHA384 with the transparent AEAD.
pub static TLS13_AES_256_GCM_SHA384: Tls13CipherSuite = Tls13CipherSuite {
    suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
    hash: &SHA384,
    hmac: &HMAC_SHA384,
    hkdf: &HKDF_SHA384,
    aead: &TRANSPARENT_AES_256_GCM,
    confidentiality_limit: AES_GCM_CONFIDENTIALITY_LIMIT,
    integrity_limit: AEAD_INTEGRITY_LIMIT,
};

/// TLS_CHACHA20_POLY1305_SHA256 with the transparent AEAD.
pub static TLS13_CHACHA20_POLY1305_SHA256: Tls13CipherSuite = Tls13CipherSuite {
    suite: CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    hash: &SHA256,
    hmac: &HMAC_SHA256,
    hkdf: &HKDF_SHA256,
    aead: &TRANSPARENT_CHACHA20_POLY1305,
    confidentiality_limit: CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT,
    integrity_limit: AEAD_INTEGRITY_LIMIT,
};

/// Declares a TLS 1.2 suite with the transparent AEAD.
macro_rules! tls12_suite {
    ($(#[$meta:meta])* $name:ident, $sign:ident, $hash:ident, $hmac:ident,
     $aead:ident, $kind:ident, $limit:ident) => {
        $(#[$meta])*
        pub static $name: Tls12CipherSuite = Tls12CipherSuite {
            suite: CipherSuite::$name,
            hash: &$hash,
            hmac: &$hmac,
            prf: &LABEL_PRF,
            aead: &$aead,
            aead_kind: Tls12AeadKind::$kind,
            sign: SignatureKind::$sign,
            confidentiality_limit: $limit,
        };
    };
}

tls12_suite!(
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with the transparent AEAD.
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, Ecdsa, SHA256, HMAC_SHA256,
    TRANSPARENT_AES_128_GCM, Gcm, AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 with the transparent AEAD.
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, Ecdsa, SHA384, HMAC_SHA384,
    TRANSPARENT_AES_256_GCM, Gcm, AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 with the transparent AEAD.
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, Ecdsa, SHA256, HMAC_SHA256,
    TRANSPARENT_CHACHA20_POLY1305, ChaCha20Poly1305, CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 with the transparent AEAD.
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, RsaPkcs1, SHA256, HMAC_SHA256,
    TRANSPARENT_AES_128_GCM, Gcm, AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 with the transparent AEAD.
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, RsaPkcs1, SHA384, HMAC_SHA384,
    TRANSPARENT_AES_256_GCM, Gcm, AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 with the transparent AEAD.
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, RsaPkcs1, SHA256, HMAC_SHA256,
    TRANSPARENT_CHACHA20_POLY1305, ChaCha20Poly1305, CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT
);

/// Every suite, in the default provider's order.
pub static ALL_CIPHER_SUITES: &[SupportedCipherSuite] = &[
    SupportedCipherSuite::Tls13(&TLS13_AES_128_GCM_SHA256),
    SupportedCipherSuite::Tls13(&TLS13_AES_256_GCM_SHA384),
    SupportedCipherSuite::Tls13(&TLS13_CHACHA20_POLY1305_SHA256),
    SupportedCipherSuite::Tls12(&TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
    SupportedCipherSuite::Tls12(&TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
    SupportedCipherSuite::Tls12(&TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
    SupportedCipherSuite::Tls12(&TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    SupportedCipherSuite::Tls12(&TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
    SupportedCipherSuite::Tls12(&TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
];

// ---- key exchange --------------------------------------------------------

/// A group with the real wire lengths and a fixed shared secret.
#[derive(Debug, Clone, Copy)]
pub struct FixedKxGroup {
    name: NamedGroup,
    /// Length of the share a client (or TLS 1.2 peer) sends.
    client_share_len: usize,
    /// Length of the TLS 1.3 server's answer (differs only for a KEM).
    server_share_len: usize,
    /// Whether shares are uncompressed points that start with 0x04.
    uncompressed_point: bool,
    secret_len: usize,
}

/// Stands in for X25519.
pub static X25519: FixedKxGroup = FixedKxGroup {
    name: NamedGroup::X25519,
    client_share_len: 32,
    server_share_len: 32,
    uncompressed_point: false,
    secret_len: 32,
};

/// Stands in for secp256r1.
pub static SECP256R1: FixedKxGroup = FixedKxGroup {
    name: NamedGroup::SECP256R1,
    client_share_len: 65,
    server_share_len: 65,
    uncompressed_point: true,
    secret_len: 32,
};

/// Stands in for secp384r1.
pub static SECP384R1: FixedKxGroup = FixedKxGroup {
    name: NamedGroup::SECP384R1,
    client_share_len: 97,
    server_share_len: 97,
    uncompressed_point: true,
    secret_len: 48,
};

/// Stands in for X25519MLKEM768 (encapsulation key 1184 + 32 bytes,
/// ciphertext 1088 + 32 bytes).
pub static X25519MLKEM768: FixedKxGroup = FixedKxGroup {
    name: NamedGroup::X25519MLKEM768,
    client_share_len: 1216,
    server_share_len: 1120,
    uncompressed_point: false,
    secret_len: 64,
};

/// Every group, in the default provider's order.
pub static ALL_KX_GROUPS: &[&dyn SupportedKxGroup] =
    &[&X25519MLKEM768, &X25519, &SECP256R1, &SECP384R1];

impl FixedKxGroup {
    /// Our share of `len` bytes: a pattern fixed per group and length.
    fn share(&self, len: usize) -> Vec<u8> {
        let mut share = vec![0; len];
        fill_pattern(
            u64::from(u16::from(self.name)) << 32 | len as u64,
            &mut share,
        );
        if self.uncompressed_point && !share.is_empty() {
            share[0] = 0x04;
        }
        share
    }

    /// The shared secret, if the peer's share has the length and form the
    /// real group would accept.
    fn agree(&self, peer_share: &[u8], expected_len: usize) -> Result<SharedSecret, Error> {
        let well_formed = peer_share.len() == expected_len
            && (!self.uncompressed_point || peer_share.first() == Some(&0x04));
        if !well_formed {
            return Err(PeerMisbehaved::InvalidKeyShare.into());
        }
        Ok(SharedSecret::from_vec(
            SHARED_SECRET[..self.secret_len].to_vec(),
        ))
    }
}

impl SupportedKxGroup for FixedKxGroup {
    fn name(&self) -> NamedGroup {
        self.name
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        Ok(Box::new(FixedKeyExchange {
            group: *self,
            public: self.share(self.client_share_len),
        }))
    }

    fn start_and_complete(&self, peer_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        let secret = self.agree(peer_share, self.client_share_len)?;
        Ok(CompletedKeyExchange {
            group: self.name,
            pub_key: self.share(self.server_share_len),
            secret,
        })
    }
}

/// A started exchange of a [`FixedKxGroup`].
#[derive(Debug)]
struct FixedKeyExchange {
    group: FixedKxGroup,
    public: Vec<u8>,
}

impl ActiveKeyExchange for FixedKeyExchange {
    fn complete(self: Box<Self>, peer_share: &[u8]) -> Result<SharedSecret, Error> {
        self.group.agree(peer_share, self.group.server_share_len)
    }

    fn pub_key(&self) -> &[u8] {
        &self.public
    }

    fn group(&self) -> NamedGroup {
        self.group.name
    }
}

// ---- signatures ----------------------------------------------------------

/// Accepts any non-empty signature under any non-empty key.
#[derive(Debug)]
pub struct AcceptingVerifier;

/// The one instance the provider uses.
pub static ACCEPTING_VERIFIER: AcceptingVerifier = AcceptingVerifier;

impl SignatureVerifier for AcceptingVerifier {
    fn verify(
        &self,
        _alg: VerifyAlgorithm,
        spki: &[u8],
        _message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        match spki.is_empty() || signature.is_empty() {
            true => Err(PeerMisbehaved::BadSignature.into()),
            false => Ok(()),
        }
    }
}

/// Loads keys with the real key provider (so a bad key still fails) and
/// signs deterministically.
#[derive(Debug)]
pub struct HashingKeyProvider;

/// The one instance the provider uses.
pub static HASHING_KEY_PROVIDER: HashingKeyProvider = HashingKeyProvider;

impl KeyProvider for HashingKeyProvider {
    fn load_private_key(&self, key: &PrivateKeyDer) -> Result<Arc<dyn SigningKey>, Error> {
        let real = crate::sign::KEY_PROVIDER.load_private_key(key)?;
        Ok(Arc::new(HashingSigningKey {
            schemes: real.schemes().to_vec(),
            kind: real.kind(),
        }))
    }
}

/// A "signing key" whose signature of a message is SHA-256 of the scheme
/// and the message: the same every time, so recorded transcripts replay.
#[derive(Debug)]
struct HashingSigningKey {
    schemes: Vec<SignatureScheme>,
    kind: SignatureKind,
}

impl SigningKey for HashingSigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        &self.schemes
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        if !self.schemes.contains(&scheme) {
            return Err(Error::General(format!(
                "{scheme:?} is not a scheme of this key"
            )));
        }
        let mut input = u16::from(scheme).to_be_bytes().to_vec();
        input.extend_from_slice(message);
        Ok(SHA256.hash(&input).as_ref().to_vec())
    }

    fn kind(&self) -> SignatureKind {
        self.kind
    }
}

// ---- the provider --------------------------------------------------------

/// The deterministic provider. **Insecure; for fuzzing only.**
pub static FUZZING_PROVIDER: CryptoProvider = CryptoProvider {
    cipher_suites: ALL_CIPHER_SUITES,
    kx_groups: ALL_KX_GROUPS,
    signature_verifier: &ACCEPTING_VERIFIER,
    key_provider: &HASHING_KEY_PROVIDER,
    random: &FIXED_RANDOM,
    hashes: crate::ALL_HASHES,
};

/// The deterministic provider, for callers that prefer a function.
pub fn provider() -> &'static CryptoProvider {
    &FUZZING_PROVIDER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r04_randomness_repeats_per_length() {
        let (mut a, mut b, mut c) = ([0u8; 32], [0u8; 32], [0u8; 31]);
        FIXED_RANDOM.fill(&mut a).unwrap();
        FIXED_RANDOM.fill(&mut b).unwrap();
        FIXED_RANDOM.fill(&mut c).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, [0; 32]);
        assert_ne!(a[..31], c[..]);
    }

    #[test]
    fn r04_aead_is_transparent_and_checks_the_tag() {
        let key = TRANSPARENT_AES_128_GCM.new_key(&[1; 16]).unwrap();
        assert!(TRANSPARENT_AES_128_GCM.new_key(&[1; 32]).is_err());
        let mut buf = b"hello".to_vec();
        let tag = key.seal_in_place(&[0; 12], b"aad", &mut buf).unwrap();
        assert_eq!(buf, b"hello");
        buf.extend_from_slice(&tag);
        assert_eq!(key.open_in_place(&[9; 12], b"", &mut buf), Ok(5));
        let last = buf.len() - 1;
        buf[last] ^= 1;
        assert_eq!(
            key.open_in_place(&[0; 12], b"", &mut buf),
            Err(Error::DecryptError)
        );
        assert_eq!(
            key.open_in_place(&[0; 12], b"", &mut [0; 15]),
            Err(Error::DecryptError)
        );
    }

    #[test]
    fn r04_key_exchange_agrees_on_the_fixed_secret() {
        for group in ALL_KX_GROUPS {
            let client = group.start().unwrap();
            let server = group.start_and_complete(client.pub_key()).unwrap();
            let secret = client.complete(&server.pub_key).unwrap();
            assert_eq!(secret.as_bytes(), server.secret.as_bytes());
            assert!(group.start_and_complete(&[0x04; 3]).is_err());
        }
        let p256 = SECP256R1.start().unwrap();
        let mut bad = p256.pub_key().to_vec();
        bad[0] = 0x02;
        assert!(p256.complete(&bad).is_err());
    }

    #[test]
    fn r04_verifier_accepts_only_non_empty_signatures() {
        let alg = SignatureScheme::ED25519.verify_algorithm(true).unwrap();
        assert!(ACCEPTING_VERIFIER.verify(alg, b"k", b"m", b"s").is_ok());
        assert!(ACCEPTING_VERIFIER.verify(alg, b"k", b"m", b"").is_err());
        assert!(ACCEPTING_VERIFIER.verify(alg, b"", b"m", b"s").is_err());
    }

    #[test]
    fn r04_finished_values_do_not_depend_on_the_transcript() {
        let a = HMAC_SHA384.sign(b"k1", &[b"transcript one"]);
        assert_eq!(a, HMAC_SHA384.sign(b"k2", &[b"another"]));
        assert_eq!(a.as_ref().len(), 48);
        let (mut c, mut s, mut c2) = ([0u8; 12], [0u8; 12], [0u8; 12]);
        LABEL_PRF
            .prf(&mut c, b"m", b"client finished", b"h1")
            .unwrap();
        LABEL_PRF
            .prf(&mut s, b"m", b"server finished", b"h1")
            .unwrap();
        LABEL_PRF
            .prf(&mut c2, b"x", b"client finished", b"h2")
            .unwrap();
        assert_eq!(c, c2);
        assert_ne!(c, s);
    }

    #[test]
    fn r04_signing_is_deterministic() {
        let key = HashingSigningKey {
            schemes: vec![SignatureScheme::ED25519],
            kind: SignatureKind::Ed25519,
        };
        let a = key.sign(SignatureScheme::ED25519, b"m").unwrap();
        assert_eq!(a, key.sign(SignatureScheme::ED25519, b"m").unwrap());
        assert_ne!(a, key.sign(SignatureScheme::ED25519, b"n").unwrap());
        assert!(
            key.sign(SignatureScheme::RSA_PSS_RSAE_SHA256, b"m")
                .is_err()
        );
    }
}
