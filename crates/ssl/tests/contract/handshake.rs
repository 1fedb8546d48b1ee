//! S01-S03, S06 (handshake return values), R05.

use ferrotls::bio::{Bio, MemBio};
use ferrotls::{ErrorCode, Ssl, Want};

use crate::util::*;

#[test]
fn s01_connect_without_bio_fails() {
    let mut ssl = Ssl::new(&client_ctx());
    let r = ssl.connect();
    assert_eq!(r, -1);
    assert_code(&ssl, r, ErrorCode::Ssl);
    let e = ssl.take_error().expect("queue entry");
    assert!(e.text.contains("no BIO"), "{e}");
}

#[test]
fn s01_connect_runs_client_handshake() {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    // The first connect sends the ClientHello and waits for the server.
    let r = p.client.connect();
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::WantRead);
    assert_eq!(p.client.want(), Want::Reading);
    let hello = p.c2s.contents();
    assert_eq!(hello.first(), Some(&0x16), "a handshake record went out");
    let mut done = (false, false);
    for _ in 0..20 {
        if !done.1 {
            done.1 = p.server.accept() == 1;
        }
        if !done.0 {
            done.0 = p.client.connect() == 1;
        }
    }
    assert_eq!(done, (true, true));
    assert!(p.client.is_init_finished() && p.server.is_init_finished());
    assert_eq!(p.client.version_str(), "TLSv1.3");
    assert_eq!(p.server.version_str(), "TLSv1.3");
}

#[test]
fn s02_do_handshake_without_role_fails() {
    let mut ssl = Ssl::new(&client_ctx());
    ssl.set_bio_single(MemBio::new());
    let r = ssl.do_handshake();
    assert!(r < 0);
    assert_code(&ssl, r, ErrorCode::Ssl);
    assert!(
        ssl.take_error()
            .expect("entry")
            .text
            .contains("set_connect_state")
    );
}

#[test]
fn s02_do_handshake_in_client_mode_starts_handshake() {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    assert!(p.c2s.is_empty());
    let r = p.client.do_handshake();
    assert_code(&p.client, r, ErrorCode::WantRead);
    assert!(!p.c2s.is_empty(), "ClientHello sent");
    // The server side of do_handshake with accept state answers it.
    let r = p.server.do_handshake();
    assert_code(&p.server, r, ErrorCode::WantRead);
    assert!(!p.s2c.is_empty(), "server flight sent");
    handshake(&mut p);
}

#[test]
fn s06_get_error_reads_ret() {
    let mut p = connected();
    // A would-block on read...
    let mut buf = [0u8; 16];
    let r = p.client.read(&mut buf);
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::WantRead);
    // ...but get_error(1) is NONE whatever happened last.
    assert_eq!(p.client.get_error(1), ErrorCode::None);
    assert_eq!(p.client.write(b"x"), 1);
    assert_eq!(p.client.get_error(1), ErrorCode::None);
}

#[test]
fn s06_protocol_failure_is_ssl_with_alert_in_queue() {
    // The client trusts nothing: VERIFY_PEER makes the handshake fail.
    let mut b = ferrotls::SslContext::builder(ferrotls::SslMethod::tls_client());
    b.set_verify(ferrotls::VerifyMode::PEER);
    let cctx = b.build().unwrap();
    let mut p = mem_pair(&cctx, &server_ctx());
    let mut rc = 0;
    for _ in 0..10 {
        rc = p.client.do_handshake();
        let _ = p.server.do_handshake();
        if p.client.get_error(rc) == ErrorCode::Ssl {
            break;
        }
    }
    assert_eq!(rc, -1);
    assert_code(&p.client, rc, ErrorCode::Ssl);
    let e = p.client.peek_error().expect("queue entry").clone();
    let alert = e.alert.expect("alert recorded");
    assert!(alert.sent);
    assert_eq!(
        alert.description,
        ferrotls::core_types::AlertDescription::UnknownCa
    );
    assert_eq!(e.library, ferrotls::Library::X509);
    assert_eq!(p.client.verify_result(), 20);
    // The server fails too, with its own queue entry.
    let rs = p.server.do_handshake();
    assert_code(&p.server, rs, ErrorCode::Ssl);
    assert!(p.server.peek_error().is_some());
}

#[test]
fn s06_clean_eof_during_handshake_returns_zero() {
    let c2s = MemBio::new();
    let s2c = MemBio::new();
    let mut client = Ssl::new(&client_ctx());
    client.set_bio(s2c.clone(), c2s.clone());
    client.set_hostname("localhost").unwrap();
    assert_eq!(client.connect(), -1);
    // The server goes away without a word.
    s2c.set_eof(true);
    let r = client.connect();
    assert_eq!(r, 0);
    assert_code(&client, r, ErrorCode::Syscall);
}

#[test]
fn r05_failed_handshake_stays_failed_and_sends_nothing_more() {
    let mut b = ferrotls::SslContext::builder(ferrotls::SslMethod::tls_client());
    b.set_verify(ferrotls::VerifyMode::PEER);
    let cctx = b.build().unwrap();
    let mut p = mem_pair(&cctx, &server_ctx());
    for _ in 0..10 {
        let r = p.client.do_handshake();
        let _ = p.server.do_handshake();
        if p.client.get_error(r) == ErrorCode::Ssl {
            break;
        }
    }
    let first = p.client.fatal_error().cloned().expect("failed");
    let sent_before = p.c2s.len();
    let mut buf = [0u8; 8];
    let r = p.client.read(&mut buf);
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::Ssl);
    let w = p.client.write(b"data");
    assert_eq!(w, -1);
    assert_code(&p.client, w, ErrorCode::Ssl);
    assert_eq!(p.client.do_handshake(), -1);
    let e = p.client.try_write(b"x").unwrap_err();
    assert_eq!(e.tls_error(), Some(&first));
    assert_eq!(
        p.c2s.len(),
        sent_before,
        "nothing sent after the fatal alert"
    );
    assert_eq!(
        p.client.peek_last_error().and_then(|e| e.reason.clone()),
        Some(first)
    );
    let _ = p.client.wbio().map(|b| b.pending());
}
