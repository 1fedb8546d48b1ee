//! TLS 1.2 secure renegotiation (RFC 5746, SPEC S11 and P08): started by
//! either side, new keys each time, strict renegotiation_info, the
//! policy (refusal, rate limit), and refusal of a certificate change.

mod common;
mod tls12_pair;

use common::*;
use ferrotls_core::{AlertDescription as A, Error, PeerIncompatible, ProtocolVersion, UnixTime};
use ferrotls_handshake::msgs::{ClientExtension, HandshakeMessage};
use ferrotls_handshake::{ClientConfig, ServerConfig};
use tls12_pair::{Pair12, Rec};

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;

fn configs(pki: &Pki) -> (ClientConfig, ServerConfig) {
    let mut c = pki.client_config();
    c.versions = vec![TLS12].into();
    let mut s = pki.server_config();
    s.versions = vec![TLS12].into();
    (c, s)
}

fn connected(pki: &Pki) -> Pair12 {
    let (c, s) = configs(pki);
    let mut p = Pair12::new(c, s);
    p.run().unwrap();
    p.assert_complete();
    p
}

#[test]
fn s11_client_initiated_renegotiation() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = connected(&pki);
    p.renegotiate(true).unwrap();
    assert!(p.client.is_handshaking() && p.client.is_renegotiating());
    // The connection in use is still described while renegotiating.
    assert!(p.client.summary().is_some());
    assert!(
        p.client
            .acceptable_content_types()
            .contains(&ferrotls_core::ContentType::ApplicationData)
    );
    let ch = match HandshakeMessage::decode(
        match &p.c.outbox[0] {
            Rec::Hs(m) => m,
            _ => panic!(),
        },
        TLS12,
    )
    .unwrap()
    {
        HandshakeMessage::ClientHello(ch) => ch,
        _ => panic!(),
    };
    assert_eq!(ch.renegotiation_info().map(<[u8]>::len), Some(12));
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.c.write_keys.len(), 2);
    assert_ne!(p.c.write_keys[0], p.c.write_keys[1]);
    assert_eq!(p.c.summaries.len(), 2);
    // Twice more.
    for _ in 0..2 {
        p.renegotiate(true).unwrap();
        p.run().unwrap();
        p.assert_complete();
    }
    assert_eq!(p.s.summaries.len(), 4);
}

#[test]
fn s11_server_initiated_renegotiation() {
    let pki = Pki::new(&rcgen::PKCS_RSA_SHA256);
    let mut p = connected(&pki);
    p.renegotiate(false).unwrap();
    assert_eq!(p.s.outbox, vec![Rec::Hs(vec![0, 0, 0, 0])]);
    // The server is not handshaking until the ClientHello arrives.
    assert!(!p.server.is_handshaking());
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.s.summaries.len(), 2);
    assert_eq!(p.c.read_keys.len(), 2);
}

#[test]
fn s11_renegotiation_with_client_auth_keeps_identity() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut c = pki.client_config();
    c.versions = vec![TLS12].into();
    c.client_auth_cert = Some(pki.client.clone());
    let mut s = pki.server_config_client_auth(true);
    s.versions = vec![TLS12].into();
    let mut p = Pair12::new(c, s);
    p.run().unwrap();
    p.renegotiate(true).unwrap();
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.s.summaries[1].peer_certificates, pki.client.chain);
}

#[test]
fn s11_no_renegotiation_policy_declines_with_warning() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (c, mut s) = configs(&pki);
    s.renegotiation.accept_peer_requests = false;
    let mut p = Pair12::new(c, s);
    p.run().unwrap();
    p.renegotiate(true).unwrap();
    p.client_to_server().unwrap();
    assert_eq!(p.s.outbox, vec![Rec::Alert(vec![1, 100])]);
    assert!(!p.server.is_handshaking());
    // The client goes back to the connection it had.
    p.server_to_client().unwrap();
    assert!(!p.client.is_handshaking());
    assert_eq!(p.c.summaries.len(), 1);

    // A client refusing HelloRequest answers the same way.
    let (mut c, s) = configs(&pki);
    c.renegotiation.accept_peer_requests = false;
    let mut p = Pair12::new(c, s);
    p.run().unwrap();
    p.renegotiate(false).unwrap();
    p.server_to_client().unwrap();
    assert_eq!(p.c.outbox, vec![Rec::Alert(vec![1, 100])]);
    assert!(!p.client.is_handshaking());
}

#[test]
fn s11_peer_renegotiation_rate_limit() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (c, mut s) = configs(&pki);
    s.renegotiation.max_per_window = 2;
    s.renegotiation.window_secs = 60;
    let mut p = Pair12::new(c, s);
    p.time = UnixTime::from_secs(1_000_000_000);
    p.run().unwrap();
    for _ in 0..2 {
        p.renegotiate(true).unwrap();
        p.run().unwrap();
        p.assert_complete();
    }
    p.renegotiate(true).unwrap();
    p.client_to_server().unwrap();
    assert_eq!(p.s.outbox, vec![Rec::Alert(vec![1, 100])]);
    p.run().unwrap();
    assert_eq!(p.s.summaries.len(), 3);
    // A minute later it is allowed again.
    p.time = UnixTime::from_secs(1_000_000_061);
    p.renegotiate(true).unwrap();
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.s.summaries.len(), 4);
    // A renegotiation the server asked for is never limited.
    let (c, mut s) = configs(&pki);
    s.renegotiation.max_per_window = 0;
    let mut p = Pair12::new(c, s);
    p.run().unwrap();
    p.renegotiate(false).unwrap();
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.s.summaries.len(), 2);
}

#[test]
fn s11_wrong_renegotiation_info_is_refused() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = connected(&pki);
    p.renegotiate(true).unwrap();
    let Rec::Hs(m) = &p.c.outbox[0] else { panic!() };
    let HandshakeMessage::ClientHello(mut ch) = HandshakeMessage::decode(m, TLS12).unwrap() else {
        panic!()
    };
    for e in &mut ch.extensions {
        if let ClientExtension::RenegotiationInfo(p) = e {
            p.0[0] ^= 1;
        }
    }
    p.c.outbox[0] = Rec::Hs(HandshakeMessage::ClientHello(ch.clone()).get_encoding());
    let e = p.client_to_server().unwrap_err();
    assert_eq!(e, PeerIncompatible::SecureRenegotiationRequired.into());
    assert_eq!(e.alert(), Some(A::HandshakeFailure));

    // Without the extension (a legacy renegotiation) it is refused too.
    let mut p = connected(&pki);
    ch.extensions
        .retain(|e| !matches!(e, ClientExtension::RenegotiationInfo(_)));
    let mut out = Vec::new();
    let e = p
        .server
        .handle_handshake(
            &HandshakeMessage::ClientHello(ch).get_encoding(),
            now(),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e, PeerIncompatible::SecureRenegotiationRequired.into());
}

#[test]
fn s11_server_certificate_change_refused_unless_allowed() {
    // The client trusts two CAs; during renegotiation an attacker-free
    // but different server certificate is substituted.
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let other = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut roots = ferrotls_pki::RootCertStore::new();
    roots.add(&pki.ca).unwrap();
    roots.add(&other.ca).unwrap();
    let roots = std::sync::Arc::new(roots);
    let verifier =
        ferrotls_pki::WebPkiServerVerifier::builder(roots, &ferrotls_crypto::DEFAULT_PROVIDER)
            .build();
    for allow in [false, true] {
        let mut c = ClientConfig::new(&ferrotls_crypto::DEFAULT_PROVIDER, verifier.clone());
        c.versions = vec![TLS12].into();
        c.renegotiation.allow_cert_change = allow;
        let (_, s) = configs(&pki);
        let mut p = Pair12::new(c, s);
        p.run().unwrap();
        p.renegotiate(true).unwrap();
        p.client_to_server().unwrap();
        // ServerHello, Certificate, ...: swap the chain.
        let mut body = Vec::new();
        ferrotls_handshake::msgs::CertificatePayload(other.server.chain.clone()).encode(&mut body);
        let mut m = vec![11, 0, 0, 0];
        m[1..4].copy_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(&body);
        p.s.outbox[1] = Rec::Hs(m);
        let e = p.server_to_client().unwrap_err();
        if allow {
            // Past the certificate, the stale signature fails instead.
            assert_eq!(e.alert(), Some(A::DecryptError), "{e}");
        } else {
            assert_eq!(e.alert(), Some(A::IllegalParameter), "{e}");
        }
    }
}

#[test]
fn s11_tls13_has_no_renegotiation() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut p = Pair::new(pki.client_config(), pki.server_config());
    p.run().unwrap();
    let mut out = Vec::new();
    assert_eq!(
        p.client.renegotiate(&mut out),
        Err(Error::NotSupported("renegotiation in TLS 1.3"))
    );
    assert!(!p.client.is_handshaking());
}
