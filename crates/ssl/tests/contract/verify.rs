//! Verify modes, result codes, callback, mutual TLS, ALPN and the getters.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ferrotls::{ErrorCode, SslContext, SslMethod, VerifyMode, X509_V_OK};

use crate::util::*;

fn untrusting_client(mode: VerifyMode) -> ferrotls::SslContextBuilder {
    let mut b = SslContext::builder(SslMethod::tls_client());
    b.set_verify(mode);
    b
}

#[test]
fn verify_none_records_result_and_continues() {
    let cctx = untrusting_client(VerifyMode::NONE).build().unwrap();
    let mut p = mem_pair(&cctx, &server_ctx());
    handshake(&mut p);
    assert_eq!(p.client.verify_result(), 20, "unable to get local issuer");
}

#[test]
fn set1_host_mismatch_fails_with_hostname_code() {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    p.client.set1_host("wrong.example").unwrap();
    assert!(client_fails(&mut p));
    assert_eq!(p.client.verify_result(), 62, "X509_V_ERR_HOSTNAME_MISMATCH");
}

#[test]
fn sni_alone_does_not_check_the_name() {
    // As in OpenSSL: SSL_set_tlsext_host_name does not imply SSL_set1_host.
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    p.client.set_hostname("not-in-cert.example").unwrap();
    handshake(&mut p);
    assert_eq!(p.client.verify_result(), X509_V_OK);
    assert_eq!(p.server.servername(), Some("not-in-cert.example"));
}

#[test]
fn verify_callback_can_override_and_reject() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let mut b = untrusting_client(VerifyMode::NONE);
    b.set_verify_callback(VerifyMode::PEER, move |ok, ctx| {
        c2.fetch_add(1, Ordering::SeqCst);
        assert!(!ok);
        assert_eq!(ctx.error, 20);
        assert_eq!(ctx.error_depth, 0);
        true
    });
    let mut p = mem_pair(&b.build().unwrap(), &server_ctx());
    handshake(&mut p);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(p.client.verify_result(), 20, "original code kept");

    // A callback that rejects a good chain.
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    p.client.set_verify_callback(VerifyMode::PEER, |ok, _| {
        assert!(ok);
        false
    });
    assert!(client_fails(&mut p));
    assert_eq!(
        p.client.verify_result(),
        50,
        "X509_V_ERR_APPLICATION_VERIFICATION"
    );
}

fn mtls_server(mode: VerifyMode) -> SslContext {
    let mut b = server_builder();
    let ca = ferrotls_pki_certs(&pki().ca_pem);
    b.add_trust_anchor(&ca[0]).unwrap();
    b.set_verify(mode);
    b.build().unwrap()
}

#[test]
fn mutual_tls_with_client_certificate() {
    let mut cb = client_builder();
    cb.set_certificate_chain_pem(pki().client_chain_pem.as_bytes())
        .unwrap();
    cb.set_private_key_pem(pki().client_key_pem.as_bytes())
        .unwrap();
    let sctx = mtls_server(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
    let mut p = mem_pair(&cb.build().unwrap(), &sctx);
    handshake(&mut p);
    assert!(p.server.peer_certificate().is_some());
    assert_eq!(p.server.verify_result(), X509_V_OK);
    assert_eq!(p.client.peer_cert_chain().len(), 1);
}

#[test]
fn fail_if_no_peer_cert_refuses_anonymous_client() {
    let sctx = mtls_server(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
    let mut p = mem_pair(&client_ctx(), &sctx);
    let mut server_code = ErrorCode::None;
    for _ in 0..10 {
        let _ = p.client.do_handshake();
        let r = p.server.do_handshake();
        server_code = p.server.get_error(r);
        if server_code == ErrorCode::Ssl {
            break;
        }
    }
    assert_eq!(server_code, ErrorCode::Ssl);
}

#[test]
fn alpn_and_getters() {
    let mut cb = client_builder();
    cb.set_alpn_protos(b"\x02h2\x08http/1.1").unwrap();
    let mut sb = server_builder();
    sb.set_alpn_protocols(&[b"http/1.1"]).unwrap();
    let mut p = mem_pair(&cb.build().unwrap(), &sb.build().unwrap());
    handshake(&mut p);
    assert_eq!(p.client.selected_alpn(), Some(&b"http/1.1"[..]));
    assert_eq!(p.server.selected_alpn(), Some(&b"http/1.1"[..]));
    let c = p.client.current_cipher().unwrap();
    assert!(c.name().starts_with("TLS_"), "{}", c.name());
    assert_eq!(c.version(), "TLSv1.3");
    assert_eq!(p.client.version(), Some(ferrotls::SslVersion::Tls13));
    assert!(p.client.negotiated_group().is_some());
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    p.client
        .export_keying_material(&mut a, b"EXPORTER-test", None)
        .unwrap();
    p.server
        .export_keying_material(&mut b, b"EXPORTER-test", None)
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn configured_suite_and_group_are_used() {
    let mut cb = client_builder();
    cb.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256").unwrap();
    cb.set_groups_list("P-256").unwrap();
    let mut p = mem_pair(&cb.build().unwrap(), &server_ctx());
    handshake(&mut p);
    assert_eq!(
        p.client.current_cipher().unwrap().name(),
        "TLS_CHACHA20_POLY1305_SHA256"
    );
    assert_eq!(
        p.server.negotiated_group(),
        Some(ferrotls::core_types::NamedGroup::SECP256R1)
    );
    assert!(
        SslContext::builder(SslMethod::tls())
            .set_groups_list("ffdhe2048")
            .is_err()
    );
}

/// Runs the handshake until the client fails (true) or both finish.
fn client_fails(p: &mut MemPair) -> bool {
    for _ in 0..10 {
        let r = p.client.do_handshake();
        let s = p.server.do_handshake();
        if p.client.get_error(r) == ErrorCode::Ssl {
            return true;
        }
        if r == 1 && s == 1 {
            return false;
        }
    }
    panic!("handshake neither failed nor finished");
}

/// P05: ferrotls remembers the CA signatures it has verified, and a chain
/// met again is still checked in full on every connection: after the
/// trusting client has accepted the server's chain, a context that does
/// not trust the CA refuses the same chain (20) and a host the leaf is
/// not for is refused (62); the trusting client with the right host
/// still accepts it.
#[test]
fn p05_remembered_signatures_skip_no_trust_or_name_check() {
    let accepted = |cctx: &SslContext| {
        let mut p = mem_pair(cctx, &server_ctx());
        p.client.set1_host("localhost").unwrap();
        let failed = client_fails(&mut p);
        (failed, p.client.verify_result())
    };
    assert_eq!(accepted(&client_ctx()), (false, X509_V_OK));
    let untrusting = untrusting_client(VerifyMode::PEER).build().unwrap();
    assert_eq!(
        accepted(&untrusting),
        (true, 20),
        "unable to get local issuer"
    );
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    p.client.set1_host("wrong.example").unwrap();
    assert!(client_fails(&mut p));
    assert_eq!(p.client.verify_result(), 62, "X509_V_ERR_HOSTNAME_MISMATCH");
    assert_eq!(accepted(&client_ctx()), (false, X509_V_OK));
}
