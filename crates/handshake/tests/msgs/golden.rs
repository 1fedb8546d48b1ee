//! RFC 8448 section 3 messages decode and re-encode to the exact published bytes.

use super::*;

#[test]
fn r01_rfc8448_client_hello_golden() {
    let bytes = unhex(RFC8448_CH);
    let HandshakeMessage::ClientHello(ch) = bytes_round_trip(&bytes, TLS13) else {
        panic!("not a ClientHello");
    };
    assert_eq!(ch.client_version, TLS12);
    assert_eq!(ch.random.0[..4], [0xcb, 0x34, 0xec, 0xb1]);
    assert!(ch.session_id.is_empty());
    assert_eq!(
        ch.cipher_suites,
        vec![
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS13_AES_256_GCM_SHA384,
        ]
    );
    assert_eq!(ch.sni(), Some("server"));
    assert_eq!(ch.supported_versions(), Some(&[TLS13][..]));
    let shares = ch.key_shares().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].group, NamedGroup::X25519);
    assert_eq!(shares[0].payload.0[..2], [0x99, 0x38]);
    assert_eq!(ch.named_groups().unwrap().len(), 9);
    assert_eq!(ch.signature_algorithms().unwrap().len(), 15);
    assert_eq!(ch.psk_modes(), Some(&[PskKeyExchangeMode::PskDheKe][..]));
    assert_eq!(ch.record_size_limit(), Some(0x4001));
    assert_eq!(ch.renegotiation_info(), Some(&[][..]));
    assert_eq!(ch.session_ticket(), Some(&[][..]));
    assert!(ch.psk().is_none() && ch.alpn().is_none() && !ch.early_data_offered());
    // Without a PSK the binder input is the whole message.
    assert_eq!(ch.encode_for_binders(), bytes);
}

#[test]
fn r01_rfc8448_server_hello_and_encrypted_extensions_golden() {
    let HandshakeMessage::ServerHello(sh) = bytes_round_trip(&unhex(RFC8448_SH), TLS13) else {
        panic!("not a ServerHello");
    };
    assert!(!sh.is_hello_retry_request());
    assert!(!sh.has_downgrade_sentinel());
    assert_eq!(sh.cipher_suite, CipherSuite::TLS13_AES_128_GCM_SHA256);
    assert_eq!(sh.supported_versions(), Some(TLS13));
    let share = sh.key_share().unwrap();
    assert_eq!(share.group, NamedGroup::X25519);
    assert_eq!(share.payload.0.len(), 32);
    assert_eq!(sh.psk_index(), None);

    let HandshakeMessage::EncryptedExtensions(ee) = bytes_round_trip(&unhex(RFC8448_EE), TLS13)
    else {
        panic!("not EncryptedExtensions");
    };
    assert!(ee.server_name_ack());
    assert_eq!(ee.record_size_limit(), Some(0x4001));
    assert!(!ee.early_data_accepted());
    assert!(ee.alpn().is_none());
}
