//! The physical limits no TLS library can beat on this machine.
//!
//! - The AEAD ceiling: raw aws-lc-rs seal and open of one full 16 KiB
//!   record (plus the 5-byte header as associated data, as TLS 1.3 does),
//!   again and again where it lies in L1; bulk throughput can only
//!   approach it.
//! - The AEAD stream ceiling: the same seal and open over the 64 records
//!   of one 1 MiB write, from and into buffers laid out as bulk transfer
//!   has them (the application's megabyte, the records with their headers'
//!   gaps), the records sealed untimed before each timed opening as the
//!   receive benchmark makes its records. It pays the memory traffic any
//!   TLS library pays and nothing else (no framing, no record layer, no
//!   BIO), so bulk against it is the TLS stack's own overhead, where the
//!   one-record ceiling also counts how fast this machine's caches and
//!   memory are at the time.
//! - The handshake floor: the public-key operations one side of a full
//!   ECDHE handshake cannot avoid. Client: X25519 key generation and
//!   agreement, verification of the CertificateVerify signature and of the
//!   CA's signature on the leaf. Server: X25519 key generation and agreement
//!   and one CertificateVerify signature.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey as KxPublic};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey};

use crate::BULK_WRITE;
use crate::certs::Identity;
use crate::scenario::{Aead, KeyType, Side};

/// The criterion function id of every row aws-lc-rs measures alone: the
/// AEAD ceilings (one record, and the stream in the bulk groups) and the
/// handshake floor.
pub const AWS_LC: &str = "aws-lc-rs";

/// Plaintext bytes in one full TLS record.
pub const RECORD: usize = 16 * 1024;

/// The record header, which TLS 1.3 authenticates as associated data.
const HEADER_LEN: usize = 5;

/// A full record on the wire: the header, the ciphertext, the tag.
const WIRE_RECORD: usize = HEADER_LEN + RECORD + 16;

/// One AEAD key and a 16 KiB record buffer.
pub struct AeadCeiling {
    key: LessSafeKey,
    seq: u64,
    header: [u8; HEADER_LEN],
}

impl AeadCeiling {
    /// A fresh random key for `aead`.
    pub fn new(a: Aead) -> Self {
        let alg = match a {
            Aead::Aes128Gcm => &aead::AES_128_GCM,
            Aead::Aes256Gcm => &aead::AES_256_GCM,
            Aead::Chacha20Poly1305 => &aead::CHACHA20_POLY1305,
        };
        let mut key = vec![0u8; alg.key_len()];
        aws_lc_rs::rand::fill(&mut key).expect("random key");
        let key = LessSafeKey::new(UnboundKey::new(alg, &key).expect("key length"));
        Self {
            key,
            seq: 0,
            header: [23, 3, 3, 0x40, 0x11],
        }
    }

    fn nonce(&mut self) -> Nonce {
        self.seq += 1;
        let mut n = [0u8; 12];
        n[4..].copy_from_slice(&self.seq.to_be_bytes());
        Nonce::assume_unique_for_key(n)
    }

    /// Seals `record` in place (a fresh nonce each call) and returns the tag.
    pub fn seal(&mut self, record: &mut [u8]) -> aead::Tag {
        let nonce = self.nonce();
        self.key
            .seal_in_place_separate_tag(nonce, Aad::from(self.header), record)
            .expect("seal")
    }

    /// Produces a sealed record (ciphertext with tag appended) and the
    /// sequence number it was sealed under, for [`AeadCeiling::open`].
    pub fn sealed_record(&mut self) -> (u64, Vec<u8>) {
        let mut rec = vec![0x5a; RECORD];
        let tag = self.seal(&mut rec);
        rec.extend_from_slice(tag.as_ref());
        (self.seq, rec)
    }

    /// Opens a record made by [`AeadCeiling::sealed_record`] into `out`
    /// (`RECORD` bytes), leaving the record as it was, so one record can
    /// be opened again and again where it lies, in L1, as the seal
    /// ceiling seals one buffer again and again. Opening in place would
    /// need a fresh copy of the record each time, and criterion's batches
    /// of copies would be read from memory: a ceiling set by the cache,
    /// not by aws-lc.
    pub fn open(&self, seq: u64, record: &[u8], out: &mut [u8]) -> usize {
        let mut n = [0u8; 12];
        n[4..].copy_from_slice(&seq.to_be_bytes());
        let nonce = Nonce::assume_unique_for_key(n);
        let (ciphertext, tag) = record.split_at(RECORD);
        self.key
            .open_separate_gather(nonce, Aad::from(self.header), ciphertext, tag, out)
            .expect("authentic record");
        out.len()
    }
}

/// One AEAD key over the records of one 1 MiB write.
pub struct AeadStream {
    ceiling: AeadCeiling,
    plaintext: Vec<u8>,
    wire: Vec<u8>,
    /// Where [`AeadStream::open`] writes, as a receiver's 1 MiB buffer.
    opened: Vec<u8>,
    /// The sequence number of the wire's first record.
    first_seq: u64,
}

impl AeadStream {
    /// A fresh random key, 1 MiB of plaintext, and the records it seals to.
    pub fn new(a: Aead) -> Self {
        let mut stream = Self {
            ceiling: AeadCeiling::new(a),
            plaintext: vec![0x42; BULK_WRITE],
            wire: vec![0; BULK_WRITE / RECORD * WIRE_RECORD],
            opened: vec![0; BULK_WRITE],
            first_seq: 0,
        };
        stream.seal();
        stream
    }

    /// Seals every 16 KiB of the plaintext into its place on the wire
    /// (out of place, each under a fresh nonce); returns the bytes sealed.
    pub fn seal(&mut self) -> usize {
        self.first_seq = self.ceiling.seq + 1;
        let records = self.wire.chunks_exact_mut(WIRE_RECORD);
        for (chunk, record) in self.plaintext.chunks_exact(RECORD).zip(records) {
            let nonce = self.ceiling.nonce();
            let (ciphertext, tag) = record[HEADER_LEN..].split_at_mut(RECORD);
            self.ceiling
                .key
                .seal_out_of_place_scatter(
                    nonce,
                    Aad::from(self.ceiling.header),
                    chunk,
                    ciphertext,
                    &[],
                    tag,
                )
                .expect("seal");
        }
        self.plaintext.len()
    }

    /// Opens every record on the wire into the stream's own 1 MiB output
    /// buffer, leaving the wire as it was; returns the bytes opened.
    pub fn open(&mut self) -> usize {
        let records = self.wire.chunks_exact(WIRE_RECORD);
        let out = self.opened.chunks_exact_mut(RECORD);
        for (seq, (record, dest)) in (self.first_seq..).zip(records.zip(out)) {
            self.ceiling.open(seq, &record[HEADER_LEN..], dest);
        }
        self.opened.len()
    }
}

/// The public-key work of one side of a full handshake.
pub struct HandshakeFloor {
    side: Side,
    key_type: KeyType,
    rng: SystemRandom,
    peer_share: Vec<u8>,
    signer: Signer,
    leaf_public: Vec<u8>,
    ca_public: Vec<u8>,
    message: [u8; 130],
    signature: Vec<u8>,
    cert_tbs: [u8; 400],
    cert_signature: Vec<u8>,
}

enum Signer {
    Ecdsa(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

impl Signer {
    fn new(key_type: KeyType, pkcs8: &[u8]) -> Self {
        match key_type {
            KeyType::EcdsaP256 => Signer::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8)
                    .expect("ECDSA key"),
            ),
            KeyType::Rsa2048 => Signer::Rsa(RsaKeyPair::from_pkcs8(pkcs8).expect("RSA key")),
        }
    }

    fn public(&self) -> Vec<u8> {
        match self {
            Signer::Ecdsa(k) => k.public_key().as_ref().to_vec(),
            Signer::Rsa(k) => k.public_key().as_ref().to_vec(),
        }
    }

    /// Signs as TLS does: RSA-PSS for CertificateVerify, PKCS#1 v1.5 for the
    /// certificate (what the CA used).
    fn sign(&self, rng: &SystemRandom, msg: &[u8], cert: bool) -> Vec<u8> {
        match self {
            Signer::Ecdsa(k) => k.sign(rng, msg).expect("sign").as_ref().to_vec(),
            Signer::Rsa(k) => {
                let pad = if cert {
                    &signature::RSA_PKCS1_SHA256
                } else {
                    &signature::RSA_PSS_SHA256
                };
                let mut sig = vec![0u8; k.public_modulus_len()];
                k.sign(pad, rng, msg, &mut sig).expect("sign");
                sig
            }
        }
    }
}

fn verify(key_type: KeyType, public: &[u8], msg: &[u8], sig: &[u8], cert: bool) {
    let alg: &dyn signature::VerificationAlgorithm = match (key_type, cert) {
        (KeyType::EcdsaP256, _) => &signature::ECDSA_P256_SHA256_ASN1,
        (KeyType::Rsa2048, false) => &signature::RSA_PSS_2048_8192_SHA256,
        (KeyType::Rsa2048, true) => &signature::RSA_PKCS1_2048_8192_SHA256,
    };
    UnparsedPublicKey::new(alg, public)
        .verify(msg, sig)
        .expect("valid signature");
}

impl HandshakeFloor {
    /// Prepares keys and signatures so that one [`HandshakeFloor::run`] does
    /// exactly the operations of `side`.
    pub fn new(id: &Identity, side: Side) -> Self {
        let rng = SystemRandom::new();
        let key_type = id.key_type;
        let peer = EphemeralPrivateKey::generate(&agreement::X25519, &rng).expect("X25519");
        let peer_share = peer.compute_public_key().expect("share").as_ref().to_vec();
        let signer = Signer::new(key_type, &id.leaf_key_pkcs8);
        let ca = Signer::new(key_type, &id.ca_key_pkcs8);
        let message = [0x20; 130];
        let cert_tbs = [0x30; 400];
        let signature = signer.sign(&rng, &message, false);
        let cert_signature = ca.sign(&rng, &cert_tbs, true);
        Self {
            side,
            key_type,
            leaf_public: signer.public(),
            ca_public: ca.public(),
            rng,
            peer_share,
            signer,
            message,
            signature,
            cert_tbs,
            cert_signature,
        }
    }

    /// One side's public-key operations; returns a byte of the shared secret
    /// so the work cannot be optimised away.
    pub fn run(&self) -> u8 {
        let mine = EphemeralPrivateKey::generate(&agreement::X25519, &self.rng).expect("X25519");
        let _share = mine.compute_public_key().expect("share");
        let secret = agreement::agree_ephemeral(
            mine,
            KxPublic::new(&agreement::X25519, &self.peer_share),
            (),
            |s| Ok(s[0]),
        )
        .expect("agreement");
        match self.side {
            Side::Server => {
                let sig = self.signer.sign(&self.rng, &self.message, false);
                secret ^ sig[0]
            }
            Side::Client => {
                verify(
                    self.key_type,
                    &self.leaf_public,
                    &self.message,
                    &self.signature,
                    false,
                );
                verify(
                    self.key_type,
                    &self.ca_public,
                    &self.cert_tbs,
                    &self.cert_signature,
                    true,
                );
                secret
            }
        }
    }
}
