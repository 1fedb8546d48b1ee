//! The server's SNI and ALPN hooks in TLS 1.2 (SPEC P08), called as in
//! TLS 1.3: the SNI hook before the certificate decides the suite, on
//! first handshakes and renegotiations; the ALPN hook instead of the
//! configured list; a mismatch is no_application_protocol.

mod common;
mod tls12_pair;

use std::sync::{Arc, Mutex};

use common::*;
use ferrotls_core::crypto::{SignatureKind, SupportedCipherSuite};
use ferrotls_core::{AlertDescription as A, ExtensionType, PeerIncompatible, ProtocolVersion};
use ferrotls_handshake::msgs::{HandshakeMessage, ServerHelloPayload};
use ferrotls_handshake::{
    AlpnDecision, ClientConfig, ResolvesServerCert, SelectsAlpn, ServerConfig, SniDecision,
};
use tls12_pair::{Pair12, Rec};

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;

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

/// The names an SNI hook was called with.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

/// What an SNI hook answers for a name.
type Answer = Box<dyn Fn(Option<&str>) -> SniDecision + Send + Sync>;

/// An SNI hook answering from a closure and recording every name it saw.
struct Sni {
    seen: Seen,
    answer: Answer,
}

impl Sni {
    fn new(
        answer: impl Fn(Option<&str>) -> SniDecision + Send + Sync + 'static,
    ) -> (Arc<Self>, Seen) {
        let seen = Seen::default();
        let hook = Arc::new(Self {
            seen: seen.clone(),
            answer: Box::new(answer),
        });
        (hook, seen)
    }
}

impl ResolvesServerCert for Sni {
    fn resolve(&self, name: Option<&str>) -> SniDecision {
        self.seen.lock().unwrap().push(name.map(str::to_owned));
        (self.answer)(name)
    }
}

/// The server's first message (its ServerHello) in a pair's record log.
fn first_server_hello(p: &Pair12) -> ServerHelloPayload {
    let Some(Rec::Hs(m)) = p.s.sent.iter().find(|r| matches!(r, Rec::Hs(_))) else {
        panic!("the server sent no handshake message");
    };
    match HandshakeMessage::decode(m, TLS12).unwrap() {
        HandshakeMessage::ServerHello(sh) => sh,
        other => panic!("not a ServerHello: {other:?}"),
    }
}

#[test]
fn p08_tls12_sni_hook_switches_certificate_before_the_suite() {
    // The default certificate is ECDSA; the hook switches to an RSA one.
    // Only a hook run before the suite choice gives ECDHE_RSA, and the
    // client (trusting only the RSA certificate's CA) accepts the chain.
    let default = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let other = Pki::new(&rcgen::PKCS_RSA_SHA256);
    let switched = other.server.clone();
    let (hook, seen) = Sni::new(move |name| match name {
        Some(SERVER_NAME) => SniDecision::Ok(Some(switched.clone())),
        _ => SniDecision::Fatal(A::UnrecognizedName),
    });
    let mut server = server12(&default);
    server.cert_resolver = Some(hook);
    let mut p = Pair12::new(client12(&other), server);
    p.run().unwrap();
    p.assert_complete();
    let cs = &p.c.summaries[0];
    assert_eq!(cs.peer_certificates, other.server.chain);
    let SupportedCipherSuite::Tls12(suite) = cs.suite else {
        panic!("not TLS 1.2: {:?}", cs.suite);
    };
    assert_eq!(suite.sign, SignatureKind::RsaPkcs1, "{:?}", suite.suite);
    assert!(
        first_server_hello(&p)
            .find_extension(ExtensionType::ServerName)
            .is_some(),
        "SniDecision::Ok acknowledges the name"
    );
    assert_eq!(*seen.lock().unwrap(), [Some(SERVER_NAME.to_owned())]);

    // A renegotiation calls the hook again (OpenSSL calls the servername
    // callback on every ClientHello).
    p.renegotiate(false).unwrap();
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.c.summaries.len(), 2);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn p08_tls12_sni_hook_noack_keeps_the_default_certificate() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (hook, seen) = Sni::new(|_| SniDecision::NoAck(None));
    let mut server = server12(&pki);
    server.cert_resolver = Some(hook);
    let mut p = Pair12::new(client12(&pki), server);
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(p.c.summaries[0].peer_certificates, pki.server.chain);
    assert!(
        first_server_hello(&p)
            .find_extension(ExtensionType::ServerName)
            .is_none(),
        "SniDecision::NoAck sends no server_name"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn p08_tls12_sni_hook_fatal_is_unrecognized_name() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (hook, _) = Sni::new(|_| SniDecision::Fatal(A::UnrecognizedName));
    let mut server = server12(&pki);
    server.cert_resolver = Some(hook);
    let mut p = Pair12::new(client12(&pki), server);
    let err = p.run().unwrap_err();
    assert_eq!(err, PeerIncompatible::UnrecognizedName.into());
    assert_eq!(err.alert(), Some(A::UnrecognizedName));
    assert!(p.s.sent.is_empty(), "no ServerHello before the refusal");
}

struct Alpn(AlpnDecision, Arc<Mutex<Vec<Vec<u8>>>>);

impl SelectsAlpn for Alpn {
    fn select(&self, offered: &[&[u8]]) -> AlpnDecision {
        *self.1.lock().unwrap() = offered.iter().map(|p| p.to_vec()).collect();
        self.0.clone()
    }
}

#[test]
fn p08_tls12_alpn_select_hook_select_noack_fatal() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let run = |d: AlpnDecision| {
        let mut client = client12(&pki);
        client.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let mut server = server12(&pki);
        // The hook decides, not the configured list.
        server.alpn_protocols = vec![b"h2".to_vec()];
        let seen = Arc::new(Mutex::new(Vec::new()));
        server.alpn_selector = Some(Arc::new(Alpn(d, seen.clone())));
        let mut p = Pair12::new(client, server);
        let r = p.run();
        assert_eq!(
            *seen.lock().unwrap(),
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        r.map(|()| {
            p.assert_complete();
            let (c, s) = (&p.c.summaries[0], &p.s.summaries[0]);
            assert_eq!(c.alpn, s.alpn);
            c.alpn.clone()
        })
    };
    assert_eq!(
        run(AlpnDecision::Select(b"http/1.1".to_vec())).unwrap(),
        Some(b"http/1.1".to_vec())
    );
    assert_eq!(run(AlpnDecision::NoAck).unwrap(), None);
    let err = run(AlpnDecision::Fatal).unwrap_err();
    assert_eq!(err, PeerIncompatible::NoApplicationProtocol.into());
    assert_eq!(err.alert(), Some(A::NoApplicationProtocol));
    // A protocol the client never offered is the hook's error.
    let err = run(AlpnDecision::Select(b"spdy".to_vec())).unwrap_err();
    assert_eq!(err.alert(), Some(A::InternalError));
}

#[test]
fn p08_tls12_alpn_list_mismatch_is_no_application_protocol() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut client = client12(&pki);
    client.alpn_protocols = vec![b"h2".to_vec()];
    let mut server = server12(&pki);
    server.alpn_protocols = vec![b"spdy/1".to_vec()];
    let mut p = Pair12::new(client, server);
    let err = p.run().unwrap_err();
    assert_eq!(err.alert(), Some(A::NoApplicationProtocol));
}
