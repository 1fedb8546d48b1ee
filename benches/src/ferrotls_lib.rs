//! The ferrotls rows, through the `ferrotls` facade.
//!
//! Each side is an [`Ssl`] whose BIO is a `DuplexBio` over the same
//! [`Duplex`] OpenSSL uses, driven through the OpenSSL-shaped calls
//! (`do_handshake`, `write`, `read`, `get_error`) as an application would.
//! A scenario the stack cannot run yet is reported, with the stack's own
//! error text, as "not supported yet"; any other failure is a bug and
//! panics.

use std::time::{Duration, Instant};

use ferrotls::bio::{Bio, BioError, IoBio, RetryFlags};
use ferrotls::core_types::{CertificateDer, PrivateKeyDer, PrivateKeyFormat};
use ferrotls::{
    ErrorCode, Mode, SessionCacheMode, Ssl, SslContext, SslMethod, SslOptions, SslSession,
    SslVersion, VerifyMode,
};

use crate::certs::{Identity, SERVER_NAME};
use crate::scenario::{
    FullHandshake, Handshaker, IdleFactory, IdlePair, KeyType, Resumed, SideTimes, Suite, Transfer,
    Unsupported, Version,
};
use crate::transport::{Duplex, Pipe, SharedPipe};

/// The transport as a ferrotls BIO: reads and writes as an [`IoBio`]
/// over a non-blocking stream, and the pipes' bytes and room lent in place
/// ([`Bio::read_in_place`], [`Bio::write_in_place`]) as ferrotls's own
/// memory BIOs and BIO pairs lend them, so records are opened where the
/// transport holds them and sealed where it will hold them. rustls
/// (`read_tls`, `write_tls`) and OpenSSL (`BIO_read`, `BIO_write`) copy
/// records between their own buffers and the transport; neither can seal
/// or open them in the transport's.
struct DuplexBio {
    io: IoBio<Duplex>,
    incoming: SharedPipe,
    outgoing: SharedPipe,
    /// The last call lent bytes or room (its retry flags are clear).
    lent: bool,
}

impl DuplexBio {
    fn new(d: Duplex) -> Self {
        let (incoming, outgoing) = (d.incoming.clone(), d.outgoing.clone());
        DuplexBio {
            io: IoBio::new_nonblocking(d),
            incoming,
            outgoing,
            lent: false,
        }
    }
}

impl Bio for DuplexBio {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        self.lent = false;
        self.io.read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, BioError> {
        self.lent = false;
        self.io.write(buf)
    }
    fn flush(&mut self) -> Result<(), BioError> {
        self.lent = false;
        self.io.flush()
    }
    fn pending(&self) -> usize {
        self.incoming.lock().len()
    }
    fn wpending(&self) -> usize {
        0
    }
    fn retry_flags(&self) -> RetryFlags {
        if self.lent {
            return RetryFlags::NONE;
        }
        self.io.retry_flags()
    }
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let n = self.incoming.lock().lend(take);
        self.lent |= n.is_some();
        n
    }
    fn write_in_place(
        &mut self,
        len: usize,
        put: &mut dyn FnMut(&mut [u8]) -> usize,
    ) -> Option<usize> {
        self.lent = true;
        Some(self.outgoing.lock().lend_room(len, put))
    }
}

fn proto(v: Version) -> SslVersion {
    match v {
        Version::Tls12 => SslVersion::Tls12,
        Version::Tls13 => SslVersion::Tls13,
    }
}

fn handshake_suite(version: Version, key_type: KeyType) -> &'static str {
    match (version, key_type) {
        (Version::Tls13, _) => "TLS_AES_128_GCM_SHA256",
        (Version::Tls12, KeyType::EcdsaP256) => "ECDHE-ECDSA-AES128-GCM-SHA256",
        (Version::Tls12, KeyType::Rsa2048) => "ECDHE-RSA-AES128-GCM-SHA256",
    }
}

/// Turns a setup error into "not supported yet" when the stack says so,
/// and panics on anything else (a broken benchmark must not look like a
/// missing feature).
fn classify(what: &str, err: impl std::fmt::Display) -> Unsupported {
    let text = err.to_string();
    if text.to_ascii_lowercase().contains("not supported") {
        Unsupported::not_yet(&format!("{what} ({text})"))
    } else {
        panic!("ferrotls {what}: {text}")
    }
}

/// Client and server contexts (`SSL_CTX`s) built once.
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
) -> Result<Contexts, Unsupported> {
    let what = version.name();
    let setup = |method: SslMethod| -> Result<_, Unsupported> {
        let mut b = SslContext::builder(method);
        b.set_min_proto_version(Some(proto(version)))
            .and_then(|b| b.set_max_proto_version(Some(proto(version))))
            .and_then(|b| b.set_groups_list("X25519"))
            .map_err(|e| classify(what, e))?;
        match version {
            Version::Tls13 => b.set_ciphersuites(suite),
            Version::Tls12 => b.set_cipher_list(suite),
        }
        .map_err(|e| classify(what, e))?;
        if release_buffers {
            b.set_mode(Mode::RELEASE_BUFFERS);
        }
        Ok(b)
    };
    let mut c = setup(SslMethod::tls_client())?;
    c.add_trust_anchor(&CertificateDer::from_vec(id.ca_der.clone()))
        .map_err(|e| classify("trust anchor", e))?;
    c.set_verify(VerifyMode::PEER);
    let mut s = setup(SslMethod::tls_server())?;
    s.set_certificate(CertificateDer::from_vec(id.leaf_der.clone()))
        .and_then(|s| {
            s.set_private_key(&PrivateKeyDer::new(
                PrivateKeyFormat::Pkcs8,
                id.leaf_key_pkcs8.clone(),
            ))
        })
        .map_err(|e| classify("server key", e))?;
    // The same session policy as the other libraries: no cache and no
    // tickets unless the scenario is about resumption, then one ticket.
    // `num_tickets` counts TLS 1.3 tickets only; TLS 1.2 tickets are off
    // with `SSL_OP_NO_TICKET`, as on the OpenSSL side (rustls has no
    // ticketer there at all).
    match resumed {
        None => {
            s.set_num_tickets(0);
            s.set_options(SslOptions::NO_TICKET);
            s.set_session_cache_mode(SessionCacheMode::Off);
        }
        Some(Resumed::Tls13Ticket) | Some(Resumed::Tls12Ticket) => {
            s.set_num_tickets(1);
            s.set_session_cache_mode(SessionCacheMode::Off);
        }
        Some(Resumed::Tls12SessionId) => {
            s.set_num_tickets(0);
            s.set_options(SslOptions::NO_TICKET);
            s.set_session_cache_mode(SessionCacheMode::Server);
        }
    }
    Ok(Contexts {
        client: c.build().map_err(|e| classify(what, e))?,
        server: s.build().map_err(|e| classify(what, e))?,
    })
}

fn new_pair(ctx: &Contexts, times: &mut SideTimes) -> (Ssl, Ssl) {
    let (cd, sd) = Duplex::pair();
    let t = Instant::now();
    let mut client = Ssl::new(&ctx.client);
    client.set_bio_single(DuplexBio::new(cd));
    client.set_hostname(SERVER_NAME).expect("SNI");
    client.set1_host(SERVER_NAME).expect("host check");
    client.set_connect_state();
    times.client += t.elapsed();
    let t = Instant::now();
    let mut server = Ssl::new(&ctx.server);
    server.set_bio_single(DuplexBio::new(sd));
    server.set_accept_state();
    times.server += t.elapsed();
    (client, server)
}

/// One `do_handshake` call: `Ok(true)` once established.
fn step(s: &mut Ssl, time: &mut Duration) -> Result<bool, String> {
    let t = Instant::now();
    let r = s.try_do_handshake();
    *time += t.elapsed();
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.code() == ErrorCode::WantRead => Ok(false),
        Err(e) => Err(e.to_string()),
    }
}

/// Drives both sides to completion, then lets the client read whatever
/// followed the server's last flight (tickets).
fn complete(client: &mut Ssl, server: &mut Ssl, times: &mut SideTimes) -> Result<(), String> {
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..64 {
        if !c_done {
            c_done = step(client, &mut times.client)?;
        }
        if !s_done {
            s_done = step(server, &mut times.server)?;
        }
        if c_done && s_done {
            let t = Instant::now();
            let r = client.try_read(&mut [0u8; 1]);
            times.client += t.elapsed();
            return match r {
                Err(e) if e.code() == ErrorCode::WantRead => Ok(()),
                Err(e) => Err(e.to_string()),
                Ok(_) => Err("unexpected application data".into()),
            };
        }
    }
    Err("handshake stalled".into())
}

/// Builds contexts and runs one handshake to check the scenario works.
fn checked(id: &Identity, version: Version, suite: &str) -> Result<Contexts, Unsupported> {
    let ctx = contexts(id, version, suite, None, false)?;
    let (mut client, mut server) = new_pair(&ctx, &mut SideTimes::default());
    complete(&mut client, &mut server, &mut SideTimes::default())
        .map_err(|e| classify(version.name(), e))?;
    assert_eq!(
        client.negotiated_group(),
        Some(ferrotls::core_types::NamedGroup::X25519),
        "ferrotls key exchange"
    );
    Ok(ctx)
}

/// An established pair for the bulk rows.
pub struct FerrotlsTransfer {
    client: Ssl,
    server: Ssl,
    client_out: SharedPipe,
    server_in: SharedPipe,
}

/// A bulk pair negotiating `s`.
pub fn transfer(id: &Identity, s: Suite) -> Result<Box<dyn Transfer>, Unsupported> {
    let ctx = checked(id, s.version(), s.openssl_name())?;
    let (cd, sd) = Duplex::pair();
    let (client_out, server_in) = (cd.outgoing.clone(), sd.incoming.clone());
    let mut client = Ssl::new(&ctx.client);
    client.set_bio_single(DuplexBio::new(cd));
    client.set_hostname(SERVER_NAME).expect("SNI");
    client.set1_host(SERVER_NAME).expect("host check");
    client.set_connect_state();
    let mut server = Ssl::new(&ctx.server);
    server.set_bio_single(DuplexBio::new(sd));
    server.set_accept_state();
    complete(&mut client, &mut server, &mut SideTimes::default())
        .map_err(|e| classify(s.name(), e))?;
    let name = client.current_cipher().map(|c| c.name());
    assert!(
        name == Some(s.openssl_name()),
        "ferrotls negotiated {name:?}, not {}",
        s.name()
    );
    Ok(Box::new(FerrotlsTransfer {
        client,
        server,
        client_out,
        server_in,
    }))
}

impl Transfer for FerrotlsTransfer {
    fn send(&mut self, data: &[u8], wire: &mut Pipe) {
        self.client_out.lock().swap(wire);
        let mut off = 0;
        while off < data.len() {
            off += self.client.try_write(&data[off..]).expect("ferrotls write");
        }
        self.client_out.lock().swap(wire);
    }

    fn receive(&mut self, wire: &mut Pipe, out: &mut [u8]) -> usize {
        self.server_in.lock().swap(wire);
        let mut got = 0;
        while got < out.len() {
            match self.server.try_read(&mut out[got..]) {
                Ok(0) => panic!("ferrotls read: unexpected close"),
                Ok(n) => got += n,
                Err(e) if e.code() == ErrorCode::WantRead => break,
                Err(e) => panic!("ferrotls read failed: {e}"),
            }
        }
        self.server_in.lock().swap(wire);
        wire.clear();
        got
    }
}

/// Full handshakes between fresh `Ssl` objects.
pub struct FerrotlsFull(Contexts);

/// Full handshakes for `h`.
pub fn full(id: &Identity, h: FullHandshake) -> Result<Box<dyn Handshaker>, Unsupported> {
    let ctx = checked(id, h.version, handshake_suite(h.version, h.key_type))?;
    Ok(Box::new(FerrotlsFull(ctx)))
}

impl Handshaker for FerrotlsFull {
    fn handshake(&mut self) -> SideTimes {
        let mut times = SideTimes::default();
        let (mut client, mut server) = new_pair(&self.0, &mut times);
        complete(&mut client, &mut server, &mut times).expect("ferrotls handshake");
        times
    }
}

/// Resumed handshakes; the client keeps the newest session
/// (`SSL_get1_session` / `SSL_set_session`; TLS 1.3 tickets are single-use).
pub struct FerrotlsResumed {
    ctx: Contexts,
    session: SslSession,
}

/// Resumed handshakes for `r` (ECDSA P-256 server), primed by one full
/// handshake; a resumption the stack refuses is reported as not supported.
pub fn resumed(id: &Identity, r: Resumed) -> Result<FerrotlsResumed, Unsupported> {
    let suite = handshake_suite(r.version(), KeyType::EcdsaP256);
    let ctx = contexts(id, r.version(), suite, Some(r), false)?;
    let (mut client, mut server) = new_pair(&ctx, &mut SideTimes::default());
    complete(&mut client, &mut server, &mut SideTimes::default())
        .map_err(|e| classify(r.name(), e))?;
    let session = client.session().expect("a session after the handshake");
    let mut h = FerrotlsResumed { ctx, session };
    let reused = h.run().map_err(|e| classify(r.name(), e))?.0;
    if !reused {
        return Err(Unsupported::not_yet(&format!(
            "{} (the server did not resume)",
            r.name()
        )));
    }
    Ok(h)
}

impl FerrotlsResumed {
    /// Runs one handshake; `true` if it resumed.
    pub fn resumed_once(&mut self) -> bool {
        self.run().expect("ferrotls handshake").0
    }

    fn run(&mut self) -> Result<(bool, SideTimes), String> {
        let mut times = SideTimes::default();
        let (cd, sd) = Duplex::pair();
        let t = Instant::now();
        let mut client = Ssl::new(&self.ctx.client);
        client.set_bio_single(DuplexBio::new(cd));
        client.set_hostname(SERVER_NAME).expect("SNI");
        client.set1_host(SERVER_NAME).expect("host check");
        client
            .set_session(&self.session)
            .map_err(|e| e.to_string())?;
        client.set_connect_state();
        times.client += t.elapsed();
        let t = Instant::now();
        let mut server = Ssl::new(&self.ctx.server);
        server.set_bio_single(DuplexBio::new(sd));
        server.set_accept_state();
        times.server += t.elapsed();
        complete(&mut client, &mut server, &mut times)?;
        let t = Instant::now();
        let reused = client.session_reused();
        if let Some(s) = client.session() {
            self.session = s;
        }
        times.client += t.elapsed();
        Ok((reused, times))
    }
}

impl Handshaker for FerrotlsResumed {
    fn handshake(&mut self) -> SideTimes {
        let (reused, times) = self.run().expect("ferrotls resumed handshake");
        debug_assert!(reused);
        times
    }
}

/// Idle TLS 1.3 AES-128-GCM pairs from one pair of contexts.
pub struct FerrotlsIdle(Contexts);

/// Idle pairs, with or without `MODE_RELEASE_BUFFERS`.
pub fn idle(id: &Identity, release: bool) -> Result<Box<dyn IdleFactory>, Unsupported> {
    let suite = Suite::Tls13Aes128Gcm.openssl_name();
    Ok(Box::new(FerrotlsIdle(contexts(
        id,
        Version::Tls13,
        suite,
        None,
        release,
    )?)))
}

impl IdleFactory for FerrotlsIdle {
    fn pair(&mut self) -> IdlePair {
        let (mut client, mut server) = new_pair(&self.0, &mut SideTimes::default());
        complete(&mut client, &mut server, &mut SideTimes::default()).expect("handshake");
        let mut byte = [0u8; 1];
        client.try_write(b"x").expect("write");
        server.try_read(&mut byte).expect("read");
        server.try_write(b"y").expect("write");
        client.try_read(&mut byte).expect("read");
        IdlePair {
            client: Box::new(client),
            server: Box::new(server),
        }
    }
}
