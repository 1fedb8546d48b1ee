//! X25519MLKEM768 (codepoint 0x11ec, draft-ietf-tls-ecdhe-mlkem).
//!
//! ```text
//! client share  = ML-KEM-768 encapsulation key (1184) || X25519 public key (32)
//! server share  = ML-KEM-768 ciphertext (1088)        || X25519 public key (32)
//! shared secret = ML-KEM-768 shared secret (32)       || X25519 shared secret (32)
//! ```
//!
//! The ML-KEM part comes first in all three, unlike the earlier
//! X25519Kyber768Draft00.

use aws_lc_rs::agreement::{self, PrivateKey};
use aws_lc_rs::kem::{Ciphertext, DecapsulationKey, EncapsulationKey, ML_KEM_768};
use ferrotls_core::crypto::{
    ActiveKeyExchange, CompletedKeyExchange, SharedSecret, SupportedKxGroup,
};
use ferrotls_core::{Error, NamedGroup, PeerMisbehaved};

use super::{EcdhKeyExchange, X25519};

const MLKEM768_ENCAP_KEY_LEN: usize = 1184;
const MLKEM768_CIPHERTEXT_LEN: usize = 1088;
const X25519_LEN: usize = 32;
const CLIENT_SHARE_LEN: usize = MLKEM768_ENCAP_KEY_LEN + X25519_LEN;
const SERVER_SHARE_LEN: usize = MLKEM768_CIPHERTEXT_LEN + X25519_LEN;

/// The X25519MLKEM768 hybrid group.
pub struct X25519MlKem768;

/// The X25519MLKEM768 hybrid group (the default first key share).
pub static X25519MLKEM768: X25519MlKem768 = X25519MlKem768;

fn invalid_share() -> Error {
    PeerMisbehaved::InvalidKeyShare.into()
}

fn internal(what: &str) -> Error {
    Error::General(format!("X25519MLKEM768: {what} failed"))
}

/// `mlkem || x25519`, in a buffer that is wiped when the secret drops.
fn combine(mlkem: &[u8], x25519: &SharedSecret) -> SharedSecret {
    let mut out = Vec::with_capacity(mlkem.len() + x25519.as_bytes().len());
    out.extend_from_slice(mlkem);
    out.extend_from_slice(x25519.as_bytes());
    SharedSecret::from_vec(out)
}

fn x25519_key_exchange() -> Result<EcdhKeyExchange, Error> {
    let private =
        PrivateKey::generate(&agreement::X25519).map_err(|_| internal("X25519 keygen"))?;
    EcdhKeyExchange::new(X25519, private)
}

impl SupportedKxGroup for X25519MlKem768 {
    fn name(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }

    /// Client side: a fresh ML-KEM decapsulation key and X25519 key pair.
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let decap =
            DecapsulationKey::generate(&ML_KEM_768).map_err(|_| internal("ML-KEM keygen"))?;
        let encap = decap
            .encapsulation_key()
            .and_then(|ek| ek.key_bytes())
            .map_err(|_| internal("ML-KEM public key"))?;
        let x25519 = x25519_key_exchange()?;
        let mut share = Vec::with_capacity(CLIENT_SHARE_LEN);
        share.extend_from_slice(encap.as_ref());
        share.extend_from_slice(x25519.pub_key());
        if share.len() != CLIENT_SHARE_LEN {
            return Err(internal("ML-KEM public key length"));
        }
        Ok(Box::new(HybridKeyExchange {
            decap,
            x25519,
            share,
        }))
    }

    /// Server side: encapsulate to the client's key and answer with the
    /// ciphertext and our X25519 public key.
    fn start_and_complete(&self, peer_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        if peer_share.len() != CLIENT_SHARE_LEN {
            return Err(invalid_share());
        }
        let (encap, x25519_peer) = peer_share.split_at(MLKEM768_ENCAP_KEY_LEN);
        let encap = EncapsulationKey::new(&ML_KEM_768, encap).map_err(|_| invalid_share())?;
        let (ciphertext, mlkem_secret) = encap.encapsulate().map_err(|_| invalid_share())?;

        let x25519 = x25519_key_exchange()?;
        let x25519_secret = x25519.agree(x25519_peer)?;

        let mut pub_key = Vec::with_capacity(SERVER_SHARE_LEN);
        pub_key.extend_from_slice(ciphertext.as_ref());
        pub_key.extend_from_slice(x25519.pub_key());
        if pub_key.len() != SERVER_SHARE_LEN {
            return Err(internal("ML-KEM ciphertext length"));
        }
        Ok(CompletedKeyExchange {
            group: NamedGroup::X25519MLKEM768,
            pub_key,
            secret: combine(mlkem_secret.as_ref(), &x25519_secret),
        })
    }
}

impl core::fmt::Debug for X25519MlKem768 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("X25519MLKEM768")
    }
}

/// The client's half of the hybrid exchange.
struct HybridKeyExchange {
    decap: DecapsulationKey,
    x25519: EcdhKeyExchange,
    share: Vec<u8>,
}

impl ActiveKeyExchange for HybridKeyExchange {
    fn complete(self: Box<Self>, peer_share: &[u8]) -> Result<SharedSecret, Error> {
        if peer_share.len() != SERVER_SHARE_LEN {
            return Err(invalid_share());
        }
        let (ciphertext, x25519_peer) = peer_share.split_at(MLKEM768_CIPHERTEXT_LEN);
        // aws-lc's KEM secret type wipes itself on drop.
        let mlkem_secret = self
            .decap
            .decapsulate(Ciphertext::from(ciphertext))
            .map_err(|_| invalid_share())?;
        let x25519_secret = self.x25519.agree(x25519_peer)?;
        Ok(combine(mlkem_secret.as_ref(), &x25519_secret))
    }

    fn pub_key(&self) -> &[u8] {
        &self.share
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }
}

impl core::fmt::Debug for HybridKeyExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HybridKeyExchange(X25519MLKEM768, <private keys redacted>)")
    }
}
