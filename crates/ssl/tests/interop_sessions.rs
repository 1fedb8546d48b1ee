//! Sessions, KeyUpdate and the key log against the installed `openssl`
//! binary: TLS 1.3 ticket resumption both ways (`s_server`, and
//! `s_client -sess_out/-sess_in`), KeyUpdate with `k`/`K`, and
//! `s_client -keylogfile` compared with our key log for the same
//! connection. 127.0.0.1 only, bounded by timeouts, children killed on drop.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use ferrotls::{Ssl, SslContext};

use common::{ChildGuard, connect_ssl, free_port, openssl, pki_dir, read_key_log, rev_round_trip};
use util::*;

fn s_server(dir: &Path, port: u16) -> ChildGuard {
    common::s_server(dir, port, &["-tls1_3", "-rev", "-quiet"])
}

#[test]
fn p07_ferrotls_client_resumes_with_openssl_s_server_tickets() {
    let dir = pki_dir("c-resume");
    let port = free_port();
    let _server = s_server(&dir, port);
    let ctx = common::trusting_client(&dir, None);

    let mut tls = connect_ssl(&ctx, port, None);
    rev_round_trip(&mut tls, "first");
    assert!(!tls.ssl().session_reused());
    assert!(
        tls.ssl().session_ticket_count() >= 1,
        "OpenSSL sent tickets"
    );
    let session = tls.ssl().session().unwrap();
    assert!(session.is_resumable());
    let _ = tls.shutdown();
    drop(tls);

    // Through the byte form, as an application would store it.
    let stored = ferrotls::SslSession::from_bytes(&session.to_bytes()).unwrap();
    let mut tls = connect_ssl(&ctx, port, Some(&stored));
    assert!(tls.ssl().session_reused(), "s_server accepted the ticket");
    assert!(tls.ssl().peer_certificate().is_some());
    rev_round_trip(&mut tls, "second");
    let _ = tls.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p08_ferrotls_client_key_update_with_openssl_s_server() {
    let dir = pki_dir("c-ku");
    let port = free_port();
    let _server = s_server(&dir, port);
    let ctx = common::trusting_client(&dir, None);
    let mut tls = connect_ssl(&ctx, port, None);
    rev_round_trip(&mut tls, "before");
    // Ask s_server to update too; its answer arrives with the next reply.
    tls.ssl_mut().key_update(true).unwrap();
    rev_round_trip(&mut tls, "after one");
    tls.ssl_mut().key_update(false).unwrap();
    rev_round_trip(&mut tls, "after two");
    let _ = tls.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// One `s_client` run against a ferrotls server; returns its output.
/// `input` is written to its stdin (with pauses so each command is a
/// separate read), then stdin is closed.
struct SClient {
    child: ChildGuard,
    out: mpsc::Receiver<String>,
}

fn s_client(dir: &Path, port: u16, extra: &[&str]) -> SClient {
    let mut child = ChildGuard(
        Command::new(openssl())
            .args(["s_client", "-connect"])
            .arg(format!("127.0.0.1:{port}"))
            .args([
                "-tls1_3",
                "-servername",
                "localhost",
                "-verify_return_error",
            ])
            .arg("-CAfile")
            .arg(dir.join("ca.pem"))
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn openssl s_client"),
    );
    let mut stdout = child.0.stdout.take().unwrap();
    let mut stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        let _ = tx.send(s);
    });
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        let _ = tx2.send(s);
    });
    SClient { child, out: rx }
}

impl SClient {
    fn send(&mut self, line: &[u8]) {
        let stdin = self.child.0.stdin.as_mut().unwrap();
        stdin.write_all(line).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes stdin and collects stdout + stderr.
    fn finish(mut self) -> String {
        drop(self.child.0.stdin.take());
        let mut all = String::new();
        for _ in 0..2 {
            all.push_str(
                &self
                    .out
                    .recv_timeout(Duration::from_secs(15))
                    .expect("s_client output"),
            );
        }
        all
    }
}

/// Accepts one connection, says hello, then reads until `want` arrived
/// (or EOF) and answers `reply`.
fn serve_one(
    listener: &TcpListener,
    ctx: &SslContext,
    want: &[u8],
    reply: &[u8],
) -> (bool, Vec<u8>) {
    let (sock, _) = listener.accept().unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut ssl = Ssl::new(ctx);
    ssl.set_fd(sock).unwrap();
    assert_eq!(ssl.accept(), 1, "{:?}", ssl.peek_error());
    let reused = ssl.session_reused();
    assert_eq!(ssl.write(b"hello\n"), 6);
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.windows(want.len()).any(|w| w == want) {
        let n = ssl.read(&mut buf);
        if n <= 0 {
            break;
        }
        got.extend_from_slice(&buf[..n as usize]);
    }
    if !reply.is_empty() {
        assert_eq!(
            ssl.write(reply),
            reply.len() as i32,
            "{:?}",
            ssl.peek_error()
        );
    }
    let _ = ssl.shutdown();
    (reused, got)
}

#[test]
fn p07_openssl_s_client_resumes_with_ferrotls_server_sess_out_sess_in() {
    let dir = pki_dir("s-resume");
    let sess = dir.join("session.pem");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = server_ctx();

    let sess_arg = sess.to_str().unwrap().to_owned();
    let mut c = s_client(&dir, port, &["-sess_out", &sess_arg]);
    c.send(b"one\n");
    let (reused, got) = serve_one(&listener, &ctx, b"one\n", b"bye\n");
    assert!(!reused);
    assert_eq!(got, b"one\n");
    let out = c.finish();
    assert!(out.contains("New, TLSv1.3"), "{out}");
    assert!(sess.exists(), "s_client wrote the session");

    let mut c = s_client(&dir, port, &["-sess_in", &sess_arg]);
    c.send(b"two\n");
    let (reused, _) = serve_one(&listener, &ctx, b"two\n", b"bye\n");
    let out = c.finish();
    assert!(reused, "ferrotls server resumed: {out}");
    assert!(out.contains("Reused, TLSv1.3"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p09_key_log_matches_openssl_s_client_keylogfile() {
    let dir = pki_dir("keylog");
    let theirs = dir.join("keylog.txt");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ours = Arc::new(Mutex::new(Vec::<String>::new()));
    let o = ours.clone();
    let mut b = server_builder();
    b.set_keylog_callback(move |l| o.lock().unwrap().push(l.to_string()));
    let ctx = b.build().unwrap();

    let log_arg = theirs.to_str().unwrap().to_owned();
    let mut c = s_client(&dir, port, &["-keylogfile", &log_arg]);
    c.send(b"x\n");
    serve_one(&listener, &ctx, b"x\n", b"");
    let _ = c.finish();
    let mut theirs = read_key_log(&theirs);
    let mut ours = ours.lock().unwrap().clone();
    theirs.sort();
    ours.sort();
    assert_eq!(ours.len(), 5);
    assert_eq!(ours, theirs, "the same NSS lines for the same connection");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p08_openssl_s_client_key_update_k_and_capital_k() {
    let dir = pki_dir("s-ku");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = server_ctx();
    let mut c = s_client(&dir, port, &[]);
    let server = std::thread::spawn(move || serve_one(&listener, &ctx, b"done\n", b"answered\n"));
    std::thread::sleep(Duration::from_millis(700));
    c.send(b"before\n");
    std::thread::sleep(Duration::from_millis(300));
    // s_client: "k" sends KeyUpdate, "K" KeyUpdate with update_requested
    // (each alone on its line).
    c.send(b"k\n");
    std::thread::sleep(Duration::from_millis(300));
    c.send(b"K\n");
    std::thread::sleep(Duration::from_millis(300));
    c.send(b"done\n");
    let (_, got) = server.join().unwrap();
    let got = String::from_utf8_lossy(&got).into_owned();
    assert!(got.contains("before\n") && got.contains("done\n"), "{got}");
    std::thread::sleep(Duration::from_millis(300));
    let out = c.finish();
    assert!(
        out.contains("KEYUPDATE"),
        "s_client did its key updates: {out}"
    );
    // Our reply after the requested update decrypted on their side.
    assert!(out.contains("answered"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
