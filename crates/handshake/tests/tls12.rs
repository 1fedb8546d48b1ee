//! TLS 1.2 (SPEC P01-P04, P06): every suite x group x key, version
//! negotiation and the downgrade sentinel both ways (RFC 8446 4.1.3),
//! extended master secret (RFC 7627), RFC 5746 checks, client
//! authentication, and failures with the alerts RFC 5246 names.

mod common;
mod tls12_pair;

use std::sync::Arc;

use common::*;
use ferrotls_core::crypto::SupportedCipherSuite;
use ferrotls_core::{
    AlertDescription as A, CipherSuite, Error, NamedGroup, PeerIncompatible, PeerMisbehaved,
    ProtocolVersion, SignatureScheme,
};
use ferrotls_handshake::msgs::{
    ClientExtension, ClientHelloPayload, DOWNGRADE_TLS12, HandshakeMessage, ServerHelloPayload,
};
use ferrotls_handshake::{ClientConfig, Handshake, ServerConfig};
use tls12_pair::{Pair12, Rec};

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;
const TLS13: ProtocolVersion = ProtocolVersion::TLSv1_3;

const ECDSA_SUITES: [CipherSuite; 3] = [
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
];
const RSA_SUITES: [CipherSuite; 3] = [
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];
const GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

fn client12(pki: &Pki) -> ClientConfig {
    let mut c = pki.client_config();
    c.versions = vec![TLS12].into();
    c
}

fn server12(pki: &Pki) -> ServerConfig {
    let mut s = pki.server_config();
    s.versions = vec![TLS12].into();
    s
}

fn decode(m: &[u8]) -> HandshakeMessage {
    HandshakeMessage::decode(m, TLS12).unwrap()
}

fn hs(rec: &Rec) -> &[u8] {
    match rec {
        Rec::Hs(m) => m,
        other => panic!("not a handshake message: {other:?}"),
    }
}

fn client_hello(m: &[u8]) -> ClientHelloPayload {
    match decode(m) {
        HandshakeMessage::ClientHello(ch) => ch,
        other => panic!("not a ClientHello: {other:?}"),
    }
}

fn server_hello(m: &[u8]) -> ServerHelloPayload {
    match decode(m) {
        HandshakeMessage::ServerHello(sh) => sh,
        other => panic!("not a ServerHello: {other:?}"),
    }
}

fn encode_ch(ch: ClientHelloPayload) -> Vec<u8> {
    HandshakeMessage::ClientHello(ch).get_encoding()
}

/// Runs one handshake and checks what both sides agreed on.
fn handshake_ok(pki: &Pki, suite: CipherSuite, group: NamedGroup, schemes: &[SignatureScheme]) {
    let mut c = client12(pki);
    c.cipher_suites = vec![suite].into();
    c.groups = vec![group].into();
    c.signature_schemes = schemes.to_vec().into();
    let mut p = Pair12::new(c, server12(pki));
    p.run()
        .unwrap_or_else(|e| panic!("{suite:?} {group:?}: {e}"));
    p.assert_complete();
    for s in [&p.c.summaries[0], &p.s.summaries[0]] {
        assert_eq!(s.version, TLS12);
        assert_eq!(s.suite.suite(), suite);
        assert_eq!(s.group, Some(group));
        let session = s.tls12_session.as_ref().unwrap();
        assert!(session.extended_master_secret);
        assert_eq!(session.master_secret.len(), 48);
    }
    let (cs, ss) = (&p.c.summaries[0], &p.s.summaries[0]);
    assert_eq!(
        cs.tls12_session.as_ref().unwrap().master_secret,
        ss.tls12_session.as_ref().unwrap().master_secret
    );
    assert!(schemes.contains(&cs.signature_scheme.unwrap()));
    assert_eq!(cs.peer_certificates, pki.server.chain);
    // The same exporter output on both sides (RFC 5705).
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    p.client
        .export_keying_material(b"EXPORTER-test", Some(b"ctx"), &mut a)
        .unwrap();
    p.server
        .export_keying_material(b"EXPORTER-test", Some(b"ctx"), &mut b)
        .unwrap();
    assert_eq!(a, b);
    // Keys fit the suite: 16 or 32 bytes of key, 4 (GCM) or 12 bytes of IV.
    let Some(SupportedCipherSuite::Tls12(s)) = ferrotls_crypto::DEFAULT_PROVIDER.suite(suite)
    else {
        panic!("not a TLS 1.2 suite");
    };
    assert_eq!(p.c.write_keys[0].0.len(), s.aead.key_len());
    assert_eq!(p.c.write_keys[0].1.len(), s.aead_kind.fixed_iv_len());
    assert_ne!(p.c.write_keys[0], p.s.write_keys[0]);
}

#[test]
fn p02_every_ecdsa_suite_group_and_key() {
    for (name, alg) in [
        ("ecdsa-p256", &rcgen::PKCS_ECDSA_P256_SHA256),
        ("ecdsa-p384", &rcgen::PKCS_ECDSA_P384_SHA384),
        ("ed25519", &rcgen::PKCS_ED25519),
    ] {
        let pki = Pki::new(alg);
        for suite in ECDSA_SUITES {
            for group in GROUPS {
                eprintln!("{name} {suite:?} {group:?}");
                handshake_ok(
                    &pki,
                    suite,
                    group,
                    ferrotls_handshake::DEFAULT_SIGNATURE_SCHEMES,
                );
            }
        }
    }
}

#[test]
fn p04_every_rsa_suite_group_with_pss_and_pkcs1() {
    let pki = Pki::new(&rcgen::PKCS_RSA_SHA256);
    let pss = [SignatureScheme::RSA_PSS_RSAE_SHA256];
    let pkcs1 = [SignatureScheme::RSA_PKCS1_SHA256];
    let pkcs1_384 = [SignatureScheme::RSA_PKCS1_SHA384];
    for suite in RSA_SUITES {
        for group in GROUPS {
            handshake_ok(&pki, suite, group, &pss);
            handshake_ok(&pki, suite, group, &pkcs1);
        }
    }
    handshake_ok(&pki, RSA_SUITES[0], GROUPS[0], &pkcs1_384);
}

#[test]
fn p02_suite_follows_the_certificate_key() {
    // A client offering every suite gets ECDHE_RSA from an RSA server and
    // ECDHE_ECDSA from an ECDSA server.
    for (alg, want) in [
        (&rcgen::PKCS_RSA_SHA256, RSA_SUITES[0]),
        (&rcgen::PKCS_ECDSA_P256_SHA256, ECDSA_SUITES[0]),
    ] {
        let pki = Pki::new(alg);
        let mut p = Pair12::new(client12(&pki), server12(&pki));
        p.run().unwrap();
        p.assert_complete();
        assert_eq!(p.c.summaries[0].suite.suite(), want);
    }
}

#[test]
fn p03_hybrid_group_is_never_used_in_tls12() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = client12(&pki);
    c.groups = vec![NamedGroup::X25519MLKEM768, NamedGroup::SECP384R1].into();
    let mut p = Pair12::new(c, server12(&pki));
    p.run().unwrap();
    assert_eq!(p.c.summaries[0].group, Some(NamedGroup::SECP384R1));

    let mut c = client12(&pki);
    c.groups = vec![NamedGroup::X25519MLKEM768].into();
    let mut p = Pair12::new(c, server12(&pki));
    let e = p.client_to_server().unwrap_err();
    assert_eq!(e, PeerIncompatible::NoCommonGroup.into());
}

#[test]
fn p01_one_config_serves_both_versions() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut both = pki.server_config();
    both.versions = vec![TLS13, TLS12].into();
    // A TLS 1.2-only client gets TLS 1.2 ...
    let mut p = Pair12::new(client12(&pki), both.clone());
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.s.summaries[0].version, TLS12);
    // ... and a client offering both gets TLS 1.3.
    let mut c = pki.client_config();
    c.versions = vec![TLS13, TLS12].into();
    let mut p = Pair::new(c, both);
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.s.summary.as_ref().unwrap().version, TLS13);
}

#[test]
fn p01_client_offering_both_talks_to_a_tls12_server() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.versions = vec![TLS13, TLS12].into();
    let mut p = Pair12::new(c, server12(&pki));
    let ch = client_hello(hs(&p.c.outbox[0]));
    assert_eq!(ch.client_version, TLS12);
    assert_eq!(ch.supported_versions(), Some(&[TLS13, TLS12][..]));
    assert!(ch.ems_offered());
    assert_eq!(ch.renegotiation_info(), Some(&[][..]));
    assert!(ch.ec_point_formats().is_some());
    assert!(
        ch.cipher_suites
            .iter()
            .position(|s| *s == CipherSuite::TLS13_AES_128_GCM_SHA256)
            < ch.cipher_suites.iter().position(|s| *s == ECDSA_SUITES[0])
    );
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.c.summaries[0].version, TLS12);
    // A TLS 1.2-only server does not set the sentinel.
    // (checked on a fresh pair, whose ServerHello we can read)
    let mut c = pki.client_config();
    c.versions = vec![TLS13, TLS12].into();
    let mut p = Pair12::new(c, server12(&pki));
    p.client_to_server().unwrap();
    let sh = server_hello(hs(&p.s.outbox[0]));
    assert!(!sh.has_downgrade_sentinel());
}

#[test]
fn p01_tls13_server_sets_downgrade_sentinel_for_tls12_client() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut both = pki.server_config();
    both.versions = vec![TLS13, TLS12].into();
    let mut p = Pair12::new(client12(&pki), both);
    p.client_to_server().unwrap();
    let sh = server_hello(hs(&p.s.outbox[0]));
    assert_eq!(sh.random.0[24..], DOWNGRADE_TLS12);
    // A TLS 1.2-only client does not check it (RFC 8446 4.1.3).
    p.run().unwrap();
    p.assert_complete();
}

#[test]
fn p01_tls13_client_detects_downgrade_sentinel() {
    // An attacker strips TLS 1.3 from the ClientHello; the server (which
    // can do 1.3) answers 1.2 with the sentinel, and the client stops.
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.versions = vec![TLS13, TLS12].into();
    let mut s = pki.server_config();
    s.versions = vec![TLS13, TLS12].into();
    let mut p = Pair12::new(c, s);
    let mut ch = client_hello(hs(&p.c.outbox[0]));
    ch.extensions.retain(|e| {
        !matches!(
            e,
            ClientExtension::SupportedVersions(_)
                | ClientExtension::KeyShare(_)
                | ClientExtension::PskKeyExchangeModes(_)
        )
    });
    let mut out = Vec::new();
    p.server
        .handle_handshake(&encode_ch(ch), p.time, &mut out)
        .unwrap();
    p.s.absorb(out);
    let sh = hs(&p.s.outbox[0]).to_vec();
    let mut out = Vec::new();
    let e = p.client.handle_handshake(&sh, now(), &mut out).unwrap_err();
    assert_eq!(e, PeerMisbehaved::DowngradeDetected.into());
    assert_eq!(e.alert(), Some(A::IllegalParameter));
    assert!(out.is_empty());
}

#[test]
fn s16_client_offering_only_old_versions_gets_protocol_version() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut s = pki.server_config();
    s.versions = vec![TLS13, TLS12].into();
    let mut p = Pair12::new(client12(&pki), s);
    let mut ch = client_hello(hs(&p.c.outbox[0]));
    ch.client_version = ProtocolVersion::TLSv1_1;
    let mut out = Vec::new();
    let e = p
        .server
        .handle_handshake(&encode_ch(ch), p.time, &mut out)
        .unwrap_err();
    assert_eq!(e, PeerIncompatible::NoCommonVersion.into());
    assert_eq!(e.alert(), Some(A::ProtocolVersion));
}

/// Feeds an edited first ClientHello to the server.
fn server_on_edited_hello(
    server: ServerConfig,
    client: ClientConfig,
    edit: impl FnOnce(&mut ClientHelloPayload),
) -> Result<Pair12, Box<(Pair12, Error)>> {
    let mut p = Pair12::new(client, server);
    let mut ch = client_hello(hs(&p.c.outbox[0]));
    edit(&mut ch);
    let mut out = Vec::new();
    let r = p.server.handle_handshake(&encode_ch(ch), p.time, &mut out);
    p.s.absorb(out);
    match r {
        Ok(()) => Ok(p),
        Err(e) => Err(Box::new((p, e))),
    }
}

#[test]
fn p07_extended_master_secret_required_by_default() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let no_ems = |ch: &mut ClientHelloPayload| {
        ch.extensions
            .retain(|e| !matches!(e, ClientExtension::ExtendedMasterSecret))
    };
    let Err(b) = server_on_edited_hello(server12(&pki), client12(&pki), no_ems) else {
        panic!("a client without EMS was accepted");
    };
    let e = b.1;
    assert_eq!(e, PeerIncompatible::ExtendedMasterSecretRequired.into());
    assert_eq!(e.alert(), Some(A::HandshakeFailure));

    // Allowed by configuration on the server: it answers without EMS, and
    // the client (which requires it) refuses the ServerHello.
    let mut s = server12(&pki);
    s.require_ems = false;
    let Ok(mut p) = server_on_edited_hello(s, client12(&pki), no_ems) else {
        panic!("refused although allowed");
    };
    let sh = server_hello(hs(&p.s.outbox[0]));
    assert!(!sh.ems_ack());
    let e = p.server_to_client().unwrap_err();
    assert_eq!(e, PeerIncompatible::ExtendedMasterSecretRequired.into());
}

#[test]
fn r01_tampered_client_hello_fails_finished() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = client12(&pki);
    c.require_ems = false;
    let mut s = server12(&pki);
    s.require_ems = false;
    // The server is told no EMS was offered: both derive the RFC 5246
    // master secret; the Finished messages would differ if they did not.
    let mut p = Pair12::new(c, s);
    let mut ch = client_hello(hs(&p.c.outbox[0]));
    ch.extensions
        .retain(|e| !matches!(e, ClientExtension::ExtendedMasterSecret));
    // The client's transcript holds the original hello, so a tampered one
    // must fail the Finished check: the transcript protects the hello.
    p.c.outbox[0] = Rec::Hs(encode_ch(ch));
    let e = p.run().unwrap_err();
    assert_eq!(e, PeerMisbehaved::BadFinished.into());
    assert_eq!(e.alert(), Some(A::DecryptError));
}

#[test]
fn s11_renegotiation_info_is_required() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let Err(b) = server_on_edited_hello(server12(&pki), client12(&pki), |ch| {
        ch.extensions
            .retain(|e| !matches!(e, ClientExtension::RenegotiationInfo(_)))
    }) else {
        panic!("legacy client accepted");
    };
    let e = b.1;
    assert_eq!(e, PeerIncompatible::SecureRenegotiationRequired.into());
    assert_eq!(e.alert(), Some(A::HandshakeFailure));

    // The SCSV instead of the extension is fine (RFC 5746 3.3).
    let Ok(mut p) = server_on_edited_hello(server12(&pki), client12(&pki), |ch| {
        ch.extensions
            .retain(|e| !matches!(e, ClientExtension::RenegotiationInfo(_)));
        ch.cipher_suites
            .push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    }) else {
        panic!("SCSV refused");
    };
    assert!(server_hello(hs(&p.s.outbox[0])).renegotiation_info() == Some(&[][..]));
    // A non-empty renegotiation_info on a first handshake is refused.
    let Err(b) = server_on_edited_hello(server12(&pki), client12(&pki), |ch| {
        for e in &mut ch.extensions {
            if let ClientExtension::RenegotiationInfo(p) = e {
                p.0 = vec![1; 12];
            }
        }
    }) else {
        panic!("bogus renegotiation_info accepted");
    };
    let e = b.1;
    assert_eq!(e, PeerIncompatible::SecureRenegotiationRequired.into());

    // The client refuses a server without the extension.
    let e = {
        p.c.outbox.clear();
        let mut sh = server_hello(hs(&p.s.outbox[0]));
        sh.extensions.retain(|e| {
            !matches!(
                e,
                ferrotls_handshake::msgs::ServerExtension::RenegotiationInfo(_)
            )
        });
        let mut out = Vec::new();
        p.client
            .handle_handshake(
                &HandshakeMessage::ServerHello(sh).get_encoding(),
                now(),
                &mut out,
            )
            .unwrap_err()
    };
    assert_eq!(e, PeerIncompatible::SecureRenegotiationRequired.into());
}

#[test]
fn p06_client_authentication_in_tls12() {
    for alg in [&rcgen::PKCS_ECDSA_P256_SHA256, &rcgen::PKCS_RSA_SHA256] {
        let pki = Pki::new(alg);
        let mut c = client12(&pki);
        c.client_auth_cert = Some(pki.client.clone());
        let mut s = pki.server_config_client_auth(true);
        s.versions = vec![TLS12].into();
        let mut p = Pair12::new(c, s);
        p.run().unwrap();
        p.assert_complete();
        assert_eq!(p.s.summaries[0].peer_certificates, pki.client.chain);
        assert!(p.s.summaries[0].signature_scheme.is_some());
    }
}

#[test]
fn p06_mandatory_client_auth_without_certificate_fails() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut s = pki.server_config_client_auth(true);
    s.versions = vec![TLS12].into();
    let mut p = Pair12::new(client12(&pki), s);
    let e = p.run().unwrap_err();
    // handshake_failure in TLS 1.2, as OpenSSL sends (certificate_required
    // is a TLS 1.3 alert).
    assert_eq!(e, PeerIncompatible::ClientCertificateRequired.into());
    assert_eq!(
        e.alert(),
        Some(ferrotls_core::AlertDescription::HandshakeFailure)
    );

    // Optional: the handshake completes without a client identity.
    let mut s = pki.server_config_client_auth(false);
    s.versions = vec![TLS12].into();
    let mut p = Pair12::new(client12(&pki), s);
    p.run().unwrap();
    p.assert_complete();
    assert!(p.s.summaries[0].peer_certificates.is_empty());
}

#[test]
fn r01_tampered_finished_is_decrypt_error() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair12::new(client12(&pki), server12(&pki));
    p.client_to_server().unwrap();
    p.server_to_client().unwrap();
    // Client flight: CKE, CCS, Finished.
    let last = p.c.outbox.len() - 1;
    let Rec::Hs(fin) = &mut p.c.outbox[last] else {
        panic!("no Finished");
    };
    fin[4] ^= 1;
    let e = p.client_to_server().unwrap_err();
    assert_eq!(e, PeerMisbehaved::BadFinished.into());
    assert_eq!(e.alert(), Some(A::DecryptError));
}

#[test]
fn r01_change_cipher_spec_out_of_place_is_unexpected_message() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair12::new(client12(&pki), server12(&pki));
    p.client_to_server().unwrap();
    let mut out = Vec::new();
    let e = p.server.handle_change_cipher_spec(&mut out).unwrap_err();
    assert_eq!(e.alert(), Some(A::UnexpectedMessage));
    // Finished before ChangeCipherSpec is refused too.
    let mut p = Pair12::new(client12(&pki), server12(&pki));
    p.client_to_server().unwrap();
    p.server_to_client().unwrap();
    let recs = std::mem::take(&mut p.c.outbox);
    let mut out = Vec::new();
    p.server
        .handle_handshake(hs(&recs[0]), now(), &mut out)
        .unwrap();
    let e = p
        .server
        .handle_handshake(hs(&recs[2]), now(), &mut out)
        .unwrap_err();
    assert_eq!(e.alert(), Some(A::UnexpectedMessage));
}

#[test]
fn r01_server_key_exchange_signature_is_checked() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair12::new(client12(&pki), server12(&pki));
    p.client_to_server().unwrap();
    // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone.
    let Rec::Hs(ske) = &mut p.s.outbox[2] else {
        panic!()
    };
    let n = ske.len();
    ske[n - 1] ^= 1;
    let e = p.server_to_client().unwrap_err();
    assert_eq!(e.alert(), Some(A::DecryptError), "{e}");
}

#[test]
fn r01_hello_request_during_handshake_is_ignored() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair12::new(client12(&pki), server12(&pki));
    p.client_to_server().unwrap();
    p.s.outbox.insert(1, Rec::Hs(vec![0, 0, 0, 0]));
    p.run().unwrap();
    p.assert_complete();
}

#[test]
fn tls12_config_checks() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = client12(&pki);
    c.cipher_suites = vec![CipherSuite::TLS13_AES_128_GCM_SHA256].into();
    let mut out = Vec::new();
    let r = Handshake::new_client(Arc::new(c), Some(server_name()), &mut out);
    assert!(matches!(r, Err(Error::ApiMisuse(_))));
    // A TLS 1.2-only ClientHello has no TLS 1.3 parts.
    let p = Pair12::new(client12(&pki), server12(&pki));
    let ch = client_hello(hs(&p.c.outbox[0]));
    assert!(ch.supported_versions().is_none());
    assert!(ch.key_shares().is_none());
    assert!(ch.session_id.is_empty());
    assert!(
        ch.cipher_suites
            .iter()
            .all(|s| !s.get().to_be_bytes().starts_with(&[0x13]))
    );
}
