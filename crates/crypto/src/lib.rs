//! # ferrotls-crypto
//!
//! The default cryptography of ferrotls, on aws-lc-rs: it implements the
//! traits of `ferrotls_core::crypto` and gathers them in
//! [`DEFAULT_PROVIDER`]. The protocol crates never name this crate; they
//! receive a `&CryptoProvider`, so another provider can stand in.
//!
//! | module     | job                                                      |
//! |------------|----------------------------------------------------------|
//! | [`hash`]   | SHA-256/384/512, HMAC, HKDF, the TLS 1.2 PRF              |
//! | [`aead`]   | AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, in place     |
//! | [`kx`]     | X25519, secp256r1, secp384r1, X25519MLKEM768              |
//! | [`sign`]   | private keys (PKCS#8, SEC1, PKCS#1) that sign handshakes  |
//! | [`verify`] | signature verification against a DER SubjectPublicKeyInfo |
//! | [`rand`]   | the system CSPRNG                                         |
//! | [`suites`] | the cipher suite descriptors                              |
//!
//! Secrets are either held by aws-lc (which cleanses key memory on free)
//! or in the zeroizing types of `ferrotls_core`; no `Debug` output shows
//! key bytes.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aead;
mod der;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod hash;
pub mod kx;
pub mod rand;
pub mod sign;
pub mod suites;
pub mod verify;

use ferrotls_core::crypto::{CryptoProvider, Hash, SupportedCipherSuite, SupportedKxGroup};

pub use suites::{
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};

/// Every suite, in default preference order: TLS 1.3 first, then TLS 1.2
/// with ECDSA before RSA, AES-128-GCM before AES-256-GCM before ChaCha20.
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

/// Every group, in default preference order; the first is the key share a
/// client sends unasked (SPEC P03).
pub static ALL_KX_GROUPS: &[&dyn SupportedKxGroup] = &[
    &kx::X25519MLKEM768,
    &kx::X25519,
    &kx::SECP256R1,
    &kx::SECP384R1,
];

/// The hash functions, for uses outside a suite.
pub static ALL_HASHES: &[&dyn Hash] = &[&hash::SHA256, &hash::SHA384, &hash::SHA512];

/// The default provider: everything above, on aws-lc-rs.
pub static DEFAULT_PROVIDER: CryptoProvider = CryptoProvider {
    cipher_suites: ALL_CIPHER_SUITES,
    kx_groups: ALL_KX_GROUPS,
    signature_verifier: &verify::VERIFIER,
    key_provider: &sign::KEY_PROVIDER,
    random: &rand::SYSTEM_RANDOM,
    hashes: ALL_HASHES,
};

/// The default provider, for callers that prefer a function.
pub fn default_provider() -> &'static CryptoProvider {
    &DEFAULT_PROVIDER
}
