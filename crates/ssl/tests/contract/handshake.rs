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

/// A plaintext close_notify alert record (sent before any keys exist).
const PLAIN_CLOSE_NOTIFY: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00];

#[test]
fn s06_close_notify_during_handshake_returns_zero_with_zero_return() {
    // Client side: the server answers the ClientHello with close_notify.
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    let r = p.client.connect();
    assert_code(&p.client, r, ErrorCode::WantRead);
    p.s2c.push(&PLAIN_CLOSE_NOTIFY).unwrap();
    let r = p.client.connect();
    assert_eq!(r, 0, "controlled shutdown of the handshake");
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
    assert_eq!(p.client.get_shutdown(), (false, true));
    assert!(p.client.peek_error().is_none(), "not a protocol failure");
    // The handshake stays shut down: a repeated call says so again
    // instead of waiting for a peer that has closed.
    let r = p.client.connect();
    assert_eq!(r, 0);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
    // read and write (which would run the handshake) report it too.
    let mut buf = [0u8; 8];
    let r = p.client.read(&mut buf);
    assert_eq!(r, 0);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
    let r = p.client.write(b"x");
    assert!(r <= 0);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);

    // Server side: the client sends its hello, then close_notify.
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    assert_eq!(p.client.connect(), -1);
    p.c2s.push(&PLAIN_CLOSE_NOTIFY).unwrap();
    let mut r = -1;
    for _ in 0..4 {
        r = p.server.accept();
        if r != -1 {
            break;
        }
    }
    assert_eq!(r, 0, "{:?}", p.server.peek_error());
    assert_code(&p.server, r, ErrorCode::ZeroReturn);
}

#[test]
fn s06_clean_eof_mid_handshake_on_server_returns_zero_with_syscall() {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    assert_eq!(p.client.connect(), -1);
    // Half a ClientHello, then the client goes away.
    let hello = p.c2s.take();
    p.c2s.push(&hello[..hello.len() / 2]).unwrap();
    p.c2s.set_eof(true);
    let r = p.server.accept();
    assert_eq!(r, 0);
    assert_code(&p.server, r, ErrorCode::Syscall);
    assert!(
        p.server
            .peek_error()
            .unwrap()
            .text
            .contains("unexpected eof")
    );
}

#[test]
fn s06_get_error_is_none_for_positive_ret_even_with_queued_error() {
    let mut p = connected();
    // Queue an error (a misuse leaves the connection usable).
    assert_eq!(p.client.write(&[]), 0);
    assert!(p.client.peek_error().is_some());
    assert_code(&p.client, 0, ErrorCode::Ssl);
    assert_eq!(p.client.get_error(1), ErrorCode::None);
    assert_eq!(p.client.get_error(7), ErrorCode::None);
    // A would-block with an error still queued is WANT_READ, never SSL.
    let mut buf = [0u8; 4];
    let r = p.client.read(&mut buf);
    assert_eq!(r, -1);
    assert!(p.client.peek_error().is_some(), "old entry still queued");
    assert_code(&p.client, r, ErrorCode::WantRead);
}

/// Flips a bit in the last byte of the records waiting in `bio`.
fn corrupt_last_byte(bio: &MemBio) {
    let mut bytes = bio.take();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    bio.push(&bytes).unwrap();
}

#[test]
fn r05_fatal_error_after_handshake_is_sticky_and_silent() {
    let mut p = connected();
    // Let the client consume the tickets first, so that only the
    // corrupted record is left.
    let mut buf = [0u8; 64];
    let r = p.client.read(&mut buf);
    assert_code(&p.client, r, ErrorCode::WantRead);
    assert_eq!(p.server.write(b"hello"), 5);
    corrupt_last_byte(&p.s2c);
    let before = p.c2s.len();
    let r = p.client.read(&mut buf);
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::Ssl);
    let entry = p.client.peek_last_error().unwrap().clone();
    assert_eq!(
        entry.alert.map(|a| (a.description, a.sent)),
        Some((ferrotls::core_types::AlertDescription::BadRecordMac, true))
    );
    let first = p.client.fatal_error().cloned().expect("fatal");
    // Exactly one record went out: the (protected) alert.
    let alert = p.c2s.contents()[before..].to_vec();
    assert_eq!(alert.len(), 5 + 2 + 1 + 16, "{alert:02x?}");
    assert_eq!(alert[0], 0x17, "TLS 1.3 protects the alert");
    // The server reads it as the reason.
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::Ssl);
    assert_eq!(
        p.server.fatal_error(),
        Some(&ferrotls::core_types::Error::AlertReceived(
            ferrotls::core_types::AlertDescription::BadRecordMac
        ))
    );

    let sent = p.c2s.len();
    let calls: [(&str, i32); 6] = [
        ("read", p.client.read(&mut buf)),
        ("peek", p.client.peek(&mut buf)),
        ("write", p.client.write(b"more")),
        ("empty write", p.client.write(&[])),
        ("do_handshake", p.client.do_handshake()),
        ("shutdown", p.client.shutdown()),
    ];
    for (what, r) in calls {
        assert_eq!(r, -1, "{what}");
    }
    for e in std::iter::from_fn(|| p.client.take_error()).skip(1) {
        assert_eq!(e.reason.as_ref(), Some(&first), "{e}");
    }
    let r = p.client.write(b"more");
    assert_code(&p.client, r, ErrorCode::Ssl);
    assert_eq!(
        p.client.try_read(&mut buf).unwrap_err().tls_error(),
        Some(&first)
    );
    assert_eq!(
        p.client.try_write(b"x").unwrap_err().tls_error(),
        Some(&first)
    );
    assert!(p.client.key_update(false).is_err());
    assert!(p.client.flush().is_ok());
    assert_eq!(p.c2s.len(), sent, "nothing sent after the fatal alert");
}

#[test]
fn r05_failed_handshake_wire_ends_with_the_alert() {
    // A server refusing an old client: one alert record and nothing else,
    // before and after the retries.
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    assert_eq!(p.client.connect(), -1);
    let mut hello = p.c2s.take();
    // Corrupt the ClientHello's handshake type: unexpected_message.
    hello[5] = 0x02;
    p.c2s.push(&hello).unwrap();
    let r = p.server.accept();
    assert_code(&p.server, r, ErrorCode::Ssl);
    let wire = p.s2c.contents();
    assert_eq!(wire.len(), 7, "{wire:02x?}");
    assert_eq!(wire[0], 0x15);
    assert_eq!(wire[5], 2, "fatal");
    let first = p.server.fatal_error().cloned().unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(p.server.accept(), -1);
    assert_eq!(p.server.read(&mut buf), -1);
    assert_eq!(p.server.write(b"x"), -1);
    assert_code(&p.server, -1, ErrorCode::Ssl);
    assert_eq!(
        p.server.try_do_handshake().unwrap_err().tls_error(),
        Some(&first)
    );
    assert_eq!(p.s2c.contents(), wire, "nothing after the alert");
}

#[test]
fn s06_plaintext_alert_refused_once_the_client_protects_its_records() {
    // The window for an unprotected alert closes with the client's first
    // protected record: afterwards one is a protocol failure.
    let mut p = connected();
    assert_eq!(p.client.write(b"x"), 1);
    let mut buf = [0u8; 4];
    assert_eq!(p.server.read(&mut buf), 1);
    p.c2s.push(&PLAIN_CLOSE_NOTIFY).unwrap();
    let r = p.server.read(&mut buf);
    assert_eq!(r, -1);
    assert_code(&p.server, r, ErrorCode::Ssl);
    assert_eq!(p.server.get_shutdown(), (false, false));
}
