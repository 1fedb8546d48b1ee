//! Key exchange: X25519 (RFC 7748), secp256r1 and secp384r1 (uncompressed
//! points, RFC 8446 4.2.8.2), and the hybrid X25519MLKEM768
//! (draft-ietf-tls-ecdhe-mlkem) in the `hybrid` module.
//!
//! A peer's share is checked for its exact length and form before aws-lc
//! sees it: aws-lc would also accept compressed points and
//! SubjectPublicKeyInfo encodings, which TLS forbids. Every failure is
//! `PeerMisbehaved::InvalidKeyShare` (illegal_parameter).

mod hybrid;

use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use ferrotls_core::crypto::{ActiveKeyExchange, SharedSecret, SupportedKxGroup};
use ferrotls_core::{Error, NamedGroup, PeerMisbehaved};

pub use hybrid::{X25519MLKEM768, X25519MlKem768};

/// An (EC)DH group.
#[derive(Clone, Copy)]
pub struct EcdhGroup {
    name: NamedGroup,
    algorithm: &'static agreement::Algorithm,
    /// The exact length of a public share on the wire.
    share_len: usize,
}

/// X25519: 32-byte public keys.
pub static X25519: EcdhGroup = EcdhGroup {
    name: NamedGroup::X25519,
    algorithm: &agreement::X25519,
    share_len: 32,
};

/// secp256r1: 65-byte uncompressed points.
pub static SECP256R1: EcdhGroup = EcdhGroup {
    name: NamedGroup::SECP256R1,
    algorithm: &agreement::ECDH_P256,
    share_len: 65,
};

/// secp384r1: 97-byte uncompressed points.
pub static SECP384R1: EcdhGroup = EcdhGroup {
    name: NamedGroup::SECP384R1,
    algorithm: &agreement::ECDH_P384,
    share_len: 97,
};

impl EcdhGroup {
    /// Makes a key pair.
    fn generate(&self) -> Result<EcdhKeyExchange, Error> {
        let private = PrivateKey::generate(self.algorithm)
            .map_err(|_| Error::General("key generation failed".into()))?;
        EcdhKeyExchange::new(*self, private)
    }

    /// True if `share` has the length and form TLS allows for this group.
    fn share_is_well_formed(&self, share: &[u8]) -> bool {
        share.len() == self.share_len
            && (self.name == NamedGroup::X25519 || share.first() == Some(&0x04))
    }
}

impl SupportedKxGroup for EcdhGroup {
    fn name(&self) -> NamedGroup {
        self.name
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        Ok(Box::new(self.generate()?))
    }
}

impl core::fmt::Debug for EcdhGroup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.name)
    }
}

/// Our ephemeral (EC)DH key pair, waiting for the peer's share. The private
/// key stays inside aws-lc, which cleanses it on free.
pub(crate) struct EcdhKeyExchange {
    group: EcdhGroup,
    private: PrivateKey,
    public: Vec<u8>,
}

impl EcdhKeyExchange {
    fn new(group: EcdhGroup, private: PrivateKey) -> Result<Self, Error> {
        let public = private
            .compute_public_key()
            .map_err(|_| Error::General("public key computation failed".into()))?
            .as_ref()
            .to_vec();
        Ok(Self {
            group,
            private,
            public,
        })
    }

    /// The shared secret with `peer_share`, by reference so the hybrid group
    /// can reuse it.
    pub(crate) fn agree(&self, peer_share: &[u8]) -> Result<SharedSecret, Error> {
        if !self.group.share_is_well_formed(peer_share) {
            return Err(PeerMisbehaved::InvalidKeyShare.into());
        }
        // aws-lc rejects points not on the curve, and an all-zero X25519
        // output (a low-order peer point, RFC 7748 section 6.1).
        agreement::agree(
            &self.private,
            UnparsedPublicKey::new(self.group.algorithm, peer_share),
            Error::from(PeerMisbehaved::InvalidKeyShare),
            |secret| Ok(SharedSecret::from_vec(secret.to_vec())),
        )
    }
}

impl ActiveKeyExchange for EcdhKeyExchange {
    fn complete(self: Box<Self>, peer_share: &[u8]) -> Result<SharedSecret, Error> {
        self.agree(peer_share)
    }

    fn pub_key(&self) -> &[u8] {
        &self.public
    }

    fn group(&self) -> NamedGroup {
        self.group.name
    }
}

impl core::fmt::Debug for EcdhKeyExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "EcdhKeyExchange({:?}, <private key redacted>)",
            self.group.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A key exchange with an injected private key (tests only: the
    /// library itself only ever generates them).
    fn x25519_with(private: &[u8]) -> EcdhKeyExchange {
        let private = PrivateKey::from_private_key(&agreement::X25519, private).unwrap();
        EcdhKeyExchange::new(X25519, private).unwrap()
    }

    #[test]
    fn rfc7748_section_6_1() {
        let alice = x25519_with(&unhex(
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        ));
        let bob = x25519_with(&unhex(
            "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        ));
        assert_eq!(
            alice.pub_key(),
            unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        assert_eq!(
            bob.pub_key(),
            unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        );
        let k = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        let bob_pub = bob.pub_key().to_vec();
        let alice_pub = alice.pub_key().to_vec();
        assert_eq!(Box::new(alice).complete(&bob_pub).unwrap().as_bytes(), k);
        assert_eq!(Box::new(bob).complete(&alice_pub).unwrap().as_bytes(), k);
    }

    #[test]
    fn rfc8448_section_3_x25519() {
        // The client's and server's ephemeral keys of RFC 8448's simple
        // 1-RTT handshake, and the IKM of its handshake secret.
        let client = x25519_with(&unhex(
            "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005",
        ));
        assert_eq!(
            client.pub_key(),
            unhex("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c")
        );
        let server_pub = unhex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        assert_eq!(
            Box::new(client).complete(&server_pub).unwrap().as_bytes(),
            unhex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d")
        );
    }

    #[test]
    fn r03_key_exchange_debug_hides_the_private_key() {
        let private = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let shown = format!("{:?}", x25519_with(&private));
        assert!(
            shown.contains("redacted") && !shown.contains("77076d0a"),
            "{shown}"
        );
    }

    #[test]
    fn low_order_x25519_point_is_an_invalid_share() {
        let kx = X25519.start().unwrap();
        assert_eq!(
            kx.complete(&[0u8; 32]).unwrap_err(),
            Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare)
        );
    }
}
