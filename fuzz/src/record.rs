//! The fixed keys and input layout of the record fuzz targets.
//!
//! `record_parser` input: `[control, split_seed, wire...]`.
//! `record_open` input: `[selector, bytes...]`; see [`OpenInput`].

use ferrotls_core::crypto::{Secret, SupportedCipherSuite, Tls13CipherSuite};
use ferrotls_record::{
    MessageDecrypter, MessageEncrypter, derive_traffic_keys, tls12_decrypter, tls12_encrypter,
    tls13_decrypter, tls13_encrypter,
};

/// Chunk sizes for feeding a deframer, derived from a seed byte so the
/// fuzzer controls the split points: mostly small (1..=64), sometimes big.
pub struct Splits {
    state: u32,
}

impl Splits {
    /// Splits from one seed byte.
    pub fn new(seed: u8) -> Self {
        Self {
            state: u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1),
        }
    }

    /// The next chunk length (at least 1).
    pub fn next_len(&mut self) -> usize {
        self.state = self.state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let r = (self.state >> 16) as usize;
        match r % 8 {
            0 => 1 + r % 20_000,
            1 => 1,
            _ => 1 + r % 64,
        }
    }
}

/// Every suite of both versions, in a fixed order.
pub fn suites() -> &'static [SupportedCipherSuite] {
    ferrotls_crypto::ALL_CIPHER_SUITES
}

/// The fixed TLS 1.3 traffic secret for a hash length.
pub fn tls13_secret(hash_len: usize) -> Secret {
    // Cannot fail: hash lengths are at most 64.
    Secret::from_slice(&vec![0x42; hash_len]).unwrap_or_else(|_| Secret::zeroed(hash_len))
}

/// The fixed TLS 1.2 write key and fixed IV for a suite.
pub fn tls12_key_iv(suite: &ferrotls_core::crypto::Tls12CipherSuite) -> (Vec<u8>, Vec<u8>) {
    (
        vec![0x42; suite.aead.key_len()],
        vec![0x24; suite.aead_kind.fixed_iv_len()],
    )
}

/// A decrypter for `suite` under the fixed key.
pub fn decrypter(suite: SupportedCipherSuite) -> Box<dyn MessageDecrypter> {
    let made = match suite {
        SupportedCipherSuite::Tls13(s) => tls13_decrypter(s, &tls13_secret(s.hash.output_len())),
        SupportedCipherSuite::Tls12(s) => {
            let (key, iv) = tls12_key_iv(s);
            tls12_decrypter(s, &key, &iv)
        }
    };
    made.expect("fixed keys fit every suite")
}

/// An encrypter for `suite` under the fixed key.
pub fn encrypter(suite: SupportedCipherSuite) -> Box<dyn MessageEncrypter> {
    let made = match suite {
        SupportedCipherSuite::Tls13(s) => tls13_encrypter(s, &tls13_secret(s.hash.output_len())),
        SupportedCipherSuite::Tls12(s) => {
            let (key, iv) = tls12_key_iv(s);
            tls12_encrypter(s, &key, &iv)
        }
    };
    made.expect("fixed keys fit every suite")
}

/// How `record_open` reads its input.
///
/// `selector % suites().len()` picks the suite. If `selector / 128` is 0
/// the rest is raw wire bytes to deframe and open. Otherwise the rest is a
/// list of `[type, len_hi, len_lo, body...]` items: each body is sealed
/// as-is (for TLS 1.3 as a whole TLSInnerPlaintext, so the fuzzer chooses
/// the inner type and padding) and then opened, which reaches the code
/// behind authentication that random ciphertext never does.
pub struct OpenInput<'a> {
    /// The suite.
    pub suite: SupportedCipherSuite,
    /// Raw or sealed mode.
    pub sealed: bool,
    /// The rest.
    pub body: &'a [u8],
}

impl<'a> OpenInput<'a> {
    /// Splits the selector off.
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let (&selector, body) = data.split_first()?;
        let all = suites();
        Some(Self {
            suite: all[usize::from(selector) % all.len()],
            sealed: selector >= 128,
            body,
        })
    }

    /// The selector byte for a suite index and mode (for seed generation).
    pub fn selector(suite_index: usize, sealed: bool) -> u8 {
        let n = suites().len();
        let base = if sealed { 128 } else { 0 };
        (base + (suite_index + n - base % n) % n) as u8
    }
}

/// The items of sealed mode: (type, body), bodies capped at the input.
pub fn sealed_items(mut body: &[u8]) -> Vec<(u8, &[u8])> {
    let mut items = Vec::new();
    while body.len() >= 3 {
        let ty = body[0];
        let len = usize::from(u16::from_be_bytes([body[1], body[2]])).min(body.len() - 3);
        items.push((ty, &body[3..3 + len]));
        body = &body[3 + len..];
    }
    items
}

/// Appends a TLS 1.3 record whose TLSInnerPlaintext is exactly `inner`
/// (content, type and padding as given), sealed at `seq` under the fixed
/// key: the record layer's own encrypter cannot make malformed ones.
pub fn seal_tls13_inner(suite: &Tls13CipherSuite, seq: u64, inner: &[u8], out: &mut Vec<u8>) {
    let secret = tls13_secret(suite.hash.output_len());
    let (key, iv) = derive_traffic_keys(suite, &secret).expect("fixed secret");
    let key = suite.aead.new_key(key.as_bytes()).expect("fixed key");
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(iv.as_bytes());
    for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
        *n ^= s;
    }
    let len = (inner.len() + 16) as u16;
    let header = [0x17, 0x03, 0x03, (len >> 8) as u8, len as u8];
    out.extend_from_slice(&header);
    let start = out.len();
    out.extend_from_slice(inner);
    let tag = key
        .seal_in_place(&nonce, &header, &mut out[start..])
        .expect("seal");
    out.extend_from_slice(&tag);
}
