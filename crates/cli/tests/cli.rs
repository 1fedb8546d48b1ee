//! The `ferrotls` binary end to end over loopback: s_server -rev against
//! s_client (a line comes back reversed, KeyUpdate on `K`, close_notify
//! seen by the server), the loud "not supported" exit status, and usage
//! errors. Certificates are generated at test time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256,
};

const BIN: &str = env!("CARGO_BIN_EXE_ferrotls");

/// Kills the child when dropped, so a failing assertion never leaves a
/// server behind.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).expect("dir");
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("ca key");
    let mut ca = CertificateParams::default();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .signed_by(&key, &issuer)
        .expect("leaf");
    let (ca_path, cert_path, key_path) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&ca_path, ca_cert.pem()).expect("write");
    std::fs::write(&cert_path, leaf.pem()).expect("write");
    std::fs::write(&key_path, key.serialize_pem()).expect("write");
    (ca_path, cert_path, key_path)
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// Collects a stream's lines on a thread.
fn lines(r: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

fn wait_line(rx: &mpsc::Receiver<String>, want: &str, seen: &mut Vec<String>) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            let hit = l.contains(want);
            seen.push(l);
            if hit {
                return true;
            }
        }
    }
    false
}

#[test]
fn s_client_and_s_server_echo_key_update_and_close_notify() {
    let dir = std::env::temp_dir().join(format!("ferrotls-cli-test-{}", std::process::id()));
    let (ca, cert, key) = pki(&dir);
    let port = free_port();
    let mut server = Guard(
        Command::new(BIN)
            .args([
                "s_server",
                "-accept",
                &format!("127.0.0.1:{port}"),
                "-rev",
                "-tls1_3",
            ])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("server"),
    );
    let server_out = lines(server.0.stdout.take().expect("stdout"));
    let mut seen_server = Vec::new();
    assert!(
        wait_line(&server_out, "ACCEPT", &mut seen_server),
        "{seen_server:?}"
    );

    let mut client = Guard(
        Command::new(BIN)
            .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
            .args(["-servername", "localhost", "-verify_hostname", "localhost"])
            .args(["-verify_return_error", "-groups", "P-256"])
            .arg("-CAfile")
            .arg(&ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("client"),
    );
    let out = lines(client.0.stdout.take().expect("stdout"));
    let err = lines(client.0.stderr.take().expect("stderr"));
    let mut stdin = client.0.stdin.take().expect("stdin");
    let mut seen = Vec::new();
    assert!(
        wait_line(&out, "New, TLSv1.3, Cipher is", &mut seen),
        "{seen:?}"
    );
    assert!(
        wait_line(&out, "Verify return code: 0 (ok)", &mut seen),
        "{seen:?}"
    );
    stdin.write_all(b"hello ferrotls\n").expect("write");
    assert!(wait_line(&out, "sltorref olleh", &mut seen), "{seen:?}");
    stdin.write_all(b"K\n").expect("write");
    let mut seen_err = Vec::new();
    assert!(wait_line(&err, "KEYUPDATE", &mut seen_err), "{seen_err:?}");
    stdin.write_all(b"after update\n").expect("write");
    assert!(wait_line(&out, "etadpu retfa", &mut seen), "{seen:?}");
    drop(stdin);
    let status = client.0.wait().expect("wait");
    assert!(status.success(), "{status} {seen:?} {seen_err:?}");
    assert!(
        wait_line(&server_out, "close_notify received", &mut seen_server),
        "{seen_server:?}"
    );
    assert!(
        seen_server.iter().any(|l| l == "Protocol version: TLSv1.3"),
        "{seen_server:?}"
    );
    assert!(
        seen_server
            .iter()
            .any(|l| l == "Negotiated group: secp256r1"),
        "{seen_server:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsupported_flags_exit_3_with_the_feature_named() {
    let out = Command::new(BIN)
        .args(["s_client", "-connect", "127.0.0.1:1", "-tls1_1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not supported: -tls1_1: versions below TLS 1.2 are never negotiated"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_documents_the_commands() {
    let out = Command::new(BIN)
        .args(["s_client", "-bogus"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let help = Command::new(BIN).arg("--help").output().expect("run");
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "s_client",
        "s_server",
        "-connect",
        "-accept",
        "-www",
        "KeyUpdate",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn a_failed_connection_exits_1() {
    let port = free_port();
    let out = Command::new(BIN)
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn s_server_www_answers_get_with_a_status_page() {
    let dir = std::env::temp_dir().join(format!("ferrotls-cli-www-{}", std::process::id()));
    let (ca, cert, key) = pki(&dir);
    let port = free_port();
    let mut server = Guard(
        Command::new(BIN)
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-www"])
            .args(["-alpn", "http/1.1"])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server"),
    );
    let server_out = lines(server.0.stdout.take().expect("stdout"));
    let mut seen_server = Vec::new();
    assert!(
        wait_line(&server_out, "ACCEPT", &mut seen_server),
        "{seen_server:?}"
    );
    let mut client = Guard(
        Command::new(BIN)
            .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
            .args([
                "-servername",
                "localhost",
                "-alpn",
                "h2,http/1.1",
                "-ign_eof",
            ])
            .arg("-CAfile")
            .arg(&ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("client"),
    );
    let out = lines(client.0.stdout.take().expect("stdout"));
    let mut stdin = client.0.stdin.take().expect("stdin");
    stdin.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("write");
    drop(stdin);
    let mut seen = Vec::new();
    assert!(
        wait_line(&out, "ALPN protocol: http/1.1", &mut seen),
        "{seen:?}"
    );
    assert!(wait_line(&out, "HTTP/1.0 200 ok", &mut seen), "{seen:?}");
    assert!(
        wait_line(&out, "Hostname in TLS extension: \"localhost\"", &mut seen),
        "{seen:?}"
    );
    // The server closes with close_notify after the page; -ign_eof kept
    // the client reading until then.
    assert!(wait_line(&out, "closed", &mut seen), "{seen:?}");
    let status = client.0.wait().expect("wait");
    assert!(status.success(), "{status} {seen:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
