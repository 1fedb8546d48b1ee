//! The servername and ALPN select callbacks on a TLS 1.2 connection (SPEC
//! P08), over memory BIOs: the servername callback may switch the
//! connection to another context before the certificate decides the
//! suite; the ALPN callback chooses, declines or refuses; a list mismatch
//! is no_application_protocol.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

mod common;

use ferrotls::core_types::{AlertDescription, Error};
use ferrotls::{AlpnDecision, SslContext, SslMethod, SslVersion, VerifyMode};

use common::mem::{alpn_mismatch_error, handshake_error, sni_server};
use util::*;

const TLS12: Option<SslVersion> = Some(SslVersion::Tls12);

/// The SNI server of these tests: the switched-to certificate is RSA, so
/// the suite shows whether the callback ran before the suite choice.
fn sni_server12() -> (SslContext, Vec<u8>, common::mem::Seen) {
    sni_server(TLS12, &rcgen::PKCS_RSA_SHA256)
}

#[test]
fn p08_tls12_servername_callback_switches_context_and_suite() {
    let (sctx, other_der, seen) = sni_server12();
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
    let (sctx, _, seen) = sni_server12();
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
    let mut sb = server_builder();
    // The callback decides, not the context's own list.
    sb.set_alpn_protos(b"\x02h2").unwrap();
    common::mem::alpn_pair(sb, TLS12, decision)
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
    assert_eq!(
        alpn_mismatch_error(TLS12),
        Some(Error::AlertReceived(
            AlertDescription::NoApplicationProtocol
        ))
    );
}
