//! Every failure ends the handshake with one typed error whose alert is
//! the one RFC 8446 section 6 names (SPEC R01), and a dead handshake keeps
//! returning that error (SPEC R05).

mod common;

use common::*;
use ferrotls_core::{
    AlertDescription as A, CipherSuite, Error, HandshakeType, NamedGroup, PeerIncompatible,
    PeerMisbehaved, ProtocolVersion,
};
use ferrotls_handshake::msgs::{
    ClientExtension, ClientHelloPayload, HELLO_RETRY_REQUEST_RANDOM, HandshakeMessage, Random,
    ServerExtension, ServerHelloPayload,
};

fn pki() -> Pki {
    Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256)
}

fn decode(m: &[u8]) -> HandshakeMessage {
    HandshakeMessage::decode(m, ProtocolVersion::TLSv1_3).unwrap()
}

fn server_hello(m: &[u8]) -> ServerHelloPayload {
    match decode(m) {
        HandshakeMessage::ServerHello(sh) => sh,
        other => panic!("not a ServerHello: {other:?}"),
    }
}

fn client_hello(m: &[u8]) -> ClientHelloPayload {
    match decode(m) {
        HandshakeMessage::ClientHello(ch) => ch,
        other => panic!("not a ClientHello: {other:?}"),
    }
}

/// Feeds `m` to the client and checks the error, its alert, that nothing
/// was emitted, and that the error sticks.
fn client_rejects(p: &mut Pair, m: &[u8], alert: A) -> Error {
    let mut out = Vec::new();
    let e = p.client.handle_handshake(m, now(), &mut out).unwrap_err();
    assert_eq!(e.alert(), Some(alert), "{e}");
    assert!(out.is_empty(), "actions after a fatal error: {out:?}");
    sticks(&mut p.client, &e, m);
    e
}

fn server_rejects(p: &mut Pair, m: &[u8], alert: A) -> Error {
    let mut out = Vec::new();
    let e = p.server.handle_handshake(m, now(), &mut out).unwrap_err();
    assert_eq!(e.alert(), Some(alert), "{e}");
    assert!(out.is_empty(), "actions after a fatal error: {out:?}");
    sticks(&mut p.server, &e, m);
    e
}

/// R05: every later call fails with the same error.
fn sticks(hs: &mut ferrotls_handshake::Handshake, e: &Error, m: &[u8]) {
    let mut out = Vec::new();
    assert_eq!(hs.handle_handshake(m, now(), &mut out).as_ref(), Err(e));
    assert_eq!(hs.handle_change_cipher_spec(&mut out).as_ref(), Err(e));
    assert_eq!(hs.send_key_update(false, &mut out).as_ref(), Err(e));
    assert_eq!(
        hs.export_keying_material(b"x", None, &mut [0u8; 8])
            .as_ref(),
        Err(e)
    );
    assert!(hs.is_handshaking());
    assert_eq!(hs.error(), Some(e));
    assert!(out.is_empty());
}

/// A pair where the server has answered the first ClientHello.
fn after_server_flight(pki: &Pki) -> Pair {
    let c = pki.client_config();
    let mut p = Pair::new(c, pki.server_config());
    p.client_to_server().unwrap();
    p
}

#[test]
fn r01_message_out_of_order_is_unexpected_message() {
    let pki = pki();
    let mut p = after_server_flight(&pki);
    // ServerHello, EncryptedExtensions, Certificate, ... : skip EE.
    let flight = std::mem::take(&mut p.s.outbox);
    let mut out = Vec::new();
    p.client
        .handle_handshake(&flight[0], now(), &mut out)
        .unwrap();
    let e = client_rejects(&mut p, &flight[2], A::UnexpectedMessage);
    assert!(matches!(
        e,
        Error::InappropriateHandshakeMessage {
            got_type: HandshakeType::Certificate,
            ..
        }
    ));
}

#[test]
fn r01_server_refuses_finished_before_client_hello() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    server_rejects(&mut p, &[20, 0, 0, 32, 0], A::DecodeError);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let mut finished = vec![20, 0, 0, 32];
    finished.extend_from_slice(&[0; 32]);
    server_rejects(&mut p, &finished, A::UnexpectedMessage);
}

#[test]
fn r01_bad_server_finished_is_decrypt_error() {
    let pki = pki();
    let mut p = after_server_flight(&pki);
    let mut flight = std::mem::take(&mut p.s.outbox);
    let mut fin = flight.pop().unwrap();
    assert_eq!(fin[0], 20);
    *fin.last_mut().unwrap() ^= 1;
    for m in &flight {
        p.client
            .handle_handshake(m, now(), &mut Vec::new())
            .unwrap();
    }
    let e = client_rejects(&mut p, &fin, A::DecryptError);
    assert_eq!(e, PeerMisbehaved::BadFinished.into());
}

#[test]
fn r01_bad_client_finished_is_decrypt_error() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.client_to_server().unwrap();
    p.server_to_client().unwrap();
    let mut fin = p.c.outbox.pop().unwrap();
    *fin.last_mut().unwrap() ^= 0x80;
    let e = server_rejects(&mut p, &fin, A::DecryptError);
    assert_eq!(e, PeerMisbehaved::BadFinished.into());
}

#[test]
fn r01_bad_certificate_verify_signature_is_decrypt_error() {
    let pki = pki();
    let mut p = after_server_flight(&pki);
    let flight = std::mem::take(&mut p.s.outbox);
    let at = flight.iter().position(|m| m[0] == 15).unwrap();
    for m in &flight[..at] {
        p.client
            .handle_handshake(m, now(), &mut Vec::new())
            .unwrap();
    }
    let mut cv = flight[at].clone();
    let last = cv.len() - 1;
    cv[last] ^= 1;
    client_rejects(&mut p, &cv, A::DecryptError);
}

#[test]
fn r01_certificate_verify_over_the_wrong_transcript_is_decrypt_error() {
    // A CertificateVerify from another handshake with the same key.
    let pki = pki();
    let mut p1 = Pair::new(pki.client_config(), pki.server_config());
    p1.client_to_server().unwrap();
    let cv_other = p1.s.outbox.iter().find(|m| m[0] == 15).unwrap().clone();

    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.client_to_server().unwrap();
    let flight = std::mem::take(&mut p.s.outbox);
    let at = flight.iter().position(|m| m[0] == 15).unwrap();
    for m in &flight[..at] {
        p.client
            .handle_handshake(m, now(), &mut Vec::new())
            .unwrap();
    }
    client_rejects(&mut p, &cv_other, A::DecryptError);
}

#[test]
fn r01_unknown_ca_from_the_verifier() {
    let pki = pki();
    let stranger = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(stranger.client_config(), pki.server_config());
    let e = p.run().unwrap_err();
    assert_eq!(e.alert(), Some(A::UnknownCa));
    assert!(p.client.error().is_some());
}

#[test]
fn r01_second_hello_retry_request_is_unexpected_message() {
    let pki = pki();
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X25519, NamedGroup::SECP384R1].into();
    c.key_share_count = 1;
    let mut s = pki.server_config();
    s.groups = vec![NamedGroup::SECP384R1].into();
    let mut p = Pair::new(c, s);
    p.client_to_server().unwrap();
    let hrr = p.s.outbox[0].clone();
    assert!(server_hello(&hrr).is_hello_retry_request());
    p.server_to_client().unwrap();
    let e = client_rejects(&mut p, &hrr, A::UnexpectedMessage);
    assert_eq!(e, PeerMisbehaved::TooManyHelloRetryRequests.into());
}

/// A HelloRetryRequest answering `ch`, asking for `group`.
fn forge_hrr(ch: &ClientHelloPayload, group: NamedGroup) -> Vec<u8> {
    HandshakeMessage::ServerHello(ServerHelloPayload {
        legacy_version: ProtocolVersion::TLSv1_2,
        random: Random(HELLO_RETRY_REQUEST_RANDOM),
        session_id: ch.session_id,
        cipher_suite: ch.cipher_suites[0],
        compression_method: ferrotls_core::enums::Compression::Null,
        extensions: vec![
            ServerExtension::HelloRetryKeyShare(group),
            ServerExtension::SupportedVersions(ProtocolVersion::TLSv1_3),
        ],
    })
    .get_encoding()
}

#[test]
fn r01_hello_retry_request_for_a_group_not_offered_is_illegal_parameter() {
    let pki = pki();
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X25519, NamedGroup::SECP256R1].into();
    let mut p = Pair::new(c, pki.server_config());
    let ch = client_hello(&p.c.outbox[0]);
    let hrr = forge_hrr(&ch, NamedGroup::SECP384R1);
    client_rejects(&mut p, &hrr, A::IllegalParameter);
}

#[test]
fn r01_hello_retry_request_for_a_group_already_shared_is_illegal_parameter() {
    let pki = pki();
    let p = Pair::new(pki.client_config(), pki.server_config());
    let ch = client_hello(&p.c.outbox[0]);
    let shared = ch.key_shares().unwrap()[0].group;
    let mut p = p;
    client_rejects(&mut p, &forge_hrr(&ch, shared), A::IllegalParameter);
}

/// The real ServerHello for the pair's ClientHello, edited by `edit`.
fn edited_server_hello(p: &mut Pair, edit: impl FnOnce(&mut ServerHelloPayload)) -> Vec<u8> {
    p.client_to_server().unwrap();
    let mut sh = server_hello(&p.s.outbox[0]);
    edit(&mut sh);
    HandshakeMessage::ServerHello(sh).get_encoding()
}

#[test]
fn r01_server_hello_with_unoffered_suite_is_illegal_parameter() {
    let pki = pki();
    let mut c = pki.client_config();
    c.cipher_suites = vec![CipherSuite::TLS13_AES_128_GCM_SHA256].into();
    let mut p = Pair::new(c, pki.server_config());
    let sh = edited_server_hello(&mut p, |sh| {
        sh.cipher_suite = CipherSuite::TLS13_AES_256_GCM_SHA384
    });
    client_rejects(&mut p, &sh, A::IllegalParameter);
}

#[test]
fn r01_server_hello_with_wrong_session_id_echo_is_illegal_parameter() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let sh = edited_server_hello(&mut p, |sh| {
        sh.session_id = ferrotls_handshake::msgs::SessionId::EMPTY
    });
    client_rejects(&mut p, &sh, A::IllegalParameter);
}

#[test]
fn r01_server_hello_with_unsolicited_extension_is_unsupported_extension() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let sh = edited_server_hello(&mut p, |sh| {
        sh.extensions.push(ServerExtension::PreSharedKey(0))
    });
    client_rejects(&mut p, &sh, A::UnsupportedExtension);
}

#[test]
fn r01_tls12_server_hello_with_downgrade_sentinel_is_illegal_parameter() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let sh = edited_server_hello(&mut p, |sh| {
        sh.extensions.clear();
        sh.random.0[24..].copy_from_slice(b"DOWNGRD\x01");
    });
    let e = client_rejects(&mut p, &sh, A::IllegalParameter);
    assert_eq!(e, PeerMisbehaved::DowngradeDetected.into());
}

#[test]
fn s16_tls12_server_hello_without_sentinel() {
    // Not offered: protocol_version.
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let sh = edited_server_hello(&mut p, |sh| sh.extensions.clear());
    let e = client_rejects(&mut p, &sh, A::ProtocolVersion);
    assert_eq!(e, PeerIncompatible::NoCommonVersion.into());

    // Offered (TLS 1.2 listed in the config): handled as TLS 1.2, where
    // the TLS 1.3 suite of this ServerHello was never offered.
    let mut c = pki.client_config();
    c.versions = vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2].into();
    let mut p = Pair::new(c, pki.server_config());
    let sh = edited_server_hello(&mut p, |sh| sh.extensions.clear());
    let e = client_rejects(&mut p, &sh, A::IllegalParameter);
    assert_eq!(
        e,
        PeerMisbehaved::IllegalParameter("server chose a cipher suite we did not offer").into()
    );
}

#[test]
fn r01_no_common_suite_is_handshake_failure() {
    let pki = pki();
    let mut c = pki.client_config();
    c.cipher_suites = vec![CipherSuite::TLS13_AES_128_GCM_SHA256].into();
    let mut s = pki.server_config();
    s.cipher_suites = vec![CipherSuite::TLS13_CHACHA20_POLY1305_SHA256].into();
    let mut p = Pair::new(c, s);
    let ch = p.c.outbox.remove(0);
    let e = server_rejects(&mut p, &ch, A::HandshakeFailure);
    assert_eq!(e, PeerIncompatible::NoCommonCipherSuite.into());
}

#[test]
fn r01_no_common_group_is_handshake_failure() {
    let pki = pki();
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X25519].into();
    let mut s = pki.server_config();
    s.groups = vec![NamedGroup::SECP384R1].into();
    let mut p = Pair::new(c, s);
    let ch = p.c.outbox.remove(0);
    let e = server_rejects(&mut p, &ch, A::HandshakeFailure);
    assert_eq!(e, PeerIncompatible::NoCommonGroup.into());
}

#[test]
fn s16_client_offering_only_tls11_gets_protocol_version() {
    let pki = pki();
    let p = Pair::new(pki.client_config(), pki.server_config());
    let mut ch = client_hello(&p.c.outbox[0]);
    for e in &mut ch.extensions {
        if let ClientExtension::SupportedVersions(v) = e {
            *v = vec![ProtocolVersion::TLSv1_1];
        }
    }
    let m = HandshakeMessage::ClientHello(ch.clone()).get_encoding();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let e = server_rejects(&mut p, &m, A::ProtocolVersion);
    assert_eq!(e, PeerIncompatible::NoCommonVersion.into());

    // A pre-1.3 ClientHello: no supported_versions, legacy_version 1.1.
    ch.extensions
        .retain(|e| !matches!(e, ClientExtension::SupportedVersions(_)));
    ch.client_version = ProtocolVersion::TLSv1_1;
    let m = HandshakeMessage::ClientHello(ch).get_encoding();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    server_rejects(&mut p, &m, A::ProtocolVersion);
}

#[test]
fn r01_client_hello_without_key_share_is_missing_extension() {
    let pki = pki();
    let p = Pair::new(pki.client_config(), pki.server_config());
    let mut ch = client_hello(&p.c.outbox[0]);
    ch.extensions
        .retain(|e| !matches!(e, ClientExtension::KeyShare(_)));
    let m = HandshakeMessage::ClientHello(ch).get_encoding();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    server_rejects(&mut p, &m, A::MissingExtension);
}

#[test]
fn r01_client_hello_after_the_handshake_is_unexpected_message() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let ch = p.c.outbox[0].clone();
    p.run().unwrap();
    let e = server_rejects(&mut p, &ch, A::UnexpectedMessage);
    assert!(matches!(
        e,
        Error::InappropriateHandshakeMessage {
            got_type: HandshakeType::ClientHello,
            ..
        }
    ));
    // HelloRequest (TLS 1.2 renegotiation) to a TLS 1.3 client.
    client_rejects(&mut p, &[0, 0, 0, 0], A::UnexpectedMessage);
}

#[test]
fn r01_bad_key_update_value_is_illegal_parameter() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();
    server_rejects(&mut p, &[24, 0, 0, 1, 7], A::IllegalParameter);
}

#[test]
fn r01_client_must_not_send_tickets() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();
    let nst = [4, 0, 0, 14, 0, 0, 0, 60, 0, 0, 0, 1, 0, 0, 1, 0xaa, 0, 0];
    server_rejects(&mut p, &nst, A::UnexpectedMessage);
}

#[test]
fn truncated_handshake_header_is_decode_error() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    client_rejects(&mut p, &[2, 0, 0], A::DecodeError);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    client_rejects(&mut p, &[2, 0, 0, 5, 1], A::DecodeError);
}

/// A HelloRetryRequest answering `ch` with only the given extensions.
fn forge_hrr_with(ch: &ClientHelloPayload, mut extensions: Vec<ServerExtension>) -> Vec<u8> {
    extensions.push(ServerExtension::SupportedVersions(ProtocolVersion::TLSv1_3));
    HandshakeMessage::ServerHello(ServerHelloPayload {
        legacy_version: ProtocolVersion::TLSv1_2,
        random: Random(HELLO_RETRY_REQUEST_RANDOM),
        session_id: ch.session_id,
        cipher_suite: ch.cipher_suites[0],
        compression_method: ferrotls_core::enums::Compression::Null,
        extensions,
    })
    .get_encoding()
}

#[test]
fn hello_retry_request_cookie_is_echoed_and_shares_kept() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let ch1 = client_hello(&p.c.outbox.remove(0));
    let cookie = ferrotls_handshake::msgs::Payload::new(&b"server state"[..]);
    let hrr = forge_hrr_with(&ch1, vec![ServerExtension::Cookie(cookie)]);
    let mut out = Vec::new();
    p.client.handle_handshake(&hrr, now(), &mut out).unwrap();
    p.c.absorb(out);
    assert_eq!(
        p.c.ccs_sent, 1,
        "compatibility mode: CCS before the second ClientHello"
    );
    let ch2 = client_hello(&p.c.outbox[0]);
    assert_eq!(ch2.cookie(), Some(&b"server state"[..]));
    assert_eq!(ch2.key_shares(), ch1.key_shares());
    assert_eq!(ch2.random, ch1.random);
    assert_eq!(ch2.session_id, ch1.session_id);
}

#[test]
fn r01_hello_retry_request_that_changes_nothing_is_illegal_parameter() {
    let pki = pki();
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    let ch = client_hello(&p.c.outbox[0]);
    client_rejects(&mut p, &forge_hrr_with(&ch, vec![]), A::IllegalParameter);
}

#[test]
fn r01_second_client_hello_without_the_requested_share_is_illegal_parameter() {
    let pki = pki();
    let mut c = pki.client_config();
    c.groups = vec![NamedGroup::X25519, NamedGroup::SECP384R1].into();
    c.key_share_count = 1;
    let mut s = pki.server_config();
    s.groups = vec![NamedGroup::SECP384R1].into();
    let mut p = Pair::new(c, s);
    let ch1 = p.c.outbox[0].clone();
    p.client_to_server().unwrap();
    // The first ClientHello again, instead of the retry.
    server_rejects(&mut p, &ch1, A::IllegalParameter);
}
