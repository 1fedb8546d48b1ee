//! An in-memory client/server pair for the state machine tests: the
//! `Send` payloads of one side are split into messages with a
//! `HandshakeJoiner` and fed to the other; the record layer is not
//! involved, but the key changes are tracked so that both sides can be
//! checked to derive the same traffic secrets in the same order.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ferrotls_core::crypto::{CryptoProvider, Secret, SigningKey};
use ferrotls_core::{
    CertificateDer, ContentType, Error, PrivateKeyDer, PrivateKeyFormat, ServerName, UnixTime,
};
use ferrotls_crypto::DEFAULT_PROVIDER;
use ferrotls_handshake::{
    Action, CertifiedKey, ClientConfig, Handshake, HandshakeJoiner, HandshakeSummary, RecordKeys,
    ServerConfig, Tls13SessionTicket,
};
use ferrotls_pki::{RootCertStore, WebPkiClientVerifier, WebPkiServerVerifier};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};

pub const SERVER_NAME: &str = "localhost";

/// `SERVER_NAME` as the handshake takes it.
pub fn server_name() -> ServerName {
    ServerName::try_from(SERVER_NAME).unwrap()
}

/// Splits a Handshake record payload into whole messages, the way the
/// record layer feeds them to the peer; a payload ending in a partial
/// message is a bug in the sender.
pub fn split_messages(payload: &[u8]) -> Vec<Vec<u8>> {
    let mut j = HandshakeJoiner::new(1 << 20);
    j.push(payload).unwrap();
    let mut messages = Vec::new();
    while let Some(m) = j.next_message() {
        messages.push(m.to_vec());
    }
    assert!(j.is_empty(), "a Send held a partial message");
    messages
}

/// The certificate key types of the matrix.
pub fn key_types() -> [(&'static str, &'static SignatureAlgorithm); 4] {
    [
        ("ecdsa-p256", &rcgen::PKCS_ECDSA_P256_SHA256),
        ("ecdsa-p384", &rcgen::PKCS_ECDSA_P384_SHA384),
        ("rsa-2048", &rcgen::PKCS_RSA_SHA256),
        ("ed25519", &rcgen::PKCS_ED25519),
    ]
}

pub fn now() -> UnixTime {
    UnixTime::from_secs(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
}

/// A CA with a server and a client certificate, made at test time.
pub struct Pki {
    pub ca: CertificateDer,
    pub server: Arc<CertifiedKey>,
    pub client: Arc<CertifiedKey>,
    pub roots: Arc<RootCertStore>,
}

fn load_key(kp: &KeyPair) -> Arc<dyn SigningKey> {
    DEFAULT_PROVIDER
        .key_provider
        .load_private_key(&PrivateKeyDer::new(
            PrivateKeyFormat::Pkcs8,
            kp.serialize_der(),
        ))
        .unwrap()
}

fn leaf(
    names: &[&str],
    eku: ExtendedKeyUsagePurpose,
    alg: &'static SignatureAlgorithm,
    issuer: &Issuer<'_, KeyPair>,
    ca: &CertificateDer,
) -> Arc<CertifiedKey> {
    let kp = KeyPair::generate_for(alg).unwrap();
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, names[0]);
    p.extended_key_usages = vec![eku];
    let cert = p.signed_by(&kp, issuer).unwrap();
    Arc::new(CertifiedKey::new(
        vec![CertificateDer::from_vec(cert.der().to_vec()), ca.clone()],
        load_key(&kp),
    ))
}

impl Pki {
    /// A CA of `alg` and leaves of `alg`.
    pub fn new(alg: &'static SignatureAlgorithm) -> Self {
        let ca_key = KeyPair::generate_for(alg).unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        // A distinct name per CA, so that chains of two test CAs never meet.
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        let n = SERIAL.fetch_add(1, Ordering::Relaxed);
        p.distinguished_name
            .push(DnType::CommonName, format!("ferrotls test CA {n}"));
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = p.self_signed(&ca_key).unwrap();
        let ca = CertificateDer::from_vec(ca_cert.der().to_vec());
        let issuer = Issuer::new(p, ca_key);
        let server = leaf(
            &[SERVER_NAME],
            ExtendedKeyUsagePurpose::ServerAuth,
            alg,
            &issuer,
            &ca,
        );
        let client = leaf(
            &["client.example"],
            ExtendedKeyUsagePurpose::ClientAuth,
            alg,
            &issuer,
            &ca,
        );
        let mut roots = RootCertStore::new();
        roots.add(&ca).unwrap();
        Self {
            ca,
            server,
            client,
            roots: Arc::new(roots),
        }
    }

    pub fn client_config(&self) -> ClientConfig {
        self.client_config_with(&DEFAULT_PROVIDER)
    }

    pub fn client_config_with(&self, provider: &'static CryptoProvider) -> ClientConfig {
        let verifier = WebPkiServerVerifier::builder(self.roots.clone(), provider).build();
        ClientConfig::new(provider, verifier)
    }

    pub fn server_config(&self) -> ServerConfig {
        ServerConfig::new(&DEFAULT_PROVIDER, self.server.clone())
    }

    /// A server that asks for client certificates (mandatory or not).
    pub fn server_config_client_auth(&self, mandatory: bool) -> ServerConfig {
        let mut b = WebPkiClientVerifier::builder(self.roots.clone(), &DEFAULT_PROVIDER);
        if !mandatory {
            b = b.allow_unauthenticated();
        }
        let mut c = self.server_config();
        c.client_verifier = Some(b.build());
        c
    }
}

/// One action that bears on record protection, in the order it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Send(ContentType),
    WriteKeys,
    ReadKeys,
    /// RFC 8449 `SetRecordSizeLimit`.
    Limit {
        send: Option<usize>,
        receive: Option<usize>,
    },
}

/// What one side's actions amounted to.
#[derive(Default)]
pub struct Side {
    /// Sends, key changes and record size limits, in order.
    pub steps: Vec<Step>,
    /// Handshake messages not yet delivered to the peer.
    pub outbox: Vec<Vec<u8>>,
    /// ChangeCipherSpec records sent.
    pub ccs_sent: usize,
    /// Content types of everything sent, in order (Handshake, CCS, ...).
    pub sent_types: Vec<ContentType>,
    /// Traffic secrets installed, in order.
    pub read_secrets: Vec<Secret>,
    pub write_secrets: Vec<Secret>,
    pub summary: Option<HandshakeSummary>,
    pub tickets: Vec<Tls13SessionTicket>,
}

impl Side {
    /// Applies actions; handshake payloads are split into messages.
    pub fn absorb(&mut self, actions: Vec<Action>) {
        for a in actions {
            if let Some(step) = step_of(&a) {
                self.steps.push(step);
            }
            match a {
                Action::Send {
                    content_type,
                    payload,
                } => {
                    self.sent_types.push(content_type);
                    match content_type {
                        ContentType::Handshake => self.outbox.extend(split_messages(&payload)),
                        ContentType::ChangeCipherSpec => {
                            assert_eq!(payload, [1]);
                            self.ccs_sent += 1;
                        }
                        other => panic!("unexpected send of {other:?}"),
                    }
                }
                Action::SetReadKeys(RecordKeys::Tls13 { traffic_secret, .. }) => {
                    self.read_secrets.push(traffic_secret)
                }
                Action::SetWriteKeys(RecordKeys::Tls13 { traffic_secret, .. }) => {
                    self.write_secrets.push(traffic_secret)
                }
                Action::SetReadKeys(_) | Action::SetWriteKeys(_) => panic!("TLS 1.2 keys"),
                Action::SetRecordSizeLimit { .. } => {}
                Action::HandshakeComplete(s) => self.summary = Some((*s).clone()),
                Action::SessionTicket(t) => self.tickets.push(*t),
            }
        }
    }
}

/// The [`Step`] an action stands for, if any.
pub fn step_of(a: &Action) -> Option<Step> {
    Some(match a {
        Action::Send { content_type, .. } => Step::Send(*content_type),
        Action::SetWriteKeys(_) => Step::WriteKeys,
        Action::SetReadKeys(_) => Step::ReadKeys,
        Action::SetRecordSizeLimit { send, receive } => Step::Limit {
            send: *send,
            receive: *receive,
        },
        _ => return None,
    })
}

/// A client and a server joined back to back.
pub struct Pair {
    pub client: Handshake,
    pub server: Handshake,
    pub c: Side,
    pub s: Side,
}

impl Pair {
    pub fn new(client: ClientConfig, server: ServerConfig) -> Self {
        let mut out = Vec::new();
        let client =
            Handshake::new_client(Arc::new(client), Some(server_name()), &mut out).unwrap();
        let mut c = Side::default();
        c.absorb(out);
        Self {
            client,
            server: Handshake::new_server(Arc::new(server)),
            c,
            s: Side::default(),
        }
    }

    /// Delivers the client's pending messages to the server.
    pub fn client_to_server(&mut self) -> Result<(), Error> {
        for m in std::mem::take(&mut self.c.outbox) {
            let mut out = Vec::new();
            let r = self.server.handle_handshake(&m, now(), &mut out);
            self.s.absorb(out);
            r?;
        }
        Ok(())
    }

    /// Delivers the server's pending messages to the client.
    pub fn server_to_client(&mut self) -> Result<(), Error> {
        for m in std::mem::take(&mut self.s.outbox) {
            let mut out = Vec::new();
            let r = self.client.handle_handshake(&m, now(), &mut out);
            self.c.absorb(out);
            r?;
        }
        Ok(())
    }

    /// Runs until neither side has anything to send.
    pub fn run(&mut self) -> Result<(), Error> {
        while !self.c.outbox.is_empty() || !self.s.outbox.is_empty() {
            self.client_to_server()?;
            self.server_to_client()?;
        }
        Ok(())
    }

    /// Both sides finished and installed matching secrets.
    pub fn assert_complete(&self) {
        assert!(!self.client.is_handshaking());
        assert!(!self.server.is_handshaking());
        assert!(self.c.summary.is_some() && self.s.summary.is_some());
        assert_eq!(self.c.write_secrets, self.s.read_secrets);
        assert_eq!(self.s.write_secrets, self.c.read_secrets);
    }
}
