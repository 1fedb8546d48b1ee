//! # ferrotls-record
//!
//! The TLS record layer, sans-IO: it never reads a socket or a clock.
//!
//! * [`parse_header`] reads the 5-byte record header (nom; the fuzz target).
//! * [`Deframer`] turns transport bytes, split in any way, into whole
//!   records inside one bounded buffer, and enforces the size and
//!   zero-length rules of RFC 8446 section 5 before anything is decrypted.
//! * [`Fragmenter`] cuts outgoing data into records of at most the
//!   negotiated fragment length.
//! * [`MessageEncrypter`] / [`MessageDecrypter`] protect records: plaintext
//!   before keys, TLS 1.3 ([`tls13_encrypter`]) and TLS 1.2 AEAD
//!   ([`tls12_encrypter`]); they own the sequence numbers and the key usage
//!   limits of RFC 8446 section 5.5.
//!
//! Records are sealed from the caller's plaintext straight into the output
//! buffer, and opened either in place in the deframer's buffer or straight
//! into the application's read buffer, so a record costs no allocation and
//! no copy besides the AEAD's own pass.
//! Every failure is a ferrotls-core [`Error`](ferrotls_core::Error) that
//! knows the alert to send.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod aead;
mod deframer;
mod empty;
mod fragmenter;
mod header;
mod message;
mod nonce;
mod plaintext;
mod seq;
mod tls12;
mod tls13;

pub use deframer::{Deframer, OpaqueRecord};
pub use empty::MAX_CONSECUTIVE_EMPTY_RECORDS;
pub use fragmenter::Fragmenter;
pub use header::{RecordHeader, check_header, parse_header};
pub use message::{Decrypted, MessageDecrypter, MessageEncrypter, PlainRecord};
pub use plaintext::{plaintext_decrypter, plaintext_encrypter};
pub use tls12::{tls12_decrypter, tls12_encrypter};
pub use tls13::{derive_traffic_keys, tls13_decrypter, tls13_encrypter};

/// Length of the record header: type(1) + legacy_record_version(2) + length(2).
pub const HEADER_LEN: usize = 5;
/// The largest plaintext fragment (2^14, RFC 8446 section 5.1).
pub const MAX_PLAINTEXT: usize = 16384;
/// The largest TLS 1.3 TLSCiphertext.length (2^14 + 256, RFC 8446 section 5.2).
pub const MAX_CIPHERTEXT_TLS13: usize = MAX_PLAINTEXT + 256;
/// The largest TLS 1.2 TLSCiphertext.length (2^14 + 2048, RFC 5246 section 6.2.3).
pub const MAX_CIPHERTEXT_TLS12: usize = MAX_PLAINTEXT + 2048;
