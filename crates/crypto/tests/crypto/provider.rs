//! The shape of `DEFAULT_PROVIDER`: order of suites and groups, limits.

use ferrotls_core::crypto::{HashAlgorithm, SignatureKind, SupportedCipherSuite, Tls12AeadKind};
use ferrotls_core::{CipherSuite, NamedGroup, ProtocolVersion};
use ferrotls_crypto::{DEFAULT_PROVIDER, default_provider};

#[test]
fn p02_suites_in_preference_order() {
    let ids: Vec<CipherSuite> = DEFAULT_PROVIDER
        .cipher_suites
        .iter()
        .map(|s| s.suite())
        .collect();
    assert_eq!(
        ids,
        [
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS13_AES_256_GCM_SHA384,
            CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ]
    );
    assert!(std::ptr::eq(default_provider(), &DEFAULT_PROVIDER));
}

#[test]
fn p03_groups_in_preference_order() {
    let names: Vec<NamedGroup> = DEFAULT_PROVIDER
        .kx_groups
        .iter()
        .map(|g| g.name())
        .collect();
    assert_eq!(
        names,
        [
            NamedGroup::X25519MLKEM768,
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
            NamedGroup::SECP384R1
        ]
    );
    assert!(DEFAULT_PROVIDER.kx_group(NamedGroup::SECP521R1).is_none());
}

#[test]
fn suite_parts_match_their_names() {
    for s in DEFAULT_PROVIDER.cipher_suites {
        let name = format!("{:?}", s.suite());
        let (hash, key_len) = match s {
            SupportedCipherSuite::Tls13(t) => {
                assert_eq!(s.version(), ProtocolVersion::TLSv1_3);
                assert_eq!(t.hkdf.hash_len(), t.hash.output_len());
                assert_eq!(t.hmac.tag_len(), t.hash.output_len());
                assert_eq!(t.integrity_limit, 1 << 36);
                let chacha = name.contains("CHACHA");
                assert_eq!(
                    t.confidentiality_limit,
                    if chacha { u64::MAX } else { 23_726_566 }
                );
                (t.hash.algorithm(), t.aead.key_len())
            }
            SupportedCipherSuite::Tls12(t) => {
                assert_eq!(s.version(), ProtocolVersion::TLSv1_2);
                let chacha = name.contains("CHACHA");
                assert_eq!(
                    t.aead_kind,
                    if chacha {
                        Tls12AeadKind::ChaCha20Poly1305
                    } else {
                        Tls12AeadKind::Gcm
                    }
                );
                let want_sign = if name.contains("ECDSA") {
                    SignatureKind::Ecdsa
                } else {
                    SignatureKind::RsaPkcs1
                };
                assert_eq!(t.sign, want_sign);
                (t.hash.algorithm(), t.aead.key_len())
            }
        };
        let want_hash = if name.ends_with("SHA384") {
            HashAlgorithm::Sha384
        } else {
            HashAlgorithm::Sha256
        };
        assert_eq!(hash, want_hash, "{name}");
        let want_key = if name.contains("AES_128") { 16 } else { 32 };
        assert_eq!(key_len, want_key, "{name}");
        assert!(DEFAULT_PROVIDER.suite(s.suite()).is_some());
    }
}

#[test]
fn hashes_and_random() {
    for alg in [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        let h = DEFAULT_PROVIDER.hash(alg).unwrap();
        assert_eq!(h.hash(b"x").as_ref().len(), alg.output_len());
    }
    let mut buf = [0u8; 48];
    DEFAULT_PROVIDER.random.fill(&mut buf).unwrap();
    assert_ne!(buf, [0u8; 48]);
}
