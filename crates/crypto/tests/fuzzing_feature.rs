//! The deterministic fuzzing provider must never reach a default build
//! (SPEC R04): this checks that the default build has no `fuzzing` feature
//! and that the default provider really encrypts and draws fresh
//! randomness, which the fuzzing one does not.

use ferrotls_core::crypto::SupportedCipherSuite;

/// Fails if anything in the workspace turns the feature on (cargo unifies
/// features, so one dependent enabling it would put the insecure provider
/// into every build). The fuzz project is outside the workspace. Run the
/// provider's own tests with `cargo test -p ferrotls-crypto --features
/// fuzzing --lib`; with the feature on, this test fails on purpose.
#[test]
fn r04_default_build_has_no_fuzzing_provider() {
    let enabled = cfg!(feature = "fuzzing");
    assert!(!enabled, "the insecure fuzzing provider is compiled in");
}

#[test]
fn r04_default_provider_is_not_deterministic() {
    let p = ferrotls_crypto::default_provider();
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    p.random.fill(&mut a).unwrap();
    p.random.fill(&mut b).unwrap();
    assert_ne!(a, b, "default randomness repeats");

    for suite in p.cipher_suites {
        let aead = match suite {
            SupportedCipherSuite::Tls13(s) => s.aead,
            SupportedCipherSuite::Tls12(s) => s.aead,
        };
        let key = aead.new_key(&vec![7; aead.key_len()]).unwrap();
        let mut buf = [0u8; 32];
        let tag = key.seal_in_place(&[0; 12], b"", &mut buf).unwrap();
        assert_ne!(buf, [0u8; 32], "{suite:?} does not encrypt");
        assert_ne!(tag, [0u8; 16], "{suite:?} has a fixed tag");
    }

    for group in p.kx_groups {
        let x = group.start().unwrap();
        let y = group.start().unwrap();
        assert_ne!(x.pub_key(), y.pub_key(), "{:?} shares repeat", group.name());
    }
}
