//! Full TLS 1.3 handshakes between the client and server state machines:
//! every suite x group x certificate type, HelloRetryRequest, ALPN,
//! client authentication, KeyUpdate, exporters, tickets.

mod common;

use common::*;
use ferrotls_core::{
    AlertDescription, ApiMisuse, CipherSuite, ContentType, Error, NamedGroup, PeerIncompatible,
    ProtocolVersion,
};

const SUITES: [CipherSuite; 3] = [
    CipherSuite::TLS13_AES_128_GCM_SHA256,
    CipherSuite::TLS13_AES_256_GCM_SHA384,
    CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
];

const GROUPS: [NamedGroup; 4] = [
    NamedGroup::X25519MLKEM768,
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

#[test]
fn p01_full_handshake_every_suite_group_and_certificate() {
    for (name, alg) in key_types() {
        let pki = Pki::new(alg);
        for suite in SUITES {
            for group in GROUPS {
                let mut c = pki.client_config();
                c.cipher_suites = vec![suite].into();
                c.groups = vec![group].into();
                let mut s = pki.server_config();
                s.groups = vec![group].into();
                let mut p = Pair::new(c, s);
                p.run()
                    .unwrap_or_else(|e| panic!("{name} {suite:?} {group:?}: {e}"));
                p.assert_complete();
                let cs = p.c.summary.as_ref().unwrap();
                let ss = p.s.summary.as_ref().unwrap();
                assert_eq!(cs.version, ProtocolVersion::TLSv1_3);
                assert_eq!(cs.suite.suite(), suite);
                assert_eq!(ss.suite.suite(), suite);
                assert_eq!(cs.group, Some(group));
                assert_eq!(ss.group, Some(group));
                assert!(!cs.hello_retry_request);
                assert_eq!(cs.peer_certificates, pki.server.chain);
                assert_eq!(ss.sni.as_deref(), Some(SERVER_NAME));
                // handshake + application secret each way
                assert_eq!(p.c.write_secrets.len(), 2, "{name} {suite:?} {group:?}");
                assert_eq!(p.c.read_secrets.len(), 2);
            }
        }
    }
}

#[test]
fn p03_default_configs_agree_on_the_hybrid_group() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(
        p.c.summary.as_ref().unwrap().group,
        Some(NamedGroup::X25519MLKEM768)
    );
}

#[test]
fn compatibility_mode_sends_one_ccs_each_way() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();
    assert_eq!(p.c.ccs_sent, 1);
    assert_eq!(p.s.ccs_sent, 1);
    // The server's CCS directly follows its ServerHello.
    assert_eq!(
        &p.s.sent_types[..3],
        [
            ContentType::Handshake,
            ContentType::ChangeCipherSpec,
            ContentType::Handshake
        ]
    );

    let mut c = pki.client_config();
    c.compatibility_mode = false;
    let mut p = Pair::new(c, pki.server_config());
    p.run().unwrap();
    assert_eq!(p.c.ccs_sent, 0);
    assert_eq!(p.s.ccs_sent, 0, "no session id, no CCS from the server");
}

#[test]
fn compatibility_mode_session_id_is_fresh_and_apart_from_the_random() {
    use ferrotls_handshake::msgs::HandshakeMessage;
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let hello = |compat: bool| {
        let mut c = pki.client_config();
        c.compatibility_mode = compat;
        let p = Pair::new(c, pki.server_config());
        match HandshakeMessage::decode(&p.c.outbox[0], ProtocolVersion::TLSv1_3).unwrap() {
            HandshakeMessage::ClientHello(ch) => ch,
            other => panic!("not a ClientHello: {other:?}"),
        }
    };
    // The random and the session id come from one draw: each must be
    // its own 32 bytes, and both new on every connection.
    let (a, b) = (hello(true), hello(true));
    assert_eq!(a.session_id.as_bytes().len(), 32);
    assert_ne!(a.session_id.as_bytes(), &a.random.0[..]);
    assert_ne!(a.session_id, b.session_id);
    assert_ne!(a.random.0, b.random.0);
    assert!(hello(false).session_id.is_empty());
}

#[test]
fn stray_change_cipher_spec_is_ignored_during_the_handshake_only() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let mut out = Vec::new();
    // Before any ClientHello the server refuses it.
    let mut fresh =
        ferrotls_handshake::Handshake::new_server(std::sync::Arc::new(pki.server_config()));
    let e = fresh.handle_change_cipher_spec(&mut out).unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::UnexpectedMessage));

    p.client.handle_change_cipher_spec(&mut out).unwrap();
    p.client_to_server().unwrap();
    p.server.handle_change_cipher_spec(&mut out).unwrap();
    p.run().unwrap();
    assert!(out.is_empty());
    let e = p.client.handle_change_cipher_spec(&mut out).unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::UnexpectedMessage));
}

#[test]
fn p03_hello_retry_request_when_no_share_fits() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X25519, NamedGroup::SECP384R1].into();
    c.key_share_count = 1;
    let mut s = pki.server_config();
    s.groups = vec![NamedGroup::SECP384R1].into();
    let mut p = Pair::new(c, s);
    p.run().unwrap();
    p.assert_complete();
    let cs = p.c.summary.as_ref().unwrap();
    assert!(cs.hello_retry_request);
    assert!(p.s.summary.as_ref().unwrap().hello_retry_request);
    assert_eq!(cs.group, Some(NamedGroup::SECP384R1));
    assert_eq!(p.c.ccs_sent, 1, "CCS before the second ClientHello only");
    assert_eq!(p.s.ccs_sent, 1, "CCS after the HelloRetryRequest only");
}

#[test]
fn p03_hello_retry_request_to_the_hybrid_group() {
    let pki = Pki::new(&rcgen::PKCS_ED25519);
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::SECP256R1, NamedGroup::X25519MLKEM768].into();
    c.key_share_count = 1;
    let mut s = pki.server_config();
    s.groups = vec![NamedGroup::X25519MLKEM768].into();
    let mut p = Pair::new(c, s);
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(
        p.c.summary.as_ref().unwrap().group,
        Some(NamedGroup::X25519MLKEM768)
    );
}

#[test]
fn server_prefers_a_shared_group_over_a_retry() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X25519, NamedGroup::SECP384R1].into();
    c.key_share_count = 1;
    let mut s = pki.server_config();
    s.groups = vec![NamedGroup::SECP384R1, NamedGroup::X25519].into();
    let mut p = Pair::new(c, s);
    p.run().unwrap();
    let cs = p.c.summary.as_ref().unwrap();
    assert!(!cs.hello_retry_request);
    assert_eq!(cs.group, Some(NamedGroup::X25519));
}

#[test]
fn server_picks_its_preferred_suite() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.cipher_suites = SUITES.to_vec().into();
    let mut s = pki.server_config();
    s.cipher_suites = vec![
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS13_AES_128_GCM_SHA256,
    ]
    .into();
    let mut p = Pair::new(c, s);
    p.run().unwrap();
    assert_eq!(
        p.c.summary.as_ref().unwrap().suite.suite(),
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256
    );
}

#[test]
fn p08_alpn_agreement_uses_server_preference() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.alpn_protocols = vec![b"http/1.1".to_vec(), b"h2".to_vec()];
    let mut s = pki.server_config();
    s.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let mut p = Pair::new(c, s);
    p.run().unwrap();
    assert_eq!(
        p.c.summary.as_ref().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );
    assert_eq!(
        p.s.summary.as_ref().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );
}

#[test]
fn p08_alpn_mismatch_is_no_application_protocol() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.alpn_protocols = vec![b"h2".to_vec()];
    let mut s = pki.server_config();
    s.alpn_protocols = vec![b"imap".to_vec()];
    let mut p = Pair::new(c, s);
    let e = p.run().unwrap_err();
    assert_eq!(e, PeerIncompatible::NoApplicationProtocol.into());
    assert_eq!(e.alert(), Some(AlertDescription::NoApplicationProtocol));
}

#[test]
fn p08_alpn_only_on_one_side_is_no_alpn() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.alpn_protocols = vec![b"h2".to_vec()];
    let mut p = Pair::new(c, pki.server_config());
    p.run().unwrap();
    assert_eq!(p.c.summary.as_ref().unwrap().alpn, None);
}

#[test]
fn p06_client_auth_required_with_certificate() {
    for (name, alg) in key_types() {
        let pki = Pki::new(alg);
        let mut c = pki.client_config();
        c.client_auth_cert = Some(pki.client.clone());
        let mut p = Pair::new(c, pki.server_config_client_auth(true));
        p.run().unwrap_or_else(|e| panic!("{name}: {e}"));
        p.assert_complete();
        let ss = p.s.summary.as_ref().unwrap();
        assert_eq!(ss.peer_certificates, pki.client.chain, "{name}");
        assert!(ss.signature_scheme.is_some());
    }
}

#[test]
fn p06_client_auth_required_without_certificate_is_certificate_required() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config_client_auth(true));
    let e = p.run().unwrap_err();
    assert_eq!(e, Error::NoCertificatesPresented);
    assert_eq!(e.alert(), Some(AlertDescription::CertificateRequired));
}

#[test]
fn p06_client_auth_optional_without_certificate() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config_client_auth(false));
    p.run().unwrap();
    p.assert_complete();
    assert!(p.s.summary.as_ref().unwrap().peer_certificates.is_empty());
}

#[test]
fn p06_client_certificate_from_another_ca_is_unknown_ca() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let other = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.client_auth_cert = Some(other.client.clone());
    let mut p = Pair::new(c, pki.server_config_client_auth(true));
    let e = p.run().unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::UnknownCa));
}

#[test]
fn p08_key_update_both_directions() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();

    // The client updates and asks the server to update too.
    let mut out = Vec::new();
    p.client.send_key_update(true, &mut out).unwrap();
    p.c.absorb(out);
    p.client_to_server().unwrap();
    // The server answered with its own KeyUpdate, then moved its write key.
    assert_eq!(p.s.outbox.len(), 1);
    p.server_to_client().unwrap();
    assert!(
        p.c.outbox.is_empty(),
        "update_not_requested needs no answer"
    );
    p.assert_complete();
    assert_eq!(p.c.write_secrets.len(), 3);
    assert_eq!(p.s.write_secrets.len(), 3);

    // The server updates alone.
    let mut out = Vec::new();
    p.server.send_key_update(false, &mut out).unwrap();
    p.s.absorb(out);
    p.server_to_client().unwrap();
    assert!(p.c.outbox.is_empty());
    p.assert_complete();
    assert_eq!(p.s.write_secrets.len(), 4);
    assert_eq!(p.c.write_secrets.len(), 3);
    let w = &p.s.write_secrets;
    assert_ne!(w[2], w[3]);
}

#[test]
fn key_update_before_completion_is_api_misuse() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let e = p
        .client
        .send_key_update(false, &mut Vec::new())
        .unwrap_err();
    assert_eq!(e, ApiMisuse::HandshakeNotComplete.into());
    assert!(p.client.is_handshaking());
}

#[test]
fn p09_exporter_values_equal_on_both_sides() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P384_SHA384);
    let mut c = pki.client_config();
    c.cipher_suites = vec![CipherSuite::TLS13_AES_256_GCM_SHA384].into();
    let mut p = Pair::new(c, pki.server_config());
    let mut early = [0u8; 16];
    assert!(
        p.client
            .export_keying_material(b"EXPORTER-x", None, &mut early)
            .is_err()
    );
    p.run().unwrap();
    let mut a = [0u8; 48];
    let mut b = [0u8; 48];
    p.client
        .export_keying_material(b"EXPORTER-test", Some(b"ctx"), &mut a)
        .unwrap();
    p.server
        .export_keying_material(b"EXPORTER-test", Some(b"ctx"), &mut b)
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, [0u8; 48]);
    let mut c2 = [0u8; 48];
    p.server
        .export_keying_material(b"EXPORTER-test", Some(b"other"), &mut c2)
        .unwrap();
    assert_ne!(a, c2);
}

#[test]
fn sni_is_not_sent_for_ip_addresses_or_when_disabled() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.enable_sni = false;
    let mut p = Pair::new(c, pki.server_config());
    p.run().unwrap();
    assert_eq!(p.s.summary.as_ref().unwrap().sni, None);
    assert_eq!(p.c.summary.as_ref().unwrap().sni, None);
}

#[test]
fn new_session_ticket_is_surfaced_with_its_psk() {
    use ferrotls_handshake::msgs::{HandshakeMessage, NewSessionTicketPayloadTls13, Payload};
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.alpn_protocols = vec![b"h2".to_vec()];
    let mut s = pki.server_config();
    s.alpn_protocols = vec![b"h2".to_vec()];
    let mut p = Pair::new(c, s);
    p.run().unwrap();
    let ticket = |nonce: &[u8]| {
        HandshakeMessage::NewSessionTicketTls13(NewSessionTicketPayloadTls13 {
            lifetime: 7200,
            age_add: 0x01020304,
            nonce: Payload::new(nonce),
            ticket: Payload::new(&b"opaque ticket"[..]),
            extensions: Vec::new(),
        })
        .get_encoding()
    };
    for nonce in [&[0u8][..], &[1u8][..]] {
        let mut out = Vec::new();
        p.client
            .handle_handshake(&ticket(nonce), now(), &mut out)
            .unwrap();
        p.c.absorb(out);
    }
    assert_eq!(p.c.tickets.len(), 2);
    let t = &p.c.tickets[0];
    assert_eq!(t.lifetime, 7200);
    assert_eq!(t.age_add, 0x01020304);
    assert_eq!(t.ticket, b"opaque ticket");
    assert_eq!(t.server_name.as_deref(), Some(SERVER_NAME));
    assert_eq!(t.alpn.as_deref(), Some(&b"h2"[..]));
    assert_eq!(t.psk.len(), 32);
    assert_ne!(
        p.c.tickets[0].psk, p.c.tickets[1].psk,
        "the nonce makes each PSK unique"
    );
    // R03: the PSK never shows in Debug output.
    let debug = format!("{t:?}");
    assert!(debug.contains("redacted"), "{debug}");
    assert!(!debug.contains(&format!("{:?}", t.psk.as_bytes())));

    // Over seven days is illegal_parameter.
    let mut long = ticket(&[2]);
    long[4..8].copy_from_slice(&604_801u32.to_be_bytes());
    let e = p
        .client
        .handle_handshake(&long, now(), &mut Vec::new())
        .unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::IllegalParameter));
}

#[test]
fn p08_record_size_limit_is_exchanged_only_when_both_send_it() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.record_size_limit = Some(1024);
    let mut s = pki.server_config();
    s.record_size_limit = Some(2048);
    let mut p = Pair::new(c.clone(), s);
    p.run().unwrap();
    assert_eq!(
        p.c.summary.as_ref().unwrap().peer_record_size_limit,
        Some(2048)
    );
    assert_eq!(
        p.s.summary.as_ref().unwrap().peer_record_size_limit,
        Some(1024)
    );

    let mut p = Pair::new(c, pki.server_config());
    p.run().unwrap();
    assert_eq!(p.c.summary.as_ref().unwrap().peer_record_size_limit, None);
    assert_eq!(p.s.summary.as_ref().unwrap().peer_record_size_limit, None);
}

#[test]
fn unusable_configurations_fail_loudly_before_any_byte_is_sent() {
    use std::sync::Arc;

    use ferrotls_handshake::Handshake;
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let name = || Some(server_name());
    let start = |c: ferrotls_handshake::ClientConfig| {
        let mut out = Vec::new();
        let r = Handshake::new_client(Arc::new(c), name(), &mut out);
        assert!(out.is_empty());
        r.map(|_| ())
    };

    let mut c = pki.client_config();
    c.versions = Vec::new().into();
    assert!(matches!(start(c), Err(Error::ApiMisuse(_))));

    let mut c = pki.client_config();
    c.cipher_suites = vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256].into();
    assert!(matches!(start(c), Err(Error::ApiMisuse(_))));

    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X448].into();
    assert!(matches!(start(c), Err(Error::ApiMisuse(_))));

    let mut c = pki.client_config();
    c.alpn_protocols = vec![Vec::new()];
    assert!(matches!(start(c), Err(Error::ApiMisuse(_))));

    let mut out = Vec::new();
    let r = Handshake::new_client(Arc::new(pki.client_config()), None, &mut out);
    assert!(matches!(r, Err(Error::ApiMisuse(_))));

    // A server with no usable suite fails at its first message, and stays failed.
    let mut s = pki.server_config();
    s.cipher_suites = vec![].into();
    let mut p = Pair::new(pki.client_config(), s);
    let e = p.client_to_server().unwrap_err();
    assert!(matches!(e, Error::ApiMisuse(_)));
    assert_eq!(e.alert(), None);
}

#[test]
fn r03_debug_output_shows_no_secrets() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();
    let debug = format!("{:?} {:?}", p.client, p.server);
    assert!(debug.contains("Traffic"), "{debug}");
    for s in p.c.write_secrets.iter().chain(&p.c.read_secrets) {
        let hex: String = s.as_bytes()[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!debug.contains(&hex));
        let keys = ferrotls_handshake::RecordKeys::Tls13 {
            suite: match p.c.summary.as_ref().unwrap().suite {
                ferrotls_core::crypto::SupportedCipherSuite::Tls13(s) => s,
                _ => unreachable!(),
            },
            traffic_secret: s.clone(),
        };
        let d = format!("{keys:?}");
        assert!(!d.contains(&hex), "{d}");
    }
}
