//! TLS 1.2 session resumption (SPEC P07): RFC 5077 tickets and session
//! IDs with a server cache, the abbreviated handshake on both sides, the
//! fallbacks to a full handshake (forged or expired ticket, unknown id),
//! RFC 7627 5.3, the CLIENT_RANDOM key log line, and TLS 1.2 client
//! authentication through the certificate callback (P06).

mod common;
mod tls12_pair;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::*;
use ferrotls_core::{
    DistinguishedName, Error, PeerMisbehaved, ProtocolVersion, SignatureScheme, UnixTime,
};
use ferrotls_crypto::DEFAULT_PROVIDER;
use ferrotls_handshake::{
    CertifiedKey, ClientConfig, HandshakeSummary, KeyLog, ResolvesClientCert, ServerConfig,
    ServerSessionCache, TicketKeys, Tls12Resumption, Tls12ServerSession,
};
use tls12_pair::{Pair12, Rec};

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;

fn client12(pki: &Pki) -> ClientConfig {
    let mut c = pki.client_config();
    c.versions = vec![TLS12].into();
    c
}

/// A TLS 1.2 server issuing tickets.
fn server_tickets(pki: &Pki, keys: &Arc<TicketKeys>) -> ServerConfig {
    let mut s = pki.server_config();
    s.versions = vec![TLS12].into();
    s.tickets.keys = Some(keys.clone());
    s
}

fn keys() -> Arc<TicketKeys> {
    Arc::new(TicketKeys::new(&DEFAULT_PROVIDER, 3600, now()).unwrap())
}

#[derive(Default)]
struct MapCache(Mutex<HashMap<Vec<u8>, Tls12ServerSession>>);

impl ServerSessionCache for MapCache {
    fn put(&self, id: &[u8], session: &Tls12ServerSession) {
        self.0.lock().unwrap().insert(id.to_vec(), session.clone());
    }
    fn get(&self, id: &[u8], now: UnixTime) -> Option<Tls12ServerSession> {
        let m = self.0.lock().unwrap();
        m.get(id).filter(|s| s.is_valid_at(now)).cloned()
    }
}

/// A TLS 1.2 server with a session cache and no tickets.
fn server_cache(pki: &Pki, cache: &Arc<MapCache>) -> ServerConfig {
    let mut s = pki.server_config();
    s.versions = vec![TLS12].into();
    s.tickets.keys = None;
    s.session_cache = Some(cache.clone() as Arc<dyn ServerSessionCache>);
    s
}

fn resumption_of(summary: &HandshakeSummary) -> Tls12Resumption {
    Tls12Resumption {
        session: summary.tls12_session.clone().unwrap(),
        server_name: Some(SERVER_NAME.into()),
        peer_certificates: summary.peer_certificates.clone(),
    }
}

fn full(client: ClientConfig, server: ServerConfig) -> Pair12 {
    let mut p = Pair12::new(client, server);
    p.run().unwrap();
    p.assert_complete();
    assert!(!p.c.summaries[0].resumed && !p.s.summaries[0].resumed);
    p
}

/// The handshake message types a side sent, in order (CCS as 20).
fn types(p: &[Rec]) -> Vec<u8> {
    p.iter()
        .map(|r| match r {
            Rec::Hs(m) => m[0],
            Rec::Ccs => 20,
            Rec::Alert(_) => 21,
        })
        .collect()
}

#[test]
fn p07_tls12_ticket_resumption() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let first = full(client12(&pki), server_tickets(&pki, &keys));
    let session = first.c.summaries[0].tls12_session.clone().unwrap();
    // With a ticket the server keeps nothing: no session id (as OpenSSL).
    assert!(session.session_id.is_empty());
    let ticket = session.ticket.clone().expect("ticket issued");
    assert!(session.ticket_lifetime_hint > 0);
    assert_eq!(
        session.master_secret,
        first.s.summaries[0]
            .tls12_session
            .as_ref()
            .unwrap()
            .master_secret
    );

    let mut p = Pair12::resuming(
        client12(&pki),
        server_tickets(&pki, &keys),
        resumption_of(&first.c.summaries[0]),
    );
    p.run().unwrap();
    p.assert_complete();
    let (c, s) = (&p.c.summaries[0], &p.s.summaries[0]);
    assert!(c.resumed && s.resumed);
    // Abbreviated: ServerHello, NewSessionTicket (renewed), CCS, Finished;
    // no Certificate, no key exchange.
    assert_eq!(types(&p.s.sent), vec![2, 4, 20, 20]);
    assert_eq!(c.peer_certificates, pki.server.chain);
    let renewed = c.tls12_session.as_ref().unwrap();
    assert_ne!(renewed.ticket.as_ref().unwrap(), &ticket);
    assert_eq!(renewed.master_secret, session.master_secret);
    // New keys from the same master secret and fresh randoms.
    assert_ne!(p.c.write_keys, first.c.write_keys);
}

#[test]
fn p07_tls12_session_id_resumption_with_server_cache() {
    let pki = Pki::new(&rcgen::PKCS_RSA_SHA256);
    let cache = Arc::new(MapCache::default());
    let first = full(client12(&pki), server_cache(&pki, &cache));
    let session = first.c.summaries[0].tls12_session.clone().unwrap();
    assert_eq!(session.session_id.len(), 32, "a random 32-byte id");
    assert!(session.ticket.is_none());
    assert_eq!(cache.0.lock().unwrap().len(), 1);

    let mut p = Pair12::resuming(
        client12(&pki),
        server_cache(&pki, &cache),
        resumption_of(&first.c.summaries[0]),
    );
    p.run().unwrap();
    p.assert_complete();
    assert!(p.c.summaries[0].resumed && p.s.summaries[0].resumed);
    assert_eq!(
        p.c.summaries[0].tls12_session.as_ref().unwrap().session_id,
        session.session_id
    );
    assert_eq!(types(&p.s.sent), vec![2, 20, 20]);
}

#[test]
fn p07_tls12_forged_expired_or_unknown_sessions_fall_back_to_full() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let first = full(client12(&pki), server_tickets(&pki, &keys));

    // Forged: one bit of the sealed ticket changed.
    let mut forged = resumption_of(&first.c.summaries[0]);
    forged.session.ticket.as_mut().unwrap()[40] ^= 1;
    let mut p = Pair12::resuming(client12(&pki), server_tickets(&pki, &keys), forged);
    p.run().unwrap();
    p.assert_complete();
    assert!(!p.c.summaries[0].resumed && !p.s.summaries[0].resumed);
    assert_eq!(types(&p.s.sent)[..2], [2, 11], "ServerHello, Certificate");

    // Expired: the server's clock is past the session's lifetime.
    let mut p = Pair12::resuming(
        client12(&pki),
        server_tickets(&pki, &keys),
        resumption_of(&first.c.summaries[0]),
    );
    p.time = UnixTime::from_secs(now().as_secs() + 7200 + 1);
    p.run().unwrap();
    p.assert_complete();
    assert!(!p.c.summaries[0].resumed && !p.s.summaries[0].resumed);

    // Another server's keys: unknown ticket.
    let mut p = Pair12::resuming(
        client12(&pki),
        server_tickets(&pki, &self::keys()),
        resumption_of(&first.c.summaries[0]),
    );
    p.run().unwrap();
    assert!(!p.c.summaries[0].resumed);

    // A session id the server's cache does not hold.
    let cache = Arc::new(MapCache::default());
    let first = full(client12(&pki), server_cache(&pki, &cache));
    cache.0.lock().unwrap().clear();
    let mut p = Pair12::resuming(
        client12(&pki),
        server_cache(&pki, &cache),
        resumption_of(&first.c.summaries[0]),
    );
    p.run().unwrap();
    p.assert_complete();
    assert!(!p.c.summaries[0].resumed && !p.s.summaries[0].resumed);
    // The full handshake stored its new session under a new id.
    let new_id = &p.c.summaries[0].tls12_session.as_ref().unwrap().session_id;
    assert_ne!(
        new_id,
        &first.c.summaries[0]
            .tls12_session
            .as_ref()
            .unwrap()
            .session_id
    );
    assert!(cache.0.lock().unwrap().contains_key(new_id));
}

#[test]
fn p07_tls12_session_of_another_name_is_not_offered() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let first = full(client12(&pki), server_tickets(&pki, &keys));
    let mut other = resumption_of(&first.c.summaries[0]);
    other.server_name = Some("elsewhere.example".into());
    let mut p = Pair12::resuming(client12(&pki), server_tickets(&pki, &keys), other);
    p.run().unwrap();
    assert!(!p.c.summaries[0].resumed);
}

#[test]
fn p07_tls12_ems_must_match_the_resumed_session() {
    // RFC 7627 5.3: the server resumes an EMS session with EMS; a client
    // whose record of the session says "no EMS" must abort.
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let first = full(client12(&pki), server_tickets(&pki, &keys));
    let mut lying = resumption_of(&first.c.summaries[0]);
    assert!(lying.session.extended_master_secret);
    lying.session.extended_master_secret = false;
    let mut p = Pair12::resuming(client12(&pki), server_tickets(&pki, &keys), lying);
    let e = p.run().unwrap_err();
    assert!(matches!(
        e,
        Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter(_))
    ));
}

#[test]
fn p07_tls12_tickets_off_on_either_side() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    // Client without the session_ticket extension: no ticket.
    let mut c = client12(&pki);
    c.enable_tickets = false;
    let p = full(c, server_tickets(&pki, &keys));
    assert!(
        p.c.summaries[0]
            .tls12_session
            .as_ref()
            .unwrap()
            .ticket
            .is_none()
    );
    // Server with TLS 1.2 tickets off (SSL_OP_NO_TICKET): none either.
    let mut s = server_tickets(&pki, &keys);
    s.tickets.tls12 = false;
    let p = full(client12(&pki), s);
    let session = p.c.summaries[0].tls12_session.clone().unwrap();
    assert!(session.ticket.is_none() && !session.is_resumable());
}

/// One key log call: label, client random, secret.
type Entry = (String, Vec<u8>, Vec<u8>);

#[derive(Default)]
struct Lines(Mutex<Vec<Entry>>);

impl KeyLog for Lines {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        self.0
            .lock()
            .unwrap()
            .push((label.into(), client_random.to_vec(), secret.to_vec()));
    }
}

#[test]
fn p09_tls12_key_log_client_random_line() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let (cl, sl) = (Arc::new(Lines::default()), Arc::new(Lines::default()));
    let mut c = client12(&pki);
    c.key_log = Some(cl.clone());
    let mut s = server_tickets(&pki, &keys);
    s.key_log = Some(sl.clone());
    let first = full(c.clone(), s.clone());
    let ms = first.c.summaries[0]
        .tls12_session
        .as_ref()
        .unwrap()
        .master_secret
        .as_bytes()
        .to_vec();
    let hello_random = |p: &Pair12| match &p.c.sent[0] {
        // Header (4), client_version (2), then the random.
        Rec::Hs(m) => m[6..38].to_vec(),
        _ => panic!("ClientHello first"),
    };
    for log in [&cl, &sl] {
        let lines = log.0.lock().unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0, "CLIENT_RANDOM");
        assert_eq!(lines[0].1, hello_random(&first));
        assert_eq!(lines[0].2, ms);
    }
    // A resumption logs the same master secret with the new random.
    let mut p = Pair12::resuming(c, s, resumption_of(&first.c.summaries[0]));
    p.run().unwrap();
    assert!(p.c.summaries[0].resumed);
    for log in [&cl, &sl] {
        let lines = log.0.lock().unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].1, hello_random(&p));
        assert_eq!(lines[1].2, ms);
    }
}

struct Resolver {
    cert: Arc<CertifiedKey>,
    calls: Mutex<usize>,
}

impl ResolvesClientCert for Resolver {
    fn resolve(
        &self,
        ca_names: &[DistinguishedName],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let _ = ca_names;
        *self.calls.lock().unwrap() += 1;
        Some(self.cert.clone())
    }
}

#[test]
fn p06_tls12_client_certificate_callback() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let resolver = Arc::new(Resolver {
        cert: pki.client.clone(),
        calls: Mutex::new(0),
    });
    let mut c = client12(&pki);
    c.client_cert_resolver = Some(resolver.clone());
    let mut s = pki.server_config_client_auth(true);
    s.versions = vec![TLS12].into();
    let p = full(c, s);
    assert_eq!(p.s.summaries[0].peer_certificates, pki.client.chain);
    assert!(p.s.summaries[0].signature_scheme.is_some());
    assert_eq!(*resolver.calls.lock().unwrap(), 1);
}
