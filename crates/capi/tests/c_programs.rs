//! The C programs of `tests/c/`, compiled with the system `cc` once
//! against `libferrotls_ssl` (our headers) and once against the system
//! libssl, run against `openssl s_server` / `s_client` and each other:
//! (a) the SSL_connect page's non-blocking select() client, (b) two SSL
//! over BIO pairs pumped by hand, (c) a blocking server for s_client,
//! (d) the same output from both builds, (e) no valgrind error; and
//! (f) TLS 1.2 renegotiation started by either side over BIO pairs.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::*;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// Which library a program is linked with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Lib {
    Ferrotls,
    FerrotlsStatic,
    System,
}

struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
    fn exe(&self, prog: &str, lib: Lib) -> PathBuf {
        self.dir.join(format!("{prog}-{lib:?}"))
    }
    /// `bio_pair CA SERVER_CHAIN SERVER_KEY OTHER_CA`, the same for every
    /// build so the outputs can be compared.
    fn bio_pair_args(&self) -> [String; 4] {
        ["ca.pem", "server.pem", "server.key", "other.pem"].map(|n| self.file(n))
    }
}

fn ca(cn: &str) -> (String, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().expect("ca key");
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = p.self_signed(&key).expect("ca self-sign");
    (cert.pem(), Issuer::new(p, key))
}

/// Test certificates (made now, never checked in) and the binaries.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = lib_dir().with_file_name("capi-c-tests");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("build dir");
        let (ca_pem, issuer) = ca("ferrotls test CA");
        let (other_pem, _) = ca("other CA");
        let key = KeyPair::generate().expect("leaf key");
        let mut p = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("leaf params");
        p.distinguished_name.push(DnType::CommonName, "localhost");
        p.is_ca = IsCa::ExplicitNoCa;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf = p.signed_by(&key, &issuer).expect("sign leaf");
        let files = [
            ("ca.pem", ca_pem),
            ("other.pem", other_pem),
            ("server.pem", leaf.pem()),
            ("server.key", key.serialize_pem()),
        ];
        for (name, pem) in files {
            std::fs::write(dir.join(name), pem).expect("write pem");
        }
        let f = Fixture { dir };
        for prog in ["nb_client", "bio_pair", "server", "renegotiate"] {
            for lib in [Lib::Ferrotls, Lib::System] {
                compile(&f, prog, lib);
            }
        }
        compile(&f, "bio_pair", Lib::FerrotlsStatic);
        f
    })
}

fn compile(f: &Fixture, prog: &str, lib: Lib) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/{prog}.c"));
    let libdir = lib_dir();
    let mut cmd = Command::new("cc");
    cmd.args([
        "-std=c11",
        "-D_DEFAULT_SOURCE",
        "-Wall",
        "-Werror",
        "-g",
        "-o",
    ])
    .arg(f.exe(prog, lib))
    .arg(&src);
    match lib {
        Lib::Ferrotls => {
            cmd.arg("-I")
                .arg(include_dir())
                .arg("-L")
                .arg(&libdir)
                .arg("-lferrotls_ssl")
                .arg(format!("-Wl,-rpath,{}", libdir.display()));
        }
        Lib::FerrotlsStatic => {
            cmd.arg("-I")
                .arg(include_dir())
                .arg(libdir.join("libferrotls_ssl.a"))
                .args([
                    "-lgcc_s",
                    "-lutil",
                    "-lrt",
                    "-lpthread",
                    "-lm",
                    "-ldl",
                    "-lc",
                ]);
        }
        Lib::System => {
            // Deprecated-but-present OpenSSL names are fine here.
            cmd.args(["-Wno-deprecated-declarations", "-lssl", "-lcrypto"]);
        }
    }
    run_ok(&mut cmd);
}

/// A child killed when dropped, so no server outlives a failed test.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for `child` with a deadline; returns (status ok, stdout).
fn finish(mut child: Child, secs: u64) -> (std::process::ExitStatus, String, String) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let mut out = String::new();
            let mut err = String::new();
            if let Some(mut o) = child.stdout.take() {
                o.read_to_string(&mut out).expect("stdout");
            }
            if let Some(mut e) = child.stderr.take() {
                e.read_to_string(&mut err).expect("stderr");
            }
            return (status, out, err);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("program did not finish within {secs}s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const VALGRIND: &[&str] = &[
    "valgrind",
    "-q",
    "--error-exitcode=99",
    "--leak-check=full",
    "--errors-for-leak-kinds=definite",
];

fn command(exe: &Path, valgrind: bool) -> Command {
    if valgrind {
        let mut c = Command::new(VALGRIND[0]);
        c.args(&VALGRIND[1..]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

fn assert_success(what: &str, status: std::process::ExitStatus, out: &str, err: &str) {
    assert!(
        status.success(),
        "{what} exited with {status}\nstdout:\n{out}\nstderr:\n{err}"
    );
}

/// Runs a program to its end (two minutes at most) and returns its
/// stdout; a failed exit fails the test with both outputs shown.
fn run_to_end(what: &str, cmd: &mut Command) -> String {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {what}: {e}"));
    let (status, out, err) = finish(child, 120);
    assert_success(what, status, &out, &err);
    out
}

/// (a): `openssl s_server -rev` on a free port, then the client.
fn run_nb_client(lib: Lib, valgrind: bool) -> String {
    let f = fixture();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let mut server = Kill(
        Command::new("openssl")
            .args(["s_server", "-accept", &port.to_string(), "-cert"])
            .arg(f.file("server.pem"))
            .arg("-key")
            .arg(f.file("server.key"))
            .args(["-rev", "-ciphersuites", "TLS_AES_128_GCM_SHA256"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn openssl s_server"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().expect("s_server stdout"));
    let mut line = String::new();
    while !line.contains("ACCEPT") {
        line.clear();
        assert!(
            lines.read_line(&mut line).expect("s_server output") > 0,
            "s_server exited"
        );
    }
    run_to_end(
        "nb_client",
        command(&f.exe("nb_client", lib), valgrind)
            .arg(port.to_string())
            .arg(f.file("ca.pem")),
    )
}

/// (b): the BIO-pair program on its own.
fn run_bio_pair(lib: Lib, valgrind: bool) -> String {
    let f = fixture();
    run_to_end(
        "bio_pair",
        command(&f.exe("bio_pair", lib), valgrind).args(f.bio_pair_args()),
    )
}

/// (f): the renegotiation program on its own.
fn run_renegotiate(lib: Lib, valgrind: bool) -> String {
    let f = fixture();
    run_to_end(
        "renegotiate",
        command(&f.exe("renegotiate", lib), valgrind).args([
            f.file("ca.pem"),
            f.file("server.pem"),
            f.file("server.key"),
        ]),
    )
}

/// (c): the server, then `openssl s_client` sending "ping".
fn run_server(lib: Lib, valgrind: bool) -> String {
    let f = fixture();
    let mut server = command(&f.exe("server", lib), valgrind)
        .arg(f.file("server.pem"))
        .arg(f.file("server.key"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn server");
    let mut err = BufReader::new(server.stderr.take().expect("server stderr"));
    let mut line = String::new();
    let port = loop {
        line.clear();
        assert!(
            err.read_line(&mut line).expect("server stderr") > 0,
            "server exited early"
        );
        if let Some(p) = line.trim().strip_prefix("port ") {
            break p.to_string();
        }
    };
    let mut client = Kill(
        Command::new("openssl")
            .args([
                "s_client",
                "-connect",
                &format!("127.0.0.1:{port}"),
                "-CAfile",
            ])
            .arg(f.file("ca.pem"))
            .args(["-servername", "localhost", "-verify_return_error", "-quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn openssl s_client"),
    );
    // stdin stays open (-quiet implies -ign_eof) until the server closes.
    let mut stdin = client.0.stdin.take().expect("s_client stdin");
    stdin.write_all(b"ping\n").expect("write to s_client");
    let (status, out, rest) = finish(server, 120);
    assert_success("server", status, &out, &rest);
    drop(stdin);
    let mut client_out = String::new();
    let _ = client
        .0
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut client_out);
    assert!(
        client_out.contains("pong: ping"),
        "s_client saw: {client_out}"
    );
    out
}

#[test]
fn a_nonblocking_client_against_s_server() {
    let out = run_nb_client(Lib::Ferrotls, false);
    assert_eq!(
        out,
        "tcp_nodelay: 1\nfd: same=1\nconnect: 1\n\
         version: TLSv1.3 cipher: TLS_AES_128_GCM_SHA256 verify: 0\n\
         peer: /CN=localhost\nwrite: 13\nread: c morf olleh\nshutdown: 0\n"
    );
}

#[test]
fn b_bio_pair_pumped_by_hand() {
    let out = run_bio_pair(Lib::Ferrotls, false);
    for want in [
        "mem: write=5 pending=5 read=5 data=hello\n",
        "mem: empty read=-1 retry=1 should_read=1\n",
        "membuf: read=4 data=abcd next=0 retry=0\n",
        "ctx: bad key file=0\n",
        "handshake: ok=1 client=1 server=1\n",
        "client: version=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 verify=0 reused=0\n",
        "server: version=TLSv1.3 sni=localhost is_server=1\n",
        "peer: subject=/CN=localhost issuer=/CN=ferrotls test CA der=1\n",
        "data: write_ex=1 written=4 server read=4 ping\n",
        "data: server write=5 client peek=2 po pending=5\n",
        "data: client read_ex=1 got=5 pong!\n",
        "write 0: ret=0\n",
        "shutdown: server read=0 error=6\n",
        "shutdown: client second=1 state=3\n",
        "session: got=1 version=0x304 resumable=1\n",
        "session: set=1\n",
        "resumed: ok=1 client reused=1 server reused=1\n",
        "untrusted: ok=0 client=-1 error=1 verify=20 lib=20 reason=134\n",
        "untrusted: drained queue error=5\n",
        // The client's alert is protected, so the server sees unknown_ca.
        "untrusted: server=-1 error=1 lib=20 reason=1048\n",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}

#[test]
fn b_bio_pair_with_the_staticlib() {
    let f = fixture();
    let out = run_to_end(
        "static bio_pair",
        Command::new(f.exe("bio_pair", Lib::FerrotlsStatic)).args(f.bio_pair_args()),
    );
    assert_eq!(out, run_bio_pair(Lib::Ferrotls, false));
}

#[test]
fn c_blocking_server_accepts_s_client() {
    let out = run_server(Lib::Ferrotls, false);
    assert_eq!(
        out,
        "accept: 1\nversion: TLSv1.3 cipher: TLS_AES_256_GCM_SHA384 sni: localhost\n\
         got: ping\nwrite: 1\nshutdown: first=0\nshutdown: second=1 state=3\n"
    );
}

#[test]
fn f_s11_tls12_renegotiation_by_either_side() {
    let out = run_renegotiate(Lib::Ferrotls, false);
    assert_eq!(
        out,
        "tls12: set max=1 max=0x303 ctx max=0\n\
         tls12: handshake=1 version=TLSv1.2 verify=0\n\
         before: write=3 read=3 one\n\
         client reneg: start=1 pending=1\n\
         client reneg: handshake=1 server read wants=1 pending=0/0 version=TLSv1.2\n\
         after client reneg: write=3 read=3 two\n\
         after client reneg: write=5 read=5 three\n\
         server reneg: start=1 pending=1\n\
         server reneg: ok=1 idle reads=1 pending=0/0 version=TLSv1.2\n\
         after server reneg: write=4 read=4 four\n\
         after server reneg: write=4 read=4 five\n\
         tls13: alpn=http/1.1 sni cb=localhost/arg keylog=1\n\
         tls13: handshake=1 version=TLSv1.3 renegotiate=0 pending=0\n\
         tls13 after refusal: write=3 read=3 six\n\
         no reneg: option set=1\n\
         no reneg: handshake=1 version=TLSv1.2 renegotiate=0 pending=0\n\
         no reneg after refusal: write=5 read=5 seven\n"
    );
}

#[test]
fn d_differential_system_libssl_and_ferrotls() {
    type Run = fn(Lib, bool) -> String;
    let runs: [(&str, Run); 4] = [
        ("nb_client", run_nb_client),
        ("bio_pair", run_bio_pair),
        ("server", run_server),
        ("renegotiate", run_renegotiate),
    ];
    for (name, run) in runs {
        let system = run(Lib::System, false);
        let ours = run(Lib::Ferrotls, false);
        assert_eq!(system, ours, "{name}: system libssl vs ferrotls output");
    }
}

#[test]
fn e_valgrind_clean() {
    type Run = fn(Lib, bool) -> String;
    let runs: [Run; 4] = [run_nb_client, run_bio_pair, run_server, run_renegotiate];
    for run in runs {
        // Exit status 99 (a valgrind error) fails inside `run`.
        run(Lib::Ferrotls, true);
    }
}
