//! The fixed identities of the state-machine targets: self-signed Ed25519
//! certificates whose keys come from fixed seeds. Ed25519 signatures are
//! deterministic, rcgen derives the serial number from the key and its
//! default validity is fixed, so the certificates are the same bytes in
//! every process, which replaying recorded handshakes needs.

use std::sync::OnceLock;

use crate::tls::SERVER_NAME;

/// A certificate and its key, PEM and DER.
pub struct Identity {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// The PKCS#8 key, PEM.
    pub key_pem: String,
}

/// The server's and the client's identity.
pub struct Identities {
    /// The server (self-signed, for `localhost`).
    pub server: Identity,
    /// The client (self-signed).
    pub client: Identity,
}

/// The identities, made once per process.
pub fn identities() -> &'static Identities {
    static IDS: OnceLock<Identities> = OnceLock::new();
    IDS.get_or_init(|| Identities {
        server: identity(0x53, SERVER_NAME),
        client: identity(0x43, "fuzz client"),
    })
}

/// A self-signed Ed25519 certificate whose key comes from a fixed seed:
/// the same bytes on every run, which replaying recorded flights needs.
fn identity(seed: u8, name: &str) -> Identity {
    // PKCS#8 v1 of an Ed25519 key (RFC 8410): a fixed header and the seed.
    let mut pkcs8 = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    pkcs8.extend_from_slice(&[seed; 32]);
    let key = rcgen::KeyPair::try_from(pkcs8.as_slice()).expect("fixed Ed25519 key");
    let params =
        rcgen::CertificateParams::new(vec![name.to_string()]).expect("fixed certificate name");
    let cert = params.self_signed(&key).expect("self-signing");
    Identity {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key_pem: key.serialize_pem(),
    }
}
