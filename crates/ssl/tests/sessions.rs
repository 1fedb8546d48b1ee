//! Sessions and the production features over memory BIOs (SPEC P06-P09):
//! TLS 1.3 resumption through `SslSession`, its byte form, single use,
//! shared ticket keys, expiry; SNI and ALPN callbacks; mutual TLS with a
//! client certificate callback; KeyUpdate (asked and automatic); the key
//! log against the exporter.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ferrotls::core_types::crypto::{CryptoProvider, SupportedCipherSuite, Tls13CipherSuite};
use ferrotls::core_types::{AlertDescription, Error, UnixTime};
use ferrotls::{
    AlpnDecision, Ssl, SslContext, SslContextBuilder, SslMethod, SslSession, TicketKeys, VerifyMode,
};

use common::mem::handshake_error;
use util::*;

/// Server writes `msg`, client reads it (and the tickets before it).
fn server_says(p: &mut MemPair, msg: &[u8]) {
    assert_eq!(p.server.write(msg), msg.len() as i32);
    assert_eq!(read_exact(&mut p.client, msg.len()), msg);
}

fn connect(cctx: &SslContext, sctx: &SslContext, session: Option<&SslSession>) -> MemPair {
    let mut p = mem_pair(cctx, sctx);
    if let Some(s) = session {
        p.client.set_session(s).unwrap();
    }
    handshake(&mut p);
    server_says(&mut p, b"hi");
    p
}

fn ticket_session(cctx: &SslContext, sctx: &SslContext) -> SslSession {
    let p = connect(cctx, sctx, None);
    assert!(!p.client.session_reused());
    assert_eq!(p.client.session_ticket_count(), 2);
    let s = p.client.session().unwrap();
    assert!(s.is_resumable());
    s
}

#[test]
fn p07_session_resumes_and_survives_serialization() {
    let (cctx, sctx) = (client_ctx(), server_ctx());
    let s = ticket_session(&cctx, &sctx);
    assert_eq!(s.hostname(), Some("localhost"));
    assert_eq!(s.ticket_lifetime_hint(), 7200);
    assert_eq!(s.timeout(), 7200);
    assert!(!s.peer_certificates().is_empty());
    let bytes = s.to_bytes();
    let back = SslSession::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    assert!(!format!("{back:?}").contains("psk"), "Debug hides the PSK");

    let p = connect(&cctx, &sctx, Some(&back));
    assert!(p.client.session_reused());
    assert!(p.server.session_reused());
    // The server chain is restored from the session on the client.
    assert_eq!(p.client.peer_cert_chain(), s.peer_certificates());
    assert_eq!(p.client.verify_result(), 0);
    assert!(!back.is_resumable(), "offered once");
    assert_eq!(
        p.client.session_ticket_count(),
        1,
        "one ticket after a resumption"
    );
}

#[test]
fn p07_ticket_is_used_at_most_once_by_the_client() {
    let (cctx, sctx) = (client_ctx(), server_ctx());
    let s = ticket_session(&cctx, &sctx);
    let clone = s.clone();
    assert!(connect(&cctx, &sctx, Some(&s)).client.session_reused());
    // The clone shares the mark: a replay attempt is a full handshake.
    assert!(!clone.is_resumable());
    let p = connect(&cctx, &sctx, Some(&clone));
    assert!(!p.client.session_reused());
    assert!(!p.server.session_reused());
}

#[test]
fn p07_forged_or_foreign_ticket_falls_back_to_full_handshake() {
    let (cctx, sctx) = (client_ctx(), server_ctx());
    let s = ticket_session(&cctx, &sctx);
    // Another server context has other ticket keys.
    let p = connect(&cctx, &server_ctx(), Some(&s));
    assert!(!p.server.session_reused());
    // A forged ticket: the encoding ends with the ticket, nonce (1),
    // lifetime, age_add, early-data flag and the 32-byte PSK, so 50 bytes
    // from the end is inside the sealed ticket.
    let s = ticket_session(&cctx, &sctx);
    let mut bytes = s.to_bytes();
    let at = bytes.len() - 50;
    bytes[at] ^= 0x55;
    let forged = SslSession::from_bytes(&bytes).unwrap();
    let p = connect(&cctx, &sctx, Some(&forged));
    assert!(p.client.is_init_finished());
    assert!(!p.server.session_reused());
}

#[test]
fn p07_shared_ticket_keys_let_servers_resume_each_other() {
    let keys = Arc::new(
        TicketKeys::from_key(ferrotls_crypto::default_provider(), [1; 16], &[2; 32]).unwrap(),
    );
    let ctx = |keys: &Arc<TicketKeys>| {
        let mut b = server_builder();
        b.set_ticket_keys(keys.clone());
        b.build().unwrap()
    };
    let cctx = client_ctx();
    let s = ticket_session(&cctx, &ctx(&keys));
    let p = connect(&cctx, &ctx(&keys), Some(&s));
    assert!(p.server.session_reused());
}

#[test]
fn p07_no_tickets_means_no_resumable_session() {
    let mut b = server_builder();
    b.set_num_tickets(0);
    let sctx = b.build().unwrap();
    let p = connect(&client_ctx(), &sctx, None);
    assert_eq!(p.client.session_ticket_count(), 0);
    let s = p.client.session().unwrap();
    assert!(!s.is_resumable());
    assert!(!s.has_ticket());
    let back = SslSession::from_bytes(&s.to_bytes()).unwrap();
    assert!(!back.is_resumable());
}

#[test]
fn p07_expired_session_is_a_full_handshake() {
    let offset = Arc::new(AtomicU64::new(0));
    let o = offset.clone();
    let mut b = client_builder();
    b.set_time_source(move || {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        UnixTime::from_secs(now + o.load(Ordering::Relaxed))
    });
    let cctx = b.build().unwrap();
    let mut sb = server_builder();
    sb.set_timeout(60);
    let sctx = sb.build().unwrap();
    let s = ticket_session(&cctx, &sctx);
    assert_eq!(s.ticket_lifetime_hint(), 60);
    offset.store(61, Ordering::Relaxed);
    let p = connect(&cctx, &sctx, Some(&s));
    assert!(!p.client.session_reused());
}

#[test]
fn r_session_decoding_is_strict_and_never_panics() {
    let s = ticket_session(&client_ctx(), &server_ctx());
    let bytes = s.to_bytes();
    for n in 0..bytes.len() {
        assert!(SslSession::from_bytes(&bytes[..n]).is_err(), "prefix {n}");
    }
    let mut long = bytes.clone();
    long.push(0);
    assert!(SslSession::from_bytes(&long).is_err());
    for i in 0..bytes.len() {
        for v in [0u8, 1, 0x7f, 0xff] {
            let mut b = bytes.clone();
            b[i] = v;
            let _ = SslSession::from_bytes(&b);
        }
    }
    assert!(SslSession::from_bytes(&[0xff; 100_000]).is_err());
    assert!(SslSession::from_bytes(b"").is_err());
}

#[test]
fn p07_set_session_after_the_handshake_is_refused() {
    let mut p = connected();
    let s = p.client.session().unwrap();
    assert!(p.client.set_session(&s).is_err());
}

/// The SNI server of these tests, at the highest version we support.
fn sni_server() -> (SslContext, Vec<u8>) {
    let (ctx, der, _) = common::mem::sni_server(None, &rcgen::PKCS_ECDSA_P256_SHA256);
    (ctx, der)
}

#[test]
fn p08_servername_callback_switches_the_certificate() {
    let (sctx, other_der) = sni_server();
    let mut cb = SslContext::builder(SslMethod::tls_client());
    cb.set_verify(VerifyMode::NONE);
    let cctx = cb.build().unwrap();
    let mut p = mem_pair(&cctx, &sctx);
    p.client.set_hostname("other.example").unwrap();
    handshake(&mut p);
    assert_eq!(
        p.client.peer_certificate().unwrap().as_ref(),
        &other_der[..]
    );
    assert_eq!(p.server.servername(), Some("other.example"));
    assert!(p.server.switched_context().is_some());
    // The default name keeps the default certificate.
    let mut p = mem_pair(&cctx, &sctx);
    handshake(&mut p);
    assert_ne!(
        p.client.peer_certificate().unwrap().as_ref(),
        &other_der[..]
    );
    assert!(p.server.switched_context().is_none());
}

#[test]
fn p08_servername_callback_fatal_sends_unrecognized_name() {
    let (sctx, _) = sni_server();
    let mut p = mem_pair(&client_ctx(), &sctx);
    p.client.set_hostname("unknown.example").unwrap();
    let (c, s) = handshake_error(&mut p);
    assert_eq!(
        c,
        Some(Error::AlertReceived(AlertDescription::UnrecognizedName))
    );
    assert!(s.is_some());
}

/// A pair whose server's ALPN callback answered `decision`; the callback
/// was offered the client's list in order.
fn alpn_pair(decision: AlpnDecision) -> MemPair {
    let (p, seen) = common::mem::alpn_pair(server_builder(), None, decision);
    if p.server.is_init_finished() {
        assert_eq!(seen, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
    }
    p
}

#[test]
fn p08_alpn_select_callback_agreement_noack_and_mismatch() {
    let p = alpn_pair(AlpnDecision::Select(b"http/1.1".to_vec()));
    assert_eq!(p.client.selected_alpn(), Some(&b"http/1.1"[..]));
    assert_eq!(p.server.selected_alpn(), Some(&b"http/1.1"[..]));
    let p = alpn_pair(AlpnDecision::NoAck);
    assert!(p.client.is_init_finished());
    assert_eq!(p.client.selected_alpn(), None);
    let p = alpn_pair(AlpnDecision::Fatal);
    assert_eq!(
        p.client.fatal_error(),
        Some(&Error::AlertReceived(
            AlertDescription::NoApplicationProtocol
        ))
    );
}

#[test]
fn p08_alpn_list_mismatch_is_no_application_protocol() {
    assert_eq!(
        common::mem::alpn_mismatch_error(None),
        Some(Error::AlertReceived(
            AlertDescription::NoApplicationProtocol
        ))
    );
}

fn mtls_server() -> SslContext {
    let mut b = server_builder();
    let ca = ferrotls_pki_certs(&pki().ca_pem);
    b.add_trust_anchor(&ca[0]).unwrap();
    b.set_verify(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
    b.build().unwrap()
}

#[test]
fn p06_client_certificate_chosen_by_callback_with_ca_names() {
    let p = pki();
    let mut cert_ctx = SslContext::builder(SslMethod::tls_client());
    cert_ctx
        .set_certificate_chain_pem(p.client_chain_pem.as_bytes())
        .unwrap();
    cert_ctx
        .set_private_key_pem(p.client_key_pem.as_bytes())
        .unwrap();
    let cert_ctx = cert_ctx.build().unwrap();
    let names_seen = Arc::new(Mutex::new(0usize));
    let seen = names_seen.clone();
    let mut cb = client_builder();
    cb.set_client_cert_callback(move |names| {
        *seen.lock().unwrap() = names.len();
        Some(cert_ctx.clone())
    });
    let mut m = mem_pair(&cb.build().unwrap(), &mtls_server());
    handshake(&mut m);
    assert_eq!(*names_seen.lock().unwrap(), 1, "the CA name was sent");
    assert!(m.server.peer_certificate().is_some());
    assert_eq!(m.server.verify_result(), 0);
}

#[test]
fn p06_missing_client_certificate_is_certificate_required() {
    let mut cb = client_builder();
    cb.set_client_cert_callback(|_| None);
    let mut m = mem_pair(&cb.build().unwrap(), &mtls_server());
    let (_, s) = handshake_error(&mut m);
    // The client learns it at its next read (TLS 1.3 client auth).
    let mut buf = [0u8; 8];
    let _ = m.client.read(&mut buf);
    assert_eq!(s, Some(Error::NoCertificatesPresented));
    assert_eq!(
        m.client.fatal_error(),
        Some(&Error::AlertReceived(AlertDescription::CertificateRequired))
    );
}

#[test]
fn p06_p07_resumption_keeps_the_client_certificate() {
    let p = pki();
    let mut cb = client_builder();
    cb.set_certificate_chain_pem(p.client_chain_pem.as_bytes())
        .unwrap();
    cb.set_private_key_pem(p.client_key_pem.as_bytes()).unwrap();
    let cctx = cb.build().unwrap();
    let sctx = mtls_server();
    let s = ticket_session(&cctx, &sctx);
    let m = connect(&cctx, &sctx, Some(&s));
    assert!(m.server.session_reused());
    assert!(m.server.peer_certificate().is_some());
}

#[test]
fn p08_key_update_both_directions_with_request() {
    let mut p = connected();
    p.client.key_update(true).unwrap();
    assert_eq!(p.client.write(b"after"), 5);
    assert_eq!(read_exact(&mut p.server, 5), b"after");
    // The server answered with its own KeyUpdate; its data still reads.
    server_says(&mut p, b"reply");
    p.server.key_update(false).unwrap();
    server_says(&mut p, b"again");
    assert_eq!(p.client.write(b"x"), 1);
    assert_eq!(read_exact(&mut p.server, 1), b"x");
}

/// The default provider with every TLS 1.3 suite's confidentiality limit
/// cut to `limit` records: the test hook for the automatic KeyUpdate.
fn tiny_limit_provider(limit: u64) -> &'static CryptoProvider {
    let base = ferrotls_crypto::default_provider();
    let suites: Vec<SupportedCipherSuite> = base
        .cipher_suites
        .iter()
        .map(|s| match s {
            SupportedCipherSuite::Tls13(t) => {
                let tiny: &'static Tls13CipherSuite = Box::leak(Box::new(Tls13CipherSuite {
                    suite: t.suite,
                    hash: t.hash,
                    hmac: t.hmac,
                    hkdf: t.hkdf,
                    aead: t.aead,
                    confidentiality_limit: limit,
                    integrity_limit: t.integrity_limit,
                }));
                SupportedCipherSuite::Tls13(tiny)
            }
            other => *other,
        })
        .collect();
    Box::leak(Box::new(CryptoProvider {
        cipher_suites: Box::leak(suites.into_boxed_slice()),
        ..*base
    }))
}

#[test]
fn p08_automatic_key_update_before_the_aead_limit() {
    let provider = tiny_limit_provider(32);
    let mut cb = client_builder();
    cb.set_provider(provider);
    let mut sb = server_builder();
    sb.set_provider(provider);
    let mut p = mem_pair(&cb.build().unwrap(), &sb.build().unwrap());
    handshake(&mut p);
    // 200 records under a 32-record limit: impossible without KeyUpdates.
    for i in 0..200u32 {
        let msg = i.to_be_bytes();
        assert_eq!(p.client.write(&msg), 4, "{:?}", p.client.peek_error());
        assert_eq!(read_exact(&mut p.server, 4), msg);
        assert_eq!(p.server.write(&msg), 4, "{:?}", p.server.peek_error());
        assert_eq!(read_exact(&mut p.client, 4), msg);
    }
}

/// Parses NSS key log lines into (label, random, secret).
fn parse_lines(lines: &[String]) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    lines
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 3, "{l}");
            let hex = |s: &str| {
                (0..s.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                    .collect::<Vec<u8>>()
            };
            (f[0].to_string(), hex(f[1]), hex(f[2]))
        })
        .collect()
}

#[test]
fn p09_key_log_callback_lines_match_the_exporter() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let l2 = lines.clone();
    let mut cb = client_builder();
    cb.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
    cb.set_keylog_callback(move |line| l2.lock().unwrap().push(line.to_string()));
    let server_lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let s2 = server_lines.clone();
    let mut sb = server_builder();
    sb.set_keylog_callback(move |line| s2.lock().unwrap().push(line.to_string()));
    let mut p = mem_pair(&cb.build().unwrap(), &sb.build().unwrap());
    handshake(&mut p);
    let mut c = lines.lock().unwrap().clone();
    let mut s = server_lines.lock().unwrap().clone();
    c.sort();
    s.sort();
    assert_eq!(c, s, "both sides log the same secrets");
    let parsed = parse_lines(&c);
    let labels: Vec<&str> = parsed.iter().map(|(l, ..)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
            "EXPORTER_SECRET",
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "SERVER_TRAFFIC_SECRET_0",
        ]
    );
    // Derive an exporter value from the logged EXPORTER_SECRET and compare
    // with the connection's (RFC 8446 section 7.5).
    let exporter = &parsed[2].2;
    let secret = ferrotls::core_types::crypto::Secret::from_slice(exporter).unwrap();
    let mut ours = [0u8; 32];
    ferrotls_handshake::key_schedule::export_keying_material(
        &ferrotls_crypto::TLS13_AES_128_GCM_SHA256,
        &secret,
        b"EXPERIMENTAL test",
        Some(b"ctx"),
        &mut ours,
    )
    .unwrap();
    let mut theirs = [0u8; 32];
    p.client
        .export_keying_material(&mut theirs, b"EXPERIMENTAL test", Some(b"ctx"))
        .unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn p09_key_log_file_gets_one_line_per_secret() {
    let path = std::env::temp_dir().join(format!("ferrotls-keylog-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut cb: SslContextBuilder = client_builder();
    cb.set_keylog_file(&path).unwrap();
    let cctx = cb.build().unwrap();
    let mut p = mem_pair(&cctx, &server_ctx());
    handshake(&mut p);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 5);
    parse_lines(&lines);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn p09_exporter_differs_by_label_and_context() {
    let p = connected();
    let mut a = [0u8; 16];
    let mut b = [0u8; 16];
    let mut c = [0u8; 16];
    p.client
        .export_keying_material(&mut a, b"label", None)
        .unwrap();
    p.server
        .export_keying_material(&mut b, b"label", None)
        .unwrap();
    p.server
        .export_keying_material(&mut c, b"label", Some(b"x"))
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn p07_server_session_is_not_resumable() {
    let p = connected();
    let s = p.server.session().unwrap();
    assert!(!s.is_resumable());
    assert_eq!(s.hostname(), Some("localhost"));
    let _ = Ssl::new(&client_ctx()).session().is_none();
}

#[test]
fn p07_tls12_session_resumes_over_memory_bios() {
    let mut cb = client_builder();
    cb.set_max_proto_version(Some(ferrotls::SslVersion::Tls12))
        .unwrap();
    let cctx = cb.build().unwrap();
    let sctx = server_ctx();
    let mut p = mem_pair(&cctx, &sctx);
    handshake(&mut p);
    assert_eq!(p.client.version_str(), "TLSv1.2");
    assert!(!p.client.session_reused());
    let s = p.client.session().unwrap();
    assert!(s.is_resumable() && s.has_ticket());
    let p = connect(&cctx, &sctx, Some(&s));
    assert!(p.client.session_reused() && p.server.session_reused());
    assert_eq!(p.client.version_str(), "TLSv1.2");
    // A TLS 1.2 session is not single-use.
    assert!(s.is_resumable());
}

#[test]
fn p06_tls12_mutual_tls_required_and_missing() {
    let p = pki();
    let mut cb = client_builder();
    cb.set_max_proto_version(Some(ferrotls::SslVersion::Tls12))
        .unwrap();
    let without = cb.build().unwrap();
    let mut cb = client_builder();
    cb.set_max_proto_version(Some(ferrotls::SslVersion::Tls12))
        .unwrap();
    cb.set_certificate_chain_pem(p.client_chain_pem.as_bytes())
        .unwrap();
    cb.set_private_key_pem(p.client_key_pem.as_bytes()).unwrap();
    let with = cb.build().unwrap();
    let mut m = mem_pair(&with, &mtls_server());
    handshake(&mut m);
    assert_eq!(m.server.version_str(), "TLSv1.2");
    assert!(m.server.peer_certificate().is_some());
    assert_eq!(m.server.verify_result(), 0);
    let mut m = mem_pair(&without, &mtls_server());
    let (c, s) = handshake_error(&mut m);
    // handshake_failure in TLS 1.2, as OpenSSL sends.
    assert_eq!(
        s,
        Some(ferrotls::core_types::PeerIncompatible::ClientCertificateRequired.into())
    );
    assert_eq!(
        c,
        Some(Error::AlertReceived(AlertDescription::HandshakeFailure))
    );
}
