//! The client and server state-machine targets: the scenarios (context
//! settings both the fuzz targets and the seed recorder use) and the
//! driver that feeds a peer's bytes to one `Ssl`.
//!
//! Input layout of `client`, `server`, `client_det` and `server_det`:
//! `[scenario, split_seed, peer_bytes...]`. `scenario % SCENARIOS.len()`
//! picks the settings; `split_seed` picks the chunk lengths in which the
//! peer's bytes arrive (see [`crate::record::Splits`]).
//!
//! Replaying a recorded flight reaches the end of the handshake only if
//! our side behaves exactly as it did when it was recorded, so everything
//! here is fixed: the certificates ([`crate::identity`]), the clock, and
//! for the `_det` targets the provider (`ferrotls_crypto::fuzzing`, whose
//! Finished values do not depend on the transcript, so mutated handshakes
//! get past Finished too).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ferrotls::bio::MemBio;
use ferrotls::core_types::{CertificateDer, UnixTime};
use ferrotls::{ErrorCode, Ssl, SslContext, SslMethod, SslSession, SslVersion, VerifyMode};
use ferrotls_core::crypto::CryptoProvider;

use crate::identity::identities;
use crate::record::Splits;

/// The server name the client asks for and the certificate carries.
pub const SERVER_NAME: &str = "localhost";

/// The fixed clock: 2026-01-01T00:00:00Z.
pub const NOW_SECS: u64 = 1_767_225_600;

/// Which side of the connection the target plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The target is the client; the input is the server's bytes.
    Client,
    /// The target is the server; the input is the client's bytes.
    Server,
}

/// One set of settings for both sides.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// A short name (seed file names).
    pub name: &'static str,
    /// Highest version both sides allow.
    pub max_version: SslVersion,
    /// The client's groups (the first gets the unasked key share).
    pub client_groups: &'static str,
    /// The server's groups.
    pub server_groups: &'static str,
    /// The TLS 1.3 suites of both sides.
    pub tls13_suites: &'static str,
    /// ALPN lists (client, server); empty means none.
    pub alpn: (&'static [&'static [u8]], &'static [&'static [u8]]),
    /// The server asks for and requires a client certificate.
    pub client_auth: bool,
    /// The client resumes a session from an earlier connection of the
    /// same scenario (see [`resumption_session`]).
    pub resume: bool,
}

const NO_ALPN: &[&[u8]] = &[];

/// Every scenario; the index is the first input byte.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "tls13_basic",
        max_version: SslVersion::Tls13,
        client_groups: "X25519",
        server_groups: "X25519:P-256",
        tls13_suites: "TLS_AES_128_GCM_SHA256",
        alpn: (NO_ALPN, NO_ALPN),
        client_auth: false,
        resume: false,
    },
    Scenario {
        name: "tls13_hrr",
        max_version: SslVersion::Tls13,
        client_groups: "X25519:P-256",
        server_groups: "P-256",
        tls13_suites: "TLS_AES_256_GCM_SHA384",
        alpn: (NO_ALPN, NO_ALPN),
        client_auth: false,
        resume: false,
    },
    Scenario {
        name: "tls13_alpn",
        max_version: SslVersion::Tls13,
        client_groups: "X25519",
        server_groups: "X25519",
        tls13_suites: "TLS_CHACHA20_POLY1305_SHA256",
        alpn: (&[b"h2", b"http/1.1"], &[b"http/1.1"]),
        client_auth: false,
        resume: false,
    },
    Scenario {
        name: "tls13_client_auth",
        max_version: SslVersion::Tls13,
        client_groups: "P-384",
        server_groups: "P-384:X25519",
        tls13_suites: "TLS_AES_128_GCM_SHA256",
        alpn: (NO_ALPN, NO_ALPN),
        client_auth: true,
        resume: false,
    },
    Scenario {
        name: "tls13_mlkem",
        max_version: SslVersion::Tls13,
        client_groups: "X25519MLKEM768:X25519",
        server_groups: "X25519MLKEM768",
        tls13_suites: "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384",
        alpn: (NO_ALPN, NO_ALPN),
        client_auth: false,
        resume: false,
    },
    Scenario {
        name: "tls13_resume",
        max_version: SslVersion::Tls13,
        client_groups: "X25519",
        server_groups: "X25519",
        tls13_suites: "TLS_AES_128_GCM_SHA256",
        alpn: (&[b"h2"], &[b"h2"]),
        client_auth: false,
        resume: true,
    },
    Scenario {
        name: "tls12",
        max_version: SslVersion::Tls12,
        client_groups: "X25519:P-256",
        server_groups: "X25519:P-256",
        tls13_suites: "TLS_AES_128_GCM_SHA256",
        alpn: (&[b"http/1.1"], &[b"http/1.1"]),
        client_auth: false,
        resume: false,
    },
];

impl Scenario {
    /// The scenario an input byte selects.
    pub fn pick(byte: u8) -> &'static Scenario {
        &SCENARIOS[usize::from(byte) % SCENARIOS.len()]
    }

    /// The context of `side` under `provider`.
    pub fn context(&self, side: Side, provider: &'static CryptoProvider) -> SslContext {
        self.try_context(side, provider)
            .unwrap_or_else(|e| panic!("scenario {} ({side:?}) does not build: {e}", self.name))
    }

    fn try_context(
        &self,
        side: Side,
        provider: &'static CryptoProvider,
    ) -> Result<SslContext, ferrotls::core_types::Error> {
        let (method, groups, alpn) = match side {
            Side::Client => (SslMethod::tls_client(), self.client_groups, self.alpn.0),
            Side::Server => (SslMethod::tls_server(), self.server_groups, self.alpn.1),
        };
        let mut b = SslContext::builder(method);
        b.set_provider(provider);
        b.set_time_source(|| UnixTime::since_unix_epoch(Duration::from_secs(NOW_SECS)));
        b.set_max_proto_version(Some(self.max_version))?;
        b.set_groups_list(groups)?;
        b.set_ciphersuites(self.tls13_suites)?;
        if !alpn.is_empty() {
            b.set_alpn_protocols(alpn)?;
        }
        let ids = identities();
        match side {
            Side::Client => {
                b.add_trust_anchor(&CertificateDer::from_vec(ids.server.cert_der.clone()))?;
                b.set_verify(VerifyMode::PEER);
                if self.client_auth {
                    b.set_certificate_chain_pem(ids.client.cert_pem.as_bytes())?;
                    b.set_private_key_pem(ids.client.key_pem.as_bytes())?;
                }
            }
            Side::Server => {
                b.set_certificate_chain_pem(ids.server.cert_pem.as_bytes())?;
                b.set_private_key_pem(ids.server.key_pem.as_bytes())?;
                if self.client_auth {
                    b.add_trust_anchor(&CertificateDer::from_vec(ids.client.cert_der.clone()))?;
                    b.set_verify(VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT);
                }
            }
        }
        b.build()
    }

    /// A new `Ssl` of `side` over two memory BIOs: (ssl, its read BIO,
    /// its write BIO). A resuming client gets a fresh copy of the
    /// scenario's session.
    pub fn ssl(
        &'static self,
        ctx: &SslContext,
        side: Side,
        provider: &'static CryptoProvider,
    ) -> (Ssl, MemBio, MemBio) {
        let mut made = self.ssl_fresh(ctx, side);
        if self.resume
            && side == Side::Client
            && let Some(bytes) = resumption_session(self, provider)
        {
            let session = SslSession::from_bytes(&bytes).expect("a session we encoded");
            made.0.set_session(&session).expect("a TLS 1.3 session");
        }
        made
    }

    /// A new `Ssl` that resumes nothing.
    pub(crate) fn ssl_fresh(&self, ctx: &SslContext, side: Side) -> (Ssl, MemBio, MemBio) {
        let (rbio, wbio) = (MemBio::new(), MemBio::new());
        let mut ssl = Ssl::new(ctx);
        ssl.set_bio(rbio.clone(), wbio.clone());
        match side {
            Side::Client => {
                ssl.set_hostname(SERVER_NAME)
                    .expect("a fixed, valid host name");
                ssl.set_connect_state();
            }
            Side::Server => ssl.set_accept_state(),
        }
        (ssl, rbio, wbio)
    }
}

/// The session a resuming scenario's client offers: the bytes of the
/// ticket session of a first, full connection between the scenario's
/// client and server, made once per thread. Under the deterministic
/// provider this is the same session in every process (so recorded
/// resumptions replay); under the real one it is a valid but different one.
pub fn resumption_session(
    scenario: &'static Scenario,
    provider: &'static CryptoProvider,
) -> Option<Vec<u8>> {
    /// (scenario address, provider address, session bytes).
    type Entry = (usize, usize, Option<Vec<u8>>);
    thread_local! {
        static SESSIONS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    }
    let key = (
        scenario as *const Scenario as usize,
        provider as *const CryptoProvider as usize,
    );
    if let Some(found) = SESSIONS.with(|c| {
        c.borrow()
            .iter()
            .find(|(s, p, _)| (*s, *p) == key)
            .map(|e| e.2.clone())
    }) {
        return found;
    }
    let made = crate::pair::connect(scenario, provider, false)
        .ok()
        .and_then(|(client, _)| client.ssl.session())
        .filter(SslSession::is_resumable)
        .map(|s| s.to_bytes());
    SESSIONS.with(|c| c.borrow_mut().push((key.0, key.1, made.clone())));
    made
}

// ---- the driver --------------------------------------------------------------

/// What one input did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The handshake completed (`SSL_is_init_finished`).
    pub finished: bool,
    /// Application data arrived after the handshake.
    pub app_data: bool,
    /// The connection died with a fatal error.
    pub fatal: bool,
}

/// Feeds `peer` to `ssl` in chunks chosen by `split_seed`, driving
/// `do_handshake`, then `write` and `read`, after each chunk; then signals
/// EOF and drives once more. Asserts R05: once a call fails fatally, every
/// later call fails the same way.
pub fn drive(ssl: &mut Ssl, rbio: &MemBio, wbio: &MemBio, peer: &[u8], split_seed: u8) -> Outcome {
    let mut out = Outcome::default();
    let mut splits = Splits::new(split_seed);
    let mut rest = peer;
    // Our own first flight (a client's ClientHello).
    let mut code = step(ssl, &mut out);
    wbio.take();
    loop {
        if out.fatal || code == ErrorCode::ZeroReturn {
            break;
        }
        if rest.is_empty() {
            rbio.set_eof(true);
            step(ssl, &mut out);
            wbio.take();
            break;
        }
        let n = splits.next_len().min(rest.len());
        rbio.push(&rest[..n]).expect("a writable memory BIO");
        rest = &rest[n..];
        code = step(ssl, &mut out);
        wbio.take();
    }
    if out.fatal {
        check_dead(ssl);
    }
    out
}

/// One round of calls; returns why the last call stopped.
fn step(ssl: &mut Ssl, out: &mut Outcome) -> ErrorCode {
    if !ssl.is_init_finished() {
        let r = ssl.do_handshake();
        if r <= 0 {
            return note(ssl, r, out);
        }
        out.finished = true;
        let w = ssl.write(b"ping");
        if w <= 0 {
            return note(ssl, w, out);
        }
    }
    let mut buf = [0u8; 4096];
    loop {
        let r = ssl.read(&mut buf);
        if r <= 0 {
            return note(ssl, r, out);
        }
        out.app_data = true;
    }
}

fn note(ssl: &Ssl, ret: i32, out: &mut Outcome) -> ErrorCode {
    let code = ssl.get_error(ret);
    if ssl.fatal_error().is_some() {
        out.fatal = true;
    }
    code
}

/// R05: a dead connection stays dead, with the same error, whatever is
/// called next.
fn check_dead(ssl: &mut Ssl) {
    let first = ssl.fatal_error().cloned();
    assert!(first.is_some());
    let mut buf = [0u8; 64];
    for (what, r) in [
        ("do_handshake", ssl.do_handshake()),
        ("read", ssl.read(&mut buf)),
        ("write", ssl.write(b"after death")),
    ] {
        assert!(r <= 0, "{what} succeeded on a dead connection: {r}");
        assert_eq!(
            ssl.get_error(r),
            ErrorCode::Ssl,
            "{what} after a fatal error"
        );
        assert_eq!(
            ssl.fatal_error().cloned(),
            first,
            "{what} changed the fatal error"
        );
    }
}

// ---- running a target ----------------------------------------------------------

/// Runs one input against `side` with `provider` (contexts are built once
/// per thread and scenario) and counts completed handshakes.
pub fn run(target: &'static str, side: Side, provider: &'static CryptoProvider, data: &[u8]) {
    let [scenario, split_seed, peer @ ..] = data else {
        return;
    };
    let scenario = Scenario::pick(*scenario);
    let ctx = context_cached(scenario, side, provider);
    let (mut ssl, rbio, wbio) = scenario.ssl(&ctx, side, provider);
    let out = drive(&mut ssl, &rbio, &wbio, peer, *split_seed);
    count(target, out);
}

thread_local! {
    static CONTEXTS: RefCell<Vec<(usize, Side, usize, SslContext)>> = const { RefCell::new(Vec::new()) };
}

/// [`Scenario::context`], built once per thread.
pub(crate) fn context_cached(
    scenario: &'static Scenario,
    side: Side,
    provider: &'static CryptoProvider,
) -> SslContext {
    let key = (
        scenario as *const Scenario as usize,
        side,
        provider as *const _ as usize,
    );
    CONTEXTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((.., ctx)) = cache.iter().find(|(s, d, p, _)| (*s, *d, *p) == key) {
            return ctx.clone();
        }
        let ctx = scenario.context(side, provider);
        cache.push((key.0, key.1, key.2, ctx.clone()));
        ctx
    })
}

static RUNS: AtomicU64 = AtomicU64::new(0);
static FINISHED: AtomicU64 = AtomicU64::new(0);
static APP_DATA: AtomicU64 = AtomicU64::new(0);

/// Counts the outcome and, at every power of two of runs, prints how many
/// inputs completed the handshake: the evidence that the fuzzer gets
/// through Finished (`cargo xtask fuzz` reports the last such line).
fn count(target: &str, out: Outcome) {
    let runs = RUNS.fetch_add(1, Ordering::Relaxed) + 1;
    let finished =
        FINISHED.fetch_add(u64::from(out.finished), Ordering::Relaxed) + u64::from(out.finished);
    let app =
        APP_DATA.fetch_add(u64::from(out.app_data), Ordering::Relaxed) + u64::from(out.app_data);
    if runs.is_power_of_two() || runs.is_multiple_of(100_000) {
        eprintln!(
            "ferrotls-fuzz: {target}: runs: {runs} handshakes_finished: {finished} app_data: {app}"
        );
    }
}
