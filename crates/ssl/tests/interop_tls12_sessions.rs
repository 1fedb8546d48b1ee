//! TLS 1.2 sessions against the installed `openssl` (SPEC P06, P07, P09):
//! the ferrotls client resuming with `s_server -tls1_2` by session id
//! (`-no_ticket`) and by RFC 5077 ticket, a forged ticket falling back to
//! a full handshake, `s_client -tls1_2 -sess_out/-sess_in` resuming with
//! the ferrotls server (ticket and session-id cache), the CLIENT_RANDOM
//! key log line against `s_client -keylogfile`, and TLS 1.2 mutual TLS
//! with the certificate present and missing. 127.0.0.1 only, bounded.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use ferrotls::{Ssl, SslContext, SslSession, SslVersion, VerifyMode};

use common::{
    accept_within, connect_ssl, free_port, pki_dir, read_key_log, rev_round_trip, s_server,
    spawn_openssl,
};
use util::*;

fn client12(dir: &Path) -> SslContext {
    common::trusting_client(dir, Some(SslVersion::Tls12))
}

/// Connects (offering `session`), checks a line comes back reversed
/// from `s_server -rev`, and returns the connection's session and
/// whether it was resumed.
fn round_trip(ctx: &SslContext, port: u16, session: Option<&SslSession>) -> (SslSession, bool) {
    let mut tls = connect_ssl(ctx, port, session);
    assert_eq!(tls.ssl().version_str(), "TLSv1.2");
    rev_round_trip(&mut tls, "resume me");
    assert!(tls.ssl().peer_certificate().is_some());
    let reused = tls.ssl().session_reused();
    let s = tls.ssl().session().unwrap();
    let _ = tls.shutdown();
    (s, reused)
}

#[test]
fn p07_ferrotls_client_resumes_tls12_session_id_with_s_server_no_ticket() {
    let dir = pki_dir("t12-id");
    let port = free_port();
    let _server = s_server(&dir, port, &["-tls1_2", "-no_ticket", "-rev", "-quiet"]);
    let ctx = client12(&dir);
    let (s, reused) = round_trip(&ctx, port, None);
    assert!(!reused);
    assert_eq!(s.id().len(), 32, "OpenSSL assigned a session id");
    assert!(!s.has_ticket());
    assert!(s.is_resumable());
    let stored = SslSession::from_bytes(&s.to_bytes()).unwrap();
    let (again, reused) = round_trip(&ctx, port, Some(&stored));
    assert!(reused, "s_server resumed the session id");
    assert_eq!(again.id(), s.id());
    // TLS 1.2 sessions may be resumed more than once.
    assert!(round_trip(&ctx, port, Some(&stored)).1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p07_ferrotls_client_resumes_tls12_ticket_with_s_server() {
    let dir = pki_dir("t12-ticket");
    let port = free_port();
    let _server = s_server(&dir, port, &["-tls1_2", "-rev", "-quiet"]);
    let ctx = client12(&dir);
    let (s, reused) = round_trip(&ctx, port, None);
    assert!(!reused);
    assert!(s.has_ticket(), "OpenSSL issued an RFC 5077 ticket");
    assert!(s.ticket_lifetime_hint() > 0);
    assert!(round_trip(&ctx, port, Some(&s)).1, "ticket accepted");

    // A forged ticket (one byte of it changed): full handshake.
    let mut bytes = s.to_bytes();
    let at = bytes.len() - 4 - 8; // inside the ticket, before the hint
    bytes[at] ^= 0x55;
    let forged = SslSession::from_bytes(&bytes).unwrap();
    let (fresh, reused) = round_trip(&ctx, port, Some(&forged));
    assert!(!reused, "a forged ticket is not resumed");
    assert!(
        fresh.has_ticket(),
        "a new ticket came with the full handshake"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Accepts one connection and echoes until the client closes.
fn serve(listener: &TcpListener, ctx: &SslContext) -> (bool, Option<Vec<u8>>) {
    let sock = accept_within(listener);
    let mut ssl = Ssl::new(ctx);
    ssl.set_fd(sock).unwrap();
    if ssl.accept() != 1 {
        return (false, None);
    }
    let reused = ssl.session_reused();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(b"\n") {
        let n = ssl.read(&mut buf);
        if n <= 0 {
            break;
        }
        got.extend_from_slice(&buf[..n as usize]);
    }
    assert_eq!(ssl.write(b"bye\n"), 4);
    let _ = ssl.shutdown();
    (reused, Some(got))
}

/// One `s_client -tls1_2` run against a ferrotls server: sends a line and
/// returns whether our side resumed and what s_client printed.
fn s_client_once(
    listener: &TcpListener,
    ctx: &SslContext,
    dir: &Path,
    extra: &[&str],
) -> (bool, String) {
    let port = listener.local_addr().unwrap().port();
    let connect = format!("127.0.0.1:{port}");
    let mut args = vec![
        "s_client",
        "-connect",
        &connect,
        "-tls1_2",
        "-servername",
        "localhost",
        "-CAfile",
        "ca.pem",
        "-verify_return_error",
    ];
    args.extend_from_slice(extra);
    let mut c = spawn_openssl(&args, dir);
    let stdin = c.stdin.as_mut().unwrap();
    stdin.write_all(b"hello\n").unwrap();
    stdin.flush().unwrap();
    let (reused, _) = serve(listener, ctx);
    assert!(c.wait_for_text("bye", 10), "{}", c.text());
    (reused, c.finish(10))
}

fn server12() -> SslContext {
    let mut b = server_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.build().unwrap()
}

#[test]
fn p07_openssl_s_client_resumes_tls12_with_ferrotls_server() {
    let dir = pki_dir("t12-sclient");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    // By ticket (our default), then by session id (s_client -no_ticket,
    // the server's session cache).
    for no_ticket in [false, true] {
        let ctx = server12();
        let sess = dir.join(format!("sess-{no_ticket}.pem"));
        let sess = sess.to_str().unwrap();
        let mut extra = vec![];
        if no_ticket {
            extra.push("-no_ticket");
        }
        let mut first = extra.clone();
        first.extend(["-sess_out", sess]);
        let (reused, out) = s_client_once(&listener, &ctx, &dir, &first);
        assert!(!reused);
        assert!(out.contains("New, TLSv1.2"), "{out}");
        let mut second = extra.clone();
        second.extend(["-sess_in", sess]);
        let (reused, out) = s_client_once(&listener, &ctx, &dir, &second);
        assert!(reused, "ferrotls resumed (no_ticket={no_ticket}): {out}");
        assert!(out.contains("Reused, TLSv1.2"), "{out}");
        if no_ticket {
            let cache = ctx.session_cache().unwrap();
            assert_eq!(cache.lock().unwrap().len(), 1, "one cached session");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p09_tls12_key_log_matches_openssl_s_client_keylogfile() {
    let dir = pki_dir("t12-keylog");
    let theirs = dir.join("keylog.txt");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let ours = Arc::new(Mutex::new(Vec::<String>::new()));
    let o = ours.clone();
    let mut b = server_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.set_keylog_callback(move |l| o.lock().unwrap().push(l.to_string()));
    let ctx = b.build().unwrap();
    let log = theirs.to_str().unwrap().to_owned();
    s_client_once(&listener, &ctx, &dir, &["-keylogfile", &log]);
    let theirs = read_key_log(&theirs);
    let ours = ours.lock().unwrap().clone();
    assert_eq!(ours.len(), 1);
    assert!(ours[0].starts_with("CLIENT_RANDOM "));
    assert_eq!(ours, theirs, "the same NSS line for the same connection");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p06_tls12_mutual_tls_with_openssl_s_client() {
    let dir = pki_dir("t12-mtls");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut b = server_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.load_verify_locations(Some(&dir.join("ca.pem")), None)
        .unwrap();
    b.set_verify(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
    let ctx = b.build().unwrap();

    // With the client certificate.
    let peer = Arc::new(Mutex::new(None));
    let (_, out) = {
        let port = listener.local_addr().unwrap().port();
        let connect = format!("127.0.0.1:{port}");
        let mut c = spawn_openssl(
            &[
                "s_client",
                "-connect",
                &connect,
                "-tls1_2",
                "-CAfile",
                "ca.pem",
                "-cert",
                "client.pem",
                "-key",
                "client.key",
            ],
            &dir,
        );
        let stdin = c.stdin.as_mut().unwrap();
        stdin.write_all(b"hello\n").unwrap();
        stdin.flush().unwrap();
        let sock = accept_within(&listener);
        let mut ssl = Ssl::new(&ctx);
        ssl.set_fd(sock).unwrap();
        assert_eq!(ssl.accept(), 1, "{:?}", ssl.peek_error());
        *peer.lock().unwrap() = ssl.peer_certificate().cloned();
        assert_eq!(ssl.verify_result(), 0);
        assert_eq!(ssl.write(b"bye\n"), 4);
        assert!(c.wait_for_text("bye", 10), "{}", c.text());
        let _ = ssl.shutdown();
        (true, c.finish(10))
    };
    assert!(peer.lock().unwrap().is_some(), "{out}");

    // Without one: handshake_failure, which s_client reports.
    let port = listener.local_addr().unwrap().port();
    let connect = format!("127.0.0.1:{port}");
    let c = spawn_openssl(
        &[
            "s_client", "-connect", &connect, "-tls1_2", "-CAfile", "ca.pem",
        ],
        &dir,
    );
    let sock = accept_within(&listener);
    let mut ssl = Ssl::new(&ctx);
    ssl.set_fd(sock).unwrap();
    assert!(ssl.accept() <= 0);
    assert_eq!(
        ssl.fatal_error(),
        Some(&ferrotls::core_types::PeerIncompatible::ClientCertificateRequired.into())
    );
    assert!(
        c.wait_for_text("alert handshake failure", 10),
        "{}",
        c.text()
    );
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}
