//! The OpenSSL rows: the system libssl through the `openssl` crate.
//!
//! Each side is an `SslStream` over a [`Duplex`], so OpenSSL runs its
//! non-blocking path (`SSL_ERROR_WANT_READ` on an empty pipe) with its
//! default read buffering, as `SSL_set_bio` on a socket would.

use std::time::{Duration, Instant};

use openssl::pkey::PKey;
use openssl::ssl::{
    ErrorCode, ShutdownState, Ssl, SslContext, SslContextBuilder, SslMethod, SslMode, SslOptions,
    SslSessionCacheMode, SslStream, SslVerifyMode, SslVersion,
};
use openssl::x509::X509;

use crate::certs::{Identity, SERVER_NAME};
use crate::scenario::{
    FullHandshake, Handshaker, IdleFactory, IdlePair, KeyType, Resumed, SideTimes, Suite, Transfer,
    Version,
};
use crate::transport::{Duplex, Pipe, SharedPipe};

fn proto(v: Version) -> SslVersion {
    match v {
        Version::Tls12 => SslVersion::TLS1_2,
        Version::Tls13 => SslVersion::TLS1_3,
    }
}

/// Pins version, X25519 and the suite on a context builder.
fn pin(b: &mut SslContextBuilder, version: Version, suite: &str) {
    b.set_min_proto_version(Some(proto(version)))
        .expect("min version");
    b.set_max_proto_version(Some(proto(version)))
        .expect("max version");
    // TLS 1.2 (RFC 8422 section 5.1) lets an ECDSA certificate be used only
    // if its curve is in the client's supported_groups, and OpenSSL enforces
    // that; so P-256 is listed after X25519 there. Both sides prefer X25519,
    // so the key exchange stays X25519 (checked by `assert_x25519`).
    let groups = match version {
        Version::Tls13 => "X25519",
        Version::Tls12 => "X25519:P-256",
    };
    b.set_groups_list(groups).expect("groups available");
    match version {
        Version::Tls13 => b.set_ciphersuites(suite).expect("TLS 1.3 suite"),
        Version::Tls12 => b.set_cipher_list(suite).expect("TLS 1.2 cipher"),
    }
}

fn handshake_suite(version: Version, key_type: KeyType) -> &'static str {
    match (version, key_type) {
        (Version::Tls13, _) => "TLS_AES_128_GCM_SHA256",
        (Version::Tls12, KeyType::EcdsaP256) => "ECDHE-ECDSA-AES128-GCM-SHA256",
        (Version::Tls12, KeyType::Rsa2048) => "ECDHE-RSA-AES128-GCM-SHA256",
    }
}

/// Client and server contexts, like two `SSL_CTX`s built once.
struct Contexts {
    client: SslContext,
    server: SslContext,
}

fn contexts(
    id: &Identity,
    version: Version,
    suite: &str,
    resumed: Option<Resumed>,
    release_buffers: bool,
) -> Contexts {
    let mut c = SslContextBuilder::new(SslMethod::tls_client()).expect("client ctx");
    pin(&mut c, version, suite);
    c.cert_store_mut()
        .add_cert(X509::from_der(&id.ca_der).expect("CA DER"))
        .expect("CA added");
    c.set_verify(SslVerifyMode::PEER);

    let mut s = SslContextBuilder::new(SslMethod::tls_server()).expect("server ctx");
    pin(&mut s, version, suite);
    s.set_certificate(&X509::from_der(&id.leaf_der).expect("leaf DER"))
        .expect("certificate");
    s.set_private_key(&PKey::private_key_from_pkcs8(&id.leaf_key_pkcs8).expect("key"))
        .expect("private key");
    s.set_session_id_context(b"ferrotls-bench")
        .expect("sid ctx");
    match resumed {
        None => {
            s.set_session_cache_mode(SslSessionCacheMode::OFF);
            s.set_options(SslOptions::NO_TICKET);
            s.set_num_tickets(0).expect("no tickets");
        }
        Some(Resumed::Tls13Ticket) | Some(Resumed::Tls12Ticket) => {
            s.set_session_cache_mode(SslSessionCacheMode::OFF);
            s.set_num_tickets(1).expect("one ticket");
        }
        Some(Resumed::Tls12SessionId) => {
            s.set_session_cache_mode(SslSessionCacheMode::SERVER);
            s.set_options(SslOptions::NO_TICKET);
        }
    }
    if release_buffers {
        c.set_mode(SslMode::RELEASE_BUFFERS);
        s.set_mode(SslMode::RELEASE_BUFFERS);
    }
    Contexts {
        client: c.build(),
        server: s.build(),
    }
}

type Stream = SslStream<Duplex>;

fn new_pair(ctx: &Contexts, times: &mut SideTimes) -> (Stream, Stream) {
    let (cd, sd) = Duplex::pair();
    let t = Instant::now();
    let mut ssl = Ssl::new(&ctx.client).expect("SSL_new");
    ssl.set_connect_state();
    ssl.set_hostname(SERVER_NAME).expect("SNI");
    ssl.param_mut().set_host(SERVER_NAME).expect("host check");
    let client = SslStream::new(ssl, cd).expect("client stream");
    times.client += t.elapsed();
    let t = Instant::now();
    let mut ssl = Ssl::new(&ctx.server).expect("SSL_new");
    ssl.set_accept_state();
    let server = SslStream::new(ssl, sd).expect("server stream");
    times.server += t.elapsed();
    (client, server)
}

/// One `SSL_do_handshake` call; `true` once established.
fn step(s: &mut Stream, time: &mut Duration) -> bool {
    let t = Instant::now();
    let r = s.do_handshake();
    *time += t.elapsed();
    match r {
        Ok(()) => true,
        Err(e) if e.code() == ErrorCode::WANT_READ => false,
        Err(e) => panic!("OpenSSL handshake failed: {e}"),
    }
}

/// Lets `s` consume whatever is waiting for it (post-handshake messages such
/// as NewSessionTicket) without expecting application data.
fn drain(s: &mut Stream, incoming: &SharedPipe, time: &mut Duration) {
    let t = Instant::now();
    while !incoming.lock().is_empty() {
        match s.ssl_read(&mut [0u8; 1]) {
            Err(e) if e.code() == ErrorCode::WANT_READ => {}
            Ok(_) => panic!("unexpected application data"),
            Err(e) => panic!("OpenSSL read failed: {e}"),
        }
    }
    *time += t.elapsed();
}

fn complete(client: &mut Stream, server: &mut Stream, times: &mut SideTimes) {
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..64 {
        if !c_done {
            c_done = step(client, &mut times.client);
        }
        if !s_done {
            s_done = step(server, &mut times.server);
        }
        if c_done && s_done {
            let c_in = client.get_ref().incoming.clone();
            drain(client, &c_in, &mut times.client);
            return;
        }
    }
    panic!("OpenSSL handshake stalled");
}

/// Fails loudly unless the key exchange used X25519.
fn assert_x25519(client: &Stream) {
    let key = client.ssl().peer_tmp_key().expect("peer key share");
    assert_eq!(key.id(), openssl::pkey::Id::X25519, "OpenSSL key exchange");
}

/// Marks the connection as cleanly closed (`SSL_set_shutdown`, as
/// `SSL_set_quiet_shutdown` would) before it is freed: OpenSSL makes a
/// session unresumable when its `SSL` is freed without a clean shutdown.
fn quiet_close(s: &mut Stream) {
    s.set_shutdown(ShutdownState::SENT | ShutdownState::RECEIVED);
}

/// An established pair for the bulk rows.
pub struct OpensslTransfer {
    client: Stream,
    server: Stream,
}

/// Establishes a pair negotiating `s`.
pub fn transfer(id: &Identity, s: Suite) -> OpensslTransfer {
    let ctx = contexts(id, s.version(), s.openssl_name(), None, false);
    let (mut client, mut server) = new_pair(&ctx, &mut SideTimes::default());
    complete(&mut client, &mut server, &mut SideTimes::default());
    assert_x25519(&client);
    let name = client.ssl().current_cipher().map(|c| c.standard_name());
    assert!(
        name.flatten().is_some_and(|n| s.name().ends_with(&n[4..])),
        "OpenSSL negotiated {name:?}, not {}",
        s.name()
    );
    OpensslTransfer { client, server }
}

impl Transfer for OpensslTransfer {
    fn send(&mut self, data: &[u8], wire: &mut Pipe) {
        let out = self.client.get_ref().outgoing.clone();
        out.lock().swap(wire);
        let mut off = 0;
        while off < data.len() {
            off += self.client.ssl_write(&data[off..]).expect("SSL_write");
        }
        out.lock().swap(wire);
    }

    fn receive(&mut self, wire: &mut Pipe, out: &mut [u8]) -> usize {
        let incoming = self.server.get_ref().incoming.clone();
        incoming.lock().swap(wire);
        let mut got = 0;
        while got < out.len() {
            match self.server.ssl_read(&mut out[got..]) {
                Ok(0) => panic!("SSL_read: unexpected close"),
                Ok(n) => got += n,
                Err(e) if e.code() == ErrorCode::WANT_READ => break,
                Err(e) => panic!("SSL_read failed: {e}"),
            }
        }
        incoming.lock().swap(wire);
        wire.clear();
        got
    }
}

/// Full handshakes between fresh `SSL` objects.
pub struct OpensslFull(Contexts);

/// Contexts for `h` (no session cache, no tickets).
pub fn full(id: &Identity, h: FullHandshake) -> OpensslFull {
    let suite = handshake_suite(h.version, h.key_type);
    let ctx = contexts(id, h.version, suite, None, false);
    let (mut client, mut server) = new_pair(&ctx, &mut SideTimes::default());
    complete(&mut client, &mut server, &mut SideTimes::default());
    assert_x25519(&client);
    OpensslFull(ctx)
}

impl Handshaker for OpensslFull {
    fn handshake(&mut self) -> SideTimes {
        let mut times = SideTimes::default();
        let (mut client, mut server) = new_pair(&self.0, &mut times);
        complete(&mut client, &mut server, &mut times);
        debug_assert!(!client.ssl().session_reused());
        times
    }
}

/// Resumed handshakes; the client keeps the newest session, as an
/// application calling `SSL_get1_session` / `SSL_set_session` does.
pub struct OpensslResumed {
    ctx: Contexts,
    session: openssl::ssl::SslSession,
}

/// Contexts for `r` with an ECDSA P-256 server, primed by one full handshake.
pub fn resumed(id: &Identity, r: Resumed) -> OpensslResumed {
    let suite = handshake_suite(r.version(), KeyType::EcdsaP256);
    let ctx = contexts(id, r.version(), suite, Some(r), false);
    let (mut client, mut server) = new_pair(&ctx, &mut SideTimes::default());
    complete(&mut client, &mut server, &mut SideTimes::default());
    assert_x25519(&client);
    let session = client.ssl().session().expect("session").to_owned();
    quiet_close(&mut client);
    quiet_close(&mut server);
    let mut h = OpensslResumed { ctx, session };
    let (reused, _) = h.run();
    assert!(reused, "OpenSSL resumed {}", r.name());
    h
}

impl OpensslResumed {
    /// Runs one handshake; `true` if the server accepted the session.
    pub fn resumed_once(&mut self) -> bool {
        self.run().0
    }

    fn run(&mut self) -> (bool, SideTimes) {
        let mut times = SideTimes::default();
        let (cd, sd) = Duplex::pair();
        let t = Instant::now();
        let mut ssl = Ssl::new(&self.ctx.client).expect("SSL_new");
        ssl.set_connect_state();
        ssl.set_hostname(SERVER_NAME).expect("SNI");
        ssl.param_mut().set_host(SERVER_NAME).expect("host check");
        set_session(&mut ssl, &self.session);
        let mut client = SslStream::new(ssl, cd).expect("client stream");
        times.client += t.elapsed();
        let t = Instant::now();
        let mut ssl = Ssl::new(&self.ctx.server).expect("SSL_new");
        ssl.set_accept_state();
        let mut server = SslStream::new(ssl, sd).expect("server stream");
        times.server += t.elapsed();
        complete(&mut client, &mut server, &mut times);
        let t = Instant::now();
        let reused = client.ssl().session_reused();
        if let Some(s) = client.ssl().session() {
            self.session = s.to_owned();
        }
        times.client += t.elapsed();
        quiet_close(&mut client);
        quiet_close(&mut server);
        (reused, times)
    }
}

/// `SSL_set_session`, which the `openssl` crate marks unsafe because the
/// session must come from a connection of the same `SSL_CTX`.
#[allow(unsafe_code)]
fn set_session(ssl: &mut openssl::ssl::SslRef, session: &openssl::ssl::SslSessionRef) {
    // SAFETY: every session passed here was taken from a client `Ssl` built
    // on the same client `SslContext` (`OpensslResumed::ctx.client`), which
    // is the requirement `SslRef::set_session` documents.
    unsafe { ssl.set_session(session) }.expect("SSL_set_session");
}

impl Handshaker for OpensslResumed {
    fn handshake(&mut self) -> SideTimes {
        let (reused, times) = self.run();
        debug_assert!(reused);
        times
    }
}

/// Idle TLS 1.3 AES-128-GCM pairs from one pair of contexts.
pub struct OpensslIdle(Contexts);

/// The factory for the memory rows, with or without `SSL_MODE_RELEASE_BUFFERS`.
pub fn idle(id: &Identity, release_buffers: bool) -> OpensslIdle {
    OpensslIdle(contexts(
        id,
        Version::Tls13,
        Suite::Tls13Aes128Gcm.openssl_name(),
        None,
        release_buffers,
    ))
}

impl IdleFactory for OpensslIdle {
    fn pair(&mut self) -> IdlePair {
        let (mut client, mut server) = new_pair(&self.0, &mut SideTimes::default());
        complete(&mut client, &mut server, &mut SideTimes::default());
        let mut byte = [0u8; 1];
        client.ssl_write(b"x").expect("write");
        server.ssl_read(&mut byte).expect("read");
        server.ssl_write(b"y").expect("write");
        client.ssl_read(&mut byte).expect("read");
        IdlePair {
            client: Box::new(client),
            server: Box::new(server),
        }
    }
}
