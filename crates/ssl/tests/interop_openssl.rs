//! Interop smoke tests against the installed `openssl` binary: the
//! ferrotls client with `openssl s_server`, the ferrotls server with
//! `openssl s_client`, TLS 1.3, 127.0.0.1 only, bounded by timeouts.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ferrotls::{Ssl, SslStream};

use common::{ChildGuard, connect_retry, free_port, openssl, pki_dir, s_server};
use util::*;

#[test]
fn interop_ferrotls_client_with_openssl_s_server() {
    let dir = pki_dir("client");
    let port = free_port();
    let _server = s_server(&dir, port, &["-tls1_3", "-rev", "-quiet"]);
    let tcp = connect_retry(port);
    let mut b = client_builder();
    b.load_verify_locations(Some(&dir.join("ca.pem")), None)
        .unwrap();
    let ctx = b.build().unwrap();
    let mut tls = SslStream::connect(&ctx, "localhost", tcp).expect("handshake with s_server");
    assert_eq!(tls.ssl().version_str(), "TLSv1.3");
    assert_eq!(tls.ssl().verify_result(), 0);
    tls.write_all(b"hello ferrotls\n").unwrap();
    // -rev answers each line reversed (after a greeting on connect).
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&got).contains("sltorref olleh") {
        let n = tls.read(&mut buf).expect("read from s_server");
        assert!(
            n > 0,
            "s_server closed early: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
    let _ = tls.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn interop_ferrotls_server_with_openssl_s_client() {
    let bin = openssl();
    let dir = pki_dir("server");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = ChildGuard(
        Command::new(bin)
            .args(["s_client", "-connect"])
            .arg(format!("127.0.0.1:{port}"))
            .args([
                "-tls1_3",
                "-quiet",
                "-servername",
                "localhost",
                "-verify_return_error",
            ])
            .arg("-CAfile")
            .arg(dir.join("ca.pem"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn openssl s_client"),
    );
    let mut stdin = client.0.stdin.take().unwrap();
    let stdout = client.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });

    listener.set_nonblocking(false).unwrap();
    let (sock, _) = listener.accept().unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut ssl = Ssl::new(&server_ctx());
    ssl.set_fd(sock).unwrap();
    assert_eq!(ssl.accept(), 1, "{:?}", ssl.peek_error());
    assert_eq!(ssl.servername(), Some("localhost"));
    stdin.write_all(b"ping\n").unwrap();
    stdin.flush().unwrap();
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    while !got.ends_with(b"\n") {
        let n = ssl.read(&mut buf);
        assert!(n > 0, "{} {:?}", ssl.get_error(n), ssl.peek_error());
        got.extend_from_slice(&buf[..n as usize]);
    }
    assert_eq!(got, b"ping\n");
    assert_eq!(ssl.write(b"pong\n"), 5);
    let line = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("s_client output");
    assert_eq!(line, "pong\n");
    drop(stdin);
    assert!(ssl.shutdown() >= 0);
    let mut rest = Vec::new();
    let _ = client.0.stdout.as_mut().map(|s| s.read_to_end(&mut rest));
    let _ = std::fs::remove_dir_all(&dir);
}
