//! # ferrotls-core
//!
//! The lowest layer of ferrotls: the wire codec, the TLS registries as
//! enums, the error tree with its alerts, DER and name types, and the
//! traits the other crates implement (cryptography, certificate
//! verification). It does no I/O, reads no clock and owns no randomness,
//! so everything above it can be tested deterministically.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod crypto;
pub mod der;
pub mod enums;
pub mod error;
pub mod server_name;
pub mod time;
pub mod verify;

pub use codec::{Codec, ListLength, Reader, U24};
pub use der::{
    CertificateDer, DistinguishedName, PrivateKeyDer, PrivateKeyFormat, SubjectPublicKeyInfoDer,
};
pub use enums::{
    AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType, HandshakeType,
    NamedGroup, ProtocolVersion, SignatureScheme,
};
pub use error::{
    ApiMisuse, CertificateError, Error, InvalidMessage, PeerIncompatible, PeerMisbehaved,
};
pub use server_name::{DnsName, InvalidDnsNameError, ServerName};
pub use time::UnixTime;
