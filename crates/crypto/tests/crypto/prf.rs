//! The TLS 1.2 PRF against the "test label" vectors posted to the IETF TLS
//! list (msg03416), which OpenSSL, GnuTLS and BearSSL also test against.

use ferrotls_core::crypto::Tls12Prf;
use ferrotls_crypto::hash::{PRF_SHA256, PRF_SHA384};

use crate::unhex;

#[test]
fn tls12_prf_sha256_test_label() {
    let mut out = [0u8; 100];
    PRF_SHA256
        .prf(
            &mut out,
            &unhex("9bbe436ba940f017b17652849a71db35"),
            b"test label",
            &unhex("a0ba9f936cda311827a6f796ffd5198c"),
        )
        .unwrap();
    assert_eq!(
        out.to_vec(),
        unhex(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a\
             6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
             4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
             87347b66"
        )
    );
}

#[test]
fn tls12_prf_sha384_test_label() {
    let mut out = [0u8; 148];
    PRF_SHA384
        .prf(
            &mut out,
            &unhex("b80b733d6ceefcdc71566ea48e5567df"),
            b"test label",
            &unhex("cd665cf6a8447dd6ff8b27555edb7465"),
        )
        .unwrap();
    assert_eq!(
        out.to_vec(),
        unhex(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd\
             e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd\
             8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425\
             9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6\
             91c8f3a26854308d5eaa3be85e0990703d73e56f"
        )
    );
}
