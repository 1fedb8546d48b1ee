//! The servername and ALPN select callbacks on a TLS 1.2 connection (SPEC
//! P08), over memory BIOs: the servername callback may switch the
//! connection to another context before the certificate decides the
//! suite; the ALPN callback chooses, declines or refuses; a list mismatch
//! is no_application_protocol.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

use std::sync::{Arc, Mutex};

use ferrotls::core_types::{AlertDescription, Error};
use ferrotls::{
    AlpnDecision, SniResult, SslContext, SslContextBuilder, SslMethod, SslVersion, VerifyMode,
};

use util::*;

/// A server context that answers with TLS 1.2 only.
fn server12(mut b: SslContextBuilder) -> SslContext {
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.build().unwrap()
}

/// A context holding a self-signed RSA certificate for `name` (the
/// default test certificate is ECDSA), and the certificate's DER.
fn rsa_ctx(name: &str) -> (SslContext, Vec<u8>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec![name.to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let mut b = SslContext::builder(SslMethod::tls_server());
    b.set_certificate_chain_pem(cert.pem().as_bytes()).unwrap();
    b.set_private_key_pem(key.serialize_pem().as_bytes())
        .unwrap();
    (b.build().unwrap(), cert.der().to_vec())
}

/// The names a servername callback was called with.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

/// A TLS 1.2 server whose callback switches "other.example" to an RSA
/// context, keeps "localhost" and refuses other names; and the names the
/// callback saw.
fn sni_server() -> (SslContext, Vec<u8>, Seen) {
    let (other, der) = rsa_ctx("other.example");
    let seen = Seen::default();
    let seen2 = seen.clone();
    let mut b = server_builder();
    b.set_servername_callback(move |name| {
        seen2.lock().unwrap().push(name.map(str::to_owned));
        match name {
            Some("other.example") => SniResult::Ok(Some(other.clone())),
            Some("localhost") => SniResult::Ok(None),
            _ => SniResult::AlertFatal(AlertDescription::UnrecognizedName),
        }
    });
    (server12(b), der, seen)
}

fn handshake_error(p: &mut MemPair) -> (Option<Error>, Option<Error>) {
    for _ in 0..20 {
        let c = p.client.do_handshake();
        let s = p.server.do_handshake();
        if (c == 1 && s == 1) || (c != 1 && !p.client.get_error(c).is_want()) {
            break;
        }
    }
    (
        p.client.fatal_error().cloned(),
        p.server.fatal_error().cloned(),
    )
}

#[test]
fn p08_tls12_servername_callback_switches_context_and_suite() {
    let (sctx, other_der, seen) = sni_server();
    let mut cb = SslContext::builder(SslMethod::tls_client());
    cb.set_verify(VerifyMode::NONE);
    let cctx = cb.build().unwrap();

    let mut p = mem_pair(&cctx, &sctx);
    p.client.set_hostname("other.example").unwrap();
    handshake(&mut p);
    assert_eq!(p.client.version(), Some(SslVersion::Tls12));
    assert_eq!(
        p.client.peer_certificate().unwrap().as_ref(),
        &other_der[..]
    );
    // The switched-to key is RSA: only a callback run before the suite
    // choice gives an ECDHE_RSA suite.
    let cipher = p.client.current_cipher().unwrap().name();
    assert!(cipher.starts_with("ECDHE-RSA-"), "{cipher}");
    assert_eq!(p.server.servername(), Some("other.example"));
    assert!(p.server.switched_context().is_some());
    assert_eq!(*seen.lock().unwrap(), [Some("other.example".to_owned())]);

    // The default name keeps the default (ECDSA) certificate.
    let mut p = mem_pair(&cctx, &sctx);
    handshake(&mut p);
    assert_ne!(
        p.client.peer_certificate().unwrap().as_ref(),
        &other_der[..]
    );
    let cipher = p.client.current_cipher().unwrap().name();
    assert!(cipher.starts_with("ECDHE-ECDSA-"), "{cipher}");
    assert!(p.server.switched_context().is_none());
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn p08_tls12_servername_callback_fatal_sends_unrecognized_name() {
    let (sctx, _, seen) = sni_server();
    let mut p = mem_pair(&client_ctx(), &sctx);
    p.client.set_hostname("unknown.example").unwrap();
    let (c, s) = handshake_error(&mut p);
    assert_eq!(
        c,
        Some(Error::AlertReceived(AlertDescription::UnrecognizedName))
    );
    assert!(s.is_some());
    assert_eq!(*seen.lock().unwrap(), [Some("unknown.example".to_owned())]);
}

/// A TLS 1.2 pair whose server's ALPN callback answers `decision` to a
/// client offering h2 and http/1.1; and what the callback saw.
fn alpn_pair(decision: AlpnDecision) -> (MemPair, Vec<Vec<u8>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut sb = server_builder();
    // The callback decides, not the context's own list.
    sb.set_alpn_protos(b"\x02h2").unwrap();
    let seen2 = seen.clone();
    sb.set_alpn_select_callback(move |offered| {
        *seen2.lock().unwrap() = offered.iter().map(|p| p.to_vec()).collect();
        decision.clone()
    });
    let mut cb = client_builder();
    cb.set_alpn_protos(b"\x02h2\x08http/1.1").unwrap();
    let mut p = mem_pair(&cb.build().unwrap(), &server12(sb));
    let _ = handshake_error(&mut p);
    let seen = seen.lock().unwrap().clone();
    (p, seen)
}

#[test]
fn p08_tls12_alpn_select_callback_select_noack_fatal() {
    let offered = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let (p, seen) = alpn_pair(AlpnDecision::Select(b"http/1.1".to_vec()));
    assert_eq!(seen, offered);
    assert_eq!(p.client.version(), Some(SslVersion::Tls12));
    assert_eq!(p.client.selected_alpn(), Some(&b"http/1.1"[..]));
    assert_eq!(p.server.selected_alpn(), Some(&b"http/1.1"[..]));

    let (p, seen) = alpn_pair(AlpnDecision::NoAck);
    assert_eq!(seen, offered);
    assert!(p.client.is_init_finished() && p.server.is_init_finished());
    assert_eq!(p.client.selected_alpn(), None);

    let (p, seen) = alpn_pair(AlpnDecision::Fatal);
    assert_eq!(seen, offered);
    assert_eq!(
        p.client.fatal_error(),
        Some(&Error::AlertReceived(
            AlertDescription::NoApplicationProtocol
        ))
    );
}

#[test]
fn p08_tls12_alpn_list_mismatch_is_no_application_protocol() {
    let mut sb = server_builder();
    sb.set_alpn_protos(b"\x06spdy/1").unwrap();
    let mut cb = client_builder();
    cb.set_alpn_protos(b"\x02h2").unwrap();
    let mut p = mem_pair(&cb.build().unwrap(), &server12(sb));
    let (c, _) = handshake_error(&mut p);
    assert_eq!(
        c,
        Some(Error::AlertReceived(
            AlertDescription::NoApplicationProtocol
        ))
    );
}
