//! Running the `openssl` binary from tests: a guard that kills the child
//! on drop (a failing test leaves no process behind), a free loopback
//! port, a bounded wait until a server listens, the test PKI written to a
//! directory, and a child with piped stdin whose output is collected in
//! the background; the client side every interop test repeats (a context
//! trusting the test CA, a connection offering a session, a line through
//! `s_server -rev`, an NSS key log file read back). 127.0.0.1 only.
//! `mem` holds the memory-BIO setup shared by the callback tests.
//!
//! Test crates using it also include `contract/util.rs` as `mod util`.

#![allow(dead_code)]

pub mod mem;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrotls::{Ssl, SslContext, SslSession, SslStream, SslVersion};

/// Kills the child process when dropped.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `openssl` command, after checking it runs.
pub fn openssl() -> &'static str {
    let ok = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "the `openssl` command-line tool is required for the interop tests (install openssl)"
    );
    "openssl"
}

/// A loopback port nobody listens on (at the time of the call).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Connects to `port`, retrying for up to ten seconds while the server
/// starts; the stream gets a ten-second read timeout.
pub fn connect_retry(port: u16) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => {
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                return s;
            }
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("the server on port {port} did not start: {e}"),
        }
    }
}

/// The test PKI (generated at test time) in a fresh directory:
/// `ca.pem`, `server.pem`, `server.key`, `client.pem`, `client.key`.
pub fn pki_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrotls-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = crate::util::pki();
    std::fs::write(dir.join("ca.pem"), &p.ca_pem).unwrap();
    std::fs::write(dir.join("server.pem"), &p.server_chain_pem).unwrap();
    std::fs::write(dir.join("server.key"), &p.server_key_pem).unwrap();
    std::fs::write(dir.join("client.pem"), &p.client_chain_pem).unwrap();
    std::fs::write(dir.join("client.key"), &p.client_key_pem).unwrap();
    dir
}

/// A running `openssl` with piped stdin; stdout and stderr are collected
/// in the background into `output`.
pub struct Spawned {
    pub guard: ChildGuard,
    pub stdin: Option<ChildStdin>,
    pub output: Arc<Mutex<Vec<u8>>>,
}

/// Runs `openssl args...` in `dir`.
pub fn spawn_openssl(args: &[&str], dir: &Path) -> Spawned {
    let mut child = Command::new(openssl())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn openssl");
    let stdin = child.stdin.take();
    let output = Arc::new(Mutex::new(Vec::new()));
    for mut pipe in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
    }
    Spawned {
        guard: ChildGuard(child),
        stdin,
        output,
    }
}

impl Spawned {
    /// The output so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits (up to `secs`) until the output contains `needle`.
    pub fn wait_for_text(&self, needle: &str, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if self.text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Closes stdin and waits (bounded) for the process to exit.
    pub fn finish(&mut self, secs: u64) -> String {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.guard.0.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Let the reader threads drain the pipes.
        std::thread::sleep(Duration::from_millis(50));
        self.text()
    }
}

/// `openssl s_server` on 127.0.0.1:`port` with the test server
/// certificate and `extra` flags, its standard streams discarded.
pub fn s_server(dir: &Path, port: u16, extra: &[&str]) -> ChildGuard {
    ChildGuard(
        Command::new(openssl())
            .args(["s_server", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(dir.join("server.pem"))
            .arg("-key")
            .arg(dir.join("server.key"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn openssl s_server"),
    )
}

/// Accepts one connection within ten seconds (a peer that failed to
/// start must not hang the test); the socket is blocking with a
/// ten-second read timeout.
pub fn accept_within(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let sock = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("no connection: {e}"),
        }
    };
    listener.set_nonblocking(false).unwrap();
    sock.set_nonblocking(false).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    sock
}

/// A client context trusting the test CA written by [`pki_dir`] into
/// `dir`, capped at `max` (`None`: the highest we support).
pub fn trusting_client(dir: &Path, max: Option<SslVersion>) -> SslContext {
    let mut b = crate::util::client_builder();
    b.load_verify_locations(Some(&dir.join("ca.pem")), None)
        .unwrap();
    if max.is_some() {
        b.set_max_proto_version(max).unwrap();
    }
    b.build().unwrap()
}

/// Connects to `localhost` on `port` (offering `session`) and completes
/// the handshake.
pub fn connect_ssl(
    ctx: &SslContext,
    port: u16,
    session: Option<&SslSession>,
) -> SslStream<TcpStream> {
    let mut ssl = Ssl::new(ctx);
    ssl.set_connect_state();
    ssl.set_hostname("localhost").unwrap();
    if let Some(s) = session {
        ssl.set_session(s).unwrap();
    }
    let mut tls = SslStream::new(ssl, connect_retry(port));
    tls.do_handshake().expect("handshake with s_server");
    tls
}

/// Sends a line to `s_server -rev` and waits for it reversed (which also
/// makes the client read the tickets that precede it).
pub fn rev_round_trip(tls: &mut SslStream<TcpStream>, line: &str) {
    tls.write_all(format!("{line}\n").as_bytes()).unwrap();
    let want: String = line.chars().rev().collect();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&got).contains(&want) {
        let n = tls.read(&mut buf).expect("read from s_server");
        assert!(
            n > 0,
            "s_server closed: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
}

/// The secret lines of an NSS key log file (`-keylogfile`), comments
/// and blank lines left out.
pub fn read_key_log(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect()
}
