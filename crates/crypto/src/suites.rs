//! The cipher suites: three for TLS 1.3 and six ECDHE + AEAD suites for
//! TLS 1.2.
//!
//! Usage limits follow RFC 8446 section 5.5 and RFC 9147 section 4.5.3:
//! AES-GCM may protect 2^24.5 full-size records under one key and
//! ChaCha20-Poly1305 more than the sequence number can count; either
//! tolerates 2^36 forged records before the connection must end.

use ferrotls_core::CipherSuite;
use ferrotls_core::crypto::{SignatureKind, Tls12AeadKind, Tls12CipherSuite, Tls13CipherSuite};

use crate::aead::{AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305};
use crate::hash::{
    HKDF_SHA256, HKDF_SHA384, HMAC_SHA256, HMAC_SHA384, PRF_SHA256, PRF_SHA384, SHA256, SHA384,
};

/// 2^24.5 records, rounded down: the AES-GCM confidentiality limit.
pub const AES_GCM_CONFIDENTIALITY_LIMIT: u64 = 23_726_566;
/// ChaCha20-Poly1305 has no practical confidentiality limit: the 64-bit
/// sequence number wraps first.
pub const CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT: u64 = u64::MAX;
/// 2^36 failed decryptions: the integrity limit of both AEADs.
pub const AEAD_INTEGRITY_LIMIT: u64 = 1 << 36;

/// TLS_AES_128_GCM_SHA256 (0x1301).
pub static TLS13_AES_128_GCM_SHA256: Tls13CipherSuite = Tls13CipherSuite {
    suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
    hash: &SHA256,
    hmac: &HMAC_SHA256,
    hkdf: &HKDF_SHA256,
    aead: &AES_128_GCM,
    confidentiality_limit: AES_GCM_CONFIDENTIALITY_LIMIT,
    integrity_limit: AEAD_INTEGRITY_LIMIT,
};

/// TLS_AES_256_GCM_SHA384 (0x1302).
pub static TLS13_AES_256_GCM_SHA384: Tls13CipherSuite = Tls13CipherSuite {
    suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
    hash: &SHA384,
    hmac: &HMAC_SHA384,
    hkdf: &HKDF_SHA384,
    aead: &AES_256_GCM,
    confidentiality_limit: AES_GCM_CONFIDENTIALITY_LIMIT,
    integrity_limit: AEAD_INTEGRITY_LIMIT,
};

/// TLS_CHACHA20_POLY1305_SHA256 (0x1303).
pub static TLS13_CHACHA20_POLY1305_SHA256: Tls13CipherSuite = Tls13CipherSuite {
    suite: CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    hash: &SHA256,
    hmac: &HMAC_SHA256,
    hkdf: &HKDF_SHA256,
    aead: &CHACHA20_POLY1305,
    confidentiality_limit: CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT,
    integrity_limit: AEAD_INTEGRITY_LIMIT,
};

/// Declares a TLS 1.2 suite from its parts.
macro_rules! tls12_suite {
    ($(#[$meta:meta])* $name:ident, $sign:ident, $sha:ident, $aead:ident, $kind:ident, $limit:ident) => {
        $(#[$meta])*
        pub static $name: Tls12CipherSuite = Tls12CipherSuite {
            suite: CipherSuite::$name,
            hash: &tls12_suite!(@hash $sha),
            hmac: &tls12_suite!(@hmac $sha),
            prf: &tls12_suite!(@prf $sha),
            aead: &$aead,
            aead_kind: Tls12AeadKind::$kind,
            sign: SignatureKind::$sign,
            confidentiality_limit: $limit,
        };
    };
    (@hash Sha256) => { SHA256 };
    (@hash Sha384) => { SHA384 };
    (@hmac Sha256) => { HMAC_SHA256 };
    (@hmac Sha384) => { HMAC_SHA384 };
    (@prf Sha256) => { PRF_SHA256 };
    (@prf Sha384) => { PRF_SHA384 };
}

tls12_suite!(
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xc02b, RFC 5289).
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, Ecdsa, Sha256, AES_128_GCM, Gcm,
    AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (0xc02c, RFC 5289).
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, Ecdsa, Sha384, AES_256_GCM, Gcm,
    AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (0xcca9, RFC 7905).
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, Ecdsa, Sha256, CHACHA20_POLY1305,
    ChaCha20Poly1305, CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f, RFC 5289). `sign` is
    /// `RsaPkcs1`, the kind RSA signing keys report.
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, RsaPkcs1, Sha256, AES_128_GCM, Gcm,
    AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030, RFC 5289).
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, RsaPkcs1, Sha384, AES_256_GCM, Gcm,
    AES_GCM_CONFIDENTIALITY_LIMIT
);
tls12_suite!(
    /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (0xcca8, RFC 7905).
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, RsaPkcs1, Sha256, CHACHA20_POLY1305,
    ChaCha20Poly1305, CHACHA20_POLY1305_CONFIDENTIALITY_LIMIT
);
