//! # ferrotls-pki
//!
//! Certificate loading and X.509 certificate path validation for ferrotls.
//!
//! * [`load_certs_from_pem`], [`load_private_key_from_pem`] and the file
//!   variants turn PEM or DER into core's [`CertificateDer`] and
//!   [`PrivateKeyDer`](ferrotls_core::PrivateKeyDer).
//! * [`RootCertStore`] holds trust anchors from a CA file, a c_rehash
//!   directory or the system store.
//! * [`verify_chain`] builds and validates a path (RFC 5280 as profiled for
//!   TLS), and [`WebPkiServerVerifier`] / [`WebPkiClientVerifier`]
//!   implement core's verifier traits on top of it.
//!
//! Parsing uses x509-parser; every signature goes through the
//! [`CryptoProvider`](ferrotls_core::crypto::CryptoProvider)'s
//! `SignatureVerifier`, so this crate contains no cryptography.
//!
//! [`CertificateDer`]: ferrotls_core::CertificateDer

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cert;
mod chain;
mod constraints;
mod der;
mod load;
mod name;
pub mod pem;
mod sigalg;
mod store;
mod summary;
mod verifier;

pub use cert::KeyPurpose;
pub use chain::{DEFAULT_MAX_DEPTH, VerifyOptions, check_chain, verify_chain, verify_signed_by};
pub use load::{
    load_certs_file, load_certs_from_pem, load_private_key_der, load_private_key_file,
    load_private_key_from_pem,
};
pub use name::{dns_name_matches, ip_matches};
pub use store::{DEFAULT_CERT_DIR, DEFAULT_CERT_FILE, LoadStats, RootCertStore, TrustAnchor};
pub use summary::{CertificateSummary, parse_certificate_summary};
pub use verifier::{
    ClientVerifierBuilder, SUPPORTED_VERIFY_SCHEMES, ServerVerifierBuilder, WebPkiClientVerifier,
    WebPkiServerVerifier, verify_handshake_signature,
};
