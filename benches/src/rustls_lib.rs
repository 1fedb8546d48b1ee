//! The rustls 0.23 rows (aws-lc-rs provider, buffered `Connection` API).
//!
//! rustls is driven exactly as an application over a non-blocking socket
//! would drive it: `write_tls` / `read_tls` into and out of memory,
//! `process_new_packets`, `writer()` / `reader()`.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Instant;

use rustls::client::Resumption;
use rustls::crypto::{CryptoProvider, aws_lc_rs as provider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::{NoServerSessionStorage, ServerSessionMemoryCache};
use rustls::{
    ClientConfig, ClientConnection, HandshakeKind, RootCertStore, ServerConfig, ServerConnection,
    SupportedCipherSuite, SupportedProtocolVersion,
};

use crate::certs::{Identity, SERVER_NAME};
use crate::scenario::{
    FullHandshake, Handshaker, IdleFactory, IdlePair, KeyType, Resumed, SideTimes, Suite, Transfer,
    Version,
};
use crate::transport::Pipe;

fn suite(s: Suite) -> SupportedCipherSuite {
    use provider::cipher_suite as cs;
    match s {
        Suite::Tls13Aes128Gcm => cs::TLS13_AES_128_GCM_SHA256,
        Suite::Tls13Aes256Gcm => cs::TLS13_AES_256_GCM_SHA384,
        Suite::Tls13Chacha20 => cs::TLS13_CHACHA20_POLY1305_SHA256,
        Suite::Tls12EcdheEcdsaAes128Gcm => cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    }
}

/// AES-128-GCM for the handshake rows, with the TLS 1.2 suite matching the
/// certificate's key type.
fn handshake_suites(version: Version, key_type: KeyType) -> Vec<SupportedCipherSuite> {
    use provider::cipher_suite as cs;
    vec![match (version, key_type) {
        (Version::Tls13, _) => cs::TLS13_AES_128_GCM_SHA256,
        (Version::Tls12, KeyType::EcdsaP256) => cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        (Version::Tls12, KeyType::Rsa2048) => cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    }]
}

/// The aws-lc-rs provider restricted to X25519 and `suites`.
fn provider(suites: Vec<SupportedCipherSuite>) -> Arc<CryptoProvider> {
    let mut p = provider::default_provider();
    p.kx_groups = vec![provider::kx_group::X25519];
    p.cipher_suites = suites;
    Arc::new(p)
}

fn versions(v: Version) -> &'static [&'static SupportedProtocolVersion] {
    static TLS12: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
    static TLS13: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    match v {
        Version::Tls12 => &TLS12,
        Version::Tls13 => &TLS13,
    }
}

/// A client and a server configuration that agree on one version and suite
/// set; the server keeps no sessions and sends no tickets unless a
/// resumption scenario turns them on.
struct Configs {
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
}

fn configs(
    id: &Identity,
    version: Version,
    suites: Vec<SupportedCipherSuite>,
    resumed: Option<Resumed>,
) -> Configs {
    let prov = provider(suites);
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(id.ca_der.clone()))
        .expect("CA certificate accepted by rustls");
    let mut client = ClientConfig::builder_with_provider(prov.clone())
        .with_protocol_versions(versions(version))
        .expect("version supported by the provider")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.leaf_key_pkcs8.clone()));
    let mut server = ServerConfig::builder_with_provider(prov)
        .with_protocol_versions(versions(version))
        .expect("version supported by the provider")
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(id.leaf_der.clone())], key)
        .expect("server certificate and key accepted by rustls");

    match resumed {
        None => {
            client.resumption = Resumption::disabled();
            server.session_storage = Arc::new(NoServerSessionStorage {});
            server.send_tls13_tickets = 0;
        }
        Some(Resumed::Tls13Ticket) | Some(Resumed::Tls12Ticket) => {
            // Stateless tickets, as OpenSSL issues by default; one per
            // handshake on every library so the work is the same.
            server.session_storage = Arc::new(NoServerSessionStorage {});
            server.ticketer = provider::Ticketer::new().expect("ticketer");
            server.send_tls13_tickets = 1;
        }
        Some(Resumed::Tls12SessionId) => {
            server.session_storage = ServerSessionMemoryCache::new(1024);
        }
    }
    Configs {
        client: Arc::new(client),
        server: Arc::new(server),
    }
}

fn server_name() -> ServerName<'static> {
    ServerName::try_from(SERVER_NAME).expect("valid DNS name")
}

/// Moves everything `from` wants to send into `to`, and lets `to` process it.
/// Returns whether any byte moved. `buf` is scratch space.
fn pump(
    from: &mut rustls::Connection,
    to: &mut rustls::Connection,
    buf: &mut Vec<u8>,
    from_time: &mut std::time::Duration,
    to_time: &mut std::time::Duration,
) -> bool {
    let t = Instant::now();
    buf.clear();
    while from.wants_write() {
        from.write_tls(buf).expect("write_tls to memory");
    }
    *from_time += t.elapsed();
    if buf.is_empty() {
        return false;
    }
    let t = Instant::now();
    let mut rd: &[u8] = buf;
    while !rd.is_empty() {
        to.read_tls(&mut rd).expect("read_tls from memory");
        to.process_new_packets().expect("peer accepts our records");
    }
    *to_time += t.elapsed();
    true
}

/// Runs a handshake to completion, timing each side.
fn complete(client: &mut rustls::Connection, server: &mut rustls::Connection) -> SideTimes {
    let mut times = SideTimes::default();
    let mut buf = Vec::with_capacity(16 * 1024);
    loop {
        let a = pump(
            client,
            server,
            &mut buf,
            &mut times.client,
            &mut times.server,
        );
        let b = pump(
            server,
            client,
            &mut buf,
            &mut times.server,
            &mut times.client,
        );
        if !a && !b && !client.is_handshaking() && !server.is_handshaking() {
            return times;
        }
        assert!(a || b, "rustls handshake stalled");
    }
}

fn new_pair(c: &Configs, times: &mut SideTimes) -> (rustls::Connection, rustls::Connection) {
    let t = Instant::now();
    let client = ClientConnection::new(c.client.clone(), server_name()).expect("client");
    times.client += t.elapsed();
    let t = Instant::now();
    let server = ServerConnection::new(c.server.clone()).expect("server");
    times.server += t.elapsed();
    (client.into(), server.into())
}

/// An established pair for the bulk rows.
pub struct RustlsTransfer {
    client: rustls::Connection,
    server: rustls::Connection,
}

/// Establishes a pair negotiating `s`.
pub fn transfer(id: &Identity, s: Suite) -> RustlsTransfer {
    let c = configs(id, s.version(), vec![suite(s)], None);
    let (mut client, mut server) = new_pair(&c, &mut SideTimes::default());
    complete(&mut client, &mut server);
    assert_eq!(
        client.negotiated_cipher_suite().map(|cs| cs.suite()),
        Some(suite(s).suite())
    );
    RustlsTransfer { client, server }
}

impl Transfer for RustlsTransfer {
    fn send(&mut self, data: &[u8], wire: &mut Pipe) {
        let mut off = 0;
        while off < data.len() {
            off += self.client.writer().write(&data[off..]).expect("write");
            while self.client.wants_write() {
                self.client.write_tls(wire).expect("write_tls to memory");
            }
        }
    }

    fn receive(&mut self, wire: &mut Pipe, out: &mut [u8]) -> usize {
        let mut got = 0;
        let mut rd: &[u8] = wire.readable();
        while !rd.is_empty() {
            self.server.read_tls(&mut rd).expect("read_tls from memory");
            let state = self.server.process_new_packets().expect("valid records");
            let want = state.plaintext_bytes_to_read();
            self.server
                .reader()
                .read_exact(&mut out[got..got + want])
                .expect("plaintext available");
            got += want;
        }
        wire.clear();
        got
    }
}

/// Full handshakes between fresh connections.
pub struct RustlsFull(Configs);

/// Configurations for `h` (no session cache, no tickets).
pub fn full(id: &Identity, h: FullHandshake) -> RustlsFull {
    RustlsFull(configs(
        id,
        h.version,
        handshake_suites(h.version, h.key_type),
        None,
    ))
}

/// One timed handshake on a new pair of `configs`: connection setup and
/// the handshake both count, per side; debug builds check it was `kind`.
fn timed_handshake(configs: &Configs, kind: HandshakeKind) -> SideTimes {
    let mut times = SideTimes::default();
    let (mut client, mut server) = new_pair(configs, &mut times);
    let t = complete(&mut client, &mut server);
    times.client += t.client;
    times.server += t.server;
    debug_assert_eq!(client.handshake_kind(), Some(kind));
    times
}

impl Handshaker for RustlsFull {
    fn handshake(&mut self) -> SideTimes {
        timed_handshake(&self.0, HandshakeKind::Full)
    }
}

/// Resumed handshakes; the client's session cache is primed at creation and
/// refreshed by each handshake (TLS 1.3 tickets are single-use).
pub struct RustlsResumed(Configs);

/// Configurations for `r` with an ECDSA P-256 server, primed by one full
/// handshake.
pub fn resumed(id: &Identity, r: Resumed) -> RustlsResumed {
    let c = configs(
        id,
        r.version(),
        handshake_suites(r.version(), KeyType::EcdsaP256),
        Some(r),
    );
    let mut h = RustlsResumed(c);
    let (mut client, mut server) = new_pair(&h.0, &mut SideTimes::default());
    complete(&mut client, &mut server);
    assert_eq!(
        h.handshake_kind(),
        Some(HandshakeKind::Resumed),
        "rustls resumed"
    );
    h
}

impl RustlsResumed {
    /// Runs one handshake; `true` if it was a resumption.
    pub fn resumed_once(&mut self) -> bool {
        self.handshake_kind() == Some(HandshakeKind::Resumed)
    }

    fn handshake_kind(&mut self) -> Option<HandshakeKind> {
        let (mut client, mut server) = new_pair(&self.0, &mut SideTimes::default());
        complete(&mut client, &mut server);
        client.handshake_kind()
    }
}

impl Handshaker for RustlsResumed {
    fn handshake(&mut self) -> SideTimes {
        timed_handshake(&self.0, HandshakeKind::Resumed)
    }
}

/// Idle TLS 1.3 AES-128-GCM pairs from one pair of configurations.
pub struct RustlsIdle(Configs);

/// The factory for the memory rows (rustls has no release-buffers mode).
pub fn idle(id: &Identity) -> RustlsIdle {
    RustlsIdle(configs(
        id,
        Version::Tls13,
        vec![suite(Suite::Tls13Aes128Gcm)],
        None,
    ))
}

impl IdleFactory for RustlsIdle {
    fn pair(&mut self) -> IdlePair {
        let (mut client, mut server) = new_pair(&self.0, &mut SideTimes::default());
        complete(&mut client, &mut server);
        let mut byte = [0u8; 1];
        client.writer().write_all(b"x").expect("write");
        complete(&mut client, &mut server);
        server.reader().read_exact(&mut byte).expect("read");
        server.writer().write_all(b"y").expect("write");
        complete(&mut client, &mut server);
        client.reader().read_exact(&mut byte).expect("read");
        IdlePair {
            client: Box::new(client),
            server: Box::new(server),
        }
    }
}
