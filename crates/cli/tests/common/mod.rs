//! What the end-to-end tests of the `ferrotls` binary share: a test PKI
//! made at test time, free ports, child processes killed on drop, and
//! their output read line by line with a deadline.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_ferrotls");

/// Kills the child when dropped, so a failing assertion never leaves a
/// server behind.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A scratch directory for one test's files, unique to this test run.
pub fn temp_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ferrotls-cli-{what}-{}", std::process::id()))
}

pub fn pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
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

pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// Collects a stream's lines on a thread.
pub fn lines(r: impl Read + Send + 'static) -> mpsc::Receiver<String> {
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

pub fn wait_line(rx: &mpsc::Receiver<String>, want: &str, seen: &mut Vec<String>) -> bool {
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

/// A running `ferrotls s_server` that printed ACCEPT, and its stdout.
pub struct Server {
    pub guard: Guard,
    pub out: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

/// Starts `ferrotls s_server -accept 127.0.0.1:port -cert -key` with
/// `extra` flags and waits until it listens.
pub fn s_server(port: u16, cert: &Path, key: &Path, extra: &[&str]) -> Server {
    let mut guard = Guard(
        Command::new(BIN)
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}")])
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("server"),
    );
    let out = lines(guard.0.stdout.take().expect("stdout"));
    let mut seen = Vec::new();
    assert!(wait_line(&out, "ACCEPT", &mut seen), "{seen:?}");
    Server { guard, out, seen }
}

/// A running `ferrotls s_client`, its stdin, stdout and stderr.
pub struct Client {
    pub guard: Guard,
    pub stdin: Option<ChildStdin>,
    pub out: mpsc::Receiver<String>,
    pub err: mpsc::Receiver<String>,
}

impl Client {
    /// Types one line.
    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).expect("write");
        stdin.write_all(b"\n").expect("write");
    }

    /// Closes stdin (the client then closes with close_notify) and
    /// returns whether it exited with status 0.
    pub fn finish(&mut self) -> bool {
        drop(self.stdin.take());
        self.guard.0.wait().expect("wait").success()
    }
}

/// Starts `ferrotls s_client` against 127.0.0.1:port, verifying the
/// server as localhost against `ca`, with `extra` flags.
pub fn s_client(port: u16, ca: &Path, extra: &[&str]) -> Client {
    let mut guard = Guard(
        Command::new(BIN)
            .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
            .args(["-servername", "localhost", "-verify_hostname", "localhost"])
            .arg("-verify_return_error")
            .arg("-CAfile")
            .arg(ca)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("client"),
    );
    Client {
        stdin: guard.0.stdin.take(),
        out: lines(guard.0.stdout.take().expect("stdout")),
        err: lines(guard.0.stderr.take().expect("stderr")),
        guard,
    }
}
