//! S03 (blocking sockets), S07 (TCP_NODELAY), S16 (old versions), and
//! SslStream over loopback TCP.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use ferrotls::bio::MemBio;
use ferrotls::{ErrorCode, Ssl, SslStream};

use crate::util::*;

fn listener() -> (TcpListener, std::net::SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    (l, a)
}

#[test]
fn s03_blocking_socket_connect_and_accept_return_only_when_done() {
    let (l, addr) = listener();
    let sctx = server_ctx();
    let server = thread::spawn(move || {
        let (sock, _) = l.accept().expect("accept");
        let mut ssl = Ssl::new(&sctx);
        ssl.set_fd(sock).expect("fd");
        assert_eq!(ssl.accept(), 1, "{:?}", ssl.peek_error());
        let mut buf = [0u8; 64];
        let n = ssl.read(&mut buf);
        assert!(n > 0);
        assert_eq!(ssl.write(&buf[..n as usize]), n);
        // Waits for the client's close_notify, then answers.
        let r = ssl.read(&mut buf);
        assert_eq!(ssl.get_error(r), ErrorCode::ZeroReturn);
        assert_eq!(ssl.shutdown(), 1);
    });
    let mut ssl = Ssl::new(&client_ctx());
    ssl.set_fd(TcpStream::connect(addr).expect("connect"))
        .unwrap();
    ssl.set_hostname("localhost").unwrap();
    ssl.set1_host("localhost").unwrap();
    // One call, blocking: it returns only once the handshake finished.
    assert_eq!(ssl.connect(), 1, "{:?}", ssl.peek_error());
    assert!(ssl.is_init_finished());
    assert_eq!(ssl.verify_result(), 0);
    assert_eq!(ssl.write(b"echo me"), 7);
    let mut buf = [0u8; 64];
    let n = ssl.read(&mut buf);
    assert_eq!(&buf[..n as usize], b"echo me");
    assert_eq!(ssl.shutdown(), 0);
    assert_eq!(ssl.shutdown(), 1, "blocking second call waits for the peer");
    server.join().expect("server thread");
}

#[test]
fn s04_nonblocking_socket_wants_then_completes() {
    let (l, addr) = listener();
    let sctx = server_ctx();
    let server = thread::spawn(move || {
        let (sock, _) = l.accept().expect("accept");
        // Let the client see at least one WANT_READ first.
        thread::sleep(std::time::Duration::from_millis(50));
        let mut s = SslStream::accept(&sctx, sock).expect("accept");
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&buf).unwrap();
    });
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_nonblocking(true).unwrap();
    let mut ssl = Ssl::new(&client_ctx());
    ssl.set_fd(sock).unwrap();
    ssl.set_hostname("localhost").unwrap();
    let mut wants = 0;
    loop {
        let r = ssl.connect();
        if r == 1 {
            break;
        }
        let code = ssl.get_error(r);
        assert!(code.is_want(), "{code} {:?}", ssl.peek_error());
        wants += 1;
        thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(wants > 0);
    while ssl.write(b"hello") != 5 {
        thread::sleep(std::time::Duration::from_millis(2));
    }
    let mut buf = [0u8; 5];
    loop {
        let r = ssl.read(&mut buf);
        if r > 0 {
            assert_eq!(&buf[..r as usize], &b"hello"[..r as usize]);
            break;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WantRead);
        thread::sleep(std::time::Duration::from_millis(2));
    }
    server.join().unwrap();
}

#[test]
fn s07_tcp_nodelay_on_socket_bio() {
    let (l, addr) = listener();
    let t = thread::spawn(move || l.accept().map(|_| ()));
    let sock = TcpStream::connect(addr).unwrap();
    let probe = sock.try_clone().unwrap();
    let mut ssl = Ssl::new(&client_ctx());
    assert!(ssl.set_tcp_nodelay(true).is_err(), "no socket yet");
    ssl.set_fd(sock).unwrap();
    ssl.set_tcp_nodelay(true).unwrap();
    assert!(probe.nodelay().unwrap());
    ssl.set_tcp_nodelay(false).unwrap();
    assert!(!probe.nodelay().unwrap());
    t.join().unwrap().unwrap();
}

/// A ClientHello offering only TLS 1.0 and 1.1 (no supported_versions).
fn old_client_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x02];
    body.extend_from_slice(&[0x42; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0x00, 0x04, 0xc0, 0x2f, 0xc0, 0x2b]);
    body.extend_from_slice(&[0x01, 0x00]); // null compression
    let mut hs = vec![0x01, 0, 0, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01, 0, hs.len() as u8];
    rec.extend_from_slice(&hs);
    rec
}

#[test]
fn s16_peer_offering_only_old_versions_gets_protocol_version() {
    let input = MemBio::with_data(&old_client_hello());
    let output = MemBio::new();
    let mut server = Ssl::new(&server_ctx());
    server.set_bio(input, output.clone());
    let r = server.accept();
    assert_eq!(r, -1);
    assert_code(&server, r, ErrorCode::Ssl);
    let e = server.peek_error().unwrap();
    assert_eq!(
        e.alert.map(|a| (a.description, a.sent)),
        Some((
            ferrotls::core_types::AlertDescription::ProtocolVersion,
            true
        ))
    );
    // On the wire: exactly one alert record, protocol_version (70).
    let out = output.contents();
    assert_eq!(out.len(), 7, "{out:02x?}");
    assert_eq!(out[0], 0x15);
    assert_eq!(&out[5..], &[2, 70]);
}

#[test]
fn s16_versions_below_tls12_cannot_be_configured() {
    assert!(ferrotls::SslVersion::from_raw(0x0301).is_err());
    assert!(ferrotls::SslVersion::from_raw(0x0302).is_err());
    assert!(ferrotls::SslVersion::from_raw(0x0300).is_err());
}

#[test]
fn ssl_stream_echo_over_loopback() {
    let (l, addr) = listener();
    let sctx = server_ctx();
    let server = thread::spawn(move || {
        let (sock, _) = l.accept().unwrap();
        let mut s = SslStream::accept(&sctx, sock).unwrap();
        let mut line = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            line.extend_from_slice(&buf[..n]);
        }
        line
    });
    let tcp = TcpStream::connect(addr).unwrap();
    let mut s = SslStream::connect(&client_ctx(), "localhost", tcp).unwrap();
    assert_eq!(s.ssl().version_str(), "TLSv1.3");
    assert!(s.ssl().peer_certificate().is_some());
    assert_eq!(s.ssl().servername(), Some("localhost"));
    s.write_all(b"line one\n").unwrap();
    s.flush().unwrap();
    assert!(!s.shutdown().unwrap());
    assert_eq!(server.join().unwrap(), b"line one\n");
}

#[test]
fn ssl_stream_connect_refuses_wrong_host() {
    let (l, addr) = listener();
    let sctx = server_ctx();
    let server = thread::spawn(move || {
        let (sock, _) = l.accept().unwrap();
        SslStream::accept(&sctx, sock)
            .map(|_| ())
            .map_err(|e| e.code())
    });
    let tcp = TcpStream::connect(addr).unwrap();
    let err = SslStream::connect(&client_ctx(), "other.example", tcp).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Ssl);
    assert!(
        matches!(
            err.tls_error(),
            Some(ferrotls::core_types::Error::InvalidCertificate(
                ferrotls::core_types::CertificateError::NotValidForName
            ))
        ),
        "{err}"
    );
    assert!(server.join().unwrap().is_err());
}
