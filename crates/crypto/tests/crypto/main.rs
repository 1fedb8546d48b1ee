//! Known-answer and behaviour tests of the default provider, through the
//! core traits only (as the protocol crates see it).

mod aead;
mod hkdf;
mod kx;
mod prf;
mod provider;
mod rfc8448;
mod sign;

/// Hex to bytes; whitespace is ignored so vectors can be pasted as printed.
pub fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).expect("test vector is hex")
}
