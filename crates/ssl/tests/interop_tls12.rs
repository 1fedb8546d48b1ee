//! TLS 1.2 and renegotiation against the installed `openssl` (SPEC S11,
//! I): over loopback sockets, non-blocking, a large `write` on the
//! ferrotls side while a renegotiation runs — started by `s_server`
//! (`r`: HelloRequest), by the ferrotls client (`-client_renegotiation`),
//! or by `s_client` (`R`) against the ferrotls server. The writer sees
//! WANT_READ, keeps its bytes, and every byte arrives once.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::ChildStdin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrotls::{ErrorCode, Ssl, SslVersion};

use common::{ChildGuard, pki_dir};
use util::*;

/// Spawns openssl with piped stdin and its output collected.
fn spawn(args: &[&str], dir: &std::path::Path) -> (ChildGuard, ChildStdin, Arc<Mutex<Vec<u8>>>) {
    let common::Spawned {
        guard,
        stdin,
        output,
    } = common::spawn_openssl(args, dir);
    (guard, stdin.expect("piped stdin"), output)
}

/// How many `b` bytes openssl printed outside its hex dumps: s_client
/// dumps the TLS 1.2 session ticket, whose ASCII column shows a random
/// 0x7e byte as `~`.
fn count(seen: &Arc<Mutex<Vec<u8>>>, b: u8) -> usize {
    seen.lock()
        .unwrap()
        .split(|c| *c == b'\n')
        .filter(|line| !is_hex_dump_line(line))
        .map(|line| line.iter().filter(|x| **x == b).count())
        .sum()
}

/// A `BIO_dump` line: `    0010 - 7e 13 e3 ...   ~..t...`.
fn is_hex_dump_line(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    t.len() > 7 && t[..4].iter().all(u8::is_ascii_hexdigit) && t[4..7] == *b" - "
}

/// The payload: one byte value openssl's own output never contains
/// outside its hex dumps.
const MARK: u8 = b'~';
const SIZE: usize = 4 * 1024 * 1024;

fn exporter(ssl: &Ssl) -> [u8; 16] {
    let mut out = [0u8; 16];
    ssl.export_keying_material(&mut out, b"EXPORTER-test", None)
        .unwrap();
    out
}

/// Runs `ssl`'s handshake on a non-blocking socket.
fn handshake(ssl: &mut Ssl, deadline: Instant) {
    loop {
        let r = ssl.do_handshake();
        if r == 1 {
            return;
        }
        assert!(ssl.get_error(r).is_want(), "{:?}", ssl.peek_error());
        assert!(Instant::now() < deadline, "handshake timed out");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Writes SIZE-byte buffers non-blocking until one write blocks (a
/// loopback socket may take a whole buffer at once), runs `start` (which
/// begins a renegotiation one way or another) and completes that write.
/// Returns (how many times `write` said WANT_READ, bytes written).
fn write_through_renegotiation(ssl: &mut Ssl, mut start: impl FnMut(&mut Ssl)) -> (usize, usize) {
    let data = vec![MARK; SIZE];
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut started = false;
    let mut want_read = 0;
    let mut total = 0;
    let mut buf = [0u8; 4096];
    loop {
        let r = ssl.write(&data);
        if r > 0 {
            assert_eq!(r as usize, SIZE);
            total += SIZE;
            // Done once a renegotiation ran (the peer's may start late).
            if started && want_read > 0 && !ssl.renegotiate_pending() {
                return (want_read, total);
            }
            continue;
        }
        let code = ssl.get_error(r);
        assert!(code.is_want(), "write: {code} {:?}", ssl.peek_error());
        if code == ErrorCode::WantRead {
            want_read += 1;
        }
        if !started {
            start(ssl);
            started = true;
        }
        // An event loop reads when the socket is readable; here only
        // until a renegotiation is under way, after which `write` itself
        // must read (and say WANT_READ while it waits).
        if !ssl.renegotiate_pending() {
            let r = ssl.read(&mut buf);
            if r <= 0 {
                let code = ssl.get_error(r);
                assert!(code.is_want(), "read: {code} {:?}", ssl.peek_error());
            }
        }
        assert!(Instant::now() < deadline, "write timed out");
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn wait_for(seen: &Arc<Mutex<Vec<u8>>>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(seen, MARK) < n {
        assert!(
            Instant::now() < deadline,
            "openssl got {} of {n} bytes",
            count(seen, MARK)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(count(seen, MARK), n, "bytes duplicated");
}

fn client_against_s_server(server_starts: bool) {
    let dir = pki_dir(if server_starts { "hr" } else { "cr" });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let accept = format!("127.0.0.1:{port}");
    let (_guard, mut stdin, seen) = spawn(
        &[
            "s_server",
            "-accept",
            &accept,
            "-cert",
            "server.pem",
            "-key",
            "server.key",
            "-tls1_2",
            "-client_renegotiation",
            "-naccept",
            "1",
        ],
        &dir,
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let tcp = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("s_server did not start: {e}"),
        }
    };
    tcp.set_nonblocking(true).unwrap();
    let mut b = client_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    let mut ssl = Ssl::new(&b.build().unwrap());
    ssl.set_fd(tcp).unwrap();
    ssl.set_hostname("localhost").unwrap();
    ssl.set_connect_state();
    handshake(&mut ssl, Instant::now() + Duration::from_secs(10));
    assert_eq!(ssl.version_str(), "TLSv1.2");
    let before = exporter(&ssl);
    let (want_read, total) = write_through_renegotiation(&mut ssl, |ssl| {
        if server_starts {
            stdin.write_all(b"r\n").unwrap();
            stdin.flush().unwrap();
        } else {
            ssl.renegotiate().expect("renegotiate");
        }
    });
    wait_for(&seen, total);
    let text: Vec<u8> = seen
        .lock()
        .unwrap()
        .iter()
        .copied()
        .filter(|b| *b != MARK)
        .collect();
    let text = String::from_utf8_lossy(&text).into_owned();
    assert_ne!(
        exporter(&ssl),
        before,
        "no renegotiation took place: {text}"
    );
    assert!(want_read > 0, "write never waited for the renegotiation");
    assert!(!ssl.renegotiate_pending());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn s11_openssl_s_server_hello_request_during_ferrotls_write() {
    client_against_s_server(true);
}

#[test]
fn s11_ferrotls_client_renegotiates_with_openssl_s_server_during_write() {
    client_against_s_server(false);
}

/// `s_client` renegotiating (`R`) against the ferrotls server. OpenSSL
/// 3.0's client accepts application data during its renegotiation only
/// while `SSL_read` drives it and the ServerHello has not arrived
/// (`ossl_statem_app_data_allowed`). After `R`, `s_client` calls
/// `SSL_write(con, buf, 0)`, which drives the renegotiation from the
/// write side, so the first record of a server write still in flight
/// behind its ClientHello makes it abort with unexpected_message — with
/// any server, `openssl s_server` included; no server can recall records
/// already in the socket buffers. So the server here is idle while the
/// client renegotiates and writes afterwards under the new keys. That the
/// server itself sends no data inside its own flight is checked over BIO
/// pairs in `tls12.rs`.
#[test]
fn s11_openssl_s_client_renegotiates_with_idle_ferrotls_server() {
    let dir = pki_dir("sci");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connect = format!("127.0.0.1:{port}");
    let (_guard, mut stdin, seen) = spawn(
        &[
            "s_client",
            "-connect",
            &connect,
            "-tls1_2",
            "-servername",
            "localhost",
            "-CAfile",
            "ca.pem",
            "-verify_return_error",
        ],
        &dir,
    );
    let (sock, _) = listener.accept().unwrap();
    sock.set_nonblocking(true).unwrap();
    let mut b = server_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    // OpenSSL 3's default refuses client-initiated renegotiation.
    b.set_options(ferrotls::SslOptions::ALLOW_CLIENT_RENEGOTIATION);
    let mut ssl = Ssl::new(&b.build().unwrap());
    ssl.set_fd(sock).unwrap();
    ssl.set_accept_state();
    handshake(&mut ssl, Instant::now() + Duration::from_secs(10));
    let before = exporter(&ssl);
    stdin.write_all(b"R\n").unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 256];
    while exporter(&ssl) == before || ssl.renegotiate_pending() {
        let r = ssl.read(&mut buf);
        assert!(
            r < 0 && ssl.get_error(r).is_want(),
            "{:?}",
            ssl.peek_error()
        );
        assert!(
            Instant::now() < deadline,
            "no renegotiation: {}",
            String::from_utf8_lossy(&seen.lock().unwrap())
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(ssl.write(b"~~~~\n"), 5);
    wait_for(&seen, 4);
    let _ = std::fs::remove_dir_all(&dir);
}
