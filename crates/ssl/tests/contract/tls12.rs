//! The seed contract over TLS 1.2 where it differs in what goes over the
//! wire (S04 byte at a time, S09 record limit, S12 HelloRequest, S16 from
//! the client side), plus S12 for a TLS 1.3 NewSessionTicket.

use std::net::{TcpListener, TcpStream};
use std::thread;

use ferrotls::bio::MemBio;
use ferrotls::{ErrorCode, Mode, Ssl, SslContext, SslVersion};

use crate::nonblocking::{awkward_pair_with, drive_handshake};
use crate::util::*;

fn ctx12(server: bool) -> SslContext {
    let mut b = if server {
        server_builder()
    } else {
        client_builder()
    };
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.build().unwrap()
}

/// Both sides write and read at once, every BIO call taking one byte
/// after a would-block; each write is always retried with the same
/// arguments (S10).
fn exchange_byte_at_a_time(client: &mut Ssl, server: &mut Ssl, len: usize) {
    let up = pattern(len, 7);
    let down = pattern(len, 13);
    let (mut got_up, mut got_down) = (Vec::new(), Vec::new());
    let (mut up_done, mut down_done) = (false, false);
    let (mut up_wants, mut down_wants) = (0, 0);
    let mut buf = [0u8; 4096];
    for _ in 0..20_000_000 {
        for (ssl, data, done, wants) in [
            (&mut *client, &up, &mut up_done, &mut up_wants),
            (&mut *server, &down, &mut down_done, &mut down_wants),
        ] {
            if !*done {
                let r = ssl.write(data);
                if r > 0 {
                    assert_eq!(r as usize, data.len());
                    *done = true;
                } else {
                    assert_code(ssl, r, ErrorCode::WantWrite);
                    *wants += 1;
                }
            }
        }
        for (ssl, got) in [(&mut *server, &mut got_up), (&mut *client, &mut got_down)] {
            let r = ssl.read(&mut buf);
            if r > 0 {
                got.extend_from_slice(&buf[..r as usize]);
            } else {
                let code = ssl.get_error(r);
                assert!(code.is_want(), "{code} {:?}", ssl.peek_error());
            }
        }
        if up_done && down_done && got_up.len() == len && got_down.len() == len {
            break;
        }
    }
    assert!(
        up_wants > len / 4 && down_wants > len / 4,
        "{up_wants} {down_wants}"
    );
    assert_eq!(
        got_up, up,
        "client to server: no byte lost, duplicated or reordered"
    );
    assert_eq!(got_down, down, "server to client: likewise");
}

#[test]
fn s04_byte_at_a_time_tls12_handshake_and_data_both_ways() {
    let (cctx, sctx) = contexts(true);
    let (mut client, mut server) = awkward_pair_with(&cctx, &sctx);
    let (cw, sw) = drive_handshake(&mut client, &mut server);
    assert!(cw > 1000 && sw > 1000, "{cw} {sw}");
    assert_eq!(client.version_str(), "TLSv1.2");
    assert_eq!(server.version_str(), "TLSv1.2");
    exchange_byte_at_a_time(&mut client, &mut server, 20_000);
    assert!(client.peek_error().is_none() && server.peek_error().is_none());
}

#[test]
fn s04_byte_at_a_time_tls13_data_both_ways() {
    let (mut client, mut server) = awkward_pair_with(&client_ctx(), &server_ctx());
    drive_handshake(&mut client, &mut server);
    assert_eq!(client.version_str(), "TLSv1.3");
    exchange_byte_at_a_time(&mut client, &mut server, 20_000);
    assert!(client.peek_error().is_none() && server.peek_error().is_none());
}

#[test]
fn s09_partial_write_tls12_with_smaller_record_limit() {
    let (cctx, sctx) = contexts(true);
    let mut p = mem_pair(&cctx, &sctx);
    handshake(&mut p);
    assert_eq!(p.client.version_str(), "TLSv1.2");
    let data = pattern(40_000, 3);
    p.client.set_mode(Mode::ENABLE_PARTIAL_WRITE);
    assert_eq!(p.client.write(&data), 16_384);
    p.client.set_max_send_fragment(512).unwrap();
    let mut off = 16_384;
    while off < data.len() {
        let r = p.client.write(&data[off..]);
        assert_eq!(r as usize, (data.len() - off).min(512));
        off += r as usize;
    }
    // Each partial write was exactly one record: header + explicit nonce
    // + 512 + tag for the AES-GCM suite negotiated here.
    assert_eq!(read_exact(&mut p.server, data.len()), data);
    // Without the mode the whole buffer goes, in records of the limit.
    p.client.clear_mode(Mode::ENABLE_PARTIAL_WRITE);
    let before = p.c2s.len();
    assert_eq!(p.client.write(&data[..2048]), 2048);
    let wire = p.c2s.contents()[before..].to_vec();
    let mut records = 0;
    let mut at = 0;
    while at < wire.len() {
        let len = u16::from_be_bytes([wire[at + 3], wire[at + 4]]) as usize;
        assert!(len <= 512 + 8 + 16, "record of {len} bytes");
        at += 5 + len;
        records += 1;
    }
    assert_eq!(records, 4);
    assert_eq!(read_exact(&mut p.server, 2048), &data[..2048]);
}

fn loopback() -> (TcpListener, std::net::SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    (l, a)
}

/// A TLS 1.2 client on a blocking socket reads while the server starts a
/// renegotiation (HelloRequest) and then sends "data". Returns how many
/// reads returned -1 with WANT_READ before the data came.
fn hello_request_then_data(auto_retry: bool) -> usize {
    let (l, addr) = loopback();
    let sctx = ctx12(true);
    let server = thread::spawn(move || {
        let (sock, _) = l.accept().expect("accept");
        let mut ssl = Ssl::new(&sctx);
        ssl.set_fd(sock).unwrap();
        assert_eq!(ssl.accept(), 1, "{:?}", ssl.peek_error());
        // The HelloRequest goes out alone; the server then reads (without
        // AUTO_RETRY, so that each read returns) until the renegotiation
        // the client starts has finished, and only then writes.
        ssl.renegotiate().unwrap();
        ssl.flush().unwrap();
        ssl.clear_mode(Mode::AUTO_RETRY);
        let mut buf = [0u8; 8];
        let mut started = false;
        for _ in 0..50 {
            let r = ssl.read(&mut buf);
            assert_eq!(
                ssl.get_error(r),
                ErrorCode::WantRead,
                "{:?}",
                ssl.peek_error()
            );
            started |= ssl.renegotiate_pending();
            if started && !ssl.renegotiate_pending() {
                break;
            }
        }
        assert!(started && !ssl.renegotiate_pending());
        assert_eq!(ssl.write(b"data"), 4, "{:?}", ssl.peek_error());
        let mut buf = [0u8; 8];
        let r = ssl.read(&mut buf);
        assert_eq!(ssl.get_error(r), ErrorCode::ZeroReturn);
    });
    let mut ssl = Ssl::new(&ctx12(false));
    let sock = TcpStream::connect(addr).unwrap();
    // A regression that waits for bytes the peer never sends fails
    // instead of hanging.
    sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    ssl.set_fd(sock).unwrap();
    ssl.set_hostname("localhost").unwrap();
    assert_eq!(ssl.connect(), 1, "{:?}", ssl.peek_error());
    if !auto_retry {
        ssl.clear_mode(Mode::AUTO_RETRY);
    }
    let mut buf = [0u8; 16];
    let mut wants = 0;
    loop {
        let r = ssl.read(&mut buf);
        if r > 0 {
            assert_eq!(&buf[..r as usize], b"data");
            break;
        }
        assert_eq!(r, -1);
        assert_code(&ssl, r, ErrorCode::WantRead);
        wants += 1;
        assert!(wants < 20, "the renegotiation never finished");
    }
    assert!(!ssl.renegotiate_pending());
    assert_eq!(ssl.shutdown(), 0);
    server.join().expect("server");
    wants
}

#[test]
fn s12_tls12_hello_request_on_blocking_socket_with_auto_retry() {
    assert_eq!(hello_request_then_data(true), 0);
}

#[test]
fn s12_tls12_hello_request_on_blocking_socket_without_auto_retry() {
    // The read that processed the HelloRequest (and sent the ClientHello)
    // returns -1 / WANT_READ although the socket blocks.
    assert!(hello_request_then_data(false) >= 1);
}

/// A client reading a TLS 1.3 NewSessionTicket and then "data", each in
/// its own BIO read (as a blocking socket would deliver them).
fn ticket_then_data(auto_retry: bool) -> (Ssl, Vec<i32>) {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    handshake(&mut p);
    let tickets = p.s2c.take();
    assert!(!tickets.is_empty(), "the server sent its tickets");
    assert_eq!(p.server.write(b"data"), 4);
    let data = p.s2c.take();
    // Two reads from a source that never would-blocks while it has bytes:
    // the tickets come in the first BIO read, the data in the second.
    let chunks = Chunks::new(vec![tickets, data]);
    p.client.set_bio(chunks, p.c2s.clone());
    if !auto_retry {
        p.client.clear_mode(Mode::AUTO_RETRY);
    }
    let mut rets = Vec::new();
    let mut buf = [0u8; 16];
    for _ in 0..4 {
        let r = p.client.read(&mut buf);
        rets.push(r);
        if r > 0 {
            assert_eq!(&buf[..r as usize], b"data");
            break;
        }
        assert_code(&p.client, r, ErrorCode::WantRead);
    }
    (p.client, rets)
}

#[test]
fn s12_tls13_new_session_ticket_with_and_without_auto_retry() {
    let (c, rets) = ticket_then_data(true);
    assert_eq!(rets, [4]);
    assert!(c.session_ticket_count() > 0);
    let (c, rets) = ticket_then_data(false);
    assert_eq!(rets, [-1, 4]);
    assert!(c.session_ticket_count() > 0);
}

/// A read BIO handing out one queued chunk per call (a blocking socket
/// whose peer wrote them apart); would-block only once all are read.
struct Chunks(std::collections::VecDeque<Vec<u8>>);

impl Chunks {
    fn new(v: Vec<Vec<u8>>) -> Self {
        Self(v.into())
    }
}

impl ferrotls::bio::Bio for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ferrotls::bio::BioError> {
        let Some(front) = self.0.front_mut() else {
            return Err(ferrotls::bio::BioError::WouldBlock(
                ferrotls::bio::Retry::Read,
            ));
        };
        let n = front.len().min(buf.len());
        buf[..n].copy_from_slice(&front[..n]);
        front.drain(..n);
        if front.is_empty() {
            self.0.pop_front();
        }
        Ok(n)
    }
    fn write(&mut self, _: &[u8]) -> Result<usize, ferrotls::bio::BioError> {
        Err(ferrotls::bio::BioError::Io(
            std::io::ErrorKind::Unsupported.into(),
        ))
    }
    fn flush(&mut self) -> Result<(), ferrotls::bio::BioError> {
        Ok(())
    }
    fn pending(&self) -> usize {
        0
    }
    fn wpending(&self) -> usize {
        0
    }
    fn retry_flags(&self) -> ferrotls::bio::RetryFlags {
        ferrotls::bio::RetryFlags::NONE
    }
}

/// A ServerHello record choosing `version` with no extensions.
fn old_server_hello(version: [u8; 2]) -> Vec<u8> {
    let mut body = version.to_vec();
    body.extend_from_slice(&[0x42; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0xc0, 0x2f, 0x00]);
    let mut hs = vec![0x02, 0, 0, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, version[0], version[1], 0, hs.len() as u8];
    rec.extend_from_slice(&hs);
    rec
}

#[test]
fn s16_client_refuses_server_choosing_old_version() {
    for cctx in [client_ctx(), ctx12(false)] {
        for version in [[3, 0], [3, 1], [3, 2]] {
            let mut p = mem_pair(&cctx, &server_ctx());
            assert_eq!(p.client.connect(), -1);
            let sent = p.c2s.take();
            assert_eq!(sent[0], 0x16);
            p.s2c.push(&old_server_hello(version)).unwrap();
            let r = p.client.connect();
            assert_eq!(r, -1);
            assert_code(&p.client, r, ErrorCode::Ssl);
            let e = p.client.peek_error().unwrap();
            assert_eq!(
                e.alert.map(|a| (a.description, a.sent)),
                Some((
                    ferrotls::core_types::AlertDescription::ProtocolVersion,
                    true
                )),
                "{version:?}: {e}"
            );
            let out = p.c2s.contents();
            assert_eq!(out.len(), 7, "{out:02x?}");
            assert_eq!(&out[5..], &[2, 70]);
        }
    }
}

#[test]
fn s16_server_refuses_supported_versions_listing_only_old_ones() {
    // A TLS 1.3-style ClientHello whose supported_versions holds only
    // TLS 1.1 and 1.0.
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0x17; 32]);
    body.push(0);
    body.extend_from_slice(&[0x00, 0x04, 0xc0, 0x2f, 0xc0, 0x2b, 0x01, 0x00]);
    let ext = [0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x02, 0x03, 0x01];
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![0x01, 0, 0, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01, 0, hs.len() as u8];
    rec.extend_from_slice(&hs);
    let output = MemBio::new();
    let mut server = Ssl::new(&server_ctx());
    server.set_bio(MemBio::with_data(&rec), output.clone());
    let r = server.accept();
    assert_code(&server, r, ErrorCode::Ssl);
    let out = output.contents();
    assert_eq!(out.len(), 7, "{out:02x?}");
    assert_eq!(&out[5..], &[2, 70], "fatal protocol_version");
}

#[test]
fn s15_shutdown_tls12_discards_late_data_and_returns_one() {
    let (cctx, sctx) = contexts(true);
    let mut p = mem_pair(&cctx, &sctx);
    handshake(&mut p);
    assert_eq!(p.client.shutdown(), 0, "close_notify sent");
    let r = p.client.shutdown();
    assert_code(&p.client, r, ErrorCode::WantRead);
    // The server had more to say before it saw the close_notify.
    assert_eq!(p.server.write(b"late data"), 9);
    let r = p.client.shutdown();
    assert_eq!(r, -1, "data is not a close_notify");
    assert_code(&p.client, r, ErrorCode::WantRead);
    let mut buf = [0u8; 16];
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::ZeroReturn);
    assert_eq!(p.server.shutdown(), 1, "the peer closed first: 1 at once");
    assert_eq!(p.client.shutdown(), 1);
    assert_eq!(p.client.get_shutdown(), (true, true));
    assert_eq!(p.client.pending(), 0, "the late data was discarded");
    // And once more: still 1, nothing sent.
    let sent = p.c2s.len();
    assert_eq!(p.client.shutdown(), 1);
    assert_eq!(p.c2s.len(), sent);
}
