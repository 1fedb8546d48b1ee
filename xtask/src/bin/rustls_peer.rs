//! A small TLS peer built on rustls (aws-lc-rs provider) for
//! `cargo xtask interop`: an echo server and a line client, pinned to one
//! version, suite and group set, with flags for ALPN, SNI, client
//! certificates, resumption and KeyUpdate.
//!
//! ```text
//! rustls_peer server --port P --cert F --key F [--ca F --require-client-cert]
//!                    [--version 1.2|1.3] [--suite IANA] [--group NAME]...
//!                    [--alpn PROTO]... [--no-tickets]
//! rustls_peer client --port P --ca F [--servername NAME] [--version ..]
//!                    [--suite ..] [--group ..]... [--alpn ..]...
//!                    [--cert F --key F] [--resume] [--no-tickets]
//! ```
//!
//! The client sends each stdin line and prints the server's reply; a line
//! `K` sends a KeyUpdate instead; EOF closes with close_notify. Both sides
//! print `HANDSHAKE version=.. suite=.. group=.. alpn=.. sni=.. resumed=..
//! hrr=.. client_cert=..` after each handshake, which the harness reads.

#![forbid(unsafe_code)]

use std::io::{self, BufRead, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::{Resumption, Tls12Resumption};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    ClientConfig, ClientConnection, HandshakeKind, RootCertStore, ServerConfig, ServerConnection,
    StreamOwned, SupportedProtocolVersion,
};

/// Parsed flags (shared by both modes; each ignores what it does not use).
#[derive(Debug, Default)]
struct Flags {
    port: u16,
    cert: Option<String>,
    key: Option<String>,
    ca: Option<String>,
    servername: String,
    version: Option<String>,
    suite: Option<String>,
    groups: Vec<String>,
    alpn: Vec<String>,
    require_client_cert: bool,
    no_tickets: bool,
    resume: bool,
}

fn parse(args: &[String]) -> Result<Flags, String> {
    let mut f = Flags {
        servername: "localhost".into(),
        ..Flags::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--port" => f.port = val()?.parse().map_err(|_| "--port: not a number")?,
            "--cert" => f.cert = Some(val()?),
            "--key" => f.key = Some(val()?),
            "--ca" => f.ca = Some(val()?),
            "--servername" => f.servername = val()?,
            "--version" => f.version = Some(val()?),
            "--suite" => f.suite = Some(val()?),
            "--group" => f.groups.push(val()?),
            "--alpn" => f.alpn.push(val()?),
            "--require-client-cert" => f.require_client_cert = true,
            "--no-tickets" => f.no_tickets = true,
            "--resume" => f.resume = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(f)
}

fn provider(f: &Flags) -> Result<Arc<CryptoProvider>, String> {
    let mut p = aws_lc_rs::default_provider();
    if let Some(want) = &f.suite {
        p.cipher_suites = aws_lc_rs::ALL_CIPHER_SUITES
            .iter()
            .copied()
            .filter(|s| iana_suite(s.suite()) == *want)
            .collect();
        if p.cipher_suites.is_empty() {
            return Err(format!("not supported: cipher suite {want}"));
        }
    }
    if !f.groups.is_empty() {
        let mut groups = Vec::new();
        for want in &f.groups {
            let g = aws_lc_rs::ALL_KX_GROUPS
                .iter()
                .copied()
                .find(|g| format!("{:?}", g.name()).eq_ignore_ascii_case(want))
                .ok_or_else(|| format!("not supported: group {want}"))?;
            groups.push(g);
        }
        p.kx_groups = groups;
    }
    Ok(Arc::new(p))
}

fn versions(f: &Flags) -> Result<Vec<&'static SupportedProtocolVersion>, String> {
    Ok(match f.version.as_deref() {
        None => vec![&rustls::version::TLS13, &rustls::version::TLS12],
        Some("1.3") => vec![&rustls::version::TLS13],
        Some("1.2") => vec![&rustls::version::TLS12],
        Some(v) => return Err(format!("not supported: version {v}")),
    })
}

/// `TLS13_AES_128_GCM_SHA256` -> `TLS_AES_128_GCM_SHA256` (IANA).
fn iana_suite(s: rustls::CipherSuite) -> String {
    let name = format!("{s:?}");
    match name.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        None => name,
    }
}

fn roots(f: &Flags) -> Result<RootCertStore, String> {
    let ca = f.ca.as_deref().ok_or("--ca is required")?;
    let mut store = RootCertStore::empty();
    for cert in certs(ca)? {
        store.add(cert).map_err(|e| format!("{ca}: {e}"))?;
    }
    Ok(store)
}

fn certs(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{path}: {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{path}: {e}"))
}

fn key(path: &str) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| format!("{path}: {e}"))
}

fn summary(conn: &rustls::CommonState, sni: Option<&str>, client_cert: Option<bool>) -> String {
    let kind = conn.handshake_kind();
    let mut s = format!(
        "HANDSHAKE version={} suite={} group={} alpn={} resumed={} hrr={}",
        conn.protocol_version()
            .map_or("?".into(), |v| format!("{v:?}")),
        conn.negotiated_cipher_suite()
            .map_or("?".into(), |s| iana_suite(s.suite())),
        conn.negotiated_key_exchange_group()
            .map_or("?".into(), |g| format!("{:?}", g.name())),
        conn.alpn_protocol()
            .map_or(String::new(), |p| String::from_utf8_lossy(p).into_owned()),
        kind == Some(HandshakeKind::Resumed),
        kind == Some(HandshakeKind::FullWithHelloRetryRequest),
    );
    if let Some(name) = sni {
        s.push_str(&format!(" sni={name}"));
    }
    if let Some(c) = client_cert {
        s.push_str(&format!(" client_cert={c}"));
    }
    s
}

fn server(f: &Flags) -> Result<(), String> {
    let provider = provider(f)?;
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions(f)?)
        .map_err(|e| e.to_string())?;
    let builder = if f.require_client_cert {
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots(f)?), provider)
            .build()
            .map_err(|e| e.to_string())?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let cert = f.cert.as_deref().ok_or("--cert is required")?;
    let key_path = f.key.as_deref().ok_or("--key is required")?;
    let mut config = builder
        .with_single_cert(certs(cert)?, key(key_path)?)
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = f.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    if !f.no_tickets {
        config.ticketer = aws_lc_rs::Ticketer::new().map_err(|e| e.to_string())?;
    }
    let config = Arc::new(config);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, f.port))
        .map_err(|e| format!("bind 127.0.0.1:{}: {e}", f.port))?;
    println!("ACCEPT");
    loop {
        let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
        let conn = ServerConnection::new(Arc::clone(&config)).map_err(|e| e.to_string())?;
        if let Err(e) = serve_one(StreamOwned::new(conn, sock)) {
            println!("error: {e}");
        }
        let _ = io::stdout().flush();
    }
}

fn serve_one(mut tls: StreamOwned<ServerConnection, TcpStream>) -> Result<(), String> {
    while tls.conn.is_handshaking() {
        tls.conn
            .complete_io(&mut tls.sock)
            .map_err(|e| format!("handshake: {e}"))?;
    }
    let client_cert = tls.conn.peer_certificates().is_some_and(|c| !c.is_empty());
    let sni = tls.conn.server_name().unwrap_or("").to_string();
    println!("{}", summary(&tls.conn, Some(&sni), Some(client_cert)));
    let _ = io::stdout().flush();
    let mut buf = [0u8; 16384];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => {
                println!("CLOSE_NOTIFY received");
                tls.conn.send_close_notify();
                let _ = tls.flush();
                return Ok(());
            }
            Ok(n) => {
                tls.write_all(&buf[..n])
                    .map_err(|e| format!("write: {e}"))?;
                tls.flush().map_err(|e| format!("write: {e}"))?;
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                println!("EOF without close_notify");
                return Ok(());
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
}

fn client_config(f: &Flags) -> Result<Arc<ClientConfig>, String> {
    let builder = ClientConfig::builder_with_provider(provider(f)?)
        .with_protocol_versions(&versions(f)?)
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots(f)?);
    let mut config = match (&f.cert, &f.key) {
        (Some(c), Some(k)) => builder
            .with_client_auth_cert(certs(c)?, key(k)?)
            .map_err(|e| e.to_string())?,
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = f.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    if f.no_tickets {
        config.resumption =
            Resumption::in_memory_sessions(32).tls12_resumption(Tls12Resumption::SessionIdOnly);
    }
    Ok(Arc::new(config))
}

fn connect(
    f: &Flags,
    config: &Arc<ClientConfig>,
) -> Result<StreamOwned<ClientConnection, TcpStream>, String> {
    let name = ServerName::try_from(f.servername.clone()).map_err(|e| e.to_string())?;
    let conn = ClientConnection::new(Arc::clone(config), name).map_err(|e| e.to_string())?;
    let sock = TcpStream::connect((Ipv4Addr::LOCALHOST, f.port))
        .map_err(|e| format!("connect 127.0.0.1:{}: {e}", f.port))?;
    let _ = sock.set_read_timeout(Some(Duration::from_secs(30)));
    let mut tls = StreamOwned::new(conn, sock);
    while tls.conn.is_handshaking() {
        tls.conn
            .complete_io(&mut tls.sock)
            .map_err(|e| format!("handshake: {e}"))?;
    }
    Ok(tls)
}

/// Reads until a newline arrives; returns what was read.
fn read_line(tls: &mut StreamOwned<ClientConnection, TcpStream>) -> Result<Vec<u8>, String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.contains(&b'\n') {
        match tls.read(&mut buf) {
            Ok(0) => return Err("server closed the connection".into()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    Ok(got)
}

fn close(tls: &mut StreamOwned<ClientConnection, TcpStream>) {
    tls.conn.send_close_notify();
    let _ = tls.flush();
    let mut buf = [0u8; 4096];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => {
                println!("CLOSE_NOTIFY received");
                break;
            }
            Ok(_) => {}
            Err(_) => {
                println!("EOF without close_notify");
                break;
            }
        }
    }
}

fn client(f: &Flags) -> Result<(), String> {
    let config = client_config(f)?;
    if f.resume {
        // A full handshake and one exchange (so TLS 1.3 tickets arrive),
        // then the interactive connection below resumes.
        let mut first = connect(f, &config)?;
        println!("{}", summary(&first.conn, None, None));
        first
            .write_all(b"resumption probe\n")
            .and_then(|()| first.flush())
            .map_err(|e| format!("write: {e}"))?;
        read_line(&mut first)?;
        close(&mut first);
    }
    let mut tls = connect(f, &config)?;
    println!("{}", summary(&tls.conn, None, None));
    let _ = io::stdout().flush();
    for line in io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        match line.as_str() {
            "K" => {
                tls.conn.refresh_traffic_keys().map_err(|e| e.to_string())?;
                tls.flush().map_err(|e| format!("write: {e}"))?;
                println!("KEY_UPDATE sent");
            }
            "R" => return Err("not supported: renegotiation (rustls)".into()),
            _ => {
                tls.write_all(format!("{line}\n").as_bytes())
                    .and_then(|()| tls.flush())
                    .map_err(|e| format!("write: {e}"))?;
                let reply = read_line(&mut tls)?;
                print!("{}", String::from_utf8_lossy(&reply));
            }
        }
        let _ = io::stdout().flush();
    }
    close(&mut tls);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((mode, rest)) if mode == "server" => parse(rest).and_then(|f| server(&f)),
        Some((mode, rest)) if mode == "client" => parse(rest).and_then(|f| client(&f)),
        _ => Err("usage: rustls_peer server|client --port P ...".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
