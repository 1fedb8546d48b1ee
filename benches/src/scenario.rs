//! What is measured: the scenario vocabulary shared by every library.
//!
//! Each library module turns these descriptions into a [`Transfer`] (bulk)
//! or a [`Handshaker`] (full or resumed handshakes), or says plainly that it
//! cannot yet ([`Unsupported`]): a row is never dropped silently.

use std::fmt;
use std::time::Duration;

use crate::transport::Pipe;

/// The libraries compared, in report column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lib {
    /// This project, through its `ferrotls` facade.
    Ferrotls,
    /// rustls 0.23 with the aws-lc-rs provider.
    Rustls,
    /// The system libssl through the `openssl` crate.
    Openssl,
}

impl Lib {
    /// All libraries.
    pub const ALL: [Lib; 3] = [Lib::Ferrotls, Lib::Rustls, Lib::Openssl];

    /// Short lower-case name used in benchmark ids and reports.
    pub fn name(self) -> &'static str {
        match self {
            Lib::Ferrotls => "ferrotls",
            Lib::Rustls => "rustls",
            Lib::Openssl => "openssl",
        }
    }
}

/// Protocol version of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// TLS 1.2 (RFC 5246).
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

impl Version {
    /// `TLS12` / `TLS13`.
    pub fn name(self) -> &'static str {
        match self {
            Version::Tls12 => "TLS12",
            Version::Tls13 => "TLS13",
        }
    }
}

/// The AEAD behind a cipher suite (what the ceiling measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aead {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    Chacha20Poly1305,
}

impl Aead {
    /// All AEADs.
    pub const ALL: [Aead; 3] = [Aead::Aes128Gcm, Aead::Aes256Gcm, Aead::Chacha20Poly1305];

    /// Name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Aead::Aes128Gcm => "AES_128_GCM",
            Aead::Aes256Gcm => "AES_256_GCM",
            Aead::Chacha20Poly1305 => "CHACHA20_POLY1305",
        }
    }
}

/// Cipher suites of the bulk scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suite {
    /// TLS_AES_128_GCM_SHA256.
    Tls13Aes128Gcm,
    /// TLS_AES_256_GCM_SHA384.
    Tls13Aes256Gcm,
    /// TLS_CHACHA20_POLY1305_SHA256.
    Tls13Chacha20,
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.
    Tls12EcdheEcdsaAes128Gcm,
}

impl Suite {
    /// Every bulk suite, in report order.
    pub const ALL: [Suite; 4] = [
        Suite::Tls13Aes128Gcm,
        Suite::Tls13Aes256Gcm,
        Suite::Tls13Chacha20,
        Suite::Tls12EcdheEcdsaAes128Gcm,
    ];

    /// IANA name (with a `TLS13_` prefix for the 1.3 suites, as rustls does).
    pub fn name(self) -> &'static str {
        match self {
            Suite::Tls13Aes128Gcm => "TLS13_AES_128_GCM_SHA256",
            Suite::Tls13Aes256Gcm => "TLS13_AES_256_GCM_SHA384",
            Suite::Tls13Chacha20 => "TLS13_CHACHA20_POLY1305_SHA256",
            Suite::Tls12EcdheEcdsaAes128Gcm => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        }
    }

    /// The suite's protocol version.
    pub fn version(self) -> Version {
        match self {
            Suite::Tls12EcdheEcdsaAes128Gcm => Version::Tls12,
            _ => Version::Tls13,
        }
    }

    /// The suite's AEAD.
    pub fn aead(self) -> Aead {
        match self {
            Suite::Tls13Aes128Gcm | Suite::Tls12EcdheEcdsaAes128Gcm => Aead::Aes128Gcm,
            Suite::Tls13Aes256Gcm => Aead::Aes256Gcm,
            Suite::Tls13Chacha20 => Aead::Chacha20Poly1305,
        }
    }

    /// OpenSSL's name: a TLS 1.3 ciphersuite or a TLS 1.2 cipher string.
    pub fn openssl_name(self) -> &'static str {
        match self {
            Suite::Tls13Aes128Gcm => "TLS_AES_128_GCM_SHA256",
            Suite::Tls13Aes256Gcm => "TLS_AES_256_GCM_SHA384",
            Suite::Tls13Chacha20 => "TLS_CHACHA20_POLY1305_SHA256",
            Suite::Tls12EcdheEcdsaAes128Gcm => "ECDHE-ECDSA-AES128-GCM-SHA256",
        }
    }
}

/// Server certificate key type of a handshake scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256,
    /// RSA with a 2048-bit modulus (PSS signatures in the handshake).
    Rsa2048,
}

impl KeyType {
    /// Both key types.
    pub const ALL: [KeyType; 2] = [KeyType::EcdsaP256, KeyType::Rsa2048];

    /// Name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ECDSA_P256",
            KeyType::Rsa2048 => "RSA_2048",
        }
    }
}

/// A full handshake scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FullHandshake {
    /// Protocol version.
    pub version: Version,
    /// Server certificate key type.
    pub key_type: KeyType,
}

impl FullHandshake {
    /// Every full handshake scenario, in report order.
    pub fn all() -> Vec<FullHandshake> {
        let mut out = Vec::new();
        for version in [Version::Tls13, Version::Tls12] {
            for key_type in KeyType::ALL {
                out.push(FullHandshake { version, key_type });
            }
        }
        out
    }

    /// `TLS13_ECDSA_P256` and so on.
    pub fn name(self) -> String {
        format!("{}_{}", self.version.name(), self.key_type.name())
    }
}

/// A resumed handshake scenario (ECDSA P-256 server certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resumed {
    /// TLS 1.3 PSK from a NewSessionTicket, with (EC)DHE (psk_dhe_ke).
    Tls13Ticket,
    /// TLS 1.2 session id looked up in the server's cache.
    Tls12SessionId,
    /// TLS 1.2 session ticket (RFC 5077).
    Tls12Ticket,
}

impl Resumed {
    /// Every resumption scenario, in report order.
    pub const ALL: [Resumed; 3] = [
        Resumed::Tls13Ticket,
        Resumed::Tls12SessionId,
        Resumed::Tls12Ticket,
    ];

    /// Name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Resumed::Tls13Ticket => "TLS13_TICKET",
            Resumed::Tls12SessionId => "TLS12_SESSION_ID",
            Resumed::Tls12Ticket => "TLS12_TICKET",
        }
    }

    /// The protocol version.
    pub fn version(self) -> Version {
        match self {
            Resumed::Tls13Ticket => Version::Tls13,
            _ => Version::Tls12,
        }
    }
}

/// Which side's CPU time a handshake measurement reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The connecting side.
    Client,
    /// The accepting side.
    Server,
}

impl Side {
    /// Both sides.
    pub const ALL: [Side; 2] = [Side::Client, Side::Server];

    /// `client` / `server`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// Time spent inside each side's library calls during one handshake.
#[derive(Debug, Clone, Copy, Default)]
pub struct SideTimes {
    /// Time in client calls (including creating the client object).
    pub client: Duration,
    /// Time in server calls (including creating the server object).
    pub server: Duration,
}

impl SideTimes {
    /// The time of `side`.
    pub fn of(&self, side: Side) -> Duration {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
}

/// A library cannot run a scenario; the text (for example
/// `not supported yet: TLS 1.2`) is printed in the report's cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl Unsupported {
    /// A feature this project has not built yet.
    pub fn not_yet(what: &str) -> Self {
        Unsupported(format!("not supported yet: {what}"))
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

/// One established client/server pair moving application data client to
/// server over memory.
///
/// The two halves are separate calls so each can be timed alone: the
/// receive benchmark prepares records with [`Transfer::send`] untimed and
/// times only [`Transfer::receive`].
pub trait Transfer {
    /// The client encrypts all of `data`; the records are appended to `wire`.
    fn send(&mut self, data: &[u8], wire: &mut Pipe);
    /// The server decrypts all of `wire` into `out` (which must be large
    /// enough for every plaintext byte); returns the plaintext length.
    fn receive(&mut self, wire: &mut Pipe, out: &mut [u8]) -> usize;
}

/// Runs complete handshakes between fresh connection objects.
pub trait Handshaker {
    /// One handshake from object creation until both sides are established
    /// and the client has processed everything the server sent (tickets
    /// included); returns the time spent in each side's calls.
    fn handshake(&mut self) -> SideTimes;
}

/// Makes established, idle pairs from configurations built once, so the
/// shared configuration is not counted against each connection.
pub trait IdleFactory {
    /// Handshakes a new pair and exchanges one byte each way.
    fn pair(&mut self) -> IdlePair;
}

/// An established, idle connection pair kept alive for memory measurement:
/// the client half and the server half, each with its transport, so that one
/// can be dropped to see what the other retains.
pub struct IdlePair {
    /// The client object and everything it owns.
    pub client: Box<dyn std::any::Any>,
    /// The server object and everything it owns.
    pub server: Box<dyn std::any::Any>,
}
