//! TLS 1.3 resumption with stateless tickets over the in-memory pair
//! (SPEC P07), plus the handshake hooks (key log, SNI and ALPN choice).

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use ferrotls_core::{
    AlertDescription, CertificateDer, CipherSuite, Error, HandshakeType, PeerIncompatible,
    PeerMisbehaved, UnixTime,
};
use ferrotls_crypto::DEFAULT_PROVIDER;
use ferrotls_handshake::session::{ServerSessionValue, TicketKeys};
use ferrotls_handshake::{
    AlpnDecision, CertifiedKey, ClientConfig, Handshake, KeyLog, ResolvesServerCert, SelectsAlpn,
    ServerConfig, SniDecision, Tls13SessionTicket,
};

/// A pair driven at explicit times, recording every message type the
/// server sent.
struct Run {
    pair: Pair,
    client_now: UnixTime,
    server_now: UnixTime,
    server_sent: Vec<HandshakeType>,
}

impl Run {
    fn new(
        client: ClientConfig,
        server: ServerConfig,
        ticket: Option<&Tls13SessionTicket>,
    ) -> Self {
        Self::at(client, server, ticket, now(), now())
    }

    fn at(
        client: ClientConfig,
        server: ServerConfig,
        ticket: Option<&Tls13SessionTicket>,
        client_now: UnixTime,
        server_now: UnixTime,
    ) -> Self {
        let mut out = Vec::new();
        let name = server_name();
        let client = match ticket {
            Some(t) => {
                Handshake::new_client_resuming(Arc::new(client), name, t, client_now, &mut out)
            }
            None => Handshake::new_client(Arc::new(client), Some(name), &mut out),
        }
        .unwrap();
        let mut c = Side::default();
        c.absorb(out);
        Self {
            pair: Pair {
                client,
                server: Handshake::new_server(Arc::new(server)),
                c,
                s: Side::default(),
            },
            client_now,
            server_now,
            server_sent: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), Error> {
        let p = &mut self.pair;
        while !p.c.outbox.is_empty() || !p.s.outbox.is_empty() {
            for m in std::mem::take(&mut p.c.outbox) {
                let mut out = Vec::new();
                let r = p.server.handle_handshake(&m, self.server_now, &mut out);
                p.s.absorb(out);
                r?;
            }
            for m in std::mem::take(&mut p.s.outbox) {
                self.server_sent.push(HandshakeType::from(m[0]));
                let mut out = Vec::new();
                let r = p.client.handle_handshake(&m, self.client_now, &mut out);
                p.c.absorb(out);
                r?;
            }
        }
        Ok(())
    }

    fn resumed(&self) -> (bool, bool) {
        (
            self.pair.c.summary.as_ref().unwrap().resumed,
            self.pair.s.summary.as_ref().unwrap().resumed,
        )
    }
}

fn keys() -> Arc<TicketKeys> {
    Arc::new(TicketKeys::new(&DEFAULT_PROVIDER, 3600, now()).unwrap())
}

fn ticketing_server(pki: &Pki, keys: &Arc<TicketKeys>) -> ServerConfig {
    let mut s = pki.server_config();
    s.tickets.keys = Some(keys.clone());
    s
}

/// A full handshake; returns the tickets the client received.
fn first_connection(pki: &Pki, server: ServerConfig) -> Vec<Tls13SessionTicket> {
    let mut r = Run::new(pki.client_config(), server, None);
    r.run().unwrap();
    r.pair.assert_complete();
    assert_eq!(r.resumed(), (false, false));
    r.pair.c.tickets.clone()
}

#[test]
fn p07_ticket_resumes_with_psk_dhe_ke_and_no_certificate() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    assert_eq!(tickets.len(), 2, "OpenSSL's default of two tickets");
    assert_ne!(tickets[0].ticket, tickets[1].ticket);
    assert_ne!(tickets[0].psk.as_bytes(), tickets[1].psk.as_bytes());
    assert_eq!(tickets[0].lifetime, 7200);
    assert_eq!(tickets[0].peer_certificates, pki.server.chain);

    let mut r = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
    );
    r.run().unwrap();
    r.pair.assert_complete();
    assert_eq!(r.resumed(), (true, true));
    assert!(!r.server_sent.contains(&HandshakeType::Certificate));
    assert!(!r.server_sent.contains(&HandshakeType::CertificateVerify));
    let cs = r.pair.c.summary.as_ref().unwrap();
    assert_eq!(
        cs.peer_certificates, pki.server.chain,
        "the server chain is restored from the ticket"
    );
    assert_eq!(cs.signature_scheme, None);
    // One new ticket after a resumption, as OpenSSL does.
    assert_eq!(r.pair.c.tickets.len(), 1);
}

#[test]
fn p07_resumed_keys_differ_from_the_original_connection() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    let mut a = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
    );
    a.run().unwrap();
    let mut b = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
    );
    b.run().unwrap();
    assert_eq!(a.resumed(), (true, true));
    assert_eq!(b.resumed(), (true, true));
    // psk_dhe_ke: the fresh (EC)DHE makes every resumption's keys unique.
    assert_ne!(a.pair.c.write_secrets, b.pair.c.write_secrets);
}

#[test]
fn p07_forged_ticket_falls_back_to_a_full_handshake() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let mut tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    let t = &mut tickets[0];
    let mid = t.ticket.len() / 2;
    t.ticket[mid] ^= 1;
    let mut r = Run::new(pki.client_config(), ticketing_server(&pki, &keys), Some(t));
    r.run().unwrap();
    r.pair.assert_complete();
    assert_eq!(r.resumed(), (false, false));
    assert!(r.server_sent.contains(&HandshakeType::Certificate));
}

#[test]
fn p07_ticket_of_another_server_key_falls_back() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys()));
    let mut r = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &keys()),
        Some(&tickets[0]),
    );
    r.run().unwrap();
    assert_eq!(r.resumed(), (false, false));
}

#[test]
fn p07_shared_ticket_key_lets_another_server_resume() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let shared =
        |_: ()| Arc::new(TicketKeys::from_key(&DEFAULT_PROVIDER, [7; 16], &[9; 32]).unwrap());
    let tickets = first_connection(&pki, ticketing_server(&pki, &shared(())));
    let mut r = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &shared(())),
        Some(&tickets[1]),
    );
    r.run().unwrap();
    assert_eq!(r.resumed(), (true, true));
}

#[test]
fn p07_expired_ticket_is_not_offered_by_the_client() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    let later = UnixTime::from_secs(now().as_secs() + 7201);
    let mut r = Run::at(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
        later,
        now(),
    );
    r.run().unwrap();
    assert_eq!(r.resumed(), (false, false));
}

#[test]
fn p07_server_refuses_a_ticket_past_its_lifetime() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let mut server = ticketing_server(&pki, &keys);
    server.tickets.lifetime = 10;
    let tickets = first_connection(&pki, server.clone());
    assert_eq!(tickets[0].lifetime, 10);
    // The client's clock says the ticket is fresh (so it offers it), the
    // server's that it has expired.
    let mut t = tickets[0].clone();
    t.lifetime = 3600;
    let later = UnixTime::from_secs(now().as_secs() + 11);
    let mut r = Run::at(pki.client_config(), server, Some(&t), now(), later);
    r.run().unwrap();
    assert_eq!(r.resumed(), (false, false));
}

#[test]
fn p07_ticket_age_outside_the_window_falls_back() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    // The client reports an age of ~0 s; the server thinks 60 s passed.
    let later = UnixTime::from_secs(now().as_secs() + 60);
    let mut r = Run::at(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
        tickets[0].received_at,
        later,
    );
    r.run().unwrap();
    assert_eq!(r.resumed(), (false, false));
    // Within the window it resumes.
    let close = UnixTime::from_secs(tickets[0].received_at.as_secs() + 5);
    let mut r = Run::at(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
        tickets[0].received_at,
        close,
    );
    r.run().unwrap();
    assert_eq!(r.resumed(), (true, true));
}

#[test]
fn p07_bad_binder_is_decrypt_error() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    let mut r = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
    );
    // The binder is the last bytes of the ClientHello.
    let hello = r.pair.c.outbox.last_mut().unwrap();
    *hello.last_mut().unwrap() ^= 0x80;
    let err = r.run().unwrap_err();
    assert_eq!(err, PeerMisbehaved::BadBinder.into());
    assert_eq!(err.alert(), Some(AlertDescription::DecryptError));
}

#[test]
fn p07_ticket_of_another_hash_is_not_used() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let mut server = ticketing_server(&pki, &keys);
    server.cipher_suites = vec![CipherSuite::TLS13_AES_256_GCM_SHA384].into();
    let tickets = first_connection(&pki, server);
    assert_eq!(
        tickets[0].suite.suite,
        CipherSuite::TLS13_AES_256_GCM_SHA384
    );
    let mut server = ticketing_server(&pki, &keys);
    server.cipher_suites = vec![CipherSuite::TLS13_AES_128_GCM_SHA256].into();
    let mut r = Run::new(pki.client_config(), server, Some(&tickets[0]));
    r.run().unwrap();
    r.pair.assert_complete();
    assert_eq!(r.resumed(), (false, false));
}

#[test]
fn p07_resumption_survives_a_hello_retry_request() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    let mut client = pki.client_config();
    client.key_share_count = 1; // X25519MLKEM768 only
    let mut server = ticketing_server(&pki, &keys);
    server.groups = vec![ferrotls_core::NamedGroup::SECP384R1].into();
    let mut r = Run::new(client, server, Some(&tickets[0]));
    r.run().unwrap();
    r.pair.assert_complete();
    assert!(r.pair.c.summary.as_ref().unwrap().hello_retry_request);
    assert_eq!(r.resumed(), (true, true));
}

#[test]
fn p07_ticket_not_offered_for_another_server_name() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let mut tickets = first_connection(&pki, ticketing_server(&pki, &keys));
    tickets[0].server_name = Some("other.example".into());
    let mut r = Run::new(
        pki.client_config(),
        ticketing_server(&pki, &keys),
        Some(&tickets[0]),
    );
    r.run().unwrap();
    assert_eq!(r.resumed(), (false, false));
}

#[test]
fn p06_p07_client_certificate_is_restored_on_resumption() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = keys();
    let mut server = pki.server_config_client_auth(true);
    server.tickets.keys = Some(keys.clone());
    let mut client = pki.client_config();
    client.client_auth_cert = Some(pki.client.clone());
    let mut r = Run::new(client.clone(), server.clone(), None);
    r.run().unwrap();
    let ticket = r.pair.c.tickets[0].clone();
    let mut r = Run::new(client, server, Some(&ticket));
    r.run().unwrap();
    assert_eq!(r.resumed(), (true, true));
    assert!(!r.server_sent.contains(&HandshakeType::CertificateRequest));
    let s = r.pair.s.summary.as_ref().unwrap();
    assert_eq!(s.peer_certificates, pki.client.chain);
}

#[test]
fn p07_no_tickets_without_keys_or_with_a_zero_count() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    assert!(first_connection(&pki, pki.server_config()).is_empty());
    let mut server = ticketing_server(&pki, &keys());
    server.tickets.count = 0;
    assert!(first_connection(&pki, server).is_empty());
    let mut server = ticketing_server(&pki, &keys());
    server.tickets.count = 4;
    assert_eq!(first_connection(&pki, server).len(), 4);
}

#[test]
fn p07_ticket_keys_rotate_and_keep_the_previous_key() {
    let t0 = now();
    let at = |s: u64| UnixTime::from_secs(t0.as_secs() + s);
    let keys = TicketKeys::new(&DEFAULT_PROVIDER, 10, t0).unwrap();
    let sealed = keys.seal(b"state", t0).unwrap();
    assert_eq!(keys.open(&sealed, at(5)).as_deref(), Some(&b"state"[..]));
    // Rotated at 12 s: the old key still opens.
    let newer = keys.seal(b"newer", at(12)).unwrap();
    assert_ne!(newer[..16], sealed[..16], "a new key name after rotation");
    assert_eq!(keys.open(&sealed, at(12)).as_deref(), Some(&b"state"[..]));
    // Two rotations later it is gone; the newer one still opens.
    let _ = keys.seal(b"x", at(25)).unwrap();
    assert_eq!(keys.open(&sealed, at(25)), None);
    assert_eq!(keys.open(&newer, at(25)).as_deref(), Some(&b"newer"[..]));
    // Damage anywhere fails.
    for i in 0..newer.len() {
        let mut bad = newer.clone();
        bad[i] ^= 1;
        assert_eq!(keys.open(&bad, at(25)), None, "byte {i}");
    }
    assert_eq!(keys.open(&newer[..20], at(25)), None);
}

#[test]
fn r_ticket_state_decoding_is_strict_and_never_panics() {
    let v = ServerSessionValue {
        version: ferrotls_core::ProtocolVersion::TLSv1_3,
        suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
        psk: ferrotls_core::crypto::Secret::from_slice(&[3; 32]).unwrap(),
        created: now(),
        age_add: 77,
        lifetime: 100,
        alpn: Some(b"h2".to_vec()),
        sni: Some("localhost".into()),
        peer_certificates: vec![CertificateDer::from_vec(vec![0x30, 0]); 2],
    };
    let enc = v.encode();
    let back = ServerSessionValue::decode(&enc).unwrap();
    assert_eq!(back.encode(), enc);
    for n in 0..enc.len() {
        assert!(ServerSessionValue::decode(&enc[..n]).is_err(), "prefix {n}");
    }
    let mut long = enc.clone();
    long.push(0);
    assert!(ServerSessionValue::decode(&long).is_err());
    for i in 0..enc.len() {
        for b in [0u8, 0xff] {
            let mut e = enc.clone();
            e[i] = b;
            let _ = ServerSessionValue::decode(&e);
        }
    }
}

/// One logged secret: label, client random, secret.
type Logged = (String, Vec<u8>, Vec<u8>);

/// Collects key log lines.
#[derive(Default)]
struct Collect(Mutex<Vec<Logged>>);

impl KeyLog for Collect {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        self.0
            .lock()
            .unwrap()
            .push((label.into(), client_random.to_vec(), secret.to_vec()));
    }
}

impl Collect {
    fn get(&self, label: &str) -> Vec<u8> {
        let v = self.0.lock().unwrap();
        let found: Vec<_> = v.iter().filter(|(l, ..)| l == label).collect();
        assert_eq!(found.len(), 1, "{label} logged once");
        found[0].2.clone()
    }
}

#[test]
fn p09_key_log_matches_the_traffic_secrets_on_both_sides() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (cl, sl) = (Arc::new(Collect::default()), Arc::new(Collect::default()));
    let mut client = pki.client_config();
    client.key_log = Some(cl.clone());
    let mut server = pki.server_config();
    server.key_log = Some(sl.clone());
    let mut r = Run::new(client, server, None);
    r.run().unwrap();
    r.pair.assert_complete();
    let c = &r.pair.c;
    // Client write secrets: handshake, then application.
    assert_eq!(
        cl.get("CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
        c.write_secrets[0].as_bytes()
    );
    assert_eq!(
        cl.get("CLIENT_TRAFFIC_SECRET_0"),
        c.write_secrets[1].as_bytes()
    );
    assert_eq!(
        cl.get("SERVER_HANDSHAKE_TRAFFIC_SECRET"),
        c.read_secrets[0].as_bytes()
    );
    assert_eq!(
        cl.get("SERVER_TRAFFIC_SECRET_0"),
        c.read_secrets[1].as_bytes()
    );
    assert_eq!(cl.get("EXPORTER_SECRET").len(), 32);
    // Both sides log the same lines with the ClientHello random.
    let mut a = cl.0.lock().unwrap().clone();
    let mut b = sl.0.lock().unwrap().clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(a.len(), 5);
    let random = &a[0].1;
    assert!(a.iter().all(|(_, r, _)| r == random));
    let line = ferrotls_handshake::hooks::key_log_line("X", &[0xab, 1], &[0xff]);
    assert_eq!(line, "X ab01 ff");
}

struct BySni(Arc<CertifiedKey>);

impl ResolvesServerCert for BySni {
    fn resolve(&self, name: Option<&str>) -> SniDecision {
        match name {
            Some("localhost") => SniDecision::Ok(Some(self.0.clone())),
            Some("noack.example") => SniDecision::NoAck(None),
            _ => SniDecision::Fatal(AlertDescription::UnrecognizedName),
        }
    }
}

#[test]
fn p08_sni_hook_switches_the_certificate() {
    let default = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let other = Pki::new(&rcgen::PKCS_ED25519);
    let mut server = default.server_config();
    server.cert_resolver = Some(Arc::new(BySni(other.server.clone())));
    // The client trusts only the CA of the certificate the hook picks.
    let mut r = Run::new(other.client_config(), server, None);
    r.run().unwrap();
    r.pair.assert_complete();
    let cs = r.pair.c.summary.as_ref().unwrap();
    assert_eq!(cs.peer_certificates, other.server.chain);
}

#[test]
fn p08_sni_hook_fatal_is_unrecognized_name() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let mut server = pki.server_config();
    server.cert_resolver = Some(Arc::new(BySni(pki.server.clone())));
    let mut client = pki.client_config();
    client.enable_sni = false;
    let mut r = Run::new(client, server, None);
    let err = r.run().unwrap_err();
    assert_eq!(err, PeerIncompatible::UnrecognizedName.into());
    assert_eq!(err.alert(), Some(AlertDescription::UnrecognizedName));
}

struct Alpn(AlpnDecision);

impl SelectsAlpn for Alpn {
    fn select(&self, offered: &[&[u8]]) -> AlpnDecision {
        assert_eq!(offered, [&b"h2"[..], b"http/1.1"]);
        self.0.clone()
    }
}

#[test]
fn p08_alpn_select_hook_select_noack_fatal() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let run = |d: AlpnDecision| {
        let mut client = pki.client_config();
        client.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let mut server = pki.server_config();
        server.alpn_selector = Some(Arc::new(Alpn(d)));
        let mut r = Run::new(client, server, None);
        r.run().map(|()| r.pair.c.summary.clone().unwrap().alpn)
    };
    assert_eq!(
        run(AlpnDecision::Select(b"http/1.1".to_vec())).unwrap(),
        Some(b"http/1.1".to_vec())
    );
    assert_eq!(run(AlpnDecision::NoAck).unwrap(), None);
    let err = run(AlpnDecision::Fatal).unwrap_err();
    assert_eq!(err.alert(), Some(AlertDescription::NoApplicationProtocol));
    let err = run(AlpnDecision::Select(b"spdy".to_vec())).unwrap_err();
    assert_eq!(err.alert(), Some(AlertDescription::InternalError));
}
