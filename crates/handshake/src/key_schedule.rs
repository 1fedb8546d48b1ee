//! The TLS 1.3 key schedule (RFC 8446 section 7.1) over a suite's HKDF.
//!
//! The schedule moves through three stages — early secret, handshake
//! secret, master secret — and each stage is its own type, consumed when
//! the next one is entered, so a secret of an earlier stage cannot be used
//! once the protocol has moved on and is zeroized as soon as it is dropped.
//!
//! ```text
//!              0
//!              |
//!    PSK ->  HKDF-Extract = Early Secret  --> binder_key, c e traffic
//!              |
//!        Derive-Secret(., "derived", "")
//!              |
//! (EC)DHE -> HKDF-Extract = Handshake Secret --> c/s hs traffic
//!              |
//!        Derive-Secret(., "derived", "")
//!              |
//!     0 -> HKDF-Extract = Master Secret --> c/s ap traffic, exp master, res master
//! ```

use std::sync::{Mutex, PoisonError};

use ferrotls_core::Error;
use ferrotls_core::crypto::{Digest, Secret, Tls13CipherSuite};

/// What the schedule computes the same way in every handshake without a
/// PSK, per suite: `Hash("")`, the early secret `HKDF-Extract(0, 0)` and
/// its "derived" salt. All three are public constants (no secret input),
/// so they are computed once per suite rather than with two HMAC key
/// setups and a hash in every handshake on each side.
#[derive(Clone)]
struct SuiteConstants {
    /// The suite's address: suites are `'static`, so it names one suite
    /// (with its hash and HKDF) for the life of the process.
    suite: usize,
    empty_hash: Digest,
    early_secret: Secret,
    early_derived: Secret,
}

/// At most this many suites' constants are kept; a provider has a handful.
const SUITE_CONSTANTS_MAX: usize = 16;

static SUITE_CONSTANTS: Mutex<Vec<SuiteConstants>> = Mutex::new(Vec::new());

fn suite_id(suite: &'static Tls13CipherSuite) -> usize {
    core::ptr::from_ref(suite) as usize
}

fn suite_constants(suite: &'static Tls13CipherSuite) -> Result<SuiteConstants, Error> {
    let id = suite_id(suite);
    {
        let cache = SUITE_CONSTANTS
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = cache.iter().find(|c| c.suite == id) {
            return Ok(c.clone());
        }
    }
    let empty_hash = suite.hash.hash(&[]);
    let early_secret = suite.hkdf.extract(&[], zeros(suite).as_bytes());
    let early_derived = derive_secret(suite, &early_secret, b"derived", empty_hash.as_ref())?;
    let c = SuiteConstants {
        suite: id,
        empty_hash,
        early_secret,
        early_derived,
    };
    let mut cache = SUITE_CONSTANTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if cache.len() < SUITE_CONSTANTS_MAX && !cache.iter().any(|k| k.suite == id) {
        cache.push(c.clone());
    }
    Ok(c)
}

/// `Derive-Secret(Secret, Label, Messages)` where the caller already has
/// `Transcript-Hash(Messages)`.
pub fn derive_secret(
    suite: &Tls13CipherSuite,
    secret: &Secret,
    label: &[u8],
    transcript_hash: &[u8],
) -> Result<Secret, Error> {
    suite
        .hkdf
        .expand_label_secret(secret.as_bytes(), label, transcript_hash)
}

/// `Derive-Secret(secret, label, "")`: the context is the hash of the empty
/// string, not an empty context (a classic mistake the RFC 8448 vectors catch).
fn derive_secret_empty(
    suite: &Tls13CipherSuite,
    secret: &Secret,
    label: &[u8],
) -> Result<Secret, Error> {
    let empty_hash = suite.hash.hash(&[]);
    derive_secret(suite, secret, label, empty_hash.as_ref())
}

/// The "derived" step between two stages, followed by HKDF-Extract of the
/// next input keying material; `empty_hash` is `Hash("")`.
fn next_stage(
    suite: &Tls13CipherSuite,
    current: &Secret,
    empty_hash: &Digest,
    ikm: &[u8],
) -> Result<Secret, Error> {
    let salt = derive_secret(suite, current, b"derived", empty_hash.as_ref())?;
    Ok(suite.hkdf.extract(salt.as_bytes(), ikm))
}

/// A string of `Hash.length` zeros: the IKM when there is no PSK, and the
/// IKM of the master secret.
fn zeros(suite: &Tls13CipherSuite) -> Secret {
    Secret::zeroed(suite.hash.output_len())
}

/// Stage one: the early secret.
pub struct KeyScheduleEarly {
    suite: &'static Tls13CipherSuite,
    secret: Secret,
    /// `Hash("")`, for the "derived" steps.
    empty_hash: Digest,
    /// The "derived" salt when it is the no-PSK constant.
    derived: Option<Secret>,
}

impl KeyScheduleEarly {
    /// `HKDF-Extract(0, PSK)`, with a zero PSK of hash length when no PSK is used.
    pub fn new(suite: &'static Tls13CipherSuite, psk: Option<&[u8]>) -> Self {
        let constants = match psk {
            None => suite_constants(suite).ok(),
            Some(_) => None,
        };
        if let Some(c) = constants {
            return Self {
                suite,
                secret: c.early_secret,
                empty_hash: c.empty_hash,
                derived: Some(c.early_derived),
            };
        }
        let zero = zeros(suite);
        let ikm = psk.unwrap_or(zero.as_bytes());
        Self {
            suite,
            secret: suite.hkdf.extract(&[], ikm),
            empty_hash: suite.hash.hash(&[]),
            derived: None,
        }
    }

    /// The early secret itself (tests and key logging only).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `binder_key`: "res binder" for resumption PSKs, "ext binder" for
    /// external ones.
    pub fn binder_key(&self, resumption: bool) -> Result<Secret, Error> {
        let label: &[u8] = if resumption {
            b"res binder"
        } else {
            b"ext binder"
        };
        derive_secret(self.suite, &self.secret, label, self.empty_hash.as_ref())
    }

    /// `client_early_traffic_secret` over the ClientHello hash.
    pub fn client_early_traffic_secret(&self, hello_hash: &Digest) -> Result<Secret, Error> {
        derive_secret(
            self.suite,
            &self.secret,
            b"c e traffic",
            hello_hash.as_ref(),
        )
    }

    /// Mixes in the (EC)DHE shared secret: the handshake secret.
    pub fn into_handshake(self, shared_secret: &[u8]) -> Result<KeyScheduleHandshake, Error> {
        let secret = match &self.derived {
            Some(salt) => self.suite.hkdf.extract(salt.as_bytes(), shared_secret),
            None => next_stage(self.suite, &self.secret, &self.empty_hash, shared_secret)?,
        };
        Ok(KeyScheduleHandshake {
            suite: self.suite,
            secret,
            empty_hash: self.empty_hash,
        })
    }
}

/// Stage two: the handshake secret.
pub struct KeyScheduleHandshake {
    suite: &'static Tls13CipherSuite,
    secret: Secret,
    empty_hash: Digest,
}

impl KeyScheduleHandshake {
    /// The handshake secret itself (tests and key logging only).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `client_handshake_traffic_secret` over ClientHello..ServerHello.
    pub fn client_handshake_traffic_secret(&self, hash: &Digest) -> Result<Secret, Error> {
        derive_secret(self.suite, &self.secret, b"c hs traffic", hash.as_ref())
    }

    /// `server_handshake_traffic_secret` over ClientHello..ServerHello.
    pub fn server_handshake_traffic_secret(&self, hash: &Digest) -> Result<Secret, Error> {
        derive_secret(self.suite, &self.secret, b"s hs traffic", hash.as_ref())
    }

    /// The master secret.
    pub fn into_master(self) -> Result<KeyScheduleMaster, Error> {
        let zero = zeros(self.suite);
        Ok(KeyScheduleMaster {
            suite: self.suite,
            secret: next_stage(self.suite, &self.secret, &self.empty_hash, zero.as_bytes())?,
        })
    }
}

/// Stage three: the master secret.
pub struct KeyScheduleMaster {
    suite: &'static Tls13CipherSuite,
    secret: Secret,
}

impl KeyScheduleMaster {
    /// The master secret itself (tests and key logging only).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `client_application_traffic_secret_0` over ClientHello..server Finished.
    pub fn client_application_traffic_secret_0(&self, hash: &Digest) -> Result<Secret, Error> {
        derive_secret(self.suite, &self.secret, b"c ap traffic", hash.as_ref())
    }

    /// `server_application_traffic_secret_0` over ClientHello..server Finished.
    pub fn server_application_traffic_secret_0(&self, hash: &Digest) -> Result<Secret, Error> {
        derive_secret(self.suite, &self.secret, b"s ap traffic", hash.as_ref())
    }

    /// `exporter_master_secret` over ClientHello..server Finished.
    pub fn exporter_master_secret(&self, hash: &Digest) -> Result<Secret, Error> {
        derive_secret(self.suite, &self.secret, b"exp master", hash.as_ref())
    }

    /// `resumption_master_secret` over ClientHello..client Finished.
    pub fn resumption_master_secret(&self, hash: &Digest) -> Result<Secret, Error> {
        derive_secret(self.suite, &self.secret, b"res master", hash.as_ref())
    }
}

/// `finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)`
/// (RFC 8446 section 4.4.4), where BaseKey is the sender's handshake
/// traffic secret.
pub fn finished_key(suite: &Tls13CipherSuite, base_key: &Secret) -> Result<Secret, Error> {
    suite
        .hkdf
        .expand_label_secret(base_key.as_bytes(), b"finished", &[])
}

/// `verify_data = HMAC(finished_key, Transcript-Hash(...))`.
pub fn finished_verify_data(
    suite: &Tls13CipherSuite,
    base_key: &Secret,
    transcript_hash: &Digest,
) -> Result<Digest, Error> {
    let key = finished_key(suite, base_key)?;
    Ok(suite.hmac.sign(key.as_bytes(), &[transcript_hash.as_ref()]))
}

/// `application_traffic_secret_N+1 = HKDF-Expand-Label(
/// application_traffic_secret_N, "traffic upd", "", Hash.length)` (section 7.2).
pub fn next_traffic_secret(suite: &Tls13CipherSuite, current: &Secret) -> Result<Secret, Error> {
    suite
        .hkdf
        .expand_label_secret(current.as_bytes(), b"traffic upd", &[])
}

/// The PSK a NewSessionTicket stands for (section 4.6.1):
/// `HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)`.
pub fn resumption_psk(
    suite: &Tls13CipherSuite,
    resumption_master_secret: &Secret,
    ticket_nonce: &[u8],
) -> Result<Secret, Error> {
    suite.hkdf.expand_label_secret(
        resumption_master_secret.as_bytes(),
        b"resumption",
        ticket_nonce,
    )
}

/// The TLS 1.3 exporter (section 7.5):
/// `HKDF-Expand-Label(Derive-Secret(exporter_master_secret, label, ""),
/// "exporter", Hash(context), out.len())`. RFC 8446 treats an absent
/// context and an empty one alike.
pub fn export_keying_material(
    suite: &Tls13CipherSuite,
    exporter_master_secret: &Secret,
    label: &[u8],
    context: Option<&[u8]>,
    out: &mut [u8],
) -> Result<(), Error> {
    let secret = derive_secret_empty(suite, exporter_master_secret, label)?;
    let context_hash = suite.hash.hash(context.unwrap_or(&[]));
    suite
        .hkdf
        .expand_label(secret.as_bytes(), b"exporter", context_hash.as_ref(), out)
}
